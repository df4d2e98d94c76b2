package slack

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/domain"
)

// team knows who is on the seller team: the members of the sellers'
// channel (read with conversations.members, kept current by member
// events) and the configured managers. Names and guest flags come from
// users.info, cached.
type team struct {
	api      *slackgo.Client
	channel  string
	managers map[string]bool
	ttl      time.Duration
	now      func() time.Time

	mu       sync.Mutex
	members  map[string]bool
	loadedAt time.Time
	users    map[string]person
	load     sync.Mutex // one conversations.members walk at a time
}

// person is what users.info told us about someone.
type person struct {
	name  string
	guest bool
	at    time.Time
}

const userTTL = time.Hour

func newTeam(api *slackgo.Client, cfg Config) *team {
	t := &team{api: api, channel: cfg.SellersChannel, managers: map[string]bool{}, ttl: cfg.MembersTTL, now: cfg.Now, users: map[string]person{}}
	for _, m := range cfg.Managers {
		t.managers[m] = true
	}
	return t
}

// isMember reports whether id is in the sellers' channel, reading the
// member list when the cache is empty or stale.
func (t *team) isMember(ctx context.Context, id string) (bool, error) {
	t.mu.Lock()
	fresh := t.members != nil && t.now().Sub(t.loadedAt) < t.ttl
	in := t.members[id]
	t.mu.Unlock()
	if fresh {
		return in, nil
	}
	if err := t.reload(ctx); err != nil {
		return false, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.members[id], nil
}

func (t *team) reload(ctx context.Context) error {
	t.load.Lock()
	defer t.load.Unlock()
	t.mu.Lock()
	fresh := t.members != nil && t.now().Sub(t.loadedAt) < t.ttl
	t.mu.Unlock()
	if fresh {
		return nil // another request just loaded it
	}
	members := map[string]bool{}
	cursor := ""
	for {
		ids, next, err := t.api.GetUsersInConversationContext(ctx, &slackgo.GetUsersInConversationParameters{ChannelID: t.channel, Cursor: cursor, Limit: 1000})
		if err != nil {
			return fmt.Errorf("reading the sellers' channel members: %w", err)
		}
		for _, id := range ids {
			members[id] = true
		}
		if next == "" {
			break
		}
		cursor = next
	}
	t.mu.Lock()
	t.members, t.loadedAt = members, t.now()
	t.mu.Unlock()
	return nil
}

// joined and left apply member_joined_channel / member_left_channel.
func (t *team) joined(channel, user string, in bool) {
	if channel != t.channel {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.members == nil {
		return // read in full at the next check
	}
	if in {
		t.members[user] = true
	} else {
		delete(t.members, user)
	}
}

// person reads users.info, cached.
func (t *team) person(ctx context.Context, id string) (person, error) {
	t.mu.Lock()
	p, ok := t.users[id]
	t.mu.Unlock()
	if ok && t.now().Sub(p.at) < userTTL {
		return p, nil
	}
	u, err := t.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return person{}, fmt.Errorf("reading user %s: %w", id, err)
	}
	name := u.Profile.DisplayName
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	p = person{name: name, guest: u.IsRestricted || u.IsUltraRestricted, at: t.now()}
	t.mu.Lock()
	t.users[id] = p
	t.mu.Unlock()
	return p, nil
}

// actor resolves a Slack user into a seller-team actor, or explains why
// they may not act: anyone outside the sellers' channel, and every guest,
// unless SLACK_MANAGERS names them.
func (a *Adapter) actor(ctx context.Context, userID string) (domain.Actor, string, error) {
	if err := domain.ValidateMemberID("user", userID); err != nil {
		return domain.Actor{}, "", err
	}
	p, err := a.team.person(ctx, userID)
	if err != nil {
		return domain.Actor{}, "", domain.Internal(err, "Cannot read your Slack profile right now; try again in a moment.")
	}
	act, err := a.app.MemberActor(ctx, userID, p.name)
	if err != nil {
		return domain.Actor{}, "", err
	}
	// A manager named in SLACK_MANAGERS or made one with `role` may act
	// from anywhere; everyone else must be in the sellers' channel.
	if !a.team.managers[userID] && act.Role != domain.RoleManager {
		if p.guest {
			return domain.Actor{}, fmt.Sprintf("Guests of this workspace cannot use collabbot. Ask a manager to make you a full member and add you to <#%s>.", a.cfg.SellersChannel), nil
		}
		in, err := a.team.isMember(ctx, userID)
		if err != nil {
			return domain.Actor{}, "", domain.Internal(err, "Cannot check the seller team right now; try again in a moment.")
		}
		if !in {
			return domain.Actor{}, fmt.Sprintf("collabbot is for the seller team: join <#%s> (or ask someone in it to add you), then try again.", a.cfg.SellersChannel), nil
		}
	}
	return act, "", nil
}

// seenSet remembers the last n delivery IDs (event_id, envelope_id), so a
// redelivery is recognised and processed once.
type seenSet struct {
	mu    sync.Mutex
	n     int
	order *list.List
	ids   map[string]*list.Element
}

func newSeenSet(n int) *seenSet {
	return &seenSet{n: n, order: list.New(), ids: map[string]*list.Element{}}
}

// first records id and reports whether it is new; "" is always new.
func (s *seenSet) first(id string) bool {
	if id == "" {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return false
	}
	s.ids[id] = s.order.PushBack(id)
	if s.order.Len() > s.n {
		old := s.order.Front()
		s.order.Remove(old)
		delete(s.ids, old.Value.(string))
	}
	return true
}
