package commands_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
)

// drafterFunc is a Drafter made of a function.
type drafterFunc func(context.Context, commands.DraftInput) (string, error)

func (f drafterFunc) DraftInvitation(ctx context.Context, in commands.DraftInput) (string, error) {
	return f(ctx, in)
}

// Drafts are written per creator, from roster facts, a few at a time; a
// creator whose draft fails or is empty gets the template, and nobody's
// invitation is lost.
func TestInviteWithDrafts(t *testing.T) {
	t.Parallel()
	var running, most atomic.Int32
	drafter := drafterFunc(func(ctx context.Context, in commands.DraftInput) (string, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		switch in.Creator.Handle {
		case "broken":
			return "", errors.New("model overloaded")
		case "blank":
			return "   ", nil
		}
		return fmt.Sprintf("Hey %s, %d followers love %s at %s!", in.Creator.At(), in.Creator.Followers, in.Products[0].Title, in.Rate), nil
	})
	app, db, _ := newAppWith(t, commands.Options{Drafter: drafter})
	mustAddProduct(t, app, "P100", 0, "")
	handles := []string{"maya", "broken", "blank", "leo", "ana", "kim", "zoe", "bo"}
	for _, h := range handles {
		mustAddCreator(t, app, h, withStats(1000, 10, 0, "beauty"))
	}
	req := commands.InviteRequest{Creators: targets(t, handles...), Products: []string{"P100"}, Rate: 1500}
	drafts, err := app.DraftInvitations(ctxb, dana, req)
	mustNil(t, err, "DraftInvitations")
	if n := len(outbox(t, db)); n != 0 {
		t.Fatalf("drafting queued %d messages; a draft is a preview", n)
	}
	if len(drafts) != len(handles) {
		t.Fatalf("%d drafts, want %d", len(drafts), len(handles))
	}
	// The seller reads the drafts, edits one, and sends them all.
	req.Messages = map[string]string{}
	for _, d := range drafts {
		switch d.Creator.Handle {
		case "broken", "blank":
			if d.Drafted || d.Why == "" || !strings.HasPrefix(d.Text, "Hi "+d.Creator.At()+"! We love your content") {
				t.Errorf("%s draft %+v, want the template and why", d.Creator.At(), d)
			}
		default:
			if want := fmt.Sprintf("Hey %s, 1000 followers love Product P100 at 15%%!", d.Creator.At()); d.Text != want || !d.Drafted {
				t.Errorf("%s draft %q, want %q", d.Creator.At(), d.Text, want)
			}
		}
		req.Messages[d.Creator.Handle] = d.Text
	}
	delete(req.Messages, "maya")
	req.Messages["@Maya"] = "Maya, edited by hand." // as a person types the handle
	calls := running.Load()
	res := mustInvite(t, app, req)
	if len(res.Invitations) != len(handles) {
		t.Fatalf("%d invitations, want %d", len(res.Invitations), len(handles))
	}
	for _, v := range res.Invitations {
		dm := rendered(mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:dm", v.ID))).Text
		want := req.Messages[v.Creator.Handle]
		if v.Creator.Handle == "maya" {
			want = "Maya, edited by hand."
		}
		if dm != want {
			t.Errorf("%s was sent %q, want the edited draft %q", v.Creator.At(), dm, want)
		}
	}
	if running.Load() != calls {
		t.Errorf("InviteCreators called the drafter; it sends what it is given")
	}
	if m := most.Load(); m > 4 {
		t.Errorf("%d drafts at once, want at most 4", m)
	}
	stray := commands.InviteRequest{Creators: targets(t, "leo"), Products: []string{"P100"}, Rate: 1500, Messages: map[string]string{"@zoe": "Hi Zoe"}}
	if _, err := app.InviteCreators(ctxb, dana, stray); domain.ErrorField(err) != "message" {
		t.Errorf("a message for a creator not invited: %v", err)
	}
	if _, err := app.DraftInvitations(ctxb, dana, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P404"}, Rate: 1500}); domain.ErrorKind(err) != domain.KindInvalid {
		t.Errorf("bad input with draft: %v", err)
	}
}

// Without an LLM a draft is the template, and says why.
func TestDraftWithoutLLMSaysTemplate(t *testing.T) {
	t.Parallel()
	app, _, _ := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	mustAddCreator(t, app, "maya")
	ds, err := app.DraftInvitations(ctxb, dana, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500})
	mustNil(t, err, "DraftInvitations")
	if len(ds) != 1 || ds[0].Drafted || !strings.Contains(ds[0].Why, "LLM drafts are off") {
		t.Errorf("drafts %+v", ds)
	}
	if _, err := app.DraftInvitations(ctxb, mayaActor(t, app), commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P100"}, Rate: 1500}); domain.ErrorKind(err) != domain.KindForbidden {
		t.Errorf("a creator drafting: %v", err)
	}
}

func mayaActor(t *testing.T, app *commands.App) domain.Actor {
	t.Helper()
	a, err := app.CreatorActorByHandle(ctxb, "maya")
	mustNil(t, err, "CreatorActorByHandle")
	return a
}

// "invite ... draft" typed in the console previews the drafts and sends
// nothing.
func TestDraftLinePreviews(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 0, "")
	mustAddCreator(t, app, "maya")
	m, _, err := grammar.New(app).Run(ctxb, dana, "invite @maya P100 15% draft")
	mustNil(t, err, "Run")
	if !strings.HasPrefix(m.Title, "Drafts for 1 creator") || len(m.Sections) != 1 || !strings.Contains(m.Sections[0].Text, "Hi @maya!") {
		t.Errorf("draft preview %+v", m)
	}
	if n := len(outbox(t, db)); n != 0 {
		t.Errorf("a draft preview queued %d messages", n)
	}
}
