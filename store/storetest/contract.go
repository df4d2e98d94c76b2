package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

func runContract(t *testing.T, f Factory) {
	tests := []struct {
		name string
		run  func(*testing.T, Engine)
	}{
		{"NotFound", testNotFound},
		{"ConflictOnDuplicateInsert", testDuplicateInsert},
		{"UpdateRollsBackOnError", testRollback},
		{"ViewIsReadOnly", testViewReadOnly},
		{"ConditionalTransitions", testConditionalTransitions},
		{"EnqueueDeduplicatesByKey", testEnqueueDedup},
		{"ReserveStockIsConditional", testReserveStock},
		{"InviteQuotaIsConditional", testInviteQuota},
		{"ViewsJoinWhatRowsPointTo", testViews},
		{"DueFiltersSelectOnlyWhatIsDue", testDueFilters},
		{"CountStates", testCountStates},
		{"CreatorCardsCountSamples", testCreatorCards},
		{"ArchivedLeaveLists", testArchived},
		{"CreatorAddressIsKept", testCreatorAddress},
		{"LinkRequestsAreDecidedOnce", testLinkRequests},
		{"WakeOutgoingMakesARecipientDue", testWakeOutgoing},
		{"SampleStepsKeepWhatItIsFor", testSampleSteps},
		{"UnansweredMovesInPlace", testUnanswered},
		{"NewestInStates", testNewestInStates},
		{"EventsOfMergesSubjects", testEventsOf},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, f(t))
		})
	}
}

// fixture is one of each row the contract tests change.
type fixture struct {
	creator    domain.Creator
	product    domain.Product
	collab     domain.Collaboration
	invitation domain.Invitation
	plan       domain.Plan
	sample     domain.SampleRequest
}

func mustFixture(tb testing.TB, e Engine) fixture {
	tb.Helper()
	var fx fixture
	update(tb, e, func(tx commands.Tx) error {
		fx = fixture{}
		fx.creator = domain.Creator{Handle: "maya_glow", DiscordID: "100000000000000001", Followers: 10_000, Reachable: true, CreatedAt: t0}
		if err := tx.InsertCreator(ctxb, &fx.creator); err != nil {
			return err
		}
		fx.product = domain.Product{ID: "P100", Title: "Lip oil", Price: 2490, SampleStock: 5}
		if err := tx.InsertProduct(ctxb, fx.product); err != nil {
			return err
		}
		fx.collab = domain.Collaboration{Name: "Spring", ProductIDs: []string{"P100"}, ExpiresAt: t0.AddDate(0, 0, 30), CreatedBy: "U1", CreatedAt: t0}
		if err := tx.InsertCollaboration(ctxb, &fx.collab); err != nil {
			return err
		}
		fx.invitation = domain.Invitation{CollaborationID: fx.collab.ID, CreatorID: fx.creator.ID, Rate: 1500, State: domain.InvitationPending, CreatedAt: t0, ExpiresAt: t0.AddDate(0, 0, 30)}
		if err := tx.InsertInvitation(ctxb, &fx.invitation); err != nil {
			return err
		}
		fx.plan = domain.Plan{Name: "Summer", Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}}, StartsAt: t0, State: domain.PlanActive, CreatedBy: "U1", CreatedAt: t0}
		if err := tx.InsertPlan(ctxb, &fx.plan); err != nil {
			return err
		}
		fx.sample = domain.SampleRequest{CreatorID: fx.creator.ID, ProductID: "P100", PlanID: fx.plan.ID, Quantity: 1, State: domain.SampleRequested, RequestedAt: t0}
		return tx.InsertSample(ctxb, &fx.sample)
	})
	return fx
}

