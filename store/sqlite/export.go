package sqlite

import (
	"context"

	"github.com/collabbot/collabbot/commands"
)

// The exports read only the columns their CSV shows, into one row reused
// from row to row: the list views' 35-column joins cost about 50
// allocations a row. A collaboration's name and products are read once
// per collaboration, not once per invitation.

// ExportInvitations streams every invitation, newest first.
func (t *tx) ExportInvitations(ctx context.Context, each func(*commands.InvitationCSVRow) error) error {
	cols := map[int64]collabCells{}
	err := stream(ctx, t, "store: export collaborations", `SELECT col.id, col.name,
		coalesce((SELECT group_concat(cp.product_id, ' ' ORDER BY cp.position) FROM collaboration_products cp WHERE cp.collaboration_id = col.id), '')
		FROM collaborations col`, nil,
		func(r rowScanner) (collabCells, error) {
			var c collabCells
			err := r.Scan(&c.id, &c.name, &c.products)
			return c, err
		}, func(c collabCells) error {
			cols[c.id] = c
			return nil
		})
	if err != nil {
		return err
	}
	var row commands.InvitationCSVRow
	i := &row.Invitation
	scan := func(r rowScanner) (*commands.InvitationCSVRow, error) {
		err := r.Scan(&i.ID, &i.CollaborationID, &row.Handle, &i.Rate, &i.PendingRate, timeCol{&i.PendingFrom}, &i.State,
			timeCol{&i.CreatedAt}, timeCol{&i.RespondedAt}, timeCol{&i.ExpiresAt}, &i.DeclineReason)
		c := cols[i.CollaborationID]
		row.Collaboration, row.Products = c.name, c.products
		return &row, err
	}
	return stream(ctx, t, "store: export invitations", `SELECT i.id, i.collaboration_id, c.handle, i.rate, i.pending_rate, i.pending_from, i.state,
		i.created_at, i.responded_at, i.expires_at, i.decline_reason
		FROM invitations i JOIN creators c ON c.id = i.creator_id ORDER BY i.id DESC`, nil, scan, each)
}

// ExportSamples streams every sample request, newest first, with the
// fields of commands.SampleRow the samples CSV shows.
func (t *tx) ExportSamples(ctx context.Context, each func(*commands.SampleRow) error) error {
	var row commands.SampleRow
	s := &row.Sample
	scan := func(r rowScanner) (*commands.SampleRow, error) {
		err := r.Scan(&s.ID, &row.Creator.Handle, &s.ProductID, idCol{&s.PlanID}, idCol{&s.InvitationID}, &s.Quantity, &s.State,
			timeCol{&s.RequestedAt}, &s.DecidedBy, timeCol{&s.DecidedAt}, &s.RejectReason, &s.RejectNote,
			timeCol{&s.ShippedAt}, &s.Tracking, timeCol{&s.DueAt}, &s.ContentURL, timeCol{&s.CompletedAt}, &row.Creator.Address,
			&row.DeciderName, &row.PlanName)
		row.Product.ID = s.ProductID
		return &row, err
	}
	return stream(ctx, t, "store: export samples", `SELECT s.id, c.handle, s.product_id, s.plan_id, s.invitation_id, s.quantity, s.state,
		s.requested_at, s.decided_by, s.decided_at, s.reject_reason, s.reject_note,
		s.shipped_at, s.tracking, s.due_at, s.content_url, s.completed_at, c.address,
		coalesce(m.name, ''), coalesce(pl.name, '')
		FROM sample_requests s JOIN creators c ON c.id = s.creator_id
		LEFT JOIN members m ON m.id = s.decided_by LEFT JOIN plans pl ON pl.id = s.plan_id ORDER BY s.id DESC`, nil, scan, each)
}

// collabCells are what an invitations CSV row shows of its collaboration.
type collabCells struct {
	id             int64
	name, products string
}
