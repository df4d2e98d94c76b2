package present_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// Every notice the use cases can queue has its own card: none falls back
// to the catch-all, and none is blank.
func TestEveryNoticeKindRenders(t *testing.T) {
	at := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	cr := &domain.Creator{ID: 1, Handle: "maya"}
	inv := &domain.Invitation{ID: 3, Rate: 1500, State: domain.InvitationAccepted, ExpiresAt: at.AddDate(0, 0, 30)}
	s := &domain.SampleRequest{ID: 4, Quantity: 1, State: domain.SampleRequested, RequestedAt: at}
	for _, kind := range domain.NoticeKinds {
		n := domain.Notice{Kind: kind, At: at, By: "dana", Creator: cr, Invitation: inv, Collaboration: &domain.Collaboration{},
			Sample: s, Product: &domain.Product{ID: "P100", Title: "Glow Serum"}, Plan: &domain.Plan{ID: 1, Name: "Spring", State: domain.PlanPaused}}
		c := present.Notice(n, present.Reader{Zone: time.UTC})
		if c.Title == "Update" || strings.HasPrefix(c.Text, "Something happened") {
			t.Errorf("%s falls back to the catch-all card", kind)
		}
		if c.Title == "" && c.Text == "" {
			t.Errorf("%s renders blank", kind)
		}
	}
}

// A card too big for a chat platform is cut to fit and says what it left out.
func TestFitKeepsWithinLimits(t *testing.T) {
	c := present.Card{Title: "Big", Text: strings.Repeat("x", 5000)}
	for i := 0; i < 30; i++ {
		c.Fields = append(c.Fields, present.Field{Label: "f", Value: strings.Repeat("v", 2000)})
	}
	for i := 0; i < 60; i++ {
		c.Sections = append(c.Sections, present.Section{Text: "row", Buttons: []present.Button{{Label: "Go", Kind: present.ButtonAction, Action: "approve:1"}}})
	}
	f := c.Fit()
	if len(f.Fields) > present.MaxFields || len(f.Sections) > present.MaxSections || len(f.AllButtons()) > present.MaxButtons {
		t.Errorf("fit: %d fields, %d sections, %d buttons", len(f.Fields), len(f.Sections), len(f.AllButtons()))
	}
	if n := len([]rune(f.Text)); n > present.MaxTextLength {
		t.Errorf("text %d characters", n)
	}
	for _, fl := range f.Fields {
		if len([]rune(fl.Value)) > present.MaxFieldLength {
			t.Errorf("field %d characters", len(fl.Value))
		}
	}
	if !strings.Contains(f.Context, "5 more fields") || !strings.Contains(f.Context, "20 more rows") {
		t.Errorf("context %q should say what was left out", f.Context)
	}
}

// Buttons say what a click does: forms for verbs that need more input.
func TestButtonKinds(t *testing.T) {
	n := domain.Notice{Kind: domain.NoticeSampleCard, Sample: &domain.SampleRequest{ID: 4, State: domain.SampleRequested}, Creator: &domain.Creator{Handle: "maya"}, Product: &domain.Product{ID: "P100"}}
	c := present.Notice(n, present.Reader{})
	kinds := map[string]present.ButtonKind{}
	for _, b := range c.AllButtons() {
		kinds[b.Label] = b.Kind
	}
	if kinds["Approve"] != present.ButtonAction || kinds["Reject"] != present.ButtonForm {
		t.Errorf("approvals card buttons %v", kinds)
	}
}

// A message an earlier release stored in words goes out as written, its
// buttons kept and told apart by what they do.
func TestWordedNoticeRendersAsWritten(t *testing.T) {
	var w domain.Worded
	if err := json.Unmarshal([]byte(`{"title":"Invitation I1","text":"Hi!","fields":[{"label":"Commission rate","value":"15%"}],"buttons":[{"label":"Accept","action":"accept:1"},{"label":"Decline","action":"decline:1"}]}`), &w); err != nil {
		t.Fatal(err)
	}
	c := present.Notice(domain.Notice{Kind: domain.NoticeWorded, Worded: &w}, present.Reader{})
	if c.Title != "Invitation I1" || c.Text != "Hi!" || len(c.Fields) != 1 || len(c.Buttons) != 2 {
		t.Fatalf("worded card %+v", c)
	}
	if c.Buttons[0].Kind != present.ButtonAction || c.Buttons[1].Kind != present.ButtonForm {
		t.Errorf("button kinds %v, %v", c.Buttons[0].Kind, c.Buttons[1].Kind)
	}
}

// Wording a new user tripped on: an answered invitation shows no date to
// answer by, unknown counts read "not known", an unset price is not shown.
func TestWordingOfUnknownsAndAnswered(t *testing.T) {
	inv := &domain.Invitation{ID: 3, Rate: 1500, State: domain.InvitationAccepted, ExpiresAt: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	c := present.Notice(domain.Notice{Kind: domain.NoticeInvitationStatus, Invitation: inv, Collaboration: &domain.Collaboration{},
		Products: []domain.Product{{ID: "P100", Title: "Glow Serum"}}}, present.Reader{})
	for _, f := range c.Fields {
		if f.Label == "Answer by" {
			t.Errorf("an accepted invitation still shows %q", f.Label+": "+f.Value)
		}
		if f.Label == "Products" && strings.Contains(f.Value, "0.00") {
			t.Errorf("an unset price is shown: %q", f.Value)
		}
	}
	card := present.Notice(domain.Notice{Kind: domain.NoticeSampleCard, Sample: &domain.SampleRequest{ID: 1, State: domain.SampleRequested},
		Creator: &domain.Creator{Handle: "maya"}, Product: &domain.Product{ID: "P100"}}, present.Reader{})
	for _, f := range card.Fields {
		if (f.Label == "Average views" || f.Label == "Followers") && f.Value != "not known" {
			t.Errorf("%s of a creator the roster knows nothing about = %q", f.Label, f.Value)
		}
	}
}

// A list cut to a page says how many more there are and how to narrow it.
func TestMoreSaysWhatWasLeftOut(t *testing.T) {
	if c := present.More(present.Card{}, 0, "x"); c.Context != "" {
		t.Errorf("nothing left out, context %q", c.Context)
	}
	if c := present.More(present.Card{}, 12, "narrow with a state"); c.Context != "12 more not shown; narrow with a state." {
		t.Errorf("context %q", c.Context)
	}
}

// A plan that opens later says when creators will see it.
func TestScheduledPlanSaysWhenCreatorsSeeIt(t *testing.T) {
	at := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	p := &domain.Plan{ID: 1, Name: "Later", StartsAt: at.AddDate(0, 0, 10)}
	c := present.Notice(domain.Notice{Kind: domain.NoticePlanCreated, By: "dana", Plan: p, At: at}, present.Reader{Zone: time.UTC})
	if !strings.Contains(c.Text, "from Sat 16 May 2026") {
		t.Errorf("scheduled plan announcement %q", c.Text)
	}
}

// The roster list counts in words people read: one follower, not "1
// followers", and a count nobody entered is not known rather than zero.
func TestCreatorsListCounts(t *testing.T) {
	c := present.Creators([]commands.CreatorCard{
		{Creator: domain.Creator{Handle: "one", Followers: 1, AvgViews: 0, DiscordID: "1", Reachable: true}},
	}, "")
	text := c.Sections[0].Text
	if !strings.Contains(text, "1 follower ") || !strings.Contains(text, "avg views not known") {
		t.Errorf("creators row %q", text)
	}
}
