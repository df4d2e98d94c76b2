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
	handles := map[int64]string{}
	if err := t.names(ctx, `SELECT id, handle, '' FROM creators`, func(id int64, c nameCells) { handles[id] = c.name }); err != nil {
		return err
	}
	var row commands.InvitationCSVRow
	i := &row.Invitation
	scan := func(r rowScanner) (*commands.InvitationCSVRow, error) {
		err := r.Scan(&i.ID, &i.CollaborationID, &i.CreatorID, &i.Rate, &i.PendingRate, timeCol{&i.PendingFrom}, &i.State,
			timeCol{&i.CreatedAt}, timeCol{&i.RespondedAt}, timeCol{&i.ExpiresAt}, &i.DeclineReason)
		c := cols[i.CollaborationID]
		row.Handle = handles[i.CreatorID]
		row.Collaboration, row.Products = c.name, c.products
		return &row, err
	}
	return stream(ctx, t, "store: export invitations", `SELECT id, collaboration_id, creator_id, rate, pending_rate, pending_from, state,
		created_at, responded_at, expires_at, decline_reason
		FROM invitations ORDER BY id DESC`, nil, scan, each)
}

// ExportSamples streams every sample request, newest first, with the
// fields of commands.SampleRow the samples CSV shows. Creators, deciders
// and plans are read first into maps (they are far fewer than samples), so
// the walk of the samples joins nothing.
func (t *tx) ExportSamples(ctx context.Context, each func(*commands.SampleRow) error) error {
	creators := map[int64]nameCells{}
	if err := t.names(ctx, `SELECT id, handle, address FROM creators`, func(id int64, c nameCells) { creators[id] = c }); err != nil {
		return err
	}
	plans := map[int64]string{}
	if err := t.names(ctx, `SELECT id, name, '' FROM plans`, func(id int64, c nameCells) { plans[id] = c.name }); err != nil {
		return err
	}
	members := map[string]string{}
	err := stream(ctx, t, "store: export members", `SELECT id, name FROM members`, nil,
		func(r rowScanner) ([2]string, error) {
			var m [2]string
			err := r.Scan(&m[0], &m[1])
			return m, err
		}, func(m [2]string) error {
			members[m[0]] = m[1]
			return nil
		})
	if err != nil {
		return err
	}
	var row commands.SampleRow
	s := &row.Sample
	scan := func(r rowScanner) (*commands.SampleRow, error) {
		err := r.Scan(&s.ID, &s.CreatorID, &s.ProductID, idCol{&s.PlanID}, idCol{&s.InvitationID}, &s.Quantity, &s.State,
			timeCol{&s.RequestedAt}, &s.DecidedBy, timeCol{&s.DecidedAt}, &s.RejectReason, &s.RejectNote,
			timeCol{&s.ShippedAt}, &s.Tracking, timeCol{&s.DueAt}, &s.ContentURL, timeCol{&s.CompletedAt})
		c := creators[s.CreatorID]
		row.Creator.ID, row.Creator.Handle, row.Creator.Address = s.CreatorID, c.name, c.address
		row.Product.ID = s.ProductID
		row.DeciderName, row.PlanName = members[s.DecidedBy], plans[s.PlanID]
		return &row, err
	}
	return stream(ctx, t, "store: export samples", `SELECT id, creator_id, product_id, plan_id, invitation_id, quantity, state,
		requested_at, decided_by, decided_at, reject_reason, reject_note,
		shipped_at, tracking, due_at, content_url, completed_at
		FROM sample_requests ORDER BY id DESC`, nil, scan, each)
}

// nameCells are an export's cells of a creator (handle, address) or plan.
type nameCells struct{ name, address string }

// names streams (id, name, address) rows of stmt into put.
func (t *tx) names(ctx context.Context, stmt string, put func(int64, nameCells)) error {
	type idName struct {
		id int64
		c  nameCells
	}
	return stream(ctx, t, "store: export names", stmt, nil,
		func(r rowScanner) (idName, error) {
			var x idName
			err := r.Scan(&x.id, &x.c.name, &x.c.address)
			return x, err
		}, func(x idName) error {
			put(x.id, x.c)
			return nil
		})
}

// collabCells are what an invitations CSV row shows of its collaboration.
type collabCells struct {
	id             int64
	name, products string
}
