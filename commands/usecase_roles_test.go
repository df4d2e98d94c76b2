package commands_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
	"github.com/collabbot/collabbot/store/storetest"
)

// roleFixture is a small live team: two creators with invitations, a plan
// with samples, and samples in every state a role check needs.
type roleFixture struct {
	app *commands.App
	db  storetest.Engine
	clk *fakeClock

	maya, leo domain.Actor
	plan      int64
	invMaya   int64 // maya's pending invitation for P200, with a sample offer
	invLeo    int64 // leo's pending invitation for P200, with a sample offer
	shipped   int64 // maya's P100, shipped 12 days ago: due in 2 days
	requested int64 // maya's P300, waiting for a manager
	leoReq    int64 // leo's P200 through his invitation, waiting
	approved  int64 // leo's P300, approved, not shipped
}

func newRoleFixture(t *testing.T) *roleFixture {
	t.Helper()
	app, db, clk := newApp(t)
	f := &roleFixture{app: app, db: db, clk: clk}
	for _, p := range []string{"P100", "P200", "P300"} {
		mustAddProduct(t, app, p, 10, "")
	}
	_, f.maya = mustAddCreator(t, app, "maya")
	_, f.leo = mustAddCreator(t, app, "leo")
	mustAddCreator(t, app, "zoe")
	f.plan = mustSamplePlan(t, app, "Spring", false).ID

	f.shipped = mustRequest(t, app, f.maya, commands.SampleInput{ProductID: "P100", PlanID: f.plan}).ID
	mustApprove(t, app, f.shipped)
	mustShip(t, app, f.shipped)
	clk.Advance(12 * day24)

	res := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "maya", "leo"), Products: []string{"P200"}, Rate: 1500, Sample: &domain.SampleOffer{}})
	f.invMaya, f.invLeo = res.Invitations[0].ID, res.Invitations[1].ID
	f.requested = mustRequest(t, app, f.maya, commands.SampleInput{ProductID: "P300", PlanID: f.plan}).ID
	f.leoReq = mustRequest(t, app, f.leo, commands.SampleInput{ProductID: "P200", InvitationID: f.invLeo}).ID
	f.approved = mustRequest(t, app, f.leo, commands.SampleInput{ProductID: "P300", PlanID: f.plan}).ID
	mustApprove(t, app, f.approved)
	return f
}

func (f *roleFixture) actor(who string) domain.Actor {
	return map[string]domain.Actor{"dana": dana, "erin": erin, "maya": f.maya, "leo": f.leo}[who]
}

// clone copies the fixture's database (a consistent backup opened as a new
// file) with a clock at the same time, for a call that changes things.
func (f *roleFixture) clone(t *testing.T) *roleFixture {
	t.Helper()
	c := *f
	c.db = cloneDB(t, f.db)
	c.clk = &fakeClock{t: f.clk.Now()}
	c.app = commands.New(c.db, commands.Options{Clock: c.clk, Location: time.UTC})
	return &c
}

const tiktokVideo = "https://www.tiktok.com/@maya/video/7301234567890123456"

