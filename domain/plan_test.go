package domain_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// PRODUCT.md: plans go "active -> paused -> active, active|paused -> ended".
var (
	planStates = []domain.PlanState{"active", "paused", "ended"}
	planEdges  = map[[2]domain.PlanState]bool{
		{"active", "paused"}: true,
		{"paused", "active"}: true,
		{"active", "ended"}:  true,
		{"paused", "ended"}:  true,
	}
)

func TestPlanTransitions(t *testing.T) {
	if domain.PlanActive != "active" || domain.PlanPaused != "paused" || domain.PlanEnded != "ended" {
		t.Fatal("plan state names changed")
	}
	if len(planEdges) != 4 {
		t.Fatalf("PRODUCT.md has 4 plan moves, the test table %d", len(planEdges))
	}
	checkMoves(t, domain.PlanMoves, planStates, planEdges, "PL3", func(from, to domain.PlanState) (domain.PlanState, error) {
		p := domain.Plan{ID: 3, State: from}
		err := p.To(to)
		return p.State, err
	})
}

func TestPlanRateFor(t *testing.T) {
	serum := domain.Product{ID: "P100", Group: "skincare"}
	cream := domain.Product{ID: "P200", Group: "skincare"}
	chips := domain.Product{ID: "P300", Group: "snacks"}
	loose := domain.Product{ID: "P400"} // no group

	prodRule := domain.CommissionRule{Scope: domain.ScopeProduct, Target: "P100", Rate: 2000}
	groupRule := domain.CommissionRule{Scope: domain.ScopeGroup, Target: "skincare", Rate: 1200}
	allRule := domain.CommissionRule{Scope: domain.ScopeAll, Rate: 500}
	emptyGroup := domain.CommissionRule{Scope: domain.ScopeGroup, Target: "", Rate: 900}

	tests := []struct {
		name  string
		rules []domain.CommissionRule
		prod  domain.Product
		want  *domain.CommissionRule // nil: not covered
	}{
		{"product beats group and all", []domain.CommissionRule{allRule, groupRule, prodRule}, serum, &prodRule},
		{"product beats all, any order", []domain.CommissionRule{prodRule, allRule}, serum, &prodRule},
		{"group beats all", []domain.CommissionRule{allRule, groupRule, prodRule}, cream, &groupRule},
		{"group beats all, any order", []domain.CommissionRule{groupRule, allRule}, cream, &groupRule},
		{"all for another group", []domain.CommissionRule{allRule, groupRule, prodRule}, chips, &allRule},
		{"all for no group", []domain.CommissionRule{groupRule, allRule}, loose, &allRule},
		{"group rule skips other groups", []domain.CommissionRule{groupRule}, chips, nil},
		{"group rule skips ungrouped", []domain.CommissionRule{groupRule}, loose, nil},
		{"empty group rule matches no ungrouped product", []domain.CommissionRule{emptyGroup}, loose, nil},
		{"product rule skips other products", []domain.CommissionRule{prodRule}, cream, nil},
		{"product rule does not match a group named like it", []domain.CommissionRule{{Scope: domain.ScopeGroup, Target: "P100", Rate: 700}}, domain.Product{ID: "P999", Group: "p100"}, nil},
		{"no rules", nil, serum, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := domain.Plan{Rules: tc.rules}
			got, ok := p.RateFor(tc.prod)
			if tc.want == nil {
				if ok {
					t.Errorf("RateFor(%s) = %v, want not covered", tc.prod.ID, got)
				}
				return
			}
			if !ok || got != *tc.want {
				t.Errorf("RateFor(%s) = %v, %v; want %v", tc.prod.ID, got, ok, *tc.want)
			}
		})
	}
}

