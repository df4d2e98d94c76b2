// Package delivery owns getting queued messages out: it claims outbox rows
// of the surfaces it has senders for, hands each to the sender of its
// surface (Slack, Discord, the console), and records the outcome and the
// provider's reference to what was posted, so later edits update the
// message in place. It backs off on temporary errors for a retry period,
// honours a platform's Retry-After without counting it as a failure, and
// bounds every send so a row's lease outlives it: a crash mid-send leaves
// the row to be retried, never lost, and a slow send is never sent twice.
//
// A pool of workers sends rows of different threads in parallel (a fan-out
// of one invitation to 50 creators) while each thread goes out in the order
// it was queued; the dispatcher wakes when this process commits new rows
// (Wake), tells the team once of each message that failed for good
// (OnFailed), and reports what it does as Prometheus metrics.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

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
// Each of its Workers claims one row at a time, just before sending it, so every row's lease
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

	// Workers is how many sends may be in flight at once (default
	// DefaultWorkers). Thread order does not rest on it: the claim never
	// hands out a row while an earlier row of its recipient and thread, or
	// the message an edit replaces, is pending or in flight, whoever holds
	// it (another worker, another dispatcher on the same database).
	Workers int
	// Metrics, when set, gets the dispatcher's counters, its send-duration
	// histogram and a collector of queue depth and oldest pending age that
	// asks the Queue (Depther) at scrape time.
	Metrics prometheus.Registerer
	// OnFailed is told, once, of every row that failed for good, whether
	// this dispatcher failed it or another process did, or a claim did
	// (lost sends, an edit of a failed original): the use case tells the
	// sellers. An error leaves the row to be told on the next pass. With
	// OnFailed or Metrics set the dispatcher records failures as told
	// (FailureLog), so only one dispatcher of a database should have them.
	OnFailed func(ctx context.Context, o domain.Outgoing) error
	// OnSent is told after a row's delivery is recorded (an invitation
	// round's progress); an error is logged.
	OnSent func(ctx context.Context, o domain.Outgoing) error
	// Prepare, when set, may refresh a claimed row just before it is sent
	// (the live counts of an invitation round's summary). An error counts
	// as a failed attempt, retried.
	Prepare func(ctx context.Context, o domain.Outgoing) (domain.Outgoing, error)

	lastPrune time.Time // when Run last pruned; only Run's goroutine touches it

	once     sync.Once // fills defaults once, so one dispatcher may drain from many goroutines
	surfaces []domain.Surface
	claimMu  sync.Mutex                       // one claim at a time, for the per-surface cap
	inflight map[domain.Surface]*atomic.Int32 // sends in flight per surface
	wake     chan struct{}                    // a token: rows may be due (a commit, a poll)
	failures chan struct{}                    // a token: a row failed, tell it
	metrics  *metrics
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
	DefaultWorkers       = 8
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
	if d.Workers <= 0 {
		d.Workers = DefaultWorkers
	}
	d.wake = make(chan struct{}, 1)
	d.failures = make(chan struct{}, 1)
	d.inflight = map[domain.Surface]*atomic.Int32{}
	for s := range d.Senders {
		d.surfaces = append(d.surfaces, s)
		d.inflight[s] = new(atomic.Int32)
	}
	slices.Sort(d.surfaces)
	d.metrics = newMetrics(d)
}

// Surfaces are the surfaces this dispatcher delivers, sorted.
func (d *Dispatcher) Surfaces() []domain.Surface {
	d.defaults()
	return slices.Clone(d.surfaces)
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
	var ref string
	var err error
	if d.Prepare != nil {
		o, err = d.Prepare(sctx, o)
	}
	if err == nil {
		start := time.Now() // wall time, whatever clock the dispatcher reads
		ref, err = s.Send(sctx, o)
		d.metrics.sendSeconds.WithLabelValues(string(o.Surface)).Observe(time.Since(start).Seconds())
	}
	timedOut := errors.Is(sctx.Err(), context.DeadlineExceeded)
	interrupted := !timedOut && sctx.Err() != nil && ctx.Err() != nil
	cancel()
	mctx, mcancel := markCtx() // the outcome gets its own budget, after the send
	defer mcancel()
	now := d.Now()
	var ra *RetryAfterError
	switch {
	case err == nil:
		merr := d.Queue.MarkSent(mctx, o, now, ref)
		d.record(log, o, merr)
		if merr == nil {
			d.metrics.delivered.WithLabelValues(string(o.Surface)).Inc()
			if d.OnSent != nil {
				if herr := d.OnSent(mctx, o); herr != nil {
					log.Error("after delivery", "err", herr)
				}
			}
		}
	case errors.Is(err, ErrUnreachable):
		if o.To.Kind == domain.ToCreator && d.OnUnreachable != nil {
			if uerr := d.OnUnreachable(mctx, o.To.CreatorID, err.Error()); uerr != nil {
				log.Error("marking creator unreachable failed", "creator", o.To.CreatorID, "err", uerr)
			}
		}
		d.fail(mctx, log, o, now, domain.FailUnreachable, err)
	case errors.Is(err, ErrPermanent):
		log.Warn("message not deliverable", "err", err)
		d.fail(mctx, log, o, now, domain.FailPermanent, err)
	case errors.As(err, &ra):
		// A rate limit is the platform pacing us, not a failure: it counts
		// neither as an attempt nor toward giving up.
		d.metrics.rateLimited.WithLabelValues(string(o.Surface)).Inc()
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
		switch {
		case gaveUp:
			log.Warn("message given up after retries", "attempts", o.Attempts+1, "retried_for", d.RetryFor, "err", err)
			d.failed()
		case merr == nil:
			d.metrics.retried.WithLabelValues(string(o.Surface)).Inc()
		}
		d.record(log, o, merr)
	}
}

// fail records that o failed for good for reason, and has it told.
func (d *Dispatcher) fail(ctx context.Context, log *slog.Logger, o domain.Outgoing, now time.Time, reason domain.FailReason, err error) {
	var merr error
	if q, ok := d.Queue.(ReasonedQueue); ok {
		merr = q.MarkFailedFor(ctx, o, now, reason, err.Error())
	} else {
		merr = d.Queue.MarkFailed(ctx, o, err.Error())
	}
	d.record(log, o, merr)
	if merr == nil {
		d.failed()
	}
}

// ReasonedQueue is a Queue that records why a row failed for good
// (store/sqlite's MarkFailedFor), for the team's notice and the metrics.
type ReasonedQueue interface {
	MarkFailedFor(ctx context.Context, o domain.Outgoing, now time.Time, reason domain.FailReason, errText string) error
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
