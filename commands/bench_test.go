package commands_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// benchApp is newApp for benchmarks: a real SQLite file, a fixed clock.
func benchApp(b *testing.B) *commands.App {
	b.Helper()
	db := engine(b)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	return commands.New(db, commands.Options{Clock: commands.ClockFunc(func() time.Time { return now })})
}

var benchSeller = domain.Actor{Role: domain.RoleSeller, MemberID: "U_SELLER", Name: "dana"}
var benchManager = domain.Actor{Role: domain.RoleManager, MemberID: "U_MGR", Name: "erin"}

// BenchmarkInviteCreators measures one targeted collaboration of 10
// creators: reads, 10 invitations, 10 audit events, 10 outbox rows, one
// transaction.
func BenchmarkInviteCreators(b *testing.B) {
	app := benchApp(b)
	ctx := context.Background()
	if _, err := app.AddProduct(ctx, benchSeller, domain.Product{ID: "P100", Title: "Glow Serum", SampleStock: 10}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		// Fresh creators each round: the outreach limit would stop
		// repeated invitations to the same ones.
		b.StopTimer()
		handles := make([]commands.InviteTarget, 10)
		for i := range handles {
			h := fmt.Sprintf("creator%d", n)
			if _, err := app.AddCreator(ctx, benchSeller, domain.Creator{Handle: h, DiscordID: fmt.Sprintf("1%017d", n)}); err != nil {
				b.Fatal(err)
			}
			handles[i] = commands.InviteTarget{Handle: h}
			n++
		}
		b.StartTimer()
		if _, err := app.InviteCreators(ctx, benchSeller, commands.InviteRequest{Creators: handles, Products: []string{"P100"}, Rate: 1500}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequestAndApproveSample measures the sample path a manager's
// click takes: request (with the approvals card) then approval (stock
// reserved, card updated, creator told).
func BenchmarkRequestAndApproveSample(b *testing.B) {
	app := benchApp(b)
	ctx := context.Background()
	if _, err := app.AddProduct(ctx, benchSeller, domain.Product{ID: "P100", Title: "Glow Serum", SampleStock: 1_000_000}); err != nil {
		b.Fatal(err)
	}
	if _, err := app.CreatePlan(ctx, benchSeller, commands.PlanRequest{Name: "Bench", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}}, Sample: &domain.SampleOffer{}}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h := fmt.Sprintf("c%d", i)
		c, err := app.AddCreator(ctx, benchSeller, domain.Creator{Handle: h, DiscordID: fmt.Sprintf("2%017d", i)})
		if err != nil {
			b.Fatal(err)
		}
		i++
		who := domain.Actor{Role: domain.RoleCreator, CreatorID: c.ID, Name: c.At()}
		s, err := app.RequestSample(ctx, who, commands.SampleInput{ProductID: "P100"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := app.ApproveSample(ctx, benchManager, s.ID); err != nil {
			b.Fatal(err)
		}
	}
}
