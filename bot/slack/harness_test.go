package slack_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	slackbot "github.com/collabbot/collabbot/bot/slack"
	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
)

const (
	secret    = "8f742231b10e8888abcd99yyyzzz85a5"
	approvals = "C0APPROVALS"
	sellers   = "C0SELLERS"
	manager   = "U0MANAGER"
	manager2  = "U0MANAGER2"
	seller    = "U0SELLER"
	outsider  = "U0OUTSIDER"
	guest     = "U0GUEST"
)

// start is the use cases' clock: a Wednesday morning.
var start = time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// harness is the real handlers over a real SQLite store, with Slack
// faked.
type harness struct {
	t       testing.TB
	slack   *fakeSlack
	app     *commands.App
	db      *sqlite.DB
	adapter *slackbot.Adapter
	mux     *http.ServeMux
	sender  *slackbot.Sender
	disp    *delivery.Dispatcher
	trigger atomic.Int64
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	h := &harness{t: t, slack: newFakeSlack(t)}
	h.slack.users = map[string]fakeUser{
		manager: {Name: "Erin"}, manager2: {Name: "Frank"}, seller: {Name: "Dana"}, outsider: {Name: "Olga"}, guest: {Name: "Gus", Guest: true},
	}
	h.slack.members = []string{manager, seller, guest}
	h.db = sqlitetest.Open(t)
	clk := &clock{t: start}
	h.app = commands.New(h.db, commands.Options{Clock: clk})
	if err := h.app.SeedManagers(context.Background(), []string{manager, manager2}); err != nil {
		t.Fatalf("SeedManagers: %v", err)
	}
	api := slackgo.New("xoxb-test", slackgo.OptionAPIURL(h.slack.apiURL()), slackgo.OptionAppLevelToken("xapp-test"))
	h.adapter = slackbot.New(h.app, api, slackbot.Config{
		SigningSecret: secret, ApprovalsChannel: approvals, SellersChannel: sellers, Managers: []string{manager, manager2}, HomeDebounce: time.Millisecond,
	})
	h.mux = http.NewServeMux()
	for p, hd := range h.adapter.Routes() {
		h.mux.Handle(p, hd)
	}
	h.sender = slackbot.NewSender(api, slackbot.SenderConfig{ApprovalsChannel: approvals, SellersChannel: sellers, PostEvery: time.Millisecond, OnSent: h.adapter.Changed})
	h.disp = &delivery.Dispatcher{Queue: h.db, Senders: map[domain.Surface]delivery.Sender{domain.SurfaceSlack: h.sender}, Now: clk.Now}
	return h
}

// sign signs body as Slack does at ts.
func sign(body string, ts time.Time) (string, string) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + stamp + ":" + body))
	return stamp, "v0=" + hex.EncodeToString(m.Sum(nil))
}

// post sends a signed form to path and returns the status and body.
func (h *harness) post(path, body string, hdr ...string) (int, string) {
	h.t.Helper()
	stamp, sig := sign(body, time.Now())
	return h.postRaw(path, body, append([]string{"X-Slack-Request-Timestamp", stamp, "X-Slack-Signature", sig}, hdr...)...)
}

func (h *harness) postRaw(path, body string, hdr ...string) (int, string) {
	h.t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.mux.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(b)
}

// slash sends /collab text as user; n numbers its response_url.
func (h *harness) slash(user, text string, n int) (int, string) {
	h.t.Helper()
	return h.post("/slack/commands", slashForm(user, text, h.slack.responseURL(n), fmt.Sprintf("trigger-%d", h.trigger.Add(1))))
}

func slashForm(user, text, responseURL, trigger string) string {
	v := url.Values{
		"token": {"legacy"}, "team_id": {"T0TEAM"}, "team_domain": {"shop"}, "channel_id": {sellers}, "channel_name": {"sellers"},
		"user_id": {user}, "user_name": {strings.ToLower(user)}, "command": {"/collab"}, "text": {text},
		"response_url": {responseURL}, "trigger_id": {trigger}, "api_app_id": {"A0APP"},
	}
	return v.Encode()
}

// interact posts an interaction payload.
func (h *harness) interact(path string, payload any) (int, string) {
	h.t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.post(path, url.Values{"payload": {string(b)}}.Encode())
}

