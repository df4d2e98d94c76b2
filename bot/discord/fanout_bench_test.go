package discord_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/collabbot/collabbot/bot/discord"
	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/delivery/deliverytest"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
)

// benchDMs is how many DMs BenchmarkFanoutDMs delivers: 500 by default
// (1,000 requests, about 21 s at 50 requests/s) so make bench stays short;
// BENCH_DMS=5000 runs the full fan-out (about 3.5 minutes).
func benchDMs(b *testing.B) int {
	b.Helper()
	n := 500
	if s := os.Getenv("BENCH_DMS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("BENCH_DMS=%q: want a positive number of DMs", s)
		}
		n = v
	}
	return n
}

// BenchmarkFanoutDMs delivers invitation DMs to as many creators (one
// invitation of 50 creators after another, queued by the use case on a
// real SQLite file) through the dispatcher's worker pool and the real
// Discord sender, against a fake Discord that enforces the 50 requests/s
// global limit (a strict sliding second) and the 5-per-5s bucket of each
// DM channel's messages. Every DM costs two requests against the global
// limit: opening the creator's DM channel and posting to it. Discord gives
// the DM-opening route no bucket figure of its own, so the fake counts it
// against the global limit only (with the message route's 5 per 5s it
// would allow one DM a second whatever the sender did).
//
// It reports the requests served per second over the whole drain, that
// as a fraction of the limit (target >= 0.9), the 429s provoked (target 0)
// and the DMs delivered per second.
func BenchmarkFanoutDMs(b *testing.B) {
	n := benchDMs(b)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		api := deliverytest.NewRateLimitedAPI()
		api.RouteLimits = map[string]int{"POST /users/@me/channels": 0}
		db := sqlitetest.Open(b)
		app := commands.New(db, commands.Options{Clock: commands.ClockFunc(func() time.Time { return start })})
		queueInvitations(b, app, n)
		rest, err := discord.NewREST(api.URL, "bench-token", nil)
		if err != nil {
			b.Fatal(err)
		}
		sender := discord.NewSender(rest, app, nil)
		d := &delivery.Dispatcher{Queue: db, Now: time.Now, Senders: map[domain.Surface]delivery.Sender{
			domain.SurfaceDiscord: sender,
			domain.SurfaceSlack:   &slackSink{}, // the team's side of the invitations, if any
		}}
		b.StartTimer()
		began := time.Now()
		for {
			if _, err := d.Drain(ctx); err != nil {
				b.Fatal(err)
			}
			counts, err := db.CountOutgoing(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if counts[domain.OutboxPending]+counts[domain.OutboxSending] == 0 {
				if counts[domain.OutboxFailed] > 0 {
					b.Fatalf("%d rows failed", counts[domain.OutboxFailed])
				}
				break
			}
			time.Sleep(10 * time.Millisecond) // rows a 429 postponed coming due
		}
		secs := time.Since(began).Seconds()
		b.StopTimer()
		served := float64(api.Served.Load())
		if want := float64(2 * n); served < want {
			b.Fatalf("the fake served %.0f requests, want at least %.0f (a DM channel and a message per DM)", served, want)
		}
		b.ReportMetric(served/secs, "req/s")
		b.ReportMetric(served/secs/float64(api.Global), "fraction-of-limit")
		b.ReportMetric(float64(api.GlobalLimited.Load()+api.RouteLimited.Load()), "429s")
		b.ReportMetric(float64(n)/secs, "DMs/s")
		api.Close()
		b.StartTimer()
	}
}

// queueInvitations adds n creators linked to Discord and invites them, 50
// to an invitation (the most one takes), as a seller would.
func queueInvitations(b *testing.B, app *commands.App, n int) {
	b.Helper()
	ctx := context.Background()
	if _, err := app.AddProduct(ctx, dana, domain.Product{ID: "P100", Title: "Glow Serum", SampleStock: 10}); err != nil {
		b.Fatal(err)
	}
	var batch []commands.InviteTarget
	flush := func() {
		if len(batch) == 0 {
			return
		}
		res, err := app.InviteCreators(ctx, dana, commands.InviteRequest{Creators: batch, Products: []string{"P100"}, Rate: 1500})
		if err != nil || len(res.Invitations) != len(batch) {
			b.Fatalf("InviteCreators: %d of %d invited, skipped %v: %v", len(res.Invitations), len(batch), res.Skipped, err)
		}
		batch = batch[:0]
	}
	for i := range n {
		h := fmt.Sprintf("creator%d", i)
		if _, err := app.AddCreator(ctx, dana, domain.Creator{Handle: h, DiscordID: fmt.Sprintf("4%017d", i)}); err != nil {
			b.Fatal(err)
		}
		batch = append(batch, commands.InviteTarget{Handle: h})
		if len(batch) == domain.MaxInviteCreators {
			flush()
		}
	}
	flush()
}
