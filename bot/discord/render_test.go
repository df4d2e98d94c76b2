package discord

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/collabbot/collabbot/present"
)

func TestRenderKeepsWithinDiscordsLimits(t *testing.T) {
	var c present.Card
	c.Title = strings.Repeat("T", 300)
	c.Text = strings.Repeat("x", 5000)
	for i := range 30 {
		c.Fields = append(c.Fields, present.Field{Label: fmt.Sprint("f", i), Value: strings.Repeat("v", 900)})
	}
	for i := range 30 {
		c.Sections = append(c.Sections, present.Section{Title: fmt.Sprint("s", i), Buttons: []present.Button{{Label: "Go", Kind: present.ButtonAction, Action: fmt.Sprintf("accept:%d", i+1)}}})
	}
	c.Buttons = []present.Button{{Label: "Site", Kind: present.ButtonLink, URL: "https://example.com"}, {Label: "Too long", Kind: present.ButtonAction, Action: strings.Repeat("a", 101)}}
	m := render(c)
	e := m.Embeds[0]
	total := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		if f.Value == "" || utf8.RuneCountInString(f.Value) > maxFieldValue {
			t.Errorf("field %q value of %d runes", f.Name, utf8.RuneCountInString(f.Value))
		}
	}
	if e.Footer != nil {
		total += utf8.RuneCountInString(e.Footer.Text)
	}
	if utf8.RuneCountInString(e.Title) > maxEmbedTitle || utf8.RuneCountInString(e.Description) > maxEmbedText || len(e.Fields) > maxEmbedFields || total > maxEmbedTotal {
		t.Errorf("embed: title %d, text %d, %d fields, %d in all", utf8.RuneCountInString(e.Title), utf8.RuneCountInString(e.Description), len(e.Fields), total)
	}
	if e.Footer == nil || !strings.Contains(e.Footer.Text, "not shown") {
		t.Errorf("footer %+v, want a note of what was left out", e.Footer)
	}
	if len(m.Components) > maxRows {
		t.Fatalf("%d rows", len(m.Components))
	}
	n := 0
	for _, r := range m.Components {
		row := r.(discordgo.ActionsRow)
		if len(row.Components) > buttonsPerRow {
			t.Errorf("a row of %d buttons", len(row.Components))
		}
		for _, b := range row.Components {
			btn := b.(discordgo.Button)
			if len(btn.CustomID) > maxCustomID || (btn.CustomID == "") == (btn.URL == "") {
				t.Errorf("button %+v", btn)
			}
			n++
		}
	}
	// Fit keeps 25 buttons; the one whose custom_id Discord would refuse goes.
	if n != 24 {
		t.Errorf("%d buttons, want 24", n)
	}
}

func TestRenderEmptyCardAndEditsRemoveButtons(t *testing.T) {
	m := render(present.Card{})
	if m.Content == "" || m.Components == nil || len(m.Components) != 0 {
		t.Errorf("empty card: %+v", m)
	}
	if m := render(present.Card{Title: "Done"}); m.Components == nil {
		t.Error("a card without buttons must send components: [] so an edit removes the old ones")
	}
}

func TestRedactPath(t *testing.T) {
	tok := strings.Repeat("t", 80)
	for in, want := range map[string]string{
		"webhooks/700000000000000001/" + tok + "/messages/@original": "webhooks/700000000000000001/<token>/messages/@original",
		"interactions/120000000000000001/" + tok + "/callback":       "interactions/120000000000000001/<token>/callback",
		"channels/123456789012345678/messages":                       "channels/123456789012345678/messages",
	} {
		if got := redactPath(in); got != want {
			t.Errorf("redactPath(%q) = %q", in, got)
		}
	}
}
