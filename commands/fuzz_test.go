package commands_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

func FuzzParseCreatorsCSV(f *testing.F) {
	for _, s := range []string{
		"handle\nmaya\n", "Handle,Followers,avg_views,gmv_30d,niche,categories,timezone,discord_id\n@Maya,52k,1.2m,\"1,200.50\",Beauty,a;b|c,Europe/Paris,123456789012345678\n",
		"", "handle\n", "handle,x\n", "handle\nmaya\nMaya\n", "handle,niche\n\"ma\nya\",x\n", "handle\n\"unterminated\n", "\ufeffhandle\r\nleo\r\n",
		"handle,followers,timezone,discord_id\nm,lots,Mars/Base,42\nleo,1,Local,\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, _, err := commands.ParseCreatorsCSV(strings.NewReader(in))
		if err != nil {
			checkCSVError(t, err)
			return
		}
		if len(got) == 0 || len(got) > commands.MaxCSVRows {
			t.Fatalf("%d creators", len(got))
		}
		seen := map[string]bool{}
		for _, c := range got {
			v := c
			v.Categories = append([]string(nil), c.Categories...)
			if err := v.Validate(); err != nil || !reflect.DeepEqual(v, c) || !c.Reachable || seen[c.Handle] {
				t.Fatalf("creator %+v: valid=%v, repeated=%v", c, err, seen[c.Handle])
			}
			seen[c.Handle] = true
		}
	})
}

func FuzzParseProductsCSV(f *testing.F) {
	for _, s := range []string{
		"id,title\nP100,Serum\n", "Stock,Title,ID,price,group\n50,Glow Serum,P100,24.90,Skincare\n,\"Night, Cream\",P200,,\n",
		"", "id,title\n", "id\n", "id,title\nP1,A\nP1,B\n", "id,title,price\nP1,A,-1\n", "id,title,stock\nP1,A,1e3\n",
		"id,title,price,stock,group\nP 1,,cheap,-1,two words\nP2,,,,\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, _, err := commands.ParseProductsCSV(strings.NewReader(in))
		if err != nil {
			checkCSVError(t, err)
			return
		}
		if len(got) == 0 || len(got) > commands.MaxCSVRows {
			t.Fatalf("%d products", len(got))
		}
		seen := map[string]bool{}
		for _, p := range got {
			// A blank title is allowed here (it keeps a stored product's);
			// everything else must already be valid and normalised.
			v := p
			if v.Title == "" {
				v.Title = "-"
			}
			w := v
			key := strings.ToLower(p.ID)
			if err := v.Validate(); err != nil || v != w || seen[key] {
				t.Fatalf("product %+v: valid=%v, repeated=%v", p, err, seen[key])
			}
			seen[key] = true
		}
	})
}

// Random lines built from real fragments reach the valid commands a
// byte-level fuzzer rarely finds, and hold them to the same invariants.
func checkCSVError(t *testing.T, err error) {
	if domain.ErrorKind(err) != domain.KindInvalid || domain.ErrorField(err) == "" {
		t.Fatalf("error %v: kind %q field %q", err, domain.ErrorKind(err), domain.ErrorField(err))
	}
	if msg := err.Error(); !utf8.ValidString(msg) || len(msg) > 2000 {
		t.Fatalf("error message is not UTF-8 or too long (%d bytes): %.200q", len(msg), msg)
	}
}
