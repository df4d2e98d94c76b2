package sqlite_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// BenchmarkReserveStock is one sample approval's stock step: a write
// transaction with two conditional updates, committed to a WAL file.
func BenchmarkReserveStock(b *testing.B) {
	ctx := context.Background()
	db := mustOpen(b)
	mustProduct(b, db, "P100", 1_000_000_000) // more than any run takes
	offer := mustOffer(b, db, 0)
	for b.Loop() {
		if err := db.Update(ctx, func(tx commands.Tx) error { return tx.ReserveStock(ctx, "P100", offer.ID, 1) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInsertInvitation is one invitation as a use case writes it: the
// row, its audit event and its outbox message in one transaction.
func BenchmarkInsertInvitation(b *testing.B) {
	ctx := context.Background()
	db := mustOpen(b)
	mustProduct(b, db, "P100", 0)
	collab := mustCollaboration(b, db, "P100")
	var creators []int64
	for i := range 1000 {
		c := domain.Creator{Handle: "creator" + strconv.Itoa(i)}
		mustUpdate(b, db, func(tx commands.Tx) error { return tx.InsertCreator(ctx, &c) })
		creators = append(creators, c.ID)
	}
	n := 0
	for b.Loop() {
		if n == len(creators) {
			// Each creator is invited once per collaboration.
			b.StopTimer()
			collab = mustCollaboration(b, db, "P100")
			n = 0
			b.StartTimer()
		}
		err := db.Update(ctx, func(tx commands.Tx) error {
			i := domain.Invitation{CollaborationID: collab.ID, CreatorID: creators[n], Rate: 1500, State: domain.InvitationPending,
				CreatedAt: t0, ExpiresAt: t0.Add(30 * 24 * time.Hour)}
			if err := tx.InsertInvitation(ctx, &i); err != nil {
				return err
			}
			if err := tx.AddEvent(ctx, domain.Event{At: t0, Actor: "member:U1", Kind: "invitation.sent", Subject: "invitation"}); err != nil {
				return err
			}
			_, err := tx.Enqueue(ctx, domain.Outgoing{
				To:     domain.Recipient{Kind: domain.ToCreator, CreatorID: creators[n]},
				Notice: domain.Notice{Kind: domain.NoticeUnreachable, Text: "You're invited"},
				Key:    "invitation:" + strconv.FormatInt(i.ID, 10),
			})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}
