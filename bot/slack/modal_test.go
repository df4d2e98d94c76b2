package slack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/domain"
)

// viewErrors reads a response_action: errors answer.
func viewErrors(t *testing.T, body string) map[string]string {
	t.Helper()
	if body == "" {
		return nil
	}
	var r struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("answer is not JSON: %q", body)
	}
	if r.Action != "errors" {
		t.Fatalf("response_action %q, want errors: %s", r.Action, body)
	}
	return r.Errors
}

// The invite modal's commission rate: 1% and 80% pass, 0% and 81% come
// back on the rate field and store nothing.
func TestInviteModalRates(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		rate string
		ok   bool
	}{{"1%", true}, {"80%", true}, {"0%", false}, {"81%", false}, {"12.555%", false}, {"15", true}}
	var handles []string
	for i := range cases {
		handles = append(handles, fmt.Sprintf("creator%d", i))
	}
	h.seed(handles, "P100")
	sent := 0
	for i, tc := range cases {
		t.Run(tc.rate, func(t *testing.T) {
			code, body := h.interact("/slack/interactions", submission(seller, "invite", `{"c":"`+sellers+`"}`, map[string]map[string]any{
				"creators": multi(handles[i]), "products": multi("P100"), "commission_rate": text(tc.rate),
			}))
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			errs := viewErrors(t, body)
			invs, _ := h.app.ListInvitations(t.Context(), domain.Actor{Role: domain.RoleManager, MemberID: manager}, "", "")
			if tc.ok {
				sent++
				if len(errs) != 0 || len(invs) != sent {
					t.Fatalf("rate %s: errors %v, %d invitations; want none and %d", tc.rate, errs, len(invs), sent)
				}
				h.adapter.Wait()
				if eph := h.slack.callsTo("chat.postEphemeral"); len(eph) != sent || !eph[sent-1].Has("@"+handles[i]) {
					t.Errorf("the seller was not told the outcome in the channel: %+v", eph)
				}
				return
			}
			if errs["commission_rate"] == "" || len(errs) != 1 {
				t.Errorf("rate %s: errors %v, want one on commission_rate", tc.rate, errs)
			}
			if !strings.Contains(errs["commission_rate"], "1%") || !strings.Contains(errs["commission_rate"], "80%") {
				t.Errorf("the error does not give the range: %q", errs["commission_rate"])
			}
			if len(invs) != sent {
				t.Errorf("an invalid modal stored an invitation (%d, want %d)", len(invs), sent)
			}
		})
	}
}

// Every field error comes back at once, each on its block.
func TestModalEveryErrorAtOnce(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	_, body := h.interact("/slack/interactions", submission(seller, "invite", "", map[string]map[string]any{
		"creators": multi("maya", "nobody"), "products": multi("P100", "P404"), "commission_rate": text("15%"),
		"overrides": text("@maya=90% leo"), "contact_email": text("not-an-email"),
	}))
	errs := viewErrors(t, body)
	if errs["overrides"] == "" {
		t.Errorf("no error on the overrides: %v", errs)
	}
	// With the overrides right, the rest shows together.
	_, body = h.interact("/slack/interactions", submission(seller, "invite", "", map[string]map[string]any{
		"creators": multi("maya", "nobody"), "products": multi("P100", "P404"), "commission_rate": text("15%"),
		"overrides": text("@maya=12%"), "contact_email": text("not-an-email"),
	}))
	errs = viewErrors(t, body)
	if errs["contact_email"] == "" {
		t.Errorf("no error on the e-mail: %v", errs)
	}
	// The roster and catalog checks come from the use case, also by block.
	_, body = h.interact("/slack/interactions", submission(seller, "invite", "", map[string]map[string]any{
		"creators": multi("maya", "nobody"), "products": multi("P100", "P404"), "commission_rate": text("15%"),
	}))
	errs = viewErrors(t, body)
	mustContain(t, "the creators error", errs["creators"], "@nobody")
	mustContain(t, "the products error", errs["products"], "P404")
	invs, _ := h.app.ListInvitations(t.Context(), domain.Actor{Role: domain.RoleManager, MemberID: manager}, "", "")
	if len(invs) != 0 {
		t.Errorf("invalid modals stored %d invitations", len(invs))
	}
}

