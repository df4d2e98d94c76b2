// Command collabbot runs the collabbot service and its maintenance tasks.
// main only turns signals into a context and errors into an exit code; Main
// wires configuration, the store, the use cases and the adapters.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mattn/go-isatty"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, StdinIsTerminal: isTerminal(os.Stdin)})
	stop()
	os.Exit(code)
}

// isTerminal tells a person at a terminal from /dev/null, which is a
// character device too: systemd, containers and CI give services
// /dev/null, and serve must not start (and at once leave) the console there.
func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd())
}
