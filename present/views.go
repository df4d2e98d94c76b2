package present

import (
	"fmt"
	"sort"
	"strings"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// Text is a card that is only a sentence.
func Text(s string) Card { return Card{Text: s} }

// Invited answers the seller who sent a targeted collaboration.
func Invited(res commands.InviteResult, r Reader) Card {
	c := Card{Title: fmt.Sprintf("Invited %s to %s", plural(len(res.Invitations), "creator", "creators"), strings.Join(res.Collaboration.ProductIDs, ", "))}
	for _, v := range res.Invitations {
		c.Sections = append(c.Sections, Section{Text: fmt.Sprintf("%s  %s at %s, answer by %s", v.Ref(), v.Creator.At(), v.Rate, r.Date(v.ExpiresAt))})
	}
	for _, s := range res.Skipped {
		text := fmt.Sprintf("Not sent to %s: %s", s.Handle, s.Reason)
		if s.NamesCreator() {
			text = "Not sent: " + s.Reason
		}
		c.Sections = append(c.Sections, Section{Text: text})
	}
	for _, n := range res.Notes {
		c.Sections = append(c.Sections, Section{Text: "Note: " + n})
	}
	return c.Fit()
}

// Answered confirms a creator's answer to an invitation.
func Answered(v commands.InvitationView) Card {
	switch v.State {
	case domain.InvitationAccepted:
		return Text(fmt.Sprintf("You accepted invitation %s at %s commission. Welcome aboard!", v.Ref(), v.Rate))
	case domain.InvitationDeclined:
		return Text(fmt.Sprintf("You declined invitation %s. Thanks for letting us know.", v.Ref()))
	}
	return Text(fmt.Sprintf("Invitation %s is %s.", v.Ref(), v.State))
}

// InvitationState confirms a change the team made to an invitation.
func InvitationState(v commands.InvitationView) Card {
	return Text(fmt.Sprintf("Invitation %s to %s is %s.", v.Ref(), v.Creator.At(), v.State))
}

// RateChanged confirms a commission change to the seller.
func RateChanged(v commands.InvitationView, immediate bool, r Reader) Card {
	if immediate {
		return Text(fmt.Sprintf("%s's commission on %s is now %s; they have been told.", v.Creator.At(), v.Ref(), v.Rate))
	}
	return Text(fmt.Sprintf("%s's commission on %s drops to %s from %s (a lowered rate applies from the next day); they have been told.", v.Creator.At(), v.Ref(), v.PendingRate, r.Deadline(v.PendingFrom)))
}

// Requested confirms a creator's sample request.
func Requested(v commands.SampleView, r Reader) Card {
	return Text(fmt.Sprintf("Sample request %s for %s %s: %s.", v.Ref(), v.Product.ID, v.Product.Title, SampleStatus(v.SampleRequest, r)))
}

// Sample confirms a step on a sample request.
func Sample(v commands.SampleView, r Reader) Card {
	c := Text(fmt.Sprintf("Sample %s (%s, %s): %s.", v.Ref(), v.Creator.At(), v.ProductID, SampleStatus(v.SampleRequest, r)))
	if v.State == domain.SampleApproved && v.Creator.Address != "" {
		// Read by the team member who approved or the creator themselves:
		// where it ships.
		c.Fields = []Field{{Label: "Ship to", Value: v.Creator.Address}}
	}
	return c
}

// Plan shows one plan after it was created.
func Plan(v commands.PlanView, r Reader) Card {
	text := planText(v, r)
	for _, n := range v.Notes {
		text += "\nNote: " + n
	}
	return Card{Title: planHeadline(v.Plan, r), Text: text}.Fit()
}

// PlanState confirms a plan paused, resumed or ended, as it stands at the
// reader's now: a resumed plan that starts later is scheduled, not live.
func PlanState(p domain.Plan, r Reader) Card {
	verb := map[domain.PlanState]string{domain.PlanPaused: "is paused: creators do not see it until you resume it", domain.PlanActive: "is active: creators see it with /plans",
		domain.PlanEnded: "has ended: creators can no longer join it"}[p.State]
	switch {
	case verb == "":
		verb = "is " + string(p.State)
	case p.State == domain.PlanActive && p.StartsAt.After(r.Now):
		verb = "is scheduled: creators see it from " + r.Date(p.StartsAt)
	}
	return Text(fmt.Sprintf("Plan %s %q %s.", p.Ref(), p.Name, verb))
}

func planText(v commands.PlanView, r Reader) string {
	var b strings.Builder
	state := string(v.State)
	if v.State == domain.PlanActive && r.Now.Before(v.StartsAt) {
		state = "scheduled"
	}
	fmt.Fprintf(&b, "State: %s, from %s", state, r.Date(v.StartsAt))
	if !v.EndsAt.IsZero() {
		// EndsAt is the first instant after the plan: show its last day.
		fmt.Fprintf(&b, " until %s", r.Date(v.EndsAt.Add(-1)))
	}
	b.WriteString("\n")
	for _, pp := range v.Products {
		fmt.Fprintf(&b, "  %s %s (%s): %s\n", pp.Product.ID, pp.Product.Title, money(pp.Product.Price), pp.Rule.Rate)
	}
	if len(v.Products) == 0 {
		b.WriteString("  No catalog product matches its rates yet.\n")
	}
	fmt.Fprintf(&b, "Free samples: %s", SampleSummary(v.Sample, r))
	return b.String()
}

// Plans lists open plans; a creator gets a Request sample button on each
// plan that offers samples.
func Plans(vs []commands.PlanView, forCreator bool, r Reader) Card {
	c := Card{Title: "Open plans"}
	if len(vs) == 0 {
		c.Text = "No open plans right now."
		return c
	}
	for _, v := range vs {
		s := Section{Text: fmt.Sprintf("%s %q\n%s", v.Ref(), v.Name, planText(v, r))}
		if forCreator && v.Sample != nil {
			s.Buttons = []Button{form("Request sample from "+v.Ref(), ActionJoinPlan, v.ID, "")}
		}
		c.Sections = append(c.Sections, s)
	}
	return c.Fit()
}

// Invitations lists invitations.
func Invitations(vs []commands.InvitationView, r Reader) Card {
	c := Card{Title: "Invitations"}
	if len(vs) == 0 {
		c.Text = "No invitations."
		return c
	}
	for _, v := range vs {
		v.SettleRate(r.Now) // show the rate in force, even before the sweep stores it
		line := fmt.Sprintf("%s  %s  %s  %s  %s", v.Ref(), v.Creator.At(), strings.Join(v.Collaboration.ProductIDs, ", "), v.Rate, v.State)
		if v.State == domain.InvitationPending {
			line += "  answer by " + r.Deadline(v.ExpiresAt)
		}
		if v.PendingRate != 0 && (v.State == domain.InvitationPending || v.State == domain.InvitationAccepted) {
			line += fmt.Sprintf("  (%s from %s)", v.PendingRate, r.Deadline(v.PendingFrom))
		}
		c.Sections = append(c.Sections, Section{Text: line})
	}
	return c.Fit()
}

// Samples lists sample requests; a creator gets a Submit content button on
// each shipped or overdue sample.
func Samples(vs []commands.SampleView, forCreator bool, r Reader) Card {
	c := Card{Title: "Sample requests"}
	if len(vs) == 0 {
		c.Text = "No sample requests."
		return c
	}
	for _, v := range vs {
		s := Section{Text: fmt.Sprintf("%s  %s  %s x%d  %s", v.Ref(), v.Creator.At(), v.ProductID, v.Quantity, SampleStatus(v.SampleRequest, r))}
		if forCreator && (v.State == domain.SampleShipped || v.State == domain.SampleOverdue) {
			s.Buttons = []Button{form("Submit content for "+v.Ref(), ActionSubmitContent, v.ID, "primary")}
		}
		c.Sections = append(c.Sections, s)
	}
	return c.Fit()
}

// Creators lists the roster with each creator's sample record.
func Creators(cards []commands.CreatorCard, niche string) Card {
	if len(cards) == 0 && niche != "" {
		return Card{Title: "Creators", Text: fmt.Sprintf("No creators with niche %q. Type creators to see the whole roster.", niche)}
	}
	if len(cards) == 0 {
		return Card{Title: "Creators", Text: "The roster is empty. Add creators with creator add, or import a CSV."}
	}
	c := Card{Title: fmt.Sprintf("Creators (%d)", len(cards))}
	for _, cc := range cards {
		record := fmt.Sprintf("samples %d, posted %d", cc.Received, cc.Posted)
		if f := cc.FulfilmentRate(); f >= 0 {
			record += fmt.Sprintf(" (%d%%)", f)
		}
		status := "reachable"
		switch {
		case cc.Creator.DiscordID == "":
			status = "no Discord linked"
		case !cc.Creator.Reachable:
			status = "blocks DMs"
		}
		parts := []string{cc.Creator.At(), count(cc.Creator.Followers, "follower", "followers"), count(cc.Creator.AvgViews, "avg view", "avg views")}
		if cc.Creator.Niche != "" {
			parts = append(parts, cc.Creator.Niche)
		}
		c.Sections = append(c.Sections, Section{Text: strings.Join(append(parts, record, status), "  ")})
	}
	return c.Fit()
}

// CreatorAdded confirms a new roster entry.
func CreatorAdded(cr domain.Creator) Card {
	return Text("Added " + cr.At() + " to the roster" + creatorFacts(cr) + ".")
}

// creatorFacts is " (52,000 followers, niche beauty)" with what the roster
// knows; nothing for what nobody entered, which is not zero.
func creatorFacts(cr domain.Creator) string {
	var parts []string
	if cr.Followers > 0 {
		parts = append(parts, plural(int(cr.Followers), "follower", "followers"))
	}
	if cr.Niche != "" {
		parts = append(parts, "niche "+cr.Niche)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// productFacts is "price 19.99, group serums, 12 samples in stock", leaving
// out what is not set.
func productFacts(p domain.Product) string {
	var parts []string
	if p.Price > 0 {
		parts = append(parts, "price "+money(p.Price))
	}
	if p.Group != "" {
		parts = append(parts, "group "+p.Group)
	}
	return strings.Join(append(parts, plural(p.SampleStock, "sample", "samples")+" in stock"), ", ")
}

// Products lists the catalog.
func Products(ps []domain.Product) Card {
	if len(ps) == 0 {
		return Card{Title: "Products", Text: "The catalog is empty. Add products with product add, or import a CSV."}
	}
	c := Card{Title: fmt.Sprintf("Products (%d)", len(ps))}
	for _, p := range ps {
		c.Sections = append(c.Sections, Section{Text: fmt.Sprintf("%s  %s  %s", p.ID, p.Title, strings.ReplaceAll(productFacts(p), ", ", "  "))})
	}
	return c.Fit()
}

// ProductAdded confirms a new catalog entry.
func ProductAdded(p commands.ProductView) Card {
	text := fmt.Sprintf("Added %s %q to the catalog: %s.", p.ID, p.Title, productFacts(p.Product))
	for _, n := range p.Notes {
		text += "\nNote: " + n
	}
	return Text(text)
}

// CreatorChanged shows a corrected roster entry: what the roster now
// knows, the address only as on file or not (the card is seen by the team).
func CreatorChanged(cr domain.Creator) Card {
	status := []string{"no Discord linked"}
	if cr.DiscordID != "" {
		status[0] = "Discord linked"
	}
	if cr.TimeZone != "" {
		status = append(status, "time zone "+cr.TimeZone)
	}
	if cr.Address != "" {
		status = append(status, "shipping address on file")
	} else {
		status = append(status, "no shipping address yet")
	}
	return Text(fmt.Sprintf("Updated %s%s: %s.", cr.At(), creatorFacts(cr), strings.Join(status, ", ")))
}

// ProductChanged shows a corrected catalog entry.
func ProductChanged(p commands.ProductView) Card {
	return Text(fmt.Sprintf("Updated %s %q: %s.", p.ID, p.Title, productFacts(p.Product)))
}

// RoleSet confirms a role change, naming the member as the team knows them.
func RoleSet(m domain.Member) Card {
	who := m.ID // Slack shows an ID as the person (Card.Members)
	if m.Name != "" {
		who = m.Name
	}
	c := Card{Text: fmt.Sprintf("%s is now a %s.", who, m.Role), Members: []string{m.ID}}
	if m.Role == domain.RoleNone {
		c.Text = fmt.Sprintf("%s no longer has a role: they cannot use collabbot until a manager gives them one (role %s seller).", who, m.ID)
	}
	return c
}

// Report is the collaboration report: the funnel in fields, and what each
// shipped sample returned.
func Report(rep commands.Report, r Reader) Card {
	pct := percentOrDash
	countsOf := func(m map[string]int) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+" "+num(m[k]))
		}
		return joinOr(parts, "none")
	}
	inv, pl, sm := map[string]int{}, map[string]int{}, map[string]int{}
	for k, v := range rep.Invitations {
		inv[string(k)] = v
	}
	for k, v := range rep.Plans {
		pl[string(k)] = v
	}
	for k, v := range rep.Samples {
		sm[string(k)] = v
	}
	var b strings.Builder
	const shown = 20 // a chat message, not a spreadsheet: the export has them all
	for i, v := range rep.Returns {
		if i == shown {
			break
		}
		content := "no content yet"
		if v.ContentURL != "" {
			content = v.ContentURL
		}
		fmt.Fprintf(&b, "%s  %s  %s  %s  %s\n", v.Ref(), v.Creator.At(), v.ProductID, v.State, content)
	}
	if more := rep.ReturnsMore + max(len(rep.Returns)-shown, 0); more > 0 {
		fmt.Fprintf(&b, "... and %d more: collabbot export samples has them all\n", more)
	}
	text := "What each shipped sample returned:\n" + strings.TrimSpace(b.String())
	if len(rep.Returns) == 0 {
		text = "No samples shipped yet."
	}
	text += "\nOrders, GMV and commission per sample appear once a TikTok Shop is connected."
	return Card{
		Title: "Collaboration report, " + r.Date(rep.GeneratedAt),
		Text:  text,
		Fields: []Field{
			{Label: "Invitations", Value: countsOf(inv)},
			{Label: "Acceptance rate", Value: pct(rep.AcceptanceRate())},
			{Label: "Open plans", Value: countsOf(pl)},
			{Label: "Sample requests", Value: countsOf(sm)},
			{Label: "Samples shipped", Value: num(rep.Shipped)},
			{Label: "Content posted", Value: num(rep.Posted)},
			{Label: "Fulfilment rate", Value: pct(rep.FulfilmentRate())},
		},
	}.Fit()
}

