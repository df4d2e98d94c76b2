package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// The reminder jobs, by the names the operator schedules and runs them by
// (COLLABBOT_REMIND_<NAME>, collabbot remind --job NAME).
const (
	JobNudge     = "nudge"     // creators: pending invitations, a bounded number of times
	JobApprovals = "approvals" // approvals channel: requests waiting for a manager
	JobShipping  = "shipping"  // sellers: approved samples not shipped
	JobContent   = "content"   // creators: content due in 3 days and in 1 day
	JobOverdue   = "overdue"   // sellers: samples still overdue
	JobPlans     = "plans"     // sellers: plans ending soon
	JobDigest    = "digest"    // sellers: the weekly funnel
)

// RemindJobs lists every job in the order they run when all are asked for.
var RemindJobs = []string{JobNudge, JobApprovals, JobShipping, JobContent, JobOverdue, JobPlans, JobDigest}

// Content reminders go out this many calendar days before the due date, on
// the creator's calendar: a first notice, then a last call.
const (
	ContentFirstNotice = 3
	ContentLastCall    = 1
)

// RemindSettings are the jobs' thresholds (COLLABBOT_REMIND_*).
type RemindSettings struct {
	NudgeAfter     time.Duration // since the invitation, or the last nudge
	NudgeMax       int           // nudges per invitation
	ApprovalsAfter time.Duration // a request waiting this long is named
	ShippingAfter  time.Duration // approved this long ago and not shipped
	PlansAhead     time.Duration // a plan ending within this is announced
	Quiet          domain.QuietHours
}

// Reminded is one reminder a job queued (or, in a dry run, would queue).
type Reminded struct {
	Key    string
	To     domain.Recipient
	Kind   domain.NoticeKind
	SendAt time.Time // after the reader's quiet hours
	About  string    // what it is about, for people: "I3 (@maya_glow), nudge 1 of 2"
}

// RemindRun is what one run of one job did.
type RemindRun struct {
	Job    string
	At     time.Time
	DryRun bool
	Queued []Reminded
	// Skipped are reminders not sent and why (a creator who cannot be
	// messaged any more); reminders already sent this period are not listed.
	Skipped []Skip
}

// errDryRun rolls a dry run's transaction back after it did everything
// but commit, so it reports exactly what a real run would queue.
var errDryRun = errors.New("dry run")

// Remind runs one reminder job as of at. Each reminder's key (job, subject,
// period) is written in the transaction that queues it, so a job run
// twice, on two replicas at once, or again after a restart queues each
// reminder once per period. A dry run writes nothing.
func (a *App) Remind(ctx context.Context, job string, s RemindSettings, at time.Time, dry bool) (RemindRun, error) {
	at = at.UTC().Truncate(time.Millisecond)
	run := RemindRun{Job: job, At: at, DryRun: dry}
	r := reminding{app: a, s: s, at: at, dry: dry, run: &run}
	var err error
	switch job {
	case JobNudge:
		err = r.nudges(ctx)
	case JobApprovals:
		err = r.approvals(ctx)
	case JobShipping:
		err = r.shipping(ctx)
	case JobContent:
		err = r.content(ctx)
	case JobOverdue:
		err = r.overdue(ctx)
	case JobPlans:
		err = r.plans(ctx)
	case JobDigest:
		err = r.digest(ctx)
	default:
		return run, domain.Invalidf("job", "Job must be one of %s (got %q)", joinOr(RemindJobs, ""), job)
	}
	return run, err
}

// RecordReminderRun notes that job ran at at, for CatchUpReminders. The
// scheduled runs record themselves; a run as of another time (collabbot
// remind --at) is not a run of the schedule and is not recorded.
func (a *App) RecordReminderRun(ctx context.Context, job string, at time.Time) error {
	return a.store.Update(ctx, func(tx Tx) error { return tx.SetReminderRun(ctx, job, at.UTC().Truncate(time.Millisecond)) })
}

