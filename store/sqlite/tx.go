package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// tx is the commands.Tx of one Update or View.
type tx struct {
	tx *sql.Tx
	db *DB
	// versions are the rows this transaction updated, so a second update of
	// one row in the same transaction, from a copy read before the first,
	// is not mistaken for someone else's change.
	versions map[string]versionSpan
	// creators and lastEvent remember, for this transaction only, the
	// creators it read or wrote and the newest event it added per subject:
	// a use case reads a creator again to count a message, or the event it
	// just wrote to key a message, and the transaction's own writes are the
	// only ones it can see change (BEGIN IMMEDIATE, or a snapshot).
	creators  map[int64]domain.Creator
	lastEvent map[string]domain.Event
	// queued says an outbox row was inserted: the commit wakes OnEnqueue.
	queued bool
}

// rememberCreator keeps a copy of c for the rest of the transaction.
func (t *tx) rememberCreator(c domain.Creator) {
	if t.creators == nil {
		t.creators = map[int64]domain.Creator{}
	}
	c.Categories = slices.Clone(c.Categories)
	t.creators[c.ID] = c
}

// versionSpan is the version a row was read at (first) and the one this
// transaction last gave it (now).
type versionSpan struct{ first, now int64 }

// expect is the version an update of row key must find: the caller's, or
// the one this transaction wrote when the caller's copy is from before it.
func (t *tx) expect(key string, v int64) int64 {
	if s, ok := t.versions[key]; ok && v >= s.first && v <= s.now {
		return s.now
	}
	return v
}

// wrote records that row key, read at version read, went from want to
// want+1 in this transaction.
func (t *tx) wrote(key string, read, want int64) {
	if t.versions == nil {
		t.versions = map[string]versionSpan{}
	}
	s, ok := t.versions[key]
	if !ok {
		s.first = read
	}
	s.now = want + 1
	t.versions[key] = s
}

