package commands_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
)

// Withdrawing an invitation or ending a plan cancels the requests still
// waiting for a decision through it, and tells the creators; approved ones
// stay, because the team already committed stock.
func TestClosedOffersCancelUndecidedRequests(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddProduct(t, app, "P200", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	_, leoA := mustAddCreator(t, app, "leo")

	inv := mustInviteOne(t, app, "maya", true, "P100")
	viaInv := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", InvitationID: inv.ID})
	if _, err := app.WithdrawInvitation(ctxb, dana, inv.ID); err != nil {
		t.Fatal(err)
	}
	if got := sampleOf(t, db, viaInv.ID).State; got != domain.SampleCancelled {
		t.Errorf("request through a withdrawn invitation is %s, want cancelled", got)
	}
	if m := rendered(mustOutboxKey(t, db, fmt.Sprintf("sample:%d:cancelled", viaInv.ID))); !strings.Contains(m.Text, "withdrawn") {
		t.Errorf("creator told %q", m.Text)
	}

	plan := mustSamplePlan(t, app, "Spring", false)
	waiting := mustRequest(t, app, leoA, commands.SampleInput{ProductID: "P200", PlanID: plan.ID})
	approved := mustRequest(t, app, leoA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, approved.ID)
	if _, err := app.EndPlan(ctxb, dana, plan.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got := sampleOf(t, db, waiting.ID).State; got != domain.SampleCancelled {
		t.Errorf("undecided request of an ended plan is %s, want cancelled", got)
	}
	if got := sampleOf(t, db, approved.ID).State; got != domain.SampleApproved {
		t.Errorf("approved request of an ended plan is %s, want approved", got)
	}
	_, err := app.ApproveSample(ctxb, erin, waiting.ID)
	wantErr(t, err, domain.KindConflict, "", "cancelled")

	// Each "request received" DM is edited so its Cancel button goes.
	for _, id := range []int64{viaInv.ID, waiting.ID} {
		edit := rendered(mustOutboxKey(t, db, fmt.Sprintf("sample:%d:received~cancelled", id)))
		if len(edit.AllButtons()) != 0 || !strings.Contains(edit.Text, "It is cancelled.") {
			t.Errorf("S%d received DM after its offer closed: %+v", id, edit)
		}
	}
}

func TestSameRateAgainChangesNothing(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	mustAddCreator(t, app, "maya")
	inv := mustInviteOne(t, app, "maya", false, "P100") // 15%
	before := stateOf(t, db)
	_, _, err := app.ChangeInvitationRate(ctxb, dana, inv.ID, 1500)
	wantErr(t, err, domain.KindConflict, "", "already at 15%")
	wantUnchanged(t, db, before)
}

func TestExtendUpdatesTheApprovalsCard(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, s.ID)
	shipped := mustShip(t, app, s.ID)
	clk.Set(shipped.DueAt.Add(-24 * time.Hour))
	_, err := app.ExtendSample(ctxb, dana, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	o := mustOutboxKey(t, db, fmt.Sprintf("sample:%d:card~extended", s.ID))
	card := rendered(o)
	if status, _ := fieldValue(card, "Status"); !strings.Contains(status, "content due") || o.Replaces == "" {
		t.Errorf("card after extension: status %q, replaces %q", status, o.Replaces)
	}
}

func TestJoinPlanButtonWithOneProductRequestsIt(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "serums")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustPlan(t, app, commands.PlanRequest{Name: "Serums", Rules: []domain.CommissionRule{{Scope: domain.ScopeProduct, Target: "P100", Rate: 1200}}, Sample: &domain.SampleOffer{}})
	m, err := grammar.New(app).Click(ctxb, mayaA, present.FormatAction(present.ActionJoinPlan, plan.ID))
	if err != nil || !strings.Contains(m.Text, "Sample request S1 for P100") {
		t.Fatalf("click join-plan: %q, %v", m.Text, err)
	}
}

func TestShortStockNamesWhatIsLeft(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 1, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustPlan(t, app, commands.PlanRequest{Name: "Two each", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}}, Sample: &domain.SampleOffer{PerCreator: 2}})
	_, err := app.RequestSample(ctxb, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID, Quantity: 2})
	wantErr(t, err, domain.KindInvalid, "quantity", "Only 1 free samples", "qty=1")
}

