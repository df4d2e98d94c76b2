package commands_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
	"github.com/collabbot/collabbot/store/storetest"
)

// slackFake is the sellers' Slack as the dispatcher reaches it: posts get
// a reference, edits (o.Ref set) update that message; it keeps what each
// message shows and what it was handed, in order.
type slackFake struct {
	mu     sync.Mutex
	shown  map[string]string // ref -> text
	refs   map[string]string // key of a post -> its ref
	posts  int
	handed []domain.Outgoing
	fail   func(o domain.Outgoing) error
}

func newSlackFake() *slackFake {
	return &slackFake{shown: map[string]string{}, refs: map[string]string{}}
}

func (s *slackFake) Send(ctx context.Context, o domain.Outgoing) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handed = append(s.handed, o)
	if s.fail != nil {
		if err := s.fail(o); err != nil {
			return "", err
		}
	}
	c := present.Notice(o.Notice, present.Reader{Zone: time.UTC})
	text := c.Title + ": " + c.Text + " | " + c.Context
	for _, f := range c.Fields {
		text += " | " + f.Label + ": " + f.Value
	}
	if o.Ref != "" {
		s.shown[o.Ref] = text
		return o.Ref, nil
	}
	s.posts++
	ref := fmt.Sprintf("C1/%d.0", s.posts)
	s.shown[ref] = text
	s.refs[o.Key] = ref
	return ref, nil
}

// of lists what was handed of kind, in order.
func (s *slackFake) of(kind domain.NoticeKind) []domain.Outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []domain.Outgoing
	for _, o := range s.handed {
		if o.Notice.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func (s *slackFake) text(ref string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shown[ref]
}

// dispatcherFor wires a dispatcher to the app as serve does.
func dispatcherFor(t *testing.T, app *commands.App, db storetest.Engine, clk *fakeClock, slack, discord delivery.Sender) *delivery.Dispatcher {
	t.Helper()
	q, ok := db.(delivery.Queue)
	if !ok {
		t.Fatalf("%T is not a delivery.Queue", db)
	}
	return &delivery.Dispatcher{Queue: q, Now: clk.Now, Workers: 4,
		Senders:       map[domain.Surface]delivery.Sender{domain.SurfaceSlack: slack, domain.SurfaceDiscord: discord},
		OnUnreachable: app.MarkUnreachable, OnFailed: app.TellUndelivered, OnSent: app.NoteSent, Prepare: app.RefreshOutgoing}
}

func mustDrain(t *testing.T, d *delivery.Dispatcher) {
	t.Helper()
	if _, err := d.Drain(ctxb); err != nil {
		t.Fatalf("Drain: %v", err)
	}
}

// An invitation round to five creators gets one summary in the sellers'
// channel, posted with the first outcome and then edited in place at most
// once a window, each edit showing the counts as they are when it goes out.
func TestFanoutSummaryIsEditedInPlaceAndCoalesced(t *testing.T) {
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P1", 5, "")
	var handles []string
	var leo domain.Creator
	for _, h := range []string{"ana_a", "bo_b", "leo_fit", "cy_c", "di_d"} {
		c, _ := mustAddCreator(t, app, h)
		if h == "leo_fit" {
			leo = c
		}
		handles = append(handles, h)
	}
	mustInvite(t, app, commands.InviteRequest{Creators: targets(t, handles...), Products: []string{"P1"}, Rate: 1500})
	slack := newSlackFake()
	var dmMu sync.Mutex
	hold := map[int64]bool{}
	discord := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) {
		dmMu.Lock()
		defer dmMu.Unlock()
		if o.To.CreatorID == leo.ID {
			return "", fmt.Errorf("discord: 50007 cannot send messages to this user: %w", delivery.ErrUnreachable)
		}
		if hold[o.To.CreatorID] {
			return "", fmt.Errorf("discord: 503")
		}
		return "dm/" + o.Key, nil
	})
	// The last creator's DM fails for now: the round is not settled yet.
	last, _ := app.CreatorActorByHandle(ctxb, "di_d")
	hold[last.CreatorID] = true
	d := dispatcherFor(t, app, db, clk, slack, discord)

	mustDrain(t, d)
	posts := slack.of(domain.NoticeFanout)
	if len(posts) != 1 || posts[0].Replaces != "" {
		t.Fatalf("after the first DMs the sellers got %d summary messages (%+v), want one post", len(posts), posts)
	}
	slack.mu.Lock()
	ref := slack.refs[posts[0].Key]
	slack.mu.Unlock()
	if got := slack.text(ref); !strings.Contains(got, "of 5 delivered") {
		t.Fatalf("the summary reads %q", got)
	}
	// More outcomes in the same window queue no further message.
	mustDrain(t, d)
	if n := len(slack.of(domain.NoticeFanout)); n != 1 {
		t.Fatalf("%d summary messages within one window, want 1", n)
	}

	// The last DM goes out on its retry, still within the window: the
	// edit already waiting for the window's end covers it.
	dmMu.Lock()
	hold[last.CreatorID] = false
	dmMu.Unlock()
	clk.Advance(delivery.Backoff(0))
	mustDrain(t, d)
	if n := len(slack.of(domain.NoticeFanout)); n != 1 {
		t.Fatalf("%d summary messages within one window, want 1", n)
	}

	// The window ends: one edit, with the counts as they are when it goes
	// out (queued before the last DM settled), saying all are settled.
	clk.Set(ucStart.Add(commands.FanoutEvery))
	mustDrain(t, d)
	got := slack.of(domain.NoticeFanout)
	if len(got) != 2 || got[1].Ref != ref {
		t.Fatalf("after the window: %d summary messages, the last with ref %q; want an edit of %s", len(got), got[len(got)-1].Ref, ref)
	}
	if text := slack.text(ref); !strings.Contains(text, "4 of 5 delivered, 1 unreachable: @leo_fit") || !strings.Contains(text, "Every DM of this round") {
		t.Fatalf("the edited summary reads %q, want 4 of 5 delivered, 1 unreachable: @leo_fit, all settled", text)
	}
	clk.Advance(time.Minute)
	mustDrain(t, d)
	if n := len(slack.of(domain.NoticeFanout)); n != 2 {
		t.Fatalf("%d summary messages once all settled, want the post and one edit", n)
	}
	if n := slack.posts; n != 2 { // the summary, and MarkUnreachable's notice about Leo
		t.Fatalf("%d messages posted to Slack, want the summary and the unreachable notice", n)
	}
	// A closed DM is told by the unreachable notice, not again as undelivered.
	if u := slack.of(domain.NoticeUndelivered); len(u) != 0 {
		t.Fatalf("an undelivered notice was sent for a closed DM: %+v", u)
	}
}

