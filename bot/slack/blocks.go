package slack

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/present"
)

// Block Kit limits the renderer stays within.
const (
	maxMessageBlocks = 50  // a message
	maxViewBlocks    = 100 // a modal or the Home tab
	maxTextChars     = 3000
	maxFieldChars    = 2000
	maxHeaderChars   = 150
	maxButtonChars   = 75
	maxSectionFields = 10
	buttonsPerRow    = 5
	maxContextChars  = 2000
)

// pageAction is the action_id prefix of the "next page" button of a long
// list; its value is the line that made the list, run again for the page.
const pageAction = "collabbot.page:"

// rendered is a card as Block Kit blocks plus the notification text Slack
// shows where blocks cannot be (push notifications, screen readers).
type rendered struct {
	Blocks []slackgo.Block
	Text   string
}

// render turns a card into at most maxBlocks blocks. A card whose
// sections do not fit is cut at a section boundary: page (from 1) picks
// which sections show, and when line is set a "Next page" button re-runs
// it for the following page, so a long list pages instead of being cut.
//
// The card is not Fit: that cut is for the smallest platform, and here
// long texts split into sections and long lists page instead.
func render(c present.Card, maxBlocks, page int, line string) rendered {
	if page < 1 {
		page = 1
	}
	var head []slackgo.Block
	if c.Title != "" {
		head = append(head, slackgo.NewHeaderBlock(plain(clipRunes(c.Title, maxHeaderChars))))
	}
	if c.Text != "" {
		head = append(head, textSections(mention(escape(c.Text), c.Members))...)
	}
	head = append(head, fieldSections(c.Fields)...)
	if c.Image != nil {
		// A picture needs files:write and an upload; the card's text always
		// says the same in words, so the blocks carry the words.
		head = append(head, contextBlock(c.Image.Alt))
	}
	var tail []slackgo.Block
	if c.Context != "" {
		tail = append(tail, contextBlock(c.Context))
	}
	tail = append(tail, buttonRows(c.Buttons)...)

	// Each section's blocks, so a page is cut between sections.
	sections := make([][]slackgo.Block, len(c.Sections))
	for i, s := range c.Sections {
		sections[i] = sectionBlocks(s)
	}
	// Room for sections: what is left after the head, the tail and the
	// paging line with its button.
	room := maxBlocks - len(head) - len(tail) - 2
	if room < 1 {
		room = 1
	}
	pages := paginate(sections, room)
	if page > len(pages) {
		page = len(pages)
	}
	blocks := append([]slackgo.Block(nil), head...)
	if len(pages) > 0 {
		for _, i := range pages[page-1] {
			blocks = append(blocks, sections[i]...)
		}
	}
	if len(pages) > 1 {
		first, last := pages[page-1][0]+1, pages[page-1][len(pages[page-1])-1]+1
		note := fmt.Sprintf("Rows %d to %d of %d (page %d of %d).", first, last, len(sections), page, len(pages))
		blocks = append(blocks, contextBlock(note))
		if line != "" && page < len(pages) {
			b := slackgo.NewButtonBlockElement(pageAction+strconv.Itoa(page+1), clipRunes(line, 2000), plain("Next page"))
			blocks = append(blocks, slackgo.NewActionBlock("", b))
		}
	}
	blocks = append(blocks, tail...)
	if len(blocks) > maxBlocks {
		blocks = blocks[:maxBlocks]
	}
	text := c.Title
	if text == "" {
		text = c.Text
	}
	return rendered{Blocks: blocks, Text: clipRunes(text, maxTextChars)}
}

// paginate groups section indexes into pages of at most room blocks; a
// section larger than a page gets a page of its own.
func paginate(sections [][]slackgo.Block, room int) [][]int {
	var pages [][]int
	var cur []int
	used := 0
	for i, s := range sections {
		if len(cur) > 0 && used+len(s) > room {
			pages = append(pages, cur)
			cur, used = nil, 0
		}
		cur = append(cur, i)
		used += len(s)
	}
	if len(cur) > 0 {
		pages = append(pages, cur)
	}
	return pages
}

func sectionBlocks(s present.Section) []slackgo.Block {
	var out []slackgo.Block
	text := ""
	if s.Title != "" {
		text = "*" + escape(s.Title) + "*"
	}
	if s.Text != "" {
		if text != "" {
			text += "\n"
		}
		text += escape(s.Text)
	}
	fields := fieldObjects(s.Fields)
	first := fields
	if len(first) > maxSectionFields {
		first = first[:maxSectionFields]
	}
	if text != "" || len(first) > 0 {
		var t *slackgo.TextBlockObject
		if text != "" {
			t = mrkdwn(clipRunes(text, maxTextChars))
		}
		out = append(out, slackgo.NewSectionBlock(t, first, nil))
	}
	for i := maxSectionFields; i < len(fields); i += maxSectionFields {
		out = append(out, slackgo.NewSectionBlock(nil, fields[i:min(i+maxSectionFields, len(fields))], nil))
	}
	return append(out, buttonRows(s.Buttons)...)
}

