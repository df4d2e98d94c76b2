package commands_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
	"github.com/collabbot/collabbot/store/storetest"
)

// remindSettings are the defaults of COLLABBOT_REMIND_*.
var remindSettings = commands.RemindSettings{
	NudgeAfter: 72 * time.Hour, NudgeMax: 2, ApprovalsAfter: 24 * time.Hour, ShippingAfter: 48 * time.Hour, PlansAhead: 72 * time.Hour,
	Quiet: domain.DefaultQuietHours,
}

// remind runs one job as of at and fails the test on error.
func remind(t *testing.T, app *commands.App, job string, at time.Time) commands.RemindRun {
	t.Helper()
	return remindWith(t, app, job, remindSettings, at, false)
}

func remindWith(t *testing.T, app *commands.App, job string, s commands.RemindSettings, at time.Time, dry bool) commands.RemindRun {
	t.Helper()
	run, err := app.Remind(ctxb, job, s, at, dry)
	if err != nil {
		t.Fatalf("Remind(%s at %s): %v", job, at.Format(time.RFC3339), err)
	}
	return run
}

// queuedKeys are the keys a run queued.
func queuedKeys(run commands.RemindRun) []string {
	var out []string
	for _, q := range run.Queued {
		out = append(out, q.Key)
	}
	return out
}

func wantQueued(t *testing.T, run commands.RemindRun, keys ...string) {
	t.Helper()
	if got := queuedKeys(run); !slices.Equal(got, keys) {
		t.Fatalf("%s at %s queued %q, want %q (skipped %+v)", run.Job, run.At.Format(time.RFC3339), got, keys, run.Skipped)
	}
}

func day(d time.Time) string { return d.Format("2006-01-02") }

// Nudges: NudgeAfter after the invitation, then after the last nudge, at
// most NudgeMax, each counting toward the five unanswered messages; never
// for an answered or expired invitation.
func TestRemindNudges(t *testing.T) {
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	maya, _ := mustAddCreator(t, app, "maya_glow")
	_, leo := mustAddCreator(t, app, "leo_fit")
	inv := mustInviteOne(t, app, "maya_glow", false, "P100")
	answered := mustInviteOne(t, app, "leo_fit", false, "P100")
	if _, err := app.AcceptInvitation(ctxb, leo, answered.ID); err != nil {
		t.Fatal(err)
	}
	subj := fmt.Sprintf("invitation:%d", inv.ID)

	wantQueued(t, remind(t, app, commands.JobNudge, ucStart.Add(71*time.Hour)))
	at := ucStart.Add(72 * time.Hour) // Saturday 09:00 UTC
	first := remind(t, app, commands.JobNudge, at)
	wantQueued(t, first, subj+":nudge#"+day(at))
	o := mustOutboxKey(t, db, subj+":nudge#"+day(at))
	if o.To.String() != fmt.Sprintf("creator:%d", maya.ID) || !o.Counts || o.Thread != "" || o.Notice.Kind != domain.NoticeRemindNudge {
		t.Errorf("nudge row = %+v", o)
	}
	if o.Notice.Remind == nil || o.Notice.Remind.Nudge != 1 || o.Notice.Remind.NudgeMax != 2 || len(o.Notice.Products) != 1 {
		t.Errorf("nudge notice = %+v", o.Notice)
	}
	if got := invitationOf(t, db, inv.ID).Nudges; got != 1 {
		t.Errorf("Nudges = %d, want 1", got)
	}
	if got := creatorOf(t, db, maya.ID).Unanswered; got != 2 {
		t.Errorf("Unanswered = %d, want 2 (the invitation and the nudge)", got)
	}
	if n := countEvents(t, db, subj, "invitation.nudged"); n != 1 {
		t.Errorf("%d invitation.nudged events, want 1", n)
	}

	// Again in the same period, or before NudgeAfter since the last nudge:
	// nothing.
	wantQueued(t, remind(t, app, commands.JobNudge, at.Add(time.Hour)))
	wantQueued(t, remind(t, app, commands.JobNudge, at.Add(48*time.Hour)))
	second := at.Add(72 * time.Hour)
	wantQueued(t, remind(t, app, commands.JobNudge, second), subj+":nudge#"+day(second))
	// NudgeMax reached.
	wantQueued(t, remind(t, app, commands.JobNudge, second.Add(72*time.Hour)))
	if got := invitationOf(t, db, inv.ID).Nudges; got != 2 {
		t.Errorf("Nudges = %d, want 2", got)
	}
	// The answered invitation was never nudged.
	for _, o := range outbox(t, db) {
		if strings.HasPrefix(o.Key, fmt.Sprintf("invitation:%d:nudge", answered.ID)) {
			t.Errorf("accepted invitation nudged: %s", o.Key)
		}
	}
}

