// Package sqlitetest opens SQLite stores for tests: a fresh file in the
// test's temp dir, closed when the test ends. Factory plugs the engine
// into the conformance suite (store/storetest) and into the use-case tests.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/collabbot/collabbot/store/sqlite"
	"github.com/collabbot/collabbot/store/storetest"
)

// Open opens a fresh, migrated database in tb.TempDir() and closes it when
// the test ends. It fails the test itself.
func Open(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return OpenPath(tb, filepath.Join(tb.TempDir(), "collabbot.db"))
}

// OpenPath opens the database at path, closed when the test ends.
func OpenPath(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("sqlite.Open(%q): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close %s: %v", path, err)
		}
	})
	return db
}

// Factory is the SQLite engine for storetest.
func Factory(tb testing.TB) storetest.Engine {
	tb.Helper()
	return Open(tb)
}

// Clone copies e (a store this package opened) with Backup into a new file
// in tb.TempDir() and opens the copy: a fixture built once serves many
// tests.
func Clone(tb testing.TB, e storetest.Engine) storetest.Engine {
	tb.Helper()
	db, ok := e.(*sqlite.DB)
	if !ok {
		tb.Fatalf("sqlitetest.Clone: %T is not a SQLite store", e)
	}
	dest := filepath.Join(tb.TempDir(), "clone.db")
	if err := db.Backup(context.Background(), dest); err != nil {
		tb.Fatalf("Backup: %v", err)
	}
	return OpenPath(tb, dest)
}
