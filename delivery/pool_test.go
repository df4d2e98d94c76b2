package delivery_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// queueOut adds rows in one transaction, in order, due at t0.
func queueOut(tb testing.TB, db *sqlite.DB, rows ...domain.Outgoing) {
	tb.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx commands.Tx) error {
		for _, o := range rows {
			if o.Surface == "" {
				o.Surface = o.To.Surface()
			}
			if o.Notice.Kind == "" {
				o.Notice = domain.Notice{Kind: domain.NoticeUnreachable, Text: o.Key}
			}
			o.NextAttempt, o.CreatedAt = t0, t0
			if ok, err := tx.Enqueue(ctx, o); err != nil || !ok {
				return fmt.Errorf("enqueue %s: %v %v", o.Key, ok, err)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// fanout is an invitation round as the use cases queue it: one DM per
// creator, each on its invitation's thread, the first creator's DM edited
// (an answer) before it goes out, and a thread of sellers' notices.
func fanout(creators int) []domain.Outgoing {
	var rows []domain.Outgoing
	for i := 1; i <= creators; i++ {
		rows = append(rows, domain.Outgoing{To: toCreator(int64(i)), Key: fmt.Sprintf("invitation:%d:dm", i), Thread: fmt.Sprintf("invitation:%d", i)})
	}
	for i := 1; i <= 5; i++ {
		rows = append(rows, domain.Outgoing{To: toChannel(domain.ChannelSellers), Key: fmt.Sprintf("plan:1:step%d", i), Thread: "plan:1"})
	}
	rows = append(rows,
		domain.Outgoing{To: toCreator(2), Key: "invitation:2:rate@1", Thread: "invitation:2"},
		domain.Outgoing{To: toCreator(3), Key: "invitation:3:dm~accepted", Thread: "invitation:3", Replaces: "invitation:3:dm"})
	return rows
}

// inFlight is a sender that records the order of sends by key, and how
// many were in flight at once at most.
type inFlight struct {
	hold    time.Duration
	mu      sync.Mutex
	now     int
	most    int
	keys    []string
	perKey  map[string]int
	started chan string
	// threads counts the sends in flight per recipient and thread; overlap
	// records a send that began while another of its thread was in flight.
	threads map[string]int
	overlap []string
}

func newInFlight(hold time.Duration) *inFlight {
	return &inFlight{hold: hold, perKey: map[string]int{}, threads: map[string]int{}}
}

func (f *inFlight) Send(ctx context.Context, o domain.Outgoing) (string, error) {
	th := o.To.String() + " " + o.Thread
	f.mu.Lock()
	f.now++
	f.most = max(f.most, f.now)
	f.keys = append(f.keys, o.Key)
	f.perKey[o.Key]++
	if o.Thread != "" {
		if f.threads[th] > 0 {
			f.overlap = append(f.overlap, o.Key)
		}
		f.threads[th]++
		defer func() { f.mu.Lock(); f.threads[th]--; f.mu.Unlock() }()
	}
	f.mu.Unlock()
	if f.started != nil {
		f.started <- o.Key
	}
	select {
	case <-time.After(f.hold):
	case <-ctx.Done():
	}
	f.mu.Lock()
	f.now--
	f.mu.Unlock()
	return "ref/" + o.Key, ctx.Err()
}

// wantThreadOrder fails unless, in sent, every key of want appears once
// and in want's order.
func wantThreadOrder(tb testing.TB, sent []string, want ...string) {
	tb.Helper()
	last := -1
	for _, k := range want {
		i := slices.Index(sent, k)
		if i < 0 {
			tb.Fatalf("%s was never sent", k)
		}
		if i < last {
			tb.Fatalf("%s went out before %s, queued earlier on its thread (sent: %v)", k, want[slices.Index(want, k)-1], sent)
		}
		last = i
	}
}

func TestFanoutGoesOutInParallelInThreadOrder(t *testing.T) {
	db := openDB(t)
	queueOut(t, db, fanout(50)...)
	f := newInFlight(5 * time.Millisecond)
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(f), Workers: 8}
	if n := drain(t, d); n != 57-1 { // the edit folds into the DM it edits
		t.Fatalf("Drain handled %d rows, want 56", n)
	}
	if f.most < 2 {
		t.Fatalf("at most %d send in flight at once, want a pool (up to 8)", f.most)
	}
	if f.most > 8 {
		t.Fatalf("%d sends in flight at once, more than the 8 workers", f.most)
	}
	wantThreadOrder(t, f.keys, "plan:1:step1", "plan:1:step2", "plan:1:step3", "plan:1:step4", "plan:1:step5")
	wantThreadOrder(t, f.keys, "invitation:2:dm", "invitation:2:rate@1")
	if len(f.overlap) > 0 {
		t.Fatalf("%v went out while an earlier row of their thread was in flight", f.overlap)
	}
	for k, n := range f.perKey {
		if n != 1 {
			t.Errorf("%s sent %d times, want once", k, n)
		}
	}
}

// An edit queued while its post is in flight waits for the post, however
// many workers are idle.
func TestEditNeverOvertakesItsPostWithAPool(t *testing.T) {
	db := openDB(t)
	queueOut(t, db, domain.Outgoing{To: toChannel(domain.ChannelApprovals), Key: "sample:1:card", Thread: "sample:1"})
	f := newInFlight(time.Hour)
	f.started = make(chan string, 10)
	ctx, cancel := context.WithCancel(context.Background())
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(f), Workers: 8, ShutdownGrace: -1}
	done := make(chan struct{})
	go func() { d.Run(ctx, time.Millisecond); close(done) }()
	<-f.started // the post is in flight
	queueOut(t, db, domain.Outgoing{To: toChannel(domain.ChannelApprovals), Key: "sample:1:card~approved", Thread: "sample:1", Replaces: "sample:1:card"})
	d.Wake()
	select {
	case k := <-f.started:
		t.Fatalf("%s was sent while the post it edits was in flight", k)
	case <-time.After(50 * time.Millisecond): // 50 polls
	}
	cancel()
	<-done
}

// Two dispatchers of eight workers each, on two handles of one file (two
// processes), deliver every row exactly once and keep each thread's order.
func TestTwoPoolsOnOneFileDeliverEachRowOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "collabbot.db")
	a, b := openPath(t, path), openPath(t, path)
	queueOut(t, a, fanout(50)...)
	f := newInFlight(time.Millisecond)
	var wg sync.WaitGroup
	var total atomic.Int64
	for _, db := range []*sqlite.DB{a, b} {
		d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(f), Workers: 8}
		wg.Go(func() {
			n, err := d.Drain(context.Background())
			if err != nil {
				t.Error(err)
			}
			total.Add(int64(n))
		})
	}
	wg.Wait()
	// A pool may stop while the other still holds a row that held its
	// thread back: one more pass sends what is left, as serve's poll does.
	drain(t, &delivery.Dispatcher{Queue: a, Now: newClock().Now, Senders: both(f)})
	for _, o := range fanout(50) {
		if n := f.perKey[o.Key]; n != 1 && o.Replaces == "" {
			t.Errorf("%s sent %d times, want once", o.Key, n)
		}
	}
	wantThreadOrder(t, f.keys, "plan:1:step1", "plan:1:step2", "plan:1:step3", "plan:1:step4", "plan:1:step5")
	wantThreadOrder(t, f.keys, "invitation:2:dm", "invitation:2:rate@1")
	if len(f.overlap) > 0 {
		t.Fatalf("%v went out while an earlier row of their thread was in flight", f.overlap)
	}
	if left, _ := a.ListOutgoing(context.Background(), domain.OutboxPending, 0); len(left) != 0 {
		t.Fatalf("%d rows left pending", len(left))
	}
}