// A nudge never takes a creator past five messages without an answer, and
// an expired invitation is not nudged.
func TestRemindNudgeLimits(t *testing.T) {
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	maya, _ := mustAddCreator(t, app, "maya_glow")
	mustAddCreator(t, app, "ana_eats")
	inv := mustInviteOne(t, app, "maya_glow", false, "P100")
	short := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "ana_eats"), Products: []string{"P100"}, Rate: 1500, Expires: ucStart.Add(48 * time.Hour)}).Invitations[0]

	err := db.Update(ctxb, func(tx commands.Tx) error {
		c, err := tx.Creator(ctxb, maya.ID)
		if err != nil {
			return err
		}
		return tx.AddUnanswered(ctxb, maya.ID, domain.MaxUnanswered-c.Unanswered)
	})
	mustNil(t, err, "set Unanswered")
	run := remind(t, app, commands.JobNudge, ucStart.Add(96*time.Hour))
	wantQueued(t, run)
	if len(run.Skipped) != 1 || run.Skipped[0].Handle != "@maya_glow" || !strings.Contains(run.Skipped[0].Reason, "without an answer") {
		t.Errorf("skipped = %+v, want @maya_glow and the outreach rule", run.Skipped)
	}
	if got := invitationOf(t, db, inv.ID).Nudges; got != 0 {
		t.Errorf("Nudges = %d after a skipped nudge", got)
	}
	if got := invitationOf(t, db, short.ID).Nudges; got != 0 {
		t.Errorf("expired invitation nudged %d times", got)
	}
}

// Quiet hours are the creator's: a reminder due at night in their zone
// waits for their morning; the team's channels are not held back.
func TestRemindQuietHours(t *testing.T) {
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	tokyo := mustAddCreatorTZ(t, app, "kenji_cooks", "Asia/Tokyo")
	paris := mustAddCreatorTZ(t, app, "lea_style", "Europe/Paris")
	mustInviteOne(t, app, "kenji_cooks", false, "P100")
	mustInviteOne(t, app, "lea_style", false, "P100")

	// 14:00 UTC: 23:00 in Tokyo (quiet), 16:00 in Paris (not).
	at := time.Date(2026, 5, 9, 14, 0, 0, 0, time.UTC)
	run := remind(t, app, commands.JobNudge, at)
	if len(run.Queued) != 2 {
		t.Fatalf("queued %+v", run.Queued)
	}
	for _, q := range run.Queued {
		var want time.Time
		switch q.To.CreatorID {
		case tokyo.ID:
			want = time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC) // 09:00 in Tokyo
		case paris.ID:
			want = at
		}
		if !q.SendAt.Equal(want) {
			t.Errorf("%s: SendAt %s, want %s", q.About, q.SendAt, want)
		}
		o := mustOutboxKey(t, db, q.Key)
		if !o.NextAttempt.Equal(want) || !o.Notice.At.Equal(want) {
			t.Errorf("%s: row due %s, notice as of %s; want both %s", q.Key, o.NextAttempt, o.Notice.At, want)
		}
	}
}

func mustAddCreatorTZ(t *testing.T, app *commands.App, handle, tz string) domain.Creator {
	t.Helper()
	c, _ := mustAddCreator(t, app, handle, func(c *domain.Creator) { c.TimeZone = tz })
	return c
}

