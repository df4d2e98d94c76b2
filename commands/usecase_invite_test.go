package commands_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
)

// One invitation per creator, each with its own rate, each a Discord DM in
// the outbox with the offer and its buttons.
func TestInviteCreatorsSendsOneDMPerCreator(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 10, "")
	mustAddProduct(t, app, "P200", 10, "")
	maya, _ := mustAddCreator(t, app, "maya")
	leo, _ := mustAddCreator(t, app, "leo")
	sam, _ := mustAddCreator(t, app, "sam")

	res := mustInvite(t, app, commands.InviteRequest{
		Name: "Spring launch", Creators: targets(t, "maya=12%", "@Leo"), Products: []string{"P100", "P200"}, Rate: 1500,
		Sample: &domain.SampleOffer{}, ContactEmail: "partners@shop.com", Message: "Hi there!",
	})
	if len(res.Invitations) != 2 || len(res.Skipped) != 0 {
		t.Fatalf("invitations %+v, skipped %+v", res.Invitations, res.Skipped)
	}
	if res.Collaboration.ID == 0 || !reflect.DeepEqual(res.Collaboration.ProductIDs, []string{"P100", "P200"}) || res.Collaboration.Sample == nil {
		t.Errorf("collaboration = %+v", res.Collaboration)
	}
	want := map[int64]domain.Rate{maya.ID: 1200, leo.ID: 1500}
	for _, v := range res.Invitations {
		stored := invitationOf(t, db, v.ID)
		if stored.Rate != want[v.CreatorID] || stored.State != domain.InvitationPending || stored.CollaborationID != res.Collaboration.ID {
			t.Errorf("I%d stored %+v, want pending at %s", v.ID, stored, want[v.CreatorID])
		}
		if !stored.ExpiresAt.After(clk.Now().AddDate(0, 0, 29)) {
			t.Errorf("I%d expires %v, want the default 30 days", v.ID, stored.ExpiresAt)
		}
		dms := outboxTo(t, db, fmt.Sprintf("creator:%d", v.CreatorID))
		if len(dms) != 1 {
			t.Fatalf("creator %d has %d DMs, want 1", v.CreatorID, len(dms))
		}
		m := dms[0]
		if m.Surface != domain.SurfaceDiscord || m.Key != fmt.Sprintf("invitation:%d:dm", v.ID) || m.State != domain.OutboxPending || !m.Counts {
			t.Errorf("DM row = %+v", m)
		}
		if got, wantB := buttonLabels(rendered(m)), []string{"Accept", "Decline", "Request sample"}; !reflect.DeepEqual(got, wantB) {
			t.Errorf("buttons %v, want %v", got, wantB)
		}
		wantActions := []string{fmt.Sprintf("accept:%d", v.ID), fmt.Sprintf("decline:%d", v.ID), fmt.Sprintf("request-sample:%d", v.ID)}
		if got := buttonActions(rendered(m)); !reflect.DeepEqual(got, wantActions) {
			t.Errorf("actions %v, want %v", got, wantActions)
		}
		if rate, _ := fieldValue(rendered(m), "Commission rate"); rate != want[v.CreatorID].String() {
			t.Errorf("DM rate field %q, want %s", rate, want[v.CreatorID])
		}
		if rendered(m).Text != "Hi there!" || !strings.Contains(rendered(m).Title, "Spring launch") {
			t.Errorf("DM title %q text %q", rendered(m).Title, rendered(m).Text)
		}
		if contact, _ := fieldValue(rendered(m), "Contact"); contact != "partners@shop.com" {
			t.Errorf("DM contact %q", contact)
		}
		if n := countEvents(t, db, fmt.Sprintf("invitation:%d", v.ID), "invitation.sent"); n != 1 {
			t.Errorf("I%d: %d invitation.sent events", v.ID, n)
		}
	}
	if n := len(outboxTo(t, db, fmt.Sprintf("creator:%d", sam.ID))); n != 0 {
		t.Errorf("sam, not invited, got %d DMs", n)
	}

	// Without a sample offer there is no Request sample button, and the
	// template is used when no message is given.
	inv := mustInviteOne(t, app, "sam", false, "P100")
	m := rendered(mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:dm", inv.ID)))
	if got := buttonLabels(m); !reflect.DeepEqual(got, []string{"Accept", "Decline"}) {
		t.Errorf("buttons without a sample = %v", got)
	}
	if !strings.Contains(m.Text, "@sam") || !strings.Contains(m.Text, "15%") {
		t.Errorf("template text %q", m.Text)
	}
	if v, _ := fieldValue(m, "Free sample"); v != "Not offered" {
		t.Errorf("Free sample field %q", v)
	}
}

