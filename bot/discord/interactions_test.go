package discord_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/collabbot/collabbot/domain"
)

func TestPingIsPonged(t *testing.T) {
	w := newWorld(t)
	_, raw := w.ok(w.interaction(maya, discordgo.InteractionPing, nil))
	if strings.TrimSpace(raw) != `{"type":1}` {
		t.Errorf("PING answered %s, want {\"type\":1}", raw)
	}
}

// A request whose signature or timestamp does not hold is a 401 and
// changes nothing, even when it is a real click on a real invitation.
func TestBadAndStaleSignaturesAre401AndChangeNothing(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `invite @maya_glow P100 15%`)
	before := len(w.outbox())
	body := w.click(maya, "accept:1")
	other := w.click(maya, "accept:2")
	tests := []struct {
		name string
		sign func(*http.Request)
	}{
		{"no signature", func(*http.Request) {}},
		{"signature of another body", func(r *http.Request) { w.sign(r, other, time.Now()) }},
		{"signature not hex", func(r *http.Request) {
			w.sign(r, body, time.Now())
			r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
		}},
		{"timestamp changed after signing", func(r *http.Request) {
			w.sign(r, body, time.Now())
			r.Header.Set("X-Signature-Timestamp", strconv.FormatInt(time.Now().Unix()-1, 10))
		}},
		{"stale: signed 6 minutes ago", func(r *http.Request) { w.sign(r, body, time.Now().Add(-6*time.Minute)) }},
		{"from the future", func(r *http.Request) { w.sign(r, body, time.Now().Add(2*time.Minute)) }},
		{"timestamp not a number", func(r *http.Request) {
			w.sign(r, body, time.Now())
			r.Header.Set("X-Signature-Timestamp", "yesterday")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/discord/interactions", bytes.NewReader(body))
			tt.sign(r)
			rec := httptest.NewRecorder()
			w.handler.ServeHTTP(rec, r)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", rec.Code)
			}
		})
	}
	if inv, err := w.app.ListInvitations(ctxb, dana, "maya_glow", ""); err != nil || inv[0].State != domain.InvitationPending {
		t.Errorf("invitation after refused requests: %v %v, want still pending", inv, err)
	}
	if n := len(w.outbox()); n != before {
		t.Errorf("outbox went from %d to %d rows after refused requests", before, n)
	}
	if n := w.fake.count(); n != 0 {
		t.Errorf("refused requests made %d calls to Discord", n)
	}
}

func TestOversizedBodyIsRefused(t *testing.T) {
	w := newWorld(t)
	body := bytes.Repeat([]byte("x"), 70<<10)
	r := httptest.NewRequest("POST", "/discord/interactions", bytes.NewReader(body))
	w.sign(r, body, time.Now())
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, r)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", rec.Code)
	}
}

// The invitation arrives as a DM with its buttons; Accept answers the
// creator, edits the DM in place and tells the sellers.
func TestAcceptingAnInvitationEditsTheDMAndTellsTheSellers(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `invite @maya_glow P100 15% samples=1 "We love your videos!"`)
	w.deliver()
	posts := w.fake.callsTo("POST channels/dm-" + mayaID + "/messages")
	if len(posts) != 1 {
		t.Fatalf("DM posts: %d, want 1 (calls %v)", len(posts), w.fake.calls)
	}
	dm := posts[0]
	if dm.Auth != "Bot test-token" {
		t.Errorf("Authorization %q, want the bot token", dm.Auth)
	}
	nonce, _ := dm.Body["nonce"].(string)
	if nonce == "" || len(nonce) > 25 || dm.Body["enforce_nonce"] != true {
		t.Errorf("DM nonce %q enforce %v, want a nonce of at most 25 characters, enforced", nonce, dm.Body["enforce_nonce"])
	}
	e := embedOf(dm)
	wantContains(t, "invitation DM", e["title"].(string)+" "+e["description"].(string), "Invitation I1", "We love your videos!")
	if ids := bodyIDs(dm); !slices.Equal(ids, []string{"accept:1", "decline:1", "request-sample:1"}) {
		t.Errorf("DM buttons %v", ids)
	}

	resp, _ := w.ok(w.click(maya, "accept:1"))
	wantEphemeral(t, resp)
	wantContains(t, "accept answer", answerText(resp), "accepted")

	w.deliver()
	edits := w.fake.callsTo("PATCH channels/dm-" + mayaID + "/messages/")
	if len(edits) != 1 {
		t.Fatalf("DM edits: %d, want 1", len(edits))
	}
	posted := w.fake.messages["dm-"+mayaID][0]["id"].(string)
	if !strings.HasSuffix(edits[0].Path, "/"+posted) {
		t.Errorf("edit of %s, want the invitation DM %s", edits[0].Path, posted)
	}
	wantContains(t, "edited DM", embedOf(edits[0])["description"].(string), "Accepted")
	if ids := bodyIDs(edits[0]); slices.Contains(ids, "accept:1") || slices.Contains(ids, "decline:1") {
		t.Errorf("edited DM still offers %v", ids)
	}
	if !slices.Contains(w.slack.kinds(), domain.NoticeInvitationAnswered) {
		t.Errorf("sellers were told %v, want invitation.answered", w.slack.kinds())
	}
	for _, o := range w.outbox() {
		if o.Notice.Kind == domain.NoticeInvitationAnswered && (o.To.Channel != domain.ChannelSellers || o.Surface != domain.SurfaceSlack) {
			t.Errorf("answer went to %s on %s, want the sellers' Slack channel", o.To, o.Surface)
		}
	}
}

