package domain_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// PRODUCT.md: "requested -> approved | rejected | cancelled | expired;
// approved -> shipped | cancelled; shipped -> completed | overdue;
// overdue -> completed".
var (
	sampleStates = []domain.SampleState{"requested", "approved", "rejected", "cancelled", "expired", "shipped", "completed", "overdue"}
	sampleEdges  = map[[2]domain.SampleState]bool{
		{"requested", "approved"}:  true,
		{"requested", "rejected"}:  true,
		{"requested", "cancelled"}: true,
		{"requested", "expired"}:   true,
		{"approved", "shipped"}:    true,
		{"approved", "cancelled"}:  true,
		{"shipped", "completed"}:   true,
		{"shipped", "overdue"}:     true,
		{"overdue", "completed"}:   true,
	}
	openSampleStates = map[domain.SampleState]bool{"requested": true, "approved": true, "shipped": true, "overdue": true}
)

func TestSampleTransitions(t *testing.T) {
	consts := []domain.SampleState{domain.SampleRequested, domain.SampleApproved, domain.SampleRejected, domain.SampleCancelled, domain.SampleExpired, domain.SampleShipped, domain.SampleCompleted, domain.SampleOverdue}
	for i, c := range consts {
		if c != sampleStates[i] {
			t.Errorf("state constant %q, want %q", c, sampleStates[i])
		}
	}
	if len(sampleEdges) != 9 {
		t.Fatalf("PRODUCT.md has 9 sample moves, the test table %d", len(sampleEdges))
	}
	checkMoves(t, domain.SampleMoves, sampleStates, sampleEdges, "S4", func(from, to domain.SampleState) (domain.SampleState, error) {
		s := domain.SampleRequest{ID: 4, State: from}
		err := s.To(to)
		return s.State, err
	})
}

func TestSampleOpen(t *testing.T) {
	for _, s := range sampleStates {
		if got := (domain.SampleRequest{State: s}).Open(); got != openSampleStates[s] {
			t.Errorf("Open() in %s = %v, want %v", s, got, openSampleStates[s])
		}
	}
	if got := (domain.SampleRequest{ID: 12}).Ref(); got != "S12" {
		t.Errorf("Ref() = %q", got)
	}
}

func TestSampleOfferValidate(t *testing.T) {
	o := domain.SampleOffer{Requirements: domain.Requirements{Categories: []string{" Beauty ", "SKINCARE"}}}
	noErr(t, o.Validate())
	if o.PerCreator != 1 {
		t.Errorf("PerCreator default = %d, want 1", o.PerCreator)
	}
	if o.Requirements.PostWithinDays != 14 {
		t.Errorf("PostWithinDays default = %d, want 14", o.Requirements.PostWithinDays)
	}
	if strings.Join(o.Requirements.Categories, ",") != "beauty,skincare" {
		t.Errorf("Categories = %q, want lowercased and trimmed", o.Requirements.Categories)
	}
	kept := domain.SampleOffer{PerCreator: 3, Requirements: domain.Requirements{PostWithinDays: 30}}
	noErr(t, kept.Validate())
	if kept.PerCreator != 3 || kept.Requirements.PostWithinDays != 30 {
		t.Errorf("Validate overwrote set values: %+v", kept)
	}

	start := utc(t, "2026-06-01 00:00:00")
	valid := []struct {
		name string
		o    domain.SampleOffer
	}{
		{"10 per creator", domain.SampleOffer{PerCreator: 10}},
		{"stock 1000000", domain.SampleOffer{Stock: 1_000_000}},
		{"window", domain.SampleOffer{WindowStart: start, WindowEnd: start.Add(time.Hour)}},
		{"open window", domain.SampleOffer{WindowStart: start}},
		{"post within 1", domain.SampleOffer{Requirements: domain.Requirements{PostWithinDays: 1}}},
		{"post within 90", domain.SampleOffer{Requirements: domain.Requirements{PostWithinDays: 90}}},
		{"terms 1000", domain.SampleOffer{Requirements: domain.Requirements{Terms: strings.Repeat("t", 1000)}}},
	}
	for _, tc := range valid {
		o := tc.o
		if err := o.Validate(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}

	tests := []struct {
		name  string
		o     domain.SampleOffer
		field string
		parts []string
	}{
		{"negative per creator", domain.SampleOffer{PerCreator: -1}, "samples", []string{"1 to 10"}},
		{"11 per creator", domain.SampleOffer{PerCreator: 11}, "samples", []string{"1 to 10", "11"}},
		{"negative stock", domain.SampleOffer{Stock: -1}, "stock", nil},
		{"huge stock", domain.SampleOffer{Stock: 1_000_001}, "stock", nil},
		{"window ends at start", domain.SampleOffer{WindowStart: start, WindowEnd: start}, "sample_window", []string{"end after"}},
		{"window ends before start", domain.SampleOffer{WindowStart: start, WindowEnd: start.Add(-time.Hour)}, "sample_window", nil},
		{"negative followers", domain.SampleOffer{Requirements: domain.Requirements{MinFollowers: -1}}, "min_followers", nil},
		{"negative views", domain.SampleOffer{Requirements: domain.Requirements{MinAvgViews: -1}}, "min_views", nil},
		{"negative gmv", domain.SampleOffer{Requirements: domain.Requirements{MinGMV30d: -1}}, "min_gmv", nil},
		{"negative days", domain.SampleOffer{Requirements: domain.Requirements{PostWithinDays: -1}}, "post_within_days", []string{"1 to 90"}},
		{"91 days", domain.SampleOffer{Requirements: domain.Requirements{PostWithinDays: 91}}, "post_within_days", []string{"1 to 90", "91"}},
		{"long terms", domain.SampleOffer{Requirements: domain.Requirements{Terms: strings.Repeat("t", 1001)}}, "terms", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			checkErr(t, o.Validate(), domain.KindInvalid, tc.field, tc.parts...)
		})
	}
}

