package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/collabbot/collabbot/domain"
)

const planCols = `id, name, sample_offer_id, starts_at, ends_at, state, created_by, created_at, version`

// scanPlan reads a plan row; its rules and offer are loaded by loadPlan.
func scanPlan(r rowScanner) (planRow, error) {
	var p planRow
	err := r.Scan(&p.ID, &p.Name, idCol{&p.offerID}, timeCol{&p.StartsAt}, timeCol{&p.EndsAt}, &p.State, &p.CreatedBy, timeCol{&p.CreatedAt}, &p.Version)
	return p, err
}

type planRow struct {
	domain.Plan
	offerID int64
}

// loadPlan completes a plan row with its rules, in the order they were
// given, and its sample offer.
func (t *tx) loadPlan(ctx context.Context, row planRow) (domain.Plan, error) {
	p := row.Plan
	var err error
	p.Rules, err = list(ctx, t, "store: plan rules",
		`SELECT scope, target, rate FROM plan_rules WHERE plan_id = ? ORDER BY position`, []any{p.ID},
		func(r rowScanner) (domain.CommissionRule, error) {
			var c domain.CommissionRule
			err := r.Scan(&c.Scope, &c.Target, &c.Rate)
			return c, err
		})
	if err != nil {
		return domain.Plan{}, err
	}
	if p.Sample, err = t.offerFor(ctx, row.offerID); err != nil {
		return domain.Plan{}, err
	}
	return p, nil
}

// InsertPlan stores an open plan with its rules and sets p.ID. An unsaved
// p.Sample is inserted first.
func (t *tx) InsertPlan(ctx context.Context, p *domain.Plan) error {
	if err := t.ensureOffer(ctx, p.Sample); err != nil {
		return err
	}
	var offerID int64
	if p.Sample != nil {
		offerID = p.Sample.ID
	}
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO plans (name, sample_offer_id, starts_at, ends_at, state, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Name, nullID(offerID), ms(p.StartsAt), ms(p.EndsAt), string(p.State), p.CreatedBy, ms(p.CreatedAt)).Scan(&id)
	if err != nil {
		return t.failed(ctx, err, "store: insert plan", map[string]string{
			"plans.name": fmt.Sprintf("A plan named %q is already active or paused; pick another name or end that plan first.", p.Name),
		}, offerRef(offerID))
	}
	for i, r := range p.Rules {
		_, err := t.tx.ExecContext(ctx, `INSERT INTO plan_rules (plan_id, position, scope, target, rate) VALUES (?, ?, ?, ?, ?)`,
			id, i, string(r.Scope), r.Target, int(r.Rate))
		if err != nil {
			return formatError(err, "store: insert plan rule", map[string]string{
				"plan_rules.plan_id, plan_rules.scope, plan_rules.target": fmt.Sprintf("Commission rates: %s is set twice.", strings.TrimSuffix(r.String(), "="+r.Rate.String())),
			})
		}
	}
	p.ID, p.Version = id, 1
	return nil
}

// Plan returns an open plan with its rules and sample offer.
func (t *tx) Plan(ctx context.Context, id int64) (domain.Plan, error) {
	row, err := scanPlan(t.tx.QueryRowContext(ctx, `SELECT `+planCols+` FROM plans WHERE id = ?`, id))
	if err := notFound(err, "store: plan", domain.Missing{Thing: "plan", Ref: fmt.Sprintf("PL%d", id)}); err != nil {
		return domain.Plan{}, err
	}
	return t.loadPlan(ctx, row)
}

// PlanByName finds a plan by name in any case. Names are unique among
// active and paused plans; when only ended plans carry it, the newest wins.
func (t *tx) PlanByName(ctx context.Context, name string) (domain.Plan, error) {
	name = strings.TrimSpace(name)
	row, err := scanPlan(t.tx.QueryRowContext(ctx, `SELECT `+planCols+` FROM plans WHERE name = ? COLLATE NOCASE
		ORDER BY state = 'ended', id DESC LIMIT 1`, name))
	if err := notFound(err, "store: plan by name", domain.Missing{Thing: "plan_name", Ref: name}); err != nil {
		return domain.Plan{}, err
	}
	return t.loadPlan(ctx, row)
}

