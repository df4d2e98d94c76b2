package commands_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/storetest"
)

func sampleKey(id int64, suffix string) string { return fmt.Sprintf("sample:%d:%s", id, suffix) }

// A request goes through a plan or an invitation, waits for a manager with
// a card in the approvals channel, and reserves nothing until approved.
func TestRequestSampleThroughPlanAndInvitation(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddProduct(t, app, "P200", 5, "")
	mustAddProduct(t, app, "P300", 5, "")
	maya, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	inv := mustInviteOne(t, app, "maya", true, "P200")

	viaPlan := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID, Note: "  love it  "})
	s := sampleOf(t, db, viaPlan.ID)
	if s.State != domain.SampleRequested || s.PlanID != plan.ID || s.InvitationID != 0 || s.OfferID != plan.Sample.ID ||
		s.Quantity != 1 || s.PostWithinDays != domain.DefaultPostWithinDays || s.Note != "love it" || !s.RequestedAt.Equal(clk.Now()) {
		t.Errorf("via plan stored %+v", s)
	}
	if viaPlan.Source != `plan PL1 "Spring"` {
		t.Errorf("source %q", viaPlan.Source)
	}
	if got := productOf(t, db, "P100").SampleStock; got != 5 {
		t.Errorf("stock %d after a request, want 5 (reserved on approval)", got)
	}

	viaInv := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P200", InvitationID: inv.ID})
	s = sampleOf(t, db, viaInv.ID)
	if s.InvitationID != inv.ID || s.PlanID != 0 || s.OfferID != inv.Collaboration.Sample.ID {
		t.Errorf("via invitation stored %+v", s)
	}
	if viaInv.Source != "invitation "+inv.Ref() {
		t.Errorf("source %q", viaInv.Source)
	}

	// Naming no source finds the one live offer for the product.
	auto := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P300"})
	if got := sampleOf(t, db, auto.ID); got.PlanID != plan.ID {
		t.Errorf("P300 without a source went through %+v", got)
	}

	// The approvals card: the creator's numbers and the two decisions.
	card := mustOutboxKey(t, db, sampleKey(viaPlan.ID, "card"))
	if card.To.String() != "channel:approvals" || card.Surface != domain.SurfaceSlack || (card.Replaces != "") {
		t.Errorf("card row %+v", card)
	}
	wantActions := []string{fmt.Sprintf("approve:%d", viaPlan.ID), fmt.Sprintf("reject:%d", viaPlan.ID)}
	if got := buttonActions(rendered(card)); !reflect.DeepEqual(got, wantActions) {
		t.Errorf("card buttons %v, want %v", got, wantActions)
	}
	for label, want := range map[string]string{"Creator": "@maya", "Followers": "50,000", "Average views": "8,000", "Niche": "beauty",
		"Samples received": "0", "Content posted": "0", "Fulfilment rate": "no samples yet", "Creator's note": "love it"} {
		if got, _ := fieldValue(rendered(card), label); got != want {
			t.Errorf("card field %s = %q, want %q", label, got, want)
		}
	}
	dm := mustOutboxKey(t, db, sampleKey(viaPlan.ID, "received"))
	if dm.To.String() != fmt.Sprintf("creator:%d", maya.ID) {
		t.Errorf("receipt DM to %s", dm.To)
	}
	if n := countEvents(t, db, fmt.Sprintf("sample:%d", viaPlan.ID), "sample.requested"); n != 1 {
		t.Errorf("%d sample.requested events", n)
	}

	// After the decision the card is replaced: who decided, the next step.
	mustApprove(t, app, viaPlan.ID)
	upd := mustOutboxKey(t, db, sampleKey(viaPlan.ID, "card~approved"))
	if !(upd.Replaces != "") || upd.Thread != fmt.Sprintf("sample:%d", viaPlan.ID) || upd.To.String() != "channel:approvals" {
		t.Errorf("card update %+v", upd)
	}
	if got := buttonActions(rendered(upd)); !reflect.DeepEqual(got, []string{fmt.Sprintf("ship:%d", viaPlan.ID)}) {
		t.Errorf("approved card buttons %v", got)
	}
	if st, _ := fieldValue(rendered(upd), "Status"); !strings.Contains(st, "Approved by erin") {
		t.Errorf("approved card status %q", st)
	}
	if got := productOf(t, db, "P100").SampleStock; got != 4 {
		t.Errorf("stock %d after approval, want 4", got)
	}
}

