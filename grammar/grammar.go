package grammar

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// MaxCommandLength caps a command line, in characters; Slack and Discord
// allow longer text, but no honest command needs it and parsing stays cheap.
const MaxCommandLength = 4000

// Text limits: the domain's own, checked here so the user hears about them
// while typing, and the grammar's own caps.
const (
	maxNameLength   = domain.MaxNameLength
	maxNoteLength   = domain.MaxNoteLength
	maxTermsLength  = domain.MaxTermsLength
	maxWordLength   = domain.MaxWordLength
	maxCategories   = 20
	maxSampleUnits  = 10
	maxSampleStock  = 1_000_000
	maxPostDays     = 90
	maxAudience     = 5_000_000_000
	maxPlanDays     = 3650
	maxTrackingText = domain.MaxTrackingLength
)

// verbSpec is one verb: how Usage, Help and error messages describe it,
// how its arguments are read, and what it runs. Adding a verb is adding a
// row to verbSpecs.
type verbSpec struct {
	name    string
	args    string
	summary string
	example string
	detail  string
	who     verbAudience
	// mine is how a creator writes a verb the team also has: the filter
	// by creator is the team's, so a creator's help does not offer it.
	mine  *verbSpec
	parse func(p *lineParser, cmd *Command, args []cmdToken)
	run   func(x call) (present.Card, error)
}

type verbAudience int

const (
	forTeam verbAudience = iota
	forManagers
	forCreators
	forEveryone
)

const sampleOptionsHelp = `Free sample options (any of them adds a sample offer):
  samples=1                 units per creator and product (1 to 10, default 1)
  stock=20                  units this offer may give out in all (0 to 1000000; 0 = product stock)
  approval=none             send samples without a manager's approval (default: manager)
  min-followers=1000        creator requirements; 52k and 1.2m work too
  min-views=500
  min-gmv=100.00
  categories=beauty,skincare  creator niches that qualify
  post-days=14              days to post after shipping (1 to 90, default 14)
  terms="..."               free-text terms (up to 1000 characters)
  sample-from=2026-05-01 sample-until=2026-05-31  when samples can be requested`

// verbSpecs is the grammar's table of verbs, in the order help lists them.
// It is filled in init: its parsers name usage hints, which read it.
var verbSpecs []verbSpec

func init() {
	verbSpecs = []verbSpec{
		{name: "help", args: "[command]", summary: "Show the commands, or the details of one.", example: "help request", who: forEveryone, parse: parseHelp, run: runHelp},
		{name: "invite", args: `@creator[=rate]... PRODUCT... RATE% [expires=YYYY-MM-DD|Nd] [email=ADDRESS] [name="..."] [sample options] [draft] ["message"]`,
			summary: "Invite creators to a targeted collaboration.",
			example: `invite @maya_glow @leo=12% P100 P200 15% expires=14d "Loved your serum video!"`,
			detail: `Creators: 1 to 50 @handles; give one a rate of their own with @leo=12%.
Products: 1 to 100 product IDs.
RATE%: the commission for creators without their own rate, 1% to 80% (rate=15 works too).
Options:
  expires=2026-12-31 or expires=14d  when the offer lapses (default 30 days, at most 365)
  email=partners@shop.com            contact e-mail shown to creators
  name="Spring Sale"                 a name for the collaboration
  draft                              preview a personal message for each creator; nothing is sent
  "message"                          your message to the creators (up to 2000 characters)
` + sampleOptionsHelp, who: forTeam, parse: parseInvite, run: runInvite},
		{name: "plan", args: `"NAME" RULE... [start=YYYY-MM-DD] [end=YYYY-MM-DD|Nd] [sample options]`,
			summary: "Create an open plan any creator can join.",
			example: `plan "Spring" P100=12% group:snacks=8% all=5% end=2026-06-30`,
			detail: `Rules (the most specific wins, each 1% to 80%):
  P100=12%          one product
  group:snacks=8%   a product group
  all=5%            every product
Options:
  name="Spring"     instead of the quoted name
  start=2026-05-01  first day (default: now)
  end=2026-06-30    last day, inclusive; end=30d counts from the start
` + sampleOptionsHelp, who: forTeam, parse: parsePlan, run: runPlan},
		{name: "plan pause", args: `PL3|"NAME"`, summary: "Pause an open plan.", example: "plan pause PL3", who: forTeam, parse: parsePlanRef, run: runPlanState},
		{name: "plan resume", args: `PL3|"NAME"`, summary: "Resume a paused plan.", example: `plan resume "Spring"`, who: forTeam, parse: parsePlanRef, run: runPlanState},
		{name: "plan end", args: `PL3|"NAME"`, summary: "End an open plan for good.", example: "plan end PL3", who: forTeam, parse: parsePlanRef, run: runPlanState},
		{name: "plans", args: "", summary: "List the open plans and the rate each product pays.", example: "plans", who: forEveryone, parse: parseNoArgs, run: runPlans},
		{name: "invitations", args: "[@creator] [pending|accepted|declined|expired|withdrawn]", summary: "List invitations.", example: "invitations @maya_glow pending", who: forEveryone, parse: (*lineParser).invitations, run: runInvitations,
			mine: &verbSpec{name: "invitations", args: "[pending|accepted|declined|expired|withdrawn]", summary: "List your invitations.", example: "invitations pending"}},
		{name: "samples", args: "[@creator] [requested|approved|rejected|cancelled|expired|shipped|completed|overdue]", summary: "List sample requests.", example: "samples requested", who: forEveryone, parse: (*lineParser).samples, run: runSamples,
			mine: &verbSpec{name: "samples", args: "[requested|approved|rejected|cancelled|expired|shipped|completed|overdue]", summary: "List your sample requests.", example: "samples shipped"}},
		{name: "creators", args: "[niche]", summary: "List the creator roster.", example: "creators beauty", who: forTeam, parse: parseCreators, run: runCreators},
		{name: "creator add", args: "@creator [discord=ID] [followers=N] [views=N] [gmv=AMOUNT] [niche=WORD] [categories=a,b] [tz=ZONE] [address=\"..\"]",
			summary: "Add a creator to the roster.",
			example: "creator add @maya_glow discord=123456789012345678 followers=52k views=8000 niche=beauty tz=Europe/Paris",
			detail: `  discord=123456789012345678  their Discord user ID, so invitations reach them
  followers=52k, views=8000   followers and average video views (52k and 1.2m work)
  gmv=1200.50                 their 30-day GMV
  niche=beauty                main niche; categories=beauty,skincare for more
  tz=Europe/Paris             their time zone, for reminders
  address="1 Rue X, Paris"    where free samples ship (shown to the team only)`, who: forTeam, parse: parseCreatorAdd, run: runCreatorAdd},
		{name: "creator set", args: "@creator [discord=ID] [followers=N] [views=N] [gmv=AMOUNT] [niche=WORD] [categories=a,b] [tz=ZONE] [address=\"..\"]",
			summary: "Correct a roster creator: Discord ID, followers, views, GMV, niche, categories or time zone.",
			example: "creator set @maya_glow followers=60k discord=123456789012345678",
			detail: `Only the options given change; the rest is kept, and so is the creator's history.
A new discord= ID makes a creator who blocked DMs reachable again; so does their own ID given again,
once they joined the team's server or opened their DMs.`, who: forTeam, parse: parseCreatorSet, run: runCreatorSet},
		{name: "products", args: "", summary: "List the product catalog.", example: "products", who: forTeam, parse: parseNoArgs, run: runProducts},
		{name: "product add", args: `PRODUCT "TITLE" [price=AMOUNT] [group=WORD] [stock=N]`, summary: "Add a product to the catalog.",
			example: `product add P100 "Glow Serum" price=24.90 group=skincare stock=50`,
			detail: `  price=24.90      the product's price
  group=skincare   its product group, for group:NAME=rate plan rules
  stock=50         free-sample units available (0 to 1000000)
A product already in the catalog is changed with product set.`, who: forTeam, parse: parseProductAdd, run: runProductAdd},
		{name: "product set", args: `PRODUCT [title="TITLE"] [price=AMOUNT] [group=WORD] [stock=N]`, summary: "Correct a product: rename, reprice, regroup or restock it.",
			example: `product set P100 stock=20 price=19.90`,
			detail: `Only the options given change; the rest is kept, and so is the product's history.
  title="Glow Serum 2"  a new title
  price=19.90           a new price (0.00 to 100000.00)
  group=skincare        a new product group (group="" is not allowed: give the new group)
  stock=20              free-sample units left now (0 to 1000000): restock or correct the count`, who: forTeam, parse: parseProductSet, run: runProductSet},
		{name: "creator archive", args: "@creator", summary: "Take a creator off the roster's lists and out of new invitations; their history stays.", example: "creator archive @maya_glow", who: forTeam, parse: parseOneCreator, run: runCreatorArchive},
		{name: "creator restore", args: "@creator", summary: "Bring an archived creator back onto the roster.", example: "creator restore @maya_glow", who: forTeam, parse: parseOneCreator, run: runCreatorRestore},
		{name: "product archive", args: "PRODUCT", summary: "Take a product out of the catalog, plans and new invitations; its history stays.", example: "product archive P100", who: forTeam, parse: parseOneProduct, run: runProductArchive},
		{name: "product restore", args: "PRODUCT", summary: "Bring an archived product back into the catalog.", example: "product restore P100", who: forTeam, parse: parseOneProduct, run: runProductRestore},
		{name: "report", args: "", summary: "Show the collaboration funnel and each sample's return.", example: "report", who: forTeam, parse: parseNoArgs, run: runReport},
		{name: "role", args: "@member seller|manager|none", summary: "Give a team member the seller or manager role, or take their role away (none).", example: "role @U024BE7LH manager", who: forManagers, parse: (*lineParser).role, run: runRole},
		{name: "withdraw", args: "I12", summary: "Withdraw a pending invitation.", example: "withdraw I12", who: forTeam, parse: parseInvitationRef, run: runWithdraw},
		{name: "rate", args: "I12 RATE%", summary: "Change an invitation's commission (a lower rate applies from tomorrow).", example: "rate I12 10%", who: forTeam, parse: (*lineParser).rate, run: runRate},
		{name: "approve", args: "S12", summary: "Approve a sample request.", example: "approve S12", who: forManagers, parse: parseSampleRef, run: runApprove},
		{name: "reject", args: `S12 not_match|out_of_stock|offline|other ["note"]`, summary: "Reject a sample request with a reason (other needs a note).", example: `reject S12 other "We are out of this shade"`, who: forManagers, parse: (*lineParser).reject, run: runReject},
		{name: "cancel", args: `S12 ["reason"]`, summary: "Cancel a sample request before it ships (creators: their own).", example: `cancel S12 "Changed my plans"`, who: forEveryone, parse: parseCancel, run: runCancel},
		{name: "ship", args: "S12 [tracking]", summary: "Mark a sample shipped; the posting deadline starts.", example: "ship S12 1Z999AA10123456784", who: forTeam, parse: parseShip, run: runShip},
		{name: "extend", args: "S12", summary: "Give one more week to post (once, when due soon or overdue).", example: "extend S12", who: forTeam, parse: parseSampleRef, run: runExtend},
		{name: "history", args: "I12|S12|PL3|PRODUCT|@creator", summary: "Show who did what to an invitation, sample, plan, product or creator.", example: "history S12", who: forTeam, parse: (*lineParser).history, run: runHistory},
		{name: "accept", args: "I12", summary: "Accept an invitation.", example: "accept I12", who: forCreators, parse: parseInvitationRef, run: runAccept},
		{name: "decline", args: `I12 ["reason"]`, summary: "Decline an invitation.", example: `decline I12 "Not my niche"`, who: forCreators, parse: parseDecline, run: runDecline},
		{name: "request", args: `PRODUCT [PL3|I12] [qty=N] ["note"]`, summary: "Ask for a free sample, through a plan or an invitation.", example: `request P100 PL3 "I film on Sundays"`, who: forCreators, parse: parseRequest, run: runRequest},
		{name: "content", args: "S12 LINK", summary: "Submit the TikTok video or LIVE link for a sample.", example: "content S12 https://www.tiktok.com/@maya_glow/video/7301234567890123456", who: forCreators, parse: (*lineParser).content, run: runContent},
		{name: "link", args: "@handle [discord=ID]", summary: "Ask to link your Discord account to your TikTok handle (the seller team confirms it; discord= names the account at the console).", example: "link @maya_glow", who: forCreators, parse: (*lineParser).link, run: runLink},
	}
}