// Bad input is refused with the field at fault, and nothing is stored.
func TestInviteCreatorsRejectsBadInput(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 10, "")
	mustAddCreator(t, app, "maya")
	mustAddCreator(t, app, "leo")
	tests := []struct {
		name  string
		req   commands.InviteRequest
		field string
		frag  string
	}{
		{"unknown creator", commands.InviteRequest{Creators: targets(t, "maya", "ghost"), Products: []string{"P100"}, Rate: 1500}, "creators", "@ghost"},
		{"unknown product", commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100", "P999"}, Rate: 1500}, "products", "P999"},
		{"no creators", commands.InviteRequest{Products: []string{"P100"}, Rate: 1500}, "creators", "1 to 50"},
		{"creator twice", commands.InviteRequest{Creators: targets(t, "maya", "@MAYA"), Products: []string{"P100"}, Rate: 1500}, "creators", "twice"},
		{"no products", commands.InviteRequest{Creators: targets(t, "maya"), Rate: 1500}, "products", "1 to 100"},
		{"rate too high", commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 9500}, "commission_rate", "80%"},
		{"own rate too low", commands.InviteRequest{Creators: []commands.InviteTarget{{Handle: "maya", Rate: 50}}, Products: []string{"P100"}, Rate: 1500}, "commission_rate", "1%"},
		{"no rate", commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}}, "commission_rate", "@maya"},
		{"bad email", commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500, ContactEmail: "nope"}, "contact_email", "e-mail"},
		{"expired already", commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500, Expires: clk.Now().Add(-time.Hour)}, "expires", "future"},
		{"bad sample offer", commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500, Sample: &domain.SampleOffer{PerCreator: 11}}, "samples", "1 to 10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := stateOf(t, db)
			_, err := app.InviteCreators(ctxb, dana, tc.req)
			wantErr(t, err, domain.KindInvalid, tc.field, tc.frag)
			wantUnchanged(t, db, before)
		})
	}
}

// Creators who cannot be messaged are skipped with the reason; the others
// are invited. When nobody is left the round is a conflict storing nothing.
func TestInviteCreatorsSkipsWhoCannotBeMessaged(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	for _, p := range []string{"P100", "P1", "P2", "P3", "P4", "P5"} {
		mustAddProduct(t, app, p, 10, "")
	}
	mustAddCreator(t, app, "maya")
	mustAddCreator(t, app, "nolink", unlinked)
	blocked, _ := mustAddCreator(t, app, "blocked")
	mustNil(t, app.MarkUnreachable(ctxb, blocked.ID, "Cannot send messages to this user"), "MarkUnreachable")
	silent, _ := mustAddCreator(t, app, "silent")
	for _, p := range []string{"P1", "P2", "P3", "P4", "P5"} {
		mustInviteOne(t, app, "silent", false, p)
	}
	if got := creatorOf(t, db, silent.ID).Unanswered; got != 5 {
		t.Fatalf("silent has %d unanswered messages after 5 invitations, want 5", got)
	}
	busy, _ := mustAddCreator(t, app, "busy")
	earlier := mustInviteOne(t, app, "busy", false, "P100")

	res := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "maya", "nolink", "blocked", "silent", "busy"), Products: []string{"P100"}, Rate: 1500})
	if len(res.Invitations) != 1 || res.Invitations[0].Creator.Handle != "maya" {
		t.Fatalf("invited %+v, want only maya", res.Invitations)
	}
	reasons := map[string]string{}
	for _, s := range res.Skipped {
		reasons[s.Handle] = s.Reason
	}
	for handle, frag := range map[string]string{
		"@nolink":  "no Discord account linked",
		"@blocked": "cannot be reached",
		"@silent":  "5 messages without an answer",
		"@busy":    "already has pending invitation " + earlier.Ref() + " for P100",
	} {
		if !strings.Contains(reasons[handle], frag) {
			t.Errorf("skip reason for %s = %q, want %q", handle, reasons[handle], frag)
		}
	}
	if len(res.Skipped) != 4 {
		t.Errorf("skipped %+v, want 4", res.Skipped)
	}
	for _, c := range []int64{silent.ID, busy.ID, blocked.ID} {
		for _, inv := range stateOf(t, db).Invitations {
			if inv.CreatorID == c && inv.CollaborationID == res.Collaboration.ID {
				t.Errorf("skipped creator %d got invitation %+v", c, inv)
			}
		}
	}
	if got := creatorOf(t, db, silent.ID).Unanswered; got != 5 {
		t.Errorf("a skipped creator's counter moved to %d", got)
	}

	// Nobody left to invite: a conflict that names why, and nothing stored.
	before := stateOf(t, db)
	_, err := app.InviteCreators(ctxb, dana, commands.InviteRequest{Creators: targets(t, "nolink", "silent"), Products: []string{"P100"}, Rate: 1500})
	wantErr(t, err, domain.KindConflict, "", "No invitation was sent", "@nolink", "@silent")
	wantUnchanged(t, db, before)
}