// A request that fails a requirement is refused at once with the reason,
// and nothing is stored.
func TestRequestSampleRequirements(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddProduct(t, app, "P0", 0, "")
	plan := mustPlan(t, app, commands.PlanRequest{Name: "Picky", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}},
		Sample: &domain.SampleOffer{Requirements: domain.Requirements{MinFollowers: 10_000, MinAvgViews: 5_000, MinGMV30d: 50_000, Categories: []string{"Beauty", "skincare"}}}})
	tests := []struct {
		handle  string
		stats   creatorOpt
		product string
		kind    domain.Kind
		frags   []string
	}{
		{"few", withStats(500, 9_000, 90_000, "beauty"), "P100", domain.KindInvalid, []string{"at least 10000 followers (you have 500)"}},
		{"unseen", withStats(20_000, 100, 90_000, "beauty"), "P100", domain.KindInvalid, []string{"at least 5000 average video views (you have 100)"}},
		{"nosales", withStats(20_000, 9_000, 100, "beauty"), "P100", domain.KindInvalid, []string{"at least 500.00 30-day GMV (you have 1.00)"}},
		{"foodie", withStats(20_000, 9_000, 90_000, "food"), "P100", domain.KindInvalid, []string{"a niche in beauty, skincare"}},
		{"allbad", withStats(1, 1, 1, "cars"), "P100", domain.KindInvalid, []string{"followers", "views", "GMV", "niche"}},
		{"soldout", withStats(20_000, 9_000, 90_000, "beauty"), "P0", domain.KindConflict, []string{"no free samples left"}},
		{"ok", withStats(20_000, 9_000, 90_000, "food"), "P100", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.handle, func(t *testing.T) {
			opts := []creatorOpt{tc.stats}
			if tc.handle == "ok" {
				opts = append(opts, func(c *domain.Creator) { c.Categories = []string{"SkinCare"} })
			}
			_, who := mustAddCreator(t, app, tc.handle, opts...)
			before := stateOf(t, db)
			_, err := app.RequestSample(ctxb, who, commands.SampleInput{ProductID: tc.product, PlanID: plan.ID})
			if tc.kind == "" {
				mustNil(t, err, "eligible request")
				return
			}
			wantErr(t, err, tc.kind, "", tc.frags...)
			wantUnchanged(t, db, before)
		})
	}
}

// One open request per creator and product; after a rejection, again only
// after 30 days; after a cancellation, at once.
func TestRequestSampleOncePerProduct(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	in := commands.SampleInput{ProductID: "P100", PlanID: plan.ID}

	first := mustRequest(t, app, mayaA, in)
	before := stateOf(t, db)
	_, err := app.RequestSample(ctxb, mayaA, in)
	wantErr(t, err, domain.KindConflict, "", "already have sample request "+first.Ref())
	wantUnchanged(t, db, before)

	clk.Advance(time.Hour)
	rejectedAt := clk.Now()
	_, err = app.RejectSample(ctxb, erin, first.ID, domain.RejectOutOfStock, "")
	mustNil(t, err, "RejectSample")
	dm := rendered(mustOutboxKey(t, db, sampleKey(first.ID, "rejected"))).Text
	if !strings.Contains(dm, "Out of stock") || !strings.Contains(dm, "ask again from Fri 5 Jun 2026") {
		t.Errorf("rejection DM %q", dm)
	}

	for _, wait := range []time.Duration{time.Hour, 29 * day24, 30*day24 - time.Millisecond} {
		clk.Set(rejectedAt.Add(wait))
		before := stateOf(t, db)
		_, err := app.RequestSample(ctxb, mayaA, in)
		wantErr(t, err, domain.KindConflict, "", "rejected", "ask again from Fri 5 Jun 2026")
		wantUnchanged(t, db, before)
	}
	clk.Set(rejectedAt.Add(30 * day24))
	second := mustRequest(t, app, mayaA, in)

	_, err = app.CancelSample(ctxb, mayaA, second.ID, "ordered one myself")
	mustNil(t, err, "CancelSample")
	if got := sampleOf(t, db, second.ID).State; got != domain.SampleCancelled {
		t.Errorf("cancelled request is %s", got)
	}
	if _, ok := outboxKey(t, db, sampleKey(second.ID, "cancelled")); ok {
		t.Errorf("the creator was DMed about their own cancellation")
	}
	mustRequest(t, app, mayaA, in)
}