// UpdatePlan stores a plan's state and end date; rules and offer are fixed
// once the plan exists. It succeeds only if the row is still at p.Version;
// a plan changed since is a KindConflict.
func (t *tx) UpdatePlan(ctx context.Context, p domain.Plan) error {
	key := fmt.Sprintf("plan:%d", p.ID)
	want := t.expect(key, p.Version)
	res, err := t.tx.ExecContext(ctx, `UPDATE plans SET state = ?, ends_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		string(p.State), ms(p.EndsAt), p.ID, want)
	if err != nil {
		return formatError(err, "store: update plan", map[string]string{
			"plans.name": fmt.Sprintf("Another plan named %q is already active or paused.", p.Name),
		})
	}
	if err := t.versioned(ctx, res, "store: update plan", "plans", p.ID, domain.Missing{Thing: "plan", Ref: fmt.Sprintf("PL%d", p.ID)},
		domain.Changed("plan", fmt.Sprintf("Plan PL%d", p.ID))); err != nil {
		return err
	}
	t.wrote(key, p.Version, want)
	return nil
}

// ListPlans lists plans in the given states, all plans when none, newest
// first. The rules and offers of every listed plan come with one query
// each, whatever the number of plans: a chat command lists plans on every
// call, and a query per plan was most of its cost.
func (t *tx) ListPlans(ctx context.Context, states ...domain.PlanState) ([]domain.Plan, error) {
	var q query
	in(&q, "state", states)
	where := q.sql("id DESC", 0)
	rows, err := list(ctx, t, "store: list plans", `SELECT `+planCols+` FROM plans`+where, q.args, scanPlan)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	// The same filter selects the rules and offers, so the three reads see
	// one set of plans (the transaction's snapshot) without an IN list of ids.
	var f query
	in(&f, "p.state", states)
	type ruleRow struct {
		plan int64
		rule domain.CommissionRule
	}
	rules, err := list(ctx, t, "store: list plan rules",
		`SELECT r.plan_id, r.scope, r.target, r.rate FROM plan_rules r JOIN plans p ON p.id = r.plan_id`+f.sql("r.plan_id, r.position", 0), f.args,
		func(r rowScanner) (ruleRow, error) {
			var x ruleRow
			err := r.Scan(&x.plan, &x.rule.Scope, &x.rule.Target, &x.rule.Rate)
			return x, err
		})
	if err != nil {
		return nil, err
	}
	byPlan := make(map[int64][]domain.CommissionRule, len(rows))
	for _, r := range rules {
		byPlan[r.plan] = append(byPlan[r.plan], r.rule)
	}
	offers := map[int64]*domain.SampleOffer{}
	for _, row := range rows {
		if row.offerID != 0 {
			offers[row.offerID] = nil
		}
	}
	if len(offers) > 0 {
		var g query
		in(&g, "p.state", states)
		g.add("p.sample_offer_id IS NOT NULL")
		os, err := list(ctx, t, "store: list plan offers",
			`SELECT `+offerCols+` FROM sample_offers WHERE id IN (SELECT p.sample_offer_id FROM plans p`+g.sql("p.id", 0)+`)`, g.args, scanOffer)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			offers[o.ID] = &o
		}
	}
	plans := make([]domain.Plan, 0, len(rows))
	for _, row := range rows {
		p := row.Plan
		p.Rules = byPlan[p.ID]
		if row.offerID != 0 {
			o := offers[row.offerID]
			if o == nil {
				return nil, domain.Missing{Thing: "offer", Ref: fmt.Sprint(row.offerID)}.Err()
			}
			// Each plan gets its own copy, as loadPlan gives it.
			c := *o
			c.Requirements.Categories = slices.Clone(o.Requirements.Categories)
			p.Sample = &c
		}
		plans = append(plans, p)
	}
	return plans, nil
}
