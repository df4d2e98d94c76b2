package storetest

import (
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// runReminders checks the store's part of the reminder jobs: the record of
// each job's last run, the funnel counts of the weekly digest, and the
// lookup of a queued key.
func runReminders(t *testing.T, f Factory) {
	tests := []struct {
		name string
		run  func(*testing.T, Engine)
	}{
		{"ReminderRunNeverMovesBack", testReminderRun},
		{"FunnelCountsEachStageByItsOwnTime", testFunnel},
		{"QueuedFindsAKey", testQueued},
		{"WithdrawRemindersByKeyPrefix", testWithdrawReminders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, f(t))
		})
	}
}

func testReminderRun(t *testing.T, e Engine) {
	get := func(job string) time.Time {
		t.Helper()
		return read(t, e, func(tx commands.Tx) (time.Time, error) { return tx.ReminderRun(ctxb, job) })
	}
	if at := get("digest"); !at.IsZero() {
		t.Fatalf("ReminderRun of a job never run = %v, want the zero time", at)
	}
	set := func(job string, at time.Time) {
		t.Helper()
		update(t, e, func(tx commands.Tx) error { return tx.SetReminderRun(ctxb, job, at) })
	}
	set("digest", t0)
	set("nudge", t0.Add(time.Hour))
	if at := get("digest"); !at.Equal(t0) {
		t.Fatalf("ReminderRun(digest) = %v, want %v", at, t0)
	}
	set("digest", t0.Add(24*time.Hour))
	set("digest", t0.Add(time.Hour)) // a slow replica's older run
	if at := get("digest"); !at.Equal(t0.Add(24 * time.Hour)) {
		t.Fatalf("ReminderRun(digest) after an older run = %v, want %v (never moved back)", at, t0.Add(24*time.Hour))
	}
	if at := get("nudge"); !at.Equal(t0.Add(time.Hour)) {
		t.Fatalf("ReminderRun(nudge) = %v, want its own record", at)
	}
	if err := e.Update(ctxb, func(tx commands.Tx) error { return tx.SetReminderRun(ctxb, "", t0) }); err == nil {
		t.Fatal("SetReminderRun with no job succeeded")
	}
}

func testFunnel(t *testing.T, e Engine) {
	fx := mustFixture(t, e) // an invitation and a sample request at t0
	week := [2]time.Time{t0.Add(-time.Hour), t0.Add(7 * 24 * time.Hour)}
	update(t, e, func(tx commands.Tx) error {
		// A second creator accepted in the week; a third was invited the
		// week before and accepted in this one.
		for i, c := range []struct {
			handle, discord string
			created         time.Time
		}{{"leo_fit", "100000000000000002", t0.Add(time.Hour)}, {"ana_eats", "100000000000000003", t0.AddDate(0, 0, -3)}} {
			cr := domain.Creator{Handle: c.handle, DiscordID: c.discord, Reachable: true, CreatedAt: t0}
			if err := tx.InsertCreator(ctxb, &cr); err != nil {
				return err
			}
			inv := domain.Invitation{CollaborationID: fx.collab.ID, CreatorID: cr.ID, Rate: 1500, State: domain.InvitationAccepted,
				CreatedAt: c.created, RespondedAt: t0.Add(time.Duration(i+2) * time.Hour), ExpiresAt: t0.AddDate(0, 0, 30)}
			if err := tx.InsertInvitation(ctxb, &inv); err != nil {
				return err
			}
		}
		// fx.sample was shipped in the week and posted after it.
		s := fx.sample
		s.State, s.DecidedAt, s.ShippedAt, s.DueAt = domain.SampleCompleted, t0, t0.Add(2*time.Hour), t0.AddDate(0, 0, 14)
		s.CompletedAt = week[1].Add(time.Hour)
		return tx.UpdateSample(ctxb, s)
	})
	got := read(t, e, func(tx commands.Tx) (domain.Funnel, error) { return tx.Funnel(ctxb, week[0], week[1]) })
	want := domain.Funnel{From: week[0], To: week[1], Invited: 2, Accepted: 2, Sampled: 1, Shipped: 1, Posted: 0}
	if got != want {
		t.Errorf("Funnel(this week) = %+v, want %+v", got, want)
	}
	next := read(t, e, func(tx commands.Tx) (domain.Funnel, error) { return tx.Funnel(ctxb, week[1], week[1].AddDate(0, 0, 7)) })
	if next.Posted != 1 || next.Invited != 0 || next.Shipped != 0 {
		t.Errorf("Funnel(next week) = %+v, want only the posted content", next)
	}
	// To is exclusive: a step at To belongs to the next period.
	edge := read(t, e, func(tx commands.Tx) (domain.Funnel, error) { return tx.Funnel(ctxb, week[0], t0) })
	if edge.Invited != 0 || edge.Sampled != 0 {
		t.Errorf("Funnel ending at t0 = %+v, want the steps at t0 left out", edge)
	}
}

func testQueued(t *testing.T, e Engine) {
	const key = "sample:1:due-1d#2026-05-20"
	if got := read(t, e, func(tx commands.Tx) (bool, error) { return tx.Queued(ctxb, key) }); got {
		t.Fatal("Queued before anything was queued = true")
	}
	update(t, e, func(tx commands.Tx) error {
		_, err := tx.Enqueue(ctxb, domain.Outgoing{To: domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers}, Key: key,
			Notice: domain.Notice{Kind: domain.NoticeRemindOverdue}, CreatedAt: t0})
		return err
	})
	if got := read(t, e, func(tx commands.Tx) (bool, error) { return tx.Queued(ctxb, key) }); !got {
		t.Fatal("Queued after the key was queued = false")
	}
	if got := read(t, e, func(tx commands.Tx) (bool, error) { return tx.Queued(ctxb, key+"x") }); got {
		t.Fatal("Queued matches a longer key")
	}
}

func testWithdrawReminders(t *testing.T, e Engine) {
	sellers := domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers}
	keys := []string{"invitation:1:nudge#2026-05-06", "invitation:1:nudge#2026-05-09", "invitation:12:nudge#2026-05-06", "invitation:1:dm", "invitation:1:nudge#2026-05-12"}
	update(t, e, func(tx commands.Tx) error {
		for _, k := range keys {
			if _, err := tx.Enqueue(ctxb, domain.Outgoing{To: sellers, Key: k, Notice: domain.Notice{Kind: domain.NoticeRemindNudge}, CreatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	var n int
	update(t, e, func(tx commands.Tx) error {
		var err error
		n, err = tx.WithdrawReminders(ctxb, "invitation:1:nudge#")
		return err
	})
	if n != 3 {
		t.Errorf("WithdrawReminders withdrew %d rows, want the 3 of invitation 1's nudges", n)
	}
	left := map[string]bool{}
	rows, err := e.ListOutgoing(ctxb, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rows {
		left[o.Key] = true
	}
	if !left["invitation:12:nudge#2026-05-06"] || !left["invitation:1:dm"] || len(left) != 2 {
		t.Errorf("left %v, want invitation 12's nudge and invitation 1's DM", left)
	}
}
