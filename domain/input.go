package domain

// Readers of values a person typed, shared by the text grammar and CSV
// imports: each names its field and echoes the input shortened.

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Clipped runs a domain check on s, shortening first a value far longer than
// any valid one: the domain's messages echo the value, and a pasted page
// should not come back as the reply.
func Clipped(field string, max int, s string, check func(string) error) error {
	if len(s) <= max {
		return check(s)
	}
	short := string([]rune(s)[:min(utf8.RuneCountInString(s), 40)]) + "…"
	if err := check(short); err != nil {
		return err
	}
	return Invalidf(field, "%s is too long (got %s)", label(field), QuoteInput(s))
}

// CheckInput runs check(field, s) on input clipped to max.
func CheckInput(field string, max int, s string, check func(field, s string) error) error {
	return Clipped(field, max, s, func(v string) error { return check(field, v) })
}

// HandleInput reads a TikTok handle typed by a person.
func HandleInput(field, s string) (string, error) {
	var h string
	err := Clipped(field, 64, s, func(v string) (err error) {
		h, err = NormalizeHandle(field, v)
		return err
	})
	return h, err
}

// RateInput reads a commission rate typed by a person.
func RateInput(field, s string) (Rate, error) {
	var r Rate
	err := Clipped(field, 16, s, func(v string) (err error) {
		r, err = ParseRate(field, v)
		return err
	})
	return r, err
}

// MoneyInput reads a price typed by a person.
func MoneyInput(field, s string) (Money, error) {
	var m Money
	err := Clipped(field, 32, s, func(v string) (err error) {
		m, err = ParseMoney(field, v)
		return err
	})
	return m, err
}

// GroupInput checks a product group before Product.Validate, whose message
// would echo a group of any length.
func GroupInput(g string) error {
	if utf8.RuneCountInString(g) > MaxWordLength || strings.ContainsAny(g, " =:") {
		return Invalidf("group", "Group must be one word of at most %d characters, like snacks (got %s)", MaxWordLength, QuoteInput(g))
	}
	return nil
}

// QuoteInput quotes user input for an error message, shortened so a long paste
// does not flood the reply.
func QuoteInput(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}

// MaxAudience bounds follower and view counts.
const MaxAudience = 5_000_000_000

// IntInput reads a whole number from lo to hi; thousands may be separated by commas.
func IntInput(field, what, s string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
	if err != nil || n < lo || n > hi || strings.HasPrefix(s, "+") {
		return 0, Invalidf(field, "%s must be a whole number from %s to %s (got %s)", what, Grouped(lo), Grouped(hi), QuoteInput(s))
	}
	return n, nil
}

// CountInput reads audience sizes as people write them: 52000, 52,000, 52k, 1.2m.
func CountInput(field, what, s string) (int64, error) {
	n, ok := parseCount(s)
	if !ok || n > MaxAudience {
		return 0, Invalidf(field, "%s must be a whole number from 0 to %s, like 52000, 52k or 1.2m (got %s)", what, Grouped(int64(MaxAudience)), QuoteInput(s))
	}
	return n, nil
}

func parseCount(s string) (int64, bool) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), ",", ""))
	scale, digits := int64(1), 0
	switch {
	case strings.HasSuffix(t, "k"):
		scale, digits, t = 1_000, 3, t[:len(t)-1]
	case strings.HasSuffix(t, "m"):
		scale, digits, t = 1_000_000, 6, t[:len(t)-1]
	case strings.HasSuffix(t, "b"):
		scale, digits, t = 1_000_000_000, 9, t[:len(t)-1]
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" || len(whole) > 10 || (hasDot && (frac == "" || len(frac) > digits)) {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", digits-len(frac)), 10, 64)
	}
	return w*scale + f, true
}

// CategoriesInput reads a list of categories like beauty,skincare (at most max).
func CategoriesInput(s string, max int) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" || seen[c] {
			continue
		}
		if utf8.RuneCountInString(c) > MaxWordLength {
			return out, Invalidf("categories", "Each category must be at most %d characters (got %s)", MaxWordLength, QuoteInput(c))
		}
		seen[c] = true
		out = append(out, c)
	}
	if len(out) == 0 {
		return out, Invalidf("categories", "Categories must be a list like beauty,skincare (got %s)", QuoteInput(s))
	}
	if len(out) > max {
		return out, Invalidf("categories", "Categories: at most %d (got %d)", max, len(out))
	}
	return out, nil
}

// Grouped writes a whole number as people read it, in thousands: 5,000,000,000.
func Grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}
