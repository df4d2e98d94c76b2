package slack_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	slackbot "github.com/collabbot/collabbot/bot/slack"
	"github.com/collabbot/collabbot/delivery"
	"github.com/collabbot/collabbot/domain"
)

func newSender(t *testing.T, every time.Duration) (*fakeSlack, *slackbot.Sender) {
	f := newFakeSlack(t)
	api := slackgo.New("xoxb-test", slackgo.OptionAPIURL(f.apiURL()))
	return f, slackbot.NewSender(api, slackbot.SenderConfig{ApprovalsChannel: approvals, SellersChannel: sellers, PostEvery: every})
}

func outgoing(key string, to domain.Recipient) domain.Outgoing {
	return domain.Outgoing{ID: 1, Surface: domain.SurfaceSlack, To: to, Key: key, Notice: domain.Notice{Kind: domain.NoticePlanCreated, Plan: &domain.Plan{ID: 1, Name: "Spring", State: domain.PlanActive}}}
}

var toSellers = domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelSellers}

// Slack's error codes, sorted for the dispatcher: what no retry can fix is
// permanent and says what to do; a 429 carries its Retry-After; the rest
// is retried.
func TestSenderErrors(t *testing.T) {
	for _, tc := range []struct {
		code      string
		permanent bool
		after     time.Duration
		says      string
	}{
		{"channel_not_found", true, 0, "invite the app"},
		{"not_in_channel", true, 0, "/invite @collabbot"},
		{"is_archived", true, 0, "archived"},
		{"invalid_auth", true, 0, "SLACK_BOT_TOKEN"},
		{"429", false, 7 * time.Second, ""},
		{"internal_error", false, 0, ""},
		{"fatal_error", false, 0, ""},
	} {
		t.Run(tc.code, func(t *testing.T) {
			f, s := newSender(t, time.Millisecond)
			f.fail["chat.postMessage"] = tc.code
			_, err := s.Send(context.Background(), outgoing("plan:1:created", toSellers))
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, delivery.ErrPermanent); got != tc.permanent {
				t.Errorf("permanent = %v, want %v (%v)", got, tc.permanent, err)
			}
			var ra *delivery.RetryAfterError
			if tc.after > 0 && (!errors.As(err, &ra) || ra.After != tc.after) {
				t.Errorf("err = %v, want a retry after %s", err, tc.after)
			}
			if tc.says != "" && !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err %q does not say %q", err, tc.says)
			}
		})
	}
}

// Posts carry their outbox key as message metadata; a retried send (an
// earlier attempt may have reached Slack) finds the message by it
// instead of posting twice.
func TestSenderRetryFindsEarlierPost(t *testing.T) {
	f, s := newSender(t, time.Millisecond)
	o := outgoing("plan:1:created", toSellers)
	ref, err := s.Send(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ref, sellers+"/") {
		t.Errorf("ref %q, want %s/ts", ref, sellers)
	}
	posts := f.callsTo("chat.postMessage")
	if len(posts) != 1 || !posts[0].Has(`"key":"plan:1:created"`) || !posts[0].Has("collabbot_message") {
		t.Fatalf("post lacks the key metadata: %+v", posts)
	}
	o.Attempts = 1
	again, err := s.Send(context.Background(), o)
	if err != nil || again != ref {
		t.Errorf("retried send = %q, %v; want the earlier %q", again, err, ref)
	}
	if n := len(f.callsTo("chat.postMessage")); n != 1 {
		t.Errorf("a retried send posted again (%d posts)", n)
	}
	// A first attempt never searches; a retry of something never posted
	// posts.
	o2 := outgoing("plan:2:created", toSellers)
	o2.Attempts = 2
	if _, err := s.Send(context.Background(), o2); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callsTo("chat.postMessage")); n != 2 {
		t.Errorf("posts = %d, want 2", n)
	}
	if n := len(f.callsTo("conversations.history")); n != 2 {
		t.Errorf("history searched %d times, want 2 (once per retry)", n)
	}
}

// An edit updates the message its reference names; an edit with no
// reference posts.
func TestSenderEditsInPlace(t *testing.T) {
	f, s := newSender(t, time.Millisecond)
	o := outgoing("plan:1:created~state", toSellers)
	o.Replaces, o.Ref = "plan:1:created", sellers+"/1700000000.000042"
	ref, err := s.Send(context.Background(), o)
	if err != nil || ref != o.Ref {
		t.Fatalf("edit = %q, %v", ref, err)
	}
	ups := f.callsTo("chat.update")
	if len(ups) != 1 || ups[0].Form.Get("ts") != "1700000000.000042" || ups[0].Form.Get("channel") != sellers {
		t.Fatalf("chat.update calls: %+v", ups)
	}
	o.Ref = ""
	if _, err := s.Send(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if len(f.callsTo("chat.postMessage")) != 1 {
		t.Errorf("an edit with no reference was not posted")
	}
	f.fail["chat.update"] = "message_not_found"
	o.Ref = sellers + "/1700000000.000042"
	if _, err := s.Send(context.Background(), o); !errors.Is(err, delivery.ErrPermanent) {
		t.Errorf("update of a deleted message: %v, want permanent", err)
	}
}

// A member is written to in their DM, opened once.
func TestSenderMemberDM(t *testing.T) {
	f, s := newSender(t, time.Millisecond)
	to := domain.Recipient{Kind: domain.ToMember, MemberID: seller}
	for i := range 2 {
		ref, err := s.Send(context.Background(), outgoing("m:"+string(rune('a'+i)), to))
		if err != nil || !strings.HasPrefix(ref, "D"+seller+"/") {
			t.Fatalf("DM ref %q, %v", ref, err)
		}
	}
	if n := len(f.callsTo("conversations.open")); n != 1 {
		t.Errorf("conversations.open called %d times, want 1 (cached)", n)
	}
}

// Posts to one channel are paced; a wait longer than the send's deadline
// is handed back as a Retry-After rather than slept through.
func TestSenderPacing(t *testing.T) {
	f, s := newSender(t, time.Hour)
	if _, err := s.Send(context.Background(), outgoing("a", toSellers)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := s.Send(ctx, outgoing("b", toSellers))
	var ra *delivery.RetryAfterError
	if !errors.As(err, &ra) || ra.After <= 5*time.Second {
		t.Fatalf("second post within the pace: %v, want a Retry-After of about an hour", err)
	}
	if n := len(f.callsTo("chat.postMessage")); n != 1 {
		t.Errorf("posts = %d, want 1", n)
	}
	// Another channel has its own pace.
	if _, err := s.Send(ctx, outgoing("c", domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelApprovals})); err != nil {
		t.Errorf("a post to another channel waited: %v", err)
	}
}
