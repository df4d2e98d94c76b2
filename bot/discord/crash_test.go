package discord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/bot/discord"
	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/delivery/deliverytest"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
)

// nonceDiscord is Discord's DM REST as far as exactly-once goes: it keeps
// every message with its nonce, answers a post whose enforced nonce it has
// seen with the message already made (as Discord does for a few minutes,
// when window is set), and lists a channel's messages newest first with
// their nonce. After killAfter accepted posts it calls kill from inside the
// send, and from then on (until revive) accepts each post and hangs
// without answering until the caller gives up: the dispatcher dies with
// messages delivered that it never hears about.
type nonceDiscord struct {
	srv       *httptest.Server
	window    bool // enforce_nonce deduplicates (within Discord's window)
	killAfter int
	kill      func()

	mu       sync.Mutex
	nextID   int64
	accepted int
	dead     bool                   // the kill happened: posts hang until revive
	messages map[string][]dmMessage // channel -> messages, oldest first
	byNonce  map[string]dmMessage
	posts    int // POST .../messages received, duplicates included
}

type dmMessage struct {
	ID      string `json:"id"`
	Channel string `json:"channel_id"`
	Nonce   string `json:"nonce"`
}

func newNonceDiscord(t *testing.T, window bool, killAfter int) *nonceDiscord {
	t.Helper()
	f := &nonceDiscord{window: window, killAfter: killAfter, nextID: 1_400_000_000_000_000_000, messages: map[string][]dmMessage{}, byNonce: map[string]dmMessage{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *nonceDiscord) serve(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Recipient    string `json:"recipient_id"`
		Nonce        string `json:"nonce"`
		EnforceNonce bool   `json:"enforce_nonce"`
	}
	if r.Method == http.MethodPost {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, `{"code":50109,"message":"The request body contains invalid JSON."}`, http.StatusBadRequest)
			return
		}
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/users/@me/channels":
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "dm-" + body.Recipient, "type": 1})
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		m, hang := f.post(parts[1], body.Nonce, body.EnforceNonce)
		if hang {
			<-r.Context().Done() // the dispatcher is dead; nobody reads the answer
			return
		}
		_ = json.NewEncoder(w).Encode(m)
	case r.Method == http.MethodGet && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		f.mu.Lock()
		ms := f.messages[parts[1]]
		out := []dmMessage{}
		for i := len(ms) - 1; i >= 0 && (limit == 0 || len(out) < limit); i-- {
			out = append(out, ms[i])
		}
		f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(out)
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":0,"message":"404: Not Found"}`))
	}
}

// post creates a message (or finds the one its nonce made) and says
// whether to hang instead of answering.
func (f *nonceDiscord) post(ch, nonce string, enforce bool) (dmMessage, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts++
	if m, ok := f.byNonce[nonce]; ok && enforce && f.window {
		return m, f.dead
	}
	f.nextID++
	m := dmMessage{ID: strconv.FormatInt(f.nextID, 10), Channel: ch, Nonce: nonce}
	f.messages[ch] = append(f.messages[ch], m)
	if _, ok := f.byNonce[nonce]; !ok {
		f.byNonce[nonce] = m
	}
	f.accepted++
	if f.accepted == f.killAfter+1 && f.kill != nil {
		f.dead = true
		f.kill() // from inside this send: the message is in, its answer never gets out
	}
	return m, f.dead
}

// revive answers posts again: the next process is up.
func (f *nonceDiscord) revive() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dead = false
}

// nonceCounts is how many messages carry each nonce, the first message of
// each nonce, and how many messages each channel holds.
func (f *nonceDiscord) counts() (perNonce map[string]int, first map[string]dmMessage, perChannel map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	perNonce, first, perChannel = map[string]int{}, map[string]dmMessage{}, map[string]int{}
	for ch, ms := range f.messages {
		perChannel[ch] = len(ms)
		for _, m := range ms {
			perNonce[m.Nonce]++
		}
	}
	for n, m := range f.byNonce {
		first[n] = m
	}
	return perNonce, first, perChannel
}

