package commands_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// eventLines lists subject's events oldest first as "kind: detail", with
// the actor checked.
func eventLines(t *testing.T, evs []domain.Event, actor domain.Actor) []string {
	t.Helper()
	var out []string
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Actor != actor.Ref() {
			t.Errorf("event %+v: actor %q, want %q", evs[i], evs[i].Actor, actor.Ref())
		}
		out = append(out, evs[i].Kind+": "+evs[i].Detail)
	}
	return out
}

func wantLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot  %q\nwant %q", what, got, want)
	}
}

// An import leaves each added or changed creator the history the console's
// "creator add" and "creator set" would: same kinds, same wording, on the
// creator's own subject; an unchanged row writes nothing, and the roster
// keeps its one summary event per import.
func TestImportCreatorsWritesEachCreatorsHistory(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	csv := func(s string) ([]domain.Creator, []commands.Columns) {
		t.Helper()
		rows, cols, err := commands.ParseCreatorsCSV(strings.NewReader(s))
		mustNil(t, err, "parse")
		return rows, cols
	}
	id := func(handle string) int64 {
		t.Helper()
		a, err := app.CreatorActorByHandle(ctxb, handle)
		mustNil(t, err, "creator "+handle)
		return a.CreatorID
	}
	subj := func(handle string) string { return "creator:" + strconv.FormatInt(id(handle), 10) }

	// The console's wording, for a creator with the same figures.
	console, err := app.AddCreator(ctxb, dana, domain.Creator{Handle: "console_zed", Followers: 1_250_000, Niche: "fitness"})
	mustNil(t, err, "AddCreator")
	_, err = app.SetCreator(ctxb, dana, "console_zed", commands.CreatorChange{Followers: ptr(int64(1_300_000))})
	mustNil(t, err, "SetCreator")
	consoleLines := eventLines(t, events(t, db, "creator:"+strconv.FormatInt(console.ID, 10)), dana)
	wantLines(t, "console trail", consoleLines, []string{
		"creator.added: added @console_zed (1250000 followers)",
		"creator.changed: followers 1250000 -> 1300000",
	})

	steps := []struct {
		name string
		csv  string
		res  commands.ImportResult
		want map[string][]string // handle: its whole trail after the step
	}{
		{"add", "handle,followers,niche\n@big_zed,1250000,fitness\nsmall_amy,900,food\n",
			commands.ImportResult{Added: 2},
			map[string][]string{
				"big_zed":   {"creator.added: added @big_zed (1250000 followers)"},
				"small_amy": {"creator.added: added @small_amy (900 followers)"},
			}},
		{"change one, keep one", "handle,followers,niche\nbig_zed,1300000,fitness\nsmall_amy,900,food\n",
			commands.ImportResult{Updated: 1, Unchanged: 1},
			map[string][]string{
				"big_zed":   consoleLinesFor("big_zed", consoleLines),
				"small_amy": {"creator.added: added @small_amy (900 followers)"},
			}},
		{"same file again", "handle,followers,niche\nbig_zed,1300000,fitness\nsmall_amy,900,food\n",
			commands.ImportResult{Unchanged: 2},
			map[string][]string{
				"big_zed":   consoleLinesFor("big_zed", consoleLines),
				"small_amy": {"creator.added: added @small_amy (900 followers)"},
			}},
		{"several cells", "handle,niche,timezone,avg_views\nsmall_amy,Travel,Europe/Paris,12k\n",
			commands.ImportResult{Updated: 1},
			map[string][]string{
				"small_amy": {"creator.added: added @small_amy (900 followers)",
					"creator.changed: views not known -> 12000, niche food -> travel, tz  -> Europe/Paris"},
			}},
	}
	imports := 0
	for _, st := range steps {
		rows, cols := csv(st.csv)
		res, err := app.ImportCreators(ctxb, dana, rows, cols)
		mustNil(t, err, st.name)
		imports++
		if res != st.res {
			t.Errorf("%s: result %+v, want %+v", st.name, res, st.res)
		}
		for h, want := range st.want {
			wantLines(t, st.name+": @"+h, eventLines(t, events(t, db, subj(h)), dana), want)
		}
		if n := countEvents(t, db, "roster", "creator.imported"); n != imports {
			t.Errorf("%s: %d roster events, want %d", st.name, n, imports)
		}
	}

	// "history @big_zed" reads the import as it reads the console.
	hist, err := app.History(ctxb, dana, "", "big_zed")
	mustNil(t, err, "History")
	var got []string
	for _, e := range hist {
		got = append([]string{e.Kind + ": " + e.Detail}, got...)
	}
	wantLines(t, "history @big_zed", got, consoleLinesFor("big_zed", consoleLines))

	// A failed import writes no event at all.
	before := stateOf(t, db)
	_, err = app.ImportCreators(ctxb, dana, []domain.Creator{{Handle: "big_zed", Followers: 1}, {Handle: "newer"}, {Handle: "x!"}}, nil)
	wantErr(t, err, domain.KindInvalid, "handle")
	wantUnchanged(t, db, before)
}

