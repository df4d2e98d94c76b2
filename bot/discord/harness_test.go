package discord_test

// The tests' world: a real SQLite store and use cases, the real
// interactions handler signed with a test key, and a fake of Discord's
// REST API (httptest) that records every call and answers in Discord's
// wire format.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/collabbot/collabbot/bot/discord"
	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/store/sqlite"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
)

var ctxb = context.Background()

// start is a Wednesday morning, the use cases' clock.
var start = time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)

const appID = "700000000000000001"

// The seller team, acting as the Slack adapter would (through the grammar).
var (
	dana = domain.Actor{Role: domain.RoleSeller, MemberID: "U_SELLER", Name: "dana"}
	erin = domain.Actor{Role: domain.RoleManager, MemberID: "U_MGR", Name: "erin"}
)

// Discord users of the tests.
const (
	mayaID = "111111111111111111"
	leoID  = "222222222222222222"
	zoeID  = "333333333333333333"
	guild  = "900000000000000001"
)

// call is one request the fake Discord received.
type call struct {
	Method, Path, Auth string
	Body               map[string]any
}

// fakeDiscord is Discord's REST API as far as collabbot uses it.
type fakeDiscord struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	calls    []call
	nextID   int64
	messages map[string][]map[string]any // channel -> posted messages (with id, nonce)
	// refuse makes a DM to a user fail with this Discord error code.
	refuse map[string]int
	// limited answers the next POST of a message with a 429.
	limited *rateLimited
	// bucketEmpty makes message posts announce an empty route bucket.
	bucketEmpty bool
	// gateway, when set, serves /gateway (the websocket).
	gateway http.Handler
}

