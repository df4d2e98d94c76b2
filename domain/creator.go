package domain

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxUnanswered is TikTok's outreach rule: at most 5 messages to a creator
// before they reply. Invitations and nudges stop there.
const MaxUnanswered = 5

// Creator is a TikTok creator on the team's roster.
type Creator struct {
	ID         int64
	Handle     string // TikTok handle without "@", lowercase
	DiscordID  string // Discord user ID (snowflake); empty until linked
	Followers  int64
	AvgViews   int64
	GMV30d     Money
	Niche      string
	Categories []string
	TimeZone   string // IANA zone; empty means the team's
	Reachable  bool   // false once a DM failed because they block DMs
	Unanswered int    // messages sent since their last answer
	CreatedAt  time.Time
	ArchivedAt time.Time // set when archived: out of lists and invitations, history kept
	// Address is where free samples ship. It is personal data shown to the
	// team only where a sample ships: never serialized (the outbox stores
	// notices as JSON for every recipient), never logged.
	Address string `json:"-"`
}

var (
	handleRE    = regexp.MustCompile(`^[a-z0-9._]{2,24}$`)
	snowflakeRE = regexp.MustCompile(`^[0-9]{15,21}$`)
	memberRE    = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	productIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

// NormalizeHandle turns "@Maya_Glow" into "maya_glow" and checks TikTok's
// handle rules (letters, digits, "." and "_", 2 to 24 characters; a dot
// neither first, last nor doubled), so every surface stores the same handles.
func NormalizeHandle(field, s string) (string, error) {
	h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@"))
	switch {
	case !handleRE.MatchString(h):
		return "", Invalidf(field, "%s must be a TikTok handle of 2 to 24 letters, digits, \".\" or \"_\", like @maya_glow (got %q)", label(field), s)
	case strings.HasPrefix(h, ".") || strings.HasSuffix(h, "."):
		return "", Invalidf(field, "%s must be a TikTok handle that does not start or end with \".\", like @maya_glow (got %q)", label(field), s)
	case strings.Contains(h, ".."):
		return "", Invalidf(field, "%s must be a TikTok handle without \"..\" (two dots in a row), like @maya.glow (got %q)", label(field), s)
	}
	return h, nil
}

// ValidateDiscordID checks a Discord user ID (a numeric snowflake).
func ValidateDiscordID(field, s string) error {
	if !snowflakeRE.MatchString(s) {
		return Invalidf(field, "%s must be a Discord user ID of 15 to 21 digits (got %q)", label(field), s)
	}
	return nil
}

// ValidateMemberID checks a chat user ID (a Slack ID like U024BE7LH or a console name).
func ValidateMemberID(field, s string) error {
	if !memberRE.MatchString(s) {
		return Invalidf(field, "%s must be a user ID of letters, digits, \".\", \"_\" or \"-\" (got %q)", label(field), s)
	}
	return nil
}

// ValidateEmail checks a contact e-mail address.
func ValidateEmail(field, s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") {
		return Invalidf(field, "%s must be an e-mail address like partners@shop.com (got %q)", label(field), s)
	}
	return nil
}

// ValidateTimeZone checks an IANA zone name without loading it (domain does
// no I/O); the caller resolves it with time.LoadLocation.
func ValidateTimeZone(field, s string) error {
	if s == "" {
		return nil
	}
	if strings.EqualFold(s, "Local") {
		// "Local" is the host's zone: reminders would move with the server.
		return Invalidf(field, "%s must be an IANA zone like Europe/Paris, not Local (the server's own zone)", label(field))
	}
	if len(s) > 64 || strings.ContainsAny(s, " \t\n") || strings.Contains(s, "..") {
		return Invalidf(field, "%s must be an IANA zone like Europe/Paris (got %q)", label(field), s)
	}
	return nil
}

// ValidateNiche checks a niche: one word of letters, digits, "-" or "_",
// because offers match it against their categories word for word.
func ValidateNiche(field, s string) error {
	if TooLong(s, MaxWordLength) {
		return Invalidf(field, "%s must be one word of at most %d characters", label(field), MaxWordLength)
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return Invalidf(field, "%s must be one word of letters, digits, \"-\" or \"_\", like beauty or home-decor (got %s)", label(field), QuoteInput(s))
		}
	}
	return nil
}

// MaxPrice bounds a product's price: a typo of a few digits (2490 for
// 24.90) should not reach the catalog.
const MaxPrice Money = 100_000_00

