package slack_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// approvalMessage drains the outbox and returns the approvals channel's
// message of sample id.
func (h *harness) approvalMessage(id int64) postedMessage {
	h.t.Helper()
	h.drain()
	for _, m := range h.slack.posted() {
		if m.Channel == approvals && strings.Contains(m.Blocks, fmt.Sprintf(`"approve:%d"`, id)) {
			return m
		}
	}
	h.t.Fatalf("no approval message for sample %d in %+v", id, h.slack.posted())
	return postedMessage{}
}

// A seller's whole session: an invitation typed in full, the creator's
// sample request posted to the approvals channel with its buttons, a
// manager's Approve, and the message edited in place from the reference
// the outbox kept.
func TestSellerSessionInviteToApprovalEditedInPlace(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya", "leo"}, "P100")

	code, body := h.slash(seller, "invite @maya @leo=12% P100 15% samples=1 stock=5 approval=manager", 1)
	if code != http.StatusOK {
		t.Fatalf("/collab invite: %d %s", code, body)
	}
	mustContain(t, "the ack", body, `"response_type":"ephemeral"`)
	h.adapter.Wait()
	rs := h.slack.responsesTo(1)
	if len(rs) != 1 {
		t.Fatalf("invite answered %d times on response_url, want 1", len(rs))
	}
	mustContain(t, "the invite answer", responseText(rs[0]), "@maya", "@leo", "ephemeral")

	s := h.requestSample("maya", "P100")
	msg := h.approvalMessage(s.ID)
	mustContain(t, "the approval card", msg.Blocks, "@maya", "Followers", "Approve", fmt.Sprintf(`"reject:%d"`, s.ID))
	if msg.Key == "" {
		t.Errorf("the approval message carries no outbox key in its metadata")
	}

	code, _ = h.interact("/slack/interactions", click(manager, fmt.Sprintf("approve:%d", s.ID), approvals, msg.TS, h.slack.responseURL(2)))
	if code != http.StatusOK {
		t.Fatalf("Approve click: %d", code)
	}
	h.drain()
	if got := h.sample(s.ID).State; got != domain.SampleApproved {
		t.Fatalf("sample is %s after Approve, want approved", got)
	}
	mustContain(t, "the answer to the click", responseText(h.slack.responsesTo(2)[0]), "ephemeral", "Approved")
	var edit *apiCall
	for _, c := range h.slack.callsTo("chat.update") {
		if c.Form.Get("ts") == msg.TS && c.Form.Get("channel") == approvals {
			edit = &c
		}
	}
	if edit == nil {
		t.Fatalf("the approval message %s was not edited in place; chat.update calls: %+v", msg.TS, h.slack.callsTo("chat.update"))
	}
	blocks := edit.Form.Get("blocks")
	if strings.Contains(blocks, fmt.Sprintf(`"approve:%d"`, s.ID)) {
		t.Errorf("the edited message still offers Approve: %s", blocks)
	}
	mustContain(t, "the edited message", blocks, "Erin", fmt.Sprintf(`"ship:%d"`, s.ID))
}

// Only managers decide: a seller's Approve is refused ephemerally and
// changes nothing, in the store or in Slack.
func TestNonManagerApproveRefused(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	h.slash(seller, "invite @maya P100 15% samples=1 approval=manager", 1)
	h.adapter.Wait()
	s := h.requestSample("maya", "P100")
	msg := h.approvalMessage(s.ID)
	before := len(h.slack.callsTo("chat.update"))

	h.interact("/slack/interactions", click(seller, fmt.Sprintf("approve:%d", s.ID), approvals, msg.TS, h.slack.responseURL(2)))
	h.drain()
	if got := h.sample(s.ID).State; got != domain.SampleRequested {
		t.Errorf("a seller's Approve moved the sample to %s", got)
	}
	rs := h.slack.responsesTo(2)
	if len(rs) != 1 {
		t.Fatalf("the seller got %d answers, want 1", len(rs))
	}
	mustContain(t, "the refusal", responseText(rs[0]), "ephemeral", "Only a manager")
	if after := len(h.slack.callsTo("chat.update")); after != before {
		t.Errorf("the approval message was edited after a refused click")
	}
}

// Two managers clicking Approve at once: one decision, stock reserved
// once, and the other told who decided, as a mention.
func TestTwoManagersClickAtOnce(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	h.slash(seller, "invite @maya P100 15% samples=1 stock=5 approval=manager", 1)
	h.adapter.Wait()
	s := h.requestSample("maya", "P100")
	msg := h.approvalMessage(s.ID)

	var wg sync.WaitGroup
	for i, m := range []string{manager, manager2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.interact("/slack/interactions", click(m, fmt.Sprintf("approve:%d", s.ID), approvals, msg.TS, h.slack.responseURL(10+i)))
		}()
	}
	wg.Wait()
	h.drain()
	got := h.sample(s.ID)
	if got.State != domain.SampleApproved {
		t.Fatalf("sample is %s, want approved", got.State)
	}
	a, b := responseText(h.slack.responsesTo(10)[0]), responseText(h.slack.responsesTo(11)[0])
	winner, loser := a, b
	if strings.Contains(a, "already") {
		winner, loser = b, a
	}
	if strings.Contains(winner, "already") {
		t.Fatalf("both managers were told someone else decided:\n%s\n%s", a, b)
	}
	// Who decided and when, in the team's zone: the domain's message names
	// no time, so a stamp in UTC would be a second format in one flow.
	mustContain(t, "the second manager's answer", loser, "already approved", "Decided by <@"+got.DecidedBy+"> on "+got.DecidedAt.In(h.app.Location()).Format("Mon 2 Jan 2006 15:04 MST")+".")
	var p struct{ stock int }
	ps, err := h.app.ListProducts(t.Context(), domain.Actor{Role: domain.RoleManager, MemberID: manager})
	if err != nil {
		t.Fatal(err)
	}
	p.stock = ps[0].SampleStock
	if p.stock != 9 {
		t.Errorf("product stock is %d after one approval of 1 unit from 10, want 9", p.stock)
	}
}

