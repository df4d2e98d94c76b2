package main

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dispatched is every name Main runs: the command table and the
// handlers the other files register.
func dispatched() []string {
	names := map[string]bool{}
	for _, c := range commandList {
		names[c.name] = true
	}
	for n := range offlineCommands {
		names[n] = true
	}
	for n := range storeCommands {
		names[n] = true
	}
	return slices.Sorted(maps.Keys(names))
}

// Every command, help and tiktok included, answers --help, -h and -help
// with its usage on stdout and exit 0, and opens nothing.
func TestEveryDispatchedCommandAnswersHelp(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range dispatched() {
		cmd, ok := lookupCommand(name)
		if !ok {
			t.Errorf("%s is dispatched but not in commandList", name)
			continue
		}
		want := usageOf(cmd)
		if name == "help" {
			want = usage()
		}
		for _, flag := range []string{"--help", "-h", "-help"} {
			t.Run(name+" "+flag, func(t *testing.T) {
				db := filepath.Join(t.TempDir(), "collabbot.db")
				code, out, stderr := runMainCtx(t, ctx, db, "", nil, name, flag)
				if code != 0 || stderr != "" || out != want {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 0 and stdout %q", code, out, stderr, want)
				}
				if _, err := os.Stat(db); err == nil {
					t.Errorf("%s %s opened the database", name, flag)
				}
			})
		}
	}
}

// collabbot help COMMAND prints that command's usage, for every command.
func TestHelpNamesEveryCommand(t *testing.T) {
	for _, name := range dispatched() {
		cmd, _ := lookupCommand(name)
		want := usageOf(cmd)
		if name == "help" {
			want = usage()
		}
		code, out, stderr := runMain(t, tempDB(t), "", nil, "help", name)
		if code != 0 || stderr != "" || out != want {
			t.Errorf("help %s: exit %d, stdout %q, stderr %q; want exit 0 and %q", name, code, out, stderr, want)
		}
	}
}

// The top-level usage lists every command Main dispatches, and the
// contract's command-line names (docs: PRODUCT.md "Command line").
func TestUsageListsEveryCommand(t *testing.T) {
	u := usage()
	names := append(dispatched(), "serve", "migrate", "import", "export", "backup", "slack-manifest", "discord-register", "tiktok", "help")
	for _, name := range names {
		if !strings.Contains(u, "\n  collabbot "+name+" ") && !strings.Contains(u, "\n  collabbot "+name+"\n") {
			t.Errorf("usage lacks collabbot %s:\n%s", name, u)
		}
		if _, ok := lookupCommand(name); !ok {
			t.Errorf("%s is not in the table Main dispatches from", name)
		}
	}
}

// tiktok is in the contract, not in this build: its usage works, running
// it says so (exit 1), a wrong action is bad usage (exit 2).
func TestTikTokNotInThisBuild(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"tiktok", "sync"}, 1, "collabbot tiktok: not available in this build yet; the TikTok Shop sync comes in a later release.\n"},
		{[]string{"tiktok"}, 1, "collabbot tiktok: not available in this build yet"},
		{[]string{"tiktok", "frob"}, 2, `what to do must be connect or status or sync (got "frob")`},
	}
	for _, tc := range tests {
		code, out, stderr := runMain(t, tempDB(t), "", nil, tc.args...)
		if code != tc.code || out != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, stderr, tc.code, tc.want)
		}
	}
}

