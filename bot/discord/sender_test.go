package discord_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/collabbot/collabbot/bot/discord"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// A creator whose DMs are closed (50007) or who shares no server with the
// bot (50278) is marked unreachable, the row fails for good, and the
// sellers are told what to do.
func TestRefusedDMsMarkTheCreatorUnreachable(t *testing.T) {
	tests := []struct {
		code   int
		advice string
	}{
		{50007, "ask them to allow DMs"},
		{50278, "server invite"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			w := newWorld(t)
			w.roster()
			w.fake.refuse[mayaID] = tt.code
			w.team(dana, `invite @maya_glow P100 15%`)
			w.deliver()
			dm := invitationRow(t, w)
			if dm.State != domain.OutboxFailed || dm.Attempts > 1 {
				t.Errorf("invitation DM is %s after %d attempts, want failed at once", dm.State, dm.Attempts)
			}
			if c, _ := w.app.Creator(ctxb, 1); c.Reachable {
				t.Error("creator still reachable after Discord refused the DM")
			}
			var told bool
			for _, o := range w.slack.sent {
				if o.Notice.Kind == domain.NoticeUnreachable {
					told = true
					card := present.Notice(o.Notice, present.Reader{})
					wantContains(t, "unreachable card", card.Title+" "+card.Text, "@maya_glow", strconv.Itoa(tt.code), tt.advice)
				}
			}
			if !told {
				t.Fatalf("sellers were told %v, want creator.unreachable", w.slack.kinds())
			}
		})
	}
}

// A 429 is surfaced with its retry_after and scope, and the dispatcher
// postpones the row without counting an attempt.
func TestRateLimitIsSurfacedWithRetryAfter(t *testing.T) {
	for _, global := range []bool{false, true} {
		w := newWorld(t)
		w.roster()
		w.team(dana, `invite @maya_glow P100 15%`)
		w.fake.limited = &rateLimited{retryAfter: 2.5, global: global}
		o := invitationRow(t, w)
		_, err := w.sender.Send(ctxb, o)
		var ra *delivery.RetryAfterError
		if !errors.As(err, &ra) || ra.After != 2500*time.Millisecond {
			t.Fatalf("global=%v: Send = %v, want a RetryAfterError of 2.5s", global, err)
		}
		scope := "route"
		if global {
			scope = "global"
		}
		wantContains(t, "429 error", err.Error(), scope)
	}
}

// A route whose bucket is empty is not called again before its reset; a
// caller whose context ends sooner gets a RetryAfterError at once.
func TestEmptyBucketIsNotCalledBeforeItsReset(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `invite @maya_glow P100 15%`)
	w.team(dana, `plan "Spring" P300=12% samples=1 stock=20 approval=none`)
	w.fake.bucketEmpty = true
	o := invitationRow(t, w)
	if _, err := w.sender.Send(ctxb, o); err != nil {
		t.Fatalf("first send: %v", err)
	}
	before := len(w.fake.callsTo("POST channels/"))
	o2 := o
	o2.Key, o2.ID = o.Key+"-again", o.ID+100
	ctx, cancel := context.WithTimeout(ctxb, 3*time.Second) // well before the 30 s reset
	defer cancel()
	_, err := w.sender.Send(ctx, o2)
	var ra *delivery.RetryAfterError
	if !errors.As(err, &ra) || ra.After < time.Second {
		t.Errorf("send into an empty bucket = %v, want a RetryAfterError of about its reset", err)
	}
	if after := len(w.fake.callsTo("POST channels/")); after != before {
		t.Errorf("the empty bucket was called %d more times", after-before)
	}
}

// A retried row first looks for its nonce in the DM channel: a message
// that reached Discord is not posted twice.
func TestARetryFindsTheMessageByItsNonce(t *testing.T) {
	w := newWorld(t)
	w.roster()
	w.team(dana, `invite @maya_glow P100 15%`)
	o := invitationRow(t, w)
	ref, err := w.sender.Send(ctxb, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Attempts = 1 // as if the first outcome was lost
	again, err := w.sender.Send(ctxb, o)
	if err != nil || again != ref {
		t.Errorf("retry = %q, %v; want the first message %q", again, err, ref)
	}
	if n := len(w.fake.callsTo("POST channels/dm-" + mayaID + "/messages")); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
	if n := len(w.fake.callsTo("POST users/@me/channels")); n != 1 {
		t.Errorf("%d DM channel creations, want 1 (cached)", n)
	}
}

func TestNonceIsShortAndStable(t *testing.T) {
	a, b := discord.Nonce("invitation:1:dm"), discord.Nonce("invitation:1:dm")
	if a != b || len(a) != 25 || a == discord.Nonce("invitation:2:dm") {
		t.Errorf("Nonce = %q, %q", a, b)
	}
}

func TestSenderRefusesChannelRecipients(t *testing.T) {
	w := newWorld(t)
	_, err := w.sender.Send(ctxb, domain.Outgoing{To: domain.Recipient{Kind: domain.ToChannel, Channel: "sellers"}, Key: "x"})
	if !errors.Is(err, delivery.ErrPermanent) {
		t.Errorf("Send to a channel = %v, want ErrPermanent", err)
	}
}

// invitationRow is the queued invitation DM, as a claim would hand it over.
func invitationRow(t *testing.T, w *world) domain.Outgoing {
	t.Helper()
	for _, o := range w.outbox() {
		if o.Notice.Kind == domain.NoticeInvitation {
			return o
		}
	}
	t.Fatal("no invitation DM queued")
	return domain.Outgoing{}
}

func TestSenderCountsOutcomes(t *testing.T) {
	w := newWorld(t)
	reg := prometheus.NewRegistry()
	w.sender = discord.NewSender(w.rest, w.app, reg)
	w.roster()
	w.fake.refuse[leoID] = 50007
	w.team(dana, `invite @maya_glow @leo.cooks P100 15%`)
	w.deliver()
	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "collabbot_discord_dms_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" {
					got[l.GetValue()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	if got["sent"] != 1 || got["unreachable"] != 1 {
		t.Errorf("DM outcomes counted %v, want one sent and one unreachable", got)
	}
}
