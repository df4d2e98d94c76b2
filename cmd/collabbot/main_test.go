package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixedNow is the campaign's clock, so the transcript's dates never move.
var fixedNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// runMain runs the binary's Main with a database in a temp dir and returns
// the exit code, stdout and stderr.
func runMain(t *testing.T, db string, stdin string, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return runMainCtx(t, context.Background(), db, stdin, vars, args...)
}

// runMainCtx is runMain under ctx (a cancelled one stops serve at once).
func runMainCtx(t *testing.T, ctx context.Context, db string, stdin string, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "COLLABBOT_DB" {
				return db
			}
			return vars[k]
		},
		Clock: func() time.Time { return fixedNow },
	}
	code := Main(ctx, env)
	return code, out.String(), errb.String()
}

func tempDB(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "collabbot.db")
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCampaignTranscript replays testdata/campaign.txt through the console
// and compares the whole transcript with testdata/campaign.golden: roster,
// catalog, an invitation accepted, an open plan, a sample refused for a
// seller, approved by a manager, shipped, content submitted, the report.
func TestCampaignTranscript(t *testing.T) {
	script, err := os.ReadFile("../../testdata/campaign.txt")
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runMain(t, tempDB(t), string(script), nil, "console")
	// The story shows three refusals on purpose; a script with failed
	// lines exits 1 and names them, so automation can tell.
	if want := "collabbot console: 3 of 34 lines failed: lines 13, 26, 31\n"; code != 1 || stderr != want {
		t.Fatalf("console exited %d with %q, want 1 with %q", code, stderr, want)
	}
	golden := "../../testdata/campaign.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/collabbot -run Campaign -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("transcript differs from %s (rerun with -update after checking the change):\n%s", golden, firstDiff(string(want), out))
	}
	// The story's key beats, checked independently of the golden file.
	for _, beat := range []string{
		"! Commission rate must be between 1% and 80%",
		"You accepted invitation I1 at 15% commission.",
		"--> Discord DM to @maya_glow",
		"! This sample needs at least 1000 followers (you have 800).",
		"! Only a manager can approve samples; you are a seller.",
		"Approved by erin",
		"Tracking: TRACK-123",
		"Content posted: https://www.tiktok.com/@maya_glow/video/7301234567890123456",
		"Fulfilment rate: 100%",
	} {
		if !strings.Contains(out, beat) {
			t.Errorf("transcript lacks %q", beat)
		}
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n want %q\n  got %q", i+1, w, g)
		}
	}
	return "(same lines)"
}

func TestImportIsAllOrNothing(t *testing.T) {
	db := tempDB(t)
	bad := writeFile(t, "creators.csv", "handle,discord_id,followers,niche\n@maya_glow,111111111111111111,52000,beauty\n@leo.cooks,222222222222222222,-5,food\n@ana,333333333333333333,100,food\n")
	code, _, stderr := runMain(t, db, "", nil, "import", "creators", bad)
	if code != 1 {
		t.Fatalf("import of a bad file exited %d, want 1", code)
	}
	if !strings.Contains(stderr, "line 3") || !strings.Contains(stderr, "Followers") {
		t.Errorf("error does not name line 3 and the field: %s", stderr)
	}
	// Nothing from the file was stored: a good import afterwards adds all rows as new.
	good := writeFile(t, "good.csv", "handle,discord_id,followers,niche\n@maya_glow,111111111111111111,52000,beauty\n")
	code, out, stderr := runMain(t, db, "", nil, "import", "creators", good)
	if code != 0 || !strings.Contains(out, "1 new, 0 updated") {
		t.Fatalf("good import: code %d out %q err %q", code, out, stderr)
	}
	code, out, _ = runMain(t, db, "/as seller\ncreators\n", nil, "console")
	if code != 0 || strings.Contains(out, "leo.cooks") || !strings.Contains(out, "@maya_glow") {
		t.Errorf("roster after imports:\n%s", out)
	}
}