// A request that fails the signature check is a 401 and reaches nothing:
// no Slack call, nothing stored.
func TestSignatureRefused(t *testing.T) {
	body := slashForm(seller, `product add P9 "Night Cream"`, "http://127.0.0.1:1/response", "trigger")
	now := time.Now()
	stale, staleSig := sign(body, now.Add(-6*time.Minute))
	fresh, _ := sign(body, now)
	_, otherSig := sign(body+"&x=1", now)
	cases := []struct {
		name string
		hdr  []string
	}{
		{"missing", nil},
		{"missing signature", []string{"X-Slack-Request-Timestamp", fresh}},
		{"wrong", []string{"X-Slack-Request-Timestamp", fresh, "X-Slack-Signature", otherSig}},
		{"garbage", []string{"X-Slack-Request-Timestamp", fresh, "X-Slack-Signature", "v0=zz"}},
		{"stale", []string{"X-Slack-Request-Timestamp", stale, "X-Slack-Signature", staleSig}},
	}
	h := newHarness(t) // one store for every case: none may change it
	for _, tc := range cases {
		for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/options", "/slack/events"} {
			t.Run(tc.name+path, func(t *testing.T) {
				code, _ := h.postRaw(path, body, tc.hdr...)
				if code != http.StatusUnauthorized {
					t.Errorf("status %d, want 401", code)
				}
				h.adapter.Wait()
				if calls := h.slack.allCalls(); len(calls) != 0 {
					t.Errorf("Slack was called: %+v", calls)
				}
				ps, err := h.app.ListProducts(t.Context(), domain.Actor{Role: domain.RoleManager, MemberID: manager})
				if err != nil || len(ps) != 0 {
					t.Errorf("products after a refused request: %v %v", ps, err)
				}
			})
		}
	}
	// The same body signed correctly goes through: the cases above fail
	// on their signatures, not on the body.
	if code, out := h.post("/slack/commands", body); code != http.StatusOK || !strings.Contains(out, "P9") {
		t.Fatalf("signed request: %d %s", code, out)
	}
}

// Anyone outside the sellers' channel, and every guest, is refused with
// how to join; the use cases are never reached.
func TestOutsidersAndGuestsRefused(t *testing.T) {
	for _, tc := range []struct{ user, want string }{
		{guest, "Guests"},
		{outsider, "join <#" + sellers + ">"},
	} {
		t.Run(tc.user, func(t *testing.T) {
			h := newHarness(t)
			code, body := h.slash(tc.user, `product add P9 "Night Cream"`, 1)
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			mustContain(t, "the answer", body, tc.want, "ephemeral")
			ps, _ := h.app.ListProducts(t.Context(), domain.Actor{Role: domain.RoleManager, MemberID: manager})
			if len(ps) != 0 {
				t.Errorf("a refused user added a product")
			}
		})
	}
	// A member joining the channel is let in without a reload.
	h := newHarness(t)
	h.slash(outsider, "plans", 1)
	h.post("/slack/events", eventCallback("Ev1", `{"type":"member_joined_channel","user":"`+outsider+`","channel":"`+sellers+`","channel_type":"C","event_ts":"1700000000.1"}`))
	h.adapter.Wait()
	if _, body := h.slash(outsider, "plans", 2); !strings.Contains(body, "Open plans") {
		t.Errorf("a member who joined is still refused: %s", body)
	}
}

func eventCallback(id, inner string) string {
	return `{"token":"x","team_id":"T0TEAM","api_app_id":"A0APP","type":"event_callback","event_id":"` + id + `","event_time":1700000000,"event":` + inner + `}`
}

// `role U none` takes a channel member's role away, and `role U manager`
// lets a manager act from outside the sellers' channel.
func TestRoleCommandInSlack(t *testing.T) {
	h := newHarness(t)
	// The member is named as a mention (Slack shows their name), not as a
	// bare ID nobody recognises.
	if _, body := h.slash(manager, "role "+seller+" none", 1); !strings.Contains(body, `\u003c@`+seller+`\u003e no longer has a role`) {
		t.Fatalf("role none answered %s", body)
	}
	_, body := h.slash(seller, `product add P9 "Night Cream"`, 2)
	mustContain(t, "a member whose role was removed", body, "removed your collabbot role")
	ps, _ := h.app.ListProducts(t.Context(), domain.Actor{Role: domain.RoleManager, MemberID: manager})
	if len(ps) != 0 {
		t.Errorf("a member without a role added a product")
	}

	if _, body := h.slash(manager, "role <@"+outsider+"> manager", 3); !strings.Contains(body, `\u003c@`+outsider+`\u003e is now a manager`) {
		t.Fatalf("role manager answered %s", body)
	}
	if _, body := h.slash(outsider, "plans", 4); !strings.Contains(body, "Open plans") {
		t.Errorf("a manager outside the channel is refused: %s", body)
	}
}
