package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

const outgoingCols = `id, surface, recipient, message, idem_key, thread, replaces, counts, provider_ref, state, attempts, next_attempt, last_error, created_at, sent_at, sending_deadline, fail_reason, failed_at`

// MaxLost is how many sends of one row may end without an outcome (the
// sender crashed or hung past its lease) before the row is failed: a
// message that kills its sender every time must not take the service down
// every lease forever.
const MaxLost = 5

// NeverDelivered starts the reason an edit fails with when the message it
// edits failed for good; retrying the original re-queues such edits too.
const NeverDelivered = "the message it edits was never delivered: "

func scanOutgoing(r rowScanner) (domain.Outgoing, error) {
	var o domain.Outgoing
	var to, msg string
	err := r.Scan(&o.ID, &o.Surface, &to, &msg, &o.Key, &o.Thread, &o.Replaces, &o.Counts, &o.Ref, &o.State, &o.Attempts, timeCol{&o.NextAttempt}, &o.LastError,
		timeCol{&o.CreatedAt}, timeCol{&o.SentAt}, timeCol{&o.LeaseUntil}, &o.FailReason, timeCol{&o.FailedAt})
	if err != nil {
		return o, err
	}
	if o.To, err = domain.ParseRecipient(to); err != nil {
		return o, fmt.Errorf("outbox row %d: %w", o.ID, err)
	}
	if err := json.Unmarshal([]byte(msg), &o.Notice); err != nil {
		return o, fmt.Errorf("outbox row %d: message: %w", o.ID, err)
	}
	if o.Notice.Kind == "" {
		// Queued by a release that stored words, not facts: send it as
		// it was written.
		var w domain.Worded
		if err := json.Unmarshal([]byte(msg), &w); err != nil {
			return o, fmt.Errorf("outbox row %d: worded message: %w", o.ID, err)
		}
		o.Notice = domain.Notice{Kind: domain.NoticeWorded, Worded: &w}
	}
	return o, nil
}

// turnCame says row o's turn has come: no earlier row of its recipient and
// thread is still pending or sending (a thread is read in the order it was
// queued), and, for an edit, the message it edits is not pending or sending
// (an edit never overtakes its post). An earlier edit of o itself does not
// hold o back: it waits for o, and would otherwise wait forever. The unary
// + keeps the planner on outbox_thread instead of walking every unfinished
// row by state.
const turnCame = `
	AND NOT EXISTS (SELECT 1 FROM outbox e WHERE o.thread <> '' AND e.recipient = o.recipient AND e.thread = o.thread
		AND e.thread <> '' AND e.id < o.id AND +e.state IN ('pending', 'sending') AND e.replaces <> o.idem_key)
	AND NOT EXISTS (SELECT 1 FROM outbox r WHERE o.replaces <> '' AND r.idem_key = o.replaces
		AND +r.state IN ('pending', 'sending'))`

// Candidates for a claim, each a single indexed walk: a row whose lease
// ran out (outbox_lease; arguments now, then the surfaces), and the pending
// row of one surface due longest, rows that are not outreach before
// outreach (outbox_pending_first; arguments now, surface): a fan-out of
// invitation DMs never holds back an answer queued after it.
const (
	pickLost = `SELECT o.id, o.idem_key, o.replaces, o.state, o.lost, o.sending_deadline, o.counts FROM outbox o
	WHERE o.state = 'sending' AND o.sending_deadline <= ?1` + turnCame + `
	AND o.surface IN `
	pickDue = `SELECT o.id, o.idem_key, o.replaces, o.state, o.lost, o.next_attempt, o.counts FROM outbox o
	WHERE o.state = 'pending' AND o.next_attempt <= ?1 AND o.surface = ?2` + turnCame + `
	ORDER BY o.counts, o.next_attempt, o.id LIMIT 1`
)

// candidate is a row a claim may take.
type candidate struct {
	id            int64
	key, replaces string
	state         domain.OutboxState
	lost          int
	due           int64 // when it became claimable
	outreach      bool  // counts toward a creator's unanswered messages
	reclaim       bool
}

