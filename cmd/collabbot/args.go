package main

import (
	"fmt"
	"slices"
	"strings"
)

// command is one subcommand's command line: what --help shows, the flags
// it takes, and how many other arguments. Every subcommand is checked by
// the same parser before anything runs, so a mistyped flag can never
// become a file name (a backup named "--help") or be ignored.
type command struct {
	name string
	// usage lines: the synopsis, then what it does, indented.
	usage string
	// flags take a value (--state failed, --state=failed); names without dashes.
	flags    []string
	min, max int // other arguments
	// switches are flags without a value (--dry-run, or --dry-run=false);
	// parsed, they read "true" or "false".
	switches []string
	// params name the arguments, for "missing FILE"; example is a whole
	// command line that works.
	params  []string
	example string
	// check validates the arguments' values, before anything is opened.
	check func(cmdLine) error
	// unavailable is set for the contract's commands not in this build:
	// --help shows their usage, anything else says so and exits 1.
	unavailable string
}

var commandList = []command{
	{name: "serve", usage: `collabbot serve
    run the service: HTTP (/healthz, /readyz, /metrics), deadlines every minute, outgoing
    messages; with no chat platform configured and stdin a terminal, the console too
    (leaving the console stops serve)`},
	{name: "console", usage: `collabbot console
    the commands in a terminal; reads a script when stdin is not a terminal, and then
    ends with "N of M lines failed: lines ..." and exit 1 if any line failed`},
	{name: "migrate", usage: `collabbot migrate
    apply database migrations (serve and every command also do)`},
	{name: "import", min: 2, max: 2, check: oneOf("what to import", "creators", "products"),
		params: []string{"creators or products", "the CSV file"}, example: "collabbot import creators creators.csv", usage: `collabbot import creators|products FILE.csv
    import a CSV file, all rows or none`},
	{name: "export", min: 1, max: 2, check: oneOf("report", "invitations", "samples"),
		params: []string{"the report (invitations or samples)"}, example: "collabbot export samples samples.csv", usage: `collabbot export invitations|samples [FILE.csv]
    write a CSV report, to stdout without FILE; never overwrites a file`},
	{name: "backup", min: 1, max: 1, params: []string{"the file to write"}, example: "collabbot backup backup.db", usage: `collabbot backup FILE
    write a consistent copy of the live database; never overwrites a file`},
	{name: "discord-register", flags: []string{"guild"}, check: checkDiscordRegister, usage: `collabbot discord-register [--guild ID]
    register the Discord commands (/plans, /invitations, /samples, /link) for the app
    (DISCORD_APP_ID, DISCORD_BOT_TOKEN): globally, or in one server with --guild`},
	{name: "outbox", flags: []string{"state", "limit"}, max: 2, check: checkOutbox, usage: `collabbot outbox [--state pending|sending|sent|failed|merged] [--limit N]
    list outgoing messages with attempts and last error: without --state a count per state,
    then failed (latest first, with the reason), waiting (longest first), sent (latest first);
    with --state that state only; at most N rows of each (default 50)
collabbot outbox retry ID
    queue a failed message again (pending, no attempts, due now)`},
	{name: "remind", flags: []string{"job", "at"}, switches: []string{"dry-run"}, check: checkRemind, usage: `collabbot remind [--job NAME] [--at RFC3339] [--dry-run]
    run the reminder jobs once (every scheduled one, or --job nudge|approvals|shipping|
    content|overdue|plans|digest), as if at --at (default now), and print what they
    queued; --dry-run prints what they would queue and queues nothing. A running serve
    delivers what was queued`},
	{name: "slack-manifest", flags: []string{"url"}, switches: []string{"socket-mode"}, check: checkSlackManifest,
		usage: `collabbot slack-manifest --url https://HOST [--socket-mode]
    print the Slack app manifest (YAML) for collabbot served at HOST; with
    --socket-mode the app connects out over Socket Mode and names no URL`},
	{name: "tiktok", max: 1, check: optionalOneOf("what to do", "connect", "status", "sync"),
		unavailable: "the TikTok Shop sync comes in a later release",
		usage: `collabbot tiktok connect|status|sync
    connect a TikTok Shop, show the connection, pull sample applications and orders:
    not available in this build yet`},
	{name: "help", max: 1, usage: `collabbot help [COMMAND]
    this text, or one command's`},
}

