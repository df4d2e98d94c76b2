package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
)

// A chat command reads the same few rows (the member, the open plans)
// thousands of times between changes. DataVersion lets a caller keep what
// it read and check it with one cheap statement instead of a transaction:
// SQLite's PRAGMA data_version changes on a connection whenever any other
// connection, in this process (the writer) or another (the console and
// serve sharing a file), commits. It is asked of one connection kept for
// it alone, since values from different connections cannot be compared.

// watcher owns the connection data_version is read on.
type watcher struct {
	mu   sync.Mutex
	dsn  string
	pool *sql.DB
	conn *sql.Conn
	// epoch counts the connections used: a new connection starts its own
	// count, so versions carry the epoch in their high bits and never
	// repeat one an earlier connection returned.
	epoch uint64
}

// DataVersion returns a number that differs from every earlier answer once
// anything has been committed to the database since that answer, by any
// connection or process. Equal answers mean nothing changed in between.
func (d *DB) DataVersion(ctx context.Context) (uint64, error) {
	w := &d.watch
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil {
		if w.pool == nil {
			p, err := openPool(w.dsn)
			if err != nil {
				return 0, fmt.Errorf("sqlite: open version watcher: %w", err)
			}
			p.SetMaxOpenConns(1)
			w.pool = p
		}
		c, err := w.pool.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("sqlite: version watcher: %w", err)
		}
		w.conn = c
		w.epoch++
	}
	var v uint64
	// Straight to the driver: this runs on every chat request, and
	// database/sql's rows and scanning cost as much as the statement.
	err := w.conn.Raw(func(dc any) error {
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
		v = uint64(n)
		return nil
	})
	if err != nil {
		w.conn.Close()
		w.conn = nil
		return 0, fmt.Errorf("sqlite: data version: %w", err)
	}
	return w.epoch<<40 | v, nil
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
