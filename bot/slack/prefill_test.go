package slack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/domain"
)

// A rule the grammar refused is left out of the prefilled plan form,
// not shown as 0% (the user typed 90, the form must not say all=0%).
func TestPlanPrefillDropsRefusedRates(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	code, body := h.slash(seller, `plan "Spring" P100=12% all=90`, 1)
	if code != http.StatusOK || body != "" {
		t.Fatalf("answer %d %q, want an empty 200 (the modal says it)", code, body)
	}
	opens := h.slack.callsTo("views.open")
	if len(opens) == 0 {
		t.Fatal("no modal opened")
	}
	v, _ := json.Marshal(opens[len(opens)-1].JSON)
	mustContain(t, "the modal", string(v), "P100=12%", "got 90%")
	if strings.Contains(string(v), "all=0%") {
		t.Errorf("the form shows all=0%% for a typed all=90:\n%s", v)
	}
}

// The invite form's "Answer by" hint says the default the use case
// applies when the field is left empty.
func TestInviteFormSaysTheDefaultExpiry(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	h.slash(seller, "invite", 1)
	opens := h.slack.callsTo("views.open")
	if len(opens) == 0 {
		t.Fatal("no modal opened")
	}
	v, _ := json.Marshal(opens[len(opens)-1].JSON)
	mustContain(t, "the invite form", string(v), fmt.Sprintf("Default: %d days from today.", domain.DefaultInviteDays))
}

// Slack sends a typed "@dana" as text: role refuses it rather than
// granting the role to a member ID no one has.
func TestRoleWantsASlackMemberID(t *testing.T) {
	h := newHarness(t)
	for _, line := range []string{"role @dana manager", "role dana manager"} {
		_, body := h.slash(manager, line, 1)
		if strings.Contains(body, "is now a manager") || !strings.Contains(body, "not a member ID") {
			t.Errorf("%s answered %s", line, body)
		}
	}
	if _, body := h.slash(manager, "role <@"+seller+"|sam> manager", 2); !strings.Contains(body, "is now a manager") {
		t.Errorf("a mention was refused: %s", body)
	}
}

// A form with a bad rate still shows its other fields' errors, all at
// once, and no error on a block the user left alone.
func TestFormRateErrorsComeWithTheRest(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	_, body := h.interact("/slack/interactions", submission(seller, "invite", "", map[string]map[string]any{
		"creators": multi("maya"), "products": multi("P100"), "commission_rate": text("81%"),
		"overrides": text("@maya=0%"), "contact_email": text("x@"), "samples": text("20"),
	}))
	errs := viewErrors(t, body)
	for _, block := range []string{"commission_rate", "overrides", "contact_email", "samples"} {
		if errs[block] == "" {
			t.Errorf("invite: no error on %s: %v", block, errs)
		}
	}
	mustContain(t, "the rate error", errs["commission_rate"], "got 81%")
	_, body = h.interact("/slack/interactions", submission(seller, "plan", "", map[string]map[string]any{
		"name": text("Spring"), "products": multi("P100"), "product_rate": text("90%"), "samples": text("20"),
	}))
	errs = viewErrors(t, body)
	for _, block := range []string{"product_rate", "samples"} {
		if errs[block] == "" {
			t.Errorf("plan: no error on %s: %v", block, errs)
		}
	}
	if errs["rules"] != "" {
		t.Errorf("plan: an error on the rules the user left empty: %v", errs)
	}
	if invs, _ := h.app.ListInvitations(t.Context(), domain.Actor{Role: domain.RoleManager, MemberID: manager}, "", ""); len(invs) != 0 {
		t.Errorf("invalid forms stored %d invitations", len(invs))
	}
}