// Two services on one database running the same job at once queue each
// reminder once, count it once and nudge once.
func TestRemindOnceAcrossReplicas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	db1 := sqlitetest.OpenPath(t, path)
	db2 := sqlitetest.OpenPath(t, path)
	clk := &fakeClock{t: ucStart}
	app1 := commands.New(db1, commands.Options{Clock: clk, Location: time.UTC})
	app2 := commands.New(db2, commands.Options{Clock: clk, Location: time.UTC})
	mustAddProduct(t, app1, "P100", 5, "")
	var invs []int64
	for i := range 5 {
		h := fmt.Sprintf("creator_%d", i)
		mustAddCreator(t, app1, h)
		invs = append(invs, mustInviteOne(t, app1, h, false, "P100").ID)
	}
	at := ucStart.Add(80 * time.Hour)
	var runs [4]commands.RemindRun
	var errs [4]error
	together(
		func() { runs[0], errs[0] = app1.Remind(ctxb, commands.JobNudge, remindSettings, at, false) },
		func() { runs[1], errs[1] = app2.Remind(ctxb, commands.JobNudge, remindSettings, at, false) },
		func() { runs[2], errs[2] = app1.Remind(ctxb, commands.JobDigest, remindSettings, at, false) },
		func() { runs[3], errs[3] = app2.Remind(ctxb, commands.JobDigest, remindSettings, at, false) },
	)
	for i, err := range errs {
		mustNil(t, err, fmt.Sprintf("run %d", i))
	}
	if n := len(runs[0].Queued) + len(runs[1].Queued); n != 5 {
		t.Errorf("the two replicas queued %d nudges together, want 5", n)
	}
	if n := len(runs[2].Queued) + len(runs[3].Queued); n != 1 {
		t.Errorf("the two replicas queued %d digests together, want 1", n)
	}
	nudges := 0
	for _, o := range outbox(t, db1) {
		if strings.Contains(o.Key, ":nudge#") {
			nudges++
		}
	}
	if nudges != 5 {
		t.Errorf("%d nudge rows, want 5", nudges)
	}
	for _, id := range invs {
		inv := invitationOf(t, db1, id)
		if inv.Nudges != 1 {
			t.Errorf("I%d nudged %d times", id, inv.Nudges)
		}
		if c := creatorOf(t, db1, inv.CreatorID); c.Unanswered != 2 {
			t.Errorf("creator %d: Unanswered %d, want 2", c.ID, c.Unanswered)
		}
	}
}

// samplesApp has a plan with samples that need approval, and @maya's
// request S1 for P100 made at ucStart.
func samplesApp(t *testing.T) (*commands.App, storetest.Engine, *fakeClock, commands.SampleView, domain.Actor) {
	t.Helper()
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, maya := mustAddCreator(t, app, "maya_glow")
	pl := mustSamplePlan(t, app, "Spring", false)
	s := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P100", PlanID: pl.ID})
	return app, db, clk, s, maya
}

// The approvals channel hears of requests waiting longer than the
// threshold, once a day, each named.
func TestRemindApprovals(t *testing.T) {
	app, db, _, s, _ := samplesApp(t)
	wantQueued(t, remind(t, app, commands.JobApprovals, ucStart.Add(23*time.Hour)))
	at := ucStart.Add(25 * time.Hour)
	key := "channel:approvals:waiting#" + day(at)
	wantQueued(t, remind(t, app, commands.JobApprovals, at), key)
	o := mustOutboxKey(t, db, key)
	if o.To.String() != "channel:approvals" || o.Counts || o.Notice.Remind == nil || len(o.Notice.Remind.Rows) != 1 || o.Notice.Remind.Rows[0].Sample.ID != s.ID ||
		o.Notice.Remind.Rows[0].Creator != "@maya_glow" || o.Notice.Remind.Rows[0].Product.ID != "P100" {
		t.Errorf("approvals reminder = %+v", o)
	}
	wantQueued(t, remind(t, app, commands.JobApprovals, at.Add(time.Hour)))
	next := at.Add(24 * time.Hour)
	wantQueued(t, remind(t, app, commands.JobApprovals, next), "channel:approvals:waiting#"+day(next))
	// Decided: nothing more to say.
	mustApprove(t, app, s.ID)
	wantQueued(t, remind(t, app, commands.JobApprovals, next.Add(24*time.Hour)))
}

