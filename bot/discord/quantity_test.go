package discord_test

import (
	"testing"
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
