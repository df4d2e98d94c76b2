package domain_test

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/collabbot/collabbot/domain"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func TestParseQuietHours(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" means an error
	}{
		{"21:00-09:00", "21:00-09:00"},
		{" 22:30 - 07:15 ", "22:30-07:15"},
		{"13:00-14:00", "13:00-14:00"},
		{"00:00-23:59", "00:00-23:59"},
		{"off", "off"},
		{"OFF", "off"},
		{"9:00-21:00", ""},
		{"21:00", ""},
		{"24:00-09:00", ""},
		{"21:60-09:00", ""},
		{"21:00-09:00-10:00", ""},
		{"09:00-09:00", ""},
		{"+1:00-09:00", ""},
		{"", ""},
	} {
		q, err := domain.ParseQuietHours("quiet_hours", tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ParseQuietHours(%q) = %v, want an error", tc.in, q)
		case tc.want == "" && domain.ErrorKind(err) != domain.KindInvalid:
			t.Errorf("ParseQuietHours(%q) error %v, want invalid", tc.in, err)
		case tc.want != "" && (err != nil || q.String() != tc.want):
			t.Errorf("ParseQuietHours(%q) = %v, %v; want %s", tc.in, q, err, tc.want)
		}
	}
}

func TestQuietHoursSendAt(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	ny := mustZone(t, "America/New_York")
	night := domain.DefaultQuietHours // 21:00-09:00
	lunch := domain.QuietHours{Start: 12 * 60, End: 14 * 60}
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	for _, tc := range []struct {
		name string
		q    domain.QuietHours
		t    time.Time
		loc  *time.Location
		want time.Time
	}{
		{"daytime goes now", night, at(paris, 2026, 5, 6, 10, 0), paris, at(paris, 2026, 5, 6, 10, 0)},
		{"just before the window", night, at(paris, 2026, 5, 6, 20, 59), paris, at(paris, 2026, 5, 6, 20, 59)},
		{"evening waits for the morning", night, at(paris, 2026, 5, 6, 21, 0), paris, at(paris, 2026, 5, 7, 9, 0)},
		{"after midnight waits for the same morning", night, at(paris, 2026, 5, 7, 3, 0), paris, at(paris, 2026, 5, 7, 9, 0)},
		{"the end itself goes", night, at(paris, 2026, 5, 7, 9, 0), paris, at(paris, 2026, 5, 7, 9, 0)},
		{"read in the creator's zone", night, at(time.UTC, 2026, 5, 6, 23, 0), ny, at(ny, 2026, 5, 6, 19, 0)}, // 19:00 in New York: not quiet
		{"the creator's night, not the team's", night, at(time.UTC, 2026, 5, 6, 12, 0), mustZone(t, "Asia/Tokyo"), at(mustZone(t, "Asia/Tokyo"), 2026, 5, 7, 9, 0)},
		{"a window within the day", lunch, at(paris, 2026, 5, 6, 12, 30), paris, at(paris, 2026, 5, 6, 14, 0)},
		{"after a window within the day", lunch, at(paris, 2026, 5, 6, 14, 30), paris, at(paris, 2026, 5, 6, 14, 30)},
		{"month end", night, at(paris, 2026, 5, 31, 22, 0), paris, at(paris, 2026, 6, 1, 9, 0)},
		// Paris springs forward on 29 March 2026 (02:00 -> 03:00) and falls
		// back on 25 October (03:00 -> 02:00): the morning is 09:00 on the
		// wall clock either way, 7 or 8 hours after midnight UTC.
		{"spring forward night", night, at(paris, 2026, 3, 28, 23, 0), paris, time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC)},
		{"fall back night", night, at(paris, 2026, 10, 24, 23, 0), paris, time.Date(2026, 10, 25, 8, 0, 0, 0, time.UTC)},
		{"end in the spring gap", domain.QuietHours{Start: 0, End: 2*60 + 30}, at(paris, 2026, 3, 29, 1, 0), paris, time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)},
		{"off", domain.QuietHours{}, at(paris, 2026, 5, 6, 23, 0), paris, at(paris, 2026, 5, 6, 23, 0)},
	} {
		got := tc.q.SendAt(tc.t, tc.loc)
		if !got.Equal(tc.want) {
			t.Errorf("%s: SendAt(%s in %s) = %s, want %s", tc.name, tc.t.Format(time.RFC3339), tc.loc, got.In(tc.loc).Format(time.RFC3339), tc.want.In(tc.loc).Format(time.RFC3339))
		}
	}
}

// FuzzQuietHours: any input parses or is refused as invalid; what parses
// prints back to itself; and SendAt never goes back in time, never waits a
// day or more, and never lands inside the window.
func FuzzQuietHours(f *testing.F) {
	for _, s := range []string{"21:00-09:00", "13:00-14:00", "off", "00:00-23:59", "23:59-00:00", "9:00-5:00", "", "-", "21:00-", "aa:bb-cc:dd", "21:00-09:00\n"} {
		f.Add(s, int64(1780000000))
	}
	zones := []*time.Location{time.UTC, mustZone(f, "Europe/Paris"), mustZone(f, "America/New_York"), mustZone(f, "Australia/Lord_Howe")}
	f.Fuzz(func(t *testing.T, s string, sec int64) {
		q, err := domain.ParseQuietHours("quiet_hours", s)
		if err != nil {
			if domain.ErrorKind(err) != domain.KindInvalid {
				t.Fatalf("ParseQuietHours(%q): error kind %v", s, domain.ErrorKind(err))
			}
			return
		}
		if again, err := domain.ParseQuietHours("quiet_hours", q.String()); err != nil || again != q {
			t.Fatalf("ParseQuietHours(%q) = %v; its String %q reads back as %v, %v", s, q, q.String(), again, err)
		}
		tm := time.Unix(sec%(1<<40), 0).UTC()
		for _, loc := range zones {
			got := q.SendAt(tm, loc)
			if got.Before(tm) || got.Sub(tm) >= 26*time.Hour {
				t.Fatalf("%v.SendAt(%s, %s) = %s", q, tm, loc, got)
			}
			if !got.Equal(tm) {
				if again := q.SendAt(got, loc); !again.Equal(got) {
					t.Fatalf("%v.SendAt(%s, %s) = %s, which is still quiet (then %s)", q, tm, loc, got, again)
				}
			}
		}
	})
}