// RunScheduledReminder is one scheduled run of job: as of now, recorded.
func (a *App) RunScheduledReminder(ctx context.Context, job string, s RemindSettings) (RemindRun, error) {
	now := a.now()
	run, err := a.Remind(ctx, job, s, now, false)
	if err != nil {
		return run, err
	}
	return run, a.RecordReminderRun(ctx, job, now)
}

// RemindSchedule is a job's schedule: Next is the first time the job is
// due after t (a cron schedule's Next).
type RemindSchedule struct {
	Job  string
	Next func(t time.Time) time.Time
}

// CatchUpReminders runs, once and as of now, each job that was due while
// the service was down: a job that missed three days runs once, not three
// times. A job never run before is only recorded: a new deployment has
// missed nothing.
func (a *App) CatchUpReminders(ctx context.Context, s RemindSettings, jobs []RemindSchedule) ([]RemindRun, error) {
	now := a.now()
	var runs []RemindRun
	var errs []error
	for _, j := range jobs {
		var last time.Time
		if err := a.store.View(ctx, func(tx Tx) error {
			var err error
			last, err = tx.ReminderRun(ctx, j.Job)
			return err
		}); err != nil {
			errs = append(errs, fmt.Errorf("reminder %s: %w", j.Job, err))
			continue
		}
		if last.IsZero() {
			if err := a.store.Update(ctx, func(tx Tx) error { return tx.SetReminderRun(ctx, j.Job, now) }); err != nil {
				errs = append(errs, fmt.Errorf("reminder %s: %w", j.Job, err))
			}
			continue
		}
		if next := j.Next(last); next.IsZero() || next.After(now) {
			continue
		}
		run, err := a.Remind(ctx, j.Job, s, now, false)
		if err == nil {
			err = a.RecordReminderRun(ctx, j.Job, now)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("reminder %s: %w", j.Job, err))
			continue
		}
		runs = append(runs, run)
	}
	return runs, errors.Join(errs...)
}

// reminding is one run of one job.
type reminding struct {
	app *App
	s   RemindSettings
	at  time.Time
	dry bool
	run *RemindRun
}

