package delivery_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
)

// Two dispatchers whose sends together outlast the lease many times over
// deliver every row exactly once. They share one store handle: two handles
// on one file wait for SQLite's write lock by polling, which can starve one
// of them past any lease under the race detector (with fast sends, two
// handles are covered by TestConcurrentDispatchersSendEachRowOnce). Time is simulated: each send takes 10s of the shared clock
// (as in the measured failure; the platform takes one request at a time)
// against the production lease of 2 minutes, and the 20 rows take 200s in
// all, while the real run takes well under a second. (Claiming a batch of 20 under one lease and sending
// with no deadline, as the dispatcher once did, sends rows again here.)
func TestSlowSendsOutlastingTheLeaseAreSentOnce(t *testing.T) {
	db := openDB(t)
	const rows = 20
	tos := make([]domain.Recipient, rows)
	for i := range tos {
		tos[i] = toChannel(domain.ChannelSellers)
	}
	ids := enqueue(t, db, t0, tos...)
	clk := newClock()
	var platform sync.Mutex
	slow := newRecorder(func(domain.Outgoing) error {
		platform.Lock()
		defer platform.Unlock()
		clk.Advance(10 * time.Second)
		time.Sleep(time.Millisecond) // lets the other dispatcher in
		return nil
	})
	// Both keep polling, as serve's loop does, until every row is out.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 2 {
		// One worker each: the simulated platform serves one request at a
		// time and this fake ignores its context, so with a pool the sends
		// queued behind it would outlast their leases in simulated time
		// while their real deadlines never fire (a real sender returns at
		// its deadline; see TestPoolBoundsSendsQueuedBehindASlowPlatform).
		d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(slow), Workers: 1,
			SendTimeout: 30 * time.Second, Lease: 2 * time.Minute, Log: slog.New(slog.NewTextHandler(tlog{t}, nil))}
		wg.Go(func() { d.Run(ctx, 2*time.Millisecond) })
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if sent, _ := db.ListOutgoing(context.Background(), domain.OutboxSent, 0); len(sent) == rows {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	clk.Advance(3 * time.Minute) // every lease ends: a row left sending would be sent again
	time.Sleep(20 * time.Millisecond)
	cancel()
	wg.Wait()
	for _, id := range ids {
		if n := slow.count(id); n != 1 {
			t.Errorf("row %d sent %d times, want exactly once", id, n)
		}
		if o := row(t, db, id); o.State != domain.OutboxSent {
			t.Errorf("row %d is %s, want sent", id, o.State)
		}
	}
}

// A send is bounded by SendTimeout, and never by more than the lease
// leaves after recording the outcome: the sender sees the deadline, the
// row is retried, and its lease had not run out when the outcome was
// recorded.
func TestSendIsBoundedWithinItsLease(t *testing.T) {
	db := openDB(t)
	id := enqueue(t, db, t0, toChannel(domain.ChannelSellers))[0]
	var left time.Duration
	hang := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		dl, _ := ctx.Deadline()
		left = time.Until(dl)
		<-ctx.Done()
		return "", ctx.Err()
	})
	clk := newClock()
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(hang),
		SendTimeout: 30 * time.Millisecond, MarkTimeout: time.Second, Lease: time.Hour}
	drain(t, d)
	if left <= 0 || left > 30*time.Millisecond {
		t.Fatalf("send had %v to run, want at most SendTimeout (30ms)", left)
	}
	o := row(t, db, id)
	if o.State != domain.OutboxPending || o.Attempts != 1 || o.LastError == "" {
		t.Fatalf("a send past its timeout left the row %s, %d attempts, %q; want pending for a retry", o.State, o.Attempts, o.LastError)
	}
}

