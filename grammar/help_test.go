package grammar_test

import (
	"strings"
	"testing"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
)

func TestHelpListsVerbsByRole(t *testing.T) {
	team := grammar.Help("", domain.RoleSeller)
	for _, want := range []string{"invite @creator", "plan \"NAME\"", "plan pause", "creator add", "product add", "approve S12  (managers)", "role @member", "Example: invite @maya_glow", "help invite"} {
		if !strings.Contains(team, want) {
			t.Errorf("seller help lacks %q:\n%s", want, team)
		}
	}
	for _, unwanted := range []string{"\naccept I12", "\nrequest PRODUCT", "\ncontent S12", "\nlink @handle"} {
		if strings.Contains(team, unwanted) {
			t.Errorf("seller help shows the creator verb %q", unwanted)
		}
	}
	creator := grammar.Help("", domain.RoleCreator)
	for _, want := range []string{"accept I12", "decline I12", "request PRODUCT", "content S12", "link @handle", "plans", "samples"} {
		if !strings.Contains(creator, want) {
			t.Errorf("creator help lacks %q:\n%s", want, creator)
		}
	}
	for _, unwanted := range []string{"invite @", "approve S12", "role @member", "creator add"} {
		if strings.Contains(creator, unwanted) {
			t.Errorf("creator help shows the team verb %q", unwanted)
		}
	}
	if manager := grammar.Help("", domain.RoleManager); !strings.Contains(manager, "approve S12") {
		t.Errorf("manager help lacks approve:\n%s", manager)
	}
}

func TestHelpTopic(t *testing.T) {
	tests := []struct {
		topic string
		says  []string
	}{
		{"invite", []string{"invite @creator", "expires=2026-12-31", "samples=1", "1 to 50", "Example: invite"}},
		{" /INVITE ", []string{"invite @creator"}},
		{"plan", []string{"group:snacks=8%", "end=30d", "Example: plan \"Spring\""}},
		{"plan  pause", []string{"plan pause PL3", "Pause an open plan"}},
		{"creator", []string{"creator add @creator", "followers=52k"}},
		{"approve", []string{"approve S12", "Managers only"}},
		{"request", []string{"For creators", "qty=N"}},
	}
	for _, tt := range tests {
		got := grammar.Help(tt.topic, domain.RoleSeller)
		for _, s := range tt.says {
			if !strings.Contains(got, s) {
				t.Errorf("Help(%q) lacks %q:\n%s", tt.topic, s, got)
			}
		}
	}
	got := grammar.Help("frobnicate", domain.RoleCreator)
	if !strings.Contains(got, `no help for "frobnicate"`) || !strings.Contains(got, "accept I12") {
		t.Errorf("unknown topic: %s", got)
	}
}

// Every verb of the grammar is documented for somebody.
func TestHelpCoversEveryVerb(t *testing.T) {
	all := grammar.Help("", domain.RoleManager) + grammar.Help("", domain.RoleCreator)
	for _, name := range grammarVerbs {
		if !strings.Contains(all, "\n"+grammar.Usage(name)) {
			t.Errorf("no role's help lists %q", grammar.Usage(name))
		}
	}
}

// A creator's help offers only what a creator can type: the @creator
// filter is the team's.
func TestCreatorHelpOffersNoTeamFilter(t *testing.T) {
	for _, topic := range []string{"", "invitations", "samples"} {
		creator := grammar.Help(topic, domain.RoleCreator)
		if strings.Contains(creator, "@creator") || strings.Contains(creator, "invitations @") {
			t.Errorf("creator help %q offers the team's filter:\n%s", topic, creator)
		}
		if team := grammar.Help(topic, domain.RoleSeller); !strings.Contains(team, "[@creator]") {
			t.Errorf("team help %q lost the creator filter:\n%s", topic, team)
		}
	}
	if got := grammar.Help("invitations", domain.RoleCreator); !strings.Contains(got, "invitations [pending|") || !strings.Contains(got, "Example: invitations pending") {
		t.Errorf("creator help for invitations:\n%s", got)
	}
}
