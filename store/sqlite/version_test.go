package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// DataVersion must change after any commit, this handle's at once and
// another's on the same file (a CLI import beside serve) within
// OtherProcessLag, and only then.
func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "collabbot.db")
	db, other := mustOpenPath(t, path), mustOpenPath(t, path)
	version := func(db *sqlite.DB) uint64 {
		t.Helper()
		v, err := db.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	put := func(db *sqlite.DB, name string) {
		mustUpdate(t, db, func(tx commands.Tx) error {
			return tx.PutMember(ctx, domain.Member{ID: "U0001", Name: name, Role: domain.RoleSeller})
		})
	}
	v := version(db)
	for _, step := range []struct {
		name    string
		do      func()
		changed bool
	}{
		{"nothing", func() {}, false},
		{"a read", func() {
			get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Member, error) { return tx.Members(ctx) })
		}, false},
		{"a commit here", func() { put(db, "Dana") }, true},
		{"a commit by another handle", func() {
			put(other, "Dana K.")
			time.Sleep(sqlite.OtherProcessLag)
		}, true},
		{"a commit here while the other handle's is not yet read", func() {
			version(db) // data_version was just read: the next call trusts it
			put(db, "Dana")
		}, true},
		{"a failed update", func() {
			_ = db.Update(ctx, func(tx commands.Tx) error {
				_ = tx.PutMember(ctx, domain.Member{ID: "U0001", Name: "X", Role: domain.RoleSeller})
				return domain.Errorf(domain.KindInvalid, "no")
			})
		}, false},
	} {
		step.do()
		now := version(db)
		if (now != v) != step.changed {
			t.Fatalf("%s: version %d -> %d, want changed=%v", step.name, v, now, step.changed)
		}
		v = now
	}
}

// NoteMemberName inserts a new member with their role and afterwards only
// renames them: a role granted since is never overwritten by an actor's
// older copy.
func TestNoteMemberName(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	note := func(m domain.Member) {
		mustUpdate(t, db, func(tx commands.Tx) error { return tx.NoteMemberName(ctx, m) })
	}
	member := func() domain.Member {
		return get(t, db, func(ctx context.Context, tx commands.Tx) (domain.Member, error) { return tx.Member(ctx, "U0001") })
	}
	note(domain.Member{ID: "U0001", Name: "Dana", Role: domain.RoleSeller})
	wantEqual(t, "new member", member(), domain.Member{ID: "U0001", Name: "Dana", Role: domain.RoleSeller})
	mustUpdate(t, db, func(tx commands.Tx) error {
		return tx.PutMember(ctx, domain.Member{ID: "U0001", Name: "Dana", Role: domain.RoleManager})
	})
	note(domain.Member{ID: "U0001", Name: "Dana K.", Role: domain.RoleSeller})
	wantEqual(t, "renamed", member(), domain.Member{ID: "U0001", Name: "Dana K.", Role: domain.RoleManager})
	note(domain.Member{ID: "U0001", Name: "Dana K.", Role: domain.RoleSeller})
	wantEqual(t, "same name", member(), domain.Member{ID: "U0001", Name: "Dana K.", Role: domain.RoleManager})
}
