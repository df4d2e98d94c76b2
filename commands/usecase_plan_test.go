package commands_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

func planCatalog(t *testing.T, app *commands.App) {
	t.Helper()
	mustAddProduct(t, app, "P1", 5, "snacks")
	mustAddProduct(t, app, "P2", 5, "snacks")
	mustAddProduct(t, app, "P3", 5, "drinks")
	mustAddProduct(t, app, "P4", 5, "")
}

func rule(scope domain.Scope, target string, rate domain.Rate) domain.CommissionRule {
	return domain.CommissionRule{Scope: scope, Target: target, Rate: rate}
}

// planRates maps product ID to the rate the plan pays for it.
func planRates(v commands.PlanView) map[string]domain.Rate {
	out := map[string]domain.Rate{}
	for _, pp := range v.Products {
		out[pp.Product.ID] = pp.Rule.Rate
	}
	return out
}

// The most specific rule wins: product over group over all products.
func TestCreatePlanResolvesMostSpecificRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules []domain.CommissionRule
		want  map[string]domain.Rate
	}{
		{"product, group and all", []domain.CommissionRule{rule(domain.ScopeAll, "", 500), rule(domain.ScopeGroup, "Snacks", 1000), rule(domain.ScopeProduct, "P1", 2000)},
			map[string]domain.Rate{"P1": 2000, "P2": 1000, "P3": 500, "P4": 500}},
		{"group only", []domain.CommissionRule{rule(domain.ScopeGroup, "drinks", 1200)},
			map[string]domain.Rate{"P3": 1200}},
		{"product and all", []domain.CommissionRule{rule(domain.ScopeProduct, "P4", 3000), rule(domain.ScopeAll, "", 800)},
			map[string]domain.Rate{"P1": 800, "P2": 800, "P3": 800, "P4": 3000}},
	}
	app, db, _ := newApp(t)
	planCatalog(t, app)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := mustPlan(t, app, commands.PlanRequest{Name: fmt.Sprintf("Plan %d", i), Rules: tc.rules})
			if got := planRates(v); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("rates %v, want %v", got, tc.want)
			}
			if v.State != domain.PlanActive || planOf(t, db, v.ID).State != domain.PlanActive {
				t.Errorf("new plan is %s", v.State)
			}
			// The creators' marketplace shows the same rates.
			_, maya := mustAddCreator(t, app, fmt.Sprintf("c%d", i))
			seen := false
			for _, pv := range mustListPlans(t, app, maya) {
				if pv.ID == v.ID {
					seen = true
					if fmt.Sprint(planRates(pv)) != fmt.Sprint(tc.want) {
						t.Errorf("creator sees %v, want %v", planRates(pv), tc.want)
					}
				}
			}
			if !seen {
				t.Errorf("creator does not see plan %s", v.Ref())
			}
			msg := mustOutboxKey(t, db, fmt.Sprintf("plan:%d:created", v.ID))
			if msg.To.String() != "channel:sellers" || !strings.Contains(rendered(msg).Title, v.Name) {
				t.Errorf("announcement = %+v", msg)
			}
		})
	}
}

func mustListPlans(t *testing.T, app *commands.App, who domain.Actor) []commands.PlanView {
	t.Helper()
	vs, err := app.ListPlans(ctxb, who)
	mustNil(t, err, "ListPlans")
	return vs
}

