// Package sqlite is collabbot's SQLite store. It owns the schema and its
// migrations, the connection pools (one writer, a few readers), the units of
// work the use cases run in (commands.Store), and the outbox the dispatcher
// drains. A change, its audit event and its outgoing messages are written in
// one write transaction, so they are stored together or not at all and
// nothing is sent before commit.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// readers bounds the read pool: under WAL readers never block the writer, and
// a handful covers a chat bot's concurrency without holding many files open.
const readers = 4

// DB is a collabbot database in one SQLite file.
//
// SQLite allows one writer at a time. Writes go through a pool of a single
// connection whose transactions BEGIN IMMEDIATE, so a writer takes the lock
// before it reads and a transition checked inside Update cannot race; other
// processes on the same file wait up to the busy timeout. Reads go through a
// separate pool that cannot write. The invariants the use cases rely on are
// also kept by the schema and conditional statements (see
// migrations/0002_invariants.sql), so they do not rest on the single writer.
//
// A database whose file or folder is not writable opens read-only: reads,
// exports and backups work, and every write fails with ErrReadOnly.
type DB struct {
	// Now stamps rows a caller left undated (an outbox row or event without a
	// time, a migration's applied_at). Tests may replace it before use.
	Now func() time.Time

	writer *sql.DB // nil when read-only
	reader *sql.DB
	// watch answers DataVersion on a connection of its own.
	watch watcher
	// ckpt checkpoints the write-ahead log beside the writer.
	ckpt checkpointer
	// backupDSN opens a connection that may write a file (VACUUM INTO counts
	// as a write, which query_only refuses) yet takes no write lock.
	backupDSN string
	// path is the file system path, for messages; roReason says why the
	// database is read-only, "" when it is writable.
	path     string
	roReason string

	// hooks are called after a transaction that queued outbox rows
	// commits (OnEnqueue), so a dispatcher in this process wakes at once.
	hooks hookSet
}

// Connection settings every pooled connection needs; a PRAGMA run with Exec
// would reach one connection only, so they travel in the DSN.
//
// A caller's own busy_timeout or synchronous wins (they are tuning). Ours
// always win for journal_mode and foreign_keys (WAL lets readers run beside
// the writer; foreign keys guard references), and for _txlock.
var (
	tuningPragmas      = []string{"busy_timeout(5000)", "synchronous(NORMAL)"}
	correctnessPragmas = []string{"journal_mode(WAL)", "foreign_keys(1)"}
)

