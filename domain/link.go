package domain

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
)

// LinkState is where a claim to link a Discord account stands.
type LinkState string

const (
	LinkPending   LinkState = "pending"   // waiting for the team
	LinkConfirmed LinkState = "confirmed" // a member linked the account
	LinkRejected  LinkState = "rejected"  // a member refused the claim
	// LinkRefused is a claim refused at once: the handle is already linked
	// to another Discord account. It is kept so the team sees the attempt.
	LinkRefused LinkState = "refused"
)

// LinkRequest is a Discord user's claim to be the creator behind a TikTok
// handle. Anyone can type any handle, so nothing is linked until a member
// of the team confirms it.
type LinkRequest struct {
	ID          int64     `json:"id"`
	DiscordID   string    `json:"discord_id"`
	DiscordName string    `json:"discord_name"` // the user's Discord name as they claimed
	Handle      string    `json:"handle"`       // normalized, without "@"
	CreatorID   int64     `json:"creator_id,omitempty"`
	State       LinkState `json:"state"`
	RequestedAt time.Time `json:"requested_at"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	DecidedBy   string    `json:"decided_by,omitempty"` // member ID
	DeciderName string    `json:"decider_name,omitempty"`
	// Why says why a claim was refused at once.
	Why string `json:"why,omitempty"`
}

// Ref is "L3", how people name a link request.
func (l LinkRequest) Ref() string { return fmt.Sprintf("L%d", l.ID) }

// Decide moves a pending claim to confirmed or rejected; a claim already
// decided is a conflict naming who decided.
func (l *LinkRequest) Decide(to LinkState, memberID, name string, now time.Time) error {
	if l.State != LinkPending {
		e := Errorf(KindConflict, "Link request %s for @%s was already %s.", l.Ref(), l.Handle, l.State)
		if !l.DecidedAt.IsZero() {
			e = Errorf(KindConflict, "Link request %s for @%s was already %s by %s.", l.Ref(), l.Handle, l.State, orName(l.DeciderName, l.DecidedBy))
			e.Decision = &Decision{By: l.DecidedBy, Name: orName(l.DeciderName, l.DecidedBy), At: l.DecidedAt, Outcome: string(l.State)}
		}
		return e
	}
	if to != LinkConfirmed && to != LinkRejected {
		return Invalidf("state", "A link request is confirmed or rejected (got %q)", to)
	}
	l.State, l.DecidedBy, l.DeciderName, l.DecidedAt = to, memberID, name, now
	return nil
}

func orName(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// MaxAddressLength bounds a shipping address: a few lines of a label.
const MaxAddressLength = 500

// NormalizeAddress checks a shipping address as a creator or a member typed
// it: trimmed lines, at least a few characters, no control characters.
func NormalizeAddress(field, s string) (string, error) {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	out := strings.Join(lines, "\n")
	switch {
	case out == "":
		return "", Invalidf(field, "Shipping address is required to ship a sample: street, city, postal code and country")
	case len([]rune(out)) < 10:
		return "", Invalidf(field, "Shipping address looks too short: give the street, city, postal code and country")
	case TooLong(out, MaxAddressLength):
		return "", Invalidf(field, "Shipping address must be at most %d characters", MaxAddressLength)
	}
	for _, r := range out {
		if r != '\n' && unicode.IsControl(r) {
			return "", Invalidf(field, "Shipping address must be plain text")
		}
	}
	return out, nil
}

// NoSharedServer is how delivery words a DM refused because the creator
// shares no server with the bot (Discord 50278); the sellers are then told
// to send the server invite rather than to ask for open DMs.
const NoSharedServer = "shares no Discord server with the bot"

// LogValue keeps the shipping address out of logs, should a creator ever
// be logged whole.
func (c Creator) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", c.ID), slog.String("handle", c.Handle), slog.Bool("reachable", c.Reachable))
}
