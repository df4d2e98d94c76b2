package delivery_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// t0 is a fixed instant at millisecond precision, the precision the store
// keeps, so times read back compare equal.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.UTC)

// clock is a fake clock tests move by hand; safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// recorder is a sender that counts sends per row ID, keeps what it was
// handed, and answers with what reply says (nil: delivered, with the
// reference "ref/<id>").
type recorder struct {
	mu     sync.Mutex
	sent   map[int64]int
	order  []int64
	handed []domain.Outgoing
	reply  func(o domain.Outgoing) error
}

func newRecorder(reply func(o domain.Outgoing) error) *recorder {
	return &recorder{sent: map[int64]int{}, reply: reply}
}

func (r *recorder) Send(ctx context.Context, o domain.Outgoing) (string, error) {
	r.mu.Lock()
	r.sent[o.ID]++
	r.order = append(r.order, o.ID)
	r.handed = append(r.handed, o)
	r.mu.Unlock()
	if r.reply != nil {
		if err := r.reply(o); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("ref/%d", o.ID), nil
}

func (r *recorder) count(id int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent[id]
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.order)
}

func openDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return openPath(tb, filepath.Join(tb.TempDir(), "collabbot.db"))
}

func openPath(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("sqlite.Open(%q): %v", path, err)
	}
	db.Now = func() time.Time { return t0 }
	tb.Cleanup(func() { db.Close() })
	return db
}

func toChannel(name string) domain.Recipient {
	return domain.Recipient{Kind: domain.ToChannel, Channel: name}
}

func toCreator(id int64) domain.Recipient {
	return domain.Recipient{Kind: domain.ToCreator, CreatorID: id}
}