// An incomplete typed line opens its modal prefilled with what was typed;
// nothing is answered in the channel.
func TestIncompleteLineOpensPrefilledModal(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	for _, tc := range []struct {
		line, callback string
		want           []string
	}{
		{"invite @maya @leo=12% P100", "invite", []string{`"maya"`, "@leo=12%", `"P100"`, "commission_rate"}},
		{"invite @maya P100 81%", "invite", []string{"80%"}},
		{"plan", "plan", []string{"Plan name"}},
		{"creator add followers=52k", "creator_add", []string{"52000"}},
		{`product add P7`, "product_add", []string{`"P7"`}},
	} {
		t.Run(tc.line, func(t *testing.T) {
			before := len(h.slack.callsTo("views.open"))
			code, body := h.slash(seller, tc.line, 1)
			if code != http.StatusOK || body != "" {
				t.Fatalf("answer %d %q, want an empty 200 (the modal says it)", code, body)
			}
			opens := h.slack.callsTo("views.open")
			if len(opens) != before+1 {
				t.Fatalf("views.open called %d times", len(opens)-before)
			}
			v, _ := json.Marshal(opens[len(opens)-1].JSON)
			mustContain(t, "the modal", string(v), append(tc.want, `"callback_id":"`+tc.callback+`"`)...)
		})
	}
	// reject S1 opens the reason modal for a manager only.
	h.slash(seller, "invite @maya P100 15% samples=1 approval=manager", 2)
	h.adapter.Wait()
	s := h.requestSample("maya", "P100")
	before := len(h.slack.callsTo("views.open"))
	h.slash(manager, fmt.Sprintf("reject S%d", s.ID), 3)
	if got := len(h.slack.callsTo("views.open")) - before; got != 1 {
		t.Fatalf("reject S%d opened %d modals for a manager", s.ID, got)
	}
	_, body := h.slash(seller, fmt.Sprintf("reject S%d", s.ID), 4)
	mustContain(t, "a seller's reject", body, "ephemeral")
}

// Reject opens the reason modal; submitting it rejects with the reason,
// and a missing note for "other" comes back on the note block.
func TestRejectButtonModal(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	h.slash(seller, "invite @maya P100 15% samples=1 approval=manager", 1)
	h.adapter.Wait()
	s := h.requestSample("maya", "P100")
	msg := h.approvalMessage(s.ID)

	h.interact("/slack/interactions", click(manager, fmt.Sprintf("reject:%d", s.ID), approvals, msg.TS, h.slack.responseURL(2)))
	h.adapter.Wait()
	// A placeholder at once (the trigger_id lasts 3 s), then the form in
	// its place, by view ID and hash.
	opens, ups := h.slack.callsTo("views.open"), h.slack.callsTo("views.update")
	if len(opens) != 1 || len(ups) != 1 {
		t.Fatalf("Reject: %d views.open, %d views.update; want 1 and 1", len(opens), len(ups))
	}
	if ups[0].JSON["view_id"] != "V1" || ups[0].JSON["hash"] != "h1" {
		t.Errorf("views.update by %v / %v, want the placeholder's V1 / h1", ups[0].JSON["view_id"], ups[0].JSON["hash"])
	}
	view := ups[0].JSON["view"].(map[string]any)
	if view["callback_id"] != "reject" {
		t.Fatalf("the update is not the reject form: %v", view)
	}
	meta := view["private_metadata"].(string)
	reason := func(r string) map[string]any {
		return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": r, "text": map[string]any{"type": "plain_text", "text": r}}}
	}
	_, body := h.interact("/slack/interactions", submission(manager, "reject", meta, map[string]map[string]any{"reason": reason("other")}))
	if errs := viewErrors(t, body); errs["note"] == "" {
		t.Errorf("other without a note: errors %v, want one on note", errs)
	}
	_, body = h.interact("/slack/interactions", submission(manager, "reject", meta, map[string]map[string]any{"reason": reason("out_of_stock"), "note": text("back in June")}))
	if body != "" {
		t.Fatalf("valid rejection answered %q, want the modal closed", body)
	}
	if got := h.sample(s.ID); got.State != domain.SampleRejected || got.RejectReason != domain.RejectOutOfStock {
		t.Errorf("sample %s %s after the modal, want rejected out_of_stock", got.State, got.RejectReason)
	}
	h.drain()
	mustContain(t, "the manager's confirmation", responseText(h.slack.responsesTo(2)[0]), "ephemeral")
	if ups := h.slack.callsTo("chat.update"); len(ups) == 0 || !ups[len(ups)-1].Has("Rejected") {
		t.Errorf("the approval message was not edited to say rejected: %+v", ups)
	}
	// A Reject on the stale copy: the modal says who decided.
	h.interact("/slack/interactions", click(manager2, fmt.Sprintf("reject:%d", s.ID), approvals, msg.TS, h.slack.responseURL(3)))
	h.adapter.Wait()
	ups = h.slack.callsTo("views.update")
	last, _ := json.Marshal(ups[len(ups)-1].JSON["view"])
	mustContain(t, "the stale Reject", string(last), "already rejected", "<@"+manager+">")
}

