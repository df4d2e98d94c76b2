package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// PlanView is a plan with the catalog products it covers and their rates.
type PlanView struct {
	domain.Plan
	Products []domain.PlanProduct
	// Notes point at what may surprise: a product another live plan also
	// pays for, at its own rate; a sample offer on a product without stock.
	Notes []string
}

// CheckPlan reports every problem of an open plan that can be seen without
// the catalog, worded as CreatePlan words them.
func CheckPlan(req PlanRequest, now time.Time, loc *time.Location) error {
	var p domain.Problems
	preparePlan(req, now.UTC().Truncate(time.Millisecond), loc, &p)
	return p.Err()
}

func preparePlan(req PlanRequest, now time.Time, loc *time.Location, problems *domain.Problems) domain.Plan {
	if loc == nil {
		loc = time.UTC
	}
	p := domain.Plan{Name: req.Name, Rules: append([]domain.CommissionRule(nil), req.Rules...), StartsAt: req.Start, EndsAt: req.End, State: domain.PlanActive, CreatedAt: now}
	if p.StartsAt.IsZero() {
		p.StartsAt = now
	}
	if req.Sample != nil {
		s := *req.Sample
		p.Sample = &s
		if s.WindowStart.IsZero() {
			p.Sample.WindowStart = p.StartsAt
		}
		if s.WindowEnd.IsZero() {
			p.Sample.WindowEnd = p.EndsAt
		}
	}
	if o := p.Sample; o != nil && !p.EndsAt.IsZero() && !o.WindowStart.Before(p.EndsAt) {
		problems.Add(domain.Invalidf("sample_window", "Samples must open before the plan ends on %s (sample-from is %s)", dateIn(p.EndsAt.Add(-time.Millisecond), loc), dateIn(o.WindowStart, loc)))
	}
	problems.Add(p.Validate())
	if !p.EndsAt.IsZero() && !p.EndsAt.After(now) && !problems.Has("end") {
		problems.Add(domain.Invalidf("end", "End date must be in the future"))
	}
	return p
}

// CreatePlan opens an open collaboration with commission rules at product,
// group or all-products scope.
func (a *App) CreatePlan(ctx context.Context, actor domain.Actor, req PlanRequest) (PlanView, error) {
	var v PlanView
	if err := actor.RequireTeam("create plans"); err != nil {
		return v, err
	}
	now := a.now()
	var problems domain.Problems
	p := preparePlan(req, now, a.loc, &problems)
	p.CreatedBy = actor.MemberID
	if err := problems.Err(); err != nil {
		return v, err
	}
	err := a.store.Update(ctx, func(tx Tx) error {
		if old, err := tx.PlanByName(ctx, p.Name); err == nil && old.State != domain.PlanEnded {
			return domain.Invalidf("name", "Plan name %q is taken by %s (%s); pick another name or end that plan first", p.Name, old.Ref(), old.State)
		} else if err != nil && domain.ErrorKind(err) != domain.KindNotFound {
			return err
		}
		catalog, err := tx.ListProducts(ctx)
		if err != nil {
			return err
		}
		if err := checkRules(p.Rules, catalog); err != nil {
			return err
		}
		if p.Sample != nil {
			if err := tx.InsertOffer(ctx, p.Sample); err != nil {
				return err
			}
		}
		if err := tx.InsertPlan(ctx, &p); err != nil {
			return err
		}
		v = PlanView{Plan: p, Products: p.Products(catalog)}
		others, err := tx.ListPlans(ctx, domain.PlanActive, domain.PlanPaused)
		if err != nil {
			return err
		}
		v.Notes = planNotes(p, v.Products, others)
		rules := make([]string, len(p.Rules))
		for i, r := range p.Rules {
			rules[i] = r.String()
		}
		if err := record(ctx, tx, now, actor, "plan.created", subject("plan", p.ID), "created plan %q: %s", p.Name, strings.Join(rules, " ")); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), key: domain.Once(subject("plan", p.ID), "created"), thread: subject("plan", p.ID)}, domain.Notice{Kind: domain.NoticePlanCreated, By: actor.Display(), Plan: &p, Products: planCatalog(v.Products)})
	})
	return v, err
}

// planNotes lists products other live plans also cover (creators see each
// plan's rate) and sample offers on products without stock.
func planNotes(p domain.Plan, covered []domain.PlanProduct, others []domain.Plan) []string {
	const maxNotes = 10
	// Past the cap only the count is shown, so the rest are counted, not
	// formatted: a plan of 1,000 products beside 100 live plans has 100,000.
	var notes []string
	more := 0
	note := func(format string, args ...any) {
		if len(notes) < maxNotes {
			notes = append(notes, fmt.Sprintf(format, args...))
		} else {
			more++
		}
	}
	for _, pp := range covered {
		for _, o := range others {
			if o.ID == p.ID {
				continue
			}
			if r, ok := o.RateFor(pp.Product); ok {
				note("%s is also in plan %s %q at %s.", pp.Product.ID, o.Ref(), o.Name, r.Rate)
			}
		}
		if p.Sample != nil && pp.Product.SampleStock == 0 {
			note("%s has no sample stock: sample requests for it will be refused until you restock it, like product set %s stock=20.", pp.Product.ID, pp.Product.ID)
		}
	}
	if more > 0 {
		notes = append(notes, fmt.Sprintf("... and %d more.", more))
	}
	return notes
}

