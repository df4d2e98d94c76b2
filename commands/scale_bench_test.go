package commands_test

// Scale benchmarks (issue 12): the use cases a large team runs, on a
// database seeded with a roster, a catalog, invitations and samples at two
// sizes (a tenth, and the full size), so the growth shows. Seeding happens
// only when a benchmark runs (never under plain `go test`), once per size
// and run: the file is cached in a temp dir and copied for benchmarks that
// write.

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
)

// scaleNow is the seeded database's present (sqlitetest.Seed sets every
// deadline around it, so a sweep finds a handful of things due, as a
// minute's sweep does).
var scaleNow = sqlitetest.SeedNow

// scaleSizes are the seeded sizes: n invitations and n samples, n/10
// creators and n/100 products (10k creators and 1k products at 100k).
var scaleSizes = []int{10_000, 100_000}

var seeded struct {
	mu    sync.Mutex
	dir   string
	files map[int]string
}

// seededFile returns the path of a database seeded at size n, building it
// the first time a run asks. Callers must not write to it: use seededCopy.
func seededFile(b testing.TB, n int) string {
	b.Helper()
	seeded.mu.Lock()
	defer seeded.mu.Unlock()
	if p, ok := seeded.files[n]; ok {
		return p
	}
	if seeded.dir == "" {
		dir, err := os.MkdirTemp("", "collabbot-scale-")
		if err != nil {
			b.Fatal(err)
		}
		seeded.dir, seeded.files = dir, map[int]string{}
	}
	p := filepath.Join(seeded.dir, fmt.Sprintf("seed-%d.db", n))
	start := time.Now()
	if err := sqlitetest.Seed(context.Background(), p, n); err != nil {
		b.Fatalf("seed %d: %v", n, err)
	}
	b.Logf("seeded %d invitations and samples in %s", n, time.Since(start).Round(time.Millisecond))
	seeded.files[n] = p
	return p
}

// seededApp opens the seeded database of size n as an App; write makes a
// private copy first so the benchmark may change it.
func seededApp(b testing.TB, n int, write bool) (*commands.App, string) {
	b.Helper()
	p := seededFile(b, n)
	if write {
		dst := filepath.Join(b.TempDir(), "copy.db")
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(dst, src, 0o600); err != nil {
			b.Fatal(err)
		}
		p = dst
	}
	db, err := sqlite.Open(context.Background(), p)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	app := commands.New(db, commands.Options{Clock: commands.ClockFunc(func() time.Time { return scaleNow })})
	return app, p
}