// The invite modal's selects are served from the roster and catalog.
func TestOptionsFromRosterAndCatalog(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya", "mia", "leo"}, "P100", "P200")
	suggest := func(action, q string) string {
		_, body := h.interact("/slack/options", map[string]any{
			"type": "block_suggestion", "user": map[string]any{"id": seller}, "action_id": action, "block_id": action, "value": q,
			"view": map[string]any{"id": "V1", "type": "modal", "callback_id": "invite"},
		})
		return body
	}
	got := suggest("creators", "m")
	mustContain(t, "creators matching m", got, `"value":"maya"`, `"value":"mia"`)
	if strings.Contains(got, "leo") {
		t.Errorf("leo matches m: %s", got)
	}
	mustContain(t, "products", suggest("products", "p2"), `"value":"P200"`)
	if out := suggest("products", "zzz"); strings.Contains(out, "P100") {
		t.Errorf("zzz matched: %s", out)
	}
	_, body := h.interact("/slack/options", map[string]any{"type": "block_suggestion", "user": map[string]any{"id": outsider}, "action_id": "creators", "value": ""})
	if strings.Contains(body, "maya") {
		t.Errorf("an outsider was shown the roster: %s", body)
	}
}

// Mark shipped on an approved sample opens the tracking modal; its
// submission ships the sample.
func TestShipButtonModal(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	h.slash(seller, "invite @maya P100 15% samples=1 approval=manager", 1)
	h.adapter.Wait()
	s := h.requestSample("maya", "P100")
	msg := h.approvalMessage(s.ID)
	h.interact("/slack/interactions", click(manager, fmt.Sprintf("approve:%d", s.ID), approvals, msg.TS, h.slack.responseURL(2)))
	h.drain()
	h.interact("/slack/interactions", click(seller, fmt.Sprintf("ship:%d", s.ID), approvals, msg.TS, h.slack.responseURL(3)))
	opens := h.slack.callsTo("views.open")
	if len(opens) != 1 || opens[0].JSON["view"].(map[string]any)["callback_id"] != "ship" {
		t.Fatalf("Mark shipped opened %+v", opens)
	}
	meta := opens[0].JSON["view"].(map[string]any)["private_metadata"].(string)
	_, body := h.interact("/slack/interactions", submission(seller, "ship", meta, map[string]map[string]any{"tracking": text("1Z999AA10123456784")}))
	if body != "" {
		t.Fatalf("ship modal answered %q", body)
	}
	if got := h.sample(s.ID); got.State != domain.SampleShipped {
		t.Errorf("sample %s after the ship modal, want shipped", got.State)
	}
}

func selected(v string) map[string]any {
	return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v, "text": map[string]any{"type": "plain_text", "text": v}}}
}