func TestSampleOfferCheck(t *testing.T) {
	start := utc(t, "2026-06-01 00:00:00")
	end := utc(t, "2026-07-01 00:00:00")
	now := utc(t, "2026-06-15 12:00:00")
	offer := domain.SampleOffer{
		WindowStart: start,
		WindowEnd:   end,
		Requirements: domain.Requirements{
			MinFollowers: 10000,
			MinAvgViews:  2000,
			MinGMV30d:    50000,
			Categories:   []string{"beauty", "skincare"},
		},
	}
	good := domain.Creator{Handle: "maya_glow", Followers: 10000, AvgViews: 2000, GMV30d: 50000, Niche: "beauty"}

	tests := []struct {
		name  string
		edit  func(*domain.Creator)
		now   time.Time
		parts []string // nil: meets the offer
	}{
		{"meets every requirement", func(*domain.Creator) {}, now, nil},
		{"category instead of niche", func(c *domain.Creator) { c.Niche = "food"; c.Categories = []string{"skincare"} }, now, nil},
		{"at window start", func(*domain.Creator) {}, start, nil},
		{"last second of window", func(*domain.Creator) {}, end.Add(-time.Second), nil},
		{"too few followers", func(c *domain.Creator) { c.Followers = 9999 }, now, []string{"at least 10000 followers", "you have 9999"}},
		{"too few views", func(c *domain.Creator) { c.AvgViews = 1500 }, now, []string{"at least 2000 average video views", "you have 1500"}},
		{"too little gmv", func(c *domain.Creator) { c.GMV30d = 49999 }, now, []string{"at least 500.00 30-day GMV", "you have 499.99"}},
		{"wrong niche", func(c *domain.Creator) { c.Niche = "food" }, now, []string{"a niche in beauty, skincare"}},
		{"no niche", func(c *domain.Creator) { c.Niche = "" }, now, []string{"a niche in"}},
		{"several reasons", func(c *domain.Creator) { c.Followers = 1; c.Niche = "food" }, now, []string{"followers", "; ", "a niche in"}},
		{"before window", func(*domain.Creator) {}, start.Add(-time.Second), []string{"open on Mon 1 Jun 2026"}},
		{"at window end", func(*domain.Creator) {}, end, []string{"closed on Wed 1 Jul 2026"}},
		{"after window", func(*domain.Creator) {}, end.AddDate(0, 0, 3), []string{"closed on Wed 1 Jul 2026"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			err := offer.Check(c, tc.now)
			if tc.parts == nil {
				noErr(t, err)
				return
			}
			checkErr(t, err, domain.KindInvalid, "", tc.parts...)
		})
	}

	// An offer without requirements or window takes anyone, any time.
	if err := (domain.SampleOffer{}).Check(domain.Creator{}, now); err != nil {
		t.Errorf("empty offer: %v", err)
	}
	// A creator with no niche is not taken as a match for an empty category.
	o := domain.SampleOffer{Requirements: domain.Requirements{Categories: []string{""}}}
	if err := o.Check(domain.Creator{}, now); err == nil {
		t.Error("empty category matched a creator without niche")
	}
}

