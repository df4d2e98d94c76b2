package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Run parses one line of the grammar and executes it for actor. The reply
// is platform-neutral: adapters render it as a Slack message, a Discord
// reply or console text. When the line does not parse, the partially
// parsed command is returned beside the error so an adapter can open a
// prefilled form.
func (a *App) Run(ctx context.Context, actor domain.Actor, line string) (domain.Card, Command, error) {
	cmd, err := Parse(line, a.now(), a.loc)
	if err != nil {
		return domain.Card{}, cmd, err
	}
	m, err := a.Execute(ctx, actor, cmd)
	return m, cmd, err
}

// Execute runs a parsed command for actor.
func (a *App) Execute(ctx context.Context, actor domain.Actor, c Command) (domain.Card, error) {
	switch c.Name {
	case "help":
		return domain.Card{Title: "collabbot help", Text: Help(c.Text, actor.Role)}, nil
	case "invite":
		res, err := a.InviteCreators(ctx, actor, *c.Invite)
		return reply(res, err, a.inviteReply)
	case "plan":
		v, err := a.CreatePlan(ctx, actor, *c.Plan)
		if err != nil {
			return domain.Card{}, err
		}
		text := a.planText(v)
		for _, n := range v.Notes {
			text += "\nNote: " + n
		}
		return domain.Card{Title: a.planHeadline(v.Plan), Text: text}, nil
	case "plan pause", "plan resume", "plan end":
		var p domain.Plan
		var err error
		switch c.Name {
		case "plan pause":
			p, err = a.PausePlan(ctx, actor, c.ID, c.Text)
		case "plan resume":
			p, err = a.ResumePlan(ctx, actor, c.ID, c.Text)
		default:
			p, err = a.EndPlan(ctx, actor, c.ID, c.Text)
		}
		return reply(p, err, func(p domain.Plan) domain.Card {
			return domain.Card{Text: fmt.Sprintf("Plan %s %q is %s.", p.Ref(), p.Name, p.State)}
		})
	case "plans":
		return a.plansReply(ctx, actor)
	case "invitations":
		vs, err := a.ListInvitations(ctx, actor, c.Handle, c.InvitationState)
		return reply(vs, err, a.invitationsReply)
	case "samples":
		vs, err := a.ListSamples(ctx, actor, c.Handle, c.SampleState)
		return reply(vs, err, func(x []SampleView) domain.Card { return a.samplesReply(actor, x) })
	case "creators":
		cards, err := a.ListCreators(ctx, actor, c.Niche)
		return reply(cards, err, func(cards []CreatorCard) domain.Card { return creatorsReply(cards, c.Niche) })
	case "creator add":
		cr, err := a.AddCreator(ctx, actor, *c.Creator)
		return reply(cr, err, func(cr domain.Creator) domain.Card {
			return domain.Card{Text: fmt.Sprintf("Added %s to the roster (%s, niche %s).", cr.At(), plural(int(cr.Followers), "follower", "followers"), orDash(cr.Niche))}
		})
	case "products":
		ps, err := a.ListProducts(ctx, actor)
		return reply(ps, err, productsReply)
	case "product add":
		p, err := a.AddProduct(ctx, actor, *c.Product)
		return reply(p, err, func(p ProductView) domain.Card {
			text := fmt.Sprintf("Added %s %q to the catalog: price %s, group %s, %s in stock.", p.ID, p.Title, p.Price, orDash(p.Group), plural(p.SampleStock, "sample", "samples"))
			for _, n := range p.Notes {
				text += "\nNote: " + n
			}
			return domain.Card{Text: text}
		})
	case "report":
		r, err := a.Report(ctx, actor)
		return reply(r, err, a.reportReply)
	case "role":
		m, err := a.SetRole(ctx, actor, c.Member, c.Role)
		return reply(m, err, func(m domain.Member) domain.Card {
			return domain.Card{Text: fmt.Sprintf("%s is now a %s.", m.ID, m.Role)}
		})
	case "withdraw":
		v, err := a.WithdrawInvitation(ctx, actor, c.ID)
		return reply(v, err, func(v InvitationView) domain.Card {
			return domain.Card{Text: fmt.Sprintf("Invitation %s to %s is %s.", v.Ref(), v.Creator.At(), v.State)}
		})
	case "rate":
		v, now, err := a.ChangeInvitationRate(ctx, actor, c.ID, c.Rate)
		if err != nil {
			return domain.Card{}, err
		}
		if now {
			return domain.Card{Text: fmt.Sprintf("%s's commission on %s is now %s; they have been told.", v.Creator.At(), v.Ref(), v.Rate)}, nil
		}
		return domain.Card{Text: fmt.Sprintf("%s's commission on %s drops to %s from %s (a lowered rate applies from the next day); they have been told.", v.Creator.At(), v.Ref(), v.PendingRate, a.timeIn(v.PendingFrom))}, nil
	case "accept":
		v, err := a.AcceptInvitation(ctx, actor, c.ID)
		return reply(v, err, a.answerReply)
	case "decline":
		v, err := a.DeclineInvitation(ctx, actor, c.ID, c.Text)
		return reply(v, err, a.answerReply)
	case "request":
		v, err := a.RequestSample(ctx, actor, *c.Sample)
		if err != nil {
			return domain.Card{}, err
		}
		return domain.Card{Text: fmt.Sprintf("Sample request %s for %s %s: %s.", v.Ref(), v.Product.ID, v.Product.Title, a.sampleStatus(v.SampleRequest))}, nil
	case "approve":
		v, err := a.ApproveSample(ctx, actor, c.ID)
		return reply(v, err, a.sampleReply)
	case "reject":
		v, err := a.RejectSample(ctx, actor, c.ID, c.Reason, c.Text)
		return reply(v, err, a.sampleReply)
	case "cancel":
		v, err := a.CancelSample(ctx, actor, c.ID, c.Text)
		return reply(v, err, a.sampleReply)
	case "ship":
		v, err := a.ShipSample(ctx, actor, c.ID, c.Text)
		return reply(v, err, a.sampleReply)
	case "extend":
		v, err := a.ExtendSample(ctx, actor, c.ID)
		return reply(v, err, a.sampleReply)
	case "content":
		v, err := a.SubmitContent(ctx, actor, c.ID, c.Text)
		return reply(v, err, a.sampleReply)
	case "history":
		hs, err := a.History(ctx, actor, c.Text, c.Handle)
		return reply(hs, err, a.historyReply)
	case "link":
		// Anyone could type any handle, so a link needs the team's word:
		// the roster's discord_id is how an account is tied to a creator.
		return domain.Card{}, domain.Errorf(domain.KindInvalid, "To link your Discord account, ask the seller team to add your Discord user ID to your roster entry (discord_id).")
	}
	return domain.Card{}, domain.Invalidf("command", "Unknown command %q. Type help to see what you can do.", c.Name)
}