// Sellers hear of samples approved and not shipped after the threshold.
func TestRemindShipping(t *testing.T) {
	app, db, clk, s, _ := samplesApp(t)
	clk.Advance(time.Hour)
	mustApprove(t, app, s.ID)
	approvedAt := ucStart.Add(time.Hour)
	wantQueued(t, remind(t, app, commands.JobShipping, approvedAt.Add(47*time.Hour)))
	at := approvedAt.Add(48 * time.Hour)
	key := "channel:sellers:unshipped#" + day(at)
	wantQueued(t, remind(t, app, commands.JobShipping, at), key)
	if o := mustOutboxKey(t, db, key); o.Notice.Kind != domain.NoticeRemindShipping || o.Notice.Remind.Rows[0].Sample.ID != s.ID {
		t.Errorf("shipping reminder = %+v", o.Notice)
	} else if words := cardText(rendered(o)); !strings.Contains(words, "Approved by erin") {
		t.Errorf("shipping reminder reads %q, want the manager named", words)
	}
	clk.Set(at)
	mustShip(t, app, s.ID)
	wantQueued(t, remind(t, app, commands.JobShipping, at.Add(24*time.Hour)))
}

// Creators hear 3 days and 1 day before their content is due, once each,
// keyed by the due date: an extension brings new reminders.
func TestRemindContent(t *testing.T) {
	app, db, clk, s, _ := samplesApp(t)
	mustApprove(t, app, s.ID)
	shipped := mustShip(t, app, s.ID) // due 14 days after ucStart
	due := shipped.DueAt
	subj := fmt.Sprintf("sample:%d", s.ID)

	wantQueued(t, remind(t, app, commands.JobContent, due.AddDate(0, 0, -4)))
	three := due.AddDate(0, 0, -3)
	wantQueued(t, remind(t, app, commands.JobContent, three), subj+":due-3d#"+day(due))
	wantQueued(t, remind(t, app, commands.JobContent, three.Add(time.Hour)))
	wantQueued(t, remind(t, app, commands.JobContent, due.AddDate(0, 0, -2)))
	one := due.AddDate(0, 0, -1)
	wantQueued(t, remind(t, app, commands.JobContent, one), subj+":due-1d#"+day(due))
	o := mustOutboxKey(t, db, subj+":due-1d#"+day(due))
	if !o.Counts || o.Notice.Kind != domain.NoticeRemindContent || o.Notice.Remind.DaysLeft != 1 || o.Notice.Sample.ID != s.ID {
		t.Errorf("last call = %+v", o)
	}

	clk.Set(one)
	ext, err := app.ExtendSample(ctxb, dana, s.ID)
	mustNil(t, err, "ExtendSample")
	wantQueued(t, remind(t, app, commands.JobContent, ext.DueAt.AddDate(0, 0, -3)), subj+":due-3d#"+day(ext.DueAt))
}

// A run that finds the last call due sends only that; one that comes
// after it (a run --at an earlier time) adds no first notice.
func TestRemindContentLastCallOnly(t *testing.T) {
	app, _, _, s, _ := samplesApp(t)
	mustApprove(t, app, s.ID)
	due := mustShip(t, app, s.ID).DueAt
	subj := fmt.Sprintf("sample:%d", s.ID)
	wantQueued(t, remind(t, app, commands.JobContent, due.Add(-20*time.Hour)), subj+":due-1d#"+day(due))
	wantQueued(t, remind(t, app, commands.JobContent, due.AddDate(0, 0, -3)))
}

// Overdue samples are listed to the sellers, but not on the day the
// deadline sweep already flagged them.
func TestRemindOverdue(t *testing.T) {
	app, db, clk, s, _ := samplesApp(t)
	mustApprove(t, app, s.ID)
	due := mustShip(t, app, s.ID).DueAt
	clk.Set(due.Add(time.Minute))
	res, err := app.ExpireDue(ctxb)
	mustNil(t, err, "ExpireDue")
	if res.SamplesOverdue != 1 {
		t.Fatalf("sweep: %+v", res)
	}
	wantQueued(t, remind(t, app, commands.JobOverdue, due.Add(2*time.Hour)))
	next := due.Add(24 * time.Hour)
	key := "channel:sellers:overdue#" + day(next)
	wantQueued(t, remind(t, app, commands.JobOverdue, next), key)
	if o := mustOutboxKey(t, db, key); o.Notice.Remind.Rows[0].Sample.State != domain.SampleOverdue {
		t.Errorf("overdue reminder = %+v", o.Notice)
	}
}

