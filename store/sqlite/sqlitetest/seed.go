package sqlitetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/collabbot/collabbot/store/sqlite"
)

// SeedNow is the present of a database Seed builds: every deadline is set
// around it.
var SeedNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// Seed creates a migrated database at path holding a large team's data at
// size n, as the scale benchmarks (issue 12) read it: n invitations and n
// sample requests, n/10 creators, n/100 products, n/100 collaborations of
// two products each with a sample offer each, 100 plans (active, paused,
// ended) with one rule each, and two members (dana the seller, erin the
// manager). States are spread as a busy team's are and deadlines are set
// around SeedNow, mostly ahead: a sweep at SeedNow finds a handful due (60
// invitations and 20 requests to expire, 60 samples to go overdue, n/2000
// lowered rates to settle), as a minute's sweep does.
//
// It writes with raw multi-row inserts in one transaction: the use cases
// would take minutes for what this does in seconds, and the shapes are what
// matter. The same n always gives the same rows.
func Seed(ctx context.Context, path string, n int) error {
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
	now := SeedNow.UnixMilli()
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