// unit runs fn as one transaction of the run: committed, or in a dry run
// rolled back after fn did everything. What fn queued and skipped counts
// only for the run of fn that ends the transaction (Update may re-run fn).
func (r *reminding) unit(ctx context.Context, fn func(tx Tx, u *remindUnit) error) error {
	var u remindUnit
	err := r.app.store.Update(ctx, func(tx Tx) error {
		u = remindUnit{}
		if err := fn(tx, &u); err != nil {
			return err
		}
		if r.dry {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return err
	}
	r.run.Queued = append(r.run.Queued, u.queued...)
	r.run.Skipped = append(r.run.Skipped, u.skipped...)
	return nil
}

type remindUnit struct {
	queued  []Reminded
	skipped []Skip
}

// reminder is a reminder's envelope.
type reminder struct {
	to     domain.Recipient
	key    domain.OutKey
	counts bool // outreach to a creator, toward the unanswered limit
	sendAt time.Time
	about  string
}

// queue writes a reminder's outbox row, due when the reader's quiet hours
// allow. It reports false when this period's reminder is already queued
// (its key is taken). Reminders carry no thread: one waiting for a
// creator's morning must not hold back the answers of the thread it is
// about.
func (u *remindUnit) queue(ctx context.Context, tx Tx, now time.Time, o reminder, n domain.Notice) (bool, error) {
	if n.At.IsZero() {
		n.At = o.sendAt
	}
	inserted, err := tx.Enqueue(ctx, domain.Outgoing{
		Surface: o.to.Surface(), To: o.to, Key: string(o.key), Counts: o.counts,
		Notice: n, State: domain.OutboxPending, NextAttempt: o.sendAt, CreatedAt: now,
	})
	if err != nil || !inserted {
		return false, err
	}
	u.queued = append(u.queued, Reminded{Key: string(o.key), To: o.to, Kind: n.Kind, SendAt: o.sendAt, About: o.about})
	if o.counts && o.to.Kind == domain.ToCreator {
		if err := tx.AddUnanswered(ctx, o.to.CreatorID, 1); err != nil {
			return false, err
		}
	}
	return true, nil
}

// zone is where a creator reads the clock: their own zone, else the team's.
func (r *reminding) zone(c domain.Creator) *time.Location {
	if c.TimeZone != "" {
		if loc, err := loadLocation(c.TimeZone); err == nil {
			return loc
		}
	}
	return r.app.loc
}

// creatorSendAt is when a reminder to c may go out: after their quiet hours.
func (r *reminding) creatorSendAt(c domain.Creator) time.Time {
	return r.s.Quiet.SendAt(r.at, r.zone(c)).UTC().Truncate(time.Millisecond)
}

// period is the day of the run in the team's zone: list reminders are
// sent once a day at most, however often their job is scheduled.
func (r *reminding) period(subject, what string) domain.OutKey {
	return domain.PerPeriod(subject, what, r.at, r.app.loc)
}

// startOfDay is midnight of t's day in loc.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}

// daysBetween counts calendar days from a's day to b's day in loc (0: the
// same day), counted on the calendar so a DST change is no fraction.
func daysBetween(a, b time.Time, loc *time.Location) int {
	da, db := startOfDay(a, loc), startOfDay(b, loc)
	ya, ma, dda := da.Date()
	yb, mb, ddb := db.Date()
	ua := time.Date(ya, ma, dda, 0, 0, 0, 0, time.UTC)
	ub := time.Date(yb, mb, ddb, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua) / (24 * time.Hour))
}

// nudges reminds creators of invitations still waiting for an answer, at
// most NudgeMax times each, NudgeAfter after the invitation or the last
// nudge, and never past the five messages without an answer (a nudge
// counts as one).
func (r *reminding) nudges(ctx context.Context) error {
	if r.s.NudgeMax <= 0 || r.s.NudgeAfter <= 0 {
		return nil
	}
	var ids []int64
	err := r.app.store.View(ctx, func(tx Tx) error {
		invs, err := tx.ListInvitations(ctx, InvitationFilter{States: []domain.InvitationState{domain.InvitationPending}})
		for _, i := range invs {
			if i.Nudges < r.s.NudgeMax && i.ExpiresAt.After(r.at) && !r.at.Before(i.CreatedAt.Add(r.s.NudgeAfter)) {
				ids = append(ids, i.ID)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := r.unit(ctx, func(tx Tx, u *remindUnit) error { return r.nudge(ctx, tx, u, id) }); err != nil {
			return err
		}
	}
	return nil
}

func (r *reminding) nudge(ctx context.Context, tx Tx, u *remindUnit, id int64) error {
	v, err := loadInvitation(ctx, tx, id)
	if err != nil {
		return err
	}
	// Checked again inside the transaction: answered, nudged or expired
	// since the scan, by another run or another replica.
	if v.State != domain.InvitationPending || v.Nudges >= r.s.NudgeMax || !v.ExpiresAt.After(r.at) {
		return nil
	}
	since := v.CreatedAt
	evs, err := tx.Events(ctx, subject("invitation", v.ID), 0)
	if err != nil {
		return err
	}
	for _, e := range evs { // newest first
		if e.Kind == "invitation.nudged" {
			since = e.At
			break
		}
	}
	if r.at.Before(since.Add(r.s.NudgeAfter)) {
		return nil
	}
	if !v.Creator.ArchivedAt.IsZero() {
		return nil
	}
	if err := v.Creator.CanBeMessaged(); err != nil {
		u.skipped = append(u.skipped, Skip{Handle: v.Creator.At(), Reason: domain.ErrorMessage(err)})
		return nil
	}
	products := make([]domain.Product, 0, len(v.Collaboration.ProductIDs))
	for _, pid := range v.Collaboration.ProductIDs {
		p, err := tx.Product(ctx, pid)
		if err != nil {
			return err
		}
		products = append(products, p)
	}
	sendAt := r.creatorSendAt(v.Creator)
	if !v.ExpiresAt.After(sendAt) {
		return nil // it would arrive, after the creator's night, expired
	}
	n := v.Nudges + 1
	v.Nudges = n
	o := reminder{to: toCreator(v.CreatorID), key: r.period(subject("invitation", v.ID), "nudge"), counts: true, sendAt: sendAt,
		about: fmt.Sprintf("%s (%s), nudge %d of %d", v.Ref(), v.Creator.At(), n, r.s.NudgeMax)}
	queued, err := u.queue(ctx, tx, r.at, o, domain.Notice{Kind: domain.NoticeRemindNudge, Creator: &v.Creator, Invitation: &v.Invitation,
		Collaboration: &v.Collaboration, Products: products, Remind: &domain.Reminder{Nudge: n, NudgeMax: r.s.NudgeMax}})
	if err != nil || !queued {
		return err
	}
	if err := tx.UpdateInvitation(ctx, v.Invitation); err != nil {
		return err
	}
	return record(ctx, tx, r.at, domain.System, "invitation.nudged", subject("invitation", v.ID), "reminded %s to answer (nudge %d of %d)", v.Creator.At(), n, r.s.NudgeMax)
}

// rows reads the samples f selects that keep says to, oldest first, as a
// list reminder names them: the first MaxRemindRows, and how many more.
func rows(ctx context.Context, tx Tx, f SampleFilter, keep func(domain.SampleRequest) bool) ([]domain.RemindRow, int, error) {
	var out []domain.RemindRow
	err := tx.SampleViews(ctx, f, func(row SampleRow) error {
		if keep(row.Sample) {
			s := row.Sample
			s.DeciderName = row.DeciderName // people read the manager's name, not their ID
			out = append(out, domain.RemindRow{Sample: s, Creator: row.Creator.At(), Product: row.Product})
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	slices.Reverse(out) // SampleViews streams newest first
	more := 0
	if len(out) > domain.MaxRemindRows {
		more = len(out) - domain.MaxRemindRows
		out = out[:domain.MaxRemindRows]
	}
	return out, more, nil
}

// listReminder queues one channel message naming the samples f and keep
// select, once per day; nothing when there are none.
func (r *reminding) listReminder(ctx context.Context, channel, what string, kind domain.NoticeKind, f SampleFilter, keep func(domain.SampleRequest) bool) error {
	return r.unit(ctx, func(tx Tx, u *remindUnit) error {
		list, more, err := rows(ctx, tx, f, keep)
		if err != nil || len(list) == 0 {
			return err
		}
		o := reminder{to: toChannel(channel), key: r.period(domain.Subject("channel", channel), what), sendAt: r.at,
			about: plural(len(list)+more, "sample", "samples")}
		_, err = u.queue(ctx, tx, r.at, o, domain.Notice{Kind: kind, Remind: &domain.Reminder{Rows: list, More: more}})
		return err
	})
}

// approvals names, in the approvals channel, the requests waiting for a
// manager longer than ApprovalsAfter (and not expired yet: the sweep
// expires those).
func (r *reminding) approvals(ctx context.Context) error {
	before := r.at.Add(-r.s.ApprovalsAfter).Add(time.Millisecond)
	return r.listReminder(ctx, domain.ChannelApprovals, "waiting", domain.NoticeRemindApprovals,
		SampleFilter{States: []domain.SampleState{domain.SampleRequested}, RequestedBefore: before},
		func(s domain.SampleRequest) bool { return r.at.Before(s.ExpiresAt()) })
}

// shipping names, to the sellers, samples approved more than
// ShippingAfter ago and not shipped yet.
func (r *reminding) shipping(ctx context.Context) error {
	return r.listReminder(ctx, domain.ChannelSellers, "unshipped", domain.NoticeRemindShipping,
		SampleFilter{States: []domain.SampleState{domain.SampleApproved}},
		func(s domain.SampleRequest) bool { return !r.at.Before(s.DecidedAt.Add(r.s.ShippingAfter)) })
}

// overdue names, to the sellers, samples still overdue from an earlier
// day: the deadline sweep flags each sample the moment it goes overdue, so
// one that went overdue today is not told twice.
func (r *reminding) overdue(ctx context.Context) error {
	today := startOfDay(r.at, r.app.loc)
	return r.listReminder(ctx, domain.ChannelSellers, "overdue", domain.NoticeRemindOverdue,
		SampleFilter{States: []domain.SampleState{domain.SampleOverdue}},
		func(s domain.SampleRequest) bool { return s.DueAt.Before(today) })
}

// content reminds creators of content due: a first notice 3 days before
// the due date and a last call the day before, on the creator's calendar.
// Each is keyed by the due date, so an extended sample is reminded again
// for its new date; a run that finds only the last call due (the service
// was down, or the sample was shipped late) sends only that.
func (r *reminding) content(ctx context.Context) error {
	var ids []int64
	err := r.app.store.View(ctx, func(tx Tx) error {
		// A day's slack covers the creator's zone being ahead of the team's.
		due, err := tx.ListSamples(ctx, SampleFilter{States: []domain.SampleState{domain.SampleShipped}, DueBefore: r.at.AddDate(0, 0, ContentFirstNotice+2)})
		for _, s := range due {
			if s.DueAt.After(r.at) {
				ids = append(ids, s.ID)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := r.unit(ctx, func(tx Tx, u *remindUnit) error { return r.contentDue(ctx, tx, u, id) }); err != nil {
			return err
		}
	}
	return nil
}

func (r *reminding) contentDue(ctx context.Context, tx Tx, u *remindUnit, id int64) error {
	v, err := loadSample(ctx, tx, id)
	if err != nil {
		return err
	}
	if v.State != domain.SampleShipped || !v.DueAt.After(r.at) || !v.Creator.ArchivedAt.IsZero() {
		return nil
	}
	sendAt := r.creatorSendAt(v.Creator)
	if !v.DueAt.After(sendAt) {
		return nil // due before the creator's night ends: the sweep flags it
	}
	zone := r.zone(v.Creator)
	left := daysBetween(sendAt, v.DueAt, zone)
	what := ""
	switch {
	case left <= ContentLastCall:
		what = "due-1d"
	case left <= ContentFirstNotice:
		what = "due-3d"
	default:
		return nil
	}
	key := domain.PerPeriod(subject("sample", v.ID), what, v.DueAt, r.app.loc)
	if what == "due-3d" {
		// The last call already went (a run as of a later time came
		// first): the first notice has nothing to add.
		if taken, err := tx.Queued(ctx, string(domain.PerPeriod(subject("sample", v.ID), "due-1d", v.DueAt, r.app.loc))); err != nil || taken {
			return err
		}
	}
	if err := v.Creator.CanBeMessaged(); err != nil {
		u.skipped = append(u.skipped, Skip{Handle: v.Creator.At(), Reason: domain.ErrorMessage(err)})
		return nil
	}
	n := sampleNotice(domain.NoticeRemindContent, v)
	n.Remind = &domain.Reminder{DaysLeft: left}
	o := reminder{to: toCreator(v.CreatorID), key: key, counts: true, sendAt: sendAt,
		about: fmt.Sprintf("%s (%s), content due in %s", v.Ref(), v.Creator.At(), plural(left, "day", "days"))}
	_, err = u.queue(ctx, tx, r.at, o, n)
	return err
}

// plans tells the sellers of plans ending within PlansAhead, once per plan
// and end date (a plan whose end moves is told again).
func (r *reminding) plans(ctx context.Context) error {
	var ids []int64
	err := r.app.store.View(ctx, func(tx Tx) error {
		ps, err := tx.ListPlans(ctx, domain.PlanActive, domain.PlanPaused)
		for _, p := range ps {
			if !p.EndsAt.IsZero() && p.EndsAt.After(r.at) && !p.EndsAt.After(r.at.Add(r.s.PlansAhead)) {
				ids = append(ids, p.ID)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	slices.Sort(ids)
	for _, id := range ids {
		err := r.unit(ctx, func(tx Tx, u *remindUnit) error {
			p, err := tx.Plan(ctx, id)
			if err != nil || p.State == domain.PlanEnded || p.EndsAt.IsZero() || !p.EndsAt.After(r.at) {
				return err
			}
			left := daysBetween(r.at, p.EndsAt, r.app.loc)
			o := reminder{to: toChannel(domain.ChannelSellers), key: domain.PerPeriod(subject("plan", p.ID), "ending", p.EndsAt, r.app.loc), sendAt: r.at,
				about: fmt.Sprintf("%s %q ends in %s", p.Ref(), p.Name, plural(left, "day", "days"))}
			_, err = u.queue(ctx, tx, r.at, o, domain.Notice{Kind: domain.NoticeRemindPlanEnds, Plan: &p, Remind: &domain.Reminder{DaysLeft: left}})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// DigestWeeks are the two weeks a digest run at at compares: the last
// whole week, Monday to Sunday, before the day of the run, and the one
// before it, as calendar days in loc (a week with a DST change has 167 or
// 169 hours). Weeks are the calendar's, not the run's: a digest run late
// (a catch-up on Wednesday, a collabbot remind on Friday) tells the same
// week as the Monday run would have, and is sent once for it.
func DigestWeeks(at time.Time, loc *time.Location) (this, last [2]time.Time) {
	day := startOfDay(at, loc)
	back := (int(day.Weekday()) + 6) % 7 // days since Monday
	end := day.AddDate(0, 0, -back)
	start := end.AddDate(0, 0, -7)
	return [2]time.Time{start.UTC(), end.UTC()}, [2]time.Time{start.AddDate(0, 0, -7).UTC(), start.UTC()}
}

// digest sends the sellers the last whole week's funnel beside the week
// before's, once per week (keyed by the week's Monday).
func (r *reminding) digest(ctx context.Context) error {
	this, last := DigestWeeks(r.at, r.app.loc)
	return r.unit(ctx, func(tx Tx, u *remindUnit) error {
		cur, err := tx.Funnel(ctx, this[0], this[1])
		if err != nil {
			return err
		}
		prev, err := tx.Funnel(ctx, last[0], last[1])
		if err != nil {
			return err
		}
		o := reminder{to: toChannel(domain.ChannelSellers), key: domain.PerPeriod(domain.Subject("channel", domain.ChannelSellers), "digest", this[0], r.app.loc), sendAt: r.at,
			about: fmt.Sprintf("week of %s: %d invited, %d accepted, %d sampled, %d shipped, %d posted", dateIn(this[0], r.app.loc), cur.Invited, cur.Accepted, cur.Sampled, cur.Shipped, cur.Posted)}
		_, err = u.queue(ctx, tx, r.at, o, domain.Notice{Kind: domain.NoticeDigest, Remind: &domain.Reminder{Digest: &domain.Digest{This: cur, Last: prev}}})
		return err
	})
}

// withdrawReminders takes back, inside the transaction of an answer, the
// reminders about subject still waiting to go out (a nudge queued at night
// for the creator's morning, when they accept before it): each what is a
// reminder's key step ("nudge", "due-"). Their period keys go with them,
// which is safe: the answer ends what they reminded of.
func withdrawReminders(ctx context.Context, tx Tx, subject string, whats ...string) error {
	for _, what := range whats {
		if _, err := tx.WithdrawReminders(ctx, subject+":"+what); err != nil {
			return err
		}
	}
	return nil
}
