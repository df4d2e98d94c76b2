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

// eventBody is an Events API payload, read.
type eventBody struct {
	challenge string // url_verification
	id        string // event_id of a callback
	inner     any    // the callback's inner event (*slackevents.AppHomeOpenedEvent, ...)
}

// parseEvent reads an Events API payload; false for anything else.
func parseEvent(body []byte) (eventBody, bool) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		return eventBody{}, false
	}
	switch ev.Type {
	case slackevents.URLVerification:
		v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if !ok || v.Challenge == "" {
			return eventBody{}, false
		}
		return eventBody{challenge: v.Challenge}, true
	case slackevents.CallbackEvent:
		cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
		if !ok {
			return eventBody{}, false
		}
		return eventBody{id: cb.EventID, inner: ev.InnerEvent.Data}, true
	}
	return eventBody{}, true // app_rate_limited and the like: acked, nothing to do
}

// event handles an Events API payload (HTTP body or Socket Mode
// envelope payload): the url_verification challenge is the answer; a
// callback is acked at once and handled after, once per event_id, so
// Slack's redeliveries (X-Slack-Retry-Num, retry_attempt) change nothing.
func (a *Adapter) event(body []byte) (any, bool) {
	ev, ok := parseEvent(body)
	switch {
	case !ok:
		return nil, false
	case ev.challenge != "":
		return map[string]string{"challenge": ev.challenge}, true
	case ev.inner == nil || (ev.id != "" && !a.seen.first("event:"+ev.id)):
		return nil, true
	}
	a.later("event", func(ctx context.Context) { a.handleEvent(ctx, ev.inner) })
	return nil, true
}

func (a *Adapter) handleEvent(ctx context.Context, inner any) {
	switch e := inner.(type) {
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab == "" || e.Tab == "home" {
			a.viewed(e.User)
			a.publishHome(ctx, e.User)
		}
	case *slackevents.MemberJoinedChannelEvent:
		a.team.joined(e.Channel, e.User, true)
	case *slackevents.MemberLeftChannelEvent:
		a.team.joined(e.Channel, e.User, false)
	}
}
