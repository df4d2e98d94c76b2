package commands_test

import (
	"fmt"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// The dashboard is the team's: it lists what waits for a decision, what
// is to ship, and live plans, each list capped with a count of the rest.
func TestDashboard(t *testing.T) {
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 100, "")
	plan := mustSamplePlan(t, app, "Spring", false)
	var creators []domain.Actor
	for i := range commands.DashboardRows + 2 {
		_, act := mustAddCreator(t, app, fmt.Sprintf("maya%02d", i))
		creators = append(creators, act)
	}
	var ids []int64
	for _, c := range creators {
		ids = append(ids, mustRequest(t, app, c, commands.SampleInput{ProductID: "P100", PlanID: plan.ID}).ID)
	}
	mustApprove(t, app, ids[0])
	old := mustPlan(t, app, commands.PlanRequest{Name: "Old", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}})
	if _, err := app.EndPlan(ctxb, dana, old.ID, ""); err != nil {
		t.Fatal(err)
	}
	d, err := app.Dashboard(ctxb, erin)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Manager {
		t.Errorf("erin's dashboard is not a manager's")
	}
	if len(d.ToShip) != 1 || d.ToShip[0].ID != ids[0] {
		t.Errorf("to ship: %+v", d.ToShip)
	}
	waiting := len(ids) - 1
	if len(d.Waiting)+d.WaitingMore != waiting || len(d.Waiting) > commands.DashboardRows {
		t.Errorf("waiting: %d shown + %d more, want %d in all, at most %d shown", len(d.Waiting), d.WaitingMore, waiting, commands.DashboardRows)
	}
	if len(d.Plans) != 1 || d.Plans[0].ID != plan.ID {
		t.Errorf("plans %+v, want only the live Spring", d.Plans)
	}
	if d.Report.GeneratedAt.IsZero() {
		t.Errorf("no funnel")
	}
	if _, err := app.Dashboard(ctxb, creators[0]); domain.ErrorKind(err) != domain.KindForbidden {
		t.Errorf("a creator's dashboard: %v, want forbidden", err)
	}
	if d, _ := app.Dashboard(ctxb, dana); d.Manager {
		t.Errorf("dana's dashboard is a manager's")
	}
}
