package commands_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// A creator's history is their whole trail: the roster entry, their
// invitations, their samples and their content, newest first.
func TestCreatorHistoryShowsTheWholeTrail(t *testing.T) {
	t.Parallel()
	app, _, clk := newApp(t)
	mustAddProduct(t, app, "P100", 5, "")
	_, mayaA := mustAddCreator(t, app, "maya_glow")
	mustAddCreator(t, app, "leo") // someone else's trail stays out
	clk.Advance(1000)
	inv := mustInviteOne(t, app, "maya_glow", true, "P100")
	mustInviteOne(t, app, "leo", false, "P100")
	clk.Advance(1000)
	mustNil(t, func() error { _, err := app.AcceptInvitation(ctxb, mayaA, inv.ID); return err }(), "accept")
	clk.Advance(1000)
	s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: "P100", InvitationID: inv.ID})
	clk.Advance(1000)
	mustApprove(t, app, s.ID)
	clk.Advance(1000)
	mustShip(t, app, s.ID)
	clk.Advance(1000)
	if _, err := app.SubmitContent(ctxb, mayaA, s.ID, "https://www.tiktok.com/@maya_glow/video/7301234567890123456"); err != nil {
		t.Fatal(err)
	}

	hs, err := app.History(ctxb, dana, "", "maya_glow")
	mustNil(t, err, "History")
	var kinds []string
	for _, h := range hs {
		kinds = append(kinds, h.Kind)
	}
	want := []string{"sample.completed", "sample.shipped", "sample.approved", "sample.requested", "invitation.accepted", "invitation.sent", "creator.added"}
	for _, w := range want {
		found := false
		for _, k := range kinds {
			found = found || k == w
		}
		if !found {
			t.Errorf("history of @maya_glow lacks %s: %v", w, kinds)
		}
	}
	for i := 1; i < len(hs); i++ {
		if hs[i].At.After(hs[i-1].At) {
			t.Errorf("history not newest first: %v then %v", hs[i-1].At, hs[i].At)
		}
	}
	if len(hs) > 0 && hs[0].Kind != "sample.completed" {
		t.Errorf("newest entry is %s, want sample.completed", hs[0].Kind)
	}
	for _, h := range hs {
		if h.Subject == "creator:2" {
			t.Errorf("leo's event in maya's history: %+v", h)
		}
	}
}

// trailStep is one action of a creator's story and the events it leaves on
// her trail, in the order it writes them.
type trailStep struct {
	kind, subject string
}

// A creator with more invitations and samples than a history shows gets the
// newest historyLimit (50) entries of all of them, merged newest first by
// time and, within one instant, by the order they were written; another
// creator's entries stay out.
func TestCreatorHistoryMergesManySubjectsInOrder(t *testing.T) {
	t.Parallel()
	app, _, clk := newApp(t)
	maya, mayaA := mustAddCreator(t, app, "maya_glow")
	_, leoA := mustAddCreator(t, app, "leo")
	written := []trailStep{{"creator.added", fmt.Sprintf("creator:%d", maya.ID)}}
	for i := range 16 {
		p := fmt.Sprintf("P%d", i+1)
		mustAddProduct(t, app, p, 5, "")
		clk.Advance(time.Second)
		inv := mustInviteOne(t, app, "maya_glow", true, p)
		written = append(written, trailStep{"invitation.sent", fmt.Sprintf("invitation:%d", inv.ID)})
		leoInv := mustInviteOne(t, app, "leo", true, p) // interleaved, and never shown
		clk.Advance(time.Second)
		mustNil(t, func() error { _, err := app.AcceptInvitation(ctxb, mayaA, inv.ID); return err }(), "accept")
		mustNil(t, func() error { _, err := app.AcceptInvitation(ctxb, leoA, leoInv.ID); return err }(), "leo accepts")
		written = append(written, trailStep{"invitation.accepted", fmt.Sprintf("invitation:%d", inv.ID)})
		// The request at the same instant as the acceptance: the id breaks
		// the tie across subjects.
		s := mustRequest(t, app, mayaA, commands.SampleInput{ProductID: p, InvitationID: inv.ID})
		written = append(written, trailStep{"sample.requested", fmt.Sprintf("sample:%d", s.ID)})
		clk.Advance(time.Second)
		mustApprove(t, app, s.ID)
		written = append(written, trailStep{"sample.approved", fmt.Sprintf("sample:%d", s.ID)})
	}
	if len(written) <= 50 {
		t.Fatalf("the story wrote %d events; it must pass the history's 50", len(written))
	}
	var want []trailStep
	for i := len(written) - 1; i >= len(written)-50; i-- {
		want = append(want, written[i])
	}

	hs, err := app.History(ctxb, dana, "", "maya_glow")
	mustNil(t, err, "History")
	var got []trailStep
	for _, h := range hs {
		got = append(got, trailStep{h.Kind, h.Subject})
	}
	if !slices.Equal(got, want) {
		t.Fatalf("history of @maya_glow:\n got %v\nwant %v", got, want)
	}
}

