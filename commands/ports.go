package commands

import (
	"context"
	"time"

	"github.com/collabbot/collabbot/domain"
)

// Store runs units of work. Update runs fn in one write transaction that
// commits only when fn returns nil, so a state change, its audit event and
// its outbox rows are stored together or not at all. View runs fn on a
// read-only snapshot; any write inside it fails.
//
// Isolation. Update behaves as if serializable: fn sees one consistent
// snapshot that includes every commit before it, and two Updates whose
// reads and writes conflict are serialized, one seeing the other's effects
// or failing. Use cases rely on this when they read a row, check a
// transition in Go and write it back. SQLite gives it by taking its single
// write lock at BEGIN IMMEDIATE; another engine may run at SERIALIZABLE, or
// lock what fn reads (SELECT ... FOR UPDATE). The rules that matter most are
// also kept by the store itself, so they hold even where the isolation is
// weaker: conditional updates (UpdateSample, UpdateInvitation, UpdatePlan
// check the row's version), conditional counters (ReserveStock,
// TakeInviteQuota) and uniqueness (one open sample request per creator and
// product).
//
// Re-runs. Update may run fn more than once: an engine that detects a
// serialization failure rolls back and calls fn again on a fresh snapshot.
// So fn must be safe to re-run: no side effects outside the transaction (no
// network calls, no sends other than Enqueue), and any variable outside fn
// that fn sets or accumulates into (results, counters, appended slices) is
// reset at the start of fn. Only the last run's values count, and only when
// Update returns nil.
//
// Update must not be called from inside fn (the SQLite store holds its one
// writer connection for the whole of fn); a View inside would not see fn's
// uncommitted writes.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is the persistence a use case sees inside a unit of work. Lookups of a
// missing row return a domain.Error of KindNotFound; inserts that break a
// uniqueness rule return KindConflict (a second open sample request for one
// creator and product among them). Lookups and inserts set the Version of
// samples, invitations and plans; their updates are conditional on it.
type Tx interface {
	MemberStore
	LinkStore
	CreatorStore
	ProductStore
	CollaborationStore
	PlanStore
	SampleStore
	ExportStore
	Journal
	ReminderStore
	OutboxReader
}

// MemberStore keeps the seller team's roles.
type MemberStore interface {
	Member(ctx context.Context, id string) (domain.Member, error)
	PutMember(ctx context.Context, m domain.Member) error // insert or update
	// NoteMemberName keeps m's name: it inserts m when the member is new
	// and otherwise changes only the name, and only when it differs.
	NoteMemberName(ctx context.Context, m domain.Member) error
	Members(ctx context.Context) ([]domain.Member, error)
}

// CreatorFilter narrows ListCreators; zero fields match everything.
type CreatorFilter struct {
	Niche        string
	MinFollowers int64
	Limit        int  // 0: no limit
	Archived     bool // include archived creators
}

// CreatorStore keeps the roster.
type CreatorStore interface {
	Creator(ctx context.Context, id int64) (domain.Creator, error)
	CreatorByHandle(ctx context.Context, handle string) (domain.Creator, error)
	CreatorByDiscordID(ctx context.Context, discordID string) (domain.Creator, error)
	InsertCreator(ctx context.Context, c *domain.Creator) error // sets c.ID
	// UpdateCreator stores c's roster fields; the unanswered counter is
	// left alone (AddUnanswered and ClearUnanswered change it), so an edit
	// made from an older read never undoes an increment made since.
	UpdateCreator(ctx context.Context, c domain.Creator) error
	// AddUnanswered adds delta to the creator's unanswered messages in
	// one statement, never going below zero.
	AddUnanswered(ctx context.Context, creatorID int64, delta int) error
	// ClearUnanswered sets it to zero: the creator answered.
	ClearUnanswered(ctx context.Context, creatorID int64) error
	ListCreators(ctx context.Context, f CreatorFilter) ([]domain.Creator, error) // by handle
	// CreatorCards is ListCreators with each creator's samples received
	// and posted, counted in the same query.
	CreatorCards(ctx context.Context, f CreatorFilter) ([]CreatorCard, error)
	// CreatorTrack counts one creator's samples received (shipped, overdue
	// or completed) and posted (completed), as CreatorCards does.
	CreatorTrack(ctx context.Context, creatorID int64) (received, posted int, err error)
	// CountCreators counts what f selects, ignoring its Limit.
	CountCreators(ctx context.Context, f CreatorFilter) (int, error)
}

