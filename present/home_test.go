package present_test

import (
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// The dashboard puts a manager's queue first with the decision buttons; a
// seller sees the queue after their own work, without them; lists past
// their cap say how many more.
func TestHomeOrderAndButtons(t *testing.T) {
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	r := present.Reader{Zone: time.UTC, Team: time.UTC, Now: now}
	waiting := commands.SampleView{SampleRequest: domain.SampleRequest{ID: 4, State: domain.SampleRequested, Quantity: 1, RequestedAt: now}, Creator: domain.Creator{Handle: "maya"}, Product: domain.Product{ID: "P100", Title: "Glow Serum"}}
	toShip := commands.SampleView{SampleRequest: domain.SampleRequest{ID: 5, State: domain.SampleApproved, Quantity: 1}, Creator: domain.Creator{Handle: "leo"}, Product: domain.Product{ID: "P100"}}
	d := commands.Dashboard{Waiting: []commands.SampleView{waiting}, WaitingMore: 3, ToShip: []commands.SampleView{toShip},
		Report: commands.Report{GeneratedAt: now, Invitations: map[domain.InvitationState]int{domain.InvitationPending: 2}}}

	for _, manager := range []bool{true, false} {
		d.Manager = manager
		c := present.Home(d, r)
		titles := []string{}
		for _, s := range c.Sections {
			if s.Title != "" {
				titles = append(titles, s.Title)
			}
		}
		first := strings.HasPrefix(titles[0], "Waiting for your decision (4)")
		if manager != first {
			t.Errorf("manager=%v: sections %v", manager, titles)
		}
		var actions []string
		for _, b := range c.AllButtons() {
			actions = append(actions, b.Action)
		}
		hasApprove := strings.Contains(strings.Join(actions, " "), "approve:4")
		if hasApprove != manager {
			t.Errorf("manager=%v: buttons %v", manager, actions)
		}
		if !strings.Contains(strings.Join(actions, " "), "ship:5") {
			t.Errorf("no Mark shipped: %v", actions)
		}
		text := ""
		for _, s := range c.Sections {
			text += s.Text + "\n"
			for _, f := range s.Fields {
				text += f.Label + ": " + f.Value + "\n"
			}
		}
		for _, want := range []string{"S4", "@maya", "3 more", "pending 2", "No overdue content", "No open plans"} {
			if !strings.Contains(text, want) {
				t.Errorf("manager=%v: the dashboard does not say %q:\n%s", manager, want, text)
			}
		}
	}
}

// Messages that failed for good lead the dashboard, and the week's funnel
// stands beside last week's.
func TestHomeUndeliveredAndWeek(t *testing.T) {
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	r := present.Reader{Zone: time.UTC, Team: time.UTC, Now: now}
	d := commands.Dashboard{Report: commands.Report{GeneratedAt: now},
		ThisWeek: domain.Funnel{Invited: 7, Accepted: 3}, LastWeek: domain.Funnel{Invited: 12, Accepted: 5},
		Undelivered: commands.UndeliveredView{Total: 1, Rows: []domain.Undelivered{{ID: 42, To: domain.Recipient{Kind: domain.ToChannel, Channel: "approvals"}, What: domain.NoticeSampleCard, Reason: domain.FailPermanent}}}}
	c := present.Home(d, r)
	if c.Sections[0].Title != "Messages not delivered" {
		t.Errorf("first section %q, want the undelivered messages", c.Sections[0].Title)
	}
	text := ""
	for _, s := range c.Sections {
		text += s.Title + "\n" + s.Text + "\n"
		for _, f := range s.Fields {
			text += f.Label + ": " + f.Value + "\n"
		}
	}
	for _, want := range []string{"This week", "Invited: 7 (last week 12)", "Accepted: 3 (last week 5)", "42"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dashboard does not say %q:\n%s", want, text)
		}
	}
	d.Undelivered = commands.UndeliveredView{}
	if c := present.Home(d, r); strings.Contains(c.Sections[0].Title, "not delivered") {
		t.Errorf("an empty undelivered list still shows")
	}
}
