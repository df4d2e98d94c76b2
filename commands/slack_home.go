package commands

import (
	"context"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// DashboardRows caps each list of the team's dashboard: it is a screen
// to glance at, and the lists have their own commands.
const DashboardRows = 10

// Dashboard is the seller team's overview (Slack's App Home): what needs
// someone, and the funnel.
type Dashboard struct {
	Manager     bool // the reader decides samples: their queue comes first
	Plans       []PlanView
	Waiting     []SampleView // requests waiting for a manager, oldest first
	WaitingMore int
	ToShip      []SampleView // approved, not shipped yet
	ToShipMore  int
	Overdue     []SampleView // content past its deadline
	OverdueMore int
	Report      Report
	// ThisWeek is the funnel from Monday 00:00 in the team's zone until
	// now; LastWeek the whole week before.
	ThisWeek, LastWeek domain.Funnel
	// Undelivered are the latest messages that failed for good, so the
	// team sees them where it looks, not only in the CLI.
	Undelivered UndeliveredView
}

// DashboardUndelivered caps the failed messages the dashboard lists.
const DashboardUndelivered = 5

// Dashboard reads the team's overview for actor.
func (a *App) Dashboard(ctx context.Context, actor domain.Actor) (Dashboard, error) {
	d := Dashboard{Manager: actor.Role == domain.RoleManager}
	if err := actor.RequireTeam("see the dashboard"); err != nil {
		return d, err
	}
	plans, err := a.ListPlans(ctx, actor)
	if err != nil {
		return d, err
	}
	for _, p := range plans {
		if p.State != domain.PlanEnded {
			d.Plans = append(d.Plans, p)
		}
	}
	if len(d.Plans) > DashboardRows {
		d.Plans = d.Plans[:DashboardRows]
	}
	list := func(st domain.SampleState) ([]SampleView, int, error) {
		p, err := a.ListSamplesPage(ctx, actor, "", st)
		if err != nil {
			return nil, 0, err
		}
		more := p.More
		if len(p.Samples) > DashboardRows {
			more += len(p.Samples) - DashboardRows
			p.Samples = p.Samples[:DashboardRows]
		}
		return p.Samples, more, nil
	}
	if d.Waiting, d.WaitingMore, err = list(domain.SampleRequested); err != nil {
		return d, err
	}
	if d.ToShip, d.ToShipMore, err = list(domain.SampleApproved); err != nil {
		return d, err
	}
	if d.Overdue, d.OverdueMore, err = list(domain.SampleOverdue); err != nil {
		return d, err
	}
	if d.Report, err = a.Report(ctx, actor); err != nil {
		return d, err
	}
	now := a.now()
	day := startOfDay(now, a.loc)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	err = a.store.View(ctx, func(tx Tx) error {
		var err error
		if d.ThisWeek, err = tx.Funnel(ctx, monday.UTC(), now.Add(time.Millisecond)); err != nil {
			return err
		}
		d.LastWeek, err = tx.Funnel(ctx, monday.AddDate(0, 0, -7).UTC(), monday.UTC())
		return err
	})
	if err != nil {
		return d, err
	}
	d.Undelivered, err = a.ListUndelivered(ctx, actor, DashboardUndelivered)
	return d, err
}
