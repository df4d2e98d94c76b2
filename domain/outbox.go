package domain

import "time"

// OutboxState is where an outgoing message stands.
type OutboxState string

const (
	OutboxPending OutboxState = "pending"
	OutboxSending OutboxState = "sending"
	OutboxSent    OutboxState = "sent"
	OutboxFailed  OutboxState = "failed"
	// OutboxMerged is an edit that was folded into its original before the
	// original went out: the reader gets the latest state once.
	OutboxMerged OutboxState = "merged"
)

// Outgoing is an outbox row: a notice for a recipient, written in the same
// transaction as the change that caused it and delivered after commit.
//
// The envelope (recipient, key, thread, what it replaces, whether it counts
// as outreach) is for delivery; the Notice is what the reader is told, as
// facts, rendered into a card for the recipient's surface and time zone
// only when it is sent.
type Outgoing struct {
	ID      int64
	Surface Surface
	To      Recipient
	// Key is the idempotency key (see OutKey): the same key is queued once.
	Key string
	// Thread ties messages about one thing ("sample:12"); messages of one
	// thread are delivered in the order they were queued.
	Thread string
	// Replaces is the Key of an earlier message this one edits in place
	// (Slack chat.update, a Discord message edit); "" posts a new message.
	Replaces string
	// Counts marks outreach to a creator that counts toward the five
	// messages without an answer.
	Counts bool
	Notice Notice

	State       OutboxState
	Attempts    int
	NextAttempt time.Time
	LastError   string
	CreatedAt   time.Time
	SentAt      time.Time
	// LeaseUntil is set on a claimed row: the end of its claim. Recording
	// the outcome presents it, so a worker whose claim ran out (and was
	// taken over) cannot overwrite the new holder's outcome.
	LeaseUntil time.Time
	// Ref is the provider's reference to what was posted (Slack
	// "channel/ts", Discord "channel/message"), stored when sent so a later
	// edit can find the message. An edit carries its original's Ref.
	Ref string
	// FailReason and FailedAt are set on a row that failed for good.
	FailReason FailReason
	FailedAt   time.Time
}
