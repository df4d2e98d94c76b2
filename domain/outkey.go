package domain

import (
	"fmt"
	"strconv"
	"time"
)

// OutKey builds the idempotency keys of outgoing messages. Every key in the
// outbox is made here, so the scheme is written once:
//
//	<subject>:<what>              said once about a thing, ever
//	                              ("invitation:12:dm", "sample:4:approved")
//	<subject>:<what>@<seq>        said once per change; seq is the audit
//	                              event ID of the change, so the same change
//	                              retried (a double click, a Slack retry)
//	                              queues it once and every real change queues
//	                              its own (tracking A -> B -> A: three DMs)
//	<subject>:<what>#<period>     said once per period, across restarts and
//	                              replicas: reminders ("...:nudge#2026-11-30",
//	                              the start of the period in the team's zone)
//	<original>~<what>[@<seq>]     an edit in place of the message keyed
//	                              <original> (its Replaces)
//
// Subjects are the audit trail's ("invitation:12", "sample:4", "plan:2",
// "creator:7"). Keys never carry wall-clock time or user text.
type OutKey string

// Once is said once about subject.
func Once(subject, what string) OutKey { return OutKey(subject + ":" + what) }

// PerChange is said once per change; eventID is the change's audit event.
func PerChange(subject, what string, eventID int64) OutKey {
	return OutKey(subject + ":" + what + "@" + strconv.FormatInt(eventID, 10))
}

// PerPeriod is said once per period starting at start, read in loc.
func PerPeriod(subject, what string, start time.Time, loc *time.Location) OutKey {
	return OutKey(subject + ":" + what + "#" + start.In(loc).Format("2006-01-02"))
}

// Edit is an edit in place of k, made by the change eventID (0: the edit
// is said once).
func (k OutKey) Edit(what string, eventID int64) OutKey {
	s := string(k) + "~" + what
	if eventID != 0 {
		s += "@" + strconv.FormatInt(eventID, 10)
	}
	return OutKey(s)
}

// Subject is "kind:id", the audit trail's name for a thing.
func Subject(kind string, id any) string { return fmt.Sprintf("%s:%v", kind, id) }