// An approval-exempt offer approves at once and reserves stock.
func TestApprovalExemptOffer(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 3, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Free for all", true)

	v := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	s := sampleOf(t, db, v.ID)
	if v.State != domain.SampleApproved || s.State != domain.SampleApproved || s.DecidedBy != domain.AutoApprover || s.DecidedAt.IsZero() {
		t.Fatalf("exempt request stored %+v", s)
	}
	if got := productOf(t, db, "P100").SampleStock; got != 2 {
		t.Errorf("stock %d, want 2", got)
	}
	card := mustOutboxKey(t, db, sampleKey(v.ID, "card"))
	if (card.Replaces != "") || !reflect.DeepEqual(buttonLabels(rendered(card)), []string{"Mark shipped"}) {
		t.Errorf("exempt card %+v", rendered(card))
	}
	if got := buttonLabels(rendered(card)); contains(got, "Approve") {
		t.Errorf("an exempt request asked managers to decide: %v", got)
	}
	mustOutboxKey(t, db, sampleKey(v.ID, "approved"))
	evs := events(t, db, fmt.Sprintf("sample:%d", v.ID))
	if len(evs) != 2 || evs[0].Kind != "sample.approved" || evs[0].Actor != "system" || evs[1].Kind != "sample.requested" {
		t.Errorf("events %+v", evs)
	}
	_, err := app.ApproveSample(ctxb, erin, v.ID)
	wantErr(t, err, domain.KindConflict, "", "approved automatically")
}

// A rejection needs one of TikTok's reasons, and "other" needs a note.
func TestRejectSampleReasons(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 3, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	v := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})

	bad := []struct {
		reason domain.RejectReason
		note   string
		field  string
	}{
		{"bogus", "", "reason"},
		{"", "", "reason"},
		{domain.RejectOther, "", "note"},
		{domain.RejectOther, "   ", "note"},
		{domain.RejectNotMatch, strings.Repeat("x", 501), "note"},
	}
	for _, b := range bad {
		before := stateOf(t, db)
		_, err := app.RejectSample(ctxb, erin, v.ID, b.reason, b.note)
		wantErr(t, err, domain.KindInvalid, b.field)
		wantUnchanged(t, db, before)
	}

	_, err := app.RejectSample(ctxb, erin, v.ID, domain.RejectOther, "we only ship to the EU")
	mustNil(t, err, "RejectSample")
	s := sampleOf(t, db, v.ID)
	if s.State != domain.SampleRejected || s.RejectReason != domain.RejectOther || s.RejectNote != "we only ship to the EU" || s.DecidedBy != erin.MemberID {
		t.Errorf("stored %+v", s)
	}
	row := mustOutboxKey(t, db, sampleKey(v.ID, "card~rejected"))
	card := rendered(row)
	if st, _ := fieldValue(card, "Status"); st != "Rejected by erin: Other (we only ship to the EU)" || len(card.Buttons) != 0 || row.Replaces != sampleKey(v.ID, "card") {
		t.Errorf("rejected card status %q buttons %v", st, card.Buttons)
	}
	if dm := rendered(mustOutboxKey(t, db, sampleKey(v.ID, "rejected"))).Text; !strings.Contains(dm, "we only ship to the EU") {
		t.Errorf("rejection DM %q", dm)
	}
	if got := productOf(t, db, "P100").SampleStock; got != 3 {
		t.Errorf("stock %d after a rejection", got)
	}
}