// versioned finishes a conditional UPDATE ... WHERE id = ? AND version = ?:
// no row matched is notFound when the row is gone and a KindConflict when
// it changed since it was read.
func (t *tx) versioned(ctx context.Context, res sql.Result, op, table string, id int64, missing domain.Missing, changed *domain.Error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return domain.Internal(err, op)
	}
	if n > 0 {
		return nil
	}
	var one int
	switch err := t.tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = ?`, id).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return missing.Err()
	case err != nil:
		return formatError(err, op, nil)
	}
	return changed
}

var _ commands.Tx = (*tx)(nil)

// rowScanner is what *sql.Row and *sql.Rows share.
type rowScanner interface {
	Scan(dest ...any) error
}

// ms stores a time as Unix milliseconds UTC, and the zero time as NULL so
// "not yet" never reads back as 1970.
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// nullID stores an unset reference (0) as NULL so its foreign key is not
// checked.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullText stores "" as NULL, for columns unique only when set.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// jsonList stores a list of words as a JSON array, nil as "[]".
func jsonList(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list) // a []string always marshals
	return string(b)
}

// timeCol scans a millisecond column into a UTC time, NULL into the zero time.
type timeCol struct{ p *time.Time }

func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = time.Time{}
	case int64:
		*c.p = time.UnixMilli(v).UTC()
	default:
		return fmt.Errorf("time column holds %T, want integer milliseconds", v)
	}
	return nil
}

// idCol scans a nullable reference, NULL into 0.
type idCol struct{ p *int64 }

func (c idCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = 0
	case int64:
		*c.p = v
	default:
		return fmt.Errorf("id column holds %T, want integer", v)
	}
	return nil
}

// textCol scans a nullable text column, NULL into "".
type textCol struct{ p *string }

func (c textCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = ""
	case string:
		*c.p = v
	case []byte:
		*c.p = string(v)
	default:
		return fmt.Errorf("text column holds %T, want text", v)
	}
	return nil
}

// listCol scans a JSON array of words; an empty array reads back as nil.
type listCol struct{ p *[]string }

func (c listCol) Scan(v any) error {
	var s string
	if err := (textCol{&s}).Scan(v); err != nil {
		return err
	}
	var list []string
	if s != "" {
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			return fmt.Errorf("list column: %w", err)
		}
	}
	if len(list) == 0 {
		list = nil
	}
	*c.p = list
	return nil
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// query collects WHERE conditions and their arguments for list filters.
type query struct {
	where []string
	args  []any
}

func (q *query) add(cond string, args ...any) {
	q.where = append(q.where, cond)
	q.args = append(q.args, args...)
}

// in adds "col IN (...)" for a non-empty list of states.
func in[S ~string](q *query, col string, values []S) {
	if len(values) == 0 {
		return
	}
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = string(v)
	}
	q.add(col+" IN ("+placeholders(len(values))+")", args...)
}

// sql renders the WHERE clause, ORDER BY and LIMIT.
func (q *query) sql(order string, limit int) string {
	var b strings.Builder
	if len(q.where) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(q.where, " AND "))
	}
	b.WriteString(" ORDER BY ")
	b.WriteString(order)
	if limit > 0 {
		b.WriteString(" LIMIT ?")
		q.args = append(q.args, limit)
	}
	return b.String()
}

// list runs a query and scans every row with scan.
func list[T any](ctx context.Context, t *tx, op, stmt string, args []any, scan func(rowScanner) (T, error)) ([]T, error) {
	rows, err := t.tx.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, formatError(err, op, nil)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, formatError(err, op, nil)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, formatError(err, op, nil)
	}
	return out, nil
}

// affected turns "no row matched" of an UPDATE by key into msg's NotFound.
func affected(res sql.Result, err error, op string, m domain.Missing) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return domain.Internal(err, op)
	}
	if n == 0 {
		return m.Err()
	}
	return nil
}

// Existence checks for failed: each selects 1 when the row exists.
func creatorRef(id int64) ref {
	return ref{`SELECT 1 FROM creators WHERE id = ?`, id, domain.Missing{Thing: "creator", Ref: fmt.Sprint(id)}}
}

func productRef(id string) ref {
	return ref{`SELECT 1 FROM products WHERE id = ?`, id, domain.Missing{Thing: "product", Ref: id}}
}

func offerRef(id int64) ref {
	return ref{`SELECT 1 FROM sample_offers WHERE id = ?`, id, domain.Missing{Thing: "offer", Ref: fmt.Sprint(id)}}
}

func collaborationRef(id int64) ref {
	return ref{`SELECT 1 FROM collaborations WHERE id = ?`, id, domain.Missing{Thing: "collaboration", Ref: fmt.Sprint(id)}}
}

func invitationRef(id int64) ref {
	return ref{`SELECT 1 FROM invitations WHERE id = ?`, id, domain.Missing{Thing: "invitation", Ref: fmt.Sprintf("I%d", id)}}
}

func planRef(id int64) ref {
	return ref{`SELECT 1 FROM plans WHERE id = ?`, id, domain.Missing{Thing: "plan", Ref: fmt.Sprintf("PL%d", id)}}
}

func sampleRef(id int64) ref {
	return ref{`SELECT 1 FROM sample_requests WHERE id = ?`, id, domain.Missing{Thing: "sample", Ref: fmt.Sprintf("S%d", id)}}
}

// Member returns a team member by chat user ID.
func (t *tx) Member(ctx context.Context, id string) (domain.Member, error) {
	var m domain.Member
	err := t.tx.QueryRowContext(ctx, `SELECT id, name, role FROM members WHERE id = ?`, id).Scan(&m.ID, &m.Name, &m.Role)
	return m, notFound(err, "store: member", domain.Missing{Thing: "team member", Ref: id})
}

// PutMember inserts the member or updates their name and role.
func (t *tx) PutMember(ctx context.Context, m domain.Member) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO members (id, name, role) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role`,
		m.ID, m.Name, string(m.Role))
	return formatError(err, "store: put member", nil)
}

// NoteMemberName inserts m, or renames the member when the name differs,
// in one statement: every audited step by a team member runs it, and an
// unchanged name writes nothing.
func (t *tx) NoteMemberName(ctx context.Context, m domain.Member) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO members (id, name, role) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE members.name IS NOT excluded.name`,
		m.ID, m.Name, string(m.Role))
	return formatError(err, "store: note member name", nil)
}

// Members lists the team by user ID.
func (t *tx) Members(ctx context.Context) ([]domain.Member, error) {
	return list(ctx, t, "store: list members", `SELECT id, name, role FROM members ORDER BY id`, nil,
		func(r rowScanner) (domain.Member, error) {
			var m domain.Member
			err := r.Scan(&m.ID, &m.Name, &m.Role)
			return m, err
		})
}