// roleCalls are the use cases by name, each acting on the fixture.
var roleCalls = map[string]func(f *roleFixture, a domain.Actor) error{
	"AddCreator": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.AddCreator(ctxb, a, domain.Creator{Handle: "newbie"})
		return err
	},
	"ImportCreators": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.ImportCreators(ctxb, a, []domain.Creator{{Handle: "newbie"}}, nil)
		return err
	},
	"AddProduct": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.AddProduct(ctxb, a, domain.Product{ID: "P900", Title: "New"})
		return err
	},
	"ImportProducts": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.ImportProducts(ctxb, a, []domain.Product{{ID: "P900", Title: "New"}}, nil)
		return err
	},
	"InviteCreators": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.InviteCreators(ctxb, a, commands.InviteRequest{Creators: []commands.InviteTarget{{Handle: "zoe"}}, Products: []string{"P100"}, Rate: 1500})
		return err
	},
	"CreatePlan": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.CreatePlan(ctxb, a, commands.PlanRequest{Name: "Autumn", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}})
		return err
	},
	"PausePlan": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.PausePlan(ctxb, a, f.plan, "")
		return err
	},
	"ResumePlan": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.ResumePlan(ctxb, a, f.plan, "")
		return err
	},
	"EndPlan": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.EndPlan(ctxb, a, 0, "spring")
		return err
	},
	"ApproveSample": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.ApproveSample(ctxb, a, f.requested)
		return err
	},
	"RejectSample": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.RejectSample(ctxb, a, f.requested, domain.RejectNotMatch, "")
		return err
	},
	"ShipSample": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.ShipSample(ctxb, a, f.approved, "1Z")
		return err
	},
	"ExtendSample": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.ExtendSample(ctxb, a, f.shipped)
		return err
	},
	"CancelSample": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.CancelSample(ctxb, a, f.requested, "changed my mind")
		return err
	},
	"SubmitContent": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.SubmitContent(ctxb, a, f.shipped, tiktokVideo)
		return err
	},
	"Report": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.Report(ctxb, a)
		return err
	},
	"ExportInvitations": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.ExportInvitations(ctxb, a, io.Discard)
		return err
	},
	"ExportSamples": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.ExportSamples(ctxb, a, io.Discard)
		return err
	},
	"SetRole": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.SetRole(ctxb, a, "U_NEW", domain.RoleManager)
		return err
	},
	"WithdrawInvitation": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.WithdrawInvitation(ctxb, a, f.invMaya)
		return err
	},
	"ChangeInvitationRate": func(f *roleFixture, a domain.Actor) error {
		_, _, err := f.app.ChangeInvitationRate(ctxb, a, f.invMaya, 2000)
		return err
	},
	"ListCreators": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.ListCreators(ctxb, a, "")
		return err
	},
	"AcceptInvitation": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.AcceptInvitation(ctxb, a, f.invMaya)
		return err
	},
	"DeclineInvitation": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.DeclineInvitation(ctxb, a, f.invMaya, "busy")
		return err
	},
	"RequestSample": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.RequestSample(ctxb, a, commands.SampleInput{ProductID: "P200", PlanID: f.plan})
		return err
	},
	"RequestSample via leo's invitation": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.RequestSample(ctxb, a, commands.SampleInput{ProductID: "P200", InvitationID: f.invLeo})
		return err
	},
	"CancelSample of leo's": func(f *roleFixture, a domain.Actor) error {
		_, err := f.app.CancelSample(ctxb, a, f.leoReq, "")
		return err
	},
	"Click approve": func(f *roleFixture, a domain.Actor) error {
		_, err := grammar.New(f.app).Click(ctxb, a, present.FormatAction(present.ActionApprove, f.requested))
		return err
	},
	"Click reject": func(f *roleFixture, a domain.Actor) error {
		_, err := grammar.New(f.app).Click(ctxb, a, present.FormatAction(present.ActionReject, f.requested))
		return err
	},
	"Click ship": func(f *roleFixture, a domain.Actor) error {
		_, err := grammar.New(f.app).Click(ctxb, a, present.FormatAction(present.ActionShip, f.approved))
		return err
	},
	"Click accept": func(f *roleFixture, a domain.Actor) error {
		_, err := grammar.New(f.app).Click(ctxb, a, present.FormatAction(present.ActionAccept, f.invMaya))
		return err
	},
	"Click decline": func(f *roleFixture, a domain.Actor) error {
		_, err := grammar.New(f.app).Click(ctxb, a, present.FormatAction(present.ActionDecline, f.invMaya))
		return err
	},
	"Click request-sample": func(f *roleFixture, a domain.Actor) error {
		_, err := grammar.New(f.app).Click(ctxb, a, present.FormatAction(present.ActionRequestSample, f.invMaya))
		return err
	},
	"Run approve": func(f *roleFixture, a domain.Actor) error {
		_, _, err := grammar.New(f.app).Run(ctxb, a, fmt.Sprintf("approve S%d", f.requested))
		return err
	},
	"Run role": func(f *roleFixture, a domain.Actor) error {
		_, _, err := grammar.New(f.app).Run(ctxb, a, "role U_NEW manager")
		return err
	},
}

// readOnlyCalls change nothing even when allowed.
var readOnlyCalls = map[string]bool{"Report": true, "ExportInvitations": true, "ExportSamples": true, "ListCreators": true}

// Roles are enforced on every use case and every surface: a refused call is
// KindForbidden and changes nothing; an allowed one goes through.
const ok, forbidden = domain.Kind(""), domain.KindForbidden