func testNotFound(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	const missing = 9999
	ops := map[string]func(commands.Tx) error{
		"Member":             func(tx commands.Tx) error { _, err := tx.Member(ctxb, "U_NOBODY"); return err },
		"Creator":            func(tx commands.Tx) error { _, err := tx.Creator(ctxb, missing); return err },
		"CreatorByHandle":    func(tx commands.Tx) error { _, err := tx.CreatorByHandle(ctxb, "nobody"); return err },
		"CreatorByDiscordID": func(tx commands.Tx) error { _, err := tx.CreatorByDiscordID(ctxb, "42"); return err },
		"Product":            func(tx commands.Tx) error { _, err := tx.Product(ctxb, "P404"); return err },
		"Offer":              func(tx commands.Tx) error { _, err := tx.Offer(ctxb, missing); return err },
		"Collaboration":      func(tx commands.Tx) error { _, err := tx.Collaboration(ctxb, missing); return err },
		"Invitation":         func(tx commands.Tx) error { _, err := tx.Invitation(ctxb, missing); return err },
		"Plan":               func(tx commands.Tx) error { _, err := tx.Plan(ctxb, missing); return err },
		"PlanByName":         func(tx commands.Tx) error { _, err := tx.PlanByName(ctxb, "Nope"); return err },
		"Sample":             func(tx commands.Tx) error { _, err := tx.Sample(ctxb, missing); return err },
		"UpdateCreator": func(tx commands.Tx) error {
			c := fx.creator
			c.ID = missing
			return tx.UpdateCreator(ctxb, c)
		},
		"UpdateProduct": func(tx commands.Tx) error {
			return tx.UpdateProduct(ctxb, domain.Product{ID: "P404", Title: "Gone"})
		},
		"UpdateInvitation": func(tx commands.Tx) error {
			i := fx.invitation
			i.ID = missing
			return tx.UpdateInvitation(ctxb, i)
		},
		"UpdatePlan": func(tx commands.Tx) error {
			p := fx.plan
			p.ID = missing
			return tx.UpdatePlan(ctxb, p)
		},
		"UpdateSample": func(tx commands.Tx) error {
			s := fx.sample
			s.ID = missing
			return tx.UpdateSample(ctxb, s)
		},
		"ReserveStock": func(tx commands.Tx) error { return tx.ReserveStock(ctxb, "P404", 0, 1) },
		"InsertInvitation of a missing creator": func(tx commands.Tx) error {
			return tx.InsertInvitation(ctxb, &domain.Invitation{CollaborationID: fx.collab.ID, CreatorID: missing, Rate: 1500, State: domain.InvitationPending})
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			err := e.Update(ctxb, op)
			wantKind(t, name, err, domain.KindNotFound)
			// The engine says what is missing; the use cases word it.
			if m := domain.ErrorMissing(err); m == nil || m.Thing == "" {
				t.Errorf("%s: not-found error carries no Missing (%v)", name, err)
			}
		})
	}
}

func testDuplicateInsert(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	ops := map[string]func(commands.Tx) error{
		"creator handle": func(tx commands.Tx) error {
			return tx.InsertCreator(ctxb, &domain.Creator{Handle: fx.creator.Handle, Reachable: true})
		},
		"creator Discord ID": func(tx commands.Tx) error {
			return tx.InsertCreator(ctxb, &domain.Creator{Handle: "noor", DiscordID: fx.creator.DiscordID, Reachable: true})
		},
		"product ID in another case": func(tx commands.Tx) error {
			return tx.InsertProduct(ctxb, domain.Product{ID: "p100", Title: "Again"})
		},
		"invitation to one collaboration twice": func(tx commands.Tx) error {
			i := fx.invitation
			i.ID = 0
			return tx.InsertInvitation(ctxb, &i)
		},
		"live plan name": func(tx commands.Tx) error {
			p := fx.plan
			p.ID, p.Name = 0, "SUMMER"
			return tx.InsertPlan(ctxb, &p)
		},
		"second open sample request for one product": func(tx commands.Tx) error {
			s := fx.sample
			s.ID, s.PlanID = 0, 0
			return tx.InsertSample(ctxb, &s)
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			wantKind(t, name, e.Update(ctxb, op), domain.KindConflict)
		})
	}
	// A closed request does not block a new one.
	update(t, e, func(tx commands.Tx) error {
		s, err := tx.Sample(ctxb, fx.sample.ID)
		if err != nil {
			return err
		}
		s.State = domain.SampleCancelled
		if err := tx.UpdateSample(ctxb, s); err != nil {
			return err
		}
		again := domain.SampleRequest{CreatorID: fx.creator.ID, ProductID: "P100", Quantity: 1, State: domain.SampleRequested, RequestedAt: t0}
		return tx.InsertSample(ctxb, &again)
	})
}

