package delivery_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
	"github.com/collabbot/collabbot/store/sqlite"
)

// platform is a fake Slack and Discord: it hands out references the way
// chat.postMessage does ("C1/1.0", "C1/2.0", ...), keeps what each message
// shows, and updates a message in place when handed an edit with its Ref.
type platform struct {
	mu     sync.Mutex
	posts  int
	shown  map[string]string // ref -> text shown
	handed []domain.Outgoing
	fail   func(o domain.Outgoing) error
}

func newPlatform() *platform { return &platform{shown: map[string]string{}} }

func (p *platform) Send(ctx context.Context, o domain.Outgoing) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.handed = append(p.handed, o)
	if p.fail != nil {
		if err := p.fail(o); err != nil {
			return "", err
		}
	}
	// The platform shows the notice as rendered; synthetic notices of these
	// tests carry their words in Text.
	card := present.Notice(o.Notice, present.Reader{})
	text := o.Notice.Text
	if text == "" {
		text = card.Text
	}
	for _, f := range card.Fields {
		text += "; " + f.Label + ": " + f.Value
	}
	if o.Replaces != "" && o.Ref != "" {
		if _, ok := p.shown[o.Ref]; !ok {
			return "", fmt.Errorf("%w: message_not_found %s", delivery.ErrPermanent, o.Ref)
		}
		p.shown[o.Ref] = text // chat.update
		return o.Ref, nil
	}
	p.posts++
	ref := fmt.Sprintf("C1/%d.0", p.posts)
	p.shown[ref] = text
	return ref, nil
}

func (p *platform) sends() []domain.Outgoing {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]domain.Outgoing(nil), p.handed...)
}

// An approval edits the approvals card in place: the card's send returns
// the reference "C1/1.0", the store keeps it, and the approval's edit is
// handed to the sender with that Ref and Replaces naming the card.
func TestApprovalEditsTheCardInPlace(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := newClock()
	app := commands.New(db, commands.Options{Clock: commands.ClockFunc(clk.Now)})
	p := newPlatform() // Slack; the creator's DMs go to a Discord of their own
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: map[domain.Surface]delivery.Sender{
		domain.SurfaceSlack: p, domain.SurfaceDiscord: newPlatform()}}

	seller, err := app.MemberActor(ctx, "dana", "dana")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		`creator add @maya_glow discord=111111111111111111 followers=52000 views=8000 niche=beauty`,
		`product add P300 "Spicy Crisps" price=4.50 group=snacks stock=20`,
		`plan "Spring" P300=12% samples=1 stock=20`,
	} {
		if _, _, err := grammar.New(app).Run(ctx, seller, line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	// What the setup said (the plan's announcement) goes out first.
	drain(t, &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(newPlatform())})
	maya, err := app.CreatorActorByHandle(ctx, "@maya_glow")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := grammar.New(app).Run(ctx, maya, "request P300 PL1"); err != nil {
		t.Fatal(err)
	}
	drain(t, d)
	card := sentByKey(t, db, "sample:1:card")
	if card.State != domain.OutboxSent || card.Ref != "C1/1.0" {
		t.Fatalf("approvals card is %s with ref %q, want sent with the platform's reference C1/1.0", card.State, card.Ref)
	}

	erin, err := app.LocalManager(ctx, "erin")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := grammar.New(app).Run(ctx, erin, "approve S1"); err != nil {
		t.Fatal(err)
	}
	before := len(p.sends())
	drain(t, d)
	var edit domain.Outgoing
	for _, o := range p.sends()[before:] {
		if o.Replaces != "" {
			edit = o
		}
	}
	if edit.Replaces != "sample:1:card" || edit.Ref != "C1/1.0" {
		t.Fatalf("the approval's edit was handed Replaces %q, Ref %q; want sample:1:card and the card's ref C1/1.0", edit.Replaces, edit.Ref)
	}
	if got := p.shown[card.Ref]; !strings.Contains(got, "erin") {
		t.Fatalf("the card now shows %q, want it updated with the approval", got)
	}
	if p.posts != 1 {
		t.Fatalf("%d messages posted in Slack, want 1: the approval updates the card", p.posts)
	}
	if o := sentByKey(t, db, edit.Key); o.State != domain.OutboxSent || o.Ref != "C1/1.0" {
		t.Fatalf("the edit's row is %s with ref %q, want sent with the card's ref", o.State, o.Ref)
	}
}

// sentByKey reads the row with key.
func sentByKey(tb testing.TB, db *sqlite.DB, key string) domain.Outgoing {
	tb.Helper()
	all, err := db.ListOutgoing(context.Background(), "", 0)
	if err != nil {
		tb.Fatal(err)
	}
	for _, o := range all {
		if o.Key == key {
			return o
		}
	}
	tb.Fatalf("no outbox row %s", key)
	return domain.Outgoing{}
}

