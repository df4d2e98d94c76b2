package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"sync"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// hookSet is the functions OnEnqueue registered.
type hookSet struct {
	mu   sync.Mutex
	next int
	fns  map[int]func()
}

// OnEnqueue registers f to be called after every transaction that queued
// outbox rows commits (and after RetryOutgoing), in this process: a
// dispatcher sleeping until its next poll wakes at once. f runs on the
// committing goroutine, so it must not block (delivery.Dispatcher.Wake
// does not). The returned function removes f.
func (d *DB) OnEnqueue(f func()) (remove func()) {
	d.hooks.mu.Lock()
	defer d.hooks.mu.Unlock()
	if d.hooks.fns == nil {
		d.hooks.fns = map[int]func(){}
	}
	id := d.hooks.next
	d.hooks.next++
	d.hooks.fns[id] = f
	return func() {
		d.hooks.mu.Lock()
		defer d.hooks.mu.Unlock()
		delete(d.hooks.fns, id)
	}
}

// enqueued calls the OnEnqueue hooks.
func (d *DB) enqueued() {
	d.hooks.mu.Lock()
	fns := make([]func(), 0, len(d.hooks.fns))
	for _, f := range d.hooks.fns {
		fns = append(fns, f)
	}
	d.hooks.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// UntoldFailures lists up to limit rows that failed for good and were not
// yet told (MarkTold), oldest first, whatever their surface: each failure
// is told to the team and counted once, even when it happened in another
// process or inside a claim (lost sends, edits of a failed original).
func (d *DB) UntoldFailures(ctx context.Context, limit int) ([]domain.Outgoing, error) {
	var out []domain.Outgoing
	err := d.run(ctx, d.reader, readOnly, func(t *tx) error {
		var err error
		out, err = list(ctx, t, "store: untold failures", `SELECT `+outgoingCols+` FROM outbox WHERE state = 'failed' AND told = 0 ORDER BY id LIMIT ?`,
			[]any{max(limit, 1)}, scanOutgoing)
		return err
	})
	return out, err
}

// MarkTold records that the failure of row id was told, and reports
// whether this call did it (false: someone else did first, or the row was
// re-queued since), so concurrent tellers count a failure once.
func (d *DB) MarkTold(ctx context.Context, id int64) (bool, error) {
	var n int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET told = 1 WHERE id = ? AND state = 'failed' AND told = 0`, id)
		if err != nil {
			return formatError(err, "store: mark told", nil)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

// OutboxDepth is what waits per surface (pending or in flight) and when
// the oldest of it was queued, for the metrics scraped at /metrics. One
// walk of a partial index of the waiting rows only.
func (d *DB) OutboxDepth(ctx context.Context) ([]domain.QueueDepth, error) {
	var out []domain.QueueDepth
	err := d.run(ctx, d.reader, readOnly, func(t *tx) error {
		var err error
		out, err = list(ctx, t, "store: outbox depth",
			`SELECT surface, count(*), min(created_at) FROM outbox WHERE state IN ('pending', 'sending') GROUP BY surface ORDER BY surface`, nil,
			func(r rowScanner) (domain.QueueDepth, error) {
				var q domain.QueueDepth
				err := r.Scan(&q.Surface, &q.Waiting, timeCol{&q.Oldest})
				return q, err
			})
		return err
	})
	return out, err
}

// CountOutgoing counts the rows in each state.
func (d *DB) CountOutgoing(ctx context.Context) (map[domain.OutboxState]int, error) {
	out := map[domain.OutboxState]int{}
	err := d.run(ctx, d.reader, readOnly, func(t *tx) error {
		clear(out)
		rows, err := t.tx.QueryContext(ctx, `SELECT state, count(*) FROM outbox GROUP BY state`)
		if err != nil {
			return formatError(err, "store: count outgoing", nil)
		}
		defer rows.Close()
		for rows.Next() {
			var s domain.OutboxState
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				return formatError(err, "store: count outgoing", nil)
			}
			out[s] = n
		}
		return rows.Err()
	})
	return out, err
}

// ListOutgoingNewest lists rows in state newest first: where a person
// looks for what just went wrong (failed, sent). Failed rows are ordered
// by when they failed.
func (d *DB) ListOutgoingNewest(ctx context.Context, state domain.OutboxState, limit int) ([]domain.Outgoing, error) {
	var out []domain.Outgoing
	err := d.run(ctx, d.reader, readOnly, func(t *tx) error {
		var q query
		order := "id DESC"
		if state != "" {
			q.add(`state = ?`, string(state))
		}
		if state == domain.OutboxFailed {
			order = "failed_at DESC, id DESC"
		}
		var err error
		out, err = list(ctx, t, "store: list outgoing", `SELECT `+outgoingCols+` FROM outbox`+q.sql(order, limit), q.args, scanOutgoing)
		return err
	})
	return out, err
}

// Undelivered lists up to limit messages that failed for good, the most
// recent failure first, and how many there are in all.
func (t *tx) Undelivered(ctx context.Context, limit int) ([]domain.Outgoing, int, error) {
	const op = "store: undelivered"
	var total int
	if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE state = 'failed'`).Scan(&total); err != nil {
		return nil, 0, formatError(err, op, nil)
	}
	var q query
	q.add(`state = 'failed'`)
	rows, err := list(ctx, t, op, `SELECT `+outgoingCols+` FROM outbox`+q.sql("failed_at DESC, id DESC", limit), q.args, scanOutgoing)
	return rows, total, err
}

// OutgoingStatus reads where the rows keyed keys stand (without their
// payloads); a key never queued is left out.
func (t *tx) OutgoingStatus(ctx context.Context, keys []string) (map[string]commands.OutgoingStatus, error) {
	const op = "store: outgoing status"
	out := make(map[string]commands.OutgoingStatus, len(keys))
	// In chunks: SQLite bounds the parameters of one statement.
	for chunk := range slices.Chunk(keys, 500) {
		args := make([]any, len(chunk))
		for i, k := range chunk {
			args[i] = k
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT id, idem_key, state, fail_reason, last_error, attempts FROM outbox WHERE idem_key IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, formatError(err, op, nil)
		}
		for rows.Next() {
			var s commands.OutgoingStatus
			var key string
			if err := rows.Scan(&s.ID, &key, &s.State, &s.Reason, &s.LastError, &s.Attempts); err != nil {
				rows.Close()
				return nil, formatError(err, op, nil)
			}
			out[key] = s
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, formatError(err, op, nil)
		}
	}
	return out, nil
}
