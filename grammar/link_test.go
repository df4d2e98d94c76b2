package grammar_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
)

func TestParseAddressAndLink(t *testing.T) {
	c, err := parseLine(t, `creator set @maya address="12 Rue de Rivoli,   75001 Paris"`)
	if err != nil || c.CreatorChange == nil || c.CreatorChange.Address == nil || *c.CreatorChange.Address != "12 Rue de Rivoli, 75001 Paris" {
		t.Errorf("creator set address: %+v %v", c.CreatorChange, err)
	}
	c, err = parseLine(t, `creator add @maya address="12 Rue de Rivoli, 75001 Paris"`)
	if err != nil || c.Creator.Address != "12 Rue de Rivoli, 75001 Paris" {
		t.Errorf("creator add address: %+v %v", c.Creator, err)
	}
	if _, err := parseLine(t, `creator set @maya address=Paris`); domain.ErrorField(err) != "address" {
		t.Errorf("short address: %v, want an error on address", err)
	}
	c, err = parseLine(t, `link @Maya_Glow discord=123456789012345678`)
	if err != nil || c.Handle != "maya_glow" || c.Text != "123456789012345678" {
		t.Errorf("link: %+v %v", c, err)
	}
	for _, bad := range []string{"link", "link @a @b", "link @maya discord=12", "link @maya tz=UTC"} {
		if _, err := parseLine(t, bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// At the console a creator's link claim names the Discord account; the
// team's Confirm button (link-confirm) links it.
func TestConsoleLinkGoesToTheTeam(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.Open(t)
	app := commands.New(db, commands.Options{Clock: commands.ClockFunc(func() time.Time { return time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC) })})
	in := grammar.New(app)
	dana := domain.Actor{Role: domain.RoleSeller, MemberID: "dana", Name: "dana"}
	if _, _, err := in.Run(ctx, dana, "creator add @nina_b followers=5000"); err != nil {
		t.Fatal(err)
	}
	nina, err := app.CreatorActorByHandle(ctx, "nina_b")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := in.Run(ctx, nina, "link @nina_b"); domain.ErrorField(err) != "discord_id" {
		t.Errorf("link without an account at the console: %v, want discord_id asked", err)
	}
	card, _, err := in.Run(ctx, nina, "link @nina_b discord=123456789012345678")
	if err != nil || !strings.Contains(card.Text, "went to the seller team") {
		t.Fatalf("link: %+v %v", card, err)
	}
	if _, err := in.Click(ctx, nina, "link-confirm:1"); domain.ErrorKind(err) != domain.KindForbidden {
		t.Errorf("a creator confirming: %v", err)
	}
	card, err = in.Click(ctx, dana, "link-confirm:1")
	if err != nil || !strings.Contains(card.Text, "Linked") {
		t.Fatalf("confirm: %+v %v", card, err)
	}
	if a, err := app.CreatorActor(ctx, "123456789012345678"); err != nil || a.CreatorID != nina.CreatorID {
		t.Errorf("after confirm: %+v %v", a, err)
	}
	if _, err := in.Click(ctx, dana, "link-reject:1"); domain.ErrorKind(err) != domain.KindConflict {
		t.Errorf("rejecting a confirmed claim: %v, want a conflict", err)
	}
}
