package domain_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// PRODUCT.md: "Invitation states: pending -> accepted | declined | expired | withdrawn".
var (
	invitationStates = []domain.InvitationState{"pending", "accepted", "declined", "expired", "withdrawn"}
	invitationEdges  = map[[2]domain.InvitationState]bool{
		{"pending", "accepted"}:  true,
		{"pending", "declined"}:  true,
		{"pending", "expired"}:   true,
		{"pending", "withdrawn"}: true,
	}
)

func TestInvitationStateConstants(t *testing.T) {
	got := []domain.InvitationState{domain.InvitationPending, domain.InvitationAccepted, domain.InvitationDeclined, domain.InvitationExpired, domain.InvitationWithdrawn}
	for i := range got {
		if got[i] != invitationStates[i] {
			t.Errorf("state constant %q, want %q", got[i], invitationStates[i])
		}
	}
	// The domain's table mentions no state PRODUCT.md does not list.
	known := map[domain.InvitationState]bool{}
	for _, s := range invitationStates {
		known[s] = true
	}
	for from, tos := range domain.InvitationMoves {
		for _, to := range append([]domain.InvitationState{from}, tos...) {
			if !known[to] {
				t.Errorf("InvitationMoves mentions unknown state %q", to)
			}
		}
	}
}

func TestInvitationTransitions(t *testing.T) {
	now := utc(t, "2026-05-12 15:00:00")
	allowed := 0
	for _, from := range invitationStates {
		for _, to := range invitationStates {
			want := invitationEdges[[2]domain.InvitationState{from, to}]
			t.Run(fmt.Sprintf("%s->%s", from, to), func(t *testing.T) {
				inv := domain.Invitation{ID: 12, State: from}
				if got := domain.CanMove(from, to, domain.InvitationMoves); got != want {
					t.Errorf("CanMove = %v, want %v", got, want)
				}
				err := inv.To(to, now)
				if !want {
					checkErr(t, err, domain.KindConflict, "", "I12", string(from), string(to))
					if inv.State != from || !inv.RespondedAt.IsZero() {
						t.Errorf("refused move changed the invitation: %+v", inv)
					}
					return
				}
				noErr(t, err)
				if inv.State != to {
					t.Errorf("State = %q, want %q", inv.State, to)
				}
				// accepting or declining is an answer; expiry and withdrawal are not.
				answered := to == "accepted" || to == "declined"
				if answered && !inv.RespondedAt.Equal(now) {
					t.Errorf("RespondedAt = %v, want %v", inv.RespondedAt, now)
				}
				if !answered && !inv.RespondedAt.IsZero() {
					t.Errorf("RespondedAt = %v, want zero for %s", inv.RespondedAt, to)
				}
			})
			if want {
				allowed++
			}
		}
	}
	if allowed != 4 {
		t.Errorf("%d allowed moves, PRODUCT.md has 4", allowed)
	}
}

func TestInvitationDecline(t *testing.T) {
	now := utc(t, "2026-05-12 15:00:00")
	inv := domain.Invitation{ID: 3, State: domain.InvitationPending}
	noErr(t, inv.Decline("  not my niche  ", now))
	if inv.State != domain.InvitationDeclined || inv.DeclineReason != "not my niche" || !inv.RespondedAt.Equal(now) {
		t.Errorf("after Decline: %+v", inv)
	}
	checkErr(t, inv.Decline("again", now), domain.KindConflict, "", "I3", "declined")
	if inv.DeclineReason != "not my niche" {
		t.Errorf("a refused Decline overwrote the reason: %q", inv.DeclineReason)
	}

	inv = domain.Invitation{ID: 4, State: domain.InvitationPending}
	checkErr(t, inv.Decline(strings.Repeat("r", 501), now), domain.KindInvalid, "reason", "500")
	if inv.State != domain.InvitationPending {
		t.Errorf("a too long reason still declined: %q", inv.State)
	}
	noErr(t, inv.Decline(strings.Repeat("r", 500), now))

	acc := domain.Invitation{ID: 5, State: domain.InvitationAccepted}
	checkErr(t, acc.Decline("changed my mind", now), domain.KindConflict, "", "accepted", "declined")
}

