package commands

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/collabbot/collabbot/domain"
)

// CSV import limits: enough for any roster or catalog a team keeps by hand,
// small enough that a wrong file cannot exhaust memory.
const (
	MaxCSVRows  = 10_000
	MaxCSVBytes = 8 << 20
)

var (
	creatorColumns = []string{"handle", "discord_id", "followers", "avg_views", "gmv_30d", "niche", "categories", "timezone"}
	productColumns = []string{"id", "title", "price", "group", "stock"}

	// csvAliases accept the spellings the grammar's options use, so a
	// header written after "creator add" keys also works.
	csvAliases = map[string]string{
		"discord": "discord_id", "views": "avg_views", "gmv": "gmv_30d", "tz": "timezone", "time_zone": "timezone",
		"product_id": "id", "sample_stock": "stock",
	}
)

var errCSVTooBig = errors.New("csv too big")

// capReader fails once more than n bytes were read, instead of silently
// truncating the file the way io.LimitReader would.
type capReader struct {
	r io.Reader
	n int64
}

func (c *capReader) Read(b []byte) (int, error) {
	if c.n < 0 {
		return 0, errCSVTooBig
	}
	if int64(len(b)) > c.n+1 {
		b = b[:c.n+1]
	}
	n, err := c.r.Read(b)
	c.n -= int64(n)
	if c.n < 0 {
		return n, errCSVTooBig
	}
	return n, err
}

// csvTable walks the data rows of a CSV file whose header names columns
// from allowed.
type csvTable struct {
	r    *csv.Reader
	cols map[string]int
	rows int
}

func openCSV(r io.Reader, allowed, required []string, example string) (*csvTable, error) {
	cr := csv.NewReader(&capReader{r: r, n: MaxCSVBytes})
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, domain.Invalidf("file", "The CSV file is empty; its first line must be a header like %s", example)
	}
	if err != nil {
		return nil, csvError(err)
	}
	t := &csvTable{r: cr, cols: map[string]int{}}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		name = strings.NewReplacer(" ", "_", "-", "_").Replace(name)
		if a, ok := csvAliases[name]; ok {
			name = a
		}
		known := false
		for _, c := range allowed {
			known = known || c == name
		}
		switch {
		case name == "":
			return nil, domain.Invalidf("columns", "line 1: column %d has no name; allowed columns are %s", i+1, strings.Join(allowed, ", "))
		case !known:
			return nil, domain.Invalidf("columns", "line 1: unknown column %s; allowed columns are %s", domain.QuoteInput(strings.TrimSpace(h)), strings.Join(allowed, ", "))
		}
		if _, dup := t.cols[name]; dup {
			return nil, domain.Invalidf("columns", "line 1: column %s appears twice", name)
		}
		t.cols[name] = i
	}
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			return nil, domain.Invalidf("columns", "line 1: the header needs a %s column, like %s", c, example)
		}
	}
	return t, nil
}

// Columns describes one parsed CSV row: its line in the file, and the
// columns it filled (after aliases); a column missing from the file or a
// blank cell is not filled. The zero Columns means every column, as for
// rows built in code.
type Columns struct {
	Line   int
	filled map[string]bool
}

// Has reports whether the row filled column name.
func (c Columns) Has(name string) bool { return c.filled == nil || c.filled[name] }

func (t *csvTable) filled(row func(string) string, line int) Columns {
	out := Columns{Line: line, filled: map[string]bool{}}
	for name := range t.cols {
		if strings.TrimSpace(row(name)) != "" {
			out.filled[name] = true
		}
	}
	return out
}

