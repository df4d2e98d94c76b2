package sqlite_test

import (
	"context"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// ListPlans reads every plan's rules and offer in grouped queries; each
// listed plan must equal the plan read on its own, rules in their order,
// offers with their own requirements, whatever the states asked for.
func TestListPlansMatchesPlan(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustProduct(t, db, "P1", 5)
	mustProduct(t, db, "P2", 5)
	offer := func(min int64, cats ...string) *domain.SampleOffer {
		return &domain.SampleOffer{PerCreator: 1, Stock: 3, Requirements: domain.Requirements{MinFollowers: min, Categories: cats, PostWithinDays: 14}}
	}
	plans := []domain.Plan{
		{Name: "A", State: domain.PlanActive, Rules: []domain.CommissionRule{{Scope: domain.ScopeProduct, Target: "P2", Rate: 900}, {Scope: domain.ScopeAll, Rate: 500}}, Sample: offer(1000, "beauty")},
		{Name: "B", State: domain.PlanPaused, Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 700}}},
		{Name: "C", State: domain.PlanEnded, Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 300}}, Sample: offer(5)},
		{Name: "D", State: domain.PlanActive, Rules: []domain.CommissionRule{{Scope: domain.ScopeProduct, Target: "P1", Rate: 1200}}, Sample: offer(0)},
		{Name: "E", State: domain.PlanActive},
	}
	for i := range plans {
		mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertPlan(ctx, &plans[i]) })
	}
	for _, states := range [][]domain.PlanState{nil, {domain.PlanActive}, {domain.PlanActive, domain.PlanPaused}, {domain.PlanEnded}} {
		list := get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Plan, error) { return tx.ListPlans(ctx, states...) })
		want := 0
		for _, p := range plans {
			if len(states) == 0 || contains(states, p.State) {
				want++
			}
		}
		if len(list) != want {
			t.Fatalf("states %v: %d plans, want %d", states, len(list), want)
		}
		for _, got := range list {
			one := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Plan, error) { return tx.Plan(ctx, got.ID) })
			wantEqual(t, "plan "+got.Name+" listed", got, one)
		}
	}
	// Listed plans do not share an offer's slices with each other.
	list := get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Plan, error) { return tx.ListPlans(ctx) })
	if list[len(list)-1].Sample == nil || list[len(list)-1].Sample.Requirements.MinFollowers != 1000 {
		t.Fatalf("plan A's offer = %+v", list[len(list)-1].Sample)
	}
}

func contains[S comparable](s []S, v S) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
