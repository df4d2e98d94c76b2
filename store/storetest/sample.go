package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// testSampleSteps: UpdateSample writes every field a request's steps
// change, and leaves what the request is for as InsertSample stored it.
func testSampleSteps(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	at := t0.Add(time.Hour).Truncate(time.Millisecond)
	update(t, e, func(tx commands.Tx) error {
		s, err := tx.Sample(ctxb, fx.sample.ID)
		if err != nil {
			return err
		}
		s.State, s.Note, s.DecidedBy, s.DecidedAt = domain.SampleShipped, "for the spring video", "U2", at
		s.RejectReason, s.RejectNote = domain.RejectOther, "kept for the record"
		s.ShippedAt, s.Tracking, s.DueAt, s.Extended = at.Add(time.Hour), "1Z999", at.Add(14*24*time.Hour), true
		s.ContentURL, s.CompletedAt, s.PostWithinDays = "https://www.tiktok.com/@maya_glow/video/1", at.Add(48*time.Hour), 21
		// What it is for is not the steps' to change.
		s.ProductID, s.Quantity, s.RequestedAt = "P999", 3, at
		return tx.UpdateSample(ctxb, s)
	})
	got := read(t, e, func(tx commands.Tx) (domain.SampleRequest, error) { return tx.Sample(ctxb, fx.sample.ID) })
	want := fx.sample
	want.State, want.Note, want.DecidedBy, want.DecidedAt = domain.SampleShipped, "for the spring video", "U2", at
	want.RejectReason, want.RejectNote = domain.RejectOther, "kept for the record"
	want.ShippedAt, want.Tracking, want.DueAt, want.Extended = at.Add(time.Hour), "1Z999", at.Add(14*24*time.Hour), true
	want.ContentURL, want.CompletedAt, want.PostWithinDays = "https://www.tiktok.com/@maya_glow/video/1", at.Add(48*time.Hour), 21
	want.Version, want.DeciderName = got.Version, got.DeciderName
	if got.Version <= fx.sample.Version {
		t.Errorf("version %d after an update of version %d: not raised", got.Version, fx.sample.Version)
	}
	if !reflect.DeepEqual(normalize(got), normalize(want)) {
		t.Errorf("after UpdateSample:\n got %+v\nwant %+v", got, want)
	}
}

// normalize drops monotonic clock readings and zones, which a store
// cannot keep.
func normalize(s domain.SampleRequest) domain.SampleRequest {
	for _, p := range []*time.Time{&s.RequestedAt, &s.DecidedAt, &s.ShippedAt, &s.DueAt, &s.CompletedAt} {
		if !p.IsZero() {
			*p = p.UTC()
		}
	}
	return s
}

// testUnanswered: the counter moves only through AddUnanswered and
// ClearUnanswered, never below zero, and a read in the same transaction
// sees each move.
func testUnanswered(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	id := fx.creator.ID
	steps := []struct {
		name string
		do   func(commands.Tx) error
		want int
	}{
		{"add 2", func(tx commands.Tx) error { return tx.AddUnanswered(ctxb, id, 2) }, 2},
		{"take 1", func(tx commands.Tx) error { return tx.AddUnanswered(ctxb, id, -1) }, 1},
		{"take 5 from 1", func(tx commands.Tx) error { return tx.AddUnanswered(ctxb, id, -5) }, 0},
		{"add 3", func(tx commands.Tx) error { return tx.AddUnanswered(ctxb, id, 3) }, 3},
		{"an edit from an older read", func(tx commands.Tx) error {
			c := fx.creator
			c.Unanswered, c.Followers = 9, 20_000
			return tx.UpdateCreator(ctxb, c)
		}, 3},
		{"clear", func(tx commands.Tx) error { return tx.ClearUnanswered(ctxb, id) }, 0},
	}
	for _, st := range steps {
		var inTx int
		update(t, e, func(tx commands.Tx) error {
			if err := st.do(tx); err != nil {
				return err
			}
			c, err := tx.Creator(ctxb, id)
			inTx = c.Unanswered
			return err
		})
		after := read(t, e, func(tx commands.Tx) (domain.Creator, error) { return tx.Creator(ctxb, id) }).Unanswered
		if inTx != st.want || after != st.want {
			t.Errorf("%s: unanswered %d in the transaction, %d after, want %d", st.name, inTx, after, st.want)
		}
	}
	wantKind(t, "AddUnanswered of no creator", e.Update(ctxb, func(tx commands.Tx) error { return tx.AddUnanswered(ctxb, id+1000, 1) }), domain.KindNotFound)
	wantKind(t, "ClearUnanswered of no creator", e.Update(ctxb, func(tx commands.Tx) error { return tx.ClearUnanswered(ctxb, id+1000) }), domain.KindNotFound)
}

// testNewestInStates: a limited read of several states is the newest rows
// of any of them, newest first, each once.
func testNewestInStates(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	states := []domain.SampleState{domain.SampleShipped, domain.SampleCompleted, domain.SampleOverdue, domain.SampleShipped, domain.SampleRejected, domain.SampleCompleted}
	var ids []int64
	update(t, e, func(tx commands.Tx) error {
		ids = nil
		for i, st := range states {
			p := domain.Product{ID: fmt.Sprintf("N%d", i+1), Title: "Item", Price: 100}
			if err := tx.InsertProduct(ctxb, p); err != nil {
				return err
			}
			s := domain.SampleRequest{CreatorID: fx.creator.ID, ProductID: p.ID, Quantity: 1, State: st, RequestedAt: t0}
			if err := tx.InsertSample(ctxb, &s); err != nil {
				return err
			}
			ids = append(ids, s.ID)
		}
		return nil
	})
	shipped := []domain.SampleState{domain.SampleShipped, domain.SampleOverdue, domain.SampleCompleted}
	for _, tc := range []struct {
		name   string
		filter commands.SampleFilter
		want   []int64
	}{
		{"three states, limit 3", commands.SampleFilter{States: shipped, Limit: 3}, []int64{ids[5], ids[3], ids[2]}},
		{"three states, no limit", commands.SampleFilter{States: shipped}, []int64{ids[5], ids[3], ids[2], ids[1], ids[0]}},
		{"a state named twice", commands.SampleFilter{States: []domain.SampleState{domain.SampleCompleted, domain.SampleCompleted}, Limit: 5}, []int64{ids[5], ids[1]}},
		{"one creator's, limit 2", commands.SampleFilter{CreatorID: fx.creator.ID, States: shipped, Limit: 2}, []int64{ids[5], ids[3]}},
		{"limit past the rows", commands.SampleFilter{States: []domain.SampleState{domain.SampleRejected, domain.SampleOverdue}, Limit: 10}, []int64{ids[4], ids[2]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := read(t, e, func(tx commands.Tx) ([]int64, error) {
				var out []int64
				err := tx.SampleViews(ctxb, tc.filter, func(r commands.SampleRow) error { out = append(out, r.Sample.ID); return nil })
				return out, err
			})
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ids %v, want %v", got, tc.want)
			}
		})
	}
}
