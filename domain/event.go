package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event is one line of the audit trail: every change records who did what
// to which thing, in the same transaction as the change.
type Event struct {
	ID      int64
	At      time.Time
	Actor   string // Actor.Ref()
	Kind    string // "invitation.accepted", "sample.approved", ...
	Subject string // "invitation:12", "sample:4", "plan:2", "creator:7", "product:P100"
	Detail  string // a short human sentence
}

// Surface is the chat platform a message travels on.
type Surface string

const (
	SurfaceSlack   Surface = "slack"
	SurfaceDiscord Surface = "discord"
)

// RecipientKind says how to address a message.
type RecipientKind string

const (
	ToCreator RecipientKind = "creator" // a Discord DM to a roster creator
	ToChannel RecipientKind = "channel" // a team channel: "approvals" or "sellers"
	ToMember  RecipientKind = "member"  // a Slack DM to a team member
)

// Team channels, named logically; the Slack adapter maps them to channel IDs.
const (
	ChannelApprovals = "approvals"
	ChannelSellers   = "sellers"
)

// Recipient is a logical address, resolved to a platform ID when sent, so a
// creator who links Discord later still gets queued messages.
type Recipient struct {
	Kind      RecipientKind
	CreatorID int64
	Channel   string
	MemberID  string
}

// String is the stored form: "creator:12", "channel:approvals", "member:U1".
func (r Recipient) String() string {
	switch r.Kind {
	case ToCreator:
		return fmt.Sprintf("creator:%d", r.CreatorID)
	case ToChannel:
		return "channel:" + r.Channel
	}
	return "member:" + r.MemberID
}

// Surface is where the recipient lives: creators on Discord, the team on Slack.
func (r Recipient) Surface() Surface {
	if r.Kind == ToCreator {
		return SurfaceDiscord
	}
	return SurfaceSlack
}

// ParseRecipient reads the stored form back.
func ParseRecipient(s string) (Recipient, error) {
	kind, id, ok := strings.Cut(s, ":")
	if ok && id != "" {
		switch RecipientKind(kind) {
		case ToCreator:
			if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
				return Recipient{Kind: ToCreator, CreatorID: n}, nil
			}
		case ToChannel:
			if id == ChannelApprovals || id == ChannelSellers {
				return Recipient{Kind: ToChannel, Channel: id}, nil
			}
		case ToMember:
			return Recipient{Kind: ToMember, MemberID: id}, nil
		}
	}
	return Recipient{}, Invalidf("recipient", "Recipient must be creator:<id>, channel:approvals, channel:sellers or member:<id> (got %q)", s)
}

// Field is a labelled value on a message card.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Button is a choice on a message; Action is the custom_id the adapters
// send back when it is clicked.
type Button struct {
	Label  string `json:"label"`
	Action string `json:"action"`
	Style  string `json:"style,omitempty"` // "primary", "danger" or ""
}

// Message is an outgoing message, independent of the platform: adapters
// render it as Slack blocks, a Discord embed, or console text.
type Message struct {
	Title   string   `json:"title,omitempty"`
	Text    string   `json:"text"`
	Fields  []Field  `json:"fields,omitempty"`
	Buttons []Button `json:"buttons,omitempty"`
	// Thread ties messages about one thing ("sample:12"): an Update replaces
	// the message sent earlier to the same recipient on the same thread, so
	// a decided request shows who decided instead of live buttons.
	Thread string `json:"thread,omitempty"`
	Update bool   `json:"update,omitempty"`
	// Counts marks outreach to a creator that counts toward the 5 messages
	// without an answer.
	Counts bool `json:"counts,omitempty"`
}

// OutboxState is where an outgoing message stands.
type OutboxState string

const (
	OutboxPending OutboxState = "pending"
	OutboxSending OutboxState = "sending"
	OutboxSent    OutboxState = "sent"
	OutboxFailed  OutboxState = "failed"
)

// Outgoing is an outbox row: a message for a recipient, written in the same
// transaction as the change that caused it and delivered after commit.
type Outgoing struct {
	ID          int64
	Surface     Surface
	To          Recipient
	Message     Message
	Key         string // idempotency key: the same key is queued once
	State       OutboxState
	Attempts    int
	NextAttempt time.Time
	LastError   string
	CreatedAt   time.Time
	SentAt      time.Time
	// LeaseUntil is set on a claimed row: the end of its claim. Recording
	// the outcome presents it, so a worker whose claim ran out (and was
	// taken over) cannot overwrite the new holder's outcome.
	LeaseUntil time.Time
}