func TestParseRejectReason(t *testing.T) {
	labels := map[string]string{
		"not_match":    "Not a match for this product",
		"out_of_stock": "Out of stock",
		"offline":      "Product is offline",
		"other":        "Other",
	}
	for s, label := range labels {
		r, err := domain.ParseRejectReason(s)
		noErr(t, err)
		if string(r) != s || r.Label() != label {
			t.Errorf("ParseRejectReason(%q) = %q labelled %q", s, r, r.Label())
		}
	}
	for _, s := range []string{"", "Other", "not match", "spam"} {
		_, err := domain.ParseRejectReason(s)
		checkErr(t, err, domain.KindInvalid, "reason", "not_match, out_of_stock, offline, other")
	}
}

func TestSampleDecideOnce(t *testing.T) {
	now := utc(t, "2026-06-15 12:00:00")
	later := now.Add(time.Minute)

	t.Run("approve", func(t *testing.T) {
		s := domain.SampleRequest{ID: 5, State: domain.SampleRequested, RequestedAt: now.Add(-time.Hour)}
		noErr(t, s.Approve("Dana", now))
		if s.State != domain.SampleApproved || s.DecidedBy != "Dana" || !s.DecidedAt.Equal(now) || !s.Decided() {
			t.Fatalf("after Approve: %+v", s)
		}
		late := s.Approve("Lee", later)
		checkErr(t, late, domain.KindConflict, "", "S5", "already approved", "Dana")
		// The moment is carried, not written into the message: each
		// surface shows it in its reader's zone.
		if d := domain.ErrorDecision(late); d == nil || !d.At.Equal(now) || d.By != "Dana" || d.Outcome != "approved" {
			t.Errorf("decision carried = %+v, want Dana approved at %v", d, now)
		}
		if strings.Contains(domain.ErrorMessage(late), "12:00") {
			t.Errorf("message %q names a time in no reader's zone", domain.ErrorMessage(late))
		}
		checkErr(t, s.Reject("Lee", domain.RejectNotMatch, "", later), domain.KindConflict, "", "already approved", "Dana")
		if s.State != domain.SampleApproved || s.DecidedBy != "Dana" || !s.DecidedAt.Equal(now) || s.RejectReason != "" {
			t.Errorf("second decision changed the request: %+v", s)
		}
		// Still named after shipping.
		noErr(t, s.Ship("1Z999", later))
		checkErr(t, s.Approve("Lee", later), domain.KindConflict, "", "already approved", "Dana")
	})
	t.Run("reject", func(t *testing.T) {
		s := domain.SampleRequest{ID: 6, State: domain.SampleRequested}
		noErr(t, s.Reject("Dana", domain.RejectOutOfStock, "  back in July ", now))
		if s.State != domain.SampleRejected || s.DecidedBy != "Dana" || s.RejectReason != domain.RejectOutOfStock || s.RejectNote != "back in July" || !s.DecidedAt.Equal(now) {
			t.Fatalf("after Reject: %+v", s)
		}
		checkErr(t, s.Approve("Lee", later), domain.KindConflict, "", "S6", "already rejected", "Dana")
		checkErr(t, s.Reject("Lee", domain.RejectNotMatch, "", later), domain.KindConflict, "", "already rejected", "Dana")
		if s.State != domain.SampleRejected || s.DecidedBy != "Dana" || s.RejectReason != domain.RejectOutOfStock {
			t.Errorf("second decision changed the request: %+v", s)
		}
	})
	t.Run("other needs a note", func(t *testing.T) {
		for _, note := range []string{"", "   "} {
			s := domain.SampleRequest{ID: 7, State: domain.SampleRequested}
			checkErr(t, s.Reject("Dana", domain.RejectOther, note, now), domain.KindInvalid, "note", "other", "note")
			if s.State != domain.SampleRequested || s.Decided() {
				t.Errorf("refused rejection changed the request: %+v", s)
			}
		}
		s := domain.SampleRequest{ID: 7, State: domain.SampleRequested}
		noErr(t, s.Reject("Dana", domain.RejectOther, "already has the product", now))
		if s.RejectNote != "already has the product" {
			t.Errorf("RejectNote = %q", s.RejectNote)
		}
	})
	t.Run("note too long", func(t *testing.T) {
		s := domain.SampleRequest{ID: 8, State: domain.SampleRequested}
		checkErr(t, s.Reject("Dana", domain.RejectNotMatch, strings.Repeat("n", 501), now), domain.KindInvalid, "note", "500")
		if s.State != domain.SampleRequested {
			t.Errorf("State = %q", s.State)
		}
	})
	t.Run("undecided closed requests", func(t *testing.T) {
		for _, st := range []domain.SampleState{domain.SampleCancelled, domain.SampleExpired} {
			s := domain.SampleRequest{ID: 9, State: st}
			checkErr(t, s.Approve("Dana", now), domain.KindConflict, "", string(st), "approved")
			checkErr(t, s.Reject("Dana", domain.RejectOffline, "", now), domain.KindConflict, "", string(st), "rejected")
			if s.Decided() {
				t.Errorf("%s request recorded a decision", st)
			}
		}
	})
}

