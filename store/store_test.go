package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store"
)

func TestOpenPicksEngine(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{"postgres://u:p@db/collabbot", "postgresql://db/collabbot?sslmode=disable", "POSTGRES://db"} {
		db, err := store.Open(ctx, dsn)
		if !errors.Is(err, store.ErrPostgres) || db != nil {
			t.Fatalf("Open(%q) = %v, %v; want nil and ErrPostgres", dsn, db, err)
		}
	}
	if got := store.ErrPostgres.Error(); got != "PostgreSQL is not supported by this build yet; use a SQLite path for COLLABBOT_DB" {
		t.Fatalf("ErrPostgres = %q", got)
	}

	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "collabbot.db"))
	if err != nil {
		t.Fatalf("Open(sqlite path): %v", err)
	}
	defer db.Close()
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}

	if db, err := store.Open(ctx, ":memory:"); err == nil || db != nil {
		t.Fatalf("Open(:memory:) = %v, %v; want nil and an error", db, err)
	}

	missing := filepath.Join(t.TempDir(), "nope", "collabbot.db")
	_, err = store.Open(ctx, missing)
	want := fmt.Sprintf("COLLABBOT_DB %q: the folder %s does not exist; create it or choose another path", missing, filepath.Dir(missing))
	if err == nil || err.Error() != want || domain.ErrorKind(err) != domain.KindInvalid {
		t.Fatalf("Open(missing folder) = %v;\nwant %s", err, want)
	}
}
