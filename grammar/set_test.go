package grammar_test

import (
	"reflect"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

func ptr[T any](v T) *T { return &v }

func TestParseSetVerbs(t *testing.T) {
	tests := []struct {
		in      string
		handle  string
		id      string
		product *commands.ProductChange
		creator *commands.CreatorChange
	}{
		{in: "product set P100 stock=20", id: "P100", product: &commands.ProductChange{Stock: ptr(20)}},
		{in: `product set P100 title="Glow Serum 2" price=19.90 group=Skincare`, id: "P100",
			product: &commands.ProductChange{Title: ptr("Glow Serum 2"), Price: ptr(domain.Money(1990)), Group: ptr("skincare")}},
		{in: "creator set @Maya followers=60k views=9000 gmv=1,200.50 niche=Beauty categories=a,b tz=Europe/Paris discord=123456789012345678", handle: "maya",
			creator: &commands.CreatorChange{Followers: ptr(int64(60_000)), AvgViews: ptr(int64(9000)), GMV30d: ptr(domain.Money(120050)), Niche: ptr("beauty"),
				Categories: ptr([]string{"a", "b"}), TimeZone: ptr("Europe/Paris"), DiscordID: ptr("123456789012345678")}},
	}
	for _, tt := range tests {
		cmd, err := parseLine(t, tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if cmd.Handle != tt.handle || cmd.Text != tt.id || !reflect.DeepEqual(cmd.ProductChange, tt.product) || !reflect.DeepEqual(cmd.CreatorChange, tt.creator) {
			t.Errorf("Parse(%q) = %s %+v %+v", tt.in, dumpCommand(cmd), cmd.ProductChange, cmd.CreatorChange)
		}
	}
}

func TestParseSetVerbsRefuse(t *testing.T) {
	tests := []struct{ in, field string }{
		{"product set", "id"},
		{"product set P100", "options"},
		{"product set P100 Glow", "title"},
		{`product set P100 title=""`, "title"},
		{"product set P100 stock=-1", "stock"},
		{"product set P100 price=100000.01", "price"},
		{"product set P100 colour=red", "options"},
		{"product set P100 stock=1 stock=2", "stock"},
		{"creator set", "handle"},
		{"creator set @maya", "options"},
		{"creator set @maya tz=Local", "timezone"},
		{`creator set @maya niche="two words"`, "niche"},
		{"creator set @a..b followers=1", "handle"},
		{"creator set @maya @leo followers=1", "handle"},
	}
	for _, tt := range tests {
		_, err := parseLine(t, tt.in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error on %s", tt.in, tt.field)
			continue
		}
		if domain.ErrorKind(err) != domain.KindInvalid || !hasField(err, tt.field) {
			t.Errorf("Parse(%q) = %v (field %q), want field %s", tt.in, err, domain.ErrorField(err), tt.field)
		}
	}
}

// hasField reports whether any of err's problems names field.
func hasField(err error, field string) bool {
	if domain.ErrorField(err) == field {
		return true
	}
	for _, fe := range domain.ErrorFields(err) {
		if fe.Field == field {
			return true
		}
	}
	return false
}
