package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// A content link must be the creator's own video; a short link carries no
// handle, so it is accepted and the sellers are told to check it. Whose
// sample it is comes before what the link looks like.
func TestContentLinkMustBeTheCreatorsOwn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		as        string // "maya" or "leo"
		link      string
		kind      domain.Kind // "" for accepted
		says      []string
		wantShort bool
	}{
		{name: "own video", as: "maya", link: "https://www.tiktok.com/@maya_glow/video/7301234567890123456"},
		{name: "own video, another case", as: "maya", link: "https://www.tiktok.com/@Maya_Glow/video/7301234567890123456"},
		{name: "own LIVE", as: "maya", link: "https://www.tiktok.com/@maya_glow/live"},
		{name: "someone else's video", as: "maya", link: "https://www.tiktok.com/@someoneelse/video/7301234567890123456", kind: domain.KindInvalid, says: []string{"@someoneelse", "@maya_glow"}},
		{name: "short link", as: "maya", link: "https://vm.tiktok.com/ZM8abcde/", wantShort: true},
		{name: "not yours, bad link", as: "leo", link: "https://example.com/x", kind: domain.KindForbidden, says: []string{"not yours"}},
		{name: "not yours, good link", as: "leo", link: "https://www.tiktok.com/@leo/video/7301234567890123456", kind: domain.KindForbidden, says: []string{"not yours"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app, db, _ := newApp(t)
			mustAddProduct(t, app, "P100", 5, "")
			_, mayaA := mustAddCreator(t, app, "maya_glow")
			_, leoA := mustAddCreator(t, app, "leo")
			plan := mustSamplePlan(t, app, "Spring", true)
			s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
			mustShip(t, app, s.ID)
			who := map[string]domain.Actor{"maya": mayaA, "leo": leoA}[tt.as]
			before := stateOf(t, db)
			_, err := app.SubmitContent(ctxb, who, s.ID, tt.link)
			if tt.kind != "" {
				wantErr(t, err, tt.kind, "", tt.says...)
				wantUnchanged(t, db, before)
				return
			}
			mustNil(t, err, "SubmitContent")
			notice := cardText(rendered(mustOutboxKey(t, db, fmt.Sprintf("sample:%d:content", s.ID))))
			if got := strings.Contains(notice, "Short link: check it is @maya_glow's"); got != tt.wantShort {
				t.Errorf("sellers' notice %q: short-link note %v, want %v", notice, got, tt.wantShort)
			}
		})
	}
}

// A creator's list is their own; the @creator filter is the team's.
func TestCreatorCannotFilterAnotherCreatorsList(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	_, mayaA := mustAddCreator(t, app, "maya")
	mustAddCreator(t, app, "leo")
	_, err := app.ListInvitations(ctxb, mayaA, "leo", "")
	wantErr(t, err, domain.KindForbidden, "", "seller team")
	_, err = app.ListSamples(ctxb, mayaA, "leo", "")
	wantErr(t, err, domain.KindForbidden, "", "seller team")
	if _, err := app.ListInvitations(ctxb, mayaA, "maya", ""); err != nil {
		t.Errorf("a creator naming themselves: %v", err)
	}
}
