// Package delivery owns getting queued messages out: it claims outbox rows
// of the surfaces it has senders for, hands each to the sender of its
// surface (Slack, Discord, the console), and records the outcome and the
// provider's reference to what was posted, so later edits update the
// message in place. It backs off on temporary errors for a retry period,
// honours a platform's Retry-After without counting it as a failure, and
// bounds every send so a row's lease outlives it: a crash mid-send leaves
// the row to be retried, never lost, and a slow send is never sent twice.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Queue is the outbox as the dispatcher needs it (store.Outbox).
type Queue interface {
	ClaimOutgoing(ctx context.Context, now time.Time, surfaces []domain.Surface, limit int, lease time.Duration) ([]domain.Outgoing, error)
	MarkSent(ctx context.Context, o domain.Outgoing, now time.Time, ref string) error
	MarkRetry(ctx context.Context, o domain.Outgoing, now, next time.Time, errText string, retryFor time.Duration) (bool, error)
	Postpone(ctx context.Context, o domain.Outgoing, next time.Time, why string) error
	MarkFailed(ctx context.Context, o domain.Outgoing, errText string) error
}

// Sender delivers one message on one surface and returns the provider's
// reference to what it posted (Slack "C123/1700000000.000100", Discord
// "channelID/messageID"), which the outbox keeps so a later edit can find
// the message.
//
// An edit (o.Replaces set) carries its original's reference in o.Ref: the
// sender updates that message in place (chat.update, a message edit). An
// edit with an empty Ref has no message to update (its original was never
// queued, or was delivered without a reference): post it as a new message.
//
// Send must return once ctx ends. The dispatcher bounds each send so that
// the row's lease outlives it; a sender that ignores ctx can outlast the
// lease, and another dispatcher may then send the row again.
type Sender interface {
	Send(ctx context.Context, o domain.Outgoing) (ref string, err error)
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, o domain.Outgoing) (string, error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, o domain.Outgoing) (string, error) { return f(ctx, o) }

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
//
// It claims one row at a time, just before sending it, so every row's lease
// starts when its send does: a claim never holds rows waiting behind slow
// sends (which another dispatcher would re-claim and send again), and at
// shutdown nothing is claimed but the send in flight. Each send is bounded
// by SendTimeout and by the lease (less MarkTimeout to record the outcome),
// so the lease always outlives the send. Outcomes are recorded with a
// context shutdown does not cancel.
type Dispatcher struct {
	Queue Queue
	// Senders by surface; the dispatcher claims only rows of these surfaces,
	// so rows for a platform not configured here stay pending for another.
	Senders       map[domain.Surface]Sender
	Now           func() time.Time
	Log           *slog.Logger
	OnUnreachable Unreachable
	// SendTimeout bounds one send (default 30s).
	SendTimeout time.Duration
	// MarkTimeout bounds recording one outcome (default 5s).
	MarkTimeout time.Duration
	// Lease is how long a claimed row is held before another dispatcher may
	// retry it (default 2 minutes). It must exceed SendTimeout+MarkTimeout;
	// a shorter one is raised to twice that.
	Lease time.Duration
	// RetryFor is how long transient errors are retried, counted from the
	// row's first attempt, before it fails for good (default 24h,
	// COLLABBOT_RETRY_FOR). Rate limits are not errors: they never count.
	RetryFor time.Duration
	// ShutdownGrace is how long a send in flight may go on once ctx ends
	// (default 10s); then its context is cancelled.
	ShutdownGrace time.Duration
	// KeepSent is how long a sent message's payload is kept before Run
	// drops it (COLLABBOT_KEEP_SENT, default 7 days), when the Queue can
	// prune (Pruner); the key and provider reference stay for
	// deduplication and edits. Negative keeps payloads forever.
	KeepSent time.Duration
	// PruneEvery is how often Run prunes (default hourly).
	PruneEvery time.Duration

	lastPrune time.Time // when Run last pruned; only Run's goroutine touches it

	once     sync.Once // fills defaults once, so one dispatcher may drain from many goroutines
	surfaces []domain.Surface
}

