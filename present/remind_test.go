package present_test

import (
	"bytes"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

func cardWords(c present.Card) string {
	parts := []string{c.Title, c.Text, c.Context}
	for _, f := range c.Fields {
		parts = append(parts, f.Label+": "+f.Value)
	}
	for _, s := range c.Sections {
		parts = append(parts, s.Title, s.Text)
	}
	return strings.Join(parts, "\n")
}

func actions(c present.Card) []string {
	var out []string
	for _, b := range c.AllButtons() {
		out = append(out, b.Action)
	}
	return out
}

func TestReminderCards(t *testing.T) {
	at := time.Date(2026, 5, 9, 9, 0, 0, 0, time.UTC)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	team := present.Reader{Zone: time.UTC, Team: time.UTC}
	rows := func(n int) []domain.RemindRow {
		var out []domain.RemindRow
		for i := range n {
			out = append(out, domain.RemindRow{Creator: "@maya_glow", Product: domain.Product{ID: "P100", Title: "Glow Serum"},
				Sample: domain.SampleRequest{ID: int64(i + 1), State: domain.SampleRequested, RequestedAt: at.AddDate(0, 0, -2), DecidedBy: "U1", DeciderName: "erin", DecidedAt: at.AddDate(0, 0, -3), DueAt: at.AddDate(0, 0, -1)}})
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		n       domain.Notice
		r       present.Reader
		words   []string
		actions []string
	}{
		{"nudge", domain.Notice{Kind: domain.NoticeRemindNudge, At: at, Creator: &domain.Creator{Handle: "maya_glow"},
			Invitation:    &domain.Invitation{ID: 3, Rate: 1500, State: domain.InvitationPending, ExpiresAt: time.Date(2026, 5, 20, 23, 59, 59, 0, time.UTC)},
			Collaboration: &domain.Collaboration{Name: "Spring", Sample: &domain.SampleOffer{PerCreator: 1}}, Products: []domain.Product{{ID: "P100", Title: "Glow Serum"}},
			Remind: &domain.Reminder{Nudge: 1, NudgeMax: 2}}, present.Reader{Zone: tokyo, Team: time.UTC},
			[]string{"Reminder: invitation I3: Spring", "open until Thu 21 May 2026 08:59 JST", "Reminder 1 of 2", "15%"},
			[]string{"accept:3", "decline:3", "request-sample:3"}},
		{"approvals", domain.Notice{Kind: domain.NoticeRemindApprovals, At: at, Remind: &domain.Reminder{Rows: rows(2)}}, team,
			[]string{"2 sample requests wait for a decision", "S1: @maya_glow asks for P100 Glow Serum", "Requested Thu 7 May 2026"},
			[]string{"approve:1", "reject:1", "approve:2", "reject:2"}},
		{"one approval", domain.Notice{Kind: domain.NoticeRemindApprovals, At: at, Remind: &domain.Reminder{Rows: rows(1)}}, team,
			[]string{"1 sample request waits for a decision"}, []string{"approve:1", "reject:1"}},
		{"shipping with more", domain.Notice{Kind: domain.NoticeRemindShipping, At: at, Remind: &domain.Reminder{Rows: rows(20), More: 5}}, team,
			[]string{"25 approved samples are not shipped yet", "S1: P100 Glow Serum for @maya_glow", "Approved by erin Wed 6 May 2026", "5 more not shown"}, shipButtons(20)},
		{"overdue", domain.Notice{Kind: domain.NoticeRemindOverdue, At: at, Remind: &domain.Reminder{Rows: rows(1)}}, team,
			[]string{"1 sample is still overdue", "S1: @maya_glow, P100 Glow Serum", "Content was due Fri 8 May 2026", "extend"}, nil},
		{"content first notice", domain.Notice{Kind: domain.NoticeRemindContent, At: at, Sample: &domain.SampleRequest{ID: 4, DueAt: at.AddDate(0, 0, 3)},
			Product: &domain.Product{ID: "P100", Title: "Glow Serum"}, Remind: &domain.Reminder{DaysLeft: 3}}, team,
			[]string{"Your content for sample S4 is due in 3 days", "by Tue 12 May 2026"}, []string{"submit-content:4"}},
		{"content last call", domain.Notice{Kind: domain.NoticeRemindContent, At: at, Sample: &domain.SampleRequest{ID: 4, DueAt: at.AddDate(0, 0, 1)},
			Product: &domain.Product{ID: "P100", Title: "Glow Serum"}, Remind: &domain.Reminder{DaysLeft: 1}}, team,
			[]string{"Last call: Your content for sample S4 is due tomorrow"}, []string{"submit-content:4"}},
		{"plan ends", domain.Notice{Kind: domain.NoticeRemindPlanEnds, At: at, Plan: &domain.Plan{ID: 2, Name: "Spring", EndsAt: at.AddDate(0, 0, 2)}, Remind: &domain.Reminder{DaysLeft: 2}}, team,
			[]string{`Plan PL2 "Spring" ends in 2 days`, "until Mon 11 May 2026 09:00 UTC."}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := present.Notice(tc.n, tc.r)
			words := cardWords(c)
			for _, w := range tc.words {
				if !strings.Contains(words, w) {
					t.Errorf("card lacks %q:\n%s", w, words)
				}
			}
			if got := strings.Join(actions(c), " "); got != strings.Join(tc.actions, " ") {
				t.Errorf("buttons %q, want %q", got, tc.actions)
			}
		})
	}
}

// The digest says its numbers in words and fields and carries the chart.
func TestDigestCard(t *testing.T) {
	from := time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC)
	d := &domain.Digest{
		This: domain.Funnel{From: from, To: from.AddDate(0, 0, 7), Invited: 40, Accepted: 18, Sampled: 9, Shipped: 7, Posted: 3},
		Last: domain.Funnel{From: from.AddDate(0, 0, -7), To: from, Invited: 32, Accepted: 18, Sampled: 6, Shipped: 6, Posted: 5},
	}
	c := present.Notice(domain.Notice{Kind: domain.NoticeDigest, At: from.AddDate(0, 0, 7).Add(9 * time.Hour), Remind: &domain.Reminder{Digest: d}}, present.Reader{Zone: time.UTC, Team: time.UTC})
	words := cardWords(c)
	for _, w := range []string{
		"Weekly funnel: the week from Mon 11 May 2026",
		"Mon 11 May 2026 to Sun 17 May 2026: 40 invited, 18 accepted, 9 sampled, 7 shipped, 3 posted.",
		"The week before: 32 invited, 18 accepted, 6 sampled, 6 shipped, 5 posted.",
		"Invited: 40 (week before: 32, +8)", "Accepted: 18 (week before: 18, same)", "Posted: 3 (week before: 5, -2)",
		"45% of this week's invitations were accepted",
	} {
		if !strings.Contains(words, w) {
			t.Errorf("digest lacks %q:\n%s", w, words)
		}
	}
	if c.Image == nil {
		t.Fatal("digest has no chart")
	}
	if c.Image.Name != "funnel-2026-05-11.png" || c.Image.Alt != c.Text || c.Image.Title == "" {
		t.Errorf("image = %q %q %q", c.Image.Name, c.Image.Title, c.Image.Alt)
	}
	if _, err := png.Decode(bytes.NewReader(c.Image.PNG)); err != nil {
		t.Errorf("chart is not a PNG: %v", err)
	}
}

func shipButtons(n int) []string {
	var out []string
	for i := range n {
		out = append(out, "ship:"+strconv.Itoa(i+1))
	}
	return out
}
