// Package storetest is the conformance suite every commands.Store engine
// must pass: the store contract of commands/ports.go (error kinds,
// rollback, read-only views, conditional transitions, idempotent enqueue,
// conditional counters) and the use cases whose correctness rests on the
// store under concurrency (stock never oversold, one decision per request,
// the weekly invitation cap, one open sample request per product).
//
// An engine plugs in with one Factory:
//
//	func TestConformance(t *testing.T) { storetest.Run(t, sqlitetest.Factory) }
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// Engine is what the suite needs from a store: the units of work, and the
// outbox listing to see what a use case queued.
type Engine interface {
	commands.Store
	ListOutgoing(ctx context.Context, state domain.OutboxState, limit int) ([]domain.Outgoing, error)
}

// Factory returns a fresh, empty, migrated engine for one test and
// arranges for it to be closed when the test ends (tb.Cleanup). It fails
// the test itself when the engine cannot be opened.
type Factory func(tb testing.TB) Engine

// Run runs the whole suite against engines from f, each subtest on its own
// engine.
func Run(t *testing.T, f Factory) {
	t.Run("contract", func(t *testing.T) { runContract(t, f) })
	t.Run("usecases", func(t *testing.T) { runUseCases(t, f) })
	t.Run("reminders", func(t *testing.T) { runReminders(t, f) })
	t.Run("outbox", func(t *testing.T) { runOutbox(t, f) })
}

var ctxb = context.Background()

// t0 is a Wednesday morning with milliseconds, as stores keep them.
var t0 = time.Date(2026, 5, 6, 9, 0, 0, 123_000_000, time.UTC)

// The seller team.
var (
	seller   = domain.Actor{Role: domain.RoleSeller, MemberID: "U_SELLER", Name: "dana"}
	manager  = domain.Actor{Role: domain.RoleManager, MemberID: "U_MGR", Name: "erin"}
	manager2 = domain.Actor{Role: domain.RoleManager, MemberID: "U_MGR2", Name: "frank"}
)

func update(tb testing.TB, e Engine, fn func(commands.Tx) error) {
	tb.Helper()
	if err := e.Update(ctxb, fn); err != nil {
		tb.Fatalf("Update: %v", err)
	}
}

// read returns one value read in a View, failing the test on error.
func read[T any](tb testing.TB, e Engine, fn func(commands.Tx) (T, error)) T {
	tb.Helper()
	var v T
	err := e.View(ctxb, func(tx commands.Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	if err != nil {
		tb.Fatalf("View: %v", err)
	}
	return v
}

func wantKind(tb testing.TB, what string, err error, kind domain.Kind) {
	tb.Helper()
	if got := domain.ErrorKind(err); got != kind {
		tb.Fatalf("%s: error kind %q, want %q (err: %v)", what, got, kind, err)
	}
}