// oneOf checks that the first argument is one of allowed.
func oneOf(what string, allowed ...string) func(cmdLine) error {
	return func(l cmdLine) error {
		for _, a := range allowed {
			if l.args[0] == a {
				return nil
			}
		}
		return usageError{fmt.Sprintf("%s must be %s (got %q)", what, strings.Join(allowed, " or "), l.args[0])}
	}
}

// optionalOneOf is oneOf when an argument is given.
func optionalOneOf(what string, allowed ...string) func(cmdLine) error {
	check := oneOf(what, allowed...)
	return func(l cmdLine) error {
		if len(l.args) == 0 {
			return nil
		}
		return check(l)
	}
}

func lookupCommand(name string) (command, bool) {
	for _, c := range commandList {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usageOf is a command's usage block as --help prints it.
func usageOf(c command) string {
	return "Usage:\n" + indent(c.usage, "  ") + "\n"
}

func indent(s, by string) string {
	return by + strings.ReplaceAll(s, "\n", "\n"+by)
}

// usage is collabbot's own, built from the table the dispatcher looks
// commands up in, when it is asked for, so the two never differ.
func usage() string {
	var b strings.Builder
	b.WriteString("collabbot: run a TikTok Shop seller team's affiliate collaborations from chat.\n\nUsage:\n")
	for _, c := range commandList {
		b.WriteString(indent(c.usage, "  "))
		b.WriteString("\n")
	}
	b.WriteString(`
Every command takes -h or --help. Exit codes: 0 ok, 1 failure, 2 bad usage or configuration.
Configuration comes from environment variables; see README.md and docs/contract.md.
`)
	return b.String()
}

// cmdLine is a parsed command line.
type cmdLine struct {
	flags map[string]string
	args  []string
	help  bool
}

// parseCommandLine checks raw against c. Flags may come anywhere before
// "--" (after it everything is an argument, so a file may be named
// "-x"); -h, -help and --help anywhere before it ask for the usage.
func parseCommandLine(c command, raw []string) (cmdLine, error) {
	out := cmdLine{flags: map[string]string{}}
	for i := 0; i < len(raw); i++ {
		a := raw[i]
		if a == "--" {
			out.args = append(out.args, raw[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			out.args = append(out.args, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			out.help = true
			return out, nil
		}
		known := false
		for _, f := range c.flags {
			known = known || f == name
		}
		if slices.Contains(c.switches, name) {
			if _, dup := out.flags[name]; dup {
				return out, usageError{fmt.Sprintf("flag --%s is given twice", name)}
			}
			if !hasValue {
				value = "true"
			}
			if value != "true" && value != "false" {
				return out, usageError{fmt.Sprintf("flag --%s takes no value (or =true, =false), got %q", name, value)}
			}
			out.flags[name] = value
			continue
		}
		if !known {
			if len(c.flags) == 0 {
				return out, usageError{fmt.Sprintf("unknown flag %q: collabbot %s takes no flags", a, c.name)}
			}
			return out, usageError{fmt.Sprintf("unknown flag %q: collabbot %s takes --%s", a, c.name, strings.Join(append(slices.Clone(c.flags), c.switches...), ", --"))}
		}
		if !hasValue {
			if i+1 == len(raw) {
				return out, usageError{fmt.Sprintf("flag %q needs a value", a)}
			}
			i++
			value = raw[i]
		}
		if _, dup := out.flags[name]; dup {
			return out, usageError{fmt.Sprintf("flag --%s is given twice", name)}
		}
		out.flags[name] = value
	}
	switch {
	case len(out.args) > c.max:
		extra := out.args[c.max]
		if c.max == 0 {
			return out, usageError{fmt.Sprintf("unexpected argument %q: collabbot %s takes none", extra, c.name)}
		}
		return out, usageError{fmt.Sprintf("unexpected argument %q: collabbot %s takes at most %d", extra, c.name, c.max)}
	case len(out.args) < c.min:
		return out, usageError{fmt.Sprintf("missing %s, like: %s", c.params[len(out.args)], c.example)}
	}
	if c.check != nil {
		return out, c.check(out)
	}
	return out, nil
}
