package present_test

import (
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

// The sellers' notice of a failed message says who it was for, what it
// was, why, and what to do, for every reason.
func TestUndeliveredNoticeSaysWhatToDo(t *testing.T) {
	at := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	leo := &domain.Creator{ID: 7, Handle: "leo_fit"}
	approvals := domain.Recipient{Kind: domain.ToChannel, Channel: domain.ChannelApprovals}
	dm := domain.Recipient{Kind: domain.ToCreator, CreatorID: 7}
	cases := []struct {
		u     domain.Undelivered
		wants []string
	}{
		{domain.Undelivered{ID: 42, To: approvals, What: domain.NoticeSampleCard, Ref: "S4", Reason: domain.FailPermanent, Error: "not_in_channel"},
			[]string{"sample request card S4 to #approvals", "Slack refused it", "invite it", "#approvals", "`collabbot outbox retry 42`", "not_in_channel"}},
		{domain.Undelivered{ID: 43, To: dm, Creator: leo, What: domain.NoticeInvitation, Ref: "I3", Reason: domain.FailPermanent},
			[]string{"invitation DM I3 to @leo_fit", "creator set @leo_fit discord=ID", "retry 43"}},
		{domain.Undelivered{ID: 44, To: dm, Creator: leo, What: domain.NoticeSampleShipped, Reason: domain.FailUnreachable},
			[]string{"@leo_fit does not accept DMs", "allow DMs", "retry 44"}},
		{domain.Undelivered{ID: 45, To: dm, What: domain.NoticeSampleApproved, Reason: domain.FailRetryOver},
			[]string{"to creator 7", "Discord kept failing", "token", "retry 45"}},
		{domain.Undelivered{ID: 46, To: approvals, What: domain.NoticeSampleCard, Reason: domain.FailLost},
			[]string{"never finished", "log for outbox message 46"}},
		{domain.Undelivered{ID: 47, To: approvals, What: domain.NoticeSampleCard, Edit: true, Reason: domain.FailOriginal, Original: 42},
			[]string{"the update of sample request card", "never delivered", "`collabbot outbox retry 42`"}},
	}
	for _, tc := range cases {
		tc.u.FailedAt = at
		c := present.Notice(domain.Notice{Kind: domain.NoticeUndelivered, Undelivered: &tc.u, At: at}, present.Reader{Zone: time.UTC})
		text := c.Title + " " + c.Text + " " + c.Context
		for _, f := range c.Fields {
			text += " " + f.Value
		}
		for _, w := range tc.wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s for %d lacks %q: %s", tc.u.Reason, tc.u.ID, w, text)
			}
		}
	}
}

func TestFanoutSummaryReadsTheCounts(t *testing.T) {
	for _, tc := range []struct {
		f     domain.Fanout
		wants []string
	}{
		{domain.Fanout{Name: "Spring", Total: 50, Delivered: 32, Unreachable: []string{"@leo_fit"}},
			[]string{`Invitation round "Spring"`, "32 of 50 delivered, 1 unreachable: @leo_fit.", "17 to go"}},
		{domain.Fanout{Total: 3, Delivered: 2, Failed: []string{"@ana"}},
			[]string{"2 of 3 delivered, 1 not delivered: @ana.", "Every DM of this round", "App Home"}},
	} {
		c := present.Notice(domain.Notice{Kind: domain.NoticeFanout, Fanout: &tc.f}, present.Reader{})
		text := c.Title + " " + c.Text + " " + c.Context
		for _, w := range tc.wants {
			if !strings.Contains(text, w) {
				t.Errorf("summary lacks %q: %s", w, text)
			}
		}
	}
}

func TestUndeliveredHomeSection(t *testing.T) {
	none := present.Undelivered(commands.UndeliveredView{}, present.Reader{})
	if none.Text != "Every message went out." || len(none.Sections) != 0 {
		t.Fatalf("empty list renders %+v", none)
	}
	v := commands.UndeliveredView{Total: 3, Rows: []domain.Undelivered{{ID: 9, To: domain.Recipient{Kind: domain.ToChannel, Channel: "approvals"}, What: domain.NoticeSampleCard, Reason: domain.FailPermanent}}}
	c := present.Undelivered(v, present.Reader{Zone: time.UTC})
	if len(c.Sections) != 1 || !strings.Contains(c.Text, "3 messages") || !strings.Contains(c.Context, "2 more") {
		t.Fatalf("list renders %+v", c)
	}
}
