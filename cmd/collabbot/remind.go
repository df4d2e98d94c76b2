package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/config"
)

func init() {
	storeCommands["remind"] = remindCommand
}

// remindSettings are the use cases' reminder thresholds from the
// configuration.
func remindSettings(cfg config.Config) commands.RemindSettings {
	r := cfg.Remind
	return commands.RemindSettings{
		NudgeAfter: r.NudgeAfter, NudgeMax: r.NudgeMax, ApprovalsAfter: r.ApprovalsAfter,
		ShippingAfter: r.ShippingAfter, PlansAhead: r.PlansAhead, Quiet: r.Quiet,
	}
}

// scheduledJob is a reminder job with its parsed schedule.
type scheduledJob struct {
	name  string
	sched cron.Schedule
}

// remindSchedules are the jobs switched on, in commands.RemindJobs order.
// config.Load checked every spec; a spec that fails here is a bug, said.
func remindSchedules(cfg config.Config) ([]scheduledJob, error) {
	var out []scheduledJob
	for _, job := range commands.RemindJobs {
		spec, ok := cfg.Remind.Specs[job]
		if !ok {
			continue
		}
		s, err := cron.ParseStandard(spec)
		if err != nil {
			return nil, fmt.Errorf("reminder %s: schedule %q: %w", job, spec, err)
		}
		out = append(out, scheduledJob{name: job, sched: s})
	}
	return out, nil
}

// nextIn is a schedule's Next read in loc: a spec without CRON_TZ follows
// the zone of the time it is given, so it is given COLLABBOT_TIMEZONE's.
func nextIn(s cron.Schedule, loc *time.Location) func(time.Time) time.Time {
	return func(t time.Time) time.Time { return s.Next(t.In(loc)) }
}

// remindMetrics count reminder runs by job and outcome, and the reminders
// they queued by job.
type remindMetrics struct {
	runs   *prometheus.CounterVec
	queued *prometheus.CounterVec
}

// newRemindMetrics registers the counters on reg; with no registry (a
// subcommand, a test) they count for nobody.
func newRemindMetrics(reg *prometheus.Registry) *remindMetrics {
	m := &remindMetrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "collabbot_reminder_runs_total",
			Help: "Reminder job runs, by job and outcome (ok, failed).",
		}, []string{"job", "outcome"}),
		queued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "collabbot_reminders_queued_total",
			Help: "Reminders queued for delivery, by job.",
		}, []string{"job"}),
	}
	if reg != nil {
		reg.MustRegister(m.runs, m.queued)
	}
	for _, job := range commands.RemindJobs {
		// Present from the start, so a rate over them is never "no data".
		m.runs.WithLabelValues(job, "ok")
		m.runs.WithLabelValues(job, "failed")
		m.queued.WithLabelValues(job)
	}
	return m
}

func (m *remindMetrics) observe(log *slog.Logger, run commands.RemindRun, err error) {
	if err != nil {
		m.runs.WithLabelValues(run.Job, "failed").Inc()
		log.Error("reminder job failed", "job", run.Job, "err", err)
		return
	}
	m.runs.WithLabelValues(run.Job, "ok").Inc()
	m.queued.WithLabelValues(run.Job).Add(float64(len(run.Queued)))
	if len(run.Queued) > 0 || len(run.Skipped) > 0 {
		log.Info("reminders queued", "job", run.Job, "queued", len(run.Queued), "skipped", len(run.Skipped))
	}
}

// addReminders catches up the reminder runs missed while the service was
// down (once each, as of now) and schedules the jobs on serve's cron,
// whose chain recovers panics and skips a run while the last still runs,
// and whose shutdown waits for a running job. Nothing here stops serve: a
// failure is logged and the rest goes on. It returns the cron entries by
// job.
func addReminders(ctx context.Context, sched *cron.Cron, d platformDeps) map[string]cron.EntryID {
	entries := map[string]cron.EntryID{}
	jobs, err := remindSchedules(d.Cfg)
	if err != nil {
		d.Log.Error("reminders not scheduled", "err", err)
		return entries
	}
	m := newRemindMetrics(d.Metrics)
	settings := remindSettings(d.Cfg)
	var catchUp []commands.RemindSchedule
	for _, j := range jobs {
		catchUp = append(catchUp, commands.RemindSchedule{Job: j.name, Next: nextIn(j.sched, d.Cfg.TimeZone)})
	}
	runs, err := d.App.CatchUpReminders(ctx, settings, catchUp)
	for _, run := range runs {
		d.Log.Info("caught up a missed reminder run", "job", run.Job)
		m.observe(d.Log, run, nil)
	}
	if err != nil {
		// A failed catch-up is logged, not fatal: the schedule goes on.
		d.Log.Error("catching up reminder runs failed", "err", err)
	}
	for _, j := range jobs {
		entries[j.name] = sched.Schedule(j.sched, cron.FuncJob(func() {
			run, err := d.App.RunScheduledReminder(ctx, j.name, settings)
			run.Job = j.name
			m.observe(d.Log, run, err)
		}))
	}
	if len(jobs) > 0 {
		names := make([]string, len(jobs))
		for i, j := range jobs {
			names[i] = j.name
		}
		d.Log.Info("reminders scheduled", "jobs", strings.Join(names, ","), "timezone", d.Cfg.TimeZoneName)
	}
	return entries
}

