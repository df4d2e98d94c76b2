package domain

import (
	"strconv"
	"time"
)

// NoticeKind names what happened, so a renderer knows which card to draw.
type NoticeKind string

// The notices the use cases queue. Each is rendered by the presentation
// layer for its reader; the use cases write no English.
const (
	NoticeInvitation         NoticeKind = "invitation"          // the invitation DM to a creator
	NoticeInvitationStatus   NoticeKind = "invitation.status"   // the DM edited after an answer, expiry or withdrawal
	NoticeInvitationAnswered NoticeKind = "invitation.answered" // sellers: a creator accepted or declined
	NoticeInvitationExpired  NoticeKind = "invitation.expired"  // sellers: no answer in time
	NoticeRateChanged        NoticeKind = "invitation.rate"     // creator: commission changed or a cut is coming
	NoticePlanCreated        NoticeKind = "plan.created"        // sellers
	NoticePlanState          NoticeKind = "plan.state"          // sellers: paused, resumed, ended by a member
	NoticePlanEnded          NoticeKind = "plan.ended"          // sellers: reached its end date
	NoticeSampleCard         NoticeKind = "sample.card"         // approvals channel: the request and its buttons
	NoticeSampleReceived     NoticeKind = "sample.received"     // creator: request waits for a decision
	NoticeSampleApproved     NoticeKind = "sample.approved"     // creator
	NoticeSampleRejected     NoticeKind = "sample.rejected"     // creator
	NoticeSampleCancelled    NoticeKind = "sample.cancelled"    // creator
	NoticeSampleExpired      NoticeKind = "sample.expired"      // creator: no decision in time
	NoticeSampleShipped      NoticeKind = "sample.shipped"      // creator
	NoticeSampleTracking     NoticeKind = "sample.tracking"     // creator: tracking number corrected
	NoticeSampleExtended     NoticeKind = "sample.extended"     // creator
	NoticeSampleOverdue      NoticeKind = "sample.overdue"      // sellers
	NoticeContentPosted      NoticeKind = "sample.content"      // sellers: content link submitted or corrected
	NoticeContentThanks      NoticeKind = "sample.thanks"       // creator
	NoticeUnreachable        NoticeKind = "creator.unreachable" // sellers: a creator's DMs are closed
	NoticeLinkRequest        NoticeKind = "link.request"        // sellers: a Discord user claims a handle (edited once decided)
	NoticeLinked             NoticeKind = "link.confirmed"      // creator: the team linked their Discord account
	NoticeUndelivered        NoticeKind = "outbox.undelivered"  // sellers: a message failed for good
	NoticeFanout             NoticeKind = "invitation.fanout"   // sellers: an invitation round's DMs going out, edited in place
	// NoticeWorded is a message queued by a release before notices were
	// typed: its words were stored, not its facts (see Worded).
	NoticeWorded NoticeKind = "worded"
	// Reminders (domain/remind.go), each sent once per period by a job.
	NoticeRemindNudge     NoticeKind = "remind.nudge"     // creator: an invitation still waits for an answer
	NoticeRemindApprovals NoticeKind = "remind.approvals" // approvals channel: requests waiting for a manager
	NoticeRemindShipping  NoticeKind = "remind.shipping"  // sellers: approved samples not shipped yet
	NoticeRemindContent   NoticeKind = "remind.content"   // creator: content due in a few days
	NoticeRemindOverdue   NoticeKind = "remind.overdue"   // sellers: samples still overdue
	NoticeRemindPlanEnds  NoticeKind = "remind.plan_ends" // sellers: a plan ends soon
	NoticeDigest          NoticeKind = "remind.digest"    // sellers: the weekly funnel
)

// NoticeKinds lists every kind, for renderers to prove they cover all.
var NoticeKinds = []NoticeKind{
	NoticeInvitation, NoticeInvitationStatus, NoticeInvitationAnswered, NoticeInvitationExpired, NoticeRateChanged, NoticePlanCreated, NoticePlanState, NoticePlanEnded, NoticeSampleCard, NoticeSampleReceived, NoticeSampleApproved, NoticeSampleRejected, NoticeSampleCancelled, NoticeSampleExpired, NoticeSampleShipped, NoticeSampleTracking, NoticeSampleExtended, NoticeSampleOverdue, NoticeContentPosted, NoticeContentThanks, NoticeUnreachable,
	NoticeLinkRequest, NoticeLinked,
	NoticeUndelivered, NoticeFanout,
}

