package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
)

// teller records what OnFailed was told, and fails while down is set.
type teller struct {
	mu   sync.Mutex
	told map[string]int
	down bool
}

func (tl *teller) OnFailed(ctx context.Context, o domain.Outgoing) error {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.down {
		return errors.New("database is locked")
	}
	tl.told[o.Key+" "+string(o.FailReason)]++
	return nil
}

// Failures the claim decides (sends lost MaxLost times, an edit of a failed
// original) and those a send decides are all told once and counted once by
// reason, across passes and dispatchers sharing a registry; a failed tell
// is tried again on the next pass.
func TestEveryFailureIsToldAndCountedOnce(t *testing.T) {
	db := openDB(t)
	clk := newClock()
	queueOut(t, db,
		domain.Outgoing{To: toChannel(domain.ChannelApprovals), Key: "sample:1:card", Thread: "sample:1"},
		domain.Outgoing{To: toChannel(domain.ChannelSellers), Key: "plan:1:created", Thread: "plan:1"})
	// The card's sends never finish: a worker claims it and dies, again and again.
	for range 5 {
		if _, err := db.ClaimOutgoing(context.Background(), clk.Now(), []domain.Surface{domain.SurfaceSlack}, 1, time.Minute); err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Minute)
	}
	queueOut(t, db, domain.Outgoing{To: toChannel(domain.ChannelApprovals), Key: "sample:1:card~approved", Thread: "sample:1", Replaces: "sample:1:card"})
	tl := &teller{told: map[string]int{}, down: true}
	reg := prometheus.NewRegistry()
	permanent := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		if o.Key == "plan:1:created" {
			return "", fmt.Errorf("slack: not_in_channel: %w", delivery.ErrPermanent)
		}
		return "ref", nil
	})
	var ds []*delivery.Dispatcher
	for range 2 {
		ds = append(ds, &delivery.Dispatcher{Queue: db, Now: clk.Now, Senders: both(permanent), Metrics: reg, OnFailed: tl.OnFailed})
	}
	drain(t, ds[0]) // the tell fails: nothing is recorded as told
	if n := metricValue(t, reg, "collabbot_outbox_failed_total", "slack", "lost"); n != 0 {
		t.Fatalf("counted %v lost before it was told", n)
	}
	tl.mu.Lock()
	tl.down = false
	tl.mu.Unlock()
	for range 2 {
		for _, d := range ds {
			drain(t, d)
		}
	}
	want := map[string]int{"sample:1:card lost": 1, "sample:1:card~approved original_failed": 1, "plan:1:created permanent": 1}
	for k, n := range want {
		if tl.told[k] != n {
			t.Errorf("told %q %d times, want %d (told: %v)", k, tl.told[k], n, tl.told)
		}
	}
	if len(tl.told) != len(want) {
		t.Errorf("told %v, want %v", tl.told, want)
	}
	for _, reason := range []string{"lost", "original_failed", "permanent"} {
		if n := metricValue(t, reg, "collabbot_outbox_failed_total", "slack", reason); n != 1 {
			t.Errorf("collabbot_outbox_failed_total{reason=%q} = %v, want 1", reason, n)
		}
	}
}

// metricValue is the value of the series name{surface, reason} in reg
// (reason "" for series without one), 0 when absent.
func metricValue(t *testing.T, reg *prometheus.Registry, name, surface, reason string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["surface"] == surface && labels["reason"] == reason {
				if c := m.GetCounter(); c != nil {
					return c.GetValue()
				}
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

// Two dispatchers on one registry share its series instead of failing to
// register; the queue-depth collector answers at scrape time.
func TestDispatchersShareARegistry(t *testing.T) {
	db := openDB(t)
	reg := prometheus.NewRegistry()
	for range 2 {
		d := &delivery.Dispatcher{Queue: db, Now: newClock().Now, Senders: both(newRecorder(nil)), Metrics: reg}
		drain(t, d)
	}
	queueOut(t, db, domain.Outgoing{To: toChannel(domain.ChannelSellers), Key: "a"})
	if v := metricValue(t, reg, "collabbot_outbox_queue_depth", "slack", ""); v != 1 {
		t.Fatalf("slack queue depth %v, want 1", v)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "collabbot_outbox_queue_depth" && len(mf.GetMetric()) != 2 {
			t.Fatalf("%d queue depth series, want one per surface", len(mf.GetMetric()))
		}
	}
}