func TestImportProductsAndExport(t *testing.T) {
	db := tempDB(t)
	p := writeFile(t, "products.csv", "id,title,price,group,stock\nP100,Glow Serum,24.90,skincare,50\nP200,Night Cream,31.00,skincare,0\n")
	if code, out, stderr := runMain(t, db, "", nil, "import", "products", p); code != 0 || !strings.Contains(out, "Imported 2 products") {
		t.Fatalf("import products: %d %q %q", code, out, stderr)
	}
	c := writeFile(t, "creators.csv", "handle,discord_id,followers,niche\n@maya_glow,111111111111111111,52000,beauty\n")
	if code, _, stderr := runMain(t, db, "", nil, "import", "creators", c); code != 0 {
		t.Fatalf("import creators: %s", stderr)
	}
	if code, _, stderr := runMain(t, db, "/as seller\ninvite @maya_glow P100 15%\n", nil, "console"); code != 0 {
		t.Fatalf("console: %s", stderr)
	}
	code, out, stderr := runMain(t, db, "", nil, "export", "invitations")
	if code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "id,collaboration,creator,products,commission_rate") || !strings.Contains(lines[1], "I1,,maya_glow,P100,15%") {
		t.Errorf("export invitations:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "samples.csv")
	if code, out, stderr := runMain(t, db, "", nil, "export", "samples", file); code != 0 || !strings.Contains(out, "Wrote 0 samples") {
		t.Fatalf("export samples: %d %q %q", code, out, stderr)
	}
	if b, _ := os.ReadFile(file); !strings.HasPrefix(string(b), "id,creator,product,quantity,source,state") {
		t.Errorf("samples.csv header: %q", b)
	}
	if code, _, stderr := runMain(t, db, "", nil, "export", "orders"); code != 2 || !strings.Contains(stderr, "invitations or samples") {
		t.Errorf("export orders: %d %q", code, stderr)
	}
}

func TestBackupAndMigrate(t *testing.T) {
	db := tempDB(t)
	if code, out, stderr := runMain(t, db, "", nil, "migrate"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runMain(t, db, "/as seller\nproduct add P1 \"Chips\" stock=3\n", nil, "console"); code != 0 {
		t.Fatal(stderr)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := runMain(t, db, "", nil, "backup", copyPath); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	code, out, _ := runMain(t, copyPath, "/as seller\nproducts\n", nil, "console")
	if code != 0 || !strings.Contains(out, "P1  Chips") {
		t.Errorf("the backup lacks the product:\n%s", out)
	}
	if code, _, _ := runMain(t, db, "", nil, "backup", copyPath); code == 0 {
		t.Error("backup overwrote an existing file")
	}
}

func TestUsageAndConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		vars map[string]string
		code int
		want string
	}{
		{"no command", nil, nil, 2, "Usage:"},
		{"unknown command", []string{"frobnicate"}, nil, 2, `unknown command "frobnicate"`},
		{"bad zone", []string{"migrate"}, map[string]string{"COLLABBOT_TIMEZONE": "Mars/Base"}, 2, "COLLABBOT_TIMEZONE"},
		{"import without file", []string{"import", "creators"}, nil, 2, "missing the CSV file, like: collabbot import creators creators.csv"},
		{"import of missing file", []string{"import", "products", "/nonexistent.csv"}, nil, 2, "collabbot import: cannot read /nonexistent.csv: no such file"},
		{"backup without file", []string{"backup"}, nil, 2, "missing the file to write, like: collabbot backup backup.db"},
		{"postgres not yet", []string{"migrate"}, map[string]string{"COLLABBOT_DB": "postgres://localhost/x"}, 1, "PostgreSQL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := tempDB(t)
			if v, ok := tc.vars["COLLABBOT_DB"]; ok {
				db = v
			}
			code, out, stderr := runMain(t, db, "", tc.vars, tc.args...)
			if code != tc.code || !strings.Contains(stderr+out, tc.want) {
				t.Errorf("exit %d (want %d), output %q, want it to contain %q", code, tc.code, stderr+out, tc.want)
			}
		})
	}
}

