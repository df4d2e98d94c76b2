package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/config"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store"
)

// platformDeps is what serve hands a chat platform's adapter, and what a
// subcommand that works on the database gets.
type platformDeps struct {
	Cfg config.Config
	Log *slog.Logger
	App *commands.App
	DB  store.DB
	Now func() time.Time
	Env Env
	// Metrics is the registry /metrics serves; packages add their own
	// collectors to it (nil outside serve).
	Metrics *prometheus.Registry
}

// platformParts is what one chat platform adds to serve.
type platformParts struct {
	// Sender delivers the surface's outbox rows; nil leaves them queued.
	Sender delivery.Sender
	// Routes are HTTP handlers by ServeMux pattern ("POST /slack/commands").
	Routes map[string]http.Handler
	// Run, when set, runs beside the server until ctx ends (Socket Mode,
	// the Discord gateway).
	Run func(ctx context.Context) error
}

// platforms build each chat platform's part of serve. The file that
// implements a platform registers it in an init function; a configured
// platform with no builder here has its messages wait in the outbox,
// listed by `collabbot outbox`.
var platforms = map[domain.Surface]func(ctx context.Context, d platformDeps) (platformParts, error){}

// startPlatforms builds the parts of every configured platform that has a
// builder.
func startPlatforms(ctx context.Context, d platformDeps) (map[domain.Surface]platformParts, error) {
	out := map[domain.Surface]platformParts{}
	for _, s := range surfaces {
		build, ok := platforms[s]
		if !ok || !configured(d.Cfg, s) {
			continue
		}
		p, err := build(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("starting %s: %w", platformName(s), err)
		}
		out[s] = p
	}
	return out, nil
}

// surfaces is every surface, in a fixed order for logs and messages.
var surfaces = []domain.Surface{domain.SurfaceSlack, domain.SurfaceDiscord}

// configured reports whether the platform behind surface is configured.
func configured(cfg config.Config, s domain.Surface) bool {
	switch s {
	case domain.SurfaceSlack:
		return cfg.SlackEnabled()
	case domain.SurfaceDiscord:
		return cfg.DiscordEnabled()
	}
	return false
}

// platformName is how a person calls a surface.
func platformName(s domain.Surface) string {
	if s == domain.SurfaceDiscord {
		return "Discord"
	}
	return "Slack"
}

// platformSenders are the senders of the started platforms, with
// env.Senders (tests) standing in for or adding to them.
func platformSenders(parts map[domain.Surface]platformParts, env Env) map[domain.Surface]delivery.Sender {
	out := map[domain.Surface]delivery.Sender{}
	for s, p := range parts {
		if p.Sender != nil {
			out[s] = p.Sender
		}
	}
	for s, sender := range env.Senders {
		out[s] = sender
	}
	return out
}

// consoleSurfaces are those the console delivers: the surfaces whose
// platform is not configured. A configured platform's messages belong to
// serve, which may share the database.
func consoleSurfaces(cfg config.Config) []domain.Surface {
	out := []domain.Surface{}
	for _, s := range surfaces {
		if !configured(cfg, s) {
			out = append(out, s)
		}
	}
	return out
}

// consoleNotice says at the console's start which messages it leaves to
// serve; "" when it delivers them all.
func consoleNotice(cfg config.Config) string {
	var left, kept []string
	for _, s := range surfaces {
		if configured(cfg, s) {
			left = append(left, platformName(s))
		} else {
			kept = append(kept, platformName(s))
		}
	}
	switch {
	case len(left) == 0:
		return ""
	case len(kept) == 0:
		return fmt.Sprintf("%s messages are delivered by collabbot serve; this console shows none of them.", strings.Join(left, " and "))
	}
	return fmt.Sprintf("%s messages are delivered by collabbot serve; this console shows only %s messages.", strings.Join(left, " and "), strings.Join(kept, " and "))
}

