package grammar_test

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
)

// The team's zone is two hours ahead of UTC so calendar dates are visibly
// resolved in loc, not in UTC.
var (
	grammarLoc = time.FixedZone("UTC+2", 2*60*60)
	grammarNow = time.Date(2026, 5, 10, 12, 0, 0, 0, grammarLoc)
)

func parseLine(t *testing.T, in string) (grammar.Command, error) {
	t.Helper()
	return grammar.Parse(in, grammarNow, grammarLoc)
}

func localDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, grammarLoc)
}

func TestParseGrammarAccepts(t *testing.T) {
	tests := []struct {
		in   string
		want grammar.Command
	}{
		{"", grammar.Command{Name: "help"}},
		{"   ", grammar.Command{Name: "help"}},
		{"help", grammar.Command{Name: "help"}},
		{"/collab help", grammar.Command{Name: "help"}},
		{"HELP Plan  Pause", grammar.Command{Name: "help", Text: "plan pause"}},
		{"help invite", grammar.Command{Name: "help", Text: "invite"}},

		{"invite @maya P100 15%", grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
			Creators: []commands.InviteTarget{{Handle: "maya"}}, Products: []string{"P100"}, Rate: 1500}}},
		{"INVITE @Maya_Glow @leo=12% P100 P200 12.5%", grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
			Creators: []commands.InviteTarget{{Handle: "maya_glow"}, {Handle: "leo", Rate: 1200}}, Products: []string{"P100", "P200"}, Rate: 1250}}},
		{"invite @maya=12% @leo=80% P100", grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
			Creators: []commands.InviteTarget{{Handle: "maya", Rate: 1200}, {Handle: "leo", Rate: 8000}}, Products: []string{"P100"}}}},
		{"invite @maya, @leo P100, P200 rate=15", grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
			Creators: []commands.InviteTarget{{Handle: "maya"}, {Handle: "leo"}}, Products: []string{"P100", "P200"}, Rate: 1500}}},
		{`invite @maya P100 15% expires=2026-12-31 email=partners@shop.com name="Spring Sale" draft "Hi \"Maya\" \\o/"`,
			grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
				Name: "Spring Sale", Creators: []commands.InviteTarget{{Handle: "maya"}}, Products: []string{"P100"}, Rate: 1500,
				Expires: time.Date(2026, 12, 31, 23, 59, 59, 0, grammarLoc), ContactEmail: "partners@shop.com",
				Message: `Hi "Maya" \o/`}, Draft: true}},
		{"invite @maya P100 15% expires=14d", grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
			Creators: []commands.InviteTarget{{Handle: "maya"}}, Products: []string{"P100"}, Rate: 1500, Expires: grammarNow.AddDate(0, 0, 14)}}},
		{"invite @maya P100 15% email=<mailto:partners@shop.com|partners@shop.com>", grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
			Creators: []commands.InviteTarget{{Handle: "maya"}}, Products: []string{"P100"}, Rate: 1500, ContactEmail: "partners@shop.com"}}},
		{"invite \u201cHello there\u201d @maya P100 15% name=\u201cSpring \u2018Glow\u2019\u201d", grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
			Name: "Spring 'Glow'", Creators: []commands.InviteTarget{{Handle: "maya"}}, Products: []string{"P100"}, Rate: 1500, Message: "Hello there"}}},
		{`invite @maya P100 15% samples=2 stock=40 approval=none min-followers=10k min_views=1.5k min-gmv=100.50 categories=Beauty,skincare post-days=21 terms="Tag the shop" sample-from=2026-05-15 sample-until=2026-05-31`,
			grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
				Creators: []commands.InviteTarget{{Handle: "maya"}}, Products: []string{"P100"}, Rate: 1500,
				Sample: &domain.SampleOffer{PerCreator: 2, Stock: 40, ApprovalExempt: true,
					WindowStart: localDay(2026, 5, 15), WindowEnd: localDay(2026, 6, 1),
					Requirements: domain.Requirements{MinFollowers: 10000, MinAvgViews: 1500, MinGMV30d: 10050,
						Categories: []string{"beauty", "skincare"}, PostWithinDays: 21, Terms: "Tag the shop"}}}}},
		{"invite @maya P100 15% approval=manager", grammar.Command{Name: "invite", Invite: &commands.InviteRequest{
			Creators: []commands.InviteTarget{{Handle: "maya"}}, Products: []string{"P100"}, Rate: 1500, Sample: &domain.SampleOffer{}}}},

		{`plan "Spring" P100=12% group:Snacks=8% ALL=5%`, grammar.Command{Name: "plan", Plan: &commands.PlanRequest{
			Name: "Spring", Rules: []domain.CommissionRule{
				{Scope: domain.ScopeProduct, Target: "P100", Rate: 1200},
				{Scope: domain.ScopeGroup, Target: "snacks", Rate: 800},
				{Scope: domain.ScopeAll, Rate: 500}}}}},
		{`plan name="Summer Glow" all=5% start=2026-06-01 end=2026-06-30 samples=1 stock=20 approval=none min-followers=1000`,
			grammar.Command{Name: "plan", Plan: &commands.PlanRequest{
				Name: "Summer Glow", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}},
				Sample: &domain.SampleOffer{PerCreator: 1, Stock: 20, ApprovalExempt: true, Requirements: domain.Requirements{MinFollowers: 1000}},
				Start:  localDay(2026, 6, 1), End: localDay(2026, 7, 1)}}},
		{`plan Spring all=5% end=30d`, grammar.Command{Name: "plan", Plan: &commands.PlanRequest{
			Name: "Spring", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}, End: grammarNow.AddDate(0, 0, 30)}}},
		{`plan "Spring" all=5% start=2026-06-01 end=14d`, grammar.Command{Name: "plan", Plan: &commands.PlanRequest{
			Name: "Spring", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}, Start: localDay(2026, 6, 1), End: localDay(2026, 6, 15)}}},
		{"plan pause PL3", grammar.Command{Name: "plan pause", ID: 3}},
		{"plan Resume pl7", grammar.Command{Name: "plan resume", ID: 7}},
		{"plan end 12", grammar.Command{Name: "plan end", ID: 12}},
		{`plan pause "Spring Sale"`, grammar.Command{Name: "plan pause", Text: "Spring Sale"}},
		{"plan end \u201cSpring\u201d", grammar.Command{Name: "plan end", Text: "Spring"}},
		{"plan end Spring", grammar.Command{Name: "plan end", Text: "Spring"}},

		{"plans", grammar.Command{Name: "plans"}},
		{"/plans", grammar.Command{Name: "plans"}},
		{"products", grammar.Command{Name: "products"}},
		{"report", grammar.Command{Name: "report"}},
		{"invitations", grammar.Command{Name: "invitations"}},
		{"invitations @Maya declined", grammar.Command{Name: "invitations", Handle: "maya", InvitationState: domain.InvitationDeclined}},
		{"invitations PENDING @maya", grammar.Command{Name: "invitations", Handle: "maya", InvitationState: domain.InvitationPending}},
		{"samples", grammar.Command{Name: "samples"}},
		{"samples overdue @leo", grammar.Command{Name: "samples", Handle: "leo", SampleState: domain.SampleOverdue}},
		{"creators", grammar.Command{Name: "creators"}},
		{"creators Beauty", grammar.Command{Name: "creators", Niche: "beauty"}},

		{"creator add @Maya discord=123456789012345678 followers=52k views=1.2m gmv=1,200.50 niche=Beauty categories=beauty,skincare tz=Europe/Paris",
			grammar.Command{Name: "creator add", Creator: &domain.Creator{Handle: "maya", DiscordID: "123456789012345678", Followers: 52000,
				AvgViews: 1200000, GMV30d: 120050, Niche: "beauty", Categories: []string{"beauty", "skincare"}, TimeZone: "Europe/Paris", Reachable: true}}},
		{"Creator ADD maya followers=52000 discord_id=<@123456789012345678>",
			grammar.Command{Name: "creator add", Creator: &domain.Creator{Handle: "maya", DiscordID: "123456789012345678", Followers: 52000, Reachable: true}}},
		{`product add P100 "Glow Serum" price=24.90 group=Skincare stock=50`,
			grammar.Command{Name: "product add", Product: &domain.Product{ID: "P100", Title: "Glow Serum", Price: 2490, Group: "skincare", SampleStock: 50}}},
		{`product add P-7 Night Cream`, grammar.Command{Name: "product add", Product: &domain.Product{ID: "P-7", Title: "Night Cream"}}},

		{"role U123 manager", grammar.Command{Name: "role", Member: "U123", Role: domain.RoleManager}},
		{"role <@U123> seller", grammar.Command{Name: "role", Member: "U123", Role: domain.RoleSeller}},
		{"role <@U123|maya> Manager", grammar.Command{Name: "role", Member: "U123", Role: domain.RoleManager}},
		{"role @U123 manager", grammar.Command{Name: "role", Member: "U123", Role: domain.RoleManager}},

		{"withdraw I3", grammar.Command{Name: "withdraw", ID: 3}},
		{"withdraw i3", grammar.Command{Name: "withdraw", ID: 3}},
		{"withdraw 3", grammar.Command{Name: "withdraw", ID: 3}},
		{"withdraw #3", grammar.Command{Name: "withdraw", ID: 3}},
		{"withdraw I9223372036854775807", grammar.Command{Name: "withdraw", ID: 9223372036854775807}},
		{"rate I3 10%", grammar.Command{Name: "rate", ID: 3, Rate: 1000}},
		{"rate I3 12.5", grammar.Command{Name: "rate", ID: 3, Rate: 1250}},
		{"approve S3", grammar.Command{Name: "approve", ID: 3}},
		{"approve s3", grammar.Command{Name: "approve", ID: 3}},
		{`reject S3 not_match "Too small an audience"`, grammar.Command{Name: "reject", ID: 3, Reason: domain.RejectNotMatch, Text: "Too small an audience"}},
		{"reject S3 Out-Of-Stock", grammar.Command{Name: "reject", ID: 3, Reason: domain.RejectOutOfStock}},
		{"reject S3 other out of season", grammar.Command{Name: "reject", ID: 3, Reason: domain.RejectOther, Text: "out of season"}},
		{"cancel S3", grammar.Command{Name: "cancel", ID: 3}},
		{`cancel S3 "Creator moved"`, grammar.Command{Name: "cancel", ID: 3, Text: "Creator moved"}},
		{"ship S3 1Z999AA10123456784", grammar.Command{Name: "ship", ID: 3, Text: "1Z999AA10123456784"}},
		{"ship S3", grammar.Command{Name: "ship", ID: 3}},
		{"extend S3", grammar.Command{Name: "extend", ID: 3}},

		{"accept I3", grammar.Command{Name: "accept", ID: 3}},
		{"decline I3", grammar.Command{Name: "decline", ID: 3}},
		{`decline I3 "Not my niche"`, grammar.Command{Name: "decline", ID: 3, Text: "Not my niche"}},
		{"request P100", grammar.Command{Name: "request", Sample: &commands.SampleInput{ProductID: "P100"}}},
		{`request P100 PL2 qty=2 "I film on Sundays"`, grammar.Command{Name: "request", Sample: &commands.SampleInput{ProductID: "P100", PlanID: 2, Quantity: 2, Note: "I film on Sundays"}}},
		{"request P100 i3", grammar.Command{Name: "request", Sample: &commands.SampleInput{ProductID: "P100", InvitationID: 3}}},
		{"content S3 https://www.tiktok.com/@maya_glow/video/7301234567890123456?is_from_webapp=1",
			grammar.Command{Name: "content", ID: 3, Text: "https://www.tiktok.com/@maya_glow/video/7301234567890123456"}},
		{"content S3 <https://tiktok.com/@maya_glow/live>", grammar.Command{Name: "content", ID: 3, Text: "https://www.tiktok.com/@maya_glow/live"}},
		// The use case judges a malformed link, after checking whose sample it is.
		{"content S3 https://example.com/video/1", grammar.Command{Name: "content", ID: 3, Text: "https://example.com/video/1"}},
		{"link @Maya_Glow", grammar.Command{Name: "link", Handle: "maya_glow"}},
		{"link maya", grammar.Command{Name: "link", Handle: "maya"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseLine(t, tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v (field %q)", tt.in, err, domain.ErrorField(err))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, dumpCommand(got), dumpCommand(tt.want))
			}
		})
	}
}

