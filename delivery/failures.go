package delivery

import (
	"context"

	"github.com/collabbot/collabbot/domain"
)

// FailureLog is a Queue that remembers which failures were told
// (store/sqlite's UntoldFailures and MarkTold), so each is told to the
// team and counted once, wherever it happened.
type FailureLog interface {
	UntoldFailures(ctx context.Context, limit int) ([]domain.Outgoing, error)
	MarkTold(ctx context.Context, id int64) (bool, error)
}

// tellBatch bounds one pass over untold failures.
const tellBatch = 100

// tell passes each failure not yet told to OnFailed, then records it told
// and counts it by reason. The order (tell, then record) means a crash in
// between tells it again: OnFailed must be idempotent (the use case's
// notice is keyed by the row). A row OnFailed could not tell stays untold
// for the next pass.
func (d *Dispatcher) tell(ctx context.Context) {
	fl, ok := d.Queue.(FailureLog)
	if !ok || (d.OnFailed == nil && d.Metrics == nil) || ctx.Err() != nil {
		return
	}
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.MarkTimeout)
	defer cancel()
	rows, err := fl.UntoldFailures(mctx, tellBatch)
	if err != nil {
		d.Log.Error("reading failed messages to tell failed", "err", err)
		return
	}
	for _, o := range rows {
		log := d.Log.With("id", o.ID, "surface", string(o.Surface), "to", o.To.String(), "reason", string(o.FailReason))
		if d.OnFailed != nil {
			if err := d.OnFailed(mctx, o); err != nil {
				log.Error("telling the team of a failed message failed; tried again on the next pass", "err", err)
				continue
			}
		}
		mine, err := fl.MarkTold(mctx, o.ID)
		if err != nil {
			log.Error("recording a failed message as told failed", "err", err)
			continue
		}
		if mine {
			reason := o.FailReason
			if reason == "" {
				reason = domain.FailPermanent
			}
			d.metrics.failed.WithLabelValues(string(o.Surface), string(reason)).Inc()
		}
	}
}
