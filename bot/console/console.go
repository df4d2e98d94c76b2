// Package console is the terminal adapter: the same commands as Slack and
// Discord, typed at a prompt or replayed from a script, with the messages
// the bot would send printed where each person would see them and their
// buttons offered as numbered choices. It is how a team tries collabbot
// without chat accounts, and the harness of the end-to-end tests.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
)

// Console runs commands typed by one person at a time.
type Console struct {
	app         *commands.App
	grammar     *grammar.Interpreter
	dispatcher  *delivery.Dispatcher
	out         io.Writer
	interactive bool
	editor      LineEditor
	log         *slog.Logger

	mu      sync.Mutex
	failed  bool // an error was printed since the current line began
	actor   domain.Actor
	choices map[string][]string // audience -> button actions; choice N is index N-1
}

// Options configure a Console.
type Options struct {
	// Interactive prints a prompt before each line; scripts instead echo
	// each line after the prompt so the transcript reads like a session.
	Interactive bool
	Now         func() time.Time // the dispatcher's clock; default time.Now
	// Log receives what the user is not shown: the cause behind
	// "something went wrong". Default: discarded.
	Log *slog.Logger
	// Surfaces the console delivers (prints); default both. With a
	// platform configured, collabbot serve delivers its messages and the
	// console must leave them alone.
	Surfaces []domain.Surface
	// RetryFor is how long delivery retries through temporary errors
	// (default delivery.DefaultRetryFor).
	RetryFor time.Duration
	// Editor, when set, reads typed lines with editing and history (a
	// terminal); Run then ignores its reader. Scripts keep the plain reader.
	Editor LineEditor
}

// LineEditor reads one typed line at a time after a prompt. Readline
// returns io.EOF when the person leaves (Ctrl-D, or Ctrl-C at the prompt);
// Close unblocks a Readline in progress.
type LineEditor interface {
	Readline() (string, error)
	SetPrompt(prompt string)
	Close() error
}

// New builds a console over the use cases and the outbox. Messages queued
// by a command are delivered (printed) right after it.
func New(app *commands.App, queue delivery.Queue, out io.Writer, o Options) *Console {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c := &Console{app: app, grammar: grammar.New(app), out: out, interactive: o.Interactive || o.Editor != nil, editor: o.Editor, log: o.Log, choices: map[string][]string{},
		actor: domain.Actor{Role: domain.RoleSeller, MemberID: "seller", Name: "seller"}}
	if o.Surfaces == nil {
		o.Surfaces = []domain.Surface{domain.SurfaceSlack, domain.SurfaceDiscord}
	}
	senders := map[domain.Surface]delivery.Sender{}
	for _, s := range o.Surfaces {
		senders[s] = c
	}
	c.dispatcher = &delivery.Dispatcher{
		Queue:         queue,
		Senders:       senders,
		Now:           o.Now,
		Log:           o.Log,
		OnUnreachable: app.MarkUnreachable,
		RetryFor:      o.RetryFor,
		// One at a time: a transcript prints messages in the order they
		// were queued, which parallel sends would shuffle.
		Workers: 1,
	}
	return c
}

// Run reads lines until in ends, ctx is cancelled, or /quit.
func (c *Console) Run(ctx context.Context, in io.Reader) error {
	// Ending Run ends the line reader too, whatever the caller's ctx does.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if c.interactive {
		fmt.Fprintln(c.out, "collabbot console: type help for commands, /as to switch user, /quit to leave.")
	}
	// Deliver what was queued before the console started (a restart).
	c.deliver(ctx)
	if c.editor != nil {
		return c.runEditor(ctx)
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		errc <- readLines(ctx, in, lines)
		close(lines)
	}()
	// A script's failures are counted so automation can tell from the
	// exit status; at a terminal the person reads each error as it comes.
	var sum ScriptFailed
	n := 0
	for {
		if c.interactive {
			fmt.Fprint(c.out, c.prompt())
		}
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-errc; err != nil {
					return err
				}
				return c.summary(sum)
			}
			n++
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				sum.Lines++
			}
			c.mu.Lock()
			c.failed = false
			c.mu.Unlock()
			goOn := true
			if size, ok := strings.CutPrefix(line, tooLong); ok {
				sum.Lines++
				c.printErr(domain.Invalidf("command", "That line is %s bytes long; a command is at most %d characters, so it was skipped.", size, grammar.MaxCommandLength))
			} else {
				goOn = c.Line(ctx, line)
			}
			c.mu.Lock()
			if c.failed {
				sum.Failed = append(sum.Failed, n)
			}
			c.mu.Unlock()
			if !goOn {
				return c.summary(sum)
			}
		}
	}
}