type rateLimited struct {
	retryAfter float64
	global     bool
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	t.Helper()
	f := &fakeDiscord{t: t, nextID: 1_300_000_000_000_000_000, messages: map[string][]map[string]any{}, refuse: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// base is the REST base collabbot is configured with (DISCORD_API_URL).
func (f *fakeDiscord) base() string { return f.srv.URL + "/api/v10/" }

func (f *fakeDiscord) id() string {
	f.nextID++
	return strconv.FormatInt(f.nextID, 10)
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/gateway-ws") && f.gateway != nil {
		f.gateway.ServeHTTP(w, r)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &body); err != nil {
			f.t.Errorf("fake discord: %s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
		}
	}
	var list []any
	if len(raw) > 0 && raw[0] == '[' {
		_ = json.Unmarshal(raw, &list)
		body = map[string]any{"list": list}
	}
	path := strings.TrimPrefix(r.URL.Path, "/api/v10/")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{Method: r.Method, Path: path, Auth: r.Header.Get("Authorization"), Body: body})
	parts := strings.Split(path, "/")
	answer := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(status, code int, msg string) {
		answer(status, map[string]any{"code": code, "message": msg})
	}
	switch {
	case r.Method == "GET" && path == "gateway":
		answer(200, map[string]string{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gateway-ws"})
	case r.Method == "POST" && path == "users/@me/channels":
		user, _ := body["recipient_id"].(string)
		answer(200, map[string]any{"id": "dm-" + user, "type": 1, "recipients": []any{map[string]any{"id": user}}})
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		ch := parts[1]
		if code, ok := f.refuse[strings.TrimPrefix(ch, "dm-")]; ok {
			fail(403, code, "Cannot send messages to this user")
			return
		}
		if f.limited != nil {
			l := f.limited
			f.limited = nil
			if l.global {
				w.Header().Set("X-RateLimit-Global", "true")
			}
			answer(429, map[string]any{"message": "You are being rate limited.", "retry_after": l.retryAfter, "global": l.global})
			return
		}
		m := map[string]any{"id": f.id(), "channel_id": ch, "nonce": body["nonce"]}
		f.messages[ch] = append(f.messages[ch], m)
		w.Header().Set("X-RateLimit-Bucket", "msgs")
		w.Header().Set("X-RateLimit-Remaining", "4")
		w.Header().Set("X-RateLimit-Reset-After", "1.5")
		if f.bucketEmpty {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset-After", "30")
		}
		answer(200, m)
	case r.Method == "GET" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		ms := f.messages[parts[1]]
		out := make([]map[string]any, 0, len(ms))
		for i := len(ms) - 1; i >= 0; i-- { // newest first, as Discord lists them
			out = append(out, ms[i])
		}
		answer(200, out)
	case r.Method == "PATCH" && len(parts) == 4 && parts[0] == "channels":
		answer(200, map[string]any{"id": parts[3], "channel_id": parts[1]})
	case r.Method == "PATCH" && parts[0] == "webhooks":
		answer(200, map[string]any{"id": f.id()})
	case r.Method == "POST" && parts[0] == "interactions":
		w.WriteHeader(204)
	case r.Method == "PUT" && parts[0] == "applications":
		out := []map[string]any{}
		for _, c := range list {
			m, _ := c.(map[string]any)
			m["id"], m["application_id"], m["version"] = f.id(), parts[1], "1"
			out = append(out, m)
		}
		answer(200, out)
	default:
		fail(404, 0, "404: Not Found")
	}
}

// callsTo are the recorded calls whose "METHOD path" starts with prefix.
func (f *fakeDiscord) callsTo(prefix string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if strings.HasPrefix(c.Method+" "+c.Path, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeDiscord) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// world is one test's collabbot with Discord in front of it.
type world struct {
	t       testing.TB
	db      *sqlite.DB
	app     *commands.App
	grammar *grammar.Interpreter
	fake    *fakeDiscord
	rest    *discord.REST
	bot     *discord.Bot
	handler http.Handler
	sender  *discord.Sender
	slack   *slackSink
	key     ed25519.PrivateKey
	seq     int
	log     *slog.Logger
}

// syncBuffer is a log sink safe for the goroutines that finish deferred answers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// slackSink stands in for the Slack adapter: it keeps what the team would see.
type slackSink struct {
	mu   sync.Mutex
	sent []domain.Outgoing
}

func (s *slackSink) Send(_ context.Context, o domain.Outgoing) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, o)
	return fmt.Sprintf("C1/%d", len(s.sent)), nil
}

func (s *slackSink) kinds() []domain.NoticeKind {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []domain.NoticeKind
	for _, o := range s.sent {
		out = append(out, o.Notice.Kind)
	}
	return out
}

func newWorld(t testing.TB) *world {
	t.Helper()
	return newWorldWith(t, discord.Options{})
}

func newWorldWith(t testing.TB, o discord.Options) *world {
	t.Helper()
	db := sqlitetest.Open(t)
	// Everything is logged, at debug, so the end of the test can prove that
	// no shipping address reached a log.
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		for _, street := range []string{"Rivoli", "Foch", "Baker Street"} {
			if strings.Contains(logs.String(), street) {
				t.Errorf("a shipping address reached the log:\n%s", logs.String())
			}
		}
	})
	app := commands.New(db, commands.Options{Clock: commands.ClockFunc(func() time.Time { return start }), Logger: log})
	fake := newFakeDiscord(t)
	rest, err := discord.NewREST(fake.base(), "test-token", fake.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	o.App, o.REST, o.AppID, o.Log = app, rest, appID, log
	bot := discord.New(o)
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	key := ed25519.NewKeyFromSeed(seed)
	w := &world{t: t, db: db, app: app, grammar: grammar.New(app), fake: fake, rest: rest, bot: bot, sender: discord.NewSender(rest, app, nil), slack: &slackSink{}, key: key, log: log}
	w.handler = bot.Handler(discord.Verifier{Key: key.Public().(ed25519.PublicKey)})
	t.Cleanup(bot.Wait)
	return w
}

// team runs a line of the grammar as a member of the seller team.
func (w *world) team(actor domain.Actor, line string) string {
	w.t.Helper()
	card, _, err := w.grammar.Run(ctxb, actor, line)
	if err != nil {
		w.t.Fatalf("%s: %q: %v", actor.Name, line, err)
	}
	return card.Title + " " + card.Text
}

// deliver drains the outbox: Discord DMs through the real sender, the
// team's messages to the Slack stand-in.
func (w *world) deliver() {
	w.t.Helper()
	d := &delivery.Dispatcher{Queue: w.db, Log: w.log, Now: func() time.Time { return start.Add(time.Second) }, OnUnreachable: w.app.MarkUnreachable,
		Senders: map[domain.Surface]delivery.Sender{domain.SurfaceDiscord: w.sender, domain.SurfaceSlack: w.slack}}
	if _, err := d.Drain(ctxb); err != nil {
		w.t.Fatalf("Drain: %v", err)
	}
}