// reply renders a use case's result, or passes its error on without
// rendering the zero value.
func reply[T any](v T, err error, render func(T) domain.Card) (domain.Card, error) {
	if err != nil {
		return domain.Card{}, err
	}
	return render(v), nil
}

// Click runs a button's action for actor. Buttons whose action needs more
// input (a reason, a link) answer with what to type; the Slack and Discord
// adapters open a form instead and call the use case directly.
func (a *App) Click(ctx context.Context, actor domain.Actor, customID string) (domain.Card, error) {
	act, err := ParseAction(customID)
	if err != nil {
		return domain.Card{}, err
	}
	switch act.Verb {
	case ActionAccept:
		v, err := a.AcceptInvitation(ctx, actor, act.ID)
		return reply(v, err, a.answerReply)
	case ActionDecline:
		v, err := a.DeclineInvitation(ctx, actor, act.ID, "")
		return reply(v, err, a.answerReply)
	case ActionRequestSample:
		products, err := a.invitationProducts(ctx, actor, act.ID)
		if err != nil {
			return domain.Card{}, err
		}
		if len(products) != 1 {
			return domain.Card{}, domain.Invalidf("product", "Which product? Type: request <product> I%d, with one of %s", act.ID, strings.Join(products, ", "))
		}
		v, err := a.RequestSample(ctx, actor, SampleInput{ProductID: products[0], InvitationID: act.ID})
		if err != nil {
			return domain.Card{}, err
		}
		return domain.Card{Text: fmt.Sprintf("Sample request %s for %s %s: %s.", v.Ref(), v.Product.ID, v.Product.Title, a.sampleStatus(v.SampleRequest))}, nil
	case ActionApprove:
		v, err := a.ApproveSample(ctx, actor, act.ID)
		return reply(v, err, a.sampleReply)
	case ActionReject:
		if err := actor.RequireManager("reject samples"); err != nil {
			return domain.Card{}, err
		}
		if err := a.rejectable(ctx, act.ID); err != nil {
			return domain.Card{}, err
		}
		return domain.Card{}, domain.Invalidf("reason", "Choose a reason: type reject S%d not_match|out_of_stock|offline|other [\"note\"]", act.ID)
	case ActionShip:
		v, err := a.ShipSample(ctx, actor, act.ID, "")
		return reply(v, err, a.sampleReply)
	case ActionSubmitContent:
		return domain.Card{}, domain.Invalidf("content_link", "Send your TikTok link: type content S%d https://www.tiktok.com/@you/video/...", act.ID)
	case ActionJoinPlan:
		products, err := a.planProducts(ctx, act.ID)
		if err != nil {
			return domain.Card{}, err
		}
		if len(products) != 1 {
			return domain.Card{}, domain.Invalidf("product", "Which product? Type: request <product> PL%d, with one of %s", act.ID, strings.Join(products, ", "))
		}
		v, err := a.RequestSample(ctx, actor, SampleInput{ProductID: products[0], PlanID: act.ID})
		if err != nil {
			return domain.Card{}, err
		}
		return domain.Card{Text: fmt.Sprintf("Sample request %s for %s %s: %s.", v.Ref(), v.Product.ID, v.Product.Title, a.sampleStatus(v.SampleRequest))}, nil
	}
	return domain.Card{}, domain.Invalidf("custom_id", "Unknown button %q", customID)
}

