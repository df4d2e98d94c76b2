package slack_test

// A fake Slack: the Web API methods the adapter calls, speaking Slack's
// wire format (form-encoded or JSON requests, {"ok":...} answers), plus
// response_url endpoints. It records every call so tests can say what
// was sent, and how often.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

type apiCall struct {
	Method string
	Form   url.Values
	JSON   map[string]any
}

// Has reports whether the call's form or JSON mentions s.
func (c apiCall) Has(s string) bool {
	if strings.Contains(c.Form.Encode(), url.QueryEscape(s)) {
		return true
	}
	for _, v := range c.Form {
		for _, x := range v {
			if strings.Contains(x, s) {
				return true
			}
		}
	}
	b, _ := json.Marshal(c.JSON)
	return strings.Contains(string(b), s)
}

type fakeUser struct {
	Name  string
	Guest bool
}

type postedMessage struct {
	Channel, TS, Text, Blocks, Key string
}

type fakeSlack struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	calls     []apiCall
	responses []map[string]any // posts to response_url
	users     map[string]fakeUser
	members   []string
	messages  []postedMessage
	ts        int
	// fail answers a method with a Slack error code (or "429").
	fail map[string]string
	// ws serves /ws (Socket Mode tests).
	ws http.HandlerFunc
}

func newFakeSlack(t testing.TB) *fakeSlack {
	t.Helper()
	f := &fakeSlack{t: t, users: map[string]fakeUser{}, fail: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) responseURL(n int) string { return fmt.Sprintf("%s/response/%d", f.srv.URL, n) }

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" && f.ws != nil {
		f.ws(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.URL.Path, "/response/") {
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		m["_url"] = r.URL.Path
		f.mu.Lock()
		f.responses = append(f.responses, m)
		f.mu.Unlock()
		_, _ = w.Write([]byte("ok"))
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c := apiCall{Method: method}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	code := f.fail[method]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if code == "429" {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return
	}
	if code != "" {
		writeAny(w, map[string]any{"ok": false, "error": code})
		return
	}
	writeAny(w, f.answer(c))
}

func writeAny(w http.ResponseWriter, v any) {
	b, _ := json.Marshal(v)
	_, _ = w.Write(b)
}

func (f *fakeSlack) answer(c apiCall) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch c.Method {
	case "users.info":
		id := c.Form.Get("user")
		u, ok := f.users[id]
		if !ok {
			return map[string]any{"ok": false, "error": "user_not_found"}
		}
		return map[string]any{"ok": true, "user": map[string]any{"id": id, "name": strings.ToLower(u.Name), "real_name": u.Name,
			"profile": map[string]any{"display_name": u.Name}, "is_restricted": u.Guest}}
	case "conversations.members":
		return map[string]any{"ok": true, "members": f.members, "response_metadata": map[string]any{"next_cursor": ""}}
	case "chat.postMessage":
		f.ts++
		ts := fmt.Sprintf("1700000000.%06d", f.ts)
		ch := c.Form.Get("channel")
		var meta struct {
			EventPayload map[string]any `json:"event_payload"`
		}
		_ = json.Unmarshal([]byte(c.Form.Get("metadata")), &meta)
		key, _ := meta.EventPayload["key"].(string)
		f.messages = append(f.messages, postedMessage{Channel: ch, TS: ts, Text: c.Form.Get("text"), Blocks: c.Form.Get("blocks"), Key: key})
		return map[string]any{"ok": true, "channel": ch, "ts": ts, "message": map[string]any{"text": c.Form.Get("text")}}
	case "chat.update":
		return map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts"), "text": c.Form.Get("text")}
	case "chat.postEphemeral":
		return map[string]any{"ok": true, "message_ts": "1700000000.999999"}
	case "conversations.open":
		return map[string]any{"ok": true, "channel": map[string]any{"id": "D" + c.Form.Get("users")}}
	case "conversations.history":
		var ms []map[string]any
		for _, m := range f.messages {
			if m.Channel == c.Form.Get("channel") {
				ms = append(ms, map[string]any{"type": "message", "ts": m.TS, "text": m.Text,
					"metadata": map[string]any{"event_type": "collabbot_message", "event_payload": map[string]any{"key": m.Key}}})
			}
		}
		return map[string]any{"ok": true, "messages": ms, "has_more": false}
	case "views.open", "views.update", "views.publish", "views.push":
		return map[string]any{"ok": true, "view": map[string]any{"id": "V1", "hash": "h1"}}
	case "apps.connections.open":
		return map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"}
	}
	return map[string]any{"ok": false, "error": "unknown_method"}
}

// callsTo lists the recorded calls of one method.
func (f *fakeSlack) callsTo(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeSlack) allCalls() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...)
}

func (f *fakeSlack) responsesTo(n int) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, r := range f.responses {
		if r["_url"] == fmt.Sprintf("/response/%d", n) {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeSlack) posted() []postedMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]postedMessage(nil), f.messages...)
}
