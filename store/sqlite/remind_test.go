package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
)

// A reminder already tried may have reached the creator: withdrawing
// leaves it, and anything claimed.
func TestWithdrawRemindersLeavesTriedRows(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.Open(t)
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	maya := domain.Creator{Handle: "maya_glow", DiscordID: "100000000000000001", Reachable: true, CreatedAt: now}
	err := db.Update(ctx, func(tx commands.Tx) error {
		if err := tx.InsertCreator(ctx, &maya); err != nil {
			return err
		}
		for _, k := range []string{"invitation:1:nudge#2026-05-06", "invitation:1:nudge#2026-05-09"} {
			if _, err := tx.Enqueue(ctx, domain.Outgoing{To: domain.Recipient{Kind: domain.ToCreator, CreatorID: maya.ID}, Key: k, Notice: domain.Notice{Kind: domain.NoticeRemindNudge}, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.ClaimOutgoing(ctx, now, []domain.Surface{domain.SurfaceDiscord}, 1, time.Minute)
	if err != nil || len(rows) != 1 {
		t.Fatalf("claim: %v %v", rows, err)
	}
	var n int
	if err := db.Update(ctx, func(tx commands.Tx) error {
		n, err = tx.WithdrawReminders(ctx, "invitation:1:nudge#")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	left, err := db.ListOutgoing(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || len(left) != 1 || left[0].ID != rows[0].ID {
		t.Errorf("withdrew %d, left %+v; want the unclaimed one withdrawn and the claimed one (%d) kept", n, left, rows[0].ID)
	}
}