// ProductStore keeps the catalog and its sample stock.
type ProductStore interface {
	Product(ctx context.Context, id string) (domain.Product, error)
	InsertProduct(ctx context.Context, p domain.Product) error
	UpdateProduct(ctx context.Context, p domain.Product) error
	ListProducts(ctx context.Context) ([]domain.Product, error) // by ID, archived left out, naturally (P2 before P10)
	// ReserveStock takes qty units from the product's sample stock and, when
	// offerID is set and the offer has a stock cap, from the offer's
	// remaining units, in one conditional update each: stock never goes
	// below zero. Too little stock is a KindConflict naming what is left.
	ReserveStock(ctx context.Context, productID string, offerID int64, qty int) error
	// ReleaseStock gives units back after an approved sample is cancelled.
	ReleaseStock(ctx context.Context, productID string, offerID int64, qty int) error
}

// InvitationFilter narrows ListInvitations; zero fields match everything.
type InvitationFilter struct {
	CreatorID       int64
	CollaborationID int64
	States          []domain.InvitationState
	ExpiresBefore   time.Time // pending invitations whose expiry is before this
	// PendingRateDueBefore keeps invitations with a lowered rate waiting
	// to take effect before this (the sweep settles them), so a sweep
	// reads what is due, not every live invitation.
	PendingRateDueBefore time.Time
	Limit                int
}

// CollaborationStore keeps targeted collaborations, their invitations and
// sample offers.
type CollaborationStore interface {
	InsertOffer(ctx context.Context, o *domain.SampleOffer) error // sets o.ID
	Offer(ctx context.Context, id int64) (domain.SampleOffer, error)
	InsertCollaboration(ctx context.Context, c *domain.Collaboration) error // sets c.ID; inserts an unsaved Sample first
	Collaboration(ctx context.Context, id int64) (domain.Collaboration, error)
	InsertInvitation(ctx context.Context, i *domain.Invitation) error // sets i.ID
	Invitation(ctx context.Context, id int64) (domain.Invitation, error)
	// UpdateInvitation stores i if the row is still at i.Version (the one
	// read); a row changed since is a KindConflict. Every update raises
	// the version.
	UpdateInvitation(ctx context.Context, i domain.Invitation) error
	ListInvitations(ctx context.Context, f InvitationFilter) ([]domain.Invitation, error) // newest first
	// InvitationViews calls each with the invitations f selects, newest
	// first, read with their creator and collaboration in one query and
	// streamed: lists and exports cost one statement, not four a row. An
	// error from each stops the walk and is returned.
	InvitationViews(ctx context.Context, f InvitationFilter, each func(InvitationView) error) error
	// CountInvitations counts what f selects, ignoring its Limit.
	CountInvitations(ctx context.Context, f InvitationFilter) (int, error)
	// CountInvitationsSince counts invitations created at or after t.
	CountInvitationsSince(ctx context.Context, t time.Time) (int, error)
	// TakeInviteQuota takes n invitations from the weekly cap of the
	// outreach week starting at week, in one conditional step so that
	// concurrent inviters never pass limit together. It returns how many
	// were used before; when n more would pass limit it takes nothing and
	// returns a KindConflict.
	TakeInviteQuota(ctx context.Context, week time.Time, n, limit int) (int, error)
}

// PlanStore keeps open plans.
type PlanStore interface {
	InsertPlan(ctx context.Context, p *domain.Plan) error // sets p.ID; inserts an unsaved Sample first
	Plan(ctx context.Context, id int64) (domain.Plan, error)
	PlanByName(ctx context.Context, name string) (domain.Plan, error)                 // case-insensitive
	UpdatePlan(ctx context.Context, p domain.Plan) error                              // state and end date, if still at p.Version (else KindConflict)
	ListPlans(ctx context.Context, states ...domain.PlanState) ([]domain.Plan, error) // newest first; no states: all
}

// SampleFilter narrows ListSamples; zero fields match everything.
type SampleFilter struct {
	CreatorID    int64
	ProductID    string
	PlanID       int64 // requests made through this open plan
	InvitationID int64 // requests made through this invitation
	States       []domain.SampleState
	// RequestedBefore and DueBefore keep requests made, or samples due to
	// post, before these: the sweep reads what is due, not every open one.
	RequestedBefore time.Time
	DueBefore       time.Time
	Limit           int
}

