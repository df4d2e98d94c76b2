package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/config"
	"github.com/collabbot/collabbot/store/sqlite"
)

// remindScript leaves a pending invitation to @maya_glow made at fixedNow
// (Friday 27 November 2026, 10:00 UTC).
const remindScript = `product add P100 "Glow Serum" price=24.90 stock=5
creator add @maya_glow discord=111111111111111111 followers=52000 niche=beauty
invite @maya_glow P100 15% "We love your videos!"
`

func remindDB(t *testing.T) string {
	t.Helper()
	db := tempDB(t)
	if code, _, stderr := runMain(t, db, remindScript, nil, "console"); code != 0 {
		t.Fatalf("console: exit %d: %s", code, stderr)
	}
	return db
}

// collabbot remind: a dry run prints what it would queue and queues
// nothing; the real run queues exactly that, once.
func TestRemindCommand(t *testing.T) {
	db := remindDB(t)
	const at = "2026-11-30T10:00:00Z" // three days on: the first nudge is due
	const key = "invitation:1:nudge#2026-11-30"

	code, out, stderr := runMain(t, db, "", nil, "remind", "--job", "nudge", "--at", at, "--dry-run")
	if code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, stderr)
	}
	for _, w := range []string{"Reminders as of 2026-11-30T10:00:00Z (nudge):", "JOB", "nudge  @maya_glow", key, "I1 (@maya_glow), nudge 1 of 2", "Would queue 1 reminder; this was a dry run, nothing was queued."} {
		if !strings.Contains(out, w) {
			t.Errorf("dry run output lacks %q:\n%s", w, out)
		}
	}
	if _, out, _ := runMain(t, db, "", nil, "outbox"); strings.Contains(out, "nudge") {
		t.Fatalf("a dry run queued a nudge:\n%s", out)
	}

	code, out, stderr = runMain(t, db, "", nil, "remind", "--job=nudge", "--at", at)
	if code != 0 || !strings.Contains(out, key) || !strings.Contains(out, "Queued 1 reminder; collabbot serve delivers them.") {
		t.Fatalf("remind: exit %d\n%s%s", code, out, stderr)
	}
	if _, out, _ := runMain(t, db, "", nil, "outbox", "--state", "pending"); !strings.Contains(out, key) {
		t.Fatalf("outbox lacks the nudge:\n%s", out)
	}
	// Again, for the same period: nothing more.
	if code, out, _ := runMain(t, db, "", nil, "remind", "--job", "nudge", "--at", at); code != 0 || !strings.Contains(out, "Nothing to remind") {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	// Every scheduled job, as of now (fixedNow): the digest of the week
	// before, nothing else due yet.
	code, out, stderr = runMain(t, db, "", nil, "remind")
	if code != 0 || !strings.Contains(out, "(nudge, approvals, shipping, content, overdue, plans, digest)") || !strings.Contains(out, "channel:sellers:digest#2026-11-16") {
		t.Fatalf("remind with every job: exit %d\n%s%s", code, out, stderr)
	}
	// A job switched off is not run when all are.
	if _, out, _ := runMain(t, db, "", map[string]string{"COLLABBOT_REMIND_DIGEST": "off"}, "remind", "--dry-run"); strings.Contains(out, "digest") {
		t.Errorf("digest=off still ran:\n%s", out)
	}
}

func TestRemindCommandArguments(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"remind", "--help"}, 0, "collabbot remind [--job NAME] [--at RFC3339] [--dry-run]"},
		{[]string{"help", "remind"}, 0, "--dry-run prints what they would queue"},
		{[]string{"remind", "--job", "weekly"}, 2, `--job must be one of nudge, approvals, shipping, content, overdue, plans, digest, got "weekly"`},
		{[]string{"remind", "--at", "monday"}, 2, `--at must be a time like 2026-12-07T09:00:00+01:00 (RFC 3339), got "monday"`},
		{[]string{"remind", "--dry-run=maybe"}, 2, `flag --dry-run takes no value (or =true, =false), got "maybe"`},
		{[]string{"remind", "--dry-run", "--dry-run"}, 2, "flag --dry-run is given twice"},
		{[]string{"remind", "nudge"}, 2, `unexpected argument "nudge": collabbot remind takes none`},
		{[]string{"remind", "--frob"}, 2, `unknown flag "--frob": collabbot remind takes --job, --at, --dry-run`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			db := tempDB(t)
			code, out, stderr := runMain(t, db, "", nil, tc.args...)
			if code != tc.code || !strings.Contains(out+stderr, tc.want) {
				t.Errorf("exit %d, want %d with %q:\n%s%s", code, tc.code, tc.want, out, stderr)
			}
		})
	}
	// A bad schedule is a configuration problem naming the variable.
	code, _, stderr := runMain(t, tempDB(t), "", map[string]string{"COLLABBOT_REMIND_NUDGE": "daily"}, "remind")
	if code != 2 || !strings.Contains(stderr, "COLLABBOT_REMIND_NUDGE must be a cron spec") {
		t.Errorf("bad spec: exit %d %s", code, stderr)
	}
}

// serveDeps are what serve hands addReminders, over the database at path
// with the clock at *now.
func serveDeps(t *testing.T, path string, now *time.Time, reg *prometheus.Registry) platformDeps {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := func() time.Time { return *now }
	app := commands.New(db, commands.Options{Clock: commands.ClockFunc(clock), Location: cfg.TimeZone})
	return platformDeps{Cfg: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), App: app, DB: db, Now: clock, Metrics: reg}
}

