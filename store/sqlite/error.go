package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"github.com/collabbot/collabbot/domain"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// fkConstraint is what constraint reports for a foreign key failure: SQLite
// does not say which key failed.
const fkConstraint = "FOREIGN KEY"

// failedRE picks the constraint out of SQLite's message: "UNIQUE constraint
// failed: creators.handle", "... failed: index 'some_index'" (an index on an
// expression), "CHECK constraint failed: rate_range", "FOREIGN KEY
// constraint failed".
var failedRE = regexp.MustCompile(`(UNIQUE|CHECK|NOT NULL|FOREIGN KEY) constraint failed(?:: (.*?))?(?: \(\d+\))?$`)

// constraint names the constraint err broke: "creators.handle" (or
// "t.a, t.b") for a UNIQUE or PRIMARY KEY or unique index on columns, partial
// or not; the index name for a unique index on an expression; the name for a
// named CHECK, fkConstraint for a foreign key. It is "" when err is no
// constraint failure.
func constraint(err error) string {
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_CONSTRAINT {
		return ""
	}
	m := failedRE.FindStringSubmatch(se.Error())
	if m == nil {
		return "constraint"
	}
	if m[1] == fkConstraint {
		return fkConstraint
	}
	name := m[2]
	if strings.HasPrefix(name, "index '") {
		name = strings.TrimSuffix(strings.TrimPrefix(name, "index '"), "'")
	}
	return name
}

// checks turns the named CHECK constraints people can run into into what
// they should read. Domain validation normally catches these first.
var checks = map[string]domain.Error{
	"stock_nonnegative":     {Kind: domain.KindConflict, Field: "stock", Message: "Sample stock cannot go below zero."},
	"reserved_within_stock": {Kind: domain.KindConflict, Field: "stock", Message: "This offer's sample units are all reserved."},
	"rate_range":            {Kind: domain.KindInvalid, Field: "commission_rate", Message: "Commission rate must be between 1% and 80%."},
	"pending_rate_range":    {Kind: domain.KindInvalid, Field: "commission_rate", Message: "Commission rate must be between 1% and 80%."},
	"quantity_positive":     {Kind: domain.KindInvalid, Field: "quantity", Message: "Quantity must be at least 1 unit."},
}

// formatError is the one place SQL errors become domain errors. A broken
// constraint is a KindConflict with the message conflicts gives for it (or a
// named CHECK's message, or a generic one); anything else is KindInternal.
// The driver's error stays in the chain for logs and never reaches users.
func formatError(err error, op string, conflicts map[string]string) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return domain.Internal(err, op)
	}
	c := constraint(err)
	if c == "" {
		return domain.Internal(err, op)
	}
	if msg, ok := conflicts[c]; ok {
		return &domain.Error{Kind: domain.KindConflict, Message: msg, Err: err}
	}
	if e, ok := checks[c]; ok {
		e.Err = err
		return &e
	}
	return &domain.Error{Kind: domain.KindConflict, Message: "That change conflicts with data already stored; reload and try again.", Err: err}
}

// ref is a row a statement refers to, checked when a foreign key fails so
// the error can say which one is missing.
type ref struct {
	query   string         // selects 1 when the row exists
	arg     any            // nil or zero: the reference is unset and cannot fail
	missing domain.Missing // what the NotFound names
}

// failed formats err like formatError, except that a foreign key failure is
// explained as the NotFound of the first missing ref.
func (t *tx) failed(ctx context.Context, err error, op string, conflicts map[string]string, refs ...ref) error {
	if constraint(err) == fkConstraint {
		for _, r := range refs {
			if r.arg == nil || r.arg == int64(0) || r.arg == "" {
				continue
			}
			var one int
			if e := t.tx.QueryRowContext(ctx, r.query, r.arg).Scan(&one); errors.Is(e, sql.ErrNoRows) {
				e := r.missing.Err()
				e.Err = err
				return e
			}
		}
	}
	return formatError(err, op, conflicts)
}

// notFound maps a single-row lookup's error: no row is the NotFound msg,
// anything else internal.
func notFound(err error, op string, m domain.Missing) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return m.Err()
	}
	return formatError(err, op, nil)
}
