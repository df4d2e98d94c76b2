package commands_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
)

// A form-shaped invite with four bad fields gets four field errors in one
// answer, each naming its field and what is allowed, and nothing is stored;
// the same line typed in the console gets the same four, in the same words.
func TestInviteReportsEveryFieldErrorAtOnce(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddCreator(t, app, "maya")
	req := commands.InviteRequest{
		Creators:     []commands.InviteTarget{{Handle: "maya", Rate: 9500}},
		Products:     []string{"P100"},
		ContactEmail: "not-an-email",
		Expires:      clk.Now().AddDate(-1, 0, 0),
		Sample:       &domain.SampleOffer{PerCreator: 11},
	}
	_, err := app.InviteCreators(ctxb, dana, req)
	fields := domain.ErrorFields(err)
	wantFields := []string{"commission_rate", "contact_email", "expires", "samples"}
	var got []string
	for _, f := range fields {
		got = append(got, f.Field)
	}
	if !reflect.DeepEqual(got, wantFields) {
		t.Fatalf("fields %v, want %v (err %v)", got, wantFields, err)
	}
	allowed := map[string]string{"commission_rate": "between 1% and 80%", "contact_email": "like partners@shop.com", "expires": "in the future", "samples": "from 1 to 10"}
	for _, f := range fields {
		if !strings.Contains(f.Message, allowed[f.Field]) {
			t.Errorf("%s: %q does not say what is allowed (%q)", f.Field, f.Message, allowed[f.Field])
		}
	}
	if n := len(outbox(t, db)); n != 0 {
		t.Errorf("%d messages queued by a refused request", n)
	}

	_, _, lineErr := grammar.New(app).Run(ctxb, dana, "invite @maya=95% P100 email=not-an-email expires=2020-01-01 samples=11")
	lines := strings.Split(domain.ErrorMessage(lineErr), "\n")
	for i, f := range fields {
		if i >= len(lines) || lines[i] != f.Message {
			t.Errorf("console line %d = %q, want the form's %q", i, at(lines, i), f.Message)
		}
	}
	if len(lines) != len(fields) {
		t.Errorf("console printed %d problems, want %d: %q", len(lines), len(fields), lines)
	}
}

func at(xs []string, i int) string {
	if i < len(xs) {
		return xs[i]
	}
	return ""
}
