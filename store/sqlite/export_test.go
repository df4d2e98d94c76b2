package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// The exports read narrow queries of their own; every field they give must
// equal what the full views (InvitationViews, SampleViews) read of the same
// rows, in the same order.
func TestExportsMatchViews(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	amy, bea := mustCreator(t, db, "amy"), mustCreator(t, db, "bea")
	bea.Address = "1 Main St, Springfield"
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.UpdateCreator(ctx, bea) })
	mustProduct(t, db, "P1", 10)
	mustProduct(t, db, "P2", 10)
	c1, c2 := mustCollaboration(t, db, "P2", "P1"), mustCollaboration(t, db)
	i1 := mustInvitation(t, db, c1.ID, amy.ID, domain.InvitationPending, t0, t0.Add(time.Hour))
	mustInvitation(t, db, c2.ID, bea.ID, domain.InvitationDeclined, t0.Add(time.Minute), t0.Add(2*time.Hour))
	i1.PendingRate, i1.PendingFrom = 900, t0.Add(24*time.Hour)
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.UpdateInvitation(ctx, i1) })
	mustUpdate(t, db, func(tx commands.Tx) error {
		return tx.PutMember(ctx, domain.Member{ID: "U0MGR", Name: "Erin", Role: domain.RoleManager})
	})
	plan := domain.Plan{Name: "Spring", State: domain.PlanActive, Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertPlan(ctx, &plan) })
	for _, s := range []domain.SampleRequest{
		{CreatorID: amy.ID, ProductID: "P1", Quantity: 1, State: domain.SampleRequested, PlanID: plan.ID, RequestedAt: t0},
		{CreatorID: bea.ID, ProductID: "P1", Quantity: 2, State: domain.SampleShipped, InvitationID: i1.ID, RequestedAt: t0, DecidedBy: "U0MGR", DecidedAt: t0.Add(time.Hour), ShippedAt: t0.Add(2 * time.Hour), Tracking: "1Z9", DueAt: t0.Add(48 * time.Hour)},
		{CreatorID: bea.ID, ProductID: "P2", Quantity: 1, State: domain.SampleRejected, RequestedAt: t0, DecidedBy: "U0GONE", DecidedAt: t0.Add(time.Hour), RejectReason: domain.RejectReason("other"), RejectNote: "no"},
	} {
		mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertSample(ctx, &s) })
	}

	type invCells struct {
		inv                      domain.Invitation
		handle, collab, products string
	}
	var gotInv, wantInv []invCells
	mustView(t, db, func(tx commands.Tx) error {
		if err := tx.ExportInvitations(ctx, func(r *commands.InvitationCSVRow) error {
			i := r.Invitation
			i.Nudges, i.Version = 0, 0 // not exported
			gotInv = append(gotInv, invCells{i, r.Handle, r.Collaboration, r.Products})
			return nil
		}); err != nil {
			return err
		}
		return tx.InvitationViews(ctx, commands.InvitationFilter{}, func(v commands.InvitationView) error {
			i := v.Invitation
			i.Nudges, i.Version = 0, 0
			wantInv = append(wantInv, invCells{i, v.Creator.Handle, v.Collaboration.Name, strings.Join(v.Collaboration.ProductIDs, " ")})
			return nil
		})
	})
	if len(wantInv) != 2 {
		t.Fatalf("%d invitation views, want 2", len(wantInv))
	}
	wantEqual(t, "exported invitations", gotInv, wantInv)

	type sampleCells struct {
		s                                       domain.SampleRequest
		handle, address, product, decider, plan string
	}
	cells := func(r commands.SampleRow) sampleCells {
		s := r.Sample
		// Not in the CSV, so not read by the export.
		s.OfferID, s.Note, s.Extended, s.PostWithinDays, s.Version = 0, "", false, 0, 0
		return sampleCells{s, r.Creator.Handle, r.Creator.Address, r.Product.ID, r.DeciderName, r.PlanName}
	}
	var gotS, wantS []sampleCells
	mustView(t, db, func(tx commands.Tx) error {
		if err := tx.ExportSamples(ctx, func(r *commands.SampleRow) error { gotS = append(gotS, cells(*r)); return nil }); err != nil {
			return err
		}
		return tx.SampleViews(ctx, commands.SampleFilter{}, func(r commands.SampleRow) error { wantS = append(wantS, cells(r)); return nil })
	})
	if len(wantS) != 3 || wantS[1].decider != "Erin" || wantS[2].plan != "Spring" || wantS[1].address == "" {
		t.Fatalf("fixture views = %+v", wantS)
	}
	wantEqual(t, "exported samples", gotS, wantS)
}
