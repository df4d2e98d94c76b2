package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// Failer is an engine whose outbox can be driven to a failure, as the
// dispatcher drives it: claim due rows, then fail one for a reason.
type Failer interface {
	ClaimOutgoing(ctx context.Context, now time.Time, surfaces []domain.Surface, limit int, lease time.Duration) ([]domain.Outgoing, error)
	MarkFailedFor(ctx context.Context, o domain.Outgoing, now time.Time, reason domain.FailReason, errText string) error
}

// runOutbox checks what the use cases read of the outbox through a Tx
// (commands.OutboxReader): where rows stand by key, and the failed ones,
// the latest failure first, counted in all.
func runOutbox(t *testing.T, f Factory) {
	e := f(t)
	fe, ok := e.(Failer)
	if !ok {
		t.Skipf("%T cannot fail outbox rows (Failer)", e)
	}
	sellers := domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers}
	update(t, e, func(tx commands.Tx) error {
		for _, k := range []string{"a", "b", "c"} {
			if _, err := tx.Enqueue(ctxb, domain.Outgoing{To: sellers, Surface: sellers.Surface(), Key: k,
				Notice: domain.Notice{Kind: domain.NoticePlanCreated}, NextAttempt: t0, CreatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	claimed, err := fe.ClaimOutgoing(ctxb, t0, []domain.Surface{domain.SurfaceSlack}, 3, time.Minute)
	if err != nil || len(claimed) != 3 {
		t.Fatalf("ClaimOutgoing = %d rows, %v", len(claimed), err)
	}
	byKey := map[string]domain.Outgoing{}
	for _, o := range claimed {
		byKey[o.Key] = o
	}
	if err := fe.MarkFailedFor(ctxb, byKey["a"], t0, domain.FailPermanent, "not_in_channel"); err != nil {
		t.Fatal(err)
	}
	if err := fe.MarkFailedFor(ctxb, byKey["b"], t0.Add(time.Minute), domain.FailRetryOver, "503"); err != nil {
		t.Fatal(err)
	}

	st := read(t, e, func(tx commands.Tx) (map[string]commands.OutgoingStatus, error) {
		return tx.OutgoingStatus(ctxb, []string{"a", "c", "never"})
	})
	if len(st) != 2 || st["a"].State != domain.OutboxFailed || st["a"].Reason != domain.FailPermanent || st["a"].ID != byKey["a"].ID ||
		st["c"].State != domain.OutboxSending {
		t.Fatalf("OutgoingStatus = %+v", st)
	}
	type list struct {
		rows  []domain.Outgoing
		total int
	}
	got := read(t, e, func(tx commands.Tx) (list, error) {
		rows, total, err := tx.Undelivered(ctxb, 1)
		return list{rows, total}, err
	})
	if got.total != 2 || len(got.rows) != 1 || got.rows[0].Key != "b" || got.rows[0].FailReason != domain.FailRetryOver || !got.rows[0].FailedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("Undelivered(1) = %+v, want b (the latest failure) of 2", got)
	}
}
