package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

func TestOpenMigratesOnceAndKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "collabbot.db")
	db := mustOpenPath(t, path)
	mustCreator(t, db, "maya_glow")
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	db.Close()

	again := mustOpenPath(t, path)
	c := get(t, again, func(ctx context.Context, tx commands.Tx) (domain.Creator, error) {
		return tx.CreatorByHandle(ctx, "maya_glow")
	})
	if c.Handle != "maya_glow" {
		t.Fatalf("creator after reopen = %+v", c)
	}

	var versions, total int
	raw := rawDB(t, path)
	if err := raw.QueryRow(`SELECT count(DISTINCT version), count(*) FROM schema_migrations`).Scan(&versions, &total); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("migrations/*.sql")
	if versions != len(files) || total != len(files) {
		t.Fatalf("schema_migrations has %d versions in %d rows, want %d each", versions, total, len(files))
	}
}

func TestOpenPaths(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{"plain path", filepath.Join(dir, "plain.db"), ""},
		{"path with URI characters", filepath.Join(dir, "odd #1 ?%.db"), ""},
		{"file DSN with user params", "file:" + filepath.Join(dir, "uri.db") + "?cache=private&_pragma=busy_timeout(1000)&_txlock=deferred", ""},
		{"memory", ":memory:", "in-memory"},
		{"file memory", "file::memory:?cache=shared", "in-memory"},
		{"memory mode", "file:x.db?mode=memory", "in-memory"},
		{"empty", "", "no database path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := sqlite.Open(context.Background(), tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open(%q) = %v, want error containing %q", tt.path, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.path, err)
			}
			defer db.Close()
			if err := db.Ping(context.Background()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			// A write then a read on the other pool: both see one file.
			mustUpdate(t, db, func(tx commands.Tx) error {
				return tx.InsertProduct(context.Background(), domain.Product{ID: "P1", Title: "Lip oil"})
			})
			get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Product, error) { return tx.Product(ctx, "P1") })
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "odd #1 ?%.db")); err != nil {
		t.Fatalf("file with URI characters in its name was not created under that name: %v", err)
	}
}

// The writer's DSN must enforce foreign keys and WAL even when the caller's
// DSN asks otherwise.
func TestOpenKeepsCorrectnessPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fk.db")
	db, err := sqlite.Open(context.Background(), "file:"+path+"?_pragma=foreign_keys(0)&_fk=0&_pragma=journal_mode(DELETE)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(context.Background(), func(tx commands.Tx) error {
		return tx.InsertInvitation(context.Background(), &domain.Invitation{CollaborationID: 9, CreatorID: 9, Rate: 1000, State: domain.InvitationPending})
	})
	wantKind(t, err, domain.KindNotFound)

	var mode string
	if err := rawDB(t, path).QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Fatalf("journal_mode = %q, want wal", mode)
	}
}

