package commands_test

import (
	"testing"

	"github.com/collabbot/collabbot/commands"
)

// A creator's history is their whole trail: the roster entry, their
// invitations, their samples and their content, newest first.
func TestCreatorHistoryShowsTheWholeTrail(t *testing.T) {
	t.Parallel()
	app, _, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya_glow")
	mustAddCreator(t, app, "leo") // someone else's trail stays out
	clk.Advance(1000)
	inv := mustInviteOne(t, app, "maya_glow", true, "P100")
	mustInviteOne(t, app, "leo", false, "P100")
	clk.Advance(1000)
	mustNil(t, func() error { _, err := app.AcceptInvitation(ctxb, mayaA, inv.ID); return err }(), "accept")
	clk.Advance(1000)
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", InvitationID: inv.ID})
	clk.Advance(1000)
	mustApprove(t, app, s.ID)
	clk.Advance(1000)
	mustShip(t, app, s.ID)
	clk.Advance(1000)
	if _, err := app.SubmitContent(ctxb, mayaA, s.ID, "https://www.tiktok.com/@maya_glow/video/7301234567890123456"); err != nil {
		t.Fatal(err)
	}

	hs, err := app.History(ctxb, dana, "", "maya_glow")
	mustNil(t, err, "History")
	var kinds []string
	for _, h := range hs {
		kinds = append(kinds, h.Kind)
	}
	want := []string{"sample.completed", "sample.shipped", "sample.approved", "sample.requested", "invitation.accepted", "invitation.sent", "creator.added"}
	for _, w := range want {
		found := false
		for _, k := range kinds {
			found = found || k == w
		}
		if !found {
			t.Errorf("history of @maya_glow lacks %s: %v", w, kinds)
		}
	}
	for i := 1; i < len(hs); i++ {
		if hs[i].At.After(hs[i-1].At) {
			t.Errorf("history not newest first: %v then %v", hs[i-1].At, hs[i].At)
		}
	}
	if len(hs) > 0 && hs[0].Kind != "sample.completed" {
		t.Errorf("newest entry is %s, want sample.completed", hs[0].Kind)
	}
	for _, h := range hs {
		if h.Subject == "creator:2" {
			t.Errorf("leo's event in maya's history: %+v", h)
		}
	}
}