// A file argument that cannot be used is named, in a person's words,
// exit 2; nothing of Go's wording ("stat", "open", "no such file or
// directory") shows.
func TestFileArgumentsAreNamed(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "collabbot.db")
	if code, _, stderr := runMain(t, db, "", nil, "migrate"); code != 0 {
		t.Fatal(stderr)
	}
	existing := writeFile(t, "existing.csv", "x\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"import", "creators", "nofile.csv"}, "collabbot import: cannot read nofile.csv: no such file\n"},
		{[]string{"import", "products", "nodir/p.csv"}, "collabbot import: cannot read nodir/p.csv: no such file\n"},
		{[]string{"import", "creators", dir}, "collabbot import: cannot read " + dir + ": it is a folder, not a file\n"},
		{[]string{"export", "samples", "nodir/s.csv"}, "collabbot export: cannot write nodir/s.csv: its folder nodir does not exist\n"},
		{[]string{"export", "samples", existing}, "collabbot export: " + existing + " already exists; choose a new file name\n"},
		{[]string{"export", "samples", existing + "/s.csv"}, "collabbot export: cannot write " + existing + "/s.csv: a part of the path is a file, not a folder\n"},
		{[]string{"backup", "nodir/b.db"}, "collabbot backup: cannot write nodir/b.db: its folder nodir does not exist\n"},
		{[]string{"backup", existing}, "collabbot backup: " + existing + " already exists; choose a new file name\n"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, stderr := runMain(t, db, "", nil, tc.args...)
			if code != 2 || out != "" || stderr != tc.want {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, stderr, tc.want)
			}
			for _, goism := range []string{"stat ", "open ", "no such file or directory", "not a directory"} {
				if strings.Contains(stderr, goism) {
					t.Errorf("stderr has Go's %q: %q", goism, stderr)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "nodir")); err == nil {
		t.Error("a missing folder was created")
	}
}

// An error names its command once: Main prints "collabbot NAME: ", so no
// message may start with it again. Missing configuration is exit 2.
func TestErrorsNameTheCommandOnce(t *testing.T) {
	tests := []struct {
		args []string
		vars map[string]string
		code int
	}{
		{[]string{"discord-register"}, nil, 2},
		{[]string{"outbox", "retry", "1", "--state", "failed"}, nil, 2},
		{[]string{"outbox", "retry"}, nil, 2},
		{[]string{"outbox", "retry", "7"}, nil, 1},
		{[]string{"slack-manifest"}, nil, 2},
		{[]string{"remind", "--job", "frob"}, nil, 2},
		{[]string{"tiktok", "status"}, nil, 1},
		{[]string{"help", "frob"}, nil, 2},
		{[]string{"import", "creators", "nofile.csv"}, nil, 2},
	}
	db := tempDB(t)
	if code, _, stderr := runMain(t, db, "", nil, "migrate"); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := runMain(t, db, "", tc.vars, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d: %q", code, tc.code, stderr)
			}
			first, _, _ := strings.Cut(stderr, "\n")
			prefix := "collabbot " + tc.args[0] + ": "
			if !strings.HasPrefix(first, prefix) || strings.Contains(strings.TrimPrefix(first, prefix), "collabbot "+tc.args[0]+":") ||
				strings.HasPrefix(strings.TrimPrefix(first, prefix), "collabbot "+tc.args[0]) {
				t.Errorf("first line %q: want it to start with %q once", first, prefix)
			}
		})
	}
}

// remind and outbox show whom a message is for as a person knows them:
// the creator's @handle, the channel's #name, never "creator:1".
func TestRecipientsAreNamedAsPeopleKnowThem(t *testing.T) {
	db := remindDB(t)
	const at = "2026-11-30T10:00:00Z"
	tests := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"dry run", []string{"remind", "--job", "nudge", "--at", at, "--dry-run"}, []string{"nudge  @maya_glow  "}},
		{"remind", []string{"remind", "--job", "nudge", "--at", at}, []string{"nudge  @maya_glow  "}},
		{"digest", []string{"remind", "--job", "digest"}, []string{"digest  #sellers  "}},
		{"outbox", []string{"outbox"}, []string{"pending  @maya_glow  invitation:1:nudge", "pending  #sellers  "}},
		{"pending", []string{"outbox", "--state", "pending"}, []string{"pending  @maya_glow  "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runMain(t, db, "", nil, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tc.wants {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, line := range strings.Split(out, "\n") {
				// The TO column: the key may hold "channel:sellers:digest#..."
				if f := strings.Fields(line); len(f) > 2 && (strings.HasPrefix(f[1], "creator:") || strings.HasPrefix(f[1], "channel:") || strings.HasPrefix(f[2], "creator:") || strings.HasPrefix(f[2], "channel:")) {
					t.Errorf("a recipient in its stored form: %q", line)
				}
			}
		})
	}
}