func TestScheduledPlan(t *testing.T) {
	t.Parallel()
	app, _, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	start := clk.Now().Add(72 * time.Hour)
	m, _, err := grammar.New(app).Run(ctxb, dana, fmt.Sprintf(`plan "Later" all=5%% samples=1 start=%s end=%s`, start.Format("2006-01-02"), start.AddDate(0, 0, 9).Format("2006-01-02")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Title, "scheduled") || !strings.Contains(m.Text, "State: scheduled") {
		t.Errorf("announcement %q / %q", m.Title, m.Text)
	}
	// The end date is inclusive: the plan shows its last day, not the day after.
	if last := start.AddDate(0, 0, 9).Format("2 Jan 2006"); !strings.Contains(m.Text, last) {
		t.Errorf("plan text %q lacks its last day %s", m.Text, last)
	}
	_, err = app.RequestSample(ctxb, mayaA, commands.SampleInput{ProductID: "P100", PlanID: 1})
	wantErr(t, err, domain.KindConflict, "", "opens on")
}

func TestSampleWindowMustFitTheOffer(t *testing.T) {
	t.Parallel()
	app, _, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	end := clk.Now().AddDate(0, 0, 5)
	_, err := app.CreatePlan(ctxb, dana, commands.PlanRequest{Name: "Short", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}}, End: end,
		Sample: &domain.SampleOffer{WindowStart: end.AddDate(0, 0, 2)}})
	wantErr(t, err, domain.KindInvalid, "sample_window", "before the plan ends")
}

func TestCreatorsNicheFilterSaysWhatMatchedNothing(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddCreator(t, app, "maya")
	m, _, err := grammar.New(app).Run(ctxb, dana, "creators nonsense")
	if err != nil || !strings.Contains(m.Text, `No creators with niche "nonsense"`) {
		t.Errorf("creators nonsense: %q %v", m.Text, err)
	}
}

// Product IDs are one product whatever their case, as sellers type them.
func TestProductIDsIgnoreCase(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "serums")
	mustAddCreator(t, app, "maya")
	_, err := app.AddProduct(ctxb, dana, domain.Product{ID: "p100", Title: "Lowercase twin"})
	wantErr(t, err, domain.KindConflict, "")
	res := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"p100"}, Rate: 1500})
	if got := res.Collaboration.ProductIDs; len(got) != 1 || got[0] != "P100" {
		t.Errorf("invited to %v, want [P100]", got)
	}
	v := mustPlan(t, app, commands.PlanRequest{Name: "Case", Rules: []domain.CommissionRule{{Scope: domain.ScopeProduct, Target: "p100", Rate: 1200}}})
	if len(v.Products) != 1 || v.Products[0].Rule.Rate != 1200 {
		t.Errorf("plan on p100 covers %+v", v.Products)
	}
	_, err = app.CreatePlan(ctxb, dana, commands.PlanRequest{Name: "Twice", Rules: []domain.CommissionRule{{Scope: domain.ScopeProduct, Target: "P100", Rate: 1200}, {Scope: domain.ScopeProduct, Target: "p100", Rate: 1300}}})
	wantErr(t, err, domain.KindInvalid, "rates", "twice")
}

// samples=1 is a total per creator and product, not a cap per request: a
// creator who received their unit cannot ask for another.
func TestPerCreatorQuantityIsATotal(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 10, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, s.ID)
	mustShip(t, app, s.ID)
	if _, err := app.SubmitContent(ctxb, mayaA, s.ID, "https://www.tiktok.com/@maya/video/123456789"); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, db)
	_, err := app.RequestSample(ctxb, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	wantErr(t, err, domain.KindConflict, "", "at most 1 unit", "already received 1")
	wantUnchanged(t, db, before)
}

// The same manager clicking Approve twice sees the approval, not an error;
// another manager still learns who decided.
func TestApproveTwiceBySameManager(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 10, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, s.ID)
	before := stateOf(t, db)
	if v, err := app.ApproveSample(ctxb, erin, s.ID); err != nil || v.State != domain.SampleApproved {
		t.Fatalf("second click by erin: %v, %v", v.State, err)
	}
	wantUnchanged(t, db, before)
	_, err := app.ApproveSample(ctxb, frank, s.ID)
	wantErr(t, err, domain.KindConflict, "", "already approved by erin")
}

// SLACK_MANAGERS seeds roles once: a manager later made a seller stays one
// across restarts.
func TestSeedManagersKeepsLaterRoleChanges(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustNil(t, app.SeedManagers(ctxb, []string{"U_MGR", "U_BOSS"}), "seed")
	boss, err := app.MemberActor(ctxb, "U_BOSS", "boss")
	mustNil(t, err, "boss")
	if _, err := app.SetRole(ctxb, boss, "U_MGR", domain.RoleSeller); err != nil {
		t.Fatal(err)
	}
	mustNil(t, app.SeedManagers(ctxb, []string{"U_MGR", "U_BOSS"}), "restart")
	if a, _ := app.MemberActor(ctxb, "U_MGR", ""); a.Role != domain.RoleSeller {
		t.Errorf("after a restart U_MGR is %s, want seller", a.Role)
	}
}