// TestServeAnswersAndStops starts serve on a free port, checks the health
// paths, and stops it with the context as SIGTERM would.
func TestServeAnswersAndStops(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- Main(ctx, Env{
			Args: []string{"serve"}, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr,
			Getenv: func(k string) string {
				return map[string]string{"COLLABBOT_DB": tempDB(t), "COLLABBOT_ADDR": addr}[k]
			},
		})
	}()
	var resp *http.Response
	for i := 0; i < 100; i++ {
		if resp, err = http.Get("http://" + addr + "/healthz"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		cancel()
		t.Fatalf("serve never answered: %v\n%s", err, stderr.String())
	}
	resp.Body.Close()
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		r, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Errorf("GET %s = %d", path, r.StatusCode)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after the context ended")
	}
}

// TestReimportKeepsMissingColumns: a price list without a stock column
// updates prices and leaves each product's sample stock alone; blank cells
// keep what is there too.
func TestReimportKeepsMissingColumns(t *testing.T) {
	db := tempDB(t)
	full := writeFile(t, "full.csv", "id,title,price,group,stock\nP100,Glow Serum,24.90,skincare,50\n")
	prices := writeFile(t, "prices.csv", "id,title,price\nP100,Glow Serum,19.90\n")
	blanks := writeFile(t, "blanks.csv", "id,title,price,group,stock\nP100,Glow Serum,,,\n")
	restock := writeFile(t, "restock.csv", "id,title,price,group,stock\nP100,,,,50\n")
	for _, f := range []string{full, prices, blanks, restock} {
		if code, _, stderr := runMain(t, db, "", nil, "import", "products", f); code != 0 {
			t.Fatalf("import %s: %s", f, stderr)
		}
	}
	_, out, _ := runMain(t, db, "/as seller\nproducts\n", nil, "console")
	if !strings.Contains(out, "P100  Glow Serum  price 19.90  group skincare  50 samples in stock") {
		t.Errorf("after a price-only import:\n%s", out)
	}
}

func TestBackupAndExportRefuseAMissingDatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo.db")
	for _, args := range [][]string{{"backup", filepath.Join(t.TempDir(), "b.db")}, {"export", "samples"}} {
		code, _, stderr := runMain(t, missing, "", nil, args...)
		if code != 2 || !strings.Contains(stderr, "no database at "+missing) {
			t.Errorf("%v on a missing database: exit %d, %q", args, code, stderr)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("%v created %s", args, missing)
		}
	}
}

func TestExportNeverOverwrites(t *testing.T) {
	db := tempDB(t)
	if code, _, stderr := runMain(t, db, "", nil, "migrate"); code != 0 {
		t.Fatal(stderr)
	}
	before, _ := os.ReadFile(db)
	code, _, stderr := runMain(t, db, "", nil, "export", "samples", db)
	if code != 2 || !strings.Contains(stderr, "already exists") {
		t.Errorf("export onto the database: exit %d, %q", code, stderr)
	}
	if after, _ := os.ReadFile(db); len(after) != len(before) || len(after) == 0 {
		t.Errorf("the database changed size from %d to %d", len(before), len(after))
	}
}

