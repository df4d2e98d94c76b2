package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// testEventsOf checks Journal.EventsOf, a creator's trail read in one go:
// the subjects' events merged newest first by time, then by id, the limit
// taken over the merge, and no event of a subject not asked for.
func testEventsOf(t *testing.T, e Engine) {
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	// Inserted in this order, so ids rise down the list. b2 shares a2's
	// time in the same transaction (the later id comes first); a0 is
	// stored last but dated first, so time, not id, places it.
	stored := [][]domain.Event{
		{{At: sec(0), Kind: "a1", Subject: "sample:1", Actor: "creator:1", Detail: "requested"}},
		{{At: sec(1), Kind: "b1", Subject: "invitation:1"}},
		{{At: sec(2), Kind: "a2", Subject: "sample:1"}, {At: sec(2), Kind: "b2", Subject: "invitation:1"}},
		{{At: sec(3), Kind: "c1", Subject: "creator:1"}},
		{{At: sec(5), Kind: "x1", Subject: "sample:10"}}, // never asked for: "sample:1" must not match it
		{{At: sec(-1), Kind: "a0", Subject: "sample:1"}},
	}
	for _, evs := range stored {
		update(t, e, func(tx commands.Tx) error {
			for _, ev := range evs {
				if err := tx.AddEvent(ctxb, ev); err != nil {
					return err
				}
			}
			return nil
		})
	}
	// Past SQLite's 32,766 parameters, for an engine that binds one per
	// subject: it must split the list and still merge in order.
	many := []string{"creator:1"}
	for i := range 33_000 {
		many = append(many, fmt.Sprintf("sample:%d", 100+i))
	}
	many = append(many, "invitation:1")

	tests := []struct {
		name     string
		subjects []string
		limit    int
		want     []string // kinds, in order
	}{
		{"several subjects merge newest first", []string{"sample:1", "invitation:1", "creator:1"}, 0, []string{"c1", "b2", "a2", "b1", "a1", "a0"}},
		{"the order of the subjects does not matter", []string{"creator:1", "sample:1", "invitation:1"}, 0, []string{"c1", "b2", "a2", "b1", "a1", "a0"}},
		{"a subject without events adds nothing", []string{"plan:9", "invitation:1"}, 0, []string{"b2", "b1"}},
		{"only subjects without events", []string{"plan:9", "product:P1"}, 0, nil},
		{"no subjects", nil, 0, nil},
		{"a subject named twice is read once", []string{"invitation:1", "invitation:1"}, 0, []string{"b2", "b1"}},
		{"the limit keeps the newest of the merge", []string{"sample:1", "invitation:1", "creator:1"}, 3, []string{"c1", "b2", "a2"}},
		{"a limit past the end", []string{"invitation:1"}, 10, []string{"b2", "b1"}},
		{"a limit of one", []string{"sample:1", "invitation:1"}, 1, []string{"b2"}},
		{"many subjects", many, 0, []string{"c1", "b2", "b1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := read(t, e, func(tx commands.Tx) ([]domain.Event, error) { return tx.EventsOf(ctxb, tt.subjects, tt.limit) })
			var kinds []string
			for _, ev := range got {
				kinds = append(kinds, ev.Kind)
			}
			if !slices.Equal(kinds, tt.want) {
				t.Fatalf("EventsOf(%d subjects, %d) = %v, want %v", len(tt.subjects), tt.limit, kinds, tt.want)
			}
		})
	}

	// Every field comes back as stored, as Events reads it.
	t.Run("fields", func(t *testing.T) {
		got := read(t, e, func(tx commands.Tx) ([]domain.Event, error) { return tx.EventsOf(ctxb, []string{"sample:1"}, 0) })
		one := read(t, e, func(tx commands.Tx) ([]domain.Event, error) { return tx.Events(ctxb, "sample:1", 0) })
		a1 := got[len(got)-2]
		if a1.ID == 0 || !a1.At.Equal(sec(0)) || a1.Actor != "creator:1" || a1.Kind != "a1" || a1.Subject != "sample:1" || a1.Detail != "requested" {
			t.Fatalf("a1 read back as %+v", a1)
		}
		i := slices.IndexFunc(one, func(ev domain.Event) bool { return ev.Kind == "a1" })
		if i < 0 || one[i] != a1 {
			t.Fatalf("EventsOf's a1 %+v, Events' %+v", a1, one)
		}
	})
}
