package domain

import (
	"regexp"
	"strconv"
	"strings"
)

var thousandsRE = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]{1,2})?$`)

// Money is an amount in cents of the shop's currency. Prices and GMV are
// compared and summed, never divided, so integer cents are exact.
type Money int64

// ParseMoney reads "24.90", "24", "$24.9" or "1,250.00".
func ParseMoney(field, s string) (Money, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "$")
	bad := Invalidf(field, "%s must be an amount like 24.90 (got %q)", label(field), s)
	if strings.Contains(t, ",") {
		// Only thousands separators: "24,90" is a European decimal comma
		// and would be read as a hundred times the price.
		if !thousandsRE.MatchString(t) {
			return 0, bad
		}
		t = strings.ReplaceAll(t, ",", "")
	}
	if t == "" || len(t) > 15 {
		return 0, bad
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, bad
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, bad
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return Money(w*100 + f), nil
}

// String renders cents as "24.90".
func (m Money) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	c := int64(m) % 100
	cs := strconv.FormatInt(c, 10)
	if c < 10 {
		cs = "0" + cs
	}
	return sign + strconv.FormatInt(int64(m)/100, 10) + "." + cs
}
