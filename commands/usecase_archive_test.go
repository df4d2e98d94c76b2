package commands_test

import (
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
)

// Archived products and creators leave lists and are refused in new
// invitations and requests; their history stays, and restoring undoes it.
func TestArchiveAndRestore(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddProduct(t, app, "P200", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya")
	mustAddCreator(t, app, "leo")
	plan := mustSamplePlan(t, app, "Spring", false)
	in := grammar.New(app)

	for _, line := range []string{"product archive P100", "creator archive @leo"} {
		if _, _, err := in.Run(ctxb, dana, line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	ps, err := app.ListProducts(ctxb, dana)
	mustNil(t, err, "ListProducts")
	for _, p := range ps {
		if p.ID == "P100" {
			t.Errorf("an archived product is listed")
		}
	}
	cards, err := app.ListCreators(ctxb, dana, "")
	mustNil(t, err, "ListCreators")
	for _, c := range cards {
		if c.Creator.Handle == "leo" {
			t.Errorf("an archived creator is listed")
		}
	}
	_, err = app.InviteCreators(ctxb, dana, commands.InviteRequest{Creators: targets(t, "leo", "maya"), Products: []string{"P100"}, Rate: 1500})
	fields := map[string]string{}
	for _, f := range domain.ErrorFields(err) {
		fields[f.Field] = f.Message
	}
	if !strings.Contains(fields["creators"], "creator restore @leo") || !strings.Contains(fields["products"], "product restore P100") {
		t.Errorf("invite of archived entries: %v", err)
	}
	if _, err := app.RequestSample(ctxb, mayaA, commands.SampleInput{ProductID: "P100", PlanID: plan.ID}); domain.ErrorKind(err) == "" {
		t.Errorf("a sample of an archived product was granted")
	}
	if _, _, err := in.Run(ctxb, mayaA, "product archive P200"); domain.ErrorKind(err) != domain.KindForbidden {
		t.Errorf("a creator archived a product: %v", err)
	}
	if n := countEvents(t, db, "product:P100", "product.archived"); n != 1 {
		t.Errorf("%d product.archived events", n)
	}
	// A repeat changes nothing; restore brings it back.
	if _, err := app.ArchiveProduct(ctxb, dana, "P100"); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(t, db, "product:P100", "product.archived"); n != 1 {
		t.Errorf("a repeated archive wrote %d events", n)
	}
	for _, line := range []string{"product restore P100", "creator restore @leo"} {
		if _, _, err := in.Run(ctxb, dana, line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	if _, err := app.InviteCreators(ctxb, dana, commands.InviteRequest{Creators: targets(t, "leo"), Products: []string{"P100"}, Rate: 1500}); err != nil {
		t.Errorf("invite after restore: %v", err)
	}
	if _, _, err := in.Run(ctxb, dana, "creator archive"); domain.ErrorField(err) != "creator" {
		t.Errorf("creator archive with no one named: %v", err)
	}
}
