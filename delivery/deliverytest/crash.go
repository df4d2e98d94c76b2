package deliverytest

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
)

// ErrCrashed is what a CrashableQueue answers once it has crashed.
var ErrCrashed = errors.New("deliverytest: the process died")

// CrashableQueue is a delivery.Queue that dies on demand: after Crash
// every claim and every outcome fails with ErrCrashed and never reaches
// the store, as when the dispatcher's process is killed. Whatever was in
// flight stays claimed until its lease ends, with its sends possibly
// delivered but not recorded: the case a dispatcher started after the
// crash must deliver exactly once.
type CrashableQueue struct {
	Queue   delivery.Queue
	crashed atomic.Bool
}

var _ delivery.Queue = (*CrashableQueue)(nil)

// Crash kills the queue; it cannot be undone.
func (q *CrashableQueue) Crash() { q.crashed.Store(true) }

func (q *CrashableQueue) dead() error {
	if q.crashed.Load() {
		return ErrCrashed
	}
	return nil
}

func (q *CrashableQueue) ClaimOutgoing(ctx context.Context, now time.Time, surfaces []domain.Surface, limit int, lease time.Duration) ([]domain.Outgoing, error) {
	if err := q.dead(); err != nil {
		return nil, err
	}
	return q.Queue.ClaimOutgoing(ctx, now, surfaces, limit, lease)
}

func (q *CrashableQueue) MarkSent(ctx context.Context, o domain.Outgoing, now time.Time, ref string) error {
	if err := q.dead(); err != nil {
		return err
	}
	return q.Queue.MarkSent(ctx, o, now, ref)
}

func (q *CrashableQueue) MarkRetry(ctx context.Context, o domain.Outgoing, now, next time.Time, errText string, retryFor time.Duration) (bool, error) {
	if err := q.dead(); err != nil {
		return false, err
	}
	return q.Queue.MarkRetry(ctx, o, now, next, errText, retryFor)
}

func (q *CrashableQueue) Postpone(ctx context.Context, o domain.Outgoing, next time.Time, why string) error {
	if err := q.dead(); err != nil {
		return err
	}
	return q.Queue.Postpone(ctx, o, next, why)
}

func (q *CrashableQueue) MarkFailed(ctx context.Context, o domain.Outgoing, errText string) error {
	if err := q.dead(); err != nil {
		return err
	}
	return q.Queue.MarkFailed(ctx, o, errText)
}
