package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// SQLite copies the write-ahead log back into the database file (a
// checkpoint, with an fsync of each) on the commit that crosses 1,000 log
// pages: one click in thirty or so paid a third of its latency for it. The
// writer's automatic checkpoints are off, and the checkpointer runs them
// beside it instead, on a connection of its own, after every
// checkpointEvery commits or once checkpointAfter has passed since the last
// one, one at a time. PASSIVE never waits for the writer or readers: what
// it cannot copy now is copied next time (and see restartFrames). Another process on the file (a
// CLI import) leaves its log to serve's next checkpoint, or to SQLite's
// own when the last connection closes.
const (
	checkpointEvery = 32
	checkpointAfter = time.Second
)

// restartFrames is the log's size, in pages, past which a checkpoint also
// resets it (16 MB of 4 KB pages).
const restartFrames = 4096

// walNoAutoCheckpoint is the writer's setting.
const walNoAutoCheckpoint = "wal_autocheckpoint(0)"

type checkpointer struct {
	dsn    string
	writer *sql.DB

	commits atomic.Int64 // since the last checkpoint began
	running atomic.Bool
	last    atomic.Int64 // unix nanoseconds the last checkpoint began
	wg      sync.WaitGroup

	mu     sync.Mutex // guards pool and closed
	pool   *sql.DB
	closed bool
}

// committed notes a writer commit and starts a checkpoint when one is due.
func (c *checkpointer) committed() {
	n := c.commits.Add(1)
	if n < checkpointEvery && time.Since(time.Unix(0, c.last.Load())) < checkpointAfter {
		return
	}
	if !c.running.CompareAndSwap(false, true) {
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.running.Store(false)
		return
	}
	c.wg.Add(1)
	c.mu.Unlock()
	c.commits.Store(0)
	c.last.Store(time.Now().UnixNano())
	go func() {
		defer c.wg.Done()
		defer c.running.Store(false)
		// A failed checkpoint leaves the log as it was; the next one,
		// a few commits on, copies it.
		_ = c.checkpoint(context.Background())
	}()
}

func (c *checkpointer) checkpoint(ctx context.Context) error {
	c.mu.Lock()
	if c.pool == nil {
		p, err := openPool(c.dsn)
		if err != nil {
			c.mu.Unlock()
			return err
		}
		p.SetMaxOpenConns(1)
		c.pool = p
	}
	p := c.pool
	c.mu.Unlock()
	var busy, frames, copied int
	if err := p.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return err
	}
	if frames < restartFrames {
		return nil
	}
	// The log starts again from its beginning only when a write begins
	// with all of it copied; under a steady stream of writes that moment
	// never comes. Past restartFrames the writer's own connection copies
	// the little left between two of its transactions, so the next one
	// begins with the log all copied and resets it (unless a reader is
	// still reading the log; then the next round tries again). A RESTART
	// checkpoint would do it too, but it must win the write lock from a
	// busy writer and then hold writes back while readers finish.
	_, err := c.writer.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	return err
}

// close waits for a checkpoint under way and closes the connection.
func (c *checkpointer) close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pool == nil {
		return nil
	}
	err := c.pool.Close()
	c.pool = nil
	return err
}