// A lowered rate shows once it applies, and the sweep stores it; typing
// the same cut again changes nothing and tells nobody.
func TestLoweredRateTakesEffect(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	mustAddCreator(t, app, "maya")
	inv := mustInviteOne(t, app, "maya", false, "P100") // 15%
	if _, _, err := app.ChangeInvitationRate(ctxb, dana, inv.ID, 1000); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, db)
	_, _, err := app.ChangeInvitationRate(ctxb, dana, inv.ID, 1000)
	wantErr(t, err, domain.KindConflict, "", "already drops to 10%")
	wantUnchanged(t, db, before)

	clk.Advance(48 * time.Hour)
	m, _, err := grammar.New(app).Run(ctxb, dana, "invitations")
	if err != nil || !strings.Contains(cardText(m), "P100  10%  pending") || strings.Contains(cardText(m), "15%") {
		t.Errorf("invitations after the cut applied: %q %v", cardText(m), err)
	}
	res, err := app.ExpireDue(ctxb)
	if err != nil || res.RatesSettled != 1 {
		t.Fatalf("sweep: %+v %v", res, err)
	}
	if got := invitationOf(t, db, inv.ID); got.Rate != 1000 || got.PendingRate != 0 {
		t.Errorf("stored after the sweep: rate %d, pending %d", got.Rate, got.PendingRate)
	}
}

// A seller hears at once what would disappoint creators later.
func TestOfferNotes(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "serums")
	mustAddProduct(t, app, "P200", 0, "serums")
	mustAddCreator(t, app, "maya", withStats(800, 100, 0, "beauty"))
	mustPlan(t, app, commands.PlanRequest{Name: "First", Rules: []domain.CommissionRule{{Scope: domain.ScopeProduct, Target: "P100", Rate: 1200}}})
	v := mustPlan(t, app, commands.PlanRequest{Name: "Second", Rules: []domain.CommissionRule{{Scope: domain.ScopeGroup, Target: "serums", Rate: 800}}, Sample: &domain.SampleOffer{}})
	notes := strings.Join(v.Notes, "\n")
	for _, want := range []string{`P100 is also in plan PL1 "First" at 12%.`, "P200 has no sample stock"} {
		if !strings.Contains(notes, want) {
			t.Errorf("plan notes lack %q:\n%s", want, notes)
		}
	}
	res := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500,
		Sample: &domain.SampleOffer{Requirements: domain.Requirements{MinFollowers: 1000}}})
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "@maya does not qualify for the free sample, which needs at least 1000 followers (has 800).") || strings.Contains(res.Notes[0], "you") {
		t.Errorf("invite notes %q", res.Notes)
	}
}

// The audit trail of a thing reads as who did what, newest first; only the
// team may read it.
func TestHistory(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, s.ID)
	m, _, err := grammar.New(app).Run(ctxb, dana, fmt.Sprintf("history S%d", s.ID))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(cardText(m), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "erin  sample approved") || !strings.Contains(lines[1], "@maya  sample requested") {
		t.Errorf("history S%d:\n%s", s.ID, cardText(m))
	}
	if m, _, err := grammar.New(app).Run(ctxb, dana, "history @maya"); err != nil || !strings.Contains(cardText(m), "dana  creator added: added @maya") {
		t.Errorf("history @maya: %q %v", cardText(m), err)
	}
	_, _, err = grammar.New(app).Run(ctxb, mayaA, fmt.Sprintf("history S%d", s.ID))
	wantErr(t, err, domain.KindForbidden, "")
}

// A member who acted before being listed in SLACK_MANAGERS is promoted at
// the next start: only a role a manager set stands over the list.
func TestSeedManagersPromotesMembersSeenActing(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	newbie := domain.Actor{Role: domain.RoleSeller, MemberID: "U_NEW", Name: "nora"}
	if _, err := app.AddProduct(ctxb, newbie, domain.Product{ID: "P1", Title: "One"}); err != nil {
		t.Fatal(err)
	}
	mustNil(t, app.SeedManagers(ctxb, []string{"U_NEW"}), "seed")
	if a, _ := app.MemberActor(ctxb, "U_NEW", ""); a.Role != domain.RoleManager || a.Name != "nora" {
		t.Errorf("U_NEW after seeding: %+v, want manager nora", a)
	}
}

// An invitation to many products still fits a chat card field.
func TestInvitationProductsFitACard(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddCreator(t, app, "maya")
	var ids []string
	for i := range 100 {
		id := fmt.Sprintf("P%03d", i)
		if _, err := app.AddProduct(ctxb, dana, domain.Product{ID: id, Title: strings.Repeat("Glow Serum ", 5)}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	res := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "maya"), Products: ids, Rate: 1500})
	dm := rendered(mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:dm", res.Invitations[0].ID)))
	v, _ := fieldValue(dm, "Products")
	if len(v) > 1024 || !strings.Contains(v, "more") || !strings.HasPrefix(v, "P000 ") {
		t.Errorf("products field of %d characters:\n%s", len(v), v)
	}
}

