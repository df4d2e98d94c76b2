package sqlite_test

import (
	"context"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// CreatorTrack counts what a sample card shows (received: shipped, overdue
// or completed; posted: completed), the same numbers CreatorCards lists.
func TestCreatorTrack(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	amy, bea := mustCreator(t, db, "amy"), mustCreator(t, db, "bea")
	for i, st := range []domain.SampleState{domain.SampleRequested, domain.SampleApproved, domain.SampleShipped, domain.SampleOverdue, domain.SampleCompleted, domain.SampleCompleted, domain.SampleRejected} {
		p := mustProduct(t, db, "P"+string(rune('1'+i)), 0)
		s := domain.SampleRequest{CreatorID: amy.ID, ProductID: p.ID, Quantity: 1, State: st}
		mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertSample(ctx, &s) })
	}
	type track struct{ received, posted int }
	of := func(id int64) track {
		return get(t, db, func(ctx context.Context, tx commands.Tx) (track, error) {
			r, p, err := tx.CreatorTrack(ctx, id)
			return track{r, p}, err
		})
	}
	wantEqual(t, "amy", of(amy.ID), track{4, 2})
	wantEqual(t, "bea", of(bea.ID), track{0, 0})
	cards := get(t, db, func(ctx context.Context, tx commands.Tx) ([]commands.CreatorCard, error) {
		return tx.CreatorCards(ctx, commands.CreatorFilter{})
	})
	for _, c := range cards {
		wantEqual(t, "card of "+c.Creator.Handle, track{c.Received, c.Posted}, of(c.Creator.ID))
	}
}