// next returns the next non-blank row and its line number; ok is false at
// the end of the file. A row that cannot be read as the header's columns
// comes back as bad, with ok: that row's error, the file goes on; err stops
// the file (invalid CSV, too big, too many rows).
func (t *csvTable) next() (row func(string) string, line int, ok bool, bad, err error) {
	for {
		rec, err := t.r.Read()
		if err == io.EOF {
			return nil, 0, false, nil, nil
		}
		if err != nil {
			return nil, 0, false, nil, csvError(err)
		}
		line, _ = t.r.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		for _, cell := range rec {
			if err := plainCell(line, cell); err != nil {
				return nil, line, false, nil, err
			}
		}
		t.rows++
		if t.rows > MaxCSVRows {
			return nil, line, false, nil, domain.Invalidf("file", "The CSV file has more than %d rows; split it into smaller files", MaxCSVRows)
		}
		if len(rec) > len(t.cols) {
			// Its cells do not line up with the columns: nothing else of
			// the row can be checked, but the other rows can.
			return nil, line, true, domain.Invalidf("file", "line %d has %d cells; the header has %d; quote cells that contain commas", line, len(rec), len(t.cols)), nil
		}
		return func(col string) string {
			i, ok := t.cols[col]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}, line, true, nil, nil
	}
}

// plainCell refuses what a spreadsheet exports by mistake: a legacy
// encoding (Excel's "CSV" is often Windows-1252) or control characters,
// which would otherwise be stored and shown garbled.
func plainCell(line int, cell string) error {
	if !utf8.ValidString(cell) {
		return domain.Invalidf("file", "line %d: the file is not UTF-8 text; save it as \"CSV UTF-8\"", line)
	}
	for _, r := range cell {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return domain.Invalidf("file", "line %d: a cell has the control character %U", line, r)
		}
	}
	return nil
}

func csvError(err error) error {
	if errors.Is(err, errCSVTooBig) {
		return domain.Invalidf("file", "The CSV file is larger than %d MB; split it into smaller files", MaxCSVBytes>>20)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return domain.Invalidf("file", "line %d: this is not valid CSV (%v)", pe.Line, pe.Err)
	}
	return domain.Internal(err, "Could not read the CSV file")
}

// maxRowErrors bounds the report of a bad file: enough to fix a batch of
// mistakes in one go, short enough to read in chat.
const maxRowErrors = 10

// rowErrors collects every error of every row of a file, so a seller fixes
// them all in one round instead of one cell per try.
type rowErrors struct {
	first error
	lines []string
	more  int
}

func (r *rowErrors) add(err error) {
	if r.first == nil {
		r.first = err
	}
	if len(r.lines) < maxRowErrors {
		r.lines = append(r.lines, domain.ErrorMessage(err))
		return
	}
	r.more++
}

// err is nil for a clean file; otherwise one error, of the first bad
// cell's field, listing every error.
func (r *rowErrors) err() error {
	if r.first == nil {
		return nil
	}
	if len(r.lines) == 1 {
		return r.first
	}
	msg := strings.Join(r.lines, "\n")
	if r.more > 0 {
		msg += fmt.Sprintf("\n... and %d more errors", r.more)
	}
	return domain.Invalidf(domain.ErrorField(r.first), "%s", msg)
}

// atCSVCell prefixes a cell's validation error with its line and column,
// keeping the field so callers can still tell which column was wrong.
func atCSVCell(line int, err error) error {
	if f := domain.ErrorField(err); f != "" {
		return domain.Invalidf(f, "line %d, column %s: %s", line, f, domain.ErrorMessage(err))
	}
	return domain.Invalidf("file", "line %d: %s", line, domain.ErrorMessage(err))
}

// ParseCreatorsCSV reads a roster export: a header with a handle column and
// any of discord_id, followers, avg_views, gmv_30d, niche, categories
// (separated by ";" or "|") and timezone, in any order. Every row is
// validated; any bad row fails the whole file (all bad rows are listed) so
// nothing is half imported.
//
// The Columns of each row say which cells it filled, so an import of a
// creator already on the roster updates only those.
func ParseCreatorsCSV(r io.Reader) ([]domain.Creator, []Columns, error) {
	t, err := openCSV(r, creatorColumns, []string{"handle"}, "handle,followers,niche")
	if err != nil {
		return nil, nil, err
	}
	return parseRows(t, "creators", creatorRow, func(c domain.Creator) (string, string) {
		return c.Handle, "handle"
	}, func(c domain.Creator) string { return c.At() })
}