// dump shows a command with its pointers followed, for failure messages.
func dumpCommand(c grammar.Command) string {
	s := fmt.Sprintf("%+v", c)
	if c.Invite != nil {
		s += fmt.Sprintf(" invite=%+v", *c.Invite)
		if c.Invite.Sample != nil {
			s += fmt.Sprintf(" sample=%+v", *c.Invite.Sample)
		}
	}
	if c.Plan != nil {
		s += fmt.Sprintf(" plan=%+v", *c.Plan)
		if c.Plan.Sample != nil {
			s += fmt.Sprintf(" sample=%+v", *c.Plan.Sample)
		}
	}
	if c.Creator != nil {
		s += fmt.Sprintf(" creator=%+v", *c.Creator)
	}
	if c.Product != nil {
		s += fmt.Sprintf(" product=%+v", *c.Product)
	}
	if c.Sample != nil {
		s += fmt.Sprintf(" sample=%+v", *c.Sample)
	}
	return s
}

func TestParseGrammarRejects(t *testing.T) {
	long := strings.Repeat("a", 2001)
	many := func(prefix string, n int) string {
		var b []string
		for i := 0; i < n; i++ {
			b = append(b, prefix+strconv.Itoa(i+10))
		}
		return strings.Join(b, " ")
	}
	tests := []struct {
		in    string
		field string
		says  []string
	}{
		{"foo", "command", []string{`Unknown command "foo"`, "Try: help, invite, plan"}},
		{"invte @maya", "command", []string{`Did you mean "invite"`}},
		{`"invite" @maya`, "command", []string{"Unknown command"}},
		{"creator", "command", []string{"creator add"}},
		{"product remove P1", "command", []string{"product add"}},
		{strings.Repeat("x", 4001), "command", []string{"4000"}},
		{"invite @maya P100 15% \"Hi there", "command", []string{"closing", "Hi there"}},
		{"help \xff", "command", []string{"UTF-8"}},
		{"help \x00", "command", []string{"control"}},
		{"invite @maya P100 15% \"Hi\x00\"", "command", []string{"control"}},

		{"invite P100 15%", "creators", []string{"1 to 50"}},
		{"invite @leo P200 15 %", "commission_rate", []string{"15 was read as a product ID", "write 15%"}},
		{"invite @leo P200 15", "commission_rate", []string{"15 was read as a product ID", "write 15%"}},
		{"invite @leo P200 fifteen", "commission_rate", []string{`"fifteen" was read as a product ID`, "15%"}},
		{"invite @leo P200 15 percent", "commission_rate", []string{"15 was read as a product ID", "write 15%"}},
		{"creator add @maya niche=\"two words\"", "niche", []string{"one word"}},
		{"creator add @maya niche=💄", "niche", []string{"one word"}},
		{"creator add @maya tz=Local", "timezone", []string{"Local"}},
		{"creator add @ab.", "handle", []string{"end"}},
		{"creator add @.ab", "handle", []string{"start"}},
		{"creator add @a..b", "handle", []string{".."}},
		{"creators two words", "niche", []string{"one word"}},
		{`product add P100 "Serum" price=100000.01`, "price", []string{"100000.00"}},
		{"invite @ab. P100 15%", "creators", []string{"end"}},
		{"invite @maya 15%", "products", []string{"1 to 100"}},
		{"invite @maya @leo=12% P100", "commission_rate", []string{"Commission rate is missing for @maya: add 15% or @maya=15%"}},
		{"invite @maya @leo P100", "commission_rate", []string{"missing for @maya, @leo"}},
		{"invite @maya P100 95%", "commission_rate", []string{"between 1% and 80%", "95%"}},
		{"invite @maya=0.5% P100", "commission_rate", []string{"@maya", "1%", "80%"}},
		{"invite @maya P100 15% 12%", "commission_rate", []string{"one default"}},
		{"invite @maya P100 15% rate=12", "commission_rate", []string{"one default"}},
		{"invite " + many("@creator", 51) + " P100 15%", "creators", []string{"1 to 50", "51"}},
		{"invite @maya " + many("P", 101) + " 15%", "products", []string{"1 to 100", "101"}},
		{"invite @maya @Maya P100 15%", "creators", []string{"twice"}},
		{"invite @maya P100 P100 15%", "products", []string{"twice"}},
		{"invite @m P100 15%", "creators", []string{"2 to 24"}},
		{"invite @maya P100 15% x!y", "products", []string{`"x!y"`, "product ID"}},
		{"invite @maya P100 15% foo=1", "options", []string{`"foo"`, "expires", "samples", "post-days"}},
		{"invite @maya P100 15% expires=2026-05-01", "expires", []string{"future"}},
		{"invite @maya P100 15% expires=400d", "expires", []string{"1 to 365"}},
		{"invite @maya P100 15% expires=0d", "expires", []string{"1 to 365"}},
		{"invite @maya P100 15% expires=2028-01-01", "expires", []string{"365"}},
		{"invite @maya P100 15% expires=tomorrow", "expires", []string{"2026-12-31", "14d"}},
		{"invite @maya P100 15% expires=14d expires=20d", "expires", []string{"twice"}},
		{"invite @maya P100 15% email=nope", "contact_email", []string{"e-mail"}},
		{"invite @maya P100 15% samples=11", "samples", []string{"1 to 10"}},
		{"invite @maya P100 15% samples=0", "samples", []string{"1 to 10 (got"}},
		{"invite @maya P100 15% stock=-1", "stock", []string{"0 to 1,000,000"}},
		{"invite @maya P100 15% stock=+5", "stock", []string{"0 to 1,000,000"}},
		{"invite @maya P100 15% post-days=91", "post_within_days", []string{"1 to 90"}},
		{"invite @maya P100 15% min-followers=lots", "min_followers", []string{"0 to 5,000,000,000"}},
		{"invite @maya P100 15% min-views=6b", "min_views", []string{"0 to 5,000,000,000"}},
		{"invite @maya P100 15% min-gmv=ten", "min_gmv", []string{"24.90"}},
		{"invite @maya P100 15% approval=maybe", "approval", []string{"none or manager"}},
		{"invite @maya P100 15% categories=,,", "categories", []string{"beauty,skincare"}},
		{`invite @maya P100 15% terms="` + strings.Repeat("t", 1001) + `"`, "terms", []string{"1000"}},
		{"invite @maya P100 15% sample-from=2026-06-10 sample-until=2026-06-01", "sample_window", []string{"sample-until"}},
		{"invite @maya P100 15% sample-until=2026-05-01", "sample_window", []string{"today or later"}},
		{"invite @maya P100 15% sample-from=june", "sample_window", []string{"2026-12-31"}},
		{`invite @maya P100 15% "` + long + `"`, "message", []string{"2000"}},
		{`invite @maya P100 15% "one" "two"`, "message", []string{"one pair of quotes"}},
		{`invite @maya P100 15% name="` + strings.Repeat("n", 101) + `"`, "name", []string{"100"}},

		{"plan all=5%", "name", []string{"name"}},
		{`plan "Spring"`, "rates", []string{"P100=12%", "group:snacks=8%", "all=5%"}},
		{`plan "Spring" P100=95%`, "commission_rate", []string{"P100", "1%", "80%"}},
		{`plan "Spring" P100=12% P100=10%`, "rates", []string{"twice"}},
		{`plan "Spring" all=5% ALL=6%`, "rates", []string{"twice"}},
		{`plan "Spring" group:=5%`, "rates", []string{"group:snacks=8%"}},
		{`plan "Spring" all=5% post_day=14`, "options", []string{`"post_day"`, "post-days"}},
		{`plan "Spring" "Summer" all=5%`, "name", []string{"one name"}},
		{`plan "Spring" P100 all=5%`, "rates", []string{`Unexpected "P100"`, "P100=12%"}},
		{`plan "Bad" P100=15 %`, "rates", []string{`Unexpected "%"`, "no space, like P100=12%"}},
		{`plan "Bad" P100=15 percent`, "rates", []string{`Unexpected "percent"`, "no space"}},
		{`plan "Spring" all=5% start=2026-07-01 end=2026-06-01`, "end", []string{"after the start"}},
		{`plan "Spring" all=5% end=2026-05-01`, "end", []string{"after the start"}},
		{`plan "Spring" all=5% start=2026-01-01 end=2026-02-01`, "end", []string{"future"}},
		{`plan "Spring" all=5% end=0d`, "end", []string{"1 to 3650"}},
		{`plan "Spring" all=5% start=soon`, "start", []string{"2026-12-31"}},
		{`plan "Spring" all=5% samples=20`, "samples", []string{"1 to 10"}},
		{"plan pause", "id", []string{"PL3"}},
		{"plan pause PL0", "id", []string{"PL12"}},
		{"plan end PL99999999999999999999", "id", []string{"PL12"}},

		{"plans all", "command", []string{"no arguments"}},
		{"report weekly", "command", []string{"no arguments"}},
		{"invitations maya", "state", []string{"pending, accepted, declined, expired, withdrawn"}},
		{"invitations pending accepted", "state", []string{"one state"}},
		{"invitations @m", "handle", []string{"2 to 24"}},
		{"samples @maya @leo", "handle", []string{"one creator"}},
		{"samples pending", "state", []string{"requested, approved"}},
		{"creators niche=beauty", "options", []string{"no options"}},

		{"creator add followers=10", "handle", []string{"@maya_glow"}},
		{"creator add @maya @leo", "handle", []string{"one creator"}},
		{"creator add @maya followers=many", "followers", []string{"0 to 5,000,000,000"}},
		{"creator add @maya views=1.2345k", "avg_views", []string{"0 to 5,000,000,000"}},
		{"creator add @maya gmv=-5", "gmv_30d", []string{"24.90"}},
		{"creator add @maya discord=12", "discord_id", []string{"15 to 21 digits"}},
		{"creator add @maya tz=Europe/../x", "timezone", []string{"Europe/Paris"}},
		{"creator add @maya colour=red", "options", []string{`"colour"`, "discord, followers, views"}},
		{"creator add @maya niche=" + strings.Repeat("n", 65), "niche", []string{"64"}},

		{"product add", "id", []string{"P100"}},
		{"product add P100", "title", []string{"title"}},
		{"product add P1! Serum", "id", []string{"P100"}},
		{`product add P100 "Serum" price=cheap`, "price", []string{"24.90"}},
		{`product add P100 "Serum" stock=2000000`, "stock", []string{"0 to 1,000,000"}},
		{`product add P100 "Serum" group=a:b`, "group", []string{"one word"}},

		{"role", "role", []string{"seller|manager"}},
		{"role U123", "role", []string{"seller|manager"}},
		{"role U123 admin", "role", []string{"seller, manager or none"}},
		{"role U1!23 manager", "member", []string{"user ID"}},

		{"withdraw", "id", []string{"I12"}},
		{"withdraw S3", "id", []string{"Invitation must be like I12", `"S3"`}},
		{"withdraw I0", "id", []string{"I12"}},
		{"withdraw I-3", "id", []string{"I12"}},
		{"withdraw I9223372036854775808", "id", []string{"I12"}},
		{"withdraw I3 I4", "command", []string{"Too many"}},
		{"accept S3", "id", []string{"I12"}},
		{"rate I3", "commission_rate", []string{"1% to 80%"}},
		{"rate I3 90%", "commission_rate", []string{"between 1% and 80%"}},
		{"rate S3 10%", "id", []string{"I12"}},
		{"rate I3 10% now", "command", []string{"Too many"}},
		{"approve I3", "id", []string{"Sample request must be like S12"}},
		{"extend", "id", []string{"S12"}},
		{"reject S3", "reason", []string{"not_match, out_of_stock, offline or other"}},
		{"reject S3 ugly", "reason", []string{"not_match, out_of_stock, offline, other"}},
		{"reject S3 other", "note", []string{"other", "note"}},
		{"reject S3 not_match " + strings.Repeat("n", 501), "note", []string{"500"}},
		{"ship S3 " + strings.Repeat("1", 101), "tracking", []string{"100"}},
		{`decline I3 "` + strings.Repeat("r", 501) + `"`, "reason", []string{"500"}},
		{"cancel I3", "id", []string{"S12"}},

		{"request", "product", []string{"P100"}},
		{"request P1!", "product", []string{"P100"}},
		{"request P100 X9", "id", []string{"PL3", "I12"}},
		{"request P100 PL0", "id", []string{"PL12"}},
		{"request P100 qty=11", "quantity", []string{"1 to 10"}},
		{"request P100 PL2 please", "note", []string{"quotes"}},
		{"request P100 colour=red", "options", []string{"qty"}},
		{"content S3", "content_link", []string{"link"}},
		{"content S3 a b", "content_link", []string{"one link"}},
		{"link", "handle", []string{"handle"}},
		{"link @m", "handle", []string{"2 to 24"}},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 80 {
			name = name[:80]
		}
		t.Run(name, func(t *testing.T) {
			_, err := parseLine(t, tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want an error on %q", tt.in, tt.field)
			}
			if k := domain.ErrorKind(err); k != domain.KindInvalid {
				t.Errorf("kind = %q, want invalid", k)
			}
			if f := domain.ErrorField(err); f != tt.field {
				t.Errorf("field = %q, want %q (message %q)", f, tt.field, err)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not mention %q", err, s)
				}
			}
		})
	}
}

