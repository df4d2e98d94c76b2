package commands

import (
	"time"

	"github.com/collabbot/collabbot/domain"
)

// InviteTarget is one creator of an invitation and, optionally, their own rate.
type InviteTarget struct {
	Handle string      // without "@", lowercase
	Rate   domain.Rate // 0: use InviteRequest.Rate
}

// InviteRequest is a targeted collaboration as a seller asks for it.
type InviteRequest struct {
	Name         string
	Creators     []InviteTarget
	Products     []string
	Rate         domain.Rate // the rate for creators without their own
	Sample       *domain.SampleOffer
	Expires      time.Time // zero: DefaultInviteDays from now
	ContactEmail string
	Message      string
	Draft        bool // ask the drafter for a personalised message per creator
}

// PlanRequest is an open plan as a seller asks for it.
type PlanRequest struct {
	Name   string
	Rules  []domain.CommissionRule
	Sample *domain.SampleOffer
	Start  time.Time // zero: now
	End    time.Time // zero: no end
}

// SampleInput is a creator's request for a free sample.
type SampleInput struct {
	ProductID    string
	PlanID       int64 // the open plan to request through, or
	InvitationID int64 // the targeted invitation to request through; neither: the one live offer for the product
	Quantity     int   // 0: the offer's per-creator quantity
	Note         string
}

// Command is one parsed line of the grammar. Name is the verb as the help
// lists it ("invite", "plan pause", "creator add"); exactly the fields that
// verb uses are set.
type Command struct {
	Name string

	Invite  *InviteRequest
	Plan    *PlanRequest
	Creator *domain.Creator
	Product *domain.Product
	Sample  *SampleInput

	ID     int64       // the I/S/PL number the verb acts on
	Rate   domain.Rate // "rate I3 10%"
	Text   string      // a reason, note, tracking number, content URL, help topic
	Reason domain.RejectReason
	Member string      // "role U123 manager": the member ID
	Role   domain.Role // "role U123 manager": the new role
	Handle string      // "link @maya", filters by creator

	// List filters for "invitations", "samples", "creators".
	InvitationState domain.InvitationState
	SampleState     domain.SampleState
	Niche           string
}

// Action is a parsed button custom_id: a verb and the number it acts on.
type Action struct {
	Verb string // one of the Action* constants
	ID   int64
}

// Button verbs. A custom_id is "<verb>:<id>", at most 100 characters.
const (
	ActionAccept        = "accept"         // creator accepts invitation ID
	ActionDecline       = "decline"        // creator declines invitation ID (adapters ask for a reason)
	ActionRequestSample = "request-sample" // creator asks for the sample of invitation ID (adapters ask which product)
	ActionApprove       = "approve"        // manager approves sample ID
	ActionReject        = "reject"         // manager rejects sample ID (adapters ask for a reason)
	ActionShip          = "ship"           // seller marks sample ID shipped
	ActionSubmitContent = "submit-content" // creator submits the content link for sample ID
	ActionJoinPlan      = "join-plan"      // creator requests a sample through plan ID
)