// newDispatcher is the dispatcher serve runs over the given senders. It
// reports to reg (serve's /metrics registry; nil: no metrics), tells the
// sellers of messages that fail for good, and wakes when this process
// commits outbox rows. With the console as its sender (console true) it
// posts no invitation-round summaries and does not wake on commits: the
// console prints what a command queued right after it, in order, and an
// eager dispatcher would print it after the next prompt instead.
func newDispatcher(cfg config.Config, db store.DB, app *commands.App, log *slog.Logger, now func() time.Time, senders map[domain.Surface]delivery.Sender, reg prometheus.Registerer, console bool) *delivery.Dispatcher {
	d := &delivery.Dispatcher{
		Queue: db, Senders: senders, Now: now, Log: log,
		OnUnreachable: app.MarkUnreachable, RetryFor: cfg.RetryFor, KeepSent: keepSent(cfg.KeepSent),
		Metrics: reg, OnFailed: app.TellUndelivered,
	}
	if !console {
		d.OnSent, d.Prepare = app.NoteSent, app.RefreshOutgoing
		db.OnEnqueue(d.Wake)
	}
	return d
}

// keepSent maps the setting's 0 ("forever") to the dispatcher's negative.
func keepSent(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// outboxArgs are the outbox command's, checked.
type outboxArgs struct {
	retry int64 // the row to queue again; 0 lists
	state domain.OutboxState
	limit int
}

func parseOutbox(l cmdLine) (outboxArgs, error) {
	a := outboxArgs{limit: 50}
	if len(l.args) > 0 && l.args[0] == "retry" {
		if len(l.flags) > 0 {
			return a, usageError{"retry takes no flags: use collabbot outbox retry ID"}
		}
		if len(l.args) != 2 {
			return a, usageError{"use: collabbot outbox retry ID (the ID that collabbot outbox lists)"}
		}
		id, err := strconv.ParseInt(l.args[1], 10, 64)
		if err != nil || id < 1 {
			return a, usageError{fmt.Sprintf("ID must be a message number that collabbot outbox lists, got %q", l.args[1])}
		}
		a.retry = id
		return a, nil
	}
	if len(l.args) > 0 {
		return a, usageError{fmt.Sprintf("unexpected argument %q: collabbot outbox lists with flags only, or retry ID", l.args[0])}
	}
	if v, ok := l.flags["state"]; ok {
		a.state = domain.OutboxState(v)
		switch a.state {
		case domain.OutboxPending, domain.OutboxSending, domain.OutboxSent, domain.OutboxFailed, domain.OutboxMerged:
		default:
			return a, usageError{fmt.Sprintf("--state must be pending, sending, sent, failed or merged, got %q", v)}
		}
	}
	if v, ok := l.flags["limit"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return a, usageError{fmt.Sprintf("--limit must be a whole number of at least 1, got %q", v)}
		}
		a.limit = n
	}
	return a, nil
}

func checkOutbox(l cmdLine) error {
	_, err := parseOutbox(l)
	return err
}

