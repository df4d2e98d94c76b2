package commands_test

// Helpers of the use-case integration tests (usecase_*_test.go): a real
// SQLite file per test, a settable clock, the seller team's actors, and
// setup helpers that fail the test themselves.

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris even on hosts without zoneinfo

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
	"github.com/collabbot/collabbot/store/sqlite/sqlitetest"
	"github.com/collabbot/collabbot/store/storetest"
)

// ucStart is a Wednesday morning: the outreach week (from Sunday) has begun
// and no date arithmetic crosses a month or a DST change by accident.
var ucStart = time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)

// The seller team. Roles are carried by the actor; the use cases check them.
var (
	dana  = domain.Actor{Role: domain.RoleSeller, MemberID: "U_SELLER", Name: "dana"}
	erin  = domain.Actor{Role: domain.RoleManager, MemberID: "U_MGR", Name: "erin"}
	frank = domain.Actor{Role: domain.RoleManager, MemberID: "U_MGR2", Name: "frank"}
)

// fakeClock is a settable commands.Clock, safe for concurrent readers.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const day24 = 24 * time.Hour

// engine opens a fresh store for a test, and cloneEngine copies one; the
// use-case tests reach the store only through these, so another engine
// plugs in by swapping them.
var (
	engine      storetest.Factory                                   = sqlitetest.Factory
	cloneEngine func(testing.TB, storetest.Engine) storetest.Engine = sqlitetest.Clone
)

// newApp opens a fresh store (a SQLite file in t.TempDir()), in UTC with no
// weekly cap.
func newApp(t *testing.T) (*commands.App, storetest.Engine, *fakeClock) {
	t.Helper()
	return newAppWith(t, commands.Options{})
}

