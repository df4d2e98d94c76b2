package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/config"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/store"
)

// scrape is the /metrics text of reg.
func scrape(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics answered %d: %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// What the platforms answer shows in collabbot outbox and at /metrics: a
// 429 with Retry-After (waits, not counted as a failure), a 500 and a
// timeout (retried after a backoff), a permanent refusal and closed DMs
// (failed, by reason), a delivery.
func TestPlatformAnswersShowInOutboxAndMetrics(t *testing.T) {
	ctx := context.Background()
	path := tempDB(t)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	now := t0
	clock := func() time.Time { return now }
	app := commands.New(db, commands.Options{Clock: commands.ClockFunc(clock), Location: time.UTC})
	c, err := app.AddCreator(ctx, cliActor, domain.Creator{Handle: "leo_fit", DiscordID: "123456789012345678"})
	if err != nil {
		t.Fatal(err)
	}
	rows := []struct {
		to  domain.Recipient
		key string
	}{
		{domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers}, "t:429"},
		{domain.Recipient{Kind: domain.ToCreator, CreatorID: c.ID}, "t:500"},
		{domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelApprovals}, "t:timeout"},
		{domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelApprovals}, "t:permanent"},
		{domain.Recipient{Kind: domain.ToCreator, CreatorID: c.ID}, "t:50007"},
		{domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers}, "t:ok"},
	}
	err = db.Update(ctx, func(tx commands.Tx) error {
		for _, r := range rows {
			if _, err := tx.Enqueue(ctx, domain.Outgoing{To: r.to, Surface: r.to.Surface(), Key: r.key,
				Notice: domain.Notice{Kind: domain.NoticeUnreachable, Text: r.key}, NextAttempt: t0, CreatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fake := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		switch o.Key {
		case "t:429":
			return "", &delivery.RetryAfterError{After: 30 * time.Second, Err: errors.New("slack: 429 ratelimited")}
		case "t:500":
			return "", errors.New("discord: 500 internal server error")
		case "t:timeout":
			<-ctx.Done()
			return "", ctx.Err()
		case "t:permanent":
			return "", fmt.Errorf("slack: not_in_channel: %w", delivery.ErrPermanent)
		case "t:50007":
			return "", fmt.Errorf("discord: 50007 cannot send messages to this user: %w", delivery.ErrUnreachable)
		}
		return "C1/1.0", nil
	})
	reg := prometheus.NewRegistry()
	senders := map[domain.Surface]delivery.Sender{domain.SurfaceSlack: fake, domain.SurfaceDiscord: fake}
	d := newDispatcher(config.Config{}, db, app, nil, clock, senders, reg, false)
	d.SendTimeout = 50 * time.Millisecond
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(time.Minute)

	var out bytes.Buffer
	if err := outbox(ctx, db, app, cmdLine{}, clock, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Outbox: 2 failed", // not_in_channel and 50007
		"t:429", "rate limited, retry after 30s",
		"t:500", "500 internal server error",
		"t:timeout", "no answer within 50ms",
		"t:permanent", "[permanent] slack: not_in_channel",
		"t:50007", "[unreachable] discord: 50007",
		"t:ok", "sent ",
		"collabbot outbox retry ID",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("collabbot outbox lacks %q:\n%s", want, out.String())
		}
	}
	// Problems first: the failed rows come before the pending and the sent.
	if i, j := strings.Index(out.String(), "t:permanent"), strings.Index(out.String(), "t:ok"); i > j {
		t.Errorf("the failed row is listed after the sent one:\n%s", out.String())
	}

	text := scrape(t, reg)
	for _, want := range []string{
		`collabbot_outbox_rate_limited_total{surface="slack"} 1`,
		`collabbot_outbox_retried_total{surface="discord"} 1`,
		`collabbot_outbox_retried_total{surface="slack"} 1`,
		`collabbot_outbox_failed_total{reason="permanent",surface="slack"} 1`,
		`collabbot_outbox_failed_total{reason="unreachable",surface="discord"} 1`,
		// t:ok and MarkUnreachable's notice to the sellers about Leo.
		`collabbot_outbox_delivered_total{surface="slack"} 2`,
		// Waiting: the 500 on Discord; the 429, the timeout and the
		// sellers' notice of the permanent failure on Slack.
		`collabbot_outbox_queue_depth{surface="discord"} 1`,
		`collabbot_outbox_queue_depth{surface="slack"} 3`,
		`collabbot_outbox_oldest_pending_age_seconds{surface="discord"} 60`,
		`collabbot_outbox_send_duration_seconds_count{surface="slack"} 5`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}