// click is a block_actions payload for a button in channel's message ts.
func click(user, actionID, channel, ts, responseURL string) map[string]any {
	return map[string]any{
		"type": "block_actions", "team": map[string]any{"id": "T0TEAM"}, "api_app_id": "A0APP",
		"user":       map[string]any{"id": user, "username": strings.ToLower(user), "team_id": "T0TEAM"},
		"trigger_id": "trigger-click", "response_url": responseURL,
		"channel":   map[string]any{"id": channel, "name": "approvals"},
		"container": map[string]any{"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": false},
		"message":   map[string]any{"type": "message", "ts": ts, "text": "Sample request"},
		"actions":   []map[string]any{{"action_id": actionID, "block_id": "b1", "type": "button", "value": actionID, "action_ts": "1700000001.000001", "text": map[string]any{"type": "plain_text", "text": "Approve"}}},
	}
}

// submission is a view_submission of form callbackID with values by block.
func submission(user, callbackID, meta string, vals map[string]map[string]any) map[string]any {
	values := map[string]any{}
	for block, v := range vals {
		values[block] = map[string]any{block: v}
	}
	return map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T0TEAM"}, "api_app_id": "A0APP",
		"user": map[string]any{"id": user, "username": strings.ToLower(user)},
		"view": map[string]any{"id": "V1", "type": "modal", "callback_id": callbackID, "private_metadata": meta, "hash": "h1",
			"state": map[string]any{"values": values}},
	}
}

func text(v string) map[string]any { return map[string]any{"type": "plain_text_input", "value": v} }

func multi(vs ...string) map[string]any {
	var opts []map[string]any
	for _, v := range vs {
		opts = append(opts, map[string]any{"value": v, "text": map[string]any{"type": "plain_text", "text": v}})
	}
	return map[string]any{"type": "multi_external_select", "selected_options": opts}
}

// drain delivers the outbox's Slack rows.
func (h *harness) drain() {
	h.t.Helper()
	h.adapter.Wait()
	if _, err := h.disp.Drain(context.Background()); err != nil {
		h.t.Fatalf("Drain: %v", err)
	}
}

// seed adds creators (linked to Discord) and products as the seller.
func (h *harness) seed(creators []string, products ...string) {
	h.t.Helper()
	act := domain.Actor{Role: domain.RoleSeller, MemberID: seller, Name: "Dana"}
	for i, c := range creators {
		if _, err := h.app.AddCreator(context.Background(), act, domain.Creator{Handle: c, DiscordID: fmt.Sprintf("%018d", 100000000000000000+i), Followers: 50000, AvgViews: 8000, Niche: "beauty", Address: "1 Test Street, 75001 Paris"}); err != nil {
			h.t.Fatalf("AddCreator(%s): %v", c, err)
		}
	}
	for _, p := range products {
		if _, err := h.app.AddProduct(context.Background(), act, domain.Product{ID: p, Title: "Glow Serum " + p, Price: 2490, SampleStock: 10}); err != nil {
			h.t.Fatalf("AddProduct(%s): %v", p, err)
		}
	}
}

// requestSample has creator ask for product's sample through the
// pending invitation they got, after accepting it; it returns the sample.
func (h *harness) requestSample(handle, product string) commands.SampleView {
	h.t.Helper()
	ctx := context.Background()
	cr, err := h.app.CreatorActorByHandle(ctx, handle)
	if err != nil {
		h.t.Fatal(err)
	}
	invs, err := h.app.ListInvitations(ctx, cr, "", "")
	if err != nil || len(invs) == 0 {
		h.t.Fatalf("invitations of @%s: %v %v", handle, invs, err)
	}
	if _, err := h.app.AcceptInvitation(ctx, cr, invs[0].ID); err != nil {
		h.t.Fatalf("AcceptInvitation: %v", err)
	}
	s, err := h.app.RequestSample(ctx, cr, commands.SampleInput{ProductID: product, InvitationID: invs[0].ID})
	if err != nil {
		h.t.Fatalf("RequestSample: %v", err)
	}
	return s
}

func (h *harness) sample(id int64) commands.SampleView {
	h.t.Helper()
	ps, err := h.app.ListSamples(context.Background(), domain.Actor{Role: domain.RoleManager, MemberID: manager}, "", "")
	if err != nil {
		h.t.Fatal(err)
	}
	for _, s := range ps {
		if s.ID == id {
			return s
		}
	}
	h.t.Fatalf("no sample %d", id)
	return commands.SampleView{}
}

// responseText is everything a response_url post said, blocks included.
func responseText(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	got = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(got)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not say %q:\n%s", what, w, got)
		}
	}
}

func (h *harness) managerActor() domain.Actor {
	return domain.Actor{Role: domain.RoleManager, MemberID: manager, Name: "Erin"}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
