package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// The writer does not checkpoint on its commits; the checkpointer beside
// it must, or the write-ahead log grows with every write the service ever
// made. 4,000 back-to-back commits of about three log pages each would
// leave a log of 48 MB or more; the checkpointer resets it past 16 MB. The
// bound leaves room for a checkpointer slowed by a loaded machine (the
// log went to 33 MB beside other test packages under -race) while the
// writer goes on.
func TestCheckpointsBoundTheLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "collabbot.db")
	db := mustOpenPath(t, path)
	detail := strings.Repeat("x", 8000)
	const n = 4000
	var largest int64
	for i := range n {
		mustUpdate(t, db, func(tx commands.Tx) error {
			return tx.AddEvent(ctx, domain.Event{At: t0, Actor: "system", Kind: "creator.added", Subject: "creator:1", Detail: detail})
		})
		if i%100 == 0 {
			if st, err := os.Stat(path + "-wal"); err == nil {
				largest = max(largest, st.Size())
			}
		}
	}
	if largest > 40<<20 {
		t.Fatalf("the write-ahead log reached %d bytes in %d commits: nothing bounds it", largest, n)
	}
	if got := len(get(t, db, func(ctx context.Context, tx commands.Tx) ([]domain.Event, error) {
		return tx.Events(ctx, "creator:1", n+1)
	})); got != n {
		t.Fatalf("%d events read back, want %d", got, n)
	}
}
