package domain

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// PlanState is where an open plan stands.
type PlanState string

const (
	PlanActive PlanState = "active"
	PlanPaused PlanState = "paused"
	PlanEnded  PlanState = "ended"
)

// PlanMoves is the open plan state machine of PRODUCT.md.
var PlanMoves = map[PlanState][]PlanState{
	PlanActive: {PlanPaused, PlanEnded},
	PlanPaused: {PlanActive, PlanEnded},
}

// Scope is how wide a commission rule reaches.
type Scope string

const (
	ScopeProduct Scope = "product"
	ScopeGroup   Scope = "group"
	ScopeAll     Scope = "all"
)

// specificity orders scopes: the most specific rule wins.
func (s Scope) specificity() int {
	switch s {
	case ScopeProduct:
		return 3
	case ScopeGroup:
		return 2
	case ScopeAll:
		return 1
	}
	return 0
}

// CommissionRule sets a rate for one product, one group, or all products.
type CommissionRule struct {
	Scope  Scope
	Target string // product ID, group name, or "" for all
	Rate   Rate
}

// String renders the rule as the grammar writes it: "P100=12%", "group:snacks=8%", "all=5%".
func (r CommissionRule) String() string {
	switch r.Scope {
	case ScopeGroup:
		return "group:" + r.Target + "=" + r.Rate.String()
	case ScopeAll:
		return "all=" + r.Rate.String()
	}
	return r.Target + "=" + r.Rate.String()
}

// Plan is an open collaboration any creator can join.
type Plan struct {
	ID        int64
	Name      string
	Rules     []CommissionRule
	Sample    *SampleOffer // nil when the plan offers no free samples
	StartsAt  time.Time
	EndsAt    time.Time // zero when open-ended
	State     PlanState
	CreatedBy string
	CreatedAt time.Time
	// Version is the stored row's version, set by the store when it reads
	// or inserts the row; an update succeeds only if the row is still at
	// it (0: never stored).
	Version int64
}

// Ref names the plan for people and commands: "PL3".
func (p Plan) Ref() string { return fmt.Sprintf("PL%d", p.ID) }

// Validate checks a plan before it is stored.
func (p *Plan) Validate() error {
	var problems Problems
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || TooLong(p.Name, MaxNameLength) {
		problems.Add(Invalidf("name", "Plan name is required and must be at most 100 characters"))
	}
	if len(p.Rules) == 0 {
		problems.Add(Invalidf("rates", "Commission rates: set at least one, per product (P100=12%%), per group (group:snacks=8%%) or for all products (all=5%%)"))
	}
	if len(p.Rules) > MaxInviteProducts+20 {
		problems.Add(Invalidf("rates", "Commission rates: at most %d rules", MaxInviteProducts+20))
	}
	problems.Add(p.validateRules())
	if !p.EndsAt.IsZero() && !p.EndsAt.After(p.StartsAt) {
		problems.Add(Invalidf("end", "End date must be after the start date"))
	}
	if p.Sample != nil {
		problems.Add(p.Sample.Validate())
	}
	return problems.Err()
}

// validateRules checks the commission rules; the first bad rule is reported.
func (p *Plan) validateRules() error {
	seen := map[string]bool{}
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.Scope == ScopeGroup {
			r.Target = strings.ToLower(strings.TrimSpace(r.Target))
		}
		if r.Scope == ScopeAll && r.Target != "" {
			return Invalidf("rates", "Commission rates: all=RATE applies to every product and takes no name")
		}
		if r.Scope.specificity() == 0 {
			return Invalidf("rates", "Commission rate scope must be product, group or all (got %q)", r.Scope)
		}
		if r.Scope == ScopeProduct {
			if err := ValidateProductID("rates", r.Target); err != nil {
				return err
			}
		}
		if r.Scope == ScopeGroup && (r.Target == "" || strings.ContainsAny(r.Target, " =:")) {
			return Invalidf("rates", "Commission rates: group needs a name, like group:snacks=8%%")
		}
		if err := r.Rate.Validate("commission_rate"); err != nil {
			return err
		}
		key := string(r.Scope) + ":" + strings.ToLower(r.Target) // product IDs match without case
		if seen[key] {
			return Invalidf("rates", "Commission rates: %s is set twice", strings.TrimSuffix(r.String(), "="+r.Rate.String()))
		}
		seen[key] = true
	}
	return nil
}

// RateFor resolves the commission a product earns under this plan: the
// product rule, else its group's, else the all-products rule.
func (p Plan) RateFor(prod Product) (CommissionRule, bool) {
	var best CommissionRule
	found := false
	for _, r := range p.Rules {
		match := (r.Scope == ScopeProduct && r.Target == prod.ID) ||
			(r.Scope == ScopeGroup && prod.Group != "" && r.Target == prod.Group) ||
			r.Scope == ScopeAll
		if match && (!found || r.Scope.specificity() > best.Scope.specificity()) {
			best, found = r, true
		}
	}
	return best, found
}

// PlanProduct is a product the plan covers and the rate it pays.
type PlanProduct struct {
	Product Product
	Rule    CommissionRule
}

// Products lists the catalog products this plan covers, sorted by ID.
func (p Plan) Products(catalog []Product) []PlanProduct {
	var out []PlanProduct
	for _, prod := range catalog {
		if r, ok := p.RateFor(prod); ok {
			out = append(out, PlanProduct{Product: prod, Rule: r})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Product.ID < out[j].Product.ID })
	return out
}

// To moves the plan to state next.
func (p *Plan) To(next PlanState) error {
	if err := move("Plan "+p.Ref(), p.State, next, PlanMoves); err != nil {
		return err
	}
	p.State = next
	return nil
}

// Live reports whether creators can join the plan at now.
func (p Plan) Live(now time.Time) bool {
	return p.State == PlanActive && !now.Before(p.StartsAt) && (p.EndsAt.IsZero() || now.Before(p.EndsAt))
}