// outbox lists the outbox or re-queues a failed row.
func outbox(ctx context.Context, db store.DB, app *commands.App, l cmdLine, now func() time.Time, stdout io.Writer) error {
	names := newRecipientNames(app)
	a, err := parseOutbox(l)
	if err != nil {
		return err
	}
	if a.retry > 0 {
		o, err := db.RetryOutgoing(ctx, a.retry, now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Outgoing message %d to %s is queued again; collabbot serve sends it on its next pass.\n", o.ID, names.of(ctx, o.To))
		return nil
	}
	rows, summary, err := outboxRows(ctx, db, a.state, a.limit)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		if a.state == "" {
			fmt.Fprintln(stdout, "No outgoing messages.")
		} else {
			fmt.Fprintf(stdout, "No %s outgoing messages.\n", a.state)
		}
		return nil
	}
	if summary != "" {
		fmt.Fprintln(stdout, summary)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATE\tTO\tKEY\tATTEMPTS\tWHEN\tLAST ERROR")
	for _, o := range rows {
		when := "-"
		switch o.State {
		case domain.OutboxPending:
			when = "next " + o.NextAttempt.UTC().Format(time.RFC3339)
		case domain.OutboxSending:
			when = "lease to " + o.LeaseUntil.UTC().Format(time.RFC3339)
		case domain.OutboxFailed:
			if !o.FailedAt.IsZero() {
				when = "failed " + o.FailedAt.UTC().Format(time.RFC3339)
			}
		case domain.OutboxSent:
			if !o.SentAt.IsZero() {
				when = "sent " + o.SentAt.UTC().Format(time.RFC3339)
			}
		}
		// One line a row, whatever the platform wrote.
		last := strings.Join(strings.Fields(o.LastError), " ")
		if o.State == domain.OutboxFailed && o.FailReason != "" {
			last = "[" + string(o.FailReason) + "] " + last
		}
		if last == "" {
			last = "-"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", o.ID, o.State, names.of(ctx, o.To), o.Key, o.Attempts, when, last)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if a.state == "" || a.state == domain.OutboxFailed {
		for _, o := range rows {
			if o.State == domain.OutboxFailed {
				fmt.Fprintln(stdout, "Queue a failed message again with: collabbot outbox retry ID")
				break
			}
		}
	}
	return nil
}

// outboxRows are the rows collabbot outbox lists, problems first: with no
// state, those that failed (the latest first), then those waiting (the
// longest waiting first), then the latest sent, up to limit of each, and a
// line counting every state; with a state, that state's rows, newest first
// for failed, sent and merged, oldest first for pending and sending.
func outboxRows(ctx context.Context, db store.DB, state domain.OutboxState, limit int) ([]domain.Outgoing, string, error) {
	switch state {
	case domain.OutboxPending, domain.OutboxSending:
		rows, err := db.ListOutgoing(ctx, state, limit)
		return rows, "", err
	case domain.OutboxFailed, domain.OutboxSent, domain.OutboxMerged:
		rows, err := db.ListOutgoingNewest(ctx, state, limit)
		return rows, "", err
	}
	counts, err := db.CountOutgoing(ctx)
	if err != nil {
		return nil, "", err
	}
	var parts []string
	for _, s := range []domain.OutboxState{domain.OutboxFailed, domain.OutboxSending, domain.OutboxPending, domain.OutboxSent, domain.OutboxMerged} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	if len(parts) == 0 {
		return nil, "", nil
	}
	var rows []domain.Outgoing
	failed, err := db.ListOutgoingNewest(ctx, domain.OutboxFailed, limit)
	if err != nil {
		return nil, "", err
	}
	rows = append(rows, failed...)
	var waiting []domain.Outgoing
	for _, s := range []domain.OutboxState{domain.OutboxSending, domain.OutboxPending} {
		w, err := db.ListOutgoing(ctx, s, limit)
		if err != nil {
			return nil, "", err
		}
		waiting = append(waiting, w...)
	}
	slices.SortFunc(waiting, func(a, b domain.Outgoing) int { return cmp.Compare(a.ID, b.ID) })
	rows = append(rows, waiting[:min(len(waiting), limit)]...)
	sent, err := db.ListOutgoingNewest(ctx, domain.OutboxSent, limit)
	if err != nil {
		return nil, "", err
	}
	rows = append(rows, sent...)
	summary := "Outbox: " + strings.Join(parts, ", ") + "."
	if shown := len(rows); shown < counts[domain.OutboxFailed]+counts[domain.OutboxSending]+counts[domain.OutboxPending]+counts[domain.OutboxSent] {
		summary += fmt.Sprintf(" Showing %d; --state and --limit show more.", shown)
	}
	return rows, summary, nil
}

// recipientNames say who a message is for as a person knows them: a
// creator's @handle (looked up once), a channel's #name, a Slack member's
// ID; never the stored form ("creator:10").
type recipientNames struct {
	app      *commands.App
	creators map[int64]string
}

func newRecipientNames(app *commands.App) *recipientNames {
	return &recipientNames{app: app, creators: map[int64]string{}}
}

func (n *recipientNames) of(ctx context.Context, to domain.Recipient) string {
	switch to.Kind {
	case domain.ToCreator:
		if name, ok := n.creators[to.CreatorID]; ok {
			return name
		}
		name := fmt.Sprintf("creator %d", to.CreatorID) // gone from the roster
		if c, err := n.app.Creator(ctx, to.CreatorID); err == nil && c.Handle != "" {
			name = c.At()
		}
		n.creators[to.CreatorID] = name
		return name
	case domain.ToChannel:
		return "#" + to.Channel
	case domain.ToMember:
		return "Slack member " + to.MemberID
	}
	return to.String()
}