// outbox lists every outbox row, oldest first.
func (w *world) outbox() []domain.Outgoing {
	w.t.Helper()
	rows, err := w.db.ListOutgoing(ctxb, "", 1000)
	if err != nil {
		w.t.Fatal(err)
	}
	return rows
}

// sign signs body as Discord does, with a timestamp at ts.
func (w *world) sign(r *http.Request, body []byte, ts time.Time) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(w.key, append([]byte(stamp), body...))
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	r.Header.Set("X-Signature-Timestamp", stamp)
}

// post sends a signed interaction to the real handler and returns the
// status and the decoded response.
func (w *world) post(body []byte) (int, discordgo.InteractionResponse, string) {
	w.t.Helper()
	r := httptest.NewRequest("POST", "/discord/interactions", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w.sign(r, body, time.Now())
	rec := serveUntilAnswered(w.handler, r)
	var resp discordgo.InteractionResponse
	if rec.Code == 200 {
		resp = decodeResponse(w.t, rec.Body.Bytes())
	}
	return rec.Code, resp, rec.Body.String()
}

// decodeResponse reads an interaction response as Discord would, with its
// components (discordgo decodes those only through MessageComponentFromJSON).
func decodeResponse(t testing.TB, b []byte) discordgo.InteractionResponse {
	t.Helper()
	var raw struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data *struct {
			Content    string                    `json:"content"`
			Embeds     []*discordgo.MessageEmbed `json:"embeds"`
			Components []json.RawMessage         `json:"components"`
			Flags      discordgo.MessageFlags    `json:"flags"`
			CustomID   string                    `json:"custom_id"`
			Title      string                    `json:"title"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("response is not an interaction response: %v\n%s", err, b)
	}
	resp := discordgo.InteractionResponse{Type: raw.Type}
	if raw.Data != nil {
		d := &discordgo.InteractionResponseData{Content: raw.Data.Content, Embeds: raw.Data.Embeds, Flags: raw.Data.Flags, CustomID: raw.Data.CustomID, Title: raw.Data.Title}
		for _, c := range raw.Data.Components {
			mc, err := discordgo.MessageComponentFromJSON(c)
			if err != nil {
				t.Fatalf("component %s: %v", c, err)
			}
			d.Components = append(d.Components, mc)
		}
		resp.Data = d
	}
	return resp
}

// ok posts and wants a 200.
func (w *world) ok(body []byte) (discordgo.InteractionResponse, string) {
	w.t.Helper()
	code, resp, raw := w.post(body)
	if code != 200 {
		w.t.Fatalf("status %d, want 200: %s", code, raw)
	}
	return resp, raw
}

// who acts: a user in a DM, or a member in the team's server.
type who struct {
	id, name string
	inGuild  bool
}

var (
	maya    = who{id: mayaID, name: "maya_glow"}
	leo     = who{id: leoID, name: "leo.cooks"}
	zoe     = who{id: zoeID, name: "zoe"}
	mayaSrv = who{id: mayaID, name: "maya_glow", inGuild: true}
)

// interaction is a real-shaped interaction body.
func (w *world) interaction(u who, typ discordgo.InteractionType, data any) []byte {
	w.t.Helper()
	w.seq++
	user := map[string]any{"id": u.id, "username": u.name, "global_name": strings.ToUpper(u.name[:1]) + u.name[1:], "discriminator": "0", "avatar": nil}
	m := map[string]any{
		"id": fmt.Sprintf("12000000000000%04d", w.seq), "application_id": appID, "type": typ,
		"token": "aW50ZXJhY3Rpb246" + strings.Repeat("x", 60) + strconv.Itoa(w.seq), "version": 1,
		"locale": "en-US", "app_permissions": "442368", "entitlements": []any{},
		"authorizing_integration_owners": map[string]any{"0": guild},
	}
	if data != nil {
		m["data"] = data
	}
	if u.inGuild {
		m["guild_id"], m["channel_id"], m["context"] = guild, "910000000000000001", 0
		m["member"] = map[string]any{"user": user, "roles": []any{}, "joined_at": "2026-04-01T10:00:00.000000+00:00", "deaf": false, "mute": false, "permissions": "1071698660929", "flags": 0}
		m["guild_locale"] = "en-US"
	} else {
		m["channel_id"], m["context"] = "dm-"+u.id, 1
		m["user"] = user
		m["channel"] = map[string]any{"id": "dm-" + u.id, "type": 1}
	}
	b, err := json.Marshal(m)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

func (w *world) slash(u who, name string, options ...map[string]any) []byte {
	data := map[string]any{"id": "800000000000000001", "name": name, "type": 1}
	if len(options) > 0 {
		data["options"] = options
	}
	return w.interaction(u, discordgo.InteractionApplicationCommand, data)
}

func (w *world) click(u who, customID string) []byte {
	return w.interaction(u, discordgo.InteractionMessageComponent, map[string]any{"custom_id": customID, "component_type": 2})
}

func (w *world) submit(u who, customID string, values map[string]string) []byte {
	rows := []any{}
	for id, v := range values {
		rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": v}}})
	}
	return w.interaction(u, discordgo.InteractionModalSubmit, map[string]any{"custom_id": customID, "components": rows})
}

// answerText is everything an answer shows, for matching.
func answerText(r discordgo.InteractionResponse) string {
	if r.Data == nil {
		return ""
	}
	parts := []string{r.Data.Content, r.Data.Title}
	for _, e := range r.Data.Embeds {
		parts = append(parts, e.Title, e.Description)
		for _, f := range e.Fields {
			parts = append(parts, f.Name, f.Value)
		}
		if e.Footer != nil {
			parts = append(parts, e.Footer.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// customIDs lists the buttons' (or a modal's inputs') custom_ids.
func customIDs(comps []discordgo.MessageComponent) []string {
	var out []string
	for _, c := range comps {
		switch c := c.(type) {
		case *discordgo.ActionsRow:
			out = append(out, customIDs(c.Components)...)
		case *discordgo.Button:
			out = append(out, c.CustomID)
		case *discordgo.TextInput:
			out = append(out, c.CustomID)
		}
	}
	return out
}

func wantContains(t *testing.T, what, got string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(got, f) {
			t.Errorf("%s does not say %q:\n%s", what, f, got)
		}
	}
}

func wantEphemeral(t *testing.T, r discordgo.InteractionResponse) {
	t.Helper()
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data == nil || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("answer is type %d flags %v, want an ephemeral message", r.Type, r.Data)
	}
}

// embedOf is the first embed of a recorded message body.
func embedOf(c call) map[string]any {
	es, _ := c.Body["embeds"].([]any)
	if len(es) == 0 {
		return nil
	}
	e, _ := es[0].(map[string]any)
	return e
}

// bodyIDs lists a recorded body's button custom_ids.
func bodyIDs(c call) []string {
	var out []string
	rows, _ := c.Body["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		bs, _ := row["components"].([]any)
		for _, b := range bs {
			bm, _ := b.(map[string]any)
			if id, ok := bm["custom_id"].(string); ok {
				out = append(out, id)
			}
		}
	}
	return out
}

// roster adds maya (linked, 52k followers, an address) and leo (linked,
// 800 followers, no address) and the catalog.
func (w *world) roster() {
	w.t.Helper()
	w.team(dana, `creator add @maya_glow discord=`+mayaID+` followers=52000 views=8000 niche=beauty address="12 Rue de Rivoli, 75001 Paris, France"`)
	w.team(dana, `creator add @leo.cooks discord=`+leoID+` followers=800 views=300 niche=food`)
	w.team(dana, `product add P100 "Glow Serum" price=24.90 group=skincare stock=5`)
	w.team(dana, `product add P300 "Spicy Crisps" price=4.50 group=snacks stock=20`)
}

// flushRecorder tells when the handler has flushed its answer.
type flushRecorder struct {
	*httptest.ResponseRecorder
	once    sync.Once
	flushed chan struct{}
}

func (f *flushRecorder) Flush() {
	f.ResponseRecorder.Flush()
	f.once.Do(func() { close(f.flushed) })
}

// serveUntilAnswered returns once h has sent its response, as Discord
// would read it: a deferred interaction's handler goes on working after
// its "thinking" response left (bot.Wait waits for it).
func serveUntilAnswered(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := &flushRecorder{ResponseRecorder: httptest.NewRecorder(), flushed: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, r)
	}()
	select {
	case <-done:
	case <-rec.flushed:
	}
	return rec.ResponseRecorder
}
