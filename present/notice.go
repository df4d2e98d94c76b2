package present

import (
	"fmt"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Notice renders a queued notice for its reader.
func Notice(n domain.Notice, r Reader) Card {
	return notice(n, r).Fit()
}

func notice(n domain.Notice, r Reader) Card {
	if !n.At.IsZero() {
		r.Now = n.At // a notice reads as of the change it tells of
	}
	inv, col, s, p := n.Invitation, n.Collaboration, n.Sample, n.Plan
	cr := n.Creator
	if cr == nil {
		cr = &domain.Creator{}
	}
	prod := n.Product
	if prod == nil {
		prod = &domain.Product{}
	}
	if inv == nil {
		inv = &domain.Invitation{}
	}
	if col == nil {
		col = &domain.Collaboration{}
	}
	if s == nil {
		s = &domain.SampleRequest{}
	}
	if p == nil {
		p = &domain.Plan{}
	}
	what := prod.ID + " " + prod.Title
	if c, ok := remind(n, r); ok {
		return c
	}
	switch n.Kind {
	case domain.NoticeInvitation:
		c := Card{
			Title:  "Invitation " + inv.Ref() + collabName(*col),
			Text:   n.Text,
			Fields: invitationFields(*inv, *col, n.Products, r),
			Buttons: []Button{
				action("Accept", ActionAccept, inv.ID, "primary"),
				form("Decline", ActionDecline, inv.ID, "danger"),
			},
		}
		if col.Sample != nil {
			c.Buttons = append(c.Buttons, form("Request sample", ActionRequestSample, inv.ID, ""))
		}
		return c
	case domain.NoticeInvitationStatus:
		c := Card{
			Title:  "Invitation " + inv.Ref() + collabName(*col),
			Text:   "Status: " + invitationStatus(*inv),
			Fields: invitationFields(*inv, *col, n.Products, r),
		}
		if inv.State == domain.InvitationAccepted && col.Sample != nil {
			c.Buttons = []Button{form("Request sample", ActionRequestSample, inv.ID, "")}
		}
		return c
	case domain.NoticeInvitationAnswered:
		// The title says who answered what; the text adds only the terms.
		text := "Commission: " + inv.Rate.String() + "."
		if inv.DeclineReason != "" {
			text += " Their reason: " + sentence(inv.DeclineReason)
		}
		text += approvedLeft(n.Refs)
		return Card{Title: fmt.Sprintf("%s %s invitation %s%s", cr.At(), inv.State, inv.Ref(), collabName(*col)), Text: text}
	case domain.NoticeInvitationExpired:
		return Card{Title: fmt.Sprintf("Invitation %s to %s expired", inv.Ref(), cr.At()), Text: "No answer before the expiry date." + approvedLeft(n.Refs)}
	case domain.NoticeRateChanged:
		text := fmt.Sprintf("Your commission for invitation %s%s is now %s (was %s).", inv.Ref(), collabName(*col), inv.Rate, n.OldRate)
		switch {
		case inv.PendingRate != 0:
			text = fmt.Sprintf("Your commission for invitation %s%s changes from %s to %s on %s. Until then you keep earning %s.", inv.Ref(), collabName(*col), inv.Rate, inv.PendingRate, r.Deadline(inv.PendingFrom), inv.Rate)
		case inv.Rate == n.OldRate:
			text = fmt.Sprintf("The planned cut of your commission for invitation %s%s is cancelled: you keep %s.", inv.Ref(), collabName(*col), inv.Rate)
		}
		return Card{Title: "Commission change", Text: text}
	case domain.NoticePlanCreated:
		when := "Creators see it with /plans."
		if r.Now.Before(p.StartsAt) {
			when = "Creators see it with /plans from " + r.Date(p.StartsAt) + "."
		}
		return Card{Title: planHeadline(*p, r), Text: fmt.Sprintf("%s created it: %s, %s. %s", n.By, plural(len(n.Products), "product", "products"), rulesText(p.Rules), when)}
	case domain.NoticePlanState:
		verb := map[domain.PlanState]string{domain.PlanPaused: "paused", domain.PlanActive: "resumed", domain.PlanEnded: "ended"}[p.State]
		return Card{Title: fmt.Sprintf("Plan %s %q %s", p.Ref(), p.Name, verb), Text: fmt.Sprintf("%s %s the plan.", n.By, verb)}
	case domain.NoticePlanEnded:
		return Card{Title: fmt.Sprintf("Plan %s %q ended", p.Ref(), p.Name), Text: "The plan reached its end date."}
	case domain.NoticeSampleCard:
		return sampleCard(n, *s, *cr, *prod, r)
	case domain.NoticeSampleReceived:
		if s.State != "" && s.State != domain.SampleRequested {
			// The DM edited once the request moved on: its Cancel button goes.
			return Card{Title: "Sample request " + s.Ref() + ": " + string(s.State), Text: fmt.Sprintf("You asked for %s. %s", what, settled(s.State))}
		}
		return Card{Title: "Sample request " + s.Ref() + " received", Text: fmt.Sprintf("We got your request for %s. The seller team decides by %s; we will tell you here.", what, r.Deadline(s.ExpiresAt())),
			Buttons: []Button{action("Cancel request", ActionCancelSample, s.ID, "danger")}}
	case domain.NoticeSampleApproved:
		if s.DecidedBy == domain.AutoApprover {
			return Card{Title: "Sample " + s.Ref() + " approved", Text: fmt.Sprintf("Your free sample of %s is approved. We will ship it soon and tell you when it is on its way.", what)}
		}
		return Card{Title: "Sample " + s.Ref() + " approved", Text: fmt.Sprintf("Good news: your free sample of %s is approved. We will tell you when it ships.", what)}
	case domain.NoticeSampleRejected:
		why := s.RejectReason.Label()
		switch {
		case s.RejectReason == domain.RejectOther:
			why = s.RejectNote // "other" always carries the manager's words
		case s.RejectNote != "":
			why += " (" + s.RejectNote + ")"
		}
		text := fmt.Sprintf("Sorry, your request for %s was not approved: %s.", what, strings.TrimRight(why, "."))
		text += fmt.Sprintf(" You can ask again from %s.", r.Time(s.DecidedAt.Add(domain.RetryAfterRejection)))
		return Card{Title: "Sample request " + s.Ref() + " not approved", Text: text}
	case domain.NoticeSampleCancelled:
		text := fmt.Sprintf("The seller team cancelled your request for %s.", what)
		switch {
		case n.Closed != nil:
			// Closed with its offer: say what happened to the offer.
			text = fmt.Sprintf("Your request for %s was cancelled: %s.", what, closure(*n.Closed))
		case n.Text != "":
			text = fmt.Sprintf("The seller team cancelled your request for %s: %s.", what, strings.TrimRight(n.Text, "."))
		}
		return Card{Title: "Sample request " + s.Ref() + " cancelled", Text: text}
	case domain.NoticeSampleExpired:
		return Card{Title: "Sample request " + s.Ref() + " expired", Text: fmt.Sprintf("The seller team did not decide on your request for %s within 7 days. You can ask again.", what)}
	case domain.NoticeSampleShipped:
		if s.State == domain.SampleCompleted {
			return contentIn(*s, what)
		}
		text := fmt.Sprintf("Your free sample of %s is on its way.", what)
		if s.Tracking != "" {
			text += " Tracking: " + s.Tracking + "."
		}
		text += fmt.Sprintf(" Please post your video or LIVE by %s and send us the link.", r.Deadline(s.DueAt))
		return Card{Title: "Sample " + s.Ref() + " shipped", Text: text, Buttons: []Button{form("Submit content link", ActionSubmitContent, s.ID, "primary")}}
	case domain.NoticeSampleTracking:
		return Card{Title: "Sample " + s.Ref() + " tracking", Text: fmt.Sprintf("The tracking number of your %s sample is now %s.", what, s.Tracking)}
	case domain.NoticeSampleExtended:
		if s.State == domain.SampleCompleted {
			return contentIn(*s, what)
		}
		return Card{Title: "More time for sample " + s.Ref(), Text: fmt.Sprintf("You now have until %s to post your content for %s.", r.Deadline(s.DueAt), what),
			Buttons: []Button{form("Submit content link", ActionSubmitContent, s.ID, "primary")}}
	case domain.NoticeSampleOverdue:
		return Card{Title: fmt.Sprintf("Sample %s is overdue", s.Ref()),
			Text: fmt.Sprintf("%s has not posted content for %s, due %s. Extend once with `extend %s` or follow up.", cr.At(), what, r.Date(s.DueAt), s.Ref())}
	case domain.NoticeContentPosted:
		if n.Text != "" {
			return Card{Title: fmt.Sprintf("%s changed the content link for %s", cr.At(), s.Ref()), Text: fmt.Sprintf("New link for %s: %s (was %s)%s", what, s.ContentURL, n.Text, shortLinkNote(s.ContentURL, cr))}
		}
		return Card{Title: fmt.Sprintf("%s posted content for %s", cr.At(), s.Ref()), Text: fmt.Sprintf("%s posted a %s for %s: %s%s", cr.At(), contentKind(s.ContentURL), what, s.ContentURL, shortLinkNote(s.ContentURL, cr))}
	case domain.NoticeContentThanks:
		return Card{Title: "Thanks for your content", Text: fmt.Sprintf("We received your link for %s. Thank you!", what)}
	case domain.NoticeWorded:
		return worded(n.Worded)
	case domain.NoticeUnreachable:
		return unreachable(*cr, n.Text)
	case domain.NoticeLinkRequest:
		return linkCard(n, r)
	case domain.NoticeLinked:
		return linkedCard(n)
	case domain.NoticeUndelivered:
		return undeliveredCard(n.Undelivered, r)
	case domain.NoticeFanout:
		return fanoutCard(n.Fanout)
	}
	return Card{Title: "Update", Text: fmt.Sprintf("Something happened (%s).", n.Kind)}
}

// shortLinkNote asks the sellers to open a short link, which names no
// account, and check whose video it is.
func shortLinkNote(url string, cr *domain.Creator) string {
	if !domain.IsShortLink(url) {
		return ""
	}
	return fmt.Sprintf("\nShort link: check it is %s's video.", cr.At())
}

func contentKind(url string) domain.ContentKind {
	if _, kind, err := domain.ParseContentURL("content_link", url); err == nil {
		return kind
	}
	return domain.ContentVideo
}

func approvedLeft(refs []string) string {
	if len(refs) == 0 {
		return ""
	}
	return fmt.Sprintf(" Approved but not shipped: %s; ship or cancel as you see fit.", strings.Join(refs, ", "))
}

func invitationStatus(inv domain.Invitation) string {
	switch inv.State {
	case domain.InvitationAccepted:
		return "Accepted"
	case domain.InvitationDeclined:
		return "Declined"
	case domain.InvitationExpired:
		return "Expired"
	case domain.InvitationWithdrawn:
		return "Withdrawn by the seller team"
	}
	return "Waiting for your answer"
}

func rulesText(rules []domain.CommissionRule) string {
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = r.String()
	}
	return strings.Join(parts, " ")
}

