package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// LinkView is a link request with the roster entry it names, if any.
type LinkView struct {
	Link domain.LinkRequest
	// Creator is the roster entry for the handle (zero when the handle is
	// not on the roster; a confirmation then adds it).
	Creator  domain.Creator
	OnRoster bool
	// Again is set when the same claim was already waiting: nothing new was
	// queued for the team.
	Again bool
}

// maxDiscordName bounds the name shown to the team; Discord's own limit is 32.
const maxDiscordName = 100

// RequestLink stores a Discord user's claim to be the creator behind
// handle and asks the team (the sellers' channel) to confirm it. Nothing is
// linked yet. A handle already linked to another Discord account is refused
// at once, and the team is told of the attempt.
func (a *App) RequestLink(ctx context.Context, discordID, discordName, handle string) (LinkView, error) {
	var v LinkView
	if err := domain.ValidateDiscordID("discord_id", discordID); err != nil {
		return v, err
	}
	h, err := domain.NormalizeHandle("handle", handle)
	if err != nil {
		return v, err
	}
	discordName = strings.Join(strings.Fields(discordName), " ")
	if r := []rune(discordName); len(r) > maxDiscordName {
		discordName = string(r[:maxDiscordName])
	}
	now := a.now()
	var refused error
	err = a.store.Update(ctx, func(tx Tx) error {
		v, refused = LinkView{}, nil
		switch mine, err := tx.CreatorByDiscordID(ctx, discordID); {
		case err == nil && mine.Handle == h:
			return domain.Errorf(domain.KindConflict, "Your Discord account is already linked to %s: /plans, /invitations and /samples are yours.", mine.At())
		case err == nil:
			return domain.Errorf(domain.KindConflict, "Your Discord account is linked to %s. To change it, ask the seller team.", mine.At())
		case domain.ErrorKind(err) != domain.KindNotFound:
			return err
		}
		l := domain.LinkRequest{DiscordID: discordID, DiscordName: discordName, Handle: h, State: domain.LinkPending, RequestedAt: now}
		switch cr, err := tx.CreatorByHandle(ctx, h); {
		case err == nil:
			v.Creator, v.OnRoster, l.CreatorID = cr, true, cr.ID
			if cr.DiscordID != "" {
				l.State, l.Why = domain.LinkRefused, "already linked to another Discord account"
				refused = domain.Errorf(domain.KindConflict, "%s is already linked to another Discord account, so this claim is refused. The seller team has been told; if it is yours, talk to them.", cr.At())
			}
		case domain.ErrorKind(err) != domain.KindNotFound:
			return err
		}
		if l.State == domain.LinkPending {
			switch old, err := tx.PendingLink(ctx, discordID, h); {
			case err == nil:
				v.Link, v.Again = old, true
				return nil
			case domain.ErrorKind(err) != domain.KindNotFound:
				return err
			}
		}
		if err := tx.InsertLinkRequest(ctx, &l); err != nil {
			return err
		}
		v.Link = l
		if err := tx.AddEvent(ctx, domain.Event{At: now, Actor: "discord:" + discordID, Kind: "link." + string(l.State), Subject: subject("link", l.ID),
			Detail: fmt.Sprintf("Discord user %s (%s) claims @%s", discordName, discordID, h)}); err != nil {
			return err
		}
		return send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), key: domain.Once(subject("link", l.ID), "card"), thread: subject("link", l.ID)}, linkNotice(v))
	})
	if err == nil && refused != nil {
		return v, refused
	}
	return v, err
}

func linkNotice(v LinkView) domain.Notice {
	l := v.Link
	n := domain.Notice{Kind: domain.NoticeLinkRequest, Link: &l, By: l.DeciderName}
	if v.OnRoster {
		cr := v.Creator
		n.Creator = &cr
	}
	return n
}

// ConfirmLink is a team member's yes to a claim: the Discord account is
// linked to the roster entry (added when the handle is not on the roster),
// the creator is told by DM, and messages that waited for the account go
// out at once.
func (a *App) ConfirmLink(ctx context.Context, actor domain.Actor, id int64) (LinkView, error) {
	return a.decideLink(ctx, actor, id, domain.LinkConfirmed)
}

// RejectLink is a team member's no to a claim; nothing is linked.
func (a *App) RejectLink(ctx context.Context, actor domain.Actor, id int64) (LinkView, error) {
	return a.decideLink(ctx, actor, id, domain.LinkRejected)
}