// queue adds rows in one transaction.
func queue(tb testing.TB, db *sqlite.DB, rows ...domain.Outgoing) {
	tb.Helper()
	err := db.Update(context.Background(), func(tx commands.Tx) error {
		for _, o := range rows {
			if _, err := tx.Enqueue(context.Background(), o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// card is a row of thread sample:1 in the approvals channel; replaces
// names the key it edits ("" for a new message).
func card(key, replaces, text string) domain.Outgoing {
	return domain.Outgoing{
		To: toChannel(domain.ChannelApprovals), Key: key, Thread: "sample:1", Replaces: replaces,
		Notice: domain.Notice{Kind: domain.NoticeUnreachable, Text: text}, CreatedAt: t0,
	}
}

func TestEditsAndTheirOriginals(t *testing.T) {
	tests := []struct {
		name string
		// run queues and delivers, and returns the dispatcher's sender.
		run   func(t *testing.T, db *sqlite.DB, d *delivery.Dispatcher, p *platform)
		posts []string          // texts posted as new messages, in order
		shown map[string]string // ref -> what it shows at the end
		state map[string]domain.OutboxState
	}{
		{
			name: "an edit queued before its original is sent replaces it",
			run: func(t *testing.T, db *sqlite.DB, d *delivery.Dispatcher, p *platform) {
				queue(t, db, card("sample:1:card", "", "requested"))
				queue(t, db, card("sample:1:card~approved@2", "sample:1:card", "approved by erin"))
				queue(t, db, card("sample:1:card~shipped@3", "sample:1:card", "shipped"))
				drain(t, d)
			},
			posts: []string{"shipped"},
			shown: map[string]string{"C1/1.0": "shipped"},
			state: map[string]domain.OutboxState{"sample:1:card": domain.OutboxSent, "sample:1:card~approved@2": domain.OutboxMerged, "sample:1:card~shipped@3": domain.OutboxMerged},
		},
		{
			name: "an edit of a sent original updates it in place",
			run: func(t *testing.T, db *sqlite.DB, d *delivery.Dispatcher, p *platform) {
				queue(t, db, card("sample:1:card", "", "requested"))
				drain(t, d)
				queue(t, db, card("sample:1:card~approved@2", "sample:1:card", "approved by erin"))
				drain(t, d)
			},
			posts: []string{"requested"},
			shown: map[string]string{"C1/1.0": "approved by erin"},
			state: map[string]domain.OutboxState{"sample:1:card": domain.OutboxSent, "sample:1:card~approved@2": domain.OutboxSent},
		},
		{
			name: "an edit never overtakes its original, nor a later post its thread",
			run: func(t *testing.T, db *sqlite.DB, d *delivery.Dispatcher, p *platform) {
				queue(t, db, card("sample:1:card", "", "requested"))
				claimed, err := db.ClaimOutgoing(context.Background(), t0, surfaces, 1, time.Minute)
				if err != nil || len(claimed) != 1 {
					t.Fatalf("claim: %v %v", claimed, err)
				}
				// While the card is in flight an edit and a new post queue.
				queue(t, db, card("sample:1:card~approved@2", "sample:1:card", "approved by erin"),
					card("sample:1:reminder", "", "reminder"))
				// The card's send fails; it is retried with the edit folded in,
				// then the reminder goes out after it.
				if _, err := db.MarkRetry(context.Background(), claimed[0], t0, t0, "503", time.Hour); err != nil {
					t.Fatal(err)
				}
				drain(t, d)
				drain(t, d)
			},
			posts: []string{"approved by erin", "reminder"},
			shown: map[string]string{"C1/1.0": "approved by erin", "C1/2.0": "reminder"},
			state: map[string]domain.OutboxState{"sample:1:card": domain.OutboxSent, "sample:1:card~approved@2": domain.OutboxMerged, "sample:1:reminder": domain.OutboxSent},
		},
		{
			name: "an edit of an original that failed for good fails and frees the thread",
			run: func(t *testing.T, db *sqlite.DB, d *delivery.Dispatcher, p *platform) {
				p.fail = func(o domain.Outgoing) error {
					if o.Key == "sample:1:card" {
						return fmt.Errorf("slack: channel_not_found: %w", delivery.ErrPermanent)
					}
					return nil
				}
				queue(t, db, card("sample:1:card", "", "requested"))
				claimed, err := db.ClaimOutgoing(context.Background(), t0, surfaces, 1, time.Minute)
				if err != nil || len(claimed) != 1 {
					t.Fatalf("claim: %v %v", claimed, err)
				}
				queue(t, db, card("sample:1:card~approved@2", "sample:1:card", "approved by erin"),
					card("sample:1:reminder", "", "reminder"))
				if err := db.MarkFailed(context.Background(), claimed[0], "slack: channel_not_found"); err != nil {
					t.Fatal(err)
				}
				drain(t, d)
				edit := sentByKey(t, db, "sample:1:card~approved@2")
				if edit.LastError != "the message it edits was never delivered: slack: channel_not_found" {
					t.Fatalf("edit's last error %q, want the original's reason", edit.LastError)
				}
			},
			posts: []string{"reminder"},
			shown: map[string]string{"C1/1.0": "reminder"},
			state: map[string]domain.OutboxState{"sample:1:card": domain.OutboxFailed, "sample:1:card~approved@2": domain.OutboxFailed, "sample:1:reminder": domain.OutboxSent},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			p := newPlatform()
			d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(p)}
			tc.run(t, db, d, p)
			var posts []string
			for _, o := range p.sends() {
				if o.Replaces == "" || o.Ref == "" {
					posts = append(posts, o.Notice.Text)
				}
			}
			if p.fail == nil {
				wantStrings(t, "posted", posts, tc.posts)
			} else if p.posts != len(tc.posts) {
				t.Fatalf("%d new messages posted, want %d (%v)", p.posts, len(tc.posts), tc.posts)
			}
			for ref, want := range tc.shown {
				if got := p.shown[ref]; got != want {
					t.Errorf("%s shows %q, want %q", ref, got, want)
				}
			}
			for key, want := range tc.state {
				if got := sentByKey(t, db, key).State; got != want {
					t.Errorf("%s is %s, want %s", key, got, want)
				}
			}
		})
	}
}

func wantStrings(tb testing.TB, what string, got, want []string) {
	tb.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		tb.Fatalf("%s %q, want %q", what, got, want)
	}
}
