package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

const offerCols = `id, per_creator, stock, reserved, window_start, window_end, approval_exempt,
	min_followers, min_avg_views, min_gmv_30d, categories, post_within_days, terms`

func scanOffer(r rowScanner) (domain.SampleOffer, error) {
	var o domain.SampleOffer
	q := &o.Requirements
	err := r.Scan(&o.ID, &o.PerCreator, &o.Stock, &o.Reserved, timeCol{&o.WindowStart}, timeCol{&o.WindowEnd}, &o.ApprovalExempt,
		&q.MinFollowers, &q.MinAvgViews, &q.MinGMV30d, listCol{&q.Categories}, &q.PostWithinDays, &q.Terms)
	return o, err
}

// InsertOffer stores a sample offer and sets o.ID.
func (t *tx) InsertOffer(ctx context.Context, o *domain.SampleOffer) error {
	q := o.Requirements
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO sample_offers (per_creator, stock, reserved, window_start, window_end, approval_exempt,
		min_followers, min_avg_views, min_gmv_30d, categories, post_within_days, terms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		o.PerCreator, o.Stock, o.Reserved, ms(o.WindowStart), ms(o.WindowEnd), o.ApprovalExempt,
		q.MinFollowers, q.MinAvgViews, int64(q.MinGMV30d), jsonList(q.Categories), q.PostWithinDays, q.Terms).Scan(&id)
	if err != nil {
		return formatError(err, "store: insert sample offer", nil)
	}
	o.ID = id
	return nil
}

// Offer returns a sample offer by ID.
func (t *tx) Offer(ctx context.Context, id int64) (domain.SampleOffer, error) {
	o, err := scanOffer(t.tx.QueryRowContext(ctx, `SELECT `+offerCols+` FROM sample_offers WHERE id = ?`, id))
	return o, notFound(err, "store: sample offer", domain.Missing{Thing: "offer", Ref: fmt.Sprint(id)})
}

