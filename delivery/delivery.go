// Package delivery owns getting queued messages out: it claims outbox rows,
// hands each to the sender of its surface (Slack, Discord, the console),
// and records the outcome, backing off on temporary failures and honouring
// a platform's Retry-After. Rows are claimed with a lease, so a crash
// mid-send leaves the row to be retried, never lost.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Queue is the outbox as the dispatcher needs it.
type Queue interface {
	ClaimOutgoing(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]domain.Outgoing, error)
	MarkSent(ctx context.Context, o domain.Outgoing, now time.Time) error
	MarkRetry(ctx context.Context, o domain.Outgoing, next time.Time, errText string) error
	Postpone(ctx context.Context, o domain.Outgoing, next time.Time, why string) error
	MarkFailed(ctx context.Context, o domain.Outgoing, errText string) error
}

// Sender delivers one message on one surface.
type Sender interface {
	Send(ctx context.Context, o domain.Outgoing) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, o domain.Outgoing) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, o domain.Outgoing) error { return f(ctx, o) }

// Error kinds a sender returns so the dispatcher knows what to do.
var (
	// ErrPermanent: retrying cannot help (bad payload, unknown channel).
	ErrPermanent = errors.New("permanent delivery failure")
	// ErrUnreachable: the creator blocks DMs; the seller team is told.
	ErrUnreachable = errors.New("recipient cannot be reached")
)

// RetryAfterError asks for the next attempt no sooner than After, as a
// platform's 429 says.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// Unreachable is told when a creator cannot receive DMs.
type Unreachable func(ctx context.Context, creatorID int64, why string) error

// Dispatcher drains the outbox.
type Dispatcher struct {
	Queue         Queue
	Senders       map[domain.Surface]Sender
	Now           func() time.Time
	Log           *slog.Logger
	OnUnreachable Unreachable
	// MaxAttempts before a row is given up as failed (default 13: about an
	// hour of backoff, longer than the platforms' usual outages).
	MaxAttempts int
	// Lease is how long a claimed row is held before another worker may
	// retry it (default 2 minutes: longer than any one send).
	Lease time.Duration
	Batch int // rows per claim (default 20)

	once sync.Once // fills defaults once, so one dispatcher may drain from many goroutines
}

func (d *Dispatcher) defaults() { d.once.Do(d.fill) }

func (d *Dispatcher) fill() {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.MaxAttempts == 0 {
		d.MaxAttempts = 13
	}
	if d.Lease == 0 {
		d.Lease = 2 * time.Minute
	}
	if d.Batch == 0 {
		d.Batch = 20
	}
}

// Drain sends what is due until nothing is, and reports how many rows it
// handled.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	d.defaults()
	total := 0
	for {
		rows, err := d.Queue.ClaimOutgoing(ctx, d.Now(), d.Batch, d.Lease)
		if err != nil {
			return total, err
		}
		if len(rows) == 0 {
			return total, nil
		}
		for _, o := range rows {
			if err := d.deliver(ctx, o); err != nil {
				if domain.ErrorKind(err) == domain.KindConflict {
					// Our claim ran out mid-send and another worker took the
					// row over; its outcome stands.
					d.Log.Info("outgoing message taken over by another worker", "id", o.ID)
					continue
				}
				return total, err
			}
			total++
		}
	}
}

// Run drains every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration) {
	d.defaults()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.Drain(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("outbox drain failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (d *Dispatcher) deliver(ctx context.Context, o domain.Outgoing) error {
	if o.Attempts >= d.MaxAttempts {
		// Its earlier leases ran out without an answer: the sender died on
		// it every time.
		d.Log.Warn("message given up: its sender never finished", "id", o.ID, "to", o.To.String(), "attempts", o.Attempts)
		return d.Queue.MarkFailed(ctx, o, "gave up after "+fmt.Sprint(o.Attempts)+" attempts that never finished")
	}
	s, ok := d.Senders[o.Surface]
	if !ok {
		// No adapter for this surface is configured (Slack off, say): keep
		// the row for when one is, without burning attempts.
		return d.Queue.Postpone(ctx, o, d.Now().Add(time.Hour), "no sender for "+string(o.Surface))
	}
	err := s.Send(ctx, o)
	now := d.Now()
	var ra *RetryAfterError
	switch {
	case err == nil:
		return d.Queue.MarkSent(ctx, o, now)
	case errors.Is(err, ErrUnreachable):
		if o.To.Kind == domain.ToCreator && d.OnUnreachable != nil {
			if uerr := d.OnUnreachable(ctx, o.To.CreatorID, err.Error()); uerr != nil {
				d.Log.Error("marking creator unreachable failed", "creator", o.To.CreatorID, "err", uerr)
			}
		}
		return d.Queue.MarkFailed(ctx, o, err.Error())
	case errors.Is(err, ErrPermanent):
		d.Log.Warn("message not deliverable", "id", o.ID, "to", o.To.String(), "err", err)
		return d.Queue.MarkFailed(ctx, o, err.Error())
	case o.Attempts+1 >= d.MaxAttempts:
		d.Log.Warn("message given up after retries", "id", o.ID, "to", o.To.String(), "attempts", o.Attempts+1, "err", err)
		return d.Queue.MarkFailed(ctx, o, err.Error())
	case errors.As(err, &ra):
		return d.Queue.MarkRetry(ctx, o, now.Add(max(ra.After, Backoff(o.Attempts))), err.Error())
	default:
		return d.Queue.MarkRetry(ctx, o, now.Add(Backoff(o.Attempts)), err.Error())
	}
}

// Backoff is the wait before attempt n+1: 2s, 4s, 8s ... capped at 15 minutes.
func Backoff(attempts int) time.Duration {
	if attempts > 9 {
		return 15 * time.Minute
	}
	return min(2*time.Second<<attempts, 15*time.Minute)
}
