package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// Every way a row fails for good records why and when, and leaves it to be
// told once; a retry clears it all.
func TestFailuresRecordTheirReasonAndAreToldOnce(t *testing.T) {
	ctx := context.Background()
	later := t0.Add(time.Hour)
	cases := []struct {
		name string
		fail func(t *testing.T, db *sqlite.DB) int64 // fails a row, returns its ID
		want domain.FailReason
	}{
		{"permanent", func(t *testing.T, db *sqlite.DB) int64 {
			o := mustClaim(t, db, t0, time.Minute, 1)[0]
			if err := db.MarkFailedFor(ctx, o, later, domain.FailPermanent, "not_in_channel"); err != nil {
				t.Fatal(err)
			}
			return o.ID
		}, domain.FailPermanent},
		{"unreachable", func(t *testing.T, db *sqlite.DB) int64 {
			o := mustClaim(t, db, t0, time.Minute, 1)[0]
			if err := db.MarkFailedFor(ctx, o, later, domain.FailUnreachable, "50007"); err != nil {
				t.Fatal(err)
			}
			return o.ID
		}, domain.FailUnreachable},
		{"retry period over", func(t *testing.T, db *sqlite.DB) int64 {
			o := mustClaim(t, db, t0, time.Minute, 1)[0]
			if _, err := db.MarkRetry(ctx, o, t0, t0, "503", time.Hour); err != nil {
				t.Fatal(err)
			}
			o = mustClaim(t, db, later, time.Minute, 1)[0]
			if gaveUp, err := db.MarkRetry(ctx, o, later, later, "503", time.Hour); err != nil || !gaveUp {
				t.Fatalf("MarkRetry = %v, %v; want given up", gaveUp, err)
			}
			return o.ID
		}, domain.FailRetryOver},
		{"lost", func(t *testing.T, db *sqlite.DB) int64 {
			now := t0
			for range sqlite.MaxLost {
				mustClaim(t, db, now, time.Minute, 1)
				now = now.Add(time.Minute)
			}
			mustClaim(t, db, later, time.Minute, 0)
			return 1
		}, domain.FailLost},
		{"original failed", func(t *testing.T, db *sqlite.DB) int64 {
			orig := mustClaim(t, db, t0, time.Minute, 1)[0]
			mustEnqueue(t, db, threaded(2, "", 1))
			if err := db.MarkFailed(ctx, orig, "not_in_channel"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.MarkTold(ctx, orig.ID); err != nil {
				t.Fatal(err)
			}
			mustClaim(t, db, later, time.Minute, 0)
			return 2
		}, domain.FailOriginal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpen(t)
			mustEnqueue(t, db, message(1))
			id := tc.fail(t, db)
			o := mustRow(t, db, id)
			if o.State != domain.OutboxFailed || o.FailReason != tc.want || o.FailedAt.IsZero() {
				t.Fatalf("row is %s, reason %q, failed at %v; want failed, %q, a time", o.State, o.FailReason, o.FailedAt, tc.want)
			}
			untold, err := db.UntoldFailures(ctx, 10)
			if err != nil || len(untold) != 1 || untold[0].ID != id {
				t.Fatalf("UntoldFailures = %+v, %v; want row %d", untold, err, id)
			}
			for i, want := range []bool{true, false} {
				if mine, err := db.MarkTold(ctx, id); err != nil || mine != want {
					t.Fatalf("MarkTold #%d = %v, %v; want %v", i+1, mine, err, want)
				}
			}
			if untold, _ := db.UntoldFailures(ctx, 10); len(untold) != 0 {
				t.Fatalf("told row still untold: %+v", untold)
			}
			again, err := db.RetryOutgoing(ctx, id, later)
			if err != nil {
				t.Fatal(err)
			}
			if again.FailReason != "" || !again.FailedAt.IsZero() {
				t.Fatalf("a retried row keeps reason %q, failed at %v", again.FailReason, again.FailedAt)
			}
		})
	}
}