// runEditor reads through the line editor: the prompt is set before each
// line, since a command may change who is acting.
func (c *Console) runEditor(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { c.editor.Close() })
	defer stop()
	defer c.editor.Close()
	for {
		c.editor.SetPrompt(c.prompt())
		line, err := c.editor.Readline()
		if ctx.Err() != nil || errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if !c.Line(ctx, line) {
			return nil
		}
	}
}

// ScriptFailed is Run's error when lines of a script failed: how many
// commands ran and the line numbers of those that printed an error.
type ScriptFailed struct {
	Lines  int
	Failed []int
}

func (e *ScriptFailed) Error() string {
	nums := make([]string, len(e.Failed))
	for i, n := range e.Failed {
		nums[i] = strconv.Itoa(n)
	}
	word := "lines"
	if len(e.Failed) == 1 {
		word = "line"
	}
	return fmt.Sprintf("%d of %d lines failed: %s %s", len(e.Failed), e.Lines, word, strings.Join(nums, ", "))
}

// summary ends a script: its last line says what failed, and the error
// makes the exit status say it too.
func (c *Console) summary(s ScriptFailed) error {
	if c.interactive || len(s.Failed) == 0 {
		return nil
	}
	fmt.Fprintf(c.out, "%s.\n", s.Error())
	return &s
}

// maxLine bounds one console line; a longer one (a pasted file, say) is
// skipped with a message instead of ending the session.
const maxLine = 64 * 1024

// tooLong, followed by the line's real length, stands for a skipped line;
// no real line contains a NUL.
const tooLong = "\x00too long:"

// bom is what some editors (Windows Notepad) put before a script's first line.
const bom = "\ufeff"