// A message that fails for good is told to the sellers once, with what to
// do, however many dispatchers pass over it; a failure of a message to the
// sellers' channel itself is only logged.
func TestFailedMessageIsToldOnce(t *testing.T) {
	app, db, clk := newApp(t)
	queue := func(to domain.Recipient, key string, n domain.Notice) {
		t.Helper()
		err := db.Update(ctxb, func(tx commands.Tx) error {
			_, err := tx.Enqueue(ctxb, domain.Outgoing{To: to, Surface: to.Surface(), Key: key, Thread: key, Notice: n, NextAttempt: ucStart, CreatedAt: ucStart})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	queue(domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelApprovals}, "sample:4:card", domain.Notice{Kind: domain.NoticeSampleCard, Sample: &domain.SampleRequest{ID: 4}})
	queue(domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers}, "plan:1:created", domain.Notice{Kind: domain.NoticePlanCreated, Plan: &domain.Plan{ID: 1}})
	slack := newSlackFake()
	slack.fail = func(o domain.Outgoing) error {
		if o.Notice.Kind == domain.NoticeUndelivered {
			return nil
		}
		return fmt.Errorf("slack: not_in_channel: %w", delivery.ErrPermanent)
	}
	d := dispatcherFor(t, app, db, clk, slack, slack)
	other := dispatcherFor(t, app, db, clk, slack, slack)
	for range 3 {
		mustDrain(t, d)
		mustDrain(t, other)
	}
	told := slack.of(domain.NoticeUndelivered)
	if len(told) != 1 {
		t.Fatalf("the sellers were told %d times, want once: %+v", len(told), told)
	}
	slack.mu.Lock()
	text := slack.shown[slack.refs[told[0].Key]]
	slack.mu.Unlock()
	for _, want := range []string{"Not delivered: sample request card S4 to #approvals", "invite it", "collabbot outbox retry 1", "not_in_channel"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice lacks %q: %s", want, text)
		}
	}

	// The App Home lists both, the latest failure first; creators may not.
	clk.Advance(time.Hour)
	v, err := app.ListUndelivered(ctxb, dana, 10)
	if err != nil {
		t.Fatal(err)
	}
	if v.Total != 2 || len(v.Rows) != 2 || v.Rows[0].Reason != domain.FailPermanent {
		t.Fatalf("ListUndelivered = %+v", v)
	}
	card := present.Undelivered(v, present.Reader{Zone: time.UTC})
	if len(card.Sections) != 2 || !strings.Contains(card.Text, "2 messages failed") {
		t.Fatalf("the App Home card is %+v", card)
	}
	c, act := mustAddCreator(t, app, "maya")
	_ = c
	if _, err := app.ListUndelivered(ctxb, act, 10); domain.ErrorKind(err) != domain.KindForbidden {
		t.Fatalf("a creator listed undelivered messages: %v", err)
	}
}

// While the summary itself has not gone out (Slack down, or not
// configured), outcomes queue nothing more: it reads the counts when it goes.
func TestFanoutSummaryNotYetPostedQueuesNoEdits(t *testing.T) {
	app, db, clk := newApp(t)
	mustAddProduct(t, app, "P1", 5, "")
	var handles []string
	for i := range 4 {
		h := fmt.Sprintf("cr_%d", i)
		mustAddCreator(t, app, h)
		handles = append(handles, h)
	}
	mustInvite(t, app, commands.InviteRequest{Creators: targets(t, handles...), Products: []string{"P1"}, Rate: 1500})
	dms := delivery.SenderFunc(func(ctx context.Context, o domain.Outgoing) (string, error) { return "dm", nil })
	d := dispatcherFor(t, app, db, clk, nil, dms)
	delete(d.Senders, domain.SurfaceSlack)
	for range 3 {
		mustDrain(t, d)
		clk.Advance(commands.FanoutEvery)
	}
	rows, err := db.ListOutgoing(ctxb, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, o := range rows {
		if o.Notice.Kind == domain.NoticeFanout {
			summary = append(summary, o.Key+" "+string(o.State))
		}
	}
	if len(summary) != 1 || summary[0] != "collaboration:1:progress pending" {
		t.Fatalf("summary rows %v, want the one post, pending", summary)
	}
}