var roleTests = []struct {
	call string
	who  string // dana (seller), erin (manager), maya, leo
	want domain.Kind
}{
	// Creators cannot do the seller team's work.
	{"AddCreator", "maya", forbidden},
	{"ImportCreators", "maya", forbidden},
	{"AddProduct", "maya", forbidden},
	{"ImportProducts", "maya", forbidden},
	{"InviteCreators", "maya", forbidden},
	{"CreatePlan", "maya", forbidden},
	{"PausePlan", "maya", forbidden},
	{"ResumePlan", "maya", forbidden},
	{"EndPlan", "maya", forbidden},
	{"ApproveSample", "maya", forbidden},
	{"RejectSample", "maya", forbidden},
	{"ShipSample", "maya", forbidden},
	{"ExtendSample", "maya", forbidden},
	{"Report", "maya", forbidden},
	{"ExportInvitations", "maya", forbidden},
	{"ExportSamples", "maya", forbidden},
	{"SetRole", "maya", forbidden},
	{"WithdrawInvitation", "maya", forbidden},
	{"ChangeInvitationRate", "maya", forbidden},
	{"ListCreators", "maya", forbidden},
	{"Click approve", "maya", forbidden},
	{"Click ship", "maya", forbidden},
	{"Run approve", "maya", forbidden},
	{"Run role", "maya", forbidden},

	// Sellers cannot decide samples or grant roles, nor act as creators.
	{"ApproveSample", "dana", forbidden},
	{"RejectSample", "dana", forbidden},
	{"SetRole", "dana", forbidden},
	{"Click approve", "dana", forbidden},
	{"Click reject", "dana", forbidden},
	{"Run approve", "dana", forbidden},
	{"Run role", "dana", forbidden},
	{"AcceptInvitation", "dana", forbidden},
	{"DeclineInvitation", "dana", forbidden},
	{"SubmitContent", "dana", forbidden},
	{"RequestSample", "dana", forbidden},
	{"RequestSample", "erin", forbidden},
	{"AcceptInvitation", "erin", forbidden},
	{"Click accept", "erin", forbidden},

	// A creator acts only on their own invitations and samples.
	{"AcceptInvitation", "leo", forbidden},
	{"DeclineInvitation", "leo", forbidden},
	{"CancelSample", "leo", forbidden},
	{"SubmitContent", "leo", forbidden},
	{"RequestSample via leo's invitation", "maya", forbidden},
	{"CancelSample of leo's", "maya", forbidden},
	{"Click accept", "leo", forbidden},
	{"Click decline", "leo", forbidden},
	{"Click request-sample", "leo", forbidden},

	// What each role may do goes through.
	{"AddCreator", "dana", ok},
	{"ImportCreators", "dana", ok},
	{"AddProduct", "dana", ok},
	{"ImportProducts", "dana", ok},
	{"InviteCreators", "dana", ok},
	{"InviteCreators", "erin", ok},
	{"CreatePlan", "dana", ok},
	{"PausePlan", "dana", ok},
	{"EndPlan", "dana", ok},
	{"ShipSample", "dana", ok},
	{"Click ship", "dana", ok},
	{"ExtendSample", "dana", ok},
	{"CancelSample", "dana", forbidden}, // undecided: only a manager or the creator
	{"CancelSample", "erin", ok},
	{"Report", "dana", ok},
	{"ExportInvitations", "dana", ok},
	{"ExportSamples", "dana", ok},
	{"WithdrawInvitation", "dana", ok},
	{"ChangeInvitationRate", "dana", ok},
	{"ListCreators", "dana", ok},
	{"ApproveSample", "erin", ok},
	{"RejectSample", "erin", ok},
	{"Click approve", "erin", ok},
	{"Run approve", "erin", ok},
	{"SetRole", "erin", ok},
	{"AcceptInvitation", "maya", ok},
	{"Click accept", "maya", ok},
	{"DeclineInvitation", "maya", ok},
	{"CancelSample", "maya", ok},
	{"SubmitContent", "maya", ok},
	{"RequestSample", "maya", ok},
}

func TestUseCaseRoles(t *testing.T) {
	t.Parallel()
	base := newRoleFixture(t)
	for _, tc := range roleTests {
		call, found := roleCalls[tc.call]
		if !found {
			t.Fatalf("no call %q", tc.call)
		}
		if tc.want == ok {
			continue
		}
		// Refused calls change nothing, so they all run on one fixture,
		// which the check after each call proves is still as built.
		t.Run(tc.call+"/"+tc.who, func(t *testing.T) {
			before := stateOf(t, base.db)
			err := call(base, base.actor(tc.who))
			wantErr(t, err, tc.want, "")
			wantUnchanged(t, base.db, before)
		})
	}
	for _, tc := range roleTests {
		if tc.want != ok {
			continue
		}
		call := roleCalls[tc.call]
		t.Run(tc.call+"/"+tc.who, func(t *testing.T) {
			t.Parallel()
			f := base.clone(t)
			before := stateOf(t, f.db)
			if err := call(f, f.actor(tc.who)); err != nil {
				t.Fatalf("%s as %s: %v, want it allowed", tc.call, tc.who, err)
			}
			if !readOnlyCalls[tc.call] && len(stateOf(t, f.db).Events) == len(before.Events) {
				t.Errorf("%s as %s succeeded without recording an event", tc.call, tc.who)
			}
		})
	}
}

