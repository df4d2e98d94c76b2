package domain

import (
	"fmt"
	"strings"
	"time"
)

// Limits of a targeted collaboration, from TikTok Shop's Partner API.
const (
	MaxInviteCreators = 50
	MaxInviteProducts = 100
	MaxMessageLength  = 2000
	DefaultInviteDays = 30
	MaxInviteDays     = 365
)

// InvitationState is where an invitation stands.
type InvitationState string

const (
	InvitationPending   InvitationState = "pending"
	InvitationAccepted  InvitationState = "accepted"
	InvitationDeclined  InvitationState = "declined"
	InvitationExpired   InvitationState = "expired"
	InvitationWithdrawn InvitationState = "withdrawn"
)

// InvitationMoves is the invitation state machine of PRODUCT.md.
var InvitationMoves = map[InvitationState][]InvitationState{
	InvitationPending: {InvitationAccepted, InvitationDeclined, InvitationExpired, InvitationWithdrawn},
}

// Collaboration is a targeted collaboration: an offer sent to chosen
// creators, each with their own invitation and commission rate.
type Collaboration struct {
	ID           int64
	Name         string
	Message      string
	ContactEmail string
	ProductIDs   []string
	Sample       *SampleOffer // nil when no free sample is offered
	ExpiresAt    time.Time
	CreatedBy    string // member ID
	CreatedAt    time.Time
}

// Validate checks a collaboration before invitations are created and
// reports every problem at once.
func (c *Collaboration) Validate(now time.Time) error {
	var p Problems
	c.Name = strings.TrimSpace(c.Name)
	if TooLong(c.Name, MaxNameLength) {
		p.Add(Invalidf("name", "Name must be at most 100 characters"))
	}
	if n := len(c.ProductIDs); n < 1 || n > MaxInviteProducts {
		p.Add(Invalidf("products", "Products: pick 1 to %d products (got %d)", MaxInviteProducts, n))
	}
	seen := map[string]bool{}
	for _, id := range c.ProductIDs {
		if err := ValidateProductID("products", id); err != nil {
			p.Add(err)
			continue
		}
		if seen[strings.ToLower(id)] {
			p.Add(Invalidf("products", "Products: %s is listed twice", id))
		}
		seen[strings.ToLower(id)] = true
	}
	if TooLong(c.Message, MaxMessageLength) {
		p.Add(Invalidf("message", "Message must be at most %d characters (got %d)", MaxMessageLength, len(c.Message)))
	}
	if c.ContactEmail != "" {
		p.Add(ValidateEmail("contact_email", c.ContactEmail))
	}
	switch {
	case !c.ExpiresAt.After(now):
		p.Add(Invalidf("expires", "Expiry date must be in the future"))
	case c.ExpiresAt.After(now.AddDate(0, 0, MaxInviteDays)):
		p.Add(Invalidf("expires", "Expiry date must be within %d days", MaxInviteDays))
	}
	if c.Sample != nil {
		p.Add(c.Sample.Validate())
	}
	return p.Err()
}

// Invitation is one creator's invitation to a collaboration.
type Invitation struct {
	ID              int64
	CollaborationID int64
	CreatorID       int64
	Rate            Rate      // the rate in force
	PendingRate     Rate      // a lowered rate waiting for PendingFrom; 0 when none
	PendingFrom     time.Time // 00:00 the next day in the team's zone
	State           InvitationState
	DeclineReason   string
	Nudges          int
	CreatedAt       time.Time
	RespondedAt     time.Time
	ExpiresAt       time.Time
	// Version is the stored row's version, set by the store when it reads
	// or inserts the row; an update succeeds only if the row is still at
	// it (0: never stored).
	Version int64
}

// Ref names the invitation for people and commands: "I12".
func (i Invitation) Ref() string { return fmt.Sprintf("I%d", i.ID) }

// Open reports whether the invitation still awaits an answer.
func (i Invitation) Open() bool { return i.State == InvitationPending }

// To moves the invitation to state next, or says why it cannot.
func (i *Invitation) To(next InvitationState, now time.Time) error {
	if err := move("Invitation "+i.Ref(), i.State, next, InvitationMoves); err != nil {
		return err
	}
	i.State = next
	if next != InvitationExpired && next != InvitationWithdrawn {
		i.RespondedAt = now
	}
	return nil
}

// Decline moves to declined with the creator's reason.
func (i *Invitation) Decline(reason string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if TooLong(reason, MaxNoteLength) {
		return Invalidf("reason", "Reason must be at most 500 characters")
	}
	if err := i.To(InvitationDeclined, now); err != nil {
		return err
	}
	i.DeclineReason = reason
	return nil
}

// EffectiveRate is the rate that applies at now: a lowered rate takes over at
// PendingFrom.
func (i Invitation) EffectiveRate(now time.Time) Rate {
	if i.PendingRate != 0 && !now.Before(i.PendingFrom) {
		return i.PendingRate
	}
	return i.Rate
}