// serve's reminders: every job is on its cron, a run is counted by job and
// outcome with what it queued, and a run missed while serve was down is
// caught up once at the next start.
func TestServeReminders(t *testing.T) {
	path := remindDB(t)
	now := fixedNow
	reg := prometheus.NewRegistry()
	d := serveDeps(t, path, &now, reg)
	sched := cron.New(cron.WithLocation(d.Cfg.TimeZone), cron.WithChain(cron.Recover(cronLogger{d.Log}), cron.SkipIfStillRunning(cronLogger{d.Log})))
	entries := addReminders(context.Background(), sched, d)
	if n := len(sched.Entries()); n != len(commands.RemindJobs) || len(entries) != n {
		t.Fatalf("%d cron entries (%d by job), want one a job (%d)", n, len(entries), len(commands.RemindJobs))
	}
	// The first start only records the runs: nothing was missed.
	if got := reminderRuns(t, reg, "nudge", "ok"); got != 0 {
		t.Fatalf("first start ran the nudge job %v times", got)
	}
	// The nudge entry, as the cron would run it three days on.
	now = fixedNow.Add(72 * time.Hour)
	nudge := sched.Entry(entries["nudge"])
	if next := nudge.Schedule.Next(fixedNow); !next.Equal(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("nudge entry next runs %s, want 10:00 the next day (0 10 * * *)", next)
	}
	nudge.WrappedJob.Run()
	if got := reminderRuns(t, reg, "nudge", "ok"); got != 1 {
		t.Errorf("nudge runs ok = %v, want 1", got)
	}
	if got := reminderQueued(t, reg, "nudge"); got != 1 {
		t.Errorf("nudges queued = %v, want 1", got)
	}

	// Down for a week: one catch-up run each at the next start, not seven.
	now = now.AddDate(0, 0, 7)
	reg2 := prometheus.NewRegistry()
	d2 := serveDeps(t, path, &now, reg2)
	addReminders(context.Background(), cron.New(), d2)
	for _, job := range commands.RemindJobs {
		if got := reminderRuns(t, reg2, job, "ok"); got != 1 {
			t.Errorf("%s: %v catch-up runs, want 1", job, got)
		}
	}
	if got := reminderQueued(t, reg2, "nudge"); got != 1 {
		t.Errorf("catch-up queued %v nudges, want 1 (the second)", got)
	}
	// And a start right after: nothing missed, nothing run.
	reg3 := prometheus.NewRegistry()
	d3 := serveDeps(t, path, &now, reg3)
	addReminders(context.Background(), cron.New(), d3)
	if got := reminderRuns(t, reg3, "digest", "ok"); got != 0 {
		t.Errorf("a start right after a catch-up ran the digest %v times", got)
	}
}

// reminderRuns finds collabbot_reminder_runs_total{job, outcome} on reg.
func reminderRuns(t *testing.T, reg *prometheus.Registry, job, outcome string) float64 {
	t.Helper()
	return gathered(t, reg, "collabbot_reminder_runs_total", map[string]string{"job": job, "outcome": outcome})
}

func reminderQueued(t *testing.T, reg *prometheus.Registry, job string) float64 {
	t.Helper()
	return gathered(t, reg, "collabbot_reminders_queued_total", map[string]string{"job": job})
}

// gathered is the value of one series of a counter on reg.
func gathered(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					continue series
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no %s%v on the registry", name, labels)
	return 0
}

// Schedules are read on the team's wall clock through DST changes: the
// Monday digest stays at 09:00 in Paris on both sides of a change, and a
// daily run in the skipped hour of the spring-forward night is not run
// twice or early.
func TestRemindSchedulesAcrossDST(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec       string
		from, want time.Time
	}{
		{"0 9 * * 1", time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC)},   // CEST: 09:00 is 07:00 UTC
		{"0 9 * * 1", time.Date(2026, 3, 21, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 23, 8, 0, 0, 0, time.UTC)},   // CET: 08:00 UTC
		{"0 9 * * 1", time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC), time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC)}, // back to CET
		{"30 2 * * *", time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 0, 30, 0, 0, time.UTC)}, // 02:30 on 29 March does not exist
	} {
		s, err := cron.ParseStandard(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := nextIn(s, paris)(tc.from); !got.Equal(tc.want) {
			t.Errorf("%q after %s: %s, want %s", tc.spec, tc.from, got.UTC(), tc.want)
		}
	}
}

// FuzzRemindArgs: any command line for remind parses or is a usage error
// (exit 2), never a panic; what parses names a known job and a real time.
func FuzzRemindArgs(f *testing.F) {
	for _, s := range []string{"--job nudge", "--job=digest --dry-run", "--at 2026-12-07T09:00:00+01:00", "--dry-run=false", "--dry-run=maybe", "--job", "--at monday", "-- --job", "--job nudge --job digest", "x"} {
		f.Add(s)
	}
	cmd, ok := lookupCommand("remind")
	if !ok {
		f.Fatal("no remind command")
	}
	f.Fuzz(func(t *testing.T, line string) {
		l, err := parseCommandLine(cmd, strings.Fields(line))
		if err != nil {
			if _, ok := err.(usageError); !ok {
				t.Fatalf("%q: error %T %v, want a usage error", line, err, err)
			}
			return
		}
		if l.help {
			return
		}
		a, err := parseRemind(l)
		if err != nil {
			t.Fatalf("%q: checked by parseCommandLine, then %v", line, err)
		}
		for _, j := range a.jobs {
			if !slices.Contains(commands.RemindJobs, j) {
				t.Fatalf("%q: job %q", line, j)
			}
		}
	})
}
