package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/collabbot/collabbot/bot/discord"
)

// An answer slower than the deferral is deferred ("thinking", ephemeral)
// and finished by editing the original response.
func TestSlowAnswersAreDeferredAndFinishedByAnEdit(t *testing.T) {
	w := newWorldWith(t, discord.Options{DeferAfter: time.Millisecond})
	w.roster()
	w.team(dana, `plan "Spring" P100=12%`)
	release := make(chan struct{})
	discord.SetSlow(w.bot, func() { <-release })
	resp, _ := w.ok(w.slash(maya, "plans"))
	close(release)
	if resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("slow answer: type %d, want an ephemeral deferral (5)", resp.Type)
	}
	w.bot.Wait()
	edits := w.fake.callsTo("PATCH webhooks/" + appID + "/")
	if len(edits) != 1 || !strings.HasSuffix(edits[0].Path, "/messages/@original") {
		t.Fatalf("edits of the original response: %v", edits)
	}
	if edits[0].Auth != "" {
		t.Errorf("the interaction webhook was sent the bot token (%q); its own token authorizes it", edits[0].Auth)
	}
	wantContains(t, "deferred answer", embedOf(edits[0])["fields"].([]any)[0].(map[string]any)["value"].(string), "Spring")
}

// fakeGateway is Discord's gateway as a bot sees it: Hello, then READY
// after Identify, then the events the test queues.
type fakeGateway struct {
	t        *testing.T
	events   chan []byte
	identify chan map[string]any
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		g.t.Errorf("gateway upgrade: %v", err)
		return
	}
	defer c.Close()
	send := func(v any) bool { return c.WriteJSON(v) == nil }
	if !send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}}) {
		return
	}
	var id map[string]any
	if err := c.ReadJSON(&id); err != nil {
		return
	}
	g.identify <- id
	seq := 1
	if !send(map[string]any{"op": 0, "s": seq, "t": "READY", "d": map[string]any{"v": 10, "session_id": "sess-1",
		"user": map[string]any{"id": appID, "username": "collabbot", "bot": true}, "guilds": []any{}, "resume_gateway_url": "ws://" + r.Host + "/gateway-ws"}}) {
		return
	}
	go func() { // heartbeats and the like
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for ev := range g.events {
		seq++
		if !send(map[string]any{"op": 0, "s": seq, "t": "INTERACTION_CREATE", "d": json.RawMessage(ev)}) {
			return
		}
	}
}

// The gateway path feeds the same answers through discordgo's event
// handlers and answers through the interaction callback endpoint.
func TestGatewayAnswersThroughTheCallbackEndpoint(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `plan "Spring" P100=12%`)
	w.team(dana, `invite @maya_glow P100 15%`)
	g := &fakeGateway{t: t, events: make(chan []byte, 4), identify: make(chan map[string]any, 1)}
	// The first connection is refused (Discord down at start): the bot
	// tries again rather than giving up.
	var tries atomic.Int32
	w.fake.gateway = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if tries.Add(1) == 1 {
			http.Error(rw, "unavailable", http.StatusServiceUnavailable)
			return
		}
		g.ServeHTTP(rw, r)
	})
	s, err := discord.NewSession("test-token", w.fake.base())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctxb)
	done := make(chan error, 1)
	go func() { done <- w.bot.RunGateway(ctx, s) }()
	defer func() {
		close(g.events)
		cancel()
		if err := <-done; err != nil {
			t.Errorf("RunGateway: %v", err)
		}
	}()
	select {
	case id := <-g.identify:
		d, _ := id["d"].(map[string]any)
		if d["token"] != "Bot test-token" || d["intents"] != float64(0) {
			t.Errorf("identify token %v intents %v, want the bot token and no intents", d["token"], d["intents"])
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no identify from the session")
	}
	g.events <- w.slash(mayaSrv, "plans")
	g.events <- w.click(maya, "accept:1")
	var callbacks []call
	deadline := time.Now().Add(10 * time.Second)
	for len(callbacks) < 2 && time.Now().Before(deadline) {
		callbacks = w.fake.callsTo("POST interactions/")
		time.Sleep(5 * time.Millisecond)
	}
	if len(callbacks) != 2 {
		t.Fatalf("callbacks: %v, want 2", callbacks)
	}
	texts := ""
	for _, c := range callbacks {
		if c.Body["type"] != float64(4) {
			t.Errorf("callback type %v, want 4", c.Body["type"])
		}
		b, _ := json.Marshal(c.Body)
		texts += string(b)
	}
	wantContains(t, "gateway answers", texts, "Spring", "accepted")
	if inv, _ := w.app.ListInvitations(ctxb, dana, "maya_glow", ""); inv[0].State != "accepted" {
		t.Errorf("invitation after the gateway click: %s", inv[0].State)
	}
}

func TestRewriterMovesDiscordgoOntoTheBase(t *testing.T) {
	base, _ := url.Parse("http://proxy.local:8080/discord/api/v10/")
	var got *http.Request
	rt := discord.Rewriter{Base: base, Next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r
		return &http.Response{StatusCode: 204, Body: http.NoBody, Request: r}, nil
	})}
	req, _ := http.NewRequest("GET", discordgo.EndpointGatewayBot, nil)
	if _, err := rt.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if got.URL.String() != "http://proxy.local:8080/discord/api/v10/gateway/bot" {
		t.Errorf("rewritten to %s", got.URL)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