func TestPlanProducts(t *testing.T) {
	p := domain.Plan{Rules: []domain.CommissionRule{
		{Scope: domain.ScopeGroup, Target: "skincare", Rate: 1200},
		{Scope: domain.ScopeProduct, Target: "P300", Rate: 2000},
	}}
	catalog := []domain.Product{
		{ID: "P300", Group: "snacks"},
		{ID: "P900"}, // not covered
		{ID: "P100", Group: "skincare"},
		{ID: "A200", Group: "skincare"},
		{ID: "P500", Group: "snacks"}, // not covered
	}
	got := p.Products(catalog)
	want := []struct {
		id   string
		rate domain.Rate
	}{{"A200", 1200}, {"P100", 1200}, {"P300", 2000}}
	if len(got) != len(want) {
		t.Fatalf("Products = %v, want %d products", got, len(want))
	}
	for i, w := range want {
		if got[i].Product.ID != w.id || got[i].Rule.Rate != w.rate {
			t.Errorf("Products[%d] = %s at %s, want %s at %s", i, got[i].Product.ID, got[i].Rule.Rate, w.id, w.rate)
		}
	}
	if got := (domain.Plan{}).Products(catalog); len(got) != 0 {
		t.Errorf("a plan without rules covers %v", got)
	}
}

func TestCommissionRuleString(t *testing.T) {
	tests := []struct {
		r    domain.CommissionRule
		want string
	}{
		{domain.CommissionRule{Scope: domain.ScopeProduct, Target: "P100", Rate: 1200}, "P100=12%"},
		{domain.CommissionRule{Scope: domain.ScopeGroup, Target: "snacks", Rate: 850}, "group:snacks=8.5%"},
		{domain.CommissionRule{Scope: domain.ScopeAll, Rate: 500}, "all=5%"},
	}
	for _, tc := range tests {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

func TestPlanValidate(t *testing.T) {
	start := utc(t, "2026-06-01 00:00:00")
	ok := func() domain.Plan {
		return domain.Plan{
			Name: " Summer ",
			Rules: []domain.CommissionRule{
				{Scope: domain.ScopeProduct, Target: "P100", Rate: 1200},
				{Scope: domain.ScopeGroup, Target: "snacks", Rate: 800},
				{Scope: domain.ScopeAll, Rate: 500},
			},
			StartsAt: start,
			EndsAt:   start.AddDate(0, 1, 0),
			State:    domain.PlanActive,
		}
	}
	p := ok()
	noErr(t, p.Validate())
	if p.Name != "Summer" {
		t.Errorf("Name = %q, want trimmed", p.Name)
	}
	p = ok()
	p.EndsAt = time.Time{}
	noErr(t, p.Validate())
	p = ok()
	p.Sample = &domain.SampleOffer{}
	noErr(t, p.Validate())
	if p.Sample.PerCreator != 1 || p.Sample.Requirements.PostWithinDays != 14 {
		t.Errorf("plan sample defaults not filled: %+v", p.Sample)
	}

	tests := []struct {
		name  string
		edit  func(*domain.Plan)
		field string
		parts []string
	}{
		{"no name", func(p *domain.Plan) { p.Name = "  " }, "name", nil},
		{"long name", func(p *domain.Plan) { p.Name = strings.Repeat("n", 101) }, "name", nil},
		{"no rules", func(p *domain.Plan) { p.Rules = nil }, "rates", []string{"at least one", "P100=12%", "group:snacks=8%", "all=5%"}},
		{"too many rules", func(p *domain.Plan) {
			p.Rules = nil
			for i := range 121 {
				p.Rules = append(p.Rules, domain.CommissionRule{Scope: domain.ScopeProduct, Target: fmt.Sprintf("P%d", i), Rate: 1000})
			}
		}, "rates", []string{"120"}},
		{"duplicate product", func(p *domain.Plan) {
			p.Rules = append(p.Rules, domain.CommissionRule{Scope: domain.ScopeProduct, Target: "P100", Rate: 1500})
		}, "rates", []string{"P100", "twice"}},
		{"duplicate group", func(p *domain.Plan) {
			p.Rules = append(p.Rules, domain.CommissionRule{Scope: domain.ScopeGroup, Target: "snacks", Rate: 900})
		}, "rates", []string{"group:snacks", "twice"}},
		{"duplicate all", func(p *domain.Plan) {
			p.Rules = append(p.Rules, domain.CommissionRule{Scope: domain.ScopeAll, Rate: 600})
		}, "rates", []string{"all", "twice"}},
		{"bad scope", func(p *domain.Plan) { p.Rules[0].Scope = "shop" }, "rates", []string{"product, group or all"}},
		{"empty scope", func(p *domain.Plan) { p.Rules[0].Scope = "" }, "rates", nil},
		{"bad product id", func(p *domain.Plan) { p.Rules[0].Target = "P 100" }, "rates", nil},
		{"empty product id", func(p *domain.Plan) { p.Rules[0].Target = "" }, "rates", nil},
		{"empty group", func(p *domain.Plan) { p.Rules[1].Target = "" }, "rates", []string{"group needs a name"}},
		{"group with space", func(p *domain.Plan) { p.Rules[1].Target = "snack food" }, "rates", nil},
		{"group with colon", func(p *domain.Plan) { p.Rules[1].Target = "a:b" }, "rates", nil},
		{"rate too low", func(p *domain.Plan) { p.Rules[0].Rate = 99 }, "commission_rate", []string{"1%", "80%"}},
		{"rate too high", func(p *domain.Plan) { p.Rules[2].Rate = 8001 }, "commission_rate", []string{"1%", "80%"}},
		{"zero rate", func(p *domain.Plan) { p.Rules[1].Rate = 0 }, "commission_rate", nil},
		{"end before start", func(p *domain.Plan) { p.EndsAt = start.Add(-time.Hour) }, "end", []string{"after the start"}},
		{"end at start", func(p *domain.Plan) { p.EndsAt = start }, "end", nil},
		{"bad sample offer", func(p *domain.Plan) {
			p.Sample = &domain.SampleOffer{Requirements: domain.Requirements{PostWithinDays: 91}}
		}, "post_within_days", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ok()
			tc.edit(&p)
			checkErr(t, p.Validate(), domain.KindInvalid, tc.field, tc.parts...)
		})
	}
}

func TestPlanValidateGroupCase(t *testing.T) {
	p := domain.Plan{Name: "x", Rules: []domain.CommissionRule{{Scope: domain.ScopeGroup, Target: "Snacks", Rate: 800}}}
	noErr(t, p.Validate())
	prod := domain.Product{ID: "P1", Title: "Chips", Group: "Snacks"}
	noErr(t, prod.Validate())
	if _, ok := p.RateFor(prod); !ok {
		t.Errorf("group:Snacks does not cover a product of group %q", prod.Group)
	}
	dup := domain.Plan{Name: "x", Rules: []domain.CommissionRule{{Scope: domain.ScopeGroup, Target: "Snacks", Rate: 800}, {Scope: domain.ScopeGroup, Target: "snacks", Rate: 900}}}
	if err := dup.Validate(); err == nil {
		t.Error("group:Snacks and group:snacks both accepted")
	}
}

func TestPlanValidateAllWithTarget(t *testing.T) {
	p := domain.Plan{Name: "x", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}, {Scope: domain.ScopeAll, Target: "x", Rate: 600}}}
	checkErr(t, p.Validate(), domain.KindInvalid, "rates")
}