func TestInvitationRefOpen(t *testing.T) {
	if got := (domain.Invitation{ID: 12}).Ref(); got != "I12" {
		t.Errorf("Ref() = %q", got)
	}
	for _, s := range invitationStates {
		if got, want := (domain.Invitation{State: s}).Open(), s == "pending"; got != want {
			t.Errorf("Open() in %s = %v, want %v", s, got, want)
		}
	}
}

func TestNextMidnight(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	tokyo := loadLoc(t, "Asia/Tokyo")
	tests := []struct {
		name string
		now  time.Time
		loc  *time.Location
		want time.Time // as a UTC instant, computed by hand
	}{
		{"new york afternoon", utc(t, "2026-05-12 19:00:00"), ny, utc(t, "2026-05-13 04:00:00")},
		{"new york just after midnight", at(t, ny, "2026-05-12 00:00:00"), ny, utc(t, "2026-05-13 04:00:00")},
		{"new york one second before midnight", at(t, ny, "2026-05-12 23:59:59"), ny, utc(t, "2026-05-13 04:00:00")},
		// 03:30 UTC on the 13th is still the 12th in New York.
		{"utc next day is ny same day", utc(t, "2026-05-13 03:30:00"), ny, utc(t, "2026-05-13 04:00:00")},
		{"tokyo", utc(t, "2026-05-12 19:00:00"), tokyo, utc(t, "2026-05-13 15:00:00")},
		{"tokyo after its midnight", utc(t, "2026-05-12 15:30:00"), tokyo, utc(t, "2026-05-13 15:00:00")},
		{"month end", at(t, ny, "2026-01-31 12:00:00"), ny, utc(t, "2026-02-01 05:00:00")},
		{"year end", at(t, tokyo, "2026-12-31 23:00:00"), tokyo, utc(t, "2026-12-31 15:00:00")},
		// 2026-03-08: New York springs forward at 02:00 EST to 03:00 EDT.
		{"eve of dst, est", at(t, ny, "2026-03-07 23:30:00"), ny, utc(t, "2026-03-08 05:00:00")},
		{"dst day before the change", at(t, ny, "2026-03-08 01:30:00"), ny, utc(t, "2026-03-09 04:00:00")},
		{"dst day after the change", at(t, ny, "2026-03-08 10:00:00"), ny, utc(t, "2026-03-09 04:00:00")},
		// 2026-11-01: New York falls back at 02:00 EDT to 01:00 EST.
		{"fall back day", at(t, ny, "2026-11-01 00:30:00"), ny, utc(t, "2026-11-02 05:00:00")},
		{"nil zone is utc", utc(t, "2026-05-12 19:00:00"), nil, utc(t, "2026-05-13 00:00:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := domain.NextMidnight(tc.now, tc.loc)
			if !got.Equal(tc.want) {
				t.Errorf("NextMidnight(%v) = %v, want %v", tc.now, got.UTC(), tc.want)
			}
			loc := tc.loc
			if loc == nil {
				loc = time.UTC
			}
			if l := got.In(loc); l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 || l.Nanosecond() != 0 {
				t.Errorf("NextMidnight = %v, not 00:00 in %v", l, loc)
			}
			if !got.After(tc.now) || got.Sub(tc.now) > 25*time.Hour {
				t.Errorf("NextMidnight is %v after now", got.Sub(tc.now))
			}
		})
	}
	// The DST day in New York is 23 hours long.
	if d := domain.NextMidnight(at(t, ny, "2026-03-08 00:00:00"), ny).Sub(at(t, ny, "2026-03-08 00:00:00")); d != 23*time.Hour {
		t.Errorf("2026-03-08 in New York lasts %v, want 23h", d)
	}
}

