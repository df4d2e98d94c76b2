package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// PruneSent empties the payload of sent rows queued before the cut only,
// keeps what deduplication and edits read, and leaves pending rows alone.
func TestPruneSentKeepsKeyAndReference(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustUpdate(t, db, func(tx commands.Tx) error {
		for _, n := range []int{1, 2} {
			o := message(n)
			o.CreatedAt = t0
			if _, err := tx.Enqueue(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	claimed, err := db.ClaimOutgoing(ctx, t0.Add(time.Minute), both, 1, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim = %v, %v", claimed, err)
	}
	if err := db.MarkSent(ctx, claimed[0], t0.Add(time.Minute), "C1/123"); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PruneSent(ctx, t0); err != nil || n != 0 {
		t.Fatalf("PruneSent(before the rows) = %d, %v; want 0", n, err)
	}
	if n, err := db.PruneSent(ctx, t0.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("PruneSent = %d, %v; want 1", n, err)
	}
	if n, err := db.PruneSent(ctx, t0.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("PruneSent again = %d, %v; want 0", n, err)
	}
	sent := mustRow(t, db, claimed[0].ID)
	if sent.Key != claimed[0].Key || sent.Ref != "C1/123" || sent.State != domain.OutboxSent || sent.Notice.Text != "" {
		t.Errorf("pruned row = %+v; want its key, reference and state, no text", sent)
	}
	var again bool
	mustUpdate(t, db, func(tx commands.Tx) error {
		again, err = tx.Enqueue(ctx, message(int(map[bool]int{true: 1, false: 2}[claimed[0].Key == "test:1"])))
		return err
	})
	if again {
		t.Error("a pruned row's key no longer deduplicates")
	}
	for _, o := range byKey(t, db) {
		if o.State == domain.OutboxPending && o.Notice.Text == "" {
			t.Errorf("pending row %s lost its payload", o.Key)
		}
	}
}