func TestCreatePlanRejectsBadInput(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	planCatalog(t, app)
	mustPlan(t, app, commands.PlanRequest{Name: "Spring", Rules: []domain.CommissionRule{rule(domain.ScopeAll, "", 500)}})
	tests := []struct {
		name  string
		req   commands.PlanRequest
		field string
		frag  string
	}{
		{"unknown product", commands.PlanRequest{Name: "A", Rules: []domain.CommissionRule{rule(domain.ScopeProduct, "P999", 500)}}, "rates", "P999"},
		{"empty group", commands.PlanRequest{Name: "A", Rules: []domain.CommissionRule{rule(domain.ScopeGroup, "toys", 500)}}, "rates", "toys"},
		{"no rules", commands.PlanRequest{Name: "A"}, "rates", "at least one"},
		{"rate too high", commands.PlanRequest{Name: "A", Rules: []domain.CommissionRule{rule(domain.ScopeAll, "", 8001)}}, "commission_rate", "80%"},
		{"rule twice", commands.PlanRequest{Name: "A", Rules: []domain.CommissionRule{rule(domain.ScopeProduct, "P1", 500), rule(domain.ScopeProduct, "P1", 600)}}, "rates", "twice"},
		{"no name", commands.PlanRequest{Rules: []domain.CommissionRule{rule(domain.ScopeAll, "", 500)}}, "name", "required"},
		{"live name taken", commands.PlanRequest{Name: "SPRING", Rules: []domain.CommissionRule{rule(domain.ScopeAll, "", 500)}}, "name", "taken"},
		{"end in the past", commands.PlanRequest{Name: "A", Rules: []domain.CommissionRule{rule(domain.ScopeAll, "", 500)}, Start: clk.Now().Add(-48 * time.Hour), End: clk.Now().Add(-time.Hour)}, "end", "future"},
		{"end before start", commands.PlanRequest{Name: "A", Rules: []domain.CommissionRule{rule(domain.ScopeAll, "", 500)}, Start: clk.Now().Add(48 * time.Hour), End: clk.Now().Add(24 * time.Hour)}, "end", "after the start"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := stateOf(t, db)
			_, err := app.CreatePlan(ctxb, dana, tc.req)
			wantErr(t, err, domain.KindInvalid, tc.field, tc.frag)
			wantUnchanged(t, db, before)
		})
	}
}

// active -> paused -> active, active|paused -> ended; nothing leaves ended.
// An ended plan's name can be used again.
func TestPlanTransitions(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	planCatalog(t, app)
	v := mustPlan(t, app, commands.PlanRequest{Name: "Spring", Rules: []domain.CommissionRule{rule(domain.ScopeAll, "", 500)}})

	steps := []struct {
		name string
		do   func() (domain.Plan, error)
		want domain.PlanState
		kind domain.Kind
	}{
		{"pause", func() (domain.Plan, error) { return app.PausePlan(ctxb, dana, v.ID, "") }, domain.PlanPaused, ""},
		{"pause again", func() (domain.Plan, error) { return app.PausePlan(ctxb, dana, v.ID, "") }, domain.PlanPaused, ""},
		{"resume by name", func() (domain.Plan, error) { return app.ResumePlan(ctxb, dana, 0, "spring") }, domain.PlanActive, ""},
		{"end", func() (domain.Plan, error) { return app.EndPlan(ctxb, erin, v.ID, "") }, domain.PlanEnded, ""},
		{"resume after end", func() (domain.Plan, error) { return app.ResumePlan(ctxb, dana, v.ID, "") }, domain.PlanEnded, domain.KindConflict},
		{"pause after end", func() (domain.Plan, error) { return app.PausePlan(ctxb, dana, v.ID, "") }, domain.PlanEnded, domain.KindConflict},
	}
	for _, s := range steps {
		clk.Advance(time.Minute)
		before := stateOf(t, db)
		p, err := s.do()
		if s.kind != "" {
			wantErr(t, err, s.kind, "", "ended")
			wantUnchanged(t, db, before)
		} else if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		} else if p.State != s.want {
			t.Errorf("%s returned %s", s.name, p.State)
		}
		if got := planOf(t, db, v.ID).State; got != s.want {
			t.Errorf("%s: stored %s, want %s", s.name, got, s.want)
		}
	}
	for kind, want := range map[string]int{"plan.paused": 1, "plan.resumed": 1, "plan.ended": 1} {
		if n := countEvents(t, db, fmt.Sprintf("plan:%d", v.ID), kind); n != want {
			t.Errorf("%d %s events, want %d", n, kind, want)
		}
	}
	if p := planOf(t, db, v.ID); p.EndsAt.IsZero() || p.EndsAt.After(clk.Now()) {
		t.Errorf("ended plan EndsAt = %v, want the end time", p.EndsAt)
	}
	_, err := app.EndPlan(ctxb, dana, 0, "")
	wantErr(t, err, domain.KindInvalid, "plan")
	_, err = app.PausePlan(ctxb, dana, 999, "")
	wantErr(t, err, domain.KindNotFound, "")

	// The name of an ended plan is free again.
	again := mustPlan(t, app, commands.PlanRequest{Name: "Spring", Rules: []domain.CommissionRule{rule(domain.ScopeAll, "", 600)}})
	if again.ID == v.ID {
		t.Errorf("reused plan ID")
	}
}