// readLines sends each line of in until it ends, ctx ends, or reading
// fails; the error is nil at the end of input.
func readLines(ctx context.Context, in io.Reader, lines chan<- string) error {
	br := bufio.NewReaderSize(in, maxLine)
	for first := true; ; first = false {
		chunk, err := br.ReadSlice('\n')
		line := strings.TrimRight(string(chunk), "\r\n")
		if first {
			line = strings.TrimPrefix(line, bom)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			// Counted to the end, so the message gives the real length.
			size := len(chunk)
			for errors.Is(err, bufio.ErrBufferFull) {
				chunk, err = br.ReadSlice('\n')
				size += len(strings.TrimRight(string(chunk), "\r\n"))
			}
			line = tooLong + strconv.Itoa(size)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if line != "" || err == nil {
			select {
			case lines <- line:
			case <-ctx.Done():
				return nil
			}
		}
		if err != nil {
			return nil
		}
	}
}

// Line handles one input line and reports whether to go on.
func (c *Console) Line(ctx context.Context, line string) bool {
	line = strings.TrimSpace(line)
	if !c.interactive && line != "" {
		fmt.Fprintf(c.out, "%s%s\n", c.prompt(), line)
	}
	// "/collab products" is how the README and Slack write it.
	if rest, ok := strings.CutPrefix(line, "/collab"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
		line = strings.TrimSpace(rest)
		if line == "" {
			line = "help"
		}
	}
	switch {
	case line == "":
		return true
	case strings.HasPrefix(line, "#"):
		return true // a comment in a script
	case line == "/quit" || line == "/exit":
		return false
	case line == "/help":
		fmt.Fprintln(c.out, consoleHelp)
		return true
	case line == "/sweep":
		res, err := c.app.ExpireDue(ctx)
		if err != nil {
			c.printErr(err)
		} else {
			fmt.Fprintf(c.out, "Deadlines applied: %s expired, %s expired, %s overdue, %s ended, %s took effect.\n",
				count(res.InvitationsExpired, "invitation"), count(res.SamplesExpired, "sample request"), count(res.SamplesOverdue, "sample"),
				count(res.PlansEnded, "plan"), count(res.RatesSettled, "lowered rate"))
		}
	case line == "/as" || strings.HasPrefix(line, "/as "):
		if err := c.switchUser(ctx, strings.Fields(line)[1:]); err != nil {
			c.printErr(err)
		}
		return true
	case strings.HasPrefix(line, "/"):
		c.printErr(domain.Invalidf("command", "Unknown console command %q. Console commands: /as, /sweep, /help, /quit", strings.Fields(line)[0]))
		return true
	default:
		actor := c.currentActor(ctx)
		var reply present.Card
		var err error
		if n, nerr := strconv.Atoi(line); nerr == nil {
			reply, err = c.click(ctx, actor, n)
		} else {
			reply, _, err = c.grammar.Run(ctx, actor, line)
		}
		if err != nil {
			c.printErr(err)
		} else {
			c.printReply(reply, actor)
		}
	}
	c.deliver(ctx)
	return true
}

// currentActor re-reads a member's role before each command, so a role
// changed a moment ago (by this user or another) applies at once.
func (c *Console) currentActor(ctx context.Context) domain.Actor {
	c.mu.Lock()
	actor := c.actor
	c.mu.Unlock()
	if !actor.IsTeam() {
		return actor
	}
	fresh, err := c.app.MemberActor(ctx, actor.MemberID, actor.Name)
	if err != nil {
		return actor
	}
	c.mu.Lock()
	c.actor = fresh
	c.mu.Unlock()
	return fresh
}

func (c *Console) click(ctx context.Context, actor domain.Actor, n int) (present.Card, error) {
	c.mu.Lock()
	acts := c.choices[audience(actor)]
	c.mu.Unlock()
	if n < 1 || n > len(acts) {
		return present.Card{}, domain.Invalidf("choice", "No choice %d for %s; pick a number shown in [brackets] on a message to you", n, actor.Display())
	}
	return c.grammar.Click(ctx, actor, acts[n-1])
}

func (c *Console) switchUser(ctx context.Context, args []string) error {
	usage := domain.Invalidf("as", "Use /as seller [name], /as manager [name] or /as creator @handle")
	if len(args) == 0 {
		return usage
	}
	var actor domain.Actor
	var err error
	switch args[0] {
	case "seller", "manager":
		id := args[0]
		if len(args) > 2 {
			// A name is one word (it is the member's ID); quietly keeping
			// the first word would make "Alice Smith" into "Alice".
			return domain.Invalidf("as", "/as %s takes one name without spaces, like /as %s %s (got %q)",
				args[0], args[0], strings.ToLower(args[1]), strings.Join(args[1:], " "))
		}
		if len(args) > 1 {
			id = args[1]
		}
		if args[0] == "manager" {
			// The console is a local, trusted tool: whoever sits at it may
			// play a manager, so the demo needs no setup.
			actor, err = c.app.LocalManager(ctx, id)
		} else {
			actor, err = c.app.MemberActor(ctx, id, id)
		}
	case "creator":
		if len(args) < 2 {
			return usage
		}
		if len(args) > 2 {
			return domain.Invalidf("as", "/as creator takes one handle, like /as creator @maya_glow (got %q)", strings.Join(args[1:], " "))
		}
		actor, err = c.app.CreatorActorByHandle(ctx, args[1])
	default:
		return usage
	}
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.actor = actor
	c.mu.Unlock()
	fmt.Fprintf(c.out, "You are now %s (%s).\n", actor.Display(), actor.Role)
	if args[0] == "seller" && actor.Role != domain.RoleSeller {
		// The role is the member's, kept in the store: /as picks who acts,
		// not what they may do.
		fmt.Fprintf(c.out, "%s stays a %s: /as picks who acts, not their role. To make them a seller, a manager types role %s seller.\n", actor.Display(), actor.Role, actor.MemberID)
	}
	return nil
}

func (c *Console) prompt() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.actor.Role == domain.RoleCreator {
		return c.actor.Display() + "> "
	}
	return fmt.Sprintf("%s (%s)> ", c.actor.Display(), c.actor.Role)
}

func (c *Console) deliver(ctx context.Context) {
	if _, err := c.dispatcher.Drain(ctx); err != nil && ctx.Err() == nil {
		c.printErr(err)
	}
}

