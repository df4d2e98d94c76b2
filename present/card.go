// Package present turns what the use cases return (typed views) and what
// they queue (typed notices) into platform-neutral cards that the console,
// Slack and Discord render alike. All of collabbot's user-facing wording of
// results lives here; the use cases state facts.
package present

import (
	"fmt"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Platform limits a card stays within, so every adapter can render it
// without cutting: Discord allows 25 embed fields, 5 buttons a row and 5
// rows; Slack 50 blocks a message and 3,000 characters a text block.
const (
	MaxFields      = 25
	MaxButtons     = 25
	ButtonsPerRow  = 5
	MaxSections    = 40 // each section is at most a header, a text and a row of fields in Slack
	MaxTextLength  = 3000
	MaxFieldLength = 1000
)

// ButtonKind says what a click does, so adapters need not guess which verbs
// open a form.
type ButtonKind string

const (
	// ButtonAction runs the action at once (Approve, Accept).
	ButtonAction ButtonKind = "action"
	// ButtonForm opens a form first (Reject asks for a reason, Decline for an
	// optional one, Request sample for a product and address).
	ButtonForm ButtonKind = "form"
	// ButtonLink opens URL.
	ButtonLink ButtonKind = "link"
)

// Button is a choice on a card. Action is the custom_id a click sends back
// (see FormatAction); a link button has a URL instead.
type Button struct {
	Label  string     `json:"label"`
	Kind   ButtonKind `json:"kind"`
	Action string     `json:"action,omitempty"`
	URL    string     `json:"url,omitempty"`
	Style  string     `json:"style,omitempty"` // "primary", "danger" or ""
}

// Field is a labelled value.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Section is one block of a card: a row of a list, say, with its own
// fields and buttons.
type Section struct {
	Title   string   `json:"title,omitempty"`
	Text    string   `json:"text,omitempty"`
	Fields  []Field  `json:"fields,omitempty"`
	Buttons []Button `json:"buttons,omitempty"`
}

// Card is a message a person reads: a title, a body, labelled fields,
// further sections, a context line in small print, and buttons.
type Card struct {
	Title    string    `json:"title,omitempty"`
	Text     string    `json:"text,omitempty"`
	Fields   []Field   `json:"fields,omitempty"`
	Sections []Section `json:"sections,omitempty"`
	Context  string    `json:"context,omitempty"`
	Buttons  []Button  `json:"buttons,omitempty"`
	// Image is a picture that goes with the card (the weekly digest's
	// funnel chart); an adapter that cannot show pictures shows the card's
	// text, which always says the same in words.
	Image *Image `json:"image,omitempty"`
	// Members are seller-team member IDs that Text names: a surface that
	// can mention people (Slack) shows each one as the person, the others
	// show the ID.
	Members []string `json:"members,omitempty"`
}

// Image is a PNG picture attached to a card.
type Image struct {
	Name  string `json:"name"`  // file name, "funnel-2026-W48.png"
	Title string `json:"title"` // shown above the picture
	Alt   string `json:"alt"`   // the picture in words, for screen readers
	PNG   []byte `json:"png"`
}

// AllButtons lists the card's buttons, its own first, then its sections'.
func (c Card) AllButtons() []Button {
	out := append([]Button(nil), c.Buttons...)
	for _, s := range c.Sections {
		out = append(out, s.Buttons...)
	}
	return out
}

// Fit keeps a card within the platforms' limits: extra fields, sections and
// buttons are dropped with a context note saying how many, and long texts
// are shortened.
func (c Card) Fit() Card {
	var dropped []string
	if n := len(c.Fields); n > MaxFields {
		c.Fields = c.Fields[:MaxFields]
		dropped = append(dropped, fmt.Sprintf("%d more fields", n-MaxFields))
	}
	if n := len(c.Sections); n > MaxSections {
		c.Sections = c.Sections[:MaxSections]
		dropped = append(dropped, fmt.Sprintf("%d more rows", n-MaxSections))
	}
	budget := MaxButtons - len(c.Buttons)
	if budget < 0 {
		c.Buttons, budget = c.Buttons[:MaxButtons], 0
	}
	for i := range c.Sections {
		s := &c.Sections[i]
		s.Text = clip(s.Text, MaxTextLength)
		if len(s.Buttons) > budget {
			s.Buttons = s.Buttons[:budget]
		}
		budget -= len(s.Buttons)
		for j := range s.Fields {
			s.Fields[j].Value = clip(s.Fields[j].Value, MaxFieldLength)
		}
	}
	for i := range c.Fields {
		c.Fields[i].Value = clip(c.Fields[i].Value, MaxFieldLength)
	}
	c.Text = clip(c.Text, MaxTextLength)
	if len(dropped) > 0 {
		note := "Not shown: " + joinAnd(dropped) + "."
		if c.Context != "" {
			note = c.Context + " " + note
		}
		c.Context = note
	}
	return c
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	out := xs[0]
	for _, x := range xs[1 : len(xs)-1] {
		out += ", " + x
	}
	return out + " and " + xs[len(xs)-1]
}

// Reader is who reads a card: dates are shown in their zone (a creator's
// own when the roster knows it, else the team's), relative to now.
type Reader struct {
	Zone *time.Location
	// Team is the team's zone, where deadlines fall at the end of a day;
	// a reader elsewhere is shown the hour too.
	Team *time.Location
	Now  time.Time
}

func (r Reader) zone() *time.Location {
	if r.Zone == nil {
		return time.UTC
	}
	return r.Zone
}

// Date formats t as a day in the reader's zone.
func (r Reader) Date(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return t.In(r.zone()).Format(domain.DayFormat)
}

// Deadline formats a deadline for the reader: a day in the team's zone,
// and for a reader in another zone the day and hour in theirs, since the
// team's end of day may be the next morning for them.
func (r Reader) Deadline(t time.Time) string {
	if t.IsZero() || r.Team == nil || r.Team.String() == r.zone().String() {
		return r.Date(t)
	}
	return t.In(r.zone()).Format(domain.DayFormat + " 15:04 MST")
}

// Time formats t as a moment in the reader's zone.
func (r Reader) Time(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(r.zone()).Format(domain.DayFormat + " 15:04 MST")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return num(int64(n)) + " " + many
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinOr(items []string, empty string) string {
	if len(items) == 0 {
		return empty
	}
	out := items[0]
	for _, x := range items[1:] {
		out += ", " + x
	}
	return out
}

func action(label, verb string, id int64, style string) Button {
	return Button{Label: label, Kind: ButtonAction, Action: FormatAction(verb, id), Style: style}
}

func form(label, verb string, id int64, style string) Button {
	return Button{Label: label, Kind: ButtonForm, Action: FormatAction(verb, id), Style: style}
}
