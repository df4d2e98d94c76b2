package discord

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// DefaultWaitForLink is how often a message for a creator with no Discord
// account is looked at again; linking one wakes it at once.
const DefaultWaitForLink = time.Hour

// maxNonce is Discord's longest message nonce.
const maxNonce = 25

// Sender delivers the creators' outbox rows as Discord DMs: it opens (and
// remembers) each creator's DM channel, posts the card with a nonce Discord
// enforces, so a retried post is not doubled, and edits a message in place
// when a later row replaces it.
type Sender struct {
	rest *REST
	app  *commands.App
	// WaitForLink is how long a message for an unlinked creator waits before
	// it is looked at again (default DefaultWaitForLink).
	WaitForLink time.Duration

	mu       sync.Mutex
	channels map[string]string // Discord user ID -> DM channel ID
	metrics  metrics
}

var _ delivery.Sender = (*Sender)(nil)

// NewSender builds the sender over the REST client and the use cases (the
// roster, the reader's time zone); reg, when set, receives its counters.
func NewSender(rest *REST, app *commands.App, reg prometheus.Registerer) *Sender {
	return &Sender{rest: rest, app: app, WaitForLink: DefaultWaitForLink, channels: map[string]string{}, metrics: newMetrics(reg)}
}

// errNotLinked is a message waiting for its creator to link Discord.
var errNotLinked = errors.New("the creator has no Discord account linked yet; the message waits for /link to be confirmed")

// Send posts or edits one DM and returns its reference "channel/message".
func (s *Sender) Send(ctx context.Context, o domain.Outgoing) (string, error) {
	ref, outcome, err := s.send(ctx, o)
	s.metrics.dms.WithLabelValues(outcomeOf(outcome, err)).Inc()
	return ref, err
}

func outcomeOf(ok string, err error) string {
	var ra *delivery.RetryAfterError
	switch {
	case err == nil:
		return ok
	case errors.Is(err, errNotLinked):
		return "waiting"
	case errors.Is(err, delivery.ErrUnreachable):
		return "unreachable"
	case errors.As(err, &ra):
		return "rate_limited"
	}
	return "failed"
}

func (s *Sender) send(ctx context.Context, o domain.Outgoing) (string, string, error) {
	if o.To.Kind != domain.ToCreator {
		return "", "", fmt.Errorf("%w: Discord delivers creators' DMs only, not %s", delivery.ErrPermanent, o.To)
	}
	cr, err := s.app.Creator(ctx, o.To.CreatorID)
	switch {
	case domain.ErrorKind(err) == domain.KindNotFound:
		return "", "", fmt.Errorf("%w: %v", delivery.ErrPermanent, err)
	case err != nil:
		return "", "", err // the store may be back on the next attempt
	case cr.DiscordID == "":
		// Not a failure: it goes out once the team confirms their /link.
		return "", "", &delivery.RetryAfterError{After: s.WaitForLink, Err: errNotLinked}
	}
	// Rendered now, not when queued: today's wording in the reader's zone.
	card := present.Notice(o.Notice, present.Reader{Zone: s.app.RecipientZone(ctx, o.To), Team: s.app.Location(), Now: s.app.Now()})
	m := render(card)
	if o.Replaces != "" && o.Ref != "" {
		ch, msg, ok := strings.Cut(o.Ref, "/")
		if ok && ch != "" && msg != "" {
			err := s.rest.do(ctx, http.MethodPatch, "channels/"+ch+"/messages/"+msg, "PATCH channels/"+ch+"/messages", true, m, nil)
			var ae *APIError
			if !errors.As(err, &ae) || ae.Code != codeUnknownMessage {
				return o.Ref, "edited", s.classify(err, cr)
			}
			// The creator deleted the DM: post the update as a new one.
		}
	}
	ch, err := s.channel(ctx, cr.DiscordID)
	if err != nil {
		return "", "", s.classify(err, cr)
	}
	nonce := Nonce(o.Key)
	if o.Attempts > 0 {
		// An earlier attempt may have reached Discord longer ago than the
		// few minutes it enforces a nonce for: look before posting again.
		ref, found, err := s.find(ctx, ch, nonce)
		if err != nil {
			return "", "", s.classify(err, cr)
		}
		if found {
			return ref, "found", nil
		}
	}
	m.Nonce, m.EnforceNonce = nonce, true
	var posted struct {
		ID string `json:"id"`
	}
	if err := s.rest.do(ctx, http.MethodPost, "channels/"+ch+"/messages", "POST channels/"+ch+"/messages", true, m, &posted); err != nil {
		return "", "", s.classify(err, cr)
	}
	if posted.ID == "" {
		return "", "", errors.New("discord: message created without an id")
	}
	return ch + "/" + posted.ID, "sent", nil
}

// Nonce is a message's nonce: a hash of its outbox key, so every attempt
// of one row carries the same one.
func Nonce(key string) string {
	sum := sha256.Sum256([]byte(key))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))[:maxNonce]
}

// channel is the creator's DM channel, opened once.
func (s *Sender) channel(ctx context.Context, userID string) (string, error) {
	s.mu.Lock()
	ch, ok := s.channels[userID]
	s.mu.Unlock()
	if ok {
		return ch, nil
	}
	var c struct {
		ID string `json:"id"`
	}
	if err := s.rest.do(ctx, http.MethodPost, "users/@me/channels", "POST users/@me/channels", true, map[string]string{"recipient_id": userID}, &c); err != nil {
		return "", err
	}
	if c.ID == "" {
		return "", errors.New("discord: DM channel created without an id")
	}
	s.mu.Lock()
	s.channels[userID] = c.ID
	s.mu.Unlock()
	return c.ID, nil
}

// find looks for a recent message of the channel carrying nonce.
func (s *Sender) find(ctx context.Context, ch, nonce string) (string, bool, error) {
	var recent []struct {
		ID    string          `json:"id"`
		Nonce json.RawMessage `json:"nonce"`
	}
	if err := s.rest.do(ctx, http.MethodGet, "channels/"+ch+"/messages?limit=50", "GET channels/"+ch+"/messages", true, nil, &recent); err != nil {
		return "", false, err
	}
	for _, m := range recent {
		var n string
		if json.Unmarshal(m.Nonce, &n) == nil && n == nonce {
			return ch + "/" + m.ID, true, nil
		}
	}
	return "", false, nil
}

// classify maps a REST failure to what the dispatcher does: a closed DM
// marks the creator unreachable, a rate limit waits, a refused request is
// not retried, and anything else (network, 5xx) is retried.
func (s *Sender) classify(err error, cr domain.Creator) error {
	if err == nil {
		return nil
	}
	var ra *delivery.RetryAfterError
	if errors.As(err, &ra) {
		return err
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		return err
	}
	switch {
	case ae.Code == codeCannotDM:
		return fmt.Errorf("discord error 50007: %s does not accept DMs from the bot: %w", cr.At(), delivery.ErrUnreachable)
	case ae.Code == codeNoMutualGuild:
		return fmt.Errorf("discord error 50278: %s %s: %w", cr.At(), domain.NoSharedServer, delivery.ErrUnreachable)
	case ae.Status == http.StatusUnauthorized:
		return err // a bad token is fixed by configuration, then retried
	case ae.Status >= 400 && ae.Status < 500:
		return fmt.Errorf("%w: %v", delivery.ErrPermanent, err)
	}
	return err
}