func (a *App) decideLink(ctx context.Context, actor domain.Actor, id int64, to domain.LinkState) (LinkView, error) {
	var v LinkView
	if err := actor.RequireTeam("link Discord accounts"); err != nil {
		return v, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		v = LinkView{}
		l, err := tx.LinkRequest(ctx, id)
		if err != nil {
			return err
		}
		if l.State == to && l.DecidedBy == actor.MemberID {
			v.Link = l // the same member clicked twice
			return a.linkedCreator(ctx, tx, &v)
		}
		if err := l.Decide(to, actor.MemberID, actor.Display(), now); err != nil {
			return err
		}
		v.Link = l
		if err := a.linkedCreator(ctx, tx, &v); err != nil {
			return err
		}
		if to == domain.LinkConfirmed {
			if err := a.link(ctx, tx, now, &v); err != nil {
				return err
			}
		}
		if err := tx.UpdateLinkRequest(ctx, v.Link); err != nil {
			return err
		}
		if err := record(ctx, tx, now, actor, "link."+string(to), subject("link", l.ID), "%s Discord user %s (%s) as @%s", to, l.DiscordName, l.DiscordID, l.Handle); err != nil {
			return err
		}
		card := domain.Once(subject("link", l.ID), "card")
		if err := send(ctx, tx, now, out{to: toChannel(domain.ChannelSellers), key: card.Edit(string(to), 0), replaces: card, thread: subject("link", l.ID)}, linkNotice(v)); err != nil {
			return err
		}
		if to != domain.LinkConfirmed {
			return nil
		}
		cr := v.Creator
		return send(ctx, tx, now, out{to: toCreator(cr.ID), key: domain.Once(subject("link", l.ID), "linked"), thread: subject("link", l.ID)},
			domain.Notice{Kind: domain.NoticeLinked, Link: &v.Link, Creator: &cr, By: actor.Display()})
	})
	return v, err
}

// linkedCreator reads the roster entry of the claim's handle into v.
func (a *App) linkedCreator(ctx context.Context, tx Tx, v *LinkView) error {
	cr, err := tx.CreatorByHandle(ctx, v.Link.Handle)
	switch {
	case err == nil:
		v.Creator, v.OnRoster = cr, true
	case domain.ErrorKind(err) != domain.KindNotFound:
		return err
	}
	return nil
}

// link ties the claim's Discord account to its roster entry, adding the
// creator when the handle is not on the roster.
func (a *App) link(ctx context.Context, tx Tx, now time.Time, v *LinkView) error {
	l := &v.Link
	switch holder, err := tx.CreatorByDiscordID(ctx, l.DiscordID); {
	case err == nil && holder.Handle != l.Handle:
		return domain.Errorf(domain.KindConflict, "Discord user %s is already linked to %s; unlink it there first (creator set %s discord=...).", l.DiscordID, holder.At(), holder.At())
	case err != nil && domain.ErrorKind(err) != domain.KindNotFound:
		return err
	}
	cr := v.Creator
	if v.OnRoster {
		if cr.DiscordID != "" && cr.DiscordID != l.DiscordID {
			return domain.Errorf(domain.KindConflict, "%s is already linked to another Discord account (%s), so this claim cannot be confirmed.", cr.At(), cr.DiscordID)
		}
		cr.DiscordID, cr.Reachable = l.DiscordID, true
		if err := tx.UpdateCreator(ctx, cr); err != nil {
			return err
		}
	} else {
		cr = domain.Creator{Handle: l.Handle, DiscordID: l.DiscordID, Reachable: true, CreatedAt: now}
		if err := validateCreator(&cr); err != nil {
			return err
		}
		if err := tx.InsertCreator(ctx, &cr); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, domain.Event{At: now, Actor: "system", Kind: "creator.added", Subject: subject("creator", cr.ID), Detail: fmt.Sprintf("added %s from link request %s", cr.At(), l.Ref())}); err != nil {
			return err
		}
	}
	v.Creator, v.OnRoster, l.CreatorID = cr, true, cr.ID
	_, err := tx.WakeOutgoing(ctx, toCreator(cr.ID), now)
	return err
}

// LinkRequestOf is one claim, for the team.
func (a *App) LinkRequestOf(ctx context.Context, actor domain.Actor, id int64) (LinkView, error) {
	var v LinkView
	if err := actor.RequireTeam("see link requests"); err != nil {
		return v, err
	}
	err := a.store.View(ctx, func(tx Tx) error {
		l, err := tx.LinkRequest(ctx, id)
		if err != nil {
			return err
		}
		v.Link = l
		return a.linkedCreator(ctx, tx, &v)
	})
	return v, err
}
