package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// A chat command reads the same few rows (the member, the open plans)
// thousands of times between changes. DataVersion lets a caller keep what
// it read and check it cheaply instead of reading again.
//
// Commits through this DB's own writer are counted as they happen, so
// serve sees its own changes (and the console's inside it) on the very next
// request. Commits by another process on the same file (a CLI import beside
// serve) show in SQLite's PRAGMA data_version, which changes on a
// connection whenever any other connection commits; that costs a read
// transaction (shared-memory locks, system calls), about a quarter of a
// chat request, so it is asked at most once per OtherProcessLag and the
// answer shared by the requests in between. A request within that window
// of another process's commit reads as if it had arrived just before it.

// OtherProcessLag bounds how long after another process commits a
// DataVersion answer may still be the one from before that commit.
const OtherProcessLag = 5 * time.Millisecond

// watcher owns the connection data_version is read on.
type watcher struct {
	// commits counts this DB's write transactions, bumped after each ends.
	commits atomic.Uint64

	mu   sync.Mutex
	dsn  string
	pool *sql.DB
	conn *sql.Conn
	// gen is the answer: it moves on whenever anything may have changed
	// since the answer before, so equal answers mean nothing did.
	gen uint64
	// What gen was last moved on from: the local commit count, and
	// data_version as read at asked (zero when not read on conn yet).
	seenCommits uint64
	seenDV      int64
	asked       time.Time
}

// DataVersion returns a number that differs from every earlier answer once
// anything has been committed to the database since that answer: at once
// for this DB's writes, within OtherProcessLag for another process's.
// Equal answers mean nothing changed in between.
func (d *DB) DataVersion(ctx context.Context) (uint64, error) {
	w := &d.watch
	// Loaded before anything is read, so a commit racing with this call
	// moves the next answer on.
	commits := w.commits.Load()
	w.mu.Lock()
	defer w.mu.Unlock()
	changed := commits != w.seenCommits
	w.seenCommits = commits
	if w.conn == nil || time.Since(w.asked) >= OtherProcessLag {
		dv, fresh, err := w.dataVersion(ctx)
		if err != nil {
			return 0, err
		}
		// A new connection starts its own count: nothing it says can be
		// compared with the old one's.
		changed = changed || fresh || dv != w.seenDV
		w.seenDV, w.asked = dv, time.Now()
	}
	if changed {
		w.gen++
	}
	return w.gen, nil
}

// dataVersion reads PRAGMA data_version on the watcher's connection,
// opening it when needed (fresh is then true).
func (w *watcher) dataVersion(ctx context.Context) (v int64, fresh bool, err error) {
	if w.conn == nil {
		if w.pool == nil {
			p, err := openPool(w.dsn)
			if err != nil {
				return 0, false, fmt.Errorf("sqlite: open version watcher: %w", err)
			}
			p.SetMaxOpenConns(1)
			w.pool = p
		}
		c, err := w.pool.Conn(ctx)
		if err != nil {
			return 0, false, fmt.Errorf("sqlite: version watcher: %w", err)
		}
		w.conn, fresh = c, true
	}
	// Straight to the driver: database/sql's rows and scanning cost as
	// much as the statement.
	err = w.conn.Raw(func(dc any) error {
		rows, err := dc.(driver.QueryerContext).QueryContext(ctx, `PRAGMA data_version`, nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, 1)
		if err := rows.Next(dest); err != nil {
			return err
		}
		n, ok := dest[0].(int64)
		if !ok {
			return fmt.Errorf("data_version is %T", dest[0])
		}
		v = n
		return nil
	})
	if err != nil {
		w.conn.Close()
		w.conn = nil
		return 0, false, fmt.Errorf("sqlite: data version: %w", err)
	}
	return v, fresh, nil
}

func (w *watcher) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
	if w.pool == nil {
		return nil
	}
	err := w.pool.Close()
	w.pool = nil
	return err
}