// In zones whose DST starts at midnight, 00:00 does not exist that day: the
// day starts at 01:00. time.Date then picks 23:00 of the day before, so the
// "next midnight" lies in the past and a lowered rate applies at once.
func TestNextMidnightWhenMidnightIsSkipped(t *testing.T) {
	santiago := loadLoc(t, "America/Santiago")
	havana := loadLoc(t, "America/Havana")
	tests := []struct {
		name string
		now  time.Time
		loc  *time.Location
		want time.Time // the first instant of the next local day
	}{
		{"santiago", at(t, santiago, "2026-09-05 23:30:00"), santiago, utc(t, "2026-09-06 04:00:00")},
		{"santiago noon", at(t, santiago, "2026-09-05 12:00:00"), santiago, utc(t, "2026-09-06 04:00:00")},
		{"havana", at(t, havana, "2026-03-07 23:30:00"), havana, utc(t, "2026-03-08 05:00:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := domain.NextMidnight(tc.now, tc.loc)
			if !got.Equal(tc.want) {
				t.Errorf("NextMidnight(%v) = %v, want %v", tc.now, got.In(tc.loc), tc.want.In(tc.loc))
			}
			inv := domain.Invitation{ID: 1, State: domain.InvitationAccepted, Rate: 1500}
			if _, err := inv.ChangeRate(1000, tc.now, tc.loc); err != nil {
				t.Fatal(err)
			}
			if r := inv.EffectiveRate(tc.now); r != 1500 {
				t.Errorf("lowered rate applies at once: EffectiveRate(now) = %s, want 15%%", r)
			}
		})
	}
	// The week of Sunday 2026-09-06 in Santiago starts that Sunday, not on Saturday 23:00.
	sun := at(t, santiago, "2026-09-06 12:00:00")
	if ws := domain.WeekStart(sun, santiago); !ws.Equal(utc(t, "2026-09-06 04:00:00")) || ws.In(santiago).Weekday() != time.Sunday {
		t.Errorf("WeekStart(%v) = %v, want Sunday 2026-09-06 01:00 -03", sun, ws.In(santiago))
	}
}

func TestWeekStart(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	tokyo := loadLoc(t, "Asia/Tokyo")
	tests := []struct {
		name string
		now  time.Time
		loc  *time.Location
		want time.Time
	}{
		{"sunday midnight itself", at(t, ny, "2026-05-10 00:00:00"), ny, utc(t, "2026-05-10 04:00:00")},
		{"sunday evening", at(t, ny, "2026-05-10 21:00:00"), ny, utc(t, "2026-05-10 04:00:00")},
		{"wednesday", at(t, ny, "2026-05-13 09:00:00"), ny, utc(t, "2026-05-10 04:00:00")},
		{"saturday last second", at(t, ny, "2026-05-16 23:59:59"), ny, utc(t, "2026-05-10 04:00:00")},
		{"next sunday", at(t, ny, "2026-05-17 00:00:00"), ny, utc(t, "2026-05-17 04:00:00")},
		// The same instant is Saturday evening in New York and Sunday noon in Tokyo.
		{"saturday in new york", utc(t, "2026-05-17 03:00:00"), ny, utc(t, "2026-05-10 04:00:00")},
		{"sunday in tokyo", utc(t, "2026-05-17 03:00:00"), tokyo, utc(t, "2026-05-16 15:00:00")},
		{"across a month", at(t, tokyo, "2026-07-02 08:00:00"), tokyo, utc(t, "2026-06-27 15:00:00")},
		// DST week: Sunday 2026-03-08 00:00 is still EST in New York.
		{"dst week", at(t, ny, "2026-03-10 12:00:00"), ny, utc(t, "2026-03-08 05:00:00")},
		{"week before dst", at(t, ny, "2026-03-07 12:00:00"), ny, utc(t, "2026-03-01 05:00:00")},
		{"fall back week", at(t, ny, "2026-11-04 12:00:00"), ny, utc(t, "2026-11-01 04:00:00")},
		{"nil zone is utc", utc(t, "2026-05-13 09:00:00"), nil, utc(t, "2026-05-10 00:00:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := domain.WeekStart(tc.now, tc.loc)
			if !got.Equal(tc.want) {
				t.Errorf("WeekStart(%v) = %v, want %v", tc.now, got.UTC(), tc.want)
			}
			loc := tc.loc
			if loc == nil {
				loc = time.UTC
			}
			if l := got.In(loc); l.Weekday() != time.Sunday || l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 {
				t.Errorf("WeekStart = %v, not Sunday 00:00 in %v", l, loc)
			}
			if got.After(tc.now) || tc.now.Sub(got) >= 7*24*time.Hour+time.Hour {
				t.Errorf("WeekStart %v does not start the week of %v", got, tc.now)
			}
		})
	}
}