// Creators see only the live marketplace: active, started and not ended.
// The team also sees paused plans.
func TestListPlansForCreatorsShowsOnlyLivePlans(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	planCatalog(t, app)
	_, maya := mustAddCreator(t, app, "maya")
	all := []domain.CommissionRule{rule(domain.ScopeAll, "", 500)}
	live := mustPlan(t, app, commands.PlanRequest{Name: "Live", Rules: all})
	paused := mustPlan(t, app, commands.PlanRequest{Name: "Paused", Rules: all})
	_, err := app.PausePlan(ctxb, dana, paused.ID, "")
	mustNil(t, err, "PausePlan")
	ended := mustPlan(t, app, commands.PlanRequest{Name: "Ended", Rules: all})
	_, err = app.EndPlan(ctxb, dana, ended.ID, "")
	mustNil(t, err, "EndPlan")
	future := mustPlan(t, app, commands.PlanRequest{Name: "Future", Rules: all, Start: clk.Now().Add(48 * time.Hour)})
	ending := mustPlan(t, app, commands.PlanRequest{Name: "Ending", Rules: all, End: clk.Now().Add(24 * time.Hour)})

	names := func(vs []commands.PlanView) string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Name)
		}
		return strings.Join(out, ",")
	}
	// Newest first.
	if got := names(mustListPlans(t, app, maya)); got != "Ending,Live" {
		t.Errorf("creator sees %q, want Ending,Live", got)
	}
	if got := names(mustListPlans(t, app, dana)); got != "Ending,Future,Paused,Live" {
		t.Errorf("team sees %q", got)
	}

	clk.Advance(72 * time.Hour) // Future started, Ending passed its end
	if got := names(mustListPlans(t, app, maya)); got != "Future,Live" {
		t.Errorf("three days later the creator sees %q, want Future,Live", got)
	}

	// The sweep ends the plan past its end date, once.
	for run, want := range []int{1, 0} {
		res, err := app.ExpireDue(ctxb)
		mustNil(t, err, "ExpireDue")
		if res.PlansEnded != want {
			t.Errorf("run %d ended %d plans, want %d", run+1, res.PlansEnded, want)
		}
	}
	if got := planOf(t, db, ending.ID).State; got != domain.PlanEnded {
		t.Errorf("plan past its end is %s", got)
	}
	for _, id := range []int64{live.ID, future.ID} {
		if got := planOf(t, db, id).State; got != domain.PlanActive {
			t.Errorf("PL%d without a past end is %s", id, got)
		}
	}
	if n := countEvents(t, db, fmt.Sprintf("plan:%d", ending.ID), "plan.ended"); n != 1 {
		t.Errorf("%d plan.ended events", n)
	}
	mustOutboxKey(t, db, fmt.Sprintf("plan:%d:ended", ending.ID))
	if got := names(mustListPlans(t, app, dana)); got != "Future,Paused,Live" {
		t.Errorf("team sees %q after the sweep", got)
	}
}