// newAppWith is newApp with options; a nil Clock becomes a fake clock at
// ucStart (the returned one).
func newAppWith(t *testing.T, o commands.Options) (*commands.App, storetest.Engine, *fakeClock) {
	t.Helper()
	db := engine(t)
	clk, _ := o.Clock.(*fakeClock)
	if clk == nil {
		clk = &fakeClock{t: ucStart}
		o.Clock = clk
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	return commands.New(db, o), db, clk
}

var ctxb = context.Background()

// cloneDB copies a database with Backup (VACUUM INTO) into a new file in
// t.TempDir() and opens it: a fixture built once serves many tests.
func cloneDB(t *testing.T, db storetest.Engine) storetest.Engine {
	t.Helper()
	return cloneEngine(t, db)
}

// discordSeq hands out distinct Discord snowflakes across all tests.
var discordSeq atomic.Int64

func nextDiscordID() string {
	return fmt.Sprintf("%018d", 100000000000000000+discordSeq.Add(1))
}

// creatorOpt adjusts a creator before it is added.
type creatorOpt func(*domain.Creator)

func unlinked(c *domain.Creator) { c.DiscordID = "" }

// testAddress is where the tests' samples ship.
const testAddress = "1 Test Street, 75001 Paris, France"

func noAddress(c *domain.Creator) { c.Address = "" }

func withStats(followers, views int64, gmv domain.Money, niche string) creatorOpt {
	return func(c *domain.Creator) { c.Followers, c.AvgViews, c.GMV30d, c.Niche = followers, views, gmv, niche }
}

// mustAddCreator adds a linked creator (50k followers, 8k views, 1000.00
// GMV, beauty, a shipping address) as dana and returns them with their actor.
func mustAddCreator(t *testing.T, app *commands.App, handle string, opts ...creatorOpt) (domain.Creator, domain.Actor) {
	t.Helper()
	c := domain.Creator{Handle: handle, DiscordID: nextDiscordID(), Followers: 50_000, AvgViews: 8_000, GMV30d: 100_000, Niche: "beauty", Address: testAddress}
	for _, o := range opts {
		o(&c)
	}
	c, err := app.AddCreator(ctxb, dana, c)
	if err != nil {
		t.Fatalf("AddCreator(@%s): %v", handle, err)
	}
	act, err := app.CreatorActorByHandle(ctxb, handle)
	if err != nil {
		t.Fatalf("CreatorActorByHandle(@%s): %v", handle, err)
	}
	if act.Role != domain.RoleCreator || act.CreatorID != c.ID {
		t.Fatalf("CreatorActorByHandle(@%s) = %+v, want creator %d", handle, act, c.ID)
	}
	return c, act
}

// mustAddProduct adds a product as dana; an empty title is filled in.
func mustAddProduct(t *testing.T, app *commands.App, id string, stock int, group string) domain.Product {
	t.Helper()
	p, err := app.AddProduct(ctxb, dana, domain.Product{ID: id, Title: "Product " + id, Price: 2490, Group: group, SampleStock: stock})
	if err != nil {
		t.Fatalf("AddProduct(%s): %v", id, err)
	}
	return p.Product
}

// targets builds invite targets; "maya=12%" gives maya her own rate.
func targets(t *testing.T, specs ...string) []commands.InviteTarget {
	t.Helper()
	out := make([]commands.InviteTarget, len(specs))
	for i, s := range specs {
		h, r, ok := strings.Cut(s, "=")
		out[i].Handle = h
		if ok {
			rate, err := domain.ParseRate("rate", r)
			if err != nil {
				t.Fatalf("targets(%q): %v", s, err)
			}
			out[i].Rate = rate
		}
	}
	return out
}

func mustInvite(t *testing.T, app *commands.App, req commands.InviteRequest) commands.InviteResult {
	t.Helper()
	res, err := app.InviteCreators(ctxb, dana, req)
	if err != nil {
		t.Fatalf("InviteCreators: %v", err)
	}
	return res
}

// mustInviteOne invites one creator to products at 15%, with a sample
// offer when sample is set, and returns the invitation.
func mustInviteOne(t *testing.T, app *commands.App, handle string, sample bool, products ...string) commands.InvitationView {
	t.Helper()
	req := commands.InviteRequest{Creators: targets(t, handle), Products: products, Rate: 1500}
	if sample {
		req.Sample = &domain.SampleOffer{}
	}
	res := mustInvite(t, app, req)
	if len(res.Invitations) != 1 {
		t.Fatalf("invite @%s: %d invitations, skipped %+v", handle, len(res.Invitations), res.Skipped)
	}
	return res.Invitations[0]
}

func mustPlan(t *testing.T, app *commands.App, req commands.PlanRequest) commands.PlanView {
	t.Helper()
	v, err := app.CreatePlan(ctxb, dana, req)
	if err != nil {
		t.Fatalf("CreatePlan(%q): %v", req.Name, err)
	}
	return v
}

// mustSamplePlan opens a plan paying 10% on everything with a free sample
// that needs approval (or not).
func mustSamplePlan(t *testing.T, app *commands.App, name string, exempt bool) commands.PlanView {
	t.Helper()
	return mustPlan(t, app, commands.PlanRequest{
		Name:   name,
		Rules:  []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 1000}},
		Sample: &domain.SampleOffer{ApprovalExempt: exempt},
	})
}

func mustRequest(t *testing.T, app *commands.App, who domain.Actor, in commands.SampleInput) commands.SampleView {
	t.Helper()
	v, err := app.RequestSample(ctxb, who, in)
	if err != nil {
		t.Fatalf("RequestSample(%s, %+v): %v", who.Display(), in, err)
	}
	return v
}

func mustApprove(t *testing.T, app *commands.App, id int64) commands.SampleView {
	t.Helper()
	v, err := app.ApproveSample(ctxb, erin, id)
	if err != nil {
		t.Fatalf("ApproveSample(S%d): %v", id, err)
	}
	return v
}

