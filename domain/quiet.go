package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// QuietHours is a daily window, in the reader's own zone, in which no
// reminder reaches a creator: one queued then waits until the window ends.
// Start and End are minutes after midnight; a window with End before Start
// runs over midnight ("21:00-09:00"). The zero value (Start == End) is no
// quiet hours at all.
type QuietHours struct {
	Start, End int // minutes after midnight, 0 to 1439
}

// DefaultQuietHours keep reminders out of a creator's evening and night.
var DefaultQuietHours = QuietHours{Start: 21 * 60, End: 9 * 60}

// ParseQuietHours reads "HH:MM-HH:MM" (24-hour clock, "21:00-09:00"), or
// "off" for none. The two ends may not be equal: say "off" for none.
func ParseQuietHours(field, s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "off") {
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, Invalidf(field, "%s must be two times like 21:00-09:00 (start-end, 24-hour clock) or off, got %q", label(field), s)
	}
	start, err1 := clockMinutes(from)
	end, err2 := clockMinutes(to)
	switch {
	case err1 != nil || err2 != nil:
		return QuietHours{}, Invalidf(field, "%s must be two times like 21:00-09:00 (start-end, 24-hour clock, 00:00 to 23:59) or off, got %q", label(field), s)
	case start == end:
		return QuietHours{}, Invalidf(field, "%s must start and end at different times (or be off), got %q", label(field), s)
	}
	return QuietHours{Start: start, End: end}, nil
}

// clockMinutes reads "HH:MM" strictly: two digits each, so "9:00" and
// "09:0" are typos the operator hears about.
func clockMinutes(s string) (int, error) {
	s = strings.TrimSpace(s)
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("not HH:MM")
	}
	h, err := strconv.Atoi(s[:2])
	if err != nil || h < 0 || h > 23 || s[0] == '+' || s[0] == '-' {
		return 0, fmt.Errorf("bad hour")
	}
	m, err := strconv.Atoi(s[3:])
	if err != nil || m < 0 || m > 59 || s[3] == '+' || s[3] == '-' {
		return 0, fmt.Errorf("bad minute")
	}
	return h*60 + m, nil
}

// Off reports whether there are no quiet hours.
func (q QuietHours) Off() bool { return q.Start == q.End }

// String is the form ParseQuietHours reads.
func (q QuietHours) String() string {
	if q.Off() {
		return "off"
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}

// in reports whether minute m of the day falls inside the window.
func (q QuietHours) in(m int) bool {
	if q.Start < q.End {
		return m >= q.Start && m < q.End
	}
	return m >= q.Start || m < q.End
}

// SendAt is when a reminder queued at t may reach a reader in loc: t
// itself outside quiet hours, else the window's end on the reader's wall
// clock. The wall clock decides, so a DST change moves the end with the
// reader's morning; an end that falls in a spring-forward gap is read as
// Go's time.Date reads it (the hour after the gap).
func (q QuietHours) SendAt(t time.Time, loc *time.Location) time.Time {
	if q.Off() {
		return t
	}
	local := t.In(loc)
	m := local.Hour()*60 + local.Minute()
	if !q.in(m) {
		return t
	}
	y, mo, d := local.Date()
	if m >= q.End {
		// Evening side of a window over midnight: it ends tomorrow.
		d++
	}
	end := time.Date(y, mo, d, q.End/60, q.End%60, 0, 0, loc)
	if !end.After(t) {
		// A fall-back repeat of the end's hour: t is already past it.
		return t
	}
	return end.UTC()
}