// keyedPlatform is a chat platform that shows each message once by its
// key, and a sender that, like the Slack and Discord senders, looks the key
// up on the platform before posting a row that may have been sent before
// (o.Attempts > 0).
type keyedPlatform struct {
	mu    sync.Mutex
	posts map[string]int
}

func (p *keyedPlatform) post(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts[key]++
	return "ref/" + key
}

func (p *keyedPlatform) has(key string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.posts[key] > 0
}

func (p *keyedPlatform) sender(after func(key string)) delivery.Sender {
	return delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		if o.Attempts > 0 && p.has(o.Key) {
			return "ref/" + o.Key, nil // found in the channel's history
		}
		ref := p.post(o.Key)
		if after != nil {
			after(o.Key)
		}
		return ref, nil
	})
}

// A dispatcher killed mid fan-out (its context cancelled and its sends
// stuck after they reached the platform, nothing recorded) is replaced by
// a new one on the same file once the leases run out: every DM reaches the
// platform exactly once.
func TestKilledMidFanoutDeliversEachRowOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "collabbot.db")
	first := openPath(t, path)
	rows := fanout(50)
	queueOut(t, first, rows...)
	p := &keyedPlatform{posts: map[string]int{}}
	clk := newClock()

	// The first process: after 20 posts it dies mid-send, holding up to
	// eight rows that did reach the platform.
	dead := make(chan struct{})
	var posted atomic.Int32
	var stuck sync.WaitGroup
	killed := make(chan struct{})
	var killOnce sync.Once
	crashy := p.sender(func(string) {
		if posted.Add(1) >= 20 {
			killOnce.Do(func() { close(killed) })
			<-dead // never returns while the process is "dead"
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	d1 := &delivery.Dispatcher{Queue: first, Now: clk.Now, Senders: both(crashy), Workers: 8, Lease: time.Minute, SendTimeout: time.Second, MarkTimeout: time.Second}
	stuck.Go(func() { d1.Run(ctx, time.Millisecond) })
	<-killed
	cancel() // the kill: nothing of d1 runs again before the new start
	t.Cleanup(func() { close(dead); stuck.Wait() })

	// The new process on the same file, after the leases ran out.
	second := openPath(t, path)
	clk.Advance(2 * time.Minute)
	d2 := &delivery.Dispatcher{Queue: second, Now: clk.Now, Senders: both(p.sender(nil)), Workers: 8}
	drain(t, d2)
	drain(t, d2)
	for _, o := range rows {
		if o.Replaces != "" {
			continue // folded into its DM
		}
		if n := p.posts[o.Key]; n != 1 {
			t.Errorf("%s reached the platform %d times, want once", o.Key, n)
		}
	}
	sent, _ := second.ListOutgoing(context.Background(), domain.OutboxSent, 0)
	if len(sent) != len(rows)-1 {
		t.Fatalf("%d rows sent, want %d", len(sent), len(rows)-1)
	}
}

// At shutdown a pool stops claiming, lets every send in flight finish
// within the grace, puts back those cut off, and leaves the rest untouched.
func TestPoolShutdownFinishesInFlightAndClaimsNothingMore(t *testing.T) {
	db := openDB(t)
	var tos []domain.Recipient
	for i := range 20 {
		tos = append(tos, toCreator(int64(i+1)))
	}
	ids := enqueue(t, db, t0, tos...)
	started := make(chan int64, 20)
	var mu sync.Mutex
	finishing := map[int64]bool{}
	var sends atomic.Int32
	s := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		sends.Add(1)
		started <- o.ID
		<-ctx.Done() // shutdown; the send goes on within the grace
		mu.Lock()
		fin := finishing[o.ID]
		mu.Unlock()
		if fin {
			return "ref", nil // finished within the grace
		}
		return "", ctx.Err() // cut off when the grace ran out
	})
	ctx, cancel := context.WithCancel(context.Background())
	// Discord only, so all four workers may hold its sends (with two
	// surfaces one would be kept for the other).
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: map[domain.Surface]delivery.Sender{domain.SurfaceDiscord: s},
		Workers: 4, ShutdownGrace: 30 * time.Millisecond, Lease: time.Hour}
	done := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(done) }()
	var inflight []int64
	for range 4 {
		inflight = append(inflight, <-started)
	}
	mu.Lock()
	finishing[inflight[0]], finishing[inflight[1]] = true, true
	mu.Unlock()
	cancel()
	<-done
	if n := sends.Load(); n != 4 {
		t.Fatalf("%d sends started, want the 4 in flight at shutdown only", n)
	}
	for _, id := range ids {
		o := row(t, db, id)
		switch {
		case id == inflight[0] || id == inflight[1]:
			if o.State != domain.OutboxSent {
				t.Errorf("row %d finished within the grace is %s (%d attempts, %q), want sent", id, o.State, o.Attempts, o.LastError)
			}
		case slices.Contains(inflight, id):
			if o.State != domain.OutboxPending || !o.NextAttempt.Equal(t0) {
				t.Errorf("row %d cut off is %s due %v, want pending due now", id, o.State, o.NextAttempt)
			}
		default:
			if o.State != domain.OutboxPending || o.Attempts != 0 {
				t.Errorf("row %d never claimed is %s with %d attempts, want pending, untouched", id, o.State, o.Attempts)
			}
		}
	}
}

