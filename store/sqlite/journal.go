package sqlite

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// AddEvent appends to the audit trail; an undated event is stamped now.
func (t *tx) AddEvent(ctx context.Context, e domain.Event) error {
	at := e.At
	if at.IsZero() {
		at = t.db.now()
	}
	res, err := t.tx.ExecContext(ctx, `INSERT INTO events (at, actor, kind, subject, detail) VALUES (?, ?, ?, ?, ?)`,
		at.UnixMilli(), e.Actor, e.Kind, e.Subject, e.Detail)
	if err != nil {
		return formatError(err, "store: add event", nil)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return domain.Internal(err, "store: add event")
	}
	e.At = time.UnixMilli(at.UnixMilli()).UTC()
	if t.lastEvent == nil {
		t.lastEvent = map[string]domain.Event{}
	}
	t.lastEvent[e.Subject] = e
	return nil
}

// Events lists the audit trail of subject ("" for all) newest first.
func (t *tx) Events(ctx context.Context, subject string, limit int) ([]domain.Event, error) {
	if e, ok := t.lastEvent[subject]; ok && subject != "" && limit == 1 {
		// The event this transaction just added is the subject's newest:
		// nothing else writes events while it holds the write lock.
		return []domain.Event{e}, nil
	}
	var q query
	if subject != "" {
		q.add(`subject = ?`, subject)
	}
	stmt := `SELECT id, at, actor, kind, subject, detail FROM events` + q.sql("id DESC", limit)
	return list(ctx, t, "store: list events", stmt, q.args, scanEvent)
}

// EventsOf reads the trails of subjects in one statement. The subjects go
// in as one JSON array rather than a placeholder each: the statement's text
// is the same for any number of them, so it is prepared once (the statement
// cache keys on the text) and never meets SQLite's limit on parameters.
// json_each feeds the IN list, which SQLite looks up in events_subject.
func (t *tx) EventsOf(ctx context.Context, subjects []string, limit int) ([]domain.Event, error) {
	if len(subjects) == 0 {
		return nil, nil
	}
	arr, err := json.Marshal(subjects)
	if err != nil {
		return nil, domain.Internal(err, "store: list events of subjects")
	}
	q := query{where: []string{`subject IN (SELECT value FROM json_each(?))`}, args: []any{string(arr)}}
	stmt := `SELECT id, at, actor, kind, subject, detail FROM events` + q.sql("at DESC, id DESC", limit)
	return list(ctx, t, "store: list events of subjects", stmt, q.args, scanEvent)
}

func scanEvent(r rowScanner) (domain.Event, error) {
	var e domain.Event
	err := r.Scan(&e.ID, timeCol{&e.At}, &e.Actor, &e.Kind, &e.Subject, &e.Detail)
	return e, err
}

// Enqueue adds an outbox row in the caller's transaction, so the message
// exists exactly when the change that caused it is committed. A Key already
// queued is skipped (false): a retried action never sends twice. The row is
// due at CreatedAt, or now when undated. An edit (Replaces set) of a message
// still pending is folded into it here (see mergeQueued).
func (t *tx) Enqueue(ctx context.Context, o domain.Outgoing) (bool, error) {
	if strings.TrimSpace(o.Key) == "" {
		return false, domain.Invalidf("key", "Every outgoing message needs an idempotency key (to %s).", o.To)
	}
	to, err := domain.ParseRecipient(o.To.String())
	if err != nil {
		return false, err
	}
	surface := o.Surface
	if surface == "" {
		surface = to.Surface()
	}
	msg, err := json.Marshal(o.Notice)
	if err != nil {
		return false, domain.Internal(err, "store: encode outgoing message")
	}
	created := o.CreatedAt
	if created.IsZero() {
		created = t.db.now()
	}
	next := o.NextAttempt
	if next.IsZero() {
		next = created
	}
	res, err := t.tx.ExecContext(ctx, `INSERT INTO outbox (idem_key, surface, recipient, message, thread, replaces, counts, state, attempts, next_attempt, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (idem_key) DO NOTHING`,
		o.Key, string(surface), to.String(), string(msg), o.Thread, o.Replaces, o.Counts, next.UnixMilli(), created.UnixMilli())
	if err != nil {
		return false, formatError(err, "store: enqueue", nil)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, domain.Internal(err, "store: enqueue")
	}
	if n != 1 {
		return false, nil
	}
	t.queued = true
	if o.Replaces != "" {
		id, err := res.LastInsertId()
		if err != nil {
			return false, domain.Internal(err, "store: enqueue")
		}
		if err := mergeQueued(ctx, t.tx, id, o.Replaces, string(msg)); err != nil {
			return false, formatError(err, "store: enqueue edit", nil)
		}
	}
	return true, nil
}