// OnEnqueue's hooks run after a commit that queued rows, and only then.
func TestOnEnqueueRunsAfterCommitsThatQueued(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	var calls atomic.Int32
	remove := db.OnEnqueue(func() { calls.Add(1) })
	steps := []struct {
		name string
		run  func() error
		want int32
	}{
		{"queued", func() error {
			return db.Update(ctx, func(tx commands.Tx) error { _, err := tx.Enqueue(ctx, message(1)); return err })
		}, 1},
		{"same key again: nothing queued", func() error {
			return db.Update(ctx, func(tx commands.Tx) error { _, err := tx.Enqueue(ctx, message(1)); return err })
		}, 1},
		{"rolled back", func() error {
			err := db.Update(ctx, func(tx commands.Tx) error {
				if _, err := tx.Enqueue(ctx, message(2)); err != nil {
					return err
				}
				return errors.New("changed my mind")
			})
			if err == nil {
				return errors.New("want the rollback's error")
			}
			return nil
		}, 1},
		{"no row", func() error {
			return db.Update(ctx, func(tx commands.Tx) error { _, err := tx.Events(ctx, "", 1); return err })
		}, 1},
		{"removed", func() error {
			remove()
			return db.Update(ctx, func(tx commands.Tx) error { _, err := tx.Enqueue(ctx, message(3)); return err })
		}, 1},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := calls.Load(); got != s.want {
			t.Fatalf("%s: hook ran %d times in all, want %d", s.name, got, s.want)
		}
	}
}

// OutboxDepth counts what waits (pending and in flight) per surface, with
// the oldest's queue time; CountOutgoing counts every state.
func TestOutboxDepthAndCounts(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	dm := message(2)
	dm.To = domain.Recipient{Kind: domain.ToCreator, CreatorID: 1}
	dm.CreatedAt = t0.Add(time.Minute)
	mustEnqueue(t, db, message(1), dm, message(3))
	for _, o := range mustClaim(t, db, t0.Add(time.Hour), time.Minute, 3) {
		if o.Key != "test:3" {
			continue
		}
		if err := db.MarkSent(ctx, o, t0, "ref"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.OutboxDepth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.QueueDepth{{Surface: domain.SurfaceDiscord, Waiting: 1, Oldest: t0.Add(time.Minute)}, {Surface: domain.SurfaceSlack, Waiting: 1, Oldest: t0}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("OutboxDepth = %+v, want %+v", got, want)
	}
	counts, err := db.CountOutgoing(ctx)
	if err != nil || counts[domain.OutboxSending] != 2 || counts[domain.OutboxSent] != 1 {
		t.Fatalf("CountOutgoing = %v, %v", counts, err)
	}
}

// A claim takes what is not outreach (answers, channel posts, edits)
// before outreach (invitation DMs), each longest due first, on one surface
// and across surfaces: a fan-out never holds back an answer queued after it.
func TestClaimTakesAnswersBeforeOutreach(t *testing.T) {
	db := mustOpen(t)
	var rows []domain.Outgoing
	for i := 1; i <= 3; i++ {
		o := message(i)
		o.To = domain.Recipient{Kind: domain.ToCreator, CreatorID: int64(i)}
		o.Counts = true
		rows = append(rows, o)
	}
	answer := message(4)
	answer.To = domain.Recipient{Kind: domain.ToCreator, CreatorID: 9}
	answer.CreatedAt = t0.Add(time.Second)
	post := message(5)
	post.CreatedAt = t0.Add(2 * time.Second)
	mustEnqueue(t, db, append(rows, answer, post)...)
	var got []string
	for range 5 {
		one, err := db.ClaimOutgoing(context.Background(), t0.Add(time.Minute), both, 1, time.Hour)
		if err != nil || len(one) != 1 {
			t.Fatalf("ClaimOutgoing = %v, %v", one, err)
		}
		got = append(got, one[0].Key)
	}
	want := "test:4 test:5 test:1 test:2 test:3"
	if strings.Join(got, " ") != want {
		t.Fatalf("claimed %v, want %s", got, want)
	}
}