// An incomplete invite still carries what was typed, so the Slack adapter
// can open the invite modal prefilled.
func TestParseIncompleteInviteReturnsPartialCommand(t *testing.T) {
	cmd, err := parseLine(t, `invite @maya @leo P100 expires=14d samples=2 "Hello"`)
	if domain.ErrorField(err) != "commission_rate" {
		t.Fatalf("err = %v, want a commission_rate error", err)
	}
	if cmd.Name != "invite" || cmd.Invite == nil {
		t.Fatalf("cmd = %+v, want the partial invite", cmd)
	}
	in := cmd.Invite
	if len(in.Creators) != 2 || in.Creators[0].Handle != "maya" || in.Creators[1].Handle != "leo" {
		t.Errorf("creators = %+v", in.Creators)
	}
	if !reflect.DeepEqual(in.Products, []string{"P100"}) || in.Message != "Hello" || in.Expires.IsZero() {
		t.Errorf("invite = %+v", *in)
	}
	if in.Sample == nil || in.Sample.PerCreator != 2 {
		t.Errorf("sample = %+v", in.Sample)
	}

	// A bad token early on does not hide the rest of the line.
	cmd, err = parseLine(t, "invite @maya P100 95% P200 @leo")
	if err == nil || cmd.Invite == nil || len(cmd.Invite.Creators) != 2 || len(cmd.Invite.Products) != 2 {
		t.Errorf("cmd = %+v, err = %v", cmd.Invite, err)
	}

	// So does an unclosed quote around the message.
	cmd, err = parseLine(t, `invite @maya P100 15% "Hi there`)
	if domain.ErrorField(err) != "command" || !strings.Contains(err.Error(), "closing") || cmd.Invite == nil || cmd.Invite.Message != "Hi there" {
		t.Errorf("unclosed quote: cmd = %+v, err = %v", cmd.Invite, err)
	}

	cmd, err = parseLine(t, "invite")
	if domain.ErrorField(err) != "creators" || cmd.Name != "invite" || cmd.Invite == nil {
		t.Errorf("bare invite: cmd = %+v, err = %v", cmd, err)
	}
}

