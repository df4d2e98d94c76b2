package sqlite_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

func TestEnqueueDeduplicatesByKey(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	var first, second bool
	mustUpdate(t, db, func(tx commands.Tx) error {
		var err error
		first, err = tx.Enqueue(ctx, message(1))
		return err
	})
	again := message(1)
	again.Notice.Card.Text = "a retried action"
	mustUpdate(t, db, func(tx commands.Tx) error {
		var err error
		second, err = tx.Enqueue(ctx, again)
		return err
	})
	if !first || second {
		t.Fatalf("Enqueue reported %v then %v, want true then false", first, second)
	}
	rows, err := db.ListOutgoing(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Notice.Card.Text != "message 1" {
		t.Fatalf("outbox = %+v, want the first message only", rows)
	}
}

func TestEnqueueRejectsBadRows(t *testing.T) {
	db := mustOpen(t)
	noKey := message(1)
	noKey.Key = ""
	badTo := message(2)
	badTo.To = domain.Recipient{Kind: domain.ToChannel, Channel: "random"}
	for name, o := range map[string]domain.Outgoing{"no key": noKey, "unknown channel": badTo} {
		t.Run(name, func(t *testing.T) {
			err := db.Update(context.Background(), func(tx commands.Tx) error {
				_, err := tx.Enqueue(context.Background(), o)
				return err
			})
			wantKind(t, err, domain.KindInvalid)
		})
	}
}

func TestClaimOutgoing(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	later := message(3)
	later.CreatedAt = t0.Add(time.Hour)
	mustEnqueue(t, db, message(1), message(2), later)

	lease := time.Minute
	got, err := db.ClaimOutgoing(ctx, t0, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key != "test:1" || got[1].Key != "test:2" {
		t.Fatalf("claimed %+v, want test:1 and test:2 (test:3 is not due)", got)
	}
	for _, o := range got {
		if o.State != domain.OutboxSending {
			t.Fatalf("claimed row state = %s, want sending", o.State)
		}
	}
	if again, _ := db.ClaimOutgoing(ctx, t0.Add(lease-time.Millisecond), 10, lease); len(again) != 0 {
		t.Fatalf("claimed %d rows again within the lease", len(again))
	}

	// test:1 is sent, test:2's sender dies: its lease runs out and it is
	// claimed again, together with test:3 that became due.
	if err := db.MarkSent(ctx, got[0], t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	reclaimed, err := db.ClaimOutgoing(ctx, t0.Add(time.Hour), 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	if len(reclaimed) != 2 || reclaimed[0].Key != "test:2" || reclaimed[1].Key != "test:3" {
		t.Fatalf("reclaimed %+v, want test:2 (lease expired) and test:3", reclaimed)
	}
	// The lost lease counts as an attempt, so a message that kills its
	// sender every time runs out of attempts; a first claim does not.
	if reclaimed[0].Attempts != 1 || reclaimed[1].Attempts != 0 {
		t.Fatalf("attempts after reclaim = %d, %d; want 1 (lease lost), 0 (first claim)", reclaimed[0].Attempts, reclaimed[1].Attempts)
	}

	if err := db.MarkRetry(ctx, reclaimed[0], t0.Add(2*time.Hour), "slack: 429"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, reclaimed[1], "discord: 50007 cannot DM"); err != nil {
		t.Fatal(err)
	}

	sent, _ := db.ListOutgoing(ctx, domain.OutboxSent, 0)
	pending, _ := db.ListOutgoing(ctx, domain.OutboxPending, 0)
	failed, _ := db.ListOutgoing(ctx, domain.OutboxFailed, 0)
	if len(sent) != 1 || !sent[0].SentAt.Equal(t0.Add(time.Second)) {
		t.Fatalf("sent = %+v", sent)
	}
	if len(pending) != 1 || pending[0].Attempts != 2 || pending[0].LastError != "slack: 429" || !pending[0].NextAttempt.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("pending after retry = %+v", pending)
	}
	if len(failed) != 1 || failed[0].LastError != "discord: 50007 cannot DM" || failed[0].Attempts != 1 {
		t.Fatalf("failed = %+v", failed)
	}

	// The retried row is due again only at its next attempt.
	if early, _ := db.ClaimOutgoing(ctx, t0.Add(2*time.Hour-time.Millisecond), 10, lease); len(early) != 0 {
		t.Fatalf("claimed %+v before its next attempt", early)
	}
	if due, _ := db.ClaimOutgoing(ctx, t0.Add(2*time.Hour), 10, lease); len(due) != 1 || due[0].Key != "test:2" {
		t.Fatalf("claimed %+v at the next attempt, want test:2", due)
	}

	if err := db.MarkSent(ctx, domain.Outgoing{ID: 999}, t0); domain.ErrorKind(err) != domain.KindNotFound {
		t.Fatalf("MarkSent(unknown) = %v, want not found", err)
	}
}

// Two dispatchers, each with its own DB handle on the file as two replicas
// would have, never get the same row.
func TestClaimOutgoingConcurrently(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "collabbot.db")
	db := mustOpenPath(t, path)
	const rows = 200
	msgs := make([]domain.Outgoing, rows)
	for i := range msgs {
		msgs[i] = message(i)
	}
	mustEnqueue(t, db, msgs...)

	claimers := []*sqlite.DB{db, mustOpenPath(t, path)}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for _, c := range claimers {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := c.ClaimOutgoing(ctx, t0, 7, time.Hour)
					if err != nil {
						t.Errorf("ClaimOutgoing: %v", err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, o := range got {
						seen[o.ID]++
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if len(seen) != rows {
		t.Fatalf("claimed %d distinct rows, want %d", len(seen), rows)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("row %d claimed %d times", id, n)
		}
	}
}

func TestListOutgoingLimit(t *testing.T) {
	db := mustOpen(t)
	mustEnqueue(t, db, message(1), message(2), message(3))
	rows, err := db.ListOutgoing(context.Background(), domain.OutboxPending, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Key != "test:1" || rows[1].Key != "test:2" {
		t.Fatalf("ListOutgoing(pending, 2) = %+v, want the two oldest", rows)
	}
}

// A worker whose claim ran out cannot record an outcome over the row's new
// holder: its late mark is a conflict and the new holder's result stands.
func TestMarkAfterLostLeaseIsRefused(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustEnqueue(t, db, message(1))
	lease := time.Minute
	first, err := db.ClaimOutgoing(ctx, t0, 1, lease)
	if err != nil || len(first) != 1 {
		t.Fatalf("first claim: %v %v", first, err)
	}
	second, err := db.ClaimOutgoing(ctx, t0.Add(2*lease), 1, lease)
	if err != nil || len(second) != 1 {
		t.Fatalf("second claim after the lease ran out: %v %v", second, err)
	}
	if err := db.MarkSent(ctx, second[0], t0.Add(2*lease)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkRetry(ctx, first[0], t0.Add(time.Hour), "late"); domain.ErrorKind(err) != domain.KindConflict {
		t.Fatalf("late MarkRetry = %v, want a conflict", err)
	}
	sent, _ := db.ListOutgoing(ctx, domain.OutboxSent, 0)
	if len(sent) != 1 || sent[0].LastError != "" {
		t.Errorf("sent rows after the late mark: %+v", sent)
	}
}
