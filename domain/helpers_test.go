package domain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zone data embedded so DST tests do not depend on the host

	"github.com/collabbot/collabbot/domain"
)

// loadLoc loads an IANA zone or fails the test.
func loadLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// at builds a wall-clock time in loc from "2006-01-02 15:04:05".
func at(tb testing.TB, loc *time.Location, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	if err != nil {
		tb.Fatalf("ParseInLocation(%q): %v", s, err)
	}
	return t
}

// utc builds a UTC time from "2006-01-02 15:04:05".
func utc(tb testing.TB, s string) time.Time {
	tb.Helper()
	return at(tb, time.UTC, s)
}

// checkErr asserts that err is a *domain.Error of the given kind attached to
// field (exactly; "" for none) whose user message contains every part.
func checkErr(tb testing.TB, err error, kind domain.Kind, field string, parts ...string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got nil error, want %s error", kind)
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		tb.Fatalf("got %T %q, want *domain.Error", err, err)
	}
	if de.Kind != kind {
		tb.Errorf("kind = %q, want %q (message %q)", de.Kind, kind, de.Message)
	}
	if de.Field != field {
		tb.Errorf("field = %q, want %q (message %q)", de.Field, field, de.Message)
	}
	msg := domain.ErrorMessage(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			tb.Errorf("message %q does not contain %q", msg, p)
		}
	}
}

// noErr fails the test when err is not nil.
func noErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("unexpected error: %v", err)
	}
}

// checkMoves holds a state machine to the expected edges, written out from
// PRODUCT.md in each test: the table mentions no other state, exactly the
// expected moves are allowed, and move(from, to) applies an allowed one and
// refuses any other with a conflict naming ref and both states, unchanged.
func checkMoves[S ~string](t *testing.T, table map[S][]S, states []S, edges map[[2]S]bool, ref string, move func(from, to S) (S, error)) {
	t.Helper()
	known := map[S]bool{}
	for _, s := range states {
		known[s] = true
	}
	for from, tos := range table {
		for _, s := range append([]S{from}, tos...) {
			if !known[s] {
				t.Errorf("the move table mentions unknown state %q", s)
			}
		}
	}
	allowed := 0
	for _, from := range states {
		for _, to := range states {
			want := edges[[2]S{from, to}]
			if want {
				allowed++
			}
			t.Run(fmt.Sprintf("%s->%s", from, to), func(t *testing.T) {
				if got := domain.CanMove(from, to, table); got != want {
					t.Errorf("CanMove = %v, want %v", got, want)
				}
				got, err := move(from, to)
				if want {
					noErr(t, err)
					if got != to {
						t.Errorf("State = %q, want %q", got, to)
					}
					return
				}
				checkErr(t, err, domain.KindConflict, "", ref)
				// Worded for people: where it stands, not a state machine's terms.
				if strings.Contains(domain.ErrorMessage(err), "cannot become") {
					t.Errorf("message %q speaks in states", domain.ErrorMessage(err))
				}
				if got != from {
					t.Errorf("refused move changed State to %q", got)
				}
			})
		}
	}
	if allowed != len(edges) {
		t.Errorf("%d allowed moves, PRODUCT.md has %d", allowed, len(edges))
	}
}