// picker finds the rows one claim takes, remembering within its
// transaction which walks came back empty: rows claimed there get a lease
// in the future, so an empty walk stays empty until a row is failed (which
// may free the rest of its thread).
type picker struct {
	tx       *sql.Tx
	now      int64
	surfaces []domain.Surface
	lostArgs []any
	lostSQL  string
	noLost   bool
	noDue    map[domain.Surface]bool
}

func newPicker(tx *sql.Tx, now time.Time, surfaces []domain.Surface) *picker {
	p := &picker{tx: tx, now: now.UnixMilli(), surfaces: surfaces, noDue: map[domain.Surface]bool{}}
	p.lostArgs = []any{p.now}
	marks := make([]string, len(surfaces))
	for i, s := range surfaces {
		marks[i] = fmt.Sprintf("?%d", i+2)
		p.lostArgs = append(p.lostArgs, string(s))
	}
	p.lostSQL = pickLost + "(" + strings.Join(marks, ", ") + ") ORDER BY o.sending_deadline, o.id LIMIT 1"
	return p
}

// freed says a row was failed: walks may find rows it held back.
func (p *picker) freed() { p.noLost, p.noDue = false, map[domain.Surface]bool{} }

// next is the row to claim next: one whose lease ran out first (its sender
// died: it is the oldest work), else the one due longest on any surface,
// rows that are not outreach first.
func (p *picker) next(ctx context.Context) (candidate, bool, error) {
	scan := func(r *sql.Row) (candidate, bool, error) {
		var c candidate
		err := r.Scan(&c.id, &c.key, &c.replaces, &c.state, &c.lost, &c.due, &c.outreach)
		if errors.Is(err, sql.ErrNoRows) {
			return c, false, nil
		}
		c.reclaim = c.state == domain.OutboxSending
		return c, err == nil, err
	}
	if !p.noLost {
		c, ok, err := scan(p.tx.QueryRowContext(ctx, p.lostSQL, p.lostArgs...))
		if err != nil || ok {
			return c, ok, err
		}
		p.noLost = true
	}
	var best candidate
	found := false
	for _, s := range p.surfaces {
		if p.noDue[s] {
			continue
		}
		c, ok, err := scan(p.tx.QueryRowContext(ctx, pickDue, p.now, string(s)))
		if err != nil {
			return c, false, err
		}
		if !ok {
			p.noDue[s] = true
			continue
		}
		if !found || before(c, best) {
			best, found = c, true
		}
	}
	return best, found, nil
}

// before says a is claimed before b: not outreach first, then longest due.
func before(a, b candidate) bool {
	if a.outreach != b.outreach {
		return !a.outreach
	}
	return a.due < b.due || (a.due == b.due && a.id < b.id)
}

