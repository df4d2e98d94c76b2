package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// testViews: InvitationViews and SampleViews return what the one-row
// lookups would, joined, newest first, within the limit, and the counts
// ignore the limit.
func testViews(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	var second domain.Invitation
	var offer domain.SampleOffer
	update(t, e, func(tx commands.Tx) error {
		if err := tx.PutMember(ctxb, domain.Member{ID: "U_MGR", Name: "erin", Role: domain.RoleManager}); err != nil {
			return err
		}
		if err := tx.InsertProduct(ctxb, domain.Product{ID: "P200", Title: "Serum", SampleStock: 1}); err != nil {
			return err
		}
		offer = domain.SampleOffer{PerCreator: 1, Requirements: domain.Requirements{PostWithinDays: 14}}
		c := domain.Collaboration{Name: "Autumn", ProductIDs: []string{"P200", "P100"}, Sample: &offer, ExpiresAt: t0.AddDate(0, 0, 10), CreatedAt: t0}
		if err := tx.InsertCollaboration(ctxb, &c); err != nil {
			return err
		}
		offer = *c.Sample
		second = domain.Invitation{CollaborationID: c.ID, CreatorID: fx.creator.ID, Rate: 2000, State: domain.InvitationAccepted, CreatedAt: t0, ExpiresAt: t0.AddDate(0, 0, 10)}
		if err := tx.InsertInvitation(ctxb, &second); err != nil {
			return err
		}
		s := domain.SampleRequest{CreatorID: fx.creator.ID, ProductID: "P200", InvitationID: second.ID, Quantity: 1, State: domain.SampleApproved,
			RequestedAt: t0, DecidedBy: "U_MGR", DecidedAt: t0}
		return tx.InsertSample(ctxb, &s)
	})
	err := e.View(ctxb, func(tx commands.Tx) error {
		var got []commands.InvitationView
		if err := tx.InvitationViews(ctxb, commands.InvitationFilter{}, func(v commands.InvitationView) error {
			got = append(got, v)
			return nil
		}); err != nil {
			return err
		}
		if len(got) != 2 || got[0].ID != second.ID || got[1].ID != fx.invitation.ID {
			t.Fatalf("InvitationViews: %d views %+v, want I%d then I%d", len(got), got, second.ID, fx.invitation.ID)
		}
		for _, v := range got {
			inv, _ := tx.Invitation(ctxb, v.ID)
			cr, _ := tx.Creator(ctxb, v.CreatorID)
			col, _ := tx.Collaboration(ctxb, v.CollaborationID)
			want := commands.InvitationView{Invitation: inv, Creator: cr, Collaboration: col}
			if !reflect.DeepEqual(v, want) {
				t.Errorf("InvitationViews row %d:\n got %+v\nwant %+v", v.ID, v, want)
			}
		}
		var limited int
		if err := tx.InvitationViews(ctxb, commands.InvitationFilter{Limit: 1}, func(commands.InvitationView) error { limited++; return nil }); err != nil {
			return err
		}
		if n, err := tx.CountInvitations(ctxb, commands.InvitationFilter{Limit: 1}); err != nil || n != 2 || limited != 1 {
			t.Errorf("Limit 1: %d views, count %d (%v); want 1 and 2", limited, n, err)
		}
		if n, err := tx.CountInvitations(ctxb, commands.InvitationFilter{States: []domain.InvitationState{domain.InvitationAccepted}}); err != nil || n != 1 {
			t.Errorf("CountInvitations(accepted) = %d, %v; want 1", n, err)
		}

		var rows []commands.SampleRow
		if err := tx.SampleViews(ctxb, commands.SampleFilter{}, func(r commands.SampleRow) error {
			rows = append(rows, r)
			return nil
		}); err != nil {
			return err
		}
		if len(rows) != 2 {
			t.Fatalf("SampleViews: %d rows, want 2", len(rows))
		}
		if r := rows[0]; r.Sample.ProductID != "P200" || r.DeciderName != "erin" || r.PlanName != "" || r.Product.Title != "Serum" || r.Creator.Handle != "maya_glow" {
			t.Errorf("SampleViews newest = %+v; want P200 decided by erin, no plan", r)
		}
		if r := rows[1]; r.Sample.ID != fx.sample.ID || r.PlanName != "Summer" || r.DeciderName != "" {
			t.Errorf("SampleViews oldest = %+v; want the plan's request, undecided", r)
		}
		s, _ := tx.Sample(ctxb, rows[1].Sample.ID)
		if !reflect.DeepEqual(rows[1].Sample, s) {
			t.Errorf("SampleViews sample:\n got %+v\nwant %+v", rows[1].Sample, s)
		}
		if n, err := tx.CountSamples(ctxb, commands.SampleFilter{States: []domain.SampleState{domain.SampleApproved}, Limit: 1}); err != nil || n != 1 {
			t.Errorf("CountSamples(approved) = %d, %v; want 1", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testDueFilters: the sweep's filters select exactly what is due.
func testDueFilters(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	now := t0.Add(48 * time.Hour)
	update(t, e, func(tx commands.Tx) error {
		inv, _ := tx.Invitation(ctxb, fx.invitation.ID)
		inv.PendingRate, inv.PendingFrom = 800, now.Add(-time.Minute)
		if err := tx.UpdateInvitation(ctxb, inv); err != nil {
			return err
		}
		s, _ := tx.Sample(ctxb, fx.sample.ID)
		s.State, s.DueAt = domain.SampleShipped, now.Add(time.Hour)
		return tx.UpdateSample(ctxb, s)
	})
	ids := func(f commands.InvitationFilter) int {
		return len(read(t, e, func(tx commands.Tx) ([]domain.Invitation, error) { return tx.ListInvitations(ctxb, f) }))
	}
	if n := ids(commands.InvitationFilter{PendingRateDueBefore: now}); n != 1 {
		t.Errorf("PendingRateDueBefore(now) = %d invitations, want 1", n)
	}
	if n := ids(commands.InvitationFilter{PendingRateDueBefore: now.Add(-time.Hour)}); n != 0 {
		t.Errorf("PendingRateDueBefore(an hour ago) = %d invitations, want 0", n)
	}
	if n := len(samples(t, e, commands.SampleFilter{DueBefore: now})); n != 0 {
		t.Errorf("DueBefore(now) = %d samples, want 0", n)
	}
	if n := len(samples(t, e, commands.SampleFilter{DueBefore: now.Add(2 * time.Hour)})); n != 1 {
		t.Errorf("DueBefore(in two hours) = %d samples, want 1", n)
	}
	if n := len(samples(t, e, commands.SampleFilter{RequestedBefore: t0})); n != 0 {
		t.Errorf("RequestedBefore(t0) = %d samples, want 0", n)
	}
	if n := len(samples(t, e, commands.SampleFilter{RequestedBefore: t0.Add(time.Millisecond)})); n != 1 {
		t.Errorf("RequestedBefore(t0+1ms) = %d samples, want 1", n)
	}
}

// testCountStates: counts by state match the rows.
func testCountStates(t *testing.T, e Engine) {
	mustFixture(t, e)
	c := read(t, e, func(tx commands.Tx) (commands.StateCounts, error) { return tx.CountStates(ctxb) })
	want := commands.StateCounts{
		Invitations: map[domain.InvitationState]int{domain.InvitationPending: 1},
		Plans:       map[domain.PlanState]int{domain.PlanActive: 1},
		Samples:     map[domain.SampleState]int{domain.SampleRequested: 1},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("CountStates = %+v, want %+v", c, want)
	}
}

// testCreatorCards: a card counts the creator's shipped and posted samples;
// the count ignores the limit.
func testCreatorCards(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	update(t, e, func(tx commands.Tx) error {
		if err := tx.InsertCreator(ctxb, &domain.Creator{Handle: "zed", CreatedAt: t0}); err != nil {
			return err
		}
		s, _ := tx.Sample(ctxb, fx.sample.ID)
		s.State, s.ContentURL = domain.SampleCompleted, "https://www.tiktok.com/@maya_glow/video/1"
		return tx.UpdateSample(ctxb, s)
	})
	cards := read(t, e, func(tx commands.Tx) ([]commands.CreatorCard, error) {
		return tx.CreatorCards(ctxb, commands.CreatorFilter{})
	})
	if len(cards) != 2 || cards[0].Creator.Handle != "maya_glow" || cards[0].Received != 1 || cards[0].Posted != 1 || cards[1].Received != 0 {
		t.Errorf("CreatorCards = %+v; want maya_glow 1/1 then zed 0/0", cards)
	}
	cr := read(t, e, func(tx commands.Tx) (domain.Creator, error) { return tx.Creator(ctxb, fx.creator.ID) })
	if !reflect.DeepEqual(cards[0].Creator, cr) {
		t.Errorf("CreatorCards creator:\n got %+v\nwant %+v", cards[0].Creator, cr)
	}
	if n := read(t, e, func(tx commands.Tx) (int, error) { return tx.CountCreators(ctxb, commands.CreatorFilter{Limit: 1}) }); n != 2 {
		t.Errorf("CountCreators = %d, want 2", n)
	}
}