// A dispatcher killed in the middle of a fan-out (its context cancelled
// from inside a send, nothing recorded after that) and a new one started
// on the same database file once the leases ran out deliver every
// invitation exactly once: each creator's DM channel holds one message,
// with that row's nonce, and each row's reference names it. Within
// Discord's nonce window the enforced nonce would catch a repeat; past it
// only the lookup of the channel's recent messages does, so both are run.
func TestCrashMidFanoutDeliversEachDMOnce(t *testing.T) {
	const creators, killAfter = 40, 15
	for _, tc := range []struct {
		name   string
		window bool
	}{
		{"within the nonce window", true},
		{"past the nonce window", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "collabbot.db")
			db1 := sqlitetest.OpenPath(t, path)
			app1 := commands.New(db1, commands.Options{Clock: commands.ClockFunc(func() time.Time { return start })})
			discordIDs := inviteCreators(t, app1, creators)
			fake := newNonceDiscord(t, tc.window, killAfter)

			// The first process: killed mid fan-out.
			q := &deliverytest.CrashableQueue{Queue: db1}
			ctx, cancel := context.WithCancel(ctxb)
			fake.kill = func() { q.Crash(); cancel() }
			d1 := &delivery.Dispatcher{Queue: q, Now: func() time.Time { return start.Add(time.Second) }, ShutdownGrace: -1,
				Senders: map[domain.Surface]delivery.Sender{domain.SurfaceDiscord: newDMSender(t, fake.srv.URL, app1)}}
			done := make(chan struct{})
			go func() { d1.Run(ctx, time.Hour); close(done) }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				cancel()
				t.Fatal("the fan-out never reached the kill")
			}
			counts := countStates(t, db1)
			if counts[domain.OutboxSent] == 0 || counts[domain.OutboxSent] > killAfter || counts[domain.OutboxSending] == 0 || counts[domain.OutboxPending] == 0 {
				t.Fatalf("after the kill: %v, want some sent, some lost in flight and some never claimed", counts)
			}
			if delivered, _, _ := fake.counts(); len(delivered) <= counts[domain.OutboxSent] {
				t.Fatalf("after the kill %d messages reached Discord and %d rows are recorded sent: want some delivered and not recorded", len(delivered), counts[domain.OutboxSent])
			}

			fake.revive()
			// The next process: same file, a fresh sender (no DM channels
			// cached), after the leases ran out.
			db2 := sqlitetest.OpenPath(t, path)
			app2 := commands.New(db2, commands.Options{Clock: commands.ClockFunc(func() time.Time { return start })})
			d2 := &delivery.Dispatcher{Queue: db2, Now: func() time.Time { return start.Add(time.Hour) },
				Senders: map[domain.Surface]delivery.Sender{domain.SurfaceDiscord: newDMSender(t, fake.srv.URL, app2)}}
			if _, err := d2.Drain(ctxb); err != nil {
				t.Fatal(err)
			}

			rows, err := db2.ListOutgoing(ctxb, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			nonces, byNonce, perChannel := fake.counts()
			dms := 0
			for _, o := range rows {
				if o.Surface != domain.SurfaceDiscord {
					continue
				}
				dms++
				if o.State != domain.OutboxSent {
					t.Errorf("row %s is %s after the restart (%s)", o.Key, o.State, o.LastError)
				}
				if n := nonces[discord.Nonce(o.Key)]; n != 1 {
					t.Errorf("row %s: %d messages carry its nonce, want 1", o.Key, n)
				}
				ch, id, _ := strings.Cut(o.Ref, "/")
				if m := byNonce[discord.Nonce(o.Key)]; m.Channel != ch || m.ID != id {
					t.Errorf("row %s records %q, but its message is %s/%s", o.Key, o.Ref, m.Channel, m.ID)
				}
			}
			if dms != creators {
				t.Fatalf("%d invitation DMs queued, want %d", dms, creators)
			}
			for _, id := range discordIDs {
				if n := perChannel["dm-"+id]; n != 1 {
					t.Errorf("creator %s got %d DMs, want 1", id, n)
				}
			}
			if len(nonces) != creators {
				t.Errorf("%d distinct nonces reached Discord, want %d", len(nonces), creators)
			}
		})
	}
}

// newDMSender is the real Discord sender against base.
func newDMSender(t *testing.T, base string, app *commands.App) *discord.Sender {
	t.Helper()
	rest, err := discord.NewREST(base, "test-token", nil)
	if err != nil {
		t.Fatal(err)
	}
	return discord.NewSender(rest, app, nil)
}

// inviteCreators adds n creators linked to Discord and invites them (50
// to an invitation at most), and returns their Discord user IDs.
func inviteCreators(t *testing.T, app *commands.App, n int) []string {
	t.Helper()
	ctx := ctxb
	if _, err := app.AddProduct(ctx, dana, domain.Product{ID: "P100", Title: "Glow Serum", SampleStock: 10}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	var batch []commands.InviteTarget
	for i := range n {
		h, id := fmt.Sprintf("creator%d", i), fmt.Sprintf("5%017d", i)
		if _, err := app.AddCreator(ctx, dana, domain.Creator{Handle: h, DiscordID: id}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		batch = append(batch, commands.InviteTarget{Handle: h})
		if len(batch) == domain.MaxInviteCreators || i == n-1 {
			if _, err := app.InviteCreators(ctx, dana, commands.InviteRequest{Creators: batch, Products: []string{"P100"}, Rate: 1500}); err != nil {
				t.Fatal(err)
			}
			batch = nil
		}
	}
	return ids
}

func countStates(t *testing.T, db *sqlite.DB) map[domain.OutboxState]int {
	t.Helper()
	c, err := db.CountOutgoing(ctxb)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
