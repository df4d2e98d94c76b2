package commands_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/sqlite"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
)

// The actor and plan reads are kept between requests (readCache); a change
// made through another process on the same file (a CLI beside serve) must
// show once sqlite.OtherProcessLag has passed, and a plan that starts later shows once
// its time comes, with no write in between.
func TestCachedReadsSeeOtherProcessesChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "collabbot.db")
	clk := &fakeClock{t: ucStart}
	serve := commands.New(sqlitetest.OpenPath(t, path), commands.Options{Clock: clk, Location: time.UTC})
	console := commands.New(sqlitetest.OpenPath(t, path), commands.Options{Clock: clk, Location: time.UTC})
	mustAddProduct(t, console, "P1", 5, "")
	c, maya := mustAddCreator(t, console, "maya")
	now := mustPlan(t, console, commands.PlanRequest{Name: "Now", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}}})
	mustPlan(t, console, commands.PlanRequest{Name: "Later", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1200}}, Start: ucStart.Add(day24)})

	role := func() domain.Role {
		t.Helper()
		act, err := serve.MemberActor(ctxb, dana.MemberID, "")
		mustNil(t, err, "MemberActor")
		return act.Role
	}
	plans := func(who domain.Actor) string {
		t.Helper()
		vs, err := serve.ListPlans(ctxb, who)
		mustNil(t, err, "ListPlans")
		var s string
		for _, v := range vs {
			s += v.Name + ":" + string(v.State) + " "
		}
		return s
	}
	reader := func() error {
		t.Helper()
		_, _, err := serve.CreatorReader(ctxb, c.DiscordID)
		return err
	}

	for range 2 { // the second round is served from the cache
		if r := role(); r != domain.RoleSeller {
			t.Fatalf("dana is %s before any change, want seller", r)
		}
		if got := plans(maya); got != "Now:active " {
			t.Fatalf("maya's plans before any change: %q", got)
		}
		if got := plans(dana); got != "Later:active Now:active " {
			t.Fatalf("the team's plans before any change: %q", got)
		}
		mustNil(t, reader(), "CreatorReader")
	}

	_, err := console.SetRole(ctxb, erin, dana.MemberID, domain.RoleManager)
	mustNil(t, err, "SetRole")
	time.Sleep(sqlite.OtherProcessLag)
	if r := role(); r != domain.RoleManager {
		t.Fatalf("dana is %s after the console made her a manager", r)
	}

	_, err = console.PausePlan(ctxb, dana, now.ID, "")
	mustNil(t, err, "PausePlan")
	time.Sleep(sqlite.OtherProcessLag)
	if got := plans(maya); got != "" {
		t.Fatalf("maya's plans after the console paused Now: %q", got)
	}
	if got := plans(dana); got != "Later:active Now:paused " {
		t.Fatalf("the team's plans after the console paused Now: %q", got)
	}
	clk.Advance(day24)
	if got := plans(maya); got != "Later:active " {
		t.Fatalf("maya's plans once Later has started: %q", got)
	}

	other := nextDiscordID()
	_, err = console.SetCreator(ctxb, dana, "maya", commands.CreatorChange{DiscordID: &other})
	mustNil(t, err, "SetCreator")
	time.Sleep(sqlite.OtherProcessLag)
	wantErr(t, reader(), domain.KindForbidden, "")
}

// ReadOnce shares one freshness check across a request's reads: another
// process's change after it shows from the next request on, and the
// request's own writes show at once.
func TestReadOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "collabbot.db")
	clk := &fakeClock{t: ucStart}
	serve := commands.New(sqlitetest.OpenPath(t, path), commands.Options{Clock: clk, Location: time.UTC})
	console := commands.New(sqlitetest.OpenPath(t, path), commands.Options{Clock: clk, Location: time.UTC})
	role := func(ctx context.Context, app *commands.App, id string) domain.Role {
		t.Helper()
		act, err := app.MemberActor(ctx, id, "")
		mustNil(t, err, "MemberActor")
		return act.Role
	}

	req := commands.ReadOnce(ctxb)
	if r := role(req, serve, dana.MemberID); r != domain.RoleSeller {
		t.Fatalf("dana is %s, want seller", r)
	}
	_, err := console.SetRole(ctxb, erin, dana.MemberID, domain.RoleManager)
	mustNil(t, err, "SetRole in the console")
	time.Sleep(sqlite.OtherProcessLag)
	if r := role(req, serve, dana.MemberID); r != domain.RoleSeller {
		t.Fatalf("within the request that read her first, dana is %s, want seller (one snapshot)", r)
	}
	if r := role(commands.ReadOnce(ctxb), serve, dana.MemberID); r != domain.RoleManager {
		t.Fatalf("in the next request dana is %s, want manager", r)
	}

	req = commands.ReadOnce(ctxb)
	if r := role(req, serve, frank.MemberID); r != domain.RoleSeller {
		t.Fatalf("frank is %s, want seller", r)
	}
	_, err = serve.SetRole(req, erin, frank.MemberID, domain.RoleManager)
	mustNil(t, err, "SetRole in the request")
	if r := role(req, serve, frank.MemberID); r != domain.RoleManager {
		t.Fatalf("after its own write the request sees frank as %s, want manager", r)
	}
}
