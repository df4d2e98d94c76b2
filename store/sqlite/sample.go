package sqlite

import (
	"context"
	"fmt"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

const sampleCols = `id, creator_id, product_id, offer_id, plan_id, invitation_id, quantity, state, note, requested_at,
	decided_by, decided_at, reject_reason, reject_note, shipped_at, tracking, due_at, extended, content_url, completed_at, post_within_days, version`

func scanSample(r rowScanner) (domain.SampleRequest, error) {
	var s domain.SampleRequest
	err := r.Scan(&s.ID, &s.CreatorID, &s.ProductID, idCol{&s.OfferID}, idCol{&s.PlanID}, idCol{&s.InvitationID}, &s.Quantity,
		&s.State, &s.Note, timeCol{&s.RequestedAt}, &s.DecidedBy, timeCol{&s.DecidedAt}, &s.RejectReason, &s.RejectNote,
		timeCol{&s.ShippedAt}, &s.Tracking, timeCol{&s.DueAt}, &s.Extended, &s.ContentURL, timeCol{&s.CompletedAt}, &s.PostWithinDays, &s.Version)
	return s, err
}

// sampleArgs are the columns after id, in sampleCols order.
func sampleArgs(s domain.SampleRequest) []any {
	return []any{s.CreatorID, s.ProductID, nullID(s.OfferID), nullID(s.PlanID), nullID(s.InvitationID), s.Quantity,
		string(s.State), s.Note, ms(s.RequestedAt), s.DecidedBy, ms(s.DecidedAt), string(s.RejectReason), s.RejectNote,
		ms(s.ShippedAt), s.Tracking, ms(s.DueAt), s.Extended, s.ContentURL, ms(s.CompletedAt), s.PostWithinDays}
}

// InsertSample stores a sample request and sets s.ID. A second open request
// for the same creator and product is a conflict naming the first.
func (t *tx) InsertSample(ctx context.Context, s *domain.SampleRequest) error {
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO sample_requests (creator_id, product_id, offer_id, plan_id, invitation_id, quantity,
		state, note, requested_at, decided_by, decided_at, reject_reason, reject_note, shipped_at, tracking, due_at, extended,
		content_url, completed_at, post_within_days)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, sampleArgs(*s)...).Scan(&id)
	if err != nil {
		return t.failed(ctx, err, "store: insert sample request", t.sampleConflicts(ctx, *s, err),
			creatorRef(s.CreatorID), productRef(s.ProductID), offerRef(s.OfferID), planRef(s.PlanID), invitationRef(s.InvitationID))
	}
	s.ID, s.Version = id, 1
	return nil
}

// sampleConflicts words the one-open-request rule as the domain does.
func (t *tx) sampleConflicts(ctx context.Context, s domain.SampleRequest, err error) map[string]string {
	const key = "sample_requests.creator_id, sample_requests.product_id"
	if constraint(err) != key {
		return nil
	}
	open := make([]any, 0, len(domain.OpenSampleStates)+3)
	open = append(open, s.CreatorID, s.ProductID, s.ID)
	for _, st := range domain.OpenSampleStates {
		open = append(open, string(st))
	}
	var other domain.SampleRequest
	if t.tx.QueryRowContext(ctx, `SELECT id, state FROM sample_requests WHERE creator_id = ? AND product_id = ? AND id <> ?
		AND state IN (`+placeholders(len(domain.OpenSampleStates))+`) LIMIT 1`, open...).Scan(&other.ID, &other.State) != nil {
		return map[string]string{key: fmt.Sprintf("There is already an open sample request for product %s.", s.ProductID)}
	}
	return map[string]string{key: fmt.Sprintf("You already have sample request %s for this product (%s).", other.Ref(), other.State)}
}

// Sample returns a sample request by ID.
func (t *tx) Sample(ctx context.Context, id int64) (domain.SampleRequest, error) {
	s, err := scanSample(t.tx.QueryRowContext(ctx, `SELECT `+sampleCols+` FROM sample_requests WHERE id = ?`, id))
	return s, notFound(err, "store: sample request", domain.Missing{Thing: "sample", Ref: fmt.Sprintf("S%d", id)})
}

// UpdateSample stores every field of an existing sample request but its ID,
// if the row is still at s.Version; a row changed since is a KindConflict.
func (t *tx) UpdateSample(ctx context.Context, s domain.SampleRequest) error {
	key := fmt.Sprintf("sample:%d", s.ID)
	want := t.expect(key, s.Version)
	// Only what a request's steps change: SQLite rewrites the entry of
	// every index holding a column named in SET, changed or not, and the
	// creator and product indexes are two of them.
	res, err := t.tx.ExecContext(ctx, `UPDATE sample_requests SET state = ?, note = ?, decided_by = ?, decided_at = ?,
		reject_reason = ?, reject_note = ?, shipped_at = ?, tracking = ?, due_at = ?, extended = ?, content_url = ?,
		completed_at = ?, post_within_days = ?, version = version + 1 WHERE id = ? AND version = ?`,
		string(s.State), s.Note, s.DecidedBy, ms(s.DecidedAt), string(s.RejectReason), s.RejectNote,
		ms(s.ShippedAt), s.Tracking, ms(s.DueAt), s.Extended, s.ContentURL, ms(s.CompletedAt), s.PostWithinDays, s.ID, want)
	if err != nil {
		return t.failed(ctx, err, "store: update sample request", t.sampleConflicts(ctx, s, err),
			creatorRef(s.CreatorID), productRef(s.ProductID), offerRef(s.OfferID), planRef(s.PlanID), invitationRef(s.InvitationID))
	}
	if err := t.versioned(ctx, res, "store: update sample request", "sample_requests", s.ID, domain.Missing{Thing: "sample", Ref: fmt.Sprintf("S%d", s.ID)},
		domain.Changed("sample", fmt.Sprintf("Sample request S%d", s.ID))); err != nil {
		return err
	}
	t.wrote(key, s.Version, want)
	return nil
}

// ListSamples lists sample requests newest first.
func (t *tx) ListSamples(ctx context.Context, f commands.SampleFilter) ([]domain.SampleRequest, error) {
	q := sampleQuery(f, "")
	stmt := `SELECT ` + sampleCols + ` FROM sample_requests` + q.sql("id DESC", f.Limit)
	return list(ctx, t, "store: list sample requests", stmt, q.args, scanSample)
}

// InsertContent stores a submitted content link and sets c.ID.
func (t *tx) InsertContent(ctx context.Context, c *domain.Content) error {
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO contents (sample_id, creator_id, url, kind, submitted_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		nullID(c.SampleID), c.CreatorID, c.URL, string(c.Kind), ms(c.SubmittedAt)).Scan(&id)
	if err != nil {
		return t.failed(ctx, err, "store: insert content", nil, sampleRef(c.SampleID), creatorRef(c.CreatorID))
	}
	c.ID = id
	return nil
}