// Plans ending within PlansAhead are told once per end date.
func TestRemindPlans(t *testing.T) {
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	end := ucStart.AddDate(0, 0, 10)
	pl := mustPlan(t, app, commands.PlanRequest{Name: "Spring", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}}, End: end})
	mustPlan(t, app, commands.PlanRequest{Name: "Evergreen", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 800}}})
	wantQueued(t, remind(t, app, commands.JobPlans, pl.EndsAt.Add(-73*time.Hour)))
	at := pl.EndsAt.Add(-48 * time.Hour)
	key := fmt.Sprintf("plan:%d:ending#%s", pl.ID, day(pl.EndsAt))
	wantQueued(t, remind(t, app, commands.JobPlans, at), key)
	wantQueued(t, remind(t, app, commands.JobPlans, at.Add(24*time.Hour)))
	if o := mustOutboxKey(t, db, key); o.To.String() != "channel:sellers" || o.Notice.Plan.ID != pl.ID || o.Notice.Remind.DaysLeft != 2 {
		t.Errorf("plan reminder = %+v", o.Notice)
	}
}

// The digest compares the seven days before the run's day with the seven
// before those, once a week.
func TestRemindDigest(t *testing.T) {
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, maya := mustAddCreator(t, app, "maya_glow")
	mustAddCreator(t, app, "leo_fit")
	inv := mustInviteOne(t, app, "maya_glow", true, "P100") // Wed 6 May: last week for a digest on Mon 18 May
	clk.Set(ucStart.AddDate(0, 0, 7))                       // Wed 13 May: this week
	if _, err := app.AcceptInvitation(ctxb, maya, inv.ID); err != nil {
		t.Fatal(err)
	}
	mustInviteOne(t, app, "leo_fit", false, "P100")
	s := mustRequest(t, app, maya, commands.SampleInput{ProductID: "P100", InvitationID: inv.ID})
	mustApprove(t, app, s.ID)
	mustShip(t, app, s.ID)

	at := time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC) // Monday
	key := "channel:sellers:digest#2026-05-11"
	wantQueued(t, remind(t, app, commands.JobDigest, at), key)
	d := mustOutboxKey(t, db, key).Notice.Remind.Digest
	wantThis := domain.Funnel{From: time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 18, 0, 0, 0, 0, time.UTC), Invited: 1, Accepted: 1, Sampled: 1, Shipped: 1}
	wantLast := domain.Funnel{From: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC), Invited: 1}
	if d == nil || !funnelEqual(d.This, wantThis) || !funnelEqual(d.Last, wantLast) {
		t.Fatalf("digest = %+v, want this %+v, last %+v", d, wantThis, wantLast)
	}
	wantQueued(t, remind(t, app, commands.JobDigest, at.Add(5*time.Hour)))
	wantQueued(t, remind(t, app, commands.JobDigest, at.AddDate(0, 0, 7)), "channel:sellers:digest#2026-05-18")
}

func funnelEqual(a, b domain.Funnel) bool {
	return a.From.Equal(b.From) && a.To.Equal(b.To) && a.Stages() == b.Stages()
}

// Weeks and period keys follow the team's calendar through a DST change:
// the week of Paris's spring-forward has 167 hours, and a run just after
// local midnight is keyed by the local day, not the UTC one.
func TestRemindDST(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	mustNil(t, err, "LoadLocation")
	at := time.Date(2026, 3, 30, 9, 0, 0, 0, paris) // Monday after 29 March
	this, last := commands.DigestWeeks(at, paris)
	if got := this[1].Sub(this[0]); got != 167*time.Hour {
		t.Errorf("DST week is %v long, want 167h", got)
	}
	if got := last[1].Sub(last[0]); got != 168*time.Hour {
		t.Errorf("week before is %v long, want 168h", got)
	}
	if s := this[0].In(paris).Format("Mon 2006-01-02 15:04"); s != "Mon 2026-03-23 00:00" {
		t.Errorf("week starts %s", s)
	}
	if s := this[1].In(paris).Format("Mon 2006-01-02 15:04"); s != "Mon 2026-03-30 00:00" {
		t.Errorf("week ends %s", s)
	}

	app, _, _ := newAppWith(t, commands.Options{Location: paris})
	mustAddProduct(t, app, "P100", 5, "")
	mustAddCreator(t, app, "maya_glow")
	inv := mustInviteOne(t, app, "maya_glow", false, "P100")
	// 22:30 UTC on 6 May is 00:30 on 7 May in Paris (summer time).
	run := remindWith(t, app, commands.JobNudge, commands.RemindSettings{NudgeAfter: time.Hour, NudgeMax: 1}, time.Date(2026, 5, 6, 22, 30, 0, 0, time.UTC), false)
	wantQueued(t, run, fmt.Sprintf("invitation:%d:nudge#2026-05-07", inv.ID))
}