// Open opens (creating if needed) the database at path, a file path such as
// "collabbot.db" or a "file:" URI whose query parameters are kept, and applies
// pending migrations. ":memory:" is refused: every pooled connection would
// get its own empty database.
//
// Open reads which migrations are applied first and takes the write lock
// only when one must be applied, so it does not wait for another process's
// write. When the file or its folder is not writable (or the URI says
// mode=ro) and nothing needs migrating, the database opens read-only. A
// location that cannot be used is a *PathError saying what to do.
func Open(ctx context.Context, path string) (*DB, error) {
	name, query, err := parseLocation(path)
	if err != nil {
		return nil, err
	}
	d := &DB{Now: time.Now, path: filePath(name)}
	d.roReason, err = checkPath(d.path, query.Get("mode") == "ro")
	if err != nil {
		return nil, err
	}
	if d.roReason == "" {
		err := d.openWriter(ctx, name, query)
		if err != nil && !canFallBack(err) {
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
		if err != nil {
			d.roReason = "it could not be opened for writing"
		}
	}
	err = d.openReader(ctx, name, query, false)
	if err != nil && d.roReason != "" && canFallBack(err) && !hasWAL(d.path) {
		// A read-only connection needs a -shm file it can write; in a
		// folder it cannot write, with no -wal to replay, the file is all
		// there is, and immutable=1 reads it without one.
		err = d.openReader(ctx, name, query, true)
	}
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// openWriter opens the single-connection write pool. It connects first: it
// switches the file to WAL before any reader, which could not (query_only),
// opens it.
func (d *DB) openWriter(ctx context.Context, name string, query url.Values) error {
	wdsn := dsn(name, query, "immediate", false, false)
	if !setsPragma(query, "wal_autocheckpoint") {
		wdsn += "&" + url.Values{"_pragma": {walNoAutoCheckpoint}}.Encode()
	}
	d.ckpt.dsn = dsn(name, query, "deferred", false, false)
	w, err := openPool(wdsn)
	if err != nil {
		return err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return err
	}
	d.writer = w
	d.ckpt.writer = w
	return nil
}

// openReader opens the read pool, and sets the DSN Backup uses. A
// read-only database gets mode=ro (and immutable=1 when asked).
func (d *DB) openReader(ctx context.Context, name string, query url.Values, immutable bool) error {
	if d.reader != nil {
		d.reader.Close()
		d.reader = nil
	}
	ro := d.roReason != ""
	if ro {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("mode", "ro")
		if immutable {
			q.Set("immutable", "1")
		}
		query = q
	}
	d.backupDSN = dsn(name, query, "deferred", false, ro)
	d.watch.dsn = dsn(name, query, "deferred", true, ro)
	r, err := openPool(d.watch.dsn)
	if err != nil {
		return err
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	d.reader = r
	return r.PingContext(ctx)
}

// hasWAL reports whether the database has a -wal file with content, which
// an immutable reader would not see.
func hasWAL(path string) bool {
	st, err := os.Stat(path + "-wal")
	return err == nil && st.Size() > 0
}

// canFallBack reports whether a writer's failure to connect means the file
// is there but cannot be written, so reading it may still work.
func canFallBack(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return true
	}
	return false
}

var errMemory = errors.New("sqlite: an in-memory database (:memory:) cannot be used: each pooled connection would see its own empty database; give a file path such as collabbot.db")

// parseLocation splits path into a "file:" URI name and the caller's query
// parameters. Plain paths are escaped so "?", "#" and "%" in a file name are
// not read as URI syntax.
func parseLocation(path string) (string, url.Values, error) {
	if strings.TrimSpace(path) == "" {
		return "", nil, errors.New("sqlite: no database path given; use a file path such as collabbot.db")
	}
	if path == ":memory:" {
		return "", nil, errMemory
	}
	if !strings.HasPrefix(path, "file:") {
		esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
		return "file:" + esc, url.Values{}, nil
	}
	name, raw, _ := strings.Cut(path, "?")
	query, err := url.ParseQuery(raw)
	if err != nil {
		return "", nil, fmt.Errorf("sqlite: bad query in %q: %w", path, err)
	}
	if name == "file:" {
		return "", nil, fmt.Errorf("sqlite: no file name in %q", path)
	}
	if strings.HasPrefix(name, "file::memory:") || query.Get("mode") == "memory" {
		return "", nil, errMemory
	}
	return name, query, nil
}

// dsn builds a pool's DSN from the caller's parameters and ours.
//
// A read-only pool (mode=ro in user) leaves journal_mode alone: it cannot
// change the file, and a WAL file stays WAL.
func dsn(name string, user url.Values, txlock string, queryOnly, ro bool) string {
	q := url.Values{}
	set := map[string]bool{}
	for k, vs := range user {
		if overridden[k] {
			continue
		}
		for _, v := range vs {
			if k == "_pragma" {
				p := pragmaName(v)
				if isCorrectness(p) || p == "query_only" {
					continue
				}
				set[p] = true
			}
			q.Add(k, v)
		}
	}
	for _, p := range tuningPragmas {
		if !set[pragmaName(p)] {
			q.Add("_pragma", p)
		}
	}
	for _, p := range correctnessPragmas {
		if ro && pragmaName(p) == "journal_mode" {
			continue
		}
		q.Add("_pragma", p)
	}
	if queryOnly {
		q.Add("_pragma", "query_only(1)")
	}
	q.Set("_txlock", txlock)
	return name + "?" + q.Encode()
}

// setsPragma reports whether the caller's parameters set pragma name.
func setsPragma(user url.Values, name string) bool {
	for _, v := range user["_pragma"] {
		if pragmaName(v) == name {
			return true
		}
	}
	return false
}

// overridden are the driver's shorthand parameters for settings we fix.
var overridden = map[string]bool{
	"_txlock": true, "_foreign_keys": true, "_fk": true,
	"_journal_mode": true, "_journal": true, "_query_only": true,
}

// pragmaName is the name of a "_pragma" value: "busy_timeout" for
// "busy_timeout(5000)" or "busy_timeout = 5000".
func pragmaName(v string) string {
	if i := strings.IndexAny(v, "(= "); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(strings.TrimSpace(v))
}

func isCorrectness(name string) bool {
	for _, p := range correctnessPragmas {
		if pragmaName(p) == name {
			return true
		}
	}
	return false
}

// Migrate applies the embedded migrations not yet recorded, in lexical order,
// each in its own transaction. It reads which are applied first and takes
// the write lock only when one is missing, so an up-to-date database never
// waits for another writer. Running it again changes nothing.
func (d *DB) Migrate(ctx context.Context) error {
	pending, err := d.pending(ctx)
	if err != nil {
		return err
	}
	if len(pending) == 0 {
		return nil
	}
	if d.writer == nil {
		return fmt.Errorf("database %q needs migration %s but is open read-only (%s); make it writable and run collabbot migrate",
			d.path, strings.TrimSuffix(path.Base(pending[0]), ".sql"), d.roReason)
	}
	if _, err := d.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    TEXT PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("sqlite: create schema_migrations: %w", err)
	}
	for _, name := range pending {
		if err := d.migrate(ctx, name); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", path.Base(name), err)
		}
	}
	return nil
}

