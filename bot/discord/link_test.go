package discord_test

import (
	"slices"
	"testing"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

func linkOption(handle string) map[string]any {
	return map[string]any{"name": "handle", "type": 3, "value": handle}
}

// /link stores a claim and asks the sellers; a member's Confirm links the
// account, tells the creator, and what waited for them goes out.
func TestLinkConfirmedDeliversWhatWaited(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `creator add @nina_b followers=5000 niche=beauty`)
	w.team(dana, `plan "Spring" P300=12% samples=1 stock=20`)
	nina, err := w.app.CreatorActorByHandle(ctxb, "nina_b")
	if err != nil {
		t.Fatal(err)
	}
	// Queued before nina has a Discord account (the console's creator).
	if _, _, err := w.grammar.Run(ctxb, nina, "request P300 PL1"); err != nil {
		t.Fatal(err)
	}
	w.deliver()
	for _, o := range w.outbox() {
		if o.Notice.Kind == domain.NoticeSampleReceived && (o.State != domain.OutboxPending || o.Attempts != 0) {
			t.Errorf("unlinked creator's DM is %s after %d attempts, want waiting (pending, no attempt counted)", o.State, o.Attempts)
		}
	}
	if n := len(w.fake.callsTo("POST channels/")); n != 0 {
		t.Fatalf("%d DMs posted before the link", n)
	}

	resp, _ := w.ok(w.slash(zoe, "link", linkOption("@Nina_B")))
	wantEphemeral(t, resp)
	wantContains(t, "/link answer", answerText(resp), "@nina_b", "seller team")
	if _, err := w.app.CreatorActor(ctxb, zoeID); err == nil {
		t.Fatal("the claim alone linked the account")
	}
	w.deliver()
	var card present.Card
	for _, o := range w.slack.sent {
		if o.Notice.Kind == domain.NoticeLinkRequest {
			if o.To.Channel != domain.ChannelSellers {
				t.Errorf("link request went to %s, want the sellers", o.To)
			}
			card = present.Notice(o.Notice, present.Reader{})
		}
	}
	wantContains(t, "link request card", card.Title+" "+fieldsText(card), "Zoe", zoeID, "@nina_b")
	if ids := buttonActions(card); !slices.Equal(ids, []string{"link-confirm:1", "link-reject:1"}) {
		t.Fatalf("link request buttons %v", ids)
	}

	// The Slack adapter sends every button through grammar.Click.
	if _, err := w.grammar.Click(ctxb, nina, "link-confirm:1"); domain.ErrorKind(err) != domain.KindForbidden {
		t.Errorf("a creator confirming = %v, want forbidden", err)
	}
	got, err := w.grammar.Click(ctxb, dana, "link-confirm:1")
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, "confirm answer", got.Text, "Linked", "@nina_b")
	if a, err := w.app.CreatorActor(ctxb, zoeID); err != nil || a.Name != "@nina_b" {
		t.Fatalf("after Confirm, zoe is %+v %v, want @nina_b", a, err)
	}
	w.deliver()
	var titles []string
	for _, c := range w.fake.callsTo("POST channels/dm-" + zoeID + "/messages") {
		titles = append(titles, embedOf(c)["title"].(string))
	}
	if !slices.Contains(titles, "Your Discord account is linked") || !slices.ContainsFunc(titles, func(s string) bool { return s == "Sample request S1 received" }) {
		t.Errorf("DMs to zoe after the link: %q, want the link confirmation and the sample DM that waited", titles)
	}
	edited := false
	for _, o := range w.slack.sent {
		edited = edited || (o.Notice.Kind == domain.NoticeLinkRequest && o.Replaces != "" && o.Notice.Link.State == domain.LinkConfirmed)
	}
	if !edited {
		t.Error("the link request card was not updated with the decision")
	}
	resp, _ = w.ok(w.slash(zoe, "plans"))
	wantContains(t, "/plans once linked", answerText(resp), "Spring")
}

func TestLinkRejectedLinksNothing(t *testing.T) {
	w := newWorld(t)
	w.roster()
	resp, _ := w.ok(w.slash(zoe, "link", linkOption("new_face")))
	wantContains(t, "/link answer", answerText(resp), "@new_face")
	w.deliver()
	if _, err := w.grammar.Click(ctxb, dana, "link-reject:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.CreatorActor(ctxb, zoeID); err == nil {
		t.Error("a rejected claim linked the account")
	}
	if _, err := w.app.CreatorActorByHandle(ctxb, "new_face"); err == nil {
		t.Error("a rejected claim added the creator")
	}
	if _, err := w.grammar.Click(ctxb, dana, "link-confirm:1"); domain.ErrorKind(err) != domain.KindConflict {
		t.Errorf("confirming a rejected claim = %v, want a conflict naming who decided", err)
	}
}

func TestLinkConfirmedAddsACreatorNotOnTheRoster(t *testing.T) {
	w := newWorld(t)
	w.ok(w.slash(zoe, "link", linkOption("new_face")))
	again, _ := w.ok(w.slash(zoe, "link", linkOption("new_face")))
	wantContains(t, "second /link", answerText(again), "already asked")
	if _, err := w.grammar.Click(ctxb, dana, "link-confirm:1"); err != nil {
		t.Fatal(err)
	}
	a, err := w.app.CreatorActorByHandle(ctxb, "new_face")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := w.app.Creator(ctxb, a.CreatorID); c.DiscordID != zoeID || !c.Reachable {
		t.Errorf("added creator %+v, want linked to zoe and reachable", c)
	}
}

// A claim on a handle already linked to someone else is refused at once
// and reported to the sellers; nothing changes for the real owner.
func TestLinkClaimOnAnotherAccountsHandleIsRefused(t *testing.T) {
	w := newWorld(t)
	w.roster()
	resp, _ := w.ok(w.slash(zoe, "link", linkOption("maya_glow")))
	wantEphemeral(t, resp)
	wantContains(t, "refusal", answerText(resp), "already linked", "refused")
	w.deliver()
	var card present.Card
	for _, o := range w.slack.sent {
		if o.Notice.Kind == domain.NoticeLinkRequest {
			card = present.Notice(o.Notice, present.Reader{})
		}
	}
	wantContains(t, "sellers' report", card.Text, "Refused")
	if len(card.Buttons) != 0 {
		t.Errorf("a refused claim offers %v", buttonActions(card))
	}
	if a, _ := w.app.CreatorActor(ctxb, mayaID); a.Name != "@maya_glow" {
		t.Errorf("maya's account changed: %+v", a)
	}
	resp, _ = w.ok(w.slash(maya, "link", linkOption("maya_glow")))
	wantContains(t, "own /link", answerText(resp), "already linked")
}

func buttonActions(c present.Card) []string {
	var out []string
	for _, b := range c.AllButtons() {
		out = append(out, b.Action)
	}
	return out
}

func fieldsText(c present.Card) string {
	s := c.Text
	for _, f := range c.Fields {
		s += "\n" + f.Label + ": " + f.Value
	}
	return s
}