// A dry run reports what it would queue and changes nothing.
func TestRemindDryRun(t *testing.T) {
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddCreator(t, app, "maya_glow")
	inv := mustInviteOne(t, app, "maya_glow", false, "P100")
	before := stateOf(t, db)
	at := ucStart.Add(80 * time.Hour)
	run := remindWith(t, app, commands.JobNudge, remindSettings, at, true)
	wantQueued(t, run, fmt.Sprintf("invitation:%d:nudge#%s", inv.ID, day(at)))
	if !run.DryRun {
		t.Error("DryRun not reported")
	}
	wantQueued(t, remindWith(t, app, commands.JobDigest, remindSettings, at, true), "channel:sellers:digest#2026-04-27")
	wantUnchanged(t, db, before)
	if n := invitationOf(t, db, inv.ID).Nudges; n != 0 {
		t.Errorf("dry run nudged: Nudges %d", n)
	}
	last := readOne(t, db, "ReminderRun", func(tx commands.Tx) (time.Time, error) { return tx.ReminderRun(ctxb, commands.JobNudge) })
	if !last.IsZero() {
		t.Errorf("dry run recorded a run at %v", last)
	}
	// The real run queues what the dry run said.
	wantQueued(t, remind(t, app, commands.JobNudge, at), queuedKeys(run)...)
}

