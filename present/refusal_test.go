package present_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

func TestRefusalShowsTheDecisionInTheReadersZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	decided := time.Date(2026, 6, 15, 23, 30, 0, 0, time.UTC)
	s := domain.SampleRequest{ID: 5, State: domain.SampleApproved, DecidedBy: "U0DANA", DeciderName: "Dana", DecidedAt: decided}
	late := s.Approve("U0LEE", decided.Add(time.Minute))
	rejected := domain.SampleRequest{ID: 21, State: domain.SampleRejected, DecidedAt: time.Date(2026, 6, 1, 20, 0, 0, 0, time.UTC), RejectReason: domain.RejectNotMatch}
	again := domain.CanRequestAgain([]domain.SampleRequest{rejected}, rejected.DecidedAt.Add(time.Hour))

	tests := []struct {
		name      string
		err       error
		r         present.Reader
		text, ctx string
		notInText string
		wantNoCtx bool
	}{
		{"late click in the team's zone", late, present.Reader{Zone: ny, Team: ny}, "already approved by Dana", "Decided by Dana on Mon 15 Jun 2026 19:30 EDT.", "UTC", false},
		{"late click in Tokyo", late, present.Reader{Zone: tokyo, Team: ny}, "already approved by Dana", "Decided by Dana on Tue 16 Jun 2026 08:30 JST.", "", false},
		{"a day in the reader's zone", again, present.Reader{Zone: tokyo, Team: ny}, "ask again from Thu 2 Jul 2026 05:00 JST.", "", "", true},
		{"a day in the team's zone", again, present.Reader{Zone: ny, Team: ny}, "ask again from Wed 1 Jul 2026 16:00 EDT.", "", "", true},
		{"internal errors keep their cause", domain.Internal(errors.New("disk on fire"), "store"), present.Reader{Zone: ny}, "Something went wrong", "", "disk", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := present.Refusal(tc.err, tc.r)
			if !strings.Contains(c.Text, tc.text) {
				t.Errorf("text %q, want it to contain %q", c.Text, tc.text)
			}
			if tc.notInText != "" && strings.Contains(c.Text, tc.notInText) {
				t.Errorf("text %q contains %q", c.Text, tc.notInText)
			}
			if tc.wantNoCtx && c.Context != "" {
				t.Errorf("context %q, want none", c.Context)
			}
			if tc.ctx != "" && c.Context != tc.ctx {
				t.Errorf("context %q, want %q", c.Context, tc.ctx)
			}
		})
	}
}

// An offer's window opens at the start of a team-zone day: a creator in
// another zone sees the hour too, so the day they read matches the refusal.
func TestSampleWindowShowsTheHourElsewhere(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	la, _ := time.LoadLocation("America/Los_Angeles")
	start := time.Date(2026, 12, 5, 0, 0, 0, 0, ny)
	o := &domain.SampleOffer{PerCreator: 1, WindowStart: start, WindowEnd: start.AddDate(0, 0, 15)}
	now := start.AddDate(0, 0, -3)
	tests := []struct {
		name string
		r    present.Reader
		want string
	}{
		{"team", present.Reader{Zone: ny, Team: ny, Now: now}, "requests from Sat 5 Dec 2026 to Sat 19 Dec 2026"},
		{"creator in LA", present.Reader{Zone: la, Team: ny, Now: now}, "requests from Fri 4 Dec 2026 21:00 PST to Sat 19 Dec 2026 20:59 PST"},
	}
	for _, tc := range tests {
		if got := present.SampleSummary(o, tc.r); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
