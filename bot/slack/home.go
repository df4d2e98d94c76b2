package slack

import (
	"context"
	"slices"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/present"
)

// homeButtons open the forms of the common actions.
var homeButtons = []struct{ label, form string }{
	{"New invitation", "invite"},
	{"New open plan", "plan"},
	{"Add a creator", "creator_add"},
	{"Add a product", "product_add"},
}

// publishHome publishes user's App Home: the team's dashboard, or how to
// join the team for anyone else.
func (a *Adapter) publishHome(ctx context.Context, user string) {
	var blocks []slackgo.Block
	actor, refusal, err := a.actor(ctx, user)
	switch {
	case err != nil:
		blocks = a.errorMessage(err).Blocks
	case refusal != "":
		blocks = ours(refusal).Blocks
	default:
		d, err := a.app.Dashboard(ctx, actor)
		if err != nil {
			blocks = a.errorMessage(err).Blocks
			break
		}
		r := present.Reader{Zone: a.app.Location(), Team: a.app.Location(), Now: a.app.Now()}
		var els []slackgo.BlockElement
		for _, b := range homeButtons {
			els = append(els, slackgo.NewButtonBlockElement(openAction+b.form, b.form, plain(b.label)))
		}
		actions := slackgo.NewActionBlock("home_actions", els...)
		rendered := render(present.Home(d, r), maxViewBlocks-1, 1, "")
		blocks = append([]slackgo.Block{actions}, rendered.Blocks...)
	}
	view := slackgo.HomeTabViewRequest{Type: slackgo.VTHomeTab, Blocks: slackgo.Blocks{BlockSet: blocks}}
	if _, err := a.api.PublishViewContext(ctx, slackgo.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		a.log.Warn("slack: views.publish failed", "user", user, "err", err)
	}
}

// Home tabs are refreshed when what they show changes: for the people who
// opened theirs lately, at most once per HomeDebounce, most recent first.
const (
	homeViewersKept = 24 * time.Hour
	maxHomeRefresh  = 50 // views.publish allows about 100 a minute
)

// viewed records that user opened their Home tab.
func (a *Adapter) viewed(user string) {
	a.homeMu.Lock()
	defer a.homeMu.Unlock()
	a.viewers[user] = a.cfg.Now()
}

// Changed tells the adapter that something the Home tab shows changed
// (the Sender calls it after each delivery): the homes opened lately are
// published again, once for a burst of changes.
func (a *Adapter) Changed() {
	a.homeMu.Lock()
	if a.homePending || len(a.viewers) == 0 {
		a.homeMu.Unlock()
		return
	}
	a.homePending = true
	a.homeMu.Unlock()
	a.later("home refresh", func(ctx context.Context) {
		t := time.NewTimer(a.cfg.HomeDebounce)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		a.homeMu.Lock()
		a.homePending = false
		cutoff := a.cfg.Now().Add(-homeViewersKept)
		type seen struct {
			user string
			at   time.Time
		}
		var users []seen
		for u, at := range a.viewers {
			if at.Before(cutoff) {
				delete(a.viewers, u)
				continue
			}
			users = append(users, seen{u, at})
		}
		a.homeMu.Unlock()
		slices.SortFunc(users, func(x, y seen) int { return y.at.Compare(x.at) })
		for i, u := range users {
			if i == maxHomeRefresh {
				break
			}
			a.publishHome(ctx, u.user)
		}
	})
}
