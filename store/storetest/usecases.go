package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

func runUseCases(t *testing.T, f Factory) {
	tests := []struct {
		name string
		run  func(*testing.T, Factory)
	}{
		{"ConcurrentApprovalsNeverOversellStock", testApprovalsNeverOversell},
		{"ConcurrentDecisionsOneWinner", testDecisionsOneWinner},
		{"ConcurrentInvitesKeepTheWeeklyCap", testInvitesKeepWeeklyCap},
		{"ConcurrentRequestsOneOpenPerProduct", testOneOpenRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, f)
		})
	}
}

// newApp builds the use cases on a fresh engine, at t0 in UTC.
func newApp(t *testing.T, f Factory, weeklyCap int) (*commands.App, Engine) {
	t.Helper()
	e := f(t)
	return commands.New(e, commands.Options{
		Clock: commands.ClockFunc(func() time.Time { return t0 }), Location: time.UTC, WeeklyInviteCap: weeklyCap,
	}), e
}

// together runs fns at once: every goroutine waits for one start signal.
func together(fns ...func()) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for _, fn := range fns {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn()
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// mustCatalog adds product P100 with stock samples and an active plan
// paying 10% on everything with a free sample that needs approval.
func mustCatalog(t *testing.T, app *commands.App, stock int) commands.PlanView {
	t.Helper()
	if _, err := app.AddProduct(ctxb, seller, domain.Product{ID: "P100", Title: "Lip oil", Price: 2490, SampleStock: stock}); err != nil {
		t.Fatalf("AddProduct: %v", err)
	}
	plan, err := app.CreatePlan(ctxb, seller, commands.PlanRequest{
		Name: "Spring", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}}, Sample: &domain.SampleOffer{},
	})
	if err != nil {
		t.Fatalf("CreatePlan: %v", err)
	}
	return plan
}

// mustCreators puts n linked creators prefix000.. on the roster and returns
// their actors.
func mustCreators(t *testing.T, app *commands.App, prefix string, n int) []domain.Actor {
	t.Helper()
	rows := make([]domain.Creator, n)
	for i := range rows {
		rows[i] = domain.Creator{Handle: fmt.Sprintf("%s%03d", prefix, i), DiscordID: fmt.Sprintf("%d", 200000000000000000+i), Followers: 10_000, AvgViews: 1_000, Niche: "beauty"}
	}
	if _, err := app.ImportCreators(ctxb, seller, rows, nil); err != nil {
		t.Fatalf("ImportCreators: %v", err)
	}
	actors := make([]domain.Actor, n)
	for i, r := range rows {
		a, err := app.CreatorActorByHandle(ctxb, r.Handle)
		if err != nil {
			t.Fatalf("CreatorActorByHandle(%s): %v", r.Handle, err)
		}
		actors[i] = a
	}
	return actors
}

func mustRequest(t *testing.T, app *commands.App, who domain.Actor, planID int64) int64 {
	t.Helper()
	v, err := app.RequestSample(ctxb, who, commands.SampleInput{ProductID: "P100", PlanID: planID})
	if err != nil {
		t.Fatalf("RequestSample(%s): %v", who.Display(), err)
	}
	return v.ID
}

func samples(t *testing.T, e Engine, f commands.SampleFilter) []domain.SampleRequest {
	t.Helper()
	return read(t, e, func(tx commands.Tx) ([]domain.SampleRequest, error) { return tx.ListSamples(ctxb, f) })
}

func stockOf(t *testing.T, e Engine) int {
	t.Helper()
	return read(t, e, func(tx commands.Tx) (domain.Product, error) { return tx.Product(ctxb, "P100") }).SampleStock
}

// tally counts outcomes by error kind; any kind but "" and want is
// reported as a failure.
type tally struct {
	ok, conflict atomic.Int32
	mu           sync.Mutex
	other        []error
}

func (c *tally) add(err error) {
	switch domain.ErrorKind(err) {
	case "":
		c.ok.Add(1)
	case domain.KindConflict:
		c.conflict.Add(1)
	default:
		c.mu.Lock()
		c.other = append(c.other, err)
		c.mu.Unlock()
	}
}

func (c *tally) want(t *testing.T, what string, ok, conflict int) {
	t.Helper()
	for _, err := range c.other {
		t.Errorf("%s: unexpected error: %v", what, err)
	}
	if int(c.ok.Load()) != ok || int(c.conflict.Load()) != conflict {
		t.Fatalf("%s: %d succeeded and %d conflicted; want %d and %d", what, c.ok.Load(), c.conflict.Load(), ok, conflict)
	}
}

