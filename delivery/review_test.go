package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
)

// A send slower than MarkTimeout (but within SendTimeout) still has its
// outcome recorded: the mark gets its own budget after the send, or the row
// would be sent again when its lease ran out.
func TestSlowSendOutcomeIsRecorded(t *testing.T) {
	db := openDB(t)
	id := enqueue(t, db, t0, toChannel(domain.ChannelSellers))[0]
	s := newRecorder(func(domain.Outgoing) error { time.Sleep(150 * time.Millisecond); return nil })
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(s),
		SendTimeout: 2 * time.Second, MarkTimeout: 100 * time.Millisecond, Lease: time.Hour}
	if _, err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if o := row(t, db, id); o.State != domain.OutboxSent {
		t.Fatalf("row is %s after a 150ms send with MarkTimeout 100ms; want sent", o.State)
	}
}

func enqueueOn(t *testing.T, db interface {
	Update(context.Context, func(commands.Tx) error) error
}, key, replaces, text string) {
	t.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx commands.Tx) error {
		to := toChannel(domain.ChannelApprovals)
		_, err := tx.Enqueue(ctx, domain.Outgoing{Surface: to.Surface(), To: to, Key: key, Replaces: replaces, Thread: "sample:1",
			Notice: domain.Notice{Kind: domain.NoticeUnreachable, Text: text}, NextAttempt: t0, CreatedAt: t0})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The original is in flight when edit v1 is queued (it waits); the send
// fails for now, so the original is pending again when edit v2 comes and
// folds in at once. The next claim sends v2, the latest, not v1.
func TestFoldKeepsTheLatestEdit(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := newClock()
	enqueueOn(t, db, "card", "", "v0")
	rows, err := db.ClaimOutgoing(ctx, clk.Now(), surfaces, 1, time.Hour)
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	enqueueOn(t, db, "card~approved", "card", "v1 approved")
	if _, err := db.MarkRetry(ctx, rows[0], clk.Now(), clk.Now(), "500", time.Hour); err != nil {
		t.Fatal(err)
	}
	enqueueOn(t, db, "card~shipped", "card", "v2 shipped")
	rows, err = db.ClaimOutgoing(ctx, clk.Now(), surfaces, 1, time.Hour)
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	if got := rows[0].Notice.Text; got != "v2 shipped" {
		t.Fatalf("claimed original carries %q, want the latest edit %q", got, "v2 shipped")
	}
}

// An edit queued before its original on the same thread does not lock the
// thread: the original goes out, then the edit.
func TestEditQueuedBeforeItsOriginalDoesNotBlock(t *testing.T) {
	db := openDB(t)
	enqueueOn(t, db, "card~x", "card", "edit")
	enqueueOn(t, db, "card", "", "orig")
	d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(newPlatform())}
	drain(t, d)
	all, err := db.ListOutgoing(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		if o.State != domain.OutboxSent && o.State != domain.OutboxMerged {
			t.Errorf("%s is %s, want sent", o.Key, o.State)
		}
	}
}
