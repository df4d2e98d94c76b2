package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// metadataType marks the messages collabbot posts, with the outbox key
// in the payload, so a retried send can find what an earlier attempt
// posted.
const metadataType = "collabbot_message"

// historyLookback is how many recent channel messages a retried send
// searches for its key.
const historyLookback = 100

// SenderConfig is what the Sender needs.
type SenderConfig struct {
	ApprovalsChannel, SellersChannel string
	// Location is the team's zone, which team members read dates in.
	Location *time.Location
	Now      func() time.Time
	// PostEvery paces chat.postMessage per channel (default 1s, Slack's
	// "about one message a second" per channel).
	PostEvery time.Duration
	// OnSent, when set, is called after each delivery: what the team's
	// dashboards show has changed (Adapter.Changed).
	OnSent func()
	Log    *slog.Logger
}

// Sender delivers the outbox's Slack rows: posts to the team channels and
// DMs to members, edits in place, maps Slack's errors for the dispatcher.
type Sender struct {
	api *slackgo.Client
	cfg SenderConfig

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	dms      map[string]string // member ID -> DM channel ID
}

var _ delivery.Sender = (*Sender)(nil)

// NewSender builds the Slack sender.
func NewSender(api *slackgo.Client, cfg SenderConfig) *Sender {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.PostEvery <= 0 {
		cfg.PostEvery = time.Second
	}
	return &Sender{api: api, cfg: cfg, limiters: map[string]*rate.Limiter{}, dms: map[string]string{}}
}

// Send posts o (or edits the message o.Ref names) and returns the
// reference "channel/ts".
func (s *Sender) Send(ctx context.Context, o domain.Outgoing) (string, error) {
	r := present.Reader{Zone: s.cfg.Location, Team: s.cfg.Location, Now: s.cfg.Now()}
	return s.send(ctx, o, present.Notice(o.Notice, r))
}

func (s *Sender) send(ctx context.Context, o domain.Outgoing, card present.Card) (string, error) {
	out := render(card, maxMessageBlocks, 1, "")
	opts := []slackgo.MsgOption{
		slackgo.MsgOptionText(out.Text, false),
		slackgo.MsgOptionBlocks(out.Blocks...),
		slackgo.MsgOptionMetadata(slackgo.SlackMetadata{EventType: metadataType, EventPayload: map[string]any{"key": o.Key}}),
	}
	if o.Replaces != "" && o.Ref != "" {
		channel, ts, ok := strings.Cut(o.Ref, "/")
		if !ok || channel == "" || ts == "" {
			return "", fmt.Errorf("%w: message reference %q is not channel/ts", delivery.ErrPermanent, o.Ref)
		}
		if _, _, _, err := s.api.UpdateMessageContext(ctx, channel, ts, opts...); err != nil {
			return "", s.mapError(err, channel)
		}
		s.sent()
		return o.Ref, nil
	}
	channel, err := s.channel(ctx, o.To)
	if err != nil {
		return "", err
	}
	if o.Attempts > 0 {
		// An earlier attempt may have reached Slack before its answer was
		// lost: find it rather than post twice.
		if ts, err := s.find(ctx, channel, o.Key); err != nil {
			return "", s.mapError(err, channel)
		} else if ts != "" {
			return channel + "/" + ts, nil
		}
	}
	if err := s.pace(ctx, channel); err != nil {
		return "", err
	}
	ch, ts, err := s.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return "", s.mapError(err, channel)
	}
	if img := card.Image; img != nil && len(img.PNG) > 0 {
		// The picture goes in the message's thread. The message itself is
		// out and says the same in words, so a failed upload is logged, not
		// retried: a retry would find the message and stop there.
		_, err := s.api.UploadFileContext(ctx, slackgo.UploadFileParameters{
			Reader: bytes.NewReader(img.PNG), FileSize: len(img.PNG), Filename: img.Name, Title: img.Title, AltTxt: img.Alt,
			Channel: ch, ThreadTimestamp: ts,
		})
		if err != nil {
			s.cfg.Log.Warn("slack: picture not uploaded", "channel", ch, "file", img.Name, "err", err)
		}
	}
	s.sent()
	return ch + "/" + ts, nil
}

func (s *Sender) sent() {
	if s.cfg.OnSent != nil {
		s.cfg.OnSent()
	}
}