func verbSpecFor(name string) (verbSpec, bool) {
	for _, s := range verbSpecs {
		if s.name == name {
			return s, true
		}
	}
	return verbSpec{}, false
}

// Usage is the one-line usage of a verb ("" for an unknown one), for error
// messages and help.
func Usage(name string) string {
	s, ok := verbSpecFor(strings.ToLower(strings.TrimSpace(name)))
	if !ok {
		return ""
	}
	if s.args == "" {
		return s.name
	}
	return s.name + " " + s.args
}

// cmdToken is one word of a command line. A token with an unquoted "=" before
// any quote is also split into key and value, but text keeps the whole word
// because some verbs (content links with query strings) want it verbatim.
type cmdToken struct {
	text   string
	quoted bool // the token began with a double quote
	kv     bool
	key    string
	value  string
}

var smartQuotes = strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u2018", "'", "\u2019", "'")

// tokenize splits a command line on whitespace, keeping double-quoted
// strings (with \" and \\ escapes) together. Only an unclosed quote
// returns tokens beside its error.
func tokenize(text string) ([]cmdToken, error) {
	if !utf8.ValidString(text) {
		return nil, domain.Invalidf("command", "Command must be plain text (it has bytes that are not UTF-8)")
	}
	if n := utf8.RuneCountInString(text); n > MaxCommandLength {
		return nil, domain.Invalidf("command", "Command is too long: at most %d characters (got %d)", MaxCommandLength, n)
	}
	text = smartQuotes.Replace(text)
	var (
		toks    []cmdToken
		buf     strings.Builder
		cur     cmdToken
		in      bool // inside a token
		inQuote bool
		hadQ    bool // the current token has a quoted part
		valAt   int  // where the value starts in buf, for key=value tokens
		qStart  int  // byte offset of the open quote, for the error
	)
	flush := func() {
		if !in {
			return
		}
		cur.text = buf.String()
		if cur.kv {
			cur.value = cur.text[valAt:]
		}
		toks = append(toks, cur)
		buf.Reset()
		cur, in, hadQ = cmdToken{}, false, false
	}
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		at := i
		i += w
		switch {
		case unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r':
			// NUL and friends are never typed on purpose, and PostgreSQL
			// refuses NUL in text, so they stop here rather than in the store.
			return nil, domain.Invalidf("command", "Command must be plain text (it has the control character %U)", r)
		case inQuote && r == '\\' && i < len(text) && (text[i] == '"' || text[i] == '\\'):
			buf.WriteByte(text[i])
			i++
		case r == '"':
			if !inQuote && !in {
				cur.quoted = true
			}
			if !inQuote {
				qStart = at
			}
			inQuote, in, hadQ = !inQuote, true, true
		case inQuote:
			buf.WriteRune(r)
		case unicode.IsSpace(r):
			flush()
		case r == '=' && !cur.kv && !hadQ:
			cur.kv, cur.key = true, buf.String()
			buf.WriteRune(r)
			valAt = buf.Len()
			in = true
		default:
			buf.WriteRune(r)
			in = true
		}
	}
	if inQuote {
		rest := []rune(strings.Join(strings.Fields(text[qStart:]), " "))
		if len(rest) > 40 {
			rest = append(rest[:40], '…')
		}
		// The tokens read so far still go back, closing the quote at the
		// end, so an unfinished invite can prefill a modal.
		flush()
		return toks, domain.Invalidf("command", "A quote is not closed: add the closing \" after %s", string(rest))
	}
	flush()
	return toks, nil
}