// A creator's history costs the same reads with one invitation and sample
// as with twenty: the store is asked for her invitations, her samples and
// every subject's events once each, not once a subject. Counted at the
// port (each of these reads is one statement in SQLite), through a Tx that
// counts the reads a history makes.
func TestCreatorHistoryReadsDoNotGrowWithInvitations(t *testing.T) {
	t.Parallel()
	app, db, clk := newApp(t)
	counted := &countingStore{Store: db}
	reader := commands.New(counted, commands.Options{Clock: clk, Location: time.UTC})
	story := func(handle string, n int) {
		_, who := mustAddCreator(t, app, handle)
		for i := range n {
			p := fmt.Sprintf("P_%s_%d", handle, i)
			mustAddProduct(t, app, p, 5, "")
			clk.Advance(time.Second)
			inv := mustInviteOne(t, app, handle, true, p)
			mustNil(t, func() error { _, err := app.AcceptInvitation(ctxb, who, inv.ID); return err }(), "accept")
			mustApprove(t, app, mustRequest(t, app, who, commands.SampleInput{ProductID: p, InvitationID: inv.ID}).ID)
		}
	}
	story("maya", 1)
	story("leo", 20)
	reads := map[string]map[string]int{}
	for _, h := range []string{"maya", "leo"} {
		counted.reset()
		hs, err := reader.History(ctxb, dana, "", h)
		mustNil(t, err, "History @"+h)
		if len(hs) < 5 {
			t.Fatalf("history of @%s: %d entries", h, len(hs))
		}
		reads[h] = counted.counts()
	}
	if !maps.Equal(reads["maya"], reads["leo"]) {
		t.Fatalf("reads for a history of 1 invitation and sample %v, of 20 %v", reads["maya"], reads["leo"])
	}
}

// countingStore hands each unit of work a Tx that counts, by method, the
// reads a history makes.
type countingStore struct {
	commands.Store
	mu sync.Mutex
	n  map[string]int
}

func (s *countingStore) View(ctx context.Context, fn func(commands.Tx) error) error {
	return s.Store.View(ctx, func(tx commands.Tx) error { return fn(countingTx{tx, s}) })
}

func (s *countingStore) Update(ctx context.Context, fn func(commands.Tx) error) error {
	return s.Store.Update(ctx, func(tx commands.Tx) error { return fn(countingTx{tx, s}) })
}

func (s *countingStore) count(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[string]int{}
	}
	s.n[method]++
}

func (s *countingStore) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n = nil
}

func (s *countingStore) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.n)
}

type countingTx struct {
	commands.Tx
	s *countingStore
}

func (t countingTx) CreatorByHandle(ctx context.Context, handle string) (domain.Creator, error) {
	t.s.count("CreatorByHandle")
	return t.Tx.CreatorByHandle(ctx, handle)
}

func (t countingTx) Creator(ctx context.Context, id int64) (domain.Creator, error) {
	t.s.count("Creator")
	return t.Tx.Creator(ctx, id)
}

func (t countingTx) Member(ctx context.Context, id string) (domain.Member, error) {
	t.s.count("Member")
	return t.Tx.Member(ctx, id)
}

func (t countingTx) ListInvitations(ctx context.Context, f commands.InvitationFilter) ([]domain.Invitation, error) {
	t.s.count("ListInvitations")
	return t.Tx.ListInvitations(ctx, f)
}

func (t countingTx) ListSamples(ctx context.Context, f commands.SampleFilter) ([]domain.SampleRequest, error) {
	t.s.count("ListSamples")
	return t.Tx.ListSamples(ctx, f)
}

func (t countingTx) Events(ctx context.Context, subject string, limit int) ([]domain.Event, error) {
	t.s.count("Events")
	return t.Tx.Events(ctx, subject, limit)
}

func (t countingTx) EventsOf(ctx context.Context, subjects []string, limit int) ([]domain.Event, error) {
	t.s.count("EventsOf")
	return t.Tx.EventsOf(ctx, subjects, limit)
}
