package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/collabbot/collabbot/domain"
)

// Remind is the reminder jobs' settings (COLLABBOT_REMIND_*). A schedule is
// a standard 5-field cron spec (minute hour day-of-month month
// day-of-week, or a descriptor such as @daily) read in COLLABBOT_TIMEZONE,
// or "off" for a job that never runs; Specs holds them by job name.
type Remind struct {
	// Specs are the schedules by job: nudge, approvals, shipping, content,
	// overdue, plans, digest. A job switched off is absent.
	Specs map[string]string

	NudgeAfter     time.Duration // COLLABBOT_REMIND_NUDGE_AFTER: since the invitation or the last nudge
	NudgeMax       int           // COLLABBOT_REMIND_NUDGE_MAX: nudges per invitation
	ApprovalsAfter time.Duration // COLLABBOT_REMIND_APPROVALS_AFTER: a request waiting this long is named
	ShippingAfter  time.Duration // COLLABBOT_REMIND_SHIPPING_AFTER: approved this long ago and not shipped
	PlansAhead     time.Duration // COLLABBOT_REMIND_PLANS_AHEAD: a plan ending within this is announced
	Quiet          domain.QuietHours
}

// RemindJob is one reminder job's schedule variable and default.
type RemindJob struct {
	Name, Var, Default string
}

// RemindJobs are the reminder jobs in the order the README lists them.
var RemindJobs = []RemindJob{
	{"nudge", "COLLABBOT_REMIND_NUDGE", "0 10 * * *"},
	{"approvals", "COLLABBOT_REMIND_APPROVALS", "0 9 * * 1-5"},
	{"shipping", "COLLABBOT_REMIND_SHIPPING", "0 9 * * 1-5"},
	{"content", "COLLABBOT_REMIND_CONTENT", "0 10 * * *"},
	{"overdue", "COLLABBOT_REMIND_OVERDUE", "0 9 * * 1-5"},
	{"plans", "COLLABBOT_REMIND_PLANS", "0 9 * * *"},
	{"digest", "COLLABBOT_REMIND_DIGEST", "0 9 * * 1"},
}

// Defaults of the reminder thresholds.
const (
	DefaultNudgeAfter     = 72 * time.Hour
	DefaultNudgeMax       = 2
	DefaultApprovalsAfter = 24 * time.Hour
	DefaultShippingAfter  = 48 * time.Hour
	DefaultPlansAhead     = 72 * time.Hour
	DefaultQuiet          = "21:00-09:00"
)

// MaxNudges leaves room for the invitation itself within TikTok's five
// messages without an answer.
const MaxNudges = domain.MaxUnanswered - 1

func loadRemind(p *problems, get func(string) string) Remind {
	r := Remind{Specs: map[string]string{}}
	for _, j := range RemindJobs {
		spec := orDefault(get(j.Var), j.Default)
		if strings.EqualFold(spec, "off") {
			continue
		}
		if _, err := cron.ParseStandard(spec); err != nil {
			p.addf("%s must be a cron spec like %q (minute hour day-of-month month day-of-week) or off, got %q: %v", j.Var, j.Default, spec, err)
			continue
		}
		r.Specs[j.Name] = spec
	}
	r.NudgeAfter = remindDuration(p, get, "COLLABBOT_REMIND_NUDGE_AFTER", DefaultNudgeAfter, time.Hour, 30*24*time.Hour, "1h to 720h")
	// Past the 7-day decision window a request has expired: nobody waits.
	r.ApprovalsAfter = remindDuration(p, get, "COLLABBOT_REMIND_APPROVALS_AFTER", DefaultApprovalsAfter, time.Hour, domain.DecisionWindow-time.Hour, "1h to 167h (requests expire after 7 days)")
	r.ShippingAfter = remindDuration(p, get, "COLLABBOT_REMIND_SHIPPING_AFTER", DefaultShippingAfter, time.Hour, 30*24*time.Hour, "1h to 720h")
	r.PlansAhead = remindDuration(p, get, "COLLABBOT_REMIND_PLANS_AHEAD", DefaultPlansAhead, time.Hour, 30*24*time.Hour, "1h to 720h")
	r.NudgeMax = DefaultNudgeMax
	if v := get("COLLABBOT_REMIND_NUDGE_MAX"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxNudges {
			p.addf("COLLABBOT_REMIND_NUDGE_MAX must be a whole number from 0 to %d (0: no nudges; the invitation and its nudges stay within %d messages without an answer), got %q", MaxNudges, domain.MaxUnanswered, v)
		} else {
			r.NudgeMax = n
		}
	}
	q, err := domain.ParseQuietHours("quiet_hours", orDefault(get("COLLABBOT_REMIND_QUIET"), DefaultQuiet))
	if err != nil {
		p.addf("COLLABBOT_REMIND_QUIET: %s", domain.ErrorMessage(err))
	}
	r.Quiet = q
	return r
}

func remindDuration(p *problems, get func(string) string, name string, def, lo, hi time.Duration, allowed string) time.Duration {
	v := get(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		p.addf("%s must be a duration like %s, from %s, got %q", name, shortDuration(def), allowed, v)
		return def
	}
	return d
}

// shortDuration is 72h, not 72h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

// remindLogValue renders the reminder settings for the start-up log line.
func (r Remind) remindLogValue() slog.Value {
	attrs := []slog.Attr{}
	for _, j := range RemindJobs {
		spec, ok := r.Specs[j.Name]
		if !ok {
			spec = "off"
		}
		attrs = append(attrs, slog.String(j.Name, spec))
	}
	attrs = append(attrs,
		slog.Duration("nudge_after", r.NudgeAfter),
		slog.Int("nudge_max", r.NudgeMax),
		slog.Duration("approvals_after", r.ApprovalsAfter),
		slog.Duration("shipping_after", r.ShippingAfter),
		slog.Duration("plans_ahead", r.PlansAhead),
		slog.String("quiet", fmt.Sprint(r.Quiet)),
	)
	return slog.GroupValue(attrs...)
}