// Send prints an outgoing message where its recipient would see it; it is
// the console's sender for the surfaces it delivers. Its reference is the
// row's, so an edit names the message it updates.
func (c *Console) Send(ctx context.Context, o domain.Outgoing) (string, error) {
	where, aud := "", "team"
	switch o.To.Kind {
	case domain.ToCreator:
		cr, err := c.app.Creator(ctx, o.To.CreatorID)
		if domain.ErrorKind(err) == domain.KindNotFound {
			return "", fmt.Errorf("%w: %v", delivery.ErrPermanent, err)
		}
		if err != nil {
			return "", err // the store may be back on the next attempt
		}
		where, aud = "Discord DM to "+cr.At(), o.To.String()
	case domain.ToChannel:
		where = "Slack #" + o.To.Channel
	default:
		where = "Slack DM to " + o.To.MemberID
	}
	if o.Replaces != "" {
		where += " (updates the earlier message)"
	}
	// Rendered now, not when queued: the reader sees today's wording in
	// their own time zone.
	card := present.Notice(o.Notice, present.Reader{Zone: c.app.RecipientZone(ctx, o.To), Team: c.app.Location(), Now: c.app.Now()})
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, "  --> %s\n", where)
	c.printMessage("      ", card, aud)
	if o.Ref != "" {
		return o.Ref, nil // an edit updates the message it replaces
	}
	return fmt.Sprintf("console/%d", o.ID), nil
}

func (c *Console) printReply(m present.Card, actor domain.Actor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.printMessage("", m, audience(actor))
}

// printMessage writes a message with its buttons numbered for aud; callers
// hold mu.
func (c *Console) printMessage(indent string, m present.Card, aud string) {
	if m.Title != "" {
		fmt.Fprintf(c.out, "%s%s\n", indent, m.Title)
	}
	c.printLines(indent, m.Text)
	c.printFields(indent, m.Fields)
	var buttons []present.Button
	for _, s := range m.Sections {
		if s.Title != "" {
			fmt.Fprintf(c.out, "%s%s\n", indent, s.Title)
		}
		c.printLines(indent, s.Text)
		c.printFields(indent, s.Fields)
		buttons = append(buttons, s.Buttons...)
	}
	c.printLines(indent, m.Context)
	buttons = append(buttons, m.Buttons...)
	var parts []string
	for _, b := range buttons {
		if b.Kind == present.ButtonLink {
			parts = append(parts, fmt.Sprintf("%s: %s", b.Label, b.URL))
			continue
		}
		c.choices[aud] = append(c.choices[aud], b.Action)
		parts = append(parts, fmt.Sprintf("[%d] %s", len(c.choices[aud]), b.Label))
	}
	if len(parts) > 0 {
		fmt.Fprintf(c.out, "%s%s\n", indent, strings.Join(parts, "  "))
	}
}

func (c *Console) printLines(indent, text string) {
	for _, l := range strings.Split(text, "\n") {
		if l != "" {
			fmt.Fprintf(c.out, "%s%s\n", indent, l)
		}
	}
}

func (c *Console) printFields(indent string, fields []present.Field) {
	for _, f := range fields {
		fmt.Fprintf(c.out, "%s%s: %s\n", indent, f.Label, strings.ReplaceAll(f.Value, "\n", "; "))
	}
}

func (c *Console) printErr(err error) {
	if domain.ErrorKind(err) == domain.KindInternal {
		c.log.Error("console command failed", "err", err)
	}
	// Dates in a refusal read in the zone of whoever acts: a creator's own.
	c.mu.Lock()
	actor := c.actor
	c.mu.Unlock()
	zone := c.app.ZoneOf(context.Background(), actor)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failed = true
	card := present.Refusal(err, present.Reader{Zone: zone, Team: c.app.Location(), Now: c.app.Now()})
	for _, line := range strings.Split(card.Text, "\n") {
		fmt.Fprintf(c.out, "! %s\n", line)
	}
	if card.Context != "" {
		fmt.Fprintf(c.out, "! %s\n", card.Context)
	}
}

// audience groups the people who can click a message's buttons: a creator
// their own DMs, the seller team everything posted in Slack.
func audience(a domain.Actor) string {
	if a.Role == domain.RoleCreator {
		return fmt.Sprintf("creator:%d", a.CreatorID)
	}
	return "team"
}

const consoleHelp = `Console commands:
  /as seller [name]       act as a seller
  /as manager [name]      act as a manager (may approve samples, change roles)
  /as creator @handle     act as a creator on the roster (their Discord DMs show here)
  /sweep                  apply deadlines now (expiries, overdue samples, ended plans)
  /quit                   leave
  N                       click button [N] of a message shown to you
Type help for the collabbot commands.`

// count is "1 plan", "2 plans".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