// Defaults of the Dispatcher's durations.
const (
	DefaultSendTimeout   = 30 * time.Second
	DefaultMarkTimeout   = 5 * time.Second
	DefaultLease         = 2 * time.Minute
	DefaultRetryFor      = 24 * time.Hour
	DefaultShutdownGrace = 10 * time.Second
	DefaultKeepSent      = 7 * 24 * time.Hour
	DefaultPruneEvery    = time.Hour
)

// Pruner is a Queue that can drop the payload of messages sent before a
// time (store/sqlite's PruneSent): sent rows would otherwise be most of
// the database.
type Pruner interface {
	PruneSent(ctx context.Context, before time.Time) (int, error)
}

func (d *Dispatcher) defaults() { d.once.Do(d.fill) }

func (d *Dispatcher) fill() {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.SendTimeout <= 0 {
		d.SendTimeout = DefaultSendTimeout
	}
	if d.MarkTimeout <= 0 {
		d.MarkTimeout = DefaultMarkTimeout
	}
	if d.Lease <= 0 {
		d.Lease = DefaultLease
	}
	if need := d.SendTimeout + d.MarkTimeout; d.Lease <= need {
		d.Log.Warn("delivery lease too short for a send and its outcome; raised", "lease", d.Lease, "send_timeout", d.SendTimeout, "raised_to", 2*need)
		d.Lease = 2 * need
	}
	if d.RetryFor <= 0 {
		d.RetryFor = DefaultRetryFor
	}
	if d.ShutdownGrace < 0 {
		d.ShutdownGrace = 0
	} else if d.ShutdownGrace == 0 {
		d.ShutdownGrace = DefaultShutdownGrace
	}
	if d.KeepSent == 0 {
		d.KeepSent = DefaultKeepSent
	}
	if d.PruneEvery <= 0 {
		d.PruneEvery = DefaultPruneEvery
	}
	for s := range d.Senders {
		d.surfaces = append(d.surfaces, s)
	}
	slices.Sort(d.surfaces)
}

// Surfaces are the surfaces this dispatcher delivers, sorted.
func (d *Dispatcher) Surfaces() []domain.Surface {
	d.defaults()
	return slices.Clone(d.surfaces)
}

// Drain sends what is due until nothing is or ctx ends, and reports how
// many rows it handled. Once ctx ends it claims nothing more; the send in
// flight gets ShutdownGrace to finish and its outcome is recorded. Only a
// failed claim is returned: a failed outcome is logged and the next row
// goes on (its row comes back when its lease ends).
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	d.defaults()
	if len(d.surfaces) == 0 {
		return 0, nil
	}
	total := 0
	for ctx.Err() == nil {
		rows, err := d.Queue.ClaimOutgoing(ctx, d.Now(), d.surfaces, 1, d.Lease)
		if err != nil {
			if ctx.Err() != nil {
				return total, nil
			}
			return total, err
		}
		if len(rows) == 0 {
			return total, nil
		}
		for _, o := range rows {
			d.deliver(ctx, o)
			total++
		}
	}
	return total, nil
}

// Run drains every interval until ctx ends, and returns once the send in
// flight (if any) has finished or its grace ran out.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration) {
	d.defaults()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.Drain(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("outbox drain failed", "err", err)
		}
		d.prune(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// prune drops old sent payloads at most every PruneEvery. A failure is
// logged: it costs disk, never a message.
func (d *Dispatcher) prune(ctx context.Context) {
	p, ok := d.Queue.(Pruner)
	now := d.Now()
	if !ok || d.KeepSent < 0 || ctx.Err() != nil || (!d.lastPrune.IsZero() && now.Sub(d.lastPrune) < d.PruneEvery) {
		return
	}
	d.lastPrune = now
	n, err := p.PruneSent(ctx, now.Add(-d.KeepSent))
	switch {
	case err != nil && ctx.Err() == nil:
		d.Log.Error("outbox prune failed", "err", err)
	case n > 0:
		d.Log.Info("outbox: dropped the payload of old sent messages", "rows", n, "kept_for", d.KeepSent)
	}
}

// sendContext bounds one send by timeout and, once ctx ends, by
// ShutdownGrace: a send already under way may finish (a message half-sent
// at shutdown would be sent again at the next start), but not forever.
func (d *Dispatcher) sendContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(d.ShutdownGrace, cancel) })
	return sctx, func() { stop(); cancel() }
}

