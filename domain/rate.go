package domain

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Rate is a commission rate in basis points (hundredths of a percent), the
// unit TikTok Shop's Partner API uses: 1000 is 10%.
type Rate int

const (
	MinRate Rate = 100  // 1%
	MaxRate Rate = 8000 // 80%
)

// ParseRate reads "15", "15%", "12.5%" or "12.55%" as a percentage and checks
// the 1%..80% range. field names the input in the error message.
func ParseRate(field, s string) (Rate, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(t, "%")
	t = strings.TrimSpace(t)
	bad := Invalidf(field, "%s must be a percentage between 1%% and 80%%, like 15%% or 12.5%% (got %q)", label(field), s)
	if t == "" || len(t) > 8 {
		return 0, bad
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) {
		if hasDot && len(frac) > 2 {
			return 0, Invalidf(field, "%s must be a percentage between 1%% and 80%% with at most two decimals, like 12.55%% (got %q)", label(field), s)
		}
		return 0, bad
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, bad
		}
	}
	w, err := strconv.Atoi(whole)
	if err != nil {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.Atoi(frac)
	r := Rate(w*100 + f)
	if err := r.Validate(field); err != nil {
		return 0, err
	}
	return r, nil
}

// Validate checks the 1%..80% range.
func (r Rate) Validate(field string) error {
	if r < MinRate || r > MaxRate {
		return Invalidf(field, "%s must be between 1%% and 80%% (got %s)", label(field), r)
	}
	return nil
}

// String renders the rate as a percentage: 1500 -> "15%", 1250 -> "12.5%".
func (r Rate) String() string {
	neg := r < 0
	if neg {
		r = -r
	}
	s := strconv.Itoa(int(r) / 100)
	if f := int(r) % 100; f != 0 {
		fs := strconv.Itoa(f)
		if f < 10 {
			fs = "0" + fs
		}
		s += "." + strings.TrimRight(fs, "0")
	}
	if neg {
		s = "-" + s
	}
	return s + "%"
}

// Text limits, in characters (not bytes: a note in Japanese gets as many
// characters as one in English). The grammar checks the same constants.
const (
	MaxNameLength     = 100
	MaxNoteLength     = 500
	MaxTermsLength    = 1000
	MaxTrackingLength = 100
	MaxTitleLength    = 255
	MaxWordLength     = 64
)

// TooLong reports whether s has more than n characters.
func TooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// fieldLabels name the fields whose key does not read well as words.
var fieldLabels = map[string]string{
	"id":            "Product ID",
	"discord_id":    "Discord ID",
	"gmv_30d":       "30-day GMV",
	"avg_views":     "Average views",
	"min_gmv":       "Minimum 30-day GMV",
	"min_views":     "Minimum average views",
	"contact_email": "Contact e-mail",
	"content_link":  "Content link",
	"timezone":      "Time zone",
	"user":          "User",
}

// label turns a field key into the words a user reads: "commission_rate" ->
// "Commission rate".
func label(field string) string {
	if field == "" {
		return "Value"
	}
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	s := strings.ReplaceAll(field, "_", " ")
	s = strings.ReplaceAll(s, "-", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}