func TestParseIncompletePlanReturnsPartialCommand(t *testing.T) {
	cmd, err := parseLine(t, `plan "Spring" samples=2`)
	if domain.ErrorField(err) != "rates" || cmd.Name != "plan" || cmd.Plan == nil || cmd.Plan.Name != "Spring" || cmd.Plan.Sample == nil {
		t.Errorf("cmd = %+v, err = %v", cmd.Plan, err)
	}
}

// A known verb names itself even when its arguments are wrong, so an
// adapter can show that verb's usage.
func TestParseErrorKeepsVerbName(t *testing.T) {
	for in, name := range map[string]string{"approve I3": "approve", "plan pause": "plan pause", "creator add": "creator add", "role x": "role"} {
		cmd, err := parseLine(t, in)
		if err == nil || cmd.Name != name {
			t.Errorf("Parse(%q) = %q, %v; want name %q and an error", in, cmd.Name, err, name)
		}
	}
	cmd, err := parseLine(t, "nonsense")
	if err == nil || cmd.Name != "" {
		t.Errorf("unknown verb: %+v, %v", cmd, err)
	}
}

func TestParseNilLocationIsUTC(t *testing.T) {
	cmd, err := grammar.Parse("invite @maya P100 15% expires=2026-12-31", grammarNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC); !cmd.Invite.Expires.Equal(want) {
		t.Errorf("expires = %v, want %v", cmd.Invite.Expires, want)
	}
}

