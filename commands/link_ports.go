package commands

import (
	"context"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// LinkStore keeps Discord users' claims to roster handles, and wakes the
// messages that waited for a creator to link.
type LinkStore interface {
	InsertLinkRequest(ctx context.Context, l *domain.LinkRequest) error // sets l.ID; a second pending claim of one user for one handle is a KindConflict
	LinkRequest(ctx context.Context, id int64) (domain.LinkRequest, error)
	// PendingLink is the user's waiting claim for handle (KindNotFound when none).
	PendingLink(ctx context.Context, discordID, handle string) (domain.LinkRequest, error)
	// UpdateLinkRequest stores a decision on a claim still pending; a claim
	// decided since it was read is a KindConflict.
	UpdateLinkRequest(ctx context.Context, l domain.LinkRequest) error
	// WakeOutgoing makes the pending messages to a recipient due at now:
	// a creator who just linked gets what waited for them at once.
	WakeOutgoing(ctx context.Context, to domain.Recipient, now time.Time) (int, error)
}