func testRollback(t *testing.T, e Engine) {
	boom := errors.New("boom")
	err := e.Update(ctxb, func(tx commands.Tx) error {
		c := domain.Creator{Handle: "maya_glow", Reachable: true}
		if err := tx.InsertCreator(ctxb, &c); err != nil {
			return err
		}
		if err := tx.AddEvent(ctxb, domain.Event{At: t0, Actor: "U1", Kind: "creator.added", Subject: "creator"}); err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctxb, message("rollback")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error back", err)
	}
	wantKind(t, "creator after rollback", e.View(ctxb, func(tx commands.Tx) error {
		_, err := tx.CreatorByHandle(ctxb, "maya_glow")
		return err
	}), domain.KindNotFound)
	if evs := read(t, e, func(tx commands.Tx) ([]domain.Event, error) { return tx.Events(ctxb, "", 0) }); len(evs) != 0 {
		t.Fatalf("events after rollback: %+v", evs)
	}
	if rows, err := e.ListOutgoing(ctxb, "", 0); err != nil || len(rows) != 0 {
		t.Fatalf("outbox after rollback: %+v, %v", rows, err)
	}
	// The key of a rolled-back row is free again.
	update(t, e, func(tx commands.Tx) error {
		ok, err := tx.Enqueue(ctxb, message("rollback"))
		if err == nil && !ok {
			err = errors.New("the key of a rolled-back row was taken")
		}
		return err
	})
}

func testViewReadOnly(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	writes := map[string]func(commands.Tx) error{
		"InsertCreator": func(tx commands.Tx) error {
			return tx.InsertCreator(ctxb, &domain.Creator{Handle: "noor", Reachable: true})
		},
		"PutMember": func(tx commands.Tx) error {
			return tx.PutMember(ctxb, domain.Member{ID: "U9", Role: domain.RoleSeller})
		},
		"ReserveStock": func(tx commands.Tx) error { return tx.ReserveStock(ctxb, "P100", 0, 1) },
		"UpdateSample": func(tx commands.Tx) error {
			s := fx.sample
			s.State = domain.SampleCancelled
			return tx.UpdateSample(ctxb, s)
		},
		"Enqueue": func(tx commands.Tx) error { _, err := tx.Enqueue(ctxb, message("view")); return err },
	}
	for name, w := range writes {
		t.Run(name, func(t *testing.T) {
			if err := e.View(ctxb, w); err == nil {
				t.Fatalf("%s inside View succeeded", name)
			}
		})
	}
	if p := read(t, e, func(tx commands.Tx) (domain.Product, error) { return tx.Product(ctxb, "P100") }); p.SampleStock != 5 {
		t.Fatalf("stock after View = %d, want 5", p.SampleStock)
	}
	if s := read(t, e, func(tx commands.Tx) (domain.SampleRequest, error) { return tx.Sample(ctxb, fx.sample.ID) }); s.State != domain.SampleRequested {
		t.Fatalf("sample after View = %s, want requested", s.State)
	}
	if rows, err := e.ListOutgoing(ctxb, "", 0); err != nil || len(rows) != 0 {
		t.Fatalf("outbox after View: %+v, %v", rows, err)
	}
}

// An update from a copy read before someone else's update is a conflict and
// changes nothing; two updates of one row inside one Update are fine.
func testConditionalTransitions(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	type row struct {
		name  string
		read  func(commands.Tx) (any, error)
		write func(commands.Tx, any, string) error // string: a marker to tell writes apart
		mark  func(any) string
	}
	rows := []row{
		{"sample",
			func(tx commands.Tx) (any, error) { return tx.Sample(ctxb, fx.sample.ID) },
			func(tx commands.Tx, v any, m string) error {
				s := v.(domain.SampleRequest)
				s.Note = m
				return tx.UpdateSample(ctxb, s)
			},
			func(v any) string { return v.(domain.SampleRequest).Note }},
		{"invitation",
			func(tx commands.Tx) (any, error) { return tx.Invitation(ctxb, fx.invitation.ID) },
			func(tx commands.Tx, v any, m string) error {
				i := v.(domain.Invitation)
				i.DeclineReason = m
				return tx.UpdateInvitation(ctxb, i)
			},
			func(v any) string { return v.(domain.Invitation).DeclineReason }},
		{"plan",
			func(tx commands.Tx) (any, error) { return tx.Plan(ctxb, fx.plan.ID) },
			func(tx commands.Tx, v any, m string) error {
				p := v.(domain.Plan)
				p.EndsAt = t0.Add(time.Duration(len(m)) * time.Hour)
				return tx.UpdatePlan(ctxb, p)
			},
			func(v any) string { return strings.Repeat("x", int(v.(domain.Plan).EndsAt.Sub(t0)/time.Hour)) }},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			stale := read(t, e, r.read)
			// Someone else changes the row after it was read.
			update(t, e, func(tx commands.Tx) error {
				cur, err := r.read(tx)
				if err != nil {
					return err
				}
				return r.write(tx, cur, "x")
			})
			err := e.Update(ctxb, func(tx commands.Tx) error { return r.write(tx, stale, "xx") })
			wantKind(t, "update from a stale read", err, domain.KindConflict)
			if got := r.mark(read(t, e, r.read)); got != "x" {
				t.Fatalf("after the refused update the row holds %q, want the first writer's %q", got, "x")
			}
			// One transaction may update a row twice from the copy it read.
			update(t, e, func(tx commands.Tx) error {
				cur, err := r.read(tx)
				if err != nil {
					return err
				}
				if err := r.write(tx, cur, "xxx"); err != nil {
					return err
				}
				return r.write(tx, cur, "xxxx")
			})
			if got := r.mark(read(t, e, r.read)); got != "xxxx" {
				t.Fatalf("after two updates in one transaction the row holds %q, want %q", got, "xxxx")
			}
		})
	}
}

