package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// FanoutEvery is how often, at most, an invitation round's summary in the
// sellers' channel is edited as its DMs go out: Slack's chat.update is a
// Tier 3 method (about 50 a minute), and a person reads a count that moves
// every few seconds just as well.
const FanoutEvery = 5 * time.Second

// UndeliveredView is the messages that failed for good, the latest
// failure first, as the App Home lists them.
type UndeliveredView struct {
	Rows  []domain.Undelivered
	Total int // failed messages in all; Rows may be fewer
}

// ListUndelivered lists up to limit messages that failed for good (the
// App Home's "not delivered" section), for the team only.
func (a *App) ListUndelivered(ctx context.Context, actor domain.Actor, limit int) (UndeliveredView, error) {
	var v UndeliveredView
	if err := actor.RequireTeam("see undelivered messages"); err != nil {
		return v, err
	}
	if limit <= 0 {
		limit = 20
	}
	err := a.store.View(ctx, func(tx Tx) error {
		v = UndeliveredView{}
		rows, total, err := tx.Undelivered(ctx, limit)
		if err != nil {
			return err
		}
		v.Total = total
		for _, o := range rows {
			u, err := undelivered(ctx, tx, o)
			if err != nil {
				return err
			}
			v.Rows = append(v.Rows, u)
		}
		return nil
	})
	return v, err
}

// TellUndelivered tells the sellers' channel, once per row, that a message
// failed for good: who it was for, what it was, why, and what to do.
// delivery calls it for every such row (delivery.Dispatcher.OnFailed), so
// it is safe to call again for the same row. It says nothing of:
//   - a message to the sellers' channel itself: a notice there would most
//     likely fail the same way, so it is only logged;
//   - a creator's DM refused because their DMs are closed: MarkUnreachable
//     already told the sellers.
//
// A DM of an invitation round also moves the round's summary.
func (a *App) TellUndelivered(ctx context.Context, o domain.Outgoing) error {
	if err := a.noteFanout(ctx, o); err != nil {
		return err
	}
	if o.To.Kind == domain.ToChannel && o.To.Channel == domain.ChannelSellers {
		a.log.Warn("a message to the sellers' channel was not delivered; nobody is told in Slack", "id", o.ID, "key", o.Key, "reason", string(o.FailReason), "err", o.LastError)
		return nil
	}
	if o.FailReason == domain.FailUnreachable && o.To.Kind == domain.ToCreator {
		return nil
	}
	now := a.now()
	return a.store.Update(ctx, func(tx Tx) error {
		u, err := undelivered(ctx, tx, o)
		if err != nil {
			return err
		}
		to := toChannel(domain.ChannelSellers)
		_, err = tx.Enqueue(ctx, domain.Outgoing{
			Surface: to.Surface(), To: to, Key: string(domain.Once(subject("outbox", o.ID), "undelivered")),
			Notice: domain.Notice{Kind: domain.NoticeUndelivered, Undelivered: &u, Creator: u.Creator, At: now}, NextAttempt: now, CreatedAt: now,
		})
		return err
	})
}

// undelivered is what the team is told of failed row o.
func undelivered(ctx context.Context, tx Tx, o domain.Outgoing) (domain.Undelivered, error) {
	u := domain.Undelivered{ID: o.ID, To: o.To, What: o.Notice.Kind, Edit: o.Replaces != "", Reason: o.FailReason,
		Error: o.LastError, Attempts: o.Attempts, FailedAt: o.FailedAt, Creator: o.Notice.Creator}
	if u.Reason == "" {
		u.Reason = domain.FailPermanent
	}
	switch n := o.Notice; {
	case n.Sample != nil:
		u.Ref = n.Sample.Ref()
	case n.Invitation != nil:
		u.Ref = n.Invitation.Ref()
	case n.Plan != nil:
		u.Ref = n.Plan.Ref()
	}
	if o.To.Kind == domain.ToCreator {
		c, err := tx.Creator(ctx, o.To.CreatorID)
		switch {
		case err == nil:
			u.Creator = &c
		case domain.ErrorKind(err) != domain.KindNotFound:
			return u, err
		}
	}
	if u.Reason == domain.FailOriginal && o.Replaces != "" {
		st, err := tx.OutgoingStatus(ctx, []string{o.Replaces})
		if err != nil {
			return u, err
		}
		u.Original = st[o.Replaces].ID
	}
	return u, nil
}

// NoteSent follows a delivered message: a DM of an invitation round moves
// the round's summary (delivery.Dispatcher.OnSent).
func (a *App) NoteSent(ctx context.Context, o domain.Outgoing) error {
	return a.noteFanout(ctx, o)
}