// Shutdown mid-batch: the send in flight finishes within the grace and is
// recorded (a delivered row is marked sent though ctx has ended), or is cut
// off and put back due at once; the rows behind it were never claimed.
// Either way nothing is left sending, so the next start sends at once.
func TestShutdownMidBatchLeavesNothingClaimed(t *testing.T) {
	for _, tc := range []struct {
		name     string
		finishes bool // the send in flight finishes within the grace
	}{
		{"send finishes within the grace", true},
		{"send outlasts the grace", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			clk := newClock()
			ids := enqueue(t, db, t0, toChannel(domain.ChannelSellers), toCreator(1), toChannel(domain.ChannelApprovals), toCreator(2))
			ctx, cancel := context.WithCancel(context.Background())
			first := true
			s := newRecorder(func(domain.Outgoing) error { return nil })
			slow := delivery.SenderFunc(func(sctx context.Context, o domain.Outgoing) (string, error) {
				if !first {
					return s.Send(sctx, o)
				}
				first = false
				cancel() // shutdown arrives while the first row is being sent
				if tc.finishes {
					time.Sleep(5 * time.Millisecond)
					return s.Send(sctx, o)
				}
				<-sctx.Done()
				return "", sctx.Err()
			})
			// One worker, so "behind" is well defined; a pool's shutdown
			// (every send in flight, none claimed after) is
			// TestPoolShutdownFinishesInFlightAndClaimsNothingMore.
			d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(slow), ShutdownGrace: 50 * time.Millisecond, Lease: time.Hour, Workers: 1}
			if _, err := d.Drain(ctx); err != nil {
				t.Fatalf("Drain: %v", err)
			}
			if sending, _ := db.ListOutgoing(context.Background(), domain.OutboxSending, 0); len(sending) != 0 {
				t.Fatalf("%d rows left sending after shutdown: %+v", len(sending), sending)
			}
			o := row(t, db, ids[0])
			switch {
			case tc.finishes && o.State != domain.OutboxSent:
				t.Fatalf("the row delivered during shutdown is %s, want sent", o.State)
			case !tc.finishes && (o.State != domain.OutboxPending || !o.NextAttempt.Equal(t0)):
				t.Fatalf("the row cut off at shutdown is %s due %v, want pending due now", o.State, o.NextAttempt)
			}
			for _, id := range ids[1:] {
				if o := row(t, db, id); o.State != domain.OutboxPending || o.Attempts != 0 || s.count(id) != 0 {
					t.Fatalf("row %d behind the one in flight is %s with %d attempts (sent %d times), want pending, untouched",
						id, o.State, o.Attempts, s.count(id))
				}
			}
			// The next start, at the same instant, sends the rest at once.
			next := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s)}
			want := len(ids) - 1
			if !tc.finishes {
				want = len(ids)
			}
			if n := drain(t, next); n != want {
				t.Fatalf("the next start handled %d rows, want %d", n, want)
			}
			for _, id := range ids {
				if s.count(id) != 1 {
					t.Fatalf("row %d sent %d times in all, want once", id, s.count(id))
				}
			}
		})
	}
}

// A failed outcome does not make Drain abandon the rest.
func TestDrainGoesOnPastAFailedMark(t *testing.T) {
	db := openDB(t)
	ids := enqueue(t, db, t0, toChannel(domain.ChannelSellers), toChannel(domain.ChannelApprovals))
	s := newRecorder(nil)
	q := &failFirstMark{Queue: db}
	// One worker: "the row after" the failed mark must be well defined.
	d := &delivery.Dispatcher{Queue: q, Now: newClock().Now, Senders: both(s), Workers: 1}
	if n := drain(t, d); n != 2 {
		t.Fatalf("Drain handled %d rows, want 2", n)
	}
	if o := row(t, db, ids[1]); o.State != domain.OutboxSent {
		t.Fatalf("the row after the failed mark is %s, want sent", o.State)
	}
}

// failFirstMark fails the first MarkSent, as a store hiccup would.
type failFirstMark struct {
	delivery.Queue
	calls atomic.Int32
}

func (q *failFirstMark) MarkSent(ctx context.Context, o domain.Outgoing, now time.Time, ref string) error {
	if q.calls.Add(1) == 1 {
		return errors.New("disk I/O error")
	}
	return q.Queue.MarkSent(ctx, o, now, ref)
}

// tlog writes a dispatcher's log into the test's.
type tlog struct{ t *testing.T }

func (w tlog) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
