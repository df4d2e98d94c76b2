package commands_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// A sample cannot ship without an address; once the creator gives one with
// a request (or the team sets it), it ships, and the address is on the
// team's approved card only.
func TestASampleShipsOnlyWithAnAddress(t *testing.T) {
	app, db, _ := newApp(t)
	_, maya := mustAddCreator(t, app, "maya", noAddress)
	mustAddProduct(t, app, "P100", 5, "")
	pl := mustSamplePlan(t, app, "Spring", false)
	s := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P100", PlanID: pl.ID})
	mustApprove(t, app, s.ID)
	before := stateOf(t, db)
	_, err := app.ShipSample(ctxb, dana, s.ID, "1Z1")
	wantErr(t, err, domain.KindInvalid, "address", "@maya has no shipping address", "creator set @maya address=")
	wantUnchanged(t, db, before)

	addr := "7 Quai Voltaire, 75007 Paris"
	if _, err := app.SetCreator(ctxb, dana, "maya", commands.CreatorChange{Address: &addr}); err != nil {
		t.Fatal(err)
	}
	if got := creatorOf(t, db, maya.CreatorID).Address; got != addr {
		t.Errorf("address after creator set: %q", got)
	}
	mustShip(t, app, s.ID)
	for _, e := range events(t, db, "") {
		if strings.Contains(e.Detail, "Voltaire") {
			t.Errorf("the audit trail shows the address: %s %s", e.Kind, e.Detail)
		}
	}
	for _, o := range outbox(t, db) {
		b, _ := json.Marshal(o.Notice)
		card := o.Notice.Kind == domain.NoticeSampleCard && o.Notice.Sample.State == domain.SampleApproved
		if strings.Contains(string(b), "Voltaire") && !card {
			t.Errorf("outbox row %s (%s to %s) carries the address", o.Key, o.Notice.Kind, o.To)
		}
	}
}

func TestARequestKeepsTheAddressItCarries(t *testing.T) {
	app, db, _ := newApp(t)
	_, maya := mustAddCreator(t, app, "maya", noAddress)
	mustAddProduct(t, app, "P100", 5, "")
	pl := mustSamplePlan(t, app, "Spring", true)
	_, err := app.RequestSample(ctxb, maya, commands.SampleInput{ProductID: "P100", PlanID: pl.ID, Address: "Paris"})
	wantErr(t, err, domain.KindInvalid, "address", "too short")
	if got := creatorOf(t, db, maya.CreatorID).Address; got != "" {
		t.Errorf("a refused request kept %q", got)
	}
	s := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P100", PlanID: pl.ID, Address: " 1 Main St \n Springfield 12345 "})
	if got := creatorOf(t, db, maya.CreatorID).Address; got != "1 Main St\nSpringfield 12345" {
		t.Errorf("address kept: %q", got)
	}
	mustShip(t, app, s.ID)
	if got, err := app.ShippingAddress(ctxb, maya); err != nil || got != "1 Main St\nSpringfield 12345" {
		t.Errorf("ShippingAddress = %q, %v", got, err)
	}
	if _, err := app.ShippingAddress(ctxb, dana); domain.ErrorKind(err) != domain.KindForbidden {
		t.Errorf("ShippingAddress for a seller = %v, want forbidden", err)
	}
}

// A creator Discord refused (they shared no server with the bot) is made
// reachable again by giving their own ID again, once they joined.
func TestSameDiscordIDMakesAnUnreachableCreatorReachable(t *testing.T) {
	app, db, _ := newApp(t)
	c, _ := mustAddCreator(t, app, "maya")
	if err := app.MarkUnreachable(ctxb, c.ID, "Discord error 50278"); err != nil {
		t.Fatal(err)
	}
	if creatorOf(t, db, c.ID).Reachable {
		t.Fatal("still reachable")
	}
	id := c.DiscordID
	if _, err := app.SetCreator(ctxb, dana, "maya", commands.CreatorChange{DiscordID: &id}); err != nil {
		t.Fatal(err)
	}
	if !creatorOf(t, db, c.ID).Reachable {
		t.Error("the same ID given again left the creator unreachable")
	}
	if _, err := app.SetCreator(ctxb, dana, "maya", commands.CreatorChange{DiscordID: &id}); err != nil {
		t.Errorf("giving it once more: %v", err)
	}
}