// BenchmarkScale reads what a team reads at each seeded size: a list page
// of invitations and of samples, the report, both exports, and the
// deadline sweep serve runs every minute (twice, with its peak heap).
func BenchmarkScale(b *testing.B) {
	ctx := context.Background()
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.Run("ListInvitations", func(b *testing.B) {
				app, _ := seededApp(b, n, false)
				for b.Loop() {
					if _, err := app.ListInvitations(ctx, benchSeller, "", ""); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("ListSamples", func(b *testing.B) {
				app, _ := seededApp(b, n, false)
				for b.Loop() {
					if _, err := app.ListSamples(ctx, benchSeller, "", ""); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Report", func(b *testing.B) {
				app, _ := seededApp(b, n, false)
				for b.Loop() {
					if _, err := app.Report(ctx, benchSeller); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("ExportInvitations", func(b *testing.B) {
				app, _ := seededApp(b, n, false)
				for b.Loop() {
					if rows, err := app.ExportInvitations(ctx, benchSeller, io.Discard); err != nil || rows != n {
						b.Fatalf("export = %d, %v; want %d", rows, err, n)
					}
				}
			})
			b.Run("ExportSamples", func(b *testing.B) {
				app, _ := seededApp(b, n, false)
				for b.Loop() {
					if rows, err := app.ExportSamples(ctx, benchSeller, io.Discard); err != nil || rows != n {
						b.Fatalf("export = %d, %v; want %d", rows, err, n)
					}
				}
			})
			b.Run("ExpireDueTwice", func(b *testing.B) {
				var peak uint64
				for b.Loop() {
					b.StopTimer()
					app, _ := seededApp(b, n, true)
					runtime.GC()
					stop := watchHeap(&peak)
					b.StartTimer()
					for range 2 {
						if _, err := app.ExpireDue(ctx); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					stop()
					b.StartTimer()
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			})
		})
	}
}

// watchHeap samples the heap in use (and the Go runtime's total from the
// OS) every few milliseconds into peak until stop is called: what the
// process holds at its worst, the figure RSS follows.
func watchHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if v := m.HeapInuse + m.StackInuse; v > *peak {
			*peak = v
		}
	}
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				sample()
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// BenchmarkOneWrite is one single-creator invitation and one approval on
// the full-size database, each beside the bare write of its own row in its
// own transaction: x-bare is how many bare writes one use case costs (for
// the approval, x-insert is against the invitation's bare insert too).
func BenchmarkOneWrite(b *testing.B) {
	ctx := context.Background()
	n := scaleSizes[len(scaleSizes)-1]
	var bare time.Duration
	// Each bare write is prepared as its use case is (a creator added
	// through the app, untimed), so both meet the same background work.
	b.Run("BareInsert", func(b *testing.B) {
		app, path := seededApp(b, n, true)
		raw := rawWriter(b, path)
		if _, err := raw.ExecContext(ctx, `INSERT INTO collaborations (id, name) VALUES (1000000, 'bare')`); err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			c, err := app.AddCreator(ctx, benchSeller, domain.Creator{Handle: fmt.Sprintf("bare%d", i), DiscordID: fmt.Sprintf("2%017d", i)})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			bareWrite(b, raw, `INSERT INTO invitations (collaboration_id, creator_id, rate, pending_rate, pending_from, state,
				decline_reason, nudges, created_at, responded_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				1000000, c.ID, 1500, 0, nil, "pending", "", 0, scaleNow.UnixMilli(), nil, scaleNow.Add(30*day24).UnixMilli())
		}
		bare = b.Elapsed() / time.Duration(b.N)
	})
	b.Run("Invite", func(b *testing.B) {
		app, _ := seededApp(b, n, true)
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			h := fmt.Sprintf("fresh%d", i)
			if _, err := app.AddCreator(ctx, benchSeller, domain.Creator{Handle: h, DiscordID: fmt.Sprintf("3%017d", i)}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := app.InviteCreators(ctx, benchSeller, commands.InviteRequest{Creators: []commands.InviteTarget{{Handle: h}}, Products: []string{"P7"}, Rate: 1500}); err != nil {
				b.Fatal(err)
			}
		}
		reportRatio(b, bare, "x-bare")
	})
	// An approval changes a sample request that exists; its bare write is
	// that row's update (state, decider, time) in its own transaction.
	var bareApprove time.Duration
	b.Run("BareApprove", func(b *testing.B) {
		app, path := seededApp(b, n, true)
		raw := rawWriter(b, path)
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			id := waitingSample(b, app, raw, fmt.Sprintf("bare%d", i), fmt.Sprintf("5%017d", i))
			b.StartTimer()
			bareWrite(b, raw, `UPDATE sample_requests SET state = 'approved', decided_by = ?, decided_at = ? WHERE id = ?`,
				benchManager.MemberID, scaleNow.UnixMilli(), id)
		}
		bareApprove = b.Elapsed() / time.Duration(b.N)
	})
	b.Run("Approve", func(b *testing.B) {
		app, path := seededApp(b, n, true)
		raw := rawWriter(b, path)
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			id := waitingSample(b, app, raw, fmt.Sprintf("fresh%d", i), fmt.Sprintf("4%017d", i))
			b.StartTimer()
			if _, err := app.ApproveSample(ctx, benchManager, id); err != nil {
				b.Fatal(err)
			}
		}
		reportRatio(b, bareApprove, "x-bare")
		reportRatio(b, bare, "x-insert")
	})
}

// waitingSample adds a creator whose request for P1 waits for a manager.
// A manager decides long after the request's card and DM went out: with
// them still queued, the approval's edits would fold into them, which a
// running service seldom sees; so every queued message is marked sent.
func waitingSample(b *testing.B, app *commands.App, raw *sql.DB, handle, discordID string) int64 {
	b.Helper()
	ctx := context.Background()
	c, err := app.AddCreator(ctx, benchSeller, domain.Creator{Handle: handle, DiscordID: discordID})
	if err != nil {
		b.Fatal(err)
	}
	s, err := app.RequestSample(ctx, domain.Actor{Role: domain.RoleCreator, CreatorID: c.ID, Name: c.At()}, commands.SampleInput{ProductID: "P1", PlanID: 1})
	if err != nil {
		b.Fatal(err)
	}
	sentAll(b, raw)
	return s.ID
}

// bareWrite runs one statement in its own transaction on the raw
// connection: the unavoidable cost a use case is measured against.
func bareWrite(b *testing.B, raw *sql.DB, query string, args ...any) {
	b.Helper()
	ctx := context.Background()
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// reportRatio reports the use case's time per run over bare's as unit.
func reportRatio(b *testing.B, bare time.Duration, unit string) {
	if bare > 0 && b.N > 0 {
		b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(bare), unit)
	}
}

// sentAll marks every queued message sent, as a dispatcher would have.
func sentAll(b *testing.B, raw *sql.DB) {
	b.Helper()
	if _, err := raw.Exec(`UPDATE outbox SET state = 'sent', sent_at = ?, provider_ref = 'bench' WHERE state = 'pending'`, scaleNow.UnixMilli()); err != nil {
		b.Fatal(err)
	}
}

// rawWriter opens a second connection on db's file for the bare insert:
// the same file and settings, without the store's code around it.
func rawWriter(b *testing.B, path string) *sql.DB {
	b.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	b.Cleanup(func() { raw.Close() })
	return raw
}
