package present

import (
	"fmt"
	"strings"

	"github.com/collabbot/collabbot/chart"
	"github.com/collabbot/collabbot/domain"
)

// remind renders the reminder notices (domain/remind.go). ok is false for
// any other kind.
func remind(n domain.Notice, r Reader) (Card, bool) {
	rem := n.Remind
	if rem == nil {
		rem = &domain.Reminder{}
	}
	switch n.Kind {
	case domain.NoticeRemindNudge:
		return nudgeCard(n, *rem, r), true
	case domain.NoticeRemindApprovals:
		return listCard(*rem, "sample request waits for a decision", "sample requests wait for a decision",
			"Oldest first. Approve or reject each, or `samples requested` lists them all.",
			func(row domain.RemindRow) Section {
				s := row.Sample
				return Section{
					Title:   fmt.Sprintf("%s: %s asks for %s", s.Ref(), row.Creator, productName(row.Product)),
					Text:    fmt.Sprintf("Requested %s; expires %s.", r.Date(s.RequestedAt), r.Deadline(s.ExpiresAt())),
					Buttons: []Button{action("Approve", ActionApprove, s.ID, "primary"), form("Reject", ActionReject, s.ID, "danger")},
				}
			}), true
	case domain.NoticeRemindShipping:
		return listCard(*rem, "approved sample is not shipped yet", "approved samples are not shipped yet",
			"Oldest first. Mark each shipped when it leaves, or cancel it.",
			func(row domain.RemindRow) Section {
				s := row.Sample
				by := s.Decider()
				if s.DecidedBy == domain.AutoApprover {
					by = "automatically"
				} else {
					by = "by " + by
				}
				return Section{
					Title:   fmt.Sprintf("%s: %s for %s", s.Ref(), productName(row.Product), row.Creator),
					Text:    fmt.Sprintf("Approved %s %s.", by, r.Date(s.DecidedAt)),
					Buttons: []Button{action("Mark shipped", ActionShip, s.ID, "primary")},
				}
			}), true
	case domain.NoticeRemindOverdue:
		return listCard(*rem, "sample is still overdue", "samples are still overdue",
			"Oldest first. Extend each once with `extend S3`, or follow up with the creator.",
			func(row domain.RemindRow) Section {
				s := row.Sample
				return Section{
					Title: fmt.Sprintf("%s: %s, %s", s.Ref(), row.Creator, productName(row.Product)),
					Text:  fmt.Sprintf("Content was due %s.", r.Date(s.DueAt)),
				}
			}), true
	case domain.NoticeRemindContent:
		return contentCard(n, *rem, r), true
	case domain.NoticeRemindPlanEnds:
		p := n.Plan
		if p == nil {
			p = &domain.Plan{}
		}
		return Card{
			Title: fmt.Sprintf("Plan %s %q ends %s", p.Ref(), p.Name, inDays(rem.DaysLeft)),
			Text:  fmt.Sprintf("Creators can join it and ask for its samples until %s. Requests still waiting for a decision then are cancelled.", r.Time(p.EndsAt)),
		}, true
	case domain.NoticeDigest:
		return digestCard(*rem, r), true
	}
	return Card{}, false
}

func productName(p domain.Product) string {
	return strings.TrimSpace(p.ID + " " + p.Title)
}

// inDays says when, in whole days: "today", "tomorrow", "in 3 days".
func inDays(n int) string {
	switch {
	case n <= 0:
		return "today"
	case n == 1:
		return "tomorrow"
	}
	return fmt.Sprintf("in %d days", n)
}

