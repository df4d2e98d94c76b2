package storetest

import (
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// The shipping address is stored with the roster entry, read back by every
// creator lookup and by the sample views (the export reads those).
func testCreatorAddress(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	update(t, e, func(tx commands.Tx) error {
		c := fx.creator
		c.Address = "12 Rue de Rivoli\n75001 Paris"
		return tx.UpdateCreator(ctxb, c)
	})
	for name, get := range map[string]func(commands.Tx) (domain.Creator, error){
		"Creator":            func(tx commands.Tx) (domain.Creator, error) { return tx.Creator(ctxb, fx.creator.ID) },
		"CreatorByHandle":    func(tx commands.Tx) (domain.Creator, error) { return tx.CreatorByHandle(ctxb, "maya_glow") },
		"CreatorByDiscordID": func(tx commands.Tx) (domain.Creator, error) { return tx.CreatorByDiscordID(ctxb, fx.creator.DiscordID) },
		"SampleViews": func(tx commands.Tx) (domain.Creator, error) {
			var c domain.Creator
			err := tx.SampleViews(ctxb, commands.SampleFilter{}, func(r commands.SampleRow) error { c = r.Creator; return nil })
			return c, err
		},
		"CreatorCards": func(tx commands.Tx) (domain.Creator, error) {
			cs, err := tx.CreatorCards(ctxb, commands.CreatorFilter{})
			if err != nil || len(cs) == 0 {
				return domain.Creator{}, err
			}
			return cs[0].Creator, nil
		},
	} {
		if c := read(t, e, get); c.Address != "12 Rue de Rivoli\n75001 Paris" {
			t.Errorf("%s: address %q", name, c.Address)
		}
	}
}

func testLinkRequests(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	l := domain.LinkRequest{DiscordID: "100000000000000009", DiscordName: "Zoe", Handle: "maya_glow", CreatorID: fx.creator.ID, State: domain.LinkPending, RequestedAt: t0}
	update(t, e, func(tx commands.Tx) error { return tx.InsertLinkRequest(ctxb, &l) })
	if l.ID == 0 {
		t.Fatal("InsertLinkRequest set no ID")
	}
	err := e.Update(ctxb, func(tx commands.Tx) error {
		again := l
		return tx.InsertLinkRequest(ctxb, &again)
	})
	wantKind(t, "a second pending claim of one user for one handle", err, domain.KindConflict)
	got := read(t, e, func(tx commands.Tx) (domain.LinkRequest, error) {
		return tx.PendingLink(ctxb, l.DiscordID, "maya_glow")
	})
	if got.ID != l.ID || got.DiscordName != "Zoe" || got.CreatorID != fx.creator.ID || !got.RequestedAt.Equal(t0) {
		t.Errorf("PendingLink = %+v, want %+v", got, l)
	}
	decided := l
	if err := decided.Decide(domain.LinkRejected, "U1", "dana", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	update(t, e, func(tx commands.Tx) error { return tx.UpdateLinkRequest(ctxb, decided) })
	// A second decision from a copy read while it was pending is refused.
	err = e.Update(ctxb, func(tx commands.Tx) error {
		late := l
		if err := late.Decide(domain.LinkConfirmed, "U2", "erin", t0.Add(2*time.Hour)); err != nil {
			return err
		}
		return tx.UpdateLinkRequest(ctxb, late)
	})
	wantKind(t, "deciding a decided claim", err, domain.KindConflict)
	got = read(t, e, func(tx commands.Tx) (domain.LinkRequest, error) { return tx.LinkRequest(ctxb, l.ID) })
	if got.State != domain.LinkRejected || got.DecidedBy != "U1" || got.DeciderName != "dana" || !got.DecidedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("after the decision: %+v", got)
	}
	err = e.View(ctxb, func(tx commands.Tx) error { _, err := tx.PendingLink(ctxb, l.DiscordID, "maya_glow"); return err })
	wantKind(t, "PendingLink after the decision", err, domain.KindNotFound)
	err = e.View(ctxb, func(tx commands.Tx) error { _, err := tx.LinkRequest(ctxb, 9999); return err })
	wantKind(t, "LinkRequest(9999)", err, domain.KindNotFound)
	// Once decided, the same user may claim the handle again.
	update(t, e, func(tx commands.Tx) error {
		again := domain.LinkRequest{DiscordID: l.DiscordID, Handle: "maya_glow", State: domain.LinkPending, RequestedAt: t0}
		return tx.InsertLinkRequest(ctxb, &again)
	})
}

func testWakeOutgoing(t *testing.T, e Engine) {
	fx := mustFixture(t, e)
	to := domain.Recipient{Kind: domain.ToCreator, CreatorID: fx.creator.ID}
	later := t0.Add(time.Hour)
	update(t, e, func(tx commands.Tx) error {
		for _, k := range []string{"a", "b"} {
			o := message(k)
			o.To, o.NextAttempt = to, later
			if _, err := tx.Enqueue(ctxb, o); err != nil {
				return err
			}
		}
		other := message("c")
		other.NextAttempt = later
		_, err := tx.Enqueue(ctxb, other)
		return err
	})
	var n int
	update(t, e, func(tx commands.Tx) error {
		var err error
		n, err = tx.WakeOutgoing(ctxb, to, t0)
		return err
	})
	if n != 2 {
		t.Errorf("WakeOutgoing woke %d rows, want 2", n)
	}
	rows, err := e.ListOutgoing(ctxb, domain.OutboxPending, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rows {
		due := o.To == to
		if got := o.NextAttempt.Equal(t0); got != due {
			t.Errorf("row %s to %s due at %s", o.Key, o.To, o.NextAttempt)
		}
	}
}
