package domain_test

import (
	"strings"
	"testing"

	"github.com/collabbot/collabbot/domain"
)

func TestCreatorValidate(t *testing.T) {
	ok := func() domain.Creator {
		return domain.Creator{Handle: "@Maya_Glow", DiscordID: "123456789012345678", Followers: 12000, AvgViews: 3000, GMV30d: 150000, Niche: " Beauty ", Categories: []string{" Skincare", "MAKEUP "}, TimeZone: "Europe/Paris"}
	}
	t.Run("normalises", func(t *testing.T) {
		c := ok()
		noErr(t, c.Validate())
		if c.Handle != "maya_glow" {
			t.Errorf("Handle = %q, want maya_glow", c.Handle)
		}
		if c.At() != "@maya_glow" {
			t.Errorf("At() = %q", c.At())
		}
		if c.Niche != "beauty" {
			t.Errorf("Niche = %q, want beauty", c.Niche)
		}
		if strings.Join(c.Categories, ",") != "skincare,makeup" {
			t.Errorf("Categories = %q, want lowercased and trimmed", c.Categories)
		}
	})
	goodHandles := map[string]string{
		"@Maya_Glow": "maya_glow", "maya.glow": "maya.glow", " @ab ": "ab", "A1_b.2": "a1_b.2",
		"@" + strings.Repeat("x", 24): strings.Repeat("x", 24), "a.b.c": "a.b.c", "_ab_": "_ab_",
	}
	for in, want := range goodHandles {
		c := ok()
		c.Handle = in
		noErr(t, c.Validate())
		if c.Handle != want {
			t.Errorf("handle %q -> %q, want %q", in, c.Handle, want)
		}
	}
	for _, id := range []string{"", "123456789012345", "123456789012345678901"} {
		c := ok()
		c.DiscordID = id
		if err := c.Validate(); err != nil {
			t.Errorf("DiscordID %q: %v", id, err)
		}
	}

	tests := []struct {
		name  string
		edit  func(*domain.Creator)
		field string
		parts []string
	}{
		{"empty handle", func(c *domain.Creator) { c.Handle = "" }, "handle", []string{"Handle must be a TikTok handle", "2 to 24"}},
		{"one letter", func(c *domain.Creator) { c.Handle = "@a" }, "handle", nil},
		{"25 letters", func(c *domain.Creator) { c.Handle = strings.Repeat("x", 25) }, "handle", nil},
		{"space", func(c *domain.Creator) { c.Handle = "maya glow" }, "handle", nil},
		{"dash", func(c *domain.Creator) { c.Handle = "maya-glow" }, "handle", nil},
		{"double at", func(c *domain.Creator) { c.Handle = "@@maya" }, "handle", nil},
		{"url", func(c *domain.Creator) { c.Handle = "tiktok.com/@maya" }, "handle", nil},
		{"accent", func(c *domain.Creator) { c.Handle = "mayá" }, "handle", nil},
		{"discord 14 digits", func(c *domain.Creator) { c.DiscordID = "12345678901234" }, "discord_id", []string{"15 to 21 digits"}},
		{"discord 22 digits", func(c *domain.Creator) { c.DiscordID = "1234567890123456789012" }, "discord_id", nil},
		{"discord letters", func(c *domain.Creator) { c.DiscordID = "12345678901234567a" }, "discord_id", nil},
		{"discord username", func(c *domain.Creator) { c.DiscordID = "maya#1234" }, "discord_id", nil},
		{"negative followers", func(c *domain.Creator) { c.Followers = -1 }, "followers", []string{"Followers", "-1"}},
		{"too many followers", func(c *domain.Creator) { c.Followers = 5_000_000_001 }, "followers", nil},
		{"negative views", func(c *domain.Creator) { c.AvgViews = -5 }, "avg_views", []string{"-5"}},
		{"negative gmv", func(c *domain.Creator) { c.GMV30d = -100 }, "gmv_30d", []string{"-1.00"}},
		{"long niche", func(c *domain.Creator) { c.Niche = strings.Repeat("n", 65) }, "niche", nil},
		{"bad zone", func(c *domain.Creator) { c.TimeZone = "Europe/ Paris" }, "timezone", []string{"IANA"}},
		{"zone traversal", func(c *domain.Creator) { c.TimeZone = "../../etc/passwd" }, "timezone", nil},
		{"host zone", func(c *domain.Creator) { c.TimeZone = "Local" }, "timezone", []string{"Local", "IANA"}},
		{"host zone lowercase", func(c *domain.Creator) { c.TimeZone = "local" }, "timezone", nil},
		{"two-word niche", func(c *domain.Creator) { c.Niche = "two words" }, "niche", []string{"one word", "two words"}},
		{"emoji niche", func(c *domain.Creator) { c.Niche = "💄" }, "niche", []string{"one word"}},
		{"niche with punctuation", func(c *domain.Creator) { c.Niche = "beauty!" }, "niche", nil},
		{"handle ends in dot", func(c *domain.Creator) { c.Handle = "@ab." }, "handle", []string{"end"}},
		{"handle starts with dot", func(c *domain.Creator) { c.Handle = "@.ab" }, "handle", nil},
		{"handle double dot", func(c *domain.Creator) { c.Handle = "@a..b" }, "handle", []string{".."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok()
			tc.edit(&c)
			checkErr(t, c.Validate(), domain.KindInvalid, tc.field, tc.parts...)
		})
	}
}