// sampleCard is the request's card in the approvals channel: the creator's
// track record, and buttons for what comes next.
func sampleCard(n domain.Notice, s domain.SampleRequest, cr domain.Creator, prod domain.Product, r Reader) Card {
	track := domain.Track{}
	if n.Track != nil {
		track = *n.Track
	}
	fulfil := "no samples yet"
	if f := track.FulfilmentRate(); f >= 0 {
		fulfil = fmt.Sprintf("%d%%", f)
	}
	c := Card{
		Title: fmt.Sprintf("Sample request %s: %s %s", s.Ref(), prod.ID, prod.Title),
		Text:  fmt.Sprintf("%s asks for %s via %s.", cr.At(), plural(s.Quantity, "unit", "units"), n.Source),
		Fields: []Field{
			{Label: "Creator", Value: cr.At()},
			{Label: "Followers", Value: known(cr.Followers)},
			{Label: "Average views", Value: known(cr.AvgViews)},
			{Label: "Niche", Value: cmpOr(cr.Niche, "not known")},
			{Label: "Samples received", Value: num(track.Received)},
			{Label: "Content posted", Value: num(track.Posted)},
			{Label: "Fulfilment rate", Value: fulfil},
			{Label: "Status", Value: SampleStatus(s, r)},
		},
	}
	if s.Note != "" {
		c.Fields = append(c.Fields, Field{Label: "Creator's note", Value: s.Note})
	}
	if n.Address != "" && s.State == domain.SampleApproved {
		c.Fields = append(c.Fields, Field{Label: "Ship to", Value: n.Address})
	}
	switch s.State {
	case domain.SampleRequested:
		c.Buttons = []Button{action("Approve", ActionApprove, s.ID, "primary"), form("Reject", ActionReject, s.ID, "danger")}
	case domain.SampleApproved:
		c.Buttons = []Button{action("Mark shipped", ActionShip, s.ID, "primary")}
	}
	return c
}