func TestPlanLive(t *testing.T) {
	start := utc(t, "2026-06-01 00:00:00")
	end := utc(t, "2026-07-01 00:00:00")
	tests := []struct {
		name  string
		state domain.PlanState
		end   time.Time
		now   time.Time
		want  bool
	}{
		{"before start", domain.PlanActive, end, start.Add(-time.Second), false},
		{"at start", domain.PlanActive, end, start, true},
		{"running", domain.PlanActive, end, start.AddDate(0, 0, 10), true},
		{"last second", domain.PlanActive, end, end.Add(-time.Second), true},
		{"at end", domain.PlanActive, end, end, false},
		{"after end", domain.PlanActive, end, end.AddDate(0, 0, 1), false},
		{"open-ended", domain.PlanActive, time.Time{}, start.AddDate(5, 0, 0), true},
		{"paused", domain.PlanPaused, end, start.AddDate(0, 0, 10), false},
		{"ended", domain.PlanEnded, time.Time{}, start.AddDate(0, 0, 10), false},
	}
	for _, tc := range tests {
		p := domain.Plan{State: tc.state, StartsAt: start, EndsAt: tc.end}
		if got := p.Live(tc.now); got != tc.want {
			t.Errorf("%s: Live = %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := (domain.Plan{ID: 3}).Ref(); got != "PL3" {
		t.Errorf("Ref() = %q", got)
	}
}
