package slack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	slackbot "github.com/collabbot/collabbot/bot/slack"
)

// fakeSocket is Slack's Socket Mode end: each connection is handed to
// the test, which says hello, pings and sends envelopes.
type fakeSocket struct {
	t     *testing.T
	conns chan *sockConn
}

type sockConn struct {
	c    *websocket.Conn
	mu   sync.Mutex
	acks chan map[string]any
}

func (s *sockConn) send(v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.c.WriteJSON(v)
}

// pingEvery pings until stop closes, as Slack does.
func (s *sockConn) pingEvery(d time.Duration, stop <-chan struct{}) {
	go func() {
		tk := time.NewTicker(d)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				if s.c.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
					return
				}
			}
		}
	}()
}

func (s *sockConn) ack(t *testing.T) map[string]any {
	t.Helper()
	select {
	case a := <-s.acks:
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("no ack within 10s")
	}
	return nil
}

func newFakeSocket(t *testing.T, f *fakeSlack) *fakeSocket {
	s := &fakeSocket{t: t, conns: make(chan *sockConn, 8)}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }} // Slack's client sends Origin: https://api.slack.com
	f.ws = func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		sc := &sockConn{c: c, acks: make(chan map[string]any, 16)}
		go func() {
			for {
				var m map[string]any
				if err := c.ReadJSON(&m); err != nil {
					return
				}
				sc.acks <- m
			}
		}()
		t.Cleanup(func() { c.Close() })
		s.conns <- sc
	}
	return s
}

func (s *fakeSocket) next(t *testing.T) *sockConn {
	t.Helper()
	select {
	case c := <-s.conns:
		c.send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A0APP"}})
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("the adapter did not connect within 10s")
	}
	return nil
}

func runSocket(t *testing.T, h *harness, idle time.Duration) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.adapter.RunSocket(ctx, slackbot.SocketOptions{Idle: idle}) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("RunSocket: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("RunSocket did not return after cancel")
		}
	})
	return cancel
}

func slashEnvelope(id, user, text string) map[string]any {
	return map[string]any{"envelope_id": id, "type": "slash_commands", "accepts_response_payload": true, "payload": map[string]any{
		"token": "x", "team_id": "T0TEAM", "channel_id": sellers, "user_id": user, "command": "/collab", "text": text,
		"response_url": "http://127.0.0.1:1/none", "trigger_id": "trigger-socket",
	}}
}

func eventEnvelope(id, eventID string, retry int, inner string) map[string]any {
	var payload map[string]any
	_ = json.Unmarshal([]byte(eventCallback(eventID, inner)), &payload)
	return map[string]any{"envelope_id": id, "type": "events_api", "accepts_response_payload": false, "retry_attempt": retry, "retry_reason": "timeout", "payload": payload}
}

// Socket Mode reaches the same handlers and acks with what the HTTP
// answer would have been; a redelivered envelope is acked and handled
// once, and a retry whose first delivery never arrived is handled.
func TestSocketModeEnvelopes(t *testing.T) {
	h := newHarness(t)
	fs := newFakeSocket(t, h.slack)
	runSocket(t, h, 5*time.Second)
	c := fs.next(t)
	stop := make(chan struct{})
	defer close(stop)
	c.pingEvery(100*time.Millisecond, stop)

	c.send(slashEnvelope("E1", seller, "plans"))
	a := c.ack(t)
	if a["envelope_id"] != "E1" {
		t.Fatalf("ack %v, want E1", a)
	}
	b, _ := json.Marshal(a["payload"])
	mustContain(t, "the ack payload", string(b), "Open plans", "ephemeral")

	c.send(eventEnvelope("E2", "Ev0S1", 0, homeOpened(seller)))
	c.send(eventEnvelope("E2", "Ev0S1", 1, homeOpened(seller)))
	for _, want := range []string{"E2", "E2"} {
		if a := c.ack(t); a["envelope_id"] != want {
			t.Fatalf("ack %v, want %s", a, want)
		}
	}
	// Never seen before: its first delivery was lost, so this retry is the
	// only one and must be handled.
	c.send(eventEnvelope("E3", "Ev0S3", 2, homeOpened(manager)))
	if a := c.ack(t); a["envelope_id"] != "E3" {
		t.Fatalf("ack %v, want E3", a)
	}
	// A modal submitted over the socket: its field errors are the ack's
	// payload, as they would be the HTTP body.
	c.send(map[string]any{"envelope_id": "E4", "type": "interactive", "accepts_response_payload": true,
		"payload": submission(seller, "invite", "", map[string]map[string]any{"creators": multi("maya"), "products": multi("P100"), "commission_rate": text("81%")})})
	a = c.ack(t)
	b, _ = json.Marshal(a)
	mustContain(t, "the submission's ack", string(b), `"envelope_id":"E4"`, `"response_action":"errors"`, `"commission_rate"`)

	h.adapter.Wait()
	pubs := h.slack.callsTo("views.publish")
	if len(pubs) != 2 {
		t.Fatalf("views.publish called %d times, want 2 (E2 once, E3 once)", len(pubs))
	}
	// Envelopes are handled concurrently: the order of the two is free.
	got := map[any]bool{pubs[0].JSON["user_id"]: true, pubs[1].JSON["user_id"]: true}
	if !got[seller] || !got[manager] {
		t.Errorf("published for %v, want %s and %s", got, seller, manager)
	}
}

// A connection on which Slack stops pinging is torn down and reopened
// (the read deadline), and the new one serves requests.
func TestSocketModeSilentConnectionReopened(t *testing.T) {
	h := newHarness(t)
	fs := newFakeSocket(t, h.slack)
	runSocket(t, h, 300*time.Millisecond)
	fs.next(t) // says hello, then nothing: no pings, no envelopes
	c := fs.next(t)
	stop := make(chan struct{})
	defer close(stop)
	c.pingEvery(50*time.Millisecond, stop)
	c.send(slashEnvelope("E9", seller, "plans"))
	if a := c.ack(t); a["envelope_id"] != "E9" {
		t.Fatalf("ack %v on the new connection", a)
	}
	if n := len(h.slack.callsTo("apps.connections.open")); n < 2 {
		t.Errorf("apps.connections.open called %d times, want a reconnect", n)
	}
}