func mustShip(t *testing.T, app *commands.App, id int64) commands.SampleView {
	t.Helper()
	v, err := app.ShipSample(ctxb, dana, id, "1Z999")
	if err != nil {
		t.Fatalf("ShipSample(S%d): %v", id, err)
	}
	return v
}

// wantErr checks an error's kind, its field when field is set, and that its
// user message contains every fragment.
func wantErr(t *testing.T, err error, kind domain.Kind, field string, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s", kind)
	}
	if got := domain.ErrorKind(err); got != kind {
		t.Fatalf("err = %v (%s), want %s", err, got, kind)
	}
	if field != "" && domain.ErrorField(err) != field {
		t.Errorf("err field = %q, want %q (%v)", domain.ErrorField(err), field, err)
	}
	msg := domain.ErrorMessage(err)
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("err message %q lacks %q", msg, f)
		}
	}
}

func mustNil(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// storeState is everything the use cases can change, read back from the
// store, so "nothing changed" is one comparison.
type storeState struct {
	Members     []domain.Member
	Creators    []domain.Creator
	Products    []domain.Product
	Invitations []domain.Invitation
	Plans       []domain.Plan
	Samples     []domain.SampleRequest
	Events      []domain.Event
	Outbox      []domain.Outgoing
}

func stateOf(t *testing.T, db storetest.Engine) storeState {
	t.Helper()
	var s storeState
	err := db.View(ctxb, func(tx commands.Tx) error {
		var err error
		if s.Members, err = tx.Members(ctxb); err != nil {
			return err
		}
		if s.Creators, err = tx.ListCreators(ctxb, commands.CreatorFilter{}); err != nil {
			return err
		}
		if s.Products, err = tx.ListProducts(ctxb); err != nil {
			return err
		}
		if s.Invitations, err = tx.ListInvitations(ctxb, commands.InvitationFilter{}); err != nil {
			return err
		}
		if s.Plans, err = tx.ListPlans(ctxb); err != nil {
			return err
		}
		if s.Samples, err = tx.ListSamples(ctxb, commands.SampleFilter{}); err != nil {
			return err
		}
		s.Events, err = tx.Events(ctxb, "", 0)
		return err
	})
	mustNil(t, err, "read state")
	s.Outbox = outbox(t, db)
	return s
}

// wantUnchanged fails when anything stored differs from before.
func wantUnchanged(t *testing.T, db storetest.Engine, before storeState) {
	t.Helper()
	after := stateOf(t, db)
	v1, v2 := reflect.ValueOf(before), reflect.ValueOf(after)
	for i := 0; i < v1.NumField(); i++ {
		if !reflect.DeepEqual(v1.Field(i).Interface(), v2.Field(i).Interface()) {
			t.Errorf("%s changed:\nbefore %+v\nafter  %+v", v1.Type().Field(i).Name, v1.Field(i).Interface(), v2.Field(i).Interface())
		}
	}
}

func outbox(t *testing.T, db storetest.Engine) []domain.Outgoing {
	t.Helper()
	out, err := db.ListOutgoing(ctxb, "", 0)
	mustNil(t, err, "ListOutgoing")
	return out
}

// outboxTo lists the rows for one recipient ("creator:3", "channel:sellers").
func outboxTo(t *testing.T, db storetest.Engine, to string) []domain.Outgoing {
	t.Helper()
	var out []domain.Outgoing
	for _, o := range outbox(t, db) {
		if o.To.String() == to {
			out = append(out, o)
		}
	}
	return out
}

// outboxKey finds the row keyed key or, for a key said once per change
// ("sample:4:tracking", stored as "sample:4:tracking@81"), the newest such.
func outboxKey(t *testing.T, db storetest.Engine, key string) (domain.Outgoing, bool) {
	t.Helper()
	var found domain.Outgoing
	ok := false
	for _, o := range outbox(t, db) {
		if o.Key == key {
			return o, true
		}
		if strings.HasPrefix(o.Key, key+"@") && (!ok || o.ID > found.ID) {
			found, ok = o, true
		}
	}
	return found, ok
}

func mustOutboxKey(t *testing.T, db storetest.Engine, key string) domain.Outgoing {
	t.Helper()
	o, ok := outboxKey(t, db, key)
	if !ok {
		var keys []string
		for _, o := range outbox(t, db) {
			keys = append(keys, o.Key)
		}
		t.Fatalf("no outbox row %q; keys: %v", key, keys)
	}
	return o
}

// events lists the audit trail of subject ("" for all), newest first.
func events(t *testing.T, db storetest.Engine, subject string) []domain.Event {
	t.Helper()
	return readOne(t, db, "Events", func(tx commands.Tx) ([]domain.Event, error) { return tx.Events(ctxb, subject, 0) })
}

// countEvents counts events of kind about subject ("" for any subject).
func countEvents(t *testing.T, db storetest.Engine, subject, kind string) int {
	t.Helper()
	n := 0
	for _, e := range events(t, db, subject) {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// readOne reads one row in a read-only transaction, failing the test if it
// cannot.
func readOne[T any](t *testing.T, db storetest.Engine, what string, get func(commands.Tx) (T, error)) T {
	t.Helper()
	var v T
	err := db.View(ctxb, func(tx commands.Tx) error {
		var err error
		v, err = get(tx)
		return err
	})
	mustNil(t, err, what)
	return v
}

func productOf(t *testing.T, db storetest.Engine, id string) domain.Product {
	t.Helper()
	return readOne(t, db, "Product "+id, func(tx commands.Tx) (domain.Product, error) { return tx.Product(ctxb, id) })
}

func sampleOf(t *testing.T, db storetest.Engine, id int64) domain.SampleRequest {
	t.Helper()
	return readOne(t, db, fmt.Sprintf("Sample S%d", id), func(tx commands.Tx) (domain.SampleRequest, error) { return tx.Sample(ctxb, id) })
}

func invitationOf(t *testing.T, db storetest.Engine, id int64) domain.Invitation {
	t.Helper()
	return readOne(t, db, fmt.Sprintf("Invitation I%d", id), func(tx commands.Tx) (domain.Invitation, error) { return tx.Invitation(ctxb, id) })
}

func creatorOf(t *testing.T, db storetest.Engine, id int64) domain.Creator {
	t.Helper()
	return readOne(t, db, fmt.Sprintf("Creator %d", id), func(tx commands.Tx) (domain.Creator, error) { return tx.Creator(ctxb, id) })
}

func planOf(t *testing.T, db storetest.Engine, id int64) domain.Plan {
	t.Helper()
	return readOne(t, db, fmt.Sprintf("Plan PL%d", id), func(tx commands.Tx) (domain.Plan, error) { return tx.Plan(ctxb, id) })
}

// buttonActions lists a message's button custom_ids.
func buttonActions(m present.Card) []string {
	bs := m.AllButtons()
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Action
	}
	return out
}

// buttonLabels lists a message's button labels.
func buttonLabels(m present.Card) []string {
	bs := m.AllButtons()
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Label
	}
	return out
}

// rendered is an outbox row as its reader sees it, in UTC.
func rendered(o domain.Outgoing) present.Card {
	return present.Notice(o.Notice, present.Reader{Zone: time.UTC, Now: o.CreatedAt})
}

// cardText is a card's body with its sections, one line each.
func cardText(m present.Card) string {
	lines := []string{}
	if m.Text != "" {
		lines = append(lines, m.Text)
	}
	for _, s := range m.Sections {
		lines = append(lines, s.Text)
	}
	return strings.Join(lines, "\n")
}

// fieldValue is the value of a card's field, "" when absent.
func fieldValue(m present.Card, label string) (string, bool) {
	for _, f := range m.Fields {
		if f.Label == label {
			return f.Value, true
		}
	}
	return "", false
}