// Every call in roleCalls has at least one row in roleTests.
func TestUseCaseRolesTableCoversCalls(t *testing.T) {
	t.Parallel()
	used := map[string]bool{}
	for _, tc := range roleTests {
		used[tc.call] = true
	}
	for name := range roleCalls {
		if !used[name] {
			t.Errorf("roleCalls[%q] has no row in roleTests", name)
		}
	}
}

// Configured managers are managers; a manager can grant the role, and the
// last manager cannot step down, so approvals never stall.
func TestManagersAndRoles(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustNil(t, app.SeedManagers(ctxb, []string{"U_MGR"}), "SeedManagers")
	mustNil(t, app.SeedManagers(ctxb, []string{"U_MGR"}), "SeedManagers again")
	if n := countEvents(t, db, "member:U_MGR", "member.role"); n != 1 {
		t.Errorf("%d role events after seeding twice, want 1", n)
	}
	mgr, err := app.MemberActor(ctxb, "U_MGR", "erin")
	mustNil(t, err, "MemberActor")
	if mgr.Role != domain.RoleManager {
		t.Fatalf("seeded member is a %s", mgr.Role)
	}
	newcomer, err := app.MemberActor(ctxb, "U_NEW", "")
	mustNil(t, err, "MemberActor")
	if newcomer.Role != domain.RoleSeller || newcomer.Name != "U_NEW" {
		t.Errorf("unknown member = %+v, want a seller named by ID", newcomer)
	}

	before := stateOf(t, db)
	_, err = app.SetRole(ctxb, mgr, "U_MGR", domain.RoleSeller)
	wantErr(t, err, domain.KindConflict, "", "last manager")
	_, err = app.SetRole(ctxb, mgr, "U_NEW", "admin")
	wantErr(t, err, domain.KindInvalid, "role")
	wantUnchanged(t, db, before)

	_, err = app.SetRole(ctxb, mgr, "U_NEW", domain.RoleManager)
	mustNil(t, err, "SetRole manager")
	if a, _ := app.MemberActor(ctxb, "U_NEW", "nora"); a.Role != domain.RoleManager {
		t.Errorf("promoted member is a %s", a.Role)
	}
	_, err = app.SetRole(ctxb, mgr, "U_MGR", domain.RoleSeller)
	mustNil(t, err, "step down with another manager")
	demoted, _ := app.MemberActor(ctxb, "U_MGR", "erin")
	if demoted.Role != domain.RoleSeller {
		t.Errorf("demoted member is a %s", demoted.Role)
	}
	_, err = app.ApproveSample(ctxb, demoted, 1)
	wantErr(t, err, domain.KindForbidden, "")
}

// role U none takes a member's role away: they may not act at all, the
// last manager cannot lose theirs, a seeded manager list does not undo it,
// and a manager can give a role back.
func TestRoleNone(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustNil(t, app.SeedManagers(ctxb, []string{"U_MGR"}), "SeedManagers")
	mgr, err := app.MemberActor(ctxb, "U_MGR", "erin")
	mustNil(t, err, "MemberActor")

	before := stateOf(t, db)
	_, err = app.SetRole(ctxb, mgr, "U_MGR", domain.RoleNone)
	wantErr(t, err, domain.KindConflict, "", "last manager")
	wantUnchanged(t, db, before)

	for _, id := range []string{"U_SELLER", "U_OTHER"} {
		if _, err := app.MemberActor(ctxb, id, id); err != nil {
			t.Fatal(err)
		}
	}
	_, err = app.SetRole(ctxb, mgr, "U_SELLER", domain.RoleNone)
	mustNil(t, err, "SetRole none")
	_, err = app.MemberActor(ctxb, "U_SELLER", "sam")
	wantErr(t, err, domain.KindForbidden, "", "removed your collabbot role")

	// A start-up list naming them does not hand the role back: a manager's
	// decision stands over configuration.
	mustNil(t, app.SeedManagers(ctxb, []string{"U_MGR", "U_SELLER"}), "SeedManagers again")
	_, err = app.MemberActor(ctxb, "U_SELLER", "sam")
	wantErr(t, err, domain.KindForbidden, "", "removed your collabbot role")

	_, err = app.SetRole(ctxb, mgr, "U_SELLER", domain.RoleSeller)
	mustNil(t, err, "SetRole seller again")
	back, err := app.MemberActor(ctxb, "U_SELLER", "sam")
	mustNil(t, err, "MemberActor after the role is back")
	if back.Role != domain.RoleSeller {
		t.Errorf("member given seller back is a %s", back.Role)
	}
}