// SettleRate folds a pending lowered rate in once it applies.
func (i *Invitation) SettleRate(now time.Time) {
	if i.PendingRate != 0 && !now.Before(i.PendingFrom) {
		i.Rate, i.PendingRate, i.PendingFrom = i.PendingRate, 0, time.Time{}
	}
}

// ChangeRate follows TikTok Shop's rule: a raised rate applies at once, a
// lowered rate from 00:00 the next day in loc. It reports whether the change
// applies immediately.
func (i *Invitation) ChangeRate(r Rate, now time.Time, loc *time.Location) (immediate bool, err error) {
	if err := r.Validate("commission_rate"); err != nil {
		return false, err
	}
	if i.State != InvitationPending && i.State != InvitationAccepted {
		return false, Errorf(KindConflict, "Invitation %s is %s; only pending or accepted invitations can change rate", i.Ref(), i.State)
	}
	i.SettleRate(now)
	switch {
	case r == i.Rate:
		i.PendingRate, i.PendingFrom = 0, time.Time{}
		return true, nil
	case r > i.Rate:
		i.Rate, i.PendingRate, i.PendingFrom = r, 0, time.Time{}
		return true, nil
	}
	i.PendingRate, i.PendingFrom = r, NextMidnight(now, loc)
	return false, nil
}

// NextMidnight is 00:00 of the day after now in loc.
func NextMidnight(now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	t := now.In(loc)
	return startOfDay(t.Year(), t.Month(), t.Day()+1, loc)
}

// WeekStart is the start of the outreach week containing now: TikTok's
// quota resets on Sundays, at 00:00 in loc.
func WeekStart(now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	t := now.In(loc)
	return startOfDay(t.Year(), t.Month(), t.Day()-int(t.Weekday()), loc)
}

// startOfDay is the first instant of a calendar day in loc. Where daylight
// saving starts at midnight (Santiago, Havana) 00:00 does not exist and
// time.Date picks the clock before the gap, on the previous day; the day
// really starts at the end of the gap.
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if t.Hour() >= 12 {
		t = t.Add(24*time.Hour - time.Duration(t.Hour())*time.Hour - time.Duration(t.Minute())*time.Minute)
	}
	return t
}

// move checks one transition against the allowed list and builds the
// "from what to what" error.
func move[S ~string](what string, from, to S, table map[S][]S) error {
	if CanMove(from, to, table) {
		return nil
	}
	if from == to {
		return Errorf(KindConflict, "%s is already %s.", what, from)
	}
	is := stateWords[string(from)]
	if is == "" {
		is = "is " + string(from)
	}
	if hint, ok := transitionHints[string(from)+">"+string(to)]; ok {
		return Errorf(KindConflict, "%s %s; %s", what, is, hint)
	}
	done := toWords[string(to)]
	if done == "" {
		done = string(to)
	}
	return Errorf(KindConflict, "%s %s, so it cannot be %s now.", what, is, done)
}

// stateWords say where a thing stands the way people say it, for refusals
// ("Sample request S1 is waiting for a manager's decision").
var stateWords = map[string]string{
	"requested": "is waiting for a manager's decision", "approved": "is approved and not shipped yet",
	"rejected": "was rejected", "cancelled": "was cancelled", "expired": "has expired", "shipped": "has shipped",
	"completed": "is completed (its content is in)", "overdue": "is overdue",
	"pending": "is waiting for the creator's answer", "accepted": "was accepted", "declined": "was declined",
	"withdrawn": "was withdrawn", "active": "is running", "paused": "is paused", "ended": "has ended",
}

// toWords name the step refused ("cannot be shipped now").
var toWords = map[string]string{
	"approved": "approved", "rejected": "rejected", "cancelled": "cancelled", "expired": "expired", "shipped": "shipped",
	"completed": "completed", "overdue": "marked overdue", "accepted": "accepted", "declined": "declined",
	"withdrawn": "withdrawn", "active": "resumed", "paused": "paused", "ended": "ended",
}

// transitionHints say what to do instead for the wrong orders people try
// most often.
var transitionHints = map[string]string{
	"requested>shipped":   "it can be shipped once a manager approves it.",
	"requested>completed": "content can be submitted once the sample has shipped.",
	"approved>completed":  "content can be submitted once the sample has shipped.",
	"ended>active":        "an ended plan stays ended; create a new plan instead.",
	"ended>paused":        "an ended plan stays ended.",
}

// CanMove reports whether a transition is allowed, for adapters deciding
// which buttons to show.
func CanMove[S ~string](from, to S, table map[S][]S) bool {
	for _, a := range table[from] {
		if a == to {
			return true
		}
	}
	return false
}
