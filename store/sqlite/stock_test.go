package sqlite_test

import (
	"context"
	"sync"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// race runs n Updates of fn at once and counts successes and conflicts;
// anything else fails the test.
func race(t *testing.T, db *sqlite.DB, n int, fn func(context.Context, commands.Tx) error) (ok, conflicts int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- db.Update(context.Background(), func(tx commands.Tx) error { return fn(context.Background(), tx) })
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		switch domain.ErrorKind(err) {
		case "":
			ok++
		case domain.KindConflict:
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	return ok, conflicts
}

func TestReserveStockNeverNegative(t *testing.T) {
	db := mustOpen(t)
	mustProduct(t, db, "P100", 10)
	ok, conflicts := race(t, db, 100, func(ctx context.Context, tx commands.Tx) error { return tx.ReserveStock(ctx, "P100", 0, 1) })
	if ok != 10 || conflicts != 90 {
		t.Fatalf("%d reserved, %d conflicts; want 10 and 90", ok, conflicts)
	}
	p := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Product, error) { return tx.Product(ctx, "P100") })
	if p.SampleStock != 0 {
		t.Fatalf("stock = %d, want 0", p.SampleStock)
	}
	err := db.Update(context.Background(), func(tx commands.Tx) error { return tx.ReserveStock(context.Background(), "P100", 0, 1) })
	wantMessage(t, err, "Product P100 has no sample stock left.")
}

func TestReserveStockRespectsOfferCap(t *testing.T) {
	db := mustOpen(t)
	mustProduct(t, db, "P100", 1000)
	offer := mustOffer(t, db, 7)
	ok, conflicts := race(t, db, 100, func(ctx context.Context, tx commands.Tx) error { return tx.ReserveStock(ctx, "P100", offer.ID, 1) })
	if ok != 7 || conflicts != 93 {
		t.Fatalf("%d reserved, %d conflicts; want 7 and 93", ok, conflicts)
	}
	o := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.SampleOffer, error) { return tx.Offer(ctx, offer.ID) })
	p := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Product, error) { return tx.Product(ctx, "P100") })
	if o.Reserved != 7 || p.SampleStock != 993 {
		t.Fatalf("offer reserved %d, product stock %d; want 7 and 993 (refused offers must not take product stock)", o.Reserved, p.SampleStock)
	}
	err := db.Update(context.Background(), func(tx commands.Tx) error { return tx.ReserveStock(context.Background(), "P100", offer.ID, 1) })
	wantKind(t, err, domain.KindConflict)
	wantMessage(t, err, "This offer's sample units (7 in all) are all reserved.")
}

func TestReserveStockIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustProduct(t, db, "P100", 10)
	offer := mustOffer(t, db, 3)
	uncapped := mustOffer(t, db, 0)

	// The caller swallows the offer's refusal and commits: the product's
	// units must not be gone.
	mustUpdate(t, db, func(tx commands.Tx) error {
		err := tx.ReserveStock(ctx, "P100", offer.ID, 4)
		wantMessage(t, err, "Only 3 of this offer's 3 sample units are left.")
		return nil
	})
	if p := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Product, error) { return tx.Product(ctx, "P100") }); p.SampleStock != 10 {
		t.Fatalf("stock after refused reservation = %d, want 10", p.SampleStock)
	}

	// An uncapped offer still counts what it gave.
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.ReserveStock(ctx, "P100", uncapped.ID, 4) })
	if o := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.SampleOffer, error) {
		return tx.Offer(ctx, uncapped.ID)
	}); o.Reserved != 4 {
		t.Fatalf("uncapped offer reserved = %d, want 4", o.Reserved)
	}

	err := db.Update(ctx, func(tx commands.Tx) error { return tx.ReserveStock(ctx, "P100", 99, 1) })
	wantKind(t, err, domain.KindNotFound)
	wantMessage(t, err, "No sample offer 99.")
	err = db.Update(ctx, func(tx commands.Tx) error { return tx.ReserveStock(ctx, "P100", 0, 0) })
	wantKind(t, err, domain.KindInvalid)
}

func TestReleaseStock(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustProduct(t, db, "P100", 5)
	offer := mustOffer(t, db, 5)
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.ReserveStock(ctx, "P100", offer.ID, 2) })
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.ReleaseStock(ctx, "P100", offer.ID, 3) })
	o := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.SampleOffer, error) { return tx.Offer(ctx, offer.ID) })
	p := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Product, error) { return tx.Product(ctx, "P100") })
	if o.Reserved != 0 || p.SampleStock != 6 {
		t.Fatalf("after release: offer reserved %d, stock %d; want 0 (never below) and 6", o.Reserved, p.SampleStock)
	}
}