// checkRules refuses rules that match nothing in the catalog: a typo in a
// product ID or group would silently pay nothing.
func checkRules(rules []domain.CommissionRule, catalog []domain.Product) error {
	ids, groups := map[string]string{}, map[string]bool{}
	for _, p := range catalog {
		ids[strings.ToLower(p.ID)] = p.ID
		if p.Group != "" {
			groups[p.Group] = true
		}
	}
	for i, r := range rules {
		switch r.Scope {
		case domain.ScopeProduct:
			id, ok := ids[strings.ToLower(r.Target)]
			if !ok {
				return domain.Invalidf("rates", "Product %s is not in the catalog; add it with `product add %s ...` first", r.Target, r.Target)
			}
			rules[i].Target = id // as the catalog spells it, so the rule matches
		case domain.ScopeGroup:
			if !groups[r.Target] {
				return domain.Invalidf("rates", "No product in the catalog is in group %q", r.Target)
			}
		case domain.ScopeAll:
			if len(catalog) == 0 {
				return domain.Invalidf("rates", "The catalog is empty; add products before a plan for all products")
			}
		}
	}
	return nil
}

// PausePlan hides an active plan from creators for a while.
func (a *App) PausePlan(ctx context.Context, actor domain.Actor, id int64, name string) (domain.Plan, error) {
	return a.movePlan(ctx, actor, id, name, domain.PlanPaused, "paused")
}

// ResumePlan makes a paused plan active again.
func (a *App) ResumePlan(ctx context.Context, actor domain.Actor, id int64, name string) (domain.Plan, error) {
	return a.movePlan(ctx, actor, id, name, domain.PlanActive, "resumed")
}

// EndPlan closes a plan for good. Requests still waiting for a decision
// through it are cancelled; approved ones stay for the team to ship.
func (a *App) EndPlan(ctx context.Context, actor domain.Actor, id int64, name string) (domain.Plan, error) {
	return a.movePlan(ctx, actor, id, name, domain.PlanEnded, "ended")
}

func (a *App) movePlan(ctx context.Context, actor domain.Actor, id int64, name string, to domain.PlanState, verb string) (domain.Plan, error) {
	var p domain.Plan
	if err := actor.RequireTeam(strings.TrimSuffix(verb, "d") + " plans"); err != nil {
		return p, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		if p, err = findPlan(ctx, tx, id, name); err != nil {
			return err
		}
		if p.State == to {
			return nil
		}
		if err := p.To(to); err != nil {
			return err
		}
		if to == domain.PlanEnded && (p.EndsAt.IsZero() || p.EndsAt.After(now)) {
			p.EndsAt = now
		}
		if err := tx.UpdatePlan(ctx, p); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "plan."+verb, subject("plan", p.ID), "%s plan %q", verb, p.Name); err != nil {
			return err
		}
		if to == domain.PlanEnded {
			if err := a.cancelUndecided(ctx, tx, now, actor, SampleFilter{PlanID: p.ID}, domain.Closure{Event: "plan.ended", Ref: p.Ref(), Name: p.Name}); err != nil {
				return err
			}
		}
		return send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), change: string(to), thread: subject("plan", p.ID)}, domain.Notice{Kind: domain.NoticePlanState, By: actor.Display(), Plan: &p})
	})
	return p, err
}

func findPlan(ctx context.Context, tx Tx, id int64, name string) (domain.Plan, error) {
	if id != 0 {
		return tx.Plan(ctx, id)
	}
	if strings.TrimSpace(name) == "" {
		return domain.Plan{}, domain.Invalidf("plan", "Plan is required: give its number like PL3 or its name in quotes")
	}
	return tx.PlanByName(ctx, strings.TrimSpace(name))
}

// ListPlans lists plans with the rate each product pays. Creators see only
// the live marketplace; the team also sees paused plans.
func (a *App) ListPlans(ctx context.Context, actor domain.Actor) ([]PlanView, error) {
	team := actor.IsTeam()
	v, cached := a.cache.version(ctx)
	all, ok := []PlanView(nil), false
	if cached {
		all, ok = get(a.cache, a.cache.plans, team, v)
	}
	if !ok {
		err := a.store.View(ctx, func(tx Tx) error {
			states := []domain.PlanState{domain.PlanActive}
			if team {
				states = append(states, domain.PlanPaused)
			}
			plans, err := tx.ListPlans(ctx, states...)
			if err != nil {
				return err
			}
			catalog, err := tx.ListProducts(ctx)
			if err != nil {
				return err
			}
			all = make([]PlanView, 0, len(plans))
			for _, p := range plans {
				all = append(all, PlanView{Plan: p, Products: p.Products(catalog)})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if cached {
			put(a.cache, a.cache.plans, team, v, all)
		}
	}
	if team {
		return planViews(all), nil
	}
	// Whether a plan is live depends on the time, so it is decided per
	// call, not kept.
	var out []PlanView
	now := a.now()
	for _, p := range all {
		if p.Live(now) {
			out = append(out, p)
		}
	}
	return out, nil
}

// planCatalog lists the catalog products a plan covers.
func planCatalog(pps []domain.PlanProduct) []domain.Product {
	out := make([]domain.Product, len(pps))
	for i, pp := range pps {
		out[i] = pp.Product
	}
	return out
}