// SampleStatus is a request's state as a sentence for cards.
func SampleStatus(s domain.SampleRequest, r Reader) string {
	switch s.State {
	case domain.SampleRequested:
		return "Waiting for a manager (expires " + r.Deadline(s.ExpiresAt()) + ")"
	case domain.SampleApproved:
		if s.DecidedBy == domain.AutoApprover {
			return "Approved automatically (no approval needed), not shipped yet"
		}
		return "Approved by " + s.Decider() + ", not shipped yet"
	case domain.SampleRejected:
		out := "Rejected by " + s.Decider() + ": " + s.RejectReason.Label()
		if s.RejectNote != "" {
			out += " (" + s.RejectNote + ")"
		}
		return out
	case domain.SampleShipped:
		return "Shipped, content due " + r.Deadline(s.DueAt)
	case domain.SampleOverdue:
		return "Overdue since " + r.Date(s.DueAt)
	case domain.SampleCompleted:
		return "Content posted: " + s.ContentURL
	}
	return strings.ToUpper(string(s.State[:1])) + string(s.State[1:])
}

func collabName(c domain.Collaboration) string {
	if c.Name == "" {
		return ""
	}
	return ": " + c.Name
}

func invitationFields(inv domain.Invitation, c domain.Collaboration, products []domain.Product, r Reader) []Field {
	f := []Field{
		{Label: "Products", Value: productList(products)},
		{Label: "Commission rate", Value: inv.Rate.String()},
		{Label: "Free sample", Value: SampleSummary(c.Sample, r)},
	}
	if inv.State == domain.InvitationPending || inv.State == "" {
		// Once answered, a date to answer by only confuses.
		f = append(f, Field{Label: "Answer by", Value: r.Deadline(inv.ExpiresAt)})
	}
	if c.ContactEmail != "" {
		f = append(f, Field{Label: "Contact", Value: c.ContactEmail})
	}
	return f
}

