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
	return present.Reader{Zone: in.app.ZoneOf(ctx, actor), Team: in.app.Location(), Now: in.app.Now()}
}

// Execute runs a parsed command for actor.
func (in *Interpreter) Execute(ctx context.Context, actor domain.Actor, c Command) (present.Card, error) {
	spec, ok := verbSpecFor(c.Name)
	if !ok {
		return present.Card{}, domain.Invalidf("command", "Unknown command %q. Type help to see what you can do.", c.Name)
	}
	return spec.run(call{ctx: ctx, app: in.app, actor: actor, cmd: c, r: in.reader(ctx, actor)})
}

// call is one command being run: who runs it, with what, read by whom.
type call struct {
	ctx   context.Context
	app   *commands.App
	actor domain.Actor
	cmd   Command
	r     present.Reader
}

func runHelp(x call) (present.Card, error) {
	return present.Help(Help(x.cmd.Text, x.actor.Role)), nil
}

func runInvite(x call) (present.Card, error) {
	if x.cmd.Draft {
		ds, err := x.app.DraftInvitations(x.ctx, x.actor, *x.cmd.Invite)
		return reply(ds, err, present.Drafts)
	}
	res, err := x.app.InviteCreators(x.ctx, x.actor, *x.cmd.Invite)
	return reply(res, err, func(res commands.InviteResult) present.Card { return present.Invited(res, x.r) })
}

func runPlan(x call) (present.Card, error) {
	v, err := x.app.CreatePlan(x.ctx, x.actor, *x.cmd.Plan)
	return reply(v, err, func(v commands.PlanView) present.Card { return present.Plan(v, x.r) })
}

func runPlanState(x call) (present.Card, error) {
	change := map[string]func(context.Context, domain.Actor, int64, string) (domain.Plan, error){
		"plan pause": x.app.PausePlan, "plan resume": x.app.ResumePlan, "plan end": x.app.EndPlan,
	}[x.cmd.Name]
	p, err := change(x.ctx, x.actor, x.cmd.ID, x.cmd.Text)
	return reply(p, err, func(p domain.Plan) present.Card { return present.PlanState(p, x.r) })
}

func runPlans(x call) (present.Card, error) {
	vs, err := x.app.ListPlans(x.ctx, x.actor)
	return reply(vs, err, func(vs []commands.PlanView) present.Card {
		return present.Plans(vs, x.actor.Role == domain.RoleCreator, x.r)
	})
}

func runInvitations(x call) (present.Card, error) {
	p, err := x.app.ListInvitationsPage(x.ctx, x.actor, x.cmd.Handle, x.cmd.InvitationState)
	return reply(p, err, func(p commands.InvitationPage) present.Card {
		return present.More(present.Invitations(p.Invitations, x.r), p.More, "narrow with invitations @creator or a state, or use collabbot export invitations")
	})
}

func runSamples(x call) (present.Card, error) {
	p, err := x.app.ListSamplesPage(x.ctx, x.actor, x.cmd.Handle, x.cmd.SampleState)
	return reply(p, err, func(p commands.SamplePage) present.Card {
		return present.More(present.Samples(p.Samples, x.actor.Role == domain.RoleCreator, x.r), p.More, "narrow with samples @creator or a state, or use collabbot export samples")
	})
}

func runCreators(x call) (present.Card, error) {
	p, err := x.app.ListCreatorsPage(x.ctx, x.actor, x.cmd.Niche)
	return reply(p, err, func(p commands.CreatorPage) present.Card {
		return present.More(present.Creators(p.Creators, x.cmd.Niche), p.More, "narrow with creators NICHE")
	})
}

func runCreatorAdd(x call) (present.Card, error) {
	cr, err := x.app.AddCreator(x.ctx, x.actor, *x.cmd.Creator)
	return reply(cr, err, present.CreatorAdded)
}

func runProducts(x call) (present.Card, error) {
	ps, err := x.app.ListProducts(x.ctx, x.actor)
	return reply(ps, err, present.Products)
}

func runProductAdd(x call) (present.Card, error) {
	p, err := x.app.AddProduct(x.ctx, x.actor, *x.cmd.Product)
	return reply(p, err, present.ProductAdded)
}

func runCreatorSet(x call) (present.Card, error) {
	cr, err := x.app.SetCreator(x.ctx, x.actor, x.cmd.Handle, *x.cmd.CreatorChange)
	return reply(cr, err, present.CreatorChanged)
}

func runProductSet(x call) (present.Card, error) {
	p, err := x.app.SetProduct(x.ctx, x.actor, x.cmd.Text, *x.cmd.ProductChange)
	return reply(p, err, present.ProductChanged)
}