func message(key string) domain.Outgoing {
	return domain.Outgoing{
		To:        domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers},
		Notice:    domain.Notice{Kind: domain.NoticePlanEnded, Plan: &domain.Plan{Name: "hello " + key}},
		Key:       "test:" + key,
		CreatedAt: t0,
	}
}

func testEnqueueDedup(t *testing.T, e Engine) {
	var first, second bool
	update(t, e, func(tx commands.Tx) error {
		var err error
		if first, err = tx.Enqueue(ctxb, message("a")); err != nil {
			return err
		}
		second, err = tx.Enqueue(ctxb, message("a"))
		return err
	})
	if !first || second {
		t.Fatalf("Enqueue twice in one transaction = %v, %v; want true, false", first, second)
	}
	update(t, e, func(tx commands.Tx) error {
		again, err := tx.Enqueue(ctxb, message("a"))
		if err == nil && again {
			err = errors.New("a key queued by an earlier transaction was queued again")
		}
		return err
	})
	rows, err := e.ListOutgoing(ctxb, "", 0)
	if err != nil || len(rows) != 1 || rows[0].Key != "test:a" || rows[0].State != domain.OutboxPending {
		t.Fatalf("outbox = %+v, %v; want the one pending row", rows, err)
	}
	wantKind(t, "Enqueue without a key", e.Update(ctxb, func(tx commands.Tx) error {
		m := message("b")
		m.Key = ""
		_, err := tx.Enqueue(ctxb, m)
		return err
	}), domain.KindInvalid)
}

func testReserveStock(t *testing.T, e Engine) {
	mustFixture(t, e) // P100 with 5 in stock
	var offer domain.SampleOffer
	update(t, e, func(tx commands.Tx) error {
		offer = domain.SampleOffer{PerCreator: 1, Stock: 2, Requirements: domain.Requirements{PostWithinDays: 14}}
		return tx.InsertOffer(ctxb, &offer)
	})
	reserve := func(offerID int64, qty int) error {
		return e.Update(ctxb, func(tx commands.Tx) error { return tx.ReserveStock(ctxb, "P100", offerID, qty) })
	}
	stock := func() int {
		return read(t, e, func(tx commands.Tx) (domain.Product, error) { return tx.Product(ctxb, "P100") }).SampleStock
	}
	if err := reserve(0, 2); err != nil {
		t.Fatalf("reserve 2 of 5: %v", err)
	}
	err := reserve(0, 4)
	wantKind(t, "reserve 4 of 3", err, domain.KindConflict)
	if sh := domain.ErrorShortage(err); sh == nil || sh.ProductID != "P100" || sh.Left != 3 || sh.OfferID != 0 {
		t.Fatalf("refusal carries shortage %+v, want 3 left of P100", sh)
	}
	if got := stock(); got != 3 {
		t.Fatalf("stock = %d after a refused reservation, want 3", got)
	}
	// The offer's cap of 2 stops the third unit, and the product's part of
	// a refused reservation is undone.
	for i := 0; i < 2; i++ {
		if err := reserve(offer.ID, 1); err != nil {
			t.Fatalf("reserve from the offer (%d): %v", i, err)
		}
	}
	err = reserve(offer.ID, 1)
	wantKind(t, "reserve past the offer's cap", err, domain.KindConflict)
	if sh := domain.ErrorShortage(err); sh == nil || sh.OfferID != offer.ID || sh.Left != 0 || sh.Total != 2 {
		t.Fatalf("offer refusal carries shortage %+v, want 0 of the offer's 2 left", sh)
	}
	if got := stock(); got != 1 {
		t.Fatalf("stock = %d, want 1 (the offer's refusal must not take product stock)", got)
	}
	update(t, e, func(tx commands.Tx) error { return tx.ReleaseStock(ctxb, "P100", offer.ID, 1) })
	if got := stock(); got != 2 {
		t.Fatalf("stock = %d after a release, want 2", got)
	}
	if err := reserve(offer.ID, 1); err != nil {
		t.Fatalf("reserve after a release: %v", err)
	}
}