// Every example the help shows must itself parse to its own verb.
func TestParseHelpExamples(t *testing.T) {
	for _, name := range grammarVerbs[1:] {
		h := grammar.Help(name, domain.RoleManager)
		i := strings.LastIndex(h, "Example: ")
		if i < 0 {
			t.Errorf("help %s has no example", name)
			continue
		}
		ex := strings.TrimSpace(h[i+len("Example: "):])
		cmd, err := parseLine(t, ex)
		if err != nil {
			t.Errorf("example %q: %v", ex, err)
		} else if cmd.Name != name {
			t.Errorf("example %q parsed as %q, want %q", ex, cmd.Name, name)
		}
	}
}

var grammarVerbs = []string{"help", "invite", "plan", "plan pause", "plan resume", "plan end", "plans", "invitations", "samples",
	"creators", "creator add", "creator set", "products", "product add", "product set", "report", "role", "withdraw", "rate", "approve", "reject", "cancel",
	"ship", "extend", "accept", "decline", "request", "content", "link"}

func TestParseUsage(t *testing.T) {
	for _, name := range grammarVerbs {
		u := grammar.Usage(name)
		if !strings.HasPrefix(u, name) || strings.Contains(u, "\n") {
			t.Errorf("Usage(%q) = %q", name, u)
		}
	}
	if u := grammar.Usage("Plan Pause"); u != `plan pause PL3|"NAME"` {
		t.Errorf("Usage is not case-insensitive: %q", u)
	}
	if u := grammar.Usage("nope"); u != "" {
		t.Errorf("Usage(nope) = %q, want empty", u)
	}
}