// enqueue adds one row per recipient, due at `at`, and returns their IDs in
// order.
func enqueue(tb testing.TB, db *sqlite.DB, at time.Time, tos ...domain.Recipient) []int64 {
	tb.Helper()
	ctx := context.Background()
	before, err := db.ListOutgoing(ctx, "", 0)
	if err != nil {
		tb.Fatal(err)
	}
	err = db.Update(ctx, func(tx commands.Tx) error {
		for i, to := range tos {
			ok, err := tx.Enqueue(ctx, domain.Outgoing{
				Surface:     to.Surface(),
				To:          to,
				Notice:      domain.Notice{Kind: domain.NoticeUnreachable, Text: fmt.Sprintf("message %d to %s", len(before)+i+1, to)},
				Key:         fmt.Sprintf("test:%d", len(before)+i+1),
				NextAttempt: at,
				CreatedAt:   t0,
			})
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("row %d not inserted", i)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("enqueue: %v", err)
	}
	all, err := db.ListOutgoing(ctx, "", 0)
	if err != nil {
		tb.Fatal(err)
	}
	var ids []int64
	for _, o := range all[len(before):] {
		ids = append(ids, o.ID)
	}
	if len(ids) != len(tos) {
		tb.Fatalf("enqueued %d rows, found %d", len(tos), len(ids))
	}
	return ids
}

// row reads one outbox row back.
func row(tb testing.TB, db *sqlite.DB, id int64) domain.Outgoing {
	tb.Helper()
	all, err := db.ListOutgoing(context.Background(), "", 0)
	if err != nil {
		tb.Fatal(err)
	}
	for _, o := range all {
		if o.ID == id {
			return o
		}
	}
	tb.Fatalf("no outbox row %d", id)
	return domain.Outgoing{}
}

func drain(tb testing.TB, d *delivery.Dispatcher) int {
	tb.Helper()
	n, err := d.Drain(context.Background())
	if err != nil {
		tb.Fatalf("Drain: %v", err)
	}
	return n
}

// surfaces is every surface, as a dispatcher with every sender claims.
var surfaces = []domain.Surface{domain.SurfaceDiscord, domain.SurfaceSlack}

func both(s delivery.Sender) map[domain.Surface]delivery.Sender {
	return map[domain.Surface]delivery.Sender{domain.SurfaceSlack: s, domain.SurfaceDiscord: s}
}

func TestDrainSendsEachDueRowOnceToItsSurface(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := newClock()
	slack, discord := newRecorder(nil), newRecorder(nil)
	ids := enqueue(t, db, t0, toChannel(domain.ChannelSellers), toCreator(7), toChannel(domain.ChannelApprovals))
	later := enqueue(t, db, t0.Add(time.Minute), toChannel(domain.ChannelSellers))[0]
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: map[domain.Surface]delivery.Sender{
		domain.SurfaceSlack: slack, domain.SurfaceDiscord: discord,
	}}

	if n := drain(t, d); n != 3 {
		t.Fatalf("Drain handled %d rows, want 3 (the fourth is not due)", n)
	}
	if slack.count(ids[0]) != 1 || slack.count(ids[2]) != 1 || discord.count(ids[1]) != 1 {
		t.Fatalf("slack sent %v, discord sent %v; want channel rows %d,%d on slack and creator row %d on discord, once each",
			slack.sent, discord.sent, ids[0], ids[2], ids[1])
	}
	if slack.count(ids[1]) != 0 || discord.total() != 1 || slack.total() != 2 {
		t.Fatalf("a row went to the wrong surface: slack %v, discord %v", slack.sent, discord.sent)
	}
	sent, err := db.ListOutgoing(ctx, domain.OutboxSent, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 3 {
		t.Fatalf("%d rows sent, want 3: %+v", len(sent), sent)
	}
	for i, o := range sent {
		if o.ID != ids[i] || !o.SentAt.Equal(t0) {
			t.Errorf("sent row %d = id %d sent at %v, want id %d sent at %v", i, o.ID, o.SentAt, ids[i], t0)
		}
	}
	if o := row(t, db, later); o.State != domain.OutboxPending {
		t.Fatalf("row not yet due is %s, want pending", o.State)
	}

	// Nothing more is due: a second drain sends nothing again.
	if n := drain(t, d); n != 0 {
		t.Fatalf("second Drain handled %d rows, want 0", n)
	}
	// Its time comes: sent once; the others are not sent again.
	clk.Advance(time.Minute)
	if n := drain(t, d); n != 1 || slack.count(later) != 1 {
		t.Fatalf("Drain after a minute handled %d rows, sent row %d %d times; want 1 and 1", n, later, slack.count(later))
	}
	if slack.total() != 3 || discord.total() != 1 {
		t.Fatalf("a delivered row was sent again: slack %v, discord %v", slack.sent, discord.sent)
	}
}

func TestDrainKeepsRowsForSurfaceWithoutSenderPending(t *testing.T) {
	db := openDB(t)
	clk := newClock()
	slack := newRecorder(nil)
	ids := enqueue(t, db, t0, toCreator(3), toChannel(domain.ChannelSellers))
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: map[domain.Surface]delivery.Sender{domain.SurfaceSlack: slack}}

	if n := drain(t, d); n != 1 {
		t.Fatalf("Drain handled %d rows, want 1 (the Slack row)", n)
	}
	if o := row(t, db, ids[1]); o.State != domain.OutboxSent || o.Ref != fmt.Sprintf("ref/%d", ids[1]) {
		t.Fatalf("slack row is %s with ref %q, want sent with the sender's reference", o.State, o.Ref)
	}
	// The Discord row is not claimed at all: no churn, nothing recorded,
	// due as it was, for a dispatcher with a Discord sender.
	o := row(t, db, ids[0])
	if o.State != domain.OutboxPending || o.Attempts != 0 || o.LastError != "" || !o.NextAttempt.Equal(t0) {
		t.Fatalf("discord row without a sender is %s, attempts %d, error %q, next %v; want pending and untouched",
			o.State, o.Attempts, o.LastError, o.NextAttempt)
	}
	// Once a dispatcher with a Discord sender runs, the kept row goes out.
	discord := newRecorder(nil)
	other := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: map[domain.Surface]delivery.Sender{domain.SurfaceDiscord: discord}}
	if n := drain(t, other); n != 1 || discord.count(ids[0]) != 1 {
		t.Fatalf("Drain with a Discord sender handled %d rows, sent the kept row %d times; want 1 and 1", n, discord.count(ids[0]))
	}
	if o := row(t, db, ids[0]); o.State != domain.OutboxSent {
		t.Fatalf("kept row is %s after its sender appeared, want sent", o.State)
	}
}

