package commands

import (
	"context"

	"github.com/collabbot/collabbot/domain"
)

// ExportStore streams what the CSV exports show and nothing more: an export
// reads every row there is, so each column read is paid a hundred thousand
// times. The row passed to each is reused for the next one; each must copy
// what it keeps.
type ExportStore interface {
	// ExportInvitations streams every invitation, newest first.
	ExportInvitations(ctx context.Context, each func(*InvitationCSVRow) error) error
	// ExportSamples streams every sample request, newest first.
	ExportSamples(ctx context.Context, each func(*SampleRow) error) error
}

// InvitationCSVRow is an invitation with the parts of its creator and
// collaboration the invitations CSV shows.
type InvitationCSVRow struct {
	Invitation    domain.Invitation
	Handle        string
	Collaboration string
	Products      string // the collaboration's product IDs, space separated, in order
}