func TestSampleShip(t *testing.T) {
	now := utc(t, "2026-06-15 12:00:00")
	tests := []struct {
		name string
		days int
		want time.Time
	}{
		{"default 14 days", 0, utc(t, "2026-06-29 12:00:00")},
		{"offer's 30 days", 30, utc(t, "2026-07-15 12:00:00")},
		{"1 day", 1, utc(t, "2026-06-16 12:00:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := domain.SampleRequest{ID: 1, State: domain.SampleApproved, PostWithinDays: tc.days}
			noErr(t, s.Ship("  1Z999AA10123456784 ", now))
			if s.State != domain.SampleShipped || !s.ShippedAt.Equal(now) || s.Tracking != "1Z999AA10123456784" {
				t.Errorf("after Ship: %+v", s)
			}
			if !s.DueAt.Equal(tc.want) {
				t.Errorf("DueAt = %v, want %v", s.DueAt, tc.want)
			}
		})
	}
	s := domain.SampleRequest{ID: 1, State: domain.SampleApproved}
	checkErr(t, s.Ship(strings.Repeat("1", 101), now), domain.KindInvalid, "tracking", "100")
	if s.State != domain.SampleApproved {
		t.Errorf("State = %q after a refused Ship", s.State)
	}
	for _, st := range []domain.SampleState{domain.SampleRequested, domain.SampleShipped, domain.SampleRejected, domain.SampleCompleted} {
		s := domain.SampleRequest{ID: 2, State: st}
		checkErr(t, s.Ship("", now), domain.KindConflict, "", "S2", "shipped")
		if !s.ShippedAt.IsZero() || !s.DueAt.IsZero() {
			t.Errorf("refused Ship from %s set dates: %+v", st, s)
		}
	}
}

// A refused step says where the request stands and what would allow it.
func TestSampleRefusalIsWordedForPeople(t *testing.T) {
	s := domain.SampleRequest{ID: 1, State: domain.SampleRequested}
	checkErr(t, s.Ship("", utc(t, "2026-06-20 12:00:00")), domain.KindConflict, "",
		"Sample request S1 is waiting for a manager's decision; it can be shipped once a manager approves it.")
}

func TestSampleComplete(t *testing.T) {
	now := utc(t, "2026-06-20 12:00:00")
	link := "https://www.tiktok.com/@maya_glow/video/7301234567890123456"
	for _, st := range []domain.SampleState{domain.SampleShipped, domain.SampleOverdue} {
		s := domain.SampleRequest{ID: 3, State: st}
		noErr(t, s.Complete(link, now))
		if s.State != domain.SampleCompleted || s.ContentURL != link || !s.CompletedAt.Equal(now) {
			t.Errorf("Complete from %s: %+v", st, s)
		}
	}
	for _, st := range []domain.SampleState{domain.SampleRequested, domain.SampleApproved, domain.SampleCompleted, domain.SampleCancelled} {
		s := domain.SampleRequest{ID: 3, State: st}
		checkErr(t, s.Complete(link, now), domain.KindConflict, "", "S3")
		if s.ContentURL != "" || !s.CompletedAt.IsZero() {
			t.Errorf("refused Complete from %s recorded the link", st)
		}
	}
}