// Approve, ship with a deadline, submit the content link: the happy path,
// with the bad link refused on the way and the creator's card updated.
func TestSampleLifecycleToContent(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 3, "")
	mustAddProduct(t, app, "P200", 3, "")
	maya, mayaA := mustAddCreator(t, app, "maya")
	plan := mustPlan(t, app, commands.PlanRequest{Name: "Spring", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}},
		Sample: &domain.SampleOffer{Requirements: domain.Requirements{PostWithinDays: 10}}})
	v := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, v.ID)

	clk.Advance(2 * time.Hour)
	shippedAt := clk.Now()
	sv, err := app.ShipSample(ctxb, dana, v.ID, " 1Z999AA1 ")
	mustNil(t, err, "ShipSample")
	s := sampleOf(t, db, v.ID)
	if s.State != domain.SampleShipped || !s.ShippedAt.Equal(shippedAt) || !s.DueAt.Equal(shippedAt.AddDate(0, 0, 10)) || s.Tracking != "1Z999AA1" {
		t.Fatalf("shipped %+v, want due %v", s, shippedAt.AddDate(0, 0, 10))
	}
	if !sv.DueAt.Equal(s.DueAt) {
		t.Errorf("returned due %v", sv.DueAt)
	}
	dm := mustOutboxKey(t, db, sampleKey(v.ID, "shipped"))
	if !reflect.DeepEqual(buttonActions(rendered(dm)), []string{fmt.Sprintf("submit-content:%d", v.ID)}) || !strings.Contains(rendered(dm).Text, "1Z999AA1") {
		t.Errorf("shipped DM %+v", rendered(dm))
	}
	// Shipping twice with the same tracking is a retry, not an error.
	before := stateOf(t, db)
	_, err = app.ShipSample(ctxb, dana, v.ID, "1Z999AA1")
	mustNil(t, err, "ShipSample again")
	wantUnchanged(t, db, before)

	for _, link := range []string{"", "https://evil.example/@maya/video/7301234567890123456", "ftp://www.tiktok.com/@maya/video/7301234567890123456", "www.tiktok.com/@maya"} {
		_, err = app.SubmitContent(ctxb, mayaA, v.ID, link)
		wantErr(t, err, domain.KindInvalid, "content_link", "TikTok video or LIVE link")
		wantUnchanged(t, db, before)
	}

	clk.Advance(day24)
	_, err = app.SubmitContent(ctxb, mayaA, v.ID, "https://m.tiktok.com/@maya/video/7301234567890123456/")
	mustNil(t, err, "SubmitContent")
	s = sampleOf(t, db, v.ID)
	if s.State != domain.SampleCompleted || s.ContentURL != tiktokVideo || !s.CompletedAt.Equal(clk.Now()) {
		t.Errorf("completed %+v", s)
	}
	sellers := mustOutboxKey(t, db, sampleKey(v.ID, "content"))
	if sellers.To.String() != "channel:sellers" || !strings.Contains(rendered(sellers).Text, tiktokVideo) {
		t.Errorf("content message %+v", sellers)
	}
	mustOutboxKey(t, db, sampleKey(v.ID, "thanks"))
	if n := countEvents(t, db, fmt.Sprintf("sample:%d", v.ID), "sample.completed"); n != 1 {
		t.Errorf("%d sample.completed events", n)
	}

	// The same link again is a retry; another link replaces it (a creator
	// fixing a wrong paste), and the sample stays completed.
	before = stateOf(t, db)
	_, err = app.SubmitContent(ctxb, mayaA, v.ID, tiktokVideo)
	mustNil(t, err, "SubmitContent again")
	wantUnchanged(t, db, before)
	fixed, err := app.SubmitContent(ctxb, mayaA, v.ID, "https://www.tiktok.com/@maya/live")
	mustNil(t, err, "SubmitContent with a corrected link")
	if fixed.State != domain.SampleCompleted || fixed.ContentURL != "https://www.tiktok.com/@maya/live" {
		t.Errorf("after the correction: %s %q", fixed.State, fixed.ContentURL)
	}

	// The next request's card shows the track record: 1 received, 1 posted.
	next := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P200", PlanID: plan.ID})
	card := rendered(mustOutboxKey(t, db, sampleKey(next.ID, "card")))
	for label, want := range map[string]string{"Samples received": "1", "Content posted": "1", "Fulfilment rate": "100%"} {
		if got, _ := fieldValue(card, label); got != want {
			t.Errorf("card %s = %q, want %q", label, got, want)
		}
	}
	cards, err := app.ListCreators(ctxb, dana, "")
	mustNil(t, err, "ListCreators")
	if len(cards) != 1 || cards[0].Creator.ID != maya.ID || cards[0].FulfilmentRate() != 100 {
		t.Errorf("creator cards %+v", cards)
	}
}

