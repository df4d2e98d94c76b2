package commands_test

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

func TestParseCreatorsCSV(t *testing.T) {
	in := "\ufeff Niche ,HANDLE,followers,Avg Views,gmv_30d,discord_id,categories,timezone\n" +
		"Beauty,@Maya_Glow,52k,8000,\"1,200.50\",123456789012345678,beauty;skincare|Hair,Europe/Paris\n" +
		",,,,,,,\n" +
		"\n" +
		"food,leo.eats,1200,,,,,\n" +
		"  ,sam_\n"
	got, _, err := commands.ParseCreatorsCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Creator{
		{Handle: "maya_glow", DiscordID: "123456789012345678", Followers: 52000, AvgViews: 8000, GMV30d: 120050, Niche: "beauty",
			Categories: []string{"beauty", "skincare", "hair"}, TimeZone: "Europe/Paris", Reachable: true},
		{Handle: "leo.eats", Followers: 1200, Niche: "food", Reachable: true},
		{Handle: "sam_", Reachable: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseProductsCSV(t *testing.T) {
	in := "Stock,Title,ID,price,group\n50,Glow Serum,P100,24.90,Skincare\n,\"Night, Cream\",P200,,\n"
	got, _, err := commands.ParseProductsCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Product{
		{ID: "P100", Title: "Glow Serum", Price: 2490, Group: "skincare", SampleStock: 50},
		{ID: "P200", Title: "Night, Cream"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseCSVRejects(t *testing.T) {
	creators := func(s string) error { _, _, err := commands.ParseCreatorsCSV(strings.NewReader(s)); return err }
	products := func(s string) error { _, _, err := commands.ParseProductsCSV(strings.NewReader(s)); return err }
	var big strings.Builder
	big.WriteString("handle\n")
	for i := 0; i <= commands.MaxCSVRows; i++ {
		big.WriteString("creator_" + strconv.Itoa(i) + "\n")
	}
	tests := []struct {
		name  string
		parse func(string) error
		in    string
		field string
		says  []string
	}{
		{"empty", creators, "", "file", []string{"empty", "header"}},
		{"header only", creators, "handle,followers\n", "file", []string{"no creators"}},
		{"products header only", products, "id,title\n\n", "file", []string{"no products"}},
		{"unknown column", creators, "handle,colour\nmaya,red\n", "columns", []string{`"colour"`, "handle, discord_id, followers, avg_views, gmv_30d, niche, categories, timezone"}},
		{"unknown product column", products, "id,title,weight\n", "columns", []string{"id, title, price, group, stock"}},
		{"unnamed column", creators, "handle,,niche\n", "columns", []string{"column 2"}},
		{"column twice", creators, "handle,Handle\n", "columns", []string{"twice"}},
		{"missing handle", creators, "followers,niche\n10,food\n", "columns", []string{"handle column"}},
		{"missing title", products, "id,price\n", "columns", []string{"title column"}},
		{"bad handle", creators, "handle\nmaya\nm\n", "handle", []string{"line 3, column handle:", "2 to 24"}},
		{"bad followers", creators, "handle,followers\nmaya,lots\n", "followers", []string{"line 2, column followers:", "0 to 5,000,000,000"}},
		{"bad gmv", creators, "handle,gmv_30d\nmaya,-3\n", "gmv_30d", []string{"line 2, column gmv_30d:"}},
		{"bad discord", creators, "handle,discord_id\nmaya,42\n", "discord_id", []string{"line 2, column discord_id:", "15 to 21"}},
		{"bad zone", creators, "handle,timezone\nmaya,Mars Base\n", "timezone", []string{"line 2, column timezone:"}},
		{"duplicate handle", creators, "handle\nmaya\nleo\n@Maya\n", "handle", []string{"line 4, column handle:", "@maya", "line 2"}},
		{"multi-line cell counts lines", creators, "handle,categories\nmaya,\"a\nb\"\nm,x\n", "handle", []string{"line 4, column handle:"}},
		{"too many cells", creators, "handle,niche\nmaya,beauty,extra\n", "file", []string{"line 2 has 3 cells; the header has 2", "quote cells that contain commas"}},
		{"malformed", creators, "handle,niche\nmaya,be\"auty\n", "file", []string{"line 2", "not valid CSV"}},
		{"not utf-8", products, "id,title\nP1,Cr\xe8me\n", "file", []string{"line 2:", "UTF-8"}},
		{"control character", products, "id,title\nP1,Serum\x00\n", "file", []string{"line 2:", "control"}},
		{"too many rows", creators, big.String(), "file", []string{"10000"}},
		{"bad product id", products, "id,title\nP 1,Serum\n", "id", []string{"line 2, column id:", "P100"}},
		{"bad price", products, "id,title,price\nP1,Serum,cheap\n", "price", []string{"line 2, column price:", "24.90"}},
		{"bad stock", products, "id,title,stock\nP1,Serum,2000000\n", "stock", []string{"line 2, column stock:", "0 to 1,000,000"}},
		{"duplicate product", products, "id,title\nP1,A\nP2,B\nP1,C\n", "id", []string{"line 4, column id:", "P1", "line 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			if domain.ErrorKind(err) != domain.KindInvalid || domain.ErrorField(err) != tt.field {
				t.Errorf("error %q: kind %q field %q, want invalid %q", err, domain.ErrorKind(err), domain.ErrorField(err), tt.field)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

// Every error of every row is reported in one pass, each naming its line
// and column: a seller fixes the whole file in one round.
func TestParseCSVReportsEveryErrorAtOnce(t *testing.T) {
	tests := []struct {
		name  string
		parse func(string) error
		in    string
		says  []string
	}{
		{"two cells of one row", func(s string) error { _, _, err := commands.ParseCreatorsCSV(strings.NewReader(s)); return err },
			"handle,followers,timezone\nmaya,lots,Mars\n",
			[]string{"line 2, column followers: Followers must be", "line 2, column timezone: Time zone must be"}},
		{"rows and cells", func(s string) error { _, _, err := commands.ParseCreatorsCSV(strings.NewReader(s)); return err },
			"handle,discord_id,followers,timezone\nm,42,1\nleo,,-5\nana\nbo,,,Nowhere/City\n",
			[]string{"line 2, column handle:", "line 2, column discord_id:", "line 3, column followers:", "line 5, column timezone:"}},
		{"product cells", func(s string) error { _, _, err := commands.ParseProductsCSV(strings.NewReader(s)); return err },
			"id,title,price,stock\nP 1,A,cheap,-1\n",
			[]string{"line 2, column id:", "line 2, column price:", "line 2, column stock:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error does not mention %q:\n%v", s, err)
				}
			}
		})
	}
}

func TestParseCSVTooLarge(t *testing.T) {
	in := "handle,niche\nmaya,\"" + strings.Repeat("n", commands.MaxCSVBytes) + "\"\n"
	_, _, err := commands.ParseCreatorsCSV(strings.NewReader(in))
	if domain.ErrorField(err) != "file" || !strings.Contains(err.Error(), "MB") {
		t.Errorf("err = %v", err)
	}
}

// A huge cell must not come back whole in the error.
func TestParseCSVErrorsDoNotEchoLongCells(t *testing.T) {
	x := strings.Repeat("r", 5000)
	for _, in := range []string{"handle\n" + x, "handle,discord_id\nmaya," + x, "handle,timezone\nmaya," + x, "handle,gmv_30d\nmaya," + x,
		"handle,followers\nmaya," + x, "handle," + x + "\n", "handle,categories\nmaya,a;" + x} {
		_, _, err := commands.ParseCreatorsCSV(strings.NewReader(in))
		if err == nil || len(err.Error()) > 600 {
			t.Errorf("creators %.30q...: error %.200v (%d bytes)", in, err, len(fmt.Sprint(err)))
		}
	}
	for _, in := range []string{"id,title\n" + x + ",T", "id,title,group\nP1,T," + x, "id,title,price\nP1,T," + x, "id,title,stock\nP1,T," + x} {
		_, _, err := commands.ParseProductsCSV(strings.NewReader(in))
		if err == nil || len(err.Error()) > 600 {
			t.Errorf("products %.30q...: error %.200v (%d bytes)", in, err, len(fmt.Sprint(err)))
		}
	}
}

// A row's cell errors and its whole-record rules (a niche of one word, a
// title's length, a price's cap) are reported together, each field once: a
// fixed cell never reveals a new error of the same row.
func TestParseCSVRowReportsCellAndRecordErrors(t *testing.T) {
	creators := func(s string) error { _, _, err := commands.ParseCreatorsCSV(strings.NewReader(s)); return err }
	products := func(s string) error { _, _, err := commands.ParseProductsCSV(strings.NewReader(s)); return err }
	tests := []struct {
		name  string
		parse func(string) error
		in    string
		says  []string
		once  []string // each appears exactly once
	}{
		{"followers and niche", creators, "handle,followers,niche\nokay_h,lots,two words\n",
			[]string{"line 2, column followers: Followers must be", "line 2, column niche: Niche must be one word"},
			[]string{"column followers:", "column niche:"}},
		{"timezone and niche", creators, "handle,timezone,niche\nokay_h,Mars Base,two words\n",
			[]string{"line 2, column timezone:", "line 2, column niche:"},
			[]string{"column timezone:", "column niche:"}},
		{"discord and niche", creators, "handle,discord_id,niche\nokay_h,42,two words\n",
			[]string{"line 2, column discord_id:", "line 2, column niche:"},
			[]string{"column discord_id:", "column niche:"}},
		{"bad handle and niche", creators, "handle,niche\nm,a+b\n",
			[]string{"line 2, column handle:", "line 2, column niche:"},
			[]string{"column handle:", "column niche:"}},
		{"every cell of a creator", creators, "handle,discord_id,followers,avg_views,gmv_30d,niche,timezone\nm,42,lots,-1,cheap,two words,Nowhere/City\n",
			[]string{"column handle:", "column discord_id:", "column followers:", "column avg_views:", "column gmv_30d:", "column niche:", "column timezone:"},
			[]string{"column handle:", "column discord_id:", "column followers:", "column avg_views:", "column gmv_30d:", "column niche:", "column timezone:"}},
		{"niche alone still once", creators, "handle,niche\nokay_h,two words\n",
			[]string{"line 2, column niche:"}, []string{"column niche:"}},
		{"product id and long title", products, "id,title\nP 1," + strings.Repeat("t", 300) + "\n",
			[]string{"line 2, column id:", "line 2, column title: Title must be at most 255 characters (got 300)"},
			[]string{"column id:", "column title:"}},
		{"product stock and price cap", products, "id,title,price,stock\nP1,Serum,2000000,-1\n",
			[]string{"line 2, column stock:", "line 2, column price: Price must be from"},
			[]string{"column stock:", "column price:"}},
		{"product group, title and price", products, "id,title,price,group\nP1," + strings.Repeat("t", 300) + ",2000000,two words\n",
			[]string{"column group:", "column title:", "column price:"},
			[]string{"column group:", "column title:", "column price:"}},
		{"other rows too", creators, "handle,followers,niche\nokay_h,lots,two words\nfine,10,food\nok2,-3,a b\n",
			[]string{"line 2, column followers:", "line 2, column niche:", "line 4, column followers:", "line 4, column niche:"},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			if domain.ErrorKind(err) != domain.KindInvalid {
				t.Errorf("kind %q", domain.ErrorKind(err))
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error does not mention %q:\n%v", s, err)
				}
			}
			for _, s := range tt.once {
				if n := strings.Count(err.Error(), s); n != 1 {
					t.Errorf("%q appears %d times, want once:\n%v", s, n, err)
				}
			}
		})
	}
}

// A row with more cells than the header is that row's error: the file's
// other rows are still read and their errors reported with it.
func TestParseCSVTooManyCellsIsOneRowsError(t *testing.T) {
	header := "handle,discord_id,followers,avg_views,gmv_30d,niche,categories,timezone\n"
	tests := []struct {
		name  string
		parse func(string) ([]string, error)
		in    string
		says  []string
		field string
	}{
		{"9 cells under 8 columns, other rows bad", parseCreatorHandles,
			header + "m,,,,,,,\nleo,,10,,,food,,\nana,,1,2,3,food,a,UTC,extra\nbo,,lots,,,two words,,\n",
			[]string{"line 2, column handle:", "line 4 has 9 cells; the header has 8", "line 5, column followers:", "line 5, column niche:"}, "handle"},
		{"first row too long, the rest read", parseCreatorHandles,
			"handle,niche\nmaya,beauty,x\nm,food\n",
			[]string{"line 2 has 3 cells; the header has 2", "line 3, column handle:"}, "file"},
		{"several long rows", parseCreatorHandles,
			"handle,niche\nmaya,beauty,x\nleo,food\nana,a,b,c\n",
			[]string{"line 2 has 3 cells; the header has 2", "line 4 has 4 cells; the header has 2"}, "file"},
		{"products", parseProductIDs,
			"id,title,price\nP1,Serum,\"1,200\"\nP2,Cream,1,200\nP 3,Oil,2\n",
			[]string{"line 3 has 4 cells; the header has 3", "line 4, column id:"}, "file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.parse(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			if domain.ErrorKind(err) != domain.KindInvalid || domain.ErrorField(err) != tt.field {
				t.Errorf("kind %q field %q, want invalid %q", domain.ErrorKind(err), domain.ErrorField(err), tt.field)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error does not mention %q:\n%v", s, err)
				}
			}
		})
	}
	// Fewer cells than the header still read as blank cells.
	got, err := parseCreatorHandles(header + "maya\nleo,,10\n")
	if err != nil || !reflect.DeepEqual(got, []string{"maya", "leo"}) {
		t.Errorf("short rows: %v %v", got, err)
	}
	// The quoting errors and the size cap still stop the file.
	if _, err := parseCreatorHandles("handle,niche\nmaya,beauty,x\nleo,be\"auty\n"); err == nil || !strings.Contains(err.Error(), "line 3: this is not valid CSV") {
		t.Errorf("bad quoting after a long row: %v", err)
	}
}

func parseCreatorHandles(s string) ([]string, error) {
	cs, _, err := commands.ParseCreatorsCSV(strings.NewReader(s))
	var out []string
	for _, c := range cs {
		out = append(out, c.Handle)
	}
	return out, err
}

func parseProductIDs(s string) ([]string, error) {
	ps, _, err := commands.ParseProductsCSV(strings.NewReader(s))
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out, err
}