// textSections splits a long mrkdwn text (already escaped) into sections of
// at most 3,000 characters.
func textSections(s string) []slackgo.Block {
	var out []slackgo.Block
	for _, part := range splitRunes(s, maxTextChars) {
		out = append(out, slackgo.NewSectionBlock(mrkdwn(part), nil, nil))
	}
	return out
}

// mention shows each member ID a card names as the member: Slack turns
// <@U0123> into their name. Only valid IDs, and only whole words, so an ID
// inside a longer one or inside people's words stays as it is.
func mention(s string, ids []string) string {
	for _, id := range ids {
		if !slackUserID(id) {
			continue
		}
		var b strings.Builder
		from := 0
		for at := 0; ; {
			i := strings.Index(s[at:], id)
			if i < 0 {
				break
			}
			i += at
			end := i + len(id)
			at = end
			if (i > 0 && idByte(s[i-1])) || (end < len(s) && idByte(s[end])) {
				continue
			}
			b.WriteString(s[from:i] + "<@" + id + ">")
			from = end
		}
		s = b.String() + s[from:]
	}
	return s
}

// slackUserID reports whether id is a Slack user ID (U or W, then capital
// letters and digits), the only IDs Slack can mention; the console's
// members have names of their own making.
func slackUserID(id string) bool {
	if len(id) < 3 || id[0] != 'U' && id[0] != 'W' {
		return false
	}
	for i := 1; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func idByte(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func fieldObjects(fs []present.Field) []*slackgo.TextBlockObject {
	out := make([]*slackgo.TextBlockObject, 0, len(fs))
	for _, f := range fs {
		out = append(out, mrkdwn(clipRunes("*"+escape(f.Label)+"*\n"+escape(orDash(f.Value)), maxFieldChars)))
	}
	return out
}

func fieldSections(fs []present.Field) []slackgo.Block {
	objs := fieldObjects(fs)
	var out []slackgo.Block
	for i := 0; i < len(objs); i += maxSectionFields {
		out = append(out, slackgo.NewSectionBlock(nil, objs[i:min(i+maxSectionFields, len(objs))], nil))
	}
	return out
}

func contextBlock(s string) slackgo.Block {
	return slackgo.NewContextBlock("", mrkdwn(clipRunes(escape(s), maxContextChars)))
}

// buttonRows renders buttons five to an actions block. Action and form
// buttons carry the card's custom_id as action_id (a form verb opens its
// modal when clicked); link buttons open their URL.
func buttonRows(bs []present.Button) []slackgo.Block {
	var out []slackgo.Block
	for i := 0; i < len(bs); i += buttonsPerRow {
		var els []slackgo.BlockElement
		for _, b := range bs[i:min(i+buttonsPerRow, len(bs))] {
			els = append(els, button(b))
		}
		out = append(out, slackgo.NewActionBlock("", els...))
	}
	return out
}

func button(b present.Button) *slackgo.ButtonBlockElement {
	id := b.Action
	if b.Kind == present.ButtonLink {
		// A link button still sends a block_action; its id only needs to be
		// unique in the message.
		id = "collabbot.link:" + clipRunes(b.URL, 200)
	}
	el := slackgo.NewButtonBlockElement(id, id, plain(clipRunes(b.Label, maxButtonChars)))
	if b.Kind == present.ButtonLink {
		el.URL = b.URL
	}
	switch b.Style {
	case "primary":
		el.Style = slackgo.StylePrimary
	case "danger":
		el.Style = slackgo.StyleDanger
	}
	return el
}

func plain(s string) *slackgo.TextBlockObject {
	if s == "" {
		s = " "
	}
	return slackgo.NewTextBlockObject(slackgo.PlainTextType, s, true, false)
}

func mrkdwn(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.MarkdownType, s, false, false)
}

// escape makes text safe in mrkdwn: Slack reads <...> as links and
// mentions, so people's words must not be able to ping @channel.
func escape(s string) string { return mrkdwnEscaper.Replace(s) }

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// splitRunes cuts s into pieces of at most n runes, at a line break where
// one is near.
func splitRunes(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > n {
		cut := n
		for i := n - 1; i > n/2; i-- {
			if r[i] == '\n' {
				cut = i + 1
				break
			}
		}
		out = append(out, string(r[:cut]))
		r = r[cut:]
	}
	if len(r) > 0 || len(out) == 0 {
		out = append(out, string(r))
	}
	return out
}
