package present

import (
	"github.com/collabbot/collabbot/commands"
	"testing"
	"time"

	"github.com/collabbot/collabbot/domain"
)

func TestNumbersAreGroupedInThousands(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{num(0), "0"},
		{num(999), "999"},
		{num(1000), "1,000"},
		{num(52000), "52,000"},
		{num(1234567), "1,234,567"},
		{num(-1234), "-1,234"},
		{money(domain.Money(123450)), "1,234.50"},
		{money(domain.Money(1999)), "19.99"},
		{money(domain.Money(5)), "0.05"},
		{money(domain.Money(-50)), "-0.50"},
		{money(domain.Money(-123405)), "-1,234.05"},
		{plural(1, "follower", "followers"), "1 follower"},
		{plural(12000, "follower", "followers"), "12,000 followers"},
		{known(0), "not known"},
		{known(15000), "15,000"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// Unknown values show as nothing or "not known", never as 0 or "-".
func TestUnknownValuesAreNotShownAsZero(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"added, nothing known", CreatorAdded(domain.Creator{Handle: "leo"}).Text, "Added @leo to the roster."},
		{"added, all known", CreatorAdded(domain.Creator{Handle: "maya", Followers: 52000, Niche: "beauty"}).Text, "Added @maya to the roster (52,000 followers, niche beauty)."},
		{"added, one follower", CreatorAdded(domain.Creator{Handle: "ana", Followers: 1}).Text, "Added @ana to the roster (1 follower)."},
		{"changed, nothing known", CreatorChanged(domain.Creator{Handle: "leo"}).Text, "Updated @leo: no Discord linked, no shipping address yet."},
		{"changed, address set", CreatorChanged(domain.Creator{Handle: "leo", DiscordID: "222222222222222222", Address: "5 Baker St", Followers: 800}).Text, "Updated @leo (800 followers): Discord linked, shipping address on file."},
		{"product with no price or group", ProductChanged(commands.ProductView{Product: domain.Product{ID: "P2", Title: "Cream", SampleStock: 1200}}).Text, `Updated P2 "Cream": 1,200 samples in stock.`},
		{"roster line", Creators([]commands.CreatorCard{{Creator: domain.Creator{Handle: "leo", DiscordID: "1"}}}, "").Sections[0].Text,
			"@leo  followers not known  avg views not known  samples 0, posted 0  blocks DMs"},
		{"rate of nothing", percentOrDash(-1), "none yet"},
		{"a skip that names them", Invited(commands.InviteResult{Skipped: []commands.Skip{{Handle: "@x2", Reason: "@x2 has no Discord account linked"}}}, Reader{}).Sections[0].Text, "Not sent: @x2 has no Discord account linked"},
		{"a skip that does not", Invited(commands.InviteResult{Skipped: []commands.Skip{{Handle: "@x2", Reason: "already invited (I4)"}}}, Reader{}).Sections[0].Text, "Not sent to @x2: already invited (I4)"},
		{"an ended plan", PlanState(domain.Plan{ID: 3, Name: "Gift", State: domain.PlanEnded}, Reader{}).Text, `Plan PL3 "Gift" has ended: creators can no longer join it.`},
		{"a resumed plan that starts later", PlanState(domain.Plan{ID: 4, Name: "May", State: domain.PlanActive, StartsAt: time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)}, Reader{Now: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)}).Text,
			`Plan PL4 "May" is scheduled: creators see it from Sat 1 May 2027.`},
		{"a resumed plan", PlanState(domain.Plan{ID: 4, Name: "May", State: domain.PlanActive}, Reader{Now: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)}).Text, `Plan PL4 "May" is active: creators see it with /plans.`},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