// Cancelling an approved sample gives its stock back, to the product and to
// the offer's cap.
func TestCancelApprovedSampleReleasesStock(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 10, "")
	maya, mayaA := mustAddCreator(t, app, "maya")
	_, leoA := mustAddCreator(t, app, "leo")
	// The offer may give out one unit in all, whatever the product has.
	plan := mustPlan(t, app, commands.PlanRequest{Name: "Tiny", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}},
		Sample: &domain.SampleOffer{Stock: 1}})
	mv := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	lv := mustRequest(t, app, leoA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, mv.ID)
	before := stateOf(t, db)
	_, err := app.ApproveSample(ctxb, erin, lv.ID)
	wantErr(t, err, domain.KindConflict, "", "all reserved")
	wantUnchanged(t, db, before)

	_, err = app.CancelSample(ctxb, dana, mv.ID, "address unknown")
	mustNil(t, err, "CancelSample")
	if got := productOf(t, db, "P100").SampleStock; got != 10 {
		t.Errorf("stock %d after cancelling, want 10", got)
	}
	dm := mustOutboxKey(t, db, sampleKey(mv.ID, "cancelled"))
	if dm.To.String() != fmt.Sprintf("creator:%d", maya.ID) || !strings.Contains(rendered(dm).Text, "address unknown") {
		t.Errorf("cancel DM %+v", dm)
	}
	mustApprove(t, app, lv.ID) // the offer's unit is free again
	if got := productOf(t, db, "P100").SampleStock; got != 9 {
		t.Errorf("stock %d, want 9", got)
	}

	// A shipped sample can no longer be cancelled.
	mustShip(t, app, lv.ID)
	before = stateOf(t, db)
	_, err = app.CancelSample(ctxb, dana, lv.ID, "")
	wantErr(t, err, domain.KindConflict, "", "shipped", "cancelled")
	wantUnchanged(t, db, before)
}

