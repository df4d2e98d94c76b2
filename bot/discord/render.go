package discord

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/collabbot/collabbot/present"
)

// Discord's message limits (embeds and components).
const (
	maxEmbedTitle   = 256
	maxEmbedText    = 4096
	maxEmbedFields  = 25
	maxFieldName    = 256
	maxFieldValue   = 1024
	maxFooter       = 2048
	maxEmbedTotal   = 6000
	maxButtonLabel  = 80
	buttonsPerRow   = 5
	maxRows         = 5
	maxCustomID     = 100
	maxContent      = 2000
	embedColour     = 0xFE2C55 // TikTok's red: the cards are about TikTok work
	noValue         = "-"
	blankFieldTitle = "\u200b" // a field needs a name; this one shows nothing
)

// message is a Discord message body as collabbot sends it: its own type
// because discordgo's MessageSend has no nonce enforcement, and because
// an edit must send "components": [] to remove buttons.
type message struct {
	Content         string                            `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components"`
	Flags           discordgo.MessageFlags            `json:"flags,omitempty"`
	Nonce           string                            `json:"nonce,omitempty"`
	EnforceNonce    bool                              `json:"enforce_nonce,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
}

// noMentions keeps text people typed ("@everyone" in a note) from pinging.
var noMentions = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

// render turns a card into a message: one embed (title, text, fields,
// each section as a field, the context line as footer) and the buttons in
// rows of five.
func render(c present.Card) message {
	c = c.Fit()
	e := &discordgo.MessageEmbed{Title: clip(c.Title, maxEmbedTitle), Description: clip(c.Text, maxEmbedText), Color: embedColour}
	budget := maxEmbedTotal - utf8.RuneCountInString(e.Title) - utf8.RuneCountInString(e.Description)
	footer := c.Context
	dropped := 0
	add := func(name, value string, inline bool) {
		name, value = clip(orBlank(name, blankFieldTitle), maxFieldName), clip(orBlank(value, noValue), maxFieldValue)
		cost := utf8.RuneCountInString(name) + utf8.RuneCountInString(value)
		if len(e.Fields) == maxEmbedFields || cost > budget-200 { // room kept for the footer's note
			dropped++
			return
		}
		budget -= cost
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: value, Inline: inline})
	}
	for _, f := range c.Fields {
		add(f.Label, f.Value, len(f.Value) <= 40)
	}
	for _, s := range c.Sections {
		var b strings.Builder
		b.WriteString(s.Text)
		for _, f := range s.Fields {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "**%s**: %s", f.Label, strings.ReplaceAll(f.Value, "\n", "; "))
		}
		add(s.Title, b.String(), false)
	}
	if dropped > 0 {
		footer = strings.TrimSpace(footer + fmt.Sprintf(" %d more not shown here: narrow the list or ask the seller team.", dropped))
	}
	if footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: clip(footer, min(maxFooter, max(budget, 100)))}
	}
	m := message{Embeds: []*discordgo.MessageEmbed{e}, Components: buttons(c.AllButtons()), AllowedMentions: noMentions}
	if e.Title == "" && e.Description == "" && len(e.Fields) == 0 && e.Footer == nil {
		m.Embeds, m.Content = nil, noValue
	}
	return m
}

// text is a plain answer in words.
func text(s string) message {
	return message{Content: clip(s, maxContent), Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{}, AllowedMentions: noMentions}
}

// buttons lays out up to 25 buttons, five a row; an empty list is an
// empty (not absent) component list, so an edit removes old buttons.
func buttons(bs []present.Button) []discordgo.MessageComponent {
	rows := []discordgo.MessageComponent{}
	var row discordgo.ActionsRow
	for _, b := range bs {
		if len(rows) == maxRows {
			break
		}
		btn := discordgo.Button{Label: clip(b.Label, maxButtonLabel), Style: buttonStyle(b.Style)}
		switch {
		case b.Kind == present.ButtonLink && b.URL != "":
			btn.Style, btn.URL = discordgo.LinkButton, b.URL
		case b.Action != "" && len(b.Action) <= maxCustomID:
			btn.CustomID = b.Action
		default:
			continue // nothing a click could do
		}
		row.Components = append(row.Components, btn)
		if len(row.Components) == buttonsPerRow {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
	}
	if len(row.Components) > 0 && len(rows) < maxRows {
		rows = append(rows, row)
	}
	return rows
}

func buttonStyle(s string) discordgo.ButtonStyle {
	switch s {
	case "primary":
		return discordgo.PrimaryButton
	case "danger":
		return discordgo.DangerButton
	}
	return discordgo.SecondaryButton
}

// clip shortens s to n characters (runes), marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func orBlank(s, blank string) string {
	if strings.TrimSpace(s) == "" {
		return blank
	}
	return s
}