// productList names the products one a line, as many as fit a field; a
// tail line says how many more there are.
func productList(products []domain.Product) string {
	const tail = 24 // room for "\n... and 100 more"
	var lines []string
	size := 0
	for i, p := range products {
		line := p.ID + " " + p.Title
		if p.Price > 0 { // 0 is a price nobody entered, not a free product
			line += " (" + money(p.Price) + ")"
		}
		if size+len(line)+1 > MaxFieldLength-tail {
			lines = append(lines, fmt.Sprintf("... and %d more", len(products)-i))
			break
		}
		lines = append(lines, line)
		size += len(line) + 1
	}
	return strings.Join(lines, "\n")
}

// SampleSummary describes a free-sample offer and its requirements.
func SampleSummary(o *domain.SampleOffer, r Reader) string {
	if o == nil {
		return "Not offered"
	}
	s := plural(o.PerCreator, "unit", "units") + " per product"
	// Window bounds are team-zone days: a reader elsewhere also sees the
	// hour in their zone, so "from Sat 5 Dec" is not read a day early.
	if !o.WindowEnd.IsZero() {
		s += ", requests from " + r.Deadline(o.WindowStart) + " to " + r.Deadline(o.WindowEnd.Add(-time.Millisecond))
	} else if o.WindowStart.After(r.Now) {
		s += ", requests from " + r.Deadline(o.WindowStart)
	}
	if o.ApprovalExempt {
		s += ", no approval needed"
	} else {
		s += ", the seller team approves each request"
	}
	var req []string
	q := o.Requirements
	if q.MinFollowers > 0 {
		req = append(req, num(q.MinFollowers)+"+ followers")
	}
	if q.MinAvgViews > 0 {
		req = append(req, num(q.MinAvgViews)+"+ average views")
	}
	if q.MinGMV30d > 0 {
		req = append(req, money(q.MinGMV30d)+"+ 30-day GMV")
	}
	if len(q.Categories) > 0 {
		req = append(req, "niche: "+strings.Join(q.Categories, "/"))
	}
	req = append(req, fmt.Sprintf("post within %s of shipping", plural(q.PostWithinDays, "day", "days")))
	if q.Terms != "" {
		req = append(req, q.Terms)
	}
	return s + "; " + strings.Join(req, "; ")
}

