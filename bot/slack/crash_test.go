package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	slackbot "github.com/collabbot/collabbot/bot/slack"
	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/delivery/deliverytest"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
)

// metadataSlack is Slack's Web API as far as exactly-once goes: it keeps
// every chat.postMessage with its metadata (Slack itself deduplicates
// nothing), answers conversations.history newest first, up to limit, with
// the metadata only when include_all_metadata asks for it, and opens a DM
// per member. After killAfter posts it calls kill from inside the send
// and, until revive, accepts each post and hangs without answering: the
// dispatcher dies with messages posted that it never hears about.
type metadataSlack struct {
	srv       *httptest.Server
	killAfter int
	kill      func()

	mu    sync.Mutex
	ts    int
	dead  bool
	posts []slackPost
}

type slackPost struct {
	Channel, TS, Key string
}

func newMetadataSlack(t *testing.T, killAfter int) *metadataSlack {
	t.Helper()
	f := &metadataSlack{killAfter: killAfter}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *metadataSlack) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(raw))
	w.Header().Set("Content-Type", "application/json")
	answer := func(v any) { _ = json.NewEncoder(w).Encode(v) }
	switch strings.TrimPrefix(r.URL.Path, "/api/") {
	case "conversations.open":
		answer(map[string]any{"ok": true, "channel": map[string]any{"id": "D" + form.Get("users")}})
	case "chat.postMessage":
		var meta struct {
			EventType    string         `json:"event_type"`
			EventPayload map[string]any `json:"event_payload"`
		}
		_ = json.Unmarshal([]byte(form.Get("metadata")), &meta)
		key, _ := meta.EventPayload["key"].(string)
		p, hang := f.post(form.Get("channel"), key)
		if hang {
			<-r.Context().Done()
			return
		}
		answer(map[string]any{"ok": true, "channel": p.Channel, "ts": p.TS, "message": map[string]any{"ts": p.TS}})
	case "conversations.history":
		limit, _ := strconv.Atoi(form.Get("limit"))
		withMeta := form.Get("include_all_metadata") == "1" || form.Get("include_all_metadata") == "true"
		f.mu.Lock()
		ms := []map[string]any{}
		for i := len(f.posts) - 1; i >= 0 && (limit == 0 || len(ms) < limit); i-- {
			p := f.posts[i]
			if p.Channel != form.Get("channel") {
				continue
			}
			m := map[string]any{"type": "message", "ts": p.TS, "text": "…"}
			if withMeta {
				m["metadata"] = map[string]any{"event_type": "collabbot_message", "event_payload": map[string]any{"key": p.Key}}
			}
			ms = append(ms, m)
		}
		f.mu.Unlock()
		answer(map[string]any{"ok": true, "messages": ms, "has_more": false})
	default:
		answer(map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *metadataSlack) post(channel, key string) (slackPost, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ts++
	p := slackPost{Channel: channel, TS: fmt.Sprintf("1700000000.%06d", f.ts), Key: key}
	f.posts = append(f.posts, p)
	if len(f.posts) == f.killAfter+1 && f.kill != nil {
		f.dead = true
		f.kill() // from inside this send: the message is posted, its answer never gets out
	}
	return p, f.dead
}

func (f *metadataSlack) revive() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dead = false
}

func (f *metadataSlack) snapshot() []slackPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]slackPost(nil), f.posts...)
}