// ClaimOutgoing leases up to limit due rows of the given surfaces to the
// caller (see pick and turnCame for which), longest due first: pending rows whose next
// attempt has come, and sending rows whose lease ran out (their sender
// died). Rows of other surfaces stay pending, untouched, for a dispatcher
// that has their sender. Everything happens in one write transaction, so
// concurrent claimers, in this process or another, never get the same row
// within a lease, nor two rows of one thread.
//
// On the way it settles what needs no sender: an edit whose original failed
// for good fails with it; pending edits of a row being claimed are folded
// into it (the row goes out with the latest content, the edits become
// merged); a row whose sends were lost MaxLost times fails. A claimed edit
// carries its original's provider reference in Ref.
func (d *DB) ClaimOutgoing(ctx context.Context, now time.Time, surfaces []domain.Surface, limit int, lease time.Duration) ([]domain.Outgoing, error) {
	if limit < 1 || len(surfaces) == 0 {
		return nil, nil
	}
	const op = "store: claim outgoing"
	var out []domain.Outgoing
	err := d.write(ctx, func(tx *sql.Tx) error {
		p := newPicker(tx, now, surfaces)
		for len(out) < limit {
			c, ok, err := p.next(ctx)
			if err != nil {
				return formatError(err, op, nil)
			}
			if !ok {
				return nil
			}
			id, key, replaces, lost, reclaim := c.id, c.key, c.replaces, c.lost, c.reclaim
			if reclaim && lost+1 >= MaxLost {
				why := fmt.Sprintf("gave up: %d sends never finished (the sender crashed or hung past its lease)", lost+1)
				if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'failed', attempts = attempts + 1, lost = lost + 1,
					last_error = ?, sending_deadline = NULL, `+failedNow+` WHERE id = ?`, why, now.UnixMilli(), string(domain.FailLost), id); err != nil {
					return formatError(err, op, nil)
				}
				p.freed()
				continue
			}
			var ref string
			if replaces != "" {
				orig, err := original(ctx, tx, replaces)
				if err != nil {
					return formatError(err, op, nil)
				}
				if orig.State == domain.OutboxFailed {
					// Waiting would block the thread forever, and sending an
					// edit of nothing cannot work.
					if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'failed', last_error = ?, sending_deadline = NULL, `+failedNow+` WHERE id = ?`,
						NeverDelivered+orig.LastError, now.UnixMilli(), string(domain.FailOriginal), id); err != nil {
						return formatError(err, op, nil)
					}
					p.freed()
					continue
				}
				ref = orig.Ref
			}
			if err := foldEdits(ctx, tx, key); err != nil {
				return formatError(err, op, nil)
			}
			// A reclaimed lease counts as an attempt (and a lost send): a
			// message that kills its sender every time must run out.
			o, err := scanOutgoing(tx.QueryRowContext(ctx, `UPDATE outbox SET
					attempts = attempts + (state = 'sending'),
					lost = lost + (state = 'sending'),
					first_attempt = CASE WHEN state = 'sending' THEN coalesce(first_attempt, ?) ELSE first_attempt END,
					last_error = CASE WHEN state = 'sending' THEN 'its last send never finished (the lease ran out)' ELSE last_error END,
					state = 'sending', sending_deadline = ?
				WHERE id = ? RETURNING `+outgoingCols,
				now.UnixMilli(), now.Add(lease).UnixMilli(), id))
			if err != nil {
				return formatError(err, op, nil)
			}
			if o.Ref == "" {
				o.Ref = ref
			}
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// original finds the row an edit replaces, following edits that were
// themselves merged into theirs. Not found is the zero row: the edit is
// then sent as a new message (no Ref).
func original(ctx context.Context, tx *sql.Tx, key string) (domain.Outgoing, error) {
	var o domain.Outgoing
	for range 8 { // edits of edits are rare; a cycle must not loop forever
		var replaces string
		err := tx.QueryRowContext(ctx, `SELECT state, last_error, provider_ref, replaces FROM outbox WHERE idem_key = ?`, key).
			Scan(&o.State, &o.LastError, &o.Ref, &replaces)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Outgoing{}, nil
		}
		if err != nil {
			return o, err
		}
		if o.State != domain.OutboxMerged || replaces == "" {
			return o, nil
		}
		key = replaces
	}
	return o, nil
}

// editsOf, beside "replaces = ?", lets the planner use the partial index
// outbox_replaces (it cannot see that a bound key is never empty); the
// unary + on state keeps it off outbox_state, which would walk every
// pending row of a backlog at every claim and make draining quadratic.
const editsOf = `replaces <> ''`

// foldEdits gives the row keyed key the content of its latest pending edit
// and marks those edits merged: the row has not gone out (or goes out
// again), so the reader gets the latest state in one message. Edits queued
// while the row was in flight wait as pending for it; this runs when it is
// claimed again after a failed send.
func foldEdits(ctx context.Context, tx *sql.Tx, key string) error {
	var latest int64
	var msg string
	err := tx.QueryRowContext(ctx, `SELECT id, message FROM outbox WHERE replaces = ? AND `+editsOf+` AND +state = 'pending' ORDER BY id DESC LIMIT 1`, key).Scan(&latest, &msg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET message = ? WHERE idem_key = ?`, msg, key); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE outbox SET state = 'merged' WHERE replaces = ? AND `+editsOf+` AND +state = 'pending' AND id <= ?`, key, latest)
	return err
}

// mergeQueued folds a just-queued edit (row editID, content msg) into the
// message it replaces when that message is still pending: the original
// takes the edit's content and the edit is marked merged. It runs inside
// the enqueuing transaction, so no dispatcher sees one without the other.
// An original in flight, sent or absent is left alone: the edit waits for
// it (thread order) and goes out as an edit.
func mergeQueued(ctx context.Context, tx *sql.Tx, editID int64, replaces, msg string) error {
	res, err := tx.ExecContext(ctx, `UPDATE outbox SET message = ? WHERE idem_key = ? AND state = 'pending'`, msg, replaces)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE outbox SET state = 'merged' WHERE replaces = ? AND `+editsOf+` AND +state = 'pending' AND id <= ?`, replaces, editID)
	return err
}

// MarkSent records a delivered row and the provider's reference to what was
// posted (an edit keeps its original's when the sender returns none), so a
// later edit can find the message.
func (d *DB) MarkSent(ctx context.Context, o domain.Outgoing, now time.Time, ref string) error {
	if ref == "" {
		ref = o.Ref
	}
	_, err := d.mark(ctx, o, "store: mark sent",
		`UPDATE outbox SET state = 'sent', sent_at = ?, provider_ref = ?, first_attempt = coalesce(first_attempt, ?), sending_deadline = NULL`,
		ms(now), ref, now.UnixMilli())
	return err
}

// MarkRetry records a transient failure at now, counting the attempt: the
// row goes back to pending for next, or, when its first attempt was
// retryFor or longer before now, fails for good. It reports whether it
// gave up. retryFor <= 0 never gives up.
func (d *DB) MarkRetry(ctx context.Context, o domain.Outgoing, now, next time.Time, errText string, retryFor time.Duration) (bool, error) {
	giveUpBefore := int64(-1 << 62)
	if retryFor > 0 {
		giveUpBefore = now.Add(-retryFor).UnixMilli()
	}
	gaveUp := fmt.Sprintf("gave up after retrying for %s: %s", retryFor, errText)
	state, err := d.mark(ctx, o, "store: mark retry",
		`UPDATE outbox SET attempts = attempts + 1, next_attempt = ?, sending_deadline = NULL,
			state = CASE WHEN coalesce(first_attempt, ?2) <= ?3 THEN 'failed' ELSE 'pending' END,
			last_error = CASE WHEN coalesce(first_attempt, ?2) <= ?3 THEN ?4 ELSE ?5 END,
			fail_reason = CASE WHEN coalesce(first_attempt, ?2) <= ?3 THEN ?6 ELSE '' END,
			failed_at = CASE WHEN coalesce(first_attempt, ?2) <= ?3 THEN ?2 END,
			told = 0,
			first_attempt = coalesce(first_attempt, ?2)`,
		next.UnixMilli(), now.UnixMilli(), giveUpBefore, gaveUp, errText, string(domain.FailRetryOver))
	return state == domain.OutboxFailed, err
}

// Postpone puts the row back to pending for next without counting an
// attempt: nothing failed (a platform's rate limit), or nothing was tried
// (the row is released at shutdown).
func (d *DB) Postpone(ctx context.Context, o domain.Outgoing, next time.Time, why string) error {
	_, err := d.mark(ctx, o, "store: postpone",
		`UPDATE outbox SET state = 'pending', next_attempt = ?, last_error = ?, sending_deadline = NULL`,
		next.UnixMilli(), why)
	return err
}

// MarkFailed gives up on the row for a permanent error (MarkFailedFor
// with domain.FailPermanent). The failed send counts as an attempt.
func (d *DB) MarkFailed(ctx context.Context, o domain.Outgoing, errText string) error {
	return d.MarkFailedFor(ctx, o, d.now(), domain.FailPermanent, errText)
}

// MarkFailedFor gives up on the row at now for reason. The
// failed send counts as an attempt. The row waits to be told
// (UntoldFailures) until MarkTold.
func (d *DB) MarkFailedFor(ctx context.Context, o domain.Outgoing, now time.Time, reason domain.FailReason, errText string) error {
	_, err := d.mark(ctx, o, "store: mark failed",
		`UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, sending_deadline = NULL, failed_at = ?, fail_reason = ?, told = 0`,
		errText, now.UnixMilli(), string(reason))
	return err
}

// failedNow sets a row failed at ? (milliseconds) for the reason ?, not
// yet told.
const failedNow = `failed_at = ?, fail_reason = ?, told = 0`

// mark records the outcome of a claimed row, only while the caller's claim
// holds: a worker whose lease ran out gets a conflict instead of undoing
// what the row's new holder did. It returns the row's new state. Arguments
// are numbered from 1 in set; the row's ID and lease follow them.
func (d *DB) mark(ctx context.Context, o domain.Outgoing, op, set string, args ...any) (domain.OutboxState, error) {
	var state domain.OutboxState
	err := d.write(ctx, func(tx *sql.Tx) error {
		n := len(args)
		err := tx.QueryRowContext(ctx, fmt.Sprintf(`%s WHERE id = ?%d AND state = 'sending' AND sending_deadline = ?%d RETURNING state`, set, n+1, n+2),
			append(args, o.ID, o.LeaseUntil.UnixMilli())...).Scan(&state)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return formatError(err, op, nil)
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
	return state, err
}

// RetryOutgoing re-queues a failed row as new: pending, due at now, no
// attempts, its retry period starting afresh. Edits that failed because it
// was never delivered are re-queued with it (and fold into it if it is
// still pending when claimed). Only a failed row can be retried.
func (d *DB) RetryOutgoing(ctx context.Context, id int64, now time.Time) (domain.Outgoing, error) {
	const op = "store: retry outgoing"
	const requeue = `UPDATE outbox SET state = 'pending', attempts = 0, lost = 0, next_attempt = ?, first_attempt = NULL, last_error = '', sending_deadline = NULL,
		fail_reason = '', failed_at = NULL, told = 0`
	var o domain.Outgoing
	err := d.write(ctx, func(tx *sql.Tx) error {
		var err error
		o, err = scanOutgoing(tx.QueryRowContext(ctx, requeue+` WHERE id = ? AND state = 'failed' RETURNING `+outgoingCols, now.UnixMilli(), id))
		if errors.Is(err, sql.ErrNoRows) {
			var state string
			switch err := tx.QueryRowContext(ctx, `SELECT state FROM outbox WHERE id = ?`, id).Scan(&state); {
			case errors.Is(err, sql.ErrNoRows):
				return domain.Errorf(domain.KindNotFound, "No outgoing message %d.", id)
			case err != nil:
				return formatError(err, op, nil)
			}
			return domain.Errorf(domain.KindConflict, "Outgoing message %d is %s; only a failed message can be retried.", id, state)
		}
		if err != nil {
			return formatError(err, op, nil)
		}
		_, err = tx.ExecContext(ctx, requeue+` WHERE replaces = ? AND `+editsOf+` AND +state = 'failed' AND substr(last_error, 1, ?) = ?`,
			now.UnixMilli(), o.Key, len(NeverDelivered), NeverDelivered)
		return formatError(err, op, nil)
	})
	if err == nil {
		d.enqueued()
	}
	return o, err
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

// prunedMessage is the payload a pruned row keeps: valid JSON (the schema
// checks it) that says nothing.
const prunedMessage = `{}`

// pruneBatch bounds one prune's write transaction, so a first prune of a
// long history never holds the write lock for long.
const pruneBatch = 1000

// PruneSent drops the payload of sent and merged rows queued before
// before, keeping every column deduplication and later edits read (the
// idempotency key, the thread, the provider reference, the state): sent
// messages are most of an outbox's bytes and nothing reads them again. It
// works in batches of its own transactions and reports how many rows it
// emptied.
func (d *DB) PruneSent(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		var n int64
		err := d.write(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE outbox SET message = '`+prunedMessage+`' WHERE id IN (
				SELECT id FROM outbox WHERE state IN ('sent', 'merged') AND message <> '`+prunedMessage+`' AND created_at < ? LIMIT ?)`,
				before.UnixMilli(), pruneBatch)
			if err != nil {
				return formatError(err, "store: prune sent", nil)
			}
			n, err = res.RowsAffected()
			return err
		})
		total += int(n)
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}
