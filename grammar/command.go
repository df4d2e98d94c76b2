package grammar

import (
	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// Command is one parsed line of the grammar. Name is the verb as the help
// lists it ("invite", "plan pause", "creator add"); exactly the fields that
// verb uses are set.
type Command struct {
	Name string

	Invite  *commands.InviteRequest
	Draft   bool // "invite ... draft": show each creator's drafted message; nothing is sent
	Plan    *commands.PlanRequest
	Creator *domain.Creator
	Product *domain.Product
	Sample  *commands.SampleInput

	// "product set P100 stock=20", "creator set @maya followers=60k": the
	// product ID or handle is in Text or Handle.
	ProductChange *commands.ProductChange
	CreatorChange *commands.CreatorChange

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
