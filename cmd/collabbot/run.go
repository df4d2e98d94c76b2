package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/collabbot/collabbot/bot/console"
	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/config"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/server"
	"github.com/collabbot/collabbot/store"
)

// Env is the process's world, passed in so tests run Main as the binary.
type Env struct {
	Args            []string
	Stdin           io.Reader
	Stdout, Stderr  io.Writer
	Getenv          func(string) string
	StdinIsTerminal bool
	// Clock overrides time.Now (tests).
	Clock func() time.Time
	// Senders stand in for chat platforms' senders by surface (tests: a
	// recording fake for Slack or Discord); nil in the binary.
	Senders map[domain.Surface]delivery.Sender
	// DeliverEvery is how often serve drains the outbox (default 1s; tests
	// shorten it).
	DeliverEvery time.Duration
	// SweepEvery is how often serve applies deadlines (default a minute;
	// the peak-RSS benchmark shortens it to see two sweeps in a second).
	SweepEvery time.Duration
	// Swept is called after each deadline sweep with its outcome (tests:
	// the signal that a sweep finished); nil in the binary.
	Swept func(commands.SweepResult, error)
}

// cliActor is who acts for command-line maintenance: the operator running
// the binary already holds the database file.
var cliActor = domain.Actor{Role: domain.RoleManager, MemberID: "cli", Name: "command line"}

// Main runs one subcommand and returns the exit code: 0 ok, 1 failure, 2
// bad usage, a bad argument or bad configuration.
func Main(ctx context.Context, env Env) int {
	if len(env.Args) == 0 {
		fmt.Fprint(env.Stderr, usage())
		return 2
	}
	name, raw := env.Args[0], env.Args[1:]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	}
	cmd, ok := lookupCommand(name)
	if !ok {
		fmt.Fprintf(env.Stderr, "collabbot: unknown command %q\n\n%s", name, usage())
		return 2
	}
	// The command line is checked before the configuration, so --help
	// works in any environment and nothing runs on a bad one.
	line, err := parseCommandLine(cmd, raw)
	if err == nil && line.help {
		if cmd.name == "help" {
			fmt.Fprint(env.Stdout, usage())
		} else {
			fmt.Fprint(env.Stdout, usageOf(cmd))
		}
		return 0
	}
	if err != nil {
		return badUsage(env, cmd, err)
	}
	if cmd.name == "help" {
		return help(env, line.args)
	}
	if cmd.unavailable != "" {
		fmt.Fprintf(env.Stderr, "collabbot %s: not available in this build yet; %s.\n", name, cmd.unavailable)
		return 1
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		fmt.Fprintf(env.Stderr, "collabbot: configuration problems:\n%v\n", err)
		return 2
	}
	log := newLogger(cfg, env.Stderr)
	if err := run(ctx, name, line, cfg, log, env); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return badUsage(env, cmd, err)
		}
		var be badInput
		if errors.As(err, &be) {
			fmt.Fprintf(env.Stderr, "collabbot %s: %s\n", name, be.msg)
			return 2
		}
		fmt.Fprintf(env.Stderr, "collabbot %s: %s\n", name, describe(err))
		log.Debug("command failed", "command", name, "err", err)
		return 1
	}
	return 0
}

// help prints collabbot's usage, or one command's (collabbot help backup).
func help(env Env, args []string) int {
	if len(args) == 0 || args[0] == "help" {
		fmt.Fprint(env.Stdout, usage())
		return 0
	}
	if cmd, ok := lookupCommand(args[0]); ok {
		fmt.Fprint(env.Stdout, usageOf(cmd))
		return 0
	}
	fmt.Fprintf(env.Stderr, "collabbot help: unknown command %q\n\n%s", args[0], usage())
	return 2
}

// badUsage reports a usage error with the command's usage, exit 2.
func badUsage(env Env, cmd command, err error) int {
	fmt.Fprintf(env.Stderr, "collabbot %s: %s\n\n%s", cmd.name, err.Error(), usageOf(cmd))
	return 2
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// badInput is a bad argument found when it is used (a file that is not
// there, one that would be overwritten) or a missing or bad setting: exit
// 2, said in a person's words, without the usage. Its message does not
// start with the command's name: Main prints that.
type badInput struct{ msg string }

func (e badInput) Error() string { return e.msg }

func badInputf(format string, args ...any) error { return badInput{fmt.Sprintf(format, args...)} }

// fileProblem says why path cannot be read or written (verb), naming the
// file and none of Go's own wording ("stat", "open").
func fileProblem(verb, path string, err error) error {
	why := "it cannot be opened"
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = "no such file"
		if verb == "write" {
			why = "its folder " + filepath.Dir(path) + " does not exist"
		}
	case errors.Is(err, fs.ErrPermission):
		why = "permission denied"
	case errors.Is(err, syscall.EISDIR):
		why = "it is a folder, not a file"
	case errors.Is(err, syscall.ENOTDIR):
		why = "a part of the path is a file, not a folder"
	case errors.As(err, &pe):
		why = pe.Err.Error()
	}
	return badInputf("cannot %s %s: %s", verb, path, why)
}

