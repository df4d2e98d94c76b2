package commands

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// App holds the use cases. Adapters build one with New and call its methods
// with the acting user's identity.
type App struct {
	store   Store
	clock   Clock
	loc     *time.Location
	drafter Drafter
	log     *slog.Logger
	// weeklyCap bounds new invitations per outreach week (0: no cap).
	weeklyCap int
	// cache keeps actor and plan reads while the store is unchanged; nil
	// when the store cannot say (see readCache).
	cache *readCache
}

// Options are App's optional collaborators.
type Options struct {
	Clock           Clock          // default: time.Now
	Location        *time.Location // the team's zone; default UTC
	Drafter         Drafter        // nil: invitations use the template
	Logger          *slog.Logger
	WeeklyInviteCap int // 0: no cap
}

// New builds the use cases over a store.
func New(s Store, o Options) *App {
	a := &App{store: s, clock: o.Clock, loc: o.Location, drafter: o.Drafter, log: o.Logger, weeklyCap: o.WeeklyInviteCap}
	a.cache = newReadCache(s)
	if a.cache != nil {
		a.store = forgetful{s}
	}
	if a.clock == nil {
		a.clock = ClockFunc(time.Now)
	}
	if a.loc == nil {
		a.loc = time.UTC
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a
}

// now is the clock's time at millisecond precision, the precision the
// stores keep, so what a use case returns equals what a later read returns.
func (a *App) now() time.Time { return a.clock.Now().UTC().Truncate(time.Millisecond) }

// MemberActor resolves a seller-team member by chat user ID. Anyone on the
// team's Slack is a seller until a manager says otherwise; name is how they
// are shown.
func (a *App) MemberActor(ctx context.Context, id, name string) (domain.Actor, error) {
	if err := domain.ValidateMemberID("user", id); err != nil {
		return domain.Actor{}, err
	}
	// What a member resolves to is kept while the store is unchanged (see
	// readCache); refusals are not kept.
	v, cached := a.cache.version(ctx)
	key := id + "\x00" + name
	if cached {
		if act, ok := get(a.cache, a.cache.members, key, v); ok {
			return act, nil
		}
	}
	act := domain.Actor{Role: domain.RoleSeller, MemberID: id, Name: name}
	err := a.store.View(ctx, func(tx Tx) error {
		m, err := tx.Member(ctx, id)
		if domain.ErrorKind(err) == domain.KindNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if m.Role == domain.RoleNone {
			return domain.Errorf(domain.KindForbidden, "A manager removed your collabbot role; ask a manager to give it back (role %s seller).", id)
		}
		act.Role = m.Role
		if act.Name == "" {
			act.Name = m.Name
		}
		return nil
	})
	if act.Name == "" {
		act.Name = id
	}
	if cached && err == nil {
		put(a.cache, a.cache.members, key, v, act)
	}
	return act, err
}

// CreatorActor resolves a creator by their Discord user ID.
func (a *App) CreatorActor(ctx context.Context, discordID string) (domain.Actor, error) {
	var act domain.Actor
	err := a.store.View(ctx, func(tx Tx) error {
		c, err := tx.CreatorByDiscordID(ctx, discordID)
		if domain.ErrorKind(err) == domain.KindNotFound {
			return domain.Errorf(domain.KindForbidden, "Your Discord account is not on the seller team's creator roster yet. Ask the team to add your Discord user ID next to your TikTok handle.")
		}
		if err != nil {
			return err
		}
		act = creatorActor(c)
		return nil
	})
	return act, err
}

// CreatorActorByHandle resolves a creator by TikTok handle (the console's
// "/as creator @maya").
func (a *App) CreatorActorByHandle(ctx context.Context, handle string) (domain.Actor, error) {
	h, err := domain.NormalizeHandle("handle", handle)
	if err != nil {
		return domain.Actor{}, err
	}
	var act domain.Actor
	err = a.store.View(ctx, func(tx Tx) error {
		c, err := tx.CreatorByHandle(ctx, h)
		if err != nil {
			return err
		}
		act = creatorActor(c)
		return nil
	})
	return act, err
}

func creatorActor(c domain.Creator) domain.Actor {
	return domain.Actor{Role: domain.RoleCreator, CreatorID: c.ID, Name: c.At()}
}

// SeedManagers makes the configured members managers (SLACK_MANAGERS) the
// first time they are seen, so a new deployment has someone who can approve
// samples and grant roles; a later role change by a manager is kept.
func (a *App) SeedManagers(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	now := a.now()
	return a.store.Update(ctx, func(tx Tx) error {
		for _, id := range ids {
			if err := domain.ValidateMemberID("SLACK_MANAGERS", id); err != nil {
				return err
			}
			m, err := tx.Member(ctx, id)
			switch {
			case err == nil && m.Role == domain.RoleManager:
				continue
			case err == nil:
				// A role a manager gave since stands over the start-up list;
				// a member merely seen acting is promoted.
				decided, err := roleDecided(ctx, tx, id)
				if err != nil {
					return err
				}
				if decided {
					continue
				}
			case domain.ErrorKind(err) != domain.KindNotFound:
				return err
			}
			m.ID, m.Role = id, domain.RoleManager
			if err := tx.PutMember(ctx, m); err != nil {
				return err
			}
			if err := record(ctx, tx, now, domain.System, "member.role", "member:"+id, "made manager from configuration"); err != nil {
				return err
			}
		}
		return nil
	})
}

// roleDecided reports whether anyone ever set this member's role.
func roleDecided(ctx context.Context, tx Tx, id string) (bool, error) {
	evs, err := tx.Events(ctx, "member:"+id, 0)
	if err != nil {
		return false, err
	}
	for _, e := range evs {
		if e.Kind == "member.role" {
			return true, nil
		}
	}
	return false, nil
}

// LocalManager makes id a manager and returns them as the actor. It is for
// the console, a local tool whose user already holds the database: there
// is no one to ask for the role.
func (a *App) LocalManager(ctx context.Context, id string) (domain.Actor, error) {
	if err := domain.ValidateMemberID("user", id); err != nil {
		return domain.Actor{}, err
	}
	now := a.now()
	err := a.store.Update(ctx, func(tx Tx) error {
		m, err := tx.Member(ctx, id)
		if err != nil && domain.ErrorKind(err) != domain.KindNotFound {
			return err
		}
		if err == nil && m.Role == domain.RoleManager {
			return nil
		}
		m.ID, m.Role = id, domain.RoleManager
		if err := tx.PutMember(ctx, m); err != nil {
			return err
		}
		return record(ctx, tx, now, domain.System, "member.role", "member:"+id, "made manager at the console")
	})
	if err != nil {
		return domain.Actor{}, err
	}
	return a.MemberActor(ctx, id, id)
}

// record appends an audit event inside the caller's transaction, and keeps
// the acting member's display name so the trail reads "erin", not an ID.
func record(ctx context.Context, tx Tx, now time.Time, actor domain.Actor, kind, subject, format string, args ...any) error {
	if actor.IsTeam() && actor.Name != "" && actor.Name != actor.MemberID {
		if err := tx.NoteMemberName(ctx, domain.Member{ID: actor.MemberID, Name: actor.Name, Role: actor.Role}); err != nil {
			return err
		}
	}
	return tx.AddEvent(ctx, domain.Event{At: now, Actor: actor.Ref(), Kind: kind, Subject: subject, Detail: fmt.Sprintf(format, args...)})
}

// out is an outgoing message's envelope: where it goes and how it is
// delivered, apart from what it says.
type out struct {
	to       domain.Recipient
	key      domain.OutKey
	thread   string
	replaces domain.OutKey // the message this one edits in place
	counts   bool          // outreach toward the unanswered limit
	// change, instead of a key, says the message is sent once per change
	// of the thread's subject: the key is the newest audit event's.
	change string
}

// send queues a notice inside the caller's transaction. The key makes a
// retried action (a double click, a Slack retry) queue it once. Outreach to
// a creator that counts toward the unanswered limit bumps their counter.
func send(ctx context.Context, tx Tx, now time.Time, o out, n domain.Notice) error {
	if n.At.IsZero() {
		n.At = now
	}
	if o.change != "" {
		evs, err := tx.Events(ctx, o.thread, 1)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return domain.Internal(nil, "outbox: no change recorded on "+o.thread)
		}
		if what, ok := strings.CutPrefix(o.change, "card~"); ok {
			o.key = o.replaces.Edit(what, evs[0].ID)
		} else {
			o.key = domain.PerChange(o.thread, o.change, evs[0].ID)
		}
	}
	inserted, err := tx.Enqueue(ctx, domain.Outgoing{
		Surface: o.to.Surface(), To: o.to, Key: string(o.key), Thread: o.thread, Replaces: string(o.replaces), Counts: o.counts,
		Notice: n, State: domain.OutboxPending, NextAttempt: now, CreatedAt: now,
	})
	if err != nil || !inserted || !o.counts || o.to.Kind != domain.ToCreator {
		return err
	}
	return tx.AddUnanswered(ctx, o.to.CreatorID, 1)
}