func TestSampleExtend(t *testing.T) {
	now := utc(t, "2026-06-20 12:00:00")
	tests := []struct {
		name    string
		state   domain.SampleState
		due     time.Time
		wantDue time.Time // zero: refused
		parts   []string
	}{
		{"due in 3 days exactly", domain.SampleShipped, now.Add(72 * time.Hour), now.Add(72*time.Hour).AddDate(0, 0, 7), nil},
		{"due in 1 day", domain.SampleShipped, now.Add(24 * time.Hour), now.Add(24*time.Hour).AddDate(0, 0, 7), nil},
		{"due now", domain.SampleShipped, now, now.AddDate(0, 0, 7), nil},
		{"shipped but past due", domain.SampleShipped, now.Add(-24 * time.Hour), now.Add(-24*time.Hour).AddDate(0, 0, 7), nil},
		{"overdue by 2 days", domain.SampleOverdue, now.AddDate(0, 0, -2), now.AddDate(0, 0, 5), nil},
		{"overdue by 7 days", domain.SampleOverdue, now.AddDate(0, 0, -7), now.AddDate(0, 0, 7), nil},
		{"overdue by 20 days", domain.SampleOverdue, now.AddDate(0, 0, -20), now.AddDate(0, 0, 7), nil},
		{"due in 3 days and a second", domain.SampleShipped, now.Add(72*time.Hour + time.Second), time.Time{}, []string{"within 3 days", "due Tue 23 Jun 2026"}},
		{"due in 10 days", domain.SampleShipped, now.AddDate(0, 0, 10), time.Time{}, []string{"within 3 days", "due Tue 30 Jun 2026"}},
		{"approved", domain.SampleApproved, time.Time{}, time.Time{}, []string{"approved", "only shipped"}},
		{"requested", domain.SampleRequested, time.Time{}, time.Time{}, []string{"requested"}},
		{"completed", domain.SampleCompleted, now, time.Time{}, []string{"completed"}},
		{"cancelled", domain.SampleCancelled, now, time.Time{}, []string{"cancelled"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := domain.SampleRequest{ID: 11, State: tc.state, DueAt: tc.due}
			err := s.Extend(now)
			if tc.wantDue.IsZero() {
				checkErr(t, err, domain.KindConflict, "", append([]string{"S11"}, tc.parts...)...)
				if s.Extended || !s.DueAt.Equal(tc.due) || s.State != tc.state {
					t.Errorf("refused Extend changed the request: %+v", s)
				}
				return
			}
			noErr(t, err)
			if !s.Extended {
				t.Error("Extended not set")
			}
			if s.State != domain.SampleShipped {
				t.Errorf("State = %q, want shipped", s.State)
			}
			if !s.DueAt.Equal(tc.wantDue) || !s.DueAt.After(now) || !s.DueAt.After(tc.due) {
				t.Errorf("DueAt = %v, want %v (after now and the old due date)", s.DueAt, tc.wantDue)
			}
			// Only once.
			checkErr(t, s.Extend(now), domain.KindConflict, "", "S11", "already extended")
			if !s.DueAt.Equal(tc.wantDue) {
				t.Errorf("second Extend moved DueAt to %v", s.DueAt)
			}
		})
	}
	s := domain.SampleRequest{ID: 12, State: domain.SampleOverdue, DueAt: now.AddDate(0, 0, -1), Extended: true}
	checkErr(t, s.Extend(now), domain.KindConflict, "", "only one extension")
	if s.State != domain.SampleOverdue {
		t.Errorf("State = %q", s.State)
	}
}

func TestSampleExpiresAt(t *testing.T) {
	req := utc(t, "2026-06-15 09:30:00")
	s := domain.SampleRequest{RequestedAt: req}
	if got, want := s.ExpiresAt(), utc(t, "2026-06-22 09:30:00"); !got.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", got, want)
	}
}

