package console_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/bot/console"
	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

// t0 is a fixed instant at millisecond precision, the precision the store
// keeps.
var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// clock is a fake clock shared by the use cases and the console's
// dispatcher.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// buffer is a bytes.Buffer safe to read while a console writes to it.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

type env struct {
	t    *testing.T
	path string
	db   *sqlite.DB
	app  *commands.App
	clk  *clock
	out  *buffer
	c    *console.Console
}

func newEnv(t *testing.T, interactive bool) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "collabbot.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &clock{now: t0}
	db.Now = clk.Now
	app := commands.New(db, commands.Options{Clock: commands.ClockFunc(clk.Now)})
	out := &buffer{}
	c := console.New(app, db, out, console.Options{Interactive: interactive, Now: clk.Now})
	return &env{t: t, path: path, db: db, app: app, clk: clk, out: out, c: c}
}

// lines feeds each line to the console and returns what it printed.
func (e *env) lines(ls ...string) string {
	e.t.Helper()
	before := len(e.out.String())
	for _, l := range ls {
		if !e.c.Line(context.Background(), l) {
			e.t.Fatalf("Line(%q) stopped the console", l)
		}
	}
	return e.out.String()[before:]
}

// run plays a script through Run and returns what it printed.
func (e *env) run(script string) string {
	e.t.Helper()
	before := len(e.out.String())
	var failed *console.ScriptFailed
	if err := e.c.Run(context.Background(), strings.NewReader(script)); err != nil && !errors.As(err, &failed) {
		e.t.Fatalf("Run: %v", err)
	}
	return e.out.String()[before:]
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Fatalf("output lacks %q:\n%s", w, out)
		}
	}
}

func mustNotContain(t *testing.T, out string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(out, w) {
			t.Fatalf("output has %q:\n%s", w, out)
		}
	}
}

// after reports whether later appears in out after first.
func after(out, first, later string) bool {
	i := strings.Index(out, first)
	return i >= 0 && strings.Contains(out[i+len(first):], later)
}

const (
	addMaya    = "creator add @maya_glow discord=111111111111111111 followers=100"
	addLeo     = "creator add @leo.cooks discord=222222222222222222 followers=5000"
	addProduct = `product add P100 "Glow Serum" price=24.90 stock=5`
)

func TestPromptShowsWhoYouActAs(t *testing.T) {
	e := newEnv(t, false)
	out := e.run(strings.Join([]string{
		addMaya,
		"/as manager erin",
		"/as creator @maya_glow",
		"/as seller dana",
		"/as seller",
		"creators",
	}, "\n"))
	mustContain(t, out,
		"seller (seller)> "+addMaya+"\n",
		"Added @maya_glow to the roster",
		"seller (seller)> /as manager erin\nYou are now erin (manager).\n",
		"erin (manager)> /as creator @maya_glow\nYou are now @maya_glow (creator).\n",
		"@maya_glow> /as seller dana\nYou are now dana (seller).\n",
		"dana (seller)> /as seller\n",
		"seller (seller)> creators\n",
	)
}

func TestInteractivePromptBeforeEachLine(t *testing.T) {
	e := newEnv(t, true)
	out := e.run(addMaya + "\n/as manager erin\n/as creator @maya_glow\n")
	// Interactive: a banner, then a prompt before each line; lines are not echoed.
	mustContain(t, out, "collabbot console:", "seller (seller)> Added @maya_glow",
		"seller (seller)> You are now erin (manager).\nerin (manager)> You are now @maya_glow (creator).\n@maya_glow> ")
	mustNotContain(t, out, "> "+addMaya)
}