// Parse reads one command line as typed after /collab in Slack, in the
// console, or by a creator. now and loc resolve relative and calendar dates.
// A recognised verb always sets Name, even with an error; invite and plan
// also return what they could read, so an adapter can open a modal
// prefilled with it. Every error is a domain KindInvalid error whose Field
// names the input at fault.
func Parse(text string, now time.Time, loc *time.Location) (Command, error) {
	if loc == nil {
		loc = time.UTC
	}
	toks, quoteErr := tokenize(text)
	if quoteErr != nil && len(toks) == 0 {
		return Command{}, quoteErr
	}
	if len(toks) > 0 && !toks[0].quoted && strings.EqualFold(toks[0].text, "/collab") {
		toks = toks[1:]
	}
	if len(toks) == 0 {
		return Command{Name: "help"}, nil
	}
	p := &lineParser{now: now, loc: loc}
	name, args, err := verbOf(toks)
	if quoteErr != nil {
		err = quoteErr
	}
	if name == "" {
		return Command{}, err
	}
	cmd := p.parse(name, args)
	if err != nil {
		return cmd, err
	}
	return cmd, p.problems.Err()
}

// verbOf finds the verb, which may be two words ("creator add", "plan pause").
func verbOf(toks []cmdToken) (string, []cmdToken, error) {
	first := toks[0]
	head := strings.ToLower(strings.TrimPrefix(first.text, "/"))
	if first.quoted || first.kv || head == "" {
		return "", nil, unknownCommand(first.text)
	}
	second := ""
	if len(toks) > 1 && !toks[1].quoted && !toks[1].kv {
		second = strings.ToLower(toks[1].text)
	}
	switch head {
	case "creator", "product":
		switch second {
		case "add", "set", "archive", "restore":
			return head + " " + second, toks[2:], nil
		}
		return "", nil, domain.Invalidf("command", "Unknown command %s. Did you mean: %s, %s, %s or %s?", domain.QuoteInput(strings.TrimSpace(first.text+" "+second)), Usage(head+" add"), Usage(head+" set"), Usage(head+" archive"), Usage(head+" restore"))
	case "plan":
		switch second {
		case "pause", "resume", "end":
			return "plan " + second, toks[2:], nil
		case "stop", "close", "finish", "delete", "remove", "cancel", "start", "open", "unpause", "activate", "restart":
			return "", nil, domain.Invalidf("command", "Unknown plan action %s: use plan pause, plan resume or plan end, like plan pause PL3", domain.QuoteInput(second))
		}
	}
	if _, ok := verbSpecFor(head); !ok || strings.Contains(head, " ") {
		return "", nil, unknownCommand(first.text)
	}
	return head, toks[1:], nil
}

func verbList() string {
	names := make([]string, 0, len(verbSpecs))
	for _, s := range verbSpecs {
		if strings.HasPrefix(s.name, "plan ") {
			continue
		}
		names = append(names, s.name)
	}
	return strings.Join(names, ", ")
}

func unknownCommand(word string) error {
	hint := ""
	if m := closestVerb(strings.ToLower(word)); m != "" {
		hint = " Did you mean " + strconv.Quote(m) + "?"
	}
	return domain.Invalidf("command", "Unknown command %s.%s Try: %s", domain.QuoteInput(word), hint, verbList())
}