// planHeadline announces a plan: live now, or scheduled.
func planHeadline(p domain.Plan, r Reader) string {
	if r.Now.Before(p.StartsAt) {
		return fmt.Sprintf("Open plan %s %q is scheduled: it opens on %s", p.Ref(), p.Name, r.Date(p.StartsAt))
	}
	return fmt.Sprintf("Open plan %s %q is live", p.Ref(), p.Name)
}

// closure tells a creator what closed the offer their request came through.
func closure(c domain.Closure) string {
	switch c.Event {
	case "invitation.withdrawn":
		return "invitation " + c.Ref + " was withdrawn"
	case "invitation.declined":
		return "you declined invitation " + c.Ref
	case "invitation.expired":
		return "invitation " + c.Ref + " expired"
	case "plan.ended":
		return fmt.Sprintf("plan %s %q ended", c.Ref, c.Name)
	}
	return c.Ref + " closed"
}

// worded renders a message an earlier release stored in words.
func worded(w *domain.Worded) Card {
	if w == nil {
		return Card{}
	}
	c := Card{Title: w.Title, Text: w.Text}
	for _, f := range w.Fields {
		c.Fields = append(c.Fields, Field{Label: f.Label, Value: f.Value})
	}
	for _, b := range w.Buttons {
		kind := ButtonAction
		if a, err := ParseAction(b.Action); err == nil {
			switch a.Verb {
			case ActionDecline, ActionReject, ActionRequestSample, ActionSubmitContent, ActionJoinPlan:
				kind = ButtonForm
			}
		}
		c.Buttons = append(c.Buttons, Button{Label: b.Label, Kind: kind, Action: b.Action, Style: b.Style})
	}
	return c
}

// settled says where a request stands once it left "requested", for the
// received DM edited in place: whole on its own, since a creator who
// cancelled gets no other message.
func settled(st domain.SampleState) string {
	switch st {
	case domain.SampleApproved:
		return "It is approved; you will hear when it ships."
	case domain.SampleRejected:
		return "It was not approved."
	case domain.SampleCancelled:
		return "It is cancelled."
	case domain.SampleExpired:
		return "It expired without a decision."
	}
	return "It is " + string(st) + " now."
}

// contentIn is a shipped (or extended) DM edited once content is in: its
// Submit button goes, since the sample is done.
func contentIn(s domain.SampleRequest, what string) Card {
	return Card{Title: "Sample " + s.Ref() + ": content received", Text: fmt.Sprintf("You posted content for %s: %s. Thank you!", what, s.ContentURL)}
}

// known shows a count the roster may not know: 0 is "not known", not zero.
func known(n int64) string {
	if n <= 0 {
		return "not known"
	}
	return num(n)
}
