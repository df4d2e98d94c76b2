package grammar_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
)

var parseSeeds = []string{
	"", "help", "help plan pause", "/collab invite @maya P100 15%",
	`invite @maya_glow @leo=12% P100 P200 15% expires=14d email=partners@shop.com name="Spring" draft "Hi \"there\" \\o/"`,
	`invite @maya P100 15% samples=2 stock=40 approval=none min-followers=10k min-views=1.5m min-gmv=100.50 categories=beauty,skincare post-days=21 terms="x" sample-from=2026-05-15 sample-until=2026-05-31`,
	"invite @maya @leo P100", "invite @maya=95% P100", "invite \u201cHi\u201d @maya P100 15%", "invite @maya, @leo P100, 15%",
	`plan "Spring" P100=12% group:snacks=8% all=5% start=2026-06-01 end=30d samples=1`, `plan name="S" all=5% end=2026-06-30`,
	"plan pause PL3", `plan end "Spring"`, "plan resume 0", "plans", "invitations @maya pending", "samples overdue",
	"creators beauty", "creator add @maya discord=123456789012345678 followers=52k views=1.2m gmv=1,200.50 niche=beauty tz=Europe/Paris",
	`product add P100 "Glow Serum" price=24.90 group=skincare stock=50`, "role <@U123|maya> manager", "withdraw I3", "rate I3 12.5%",
	"approve S3", `reject S3 other "note"`, "cancel S3 moved", "ship S3 1Z", "extend S3", "accept I3", `decline I3 "no"`,
	`request P100 PL2 qty=2 "note"`, "content S3 https://www.tiktok.com/@maya/video/7301234567890123456", "link @maya",
	`"unterminated`, "a=b=c", `=""`, `x="a"b"c"`, "\xff\xfe", "invite @=5%", "plan group:=5%", "withdraw I99999999999999999999",
	"invite @leo P200 15 %", "invite @leo P200 fifteen", "invite @leo P200 15 percent", "creator add @a..b niche=\"two words\" tz=Local", "creators two words",
	"product set P100 stock=20", `product set P100 title="Glow Serum 2" price=19.90 group=skincare`, "product set P100 Glow", "creator set @maya followers=60k tz=Europe/Paris discord=123456789012345678", "creator set @maya",
}

func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cmd, err := grammar.Parse(in, grammarNow, grammarLoc)
		if err != nil {
			checkParseError(t, in, cmd, err)
			return
		}
		checkParsedCommand(t, in, cmd)
	})
}

func checkParseError(t *testing.T, in string, cmd grammar.Command, err error) {
	if domain.ErrorKind(err) != domain.KindInvalid || domain.ErrorField(err) == "" {
		t.Fatalf("Parse(%q) error %q: kind %q field %q", in, err, domain.ErrorKind(err), domain.ErrorField(err))
	}
	msg := err.Error()
	if msg == "" || !utf8.ValidString(msg) || len(msg) > 2000 {
		t.Fatalf("Parse(%q) error message is empty, not UTF-8 or too long (%d bytes): %q", in, len(msg), msg)
	}
	if (cmd.Name == "invite") != (cmd.Invite != nil) || (cmd.Name == "plan") != (cmd.Plan != nil) {
		t.Fatalf("Parse(%q) partial command %+v does not match its name", in, cmd)
	}
}

