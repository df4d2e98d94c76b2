package domain

import "time"

func init() {
	// Appended here rather than in notice.go's list so the reminder kinds
	// stay one block that merges cleanly.
	NoticeKinds = append(NoticeKinds, NoticeRemindNudge, NoticeRemindApprovals, NoticeRemindShipping, NoticeRemindContent, NoticeRemindOverdue, NoticeRemindPlanEnds, NoticeDigest)
}

// Reminder is what a reminder notice says beyond the notice's own facts.
type Reminder struct {
	// Rows are the samples a list reminder names, oldest first.
	Rows []RemindRow `json:"rows,omitempty"`
	// More is how many further rows there were beyond Rows.
	More int `json:"more,omitempty"`
	// Nudge is which nudge this is, of NudgeMax.
	Nudge    int `json:"nudge,omitempty"`
	NudgeMax int `json:"nudge_max,omitempty"`
	// DaysLeft is the whole days to a deadline on the reader's calendar
	// (content due, plan end); 0 is today.
	DaysLeft int `json:"days_left,omitempty"`
	// Digest is the weekly funnel.
	Digest *Digest `json:"digest,omitempty"`
}

// RemindRow is one sample in a list reminder, with what people know it by.
type RemindRow struct {
	Sample  SampleRequest `json:"sample"`
	Creator string        `json:"creator"` // "@maya_glow"
	Product Product       `json:"product"`
}

// MaxRemindRows is how many samples one list reminder names; the rest are
// counted, so a long backlog stays one readable message.
const MaxRemindRows = 20

// Funnel counts what happened in one period, stage by stage of a
// collaboration: invitations sent, invitations accepted, samples
// requested, samples shipped, content posted.
type Funnel struct {
	From     time.Time `json:"from"` // inclusive
	To       time.Time `json:"to"`   // exclusive
	Invited  int       `json:"invited"`
	Accepted int       `json:"accepted"`
	Sampled  int       `json:"sampled"`
	Shipped  int       `json:"shipped"`
	Posted   int       `json:"posted"`
}

// Stages are the funnel's counts in order, for charts and tables.
func (f Funnel) Stages() [5]int {
	return [5]int{f.Invited, f.Accepted, f.Sampled, f.Shipped, f.Posted}
}

// FunnelStages names the stages in the order of Stages.
var FunnelStages = [5]string{"Invited", "Accepted", "Sampled", "Shipped", "Posted"}

// Digest is the weekly funnel beside the week before.
type Digest struct {
	This Funnel `json:"this"`
	Last Funnel `json:"last"`
}
