package present

import (
	"strconv"
	"strings"

	"github.com/collabbot/collabbot/domain"
)

// num writes a count as people read it: 52,000, not 52000. CSV exports
// keep plain digits; only chat and the console group them.
func num[N ~int | ~int64](n N) string { return domain.Grouped(int64(n)) }

// money writes an amount as num does its whole part: 1,234.50.
func money(m domain.Money) string {
	cents := int64(m) % 100
	if cents < 0 {
		cents = -cents
	}
	whole := num(int64(m) / 100)
	if m < 0 && int64(m)/100 == 0 {
		whole = "-0"
	}
	if cents < 10 {
		return whole + ".0" + strconv.FormatInt(cents, 10)
	}
	return whole + "." + strconv.FormatInt(cents, 10)
}

// sentence ends a person's words with a full stop unless they end
// already ("Not now!" stays as it is).
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}
