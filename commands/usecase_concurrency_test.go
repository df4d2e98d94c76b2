package commands_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store/storetest"
)

// importCreators puts n creators c000..c(n-1) on the roster in one import
// and returns their actors.
func importCreators(t *testing.T, app *commands.App, prefix string, n int) []domain.Actor {
	t.Helper()
	rows := make([]domain.Creator, n)
	for i := range rows {
		rows[i] = domain.Creator{Handle: fmt.Sprintf("%s%03d", prefix, i), DiscordID: nextDiscordID(), Followers: 10_000, AvgViews: 1_000, Niche: "beauty"}
	}
	if _, err := app.ImportCreators(ctxb, dana, rows, nil); err != nil {
		t.Fatalf("ImportCreators: %v", err)
	}
	actors := make([]domain.Actor, n)
	for i, r := range rows {
		a, err := app.CreatorActorByHandle(ctxb, r.Handle)
		mustNil(t, err, "CreatorActorByHandle")
		actors[i] = a
	}
	return actors
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

// 100 managers' clicks on 100 different requests for a product with 10
// samples left: exactly 10 win, the rest are told it ran out, and stock is
// never seen below zero.
func TestConcurrentApprovalsNeverOversellStock(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 10, "")
	plan := mustSamplePlan(t, app, "Spring", false)
	creators := importCreators(t, app, "c", 100)
	ids := make([]int64, len(creators))
	for i, c := range creators {
		ids[i] = mustRequest(t, app, c, commands.SampleInput{ProductID: "P100", PlanID: plan.ID}).ID
	}

	// A reader watches the stock through the read pool while approvals run.
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
			if err := db.View(ctxb, func(tx commands.Tx) error {
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

	var okN, conflictN atomic.Int32
	errs := make(chan error, len(ids))
	fns := make([]func(), len(ids))
	for i, id := range ids {
		fns[i] = func() {
			_, err := app.ApproveSample(ctxb, erin, id)
			switch domain.ErrorKind(err) {
			case "":
				okN.Add(1)
			case domain.KindConflict:
				conflictN.Add(1)
			default:
				errs <- err
			}
		}
	}
	together(fns...)
	close(stop)
	watcher.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("unexpected error: %v", err)
	}

	if okN.Load() != 10 || conflictN.Load() != 90 {
		t.Errorf("approved %d, conflicts %d; want 10 and 90", okN.Load(), conflictN.Load())
	}
	if got := productOf(t, db, "P100").SampleStock; got != 0 {
		t.Errorf("stock = %d, want 0", got)
	}
	if minSeen.Load() < 0 {
		t.Errorf("stock was seen at %d", minSeen.Load())
	}
	approved, requested := 0, 0
	for _, id := range ids {
		switch sampleOf(t, db, id).State {
		case domain.SampleApproved:
			approved++
		case domain.SampleRequested:
			requested++
		}
	}
	if approved != 10 || requested != 90 {
		t.Errorf("stored: %d approved, %d still requested; want 10 and 90", approved, requested)
	}
	if n := countEvents(t, db, "", "sample.approved"); n != 10 {
		t.Errorf("%d sample.approved events, want 10", n)
	}
	dms := 0
	for _, o := range outbox(t, db) {
		if strings.HasSuffix(o.Key, ":approved") && o.To.Kind == domain.ToCreator {
			dms++
		}
	}
	if dms != 10 {
		t.Errorf("%d approval DMs queued, want 10", dms)
	}
}

// Two managers deciding one request at once give exactly one decision; the
// other is a conflict naming who decided. Run 20 times to shake out
// interleavings.
func TestConcurrentDecisionsOneWinner(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	mustAddProduct(t, app, "P100", 100, "")
	plan := mustSamplePlan(t, app, "Spring", false)
	creators := importCreators(t, app, "d", 20)
	for i, c := range creators {
		id := mustRequest(t, app, c, commands.SampleInput{ProductID: "P100", PlanID: plan.ID}).ID
		// Even rounds: erin approves while frank rejects; odd: both approve.
		frankRejects := i%2 == 0
		var errErin, errFrank error
		together(
			func() { _, errErin = app.ApproveSample(ctxb, erin, id) },
			func() {
				if frankRejects {
					_, errFrank = app.RejectSample(ctxb, frank, id, domain.RejectNotMatch, "")
				} else {
					_, errFrank = app.ApproveSample(ctxb, frank, id)
				}
			},
		)
		if (errErin == nil) == (errFrank == nil) {
			t.Fatalf("round %d: erin %v, frank %v; want exactly one decision", i, errErin, errFrank)
		}
		winner, winnerID, loserErr := "erin", erin.MemberID, errFrank
		if errFrank == nil {
			winner, winnerID, loserErr = "frank", frank.MemberID, errErin
		}
		s := sampleOf(t, db, id)
		wantState, word := domain.SampleApproved, "approved"
		if winner == "frank" && frankRejects {
			wantState, word = domain.SampleRejected, "rejected"
		}
		if s.State != wantState || s.DecidedBy != winnerID {
			t.Errorf("round %d: stored %s by %q, want %s by %s", i, s.State, s.DecidedBy, wantState, winnerID)
		}
		wantErr(t, loserErr, domain.KindConflict, "", "already "+word+" by "+winner)
		if d := domain.ErrorDecision(loserErr); d == nil || d.By != winnerID || d.Name != winner || d.Outcome != word {
			t.Errorf("round %d: loser's conflict carries decision %+v, want %s by %s", i, d, word, winnerID)
		}
		if n := countEvents(t, db, fmt.Sprintf("sample:%d", id), "sample."+word); n != 1 {
			t.Errorf("round %d: %d %s events, want 1", i, n, word)
		}
	}
	if got, want := productOf(t, db, "P100").SampleStock, 100-countState(t, db, domain.SampleApproved); got != want {
		t.Errorf("stock = %d, want %d (100 minus approvals)", got, want)
	}
}

func countState(t *testing.T, db storetest.Engine, st domain.SampleState) int {
	t.Helper()
	n := 0
	for _, s := range stateOf(t, db).Samples {
		if s.State == st {
			n++
		}
	}
	return n
}

// A creator's double click on Accept stores one answer: one event and one
// message to the sellers, thanks to the idempotency keys.
func TestConcurrentAcceptIsIdempotent(t *testing.T) {
	t.Parallel()
	app, db, _ := newApp(t)
	for i := 0; i < 5; i++ {
		mustAddProduct(t, app, fmt.Sprintf("P%d", i), 0, "")
	}
	_, maya := mustAddCreator(t, app, "maya")
	for i := 0; i < 5; i++ {
		inv := mustInviteOne(t, app, "maya", false, fmt.Sprintf("P%d", i))
		var e1, e2 error
		var v1, v2 commands.InvitationView
		together(
			func() { v1, e1 = app.AcceptInvitation(ctxb, maya, inv.ID) },
			func() { v2, e2 = app.AcceptInvitation(ctxb, maya, inv.ID) },
		)
		for _, e := range []error{e1, e2} {
			if e != nil && domain.ErrorKind(e) != domain.KindConflict {
				t.Fatalf("I%d: double accept: %v", inv.ID, e)
			}
		}
		if e1 != nil && e2 != nil {
			t.Fatalf("I%d: both clicks failed: %v / %v", inv.ID, e1, e2)
		}
		for _, v := range []commands.InvitationView{v1, v2} {
			if v.ID != 0 && v.State != domain.InvitationAccepted {
				t.Errorf("I%d: a click returned state %s", inv.ID, v.State)
			}
		}
		if got := invitationOf(t, db, inv.ID).State; got != domain.InvitationAccepted {
			t.Errorf("I%d: stored %s", inv.ID, got)
		}
		subj := fmt.Sprintf("invitation:%d", inv.ID)
		if n := countEvents(t, db, subj, "invitation.accepted"); n != 1 {
			t.Errorf("I%d: %d accepted events, want 1", inv.ID, n)
		}
		n := 0
		for _, o := range outboxTo(t, db, "channel:sellers") {
			if o.Thread == subj {
				n++
			}
		}
		if n != 1 {
			t.Errorf("I%d: %d sellers messages, want 1", inv.ID, n)
		}
	}
}
