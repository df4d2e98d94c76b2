package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// holdWriteLock opens the file with the bare driver, as another process
// would, takes the write lock with BEGIN IMMEDIATE and writes member U_LOCK
// without committing. The returned func rolls back.
func holdWriteLock(t *testing.T, path string) func() {
	t.Helper()
	ctx := context.Background()
	raw := rawDB(t, "file:"+path+"?_pragma=busy_timeout(100)")
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatalf("conn: %v", err)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatalf("BEGIN IMMEDIATE: %v", err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO members (id, name, role) VALUES ('U_LOCK', 'lock', 'seller')`); err != nil {
		t.Fatalf("uncommitted write: %v", err)
	}
	done := false
	release := func() {
		if done {
			return
		}
		done = true
		conn.ExecContext(ctx, `ROLLBACK`)
		conn.Close()
	}
	t.Cleanup(release)
	return release
}

// prompt fails the test when fn takes longer than a second: far less than
// the 5 s busy timeout a wait for the write lock would take.
func prompt(t *testing.T, what string, fn func() error) {
	t.Helper()
	start := time.Now()
	err := fn()
	if took := time.Since(start); took > time.Second {
		t.Errorf("%s took %v; it waited for the other writer", what, took)
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Another process holding the write lock with an uncommitted write must
// not stop open, migrate, reads or backup, and the backup must not contain
// the uncommitted write.
func TestOpenAndBackupBesideAnotherWriter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	first := mustOpenPath(t, path)
	mustCreator(t, first, "maya_glow")
	first.Close()

	holdWriteLock(t, path)

	var db *sqlite.DB
	prompt(t, "Open", func() (err error) {
		db, err = sqlite.Open(ctx, path)
		return err
	})
	defer db.Close()
	prompt(t, "Migrate", func() error { return db.Migrate(ctx) })
	prompt(t, "View", func() error {
		return db.View(ctx, func(tx commands.Tx) error {
			_, err := tx.CreatorByHandle(ctx, "maya_glow")
			return err
		})
	})
	prompt(t, "Ping", func() error { return db.Ping(ctx) })
	dest := filepath.Join(dir, "backup.db")
	prompt(t, "Backup", func() error { return db.Backup(ctx, dest) })

	copyDB := mustOpenPath(t, dest)
	members := get(t, copyDB, func(ctx context.Context, tx commands.Tx) ([]domain.Member, error) { return tx.Members(ctx) })
	if len(members) != 0 {
		t.Fatalf("backup holds %+v; the uncommitted write must not be in it", members)
	}
	get(t, copyDB, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) {
		return tx.CreatorByHandle(ctx, "maya_glow")
	})
}

// readOnlyCase makes an existing database file read-only in some way and
// returns the path to open.
type readOnlyCase struct {
	name     string
	needUser bool // chmod does not stop root: run only as another user
	make     func(t *testing.T, path string) string
}

var readOnlyCases = []readOnlyCase{
	{"mode=ro in the URI", false, func(t *testing.T, path string) string {
		return "file:" + path + "?mode=ro"
	}},
	{"file not writable", true, func(t *testing.T, path string) string {
		chmod(t, path, 0o444)
		return path
	}},
	{"folder not writable", true, func(t *testing.T, path string) string {
		chmod(t, filepath.Dir(path), 0o555)
		return path
	}},
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(path, st.Mode().Perm()) })
}

// skipIfRoot skips a permission test when the kernel would let this
// process write anyway.
func skipIfRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		t.Skip("running as root, which may write read-only files and folders; run the tests as another user to cover this case")
	}
}

// A database that cannot be written still opens, reads, lists its outbox
// and backs up; every write fails saying it is read-only.
func TestOpenReadOnly(t *testing.T) {
	for _, tc := range readOnlyCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.needUser {
				skipIfRoot(t)
			}
			ctx := context.Background()
			dir := filepath.Join(t.TempDir(), "data")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "collabbot.db")
			rw := mustOpenPath(t, path)
			mustCreator(t, rw, "maya_glow")
			mustEnqueue(t, rw, message(1))
			rw.Close()
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			db := mustOpenPath(t, tc.make(t, path))
			get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) {
				return tx.CreatorByHandle(ctx, "maya_glow")
			})
			if rows, err := db.ListOutgoing(ctx, "", 0); err != nil || len(rows) != 1 {
				t.Fatalf("ListOutgoing = %d rows, %v; want 1", len(rows), err)
			}
			if err := db.Ping(ctx); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			dest := filepath.Join(t.TempDir(), "backup.db")
			if err := db.Backup(ctx, dest); err != nil {
				t.Fatalf("Backup: %v", err)
			}
			copyDB := mustOpenPath(t, dest)
			get(t, copyDB, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) {
				return tx.CreatorByHandle(ctx, "maya_glow")
			})
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("Migrate with nothing to apply: %v", err)
			}

			err = db.Update(ctx, func(tx commands.Tx) error {
				return tx.InsertCreator(ctx, &domain.Creator{Handle: "noor"})
			})
			if !errors.Is(err, sqlite.ErrReadOnly) {
				t.Fatalf("Update = %v, want ErrReadOnly", err)
			}
			if !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), path) {
				t.Fatalf("Update error %q should say the database at %s is read-only", err, path)
			}
			if _, err := db.ClaimOutgoing(ctx, t0, []domain.Surface{domain.SurfaceSlack}, 10, time.Minute); !errors.Is(err, sqlite.ErrReadOnly) {
				t.Fatalf("ClaimOutgoing = %v, want ErrReadOnly", err)
			}
			db.Close()
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Fatal("the read-only database file changed")
			}
		})
	}
}

// A read-only database with a migration missing cannot be brought up to
// date, and Open says so instead of serving an old schema.
func TestOpenReadOnlyNeedsMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	mustOpenPath(t, path).Close()
	raw := rawDB(t, path)
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err := sqlite.Open(context.Background(), "file:"+path+"?mode=ro")
	if err == nil || !strings.Contains(err.Error(), "needs migration") || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("Open = %v, want a refusal naming the missing migration", err)
	}
}

// Locations that cannot hold a database are refused with a sentence that
// names the path and what to do, never SQLite's "unable to open database
// file (14)".
func TestOpenBadLocations(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		path     string
		needUser bool
		setup    func(t *testing.T)
		want     string
	}{
		{"a folder", dir, false, nil, "this is a folder, not a database file; give a file path such as " + filepath.Join(dir, "collabbot.db")},
		{"a missing folder", filepath.Join(dir, "nope", "x.db"), false, nil, "the folder " + filepath.Join(dir, "nope") + " does not exist; create it or choose another path"},
		{"under a file", filepath.Join(file, "x.db"), false, nil, file + " is a file, not a folder; choose another path"},
		{"mode=ro and missing", "file:" + filepath.Join(dir, "missing.db") + "?mode=ro", false, nil, "the file does not exist, and mode=ro does not create it"},
		{"folder not writable", filepath.Join(locked, "new.db"), true, func(t *testing.T) { chmod(t, locked, 0o555) }, "is not writable, so it cannot be created"},
		{"folder not reachable", filepath.Join(locked, "new.db"), true, func(t *testing.T) { chmod(t, locked, 0o000) }, "permission denied"},
		{"file not readable", filepath.Join(locked, "secret.db"), true, func(t *testing.T) {
			p := filepath.Join(locked, "secret.db")
			mustOpenPath(t, p).Close()
			chmod(t, p, 0o200)
		}, "the file cannot be read (permission denied)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needUser {
				skipIfRoot(t)
			}
			if tt.setup != nil {
				tt.setup(t)
			}
			db, err := sqlite.Open(context.Background(), tt.path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", tt.path)
			}
			var pe *sqlite.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("Open(%q) = %v, want a *PathError", tt.path, err)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "(14)") {
				t.Fatalf("Open(%q) = %q, want it to say %q", tt.path, err, tt.want)
			}
		})
	}
}