func checkParsedCommand(t *testing.T, in string, cmd grammar.Command) {
	known := false
	for _, n := range grammarVerbs {
		known = known || n == cmd.Name
	}
	if !known {
		t.Fatalf("Parse(%q) = unknown name %q", in, cmd.Name)
	}
	switch cmd.Name {
	case "invite":
		req := cmd.Invite
		if n := len(req.Creators); n < 1 || n > domain.MaxInviteCreators {
			t.Fatalf("Parse(%q): %d creators", in, n)
		}
		seen := map[string]bool{}
		for _, c := range req.Creators {
			r := c.Rate
			if r == 0 {
				r = req.Rate
			}
			if r < domain.MinRate || r > domain.MaxRate {
				t.Fatalf("Parse(%q): @%s gets rate %d", in, c.Handle, r)
			}
			if h, err := domain.NormalizeHandle("creators", c.Handle); err != nil || h != c.Handle || seen[h] {
				t.Fatalf("Parse(%q): handle %q not normal or repeated", in, c.Handle)
			}
			seen[c.Handle] = true
		}
		col := domain.Collaboration{Name: req.Name, Message: req.Message, ContactEmail: req.ContactEmail, ProductIDs: req.Products, ExpiresAt: req.Expires}
		if col.ExpiresAt.IsZero() {
			col.ExpiresAt = grammarNow.AddDate(0, 0, domain.DefaultInviteDays)
		}
		if req.Sample != nil {
			s := *req.Sample
			col.Sample = &s
		}
		if err := col.Validate(grammarNow); err != nil {
			t.Fatalf("Parse(%q) accepted a collaboration the domain refuses: %v", in, err)
		}
	case "plan":
		req := cmd.Plan
		p := domain.Plan{Name: req.Name, Rules: req.Rules, StartsAt: req.Start, EndsAt: req.End}
		if p.StartsAt.IsZero() {
			p.StartsAt = grammarNow
		}
		if req.Sample != nil {
			s := *req.Sample
			p.Sample = &s
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse(%q) accepted a plan the domain refuses: %v", in, err)
		}
	case "creator add":
		c := *cmd.Creator
		if err := c.Validate(); err != nil || !c.Reachable || !reflect.DeepEqual(c, *cmd.Creator) {
			t.Fatalf("Parse(%q) creator %+v: %v", in, *cmd.Creator, err)
		}
	case "product add":
		p := *cmd.Product
		if err := p.Validate(); err != nil || p != *cmd.Product {
			t.Fatalf("Parse(%q) product %+v: %v", in, *cmd.Product, err)
		}
	case "plan pause", "plan resume", "plan end":
		if (cmd.ID > 0) == (cmd.Text != "") {
			t.Fatalf("Parse(%q): plan ID %d and name %q", in, cmd.ID, cmd.Text)
		}
	case "withdraw", "accept", "decline", "approve", "reject", "cancel", "ship", "extend", "content", "rate":
		if cmd.ID <= 0 {
			t.Fatalf("Parse(%q): ID %d", in, cmd.ID)
		}
	case "request":
		if domain.ValidateProductID("product", cmd.Sample.ProductID) != nil || cmd.Sample.PlanID < 0 || cmd.Sample.InvitationID < 0 ||
			(cmd.Sample.PlanID > 0 && cmd.Sample.InvitationID > 0) || cmd.Sample.Quantity < 0 || cmd.Sample.Quantity > 10 {
			t.Fatalf("Parse(%q): sample %+v", in, *cmd.Sample)
		}
	case "role":
		if domain.ValidateMemberID("member", cmd.Member) != nil || (cmd.Role != domain.RoleSeller && cmd.Role != domain.RoleManager) {
			t.Fatalf("Parse(%q): member %q role %q", in, cmd.Member, cmd.Role)
		}
	}
	switch cmd.Name {
	case "rate":
		if cmd.Rate.Validate("rate") != nil {
			t.Fatalf("Parse(%q): rate %d", in, cmd.Rate)
		}
	case "reject":
		if _, err := domain.ParseRejectReason(string(cmd.Reason)); err != nil || (cmd.Reason == domain.RejectOther && strings.TrimSpace(cmd.Text) == "") {
			t.Fatalf("Parse(%q): reason %q note %q", in, cmd.Reason, cmd.Text)
		}
	case "content":
		// A well-formed link comes back canonical; others pass as typed, for
		// the use case to judge after ownership.
		if u, _, err := domain.ParseContentURL("content_link", cmd.Text); (err == nil && u != cmd.Text) || cmd.Text == "" || utf8.RuneCountInString(cmd.Text) > 600 {
			t.Fatalf("Parse(%q): link %q", in, cmd.Text)
		}
	case "link", "invitations", "samples":
		if cmd.Handle != "" {
			if h, err := domain.NormalizeHandle("handle", cmd.Handle); err != nil || h != cmd.Handle {
				t.Fatalf("Parse(%q): handle %q", in, cmd.Handle)
			}
		}
	}
}

