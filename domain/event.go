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
