package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/collabbot/collabbot/domain"
)

const outgoingCols = `id, surface, recipient, message, idem_key, thread, replaces, counts, provider_ref, state, attempts, next_attempt, last_error, created_at, sent_at, sending_deadline`

func scanOutgoing(r rowScanner) (domain.Outgoing, error) {
	var o domain.Outgoing
	var to, msg string
	err := r.Scan(&o.ID, &o.Surface, &to, &msg, &o.Key, &o.Thread, &o.Replaces, &o.Counts, &o.Ref, &o.State, &o.Attempts, timeCol{&o.NextAttempt}, &o.LastError,
		timeCol{&o.CreatedAt}, timeCol{&o.SentAt}, timeCol{&o.LeaseUntil})
	if err != nil {
		return o, err
	}
	if o.To, err = domain.ParseRecipient(to); err != nil {
		return o, fmt.Errorf("outbox row %d: %w", o.ID, err)
	}
	if err := json.Unmarshal([]byte(msg), &o.Notice); err != nil {
		return o, fmt.Errorf("outbox row %d: message: %w", o.ID, err)
	}
	return o, nil
}

// ClaimOutgoing leases up to limit due rows to the caller: pending rows whose
// next attempt has come, and sending rows whose lease ran out (their sender
// died). The select and the update are one statement under the write lock,
// so concurrent claimers, in this process or another, never get the same
// row within a lease. Rows come back oldest first.
func (d *DB) ClaimOutgoing(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]domain.Outgoing, error) {
	if limit < 1 {
		return nil, nil
	}
	var out []domain.Outgoing
	err := d.write(ctx, func(tx *sql.Tx) error {
		// A reclaimed lease counts as an attempt: a message that kills its
		// sender every time must still run out of attempts.
		rows, err := tx.QueryContext(ctx, `UPDATE outbox SET attempts = attempts + (state = 'sending'), state = 'sending', sending_deadline = ?
			WHERE id IN (
				SELECT id FROM outbox
				WHERE (state = 'pending' AND next_attempt <= ?) OR (state = 'sending' AND sending_deadline <= ?)
				ORDER BY id LIMIT ?)
			RETURNING `+outgoingCols,
			now.Add(lease).UnixMilli(), now.UnixMilli(), now.UnixMilli(), limit)
		if err != nil {
			return formatError(err, "store: claim outgoing", nil)
		}
		defer rows.Close()
		for rows.Next() {
			o, err := scanOutgoing(rows)
			if err != nil {
				return domain.Internal(err, "store: claim outgoing")
			}
			out = append(out, o)
		}
		if err := rows.Err(); err != nil {
			return formatError(err, "store: claim outgoing", nil)
		}
		return rows.Close()
	})
	if err != nil {
		return nil, err
	}
	// RETURNING gives rows in no promised order.
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// MarkSent records a delivered row.
func (d *DB) MarkSent(ctx context.Context, o domain.Outgoing, now time.Time) error {
	return d.mark(ctx, o, "store: mark sent",
		`UPDATE outbox SET state = 'sent', sent_at = ?, sending_deadline = NULL`, ms(now))
}

// MarkRetry puts a row whose send failed for now back to pending, counting
// the attempt.
func (d *DB) MarkRetry(ctx context.Context, o domain.Outgoing, next time.Time, errText string) error {
	return d.mark(ctx, o, "store: mark retry",
		`UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_attempt = ?, last_error = ?, sending_deadline = NULL`,
		next.UnixMilli(), errText)
}

// Postpone puts the row back to pending for later without counting an
// attempt: nothing was tried (no sender for its surface is configured yet).
func (d *DB) Postpone(ctx context.Context, o domain.Outgoing, next time.Time, why string) error {
	return d.mark(ctx, o, "store: postpone",
		`UPDATE outbox SET state = 'pending', next_attempt = ?, last_error = ?, sending_deadline = NULL`,
		next.UnixMilli(), why)
}

// MarkFailed gives up on the row. The failed send counts as an attempt.
func (d *DB) MarkFailed(ctx context.Context, o domain.Outgoing, errText string) error {
	return d.mark(ctx, o, "store: mark failed",
		`UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, sending_deadline = NULL`, errText)
}

// mark records the outcome of a claimed row, only while the caller's claim
// holds: a worker whose lease ran out gets a conflict instead of undoing
// what the row's new holder did.
func (d *DB) mark(ctx context.Context, o domain.Outgoing, op, set string, args ...any) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, set+` WHERE id = ? AND state = 'sending' AND sending_deadline = ?`,
			append(args, o.ID, o.LeaseUntil.UnixMilli())...)
		if err != nil {
			return formatError(err, op, nil)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return domain.Internal(err, op)
		}
		if n == 1 {
			return nil
		}
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM outbox WHERE id = ?`, o.ID).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			return domain.Missing{Thing: "outgoing", Ref: fmt.Sprint(o.ID)}.Err()
		case err != nil:
			return formatError(err, op, nil)
		}
		return domain.Errorf(domain.KindConflict, "The claim on outgoing message %d ran out; another worker holds it now.", o.ID)
	})
}

// ListOutgoing lists rows in state ("" for all) oldest first, the order the
// dispatcher works in.
func (d *DB) ListOutgoing(ctx context.Context, state domain.OutboxState, limit int) ([]domain.Outgoing, error) {
	var out []domain.Outgoing
	err := d.run(ctx, d.reader, readOnly, func(t *tx) error {
		var q query
		if state != "" {
			q.add(`state = ?`, string(state))
		}
		var err error
		out, err = list(ctx, t, "store: list outgoing", `SELECT `+outgoingCols+` FROM outbox`+q.sql("id", limit), q.args, scanOutgoing)
		return err
	})
	return out, err
}
