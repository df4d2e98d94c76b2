package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// A request naming no plan or invitation draws on an offer the creator
// qualifies for; when none qualifies, the refusal lists each offer and
// what it needs.
func TestRequestPicksAnOfferTheCreatorQualifiesFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		followers int64
		wantPlan  string // the plan the request goes through; "" when refused
		wantErr   []string
	}{
		{name: "the open plan when the other needs more followers", followers: 1_000, wantPlan: "Open"},
		{name: "either when both qualify", followers: 9_000, wantPlan: "Big"},
		{name: "none qualifies: every offer and its need", followers: 1_000, wantErr: []string{"PL", "Big", "5000 followers", "Strict", "8000 followers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app, _, _ := newApp(t)
			mustAddProduct(t, app, "P200", 5, "")
			_, who := mustAddCreator(t, app, "maya", withStats(tt.followers, 100, 0, "beauty"))
			plans := map[string]commands.PlanView{}
			add := func(name string, minFollowers int64) {
				plans[name] = mustPlan(t, app, commands.PlanRequest{
					Name:   name,
					Rules:  []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}},
					Sample: &domain.SampleOffer{Requirements: domain.Requirements{MinFollowers: minFollowers}},
				})
			}
			if tt.wantErr == nil {
				add("Open", 0)
			} else {
				add("Strict", 8_000)
			}
			add("Big", 5_000) // newest: listed first, so picked first before the fix
			v, err := app.RequestSample(ctxb, who, commands.SampleInput{ProductID: "P200"})
			if tt.wantErr != nil {
				wantErr(t, err, domain.KindInvalid, "", tt.wantErr...)
				return
			}
			mustNil(t, err, "RequestSample")
			if want := plans[tt.wantPlan].ID; v.PlanID != want {
				t.Errorf("request went through plan %d (%s), want %s (PL%d)", v.PlanID, v.Source, tt.wantPlan, want)
			}
		})
	}
}

// With no qty given a request asks for one unit, as help says, even when
// the offer allows more.
func TestRequestDefaultsToOneUnit(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P200", 1, "")
	_, who := mustAddCreator(t, app, "maya")
	pl := mustPlan(t, app, commands.PlanRequest{
		Name:   "Two each",
		Rules:  []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}},
		Sample: &domain.SampleOffer{PerCreator: 2},
	})
	v := mustRequest(t, app, who, commands.SampleInput{ProductID: "P200", PlanID: pl.ID})
	if v.Quantity != 1 {
		t.Errorf("quantity = %d, want 1", v.Quantity)
	}
}

// The refusal that lists several offers names a window's day in the
// team's zone, as the refusal of one named offer does.
func TestOffersNotOpenYetNameTheTeamsDay(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	mustNil(t, err, "zone")
	app, _, clk := newAppWith(t, commands.Options{Location: paris})
	mustAddProduct(t, app, "P200", 5, "")
	_, who := mustAddCreator(t, app, "maya", withStats(1_000, 100, 0, "beauty"))
	opens := time.Date(2027, 1, 10, 0, 0, 0, 0, paris) // 23:00 UTC on the 9th
	clk.Set(opens.AddDate(0, 0, -5))
	var ids []int64
	for _, name := range []string{"Winter", "Snow"} {
		p := mustPlan(t, app, commands.PlanRequest{Name: name, Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}},
			Sample: &domain.SampleOffer{WindowStart: opens}})
		ids = append(ids, p.ID)
	}
	_, err = app.RequestSample(ctxb, who, commands.SampleInput{ProductID: "P200"})
	wantErr(t, err, domain.KindInvalid, "", "samples open on Sun 10 Jan 2027")
	_, err = app.RequestSample(ctxb, who, commands.SampleInput{ProductID: "P200", PlanID: ids[0]})
	if got := domain.ErrorMessageIn(err, func(t time.Time, _ bool) string { return t.In(paris).Format(domain.DayFormat) }); !strings.Contains(got, "open on Sun 10 Jan 2027") {
		t.Errorf("named offer refused with %q", got)
	}
}
