package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

func ptr[T any](v T) *T { return &v }

// product set renames, reprices, regroups and restocks, with an audit
// event; a restocked product takes sample requests again.
func TestSetProduct(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	plan := mustSamplePlan(t, app, "Spring", false)
	_, err := app.RequestSample(ctxb, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
	wantErr(t, err, domain.KindConflict, "", "no free samples left")

	v, err := app.SetProduct(ctxb, dana, "P100", commands.ProductChange{Title: ptr("Glow Serum 2"), Price: ptr(domain.Money(1990)), Group: ptr("Skincare"), Stock: ptr(20)})
	mustNil(t, err, "SetProduct")
	got := productOf(t, db, "P100")
	if got.Title != "Glow Serum 2" || got.Price != 1990 || got.Group != "skincare" || got.SampleStock != 20 || v.Product != got {
		t.Errorf("stored %+v, returned %+v", got, v.Product)
	}
	if n := countEvents(t, db, "product:P100", "product.changed"); n != 1 {
		t.Errorf("%d product.changed events, want 1", n)
	}
	mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})

	// The same values again change nothing and record nothing.
	before := stateOf(t, db)
	_, err = app.SetProduct(ctxb, dana, "P100", commands.ProductChange{Stock: ptr(20)})
	mustNil(t, err, "SetProduct again")
	wantUnchanged(t, db, before)
}

func TestSetProductRefuses(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	tests := []struct {
		name  string
		as    domain.Actor
		id    string
		ch    commands.ProductChange
		kind  domain.Kind
		field string
		says  []string
	}{
		{"a creator", mayaA, "P100", commands.ProductChange{Stock: ptr(3)}, domain.KindForbidden, "", nil},
		{"nothing to change", dana, "P100", commands.ProductChange{}, domain.KindInvalid, "options", []string{"stock=20"}},
		{"unknown product", dana, "P999", commands.ProductChange{Stock: ptr(3)}, domain.KindNotFound, "", nil},
		{"negative stock", dana, "P100", commands.ProductChange{Stock: ptr(-1)}, domain.KindInvalid, "stock", nil},
		{"blank title", dana, "P100", commands.ProductChange{Title: ptr("  ")}, domain.KindInvalid, "title", nil},
		{"price above the maximum", dana, "P100", commands.ProductChange{Price: ptr(domain.MaxPrice + 1)}, domain.KindInvalid, "price", []string{"100000.00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := stateOf(t, db)
			_, err := app.SetProduct(ctxb, tt.as, tt.id, tt.ch)
			wantErr(t, err, tt.kind, tt.field, tt.says...)
			wantUnchanged(t, db, before)
		})
	}
}

// creator set corrects a creator's figures and Discord account; a new
// account makes an unreachable creator reachable again.
func TestSetCreator(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	c, _ := mustAddCreator(t, app, "maya")
	mustNil(t, app.MarkUnreachable(ctxb, c.ID, "blocked DMs"), "MarkUnreachable")
	id := nextDiscordID()
	got, err := app.SetCreator(ctxb, dana, "@Maya", commands.CreatorChange{DiscordID: &id, Followers: ptr(int64(60_000)), Niche: ptr("Skincare"), TimeZone: ptr("Europe/Paris")})
	mustNil(t, err, "SetCreator")
	stored := creatorOf(t, db, c.ID)
	if stored.DiscordID != id || stored.Followers != 60_000 || stored.Niche != "skincare" || stored.TimeZone != "Europe/Paris" || !stored.Reachable || stored.AvgViews != c.AvgViews {
		t.Errorf("stored %+v", stored)
	}
	if got.ID != c.ID || got.Followers != 60_000 {
		t.Errorf("returned %+v", got)
	}
	if n := countEvents(t, db, fmt.Sprintf("creator:%d", c.ID), "creator.changed"); n != 1 {
		t.Errorf("%d creator.changed events, want 1", n)
	}
	// A count nobody entered reads "not known" in the trail, not 0.
	unknown, _ := mustAddCreator(t, app, "leo", withStats(0, 0, 0, ""))
	_, err = app.SetCreator(ctxb, dana, "leo", commands.CreatorChange{Followers: ptr(int64(12_000))})
	mustNil(t, err, "SetCreator followers")
	if evs := events(t, db, fmt.Sprintf("creator:%d", unknown.ID)); len(evs) < 2 || !strings.Contains(evs[0].Detail, "followers not known -> 12000") || evs[1].Detail != "added @leo" {
		t.Errorf("trail after setting unknown followers: %+v", evs)
	}
	for _, tt := range []struct {
		name  string
		ch    commands.CreatorChange
		field string
	}{
		{"host zone", commands.CreatorChange{TimeZone: ptr("Local")}, "timezone"},
		{"unknown zone", commands.CreatorChange{TimeZone: ptr("Mars/Base")}, "timezone"},
		{"two-word niche", commands.CreatorChange{Niche: ptr("two words")}, "niche"},
		{"bad discord", commands.CreatorChange{DiscordID: ptr("maya#1")}, "discord_id"},
		{"nothing", commands.CreatorChange{}, "options"},
	} {
		before := stateOf(t, db)
		_, err := app.SetCreator(ctxb, dana, "maya", tt.ch)
		wantErr(t, err, domain.KindInvalid, tt.field)
		wantUnchanged(t, db, before)
	}
	_, err = app.SetCreator(ctxb, dana, "nobody", commands.CreatorChange{Followers: ptr(int64(1))})
	wantErr(t, err, domain.KindNotFound, "")
}

// Adding what exists points at the set verb.
func TestAddExistingPointsToSet(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddCreator(t, app, "maya")
	_, err := app.AddProduct(ctxb, dana, domain.Product{ID: "P100", Title: "x"})
	wantErr(t, err, domain.KindConflict, "", "product set P100")
	_, err = app.AddCreator(ctxb, dana, domain.Creator{Handle: "maya"})
	wantErr(t, err, domain.KindConflict, "", "creator set @maya")
}

// A row equal to what is stored counts as unchanged, not updated.
func TestImportCountsUnchangedRows(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	c, _ := mustAddCreator(t, app, "maya")
	p := mustAddProduct(t, app, "P100", 5, "")
	res, err := app.ImportCreators(ctxb, dana, []domain.Creator{{Handle: "maya", DiscordID: c.DiscordID, Followers: c.Followers, AvgViews: c.AvgViews, GMV30d: c.GMV30d, Niche: c.Niche}, {Handle: "leo"}}, nil)
	mustNil(t, err, "ImportCreators")
	if res != (commands.ImportResult{Added: 1, Unchanged: 1}) {
		t.Errorf("creators: %+v, want 1 added, 1 unchanged", res)
	}
	pres, err := app.ImportProducts(ctxb, dana, []domain.Product{p, {ID: "P200", Title: "x"}, {ID: "P100", Title: p.Title, Price: p.Price + 1, SampleStock: p.SampleStock}}, nil)
	mustNil(t, err, "ImportProducts")
	if pres != (commands.ImportResult{Added: 1, Updated: 1, Unchanged: 1}) {
		t.Errorf("products: %+v, want 1 added, 1 updated, 1 unchanged", pres)
	}
}