// slackVars configure Slack (its adapter is not in this build: a test
// stands in for its sender).
var slackVars = map[string]string{"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "SLACK_APPROVALS_CHANNEL": "C1", "SLACK_SELLERS_CHANNEL": "C2"}

// With Slack configured the console shares the database with serve: it
// says so, prints Discord messages, and leaves Slack's pending for serve.
func TestConsoleWithSlackConfiguredLeavesSlackToServe(t *testing.T) {
	db := tempDB(t)
	script := "/as seller dana\nproduct add P1 \"Chips\" stock=3\nplan \"Spring\" P1=12%\n"
	code, out, stderr := runMain(t, db, script, slackVars, "console")
	if code != 0 {
		t.Fatalf("console with Slack configured: exit %d, %q", code, stderr)
	}
	if !strings.Contains(out, "Slack messages are delivered by collabbot serve; this console shows only Discord messages.") {
		t.Errorf("the console did not say it leaves Slack to serve:\n%s", out)
	}
	if strings.Contains(out, "--> Slack") {
		t.Errorf("the console printed a Slack message serve should deliver:\n%s", out)
	}
	if strings.Contains(out+stderr, "xoxb-test") {
		t.Error("the token reached the output")
	}
	code, out, _ = runMain(t, db, "", slackVars, "outbox", "--state", "pending")
	if code != 0 || !strings.Contains(out, "#sellers") || !strings.Contains(out, "plan:1:created") {
		t.Errorf("the plan's Slack post is not pending for serve: exit %d\n%s", code, out)
	}
}

// sink records what a fake platform was handed.
type sink struct {
	mu   sync.Mutex
	sent []domain.Outgoing
}

func (s *sink) Send(ctx context.Context, o domain.Outgoing) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, o)
	return fmt.Sprintf("C2/%d.0", len(s.sent)), nil
}

func (s *sink) got() []domain.Outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]domain.Outgoing(nil), s.sent...)
}

