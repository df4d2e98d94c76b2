package slack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func homeOpened(user string) string {
	return `{"type":"app_home_opened","user":"` + user + `","channel":"D0APP","tab":"home","event_ts":"1700000000.2"}`
}

func TestEventsURLVerification(t *testing.T) {
	h := newHarness(t)
	code, body := h.post("/slack/events", `{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	if code != http.StatusOK || !strings.Contains(body, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") {
		t.Fatalf("challenge answer %d %s", code, body)
	}
	if code, _ := h.post("/slack/events", `{"type":`); code != http.StatusBadRequest {
		t.Errorf("a broken event got %d, want 400", code)
	}
}

// Slack redelivers an event it thinks was not acked (X-Slack-Retry-Num);
// the adapter recognises it by event_id and acts once.
func TestEventsRetryProcessedOnce(t *testing.T) {
	h := newHarness(t)
	body := eventCallback("Ev0RETRY", homeOpened(seller))
	for i, hdr := range [][]string{nil, {"X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"}, {"X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_timeout"}} {
		if code, _ := h.post("/slack/events", body, hdr...); code != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, code)
		}
	}
	h.adapter.Wait()
	if n := len(h.slack.callsTo("views.publish")); n != 1 {
		t.Errorf("views.publish called %d times for one event delivered three times, want 1", n)
	}
	// Another event is another event.
	h.post("/slack/events", eventCallback("Ev0OTHER", homeOpened(seller)))
	h.adapter.Wait()
	if n := len(h.slack.callsTo("views.publish")); n != 2 {
		t.Errorf("views.publish called %d times after a second event, want 2", n)
	}
}

// A manager's App Home puts their queue first, naming each waiting
// request with its Approve and Reject buttons.
func TestAppHomeManagerQueue(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya", "leo"}, "P100")
	h.slash(seller, "invite @maya @leo P100 15% samples=1 approval=manager", 1)
	h.slash(seller, `plan "Spring" all=5%`, 2)
	h.adapter.Wait()
	s1 := h.requestSample("maya", "P100")
	s2 := h.requestSample("leo", "P100")

	h.post("/slack/events", eventCallback("Ev0HOME", homeOpened(manager)))
	h.adapter.Wait()
	pubs := h.slack.callsTo("views.publish")
	if len(pubs) != 1 {
		t.Fatalf("views.publish called %d times", len(pubs))
	}
	if pubs[0].JSON["user_id"] != manager {
		t.Errorf("published for %v, want %s", pubs[0].JSON["user_id"], manager)
	}
	v, _ := json.Marshal(pubs[0].JSON["view"])
	view := string(v)
	mustContain(t, "the manager's home", view, `"type":"home"`, "Waiting for your decision (2)",
		fmt.Sprintf("S%d", s1.ID), fmt.Sprintf("S%d", s2.ID), fmt.Sprintf(`"approve:%d"`, s1.ID), fmt.Sprintf(`"reject:%d"`, s2.ID),
		"Spring", "Funnel", "collabbot.open:invite")
	if strings.Index(view, "Waiting for your decision") > strings.Index(view, "Open plans") {
		t.Errorf("the manager's queue is not first")
	}

	// A seller's home shows the queue without the decision buttons.
	h.post("/slack/events", eventCallback("Ev0HOME2", homeOpened(seller)))
	h.adapter.Wait()
	pubs = h.slack.callsTo("views.publish")
	v, _ = json.Marshal(pubs[1].JSON["view"])
	if strings.Contains(string(v), `"approve:`) {
		t.Errorf("a seller's home offers Approve")
	}
	mustContain(t, "the seller's home", string(v), "Waiting for a manager (2)")

	// An outsider's home says how to join.
	h.post("/slack/events", eventCallback("Ev0HOME3", homeOpened(outsider)))
	h.adapter.Wait()
	pubs = h.slack.callsTo("views.publish")
	v, _ = json.Marshal(pubs[2].JSON["view"])
	mustContain(t, "an outsider's home", string(v), "join")
	if strings.Contains(string(v), "S1") {
		t.Errorf("an outsider's home shows requests")
	}
}

// A click on the Home tab republishes it, so it shows what the click
// changed.
func TestHomeClickRefreshes(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	h.slash(seller, "invite @maya P100 15% samples=1 approval=manager", 1)
	h.adapter.Wait()
	s := h.requestSample("maya", "P100")
	p := click(manager, fmt.Sprintf("approve:%d", s.ID), "", "", h.slack.responseURL(2))
	delete(p, "channel")
	p["container"] = map[string]any{"type": "view", "view_id": "V1"}
	p["view"] = map[string]any{"id": "V1", "type": "home"}
	h.interact("/slack/interactions", p)
	h.adapter.Wait()
	pubs := h.slack.callsTo("views.publish")
	if len(pubs) != 1 {
		t.Fatalf("views.publish called %d times after a Home click, want 1", len(pubs))
	}
	v, _ := json.Marshal(pubs[0].JSON["view"])
	mustContain(t, "the refreshed home", string(v), "Waiting for your decision (0)", "To ship (1)")
}

// What a delivery changes (a new request in the approvals channel) is
// reflected on the Home tabs opened lately, without opening them again.
func TestHomeRefreshedWhenItChanges(t *testing.T) {
	h := newHarness(t)
	h.seed([]string{"maya"}, "P100")
	h.slash(seller, "invite @maya P100 15% samples=1 approval=manager", 1)
	h.post("/slack/events", eventCallback("Ev0H", homeOpened(manager)))
	h.adapter.Wait()
	if n := len(h.slack.callsTo("views.publish")); n != 1 {
		t.Fatalf("%d publishes after opening the home", n)
	}
	s := h.requestSample("maya", "P100")
	h.drain() // posts the request to the approvals channel
	h.adapter.Wait()
	pubs := h.slack.callsTo("views.publish")
	if len(pubs) < 2 {
		t.Fatalf("%d publishes after a new request, want a refresh", len(pubs))
	}
	v, _ := json.Marshal(pubs[len(pubs)-1].JSON["view"])
	mustContain(t, "the refreshed home", string(v), fmt.Sprintf(`"approve:%d"`, s.ID))
}
