package slack

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/slack-go/slack/slackevents"
)

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	ans, ok := a.event(body)
	if !ok {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	writeJSON(w, ans)
}

// event handles an Events API payload (HTTP body or Socket Mode
// envelope payload): the url_verification challenge is the answer; a
// callback is acked at once and handled after, once per event_id, so
// Slack's redeliveries (X-Slack-Retry-Num, retry_attempt) change nothing.
func (a *Adapter) event(body []byte) (any, bool) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		return nil, false
	}
	switch ev.Type {
	case slackevents.URLVerification:
		v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if !ok {
			return nil, false
		}
		return map[string]string{"challenge": v.Challenge}, true
	case slackevents.CallbackEvent:
		cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
		if !ok {
			return nil, false
		}
		if !a.seen.first("event:" + cb.EventID) {
			return nil, true
		}
		inner := ev.InnerEvent.Data
		a.later("event", func(ctx context.Context) { a.handleEvent(ctx, inner) })
	}
	return nil, true
}

func (a *Adapter) handleEvent(ctx context.Context, inner any) {
	switch e := inner.(type) {
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab == "" || e.Tab == "home" {
			a.publishHome(ctx, e.User)
		}
	case *slackevents.MemberJoinedChannelEvent:
		a.team.joined(e.Channel, e.User, true)
	case *slackevents.MemberLeftChannelEvent:
		a.team.joined(e.Channel, e.User, false)
	}
}
