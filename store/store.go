// Package store is what the binary needs from a database, whatever the
// engine, and picks the engine from COLLABBOT_DB.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// DB is what the binary needs from a database, whatever the engine.
type DB interface {
	commands.Store
	Outbox
	Migrate(ctx context.Context) error
	Backup(ctx context.Context, dest string) error
	Ping(ctx context.Context) error
	Close() error
}

// Outbox is the dispatcher's side of the outgoing messages the use cases
// enqueue inside their transactions, and the operator's (collabbot outbox).
type Outbox interface {
	// ClaimOutgoing marks up to limit rows of the given surfaces due at now
	// (state pending with next_attempt <= now, or state sending whose lease
	// expired: sending_deadline <= now) as sending with sending_deadline =
	// now+lease and returns them, oldest first (rows that are not outreach
	// before outreach, so a fan-out never holds back answers). A row waits while an earlier
	// row of its recipient and thread is pending or sending, and an edit
	// while the message it replaces is; a claimed edit carries its
	// original's provider reference in Ref. Rows of other surfaces are left
	// pending. Safe against concurrent claimers: a row is claimed once per
	// lease.
	ClaimOutgoing(ctx context.Context, now time.Time, surfaces []domain.Surface, limit int, lease time.Duration) ([]domain.Outgoing, error)
	// MarkSent records delivery and the provider's reference (ref).
	MarkSent(ctx context.Context, o domain.Outgoing, now time.Time, ref string) error
	// MarkRetry puts the row back to pending with attempts+1,
	// next_attempt=next and last_error, or fails it when its first attempt
	// was retryFor or more before now; it reports whether it failed.
	MarkRetry(ctx context.Context, o domain.Outgoing, now, next time.Time, errText string, retryFor time.Duration) (bool, error)
	// Postpone puts the row back to pending at next without counting an
	// attempt (rate limits, rows released before their send).
	Postpone(ctx context.Context, o domain.Outgoing, next time.Time, why string) error
	// MarkFailed gives up on the row (state failed) with last_error.
	MarkFailed(ctx context.Context, o domain.Outgoing, errText string) error
	// RetryOutgoing re-queues a failed row: pending, attempts 0, due now.
	RetryOutgoing(ctx context.Context, id int64, now time.Time) (domain.Outgoing, error)
	ListOutgoing(ctx context.Context, state domain.OutboxState, limit int) ([]domain.Outgoing, error)
	// ListOutgoingNewest lists rows in state newest first (failed rows by
	// when they failed); CountOutgoing counts rows by state.
	ListOutgoingNewest(ctx context.Context, state domain.OutboxState, limit int) ([]domain.Outgoing, error)
	CountOutgoing(ctx context.Context) (map[domain.OutboxState]int, error)
	// MarkFailedFor is MarkFailed with why, recorded for the team and the
	// metrics (MarkFailed is domain.FailPermanent).
	MarkFailedFor(ctx context.Context, o domain.Outgoing, now time.Time, reason domain.FailReason, errText string) error
	// UntoldFailures lists failed rows not yet told; MarkTold records one
	// told and reports whether this call did it.
	UntoldFailures(ctx context.Context, limit int) ([]domain.Outgoing, error)
	MarkTold(ctx context.Context, id int64) (bool, error)
	// OutboxDepth is what waits per surface, for the metrics.
	OutboxDepth(ctx context.Context) ([]domain.QueueDepth, error)
	// OnEnqueue registers f, called after a transaction in this process
	// that queued rows commits; it returns the function that removes f.
	OnEnqueue(f func()) (remove func())
}

var _ DB = (*sqlite.DB)(nil)

// ErrPostgres is returned for a PostgreSQL URL until this build supports it.
var ErrPostgres = errors.New("PostgreSQL is not supported by this build yet; use a SQLite path for COLLABBOT_DB")

// Open picks the engine from the DSN: a SQLite path or file: DSN opens
// store/sqlite and applies migrations; a postgres:// or postgresql:// URL is
// refused with ErrPostgres for now. A SQLite location that cannot be used is
// a KindInvalid domain.Error naming COLLABBOT_DB, the path and what to do.
func Open(ctx context.Context, dsn string) (DB, error) {
	lower := strings.ToLower(strings.TrimSpace(dsn))
	if strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") {
		return nil, ErrPostgres
	}
	db, err := sqlite.Open(ctx, dsn)
	if err != nil {
		// A nil *sqlite.DB in a DB interface would not compare equal to nil.
		var pe *sqlite.PathError
		if errors.As(err, &pe) {
			return nil, &domain.Error{Kind: domain.KindInvalid, Field: "COLLABBOT_DB",
				Message: fmt.Sprintf("COLLABBOT_DB %q: %s", pe.Path, pe.Problem)}
		}
		return nil, err
	}
	return db, nil
}