// RefreshOutgoing gives a row about to be sent the facts as they are now
// (delivery.Dispatcher.Prepare): an invitation round's summary shows the
// counts at the moment it is posted or edited, however long ago it was
// queued, so a coalesced edit never shows stale counts.
func (a *App) RefreshOutgoing(ctx context.Context, o domain.Outgoing) (domain.Outgoing, error) {
	if o.Notice.Kind != domain.NoticeFanout || o.Notice.Fanout == nil {
		return o, nil
	}
	err := a.store.View(ctx, func(tx Tx) error {
		f, err := fanoutProgress(ctx, tx, o.Notice.Fanout.CollaborationID)
		if err != nil {
			return err
		}
		o.Notice.Fanout = &f
		o.Notice.At = a.now()
		return nil
	})
	return o, err
}

// fanoutKey is the key of a round's summary in the sellers' channel.
func fanoutKey(collabID int64) domain.OutKey {
	return domain.Once(subject("collaboration", collabID), "progress")
}

// fanoutThread keeps a round's summary and its edits in order.
func fanoutThread(collabID int64) string { return subject("collaboration", collabID) + ":progress" }

// noteFanout moves the summary of the invitation round o's DM belongs to,
// when o is such a DM and the round has several: the first outcome posts
// the summary, later ones queue at most one edit per FanoutEvery window,
// due when the window ends and read afresh when sent (RefreshOutgoing).
// The counts come from the outbox rows of the round's DMs, never from
// memory, so this holds across restarts and replicas.
func (a *App) noteFanout(ctx context.Context, o domain.Outgoing) error {
	if o.Notice.Kind != domain.NoticeInvitation || o.Notice.Collaboration == nil || o.Replaces != "" {
		return nil
	}
	id := o.Notice.Collaboration.ID
	// Most rounds invite one creator: a read tells, without the write lock.
	var total int
	err := a.store.View(ctx, func(tx Tx) error {
		f, err := fanoutProgress(ctx, tx, id)
		total = f.Total
		return err
	})
	if err != nil || total < 2 {
		return err
	}
	now := a.now()
	return a.store.Update(ctx, func(tx Tx) error {
		f, err := fanoutProgress(ctx, tx, id)
		if err != nil || f.Total < 2 {
			return err
		}
		to := toChannel(domain.ChannelSellers)
		summary := fanoutKey(id)
		row := domain.Outgoing{Surface: to.Surface(), To: to, Thread: fanoutThread(id),
			Notice: domain.Notice{Kind: domain.NoticeFanout, Fanout: &f, At: now}, CreatedAt: now}
		post := row
		post.Key, post.NextAttempt = string(summary), now
		posted, err := tx.Enqueue(ctx, post)
		if err != nil || posted {
			return err
		}
		// A summary not yet out reads the counts when it goes: no edit.
		if st, err := tx.OutgoingStatus(ctx, []string{post.Key}); err != nil || st[post.Key].State == domain.OutboxPending {
			return err
		}
		// An edit per window, due when the window ends: one still pending
		// reads the counts when it goes out, so later outcomes need no
		// other. One folded into the summary before the summary went out
		// (merged) is spent: the window gets another. One already under
		// way or sent: the next window gets one.
		window := FanoutEvery.Milliseconds()
		slot, gen := now.UnixMilli()/window, 0
		for range 8 { // a bound against a bad clock, never reached
			edit := row
			edit.Key, edit.Replaces = string(summary.Edit(fmt.Sprintf("progress.%d.%d", slot, gen), 0)), string(summary)
			edit.NextAttempt = time.UnixMilli((slot + 1) * window).UTC()
			queued, err := tx.Enqueue(ctx, edit)
			if err != nil || queued {
				return err
			}
			st, err := tx.OutgoingStatus(ctx, []string{edit.Key})
			if err != nil {
				return err
			}
			switch st[edit.Key].State {
			case domain.OutboxPending:
				return nil
			case domain.OutboxMerged:
				gen++
			default:
				slot, gen = slot+1, 0
			}
		}
		return nil
	})
}

// fanoutProgress counts where the DMs of collaboration id's invitations
// stand.
func fanoutProgress(ctx context.Context, tx Tx, id int64) (domain.Fanout, error) {
	f := domain.Fanout{CollaborationID: id}
	var keys []string
	handles := map[string]string{}
	err := tx.InvitationViews(ctx, InvitationFilter{CollaborationID: id}, func(v InvitationView) error {
		f.Name = v.Collaboration.Name
		k := string(domain.Once(subject("invitation", v.ID), "dm"))
		keys = append(keys, k)
		handles[k] = v.Creator.At()
		return nil
	})
	if err != nil {
		return f, err
	}
	st, err := tx.OutgoingStatus(ctx, keys)
	if err != nil {
		return f, err
	}
	// Oldest invitation first, so the names read in the order invited.
	for i := len(keys) - 1; i >= 0; i-- {
		s, ok := st[keys[i]]
		if !ok {
			continue
		}
		f.Total++
		switch {
		case s.State == domain.OutboxSent:
			f.Delivered++
		case s.State == domain.OutboxFailed && s.Reason == domain.FailUnreachable:
			f.Unreachable = append(f.Unreachable, handles[keys[i]])
		case s.State == domain.OutboxFailed:
			f.Failed = append(f.Failed, handles[keys[i]])
		}
	}
	return f, nil
}