// consoleLinesFor is the console trail with its handle replaced.
func consoleLinesFor(handle string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.ReplaceAll(l, "console_zed", handle)
	}
	return out
}

// An import leaves each added or changed product the history "product add"
// and "product set" would, on the product's own subject (the catalog's ID,
// whatever the file's case); unchanged rows write nothing.
func TestImportProductsWritesEachProductsHistory(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	_, err := app.AddProduct(ctxb, dana, domain.Product{ID: "C100", Title: "Glow Serum", SampleStock: 5})
	mustNil(t, err, "AddProduct")
	_, err = app.SetProduct(ctxb, dana, "C100", commands.ProductChange{Price: ptr(domain.Money(1999)), Stock: ptr(7)})
	mustNil(t, err, "SetProduct")
	console := eventLines(t, events(t, db, "product:C100"), dana)
	wantLines(t, "console trail", console, []string{
		`product.added: added C100 "Glow Serum", 5 samples in stock`,
		"product.changed: price 0.00 -> 19.99, stock 5 -> 7",
	})
	asP100 := func(lines []string) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i] = strings.ReplaceAll(l, "C100", "P100")
		}
		return out
	}

	steps := []struct {
		name string
		csv  string
		res  commands.ImportResult
		want map[string][]string
	}{
		{"add", "id,title,stock\nP100,Glow Serum,5\nP200,Night Cream,1\n", commands.ImportResult{Added: 2},
			map[string][]string{
				"P100": asP100(console[:1]),
				"P200": {`product.added: added P200 "Night Cream", 1 sample in stock`},
			}},
		{"change one in another case", "id,title,price,stock\np100,,19.99,7\nP200,,,1\n", commands.ImportResult{Updated: 1, Unchanged: 1},
			map[string][]string{
				"P100": asP100(console),
				"P200": {`product.added: added P200 "Night Cream", 1 sample in stock`},
			}},
		{"same again", "id,title,price,stock\nP100,Glow Serum,19.99,7\n", commands.ImportResult{Unchanged: 1},
			map[string][]string{"P100": asP100(console)}},
	}
	for i, st := range steps {
		rows, cols, err := app.ParseProductsCSV(ctxb, strings.NewReader(st.csv))
		mustNil(t, err, st.name+": parse")
		res, err := app.ImportProducts(ctxb, dana, rows, cols)
		mustNil(t, err, st.name)
		if res != st.res {
			t.Errorf("%s: result %+v, want %+v", st.name, res, st.res)
		}
		for id, want := range st.want {
			wantLines(t, st.name+": "+id, eventLines(t, events(t, db, "product:"+id), dana), want)
		}
		if n := len(events(t, db, "product:p100")); n != 0 {
			t.Errorf("%s: events on the file's spelling product:p100", st.name)
		}
		if n := countEvents(t, db, "catalog", "product.imported"); n != i+1 {
			t.Errorf("%s: %d catalog events, want %d", st.name, n, i+1)
		}
	}

	// "history P100" no longer says nothing was recorded.
	hist, err := app.History(ctxb, dana, "product:P100", "")
	mustNil(t, err, "History")
	if len(hist) != 2 || hist[0].Kind != "product.changed" || hist[1].Kind != "product.added" {
		t.Errorf("history P100: %+v", hist)
	}

	before := stateOf(t, db)
	_, err = app.ImportProducts(ctxb, dana, []domain.Product{{ID: "P100", Title: "Renamed"}, {ID: "P300", Title: "New"}, {ID: "P400", Title: "Bad", SampleStock: -1}}, nil)
	wantErr(t, err, domain.KindInvalid, "stock")
	wantUnchanged(t, db, before)
}