func TestDrainWithoutSenderDoesNotBurnAttempts(t *testing.T) {
	db := openDB(t)
	clk := newClock()
	id := enqueue(t, db, t0, toCreator(3))[0]
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: map[domain.Surface]delivery.Sender{}}
	for range 10 { // ten days without a Discord sender
		drain(t, d)
		clk.Advance(24 * time.Hour)
	}
	if o := row(t, db, id); o.Attempts != 0 || o.State != domain.OutboxPending {
		t.Fatalf("after 10 drains without a sender the row is %s with %d attempts, want pending with 0", o.State, o.Attempts)
	}
	// Discord comes back but is briefly slow: the row must be retried, not
	// given up, though it was queued days ago (the retry period counts from
	// the first attempt).
	d = &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(newRecorder(func(domain.Outgoing) error { return errors.New("503 service unavailable") }))}
	drain(t, d)
	if o := row(t, db, id); o.State != domain.OutboxPending || o.Attempts != 1 {
		t.Fatalf("first temporary error after the sender appeared left the row %s (attempts %d), want pending", o.State, o.Attempts)
	}
}

// Transient errors back off and are retried for RetryFor from the first
// attempt, then the row fails with the last error.
func TestTemporaryErrorBacksOffThenFails(t *testing.T) {
	for _, tc := range []struct {
		name     string
		retryFor time.Duration
	}{
		{"ten minutes", 10 * time.Minute},
		{"default 24h", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			clk := newClock()
			s := newRecorder(func(domain.Outgoing) error { return errors.New("503 service unavailable") })
			id := enqueue(t, db, t0, toChannel(domain.ChannelSellers))[0]
			d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s), RetryFor: tc.retryFor}
			retryFor := cmp.Or(tc.retryFor, delivery.DefaultRetryFor)

			for attempt := 0; ; attempt++ {
				now := clk.Now()
				if n := drain(t, d); n != 1 {
					t.Fatalf("attempt %d: Drain handled %d rows, want 1", attempt+1, n)
				}
				o := row(t, db, id)
				if o.State == domain.OutboxFailed {
					if now.Sub(t0) < retryFor {
						t.Fatalf("given up after %v, want retries for %v", now.Sub(t0), retryFor)
					}
					if !strings.Contains(o.LastError, "503 service unavailable") || !strings.Contains(o.LastError, "gave up") || o.Attempts != attempt+1 {
						t.Fatalf("failed row: %d attempts, error %q", o.Attempts, o.LastError)
					}
					break
				}
				want := now.Add(delivery.Backoff(attempt))
				if o.State != domain.OutboxPending || o.Attempts != attempt+1 || !o.NextAttempt.Equal(want) {
					t.Fatalf("after failed attempt %d the row is %s, attempts %d, next %v; want pending, %d, %v (now + Backoff(%d))",
						attempt+1, o.State, o.Attempts, o.NextAttempt, attempt+1, want, attempt)
				}
				if !strings.Contains(o.LastError, "503 service unavailable") {
					t.Fatalf("last error %q, want the sender's error", o.LastError)
				}
				// Not re-sent before its time...
				clk.Set(o.NextAttempt.Add(-time.Millisecond))
				if n := drain(t, d); n != 0 || s.count(id) != attempt+1 {
					t.Fatalf("a millisecond before the next attempt Drain handled %d rows (sent %d times), want 0 (%d)", n, s.count(id), attempt+1)
				}
				// ...and re-sent once it has come.
				clk.Set(o.NextAttempt)
			}
			if gaveUp := clk.Now().Sub(t0); gaveUp > retryFor+delivery.Backoff(100) {
				t.Fatalf("given up after %v, want soon after %v", gaveUp, retryFor)
			}
			sends := s.total()
			clk.Advance(48 * time.Hour)
			if n := drain(t, d); n != 0 || s.total() != sends {
				t.Fatalf("a failed row was tried again: Drain handled %d, sent %d times", n, s.total())
			}
		})
	}
}

