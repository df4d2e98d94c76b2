package commands_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// A creator whose roster entry has a time zone reads the dates of their
// DMs in it; the team and creators without one read the team's.
func TestCreatorReadsDatesInTheirZone(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	mustNil(t, err, "LoadLocation")
	app, db, _ := newAppWith(t, commands.Options{Location: ny})
	mustAddProduct(t, app, "P100", 5, "")
	mustAddCreator(t, app, "kenji", func(c *domain.Creator) { c.TimeZone = "Asia/Tokyo" })
	mustAddCreator(t, app, "maya")
	// 21:30 in New York on 20 May is 10:30 on 21 May in Tokyo.
	expires := time.Date(2026, 5, 20, 21, 30, 0, 0, ny)
	res := mustInvite(t, app, commands.InviteRequest{
		Creators: []commands.InviteTarget{{Handle: "kenji"}, {Handle: "maya"}},
		Products: []string{"P100"}, Rate: 1500, Expires: expires,
	})
	// The team's deadline falls on its day; kenji is told the hour in Tokyo.
	want := map[string]string{"@kenji": "Thu 21 May 2026 10:30 JST", "@maya": "Wed 20 May 2026"}
	for _, v := range res.Invitations {
		o := mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:dm", v.ID))
		card := present.Notice(o.Notice, present.Reader{Zone: app.RecipientZone(ctxb, o.To), Team: app.Location()})
		if got, _ := fieldValue(card, "Answer by"); got != want[v.Creator.At()] {
			t.Errorf("%s reads answer by %q, want %q", v.Creator.At(), got, want[v.Creator.At()])
		}
	}
	// The team's reply is in the team's zone.
	if got := cardText(present.Invited(res, present.Reader{Zone: app.ZoneOf(ctxb, dana)})); !strings.Contains(got, "answer by Wed 20 May 2026") {
		t.Errorf("seller's reply %q, want New York dates", got)
	}
	kenji, err := app.CreatorActorByHandle(ctxb, "kenji")
	mustNil(t, err, "CreatorActorByHandle")
	if z := app.ZoneOf(ctxb, kenji); z.String() != "Asia/Tokyo" {
		t.Errorf("kenji's zone %v", z)
	}
}
