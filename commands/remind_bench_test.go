package commands_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// BenchmarkRemindNudges measures one nudge run over 1,000 pending
// invitations, every one due: a scan, then one transaction a nudge (the
// row, the counter, the invitation, the audit event). A dry run, so each
// round does the whole work again and rolls it back.
func BenchmarkRemindNudges(b *testing.B) {
	app := benchApp(b)
	ctx := context.Background()
	if _, err := app.AddProduct(ctx, benchSeller, domain.Product{ID: "P100", Title: "Glow Serum", SampleStock: 10}); err != nil {
		b.Fatal(err)
	}
	const n = 1000
	for round := range n / 50 {
		targets := make([]commands.InviteTarget, 50)
		for i := range targets {
			k := round*50 + i
			h := fmt.Sprintf("creator%d", k)
			if _, err := app.AddCreator(ctx, benchSeller, domain.Creator{Handle: h, DiscordID: fmt.Sprintf("1%017d", k)}); err != nil {
				b.Fatal(err)
			}
			targets[i] = commands.InviteTarget{Handle: h}
		}
		if _, err := app.InviteCreators(ctx, benchSeller, commands.InviteRequest{Creators: targets, Products: []string{"P100"}, Rate: 1500}); err != nil {
			b.Fatal(err)
		}
	}
	at := app.Now().Add(80 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		run, err := app.Remind(ctx, commands.JobNudge, remindSettings, at, true)
		if err != nil || len(run.Queued) != n {
			b.Fatalf("queued %d, err %v", len(run.Queued), err)
		}
	}
	b.ReportMetric(float64(n), "nudges/op")
}

// BenchmarkRemindDigest measures the digest's counts and its row (the
// chart is drawn at delivery: see chart.BenchmarkFunnel).
func BenchmarkRemindDigest(b *testing.B) {
	app := benchApp(b)
	ctx := context.Background()
	at := app.Now()
	for b.Loop() {
		if _, err := app.Remind(ctx, commands.JobDigest, remindSettings, at, true); err != nil {
			b.Fatal(err)
		}
	}
}