// Each invitation DM counts toward the five unanswered messages; an answer
// resets the count so the creator can be invited again.
func TestInvitationAnswerResetsUnanswered(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	for i := 1; i <= 6; i++ {
		mustAddProduct(t, app, fmt.Sprintf("P%d", i), 0, "")
	}
	maya, mayaA := mustAddCreator(t, app, "maya")
	var first commands.InvitationView
	for i := 1; i <= 5; i++ {
		v := mustInviteOne(t, app, "maya", false, fmt.Sprintf("P%d", i))
		if i == 1 {
			first = v
		}
		if got := creatorOf(t, db, maya.ID).Unanswered; got != i {
			t.Fatalf("after %d invitations unanswered = %d", i, got)
		}
	}
	_, err := app.InviteCreators(ctxb, dana, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P6"}, Rate: 1500})
	wantErr(t, err, domain.KindConflict, "", "5 messages without an answer")

	_, err = app.DeclineInvitation(ctxb, mayaA, first.ID, "not my style")
	mustNil(t, err, "DeclineInvitation")
	if got := creatorOf(t, db, maya.ID).Unanswered; got != 0 {
		t.Fatalf("after an answer unanswered = %d, want 0", got)
	}
	if got := invitationOf(t, db, first.ID); got.State != domain.InvitationDeclined || got.DeclineReason != "not my style" {
		t.Errorf("declined invitation stored as %+v", got)
	}
	mustInviteOne(t, app, "maya", false, "P6")
	if got := creatorOf(t, db, maya.ID).Unanswered; got != 1 {
		t.Errorf("after a new invitation unanswered = %d, want 1", got)
	}
}

// The weekly cap counts invitations since Sunday 00:00 in the team's zone;
// a round that would exceed it is refused whole.
func TestInviteWeeklyCap(t *testing.T) {
	t.Parallel()
	app, db, clk := newAppWith(t, commands.Options{WeeklyInviteCap: 3})
	mustAddProduct(t, app, "P100", 0, "")
	for _, h := range []string{"maya", "leo", "sam", "zoe"} {
		mustAddCreator(t, app, h)
	}
	mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "maya", "leo"), Products: []string{"P100"}, Rate: 1500})

	before := stateOf(t, db)
	_, err := app.InviteCreators(ctxb, dana, commands.InviteRequest{Creators: targets(t, "sam", "zoe"), Products: []string{"P100"}, Rate: 1500})
	wantErr(t, err, domain.KindConflict, "", "cap is 3", "2 are used, so 1 left", "at most 1 of these 2", "from Sun 10 May 2026")
	wantUnchanged(t, db, before)

	mustInviteOne(t, app, "sam", false, "P100")
	_, err = app.InviteCreators(ctxb, dana, commands.InviteRequest{Creators: targets(t, "zoe"), Products: []string{"P100"}, Rate: 1500})
	wantErr(t, err, domain.KindConflict, "", "cap of 3 is used up (3 invitations this week)", "from Sun 10 May 2026")

	// Saturday night is still this week; Sunday starts a new one.
	clk.Set(time.Date(2026, 5, 9, 23, 59, 0, 0, time.UTC))
	_, err = app.InviteCreators(ctxb, dana, commands.InviteRequest{Creators: targets(t, "zoe"), Products: []string{"P100"}, Rate: 1500})
	wantErr(t, err, domain.KindConflict, "", "cap of 3 is used up")
	clk.Set(time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC))
	mustInviteOne(t, app, "zoe", false, "P100")
}