// daily10 is "0 10 * * *" in UTC.
func daily10(t time.Time) time.Time {
	t = t.UTC()
	next := time.Date(t.Year(), t.Month(), t.Day(), 10, 0, 0, 0, time.UTC)
	if !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// A run missed while the service was down is caught up once at start, as
// of the start; a first start only records; a start with nothing missed
// runs nothing.
func TestRemindCatchUp(t *testing.T) {
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddCreator(t, app, "maya_glow")
	mustInviteOne(t, app, "maya_glow", false, "P100")
	jobs := []commands.RemindSchedule{{Job: commands.JobNudge, Next: daily10}, {Job: commands.JobDigest, Next: daily10}}

	catchUp := func() []commands.RemindRun {
		t.Helper()
		runs, err := app.CatchUpReminders(ctxb, remindSettings, jobs)
		mustNil(t, err, "CatchUpReminders")
		return runs
	}
	if runs := catchUp(); len(runs) != 0 {
		t.Fatalf("first start ran %+v", runs)
	}
	if n := len(outbox(t, db)); n != 1 { // the invitation
		t.Fatalf("first start queued: %d rows", n)
	}
	clk.Advance(5 * time.Hour) // 14:00 the same day: 10:00 was missed
	runs := catchUp()
	if len(runs) != 2 || !runs[0].At.Equal(clk.Now()) {
		t.Fatalf("catch-up after a missed run: %+v", runs)
	}
	if runs := catchUp(); len(runs) != 0 {
		t.Fatalf("second start the same day ran again: %+v", runs)
	}
	digests := func() []string {
		t.Helper()
		var out []string
		for _, o := range outbox(t, db) {
			if strings.Contains(o.Key, ":digest#") {
				out = append(out, o.Key)
			}
		}
		return out
	}
	// Down for six days (to Tuesday): one catch-up run each, not six,
	// and one digest for the week that ended.
	clk.Advance(6 * 24 * time.Hour)
	runs = catchUp()
	if len(runs) != 2 {
		t.Fatalf("catch-up after six missed days: %d runs", len(runs))
	}
	if got, want := digests(), []string{"channel:sellers:digest#2026-04-27", "channel:sellers:digest#2026-05-04"}; !slices.Equal(got, want) {
		t.Errorf("digests %q, want %q (one a week)", got, want)
	}
	// Down again until Sunday: the week is not over, no second digest.
	clk.Advance(5 * 24 * time.Hour)
	if runs := catchUp(); len(runs) != 2 {
		t.Fatalf("catch-up on Sunday: %d runs", len(runs))
	}
	if got := digests(); len(got) != 2 {
		t.Errorf("digests %q after a catch-up within the same week", got)
	}
	if n := countEvents(t, db, "", "invitation.nudged"); n != 2 {
		t.Errorf("%d nudges, want 2 (the first catch-up was within NudgeAfter)", n)
	}
}

func TestRemindUnknownJob(t *testing.T) {
	app, _, _ := newApp(t)
	_, err := app.Remind(ctxb, "weekly", remindSettings, ucStart, false)
	wantErr(t, err, domain.KindInvalid, "job", "nudge, approvals")
}

// A reminder that would arrive, after the creator's quiet hours, too late
// (the invitation expired, the content already due) is not sent.
func TestRemindNotAfterTheDeadline(t *testing.T) {
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	mustAddCreatorTZ(t, app, "kenji_cooks", "Asia/Tokyo")
	inv := mustInvite(t, app, commands.InviteRequest{Creators: targets(t, "kenji_cooks"), Products: []string{"P100"}, Rate: 1500, Expires: time.Date(2026, 5, 10, 17, 0, 0, 0, time.UTC)}).Invitations[0]
	// The invitation ends at 17:00 UTC on 10 May, 02:00 on 11 May in
	// Tokyo; at 14:00 UTC it is 23:00 there, and the nudge would wait
	// until 09:00, after the end.
	at := time.Date(2026, 5, 10, 14, 0, 0, 0, time.UTC)
	wantQueued(t, remind(t, app, commands.JobNudge, at))
	if got := invitationOf(t, db, inv.ID).Nudges; got != 0 {
		t.Errorf("Nudges = %d", got)
	}
}

// A reminder waiting for the creator's morning is taken back when they
// answer first: accepting withdraws the nudge, posting the content the
// content reminder. One already sent stays sent.
func TestRemindWithdrawnByTheAnswer(t *testing.T) {
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	kenji := mustAddCreatorTZ(t, app, "kenji_cooks", "Asia/Tokyo")
	act, err := app.CreatorActorByHandle(ctxb, "kenji_cooks")
	mustNil(t, err, "CreatorActorByHandle")
	inv := mustInviteOne(t, app, "kenji_cooks", true, "P100")
	night := time.Date(2026, 5, 9, 14, 0, 0, 0, time.UTC) // 23:00 in Tokyo
	run := remind(t, app, commands.JobNudge, night)
	wantQueued(t, run, fmt.Sprintf("invitation:%d:nudge#2026-05-09", inv.ID))
	clk.Set(night.Add(time.Hour))
	if _, err := app.AcceptInvitation(ctxb, act, inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := outboxKey(t, db, run.Queued[0].Key); ok {
		t.Errorf("the nudge waiting for the morning is still queued after the answer")
	}
	if c := creatorOf(t, db, kenji.ID); c.Unanswered != 0 {
		t.Errorf("Unanswered = %d after the answer", c.Unanswered)
	}

	s := mustRequest(t, app, act, commands.SampleInput{ProductID: "P100", InvitationID: inv.ID})
	mustApprove(t, app, s.ID)
	due := mustShip(t, app, s.ID).DueAt
	at := time.Date(due.Year(), due.Month(), due.Day()-3, 14, 0, 0, 0, time.UTC) // 23:00 in Tokyo, three days before
	content := remind(t, app, commands.JobContent, at)
	if len(content.Queued) != 1 {
		t.Fatalf("content reminder: %+v", content)
	}
	clk.Set(at.Add(time.Hour))
	if _, err := app.SubmitContent(ctxb, act, s.ID, "https://www.tiktok.com/@kenji_cooks/video/7300000000000000001"); err != nil {
		t.Fatal(err)
	}
	if _, ok := outboxKey(t, db, content.Queued[0].Key); ok {
		t.Errorf("the content reminder is still queued after the content came")
	}
}
