package grammar

import (
	"context"
	"strings"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// Interpreter runs lines of the grammar and button clicks against the use
// cases, and renders their results as cards.
type Interpreter struct {
	app *commands.App
}

// New builds an interpreter over the use cases.
func New(app *commands.App) *Interpreter { return &Interpreter{app: app} }

// Run parses one line of the grammar and executes it for actor. When the
// line does not parse, the partially parsed command is returned beside the
// error so an adapter can open a prefilled form.
func (in *Interpreter) Run(ctx context.Context, actor domain.Actor, line string) (present.Card, Command, error) {
	cmd, err := Parse(line, in.app.Now(), in.app.Location())
	if err != nil {
		return present.Card{}, cmd, err
	}
	m, err := in.Execute(ctx, actor, cmd)
	return m, cmd, err
}

// reader is who reads the reply: a creator in their own zone.
func (in *Interpreter) reader(ctx context.Context, actor domain.Actor) present.Reader {
	return present.Reader{Zone: in.app.ZoneOf(ctx, actor), Now: in.app.Now()}
}

// Execute runs a parsed command for actor.
func (in *Interpreter) Execute(ctx context.Context, actor domain.Actor, c Command) (present.Card, error) {
	a := in.app
	r := in.reader(ctx, actor)
	switch c.Name {
	case "help":
		return present.Help(Help(c.Text, actor.Role)), nil
	case "invite":
		if c.Draft {
			ds, err := a.DraftInvitations(ctx, actor, *c.Invite)
			return reply(ds, err, present.Drafts)
		}
		res, err := a.InviteCreators(ctx, actor, *c.Invite)
		return reply(res, err, func(res commands.InviteResult) present.Card { return present.Invited(res, r) })
	case "plan":
		v, err := a.CreatePlan(ctx, actor, *c.Plan)
		return reply(v, err, func(v commands.PlanView) present.Card { return present.Plan(v, r) })
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
		return reply(p, err, present.PlanState)
	case "plans":
		vs, err := a.ListPlans(ctx, actor)
		return reply(vs, err, func(vs []commands.PlanView) present.Card {
			return present.Plans(vs, actor.Role == domain.RoleCreator, r)
		})
	case "invitations":
		vs, err := a.ListInvitations(ctx, actor, c.Handle, c.InvitationState)
		return reply(vs, err, func(vs []commands.InvitationView) present.Card { return present.Invitations(vs, r) })
	case "samples":
		vs, err := a.ListSamples(ctx, actor, c.Handle, c.SampleState)
		return reply(vs, err, func(vs []commands.SampleView) present.Card {
			return present.Samples(vs, actor.Role == domain.RoleCreator, r)
		})
	case "creators":
		cards, err := a.ListCreators(ctx, actor, c.Niche)
		return reply(cards, err, func(cards []commands.CreatorCard) present.Card { return present.Creators(cards, c.Niche) })
	case "creator add":
		cr, err := a.AddCreator(ctx, actor, *c.Creator)
		return reply(cr, err, present.CreatorAdded)
	case "products":
		ps, err := a.ListProducts(ctx, actor)
		return reply(ps, err, present.Products)
	case "product add":
		p, err := a.AddProduct(ctx, actor, *c.Product)
		return reply(p, err, present.ProductAdded)
	case "report":
		rep, err := a.Report(ctx, actor)
		return reply(rep, err, func(rep commands.Report) present.Card { return present.Report(rep, r) })
	case "role":
		m, err := a.SetRole(ctx, actor, c.Member, c.Role)
		return reply(m, err, present.RoleSet)
	case "withdraw":
		v, err := a.WithdrawInvitation(ctx, actor, c.ID)
		return reply(v, err, present.InvitationState)
	case "rate":
		v, now, err := a.ChangeInvitationRate(ctx, actor, c.ID, c.Rate)
		if err != nil {
			return present.Card{}, err
		}
		return present.RateChanged(v, now, r), nil
	case "accept":
		v, err := a.AcceptInvitation(ctx, actor, c.ID)
		return reply(v, err, present.Answered)
	case "decline":
		v, err := a.DeclineInvitation(ctx, actor, c.ID, c.Text)
		return reply(v, err, present.Answered)
	case "request":
		v, err := a.RequestSample(ctx, actor, *c.Sample)
		return reply(v, err, func(v commands.SampleView) present.Card { return present.Requested(v, r) })
	case "approve":
		v, err := a.ApproveSample(ctx, actor, c.ID)
		return in.sample(v, err, r)
	case "reject":
		v, err := a.RejectSample(ctx, actor, c.ID, c.Reason, c.Text)
		return in.sample(v, err, r)
	case "cancel":
		v, err := a.CancelSample(ctx, actor, c.ID, c.Text)
		return in.sample(v, err, r)
	case "ship":
		v, err := a.ShipSample(ctx, actor, c.ID, c.Text)
		return in.sample(v, err, r)
	case "extend":
		v, err := a.ExtendSample(ctx, actor, c.ID)
		return in.sample(v, err, r)
	case "content":
		v, err := a.SubmitContent(ctx, actor, c.ID, c.Text)
		return in.sample(v, err, r)
	case "history":
		hs, err := a.History(ctx, actor, c.Text, c.Handle)
		return reply(hs, err, func(hs []commands.HistoryEntry) present.Card { return present.History(hs, r) })
	case "link":
		// Anyone could type any handle, so a link needs the team's word:
		// the roster's discord_id is how an account is tied to a creator.
		return present.Card{}, domain.Errorf(domain.KindInvalid, "To link your Discord account, ask the seller team to add your Discord user ID to your roster entry (discord_id).")
	}
	return present.Card{}, domain.Invalidf("command", "Unknown command %q. Type help to see what you can do.", c.Name)
}

func (in *Interpreter) sample(v commands.SampleView, err error, r present.Reader) (present.Card, error) {
	return reply(v, err, func(v commands.SampleView) present.Card { return present.Sample(v, r) })
}

// reply renders a use case's result, or passes its error on without
// rendering the zero value.
func reply[T any](v T, err error, render func(T) present.Card) (present.Card, error) {
	if err != nil {
		return present.Card{}, err
	}
	return render(v), nil
}

// Click runs a button's action for actor. Buttons whose action needs more
// input (a reason, a link) answer with what to type; the Slack and Discord
// adapters open a form instead and call the use case directly.
func (in *Interpreter) Click(ctx context.Context, actor domain.Actor, customID string) (present.Card, error) {
	a := in.app
	act, err := present.ParseAction(customID)
	if err != nil {
		return present.Card{}, err
	}
	r := in.reader(ctx, actor)
	switch act.Verb {
	case present.ActionAccept:
		v, err := a.AcceptInvitation(ctx, actor, act.ID)
		return reply(v, err, present.Answered)
	case present.ActionDecline:
		v, err := a.DeclineInvitation(ctx, actor, act.ID, "")
		return reply(v, err, present.Answered)
	case present.ActionRequestSample:
		products, err := a.InvitationProductIDs(ctx, actor, act.ID)
		if err != nil {
			return present.Card{}, err
		}
		if len(products) != 1 {
			return present.Card{}, domain.Invalidf("product", "Which product? Type: request <product> I%d, with one of %s", act.ID, strings.Join(products, ", "))
		}
		v, err := a.RequestSample(ctx, actor, commands.SampleInput{ProductID: products[0], InvitationID: act.ID})
		return reply(v, err, func(v commands.SampleView) present.Card { return present.Requested(v, r) })
	case present.ActionApprove:
		v, err := a.ApproveSample(ctx, actor, act.ID)
		return in.sample(v, err, r)
	case present.ActionReject:
		if err := actor.RequireManager("reject samples"); err != nil {
			return present.Card{}, err
		}
		if err := a.CheckDecidable(ctx, act.ID); err != nil {
			return present.Card{}, err
		}
		return present.Card{}, domain.Invalidf("reason", "Choose a reason: type reject S%d not_match|out_of_stock|offline|other [\"note\"]", act.ID)
	case present.ActionShip:
		v, err := a.ShipSample(ctx, actor, act.ID, "")
		return in.sample(v, err, r)
	case present.ActionSubmitContent:
		return present.Card{}, domain.Invalidf("content_link", "Send your TikTok link: type content S%d https://www.tiktok.com/@you/video/...", act.ID)
	case present.ActionJoinPlan:
		products, err := a.PlanProductIDs(ctx, act.ID)
		if err != nil {
			return present.Card{}, err
		}
		if len(products) != 1 {
			return present.Card{}, domain.Invalidf("product", "Which product? Type: request <product> PL%d, with one of %s", act.ID, strings.Join(products, ", "))
		}
		v, err := a.RequestSample(ctx, actor, commands.SampleInput{ProductID: products[0], PlanID: act.ID})
		return reply(v, err, func(v commands.SampleView) present.Card { return present.Requested(v, r) })
	}
	return present.Card{}, domain.Invalidf("custom_id", "Unknown button %q", customID)
}
