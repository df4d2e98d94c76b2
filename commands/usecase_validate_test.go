package commands_test

import (
	"testing"

	"github.com/collabbot/collabbot/domain"
)

// The roster's rules are the domain's, so a CSV import refuses what the
// grammar refuses.
func TestImportAppliesTheDomainRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		c     domain.Creator
		p     *domain.Product
		field string
	}{
		{name: "host time zone", c: domain.Creator{Handle: "maya", TimeZone: "Local"}, field: "timezone"},
		{name: "two-word niche", c: domain.Creator{Handle: "maya", Niche: "two words"}, field: "niche"},
		{name: "emoji niche", c: domain.Creator{Handle: "maya", Niche: "💄"}, field: "niche"},
		{name: "handle ending in a dot", c: domain.Creator{Handle: "ab."}, field: "handle"},
		{name: "handle with two dots", c: domain.Creator{Handle: "a..b"}, field: "handle"},
		{name: "price above the maximum", p: &domain.Product{ID: "P1", Title: "x", Price: domain.MaxPrice + 1}, field: "price"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app, db, _ := newApp(t)
			before := stateOf(t, db)
			var err error
			if tt.p != nil {
				_, err = app.ImportProducts(ctxb, dana, []domain.Product{*tt.p}, nil)
			} else {
				_, err = app.ImportCreators(ctxb, dana, []domain.Creator{tt.c}, nil)
			}
			wantErr(t, err, domain.KindInvalid, tt.field, "line 2")
			wantUnchanged(t, db, before)
		})
	}
}