func TestChangeRate(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	tokyo := loadLoc(t, "Asia/Tokyo")
	now := utc(t, "2026-05-12 19:00:00") // 15:00 in New York, 04:00 on the 13th in Tokyo
	nyMidnight := utc(t, "2026-05-13 04:00:00")
	tokyoMidnight := utc(t, "2026-05-13 15:00:00")

	type want struct {
		immediate   bool
		rate        domain.Rate
		pending     domain.Rate
		pendingFrom time.Time
	}
	tests := []struct {
		name string
		inv  domain.Invitation
		r    domain.Rate
		now  time.Time
		loc  *time.Location
		want want
	}{
		{"raise applies at once", domain.Invitation{State: "pending", Rate: 1500}, 2000, now, ny, want{true, 2000, 0, time.Time{}}},
		{"raise on accepted", domain.Invitation{State: "accepted", Rate: 1500}, 1501, now, ny, want{true, 1501, 0, time.Time{}}},
		{"lower waits for ny midnight", domain.Invitation{State: "pending", Rate: 1500}, 1000, now, ny, want{false, 1500, 1000, nyMidnight}},
		{"lower waits for tokyo midnight", domain.Invitation{State: "accepted", Rate: 1500}, 1000, now, tokyo, want{false, 1500, 1000, tokyoMidnight}},
		{"lower with nil zone", domain.Invitation{State: "accepted", Rate: 1500}, 1499, now, nil, want{false, 1500, 1499, utc(t, "2026-05-13 00:00:00")}},
		{"lower on dst day", domain.Invitation{State: "accepted", Rate: 1500}, 1000, at(t, ny, "2026-03-08 01:30:00"), ny, want{false, 1500, 1000, utc(t, "2026-03-09 04:00:00")}},
		{"lower on eve of dst", domain.Invitation{State: "accepted", Rate: 1500}, 1000, at(t, ny, "2026-03-07 22:00:00"), ny, want{false, 1500, 1000, utc(t, "2026-03-08 05:00:00")}},
		{"equal rate", domain.Invitation{State: "accepted", Rate: 1500}, 1500, now, ny, want{true, 1500, 0, time.Time{}}},
		{"equal rate cancels a pending lower", domain.Invitation{State: "accepted", Rate: 1500, PendingRate: 1000, PendingFrom: nyMidnight}, 1500, now, ny, want{true, 1500, 0, time.Time{}}},
		{"raise cancels a pending lower", domain.Invitation{State: "accepted", Rate: 1500, PendingRate: 1000, PendingFrom: nyMidnight}, 1800, now, ny, want{true, 1800, 0, time.Time{}}},
		{"second lower replaces the first", domain.Invitation{State: "accepted", Rate: 1500, PendingRate: 1000, PendingFrom: nyMidnight}, 1200, now, ny, want{false, 1500, 1200, nyMidnight}},
		// Between the in-force rate and a pending lower it is still a lowering.
		{"raise above pending but below rate", domain.Invitation{State: "accepted", Rate: 1500, PendingRate: 1000, PendingFrom: nyMidnight}, 1200, now, ny, want{false, 1500, 1200, nyMidnight}},
		// Once the pending lower has applied, it is the rate to compare with.
		{"raise after the lower applied", domain.Invitation{State: "accepted", Rate: 1500, PendingRate: 1000, PendingFrom: nyMidnight}, 1200, nyMidnight.Add(time.Hour), ny, want{true, 1200, 0, time.Time{}}},
		{"equal to applied lower", domain.Invitation{State: "accepted", Rate: 1500, PendingRate: 1000, PendingFrom: nyMidnight}, 1000, nyMidnight, ny, want{true, 1000, 0, time.Time{}}},
		{"lower after the lower applied", domain.Invitation{State: "accepted", Rate: 1500, PendingRate: 1000, PendingFrom: nyMidnight}, 800, nyMidnight.Add(time.Hour), ny, want{false, 1000, 800, utc(t, "2026-05-14 04:00:00")}},
		{"to the minimum", domain.Invitation{State: "accepted", Rate: 8000}, 100, now, ny, want{false, 8000, 100, nyMidnight}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := tc.inv
			inv.ID = 9
			immediate, err := inv.ChangeRate(tc.r, tc.now, tc.loc)
			noErr(t, err)
			if immediate != tc.want.immediate {
				t.Errorf("immediate = %v, want %v", immediate, tc.want.immediate)
			}
			if inv.Rate != tc.want.rate || inv.PendingRate != tc.want.pending || !inv.PendingFrom.Equal(tc.want.pendingFrom) {
				t.Errorf("rate %s pending %s from %v; want rate %s pending %s from %v",
					inv.Rate, inv.PendingRate, inv.PendingFrom.UTC(), tc.want.rate, tc.want.pending, tc.want.pendingFrom)
			}
			if inv.State != tc.inv.State {
				t.Errorf("ChangeRate changed the state to %q", inv.State)
			}
			// The rate in force right now is the new one exactly when the change is immediate.
			eff := inv.EffectiveRate(tc.now)
			if immediate && eff != tc.r {
				t.Errorf("EffectiveRate(now) = %s after an immediate change to %s", eff, tc.r)
			}
			if !immediate && eff == tc.r {
				t.Errorf("EffectiveRate(now) = %s: a lowered rate applied before midnight", eff)
			}
		})
	}
}

