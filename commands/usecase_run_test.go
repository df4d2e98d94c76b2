package commands_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
)

func mustRun(t *testing.T, app *commands.App, who domain.Actor, line string) present.Card {
	t.Helper()
	m, _, err := grammar.New(app).Run(ctxb, who, line)
	if err != nil {
		t.Fatalf("Run(%s, %q): %v", who.Display(), line, err)
	}
	return m
}

func mustClick(t *testing.T, app *commands.App, who domain.Actor, customID string) present.Card {
	t.Helper()
	m, err := grammar.New(app).Click(ctxb, who, customID)
	if err != nil {
		t.Fatalf("Click(%s, %q): %v", who.Display(), customID, err)
	}
	return m
}

// A whole collaboration typed as lines and clicked as buttons, as the
// console and the chat adapters drive it.
func TestRunAndClickEndToEnd(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)

	if m := mustRun(t, app, dana, "help"); m.Title != "collabbot help" || !strings.Contains(m.Text, "invite @creator") {
		t.Errorf("help = %+v", m)
	}
	if m := mustRun(t, app, dana, `product add P100 "Glow Serum" price=24.90 group=skincare stock=5`); !strings.Contains(m.Text, "Added P100") {
		t.Errorf("product add = %q", m.Text)
	}
	did := nextDiscordID()
	mustRun(t, app, dana, "creator add @Maya_Glow discord="+did+" followers=52k views=1.2m niche=beauty address=\"1 Rue de Rivoli, 75001 Paris\"")
	maya, err := app.CreatorActor(ctxb, did)
	mustNil(t, err, "CreatorActor")
	if maya.Role != domain.RoleCreator || maya.Name != "@maya_glow" {
		t.Fatalf("creator actor %+v", maya)
	}
	mustRun(t, app, dana, `plan "Spring" group:skincare=12% all=5% samples=1`)

	m := mustRun(t, app, maya, "plans")
	if m.Title != "Open plans" || !strings.Contains(cardText(m), `PL1 "Spring"`) || !strings.Contains(cardText(m), "P100 Glow Serum (24.90): 12%") {
		t.Errorf("plans for the creator = %+v", m)
	}
	if got := buttonActions(m); !reflect.DeepEqual(got, []string{"join-plan:1"}) {
		t.Errorf("plans buttons %v", got)
	}

	m = mustRun(t, app, dana, "/collab invite @maya_glow P100 15%")
	if m.Title != "Invited 1 creator to P100" || !strings.Contains(cardText(m), "I1  @maya_glow at 15%") {
		t.Errorf("invite reply %+v", m)
	}
	mustOutboxKey(t, db, "invitation:1:dm")

	if m := mustClick(t, app, maya, "accept:1"); m.Text != "You accepted invitation I1 at 15% commission. Welcome aboard!" {
		t.Errorf("accept click = %q", m.Text)
	}
	if got := invitationOf(t, db, 1).State; got != domain.InvitationAccepted {
		t.Errorf("I1 is %s", got)
	}

	m = mustRun(t, app, maya, `request P100 PL1 "for my routine video"`)
	if !strings.Contains(m.Text, "Sample request S1 for P100 Glow Serum: Waiting for a manager") {
		t.Errorf("request reply %q", m.Text)
	}
	if m := mustClick(t, app, erin, "approve:1"); !strings.Contains(m.Text, "Approved by erin") {
		t.Errorf("approve click %q", m.Text)
	}
	if m := mustClick(t, app, dana, "ship:1"); !strings.Contains(m.Text, "Shipped, content due") {
		t.Errorf("ship click %q", m.Text)
	}
	if m := mustRun(t, app, maya, "samples"); !reflect.DeepEqual(buttonActions(m), []string{"submit-content:1"}) {
		t.Errorf("creator's samples %+v", m)
	}
	mustRun(t, app, maya, "content S1 https://www.tiktok.com/@maya_glow/video/7301234567890123456")
	if got := sampleOf(t, db, 1).State; got != domain.SampleCompleted {
		t.Errorf("S1 is %s", got)
	}
	if m := mustRun(t, app, erin, "report"); !strings.Contains(m.Text, "S1  @maya_glow  P100  completed") {
		t.Errorf("report text %q", m.Text)
	}
}

// Buttons that carry no usable action, or need more input, say so without
// changing anything.
func TestClickRefusals(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddProduct(t, app, "P200", 5, "")
	_, maya := mustAddCreator(t, app, "maya")
	inv := mustInviteOne(t, app, "maya", true, "P100", "P200")
	before := stateOf(t, db)
	tests := []struct {
		who   domain.Actor
		id    string
		kind  domain.Kind
		field string
	}{
		{maya, "nope:1", domain.KindInvalid, "custom_id"},
		{maya, "accept:0", domain.KindInvalid, "custom_id"},
		{maya, "accept:01", domain.KindInvalid, "custom_id"},
		{maya, "accept", domain.KindInvalid, "custom_id"},
		{maya, "", domain.KindInvalid, "custom_id"},
		{maya, "accept:999", domain.KindNotFound, ""},
		{erin, "reject:1", domain.KindNotFound, ""}, // no such request
		{maya, "submit-content:1", domain.KindInvalid, "content_link"},
		{maya, "join-plan:1", domain.KindNotFound, ""}, // no such plan
		// Two products: the creator has to say which one.
		{maya, fmt.Sprintf("request-sample:%d", inv.ID), domain.KindInvalid, "product"},
	}
	for _, tc := range tests {
		_, err := grammar.New(app).Click(ctxb, tc.who, tc.id)
		if err == nil {
			t.Errorf("Click(%q) succeeded", tc.id)
			continue
		}
		wantErr(t, err, tc.kind, tc.field)
	}
	wantUnchanged(t, db, before)
}

// A line that does not parse returns the error and what was understood,
// so an adapter can open a prefilled form; nothing is stored.
func TestRunBadLineReturnsPartialCommand(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddCreator(t, app, "maya")
	before := stateOf(t, db)

	m, cmd, err := grammar.New(app).Run(ctxb, dana, `invite @maya P100 expires=14d "Hello"`)
	wantErr(t, err, domain.KindInvalid, "commission_rate")
	if m.Text != "" || m.Title != "" {
		t.Errorf("message with an error: %+v", m)
	}
	if cmd.Name != "invite" || cmd.Invite == nil || len(cmd.Invite.Creators) != 1 || cmd.Invite.Creators[0].Handle != "maya" ||
		!reflect.DeepEqual(cmd.Invite.Products, []string{"P100"}) || cmd.Invite.Message != "Hello" {
		t.Errorf("partial command %+v / %+v", cmd, cmd.Invite)
	}

	_, cmd, err = grammar.New(app).Run(ctxb, dana, "frobnicate now")
	if err == nil || cmd.Name != "" {
		t.Errorf("unknown verb: %+v, %v", cmd, err)
	}
	_, cmd, err = grammar.New(app).Run(ctxb, erin, "approve I3")
	if err == nil || cmd.Name != "approve" {
		t.Errorf("approve I3: %+v, %v", cmd, err)
	}

	// A line that parses but fails in the use case names the command too.
	_, cmd, err = grammar.New(app).Run(ctxb, dana, "invite @ghost P100 15%")
	wantErr(t, err, domain.KindInvalid, "creators", "@ghost")
	if cmd.Name != "invite" {
		t.Errorf("command %+v", cmd)
	}
	wantUnchanged(t, db, before)
}
