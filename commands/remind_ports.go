package commands

import (
	"context"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// ReminderStore is what the reminder jobs keep beyond the outbox: when
// each job last ran (so a run missed while the service was down is caught
// up at start), and the funnel counts of the weekly digest. Which reminder
// was sent in which period is not kept here: it is the outbox row's key,
// written in the transaction that queues it.
type ReminderStore interface {
	// ReminderRun is when job last ran, the zero time if never.
	ReminderRun(ctx context.Context, job string) (time.Time, error)
	// SetReminderRun records that job ran at at. An earlier at than the
	// one recorded is ignored: a slow replica never moves the record back.
	SetReminderRun(ctx context.Context, job string, at time.Time) error
	// Funnel counts, for [from, to): invitations created, invitations
	// accepted, sample requests made, samples shipped and content posted
	// (samples completed), each by the time of its own step.
	Funnel(ctx context.Context, from, to time.Time) (domain.Funnel, error)
	// Queued reports whether a message with this key was ever queued
	// (pruned content keeps its key).
	Queued(ctx context.Context, key string) (bool, error)
	// WithdrawReminders deletes the outbox rows whose key starts with
	// keyPrefix and that were never tried (pending, no attempts): a
	// reminder waiting for the creator's morning that an answer made
	// untrue. It returns how many went.
	WithdrawReminders(ctx context.Context, keyPrefix string) (int, error)
}
