package commands

import (
	"context"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// CreatorReader resolves a creator by their Discord user ID together with
// the zone they read dates in, in one read: a chat adapter answering
// within Discord's 3 seconds needs both for every interaction. A user on
// no roster entry is refused as CreatorActor refuses them.
func (a *App) CreatorReader(ctx context.Context, discordID string) (domain.Actor, *time.Location, error) {
	var c domain.Creator
	err := a.store.View(ctx, func(tx Tx) error {
		var err error
		c, err = tx.CreatorByDiscordID(ctx, discordID)
		return err
	})
	if domain.ErrorKind(err) == domain.KindNotFound {
		_, err = a.CreatorActor(ctx, discordID) // its refusal, worded once
		return domain.Actor{}, a.loc, err
	}
	if err != nil {
		return domain.Actor{}, a.loc, err
	}
	loc := a.loc
	if c.TimeZone != "" {
		if l, err := loadLocation(c.TimeZone); err == nil {
			loc = l
		}
	}
	return creatorActor(c), loc, nil
}