func TestConsoleCommands(t *testing.T) {
	e := newEnv(t, false)
	e.lines(addMaya)
	for _, tc := range []struct {
		line string
		want string
	}{
		{"/as", "! Use /as seller [name], /as manager [name] or /as creator @handle\n"},
		{"/as pilot", "! Use /as seller"},
		{"/as creator", "! Use /as seller"},
		{"/as creator @unknown", "! No creator @unknown on the roster.\n"},
		{"/as creator not a handle!", "! "},
		{"/as manager bad?id", "! "},
		{"/as seller bad?id", "! "},
		{"/foo", `! Unknown console command "/foo"`},
		{"/sweep now", `! Unknown console command "/sweep"`},
	} {
		t.Run(tc.line, func(t *testing.T) {
			out := e.lines(tc.line)
			mustContain(t, out, tc.want)
			mustNotContain(t, out, "You are now")
			if got := e.lines("/help"); !strings.HasPrefix(got, "seller (seller)> /help") {
				t.Fatalf("after %q the prompt changed:\n%s", tc.line, got)
			}
		})
	}

	t.Run("comment", func(t *testing.T) {
		out := e.lines("# invite @maya_glow P100 15%", "   # indented comment")
		if out != "seller (seller)> # invite @maya_glow P100 15%\nseller (seller)> # indented comment\n" {
			t.Fatalf("a comment did more than echo:\n%s", out)
		}
	})
	t.Run("blank", func(t *testing.T) {
		if out := e.lines("", "   "); out != "" {
			t.Fatalf("a blank line printed %q", out)
		}
	})
	t.Run("help", func(t *testing.T) {
		out := e.lines("/help")
		mustContain(t, out, "Console commands:", "/as seller [name]", "/as manager [name]", "/as creator @handle", "/sweep", "/quit", "click button [N]")
	})
	t.Run("unknown handle", func(t *testing.T) {
		out := e.lines("/as creator @unknown")
		if !regexp.MustCompile(`(?m)^! .*\S`).MatchString(out) {
			t.Fatalf("no error line for an unknown creator:\n%s", out)
		}
		mustNotContain(t, out, "Something went wrong")
	})
}

func TestSlashPrefixIsNotAs(t *testing.T) {
	e := newEnv(t, false)
	for _, line := range []string{"/assign", "/ask maya"} {
		mustContain(t, e.lines(line), `! Unknown console command "`+strings.Fields(line)[0]+`"`)
	}
}

func TestAsManagerErrorSpeaksToTheConsoleUser(t *testing.T) {
	e := newEnv(t, false)
	out := e.lines("/as manager bad?id")
	mustContain(t, out, "! User must be a user ID")
	mustNotContain(t, out, "SLACK")
}

func TestQuitStopsRun(t *testing.T) {
	for _, quit := range []string{"/quit", "/exit"} {
		t.Run(quit, func(t *testing.T) {
			e := newEnv(t, false)
			if e.c.Line(context.Background(), quit) {
				t.Fatalf("Line(%q) = true, want false (stop)", quit)
			}
			out := e.run(addMaya + "\n" + quit + "\n" + addLeo + "\n")
			mustContain(t, out, "Added @maya_glow")
			mustNotContain(t, out, "leo.cooks")
			cards, err := e.app.ListCreators(context.Background(), domain.Actor{Role: domain.RoleSeller, MemberID: "seller", Name: "seller"}, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(cards) != 1 {
				t.Fatalf("roster has %d creators, want 1: the line after %s ran", len(cards), quit)
			}
		})
	}
}

func TestRunLeavesNoReaderBehindAfterQuit(t *testing.T) {
	e := newEnv(t, false)
	e.run("/quit\nhelp\nhelp\n")
	deadline := time.Now().Add(2 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		var readers []string
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "console.(*Console).Run.func") {
				readers = append(readers, g)
			}
		}
		if len(readers) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d Run reader goroutines still running after /quit:\n%s", len(readers), readers[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunStopsWhenCtxCancelled(t *testing.T) {
	e := newEnv(t, false)
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.c.Run(ctx, r) }()
	if _, err := io.WriteString(w, addMaya+"\n"); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after ctx was cancelled")
	}
}

// invite adds a creator and a product and invites the creator.
func invite(t *testing.T, e *env, extra string) string {
	t.Helper()
	out := e.lines(addMaya, addProduct, "invite @maya_glow P100 15%"+extra)
	mustContain(t, out, "Invited 1 creator to P100", "I1  @maya_glow at 15%")
	return out
}