// Sends queued behind a platform that serves one request at a time are
// bounded by their real deadline, so none outlasts its lease and none is
// sent twice; those that time out are retried.
func TestPoolBoundsSendsQueuedBehindASlowPlatform(t *testing.T) {
	db := openDB(t)
	var tos []domain.Recipient
	for i := range 8 {
		tos = append(tos, toCreator(int64(i+1)))
	}
	ids := enqueue(t, db, t0, tos...)
	platform := make(chan struct{}, 1)
	counts := newRecorder(nil)
	s := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		select {
		case platform <- struct{}{}:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		defer func() { <-platform }()
		time.Sleep(20 * time.Millisecond)
		return counts.Send(ctx, o)
	})
	clk := newClock()
	d := &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(s), Workers: 8,
		SendTimeout: 50 * time.Millisecond, MarkTimeout: time.Second, Lease: time.Hour}
	for range 20 {
		drain(t, d)
		clk.Advance(time.Hour) // every backoff over
	}
	for _, id := range ids {
		if n := counts.count(id); n != 1 {
			t.Errorf("row %d sent %d times, want once", id, n)
		}
	}
}

// A commit in this process wakes an idle dispatcher: the row goes out
// although the poll is an hour away.
func TestCommitWakesTheDispatcher(t *testing.T) {
	db := openDB(t)
	got := make(chan string, 1)
	s := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		got <- o.Key
		return "ref", nil
	})
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(s)}
	defer db.OnEnqueue(d.Wake)()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(done) }()
	defer func() { cancel(); <-done }()
	time.Sleep(10 * time.Millisecond) // Run's first pass found nothing; it sleeps
	queueOut(t, db, domain.Outgoing{To: toChannel(domain.ChannelSellers), Key: "plan:1:created"})
	select {
	case k := <-got:
		if k != "plan:1:created" {
			t.Fatalf("sent %s", k)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the committed row was not sent before the hour-long poll: the commit did not wake the dispatcher")
	}
}

