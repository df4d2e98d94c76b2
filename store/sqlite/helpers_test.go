package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// t0 is a fixed instant with milliseconds, as the store keeps them.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589_000_000, time.UTC)

// mustOpen opens a fresh database file in the test's temp dir.
func mustOpen(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "collabbot.db"))
}

func mustOpenPath(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	db.Now = func() time.Time { return t0 }
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

// rawDB opens the file with the bare driver, to look at what the store
// wrote where no Tx method reads it back.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatalf("sql.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustUpdate(tb testing.TB, db *sqlite.DB, fn func(commands.Tx) error) {
	tb.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		tb.Fatalf("Update: %v", err)
	}
}

func mustView(tb testing.TB, db *sqlite.DB, fn func(commands.Tx) error) {
	tb.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		tb.Fatalf("View: %v", err)
	}
}

// get reads one value in a View and fails the test on error.
func get[T any](tb testing.TB, db *sqlite.DB, fn func(context.Context, commands.Tx) (T, error)) T {
	tb.Helper()
	var v T
	mustView(tb, db, func(tx commands.Tx) error {
		var err error
		v, err = fn(context.Background(), tx)
		return err
	})
	return v
}

func wantKind(tb testing.TB, err error, kind domain.Kind) {
	tb.Helper()
	if got := domain.ErrorKind(err); got != kind {
		tb.Fatalf("error kind = %q, want %q (err: %v)", got, kind, err)
	}
}

func wantMessage(tb testing.TB, err error, msg string) {
	tb.Helper()
	if got := domain.ErrorMessage(err); got != msg {
		tb.Fatalf("message = %q, want %q", got, msg)
	}
}

func wantEqual[T any](tb testing.TB, what string, got, want T) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		tb.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func mustCreator(tb testing.TB, db *sqlite.DB, handle string) domain.Creator {
	tb.Helper()
	c := domain.Creator{Handle: handle, Followers: 10_000, Reachable: true, CreatedAt: t0}
	mustUpdate(tb, db, func(tx commands.Tx) error { return tx.InsertCreator(context.Background(), &c) })
	return c
}

func mustProduct(tb testing.TB, db *sqlite.DB, id string, stock int) domain.Product {
	tb.Helper()
	p := domain.Product{ID: id, Title: "Product " + id, Price: 2490, SampleStock: stock}
	mustUpdate(tb, db, func(tx commands.Tx) error { return tx.InsertProduct(context.Background(), p) })
	return p
}

func mustOffer(tb testing.TB, db *sqlite.DB, stock int) domain.SampleOffer {
	tb.Helper()
	o := domain.SampleOffer{PerCreator: 1, Stock: stock, Requirements: domain.Requirements{PostWithinDays: 14}}
	mustUpdate(tb, db, func(tx commands.Tx) error { return tx.InsertOffer(context.Background(), &o) })
	return o
}

// mustCollaboration stores a collaboration of the given products without a
// sample offer.
func mustCollaboration(tb testing.TB, db *sqlite.DB, products ...string) domain.Collaboration {
	tb.Helper()
	c := domain.Collaboration{Name: "Spring", ProductIDs: products, ExpiresAt: t0.AddDate(0, 0, 30), CreatedBy: "U1", CreatedAt: t0}
	mustUpdate(tb, db, func(tx commands.Tx) error { return tx.InsertCollaboration(context.Background(), &c) })
	return c
}

func mustInvitation(tb testing.TB, db *sqlite.DB, collab, creator int64, state domain.InvitationState, created, expires time.Time) domain.Invitation {
	tb.Helper()
	i := domain.Invitation{CollaborationID: collab, CreatorID: creator, Rate: 1500, State: state, CreatedAt: created, ExpiresAt: expires}
	mustUpdate(tb, db, func(tx commands.Tx) error { return tx.InsertInvitation(context.Background(), &i) })
	return i
}

func message(n int) domain.Outgoing {
	return domain.Outgoing{
		To:        domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers},
		Notice:    domain.Notice{Kind: domain.NoticeUnreachable, Text: fmt.Sprintf("message %d", n)},
		Key:       fmt.Sprintf("test:%d", n),
		CreatedAt: t0,
	}
}

func mustEnqueue(tb testing.TB, db *sqlite.DB, msgs ...domain.Outgoing) {
	tb.Helper()
	mustUpdate(tb, db, func(tx commands.Tx) error {
		for _, m := range msgs {
			if _, err := tx.Enqueue(context.Background(), m); err != nil {
				return err
			}
		}
		return nil
	})
}
