package main

import (
	"errors"
	"io"
	"os"

	"github.com/chzyer/readline"

	"github.com/collabbot/collabbot/bot/console"
)

// newEditor gives the console line editing and history (arrows, Ctrl-R)
// when a person types at a terminal. It also lifts the terminal's own
// 4,095-character line limit, which cut long lines before they were
// checked. Scripts and tests (any stdin that is not the process's
// terminal) keep the plain reader; so does a terminal readline cannot
// drive. History lives only as long as the session: lines may hold
// addresses and e-mails that a history file would keep on disk.
func newEditor(env Env) console.LineEditor {
	f, ok := env.Stdin.(*os.File)
	if !ok || !env.StdinIsTerminal {
		return nil
	}
	rl, err := readline.NewEx(&readline.Config{
		Stdin: f, Stdout: env.Stdout, Stderr: env.Stderr,
		HistoryLimit: 500, DisableAutoSaveHistory: false,
		InterruptPrompt: "^C",
	})
	if err != nil {
		return nil
	}
	return editor{rl}
}

type editor struct{ rl *readline.Instance }

func (e editor) Readline() (string, error) {
	line, err := e.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", io.EOF // Ctrl-C at the prompt leaves, as it would without the editor
	}
	return line, err
}

func (e editor) SetPrompt(p string) { e.rl.SetPrompt(p) }
func (e editor) Close() error       { return e.rl.Close() }