// A deadline can be extended by 7 days once, only when due soon or overdue.
func TestExtendSampleOnce(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 3, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	v := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})

	_, err := app.ExtendSample(ctxb, dana, v.ID)
	wantErr(t, err, domain.KindConflict, "", "requested")
	mustApprove(t, app, v.ID)
	due := mustShip(t, app, v.ID).DueAt

	clk.Advance(day24)
	before := stateOf(t, db)
	_, err = app.ExtendSample(ctxb, dana, v.ID)
	wantErr(t, err, domain.KindConflict, "", "within 3 days")
	wantUnchanged(t, db, before)

	clk.Set(due.Add(-2 * day24))
	ev, err := app.ExtendSample(ctxb, dana, v.ID)
	mustNil(t, err, "ExtendSample")
	s := sampleOf(t, db, v.ID)
	if !s.Extended || !s.DueAt.Equal(due.AddDate(0, 0, 7)) || !ev.DueAt.Equal(s.DueAt) || s.State != domain.SampleShipped {
		t.Errorf("extended %+v, want due %v", s, due.AddDate(0, 0, 7))
	}
	mustOutboxKey(t, db, sampleKey(v.ID, "extended"))

	clk.Set(s.DueAt.Add(-day24))
	before = stateOf(t, db)
	_, err = app.ExtendSample(ctxb, dana, v.ID)
	wantErr(t, err, domain.KindConflict, "", "already extended once")
	wantUnchanged(t, db, before)

	// Content in: the shipped and "more time" DMs are edited in place so
	// their Submit content buttons go.
	_, err = app.SubmitContent(ctxb, mayaA, v.ID, "https://www.tiktok.com/@maya/video/7301234567890123456")
	mustNil(t, err, "SubmitContent")
	for _, what := range []string{"shipped", "extended"} {
		edit := mustOutboxKey(t, db, sampleKey(v.ID, what)+"~completed")
		if string(edit.Replaces) != sampleKey(v.ID, what) {
			t.Errorf("%s DM edit replaces %q", what, edit.Replaces)
		}
		if c := rendered(edit); len(c.AllButtons()) != 0 || !strings.Contains(cardText(c), "content") {
			t.Errorf("%s DM after content: %+v, want no buttons and the content noted", what, c)
		}
	}
}

// The sweep expires undecided requests after 7 days and flags shipped
// samples past their deadline to the sellers, once each; a late link still
// completes an overdue sample.
func TestExpireDueSamples(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddProduct(t, app, "P200", 5, "")
	maya, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	shipped := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, shipped.ID)
	due := mustShip(t, app, shipped.ID).DueAt
	waiting := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P200", PlanID: plan.ID})

	// Just before 7 days the request is still decidable (checked, not done).
	clk.Set(waiting.RequestedAt.Add(domain.DecisionWindow - time.Millisecond))
	if res, err := app.ExpireDue(ctxb); err != nil || res.SamplesExpired != 0 {
		t.Fatalf("before 7 days: %+v, %v", res, err)
	}

	// At 7 days it cannot be decided, even before the sweep.
	clk.Set(waiting.RequestedAt.Add(domain.DecisionWindow))
	before := stateOf(t, db)
	_, err := app.ApproveSample(ctxb, erin, waiting.ID)
	wantErr(t, err, domain.KindConflict, "", "expired", "without a decision")
	_, err = app.RejectSample(ctxb, erin, waiting.ID, domain.RejectNotMatch, "")
	wantErr(t, err, domain.KindConflict, "", "expired")
	wantUnchanged(t, db, before)

	res, err := app.ExpireDue(ctxb)
	mustNil(t, err, "ExpireDue")
	if res.SamplesExpired != 1 || res.SamplesOverdue != 0 {
		t.Errorf("sweep at 7 days: %+v", res)
	}
	if got := sampleOf(t, db, waiting.ID).State; got != domain.SampleExpired {
		t.Errorf("waiting request is %s", got)
	}
	if dm := mustOutboxKey(t, db, sampleKey(waiting.ID, "expired")); dm.To.String() != fmt.Sprintf("creator:%d", maya.ID) {
		t.Errorf("expiry DM to %s", dm.To)
	}
	if c := mustOutboxKey(t, db, sampleKey(waiting.ID, "card~expired")); !(c.Replaces != "") || len(rendered(c).Buttons) != 0 {
		t.Errorf("expired card %+v", rendered(c))
	}
	if got := productOf(t, db, "P200").SampleStock; got != 5 {
		t.Errorf("P200 stock %d after expiry", got)
	}

	clk.Set(due)
	for run, want := range []int{1, 0} {
		res, err := app.ExpireDue(ctxb)
		mustNil(t, err, "ExpireDue")
		if res.SamplesOverdue != want || res.SamplesExpired != 0 {
			t.Errorf("run %d at the due date: %+v, want %d overdue", run+1, res, want)
		}
	}
	if got := sampleOf(t, db, shipped.ID).State; got != domain.SampleOverdue {
		t.Errorf("shipped sample past due is %s", got)
	}
	flags := overdueFlags(t, db, shipped.ID)
	if len(flags) != 1 || !strings.Contains(rendered(flags[0]).Text, "extend "+shipped.Ref()) {
		t.Errorf("overdue flags %+v, want one naming the extend command", flags)
	}
	if n := countEvents(t, db, fmt.Sprintf("sample:%d", shipped.ID), "sample.overdue"); n != 1 {
		t.Errorf("%d sample.overdue events", n)
	}

	// Late content still completes it; the expired product may be asked again.
	_, err = app.SubmitContent(ctxb, mayaA, shipped.ID, tiktokVideo)
	mustNil(t, err, "SubmitContent on overdue")
	if got := sampleOf(t, db, shipped.ID).State; got != domain.SampleCompleted {
		t.Errorf("late content left the sample %s", got)
	}
	mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P200", PlanID: plan.ID})
}

