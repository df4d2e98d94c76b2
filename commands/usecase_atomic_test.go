package commands_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// brokenOutbox is the real store whose Update hands use cases a Tx that
// cannot queue messages while failing is set: the crash "after the change,
// before the outbox row" a two-step design would allow.
type brokenOutbox struct {
	commands.Store
	failing atomic.Bool
	tried   atomic.Int32
}

func (s *brokenOutbox) Update(ctx context.Context, fn func(commands.Tx) error) error {
	return s.Store.Update(ctx, func(tx commands.Tx) error {
		if s.failing.Load() {
			return fn(noEnqueueTx{Tx: tx, tried: &s.tried})
		}
		return fn(tx)
	})
}

type noEnqueueTx struct {
	commands.Tx
	tried *atomic.Int32
}

var errOutboxDown = errors.New("outbox write failed: disk I/O error")

func (t noEnqueueTx) Enqueue(context.Context, domain.Outgoing) (bool, error) {
	t.tried.Add(1)
	return false, errOutboxDown
}

// A change whose message cannot be queued is not stored either: state,
// audit event and outbox rows commit together or not at all.
func TestOutboxFailureRollsBackTheChange(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	broken := &brokenOutbox{Store: db}
	bapp := commands.New(broken, commands.Options{Clock: clk, Location: time.UTC})

	mustAddProduct(t, app, "P100", 5, "")
	mustAddProduct(t, app, "P200", 5, "")
	mustAddProduct(t, app, "P300", 5, "")
	_, maya := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	requested := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P100", PlanID: plan.ID}).ID
	approved := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P200", PlanID: plan.ID}).ID
	mustApprove(t, app, approved)
	inv := mustInviteOne(t, app, "maya", true, "P300")

	calls := []struct {
		name string
		call func() error
	}{
		{"ApproveSample", func() error { _, err := bapp.ApproveSample(ctxb, erin, requested); return err }},
		{"RejectSample", func() error {
			_, err := bapp.RejectSample(ctxb, erin, requested, domain.RejectOffline, "")
			return err
		}},
		{"CancelSample approved", func() error { _, err := bapp.CancelSample(ctxb, dana, approved, ""); return err }},
		{"ShipSample", func() error { _, err := bapp.ShipSample(ctxb, dana, approved, "1Z"); return err }},
		{"AcceptInvitation", func() error { _, err := bapp.AcceptInvitation(ctxb, maya, inv.ID); return err }},
		{"ChangeInvitationRate", func() error { _, _, err := bapp.ChangeInvitationRate(ctxb, dana, inv.ID, 500); return err }},
		{"InviteCreators", func() error {
			_, err := bapp.InviteCreators(ctxb, dana, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500})
			return err
		}},
		{"RequestSample", func() error {
			_, err := bapp.RequestSample(ctxb, maya, commands.SampleInput{ProductID: "P300", InvitationID: inv.ID})
			return err
		}},
		{"CreatePlan", func() error {
			_, err := bapp.CreatePlan(ctxb, dana, commands.PlanRequest{Name: "Autumn", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}})
			return err
		}},
	}
	broken.failing.Store(true)
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			before := stateOf(t, db)
			tried := broken.tried.Load()
			err := c.call()
			if !errors.Is(err, errOutboxDown) {
				t.Fatalf("err = %v, want the outbox failure", err)
			}
			if broken.tried.Load() == tried {
				t.Fatalf("the use case never tried to queue a message")
			}
			wantUnchanged(t, db, before)
		})
	}
	if s := sampleOf(t, db, requested); s.State != domain.SampleRequested || s.DecidedBy != "" {
		t.Errorf("S%d = %s by %q after the failed approval, want requested", requested, s.State, s.DecidedBy)
	}
	if got := productOf(t, db, "P100").SampleStock; got != 5 {
		t.Errorf("P100 stock = %d after the failed approval, want 5", got)
	}
	if got := productOf(t, db, "P200").SampleStock; got != 4 {
		t.Errorf("P200 stock = %d after the failed cancel, want 4 (still reserved)", got)
	}

	// With the outbox back the same approval stores the state, its event
	// and its messages, all stamped with the same instant.
	broken.failing.Store(false)
	clk.Advance(time.Minute)
	v, err := bapp.ApproveSample(ctxb, erin, requested)
	mustNil(t, err, "ApproveSample")
	s := sampleOf(t, db, requested)
	if s.State != domain.SampleApproved || s.DecidedBy != erin.MemberID || !s.DecidedAt.Equal(v.DecidedAt) {
		t.Fatalf("stored %+v, want approved by erin", s)
	}
	if got := productOf(t, db, "P100").SampleStock; got != 4 {
		t.Errorf("P100 stock = %d, want 4", got)
	}
	evs := events(t, db, fmt.Sprintf("sample:%d", requested))
	if len(evs) == 0 || evs[0].Kind != "sample.approved" || evs[0].Actor != "member:U_MGR" || !evs[0].At.Equal(s.DecidedAt) {
		t.Fatalf("latest event = %+v, want sample.approved by member:U_MGR at %v", evs, s.DecidedAt)
	}
	for _, key := range []string{fmt.Sprintf("sample:%d:card~approved", requested), fmt.Sprintf("sample:%d:approved", requested)} {
		o := mustOutboxKey(t, db, key)
		// The card edit is merged into the card when the card has not gone
		// out yet (nothing is delivered here).
		if !o.CreatedAt.Equal(s.DecidedAt) || (o.State != domain.OutboxPending && o.State != domain.OutboxMerged) {
			t.Errorf("outbox %s = %+v, want pending (or merged into the card), created at the decision", key, o)
		}
	}
}