// Notice is what a message says, as facts as of the change; which facts are
// set depends on Kind. It is stored with the outbox row and rendered when
// the row is delivered.
type Notice struct {
	Kind NoticeKind `json:"kind"`
	// By is who acted, as shown to people ("erin", "@maya_glow").
	By            string         `json:"by,omitempty"`
	Creator       *Creator       `json:"creator,omitempty"`
	Invitation    *Invitation    `json:"invitation,omitempty"`
	Collaboration *Collaboration `json:"collaboration,omitempty"`
	Products      []Product      `json:"products,omitempty"`
	Sample        *SampleRequest `json:"sample,omitempty"`
	Product       *Product       `json:"product,omitempty"`
	Plan          *Plan          `json:"plan,omitempty"`
	// Source names the offer a sample came through ("invitation I3", "plan PL1 \"Spring\"").
	Source string `json:"source,omitempty"`
	// Text is free text a person wrote: the invitation's message, a decline
	// reason, a why.
	Text string `json:"text,omitempty"`
	// Closed says what closed a thing along with its offer: a withdrawn,
	// declined or expired invitation, an ended plan.
	Closed *Closure `json:"closed,omitempty"`
	// Refs lists related things ("S4", "S9"): approved samples left to ship.
	Refs []string `json:"refs,omitempty"`
	// OldRate is the rate before a change; the invitation carries the new.
	OldRate Rate `json:"old_rate,omitempty"`
	// Track is the creator's sample record for the approvals card.
	Track *Track `json:"track,omitempty"`
	// At is when it happened.
	At time.Time `json:"at"`
	// Link is the claim of a link request (NoticeLinkRequest, NoticeLinked).
	Link *LinkRequest `json:"link,omitempty"`
	// Address is the shipping address, set only on the notices whose reader
	// needs it: the team's approved-sample card (to ship it). Creator.Address
	// is never serialized.
	Address string `json:"address,omitempty"`
	// Worded is set on NoticeWorded only.
	Worded *Worded `json:"worded,omitempty"`
	// Remind is set on the reminder notices (domain/remind.go).
	Remind *Reminder `json:"remind,omitempty"`
	// Undelivered is set on NoticeUndelivered, Fanout on NoticeFanout.
	Undelivered *Undelivered `json:"undelivered,omitempty"`
	Fanout      *Fanout      `json:"fanout,omitempty"`
}

// Worded is a message as an earlier release stored it, already in words.
// It is kept so a message queued before an upgrade still goes out as it
// was written.
type Worded struct {
	Title  string `json:"title,omitempty"`
	Text   string `json:"text"`
	Fields []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	} `json:"fields,omitempty"`
	Buttons []struct {
		Label  string `json:"label"`
		Action string `json:"action"`
		Style  string `json:"style,omitempty"`
	} `json:"buttons,omitempty"`
}

// Track is a creator's record with free samples: what they received and
// what they posted for it.
type Track struct {
	Received int `json:"received"`
	Posted   int `json:"posted"`
}

// FulfilmentRate is the share of received samples with content posted, in
// percent; -1 when none were received.
func (t Track) FulfilmentRate() int {
	if t.Received == 0 {
		return -1
	}
	return t.Posted * 100 / t.Received
}

// Closure is an offer that closed, taking the requests made through it.
type Closure struct {
	Event string `json:"event"` // "invitation.withdrawn", "invitation.declined", "invitation.expired", "plan.ended"
	Ref   string `json:"ref"`   // "I3", "PL1"
	Name  string `json:"name,omitempty"`
}

// String is the closure for the audit trail.
func (c Closure) String() string {
	switch c.Event {
	case "invitation.withdrawn":
		return "invitation " + c.Ref + " was withdrawn"
	case "invitation.declined":
		return "invitation " + c.Ref + " was declined"
	case "invitation.expired":
		return "invitation " + c.Ref + " expired"
	case "plan.ended":
		return "plan " + c.Ref + " " + strconv.Quote(c.Name) + " ended"
	}
	return c.Event + " " + c.Ref
}
