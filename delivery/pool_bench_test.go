package delivery_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/delivery/deliverytest"
	"github.com/collabbot/collabbot/domain"
)

// BenchmarkCommitToDelivery is the time from the commit of one row to its
// send on an idle dispatcher whose poll is an hour away: the commit wakes
// it (OnEnqueue -> Wake), there is no polling faster. Target: well under
// 100 ms.
func BenchmarkCommitToDelivery(b *testing.B) {
	db := openDB(b)
	got := make(chan time.Time, 1)
	s := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		got <- time.Now()
		return "ref", nil
	})
	d := &delivery.Dispatcher{Queue: db, Now: time.Now, Senders: both(s)}
	defer db.OnEnqueue(d.Wake)()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(done) }()
	defer func() { cancel(); <-done }()
	var worst, total time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		queueOut(b, db, domain.Outgoing{To: toChannel(domain.ChannelSellers), Key: fmt.Sprintf("bench:%d", n)})
		at := <-got
		lat := at.Sub(start)
		total += lat
		worst = max(worst, lat)
		n++
	}
	b.ReportMetric(float64(total.Microseconds())/float64(n)/1000, "ms/commit-to-send")
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms-worst")
}

// BenchmarkDrainPool drains 400 rows (fan-outs to 50 creators and sellers'
// threads, as use cases queue them) with the worker pool, through a no-op
// sender (the outbox's own cost: the claims and outcomes share SQLite's
// one writer) and through one that takes 20 ms a send (a platform's
// latency, which the pool overlaps).
func BenchmarkDrainPool(b *testing.B) {
	for _, tc := range []struct {
		name    string
		latency time.Duration
		workers int
	}{
		{"noop/workers=1", 0, 1},
		{"noop/workers=8", 0, 8},
		{"20ms/workers=1", 20 * time.Millisecond, 1},
		{"20ms/workers=8", 20 * time.Millisecond, 8},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			db := openDB(b)
			s := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
				if tc.latency > 0 {
					time.Sleep(tc.latency)
				}
				return "ref", nil
			})
			d := &delivery.Dispatcher{Queue: db, Now: func() time.Time { return t0 }, Senders: both(s), Workers: tc.workers}
			rows := 400
			if tc.latency > 0 && tc.workers == 1 {
				rows = 50 // 20 ms each, one at a time
			}
			next, sent := 0, 0
			for b.Loop() {
				b.StopTimer()
				queueRows(b, db, next, rows)
				next += rows
				b.StartTimer()
				n, err := d.Drain(ctx)
				if err != nil || n != rows {
					b.Fatalf("Drain = %d, %v; want %d", n, err, rows)
				}
				sent += n
			}
			b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// benchFanout drains n DMs through sender against api and reports the
// achieved rate as a fraction of api's global limit and the 429s provoked.
func benchFanout(b *testing.B, n int, api *deliverytest.RateLimitedAPI, sender delivery.Sender) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := openDB(b)
		d := &delivery.Dispatcher{Queue: db, Now: time.Now, Senders: both(sender)}
		var rows []domain.Outgoing
		for i := range n {
			rows = append(rows, domain.Outgoing{To: toCreator(int64(i + 1)), Key: fmt.Sprintf("invitation:%d:dm", i+1), Thread: fmt.Sprintf("invitation:%d", i+1)})
		}
		queueOut(b, db, rows...)
		ok0, over0 := api.Served.Load(), api.GlobalLimited.Load()+api.RouteLimited.Load()
		b.StartTimer()
		start := time.Now()
		for left := n; left > 0; {
			m, err := d.Drain(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if m == 0 {
				time.Sleep(10 * time.Millisecond) // rate-limited rows coming due
			}
			counts, err := db.CountOutgoing(ctx)
			if err != nil {
				b.Fatal(err)
			}
			left = n - counts[domain.OutboxSent]
		}
		secs := time.Since(start).Seconds()
		b.ReportMetric(float64(api.Served.Load()-ok0)/secs/float64(api.Global), "fraction-of-limit")
		b.ReportMetric(float64(api.GlobalLimited.Load()+api.RouteLimited.Load()-over0), "429s")
	}
}

// pacedSender posts through the fake paced by a limiter shared by the
// pool. It stands in for the Discord sender (whose pacing also follows the
// route buckets' headers) so the harness runs today.
type pacedSender struct {
	url     string
	limiter *rate.Limiter
}

func (s pacedSender) Send(ctx context.Context, o domain.Outgoing) (string, error) {
	if err := s.limiter.Wait(ctx); err != nil {
		return "", err
	}
	// A channel per creator, as DMs are: each its own route bucket.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/channels/%d/messages", s.url, o.To.CreatorID), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		return "", &delivery.RetryAfterError{After: time.Second, Err: fmt.Errorf("429")}
	}
	return "1/" + o.Key, nil
}

// BenchmarkFanout500Paced runs the harness with 500 DMs (10 s at 50/s)
// through a stand-in sender paced by golang.org/x/time/rate. The run with
// the real Discord sender (a DM channel and a message per DM, 5,000 DMs
// with BENCH_DMS=5000) is bot/discord's BenchmarkFanoutDMs.
func BenchmarkFanout500Paced(b *testing.B) {
	api := deliverytest.NewRateLimitedAPI()
	defer api.Close()
	// A little under the limit: the fake counts a strict sliding second
	// at arrival, and arrivals jitter.
	benchFanout(b, 500, api, pacedSender{url: api.URL, limiter: rate.NewLimiter(48, 1)})
}