// Accept is idempotent, a changed mind is a conflict naming both states,
// and each answer is told to the sellers once.
func TestAnswerInvitation(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	maya, mayaA := mustAddCreator(t, app, "maya")
	inv := mustInviteOne(t, app, "maya", true, "P100")
	clk.Advance(time.Hour)

	v, err := app.AcceptInvitation(ctxb, mayaA, inv.ID)
	mustNil(t, err, "AcceptInvitation")
	stored := invitationOf(t, db, inv.ID)
	if v.State != domain.InvitationAccepted || stored.State != domain.InvitationAccepted || !stored.RespondedAt.Equal(clk.Now()) {
		t.Fatalf("returned %s, stored %+v", v.State, stored)
	}
	subj := fmt.Sprintf("invitation:%d", inv.ID)
	sellers := mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:accepted", inv.ID))
	if sellers.To.String() != "channel:sellers" || !strings.Contains(rendered(sellers).Title, "@maya accepted") {
		t.Errorf("sellers message = %+v", sellers)
	}
	dm := mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:dm~accepted", inv.ID))
	if dm.To.String() != fmt.Sprintf("creator:%d", maya.ID) || !(dm.Replaces != "") || dm.Thread != subj {
		t.Errorf("DM update = %+v", dm)
	}
	if got := buttonLabels(rendered(dm)); !reflect.DeepEqual(got, []string{"Request sample"}) {
		t.Errorf("accepted DM buttons = %v, want only Request sample", got)
	}

	// A second click changes nothing and is not an error.
	before := stateOf(t, db)
	clk.Advance(time.Minute)
	v, err = app.AcceptInvitation(ctxb, mayaA, inv.ID)
	mustNil(t, err, "second AcceptInvitation")
	if v.State != domain.InvitationAccepted {
		t.Errorf("second accept returned %s", v.State)
	}
	wantUnchanged(t, db, before)
	if n := countEvents(t, db, subj, "invitation.accepted"); n != 1 {
		t.Errorf("%d accepted events, want 1", n)
	}

	_, err = app.DeclineInvitation(ctxb, mayaA, inv.ID, "changed my mind")
	wantErr(t, err, domain.KindConflict, "", "accepted", "declined")
	wantUnchanged(t, db, before)

	_, err = app.AcceptInvitation(ctxb, mayaA, 9999)
	wantErr(t, err, domain.KindNotFound, "")
}

// An invitation cannot be answered once its date passed, even before the
// sweep marks it expired; the sweep then expires it exactly once.
func TestInvitationExpiry(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	mustAddProduct(t, app, "P200", 0, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	expires := clk.Now().Add(48 * time.Hour)
	short := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500, Expires: expires}).Invitations[0]
	long := mustInviteOne(t, app, "maya", false, "P200")

	clk.Set(expires.Add(-time.Millisecond))
	if res, err := app.ExpireDue(ctxb); err != nil || res.InvitationsExpired != 0 {
		t.Fatalf("before the date: %+v, %v", res, err)
	}

	clk.Set(expires)
	before := stateOf(t, db)
	_, err := app.AcceptInvitation(ctxb, mayaA, short.ID)
	wantErr(t, err, domain.KindConflict, "", "expired")
	wantUnchanged(t, db, before)

	for run, want := range []int{1, 0} {
		res, err := app.ExpireDue(ctxb)
		mustNil(t, err, "ExpireDue")
		if res.InvitationsExpired != want {
			t.Errorf("run %d expired %d, want %d", run+1, res.InvitationsExpired, want)
		}
	}
	if got := invitationOf(t, db, short.ID).State; got != domain.InvitationExpired {
		t.Errorf("short invitation is %s, want expired", got)
	}
	if got := invitationOf(t, db, long.ID).State; got != domain.InvitationPending {
		t.Errorf("long invitation is %s, want pending", got)
	}
	subj := fmt.Sprintf("invitation:%d", short.ID)
	if n := countEvents(t, db, subj, "invitation.expired"); n != 1 {
		t.Errorf("%d expired events, want 1", n)
	}
	n := 0
	for _, o := range outboxTo(t, db, "channel:sellers") {
		if o.Thread == subj {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d sellers messages about the expiry, want 1", n)
	}
	dm := mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:dm~expired", short.ID))
	if !(dm.Replaces != "") || len(rendered(dm).Buttons) != 0 {
		t.Errorf("expired DM update = %+v, want an update without buttons", rendered(dm))
	}
	_, err = app.AcceptInvitation(ctxb, mayaA, short.ID)
	wantErr(t, err, domain.KindConflict, "", "expired", "accepted")
}

