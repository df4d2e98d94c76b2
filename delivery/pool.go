package delivery

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Wake tells the dispatcher rows may be due now: the store calls it after
// a commit that queued rows (store/sqlite's OnEnqueue), so an idle Run
// sends them at once instead of at its next poll. It never blocks; wakes
// while every worker is busy collapse into one, which the next idle
// worker takes.
func (d *Dispatcher) Wake() {
	d.defaults()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// failed asks for a pass over rows that failed for good (tell).
func (d *Dispatcher) failed() {
	select {
	case d.failures <- struct{}{}:
	default:
	}
}

// step claims one due row and delivers it; false when none was due.
// claimed, when set, is called between the claim and the send.
func (d *Dispatcher) step(ctx context.Context, claimed func()) (bool, error) {
	// Claims are serialized here (they take the store's one writer in turn
	// anyway), so the per-surface cap is exact.
	d.claimMu.Lock()
	surfaces := d.claimable()
	if len(surfaces) == 0 {
		d.claimMu.Unlock()
		return false, nil
	}
	rows, err := d.Queue.ClaimOutgoing(ctx, d.Now(), surfaces, 1, d.Lease)
	for _, o := range rows {
		d.inflight[o.Surface].Add(1)
	}
	d.claimMu.Unlock()
	if err != nil || len(rows) == 0 {
		return false, err
	}
	if claimed != nil {
		claimed()
	}
	for _, o := range rows {
		d.deliver(ctx, o)
		d.inflight[o.Surface].Add(-1)
	}
	return true, nil
}

// claimable are the surfaces a free worker may claim for: with several
// surfaces, one has at most Workers-1 sends in flight, so a platform that
// paces a long fan-out (Discord at 50 requests/s) always leaves a worker
// for the other's messages. Called with claimMu held.
func (d *Dispatcher) claimable() []domain.Surface {
	limit := int32(d.Workers)
	if len(d.surfaces) > 1 && d.Workers > 1 {
		limit--
	}
	out := make([]domain.Surface, 0, len(d.surfaces))
	for _, s := range d.surfaces {
		if d.inflight[s].Load() < limit {
			out = append(out, s)
		}
	}
	return out
}

// Drain sends what is due until nothing is or ctx ends, with up to Workers
// sends in flight, and reports how many rows it handled. Each worker
// claims one row just before sending it; a worker that finds nothing due
// stops, the others go on (a row its thread held back is claimed by the
// worker that sent the row before it). Once ctx ends nothing more is
// claimed; sends in flight get ShutdownGrace to finish and their outcomes
// are recorded. Only a failed claim is returned: a failed outcome is
// logged and the next row goes on (its row comes back when its lease
// ends). Failures are told (OnFailed) before it returns.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	d.defaults()
	if len(d.surfaces) == 0 {
		return 0, nil
	}
	var total atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range d.Workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				ok, err := d.step(ctx, nil)
				if err != nil {
					if ctx.Err() == nil {
						once.Do(func() { first = err })
					}
					return
				}
				if !ok {
					return
				}
				total.Add(1)
			}
		})
	}
	wg.Wait()
	d.tell(ctx)
	return int(total.Load()), first
}

// Run delivers until ctx ends: Workers workers wait for a wake (a commit
// in this process, see Wake) or the poll every interval (rows other
// processes queued, retries coming due), and each then claims and sends
// until nothing is due. A worker that found a row wakes another, so a
// burst is taken up by the whole pool while one idle poll costs one claim.
// Run tells failures and prunes old payloads between polls, and returns
// once the sends in flight have finished or their grace ran out.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration) {
	d.defaults()
	var wg sync.WaitGroup
	if len(d.surfaces) > 0 {
		for range d.Workers {
			wg.Go(func() { d.work(ctx) })
		}
	}
	defer wg.Wait()
	d.Wake() // what was queued before the start
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		d.tell(ctx)
		d.prune(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			d.Wake()
		case <-d.failures:
		}
	}
}

// work is one of Run's workers.
func (d *Dispatcher) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		}
		// Having claimed a row after a wake, there may be more: an idle
		// worker is woken before the send, so a burst fills the pool at
		// the pace of claims, not of sends.
		recruit := d.Wake
		for ctx.Err() == nil {
			ok, err := d.step(ctx, recruit)
			if err != nil && ctx.Err() == nil {
				d.Log.Error("outbox claim failed", "err", err)
			}
			if !ok {
				break
			}
			recruit = nil
		}
	}
}