// Two hours of 429s (a long rate limit) lose no row: rate limits count
// neither as attempts nor toward giving up, even with a short RetryFor.
func TestTwoHoursOfRateLimitsLoseNoRow(t *testing.T) {
	db := openDB(t)
	clk := newClock()
	end := t0.Add(2 * time.Hour)
	s := newRecorder(func(domain.Outgoing) error {
		if clk.Now().Before(end) {
			return &delivery.RetryAfterError{After: 5 * time.Minute, Err: errors.New("429 too many requests")}
		}
		return nil
	})
	ids := enqueue(t, db, t0, toChannel(domain.ChannelSellers), toCreator(1), toChannel(domain.ChannelApprovals))
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s), RetryFor: time.Hour}
	for clk.Now().Before(end.Add(time.Minute)) {
		drain(t, d)
		clk.Advance(time.Minute)
	}
	for _, id := range ids {
		o := row(t, db, id)
		if o.State != domain.OutboxSent || o.Attempts != 0 {
			t.Fatalf("row %d after two hours of 429s is %s with %d attempts (%q), want sent with 0", id, o.State, o.Attempts, o.LastError)
		}
	}
	if s.total() < 3*24 {
		t.Fatalf("%d sends in two hours of 5-minute rate limits, want about 24 per row", s.total())
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	db := openDB(t)
	clk := newClock()
	limited := true
	var mu sync.Mutex
	s := newRecorder(func(domain.Outgoing) error {
		mu.Lock()
		defer mu.Unlock()
		if limited {
			// Wrapped, as an adapter would: the dispatcher must still see it.
			return fmt.Errorf("slack: chat.postMessage: %w", &delivery.RetryAfterError{After: 30 * time.Second, Err: errors.New("429 too many requests")})
		}
		return nil
	})
	id := enqueue(t, db, t0, toChannel(domain.ChannelApprovals))[0]
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s)}

	drain(t, d)
	o := row(t, db, id)
	if o.State != domain.OutboxPending || o.NextAttempt.Before(t0.Add(30*time.Second)) {
		t.Fatalf("rate-limited row is %s with next attempt %v, want pending no sooner than %v", o.State, o.NextAttempt, t0.Add(30*time.Second))
	}
	if !strings.Contains(o.LastError, "429") {
		t.Fatalf("last error %q, want the 429", o.LastError)
	}
	clk.Set(t0.Add(30*time.Second - time.Millisecond))
	if n := drain(t, d); n != 0 {
		t.Fatalf("Drain before Retry-After passed handled %d rows, want 0", n)
	}
	mu.Lock()
	limited = false
	mu.Unlock()
	clk.Set(o.NextAttempt)
	if n := drain(t, d); n != 1 || s.count(id) != 2 {
		t.Fatalf("Drain after Retry-After handled %d rows, sent %d times; want 1 and 2", n, s.count(id))
	}
	if o := row(t, db, id); o.State != domain.OutboxSent {
		t.Fatalf("row is %s after the retry succeeded, want sent", o.State)
	}
}

