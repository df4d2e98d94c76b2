package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/collabbot/collabbot/domain"
)

const linkCols = `id, discord_id, discord_name, handle, creator_id, state, requested_at, decided_at, decided_by, decider_name, why`

func scanLink(r rowScanner) (domain.LinkRequest, error) {
	var l domain.LinkRequest
	err := r.Scan(&l.ID, &l.DiscordID, &l.DiscordName, &l.Handle, idCol{&l.CreatorID}, &l.State, timeCol{&l.RequestedAt},
		timeCol{&l.DecidedAt}, &l.DecidedBy, &l.DeciderName, &l.Why)
	return l, err
}

// InsertLinkRequest stores a claim and sets l.ID.
func (t *tx) InsertLinkRequest(ctx context.Context, l *domain.LinkRequest) error {
	err := t.tx.QueryRowContext(ctx, `INSERT INTO link_requests (discord_id, discord_name, handle, creator_id, state, requested_at, decided_at, decided_by, decider_name, why)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		l.DiscordID, l.DiscordName, l.Handle, nullID(l.CreatorID), l.State, ms(l.RequestedAt), ms(l.DecidedAt), l.DecidedBy, l.DeciderName, l.Why).Scan(&l.ID)
	return formatError(err, "store: insert link request", map[string]string{
		"link_requests.discord_id, link_requests.handle": fmt.Sprintf("You already asked to link @%s; the seller team has not answered yet.", l.Handle),
	})
}

// LinkRequest returns a claim by ID.
func (t *tx) LinkRequest(ctx context.Context, id int64) (domain.LinkRequest, error) {
	l, err := scanLink(t.tx.QueryRowContext(ctx, `SELECT `+linkCols+` FROM link_requests WHERE id = ?`, id))
	return l, notFound(err, "store: link request", domain.Missing{Thing: "link_request", Ref: fmt.Sprintf("L%d", id)})
}

// PendingLink returns the user's waiting claim for handle.
func (t *tx) PendingLink(ctx context.Context, discordID, handle string) (domain.LinkRequest, error) {
	l, err := scanLink(t.tx.QueryRowContext(ctx, `SELECT `+linkCols+` FROM link_requests WHERE discord_id = ? AND handle = ? AND state = 'pending'`, discordID, handle))
	return l, notFound(err, "store: pending link request", domain.Missing{Thing: "link_request", Ref: "@" + handle})
}

// UpdateLinkRequest stores the decision on a claim that is still pending.
func (t *tx) UpdateLinkRequest(ctx context.Context, l domain.LinkRequest) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE link_requests SET state = ?, creator_id = ?, decided_at = ?, decided_by = ?, decider_name = ?
		WHERE id = ? AND state = 'pending'`, l.State, nullID(l.CreatorID), ms(l.DecidedAt), l.DecidedBy, l.DeciderName, l.ID)
	if err != nil {
		return formatError(err, "store: update link request", nil)
	}
	return t.versioned(ctx, res, "store: update link request", "link_requests", l.ID,
		domain.Missing{Thing: "link_request", Ref: l.Ref()},
		domain.Errorf(domain.KindConflict, "Link request %s was decided by someone else meanwhile.", l.Ref()))
}

// WakeOutgoing makes a recipient's pending messages due at now.
func (t *tx) WakeOutgoing(ctx context.Context, to domain.Recipient, now time.Time) (int, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE outbox SET next_attempt = ? WHERE recipient = ? AND state = 'pending' AND next_attempt > ?`,
		now.UnixMilli(), to.String(), now.UnixMilli())
	if err != nil {
		return 0, formatError(err, "store: wake outgoing", nil)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, domain.Internal(err, "store: wake outgoing")
	}
	return int(n), nil
}
