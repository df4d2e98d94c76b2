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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// scaleNow is the seeded database's present: every deadline is set around
// it, so a sweep finds a handful of things due, as a minute's sweep does.
var scaleNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

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
	if err := seed(p, n); err != nil {
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

// seed builds a database of size n with raw multi-row inserts in one
// transaction: the use cases would take minutes for what this does in
// seconds, and the shapes are what matter (states spread as a busy team's
// are, deadlines mostly ahead).
func seed(path string, n int) error {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path) // migrations
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	creators, products := n/10, n/100
	now := scaleNow.UnixMilli()
	const day = int64(24 * time.Hour / time.Millisecond)
	niches := []string{"beauty", "food", "fitness", "tech", "home"}
	groups := []string{"skincare", "snacks", "gym", "gadgets", ""}
	steps := []struct {
		table string
		cols  string
		n     int
		row   func(i int) []any
	}{
		{"members", "id, name, role", 2, func(i int) []any {
			return []any{[]string{"U_SELLER", "U_MGR"}[i], []string{"dana", "erin"}[i], []string{"seller", "manager"}[i]}
		}},
		{"creators", "id, handle, discord_id, followers, avg_views, gmv_30d, niche, categories, timezone, reachable, unanswered, created_at", creators, func(i int) []any {
			return []any{i + 1, fmt.Sprintf("creator%d", i+1), fmt.Sprintf("9%017d", i+1), 1000 + i*37%200_000, i * 13 % 50_000, i * 7 % 100_000,
				niches[i%len(niches)], `["` + niches[(i+1)%len(niches)] + `"]`, "", 1, i % 3, now - 400*day}
		}},
		{"products", "id, title, price, product_group, sample_stock", products, func(i int) []any {
			return []any{fmt.Sprintf("P%d", i+1), fmt.Sprintf("Product %d", i+1), 1000 + i, groups[i%len(groups)], 1_000_000}
		}},
		{"sample_offers", "id, per_creator, stock, reserved", n / 100, func(i int) []any { return []any{i + 1, 2, 0, 0} }},
		// One collaboration per 100 invitations, of one to three products.
		{"collaborations", "id, name, message, sample_offer_id, expires_at, created_by, created_at", n / 100, func(i int) []any {
			return []any{i + 1, fmt.Sprintf("Campaign %d", i+1), "We love your videos", i + 1, now + 30*day, "U_SELLER", now - int64(n/100-i)*day/10}
		}},
		{"collaboration_products", "collaboration_id, product_id, position", n / 100 * 2, func(i int) []any {
			c := i/2 + 1
			return []any{c, fmt.Sprintf("P%d", (c+i%2*7)%products+1), i % 2}
		}},
		{"plans", "id, name, sample_offer_id, starts_at, ends_at, state, created_by, created_at", 100, func(i int) []any {
			state := []string{"active", "paused", "ended"}[i%3]
			return []any{i + 1, fmt.Sprintf("Plan %d", i+1), i + 1, now - 100*day, now + 100*day, state, "U_SELLER", now - 100*day}
		}},
		{"plan_rules", "plan_id, position, scope, target, rate", 100, func(i int) []any { return []any{i + 1, 0, "all", "", 500 + i} }},
		// 60% pending, 20% accepted (80% live), the rest closed; one in a
		// thousand carries a lowered rate, half of them due; ten expire.
		{"invitations", "id, collaboration_id, creator_id, rate, pending_rate, pending_from, state, created_at, responded_at, expires_at", n, func(i int) []any {
			state := []string{"pending", "pending", "pending", "pending", "pending", "pending", "accepted", "accepted", "declined", "expired"}[i%10]
			pending, from := 0, any(nil)
			if i%1000 == 6 {
				pending, from = 800, now-day+int64(i%2000/1000)*2*day
			}
			expires := now + 30*day
			if i < 100 && state == "pending" {
				expires = now - 1000
			}
			var responded any
			if state != "pending" {
				responded = now - day
			}
			return []any{i + 1, i/100 + 1, i%creators + 1, 1500, pending, from, state, now - int64(n-i)*1000, responded, expires}
		}},
		// Samples by creator and product pair (one open request each).
		{"sample_requests", "id, creator_id, product_id, offer_id, plan_id, invitation_id, quantity, state, requested_at, decided_by, decided_at, shipped_at, tracking, due_at, content_url, completed_at, post_within_days", n, func(i int) []any {
			state := []string{"requested", "approved", "shipped", "shipped", "completed", "completed", "completed", "rejected", "cancelled", "overdue"}[i%10]
			requested := now - int64(n-i)*1000
			if state == "requested" && i < 200 {
				requested = now - 8*day // due to expire
			}
			var planID, invID any
			if i%2 == 0 {
				planID = i%100 + 1
			} else {
				invID = i + 1
			}
			decider := ""
			var decided, shipped, due, completed any
			tracking, content := "", ""
			if state != "requested" {
				decider, decided = "U_MGR", requested+1000
			}
			switch state {
			case "shipped", "completed", "overdue":
				shipped, due, tracking = requested+2000, now+14*day, fmt.Sprintf("TRK%d", i)
				if state == "shipped" && i < 300 {
					due = now - 1000 // due to go overdue
				}
			}
			if state == "completed" {
				content, completed = fmt.Sprintf("https://www.tiktok.com/@creator%d/video/%d", i%creators+1, 7000000000+i), requested+3000
			}
			return []any{i + 1, i%creators + 1, fmt.Sprintf("P%d", i/creators%products+1), nil, planID, invID, 1, state, requested,
				decider, decided, shipped, tracking, due, content, completed, 14}
		}},
	}
	for _, s := range steps {
		if err := insertRows(ctx, tx, s.table, s.cols, s.n, s.row); err != nil {
			return fmt.Errorf("%s: %w", s.table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// No ANALYZE: serve never runs it, so a real database has no
	// statistics, and with sqlite_stat4 SQLite prepares again at every run
	// each statement whose bound values might change its plan, which
	// undoes the statement cache and no deployment pays.
	_, err = raw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// insertRows inserts n rows of row(i) into table with multi-row INSERTs.
func insertRows(ctx context.Context, tx *sql.Tx, table, cols string, n int, row func(int) []any) error {
	width := strings.Count(cols, ",") + 1
	per := 30_000 / width
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		args := make([]any, 0, (end-start)*width)
		for i := start; i < end; i++ {
			args = append(args, row(i)...)
		}
		stmt := "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ")
		if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
			return err
		}
	}
	return nil
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
// the full-size database, beside a bare insert of the same row in its own
// transaction: x-bare is how many bare inserts one use case costs.
func BenchmarkOneWrite(b *testing.B) {
	ctx := context.Background()
	n := scaleSizes[len(scaleSizes)-1]
	var bare time.Duration
	b.Run("BareInsert", func(b *testing.B) {
		_, path := seededApp(b, n, true)
		raw := rawWriter(b, path)
		// A collaboration of its own, so every creator can be invited once.
		if _, err := raw.ExecContext(ctx, `INSERT INTO collaborations (id, name) VALUES (1000000, 'bare')`); err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			i++
			tx, err := raw.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO invitations (collaboration_id, creator_id, rate, pending_rate, pending_from, state,
				decline_reason, nudges, created_at, responded_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				1000000, (i-1)%(n/10)+1, 1500, 0, nil, "pending", "", 0, scaleNow.UnixMilli(), nil, scaleNow.Add(30*day24).UnixMilli()); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
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
		reportRatio(b, bare)
	})
	b.Run("Approve", func(b *testing.B) {
		app, path := seededApp(b, n, true)
		raw := rawWriter(b, path)
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			c, err := app.AddCreator(ctx, benchSeller, domain.Creator{Handle: fmt.Sprintf("fresh%d", i), DiscordID: fmt.Sprintf("4%017d", i)})
			if err != nil {
				b.Fatal(err)
			}
			who := domain.Actor{Role: domain.RoleCreator, CreatorID: c.ID, Name: c.At()}
			s, err := app.RequestSample(ctx, who, commands.SampleInput{ProductID: "P1", PlanID: 1})
			if err != nil {
				b.Fatal(err)
			}
			// A manager decides long after the request's card and DM went
			// out: with them still queued, the approval's edits would fold
			// into them, which a running service seldom sees.
			sentAll(b, raw)
			b.StartTimer()
			if _, err := app.ApproveSample(ctx, benchManager, s.ID); err != nil {
				b.Fatal(err)
			}
		}
		reportRatio(b, bare)
	})
}

func reportRatio(b *testing.B, bare time.Duration) {
	if bare > 0 && b.N > 0 {
		b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(bare), "x-bare")
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