func TestRetryAfterShorterThanBackoffKeepsBackoff(t *testing.T) {
	db := openDB(t)
	clk := newClock()
	s := newRecorder(func(domain.Outgoing) error {
		return &delivery.RetryAfterError{After: time.Millisecond, Err: errors.New("429")}
	})
	id := enqueue(t, db, t0, toChannel(domain.ChannelApprovals))[0]
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s)}
	drain(t, d)
	if o := row(t, db, id); o.NextAttempt.Before(t0.Add(delivery.Backoff(0))) {
		t.Fatalf("next attempt %v, want no sooner than the backoff %v", o.NextAttempt, t0.Add(delivery.Backoff(0)))
	}
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	db := openDB(t)
	clk := newClock()
	called := 0
	s := newRecorder(func(domain.Outgoing) error {
		return fmt.Errorf("slack: channel_not_found: %w", delivery.ErrPermanent)
	})
	ids := enqueue(t, db, t0, toChannel(domain.ChannelSellers), toCreator(4))
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s),
		OnUnreachable: func(context.Context, int64, string) error { called++; return nil }}

	if n := drain(t, d); n != 2 {
		t.Fatalf("Drain handled %d rows, want 2", n)
	}
	for _, id := range ids {
		o := row(t, db, id)
		if o.State != domain.OutboxFailed || o.Attempts != 1 || !strings.Contains(o.LastError, "channel_not_found") {
			t.Fatalf("row %d is %s with %d attempts, error %q; want failed after 1 attempt with the sender's error", id, o.State, o.Attempts, o.LastError)
		}
	}
	if called != 0 {
		t.Fatalf("OnUnreachable called %d times for a permanent error, want 0", called)
	}
	clk.Advance(24 * time.Hour)
	if n := drain(t, d); n != 0 || s.total() != 2 {
		t.Fatalf("a permanently failed row was retried: Drain handled %d, %d sends", n, s.total())
	}
}

func TestUnreachableCreatorIsReported(t *testing.T) {
	db := openDB(t)
	clk := newClock()
	type call struct {
		id  int64
		why string
	}
	var calls []call
	s := newRecorder(func(domain.Outgoing) error {
		return fmt.Errorf("discord: 50007 cannot send messages to this user: %w", delivery.ErrUnreachable)
	})
	ids := enqueue(t, db, t0, toCreator(42), toChannel(domain.ChannelSellers))
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s),
		OnUnreachable: func(_ context.Context, id int64, why string) error {
			calls = append(calls, call{id, why})
			return nil
		}}

	if n := drain(t, d); n != 2 {
		t.Fatalf("Drain handled %d rows, want 2", n)
	}
	if len(calls) != 1 || calls[0].id != 42 {
		t.Fatalf("OnUnreachable calls = %+v, want one for creator 42 (none for the channel row)", calls)
	}
	if !strings.Contains(calls[0].why, "50007") {
		t.Fatalf("OnUnreachable why = %q, want the sender's error", calls[0].why)
	}
	for _, id := range ids {
		if o := row(t, db, id); o.State != domain.OutboxFailed {
			t.Fatalf("unreachable row %d is %s, want failed", id, o.State)
		}
	}
}

func TestUnreachableCallbackFailureStillFailsRow(t *testing.T) {
	db := openDB(t)
	s := newRecorder(func(domain.Outgoing) error { return delivery.ErrUnreachable })
	id := enqueue(t, db, t0, toCreator(42))[0]
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(s),
		OnUnreachable: func(context.Context, int64, string) error { return errors.New("store down") }}
	if _, err := d.Drain(context.Background()); err != nil {
		t.Fatalf("Drain: %v, want the callback's failure logged, not returned", err)
	}
	if o := row(t, db, id); o.State != domain.OutboxFailed {
		t.Fatalf("row is %s, want failed", o.State)
	}
}