func runCreatorArchive(x call) (present.Card, error) {
	c, err := x.app.ArchiveCreator(x.ctx, x.actor, x.cmd.Handle)
	return reply(c, err, present.CreatorArchived)
}

func runCreatorRestore(x call) (present.Card, error) {
	c, err := x.app.RestoreCreator(x.ctx, x.actor, x.cmd.Handle)
	return reply(c, err, present.CreatorArchived)
}

func runProductArchive(x call) (present.Card, error) {
	p, err := x.app.ArchiveProduct(x.ctx, x.actor, x.cmd.Text)
	return reply(p, err, present.ProductArchived)
}

func runProductRestore(x call) (present.Card, error) {
	p, err := x.app.RestoreProduct(x.ctx, x.actor, x.cmd.Text)
	return reply(p, err, present.ProductArchived)
}

func runReport(x call) (present.Card, error) {
	rep, err := x.app.Report(x.ctx, x.actor)
	return reply(rep, err, func(rep commands.Report) present.Card { return present.Report(rep, x.r) })
}

func runRole(x call) (present.Card, error) {
	m, err := x.app.SetRole(x.ctx, x.actor, x.cmd.Member, x.cmd.Role)
	return reply(m, err, present.RoleSet)
}

func runWithdraw(x call) (present.Card, error) {
	v, err := x.app.WithdrawInvitation(x.ctx, x.actor, x.cmd.ID)
	return reply(v, err, present.InvitationState)
}

func runRate(x call) (present.Card, error) {
	v, now, err := x.app.ChangeInvitationRate(x.ctx, x.actor, x.cmd.ID, x.cmd.Rate)
	if err != nil {
		return present.Card{}, err
	}
	return present.RateChanged(v, now, x.r), nil
}

func runAccept(x call) (present.Card, error) {
	v, err := x.app.AcceptInvitation(x.ctx, x.actor, x.cmd.ID)
	return reply(v, err, present.Answered)
}

func runDecline(x call) (present.Card, error) {
	v, err := x.app.DeclineInvitation(x.ctx, x.actor, x.cmd.ID, x.cmd.Text)
	return reply(v, err, present.Answered)
}

func runRequest(x call) (present.Card, error) {
	v, err := x.app.RequestSample(x.ctx, x.actor, *x.cmd.Sample)
	return reply(v, err, func(v commands.SampleView) present.Card { return present.Requested(v, x.r) })
}

func (x call) sample(v commands.SampleView, err error) (present.Card, error) {
	return reply(v, err, func(v commands.SampleView) present.Card { return present.Sample(v, x.r) })
}

func runApprove(x call) (present.Card, error) {
	return x.sample(x.app.ApproveSample(x.ctx, x.actor, x.cmd.ID))
}

func runReject(x call) (present.Card, error) {
	return x.sample(x.app.RejectSample(x.ctx, x.actor, x.cmd.ID, x.cmd.Reason, x.cmd.Text))
}

func runCancel(x call) (present.Card, error) {
	return x.sample(x.app.CancelSample(x.ctx, x.actor, x.cmd.ID, x.cmd.Text))
}

func runShip(x call) (present.Card, error) {
	return x.sample(x.app.ShipSample(x.ctx, x.actor, x.cmd.ID, x.cmd.Text))
}

func runExtend(x call) (present.Card, error) {
	return x.sample(x.app.ExtendSample(x.ctx, x.actor, x.cmd.ID))
}

func runContent(x call) (present.Card, error) {
	return x.sample(x.app.SubmitContent(x.ctx, x.actor, x.cmd.ID, x.cmd.Text))
}

func runHistory(x call) (present.Card, error) {
	hs, err := x.app.History(x.ctx, x.actor, x.cmd.Text, x.cmd.Handle)
	return reply(hs, err, func(hs []commands.HistoryEntry) present.Card { return present.History(hs, x.r) })
}

func runLink(x call) (present.Card, error) {
	return linkClaim(x)
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
	case present.ActionLinkConfirm:
		v, err := a.ConfirmLink(ctx, actor, act.ID)
		return reply(v, err, present.LinkDecided)
	case present.ActionLinkReject:
		v, err := a.RejectLink(ctx, actor, act.ID)
		return reply(v, err, present.LinkDecided)
	case present.ActionCancelSample:
		if err := actor.RequireCreator("cancel your sample request from its message"); err != nil {
			return present.Card{}, err
		}
		v, err := a.CancelSample(ctx, actor, act.ID, "")
		return in.sample(v, err, r)
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