// rejectable says why a request can no longer be rejected, before anyone
// is asked for a reason.
func (a *App) rejectable(ctx context.Context, id int64) error {
	return a.store.View(ctx, func(tx Tx) error {
		s, err := tx.Sample(ctx, id)
		if err != nil {
			return err
		}
		return s.CanDecide()
	})
}

func (a *App) planProducts(ctx context.Context, id int64) ([]string, error) {
	var out []string
	err := a.store.View(ctx, func(tx Tx) error {
		p, err := tx.Plan(ctx, id)
		if err != nil {
			return err
		}
		catalog, err := tx.ListProducts(ctx)
		if err != nil {
			return err
		}
		for _, pp := range p.Products(catalog) {
			out = append(out, pp.Product.ID)
		}
		return nil
	})
	return out, err
}

func (a *App) invitationProducts(ctx context.Context, actor domain.Actor, id int64) ([]string, error) {
	var out []string
	err := a.store.View(ctx, func(tx Tx) error {
		v, err := loadInvitation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := ownInvitation(actor, v); err != nil {
			return err
		}
		out = v.Collaboration.ProductIDs
		return nil
	})
	return out, err
}

func (a *App) inviteReply(res InviteResult) domain.Card {
	var b strings.Builder
	for _, v := range res.Invitations {
		fmt.Fprintf(&b, "%s  %s at %s, answer by %s\n", v.Ref(), v.Creator.At(), v.Rate, a.dateIn(v.ExpiresAt))
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(&b, "Not sent to %s: %s\n", s.Handle, s.Reason)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "Note: %s\n", n)
	}
	return domain.Card{
		Title: fmt.Sprintf("Invited %s to %s", plural(len(res.Invitations), "creator", "creators"), strings.Join(res.Collaboration.ProductIDs, ", ")),
		Text:  strings.TrimSpace(b.String()),
	}
}

func (a *App) answerReply(v InvitationView) domain.Card {
	switch v.State {
	case domain.InvitationAccepted:
		return domain.Card{Text: fmt.Sprintf("You accepted invitation %s at %s commission. Welcome aboard!", v.Ref(), v.Rate)}
	case domain.InvitationDeclined:
		return domain.Card{Text: fmt.Sprintf("You declined invitation %s. Thanks for letting us know.", v.Ref())}
	}
	return domain.Card{Text: fmt.Sprintf("Invitation %s is %s.", v.Ref(), v.State)}
}

func (a *App) sampleReply(v SampleView) domain.Card {
	return domain.Card{Text: fmt.Sprintf("Sample %s (%s, %s): %s.", v.Ref(), v.Creator.At(), v.ProductID, a.sampleStatus(v.SampleRequest))}
}

