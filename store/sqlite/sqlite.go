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

	_ "modernc.org/sqlite" // registers the "sqlite" driver
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
// separate pool that cannot write.
type DB struct {
	// Now stamps rows a caller left undated (an outbox row or event without a
	// time, a migration's applied_at). Tests may replace it before use.
	Now func() time.Time

	writer *sql.DB
	reader *sql.DB
	// backupDSN opens a connection that may write a file (VACUUM INTO counts
	// as a write, which query_only refuses) yet takes no write lock.
	backupDSN string
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
func Open(ctx context.Context, path string) (*DB, error) {
	name, query, err := parseLocation(path)
	if err != nil {
		return nil, err
	}
	d := &DB{Now: time.Now}

	d.writer, err = sql.Open("sqlite", dsn(name, query, "immediate", false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	d.writer.SetMaxOpenConns(1)
	d.writer.SetMaxIdleConns(1)
	d.writer.SetConnMaxIdleTime(0)
	d.writer.SetConnMaxLifetime(0)

	d.reader, err = sql.Open("sqlite", dsn(name, query, "deferred", true))
	if err != nil {
		d.writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	d.reader.SetMaxOpenConns(readers)
	d.reader.SetMaxIdleConns(readers)

	d.backupDSN = dsn(name, query, "deferred", false)

	// The writer connects first: it switches the file to WAL before any
	// reader, which could not (query_only), opens it.
	if err := d.writer.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
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
func dsn(name string, user url.Values, txlock string, readOnly bool) string {
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
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	q.Set("_txlock", txlock)
	return name + "?" + q.Encode()
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
// each in its own transaction. Running it again changes nothing.
func (d *DB) Migrate(ctx context.Context) error {
	if _, err := d.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    TEXT PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("sqlite: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := d.migrate(ctx, name); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", path.Base(name), err)
		}
	}
	return nil
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
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return domain.Internal(err, "store: begin transaction")
	}
	// Rolls back when fn fails or panics (the panic then goes on); after a
	// commit it is a no-op.
	defer sqlTx.Rollback()
	if err := fn(&tx{tx: sqlTx, db: d}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return domain.Internal(err, "store: commit")
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

// Close closes both pools.
func (d *DB) Close() error {
	var errs []error
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