func TestUpdateRollsBackOnError(t *testing.T) {
	db := mustOpen(t)
	boom := errors.New("boom")
	err := db.Update(context.Background(), func(tx commands.Tx) error {
		c := domain.Creator{Handle: "maya_glow"}
		if err := tx.InsertCreator(context.Background(), &c); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error unchanged", err)
	}
	assertNoCreator(t, db, "maya_glow")
}

func TestUpdateRollsBackOnPanic(t *testing.T) {
	db := mustOpen(t)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v, want the panic to go on", r)
			}
		}()
		db.Update(context.Background(), func(tx commands.Tx) error {
			c := domain.Creator{Handle: "maya_glow"}
			if err := tx.InsertCreator(context.Background(), &c); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	assertNoCreator(t, db, "maya_glow")
	// The writer connection is free again.
	mustCreator(t, db, "other")
}

func assertNoCreator(t *testing.T, db *sqlite.DB, handle string) {
	t.Helper()
	err := db.View(context.Background(), func(tx commands.Tx) error {
		_, err := tx.CreatorByHandle(context.Background(), handle)
		return err
	})
	wantKind(t, err, domain.KindNotFound)
}

// A state change and its outbox row commit together or not at all, so a
// crash between them is impossible by construction.
func TestStateChangeAndOutboxCommitTogether(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	c := mustCreator(t, db, "maya_glow")
	mustProduct(t, db, "P100", 5)
	s := domain.SampleRequest{CreatorID: c.ID, ProductID: "P100", Quantity: 1, State: domain.SampleRequested, RequestedAt: t0}
	mustUpdate(t, db, func(tx commands.Tx) error { return tx.InsertSample(ctx, &s) })

	approve := func(key string) error {
		return db.Update(ctx, func(tx commands.Tx) error {
			got, err := tx.Sample(ctx, s.ID)
			if err != nil {
				return err
			}
			if err := got.Approve("Dana", t0); err != nil {
				return err
			}
			if err := tx.UpdateSample(ctx, got); err != nil {
				return err
			}
			msg := message(1)
			msg.Key = key
			_, err = tx.Enqueue(ctx, msg)
			return err
		})
	}

	err := approve("")
	wantKind(t, err, domain.KindInvalid)
	if got := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.SampleRequest, error) { return tx.Sample(ctx, s.ID) }); got.State != domain.SampleRequested {
		t.Fatalf("sample state after failed enqueue = %s, want requested", got.State)
	}
	if rows, err := db.ListOutgoing(ctx, "", 0); err != nil || len(rows) != 0 {
		t.Fatalf("outbox after failed update = %v, %v; want empty", rows, err)
	}

	if err := approve("sample:approved:1"); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if got := get(t, db, func(ctx context.Context, tx commands.Tx) (domain.SampleRequest, error) { return tx.Sample(ctx, s.ID) }); got.State != domain.SampleApproved {
		t.Fatalf("sample state = %s, want approved", got.State)
	}
	if rows, err := db.ListOutgoing(ctx, domain.OutboxPending, 0); err != nil || len(rows) != 1 || rows[0].Key != "sample:approved:1" {
		t.Fatalf("outbox = %+v, %v; want the one row", rows, err)
	}
}

func TestViewRejectsWrites(t *testing.T) {
	db := mustOpen(t)
	writes := map[string]func(context.Context, commands.Tx) error{
		"insert creator": func(ctx context.Context, tx commands.Tx) error {
			return tx.InsertCreator(ctx, &domain.Creator{Handle: "maya_glow"})
		},
		"put member": func(ctx context.Context, tx commands.Tx) error {
			return tx.PutMember(ctx, domain.Member{ID: "U1", Role: domain.RoleSeller})
		},
		"enqueue": func(ctx context.Context, tx commands.Tx) error {
			_, err := tx.Enqueue(ctx, message(1))
			return err
		},
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			err := db.View(context.Background(), func(tx commands.Tx) error { return write(context.Background(), tx) })
			if err == nil {
				t.Fatal("write in View succeeded")
			}
			wantKind(t, err, domain.KindInternal)
		})
	}
	assertNoCreator(t, db, "maya_glow")
}

func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := mustOpenPath(t, filepath.Join(dir, "live.db"))

	// Each write adds a creator and its event together; a consistent copy
	// has as many of one as of the other.
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			err := db.Update(ctx, func(tx commands.Tx) error {
				c := domain.Creator{Handle: "creator_" + strconv.Itoa(n)}
				if err := tx.InsertCreator(ctx, &c); err != nil {
					return err
				}
				return tx.AddEvent(ctx, domain.Event{Actor: "system", Kind: "creator.added", Subject: "creator"})
			})
			if err != nil {
				t.Errorf("writer: %v", err)
				return
			}
			written.Add(1)
		}
	}()
	// Wait for the writer to be busy, but never forever: if it failed it
	// has reported why and stopped.
	for deadline := time.Now().Add(30 * time.Second); written.Load() < 20; {
		if time.Now().After(deadline) {
			t.Fatal("the writer never got going")
		}
		time.Sleep(time.Millisecond)
	}
	dest := filepath.Join(dir, "backup.db")
	err := db.Backup(ctx, dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}

	copyDB := mustOpenPath(t, dest)
	creators := get(t, copyDB, func(ctx context.Context, tx commands.Tx) ([]domain.Creator, error) {
		return tx.ListCreators(ctx, commands.CreatorFilter{})
	})
	events := get(t, copyDB, func(ctx context.Context, tx commands.Tx) ([]domain.Event, error) {
		return tx.Events(ctx, "creator", 0)
	})
	if len(creators) < 20 || len(creators) != len(events) {
		t.Fatalf("backup has %d creators and %d events; want the same number, at least 20", len(creators), len(events))
	}

	err = db.Backup(ctx, dest)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Backup over an existing file = %v, want a refusal", err)
	}
}
