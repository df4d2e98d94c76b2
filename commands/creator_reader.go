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
	v, cached := a.cache.version(ctx)
	if cached {
		if e, ok := get(a.cache, a.cache.creators, discordID, v); ok {
			return e.actor, a.zoneOr(e.zone), nil
		}
	}
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
	act := creatorActor(c)
	if cached {
		put(a.cache, a.cache.creators, discordID, v, creatorEntry{actor: act, zone: c.TimeZone})
	}
	return act, a.zoneOr(c.TimeZone), nil
}

// zoneOr is the named zone, or the team's when it is unset or unknown.
func (a *App) zoneOr(name string) *time.Location {
	if name != "" {
		if l, err := loadLocation(name); err == nil {
			return l
		}
	}
	return a.loc
}