// A sample extended after going overdue and then missing its new deadline
// is flagged to the sellers again.
func TestOverdueAgainAfterExtensionIsFlagged(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	v := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, v.ID)
	due := mustShip(t, app, v.ID).DueAt

	clk.Set(due)
	_, err := app.ExpireDue(ctxb)
	mustNil(t, err, "ExpireDue")
	ev, err := app.ExtendSample(ctxb, dana, v.ID)
	mustNil(t, err, "ExtendSample")
	clk.Set(ev.DueAt)
	res, err := app.ExpireDue(ctxb)
	mustNil(t, err, "ExpireDue")
	if res.SamplesOverdue != 1 || sampleOf(t, db, v.ID).State != domain.SampleOverdue {
		t.Fatalf("second deadline: %+v, state %s", res, sampleOf(t, db, v.ID).State)
	}
	flags := overdueFlags(t, db, v.ID)
	if len(flags) == 1 {
		t.Fatalf("the second overdue is not flagged: its outbox key %q is the first one's", flags[0].Key)
	}
	if len(flags) != 2 {
		t.Errorf("%d overdue flags, want 2", len(flags))
	}
}

// overdueFlags lists the sellers' messages flagging sample id overdue.
func overdueFlags(t *testing.T, db storetest.Engine, id int64) []domain.Outgoing {
	t.Helper()
	var out []domain.Outgoing
	for _, o := range outboxTo(t, db, "channel:sellers") {
		if strings.Contains(rendered(o).Title, "is overdue") && o.Thread == fmt.Sprintf("sample:%d", id) {
			out = append(out, o)
		}
	}
	return out
}

// A sample comes only with a pending or accepted invitation; one whose date
// passed is expired even before the sweep marks it, as for answers.
func TestRequestSampleThroughExpiredInvitation(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	expires := clk.Now().Add(day24)
	inv := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500,
		Sample: &domain.SampleOffer{}, Expires: expires}).Invitations[0]
	in := commands.SampleInput{ProductID: "P100", InvitationID: inv.ID}

	_, err := app.WithdrawInvitation(ctxb, dana, inv.ID)
	mustNil(t, err, "WithdrawInvitation")
	_, err = app.RequestSample(ctxb, mayaA, in)
	wantErr(t, err, domain.KindConflict, "", "withdrawn")

	inv = mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500,
		Sample: &domain.SampleOffer{}, Expires: expires}).Invitations[0]
	in.InvitationID = inv.ID
	clk.Set(expires.Add(time.Hour))
	before := stateOf(t, db)
	_, err = app.RequestSample(ctxb, mayaA, in)
	if err == nil {
		t.Fatalf("a sample was requested through invitation %s an hour after it expired", inv.Ref())
	}
	wantErr(t, err, domain.KindConflict, "", "ended on")
	wantUnchanged(t, db, before)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Two managers who share a display name are still two people: the second
