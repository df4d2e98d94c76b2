package slack

import (
	"context"

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