// channel resolves a recipient to a Slack channel ID.
func (s *Sender) channel(ctx context.Context, to domain.Recipient) (string, error) {
	switch to.Kind {
	case domain.ToChannel:
		switch to.Channel {
		case domain.ChannelApprovals:
			return s.cfg.ApprovalsChannel, nil
		case domain.ChannelSellers:
			return s.cfg.SellersChannel, nil
		}
		return "", fmt.Errorf("%w: no Slack channel for %q", delivery.ErrPermanent, to.Channel)
	case domain.ToMember:
		s.mu.Lock()
		dm, ok := s.dms[to.MemberID]
		s.mu.Unlock()
		if ok {
			return dm, nil
		}
		ch, _, _, err := s.api.OpenConversationContext(ctx, &slackgo.OpenConversationParameters{Users: []string{to.MemberID}})
		if err != nil {
			return "", s.mapError(err, to.MemberID)
		}
		s.mu.Lock()
		s.dms[to.MemberID] = ch.ID
		s.mu.Unlock()
		return ch.ID, nil
	}
	return "", fmt.Errorf("%w: Slack cannot deliver to %s", delivery.ErrPermanent, to)
}

// find looks through the channel's recent messages for one carrying key.
func (s *Sender) find(ctx context.Context, channel, key string) (string, error) {
	h, err := s.api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{ChannelID: channel, Limit: historyLookback, IncludeAllMetadata: true})
	if err != nil {
		return "", err
	}
	for _, m := range h.Messages {
		if m.Metadata.EventType == metadataType && m.Metadata.EventPayload["key"] == key {
			return m.Timestamp, nil
		}
	}
	return "", nil
}

// pace holds a post to about one a second per channel; a wait that would
// outlast ctx's deadline is handed back to the dispatcher as a
// Retry-After instead of sleeping past it.
func (s *Sender) pace(ctx context.Context, channel string) error {
	s.mu.Lock()
	lim, ok := s.limiters[channel]
	if !ok {
		lim = rate.NewLimiter(rate.Every(s.cfg.PostEvery), 1)
		s.limiters[channel] = lim
	}
	s.mu.Unlock()
	res := lim.Reserve()
	wait := res.Delay()
	if wait == 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		res.Cancel()
		return &delivery.RetryAfterError{After: wait, Err: errors.New("pacing posts to " + channel)}
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		res.Cancel()
		return ctx.Err()
	}
}

// permanentCodes are Slack errors no retry can fix, with what to do.
var permanentCodes = map[string]string{
	"channel_not_found":   "the channel %s does not exist or the app cannot see it: check SLACK_APPROVALS_CHANNEL / SLACK_SELLERS_CHANNEL, or invite the app to the private channel",
	"not_in_channel":      "the app is not in channel %s: invite it with /invite @collabbot in that channel",
	"is_archived":         "channel %s is archived: unarchive it or point the setting at another channel",
	"invalid_auth":        "Slack refused the bot token (invalid_auth): check SLACK_BOT_TOKEN",
	"not_authed":          "Slack got no bot token (not_authed): check SLACK_BOT_TOKEN",
	"account_inactive":    "the bot token belongs to a deleted or deactivated app: reinstall the app and update SLACK_BOT_TOKEN",
	"token_revoked":       "the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN",
	"missing_scope":       "the app lacks a scope this message needs: reinstall it from the manifest (collabbot slack-manifest)",
	"user_not_found":      "Slack user %s does not exist",
	"cannot_dm_bot":       "%s is a bot and cannot be messaged",
	"invalid_blocks":      "Slack refused the message's blocks (invalid_blocks)",
	"msg_too_long":        "the message is too long for Slack",
	"message_not_found":   "the message to update in %s is gone",
	"cant_update_message": "the message in %s cannot be updated by the app",
}

// mapError sorts a Slack error for the dispatcher: rate limits carry
// their Retry-After, codes no retry can fix are permanent with what to
// do, anything else is retried.
func (s *Sender) mapError(err error, where string) error {
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return &delivery.RetryAfterError{After: rl.RetryAfter, Err: err}
	}
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		if what, ok := permanentCodes[se.Err]; ok {
			if strings.Contains(what, "%s") {
				what = fmt.Sprintf(what, where)
			}
			return fmt.Errorf("%w: %s (%s)", delivery.ErrPermanent, what, se.Err)
		}
	}
	return err
}
