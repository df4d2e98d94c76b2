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
	res := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, handles...), Products: []string{"P100"}, Rate: 1500, Draft: true})
	if len(res.Invitations) != len(handles) {
		t.Fatalf("%d invitations, want %d", len(res.Invitations), len(handles))
	}
	for _, v := range res.Invitations {
		dm := rendered(mustOutboxKey(t, db, fmt.Sprintf("invitation:%d:dm", v.ID))).Text
		switch v.Creator.Handle {
		case "broken", "blank":
			if !strings.HasPrefix(dm, "Hi "+v.Creator.At()+"! We love your content") {
				t.Errorf("%s got %q, want the template", v.Creator.At(), dm)
			}
		default:
			if want := fmt.Sprintf("Hey %s, 1000 followers love Product P100 at 15%%!", v.Creator.At()); dm != want {
				t.Errorf("%s got %q, want %q", v.Creator.At(), dm, want)
			}
		}
	}
	if m := most.Load(); m > 4 {
		t.Errorf("%d drafts at once, want at most 4", m)
	}
	if _, err := app.InviteCreators(ctxb, dana, commands.InviteRequest{Creators: targets(t, "maya"), Products: []string{"P404"}, Rate: 1500, Draft: true}); domain.ErrorKind(err) != domain.KindInvalid {
		t.Errorf("bad input with draft: %v", err)
	}
}