// An import that changes an archived creator or product changes only what
// its row says: it stays archived (a restore would be a change without its
// "restored" event), and the trail says what changed.
func TestImportKeepsArchivedArchived(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	maya, _ := mustAddCreator(t, app, "maya")
	mustAddProduct(t, app, "P1", 3, "")
	_, err := app.ArchiveCreator(ctxb, dana, "maya")
	mustNil(t, err, "ArchiveCreator")
	_, err = app.ArchiveProduct(ctxb, dana, "P1")
	mustNil(t, err, "ArchiveProduct")

	crows, ccols, err := commands.ParseCreatorsCSV(strings.NewReader("handle,followers\nmaya,60000\n"))
	mustNil(t, err, "parse")
	_, err = app.ImportCreators(ctxb, dana, crows, ccols)
	mustNil(t, err, "ImportCreators")
	if c := creatorOf(t, db, maya.ID); c.ArchivedAt.IsZero() || c.Followers != 60_000 {
		t.Errorf("maya after import: %+v, want archived with 60000 followers", c)
	}
	if evs := events(t, db, "creator:"+strconv.FormatInt(maya.ID, 10)); len(evs) == 0 || evs[0].Kind != "creator.changed" || evs[0].Detail != "followers 50000 -> 60000" {
		t.Errorf("maya's newest event: %+v", evs)
	}

	rows, cols, err := commands.ParseProductsCSV(strings.NewReader("id,title,stock\np1,,9\n"))
	mustNil(t, err, "parse")
	_, err = app.ImportProducts(ctxb, dana, rows, cols)
	mustNil(t, err, "ImportProducts")
	if p := productOf(t, db, "P1"); p.ArchivedAt.IsZero() || p.SampleStock != 9 {
		t.Errorf("P1 after import: %+v, want archived with 9 in stock", p)
	}
	if evs := events(t, db, "product:P1"); len(evs) == 0 || evs[0].Kind != "product.changed" || evs[0].Detail != "stock 3 -> 9" {
		t.Errorf("P1's newest event: %+v", evs)
	}
}

// A new Discord ID from an import sends what waited for the creator, as
// "creator set discord=..." does.
func TestImportWithANewDiscordIDWakesHeldMessages(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	c, _ := mustAddCreator(t, app, "maya")
	to := domain.Recipient{Kind: domain.ToCreator, CreatorID: c.ID}
	held := clk.Now().Add(30 * day24) // a message put aside for an unreachable account
	if err := db.Update(ctxb, func(tx commands.Tx) error {
		_, err := tx.Enqueue(ctxb, domain.Outgoing{To: to, Surface: to.Surface(), Key: "invitation:9:sent", Thread: "invitation:9",
			Notice: domain.Notice{Kind: domain.NoticeWorded}, NextAttempt: held, CreatedAt: clk.Now()})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	rows, cols, err := commands.ParseCreatorsCSV(strings.NewReader("handle,discord_id\nmaya," + nextDiscordID() + "\n"))
	mustNil(t, err, "parse")
	_, err = app.ImportCreators(ctxb, dana, rows, cols)
	mustNil(t, err, "import")
	if o := mustOutboxKey(t, db, "invitation:9:sent"); o.NextAttempt.After(clk.Now()) {
		t.Errorf("held message still due %v after the import linked a new account (now %v)", o.NextAttempt, clk.Now())
	}
}
