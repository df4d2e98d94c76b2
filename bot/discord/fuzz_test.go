package discord_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/collabbot/collabbot/bot/discord"
	"github.com/collabbot/collabbot/present"
)

// The decoder takes what a verified request carries: anything Discord (or
// a compromised key) could send must be refused or decoded, never panic,
// and a decoded interaction is safe for the handlers.
func FuzzDecodeInteraction(f *testing.F) {
	w := &world{t: &testing.T{}}
	for _, seed := range [][]byte{
		w.interaction(maya, discordgo.InteractionPing, nil),
		w.interaction(maya, discordgo.InteractionApplicationCommand, map[string]any{"id": "1", "name": "plans", "type": 1}),
		w.interaction(mayaSrv, discordgo.InteractionApplicationCommand, map[string]any{"id": "1", "name": "link", "type": 1, "options": []any{map[string]any{"name": "handle", "type": 3, "value": "maya"}}}),
		w.interaction(maya, discordgo.InteractionMessageComponent, map[string]any{"custom_id": "accept:1", "component_type": 2}),
		w.interaction(maya, discordgo.InteractionModalSubmit, map[string]any{"custom_id": "form/decline:1", "components": []any{map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": "reason", "value": "x"}}}}}),
		[]byte(`{"type":3,"data":null}`), []byte(`{"type":5,"data":{"components":[{"type":1,"components":[{"type":99}]}]}}`), []byte(`null`), []byte(`{}`),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		i, err := discord.DecodeInteraction(body)
		if err != nil {
			return
		}
		switch i.Type {
		case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
			_ = i.ApplicationCommandData()
		case discordgo.InteractionMessageComponent:
			_, _ = present.ParseAction(i.MessageComponentData().CustomID)
		case discordgo.InteractionModalSubmit:
			_ = discord.FormValues(i.ModalSubmitData().Components)
		case discordgo.InteractionPing:
			return
		}
		if (i.Member == nil || i.Member.User == nil) && i.User == nil {
			t.Fatalf("decoded an interaction without a user: %s", body)
		}
	})
}

// A modal's custom_id comes back from Discord as untrusted input: only the
// form verbs in canonical form are accepted, and they format back to
// themselves.
func FuzzParseForm(f *testing.F) {
	for _, s := range []string{"form/decline:1", "form/request-sample:12", "form/join-plan:3", "form/submit-content:9223372036854775807",
		"form/accept:1", "decline:1", "form/decline:01", "form/decline:-1", "form/", "form/decline:1 ", strings.Repeat("form/", 30)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		act, err := discord.ParseForm(id)
		if err != nil {
			return
		}
		if back := "form/" + present.FormatAction(act.Verb, act.ID); back != id || len(back) > 100 {
			t.Fatalf("ParseForm(%q) = %+v, formats back to %q", id, act, back)
		}
	})
}

// A modal submit's components are read whatever their shape.
func FuzzFormValues(f *testing.F) {
	for _, s := range []string{
		`{"custom_id":"form/decline:1","components":[{"type":1,"components":[{"type":4,"custom_id":"reason","value":"busy"}]}]}`,
		`{"custom_id":"x","components":[{"type":1,"components":[]},{"type":4,"custom_id":"loose","value":"v"}]}`,
		`{"custom_id":"x","components":[{"type":1,"components":[{"type":2,"custom_id":"b"}]}]}`,
		`{"components":null}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var d discordgo.ModalSubmitInteractionData
		if json.Unmarshal([]byte(raw), &d) != nil {
			return
		}
		for k, v := range discord.FormValues(d.Components) {
			if k == "" || len([]rune(v)) > 4000 {
				t.Fatalf("FormValues gave %q = %d runes", k, len([]rune(v)))
			}
		}
	})
}