// A pasted page in one field must not come back whole in the reply.
func TestParseErrorsDoNotEchoLongInput(t *testing.T) {
	x := strings.Repeat("r", 3000)
	for _, in := range []string{
		"invite email=" + x, "invite @" + x, "invite @maya=" + x + "%", "invite @maya P100 " + x + "%", "invite min-gmv=" + x,
		"plan \"S\" P100=" + x + "%", "creator add @" + x, "creator add @maya discord=" + x, "creator add @maya tz=" + x,
		"creator add @maya gmv=" + x, "product add P" + x + " T", "product add P1 T group=" + x, "product add P1 T price=" + x,
		"role U1 " + x, "role U" + x + " manager", "rate I3 " + x, "reject S3 " + x, "content S3 https://www.tiktok.com/" + x,
		"request P" + x, "link @" + x, "samples @" + x, "withdraw I" + x, "foo" + x, "invite @maya P100 15% " + x + "!",
	} {
		_, err := parseLine(t, in)
		if err == nil {
			t.Errorf("Parse(%.40q...) succeeded", in)
			continue
		}
		if len(err.Error()) > 600 {
			t.Errorf("Parse(%.40q...) error is %d bytes: %.120q...", in, len(err.Error()), err)
		}
	}
}

func TestParseUnknownPlanAction(t *testing.T) {
	for _, line := range []string{"plan stop PL2", "plan start PL2", "plan delete \"Spring\""} {
		_, err := grammar.Parse(line, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), time.UTC)
		if err == nil || !strings.Contains(domain.ErrorMessage(err), "use plan pause, plan resume or plan end") {
			t.Errorf("Parse(%q) = %v", line, err)
		}
	}
}