// History is an audit trail, newest first.
func History(hs []commands.HistoryEntry, r Reader) Card {
	c := Card{Title: "History"}
	if len(hs) == 0 {
		c.Text = "Nothing recorded yet."
		return c
	}
	mixed := false
	for _, h := range hs {
		mixed = mixed || h.Subject != hs[0].Subject
	}
	for _, h := range hs {
		what := eventWords.Replace(h.Kind) // "sample.content_changed" reads "sample content changed"
		if ref := subjectRef(h.Subject); mixed && ref != "" {
			// A creator's trail spans invitations and samples: say which.
			what = ref + " " + what
		}
		c.Sections = append(c.Sections, Section{Text: fmt.Sprintf("%s  %s  %s: %s", r.Time(h.At), h.Who, what, h.Detail)})
	}
	return c.Fit()
}

var eventWords = strings.NewReplacer(".", " ", "_", " ")

// subjectRef is how people name an audit subject: invitation:3 is I3.
func subjectRef(subject string) string {
	kind, id, _ := strings.Cut(subject, ":")
	switch kind {
	case "invitation":
		return "I" + id
	case "sample":
		return "S" + id
	case "plan":
		return "PL" + id
	case "product":
		return id
	}
	return ""
}

// Help wraps the help text.
func Help(text string) Card { return Card{Title: "collabbot help", Text: text} }