func creatorRow(row func(string) string) (domain.Creator, []error) {
	p := &cellErrors{}
	c := domain.Creator{
		Handle:    row("handle"),
		DiscordID: row("discord_id"),
		Niche:     row("niche"),
		TimeZone:  row("timezone"),
		Reachable: true,
	}
	h, err := domain.HandleInput("handle", c.Handle)
	p.fail(err)
	c.Handle = h
	if c.DiscordID != "" {
		p.fail(domain.CheckInput("discord_id", 32, c.DiscordID, domain.ValidateDiscordID))
	}
	if err := domain.CheckInput("timezone", 64, c.TimeZone, domain.ValidateTimeZone); err != nil {
		p.fail(err)
	} else if c.TimeZone != "" {
		// Checked here with the file's other errors, not only when stored.
		if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "Local" {
			p.fail(domain.Invalidf("timezone", "Time zone must be an IANA zone like Europe/Paris (got %s)", domain.QuoteInput(c.TimeZone)))
		}
	}
	if s := row("followers"); s != "" {
		c.Followers = p.count("followers", "Followers", s)
	}
	if s := row("avg_views"); s != "" {
		c.AvgViews = p.count("avg_views", "Average views", s)
	}
	if s := row("gmv_30d"); s != "" {
		m, err := domain.MoneyInput("gmv_30d", s)
		p.fail(err)
		c.GMV30d = m
	}
	if s := row("categories"); s != "" {
		c.Categories = p.categories(s)
	}
	// The whole-creator rules, with the cells' errors: a fixed cell must
	// not reveal another error of the same row.
	recordRules(p, c, (*domain.Creator).Validate)
	if len(p.errs) > 0 {
		return c, p.errs
	}
	if err := c.Validate(); err != nil { // normalizes; passes, as checked
		return c, []error{err}
	}
	return c, nil
}

// ParseProductsCSV reads a catalog export: a header with id and title
// columns and any of price, group and stock, in any order.
//
// The Columns of each row say which cells it filled, so a price list
// without stock leaves stock alone.
func ParseProductsCSV(r io.Reader) ([]domain.Product, []Columns, error) {
	return parseProducts(r, nil)
}

// ParseProductsCSV is the package's ParseProductsCSV that also refuses a
// blank title on a product the catalog does not have yet, with the file's
// other errors: otherwise it would show only once they are fixed.
// ImportProducts still checks it, for a product removed in between.
func (a *App) ParseProductsCSV(ctx context.Context, r io.Reader) ([]domain.Product, []Columns, error) {
	return parseProducts(r, func(id string) bool {
		err := a.store.View(ctx, func(tx Tx) error {
			_, err := tx.Product(ctx, id)
			return err
		})
		// Unsure (the store failed) counts as stored: the import decides.
		return domain.ErrorKind(err) != domain.KindNotFound
	})
}

// parseProducts reads a catalog; stored, when given, tells whether a row
// with a blank title updates a product that exists.
func parseProducts(r io.Reader, stored func(id string) bool) ([]domain.Product, []Columns, error) {
	t, err := openCSV(r, productColumns, []string{"id", "title"}, "id,title,price,group,stock")
	if err != nil {
		return nil, nil, err
	}
	parse := productRow
	if stored != nil {
		parse = func(row func(string) string) (domain.Product, []error) {
			p, errs := productRow(row)
			if strings.TrimSpace(p.Title) == "" && domain.CheckInput("id", 100, p.ID, domain.ValidateProductID) == nil && !stored(p.ID) {
				errs = append(errs, domain.Invalidf("title", "Title is required for a new product (%s is not in the catalog yet)", p.ID))
			}
			return p, errs
		}
	}
	return parseRows(t, "products", parse, func(p domain.Product) (string, string) {
		return strings.ToLower(p.ID), "id" // product IDs match without case
	}, func(p domain.Product) string { return "product " + p.ID })
}

