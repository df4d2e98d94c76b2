package present

import (
	"fmt"
	"sort"
	"strings"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// Home is the seller team's dashboard: samples waiting for a decision
// (first for a manager, whose queue it is), approved samples to ship,
// overdue content, open plans and the funnel, each row with the button
// that moves it on.
func Home(d commands.Dashboard, r Reader) Card {
	c := Card{Title: "collabbot: the team's dashboard"}
	if d.Undelivered.Total > 0 {
		// A message that failed for good needs a person: it goes first.
		u := Undelivered(d.Undelivered, r)
		c.Sections = append(c.Sections, Section{Title: u.Title, Text: u.Text})
		c.Sections = append(c.Sections, u.Sections...)
	}
	waiting := homeWaiting(d, r)
	if d.Manager {
		c.Sections = append(c.Sections, waiting...)
	}
	c.Sections = append(c.Sections, homeList("To ship", "No approved samples waiting to ship.", d.ToShip, d.ToShipMore, "samples approved", r, func(v commands.SampleView) []Button {
		return []Button{action("Mark "+v.Ref()+" shipped", ActionShip, v.ID, "primary")}
	})...)
	// Overdue samples have no button: extending one is a seller's
	// judgement, typed as /collab extend S3.
	c.Sections = append(c.Sections, homeList("Overdue content", "No overdue content.", d.Overdue, d.OverdueMore, "samples overdue", r, func(commands.SampleView) []Button { return nil })...)
	if !d.Manager {
		c.Sections = append(c.Sections, waiting...)
	}
	plans := Section{Title: "Open plans"}
	if len(d.Plans) == 0 {
		plans.Text = "No open plans."
	}
	c.Sections = append(c.Sections, plans)
	for _, p := range d.Plans {
		c.Sections = append(c.Sections, Section{Text: fmt.Sprintf("%s %q (%s)\n%s", p.Ref(), p.Name, p.State, planText(p, r))})
	}
	week := Section{Title: "This week", Text: "Since Monday, beside the whole of last week."}
	for i, n := range d.ThisWeek.Stages() {
		week.Fields = append(week.Fields, Field{Label: domain.FunnelStages[i], Value: fmt.Sprintf("%s (last week %s)", num(n), num(d.LastWeek.Stages()[i]))})
	}
	c.Sections = append(c.Sections, week)
	c.Sections = append(c.Sections, Section{Title: "Funnel, all time", Fields: []Field{
		{Label: "Invitations", Value: stateCounts(d.Report.Invitations)},
		{Label: "Acceptance rate", Value: percentOrDash(d.Report.AcceptanceRate())},
		{Label: "Sample requests", Value: stateCounts(d.Report.Samples)},
		{Label: "Samples shipped", Value: num(d.Report.Shipped)},
		{Label: "Content posted", Value: num(d.Report.Posted)},
		{Label: "Fulfilment rate", Value: percentOrDash(d.Report.FulfilmentRate())},
	}})
	c.Context = "As of " + r.Time(d.Report.GeneratedAt) + ". Type /collab help for every command."
	return c
}

func homeWaiting(d commands.Dashboard, r Reader) []Section {
	title := "Waiting for a manager"
	if d.Manager {
		title = "Waiting for your decision"
	}
	return homeList(title, "No sample requests waiting for a decision.", d.Waiting, d.WaitingMore, "requests waiting", r, func(v commands.SampleView) []Button {
		if !d.Manager {
			return nil
		}
		return []Button{action("Approve "+v.Ref(), ActionApprove, v.ID, "primary"), form("Reject "+v.Ref(), ActionReject, v.ID, "danger")}
	})
}

func homeList(title, empty string, vs []commands.SampleView, more int, what string, r Reader, buttons func(commands.SampleView) []Button) []Section {
	head := Section{Title: fmt.Sprintf("%s (%d)", title, len(vs)+more)}
	if len(vs) == 0 {
		head.Text = empty
		return []Section{head}
	}
	out := []Section{head}
	for _, v := range vs {
		out = append(out, Section{
			Text:    fmt.Sprintf("%s  %s  %s %s x%d\n%s", v.Ref(), v.Creator.At(), v.Product.ID, v.Product.Title, v.Quantity, SampleStatus(v.SampleRequest, r)),
			Buttons: buttons(v),
		})
	}
	if more > 0 {
		out = append(out, Section{Text: fmt.Sprintf("… and %d more %s: type /collab samples to see them all.", more, what)})
	}
	return out
}

func stateCounts[K ~string](m map[K]int) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, string(k))
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + num(m[K(k)])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// percentOrDash is a rate, or "none yet" while nothing it divides by has
// happened (no invitation answered, no sample shipped).
func percentOrDash(n int) string {
	if n < 0 {
		return "none yet"
	}
	return fmt.Sprintf("%d%%", n)
}