// 100 approvals of 100 requests for a product with 10 samples: exactly 10
// win, the rest conflict, and no reader ever sees the stock below zero.
func testApprovalsNeverOversell(t *testing.T, f Factory) {
	app, e := newApp(t, f, 0)
	plan := mustCatalog(t, app, 10)
	creators := mustCreators(t, app, "c", 100)
	ids := make([]int64, len(creators))
	for i, c := range creators {
		ids[i] = mustRequest(t, app, c, plan.ID)
	}

	stop := make(chan struct{})
	var minSeen atomic.Int64
	minSeen.Store(10)
	var watcher sync.WaitGroup
	watcher.Add(1)
	go func() {
		defer watcher.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			var p domain.Product
			if err := e.View(ctxb, func(tx commands.Tx) error {
				var err error
				p, err = tx.Product(ctxb, "P100")
				return err
			}); err != nil {
				t.Errorf("watch stock: %v", err)
				return
			}
			if int64(p.SampleStock) < minSeen.Load() {
				minSeen.Store(int64(p.SampleStock))
			}
		}
	}()
	var c tally
	fns := make([]func(), len(ids))
	for i, id := range ids {
		fns[i] = func() {
			_, err := app.ApproveSample(ctxb, manager, id)
			c.add(err)
		}
	}
	together(fns...)
	close(stop)
	watcher.Wait()

	c.want(t, "approvals", 10, 90)
	if got := stockOf(t, e); got != 0 {
		t.Errorf("stock = %d, want 0", got)
	}
	if minSeen.Load() < 0 {
		t.Errorf("stock was seen at %d", minSeen.Load())
	}
	if n := len(samples(t, e, commands.SampleFilter{States: []domain.SampleState{domain.SampleApproved}})); n != 10 {
		t.Errorf("%d requests stored approved, want 10", n)
	}
}

// Two managers deciding one request at once give exactly one decision and
// one audit event; the other is a conflict.
func testDecisionsOneWinner(t *testing.T, f Factory) {
	app, e := newApp(t, f, 0)
	plan := mustCatalog(t, app, 100)
	creators := mustCreators(t, app, "d", 10)
	for i, cr := range creators {
		id := mustRequest(t, app, cr, plan.ID)
		var c tally
		together(
			func() {
				_, err := app.ApproveSample(ctxb, manager, id)
				c.add(err)
			},
			func() {
				var err error
				if i%2 == 0 {
					_, err = app.RejectSample(ctxb, manager2, id, domain.RejectNotMatch, "")
				} else {
					_, err = app.ApproveSample(ctxb, manager2, id)
				}
				c.add(err)
			},
		)
		c.want(t, fmt.Sprintf("round %d", i), 1, 1)
		evs := read(t, e, func(tx commands.Tx) ([]domain.Event, error) { return tx.Events(ctxb, fmt.Sprintf("sample:%d", id), 0) })
		decisions := 0
		for _, ev := range evs {
			if ev.Kind == "sample.approved" || ev.Kind == "sample.rejected" {
				decisions++
			}
		}
		if decisions != 1 {
			t.Errorf("round %d: %d decision events, want 1", i, decisions)
		}
	}
	approved := len(samples(t, e, commands.SampleFilter{States: []domain.SampleState{domain.SampleApproved}}))
	if got := stockOf(t, e); got != 100-approved {
		t.Errorf("stock = %d, want %d (100 minus approvals)", got, 100-approved)
	}
}

// Ten sellers inviting one creator each at once under a weekly cap of 4:
// exactly 4 invitations go out.
func testInvitesKeepWeeklyCap(t *testing.T, f Factory) {
	const limit, n = 4, 10
	app, e := newApp(t, f, limit)
	if _, err := app.AddProduct(ctxb, seller, domain.Product{ID: "P100", Title: "Lip oil", Price: 2490}); err != nil {
		t.Fatalf("AddProduct: %v", err)
	}
	mustCreators(t, app, "i", n)
	var c tally
	fns := make([]func(), n)
	for i := range fns {
		fns[i] = func() {
			_, err := app.InviteCreators(ctxb, seller, commands.InviteRequest{
				Creators: []commands.InviteTarget{{Handle: fmt.Sprintf("i%03d", i)}}, Products: []string{"P100"}, Rate: 1500,
			})
			c.add(err)
		}
	}
	together(fns...)
	c.want(t, "invitations", limit, n-limit)
	invs := read(t, e, func(tx commands.Tx) ([]domain.Invitation, error) {
		return tx.ListInvitations(ctxb, commands.InvitationFilter{})
	})
	if len(invs) != limit {
		t.Errorf("%d invitations stored, want %d", len(invs), limit)
	}
	queued := 0
	rows, err := e.ListOutgoing(ctxb, "", 0)
	if err != nil {
		t.Fatalf("ListOutgoing: %v", err)
	}
	for _, o := range rows {
		if o.To.Kind == domain.ToCreator {
			queued++
		}
	}
	if queued != limit {
		t.Errorf("%d invitation DMs queued, want %d", queued, limit)
	}
}

// One creator's ten simultaneous requests for one product leave exactly one
// open request.
func testOneOpenRequest(t *testing.T, f Factory) {
	app, e := newApp(t, f, 0)
	plan := mustCatalog(t, app, 10)
	maya := mustCreators(t, app, "m", 1)[0]
	var c tally
	fns := make([]func(), 10)
	for i := range fns {
		fns[i] = func() {
			_, err := app.RequestSample(ctxb, maya, commands.SampleInput{ProductID: "P100", PlanID: plan.ID})
			c.add(err)
		}
	}
	together(fns...)
	c.want(t, "requests", 1, 9)
	if open := samples(t, e, commands.SampleFilter{CreatorID: maya.CreatorID, States: domain.OpenSampleStates}); len(open) != 1 {
		t.Errorf("%d open requests stored, want 1", len(open))
	}
}
