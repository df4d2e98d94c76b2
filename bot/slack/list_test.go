package slack_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// Lists render as Block Kit sections within a message's 50 blocks and
// say what they leave out; a page button never re-runs a change.
func TestListsFitAndPageButtonsOnlyRead(t *testing.T) {
	h := newHarness(t)
	var handles []string
	for i := range 60 {
		handles = append(handles, fmt.Sprintf("creator%02d", i))
	}
	h.seed(handles)
	_, body := h.slash(seller, "creators", 1)
	var m struct {
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Blocks) == 0 || len(m.Blocks) > 50 {
		t.Fatalf("%d blocks", len(m.Blocks))
	}
	mustContain(t, "the list", body, `"type":"section"`, `"type":"header"`, "@creator00", "20 more")

	p := click(seller, "collabbot.page:2", sellers, "1700000000.1", h.slack.responseURL(3))
	p["actions"].([]map[string]any)[0]["value"] = `product add P5 "Sneaky"`
	h.interact("/slack/interactions", p)
	h.adapter.Wait()
	mustContain(t, "a page click on a change", responseText(h.slack.responsesTo(3)[0]), "Only lists page")
	if ps, _ := h.app.ListProducts(t.Context(), h.managerActor()); len(ps) != 0 {
		t.Errorf("a page click added a product")
	}
}