func TestEffectiveAndSettleRate(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	now := at(t, ny, "2026-05-12 15:00:00")
	inv := domain.Invitation{ID: 1, State: domain.InvitationAccepted, Rate: 1500}
	immediate, err := inv.ChangeRate(1000, now, ny)
	noErr(t, err)
	if immediate {
		t.Fatal("a lower was immediate")
	}
	midnight := at(t, ny, "2026-05-13 00:00:00")
	checks := []struct {
		at   time.Time
		want domain.Rate
	}{
		{now, 1500},
		{at(t, ny, "2026-05-12 23:59:59"), 1500},
		{midnight.Add(-time.Nanosecond), 1500},
		{midnight, 1000},
		{midnight.Add(time.Nanosecond), 1000},
		{at(t, ny, "2026-06-01 00:00:00"), 1000},
	}
	for _, c := range checks {
		if got := inv.EffectiveRate(c.at); got != c.want {
			t.Errorf("EffectiveRate(%v) = %s, want %s", c.at, got, c.want)
		}
	}

	before := inv
	before.SettleRate(midnight.Add(-time.Second))
	if before.Rate != 1500 || before.PendingRate != 1000 || !before.PendingFrom.Equal(midnight) {
		t.Errorf("SettleRate before midnight folded the pending rate: %+v", before)
	}
	after := inv
	after.SettleRate(midnight)
	if after.Rate != 1000 || after.PendingRate != 0 || !after.PendingFrom.IsZero() {
		t.Errorf("SettleRate at midnight: rate %s pending %s from %v; want 10%%, none", after.Rate, after.PendingRate, after.PendingFrom)
	}
	if got := after.EffectiveRate(midnight.Add(-time.Hour)); got != 1000 {
		t.Errorf("settled EffectiveRate = %s, want 10%%", got)
	}
	none := domain.Invitation{Rate: 1200}
	none.SettleRate(midnight)
	if none.Rate != 1200 || none.EffectiveRate(midnight) != 1200 {
		t.Errorf("no pending rate: %+v", none)
	}
}

func TestChangeRateRefused(t *testing.T) {
	now := utc(t, "2026-05-12 19:00:00")
	ny := loadLoc(t, "America/New_York")
	for _, st := range []domain.InvitationState{domain.InvitationDeclined, domain.InvitationExpired, domain.InvitationWithdrawn} {
		t.Run(string(st), func(t *testing.T) {
			for _, r := range []domain.Rate{2000, 1000} {
				inv := domain.Invitation{ID: 8, State: st, Rate: 1500}
				immediate, err := inv.ChangeRate(r, now, ny)
				checkErr(t, err, domain.KindConflict, "", "I8", string(st))
				if immediate || inv.Rate != 1500 || inv.PendingRate != 0 {
					t.Errorf("refused change altered the invitation: %+v (immediate %v)", inv, immediate)
				}
			}
		})
	}
	for _, r := range []domain.Rate{0, 99, 8001, -1500} {
		t.Run("rate "+r.String(), func(t *testing.T) {
			inv := domain.Invitation{ID: 8, State: domain.InvitationPending, Rate: 1500}
			immediate, err := inv.ChangeRate(r, now, ny)
			checkErr(t, err, domain.KindInvalid, "commission_rate", "1%", "80%")
			if immediate || inv.Rate != 1500 || inv.PendingRate != 0 {
				t.Errorf("invalid rate altered the invitation: %+v", inv)
			}
		})
	}
}