func date(v string) map[string]any { return map[string]any{"type": "datepicker", "selected_date": v} }

// Each form's submission: the right one stores, a wrong field comes back
// on its block.
func TestFormsSubmit(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya", "leo"}, "P100", "P200")
	team := h.managerActor()
	for _, tc := range []struct {
		name, form string
		vals       map[string]map[string]any
		errBlock   string // "" when it must store
		check      func(t *testing.T)
	}{
		{"invite with a sample offer", "invite", map[string]map[string]any{
			"creators": multi("maya"), "products": multi("P100"), "commission_rate": text("15%"), "expires": date("2026-06-30"),
			"samples": text("1"), "stock": text("5"), "approval": selected("manager"), "requirements": text("min-followers=10k post-days=14"),
			"message": text(`Hi "Maya", we love your videos & <links>`),
		}, "", func(t *testing.T) {
			invs, _ := h.app.ListInvitations(t.Context(), team, "maya", "")
			if len(invs) != 1 || invs[0].Collaboration.Sample == nil || invs[0].Collaboration.Sample.Requirements.MinFollowers != 10000 {
				t.Fatalf("invitation %+v", invs)
			}
			if got := invs[0].Collaboration.Message; got != `Hi "Maya", we love your videos & <links>` {
				t.Errorf("message stored as %q", got)
			}
		}},
		{"invite with a bad requirement", "invite", map[string]map[string]any{
			"creators": multi("leo"), "products": multi("P100"), "commission_rate": text("15%"), "samples": text("1"), "requirements": text("min-followers=lots"),
		}, "requirements", nil},
		{"invite with a past date", "invite", map[string]map[string]any{
			"creators": multi("leo"), "products": multi("P100"), "commission_rate": text("15%"), "expires": date("2020-01-01"),
		}, "expires", nil},
		{"plan", "plan", map[string]map[string]any{
			"name": text("Spring Sale"), "products": multi("P100"), "product_rate": text("12%"), "rules": text("all=5%"), "end": date("2026-07-01"),
		}, "", func(t *testing.T) {
			ps, _ := h.app.ListPlans(t.Context(), team)
			if len(ps) != 1 || ps[0].Name != "Spring Sale" || len(ps[0].Rules) != 2 {
				t.Fatalf("plans %+v", ps)
			}
		}},
		{"plan rate out of range", "plan", map[string]map[string]any{"name": text("Summer"), "products": multi("P100"), "product_rate": text("81%")}, "product_rate", nil},
		{"plan without rates", "plan", map[string]map[string]any{"name": text("Autumn")}, "rules", nil},
		{"creator", "creator_add", map[string]map[string]any{"handle": text("@nina"), "followers": text("52k"), "niche": text("beauty"), "tz": text("Europe/Paris")}, "", func(t *testing.T) {
			if _, err := h.app.CreatorActorByHandle(t.Context(), "nina"); err != nil {
				t.Fatalf("nina not added: %v", err)
			}
		}},
		{"creator with bad followers", "creator_add", map[string]map[string]any{"handle": text("omar"), "followers": text("lots")}, "followers", nil},
		{"product", "product_add", map[string]map[string]any{"id": text("P300"), "title": text(`Night "Cream"`), "price": text("19.90"), "stock": text("4")}, "", func(t *testing.T) {
			ps, _ := h.app.ListProducts(t.Context(), team)
			if len(ps) != 3 || ps[2].Title != `Night "Cream"` {
				t.Fatalf("products %+v", ps)
			}
		}},
		{"product with a bad price", "product_add", map[string]map[string]any{"id": text("P400"), "title": text("Gel"), "price": text("-1")}, "price", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, body := h.interact("/slack/interactions", submission(seller, tc.form, "", tc.vals))
			errs := viewErrors(t, body)
			if tc.errBlock == "" {
				if len(errs) != 0 {
					t.Fatalf("errors %v", errs)
				}
				tc.check(t)
				return
			}
			if errs[tc.errBlock] == "" {
				t.Errorf("errors %v, want one on %s", errs, tc.errBlock)
			}
		})
	}
}
