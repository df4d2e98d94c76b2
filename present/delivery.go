package present

import (
	"fmt"
	"strings"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// undeliveredCard tells the sellers a message failed for good: who it was
// for, what it was, why, and what to do.
func undeliveredCard(u *domain.Undelivered, r Reader) Card {
	if u == nil {
		u = &domain.Undelivered{}
	}
	c := Card{
		Title: fmt.Sprintf("Not delivered: %s to %s", undeliveredWhat(*u), recipientName(*u)),
		Text:  undeliveredWhy(*u) + " " + undeliveredFix(*u),
		Fields: []Field{
			{Label: "Attempts", Value: fmt.Sprint(u.Attempts)},
		},
		Context: fmt.Sprintf("Outbox message %d", u.ID),
	}
	if u.Error != "" {
		c.Fields = append(c.Fields, Field{Label: "Last error", Value: u.Error})
	}
	if !u.FailedAt.IsZero() {
		c.Context += ", failed " + r.Time(u.FailedAt)
	}
	return c
}

// Undelivered is the App Home's section of messages that failed for good,
// one section a message, newest first.
func Undelivered(v commands.UndeliveredView, r Reader) Card {
	c := Card{Title: "Messages not delivered"}
	if v.Total == 0 {
		c.Text = "Every message went out."
		return c
	}
	c.Text = fmt.Sprintf("%s failed for good.", plural(v.Total, "message", "messages"))
	for _, u := range v.Rows {
		s := Section{
			Title: fmt.Sprintf("%s to %s", undeliveredWhat(u), recipientName(u)),
			Text:  undeliveredWhy(u) + " " + undeliveredFix(u),
		}
		when := ""
		if !u.FailedAt.IsZero() {
			when = r.Time(u.FailedAt)
		}
		s.Fields = []Field{{Label: "Outbox ID", Value: fmt.Sprint(u.ID)}, {Label: "Failed", Value: cmpOr(when, "-")}}
		c.Sections = append(c.Sections, s)
	}
	if more := v.Total - len(v.Rows); more > 0 {
		c.Context = fmt.Sprintf("%d more: collabbot outbox --state failed lists them all.", more)
	}
	return c.Fit()
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// undeliveredWhat names the message that was not delivered.
func undeliveredWhat(u domain.Undelivered) string {
	what, ok := noticeNames[u.What]
	if !ok {
		what = "message"
	}
	if u.Ref != "" {
		what += " " + u.Ref
	}
	if u.Edit {
		what = "the update of " + what
	}
	return what
}

// noticeNames are what a person calls each notice.
var noticeNames = map[domain.NoticeKind]string{
	domain.NoticeInvitation:         "invitation DM",
	domain.NoticeInvitationStatus:   "invitation status",
	domain.NoticeInvitationAnswered: "invitation answer",
	domain.NoticeInvitationExpired:  "invitation expiry",
	domain.NoticeRateChanged:        "commission change",
	domain.NoticePlanCreated:        "new plan",
	domain.NoticePlanState:          "plan change",
	domain.NoticePlanEnded:          "plan end",
	domain.NoticeSampleCard:         "sample request card",
	domain.NoticeSampleReceived:     "sample request receipt",
	domain.NoticeSampleApproved:     "sample approval",
	domain.NoticeSampleRejected:     "sample rejection",
	domain.NoticeSampleCancelled:    "sample cancellation",
	domain.NoticeSampleExpired:      "sample expiry",
	domain.NoticeSampleShipped:      "shipping notice",
	domain.NoticeSampleTracking:     "tracking update",
	domain.NoticeSampleExtended:     "deadline extension",
	domain.NoticeSampleOverdue:      "overdue sample",
	domain.NoticeContentPosted:      "content posted",
	domain.NoticeContentThanks:      "thank-you",
	domain.NoticeUnreachable:        "unreachable creator",
	domain.NoticeFanout:             "invitation round summary",
	domain.NoticeUndelivered:        "delivery failure",
}

// recipientName is who a message was for, as the team calls them.
func recipientName(u domain.Undelivered) string {
	switch u.To.Kind {
	case domain.ToCreator:
		if u.Creator != nil && u.Creator.Handle != "" {
			return u.Creator.At()
		}
		return fmt.Sprintf("creator %d", u.To.CreatorID)
	case domain.ToChannel:
		return "#" + u.To.Channel
	case domain.ToMember:
		return "Slack member " + u.To.MemberID
	}
	return "nobody"
}

func platform(u domain.Undelivered) string {
	if u.To.Surface() == domain.SurfaceDiscord {
		return "Discord"
	}
	return "Slack"
}

// undeliveredWhy says why, in words.
func undeliveredWhy(u domain.Undelivered) string {
	switch u.Reason {
	case domain.FailUnreachable:
		return fmt.Sprintf("%s does not accept DMs from the bot.", recipientName(u))
	case domain.FailRetryOver:
		return fmt.Sprintf("%s kept failing for the whole retry period.", platform(u))
	case domain.FailLost:
		return "Its sends never finished: the service crashed or hung while sending it, again and again."
	case domain.FailOriginal:
		return "It updates a message that was never delivered."
	}
	return fmt.Sprintf("%s refused it.", platform(u))
}

// undeliveredFix says what to do about it.
func undeliveredFix(u domain.Undelivered) string {
	retry := fmt.Sprintf("`collabbot outbox retry %d`", u.ID)
	switch u.Reason {
	case domain.FailUnreachable:
		return "Ask them to allow DMs from server members, or reach them another way; then " + retry + "."
	case domain.FailRetryOver:
		return fmt.Sprintf("Check that collabbot can reach %s and that its token is valid, then %s.", platform(u), retry)
	case domain.FailLost:
		return fmt.Sprintf("Check collabbot's log for outbox message %d before you try %s.", u.ID, retry)
	case domain.FailOriginal:
		if u.Original != 0 {
			return fmt.Sprintf("Retry the original with `collabbot outbox retry %d`: this update goes with it.", u.Original)
		}
		return "Retry the original message: this update goes with it."
	}
	switch u.To.Kind {
	case domain.ToChannel:
		return fmt.Sprintf("Check that the app is in #%s (invite it with `/invite @collabbot` there), then %s.", u.To.Channel, retry)
	case domain.ToCreator:
		who := recipientName(u)
		return fmt.Sprintf("Check %s's Discord ID (`creator set %s discord=ID`), then %s.", who, who, retry)
	}
	return "Check the member's Slack ID, then " + retry + "."
}

// fanoutCard is an invitation round's summary in the sellers' channel,
// edited in place as the DMs go out.
func fanoutCard(f *domain.Fanout) Card {
	if f == nil {
		f = &domain.Fanout{}
	}
	name := ""
	if f.Name != "" {
		name = fmt.Sprintf(" %q", f.Name)
	}
	parts := []string{fmt.Sprintf("%d of %d delivered", f.Delivered, f.Total)}
	if n := len(f.Unreachable); n > 0 {
		parts = append(parts, fmt.Sprintf("%d unreachable: %s", n, strings.Join(f.Unreachable, ", ")))
	}
	if n := len(f.Failed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d not delivered: %s", n, strings.Join(f.Failed, ", ")))
	}
	c := Card{Title: "Invitation round" + name, Text: strings.Join(parts, ", ") + "."}
	if f.Done() {
		c.Context = "Every DM of this round has gone out or failed."
		if len(f.Unreachable)+len(f.Failed) > 0 {
			c.Context += " Those not delivered are listed on the App Home and by collabbot outbox --state failed."
		}
	} else {
		c.Context = fmt.Sprintf("Sending: %d to go.", f.Total-f.Settled())
	}
	return c
}
