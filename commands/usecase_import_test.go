package commands_test

import (
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// wantLine checks an import error points at a CSV line (the header is
// line 1, so rows[i] is line i+2) and keeps the row's kind and field.
func wantLine(t *testing.T, err error, line string, kind domain.Kind, field string) {
	t.Helper()
	wantErr(t, err, kind, field)
	if msg := domain.ErrorMessage(err); !strings.HasPrefix(msg, line+": ") {
		t.Errorf("message %q does not start with %q", msg, line+": ")
	}
}

// An import is all or nothing; an update keeps a creator's ID and outreach
// history.
func TestImportCreators(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P1", 0, "")
	mustAddProduct(t, app, "P2", 0, "")
	maya, _ := mustAddCreator(t, app, "maya")
	mustInviteOne(t, app, "maya", false, "P1")
	mustInviteOne(t, app, "maya", false, "P2")
	mustNil(t, app.MarkUnreachable(ctxb, maya.ID, "blocked DMs"), "MarkUnreachable")
	maya = creatorOf(t, db, maya.ID)
	if maya.Unanswered != 2 || maya.Reachable {
		t.Fatalf("setup: %+v", maya)
	}

	taken := nextDiscordID()
	bad := []struct {
		name  string
		rows  []domain.Creator
		line  string
		kind  domain.Kind
		field string
	}{
		{"bad handle at index 2", []domain.Creator{{Handle: "maya", Followers: 99_000}, {Handle: "newbie"}, {Handle: "no way!"}}, "line 4", domain.KindInvalid, "handle"},
		{"negative followers at index 2", []domain.Creator{{Handle: "one"}, {Handle: "two"}, {Handle: "three", Followers: -1}}, "line 4", domain.KindInvalid, "followers"},
		{"bad discord at index 0", []domain.Creator{{Handle: "one", DiscordID: "12"}}, "line 2", domain.KindInvalid, "discord_id"},
		{"discord taken twice", []domain.Creator{{Handle: "one", DiscordID: taken}, {Handle: "two", DiscordID: taken}}, "line 3", domain.KindConflict, ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			before := stateOf(t, db)
			_, err := app.ImportCreators(ctxb, dana, tc.rows, nil)
			wantLine(t, err, tc.line, tc.kind, tc.field)
			wantUnchanged(t, db, before)
		})
	}

	newID := nextDiscordID()
	res, err := app.ImportCreators(ctxb, dana, []domain.Creator{
		{Handle: "@MAYA", Followers: 99_000, AvgViews: 12_000, Niche: "Skincare", DiscordID: newID},
		{Handle: "newbie", Followers: 100},
	}, nil)
	mustNil(t, err, "ImportCreators")
	if res != (commands.ImportResult{Added: 1, Updated: 1}) {
		t.Errorf("result %+v, want 1 added, 1 updated", res)
	}
	got := creatorOf(t, db, maya.ID)
	if got.Handle != "maya" || got.Followers != 99_000 || got.AvgViews != 12_000 || got.Niche != "skincare" ||
		got.Unanswered != 2 || !got.CreatedAt.Equal(maya.CreatedAt) || got.DiscordID != newID || !got.Reachable {
		t.Errorf("updated maya %+v; want same ID, history kept, new account reachable", got)
	}
	who, err := app.CreatorActorByHandle(ctxb, "newbie")
	mustNil(t, err, "new creator")
	if who.CreatorID == maya.ID {
		t.Errorf("newbie got maya's ID")
	}
	if n := countEvents(t, db, "roster", "creator.imported"); n != 1 {
		t.Errorf("%d import events, want 1", n)
	}

	// Without a Discord ID in the row the linked account is kept.
	_, err = app.ImportCreators(ctxb, dana, []domain.Creator{{Handle: "maya", Followers: 1}}, nil)
	mustNil(t, err, "re-import")
	if got := creatorOf(t, db, maya.ID); got.DiscordID != newID || got.Followers != 1 {
		t.Errorf("re-imported maya %+v", got)
	}
}

func TestImportProducts(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "snacks")

	before := stateOf(t, db)
	_, err := app.ImportProducts(ctxb, dana, []domain.Product{{ID: "P100", Title: "Renamed"}, {ID: "P200", Title: "New"}, {ID: "P300", Title: "Bad", SampleStock: -1}}, nil)
	wantLine(t, err, "line 4", domain.KindInvalid, "stock")
	wantUnchanged(t, db, before)
	_, err = app.ImportProducts(ctxb, dana, []domain.Product{{ID: "bad id", Title: "x"}}, nil)
	wantLine(t, err, "line 2", domain.KindInvalid, "id")
	wantUnchanged(t, db, before)

	res, err := app.ImportProducts(ctxb, dana, []domain.Product{{ID: "P100", Title: " Renamed ", Price: 1999, Group: "Drinks", SampleStock: 7}, {ID: "P200", Title: "New"}}, nil)
	mustNil(t, err, "ImportProducts")
	if res != (commands.ImportResult{Added: 1, Updated: 1}) {
		t.Errorf("result %+v", res)
	}
	if p := productOf(t, db, "P100"); p != (domain.Product{ID: "P100", Title: "Renamed", Price: 1999, Group: "drinks", SampleStock: 7}) {
		t.Errorf("updated P100 %+v", p)
	}
	if p := productOf(t, db, "P200"); p.Title != "New" {
		t.Errorf("added P200 %+v", p)
	}
	if n := countEvents(t, db, "catalog", "product.imported"); n != 1 {
		t.Errorf("%d import events", n)
	}
}

func TestImportUpdatesOnlyTheFilesColumns(t *testing.T) {
	app, _, _ := newApp(t)
	first := "handle,discord_id,followers,avg_views,niche,timezone\n@maya_glow,111111111111111111,52000,8000,beauty,Europe/Paris\n"
	rows, cols, err := commands.ParseCreatorsCSV(strings.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.ImportCreators(ctxb, dana, rows, cols); err != nil {
		t.Fatal(err)
	}
	rows, cols, err = commands.ParseCreatorsCSV(strings.NewReader("handle,followers\n@maya_glow,60000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !cols[0].Has("followers") || cols[0].Has("niche") {
		t.Fatalf("columns = %v", cols)
	}
	res, err := app.ImportCreators(ctxb, dana, rows, cols)
	if err != nil || res.Updated != 1 {
		t.Fatalf("second import: %+v %v", res, err)
	}
	cards, err := app.ListCreators(ctxb, dana, "")
	if err != nil || len(cards) != 1 {
		t.Fatalf("creators: %v %v", cards, err)
	}
	c := cards[0].Creator
	if c.Followers != 60000 || c.AvgViews != 8000 || c.Niche != "beauty" || c.TimeZone != "Europe/Paris" || c.DiscordID != "111111111111111111" {
		t.Errorf("after a followers-only import: %+v", c)
	}
}