// offerFor loads the offer a collaboration or plan points to; none is nil.
func (t *tx) offerFor(ctx context.Context, id int64) (*domain.SampleOffer, error) {
	if id == 0 {
		return nil, nil
	}
	o, err := t.Offer(ctx, id)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// ensureOffer inserts an offer the caller has not stored yet, so "insert the
// offer first" is a convenience rather than a trap.
func (t *tx) ensureOffer(ctx context.Context, o *domain.SampleOffer) error {
	if o == nil || o.ID != 0 {
		return nil
	}
	return t.InsertOffer(ctx, o)
}

// InsertCollaboration stores a targeted collaboration and its products, in
// the order given, and sets c.ID. An unsaved c.Sample is inserted first.
func (t *tx) InsertCollaboration(ctx context.Context, c *domain.Collaboration) error {
	if err := t.ensureOffer(ctx, c.Sample); err != nil {
		return err
	}
	var offerID int64
	if c.Sample != nil {
		offerID = c.Sample.ID
	}
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO collaborations (name, message, contact_email, sample_offer_id, expires_at, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Name, c.Message, c.ContactEmail, nullID(offerID), ms(c.ExpiresAt), c.CreatedBy, ms(c.CreatedAt)).Scan(&id)
	if err != nil {
		return t.failed(ctx, err, "store: insert collaboration", nil, offerRef(offerID))
	}
	for i, p := range c.ProductIDs {
		_, err := t.tx.ExecContext(ctx, `INSERT INTO collaboration_products (collaboration_id, product_id, position) VALUES (?, ?, ?)`, id, p, i)
		if err != nil {
			return t.failed(ctx, err, "store: insert collaboration product", map[string]string{
				"collaboration_products.collaboration_id, collaboration_products.product_id": fmt.Sprintf("Products: %s is listed twice.", p),
			}, productRef(p))
		}
	}
	c.ID = id
	return nil
}

// Collaboration returns a collaboration with its products and sample offer.
func (t *tx) Collaboration(ctx context.Context, id int64) (domain.Collaboration, error) {
	var c domain.Collaboration
	var offerID int64
	err := t.tx.QueryRowContext(ctx, `SELECT id, name, message, contact_email, sample_offer_id, expires_at, created_by, created_at
		FROM collaborations WHERE id = ?`, id).Scan(&c.ID, &c.Name, &c.Message, &c.ContactEmail, idCol{&offerID},
		timeCol{&c.ExpiresAt}, &c.CreatedBy, timeCol{&c.CreatedAt})
	if err := notFound(err, "store: collaboration", domain.Missing{Thing: "collaboration", Ref: fmt.Sprint(id)}); err != nil {
		return domain.Collaboration{}, err
	}
	c.ProductIDs, err = list(ctx, t, "store: collaboration products",
		`SELECT product_id FROM collaboration_products WHERE collaboration_id = ? ORDER BY position`, []any{id},
		func(r rowScanner) (string, error) {
			var p string
			err := r.Scan(&p)
			return p, err
		})
	if err != nil {
		return domain.Collaboration{}, err
	}
	if c.Sample, err = t.offerFor(ctx, offerID); err != nil {
		return domain.Collaboration{}, err
	}
	return c, nil
}

const invitationCols = `id, collaboration_id, creator_id, rate, pending_rate, pending_from, state, decline_reason, nudges, created_at, responded_at, expires_at, version`

func scanInvitation(r rowScanner) (domain.Invitation, error) {
	var i domain.Invitation
	err := r.Scan(&i.ID, &i.CollaborationID, &i.CreatorID, &i.Rate, &i.PendingRate, timeCol{&i.PendingFrom}, &i.State,
		&i.DeclineReason, &i.Nudges, timeCol{&i.CreatedAt}, timeCol{&i.RespondedAt}, timeCol{&i.ExpiresAt}, &i.Version)
	return i, err
}

// InsertInvitation stores an invitation and sets i.ID.
func (t *tx) InsertInvitation(ctx context.Context, i *domain.Invitation) error {
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO invitations (collaboration_id, creator_id, rate, pending_rate, pending_from, state,
		decline_reason, nudges, created_at, responded_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		i.CollaborationID, i.CreatorID, int(i.Rate), int(i.PendingRate), ms(i.PendingFrom), string(i.State),
		i.DeclineReason, i.Nudges, ms(i.CreatedAt), ms(i.RespondedAt), ms(i.ExpiresAt)).Scan(&id)
	if err != nil {
		return t.failed(ctx, err, "store: insert invitation", map[string]string{
			"invitations.collaboration_id, invitations.creator_id": fmt.Sprintf("%s is already invited to this collaboration.", t.creatorName(ctx, i.CreatorID)),
		}, collaborationRef(i.CollaborationID), creatorRef(i.CreatorID))
	}
	i.ID, i.Version = id, 1
	return nil
}

// creatorName is "@handle" for messages, or a neutral fallback.
func (t *tx) creatorName(ctx context.Context, id int64) string {
	var h string
	if err := t.tx.QueryRowContext(ctx, `SELECT handle FROM creators WHERE id = ?`, id).Scan(&h); err != nil {
		return fmt.Sprintf("Creator %d", id)
	}
	return "@" + h
}

// Invitation returns an invitation by ID.
func (t *tx) Invitation(ctx context.Context, id int64) (domain.Invitation, error) {
	i, err := scanInvitation(t.tx.QueryRowContext(ctx, `SELECT `+invitationCols+` FROM invitations WHERE id = ?`, id))
	return i, notFound(err, "store: invitation", domain.Missing{Thing: "invitation", Ref: fmt.Sprintf("I%d", id)})
}

// UpdateInvitation stores what changes over an invitation's life: rates,
// state, answer, nudges and expiry, if the row is still at i.Version; a row
// changed since is a KindConflict.
func (t *tx) UpdateInvitation(ctx context.Context, i domain.Invitation) error {
	key := fmt.Sprintf("invitation:%d", i.ID)
	want := t.expect(key, i.Version)
	res, err := t.tx.ExecContext(ctx, `UPDATE invitations SET rate = ?, pending_rate = ?, pending_from = ?, state = ?,
		decline_reason = ?, nudges = ?, responded_at = ?, expires_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		int(i.Rate), int(i.PendingRate), ms(i.PendingFrom), string(i.State),
		i.DeclineReason, i.Nudges, ms(i.RespondedAt), ms(i.ExpiresAt), i.ID, want)
	if err != nil {
		return formatError(err, "store: update invitation", nil)
	}
	if err := t.versioned(ctx, res, "store: update invitation", "invitations", i.ID, domain.Missing{Thing: "invitation", Ref: fmt.Sprintf("I%d", i.ID)},
		domain.Changed("invitation", fmt.Sprintf("Invitation I%d", i.ID))); err != nil {
		return err
	}
	t.wrote(key, i.Version, want)
	return nil
}

// ListInvitations lists invitations newest first.
func (t *tx) ListInvitations(ctx context.Context, f commands.InvitationFilter) ([]domain.Invitation, error) {
	q := invitationQuery(f, "")
	stmt := `SELECT ` + invitationCols + ` FROM invitations` + q.sql("id DESC", f.Limit)
	return list(ctx, t, "store: list invitations", stmt, q.args, scanInvitation)
}

// TakeInviteQuota takes n invitations from the outreach week starting at
// week, in one conditional increment: the week's count never passes limit.
// A week's row starts from the invitations already created in it. It
// returns the count before taking; over the limit nothing is taken and the
// error is a KindConflict.
func (t *tx) TakeInviteQuota(ctx context.Context, week time.Time, n, limit int) (int, error) {
	const op = "store: take invitation quota"
	if n < 1 {
		return 0, domain.Invalidf("creators", "Invite at least one creator (got %d)", n)
	}
	take := func() (int, error) {
		var used int
		err := t.tx.QueryRowContext(ctx, `UPDATE invite_quota SET used = used + ? WHERE week_start = ? AND used + ? <= ?
			RETURNING used - ?`, n, week.UnixMilli(), n, limit, n).Scan(&used)
		return used, err
	}
	// The week's row exists after its first invitation: try it first, so
	// the week's invitations are counted once a week, not at every one.
	used, err := take()
	if err == nil {
		return used, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, formatError(err, op, nil)
	}
	res, err := t.tx.ExecContext(ctx, `INSERT INTO invite_quota (week_start, used)
		SELECT ?, count(*) FROM invitations WHERE created_at >= ? ON CONFLICT (week_start) DO NOTHING`,
		week.UnixMilli(), week.UnixMilli())
	if err != nil {
		return 0, formatError(err, op, nil)
	}
	if inserted, err := res.RowsAffected(); err != nil {
		return 0, domain.Internal(err, op)
	} else if inserted == 1 {
		used, err = take()
		if err == nil {
			return used, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, formatError(err, op, nil)
		}
	}
	if err := t.tx.QueryRowContext(ctx, `SELECT used FROM invite_quota WHERE week_start = ?`, week.UnixMilli()).Scan(&used); err != nil {
		return 0, formatError(err, op, nil)
	}
	return used, domain.Errorf(domain.KindConflict, "The weekly invitation cap of %d would be passed: %d used, %d more asked.", limit, used, n)
}

// CountInvitationsSince counts invitations created at or after since.
func (t *tx) CountInvitationsSince(ctx context.Context, since time.Time) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM invitations WHERE created_at >= ?`, since.UnixMilli()).Scan(&n)
	return n, formatError(err, "store: count invitations", nil)
}