func TestCreatorCanBeMessaged(t *testing.T) {
	base := domain.Creator{Handle: "maya_glow", DiscordID: "123456789012345678", Reachable: true}
	tests := []struct {
		name  string
		edit  func(*domain.Creator)
		parts []string // nil: may be messaged
	}{
		{"fresh", func(*domain.Creator) {}, nil},
		{"4 unanswered", func(c *domain.Creator) { c.Unanswered = 4 }, nil},
		{"no discord", func(c *domain.Creator) { c.DiscordID = "" }, []string{"@maya_glow", "no Discord"}},
		{"unreachable", func(c *domain.Creator) { c.Reachable = false }, []string{"@maya_glow", "cannot be reached"}},
		{"5 unanswered", func(c *domain.Creator) { c.Unanswered = 5 }, []string{"@maya_glow", "5 messages without an answer"}},
		{"9 unanswered", func(c *domain.Creator) { c.Unanswered = 9 }, []string{"9 messages"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.edit(&c)
			err := c.CanBeMessaged()
			if tc.parts == nil {
				noErr(t, err)
				return
			}
			checkErr(t, err, domain.KindConflict, "", tc.parts...)
		})
	}
	if domain.MaxUnanswered != 5 {
		t.Errorf("MaxUnanswered = %d, PRODUCT.md says 5", domain.MaxUnanswered)
	}
}

func TestProductValidate(t *testing.T) {
	ok := func() domain.Product {
		return domain.Product{ID: "P100", Title: "  Glow Serum ", Price: 2490, Group: " Skincare ", SampleStock: 10}
	}
	p := ok()
	noErr(t, p.Validate())
	if p.Title != "Glow Serum" || p.Group != "skincare" {
		t.Errorf("Validate normalised to title %q group %q", p.Title, p.Group)
	}
	p = domain.Product{ID: "sku-1_a.b", Title: "x"}
	noErr(t, p.Validate())
	p = domain.Product{ID: "P1", Title: "x", Price: domain.MaxPrice}
	noErr(t, p.Validate())
	p.Price = domain.MaxPrice + 1
	checkErr(t, p.Validate(), domain.KindInvalid, "price", "100000.00")

	tests := []struct {
		name  string
		edit  func(*domain.Product)
		field string
	}{
		{"empty id", func(p *domain.Product) { p.ID = "" }, "id"},
		{"id with space", func(p *domain.Product) { p.ID = "P 100" }, "id"},
		{"id with slash", func(p *domain.Product) { p.ID = "P/100" }, "id"},
		{"id too long", func(p *domain.Product) { p.ID = strings.Repeat("P", 65) }, "id"},
		{"empty title", func(p *domain.Product) { p.Title = "   " }, "title"},
		{"long title", func(p *domain.Product) { p.Title = strings.Repeat("t", 256) }, "title"},
		{"negative price", func(p *domain.Product) { p.Price = -1 }, "price"},
		{"price above the maximum", func(p *domain.Product) { p.Price = domain.MaxPrice + 1 }, "price"},
		{"group with space", func(p *domain.Product) { p.Group = "snack food" }, "group"},
		{"group with colon", func(p *domain.Product) { p.Group = "group:snacks" }, "group"},
		{"group with equals", func(p *domain.Product) { p.Group = "snacks=8%" }, "group"},
		{"long group", func(p *domain.Product) { p.Group = strings.Repeat("g", 65) }, "group"},
		{"negative stock", func(p *domain.Product) { p.SampleStock = -1 }, "stock"},
		{"huge stock", func(p *domain.Product) { p.SampleStock = 1_000_001 }, "stock"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ok()
			tc.edit(&p)
			checkErr(t, p.Validate(), domain.KindInvalid, tc.field)
		})
	}
}

func TestValidateEmail(t *testing.T) {
	for _, s := range []string{"partners@shop.com", "a.b+c@sub.example.co.uk"} {
		noErr(t, domain.ValidateEmail("contact_email", s))
	}
	for _, s := range []string{"", "partners", "partners@", "@shop.com", "Dana <dana@shop.com>", " partners@shop.com", "a@b@c.com", "partners@shop.com\nBcc: x@y.z"} {
		checkErr(t, domain.ValidateEmail("contact_email", s), domain.KindInvalid, "contact_email", "Contact e-mail must be an e-mail address")
	}
}

func TestValidateIDs(t *testing.T) {
	noErr(t, domain.ValidateDiscordID("discord_id", "123456789012345678"))
	checkErr(t, domain.ValidateDiscordID("discord_id", ""), domain.KindInvalid, "discord_id")
	noErr(t, domain.ValidateMemberID("member", "U024BE7LH"))
	noErr(t, domain.ValidateMemberID("member", "dana.c-1_x"))
	for _, s := range []string{"", "U 1", "<@U1>", strings.Repeat("U", 65)} {
		checkErr(t, domain.ValidateMemberID("member", s), domain.KindInvalid, "member")
	}
	for _, s := range []string{"P100", "A", "sku-1.2_3"} {
		noErr(t, domain.ValidateProductID("product", s))
	}
	for _, s := range []string{"", "P 100", "P100=12%", "group:snacks"} {
		checkErr(t, domain.ValidateProductID("product", s), domain.KindInvalid, "product", "like P100")
	}
	for _, s := range []string{"", "UTC", "Europe/Paris", "America/Argentina/Buenos_Aires"} {
		noErr(t, domain.ValidateTimeZone("timezone", s))
	}
	for _, s := range []string{"Europe/ Paris", "../etc", strings.Repeat("z", 65)} {
		checkErr(t, domain.ValidateTimeZone("timezone", s), domain.KindInvalid, "timezone")
	}
}