// Validate checks a creator before it is stored.
func (c *Creator) Validate() error {
	var p Problems // every field's problem at once, as a form shows them
	if h, err := NormalizeHandle("handle", c.Handle); err != nil {
		p.Add(err)
	} else {
		c.Handle = h
	}
	if c.DiscordID != "" {
		p.Add(ValidateDiscordID("discord_id", c.DiscordID))
	}
	if c.Followers < 0 || c.Followers > MaxAudience {
		p.Add(Invalidf("followers", "Followers must be a whole number from 0 to %s (got %d)", Grouped(MaxAudience), c.Followers))
	}
	if c.AvgViews < 0 || c.AvgViews > MaxAudience {
		p.Add(Invalidf("avg_views", "Average views must be a whole number from 0 to %s (got %d)", Grouped(MaxAudience), c.AvgViews))
	}
	if c.GMV30d < 0 {
		p.Add(Invalidf("gmv_30d", "30-day GMV cannot be negative (got %s)", c.GMV30d))
	}
	c.Niche = strings.ToLower(strings.TrimSpace(c.Niche))
	p.Add(ValidateNiche("niche", c.Niche))
	for i, cat := range c.Categories {
		c.Categories[i] = strings.ToLower(strings.TrimSpace(cat))
	}
	if c.Address != "" {
		if a, err := NormalizeAddress("address", c.Address); err != nil {
			p.Add(err)
		} else {
			c.Address = a
		}
	}
	p.Add(ValidateTimeZone("timezone", c.TimeZone))
	return p.Err()
}

// At is "@handle", how people see a creator.
func (c Creator) At() string { return "@" + c.Handle }

// CanBeMessaged reports whether outreach may send this creator another
// message, and why not.
func (c Creator) CanBeMessaged() error {
	switch {
	case c.DiscordID == "":
		return Errorf(KindConflict, "%s has no Discord account linked: ask them to type /link %s in Discord (a seller confirms it), or set it with creator set %s discord=<their Discord user ID>; then invite them again", c.At(), c.Handle, c.At())
	case !c.Reachable:
		return Errorf(KindConflict, "%s cannot be reached by Discord DM (they block DMs from the bot)", c.At())
	case c.Unanswered >= MaxUnanswered:
		return Errorf(KindConflict, "%s has %d messages without an answer; TikTok's outreach rule stops at %d", c.At(), c.Unanswered, MaxUnanswered)
	}
	return nil
}

// Product is an item of the shop's catalog that creators can promote.
type Product struct {
	ID          string // the shop's product ID, e.g. "P100"
	Title       string
	Price       Money
	Group       string    // product group for group-scope commission rules
	SampleStock int       // free-sample units left to give
	ArchivedAt  time.Time // set when archived: out of lists, plans and invitations, history kept
}

// ValidateProductID checks a product ID as typed by a seller.
func ValidateProductID(field, s string) error {
	if !productIDRE.MatchString(s) {
		return Invalidf(field, "%s must be 1 to 64 letters, digits, \".\", \"_\" or \"-\", like P100 (got %q)", label(field), s)
	}
	return nil
}

// Validate checks a product before it is stored.
func (p *Product) Validate() error {
	var problems Problems // every field's problem at once, as a form shows them
	problems.Add(ValidateProductID("id", p.ID))
	p.Title = strings.TrimSpace(p.Title)
	if p.Title == "" {
		problems.Add(Invalidf("title", "Title is required, like \"Glow Serum\""))
	} else if TooLong(p.Title, MaxTitleLength) {
		problems.Add(Invalidf("title", "Title must be at most %d characters (got %d)", MaxTitleLength, utf8.RuneCountInString(p.Title)))
	}
	if p.Price < 0 || p.Price > MaxPrice {
		problems.Add(Invalidf("price", "Price must be from 0.00 to %s (got %s)", MaxPrice, p.Price))
	}
	p.Group = strings.ToLower(strings.TrimSpace(p.Group))
	if TooLong(p.Group, MaxWordLength) || strings.ContainsAny(p.Group, " =:") {
		problems.Add(Invalidf("group", "Group must be one word of at most 64 characters, like snacks (got %q)", p.Group))
	}
	if p.SampleStock < 0 || p.SampleStock > 1_000_000 {
		problems.Add(Invalidf("stock", "Stock must be a whole number from 0 to 1,000,000 (got %d)", p.SampleStock))
	}
	return problems.Err()
}