// parseRows reads every row of t with parse, refusing rows whose key
// repeats an earlier one; all bad rows are reported together.
func parseRows[T any](t *csvTable, what string, parse func(func(string) string) (T, []error), key func(T) (string, string), name func(T) string) ([]T, []Columns, error) {
	var out []T
	var cols []Columns
	var bad rowErrors
	lines := map[string]int{}
	for {
		row, line, ok, rowErr, err := t.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		if rowErr != nil {
			bad.add(rowErr)
			continue
		}
		v, errs := parse(row)
		if len(errs) > 0 {
			for _, err := range errs {
				bad.add(atCSVCell(line, err))
			}
			continue
		}
		k, field := key(v)
		if first, dup := lines[k]; dup {
			bad.add(domain.Invalidf(field, "line %d, column %s: %s is already on line %d", line, field, name(v), first))
			continue
		}
		lines[k] = line
		out = append(out, v)
		cols = append(cols, t.filled(row, line))
	}
	if err := bad.err(); err != nil {
		return nil, nil, err
	}
	if len(out) == 0 {
		return nil, nil, domain.Invalidf("file", "The CSV file has a header but no %s", what)
	}
	return out, cols, nil
}

func productRow(row func(string) string) (domain.Product, []error) {
	p := &cellErrors{}
	pr := domain.Product{ID: row("id"), Title: row("title"), Group: strings.ToLower(row("group"))}
	p.fail(domain.CheckInput("id", 100, pr.ID, domain.ValidateProductID))
	p.fail(domain.GroupInput(pr.Group))
	if s := row("price"); s != "" {
		m, err := domain.MoneyInput("price", s)
		p.fail(err)
		pr.Price = m
	}
	if s := row("stock"); s != "" {
		pr.SampleStock = int(p.integer("stock", "Stock", s, 0, 1_000_000))
	}
	// A blank title keeps a stored product's; a new one needs a title
	// (newProductTitles, and the import itself, refuse it).
	check := pr
	if strings.TrimSpace(check.Title) == "" {
		check.Title = "-"
	}
	// The whole-product rules, with the cells' errors.
	recordRules(p, check, (*domain.Product).Validate)
	if len(p.errs) > 0 {
		return pr, p.errs
	}
	if err := check.Validate(); err != nil { // normalizes; passes, as checked
		return pr, []error{err}
	}
	check.Title = strings.TrimSpace(pr.Title)
	return check, nil
}

// cellErrors keeps every error of a row while its cells are read.
type cellErrors struct{ errs []error }

// recordRules adds the record's own rules' errors (validate reports every
// field at once) to the cells' errors, except for a field a cell already
// failed, which would be said twice. v is a copy: validate may normalize it.
func recordRules[T any](p *cellErrors, v T, validate func(*T) error) {
	failed := map[string]bool{}
	for _, err := range p.errs {
		failed[domain.ErrorField(err)] = true
	}
	for _, f := range domain.ErrorFields(validate(&v)) {
		if !failed[f.Field] {
			failed[f.Field] = true
			p.errs = append(p.errs, domain.Invalidf(f.Field, "%s", f.Message))
		}
	}
}

func (p *cellErrors) fail(err error) {
	if err != nil {
		p.errs = append(p.errs, err)
	}
}

func (p *cellErrors) integer(field, what, s string, lo, hi int64) int64 {
	n, err := domain.IntInput(field, what, s, lo, hi)
	p.fail(err)
	return n
}

func (p *cellErrors) count(field, what, s string) int64 {
	n, err := domain.CountInput(field, what, s)
	p.fail(err)
	return n
}

func (p *cellErrors) categories(s string) []string {
	out, err := domain.CategoriesInput(s, 20)
	p.fail(err)
	return out
}
