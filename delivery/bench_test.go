package delivery_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
)

// BenchmarkDrain measures rows per second through the dispatcher on a real
// SQLite file with a sender that does nothing: the outbox's own cost (a
// claim and an outcome, two write transactions, per row). Rows are spread
// over threads of five, as use cases queue them.
func BenchmarkDrain(b *testing.B) {
	ctx := context.Background()
	db := openDB(b)
	noop := delivery.SenderFunc(func(context.Context, domain.Outgoing) (string, error) { return "ref", nil })
	d := &delivery.Dispatcher{Queue: db, Now: func() time.Time { return t0 }, Senders: both(noop)}
	const rows = 500
	next := 0
	b.ResetTimer()
	var sent int
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
}

// BenchmarkDrainBacklog drains a backlog queued before the dispatcher
// starts (serve coming back after an outage) at two sizes, so rows/s shows
// whether a claim's cost grows with the backlog (it must not: each claim
// is one indexed walk). Benchmark-only: 80k rows take a while.
func BenchmarkDrainBacklog(b *testing.B) {
	for _, rows := range []int{8_000, 80_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			ctx := context.Background()
			noop := delivery.SenderFunc(func(context.Context, domain.Outgoing) (string, error) { return "ref", nil })
			var sent int
			for b.Loop() {
				b.StopTimer()
				db := openDB(b)
				queueRows(b, db, 0, rows)
				d := &delivery.Dispatcher{Queue: db, Now: func() time.Time { return t0 }, Senders: both(noop)}
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

// queueRows enqueues n rows keyed from first on, spread over threads of
// five and over the sellers' channel and 50 creators, as use cases queue them.
func queueRows(b *testing.B, db interface {
	Update(context.Context, func(commands.Tx) error) error
}, first, n int) {
	b.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx commands.Tx) error {
		for k := first + 1; k <= first+n; k++ {
			to := toChannel(domain.ChannelSellers)
			if k%2 == 0 {
				to = toCreator(int64(k%50 + 1))
			}
			if _, err := tx.Enqueue(ctx, domain.Outgoing{
				To: to, Key: fmt.Sprintf("bench:%d", k), Thread: fmt.Sprintf("sample:%d", k/5),
				Notice:    domain.Notice{Kind: domain.NoticeUnreachable, Text: "hello"},
				CreatedAt: t0,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
