package discord_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/collabbot/collabbot/bot/discord"
	"github.com/collabbot/collabbot/delivery"
)

// Interaction callbacks and their webhook edits are not bound to the
// bot's global limit, so they are not paced: a deferred answer goes out
// while a fan-out holds every request the global pace allows.
func TestAnswersDoNotWaitBehindTheGlobalPace(t *testing.T) {
	w := newWorldWith(t, discord.Options{DeferAfter: time.Millisecond})
	w.roster()
	w.team(dana, `plan "Spring" P100=12%`)
	w.team(dana, `invite @maya_glow P100 15%`)
	discord.HoldPace(w.rest)
	ctx, cancel := context.WithTimeout(ctxb, time.Second)
	defer cancel()
	var ra *delivery.RetryAfterError
	if _, err := w.sender.Send(ctx, invitationRow(t, w)); !errors.As(err, &ra) {
		t.Fatalf("a DM with the pace held = %v, want a RetryAfterError", err)
	}
	release := make(chan struct{})
	discord.SetSlow(w.bot, func() { <-release })
	w.ok(w.slash(maya, "plans"))
	close(release)
	w.bot.Wait()
	if edits := w.fake.callsTo("PATCH webhooks/" + appID + "/"); len(edits) != 1 {
		t.Fatalf("%d edits of the deferred answer, want 1 (the answer waited for the pace)", len(edits))
	}
}