func TestWithdrawInvitation(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	mustAddProduct(t, app, "P200", 0, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	inv := mustInviteOne(t, app, "maya", false, "P100")
	other := mustInviteOne(t, app, "maya", false, "P200")

	v, err := app.WithdrawInvitation(ctxb, dana, inv.ID)
	mustNil(t, err, "WithdrawInvitation")
	if v.State != domain.InvitationWithdrawn || invitationOf(t, db, inv.ID).State != domain.InvitationWithdrawn {
		t.Fatalf("withdrawn invitation is %s", v.State)
	}
	dm := mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:dm~withdrawn", inv.ID))
	if !(dm.Replaces != "") || !strings.Contains(rendered(dm).Text, "Withdrawn") || len(rendered(dm).Buttons) != 0 {
		t.Errorf("withdrawal DM = %+v", rendered(dm))
	}
	if n := countEvents(t, db, fmt.Sprintf("invitation:%d", inv.ID), "invitation.withdrawn"); n != 1 {
		t.Errorf("%d withdrawn events", n)
	}

	before := stateOf(t, db)
	_, err = app.WithdrawInvitation(ctxb, dana, inv.ID)
	mustNil(t, err, "second WithdrawInvitation")
	wantUnchanged(t, db, before)
	_, err = app.AcceptInvitation(ctxb, mayaA, inv.ID)
	wantErr(t, err, domain.KindConflict, "", "withdrawn", "accepted")
	wantUnchanged(t, db, before)

	_, err = app.AcceptInvitation(ctxb, mayaA, other.ID)
	mustNil(t, err, "AcceptInvitation")
	_, err = app.WithdrawInvitation(ctxb, dana, other.ID)
	wantErr(t, err, domain.KindConflict, "", "accepted", "withdrawn")
}

// A raised rate applies at once; a lowered one from 00:00 the next day in
// the team's zone (Paris here, where "next day" is not UTC's). The creator
// is told either way.
func TestChangeInvitationRateInTeamZone(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	mustNil(t, err, "LoadLocation")
	// 22:30 UTC on Sunday 10 May is 00:30 on Monday 11 May in Paris (UTC+2).
	clk := &fakeClock{t: time.Date(2026, 5, 10, 22, 30, 0, 0, time.UTC)}
	app, db, _ := newAppWith(t, commands.Options{Clock: clk, Location: paris})
	mustAddProduct(t, app, "P100", 0, "")
	maya, _ := mustAddCreator(t, app, "maya")
	inv := mustInviteOne(t, app, "maya", false, "P100")
	to := fmt.Sprintf("creator:%d", maya.ID)

	v, immediate, err := app.ChangeInvitationRate(ctxb, dana, inv.ID, 2000)
	mustNil(t, err, "raise")
	stored := invitationOf(t, db, inv.ID)
	if !immediate || v.Rate != 2000 || stored.Rate != 2000 || stored.PendingRate != 0 {
		t.Fatalf("raise: immediate %v, stored %+v", immediate, stored)
	}

	clk.Advance(time.Minute)
	v, immediate, err = app.ChangeInvitationRate(ctxb, dana, inv.ID, 1000)
	mustNil(t, err, "lower")
	stored = invitationOf(t, db, inv.ID)
	wantFrom := time.Date(2026, 5, 12, 0, 0, 0, 0, paris) // next midnight in Paris, 22:00 UTC on the 11th
	if immediate || stored.Rate != 2000 || stored.PendingRate != 1000 || !stored.PendingFrom.Equal(wantFrom) {
		t.Fatalf("lower: immediate %v, stored rate %s pending %s from %v; want 20%%, 10%% from %v",
			immediate, stored.Rate, stored.PendingRate, stored.PendingFrom.In(paris), wantFrom)
	}
	if !v.PendingFrom.Equal(wantFrom) {
		t.Errorf("returned PendingFrom %v", v.PendingFrom)
	}
	if got := stored.EffectiveRate(wantFrom.Add(-time.Millisecond)); got != 2000 {
		t.Errorf("rate just before midnight = %s, want 20%%", got)
	}
	if got := stored.EffectiveRate(wantFrom); got != 1000 {
		t.Errorf("rate at midnight = %s, want 10%%", got)
	}

	var notes []string
	for _, o := range outboxTo(t, db, to) {
		if rendered(o).Title == "Commission change" {
			notes = append(notes, present.Notice(o.Notice, present.Reader{Zone: app.RecipientZone(ctxb, o.To)}).Text)
		}
	}
	if len(notes) != 2 {
		t.Fatalf("creator got %d commission messages, want 2: %q", len(notes), notes)
	}
	if !strings.Contains(notes[0], "is now 20% (was 15%)") {
		t.Errorf("raise message %q", notes[0])
	}
	if !strings.Contains(notes[1], "from 20% to 10%") || !strings.Contains(notes[1], "on Tue 12 May 2026.") {
		t.Errorf("cut message %q, want the day it starts in Paris", notes[1])
	}

	_, _, err = app.ChangeInvitationRate(ctxb, dana, inv.ID, 8100)
	wantErr(t, err, domain.KindInvalid, "commission_rate", "80%")
}

// After a lowered rate took effect, an answer reports the rate in force.
func TestAcceptAfterRateCutReportsRateInForce(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	inv := mustInviteOne(t, app, "maya", false, "P100") // 15%
	_, _, err := app.ChangeInvitationRate(ctxb, dana, inv.ID, 1000)
	mustNil(t, err, "lower")
	clk.Advance(2 * day24) // past the next midnight: 10% is in force

	msg, err := grammar.New(app).Click(ctxb, mayaA, present.FormatAction(present.ActionAccept, inv.ID))
	mustNil(t, err, "accept")
	sellers := rendered(mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:accepted", inv.ID))).Text
	if strings.Contains(msg.Text, "15%") || strings.Contains(sellers, "15%") {
		t.Fatalf("accepting after a lowered rate applied reports the old rate: creator is told %q, sellers %q", msg.Text, sellers)
	}
	if !strings.Contains(msg.Text, "10%") || !strings.Contains(sellers, "10%") {
		t.Errorf("creator told %q, sellers %q; want 10%%", msg.Text, sellers)
	}
	if got := invitationOf(t, db, inv.ID); got.EffectiveRate(clk.Now()) != 1000 {
		t.Errorf("stored %+v", got)
	}
}

// The cap counts only invitations that go out: creators skipped for
// outreach reasons do not use the week's quota.
func TestInviteWeeklyCapCountsOnlySent(t *testing.T) {
	t.Parallel()
	app, _, _ := newAppWith(t, commands.Options{WeeklyInviteCap: 2})
	mustAddProduct(t, app, "P100", 0, "")
	mustAddCreator(t, app, "maya")
	mustAddCreator(t, app, "leo")
	mustAddCreator(t, app, "nodiscord", unlinked)
	mustInviteOne(t, app, "maya", false, "P100")
	res := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "leo", "nodiscord"), Products: []string{"P100"}, Rate: 1500})
	if len(res.Invitations) != 1 || len(res.Skipped) != 1 || res.Skipped[0].Handle != "@nodiscord" {
		t.Fatalf("invitations %+v, skipped %+v; want leo sent and nodiscord skipped within the cap of 2", res.Invitations, res.Skipped)
	}
}