// remindArgs are the remind command's, checked.
type remindArgs struct {
	jobs []string
	at   time.Time // zero: now
	dry  bool
}

func parseRemind(l cmdLine) (remindArgs, error) {
	var a remindArgs
	if v, ok := l.flags["job"]; ok {
		if !slices.Contains(commands.RemindJobs, v) {
			return a, usageError{fmt.Sprintf("--job must be one of %s, got %q", strings.Join(commands.RemindJobs, ", "), v)}
		}
		a.jobs = []string{v}
	}
	if v, ok := l.flags["at"]; ok {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return a, usageError{fmt.Sprintf("--at must be a time like 2026-12-07T09:00:00+01:00 (RFC 3339), got %q", v)}
		}
		a.at = t
	}
	a.dry = l.flags["dry-run"] == "true"
	return a, nil
}

func checkRemind(l cmdLine) error {
	_, err := parseRemind(l)
	return err
}

// remindCommand runs the reminder jobs once and prints what they queued.
func remindCommand(ctx context.Context, l cmdLine, d platformDeps) error {
	a, err := parseRemind(l)
	if err != nil {
		return err
	}
	if a.jobs == nil {
		for _, job := range commands.RemindJobs {
			if _, on := d.Cfg.Remind.Specs[job]; on {
				a.jobs = append(a.jobs, job)
			}
		}
	}
	at, record := a.at, false
	if at.IsZero() {
		// As of now, it is a run of the schedule: serve's catch-up need
		// not run it again.
		at, record = d.App.Now(), !a.dry
	}
	settings := remindSettings(d.Cfg)
	var runs []commands.RemindRun
	for _, job := range a.jobs {
		run, err := d.App.Remind(ctx, job, settings, at, a.dry)
		if err != nil {
			return fmt.Errorf("reminder %s: %w", job, err)
		}
		if record {
			if err := d.App.RecordReminderRun(ctx, job, at); err != nil {
				return err
			}
		}
		runs = append(runs, run)
	}
	return printRemind(ctx, d.Env.Stdout, newRecipientNames(d.App), runs, at, a.dry, d.Cfg.TimeZone)
}

func printRemind(ctx context.Context, w io.Writer, who *recipientNames, runs []commands.RemindRun, at time.Time, dry bool, loc *time.Location) error {
	verb := "Queued"
	if dry {
		verb = "Would queue"
	}
	n := 0
	for _, r := range runs {
		n += len(r.Queued)
	}
	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = r.Job
	}
	fmt.Fprintf(w, "Reminders as of %s (%s):\n", at.In(loc).Format(time.RFC3339), strings.Join(names, ", "))
	if n > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "JOB\tTO\tSENDS\tKEY\tABOUT")
		for _, r := range runs {
			for _, q := range r.Queued {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Job, who.of(ctx, q.To), q.SendAt.In(loc).Format(time.RFC3339), q.Key, q.About)
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, r := range runs {
		for _, s := range r.Skipped {
			fmt.Fprintf(w, "Skipped (%s) %s: %s\n", r.Job, s.Handle, s.Reason)
		}
	}
	switch {
	case dry:
		fmt.Fprintf(w, "%s %s; this was a dry run, nothing was queued.\n", verb, plural(n, "reminder", "reminders"))
	case n == 0:
		fmt.Fprintln(w, "Nothing to remind: nothing is due, or it was already sent this period.")
	default:
		fmt.Fprintf(w, "%s %s; collabbot serve delivers them.\n", verb, plural(n, "reminder", "reminders"))
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