// serve and the console on one database file: a message queued from the
// console for Slack is delivered by serve's dispatcher (a recording fake
// stands in for the Slack adapter), not by the console; serve then stops
// cleanly with nothing left claimed.
func TestServeDeliversWhatTheConsoleQueues(t *testing.T) {
	db := tempDB(t)
	if code, _, stderr := runMain(t, db, "", nil, "migrate"); code != 0 {
		t.Fatal(stderr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	slack := &sink{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		vars := map[string]string{"COLLABBOT_DB": db, "COLLABBOT_ADDR": addr}
		for k, v := range slackVars {
			vars[k] = v
		}
		done <- Main(ctx, Env{
			Args: []string{"serve"}, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &syncWriter{w: &stderr},
			Getenv:  func(k string) string { return vars[k] },
			Senders: map[domain.Surface]delivery.Sender{domain.SurfaceSlack: slack}, DeliverEvery: 5 * time.Millisecond,
		})
	}()

	// The console starts once serve answers, as a person would start it
	// beside a running service.
	for up := time.Now().Add(20 * time.Second); ; {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve ended (exit %d) before it answered:\n%s", code, stderr.String())
		default:
		}
		if time.Now().After(up) {
			t.Fatalf("serve did not answer /healthz:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	code, out, errs := runMain(t, db, "/as seller dana\nproduct add P1 \"Chips\" stock=3\nplan \"Spring\" P1=12%\n", slackVars, "console")
	if code != 0 || strings.Contains(out, "--> Slack") {
		t.Fatalf("console: exit %d, %q\n%s", code, errs, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(slack.got()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	got := slack.got()
	if len(got) != 1 || got[0].Key != "plan:1:created" || got[0].To.String() != "channel:sellers" {
		t.Fatalf("serve's Slack sender got %+v, want the plan's post to the sellers channel; serve said:\n%s", got, stderr.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	code, out, _ = runMain(t, db, "", nil, "outbox")
	if code != 0 || !strings.Contains(out, "plan:1:created") || strings.Contains(out, "sending") {
		t.Fatalf("outbox after serve stopped: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "sent") {
		t.Fatalf("the plan's post is not recorded as sent:\n%s", out)
	}
}

// syncWriter lets serve's logger and the test share a buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// String is what was written so far, for a writer over a *bytes.Buffer.
func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprint(s.w)
}

func TestOutboxCommand(t *testing.T) {
	db := tempDB(t)
	code, _, stderr := runMain(t, db, "/as seller dana\nproduct add P1 \"Chips\" stock=3\nplan \"Spring\" P1=12%\n", slackVars, "console")
	if code != 0 {
		t.Fatal(stderr)
	}
	// The plan's post fails for good, as a platform refusing it would.
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.ClaimOutgoing(context.Background(), time.Now(), []domain.Surface{domain.SurfaceSlack}, 1, time.Minute)
	if err != nil || len(rows) != 1 {
		t.Fatalf("claim: %v %v", rows, err)
	}
	if err := st.MarkFailed(context.Background(), rows[0], "slack: channel_not_found"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	id := fmt.Sprint(rows[0].ID)

	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string
		not   []string
	}{
		{"all", []string{"outbox"}, 0, []string{"ID", "STATE", "TO", "KEY", "ATTEMPTS", "LAST ERROR", "failed", "#sellers", "plan:1:created", "slack: channel_not_found"}, nil},
		{"failed only", []string{"outbox", "--state", "failed"}, 0, []string{"plan:1:created"}, nil},
		{"none sent", []string{"outbox", "--state=sent"}, 0, []string{"No sent outgoing messages."}, nil},
		{"help", []string{"outbox", "--help"}, 0, []string{"collabbot outbox retry ID"}, nil},
		{"bad state", []string{"outbox", "--state", "lost"}, 2, []string{"--state must be pending, sending, sent, failed or merged"}, nil},
		{"bad flag", []string{"outbox", "--frob"}, 2, []string{`unknown flag "--frob": collabbot outbox takes --state, --limit`, "Usage:"}, nil},
		{"retry without id", []string{"outbox", "retry"}, 2, []string{"collabbot outbox retry ID"}, nil},
		{"retry bad id", []string{"outbox", "retry", "x"}, 2, []string{`got "x"`}, nil},
		{"retry unknown", []string{"outbox", "retry", "999"}, 1, []string{"No outgoing message 999."}, nil},
		{"retry", []string{"outbox", "retry", id}, 0, []string{"Outgoing message " + id + " to #sellers is queued again"}, nil},
		{"retry again", []string{"outbox", "retry", id}, 1, []string{"is pending; only a failed message can be retried"}, nil},
		{"pending after retry", []string{"outbox", "--state", "pending"}, 0, []string{"plan:1:created"}, []string{"channel_not_found"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runMain(t, db, "", nil, tc.args...)
			if code != tc.code {
				t.Fatalf("%v: exit %d, want %d (%q %q)", tc.args, code, tc.code, out, stderr)
			}
			for _, w := range tc.wants {
				if !strings.Contains(out+stderr, w) {
					t.Errorf("%v: output lacks %q:\n%s%s", tc.args, w, out, stderr)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(out+stderr, w) {
					t.Errorf("%v: output has %q:\n%s%s", tc.args, w, out, stderr)
				}
			}
		})
	}
}

// serve under systemd or in a container has /dev/null as stdin, a
// character device that is not a terminal: no console may start there.
func TestDevNullIsNotATerminal(t *testing.T) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	if isTerminal(devnull) {
		t.Fatal("/dev/null taken for a terminal: serve would start the console and stop at once")
	}
}

// An error found while storing (a Discord ID already taken) names the row's
// real line, blank lines and all.
func TestImportNamesTheRealLine(t *testing.T) {
	db := tempDB(t)
	first := writeFile(t, "a.csv", "handle,discord_id\n@maya_glow,111111111111111111\n")
	if code, _, stderr := runMain(t, db, "", nil, "import", "creators", first); code != 0 {
		t.Fatal(stderr)
	}
	second := writeFile(t, "b.csv", "handle,discord_id\n\n@leo.cooks,222222222222222222\n\n@ana_b,111111111111111111\n")
	code, _, stderr := runMain(t, db, "", nil, "import", "creators", second)
	if code != 1 || !strings.Contains(stderr, "line 5") {
		t.Errorf("exit %d, %q; want the error on line 5", code, stderr)
	}
}

func TestImportNewProductNeedsATitle(t *testing.T) {
	f := writeFile(t, "p.csv", "id,title,stock\nP100,,7\n")
	code, _, stderr := runMain(t, tempDB(t), "", nil, "import", "products", f)
	if code != 1 || !strings.Contains(stderr, "line 2, column title: Title is required") {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

// Every command answers -h and --help with its usage on stdout and does
// nothing else: no database, no file named "--help", no server.
func TestEveryCommandHasHelp(t *testing.T) {
	t.Chdir(t.TempDir())
	// A cancelled context: a serve that ignored --help would start and stop
	// at once instead of hanging the test.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--help"}, "collabbot serve"},
		{[]string{"serve", "-h"}, "collabbot serve"},
		{[]string{"console", "--help"}, "collabbot console"},
		{[]string{"migrate", "-h"}, "collabbot migrate"},
		{[]string{"import", "--help"}, "collabbot import creators|products FILE.csv"},
		{[]string{"import", "creators", "--help"}, "collabbot import creators|products FILE.csv"},
		{[]string{"export", "samples", "--help"}, "collabbot export invitations|samples [FILE.csv]"},
		{[]string{"export", "-help"}, "collabbot export invitations|samples [FILE.csv]"},
		{[]string{"backup", "--help"}, "collabbot backup FILE"},
		{[]string{"backup", "-h"}, "collabbot backup FILE"},
		{[]string{"outbox", "--help"}, "collabbot outbox retry ID"},
		{[]string{"outbox", "retry", "-h"}, "collabbot outbox retry ID"},
		{[]string{"help", "backup"}, "collabbot backup FILE"},
		{[]string{"help", "tiktok"}, "collabbot tiktok connect|status|sync"},
		{[]string{"--help"}, "collabbot help [COMMAND]"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "collabbot.db")
			code, out, stderr := runMainCtx(t, ctx, db, "", nil, tc.args...)
			if code != 0 || stderr != "" || !strings.HasPrefix(strings.TrimPrefix(out, "collabbot: run a TikTok Shop seller team's affiliate collaborations from chat.\n\n"), "Usage:\n") || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 0 and a usage with %q on stdout only", code, out, stderr, tc.want)
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("%v opened the database", tc.args)
			}
			for _, f := range []string{"--help", "-h", "-help"} {
				if _, err := os.Stat(f); err == nil {
					t.Fatalf("%v wrote a file named %s", tc.args, f)
				}
			}
		})
	}
}

// An unknown flag or an extra argument is an error naming it, with the
// command's usage, exit 2, and nothing is done.
func TestBadArgumentsAreRefused(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		args  []string
		wants []string
	}{
		{[]string{"serve", "--port", "9"}, []string{`unknown flag "--port": collabbot serve takes no flags`, "collabbot serve"}},
		{[]string{"serve", "now"}, []string{`unexpected argument "now": collabbot serve takes none`}},
		{[]string{"console", "script.txt"}, []string{`unexpected argument "script.txt"`, "collabbot console"}},
		{[]string{"migrate", "--force"}, []string{`unknown flag "--force"`}},
		{[]string{"migrate", "up"}, []string{`unexpected argument "up"`}},
		{[]string{"import", "creators", "a.csv", "b.csv"}, []string{`unexpected argument "b.csv": collabbot import takes at most 2`}},
		{[]string{"import", "orders", "a.csv"}, []string{`what to import must be creators or products (got "orders")`}},
		{[]string{"import", "--dry-run", "creators", "a.csv"}, []string{`unknown flag "--dry-run"`}},
		{[]string{"export", "samples", "a.csv", "b.csv"}, []string{`unexpected argument "b.csv"`}},
		{[]string{"export", "--format=json", "samples"}, []string{`unknown flag "--format=json"`}},
		{[]string{"export"}, []string{"missing the report (invitations or samples), like: collabbot export samples samples.csv"}},
		{[]string{"backup", "a.db", "b.db"}, []string{`unexpected argument "b.db": collabbot backup takes at most 1`}},
		{[]string{"backup", "--out", "a.db"}, []string{`unknown flag "--out"`}},
		{[]string{"outbox", "--state"}, []string{`flag "--state" needs a value`}},
		{[]string{"outbox", "--limit", "x"}, []string{`--limit must be a whole number of at least 1, got "x"`}},
		{[]string{"outbox", "--state", "sent", "--state", "failed"}, []string{"flag --state is given twice"}},
		{[]string{"outbox", "retry", "1", "2"}, []string{`unexpected argument "2": collabbot outbox takes at most 2`}},
		{[]string{"outbox", "list"}, []string{`unexpected argument "list"`}},
		{[]string{"help", "frob"}, []string{`unknown command "frob"`}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "collabbot.db")
			code, out, stderr := runMainCtx(t, ctx, db, "", nil, tc.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q; want exit 2 and nothing on stdout", code, out)
			}
			for _, w := range append(tc.wants, "Usage:") {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("%v opened the database", tc.args)
			}
		})
	}
}

// A file may still be named like a flag, after "--".
func TestDoubleDashEndsFlags(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "collabbot.db")
	if code, _, stderr := runMain(t, db, "", nil, "migrate"); code != 0 {
		t.Fatal(stderr)
	}
	if code, out, stderr := runMain(t, db, "", nil, "backup", "--", "-odd.db"); code != 0 || !strings.Contains(out, "Backup written to -odd.db") {
		t.Fatalf("backup -- -odd.db: exit %d %q %q", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "-odd.db")); err != nil {
		t.Fatal(err)
	}
}

// A file larger than an import accepts is refused by its size, before it
// is read or the database opened (a 50 MB one-line file used to be read
// into memory first).
func TestImportRefusesAHugeFileBySize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: 9 MB on paper, nothing on disk.
	if err := f.Truncate(9 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	db := tempDB(t)
	code, _, stderr := runMain(t, db, "", nil, "import", "products", path)
	if code != 1 || !strings.Contains(stderr, path+" is 9.0 MB; a CSV import is at most 8 MB") {
		t.Errorf("exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("the database was opened for a file refused by its size")
	}
}

// A blank title on a new product is reported with the file's other errors,
// not once they are fixed; a blank title on a stored product keeps its title.
func TestImportReportsNewProductTitlesWithOtherErrors(t *testing.T) {
	db := tempDB(t)
	first := writeFile(t, "a.csv", "id,title\nP1,Chips\n")
	if code, _, stderr := runMain(t, db, "", nil, "import", "products", first); code != 0 {
		t.Fatal(stderr)
	}
	f := writeFile(t, "b.csv", "id,title,price,stock\nP1,,2.50,\nP2,Serum,cheap,\nP3,,,7\nP4,,,x\n")
	code, _, stderr := runMain(t, db, "", nil, "import", "products", f)
	for _, want := range []string{
		"line 3, column price: Price must be",
		"line 4, column title: Title is required for a new product (P3 is not in the catalog yet)",
		"line 5, column stock: Stock must be",
		"line 5, column title: Title is required for a new product",
	} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr lacks %q:\n%s", code, want, stderr)
		}
	}
	if strings.Contains(stderr, "line 2") {
		t.Errorf("the stored product's blank title was refused:\n%s", stderr)
	}
}

// serve at a terminal with no chat configured starts the console, says that
// leaving it stops serve, and says so again on /quit.
func TestServeConsoleSaysLeavingStopsServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(context.Background(), Env{
			Args: []string{"serve"}, Stdin: strings.NewReader("/quit\n"), Stdout: &syncWriter{w: &out}, Stderr: &syncWriter{w: &stderr},
			StdinIsTerminal: true,
			Getenv:          func(k string) string { return map[string]string{"COLLABBOT_DB": tempDB(t), "COLLABBOT_ADDR": addr}[k] },
		})
	}()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after /quit")
	}
	got := out.String()
	first := strings.Index(got, "Leaving the console (/quit or Ctrl-D) stops collabbot serve")
	last := strings.Index(got, "Leaving the console: collabbot serve stops.")
	if first < 0 || last < first {
		t.Errorf("serve's console did not say leaving it stops serve, at start and at the end:\n%s", got)
	}
}