func TestCrashedSendIsRetriedAfterLease(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := newClock()
	s := newRecorder(nil)
	ids := enqueue(t, db, t0, toChannel(domain.ChannelSellers), toCreator(1), toChannel(domain.ChannelApprovals))
	const lease = 2 * time.Minute

	// A worker claims the rows and dies before marking them.
	claimed, err := db.ClaimOutgoing(ctx, t0, surfaces, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	if len(claimed) != 3 {
		t.Fatalf("dead worker claimed %d rows, want 3", len(claimed))
	}
	if sending, _ := db.ListOutgoing(ctx, domain.OutboxSending, 0); len(sending) != 3 {
		t.Fatalf("%d rows sending, want 3", len(sending))
	}

	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s), Lease: lease}
	if n := drain(t, d); n != 0 || s.total() != 0 {
		t.Fatalf("Drain while the lease holds handled %d rows (%d sends), want 0", n, s.total())
	}
	clk.Set(t0.Add(lease - time.Millisecond))
	if n := drain(t, d); n != 0 || s.total() != 0 {
		t.Fatalf("Drain a millisecond before the lease ends handled %d rows (%d sends), want 0", n, s.total())
	}
	clk.Set(t0.Add(lease))
	if n := drain(t, d); n != 3 {
		t.Fatalf("Drain after the lease ended handled %d rows, want 3", n)
	}
	for _, id := range ids {
		if s.count(id) != 1 {
			t.Fatalf("row %d sent %d times after the crash, want exactly once", id, s.count(id))
		}
		if o := row(t, db, id); o.State != domain.OutboxSent {
			t.Fatalf("row %d is %s, want sent", id, o.State)
		}
	}
	clk.Advance(time.Hour)
	if n := drain(t, d); n != 0 || s.total() != 3 {
		t.Fatalf("rows sent again later: Drain handled %d, %d sends in all", n, s.total())
	}
}

func TestRowWhoseSenderAlwaysDiesIsGivenUp(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := newClock()
	id := enqueue(t, db, t0, toChannel(domain.ChannelSellers))[0]
	const lease = time.Minute

	// Each worker claims the row and dies mid-send; a reclaimed lease
	// counts as an attempt.
	for i := range sqlite.MaxLost {
		got, err := db.ClaimOutgoing(ctx, clk.Now(), surfaces, 10, lease)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Attempts != i {
			t.Fatalf("claim %d = %+v, want the row with %d attempts", i+1, got, i)
		}
		clk.Advance(lease)
	}
	s := newRecorder(nil)
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s), Lease: lease}
	if n := drain(t, d); n != 0 {
		t.Fatalf("Drain handled %d rows, want 0", n)
	}
	if s.total() != 0 {
		t.Fatalf("a row that killed its sender %d times was sent again", sqlite.MaxLost)
	}
	if o := row(t, db, id); o.State != domain.OutboxFailed || o.LastError == "" {
		t.Fatalf("row is %s (error %q), want failed with a reason", o.State, o.LastError)
	}
}