// pending lists the embedded migrations the database has not recorded, in
// order, with one read on the reader pool.
func (d *DB) pending(ctx context.Context) ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("sqlite: list migrations: %w", err)
	}
	sort.Strings(names)
	applied := map[string]bool{}
	err = d.run(ctx, d.reader, readOnly, func(t *tx) error {
		var n int
		if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n); err != nil || n == 0 {
			return err
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return err
			}
			applied[v] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: read applied migrations: %w", err)
	}
	var out []string
	for _, name := range names {
		if !applied[strings.TrimSuffix(path.Base(name), ".sql")] {
			out = append(out, name)
		}
	}
	return out, nil
}

// migrate checks and applies one migration under the write lock, so two
// processes starting on one file apply it once.
func (d *DB) migrate(ctx context.Context, name string) error {
	version := strings.TrimSuffix(path.Base(name), ".sql")
	tx, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var applied int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&applied); err != nil {
		return err
	}
	if applied > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, d.now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// Update runs fn in a write transaction that commits only if fn returns nil.
// fn must not call Update on the same DB: the single writer connection is
// held until fn returns. (A View inside would not see fn's uncommitted
// writes.)
func (d *DB) Update(ctx context.Context, fn func(commands.Tx) error) error {
	return d.run(ctx, d.writer, nil, func(t *tx) error { return fn(t) })
}

// View runs fn in a read-only transaction on a consistent snapshot; any
// write fn attempts fails.
func (d *DB) View(ctx context.Context, fn func(commands.Tx) error) error {
	return d.run(ctx, d.reader, readOnly, func(t *tx) error { return fn(t) })
}

var readOnly = &sql.TxOptions{ReadOnly: true}

func (d *DB) run(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(*tx) error) error {
	if pool == nil {
		return &domain.Error{Kind: domain.KindInternal, Err: ErrReadOnly,
			Message: fmt.Sprintf("Nothing can be changed: database %q is open read-only because %s. Make it writable and restart", d.path, d.roReason)}
	}
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return domain.Internal(err, "store: begin transaction")
	}
	// Rolls back when fn fails or panics (the panic then goes on); after a
	// commit it is a no-op.
	defer sqlTx.Rollback()
	t := &tx{tx: sqlTx, db: d}
	if err := fn(t); err != nil {
		return err
	}
	err = sqlTx.Commit()
	if pool == d.writer {
		// Whatever Commit answered: a commit whose answer was lost must
		// still move DataVersion on.
		d.watch.commits.Add(1)
		d.ckpt.committed()
	}
	if err != nil {
		return domain.Internal(err, "store: commit")
	}
	if t.queued {
		d.enqueued()
	}
	return nil
}

// write runs fn in a write transaction, for the outbox methods that are not
// part of a use case's unit of work.
func (d *DB) write(ctx context.Context, fn func(*sql.Tx) error) error {
	return d.run(ctx, d.writer, nil, func(t *tx) error { return fn(t.tx) })
}

// Backup writes a consistent copy of the database to dest with VACUUM INTO.
// It reads a snapshot, so writers go on while it runs. An existing dest is
// never overwritten.
func (d *DB) Backup(ctx context.Context, dest string) error {
	if strings.TrimSpace(dest) == "" {
		return domain.Invalidf("file", "Give the file to write the backup to")
	}
	if _, err := os.Stat(dest); err == nil {
		return domain.Errorf(domain.KindConflict, "%s already exists; choose a new file name so no earlier backup is overwritten", dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	conn, err := sql.Open("sqlite", d.backupDSN)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", dest, err)
	}
	return conn.Close()
}

// Ping checks that the database file can be read.
func (d *DB) Ping(ctx context.Context) error {
	// Only the readers: the single writer connection may be busy with a long
	// import, which must not make the service look unready.
	if err := d.reader.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping reader: %w", err)
	}
	return nil
}

// Close closes both pools, once a checkpoint under way has finished.
func (d *DB) Close() error {
	errs := []error{d.ckpt.close(), d.watch.close()}
	if d.reader != nil {
		errs = append(errs, d.reader.Close())
	}
	if d.writer != nil {
		errs = append(errs, d.writer.Close())
	}
	return errors.Join(errs...)
}

func (d *DB) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}