func TestDecliningOpensAModalAndKeepsTheReason(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `invite @maya_glow P100 15%`)
	resp, _ := w.ok(w.click(maya, "decline:1"))
	if resp.Type != discordgo.InteractionResponseModal || resp.Data.CustomID != "form/decline:1" {
		t.Fatalf("decline answered type %d %+v, want the reason modal", resp.Type, resp.Data)
	}
	if ids := customIDs(resp.Data.Components); !slices.Equal(ids, []string{"reason"}) {
		t.Errorf("modal inputs %v", ids)
	}
	resp, _ = w.ok(w.submit(maya, "form/decline:1", map[string]string{"reason": "Fully booked this month"}))
	wantEphemeral(t, resp)
	wantContains(t, "decline answer", answerText(resp), "declined")
	inv, err := w.app.ListInvitations(ctxb, dana, "maya_glow", "")
	if err != nil || inv[0].State != domain.InvitationDeclined || inv[0].DeclineReason != "Fully booked this month" {
		t.Errorf("invitation %+v %v, want declined with the reason", inv, err)
	}
}

func TestPlansInAServerAndInADM(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `plan "Spring" P100=12% all=5% samples=1 stock=20`)
	for _, u := range []who{mayaSrv, maya} {
		resp, _ := w.ok(w.slash(u, "plans"))
		wantEphemeral(t, resp)
		wantContains(t, "/plans", answerText(resp), "Spring", "P100", "12%")
		if ids := customIDs(resp.Data.Components); !slices.Contains(ids, "join-plan:1") {
			t.Errorf("/plans buttons %v, want Request sample (join-plan:1)", ids)
		}
	}
	resp, _ := w.ok(w.slash(zoe, "plans"))
	wantContains(t, "/plans for a stranger", answerText(resp), "/link")
}

func TestSampleRequestRefusedForTooFewFollowers(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `plan "Spring" P300=12% samples=1 stock=20 min-followers=1000`)
	// Leo has 800 followers: told at once, before typing an address.
	resp, _ := w.ok(w.click(leo, "join-plan:1"))
	if resp.Type == discordgo.InteractionResponseModal {
		t.Fatalf("a creator below the offer's requirements got the sample form")
	}
	wantEphemeral(t, resp)
	wantContains(t, "refusal on click", answerText(resp), "1000", "followers")

	// A creator who qualifies gets the form: inputs only, prefilled.
	w.team(dana, `creator set @leo.cooks followers=5000`)
	resp, _ = w.ok(w.click(leo, "join-plan:1"))
	if resp.Type != discordgo.InteractionResponseModal {
		t.Fatalf("Request sample answered type %d, want the sample modal", resp.Type)
	}
	ids := customIDs(resp.Data.Components)
	if !slices.Equal(ids, []string{"product", "qty", "address", "note"}) {
		t.Errorf("modal inputs %v", ids)
	}
	for _, c := range resp.Data.Components {
		in := c.(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput)
		switch in.CustomID {
		case "product":
			if in.Value != "P300" {
				t.Errorf("product prefilled %q, want the only product P300", in.Value)
			}
		case "address":
			if !in.Required || in.Value != "" {
				t.Errorf("address input required=%v value %q: leo has none on file, so it is asked", in.Required, in.Value)
			}
		}
	}
	// The submit checks again: followers fell while the form was open.
	w.team(dana, `creator set @leo.cooks followers=800`)
	resp, _ = w.ok(w.submit(leo, "form/join-plan:1", map[string]string{"product": "P300", "qty": "1", "address": "3 Baker Street, London NW1 6XE, UK"}))
	wantEphemeral(t, resp)
	wantContains(t, "refusal", answerText(resp), "followers")
	if ss, _ := w.app.ListSamples(ctxb, dana, "", ""); len(ss) != 0 {
		t.Errorf("a refused request stored %d samples", len(ss))
	}
	if c, _ := w.app.Creator(ctxb, 2); c.Address != "" {
		t.Errorf("a refused request kept the address %q", c.Address)
	}
}