// Drafts shows each creator's drafted invitation; nothing was sent.
func Drafts(ds []commands.InvitationDraft) Card {
	c := Card{Title: fmt.Sprintf("Drafts for %s (not sent)", plural(len(ds), "creator", "creators"))}
	for _, d := range ds {
		s := Section{Title: fmt.Sprintf("%s at %s", d.Creator.At(), d.Rate), Text: d.Text}
		if !d.Drafted && d.Why != "" {
			s.Title += " (template; " + d.Why + ")"
		}
		c.Sections = append(c.Sections, s)
	}
	c.Context = "Nothing was sent. Edit what you like and send it: in Slack the invite form shows each draft to edit; here, type the invite again with your message in quotes."
	return c.Fit()
}

// More says how many rows a list left out, and how to see them.
func More(c Card, more int, narrow string) Card {
	if more <= 0 {
		return c
	}
	note := fmt.Sprintf("%d more not shown; %s.", more, narrow)
	if c.Context != "" {
		note = c.Context + " " + note
	}
	c.Context = note
	return c
}

// CreatorArchived confirms a creator archived or restored.
func CreatorArchived(c domain.Creator) Card {
	if c.ArchivedAt.IsZero() {
		return Text(fmt.Sprintf("%s is back on the roster and can be invited again.", c.At()))
	}
	return Text(fmt.Sprintf("%s is archived: off the roster's lists and out of new invitations; their history stays. Undo with creator restore %s.", c.At(), c.At()))
}

// ProductArchived confirms a product archived or restored.
func ProductArchived(p domain.Product) Card {
	if p.ArchivedAt.IsZero() {
		return Text(fmt.Sprintf("%s %q is back in the catalog and in the plans whose rates cover it.", p.ID, p.Title))
	}
	return Text(fmt.Sprintf("%s %q is archived: out of the catalog, plans and new invitations; approved samples still ship and its history stays. Undo with product restore %s.", p.ID, p.Title, p.ID))
}

// count is "1 follower", "52000 followers", or "followers not known" for 0,
// which the roster uses for a count nobody entered.
func count(n int64, one, many string) string {
	if n <= 0 {
		return many + " not known"
	}
	return plural(int(n), one, many)
}