func nudgeCard(n domain.Notice, rem domain.Reminder, r Reader) Card {
	inv, col := n.Invitation, n.Collaboration
	if inv == nil {
		inv = &domain.Invitation{}
	}
	if col == nil {
		col = &domain.Collaboration{}
	}
	c := Card{
		Title:  "Reminder: invitation " + inv.Ref() + collabName(*col),
		Text:   fmt.Sprintf("The seller team would love your answer to this invitation. It is open until %s.", r.Deadline(inv.ExpiresAt)),
		Fields: invitationFields(*inv, *col, n.Products, r),
		Buttons: []Button{
			action("Accept", ActionAccept, inv.ID, "primary"),
			form("Decline", ActionDecline, inv.ID, "danger"),
		},
	}
	if col.Sample != nil {
		c.Buttons = append(c.Buttons, form("Request sample", ActionRequestSample, inv.ID, ""))
	}
	if rem.NudgeMax > 0 {
		c.Context = fmt.Sprintf("Reminder %d of %d. Declining is fine too: we will not ask again.", rem.Nudge, rem.NudgeMax)
	}
	return c
}

func contentCard(n domain.Notice, rem domain.Reminder, r Reader) Card {
	s, prod := n.Sample, n.Product
	if s == nil {
		s = &domain.SampleRequest{}
	}
	if prod == nil {
		prod = &domain.Product{}
	}
	title := fmt.Sprintf("Your content for sample %s is due %s", s.Ref(), inDays(rem.DaysLeft))
	if rem.DaysLeft <= 1 {
		title = "Last call: " + title
	}
	return Card{
		Title:   title,
		Text:    fmt.Sprintf("Please post your video or LIVE for %s by %s and send us the link.", productName(*prod), r.Deadline(s.DueAt)),
		Buttons: []Button{form("Submit content link", ActionSubmitContent, s.ID, "primary")},
	}
}

// listCard is a channel reminder naming samples, one section each.
func listCard(rem domain.Reminder, one, many, hint string, row func(domain.RemindRow) Section) Card {
	total := len(rem.Rows) + rem.More
	c := Card{Title: plural(total, one, many), Text: hint}
	if total == 1 {
		c.Title = "1 " + one
	}
	for _, rw := range rem.Rows {
		c.Sections = append(c.Sections, row(rw))
	}
	if rem.More > 0 {
		c.Context = fmt.Sprintf("%d more not shown.", rem.More)
	}
	return c
}

// digestCard says the week's funnel in words and numbers, and draws it.
func digestCard(rem domain.Reminder, r Reader) Card {
	d := rem.Digest
	if d == nil {
		d = &domain.Digest{}
	}
	this, last := d.This.Stages(), d.Last.Stages()
	week := r.Date(d.This.From)
	c := Card{Title: "Weekly funnel: the week from " + week}
	var words []string
	for i, stage := range domain.FunnelStages {
		c.Fields = append(c.Fields, Field{Label: stage, Value: fmt.Sprintf("%s (week before: %s, %s)", num(this[i]), num(last[i]), change(this[i], last[i]))})
		words = append(words, num(this[i])+" "+strings.ToLower(stage))
	}
	var before []string
	for i, stage := range domain.FunnelStages {
		before = append(before, num(last[i])+" "+strings.ToLower(stage))
	}
	c.Text = fmt.Sprintf("%s to %s: %s. The week before: %s.", r.Date(d.This.From), r.Date(d.This.To.Add(-1)), strings.Join(words, ", "), strings.Join(before, ", "))
	if rate := acceptance(d.This); rate >= 0 {
		c.Context = fmt.Sprintf("%d%% of this week's invitations were accepted so far.", rate)
	}
	title := "Funnel, the week from " + week
	png, err := chart.Funnel(title, domain.FunnelStages[:],
		chart.Series{Label: "Week from " + r.Date(d.This.From), Values: this[:]},
		chart.Series{Label: "Week from " + r.Date(d.Last.From), Values: last[:]})
	if err == nil {
		c.Image = &Image{Name: "funnel-" + d.This.From.In(r.zone()).Format("2006-01-02") + ".png", Title: title, Alt: c.Text, PNG: png}
	}
	return c
}

// change is a week-on-week difference in words.
func change(now, before int) string {
	switch {
	case now == before:
		return "same"
	case now > before:
		return "+" + num(now-before)
	}
	return num(now - before)
}

// acceptance is accepted over invited in percent, -1 with no invitations.
func acceptance(f domain.Funnel) int {
	if f.Invited == 0 {
		return -1
	}
	return min(f.Accepted*100/f.Invited, 100)
}