func TestParseHistory(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for line, want := range map[string]string{"history S12": "sample:12", "history i3": "invitation:3", "history PL2": "plan:2", "history P100": "product:P100"} {
		c, err := grammar.Parse(line, now, time.UTC)
		if err != nil || c.Name != "history" || c.Text != want {
			t.Errorf("Parse(%q) = %+v, %v; want subject %s", line, c, err, want)
		}
	}
	if c, err := grammar.Parse("history @Maya_Glow", now, time.UTC); err != nil || c.Handle != "maya_glow" {
		t.Errorf("history @Maya_Glow = %+v, %v", c, err)
	}
	if _, err := grammar.Parse("history", now, time.UTC); domain.ErrorField(err) != "id" {
		t.Errorf("bare history: %v", err)
	}
}

// A plan rule's rate may be written without % ("P100=12"), as in TikTok
// Seller Center; a key with no digit is still taken for a mistyped option.
func TestParsePlanBareRates(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	c, err := grammar.Parse(`plan "Spring" P100=12 group:snacks=8 all=5`, now, time.UTC)
	if err != nil || len(c.Plan.Rules) != 3 || c.Plan.Rules[0].Rate != 1200 || c.Plan.Rules[2].Rate != 500 {
		t.Fatalf("bare rates: %+v, %v", c.Plan, err)
	}
	if _, err := grammar.Parse(`plan "Spring" all=5% post_day=14`, now, time.UTC); domain.ErrorField(err) != "options" {
		t.Errorf("post_day=14: %v, want an unknown option", err)
	}
}