// A surface whose sends are slow (Discord pacing a fan-out) holds at most
// Workers-1 workers: a Slack message queued after the fan-out goes out
// while the DMs are still in flight.
func TestSlowSurfaceLeavesAWorkerForTheOther(t *testing.T) {
	db := openDB(t)
	var rows []domain.Outgoing
	for i := 1; i <= 20; i++ {
		rows = append(rows, domain.Outgoing{To: toCreator(int64(i)), Key: fmt.Sprintf("invitation:%d:dm", i), Thread: fmt.Sprintf("invitation:%d", i), Counts: true})
	}
	queueOut(t, db, rows...)
	release := make(chan struct{})
	var dms atomic.Int32
	discord := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		dms.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
		}
		return "dm", ctx.Err()
	})
	posted := make(chan string, 1)
	slack := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		posted <- o.Key
		return "C1/1.0", nil
	})
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Workers: 4,
		Senders: map[domain.Surface]delivery.Sender{domain.SurfaceDiscord: discord, domain.SurfaceSlack: slack}}
	defer db.OnEnqueue(d.Wake)()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(done) }()
	defer func() { close(release); cancel(); <-done }()
	for dms.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	queueOut(t, db, domain.Outgoing{To: toChannel(domain.ChannelSellers), Key: "invitation:1:accepted", Thread: "invitation:1"})
	select {
	case k := <-posted:
		if k != "invitation:1:accepted" {
			t.Fatalf("posted %s", k)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the Slack message waited behind the DMs in flight")
	}
	if n := dms.Load(); n != 3 {
		t.Fatalf("%d DMs in flight with 4 workers and two surfaces, want 3", n)
	}
}