// answered resets a creator's unanswered count: they replied.
func answered(ctx context.Context, tx Tx, creatorID int64) error {
	c, err := tx.Creator(ctx, creatorID)
	if err != nil {
		return err
	}
	if c.Unanswered == 0 {
		return nil
	}
	return tx.ClearUnanswered(ctx, creatorID)
}

func toCreator(id int64) domain.Recipient {
	return domain.Recipient{Kind: domain.ToCreator, CreatorID: id}
}

func toChannel(name string) domain.Recipient {
	return domain.Recipient{Kind: domain.ToChannel, Channel: name}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func joinOr(items []string, empty string) string {
	if len(items) == 0 {
		return empty
	}
	return strings.Join(items, ", ")
}

// Now is the use cases' clock, at the stores' precision.
func (a *App) Now() time.Time { return a.now() }

// Location is the team's time zone.
func (a *App) Location() *time.Location { return a.loc }

// ZoneOf is the zone an actor reads dates in: a creator's own when the
// roster knows it, else the team's.
func (a *App) ZoneOf(ctx context.Context, actor domain.Actor) *time.Location {
	if actor.Role != domain.RoleCreator {
		return a.loc
	}
	return a.RecipientZone(ctx, domain.Recipient{Kind: domain.ToCreator, CreatorID: actor.CreatorID})
}

// RecipientZone is the zone a message's reader sees dates in: a creator's
// own when their roster entry has one, else the team's. A lookup that fails
// falls back to the team's zone: a date in the wrong zone beats no message.
func (a *App) RecipientZone(ctx context.Context, to domain.Recipient) *time.Location {
	if to.Kind != domain.ToCreator {
		return a.loc
	}
	var tz string
	err := a.store.View(ctx, func(tx Tx) error {
		c, err := tx.Creator(ctx, to.CreatorID)
		tz = c.TimeZone
		return err
	})
	if err != nil || tz == "" {
		return a.loc
	}
	loc, err := loadLocation(tz)
	if err != nil {
		return a.loc
	}
	return loc
}

// dateIn formats a time as a date in the team's zone, for error messages
// and the audit trail.
func (a *App) dateIn(t time.Time) string { return dateIn(t, a.loc) }

func dateIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "none"
	}
	return t.In(loc).Format(domain.DayFormat)
}
