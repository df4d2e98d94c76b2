package domain

import "time"

// FailReason says why an outgoing message failed for good, so the team is
// told what to do about it and metrics can count failures by cause.
type FailReason string

const (
	// FailPermanent: the platform refused the message for good (unknown
	// channel, the app not in it, a bad payload).
	FailPermanent FailReason = "permanent"
	// FailUnreachable: the creator does not accept DMs from the bot.
	FailUnreachable FailReason = "unreachable"
	// FailRetryOver: temporary errors went on for the whole retry period.
	FailRetryOver FailReason = "retry_period_over"
	// FailLost: sends of it never finished, MaxLost times (the sender
	// crashed or hung past its lease).
	FailLost FailReason = "lost"
	// FailOriginal: an edit whose original message failed for good.
	FailOriginal FailReason = "original_failed"
)

// FailReasons lists every reason, for metrics and renderers.
var FailReasons = []FailReason{FailPermanent, FailUnreachable, FailRetryOver, FailLost, FailOriginal}

// Undelivered is a message that failed for good, as the sellers are told
// of it: who it was for, what it was, why, and the row to retry.
type Undelivered struct {
	ID int64 `json:"id"` // the outbox row, for `collabbot outbox retry ID`
	// To is the recipient; Creator is set (handle) when it was a creator.
	To      Recipient `json:"to"`
	Creator *Creator  `json:"creator,omitempty"`
	// What is the kind of the notice that was not delivered; Ref names
	// its subject ("I3", "S4", "PL1") when it has one.
	What NoticeKind `json:"what"`
	Ref  string     `json:"ref,omitempty"`
	Edit bool       `json:"edit,omitempty"` // an update of an earlier message
	// Original is the row of the message an edit updates, when that one
	// failed first (FailOriginal): retrying it sends both.
	Original int64      `json:"original,omitempty"`
	Reason   FailReason `json:"reason"`
	Error    string     `json:"error"`
	Attempts int        `json:"attempts"`
	FailedAt time.Time  `json:"failed_at"`
}

// Fanout is the progress of one invitation round's DMs, as the sellers'
// summary shows it.
type Fanout struct {
	CollaborationID int64  `json:"collaboration_id"`
	Name            string `json:"name,omitempty"`
	Total           int    `json:"total"`
	Delivered       int    `json:"delivered"`
	// Unreachable and Failed name the creators (handles) whose DM could
	// not be delivered: closed DMs, and any other failure.
	Unreachable []string `json:"unreachable,omitempty"`
	Failed      []string `json:"failed,omitempty"`
}

// Settled is how many DMs have an outcome, delivered or not.
func (f Fanout) Settled() int { return f.Delivered + len(f.Unreachable) + len(f.Failed) }

// Done says every DM of the round has an outcome.
func (f Fanout) Done() bool { return f.Settled() >= f.Total }

// QueueDepth is what waits in the outbox for one surface: rows pending or
// in flight, and when the oldest of them was queued.
type QueueDepth struct {
	Surface Surface
	Waiting int
	Oldest  time.Time // zero when nothing waits
}