// Declining closes the requests still waiting through the invitation and
// tells the sellers about approved ones not shipped yet.
func TestDeclineClosesItsSampleRequests(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddProduct(t, app, "P300", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	inv := mustInviteOne(t, app, "maya", true, "P100", "P300")
	waiting := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", InvitationID: inv.ID})
	approved := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P300", InvitationID: inv.ID})
	mustApprove(t, app, approved.ID)
	if _, err := app.DeclineInvitation(ctxb, mayaA, inv.ID, "changed my mind"); err != nil {
		t.Fatal(err)
	}
	if got := sampleOf(t, db, waiting.ID).State; got != domain.SampleCancelled {
		t.Errorf("waiting request is %s, want cancelled", got)
	}
	sellers := rendered(mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:declined", inv.ID))).Text
	if !strings.Contains(sellers, "Approved but not shipped: "+approved.Ref()) {
		t.Errorf("sellers told %q", sellers)
	}
}

// Withdrawing gives back the outreach message it used, so five withdrawn
// invitations do not silence a creator for good.
func TestWithdrawReturnsTheOutreachMessage(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	c, _ := mustAddCreator(t, app, "maya")
	for i := range 6 {
		id := fmt.Sprintf("W%d", i)
		mustAddProduct(t, app, id, 0, "")
		inv := mustInviteOne(t, app, "maya", false, id)
		if _, err := app.WithdrawInvitation(ctxb, dana, inv.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := creatorOf(t, db, c.ID).Unanswered; got != 0 {
		t.Errorf("unanswered after six withdrawn invitations = %d, want 0", got)
	}
}

func TestNewProductJoiningAPlanIsNoted(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "skincare")
	mustPlan(t, app, commands.PlanRequest{Name: "Grp", Rules: []domain.CommissionRule{{Scope: domain.ScopeGroup, Target: "skincare", Rate: 900}}})
	m, _, err := grammar.New(app).Run(ctxb, dana, `product add P801 "Later" group=skincare`)
	if err != nil || !strings.Contains(m.Text, `Note: It joins plan PL1 "Grp" at 9%.`) {
		t.Errorf("product add: %q %v", m.Text, err)
	}
}

func TestRejectionMessageReadsWell(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	if _, err := app.RejectSample(ctxb, erin, s.ID, domain.RejectOther, "Shade discontinued"); err != nil {
		t.Fatal(err)
	}
	dm := rendered(mustOutboxKey(t, db, fmt.Sprintf("sample:%d:rejected", s.ID))).Text
	if !strings.Contains(dm, "was not approved: Shade discontinued. You can ask again from") {
		t.Errorf("rejection DM %q", dm)
	}
}

// A wrong link or tracking number can be put right after the fact.
func TestCorrectContentAndTracking(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, s.ID)
	mustShip(t, app, s.ID)
	if v, err := app.ShipSample(ctxb, dana, s.ID, "1Z-NEW"); err != nil || v.Tracking != "1Z-NEW" {
		t.Fatalf("new tracking: %+v %v", v.Tracking, err)
	}
	if _, err := app.SubmitContent(ctxb, mayaA, s.ID, "https://www.tiktok.com/@maya/video/111111111"); err != nil {
		t.Fatal(err)
	}
	v, err := app.SubmitContent(ctxb, mayaA, s.ID, "https://www.tiktok.com/@maya/video/222222222")
	if err != nil || v.ContentURL != "https://www.tiktok.com/@maya/video/222222222" || sampleOf(t, db, s.ID).ContentURL != v.ContentURL {
		t.Fatalf("corrected link: %q %v", v.ContentURL, err)
	}
	// Clicking Reject on the (long decided) card says so before asking why.
	_, err = grammar.New(app).Click(ctxb, erin, present.FormatAction(present.ActionReject, s.ID))
	wantErr(t, err, domain.KindConflict, "", "already approved by erin")
}

// Text limits count characters, not bytes: 300 Japanese characters are a
// short note.
func TestTextLimitsCountCharacters(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	note := strings.Repeat("試", 300) // 900 bytes
	if _, err := app.RequestSample(ctxb, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID, Note: note}); err != nil {
		t.Fatalf("a 300-character note: %v", err)
	}
	_, err := app.RequestSample(ctxb, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID, Note: strings.Repeat("試", 501)})
	wantErr(t, err, domain.KindInvalid, "note", "500 characters")
}