// A request asks the address the first time; the team sees it on the
// approved card only; the CSV export has it; a sample cannot ship without.
func TestSampleRequestKeepsTheAddressForShipping(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `creator set @maya_glow followers=52000`)
	w.team(dana, `plan "Spring" P300=12% samples=1 stock=20`)
	resp, _ := w.ok(w.click(maya, "join-plan:1"))
	for _, c := range resp.Data.Components {
		if in := c.(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput); in.CustomID == "address" && !strings.Contains(in.Value, "Rivoli") {
			t.Errorf("address on file not shown to confirm: %q", in.Value)
		}
	}
	resp, _ = w.ok(w.submit(maya, "form/join-plan:1", map[string]string{"product": "P300", "qty": "1", "address": "5 Avenue Foch, 75116 Paris, France", "note": "for my haul"}))
	wantEphemeral(t, resp)
	wantContains(t, "request answer", answerText(resp), "S1")
	w.team(erin, "approve S1")
	w.deliver()
	for _, o := range w.outbox() {
		if o.Notice.Address != "" && !(o.Notice.Kind == domain.NoticeSampleCard && o.Notice.Sample.State == domain.SampleApproved) {
			t.Errorf("outbox row %s (%s) carries the address", o.Key, o.Notice.Kind)
		}
	}
	var approved bool
	for _, o := range w.slack.sent {
		if o.Notice.Kind == domain.NoticeSampleCard && o.Notice.Sample.State == domain.SampleApproved {
			approved = o.Notice.Address == "5 Avenue Foch, 75116 Paris, France"
		}
	}
	if !approved {
		t.Error("the approved card does not carry the new address for the team")
	}
	for _, c := range w.fake.callsTo("POST channels/") {
		if b, _ := json.Marshal(c.Body); strings.Contains(string(b), "Foch") {
			t.Errorf("a DM body carries the address: %s", b)
		}
	}
}

func TestSubmittingContentValidatesTheLinkInTheModal(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `plan "Spring" P300=12% samples=1 stock=20 approval=none`)
	w.ok(w.submit(maya, "form/join-plan:1", map[string]string{"product": "P300", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris, France"}))
	w.team(dana, "ship S1 TRACK-1")
	resp, _ := w.ok(w.click(maya, "submit-content:1"))
	if resp.Type != discordgo.InteractionResponseModal || resp.Data.CustomID != "form/submit-content:1" {
		t.Fatalf("Submit content answered type %d, want the link modal", resp.Type)
	}
	resp, _ = w.ok(w.submit(maya, "form/submit-content:1", map[string]string{"link": "https://example.com/not-tiktok"}))
	wantEphemeral(t, resp)
	wantContains(t, "bad link", answerText(resp), "TikTok")
	if ss, _ := w.app.ListSamples(ctxb, dana, "", ""); ss[0].State != domain.SampleShipped {
		t.Errorf("after a bad link the sample is %s, want shipped", ss[0].State)
	}
	resp, _ = w.ok(w.submit(maya, "form/submit-content:1", map[string]string{"link": "https://www.tiktok.com/@maya_glow/video/7301234567890123456"}))
	wantContains(t, "good link", answerText(resp), "Content posted")
	if ss, _ := w.app.ListSamples(ctxb, dana, "", ""); ss[0].State != domain.SampleCompleted {
		t.Errorf("after a good link the sample is %s, want completed", ss[0].State)
	}
}

func TestAClickOnSomeoneElsesInvitationIsRefused(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `invite @maya_glow P100 15% samples=1`)
	for _, id := range []string{"accept:1", "decline:1", "request-sample:1"} {
		resp, _ := w.ok(w.click(leo, id))
		wantEphemeral(t, resp)
		wantContains(t, id+" by leo", answerText(resp), "not yours")
	}
	resp, _ := w.ok(w.submit(leo, "form/decline:1", map[string]string{"reason": "hijack"}))
	wantContains(t, "decline submit by leo", answerText(resp), "not yours")
	if inv, _ := w.app.ListInvitations(ctxb, dana, "maya_glow", ""); inv[0].State != domain.InvitationPending {
		t.Errorf("invitation is %s after leo's clicks, want pending", inv[0].State)
	}
}

func TestACreatorCancelsTheirWaitingRequestFromItsDM(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `plan "Spring" P300=12% samples=1 stock=20`)
	w.ok(w.submit(maya, "form/join-plan:1", map[string]string{"product": "P300", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris, France"}))
	w.deliver()
	var received call
	for _, c := range w.fake.callsTo("POST channels/dm-" + mayaID + "/messages") {
		if strings.Contains(embedOf(c)["title"].(string), "received") {
			received = c
		}
	}
	if !slices.Contains(bodyIDs(received), "cancel-sample:1") {
		t.Fatalf("sample.received DM buttons %v, want Cancel request", bodyIDs(received))
	}
	resp, _ := w.ok(w.click(leo, "cancel-sample:1"))
	wantContains(t, "leo cancelling maya's", answerText(resp), "not")
	resp, _ = w.ok(w.click(maya, "cancel-sample:1"))
	wantContains(t, "cancel", answerText(resp), "S1")
	if ss, _ := w.app.ListSamples(ctxb, dana, "", ""); ss[0].State != domain.SampleCancelled {
		t.Errorf("sample is %s, want cancelled", ss[0].State)
	}
}

func TestUnknownButtonsAndFormsAreRefused(t *testing.T) {
	w := newWorld(t)
	w.roster()
	for _, body := range [][]byte{w.click(maya, "approve:1x"), w.click(maya, "drop-table:1"), w.submit(maya, "form/accept:1", nil), w.submit(maya, "decline:1", nil)} {
		resp, _ := w.ok(body)
		wantEphemeral(t, resp)
	}
}