func TestConcurrentDispatchersSendEachRowOnce(t *testing.T) {
	for _, tc := range []struct {
		name       string
		sameHandle bool
	}{
		{"one store handle", true},
		{"two store handles on one file", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Four dispatchers race for one writer; under the race detector on
			// a loaded 2-core machine a lock wait can pass the default 5 s. The
			// property here is exactly-once delivery, not lock latency.
			path := "file:" + filepath.Join(t.TempDir(), "collabbot.db") + "?_pragma=busy_timeout(60000)"
			db := openPath(t, path)
			other := db
			if !tc.sameHandle {
				other = openPath(t, path) // as a second process would
			}
			const rows = 200
			tos := make([]domain.Recipient, rows)
			for i := range tos {
				if i%2 == 0 {
					tos[i] = toChannel(domain.ChannelSellers)
				} else {
					tos[i] = toCreator(int64(i))
				}
			}
			ids := enqueue(t, db, t0, tos...)
			clk := newClock()
			s := newRecorder(nil)

			queues := []delivery.Queue{db, other, db, other}
			totals := make([]int, len(queues))
			errs := make([]error, len(queues))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, q := range queues {
				d := &delivery.Dispatcher{Queue: q, Now: clk.Now, Senders: both(s), MarkTimeout: 30 * time.Second}
				wg.Go(func() {
					<-start
					totals[i], errs[i] = d.Drain(context.Background())
				})
			}
			close(start)
			wg.Wait()

			sum := 0
			for i, err := range errs {
				if err != nil {
					t.Fatalf("dispatcher %d: %v", i, err)
				}
				sum += totals[i]
			}
			if sum != rows {
				t.Fatalf("dispatchers handled %v = %d rows, want %d", totals, sum, rows)
			}
			for _, id := range ids {
				if n := s.count(id); n != 1 {
					t.Fatalf("row %d sent %d times, want exactly once", id, n)
				}
			}
			if s.total() != rows {
				t.Fatalf("%d sends, want %d", s.total(), rows)
			}
			sent, err := db.ListOutgoing(context.Background(), domain.OutboxSent, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(sent) != rows {
				t.Fatalf("%d rows marked sent, want %d", len(sent), rows)
			}
		})
	}
}

func TestBackoffIncreasesAndIsCapped(t *testing.T) {
	if got := delivery.Backoff(0); got != 2*time.Second {
		t.Fatalf("Backoff(0) = %v, want 2s", got)
	}
	const limit = 15 * time.Minute
	prev := time.Duration(0)
	for n := 0; n <= 200; n++ {
		got := delivery.Backoff(n)
		if got < prev {
			t.Fatalf("Backoff(%d) = %v < Backoff(%d) = %v, want non-decreasing", n, got, n-1, prev)
		}
		if got > limit {
			t.Fatalf("Backoff(%d) = %v, want at most %v", n, got, limit)
		}
		if prev < limit && got <= prev {
			t.Fatalf("Backoff(%d) = %v, not above Backoff(%d) = %v before the cap", n, got, n-1, prev)
		}
		prev = got
	}
	if got := delivery.Backoff(9); got != limit {
		t.Fatalf("Backoff(9) = %v, want the cap %v", got, limit)
	}
	for _, n := range []int{10, 30, 63, 64, 65, 1000, int(^uint(0) >> 1)} {
		if got := delivery.Backoff(n); got != limit {
			t.Fatalf("Backoff(%d) = %v, want the cap %v", n, got, limit)
		}
	}
}

func TestDrainReportsStoreErrors(t *testing.T) {
	db := openDB(t)
	enqueue(t, db, t0, toChannel(domain.ChannelSellers))
	db.Close()
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(newRecorder(nil))}
	if _, err := d.Drain(context.Background()); err == nil {
		t.Fatal("Drain on a closed store succeeded, want an error")
	}
}

func TestRunDrainsUntilCancelled(t *testing.T) {
	db := openDB(t)
	enqueue(t, db, t0, toChannel(domain.ChannelSellers))
	clk := newClock()
	s := newRecorder(nil)
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		d.Run(ctx, 5*time.Millisecond)
		close(done)
	}()

	// A row queued while it runs goes out on a later tick.
	deadline := time.Now().Add(5 * time.Second)
	for s.total() < 1 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	enqueue(t, db, t0, toCreator(9))
	for s.total() < 2 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	if s.total() != 2 {
		t.Fatalf("Run sent %d rows, want 2", s.total())
	}

	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after ctx was cancelled")
	}
}

func TestRunReturnsWhenCancelledMidSend(t *testing.T) {
	db := openDB(t)
	enqueue(t, db, t0, toChannel(domain.ChannelSellers))
	started := make(chan struct{})
	s := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		close(started)
		<-ctx.Done()
		return "", ctx.Err()
	})
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(s), ShutdownGrace: 10 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		d.Run(ctx, time.Hour)
		close(done)
	}()
	<-started
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after ctx was cancelled during a send")
	}
}