// planHeadline announces a new plan: live now, or scheduled.
func (a *App) planHeadline(p domain.Plan) string {
	if a.now().Before(p.StartsAt) {
		return fmt.Sprintf("Open plan %s %q is scheduled: it opens on %s", p.Ref(), p.Name, a.dateIn(p.StartsAt))
	}
	return fmt.Sprintf("Open plan %s %q is live", p.Ref(), p.Name)
}

func (a *App) planText(v PlanView) string {
	var b strings.Builder
	state := string(v.State)
	if v.State == domain.PlanActive && a.now().Before(v.StartsAt) {
		state = "scheduled"
	}
	fmt.Fprintf(&b, "State: %s, from %s", state, a.dateIn(v.StartsAt))
	if !v.EndsAt.IsZero() {
		// EndsAt is the first instant after the plan: show its last day.
		fmt.Fprintf(&b, " until %s", a.dateIn(v.EndsAt.Add(-time.Millisecond)))
	}
	b.WriteString("\n")
	for _, pp := range v.Products {
		fmt.Fprintf(&b, "  %s %s (%s): %s\n", pp.Product.ID, pp.Product.Title, pp.Product.Price, pp.Rule.Rate)
	}
	if len(v.Products) == 0 {
		b.WriteString("  No catalog product matches its rates yet.\n")
	}
	fmt.Fprintf(&b, "Free samples: %s", a.sampleSummary(v.Sample))
	return b.String()
}

func (a *App) plansReply(ctx context.Context, actor domain.Actor) (domain.Card, error) {
	vs, err := a.ListPlans(ctx, actor)
	if err != nil {
		return domain.Card{}, err
	}
	if len(vs) == 0 {
		return domain.Card{Title: "Open plans", Text: "No open plans right now."}, nil
	}
	var b strings.Builder
	var buttons []domain.Button
	for _, v := range vs {
		fmt.Fprintf(&b, "%s %q\n%s\n\n", v.Ref(), v.Name, a.planText(v))
		if actor.Role == domain.RoleCreator && v.Sample != nil && len(buttons) < 5 {
			buttons = append(buttons, domain.Button{Label: "Request sample from " + v.Ref(), Action: FormatAction(ActionJoinPlan, v.ID)})
		}
	}
	return domain.Card{Title: "Open plans", Text: strings.TrimSpace(b.String()), Buttons: buttons}, nil
}

func (a *App) invitationsReply(vs []InvitationView) domain.Card {
	if len(vs) == 0 {
		return domain.Card{Title: "Invitations", Text: "No invitations."}
	}
	var b strings.Builder
	for _, v := range vs {
		v.SettleRate(a.now()) // show the rate in force, even before the sweep stores it
		fmt.Fprintf(&b, "%s  %s  %s  %s  %s", v.Ref(), v.Creator.At(), strings.Join(v.Collaboration.ProductIDs, ", "), v.Rate, v.State)
		if v.State == domain.InvitationPending {
			fmt.Fprintf(&b, "  answer by %s", a.dateIn(v.ExpiresAt))
		}
		if v.PendingRate != 0 {
			fmt.Fprintf(&b, "  (%s from %s)", v.PendingRate, a.timeIn(v.PendingFrom))
		}
		b.WriteString("\n")
	}
	return domain.Card{Title: "Invitations", Text: strings.TrimSpace(b.String())}
}

func (a *App) samplesReply(actor domain.Actor, vs []SampleView) domain.Card {
	if len(vs) == 0 {
		return domain.Card{Title: "Sample requests", Text: "No sample requests."}
	}
	var b strings.Builder
	var buttons []domain.Button
	for _, v := range vs {
		fmt.Fprintf(&b, "%s  %s  %s x%d  %s\n", v.Ref(), v.Creator.At(), v.ProductID, v.Quantity, a.sampleStatus(v.SampleRequest))
		if actor.Role == domain.RoleCreator && (v.State == domain.SampleShipped || v.State == domain.SampleOverdue) && len(buttons) < 5 {
			buttons = append(buttons, domain.Button{Label: "Submit content for " + v.Ref(), Action: FormatAction(ActionSubmitContent, v.ID), Style: "primary"})
		}
	}
	return domain.Card{Title: "Sample requests", Text: strings.TrimSpace(b.String()), Buttons: buttons}
}