func TestCollaborationValidate(t *testing.T) {
	now := utc(t, "2026-05-12 15:00:00")
	products := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("P%d", i+1)
		}
		return out
	}
	ok := func() domain.Collaboration {
		return domain.Collaboration{
			Name: "  Summer glow  ", Message: "Hi!", ContactEmail: "partners@shop.com",
			ProductIDs: []string{"P100", "P200"}, ExpiresAt: now.AddDate(0, 0, 30),
		}
	}
	c := ok()
	noErr(t, c.Validate(now))
	if c.Name != "Summer glow" {
		t.Errorf("Name = %q, want trimmed", c.Name)
	}

	valid := []struct {
		name string
		edit func(*domain.Collaboration)
	}{
		{"1 product", func(c *domain.Collaboration) { c.ProductIDs = products(1) }},
		{"100 products", func(c *domain.Collaboration) { c.ProductIDs = products(100) }},
		{"no e-mail", func(c *domain.Collaboration) { c.ContactEmail = "" }},
		{"message of 2000", func(c *domain.Collaboration) { c.Message = strings.Repeat("m", 2000) }},
		{"expires in a second", func(c *domain.Collaboration) { c.ExpiresAt = now.Add(time.Second) }},
		{"expires in 365 days", func(c *domain.Collaboration) { c.ExpiresAt = now.AddDate(0, 0, 365) }},
		{"with sample", func(c *domain.Collaboration) { c.Sample = &domain.SampleOffer{} }},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			c := ok()
			tc.edit(&c)
			noErr(t, c.Validate(now))
		})
	}

	tests := []struct {
		name  string
		edit  func(*domain.Collaboration)
		field string
		parts []string
	}{
		{"no products", func(c *domain.Collaboration) { c.ProductIDs = nil }, "products", []string{"1 to 100", "got 0"}},
		{"101 products", func(c *domain.Collaboration) { c.ProductIDs = products(101) }, "products", []string{"1 to 100", "got 101"}},
		{"duplicate product", func(c *domain.Collaboration) { c.ProductIDs = []string{"P100", "P200", "P100"} }, "products", []string{"P100", "twice"}},
		{"bad product id", func(c *domain.Collaboration) { c.ProductIDs = []string{"P 100"} }, "products", nil},
		{"expires now", func(c *domain.Collaboration) { c.ExpiresAt = now }, "expires", []string{"future"}},
		{"expired", func(c *domain.Collaboration) { c.ExpiresAt = now.AddDate(0, 0, -1) }, "expires", []string{"future"}},
		{"no expiry", func(c *domain.Collaboration) { c.ExpiresAt = time.Time{} }, "expires", []string{"future"}},
		{"expires in 366 days", func(c *domain.Collaboration) { c.ExpiresAt = now.AddDate(0, 0, 366) }, "expires", []string{"365"}},
		{"365 days and a second", func(c *domain.Collaboration) { c.ExpiresAt = now.AddDate(0, 0, 365).Add(time.Second) }, "expires", []string{"365"}},
		{"bad e-mail", func(c *domain.Collaboration) { c.ContactEmail = "partners at shop" }, "contact_email", []string{"e-mail"}},
		{"message too long", func(c *domain.Collaboration) { c.Message = strings.Repeat("m", 2001) }, "message", []string{"2000", "2001"}},
		{"name too long", func(c *domain.Collaboration) { c.Name = strings.Repeat("n", 101) }, "name", []string{"100"}},
		{"bad sample offer", func(c *domain.Collaboration) { c.Sample = &domain.SampleOffer{PerCreator: 11} }, "samples", []string{"1 to 10"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok()
			tc.edit(&c)
			checkErr(t, c.Validate(now), domain.KindInvalid, tc.field, tc.parts...)
		})
	}
	if domain.MaxInviteProducts != 100 || domain.MaxInviteCreators != 50 || domain.MaxInviteDays != 365 || domain.MaxMessageLength != 2000 {
		t.Error("TikTok's target collaboration limits changed")
	}
}