func TestCanRequestAgain(t *testing.T) {
	decided := utc(t, "2026-06-01 10:00:00")
	now := utc(t, "2026-06-15 12:00:00")
	again := decided.Add(30 * 24 * time.Hour)
	rejected := domain.SampleRequest{ID: 21, State: domain.SampleRejected, DecidedAt: decided, RejectReason: domain.RejectNotMatch}
	req := func(id int64, st domain.SampleState) domain.SampleRequest {
		return domain.SampleRequest{ID: id, State: st, DecidedAt: decided}
	}
	tests := []struct {
		name    string
		earlier []domain.SampleRequest
		now     time.Time
		parts   []string // nil: allowed
	}{
		{"first request", nil, now, nil},
		{"requested blocks", []domain.SampleRequest{req(20, domain.SampleRequested)}, now, []string{"S20", "requested"}},
		{"approved blocks", []domain.SampleRequest{req(20, domain.SampleApproved)}, now, []string{"S20", "approved"}},
		{"shipped blocks", []domain.SampleRequest{req(20, domain.SampleShipped)}, now, []string{"S20", "shipped"}},
		{"overdue blocks", []domain.SampleRequest{req(20, domain.SampleOverdue)}, now, []string{"S20", "overdue"}},
		{"rejected yesterday", []domain.SampleRequest{rejected}, decided.Add(24 * time.Hour), []string{"S21", "rejected", "from Wed 1 Jul 2026"}},
		{"rejected 30 days minus a second", []domain.SampleRequest{rejected}, again.Add(-time.Second), []string{"S21", "from Wed 1 Jul 2026"}},
		{"rejected 30 days ago", []domain.SampleRequest{rejected}, again, nil},
		{"rejected long ago", []domain.SampleRequest{rejected}, again.AddDate(1, 0, 0), nil},
		{"completed", []domain.SampleRequest{req(22, domain.SampleCompleted)}, now, nil},
		{"cancelled", []domain.SampleRequest{req(23, domain.SampleCancelled)}, now, nil},
		{"expired", []domain.SampleRequest{req(24, domain.SampleExpired)}, now, nil},
		{"closed ones then open one", []domain.SampleRequest{req(22, domain.SampleCompleted), req(23, domain.SampleCancelled), req(25, domain.SampleShipped)}, now, []string{"S25"}},
		{"closed ones then recent rejection", []domain.SampleRequest{req(24, domain.SampleExpired), rejected}, now, []string{"S21"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := domain.CanRequestAgain(tc.earlier, tc.now)
			if tc.parts == nil {
				noErr(t, err)
				return
			}
			checkErr(t, err, domain.KindConflict, "", tc.parts...)
		})
	}
}

func TestSampleConstants(t *testing.T) {
	if domain.DefaultPostWithinDays != 14 || domain.DecisionWindow != 7*24*time.Hour ||
		domain.RetryAfterRejection != 30*24*time.Hour || domain.ExtensionDays != 7 || domain.DueSoon != 3*24*time.Hour {
		t.Error("sample rule constants differ from PRODUCT.md")
	}
	want := []domain.RejectReason{"not_match", "out_of_stock", "offline", "other"}
	if fmt.Sprint(domain.RejectReasons) != fmt.Sprint(want) {
		t.Errorf("RejectReasons = %v, want %v", domain.RejectReasons, want)
	}
}

func TestDatedMessageReadsInTheReadersZone(t *testing.T) {
	// Rejected at 20:00 UTC on 1 June: 30 days later is 1 July in UTC but
	// already 2 July in Tokyo.
	rejected := domain.SampleRequest{ID: 21, State: domain.SampleRejected, DecidedAt: utc(t, "2026-06-01 20:00:00"), RejectReason: domain.RejectNotMatch}
	err := domain.CanRequestAgain([]domain.SampleRequest{rejected}, utc(t, "2026-06-02 00:00:00"))
	tokyo, lerr := time.LoadLocation("Asia/Tokyo")
	noErr(t, lerr)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"plain message in UTC", domain.ErrorMessage(err), "ask again from Wed 1 Jul 2026 20:00 UTC."},
		{"in Tokyo", domain.ErrorMessageIn(err, func(d time.Time, moment bool) string { return d.In(tokyo).Format(domain.DayFormat + " 15:04") }), "ask again from Thu 2 Jul 2026 05:00."},
		{"no day to format", domain.ErrorMessageIn(domain.Errorf(domain.KindConflict, "plain"), func(time.Time, bool) string { return "X" }), "plain"},
	}
	for _, tc := range tests {
		if !strings.HasSuffix(tc.got, tc.want) {
			t.Errorf("%s: %q, want it to end %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestRequirementsWordedForWhoReads(t *testing.T) {
	r := domain.Requirements{MinFollowers: 1000}
	tests := []struct {
		name string
		got  []string
		want string
	}{
		{"to the creator", r.Unmet(domain.Creator{Followers: 800}), "at least 1000 followers (you have 800)"},
		{"to the creator, no count", r.Unmet(domain.Creator{}), "at least 1000 followers (your count is not on file)"},
		{"to the team", r.Lacks(domain.Creator{Followers: 800}), "at least 1000 followers (has 800)"},
		{"to the team, no count", r.Lacks(domain.Creator{}), "at least 1000 followers (count not known)"},
	}
	for _, tc := range tests {
		if len(tc.got) != 1 || tc.got[0] != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
