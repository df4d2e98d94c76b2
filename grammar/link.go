package grammar

import (
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// linkClaim runs "link @handle [discord=ID]": a claim the team confirms.
// Anyone could type any handle, so nothing is linked here. The console has
// no Discord identity, so it names the account with discord=; a creator
// acting there who already has one claims with it.
func linkClaim(x call) (present.Card, error) {
	id, name := x.cmd.Text, x.actor.Display()
	if id == "" && x.actor.Role == domain.RoleCreator {
		c, err := x.app.Creator(x.ctx, x.actor.CreatorID)
		if err != nil {
			return present.Card{}, err
		}
		id = c.DiscordID
	}
	if id == "" {
		return present.Card{}, domain.Invalidf("discord_id", "Say which Discord account claims the handle: link @%s discord=123456789012345678 (in Discord, /link does it for you).", x.cmd.Handle)
	}
	v, err := x.app.RequestLink(x.ctx, id, name, x.cmd.Handle)
	return reply(v, err, present.LinkRequested)
}
