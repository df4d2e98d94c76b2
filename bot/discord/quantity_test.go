package discord_test

import (
	"testing"

	"github.com/bwmarrin/discordgo"
)

// A quantity typed as 0 (or negative) is refused with the field's rule;
// it is not read as "the default, 1", and nothing is stored.
func TestSampleFormRefusesQuantityBelowOne(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `plan "Spring" P300=12% samples=1 stock=20`)
	for _, q := range []string{"0", "-2", "x"} {
		resp, _ := w.ok(w.submit(maya, "form/join-plan:1", map[string]string{"product": "P300", "qty": q, "address": "12 Rue de Rivoli, 75001 Paris, France"}))
		wantEphemeral(t, resp)
		wantContains(t, "quantity "+q, answerText(resp), "Quantity must be a whole number of at least 1", q)
	}
	if ss, _ := w.app.ListSamples(ctxb, dana, "", ""); len(ss) != 0 {
		t.Errorf("a refused quantity stored %d samples", len(ss))
	}
}

// An offer of one unit says so, in the form's label and in the refusal,
// rather than "1 to 1".
func TestSampleFormOneUnitReadsPlainly(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `plan "Spring" P300=12% samples=1 stock=20`)
	resp, _ := w.ok(w.click(maya, "join-plan:1"))
	for _, c := range resp.Data.Components {
		if in := c.(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput); in.CustomID == "qty" && in.Label != "Quantity (this offer gives 1)" {
			t.Errorf("quantity label %q", in.Label)
		}
	}
	resp, _ = w.ok(w.submit(maya, "form/join-plan:1", map[string]string{"product": "P300", "qty": "3", "address": "12 Rue de Rivoli, 75001 Paris, France"}))
	wantContains(t, "quantity 3", answerText(resp), "Quantity must be 1 for this offer (got 3)")
}