// is told the first decided, and the conflict says who by member ID.
func TestSameNameManagersAreTwoDeciders(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	plan := mustSamplePlan(t, app, "Spring", false)
	_, mayaA := mustAddCreator(t, app, "maya")
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	erin2 := domain.Actor{Role: domain.RoleManager, MemberID: "U_OTHER_ERIN", Name: "erin"}
	mustApprove(t, app, s.ID) // by erin (U_MGR)
	_, err := app.ApproveSample(ctxb, erin2, s.ID)
	wantErr(t, err, domain.KindConflict, "", "already approved by erin")
	if d := domain.ErrorDecision(err); d == nil || d.By != erin.MemberID {
		t.Errorf("decision %+v, want by %s", d, erin.MemberID)
	}
	// The same manager clicking again gets the decision, not an error.
	if _, err := app.ApproveSample(ctxb, erin, s.ID); err != nil {
		t.Errorf("repeat click by the decider: %v", err)
	}
}

// Marking an overdue sample shipped again with the tracking number it has
// is a repeat, not a correction: the creator is not told twice.
func TestReshipOverdueWithSameTrackingIsARepeat(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	plan := mustSamplePlan(t, app, "Spring", false)
	_, mayaA := mustAddCreator(t, app, "maya")
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	mustApprove(t, app, s.ID)
	v, err := app.ShipSample(ctxb, dana, s.ID, "T-1")
	mustNil(t, err, "ShipSample")
	clk.Set(v.DueAt.Add(time.Hour))
	_, err = app.ExpireDue(ctxb)
	mustNil(t, err, "ExpireDue")
	if got := sampleOf(t, db, s.ID).State; got != domain.SampleOverdue {
		t.Fatalf("sample is %s, want overdue", got)
	}
	before := len(outbox(t, db))
	_, err = app.ShipSample(ctxb, dana, s.ID, "T-1")
	mustNil(t, err, "ShipSample again")
	if after := len(outbox(t, db)); after != before {
		t.Errorf("a repeated ship queued %d messages", after-before)
	}
}

// Once a request a manager had to decide moves on, its "received" DM is
// edited in place so its Cancel button goes; an auto-approved request
// never had that DM, so nothing edits it.
func TestReceivedDMSettles(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 10, "")
	mustAddProduct(t, app, "P200", 10, "")
	mustAddProduct(t, app, "P300", 10, "")
	mustAddProduct(t, app, "P400", 10, "")
	_, maya := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false).ID
	auto := mustSamplePlan(t, app, "Open", true).ID

	approved := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P100", PlanID: plan}).ID
	mustApprove(t, app, approved)
	rejected := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P200", PlanID: plan}).ID
	_, err := app.RejectSample(ctxb, erin, rejected, domain.RejectOutOfStock, "")
	mustNil(t, err, "RejectSample")
	cancelled := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P300", PlanID: plan}).ID
	_, err = app.CancelSample(ctxb, maya, cancelled, "")
	mustNil(t, err, "CancelSample")

	for id, state := range map[int64]string{approved: "approved", rejected: "rejected", cancelled: "cancelled"} {
		key := fmt.Sprintf("sample:%d:received", id)
		edit := mustOutboxKey(t, db, key+"~"+state)
		if edit.Replaces != key {
			t.Errorf("S%d: edit replaces %q, want %q", id, edit.Replaces, key)
		}
		c := rendered(edit)
		if len(c.AllButtons()) != 0 || !strings.Contains(c.Title, state) {
			t.Errorf("S%d: the settled DM reads %q with buttons %v", id, c.Title, buttonLabels(c))
		}
	}
	selfServe := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P400", PlanID: auto})
	for _, o := range outbox(t, db) {
		if strings.HasPrefix(o.Key, fmt.Sprintf("sample:%d:received", selfServe.ID)) {
			t.Errorf("an auto-approved request got %s", o.Key)
		}
	}
}