func (d *Dispatcher) deliver(ctx context.Context, o domain.Outgoing) {
	// Outcomes are recorded even when ctx has ended: a delivered row left
	// sending would be sent again once its lease ran out.
	markCtx := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), d.MarkTimeout)
	}
	log := d.Log.With("id", o.ID, "surface", string(o.Surface), "to", o.To.String())
	timeout := min(d.SendTimeout, o.LeaseUntil.Sub(d.Now())-d.MarkTimeout)
	if timeout <= 0 || ctx.Err() != nil {
		// The claim came too late to send within its lease (a long wait for
		// the write lock), or we are stopping: nothing was tried, so it goes
		// back as it was.
		mctx, mcancel := markCtx()
		defer mcancel()
		d.record(log, o, d.Queue.Postpone(mctx, o, d.Now(), o.LastError))
		return
	}
	s := d.Senders[o.Surface]
	sctx, cancel := d.sendContext(ctx, timeout)
	ref, err := s.Send(sctx, o)
	timedOut := errors.Is(sctx.Err(), context.DeadlineExceeded)
	interrupted := !timedOut && sctx.Err() != nil && ctx.Err() != nil
	cancel()
	mctx, mcancel := markCtx() // the outcome gets its own budget, after the send
	defer mcancel()
	now := d.Now()
	var ra *RetryAfterError
	switch {
	case err == nil:
		d.record(log, o, d.Queue.MarkSent(mctx, o, now, ref))
	case errors.Is(err, ErrUnreachable):
		if o.To.Kind == domain.ToCreator && d.OnUnreachable != nil {
			if uerr := d.OnUnreachable(mctx, o.To.CreatorID, err.Error()); uerr != nil {
				log.Error("marking creator unreachable failed", "creator", o.To.CreatorID, "err", uerr)
			}
		}
		d.record(log, o, d.Queue.MarkFailed(mctx, o, err.Error()))
	case errors.Is(err, ErrPermanent):
		log.Warn("message not deliverable", "err", err)
		d.record(log, o, d.Queue.MarkFailed(mctx, o, err.Error()))
	case errors.As(err, &ra):
		// A rate limit is the platform pacing us, not a failure: it counts
		// neither as an attempt nor toward giving up.
		d.record(log, o, d.Queue.Postpone(mctx, o, now.Add(max(ra.After, Backoff(o.Attempts))), err.Error()))
	default:
		next, text := now.Add(Backoff(o.Attempts)), err.Error()
		switch {
		case interrupted:
			// It may or may not have gone out; try again at the next start.
			next, text = now, "interrupted by shutdown: "+text
		case timedOut:
			text = fmt.Sprintf("no answer within %s: %s", timeout, text)
		}
		gaveUp, merr := d.Queue.MarkRetry(mctx, o, now, next, text, d.RetryFor)
		if gaveUp {
			log.Warn("message given up after retries", "attempts", o.Attempts+1, "retried_for", d.RetryFor, "err", err)
		}
		d.record(log, o, merr)
	}
}

// record logs an outcome that could not be stored. A conflict means our
// claim ran out and another dispatcher holds the row: its outcome stands.
func (d *Dispatcher) record(log *slog.Logger, o domain.Outgoing, err error) {
	switch {
	case err == nil:
	case domain.ErrorKind(err) == domain.KindConflict:
		log.Info("outgoing message taken over by another worker")
	default:
		log.Error("recording a delivery outcome failed; the row is retried when its lease ends", "lease_until", o.LeaseUntil, "err", err)
	}
}

// Backoff is the wait before attempt n+1: 2s, 4s, 8s ... capped at 15 minutes.
func Backoff(attempts int) time.Duration {
	if attempts > 9 {
		return 15 * time.Minute
	}
	return min(2*time.Second<<attempts, 15*time.Minute)
}