func TestInvitationButtonsAreNumberedChoices(t *testing.T) {
	e := newEnv(t, false)
	out := invite(t, e, "")
	mustContain(t, out, "  --> Discord DM to @maya_glow\n", "      [1] Accept  [2] Decline\n")
	if !after(out, "--> Discord DM to @maya_glow", "[1] Accept  [2] Decline") {
		t.Fatalf("the buttons are not on the DM:\n%s", out)
	}

	// The creator's buttons are not the team's.
	mustContain(t, e.lines("1"), "! No choice 1")

	out = e.lines("/as creator @maya_glow", "9", "0", "-1")
	mustContain(t, out, "! No choice 9", "! No choice 0", "! No choice -1")
	mustNotContain(t, out, "accepted")

	out = e.lines("1")
	mustContain(t, out, "@maya_glow> 1\n", "You accepted invitation I1", "  --> Slack #sellers\n")
	if !after(out, "You accepted invitation I1", "--> Slack #sellers") {
		t.Fatalf("the sellers' message does not follow the reply:\n%s", out)
	}
	if !after(out, "--> Slack #sellers", "@maya_glow accepted invitation I1") {
		t.Fatalf("the sellers' message does not say who accepted:\n%s", out)
	}

	// Clicking again (a double click) does not tell the sellers twice.
	out = e.lines("1")
	mustNotContain(t, out, "--> Slack #sellers")

	// Everything queued was delivered.
	sent, err := e.db.ListOutgoing(context.Background(), domain.OutboxPending, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 0 {
		t.Fatalf("%d messages left pending: %+v", len(sent), sent)
	}
}

func TestEachCreatorHasTheirOwnChoices(t *testing.T) {
	e := newEnv(t, false)
	out := e.lines(addMaya, addLeo, addProduct, "invite @maya_glow @leo.cooks P100 15%")
	if strings.Count(out, "[1] Accept  [2] Decline") != 2 {
		t.Fatalf("want each creator's DM numbered from 1:\n%s", out)
	}
	out = e.lines("/as creator @leo.cooks", "2")
	mustContain(t, out, "You declined invitation I2")
	out = e.lines("/as creator @maya_glow", "1")
	mustContain(t, out, "You accepted invitation I1")
}

func TestOnlyAManagerApprovesFromTheCard(t *testing.T) {
	e := newEnv(t, false)
	invite(t, e, " samples=1")
	out := e.lines("/as creator @maya_glow", "accept I1", "request P100 I1")
	mustContain(t, out, "--> Slack #approvals")
	m := regexp.MustCompile(`\[(\d+)\] Approve  \[(\d+)\] Reject`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no Approve/Reject choices on the approvals card:\n%s", out)
	}
	approve := m[1]

	out = e.lines("/as seller dana", approve)
	mustContain(t, out, "dana (seller)> "+approve+"\n", "! Only a manager can approve")
	mustNotContain(t, out, "Approved")

	out = e.lines("/as manager erin", approve)
	mustContain(t, out, "erin (manager)> "+approve+"\n", "Approved by erin", "--> Slack #approvals (updates the earlier message)")
	mustNotContain(t, out, "! ")
}

func TestInternalErrorsAreNotShown(t *testing.T) {
	sqlWords := []string{"sql", "SQL", "sqlite", "store:", "database is closed", "no such table", "SELECT", "products"}

	t.Run("closed database", func(t *testing.T) {
		e := newEnv(t, false)
		e.lines(addMaya)
		e.db.Close()
		out := e.lines("creators")
		mustContain(t, out, "! Something went wrong")
		mustNotContain(t, out, sqlWords...)
		out = e.lines("/sweep")
		mustContain(t, out, "! Something went wrong")
		mustNotContain(t, out, sqlWords...)
		out = e.lines("/as manager erin")
		mustContain(t, out, "! Something went wrong")
		mustNotContain(t, out, sqlWords...)
	})

	t.Run("missing table", func(t *testing.T) {
		e := newEnv(t, false)
		e.lines(addMaya)
		raw, err := sql.Open("sqlite", e.path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(`DROP TABLE products`); err != nil {
			t.Fatal(err)
		}
		out := e.lines("products")
		mustContain(t, out, "seller (seller)> products\n", "! Something went wrong")
		mustNotContain(t, strings.TrimPrefix(out, "seller (seller)> products\n"), sqlWords...)
	})
}

func TestMessagesQueuedBeforeStartArePrinted(t *testing.T) {
	e := newEnv(t, false)
	e.lines(addMaya)
	ctx := context.Background()
	var maya int64
	cards, err := e.app.ListCreators(ctx, domain.Actor{Role: domain.RoleSeller, MemberID: "seller", Name: "seller"}, "")
	if err != nil || len(cards) != 1 {
		t.Fatalf("ListCreators = %v, %v", cards, err)
	}
	maya = cards[0].Creator.ID
	err = e.db.Update(ctx, func(tx commands.Tx) error {
		for i, to := range []domain.Recipient{
			{Kind: domain.ToChannel, Channel: domain.ChannelSellers},
			{Kind: domain.ToCreator, CreatorID: maya},
		} {
			if _, err := tx.Enqueue(ctx, domain.Outgoing{
				To:          to,
				Notice:      domain.Notice{Kind: domain.NoticeUnreachable, Creator: &domain.Creator{Handle: "maya_glow"}, Text: fmt.Sprintf("queued while the console was down %d", i)},
				Key:         fmt.Sprintf("restart:%d", i),
				NextAttempt: t0,
				CreatedAt:   t0,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	out := e.run("")
	mustContain(t, out, "  --> Slack #sellers\n", "queued while the console was down 0",
		"  --> Discord DM to @maya_glow\n", "queued while the console was down 1")
	pending, err := e.db.ListOutgoing(ctx, domain.OutboxPending, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 0 {
		t.Fatalf("%d messages still pending after start: %+v", len(pending), pending)
	}
	// Printed once: a second run has nothing to deliver.
	if out := e.run(""); out != "" {
		t.Fatalf("second start printed %q", out)
	}
}

func TestSweepPrintsDeadlineCounts(t *testing.T) {
	e := newEnv(t, false)
	out := e.lines("/sweep")
	mustContain(t, out, "Deadlines applied: 0 invitations expired, 0 sample requests expired, 0 samples overdue, 0 plans ended, 0 lowered rates took effect.\n")

	invite(t, e, " expires=7d")
	e.clk.Advance(8 * 24 * time.Hour)
	out = e.lines("/sweep")
	mustContain(t, out, "seller (seller)> /sweep\n",
		"Deadlines applied: 1 invitation expired, 0 sample requests expired, 0 samples overdue, 0 plans ended, 0 lowered rates took effect.\n")
	out = e.lines("/sweep")
	mustContain(t, out, "Deadlines applied: 0 invitations expired")
}

// A role change applies to the next command, even for the person who is
// acting: a demoted manager can no longer approve.
func TestRoleChangeAppliesAtOnce(t *testing.T) {
	e := newEnv(t, false)
	invite(t, e, " samples=1")
	e.lines("/as creator @maya_glow", "request P100 I1")
	out := e.lines("/as manager frank", "/as manager erin", "role erin seller", "approve S1")
	mustContain(t, out, "erin is now a seller.", "! Only a manager can approve samples; you are a seller.")
	mustContain(t, e.lines("products"), "erin (seller)> products")
}

// A line longer than the console takes is skipped with a message; the
// session goes on.
func TestOverlongLineIsSkipped(t *testing.T) {
	e := newEnv(t, false)
	out := e.run(strings.Repeat("x", 70*1024) + "\nproducts\n")
	// The real length, not the reader's buffer size.
	mustContain(t, out, "! That line is 71680 bytes long; a command is at most 4000 characters", "seller (seller)> products")
}

// What a script or a typist writes as the README shows it works: a BOM
// before the first line, the Slack form "/collab ...", and "/as" with more
// words than it takes is refused instead of silently shortened.
func TestConsoleAcceptsWhatTheReadmeShows(t *testing.T) {
	tests := []struct {
		name   string
		script string
		wants  []string
		not    []string
	}{
		{"bom before the first command", "\ufeff" + addMaya + "\n", []string{"Added @maya_glow"}, []string{"!"}},
		{"slack form", "/collab " + addMaya + "\n/collab creators\n", []string{"Added @maya_glow", "@maya_glow"}, []string{"! Unknown console command"}},
		{"bare /collab is help", "/collab\n", []string{"help"}, []string{"! Unknown console command"}},
		{"two-word manager name", "/as manager Alice Smith\n", []string{`! /as manager takes one name without spaces, like /as manager alice (got "Alice Smith")`}, []string{"You are now"}},
		{"two-word seller name", "/as seller Bo Li\n", []string{"! /as seller takes one name without spaces"}, []string{"You are now"}},
		{"creator with extra words", addMaya + "\n/as creator @maya_glow please\n", []string{"! /as creator takes one handle"}, []string{"You are now"}},
		{"one-word name", "/as manager alice\n", []string{"You are now alice (manager)."}, nil},
		{"a manager played as a seller keeps the role", "/as manager alice\n/as seller alice\n", []string{"You are now alice (manager).\nalice stays a manager: /as picks who acts, not their role. To make them a seller, a manager types role alice seller."}, nil},
		{"a seller played as a seller", "/as seller bo\n", []string{"You are now bo (seller)."}, []string{"stays a"}},
		{"a command past the limit reports its real length", strings.Repeat("x", 5000) + "\n", []string{"got 5000"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, false)
			out := e.run(tc.script)
			mustContain(t, out, tc.wants...)
			mustNotContain(t, out, tc.not...)
		})
	}
}

// What the user is not shown reaches the operator's log.
func TestInternalErrorsAreLogged(t *testing.T) {
	e := newEnv(t, false)
	var logs buffer
	c := console.New(e.app, e.db, e.out, console.Options{Now: e.clk.Now, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	e.db.Close()
	c.Line(context.Background(), "creators")
	if !strings.Contains(logs.String(), "console command failed") || !strings.Contains(logs.String(), "closed") {
		t.Errorf("log after an internal error: %q", logs.String())
	}
}

// A script's failed lines are counted and named at the end, and Run's error
// says so (collabbot console exits 1); a clean script and any interactive
// session end without one.
func TestScriptReportsFailedLines(t *testing.T) {
	tests := []struct {
		name        string
		interactive bool
		script      string
		want        string // "" for no error
	}{
		{"clean", false, "# roster\n" + addMaya + "\n\ncreators\n", ""},
		{"two failures", false, "# roster\n" + addMaya + "\nfrobnicate\n\ncreators\nrate I9 90%\n", "2 of 4 lines failed: lines 3, 6"},
		{"one failure then quit", false, "frobnicate\n/quit\nfrobnicate\n", "1 of 2 lines failed: line 1"},
		{"unknown console command", false, "/frob\n", "1 of 1 lines failed: line 1"},
		{"interactive", true, "frobnicate\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.interactive)
			err := e.c.Run(context.Background(), strings.NewReader(tc.script))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Run = %v, want nil", err)
				}
				mustNotContain(t, e.out.String(), "failed:")
				return
			}
			var failed *console.ScriptFailed
			if !errors.As(err, &failed) || err.Error() != tc.want {
				t.Fatalf("Run = %v, want %q", err, tc.want)
			}
			mustContain(t, e.out.String(), tc.want+".\n")
		})
	}
}

// fakeEditor stands in for a terminal's line editor.
type fakeEditor struct {
	lines   []string
	prompts []string
	closed  bool
}

func (f *fakeEditor) Readline() (string, error) {
	if len(f.lines) == 0 {
		return "", io.EOF
	}
	l := f.lines[0]
	f.lines = f.lines[1:]
	return l, nil
}
func (f *fakeEditor) SetPrompt(p string) { f.prompts = append(f.prompts, p) }
func (f *fakeEditor) Close() error       { f.closed = true; return nil }

// At a terminal the editor reads the lines (the reader is not used), each
// after the prompt of whoever acts now, and Ctrl-D (EOF) leaves cleanly.
func TestEditorReadsTypedLines(t *testing.T) {
	e := newEnv(t, true)
	ed := &fakeEditor{lines: []string{"/as manager erin", addMaya, "frobnicate"}}
	c := console.New(e.app, e.db, e.out, console.Options{Now: e.clk.Now, Editor: ed})
	if err := c.Run(context.Background(), strings.NewReader("never read\n")); err != nil {
		t.Fatalf("Run = %v, want nil for an interactive session", err)
	}
	want := []string{"seller (seller)> ", "erin (manager)> ", "erin (manager)> ", "erin (manager)> "}
	if fmt.Sprint(ed.prompts) != fmt.Sprint(want) {
		t.Errorf("prompts %q, want %q", ed.prompts, want)
	}
	mustContain(t, e.out.String(), "You are now erin (manager).", "Added @maya_glow")
	mustNotContain(t, e.out.String(), "never read")
	if !ed.closed {
		t.Error("the editor was not closed")
	}
}

// A creator at the console reads a refusal's dates in their own zone, as
// the lists they see do.
func TestRefusalDatesReadInTheCreatorsZone(t *testing.T) {
	e := newEnv(t, false)
	out := e.run(strings.Join([]string{
		`creator add @kenji discord=444444444444444444 followers=100 tz=Asia/Tokyo`,
		`product add P100 "Serum" stock=5`,
		`plan "Later" P100=10% samples=1 sample-from=2030-01-10`,
		`/as creator @kenji`,
		`request P100 PL1`,
	}, "\n") + "\n")
	mustContain(t, out, "! Samples for this offer open on Thu 10 Jan 2030 09:00 JST.")
}