// closestVerb suggests the verb a typo most likely meant.
func closestVerb(word string) string {
	if len(word) < 3 || len(word) > 20 {
		return ""
	}
	best, bestD := "", 3
	for _, s := range verbSpecs {
		if strings.Contains(s.name, " ") {
			continue
		}
		if d := editDistance(word, s.name); d < bestD {
			best, bestD = s.name, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// lineParser holds the clock and the first error. Verbs keep reading after an
// error so invite and plan can hand back everything that was readable.
type lineParser struct {
	now time.Time
	loc *time.Location
	// problems gathers every error of the line, so one answer names them all.
	problems domain.Problems
	draft    bool // invite ... draft: preview the drafts, send nothing
}

func (p *lineParser) fail(err error) {
	p.problems.Add(err)
}

func (p *lineParser) parse(name string, args []cmdToken) Command {
	cmd := Command{Name: name}
	if spec, ok := verbSpecFor(name); ok {
		spec.parse(p, &cmd, args)
	}
	return cmd
}

func parseHelp(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.Text = strings.ToLower(strings.TrimSpace(tokenTexts(args)))
}

func parseInvite(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.Invite = p.invite(args)
	cmd.Draft = p.draft
}

func parsePlan(p *lineParser, cmd *Command, args []cmdToken) { cmd.Plan = p.plan(args) }

func parsePlanRef(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.ID, cmd.Text = p.planRef(cmd.Name, args)
}

func parseNoArgs(p *lineParser, cmd *Command, args []cmdToken) { p.noArgs(cmd.Name, args) }

func parseCreators(p *lineParser, cmd *Command, args []cmdToken) {
	p.noOptions(cmd.Name, args)
	cmd.Niche = strings.ToLower(strings.TrimSpace(tokenTexts(args)))
	p.fail(domain.CheckInput("niche", 100, cmd.Niche, domain.ValidateNiche))
}

func parseCreatorAdd(p *lineParser, cmd *Command, args []cmdToken) { cmd.Creator = p.creatorAdd(args) }

func parseProductAdd(p *lineParser, cmd *Command, args []cmdToken) { cmd.Product = p.productAdd(args) }

func parseCreatorSet(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.Handle, cmd.CreatorChange = p.creatorSet(args)
}

func parseProductSet(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.Text, cmd.ProductChange = p.productSet(args)
}

func parseOneCreator(p *lineParser, cmd *Command, args []cmdToken) {
	if len(args) != 1 || args[0].quoted || args[0].kv {
		p.fail(domain.Invalidf("creator", "Name one creator, like @maya_glow.%s", usageHint(cmd.Name)))
		return
	}
	h, err := domain.HandleInput("creator", args[0].text)
	p.fail(err)
	cmd.Handle = h
}

func parseOneProduct(p *lineParser, cmd *Command, args []cmdToken) {
	if len(args) != 1 || args[0].quoted || args[0].kv {
		p.fail(domain.Invalidf("product", "Name one product ID, like P100.%s", usageHint(cmd.Name)))
		return
	}
	p.fail(domain.CheckInput("product", 100, args[0].text, domain.ValidateProductID))
	cmd.Text = args[0].text
}

func parseInvitationRef(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.ID = p.onlyRef(cmd.Name, args, refInvitation)
}

func parseSampleRef(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.ID = p.onlyRef(cmd.Name, args, refSample)
}

func parseCancel(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.ID, cmd.Text = p.refAndText(cmd.Name, args, refSample, "reason", maxNoteLength)
}

func parseShip(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.ID, cmd.Text = p.refAndText(cmd.Name, args, refSample, "tracking", maxTrackingText)
}

func parseDecline(p *lineParser, cmd *Command, args []cmdToken) {
	cmd.ID, cmd.Text = p.refAndText(cmd.Name, args, refInvitation, "reason", maxNoteLength)
}

func parseRequest(p *lineParser, cmd *Command, args []cmdToken) { cmd.Sample = p.request(args) }

// history reads the one thing whose audit trail to show, as an audit
// subject: "invitation:12", "sample:12", "plan:3", "product:P100", or
// "@handle" for the executor to resolve.
func (p *lineParser) history(cmd *Command, args []cmdToken) {
	if len(args) != 1 {
		p.fail(domain.Invalidf("id", "Say what to show the history of, like S12, I12, PL3, P100 or @maya_glow.%s", usageHint("history")))
		return
	}
	t := args[0].text
	for _, k := range []struct {
		ref  refKind
		kind string
	}{{refPlan, "plan"}, {refInvitation, "invitation"}, {refSample, "sample"}} {
		if len(t) > len(k.ref.prefix) && strings.EqualFold(t[:len(k.ref.prefix)], k.ref.prefix) && looksLikeRef(k.ref, t) {
			id, err := parseRef(k.ref, t)
			p.fail(err)
			cmd.Text = fmt.Sprintf("%s:%d", k.kind, id)
			return
		}
	}
	if strings.HasPrefix(t, "@") {
		h, err := domain.HandleInput("creator", t)
		p.fail(err)
		cmd.Handle = h
		return
	}
	p.fail(domain.CheckInput("id", 100, t, domain.ValidateProductID))
	cmd.Text = "product:" + t
}

func tokenTexts(args []cmdToken) string {
	words := make([]string, len(args))
	for i, t := range args {
		words[i] = t.text
	}
	return strings.Join(words, " ")
}

func usageHint(name string) string { return " Usage: " + Usage(name) }

func (p *lineParser) noArgs(name string, args []cmdToken) {
	if len(args) > 0 {
		p.fail(domain.Invalidf("command", "%s takes no arguments (got %s).%s", strconv.Quote(name), domain.QuoteInput(tokenTexts(args)), usageHint(name)))
	}
}

func (p *lineParser) noOptions(name string, args []cmdToken) {
	for _, t := range args {
		if t.kv {
			p.fail(domain.Invalidf("options", "%s takes no options (got %s).%s", strconv.Quote(name), domain.QuoteInput(t.text), usageHint(name)))
			return
		}
	}
}

// optionKey normalises a key so min_followers, Min-Followers and min-followers
// are one option, and maps aliases to the name help shows.
func optionKey(key string) string {
	k := strings.ReplaceAll(strings.ToLower(key), "_", "-")
	switch k {
	case "contact", "contact-email":
		return "email"
	case "expiry", "expires-at":
		return "expires"
	case "commission", "commission-rate":
		return "rate"
	case "discord-id":
		return "discord"
	case "avg-views":
		return "views"
	case "gmv-30d":
		return "gmv"
	case "timezone", "time-zone":
		return "tz"
	case "quantity":
		return "qty"
	case "post-within-days":
		return "post-days"
	}
	return k
}

// optionFields maps an option to the input field its errors name, which is
// also the field name the domain's own validation uses.
var optionFields = map[string]string{
	"expires": "expires", "email": "contact_email", "name": "name", "rate": "commission_rate", "message": "message",
	"samples": "samples", "stock": "stock", "approval": "approval", "min-followers": "min_followers",
	"min-views": "min_views", "min-gmv": "min_gmv", "categories": "categories", "post-days": "post_within_days",
	"terms": "terms", "sample-from": "sample_window", "sample-until": "sample_window", "start": "start", "end": "end",
	"discord": "discord_id", "followers": "followers", "views": "avg_views", "gmv": "gmv_30d", "niche": "niche",
	"tz": "timezone", "price": "price", "group": "group", "qty": "quantity", "title": "title",
	"address": "address",
}

var sampleKeys = []string{"samples", "stock", "approval", "min-followers", "min-views", "min-gmv", "categories", "post-days", "terms", "sample-from", "sample-until"}

var verbKeys = map[string][]string{
	"invite":      append([]string{"expires", "email", "name", "rate", "message"}, sampleKeys...),
	"plan":        append([]string{"name", "start", "end"}, sampleKeys...),
	"creator add": {"discord", "followers", "views", "gmv", "niche", "categories", "tz", "address"},
	"product add": {"price", "group", "stock"},
	"creator set": {"discord", "followers", "views", "gmv", "niche", "categories", "tz", "address"},
	"link":        {"discord"},
	"product set": {"title", "price", "group", "stock"},
	"request":     {"qty"},
}

// known reports whether key is an option of verb; a second use of one
// option is an error because silently keeping either value would surprise.
func (p *lineParser) known(verb, key string, raw cmdToken, seen map[string]bool) bool {
	for _, k := range verbKeys[verb] {
		if k == key {
			if seen[key] {
				p.fail(domain.Invalidf(optionFields[key], "%s= is given twice; give it once", key))
				return false
			}
			seen[key] = true
			return true
		}
	}
	hint := ""
	if verb == "plan" {
		hint = "; rates look like P100=12%, group:snacks=8% or all=5%"
	}
	p.fail(domain.Invalidf("options", "Unknown option %s for %s. Allowed: %s%s", domain.QuoteInput(raw.key), verb, strings.Join(verbKeys[verb], ", "), hint))
	return false
}

func (p *lineParser) invite(args []cmdToken) *commands.InviteRequest {
	req := &commands.InviteRequest{}
	seen := map[string]bool{}
	handles := map[string]bool{}
	prods := map[string]bool{}
	defaultRate := ""
	hasMessage := false
	badRate := map[string]bool{} // creators whose own rate was unreadable: not "missing" too
	var readAsRate []string      // numbers already reported as a rate typo
	setDefault := func(s string) {
		if defaultRate != "" {
			p.fail(domain.Invalidf("commission_rate", "Give one default commission rate (got %s and %s); set other creators' rates like @leo=12%%", domain.QuoteInput(defaultRate), domain.QuoteInput(s)))
			return
		}
		defaultRate = s
		r, err := domain.RateInput("commission_rate", s)
		p.fail(err)
		req.Rate = r
	}
	addCreator := func(raw, rate string, hasRate bool) {
		h, err := domain.HandleInput("creators", raw)
		if err != nil {
			p.fail(err)
			return
		}
		if handles[h] {
			p.fail(domain.Invalidf("creators", "Creators: @%s is listed twice", h))
			return
		}
		handles[h] = true
		target := commands.InviteTarget{Handle: h}
		if hasRate {
			r, err := domain.RateInput("commission_rate", rate)
			if err != nil {
				p.fail(domain.Invalidf("commission_rate", "@%s: %s", h, domain.ErrorMessage(err)))
				badRate[h] = true
			}
			target.Rate = r
		}
		req.Creators = append(req.Creators, target)
	}
	setMessage := func(s string) {
		if hasMessage {
			p.fail(domain.Invalidf("message", "Put the whole message in one pair of quotes"))
			return
		}
		hasMessage = true
		req.Message = s
		if n := utf8.RuneCountInString(s); n > domain.MaxMessageLength {
			p.fail(domain.Invalidf("message", "Message must be at most %d characters (got %d)", domain.MaxMessageLength, n))
		}
	}
	for _, t := range args {
		if !t.quoted {
			// People list creators and products as in prose: "@maya, @leo P100, P200".
			t.text, t.value = strings.TrimRight(t.text, ","), strings.TrimRight(t.value, ",")
			if t.text == "" {
				continue
			}
		}
		switch {
		case t.quoted && !t.kv:
			setMessage(t.text)
		case strings.HasPrefix(t.text, "@"):
			if t.kv {
				addCreator(t.key, t.value, true)
			} else {
				addCreator(t.text, "", false)
			}
		case t.kv:
			key := optionKey(t.key)
			if !p.known("invite", key, t, seen) {
				continue
			}
			switch key {
			case "expires":
				req.Expires = p.expires(t.value)
			case "email":
				req.ContactEmail = unSlack(t.value)
				p.fail(domain.CheckInput("contact_email", 254, req.ContactEmail, domain.ValidateEmail))
			case "name":
				req.Name = p.name(t.value)
			case "rate":
				setDefault(t.value)
			case "message":
				delete(seen, key)
				setMessage(t.value)
			default:
				p.sampleOption(&req.Sample, key, t.value)
			}
		case isPercentWord(t.text) && len(req.Products) > 0 && isNumber(req.Products[len(req.Products)-1]):
			// "15 %": the number went to the products before its sign came.
			n := req.Products[len(req.Products)-1]
			req.Products = req.Products[:len(req.Products)-1]
			delete(prods, strings.ToLower(n))
			readAsRate = append(readAsRate, n)
			p.fail(domain.Invalidf("commission_rate", "%s was read as a product ID and %s alone is not a rate; write %s%% with no space", n, domain.QuoteInput(t.text), n))
		case strings.HasSuffix(t.text, "%"):
			setDefault(t.text)
		case strings.EqualFold(t.text, "draft"):
			p.draft = true
		case domain.ValidateProductID("products", t.text) == nil:
			if prods[strings.ToLower(t.text)] { // product IDs match without case
				p.fail(domain.Invalidf("products", "Products: %s is listed twice", t.text))
				continue
			}
			prods[strings.ToLower(t.text)] = true
			req.Products = append(req.Products, t.text)
		default:
			p.fail(domain.Invalidf("products", "%s is not a creator (@maya_glow), product ID (P100), rate (15%%), option (expires=14d) or quoted message.%s", domain.QuoteInput(t.text), usageHint("invite")))
		}
	}
	p.checkSample(req.Sample)
	switch n := len(req.Creators); {
	case n == 0:
		p.fail(domain.Invalidf("creators", "Add 1 to %d creators, like @maya_glow.%s", domain.MaxInviteCreators, usageHint("invite")))
	case n > domain.MaxInviteCreators:
		p.fail(domain.Invalidf("creators", "Creators: pick 1 to %d creators (got %d)", domain.MaxInviteCreators, n))
	}
	switch n := len(req.Products); {
	case n == 0:
		p.fail(domain.Invalidf("products", "Add 1 to %d product IDs, like P100.%s", domain.MaxInviteProducts, usageHint("invite")))
	case n > domain.MaxInviteProducts:
		p.fail(domain.Invalidf("products", "Products: pick 1 to %d products (got %d)", domain.MaxInviteProducts, n))
	}
	if defaultRate == "" {
		var missing []string
		for _, c := range req.Creators {
			if c.Rate == 0 && !badRate[c.Handle] {
				missing = append(missing, "@"+c.Handle)
			}
		}
		misread := misreadRates(req.Products)
		switch {
		case len(missing) == 0 || len(readAsRate) > 0:
		case len(missing) == 1:
			p.fail(domain.Invalidf("commission_rate", "Commission rate is missing for %s: add 15%% or %s=15%%%s", missing[0], missing[0], misread))
		default:
			p.fail(domain.Invalidf("commission_rate", "Commission rate is missing for %s: add one rate for all, like 15%%, or one each, like %s=15%%%s", strings.Join(missing, ", "), missing[0], misread))
		}
	}
	// The use case's own checks, for fields the line itself did not get
	// wrong: one answer lists every problem, worded as a form shows them.
	p.problems.AddNew(commands.CheckInvite(*req, p.now, p.loc))
	return req
}

// isPercentWord tells a "%" typed apart from its number.
func isPercentWord(s string) bool {
	switch strings.ToLower(s) {
	case "%", "percent", "pct":
		return true
	}
	return false
}

func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789.") == "" && strings.Count(s, ".") <= 1 && s != "."
}

// numberWords are the rates people may spell out; a product ID is never one.
var numberWords = map[string]string{
	"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
	"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16",
	"seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20", "twenty-five": "25", "thirty": "30",
	"forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
}

// misreadRates says which "products" of an invite without a rate were
// probably the rate: a bare number, or a number spelt out.
func misreadRates(products []string) string {
	var out []string
	for _, id := range products {
		switch n, word := numberWords[strings.ToLower(id)]; {
		case isNumber(id):
			out = append(out, fmt.Sprintf("%s was read as a product ID; write %s%%", id, id))
		case word:
			out = append(out, fmt.Sprintf("%s was read as a product ID; write the rate in digits, like %s%%", domain.QuoteInput(id), n))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " (" + strings.Join(out, "; ") + ")"
}

func (p *lineParser) name(s string) string {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n > maxNameLength {
		p.fail(domain.Invalidf("name", "Name must be at most %d characters (got %d)", maxNameLength, n))
	}
	return s
}

// expires reads an invitation expiry: a date means the end of that day in
// the team's zone, Nd means N days from now.
func (p *lineParser) expires(s string) time.Time {
	var t time.Time
	if n, ok := parseDays(s); ok {
		if n < 1 || n > domain.MaxInviteDays {
			p.fail(domain.Invalidf("expires", "Expires must be 1 to %d days (got %s)", domain.MaxInviteDays, domain.QuoteInput(s)))
			return time.Time{}
		}
		t = p.now.In(p.loc).AddDate(0, 0, n)
	} else {
		d, err := p.date("expires", s, "or a number of days like 14d ")
		if err != nil {
			p.fail(err)
			return time.Time{}
		}
		t = time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, p.loc)
	}
	// Whether the date is in range is the use case's call, worded once
	// for every surface.
	return t
}

// parseDays reads "14d"; ok is false when s is not of that form at all.
func parseDays(s string) (int, bool) {
	num, ok := strings.CutSuffix(strings.ToLower(s), "d")
	if !ok || num == "" || len(num) > 6 {
		return 0, false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return 0, false
		}
	}
	n, _ := strconv.Atoi(num)
	return n, true
}

// date reads YYYY-MM-DD as 00:00 of that day in the team's zone.
func (p *lineParser) date(field, s, alt string) (time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", s, p.loc)
	if err != nil {
		return time.Time{}, domain.Invalidf(field, "%s must be a date like 2026-12-31 %s(got %s)", fieldLabel(field), alt, domain.QuoteInput(s))
	}
	return d, nil
}

func fieldLabel(field string) string {
	s := strings.ReplaceAll(field, "_", " ")
	if s == "" {
		return "Value"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sampleOption applies one free-sample key, creating the offer on first use.
func (p *lineParser) sampleOption(o **domain.SampleOffer, key, val string) {
	if *o == nil {
		*o = &domain.SampleOffer{}
	}
	offer := *o
	req := &offer.Requirements
	switch key {
	case "samples":
		// The range (1 to 10) is the offer's rule, checked with the rest of
		// the request; here only the number is read.
		// Any whole number reads; the offer's own check words the range (0
		// is not "unset" here: it was typed).
		offer.PerCreator = int(p.integer("samples", "Samples per creator", val, -1_000_000, 1_000_000))
		if offer.PerCreator == 0 {
			p.fail(domain.CheckPerCreator(0))
		}
	case "stock":
		offer.Stock = int(p.integer("stock", "Sample stock", val, 0, maxSampleStock))
	case "approval":
		switch strings.ToLower(val) {
		case "none", "no", "off", "exempt":
			offer.ApprovalExempt = true
		case "manager", "managers", "yes", "on", "required":
			offer.ApprovalExempt = false
		default:
			p.fail(domain.Invalidf("approval", "Approval must be none or manager (got %s)", domain.QuoteInput(val)))
		}
	case "min-followers":
		req.MinFollowers = p.count("min_followers", "Minimum followers", val)
	case "min-views":
		req.MinAvgViews = p.count("min_views", "Minimum average views", val)
	case "min-gmv":
		m, err := domain.MoneyInput("min_gmv", val)
		p.fail(err)
		req.MinGMV30d = m
	case "categories":
		req.Categories = p.categories(val)
	case "post-days":
		req.PostWithinDays = int(p.integer("post_within_days", "Days to post", val, 1, maxPostDays))
	case "terms":
		req.Terms = strings.TrimSpace(val)
		if n := utf8.RuneCountInString(req.Terms); n > maxTermsLength {
			p.fail(domain.Invalidf("terms", "Terms must be at most %d characters (got %d)", maxTermsLength, n))
		}
	case "sample-from":
		d, err := p.date("sample_window", val, "")
		p.fail(err)
		offer.WindowStart = d
	case "sample-until":
		d, err := p.date("sample_window", val, "")
		p.fail(err)
		if err == nil {
			offer.WindowEnd = d.AddDate(0, 0, 1)
		}
	}
}

func (p *lineParser) checkSample(o *domain.SampleOffer) {
	if o == nil || o.WindowEnd.IsZero() {
		return
	}
	if !o.WindowEnd.After(o.WindowStart) {
		p.fail(domain.Invalidf("sample_window", "sample-until must be on or after sample-from"))
	} else if !o.WindowEnd.After(p.now) {
		p.fail(domain.Invalidf("sample_window", "sample-until must be today or later"))
	}
}

// integer reads a whole number in [lo, hi]; the message names the range.
func (p *lineParser) integer(field, what, s string, lo, hi int64) int64 {
	n, err := domain.IntInput(field, what, s, lo, hi)
	p.fail(err)
	return n
}

func (p *lineParser) count(field, what, s string) int64 {
	n, err := domain.CountInput(field, what, s)
	p.fail(err)
	return n
}

func (p *lineParser) categories(s string) []string {
	out, err := domain.CategoriesInput(s, maxCategories)
	p.fail(err)
	return out
}

func (p *lineParser) plan(args []cmdToken) *commands.PlanRequest {
	req := &commands.PlanRequest{}
	seen := map[string]bool{}
	rules := map[string]bool{}
	var endDays int
	hasName := false
	setName := func(s string) {
		if hasName {
			p.fail(domain.Invalidf("name", "Give the plan one name, in quotes like \"Spring Sale\" (got %s too)", domain.QuoteInput(s)))
			return
		}
		hasName = true
		req.Name = p.name(s)
	}
	addRule := func(t cmdToken) {
		r := domain.CommissionRule{}
		key := strings.ToLower(t.key)
		switch {
		case key == "all":
			r.Scope = domain.ScopeAll
		case strings.HasPrefix(key, "group:"):
			r.Scope, r.Target = domain.ScopeGroup, strings.TrimPrefix(key, "group:")
			if r.Target == "" || len(r.Target) > maxWordLength || strings.ContainsAny(r.Target, " =:") {
				p.fail(domain.Invalidf("rates", "Commission rates: group needs a one-word name, like group:snacks=8%% (got %s)", domain.QuoteInput(t.text)))
				return
			}
		default:
			r.Scope, r.Target = domain.ScopeProduct, t.key
		}
		rate, err := domain.RateInput("commission_rate", t.value)
		if err != nil {
			p.fail(domain.Invalidf("commission_rate", "%s: %s", t.key, domain.ErrorMessage(err)))
		}
		r.Rate = rate
		id := string(r.Scope) + ":" + strings.ToLower(r.Target) // product IDs match without case
		if rules[id] {
			p.fail(domain.Invalidf("rates", "Commission rates: %s is set twice", t.key))
			return
		}
		rules[id] = true
		req.Rules = append(req.Rules, r)
	}
	for _, t := range args {
		switch {
		case !t.kv && !t.quoted && (t.text == "%" || strings.EqualFold(t.text, "percent")):
			p.fail(domain.Invalidf("rates", "Unexpected %s: write each rate with its %% and no space, like P100=12%%", domain.QuoteInput(t.text)))
		case !t.kv && hasName && !t.quoted:
			p.fail(domain.Invalidf("rates", "Unexpected %s: put the plan name in quotes, like \"Spring Sale\", and give rates like P100=12%%, group:snacks=8%% or all=5%%", domain.QuoteInput(t.text)))
		case !t.kv:
			setName(t.text)
		case isRuleKey(t):
			addRule(t)
		default:
			key := optionKey(t.key)
			if !p.known("plan", key, t, seen) {
				continue
			}
			switch key {
			case "name":
				setName(t.value)
			case "start":
				d, err := p.date("start", t.value, "")
				p.fail(err)
				req.Start = d
			case "end":
				if n, ok := parseDays(t.value); ok {
					if n < 1 || n > maxPlanDays {
						p.fail(domain.Invalidf("end", "End must be 1 to %d days (got %s)", maxPlanDays, domain.QuoteInput(t.value)))
					}
					endDays = n
					continue
				}
				d, err := p.date("end", t.value, "or a number of days like 30d ")
				p.fail(err)
				if err == nil {
					req.End = d.AddDate(0, 0, 1)
				}
			default:
				p.sampleOption(&req.Sample, key, t.value)
			}
		}
	}
	if endDays > 0 && endDays <= maxPlanDays {
		from := req.Start
		if from.IsZero() {
			from = p.now
		}
		req.End = from.In(p.loc).AddDate(0, 0, endDays)
	}
	p.checkSample(req.Sample)
	if !hasName || req.Name == "" {
		p.fail(domain.Invalidf("name", "Give the plan a name, like plan \"Spring Sale\" all=5%%.%s", usageHint("plan")))
	}
	switch n := len(req.Rules); {
	case n == 0:
		p.fail(domain.Invalidf("rates", "Commission rates: set at least one, per product (P100=12%%), per group (group:snacks=8%%) or for all products (all=5%%)"))
	case n > domain.MaxInviteProducts+20:
		p.fail(domain.Invalidf("rates", "Commission rates: at most %d rules (got %d)", domain.MaxInviteProducts+20, n))
	}
	if !req.End.IsZero() {
		start := req.Start
		if start.IsZero() {
			start = p.now
		}
		if !req.End.After(start) {
			p.fail(domain.Invalidf("end", "End date must be after the start date"))
		} else if !req.End.After(p.now) {
			p.fail(domain.Invalidf("end", "End date must be in the future"))
		}
	}
	p.problems.AddNew(commands.CheckPlan(*req, p.now, p.loc))
	return req
}

// isRuleKey tells a commission rule (P100=12%, group:x=8%, all=5%) from an
// option. A product rule must carry a "%" so a mistyped option such as
// post_day=14 is reported as unknown instead of becoming a product rule.
func isRuleKey(t cmdToken) bool {
	key := strings.ToLower(t.key)
	if key == "all" || strings.HasPrefix(key, "group:") {
		return true
	}
	k := optionKey(t.key)
	for _, o := range verbKeys["plan"] {
		if o == k {
			return false
		}
	}
	if domain.ValidateProductID("rates", t.key) != nil {
		return false
	}
	if strings.HasSuffix(t.value, "%") {
		return true
	}
	// A bare number is a rate too ("P100=12"), when the key looks like a
	// product ID (it has a digit): a mistyped option such as post_day=14
	// should be reported as one, not taken for a product.
	return strings.ContainsAny(t.key, "0123456789") && strings.Trim(t.value, "0123456789.") == "" && t.value != ""
}

type refKind struct {
	what   string
	prefix string
}

var (
	refInvitation = refKind{"Invitation", "I"}
	refSample     = refKind{"Sample request", "S"}
	refPlan       = refKind{"Plan", "PL"}
)

// parseRef reads I12, i12, #12 or 12 for the given kind.
func parseRef(k refKind, s string) (int64, error) {
	t := strings.TrimPrefix(s, "#")
	if len(t) >= len(k.prefix) && strings.EqualFold(t[:len(k.prefix)], k.prefix) {
		t = strings.TrimPrefix(t[len(k.prefix):], "#")
	}
	if t != "" && len(t) <= 19 && strings.Trim(t, "0123456789") == "" {
		if n, err := strconv.ParseInt(t, 10, 64); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, domain.Invalidf("id", "%s must be like %s12 (got %s)", k.what, k.prefix, domain.QuoteInput(s))
}

// looksLikeRef tells a mistyped number such as PL0 from a plan name.
func looksLikeRef(k refKind, s string) bool {
	t := strings.TrimPrefix(s, "#")
	if len(t) >= len(k.prefix) && strings.EqualFold(t[:len(k.prefix)], k.prefix) {
		t = strings.TrimPrefix(t[len(k.prefix):], "#")
	}
	return t != "" && strings.Trim(t, "0123456789") == ""
}

func (p *lineParser) onlyRef(name string, args []cmdToken, k refKind) int64 {
	if len(args) == 0 {
		p.fail(domain.Invalidf("id", "Say which %s, like %s12.%s", strings.ToLower(k.what), k.prefix, usageHint(name)))
		return 0
	}
	id, err := parseRef(k, args[0].text)
	p.fail(err)
	if len(args) > 1 {
		p.fail(domain.Invalidf("command", "Too many words after %s %s (got %s).%s", name, args[0].text, domain.QuoteInput(tokenTexts(args[1:])), usageHint(name)))
	}
	return id
}

// refAndText reads "S12 free text": the rest of the line, quoted or not, is
// the text, so `cancel S3 creator moved` works as well as a quoted reason.
func (p *lineParser) refAndText(name string, args []cmdToken, k refKind, field string, max int) (int64, string) {
	id := p.onlyRef(name, args[:min(len(args), 1)], k)
	if len(args) < 2 {
		return id, ""
	}
	text := strings.TrimSpace(tokenTexts(args[1:]))
	if n := utf8.RuneCountInString(text); n > max {
		p.fail(domain.Invalidf(field, "%s must be at most %d characters (got %d)", fieldLabel(field), max, n))
	}
	return id, text
}

// planRef reads PL3 or 3; anything else is a plan name the executor resolves.
func (p *lineParser) planRef(name string, args []cmdToken) (int64, string) {
	if len(args) == 0 {
		p.fail(domain.Invalidf("id", "Say which plan, like PL3 or \"Spring\".%s", usageHint(name)))
		return 0, ""
	}
	if len(args) == 1 && !args[0].quoted {
		id, err := parseRef(refPlan, args[0].text)
		if err == nil {
			return id, ""
		}
		if looksLikeRef(refPlan, args[0].text) {
			p.fail(err)
			return 0, ""
		}
	}
	text := strings.TrimSpace(tokenTexts(args))
	if text == "" {
		p.fail(domain.Invalidf("id", "Plan must be like PL3 or a quoted name like \"Spring\""))
	}
	if n := utf8.RuneCountInString(text); n > maxNameLength {
		p.fail(domain.Invalidf("id", "Plan must be like PL3 or a name of at most %d characters", maxNameLength))
	}
	return 0, text
}

var invitationStateList = []domain.InvitationState{domain.InvitationPending, domain.InvitationAccepted, domain.InvitationDeclined, domain.InvitationExpired, domain.InvitationWithdrawn}

var sampleStateList = []domain.SampleState{domain.SampleRequested, domain.SampleApproved, domain.SampleRejected, domain.SampleCancelled, domain.SampleExpired, domain.SampleShipped, domain.SampleCompleted, domain.SampleOverdue}

// filters reads "[@handle] [state]" in either order for the list verbs.
func (p *lineParser) filters(name string, args []cmdToken, states []string) (handle, state string) {
	for _, t := range args {
		if strings.HasPrefix(t.text, "@") && !t.kv {
			if handle != "" {
				p.fail(domain.Invalidf("handle", "List one creator at a time (got @%s and %s)", handle, domain.QuoteInput(t.text)))
				continue
			}
			h, err := domain.HandleInput("handle", t.text)
			p.fail(err)
			handle = h
			continue
		}
		s := strings.ToLower(t.text)
		known := false
		for _, st := range states {
			known = known || st == s
		}
		if !known || t.kv {
			p.fail(domain.Invalidf("state", "Filter %s by @creator or by one of %s (got %s)", name, strings.Join(states, ", "), domain.QuoteInput(t.text)))
			continue
		}
		if state != "" {
			p.fail(domain.Invalidf("state", "Filter by one state at a time (got %s and %s)", state, s))
			continue
		}
		state = s
	}
	return handle, state
}

func (p *lineParser) invitations(cmd *Command, args []cmdToken) {
	names := make([]string, len(invitationStateList))
	for i, s := range invitationStateList {
		names[i] = string(s)
	}
	h, s := p.filters("invitations", args, names)
	cmd.Handle, cmd.InvitationState = h, domain.InvitationState(s)
}

func (p *lineParser) samples(cmd *Command, args []cmdToken) {
	names := make([]string, len(sampleStateList))
	for i, s := range sampleStateList {
		names[i] = string(s)
	}
	h, s := p.filters("samples", args, names)
	cmd.Handle, cmd.SampleState = h, domain.SampleState(s)
}

func (p *lineParser) creatorAdd(args []cmdToken) *domain.Creator {
	c := &domain.Creator{Reachable: true}
	seen := map[string]bool{}
	hasHandle := false
	for _, t := range args {
		if !t.kv {
			if hasHandle {
				p.fail(domain.Invalidf("handle", "Add one creator at a time (got @%s and %s).%s", c.Handle, domain.QuoteInput(t.text), usageHint("creator add")))
				continue
			}
			hasHandle = true
			h, err := domain.HandleInput("handle", t.text)
			p.fail(err)
			c.Handle = h
			continue
		}
		key := optionKey(t.key)
		if !p.known("creator add", key, t, seen) {
			continue
		}
		switch key {
		case "discord":
			c.DiscordID = strings.TrimPrefix(strings.TrimPrefix(unSlack(t.value), "@"), "!")
			p.fail(domain.CheckInput("discord_id", 32, c.DiscordID, domain.ValidateDiscordID))
		case "followers":
			c.Followers = p.count("followers", "Followers", t.value)
		case "views":
			c.AvgViews = p.count("avg_views", "Average views", t.value)
		case "gmv":
			m, err := domain.MoneyInput("gmv_30d", t.value)
			p.fail(err)
			c.GMV30d = m
		case "niche":
			c.Niche = strings.ToLower(strings.TrimSpace(t.value))
			p.fail(domain.CheckInput("niche", 100, c.Niche, domain.ValidateNiche))
		case "categories":
			c.Categories = p.categories(t.value)
		case "tz":
			c.TimeZone = t.value
			p.fail(zoneInput(c.TimeZone))
		case "address":
			a, err := domain.NormalizeAddress("address", t.value)
			p.fail(err)
			c.Address = a
		}
	}
	if !hasHandle {
		p.fail(domain.Invalidf("handle", "Say which creator, like @maya_glow.%s", usageHint("creator add")))
		return c
	}
	if p.problems.Empty() {
		p.fail(c.Validate())
	}
	return c
}

func (p *lineParser) productAdd(args []cmdToken) *domain.Product {
	pr := &domain.Product{}
	seen := map[string]bool{}
	var words []string
	hasID := false
	for _, t := range args {
		if !t.kv {
			if !hasID {
				hasID = true
				pr.ID = t.text
				p.fail(domain.CheckInput("id", 100, t.text, domain.ValidateProductID))
				continue
			}
			words = append(words, t.text)
			continue
		}
		key := optionKey(t.key)
		if !p.known("product add", key, t, seen) {
			continue
		}
		switch key {
		case "price":
			m, err := domain.MoneyInput("price", t.value)
			p.fail(err)
			pr.Price = m
		case "group":
			pr.Group = strings.ToLower(strings.TrimSpace(t.value))
			p.fail(domain.GroupInput(pr.Group))
		case "stock":
			pr.SampleStock = int(p.integer("stock", "Stock", t.value, 0, maxSampleStock))
		}
	}
	pr.Title = strings.TrimSpace(strings.Join(words, " "))
	switch {
	case !hasID:
		p.fail(domain.Invalidf("id", "Give the product ID and title, like P100 \"Glow Serum\".%s", usageHint("product add")))
	case pr.Title == "":
		p.fail(domain.Invalidf("title", "Give the product a title, like \"Glow Serum\".%s", usageHint("product add")))
	}
	if p.problems.Empty() {
		p.fail(pr.Validate())
	}
	return pr
}

// creatorSet reads "@maya followers=60k ...": the handle and the options
// to change, read as creator add reads them.
func (p *lineParser) creatorSet(args []cmdToken) (string, *commands.CreatorChange) {
	ch := &commands.CreatorChange{}
	seen := map[string]bool{}
	handle := ""
	for _, t := range args {
		if !t.kv {
			if handle != "" {
				p.fail(domain.Invalidf("handle", "Change one creator at a time (got @%s and %s).%s", handle, domain.QuoteInput(t.text), usageHint("creator set")))
				continue
			}
			h, err := domain.HandleInput("handle", t.text)
			p.fail(err)
			handle = h
			if handle == "" {
				handle = "?"
			}
			continue
		}
		key := optionKey(t.key)
		if !p.known("creator set", key, t, seen) {
			continue
		}
		switch key {
		case "discord":
			id := strings.TrimPrefix(strings.TrimPrefix(unSlack(t.value), "@"), "!")
			p.fail(domain.CheckInput("discord_id", 32, id, domain.ValidateDiscordID))
			ch.DiscordID = &id
		case "followers":
			n := p.count("followers", "Followers", t.value)
			ch.Followers = &n
		case "views":
			n := p.count("avg_views", "Average views", t.value)
			ch.AvgViews = &n
		case "gmv":
			m, err := domain.MoneyInput("gmv_30d", t.value)
			p.fail(err)
			ch.GMV30d = &m
		case "niche":
			n := strings.ToLower(strings.TrimSpace(t.value))
			p.fail(domain.CheckInput("niche", 100, n, domain.ValidateNiche))
			ch.Niche = &n
		case "categories":
			cs := p.categories(t.value)
			ch.Categories = &cs
		case "tz":
			z := t.value
			p.fail(zoneInput(z))
			ch.TimeZone = &z
		case "address":
			a, err := domain.NormalizeAddress("address", t.value)
			p.fail(err)
			ch.Address = &a
		}
	}
	switch {
	case handle == "":
		p.fail(domain.Invalidf("handle", "Say which creator, like @maya_glow.%s", usageHint("creator set")))
	case ch.Empty() && len(seen) == 0:
		p.fail(domain.Invalidf("options", "Say what to change, like creator set @%s followers=60k.%s", handle, usageHint("creator set")))
	}
	return handle, ch
}

// productSet reads "P100 stock=20 ...": the product ID and the options to
// change. The title is an option here, so a stray word is a mistake, not a
// new title.
func (p *lineParser) productSet(args []cmdToken) (string, *commands.ProductChange) {
	ch := &commands.ProductChange{}
	seen := map[string]bool{}
	id := ""
	for _, t := range args {
		if !t.kv {
			if id != "" {
				p.fail(domain.Invalidf("title", "Unexpected %s: give a new title as title=\"...\".%s", domain.QuoteInput(t.text), usageHint("product set")))
				continue
			}
			id = t.text
			p.fail(domain.CheckInput("id", 100, t.text, domain.ValidateProductID))
			continue
		}
		key := optionKey(t.key)
		if !p.known("product set", key, t, seen) {
			continue
		}
		switch key {
		case "title":
			title := strings.TrimSpace(t.value)
			switch n := utf8.RuneCountInString(title); {
			case n == 0:
				p.fail(domain.Invalidf("title", "Title cannot be blank; give the new title, like title=\"Glow Serum\""))
			case n > domain.MaxTitleLength:
				p.fail(domain.Invalidf("title", "Title must be at most %d characters (got %d)", domain.MaxTitleLength, n))
			}
			ch.Title = &title
		case "price":
			m, err := domain.MoneyInput("price", t.value)
			p.fail(err)
			if err == nil && m > domain.MaxPrice {
				p.fail(domain.Invalidf("price", "Price must be from 0.00 to %s (got %s)", domain.MaxPrice, m))
			}
			ch.Price = &m
		case "group":
			g := strings.ToLower(strings.TrimSpace(t.value))
			p.fail(domain.GroupInput(g))
			ch.Group = &g
		case "stock":
			n := int(p.integer("stock", "Stock", t.value, 0, maxSampleStock))
			ch.Stock = &n
		}
	}
	switch {
	case id == "":
		p.fail(domain.Invalidf("id", "Say which product, like P100.%s", usageHint("product set")))
	case ch.Empty() && len(seen) == 0:
		p.fail(domain.Invalidf("options", "Say what to change, like product set %s stock=20.%s", id, usageHint("product set")))
	}
	return id, ch
}

// unSlack undoes Slack's link markup for one token: <@U123|maya> -> @U123,
// <mailto:a@b.com|a@b.com> -> a@b.com, <https://x|label> -> https://x.
// Discord's <https://x> (a link without a preview) is undone the same way.
func unSlack(s string) string {
	if len(s) < 3 || s[0] != '<' || s[len(s)-1] != '>' {
		return s
	}
	inner, _, _ := strings.Cut(s[1:len(s)-1], "|")
	return strings.TrimPrefix(inner, "mailto:")
}

func (p *lineParser) role(cmd *Command, args []cmdToken) {
	if len(args) != 2 || args[0].kv || args[1].kv {
		p.fail(domain.Invalidf("role", "Give a member and a role.%s", usageHint("role")))
		if len(args) == 0 {
			return
		}
	}
	who := strings.TrimPrefix(unSlack(args[0].text), "@")
	cmd.Member = who
	p.fail(domain.CheckInput("member", 100, who, domain.ValidateMemberID))
	if len(args) < 2 {
		return
	}
	p.fail(domain.Clipped("role", 32, strings.ToLower(args[1].text), func(v string) (err error) {
		cmd.Role, err = domain.ParseMemberRole(v)
		return err
	}))
}

func (p *lineParser) rate(cmd *Command, args []cmdToken) {
	cmd.ID = p.onlyRef("rate", args[:min(len(args), 1)], refInvitation)
	switch {
	case len(args) < 2:
		if len(args) == 1 {
			p.fail(domain.Invalidf("commission_rate", "Give the new commission rate, 1%% to 80%%.%s", usageHint("rate")))
		}
	case len(args) > 2:
		p.fail(domain.Invalidf("command", "Too many words after rate (got %s).%s", domain.QuoteInput(tokenTexts(args[2:])), usageHint("rate")))
	default:
		r, err := domain.RateInput("commission_rate", args[1].text)
		p.fail(err)
		cmd.Rate = r
	}
}

func (p *lineParser) reject(cmd *Command, args []cmdToken) {
	cmd.ID = p.onlyRef("reject", args[:min(len(args), 1)], refSample)
	if len(args) < 2 {
		if len(args) == 1 {
			p.fail(domain.Invalidf("reason", "Give a reason: not_match, out_of_stock, offline or other.%s", usageHint("reject")))
		}
		return
	}
	reason := strings.ReplaceAll(strings.ToLower(args[1].text), "-", "_")
	p.fail(domain.Clipped("reason", 32, reason, func(v string) (err error) {
		cmd.Reason, err = domain.ParseRejectReason(v)
		return err
	}))
	r := cmd.Reason
	cmd.Text = strings.TrimSpace(tokenTexts(args[2:]))
	if n := utf8.RuneCountInString(cmd.Text); n > maxNoteLength {
		p.fail(domain.Invalidf("note", "Note must be at most %d characters (got %d)", maxNoteLength, n))
	}
	if r == domain.RejectOther && cmd.Text == "" {
		p.fail(domain.Invalidf("note", "A rejection for reason \"other\" needs a note saying why, like: reject S12 other \"Shade discontinued\""))
	}
}

func (p *lineParser) request(args []cmdToken) *commands.SampleInput {
	in := &commands.SampleInput{}
	seen := map[string]bool{}
	hasProduct, hasRef, hasNote := false, false, false
	for _, t := range args {
		switch {
		case t.kv:
			if key := optionKey(t.key); p.known("request", key, t, seen) {
				in.Quantity = int(p.integer("quantity", "Quantity", t.value, 1, maxSampleUnits))
			}
		case t.quoted:
			if hasNote {
				p.fail(domain.Invalidf("note", "Put the whole note in one pair of quotes"))
				continue
			}
			hasNote = true
			in.Note = strings.TrimSpace(t.text)
			if n := utf8.RuneCountInString(in.Note); n > maxNoteLength {
				p.fail(domain.Invalidf("note", "Note must be at most %d characters (got %d)", maxNoteLength, n))
			}
		case !hasProduct:
			hasProduct = true
			in.ProductID = t.text
			p.fail(domain.CheckInput("product", 100, t.text, domain.ValidateProductID))
		case !hasRef:
			hasRef = true
			up := strings.ToUpper(t.text)
			var err error
			switch {
			case strings.HasPrefix(up, "PL"):
				in.PlanID, err = parseRef(refPlan, t.text)
			case strings.HasPrefix(up, "I"):
				in.InvitationID, err = parseRef(refInvitation, t.text)
			default:
				err = domain.Invalidf("id", "Request through a plan like PL3 or an invitation like I12 (got %s)", domain.QuoteInput(t.text))
			}
			p.fail(err)
		default:
			p.fail(domain.Invalidf("note", "Put your note in quotes, like \"I film on Sundays\" (got %s).%s", domain.QuoteInput(t.text), usageHint("request")))
		}
	}
	if !hasProduct {
		p.fail(domain.Invalidf("product", "Say which product, like P100.%s", usageHint("request")))
	}
	return in
}

func (p *lineParser) content(cmd *Command, args []cmdToken) {
	cmd.ID = p.onlyRef("content", args[:min(len(args), 1)], refSample)
	switch {
	case len(args) == 1:
		p.fail(domain.Invalidf("content_link", "Add the link to your TikTok video or LIVE.%s", usageHint("content")))
	case len(args) > 2:
		p.fail(domain.Invalidf("content_link", "Give one link.%s", usageHint("content")))
	case len(args) == 2:
		// A well-formed link is stored canonical; any other goes to the use
		// case as typed, which says whose sample it is before what is wrong
		// with the link.
		raw := unSlack(args[1].text)
		if u, _, err := domain.ParseContentURL("content_link", raw); err == nil {
			cmd.Text = u
			return
		}
		if n := utf8.RuneCountInString(raw); n > 600 {
			p.fail(domain.Invalidf("content_link", "Content link is too long: at most 600 characters (got %d)", n))
			return
		}
		cmd.Text = raw
	}
}

func (p *lineParser) link(cmd *Command, args []cmdToken) {
	var words []cmdToken
	seen := map[string]bool{}
	for _, t := range args {
		if !t.kv {
			words = append(words, t)
			continue
		}
		if key := optionKey(t.key); p.known("link", key, t, seen) {
			// The console has no Discord identity: it names the account.
			id := strings.TrimPrefix(strings.TrimPrefix(unSlack(t.value), "@"), "!")
			p.fail(domain.CheckInput("discord_id", 32, id, domain.ValidateDiscordID))
			cmd.Text = id
		}
	}
	if len(words) != 1 {
		p.fail(domain.Invalidf("handle", "Give your TikTok handle.%s", usageHint("link")))
		if len(words) == 0 {
			return
		}
	}
	h, err := domain.HandleInput("handle", words[0].text)
	p.fail(err)
	cmd.Handle = h
}
