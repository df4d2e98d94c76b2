package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// ReminderRun is when job last ran; the zero time if never.
func (t *tx) ReminderRun(ctx context.Context, job string) (time.Time, error) {
	var at time.Time
	err := t.tx.QueryRowContext(ctx, `SELECT last_run FROM reminder_runs WHERE job = ?`, job).Scan(timeCol{&at})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, domain.Internal(err, "store: read reminder run")
	}
	return at, nil
}

// SetReminderRun records job's run at at, never moving the record back.
func (t *tx) SetReminderRun(ctx context.Context, job string, at time.Time) error {
	if job == "" || at.IsZero() {
		return domain.Internal(nil, "store: a reminder run needs a job and a time")
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO reminder_runs (job, last_run) VALUES (?1, ?2)
		ON CONFLICT (job) DO UPDATE SET last_run = max(last_run, excluded.last_run)`, job, at.UnixMilli())
	if err != nil {
		return formatError(err, "store: record reminder run", nil)
	}
	return nil
}

// Funnel counts each stage by the time of its own step, in one statement.
func (t *tx) Funnel(ctx context.Context, from, to time.Time) (domain.Funnel, error) {
	f := domain.Funnel{From: from, To: to}
	err := t.tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM invitations WHERE created_at >= ?1 AND created_at < ?2),
		(SELECT count(*) FROM invitations WHERE state = 'accepted' AND responded_at >= ?1 AND responded_at < ?2),
		(SELECT count(*) FROM sample_requests WHERE requested_at >= ?1 AND requested_at < ?2),
		(SELECT count(*) FROM sample_requests WHERE shipped_at >= ?1 AND shipped_at < ?2),
		(SELECT count(*) FROM sample_requests WHERE state = 'completed' AND completed_at >= ?1 AND completed_at < ?2)`,
		from.UnixMilli(), to.UnixMilli()).Scan(&f.Invited, &f.Accepted, &f.Sampled, &f.Shipped, &f.Posted)
	if err != nil {
		return f, domain.Internal(err, "store: count the funnel")
	}
	return f, nil
}

// Queued reports whether an outbox row has key.
func (t *tx) Queued(ctx context.Context, key string) (bool, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE idem_key = ?`, key).Scan(&n); err != nil {
		return false, domain.Internal(err, "store: look up an outgoing message")
	}
	return n > 0, nil
}

// WithdrawReminders deletes never-tried rows whose key starts with
// keyPrefix; the key range keeps it on the key's unique index.
func (t *tx) WithdrawReminders(ctx context.Context, keyPrefix string) (int, error) {
	if keyPrefix == "" {
		return 0, domain.Internal(nil, "store: withdraw reminders needs a key prefix")
	}
	res, err := t.tx.ExecContext(ctx, `DELETE FROM outbox WHERE idem_key >= ?1 AND idem_key < ?2 AND state = 'pending' AND attempts = 0`,
		keyPrefix, keyPrefix+"\U0010FFFF")
	if err != nil {
		return 0, formatError(err, "store: withdraw reminders", nil)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, domain.Internal(err, "store: withdraw reminders")
	}
	return int(n), nil
}