// A dispatcher killed in the middle of a fan-out (half to the sellers'
// channel, half to members' DMs; its context cancelled from inside a
// send, nothing recorded after that) and a new one started on the same
// database file once the leases ran out post every row exactly once: one
// message per key in metadata, each in its row's channel, and each row's
// reference names it. Slack keeps no nonce: only the metadata lookup of a
// retried row stands between a crash and a duplicate.
func TestCrashMidFanoutPostsEachMessageOnce(t *testing.T) {
	const rows, killAfter = 40, 15
	path := filepath.Join(t.TempDir(), "collabbot.db")
	db1 := sqlitetest.OpenPath(t, path)
	want := queueSlackRows(t, db1, rows)
	fake := newMetadataSlack(t, killAfter)

	q := &deliverytest.CrashableQueue{Queue: db1}
	ctx, cancel := context.WithCancel(context.Background())
	fake.kill = func() { q.Crash(); cancel() }
	d1 := &delivery.Dispatcher{Queue: q, Now: func() time.Time { return start.Add(time.Second) }, ShutdownGrace: -1,
		Senders: map[domain.Surface]delivery.Sender{domain.SurfaceSlack: newSlackSender(fake)}}
	done := make(chan struct{})
	go func() { d1.Run(ctx, time.Hour); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the fan-out never reached the kill")
	}
	counts := slackStates(t, db1)
	if counts[domain.OutboxSent] == 0 || counts[domain.OutboxSent] > killAfter || counts[domain.OutboxSending] == 0 || counts[domain.OutboxPending] == 0 {
		t.Fatalf("after the kill: %v, want some sent, some lost in flight and some never claimed", counts)
	}
	if posted := len(fake.snapshot()); posted <= counts[domain.OutboxSent] {
		t.Fatalf("after the kill %d messages reached Slack and %d rows are recorded sent: want some posted and not recorded", posted, counts[domain.OutboxSent])
	}

	fake.revive()
	db2 := sqlitetest.OpenPath(t, path)
	d2 := &delivery.Dispatcher{Queue: db2, Now: func() time.Time { return start.Add(time.Hour) },
		Senders: map[domain.Surface]delivery.Sender{domain.SurfaceSlack: newSlackSender(fake)}}
	if _, err := d2.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}

	byKey := map[string][]slackPost{}
	for _, p := range fake.snapshot() {
		byKey[p.Key] = append(byKey[p.Key], p)
	}
	out, err := db2.ListOutgoing(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != rows {
		t.Fatalf("%d rows in the outbox, want %d", len(out), rows)
	}
	for _, o := range out {
		ps := byKey[o.Key]
		if o.State != domain.OutboxSent {
			t.Errorf("row %s is %s after the restart (%s)", o.Key, o.State, o.LastError)
		}
		if len(ps) != 1 {
			t.Errorf("row %s: %d posts carry its key, want 1", o.Key, len(ps))
			continue
		}
		if ps[0].Channel != want[o.Key] || o.Ref != ps[0].Channel+"/"+ps[0].TS {
			t.Errorf("row %s records %q, posted %s/%s, want it in %s", o.Key, o.Ref, ps[0].Channel, ps[0].TS, want[o.Key])
		}
	}
	if len(byKey) != rows {
		t.Errorf("%d distinct keys reached Slack, want %d", len(byKey), rows)
	}
}

// queueSlackRows queues n rows of their own threads, alternately to the
// sellers' channel and to a member's DM, and returns each key's channel.
func queueSlackRows(t *testing.T, db *sqlite.DB, n int) map[string]string {
	t.Helper()
	ctx := context.Background()
	want := map[string]string{}
	err := db.Update(ctx, func(tx commands.Tx) error {
		for i := range n {
			o := domain.Outgoing{Surface: domain.SurfaceSlack, To: toSellers, Key: fmt.Sprintf("plan:%d:created", i+1), Thread: fmt.Sprintf("plan:%d", i+1),
				Notice:      domain.Notice{Kind: domain.NoticePlanCreated, Plan: &domain.Plan{ID: int64(i + 1), Name: "Spring", State: domain.PlanActive}},
				NextAttempt: start, CreatedAt: start}
			want[o.Key] = sellers
			if i%2 == 1 {
				member := fmt.Sprintf("U0M%03d", i)
				o.To = domain.Recipient{Kind: domain.ToMember, MemberID: member}
				want[o.Key] = "D" + member
			}
			if ok, err := tx.Enqueue(ctx, o); err != nil || !ok {
				return fmt.Errorf("enqueue %s: %v %v", o.Key, ok, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// newSlackSender is a fresh process's Slack sender against the fake.
func newSlackSender(f *metadataSlack) *slackbot.Sender {
	api := slackgo.New("xoxb-test", slackgo.OptionAPIURL(f.srv.URL+"/api/"))
	return slackbot.NewSender(api, slackbot.SenderConfig{ApprovalsChannel: approvals, SellersChannel: sellers, PostEvery: time.Millisecond})
}

func slackStates(t *testing.T, db *sqlite.DB) map[domain.OutboxState]int {
	t.Helper()
	c, err := db.CountOutgoing(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}