func creatorsReply(cards []CreatorCard, niche string) domain.Card {
	if len(cards) == 0 && niche != "" {
		return domain.Card{Title: "Creators", Text: fmt.Sprintf("No creators with niche %q. Type creators to see the whole roster.", niche)}
	}
	if len(cards) == 0 {
		return domain.Card{Title: "Creators", Text: "The roster is empty. Add creators with creator add, or import a CSV."}
	}
	var b strings.Builder
	for _, c := range cards {
		fulfil := "-"
		if r := c.FulfilmentRate(); r >= 0 {
			fulfil = fmt.Sprintf("%d%%", r)
		}
		status := "reachable"
		switch {
		case c.Creator.DiscordID == "":
			status = "no Discord linked"
		case !c.Creator.Reachable:
			status = "blocks DMs"
		}
		fmt.Fprintf(&b, "%s  %d followers  %d avg views  %s  samples %d, posted %d (%s)  %s\n", c.Creator.At(), c.Creator.Followers, c.Creator.AvgViews, orDash(c.Creator.Niche), c.Received, c.Posted, fulfil, status)
	}
	return domain.Card{Title: fmt.Sprintf("Creators (%d)", len(cards)), Text: strings.TrimSpace(b.String())}
}

func productsReply(ps []domain.Product) domain.Card {
	if len(ps) == 0 {
		return domain.Card{Title: "Products", Text: "The catalog is empty. Add products with product add, or import a CSV."}
	}
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s  %s  %s  group %s  %s in stock\n", p.ID, p.Title, p.Price, orDash(p.Group), plural(p.SampleStock, "sample", "samples"))
	}
	return domain.Card{Title: fmt.Sprintf("Products (%d)", len(ps)), Text: strings.TrimSpace(b.String())}
}

func (a *App) reportReply(r Report) domain.Card {
	pct := func(n int) string {
		if n < 0 {
			return "-"
		}
		return fmt.Sprintf("%d%%", n)
	}
	countsOf := func(m map[string]int) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
		return joinOr(parts, "none")
	}
	inv, pl, sm := map[string]int{}, map[string]int{}, map[string]int{}
	for k, v := range r.Invitations {
		inv[string(k)] = v
	}
	for k, v := range r.Plans {
		pl[string(k)] = v
	}
	for k, v := range r.Samples {
		sm[string(k)] = v
	}
	var b strings.Builder
	const shown = 20 // a chat message, not a spreadsheet: the export has them all
	for i, v := range r.Returns {
		if i == shown {
			fmt.Fprintf(&b, "... and %d more: collabbot export samples has them all\n", len(r.Returns)-shown)
			break
		}
		content := "no content yet"
		if v.ContentURL != "" {
			content = v.ContentURL
		}
		fmt.Fprintf(&b, "%s  %s  %s  %s  %s\n", v.Ref(), v.Creator.At(), v.ProductID, v.State, content)
	}
	text := "What each shipped sample returned:\n" + strings.TrimSpace(b.String())
	if len(r.Returns) == 0 {
		text = "No samples shipped yet."
	}
	text += "\nOrders, GMV and commission per sample appear once a TikTok Shop is connected."
	return domain.Card{
		Title: "Collaboration report, " + a.dateIn(r.GeneratedAt),
		Text:  text,
		Fields: []domain.Field{
			{Label: "Invitations", Value: countsOf(inv)},
			{Label: "Acceptance rate", Value: pct(r.AcceptanceRate())},
			{Label: "Open plans", Value: countsOf(pl)},
			{Label: "Sample requests", Value: countsOf(sm)},
			{Label: "Samples shipped", Value: fmt.Sprint(r.Shipped)},
			{Label: "Content posted", Value: fmt.Sprint(r.Posted)},
			{Label: "Fulfilment rate", Value: pct(r.FulfilmentRate())},
		},
	}
}

func (a *App) historyReply(hs []HistoryEntry) domain.Card {
	if len(hs) == 0 {
		return domain.Card{Title: "History", Text: "Nothing recorded yet."}
	}
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%s  %s  %s: %s\n", h.At.In(a.loc).Format("2 Jan 15:04"), h.Who, h.Kind, h.Detail)
	}
	return domain.Card{Title: "History", Text: strings.TrimSpace(b.String())}
}