func testInviteQuota(t *testing.T, e Engine) {
	week := time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		n, limit int
		used     int
		kind     domain.Kind
	}{
		{2, 3, 0, ""},
		{2, 3, 2, domain.KindConflict},
		{1, 3, 2, ""},
		{1, 3, 3, domain.KindConflict},
		{1, 4, 3, ""}, // the cap was raised
	}
	for i, st := range steps {
		var used int
		err := e.Update(ctxb, func(tx commands.Tx) error {
			var err error
			used, err = tx.TakeInviteQuota(ctxb, week, st.n, st.limit)
			return err
		})
		wantKind(t, fmt.Sprintf("step %d: take %d of %d", i, st.n, st.limit), err, st.kind)
		if used != st.used {
			t.Fatalf("step %d: used before = %d, want %d", i, used, st.used)
		}
	}
	// Another week has its own count; a rolled-back take gives back.
	other := week.AddDate(0, 0, 7)
	err := e.Update(ctxb, func(tx commands.Tx) error {
		if _, err := tx.TakeInviteQuota(ctxb, other, 3, 3); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	if err == nil {
		t.Fatal("Update returned nil for fn's error")
	}
	update(t, e, func(tx commands.Tx) error {
		used, err := tx.TakeInviteQuota(ctxb, other, 3, 3)
		if err == nil && used != 0 {
			err = fmt.Errorf("a rolled-back take stayed: used %d", used)
		}
		return err
	})
}

// Archived creators and products leave the lists (creators come back when
// asked for) and are still found by their key, with when they were archived.
func testArchived(t *testing.T, e Engine) {
	at := t0.Add(time.Hour)
	update(t, e, func(tx commands.Tx) error {
		c := &domain.Creator{Handle: "gone", Reachable: true, CreatedAt: t0}
		if err := tx.InsertCreator(ctxb, c); err != nil {
			return err
		}
		c.ArchivedAt = at
		if err := tx.UpdateCreator(ctxb, *c); err != nil {
			return err
		}
		if err := tx.InsertProduct(ctxb, domain.Product{ID: "PGONE", Title: "Gone"}); err != nil {
			return err
		}
		return tx.UpdateProduct(ctxb, domain.Product{ID: "PGONE", Title: "Gone", ArchivedAt: at})
	})
	ps := read(t, e, func(tx commands.Tx) ([]domain.Product, error) { return tx.ListProducts(ctxb) })
	for _, p := range ps {
		if p.ID == "PGONE" {
			t.Errorf("ListProducts lists an archived product")
		}
	}
	cs := read(t, e, func(tx commands.Tx) ([]domain.Creator, error) { return tx.ListCreators(ctxb, commands.CreatorFilter{}) })
	for _, c := range cs {
		if c.Handle == "gone" {
			t.Errorf("ListCreators lists an archived creator")
		}
	}
	all := read(t, e, func(tx commands.Tx) ([]domain.Creator, error) {
		return tx.ListCreators(ctxb, commands.CreatorFilter{Archived: true})
	})
	if len(all) != len(cs)+1 {
		t.Errorf("ListCreators with Archived: %d, want %d", len(all), len(cs)+1)
	}
	p := read(t, e, func(tx commands.Tx) (domain.Product, error) { return tx.Product(ctxb, "PGONE") })
	c := read(t, e, func(tx commands.Tx) (domain.Creator, error) { return tx.CreatorByHandle(ctxb, "gone") })
	if !p.ArchivedAt.Equal(at) || !c.ArchivedAt.Equal(at) {
		t.Errorf("archived at: product %v, creator %v, want %v", p.ArchivedAt, c.ArchivedAt, at)
	}
}