func TestParseRandomLines(t *testing.T) {
	sample := []string{"samples=2", "stock=5", "approval=none", "approval=manager", "min-followers=10k", "min-views=1.2m", "min-gmv=9.99",
		"categories=a,B", "post-days=14", `terms="t"`, "sample-from=2026-05-20", "sample-until=2026-06-01"}
	pools := map[string][]string{
		"invite": append([]string{"@maya", "@leo=12%", "@ann_b", "@sam=80%", "@bo=1%", "P100", "P200", "p100", "P-3", "15%", "12.5%",
			"rate=15", "expires=14d", "expires=2026-12-31", "expires=365d", "email=a@b.co", `name="Spring"`, `"Hello there"`, "draft"}, sample...),
		"plan": append([]string{`"Spring"`, `name="Summer"`, "P100=12%", "p100=11%", "group:snacks=8%", "group:Drinks=9%", "all=5%",
			"start=2026-06-01", "start=2026-05-01", "end=2026-07-01", "end=30d"}, sample...),
		"creator add": {"@maya", "discord=123456789012345678", "followers=52k", "views=1.2m", "gmv=1.5", "niche=food", "categories=a;b", "tz=Europe/Paris"},
		"product add": {"P100", `"Glow Serum"`, "Serum", "price=2.50", "group=snacks", "stock=5"},
		"request":     {"P100", "PL3", "I3", "qty=2", `"note"`},
		"reject S3":   {"not_match", "other", `"why"`, "offline"},
		"role":        {"U123", "<@U9|x>", "manager", "seller"},
		"invitations": {"@maya", "pending", "declined"},
		"samples":     {"@leo", "overdue", "shipped"},
		"rate I3":     {"15%", "12.5%"},
		"content S3":  {"https://www.tiktok.com/@maya/video/7301234567890123456", "<https://vm.tiktok.com/ZM8abcde/>"},
		"plan pause":  {"PL3", `"Spring"`, "Spring"},
		"decline I3":  {`"no"`, "not", "now"},
		"ship S3":     {"1Z999", "abc"},
	}
	bad := []string{"@x", "@sam=95%", "@ann=0.5%", "81%", "group:=5%", "expires=2020-01-01", "expires=999d", "email=x", `"`, "samples=0",
		"approval=x", "categories=,", "post-days=0", "sample-until=2026-05-01", "end=2026-01-01", "PL0", "I0", ",", "x!y", "=", "foo=bar",
		"P100", "P100=12%", "15%", "@maya", "all=5%", "3", "S3", "\u201c"}
	verbs := make([]string, 0, len(pools))
	for v := range pools {
		verbs = append(verbs, v)
	}
	slices.Sort(verbs)
	rng := rand.New(rand.NewPCG(1, 2))
	valid := map[string]int{}
	for i := 0; i < 30000; i++ {
		verb := verbs[rng.IntN(len(verbs))]
		words := []string{verb}
		for n := rng.IntN(9); n > 0; n-- {
			if rng.IntN(10) == 0 {
				words = append(words, bad[rng.IntN(len(bad))])
			} else {
				words = append(words, pools[verb][rng.IntN(len(pools[verb]))])
			}
		}
		in := strings.Join(words, " ")
		cmd, err := grammar.Parse(in, grammarNow, grammarLoc)
		if err != nil {
			checkParseError(t, in, cmd, err)
			continue
		}
		checkParsedCommand(t, in, cmd)
		valid[cmd.Name]++
	}
	for _, v := range []string{"invite", "plan", "creator add", "product add", "request", "reject", "role", "content"} {
		if valid[v] < 20 {
			t.Errorf("only %d random %s lines parsed; the generator no longer exercises the invariants", valid[v], v)
		}
	}
}