// SampleRow is a sample request with what people read it by, as
// SampleViews streams it: its creator, its product, the name of the
// member who decided it ("" when unknown) and the plan it came through.
type SampleRow struct {
	Sample      domain.SampleRequest
	Creator     domain.Creator
	Product     domain.Product
	DeciderName string
	PlanName    string
}

// StateCounts are how many invitations, plans and samples are in each
// state, counted in the store so a report costs the same at any size.
type StateCounts struct {
	Invitations map[domain.InvitationState]int
	Plans       map[domain.PlanState]int
	Samples     map[domain.SampleState]int
}

// SampleStore keeps sample requests and submitted content.
type SampleStore interface {
	InsertSample(ctx context.Context, s *domain.SampleRequest) error // sets s.ID
	Sample(ctx context.Context, id int64) (domain.SampleRequest, error)
	SampleRowByID(ctx context.Context, id int64) (SampleRow, error) // the request with its parts, in one read
	// UpdateSample stores s if the row is still at s.Version (the one read);
	// a row changed since is a KindConflict. Every update raises the
	// version. What the request is for (creator, product, offer, plan,
	// invitation, quantity, when it was made) is fixed by InsertSample and
	// not written again.
	UpdateSample(ctx context.Context, s domain.SampleRequest) error
	ListSamples(ctx context.Context, f SampleFilter) ([]domain.SampleRequest, error) // newest first
	InsertContent(ctx context.Context, c *domain.Content) error                      // sets c.ID
	// SampleViews calls each with the requests f selects, newest first,
	// read with their creator, product, decider and plan in one query and
	// streamed. An error from each stops the walk and is returned.
	SampleViews(ctx context.Context, f SampleFilter, each func(SampleRow) error) error
	// CountSamples counts what f selects, ignoring its Limit.
	CountSamples(ctx context.Context, f SampleFilter) (int, error)
	// CountStates counts invitations, plans and samples by state.
	CountStates(ctx context.Context) (StateCounts, error)
}

// Journal records what happened and what must be said about it, inside the
// transaction of the change.
type Journal interface {
	AddEvent(ctx context.Context, e domain.Event) error
	// Enqueue adds an outbox row. A row whose Key is already queued is
	// skipped and reported as false, so a retried action never sends twice.
	Enqueue(ctx context.Context, o domain.Outgoing) (bool, error)
	Events(ctx context.Context, subject string, limit int) ([]domain.Event, error) // newest first; "" for all
	// EventsOf merges the audit trails of subjects into one, newest first
	// by time, then by id (of one transaction's events, the later first),
	// at most limit in all (0: no limit). It is one read however many
	// subjects there are, so a creator's trail over hundreds of
	// invitations and samples costs what a single subject's does.
	EventsOf(ctx context.Context, subjects []string, limit int) ([]domain.Event, error)
}

// OutgoingStatus is where one outbox row stands, without its payload.
type OutgoingStatus struct {
	ID        int64
	State     domain.OutboxState
	Reason    domain.FailReason // set when State is failed
	LastError string
	Attempts  int
}

// OutboxReader is what use cases read of the outbox: the messages that
// failed for good (the App Home's list) and where given rows stand (an
// invitation round's progress).
type OutboxReader interface {
	// Undelivered lists up to limit failed rows, the latest failure first,
	// and counts them all.
	Undelivered(ctx context.Context, limit int) ([]domain.Outgoing, int, error)
	// OutgoingStatus reads the rows keyed keys; keys never queued are left
	// out of the map.
	OutgoingStatus(ctx context.Context, keys []string) (map[string]OutgoingStatus, error)
}

// Clock tells the time; tests pass a fixed one.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// Drafter writes a personalised invitation message. Implementations must
// return quickly or honour ctx; the use case falls back to a template on
// any error.
type Drafter interface {
	DraftInvitation(ctx context.Context, d DraftInput) (string, error)
}

// DraftInput is what a drafter may use: facts from the roster and catalog only.
type DraftInput struct {
	Creator  domain.Creator
	Products []domain.Product
	Rate     domain.Rate
	Sample   bool
	Contact  string
}
