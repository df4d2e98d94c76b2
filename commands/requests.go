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
	// Messages are per-creator messages by handle (without "@"), such as
	// drafts the seller read and edited; they win over Message.
	Messages map[string]string
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
	Quantity     int   // 0: one unit
	Note         string
	// Address, when set, is the shipping address to keep on the creator's
	// roster entry with the request (asked the first time, or corrected).
	Address string
}