// describe is what a person reads about a failure: our own errors carry a
// message written for them; anything else is shown as is, because the
// operator at the command line owns the machine it came from.
func describe(err error) string {
	var de *domain.Error
	if errors.As(err, &de) && de.Kind != domain.KindInternal {
		return de.Message
	}
	return err.Error()
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func run(ctx context.Context, cmd string, line cmdLine, cfg config.Config, log *slog.Logger, env Env) error {
	args := line.args
	if h, ok := offlineCommands[cmd]; ok {
		return h(ctx, line, cfg, log, env)
	}
	switch cmd {
	case "import":
		// Refused by its size before anything is read or opened: parsing
		// a huge file only to refuse it would hold it in memory first.
		if err := checkCSVSize(args[1]); err != nil {
			return err
		}
	case "backup":
		if err := checkNewFile(args[0]); err != nil {
			return err
		}
	case "export":
		if len(args) == 2 {
			if err := checkNewFile(args[1]); err != nil {
				return err
			}
		}
	}
	if cmd == "backup" || cmd == "export" || cmd == "outbox" || cmd == "remind" {
		// These read what is there: a mistyped path must not quietly
		// create an empty database and report success.
		if path, ok := sqlitePath(cfg.DB); ok {
			if _, err := os.Stat(path); err != nil {
				// COLLABBOT_DB names nothing: bad configuration, exit 2.
				return badInputf("no database at %s (COLLABBOT_DB)", path)
			}
		}
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	now := env.Clock
	if now == nil {
		now = time.Now
	}
	app := commands.New(db, commands.Options{
		Clock: commands.ClockFunc(now), Location: cfg.TimeZone, Logger: log, WeeklyInviteCap: cfg.WeeklyInviteCap,
	})
	switch cmd {
	case "migrate":
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Database %s is up to date.\n", cfg.RedactedDB())
		return nil
	case "import":
		return importCSV(ctx, app, args, env.Stdout)
	case "export":
		return export(ctx, app, args, env.Stdout)
	case "backup":
		if err := db.Backup(ctx, args[0]); err != nil {
			var de *domain.Error
			if errors.As(err, &de) && de.Kind == domain.KindConflict {
				return badInput{de.Message} // written since checkNewFile looked
			}
			return err
		}
		fmt.Fprintf(env.Stdout, "Backup written to %s.\n", args[0])
		return nil
	case "outbox":
		return outbox(ctx, db, app, line, now, env.Stdout)
	case "console":
		if err := app.SeedManagers(ctx, cfg.Slack.Managers); err != nil {
			return err
		}
		// A configured platform's messages are serve's to deliver (it may
		// share this database): the console prints only the others.
		if msg := consoleNotice(cfg); msg != "" {
			fmt.Fprintln(env.Stdout, msg)
		}
		c := console.New(app, db, env.Stdout, console.Options{Interactive: env.StdinIsTerminal, Now: now, Log: log,
			Surfaces: consoleSurfaces(cfg), RetryFor: cfg.RetryFor, Editor: newEditor(env)})
		return c.Run(ctx, env.Stdin)
	}
	if h, ok := storeCommands[cmd]; ok {
		return h(ctx, line, platformDeps{Cfg: cfg, Log: log, App: app, DB: db, Now: now, Env: env})
	}
	return serve(ctx, cfg, log, env, db, app, now)
}

// offlineCommands are subcommands that need no database (slack-manifest,
// discord-register), registered by the file that implements them.
var offlineCommands = map[string]func(ctx context.Context, line cmdLine, cfg config.Config, log *slog.Logger, env Env) error{}

// storeCommands are subcommands that work on the database (remind),
// registered by the file that implements them.
var storeCommands = map[string]func(ctx context.Context, line cmdLine, d platformDeps) error{}

// sqlitePath is the file behind a SQLite DSN, when it names one.
func sqlitePath(dsn string) (string, bool) {
	if strings.Contains(dsn, "://") {
		return "", false
	}
	path := strings.TrimPrefix(dsn, "file:")
	path, _, _ = strings.Cut(path, "?")
	return path, path != "" && path != ":memory:"
}

// checkCSVSize refuses a regular file larger than an import accepts; a
// pipe or device is bounded by the parser as it reads.
func checkCSVSize(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fileProblem("read", path, err)
	}
	if st.IsDir() {
		return fileProblem("read", path, syscall.EISDIR)
	}
	if st.Mode().IsRegular() && st.Size() > commands.MaxCSVBytes {
		return domain.Invalidf("file", "%s is %.1f MB; a CSV import is at most %d MB, so split it into smaller files (nothing was imported)",
			path, float64(st.Size())/(1<<20), commands.MaxCSVBytes>>20)
	}
	return nil
}

// checkNewFile refuses, before the database is opened, a file to write
// that exists (nothing is ever overwritten) or whose folder does not.
func checkNewFile(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return badInputf("%s already exists; choose a new file name", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fileProblem("write", path, err)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fileProblem("write", path, err)
	}
	if !st.IsDir() {
		return fileProblem("write", path, syscall.ENOTDIR)
	}
	return nil
}

func importCSV(ctx context.Context, app *commands.App, args []string, out io.Writer) error {
	f, err := os.Open(args[1])
	if err != nil {
		return fileProblem("read", args[1], err)
	}
	defer f.Close()
	var res commands.ImportResult
	if args[0] == "creators" {
		rows, cols, err := commands.ParseCreatorsCSV(f)
		if err != nil {
			return fmt.Errorf("%s: %w", args[1], err)
		}
		res, err = app.ImportCreators(ctx, cliActor, rows, cols)
		if err != nil {
			return fmt.Errorf("%s: %w (nothing was imported)", args[1], err)
		}
	} else {
		rows, cols, err := app.ParseProductsCSV(ctx, f)
		if err != nil {
			return fmt.Errorf("%s: %w", args[1], err)
		}
		res, err = app.ImportProducts(ctx, cliActor, rows, cols)
		if err != nil {
			return fmt.Errorf("%s: %w (nothing was imported)", args[1], err)
		}
	}
	what := args[0]
	if res.Added+res.Updated == 1 {
		what = strings.TrimSuffix(what, "s")
	}
	fmt.Fprintf(out, "Imported %d %s from %s: %d new, %d updated, %d unchanged.\n", res.Added+res.Updated+res.Unchanged, what, args[1], res.Added, res.Updated, res.Unchanged)
	return nil
}

func export(ctx context.Context, app *commands.App, args []string, stdout io.Writer) error {
	kind := args[0]
	w := stdout
	var f *os.File
	if len(args) == 2 {
		var err error
		// Never overwrite: a slip of the keyboard could name the database.
		if f, err = os.OpenFile(args[1], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
			if errors.Is(err, os.ErrExist) {
				return badInputf("%s already exists; choose a new file name", args[1])
			}
			return fileProblem("write", args[1], err)
		}
		w = f
	}
	var n int
	var err error
	if kind == "invitations" {
		n, err = app.ExportInvitations(ctx, cliActor, w)
	} else {
		n, err = app.ExportSamples(ctx, cliActor, w)
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			what := kind
			if n == 1 {
				what = strings.TrimSuffix(kind, "s")
			}
			fmt.Fprintf(stdout, "Wrote %d %s to %s.\n", n, what, args[1])
		}
	}
	return err
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, env Env, db store.DB, app *commands.App, now func() time.Time) error {
	log.Info("starting collabbot", "db", cfg.RedactedDB(), "timezone", cfg.TimeZoneName, "slack", cfg.SlackEnabled(), "discord", cfg.DiscordEnabled())
	log.Debug("configuration", "config", cfg)
	if err := app.SeedManagers(ctx, cfg.Slack.Managers); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	if cfg.DraftsEnabled() || cfg.TikTokEnabled() {
		log.Warn("LLM drafts and TikTok Shop sync are not part of this build yet; invitations use the template")
	}

	// Deadlines (expiries, overdue samples, plan ends) run every minute in
	// the team's zone; a slow pass is skipped rather than stacked.
	sched := cron.New(cron.WithLocation(cfg.TimeZone), cron.WithChain(cron.Recover(cronLogger{log}), cron.SkipIfStillRunning(cronLogger{log})))
	var every cron.Schedule = cron.Every(time.Minute) // what "@every 1m" parses to
	if env.SweepEvery > 0 {
		every = fixedDelay(env.SweepEvery) // cron.Every rounds anything under a second up to one
	}
	sched.Schedule(every, cron.FuncJob(func() {
		res, err := app.ExpireDue(ctx)
		if env.Swept != nil {
			defer env.Swept(res, err)
		}
		if err != nil {
			log.Error("applying deadlines failed", "err", err)
			return
		}
		if res != (commands.SweepResult{}) {
			log.Info("deadlines applied", "invitations_expired", res.InvitationsExpired, "samples_expired", res.SamplesExpired, "samples_overdue", res.SamplesOverdue, "plans_ended", res.PlansEnded, "rates_settled", res.RatesSettled)
		}
	}))
	sched.Start()
	defer func() { <-sched.Stop().Done() }()

	// The configured chat platforms: their routes, senders and whatever
	// they run beside the server (Socket Mode, the gateway).
	reg := server.NewRegistry()
	deps := platformDeps{Cfg: cfg, Log: log, App: app, DB: db, Now: now, Env: env, Metrics: reg}
	addReminders(ctx, sched, deps) // catches up missed runs, then schedules them beside the deadlines
	parts, err := startPlatforms(ctx, deps)
	if err != nil {
		return err
	}
	routes := map[string]http.Handler{}
	for _, p := range parts {
		maps.Copy(routes, p.Routes)
	}
	srv := server.New(cfg.Addr, server.Options{Ready: db.Ping, Logger: log, Routes: routes, Registry: reg})
	if err := srv.Listen(); err != nil {
		return err
	}
	log.Info("listening", "addr", srv.Addr())

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ctx) }()
	var background sync.WaitGroup
	for s, p := range parts {
		if p.Run == nil {
			continue
		}
		background.Go(func() {
			// A platform's connection ending early is logged, not fatal:
			// HTTP, deadlines and the other platform go on.
			if err := p.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error(platformName(s)+" connection stopped", "err", err)
			}
		})
	}
	defer background.Wait()

	// Delivery: the configured platforms' senders, and with neither platform
	// configured and a person at the terminal, the console for both.
	senders := platformSenders(parts, env)
	consoleOn := !cfg.SlackEnabled() && !cfg.DiscordEnabled() && env.StdinIsTerminal
	var c *console.Console
	if consoleOn {
		c = console.New(app, db, env.Stdout, console.Options{Interactive: true, Now: now, Log: log, RetryFor: cfg.RetryFor, Editor: newEditor(env)})
		for _, s := range surfaces {
			if _, ok := senders[s]; !ok {
				senders[s] = c
			}
		}
	}
	for _, s := range surfaces {
		if _, ok := senders[s]; !ok && configured(cfg, s) {
			log.Warn(platformName(s)+" is configured but its adapter is not part of this build yet; its messages wait in the outbox (collabbot outbox lists them)", "surface", string(s))
		}
	}
	delivered := make(chan struct{})
	if len(senders) > 0 {
		d := newDispatcher(cfg, db, app, log, now, senders, reg, consoleOn)
		log.Info("delivering outgoing messages", "surfaces", fmt.Sprint(d.Surfaces()))
		go func() {
			// Run stops claiming when ctx ends, lets the send in flight
			// finish within its grace, and records its outcome.
			d.Run(ctx, cmp.Or(env.DeliverEvery, time.Second))
			close(delivered)
		}()
	} else {
		close(delivered)
	}
	if consoleOn {
		// Said before and after: whoever types /quit or Ctrl-D must know
		// the HTTP service goes with it.
		fmt.Fprintln(env.Stdout, leavingStopsServe)
		go func() {
			err := c.Run(ctx, env.Stdin)
			if ctx.Err() == nil {
				fmt.Fprintln(env.Stdout, "Leaving the console: collabbot serve stops.")
			}
			cancel() // leaving the console stops the service started with it
			errc <- err
		}()
	}
	err = <-errc
	cancel()
	if consoleOn {
		if err2 := <-errc; err == nil {
			err = err2
		}
	}
	<-delivered // the database closes after the last outcome is recorded
	if err == nil || errors.Is(err, context.Canceled) {
		log.Info("collabbot stopped")
		return nil
	}
	return err
}

// leavingStopsServe is said when serve starts the console.
const leavingStopsServe = "Leaving the console (/quit or Ctrl-D) stops collabbot serve; run collabbot serve </dev/null to keep serving without it."

// fixedDelay is a cron schedule of a constant delay under a second, which
// cron.Every does not keep.
type fixedDelay time.Duration

func (d fixedDelay) Next(t time.Time) time.Time { return t.Add(time.Duration(d)) }

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
