package main

// An acceptance run as the hidden one does it: serve (Main, in process)
// with the product's variables, in front of fakes of Slack's Web API and
// Discord's REST API speaking their wire formats, and the team and a
// creator acting through signed requests, reading what a person reads.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	accSecret    = "8f14e45fceea167a5a36dedd4bea2543"
	accSellers   = "CSELLERS"
	accApprovals = "CAPPROVALS"
	accDana      = "UDANA"  // a seller
	accErin      = "UERIN"  // a manager
	accStranger  = "USTRAN" // not in the sellers' channel
	accMayaID    = "111111111111111111"
)

// accMsg is a message as a person sees it in a channel or DM: its id and
// everything it says, buttons included.
type accMsg struct {
	Where, ID, Text string
	Edits           int
	Buttons         []accButton
}

type accButton struct{ Label, ID string }

type accWorld struct {
	t       *testing.T
	addr    string
	priv    ed25519.PrivateKey
	slack   *httptest.Server
	discord *httptest.Server

	mu        sync.Mutex
	msgs      []*accMsg // in post order; edits replace Text in place
	responses []string  // response_url posts
	views     []string  // views.open / views.update bodies
	nextTS    int
	stderr    *syncWriter
	seq       atomic.Int64 // clicks run concurrently
}

// collect walks any JSON for text and buttons.
func collect(v any, text *[]string, buttons *[]accButton) {
	switch x := v.(type) {
	case map[string]any:
		// Slack button: {"type":"button","text":{"text":..},"action_id":..}
		// Discord button: {"type":2,"label":..,"custom_id":..}
		if x["type"] == "button" {
			label := ""
			if t, ok := x["text"].(map[string]any); ok {
				label, _ = t["text"].(string)
			}
			id, _ := x["action_id"].(string)
			if u, ok := x["url"].(string); ok && id == "" {
				id = u
			}
			*buttons = append(*buttons, accButton{label, id})
			return
		}
		if f, ok := x["type"].(float64); ok && f == 2 {
			label, _ := x["label"].(string)
			id, _ := x["custom_id"].(string)
			if id == "" {
				id, _ = x["url"].(string)
			}
			*buttons = append(*buttons, accButton{label, id})
			return
		}
		for _, k := range []string{"text", "content", "title", "description", "name", "value", "label", "placeholder"} {
			if s, ok := x[k].(string); ok && s != "" {
				*text = append(*text, s)
			}
		}
		for k, c := range x {
			if k == "metadata" {
				continue
			}
			if _, ok := c.(string); !ok {
				collect(c, text, buttons)
			}
		}
	case []any:
		for _, c := range x {
			collect(c, text, buttons)
		}
	}
}

func readable(v any) (string, []accButton) {
	var text []string
	var buttons []accButton
	collect(v, &text, &buttons)
	return strings.Join(text, "\n"), buttons
}

func (w *accWorld) serveSlack(rw http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	rw.Header().Set("Content-Type", "application/json")
	if strings.HasPrefix(r.URL.Path, "/response/") {
		var m any
		_ = json.Unmarshal(raw, &m)
		s, b := readable(m)
		w.mu.Lock()
		w.responses = append(w.responses, s+buttonsText(b))
		w.mu.Unlock()
		io.WriteString(rw, "ok")
		return
	}
	if r.URL.Path == "/upload" {
		io.WriteString(rw, "OK")
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	form := url.Values{}
	var js map[string]any
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &js)
		for k, v := range js {
			if s, ok := v.(string); ok {
				form.Set(k, s)
			} else {
				b, _ := json.Marshal(v)
				form.Set(k, string(b))
			}
		}
	} else {
		form, _ = url.ParseQuery(string(raw))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]any{"ok": true}
	switch method {
	case "auth.test":
		out["user_id"], out["team_id"], out["bot_id"] = "UBOT", "T1", "B1"
	case "users.info":
		id := form.Get("user")
		name := map[string]string{accDana: "dana", accErin: "erin", accStranger: "sam"}[id]
		out["user"] = map[string]any{"id": id, "name": name, "real_name": strings.Title(name), "profile": map[string]any{"display_name": strings.Title(name)}}
	case "conversations.members":
		out["members"] = []string{accDana, accErin}
		out["response_metadata"] = map[string]any{"next_cursor": ""}
	case "conversations.history":
		out["messages"] = []any{}
	case "conversations.open":
		out["channel"] = map[string]any{"id": "D" + form.Get("users")}
	case "chat.postMessage", "chat.postEphemeral":
		w.nextTS++
		ts := fmt.Sprintf("1700000000.%06d", w.nextTS)
		var blocks any
		_ = json.Unmarshal([]byte(form.Get("blocks")), &blocks)
		s, b := readable(blocks)
		if s == "" {
			s = form.Get("text")
		}
		where := "slack " + form.Get("channel")
		if method == "chat.postEphemeral" {
			where += " (only " + form.Get("user") + ")"
		}
		w.msgs = append(w.msgs, &accMsg{Where: where, ID: form.Get("channel") + "/" + ts, Text: s, Buttons: b})
		out["channel"], out["ts"], out["message_ts"] = form.Get("channel"), ts, ts
	case "chat.update":
		var blocks any
		_ = json.Unmarshal([]byte(form.Get("blocks")), &blocks)
		s, b := readable(blocks)
		if s == "" {
			s = form.Get("text")
		}
		id := form.Get("channel") + "/" + form.Get("ts")
		found := false
		for _, m := range w.msgs {
			if m.ID == id {
				m.Text, m.Buttons, found = s, b, true
				m.Edits++
			}
		}
		if !found {
			out = map[string]any{"ok": false, "error": "message_not_found"}
			break
		}
		out["channel"], out["ts"] = form.Get("channel"), form.Get("ts")
	case "views.open", "views.update", "views.push":
		var view any
		_ = json.Unmarshal([]byte(form.Get("view")), &view)
		s, b := readable(view)
		w.views = append(w.views, method+": "+s+buttonsText(b)+"\nRAW:"+form.Get("view"))
		out["view"] = map[string]any{"id": "V1", "hash": "h1"}
	case "views.publish":
		var view any
		_ = json.Unmarshal([]byte(form.Get("view")), &view)
		s, b := readable(view)
		w.views = append(w.views, "home of "+form.Get("user_id")+": "+s+buttonsText(b))
		out["view"] = map[string]any{"id": "VHOME", "hash": "h1"}
	case "files.getUploadURLExternal":
		out["upload_url"], out["file_id"] = w.slack.URL+"/upload", "F1"
	case "files.completeUploadExternal":
		out["files"] = []any{map[string]any{"id": "F1"}}
	}
	_ = json.NewEncoder(rw).Encode(out)
}

func buttonsText(b []accButton) string {
	if len(b) == 0 {
		return ""
	}
	var parts []string
	for _, x := range b {
		parts = append(parts, "["+x.Label+"]")
	}
	return "\n" + strings.Join(parts, " ")
}

func (w *accWorld) serveDiscord(rw http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v10/")
	parts := strings.Split(path, "/")
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	rw.Header().Set("Content-Type", "application/json")
	answer := func(v any) { _ = json.NewEncoder(rw).Encode(v) }
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case r.Method == "POST" && path == "users/@me/channels":
		answer(map[string]any{"id": "dm-" + fmt.Sprint(body["recipient_id"]), "type": 1})
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "channels":
		w.nextTS++
		id := strconv.Itoa(1300000000000000000 + w.nextTS)
		s, b := readable(body)
		w.msgs = append(w.msgs, &accMsg{Where: "discord " + parts[1], ID: parts[1] + "/" + id, Text: s, Buttons: b})
		answer(map[string]any{"id": id, "channel_id": parts[1], "nonce": body["nonce"]})
	case r.Method == "GET" && len(parts) == 3 && parts[0] == "channels":
		answer([]any{})
	case r.Method == "PATCH" && len(parts) == 4 && parts[0] == "channels":
		s, b := readable(body)
		for _, m := range w.msgs {
			if m.ID == parts[1]+"/"+parts[3] {
				m.Text, m.Buttons = s, b
				m.Edits++
			}
		}
		answer(map[string]any{"id": parts[3], "channel_id": parts[1]})
	case parts[0] == "webhooks":
		s, b := readable(body)
		w.responses = append(w.responses, "discord followup: "+s+buttonsText(b))
		answer(map[string]any{"id": "1"})
	case r.Method == "POST" && parts[0] == "interactions":
		rw.WriteHeader(204)
	default:
		rw.WriteHeader(404)
		answer(map[string]any{"code": 0, "message": "404: Not Found"})
	}
}

func newAccWorld(t *testing.T) *accWorld {
	w := &accWorld{t: t, stderr: &syncWriter{w: &bytes.Buffer{}}}
	w.slack = httptest.NewServer(http.HandlerFunc(w.serveSlack))
	t.Cleanup(w.slack.Close)
	w.discord = httptest.NewServer(http.HandlerFunc(w.serveDiscord))
	t.Cleanup(w.discord.Close)
	pub, priv, _ := ed25519.GenerateKey(nil)
	w.priv = priv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.addr = ln.Addr().String()
	ln.Close()
	vars := map[string]string{
		"COLLABBOT_DB": tempDB(t), "COLLABBOT_ADDR": w.addr, "COLLABBOT_LOG_LEVEL": "debug",
		"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": accSecret, "SLACK_API_URL": w.slack.URL + "/api/",
		"SLACK_APPROVALS_CHANNEL": accApprovals, "SLACK_SELLERS_CHANNEL": accSellers, "SLACK_MANAGERS": accErin,
		"DISCORD_BOT_TOKEN": "dtoken", "DISCORD_APP_ID": "700000000000000001", "DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
		"DISCORD_API_URL": w.discord.URL + "/api/v10/",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, Env{Args: []string{"serve"}, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: w.stderr,
			Getenv: func(k string) string { return vars[k] }})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
		w.stderr.mu.Lock()
		logs := w.stderr.w.(*bytes.Buffer).String()
		w.stderr.mu.Unlock()
		for _, secret := range []string{"xoxb-1-2-3", "dtoken", accSecret, "Rue de Rivoli"} {
			if strings.Contains(logs, secret) {
				t.Errorf("the log shows %q:\n%s", secret, logs)
			}
		}
	})
	for up := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get("http://" + w.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(up) {
			t.Fatalf("serve did not start: %s", w.stderr.w.(*bytes.Buffer).String())
		}
	}
	return w
}

func (w *accWorld) post(path, ctype string, body []byte, hdr map[string]string) (int, string) {
	w.t.Helper()
	req, _ := http.NewRequest("POST", "http://"+w.addr+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func slackSign(body []byte, at time.Time) map[string]string {
	stamp := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(accSecret))
	m.Write([]byte("v0:" + stamp + ":"))
	m.Write(body)
	return map[string]string{"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + hex.EncodeToString(m.Sum(nil))}
}

// collab types /collab text as user; the answer is what the typist reads.
func (w *accWorld) collab(user, text string) string {
	w.t.Helper()
	seq := w.seq.Add(1)
	body := []byte(url.Values{"user_id": {user}, "user_name": {"x"}, "team_id": {"T1"}, "command": {"/collab"}, "text": {text},
		"channel_id": {accSellers}, "response_url": {fmt.Sprintf("%s/response/%d", w.slack.URL, seq)},
		"trigger_id": {fmt.Sprintf("trig%d", seq)}}.Encode())
	code, out := w.post("/slack/commands", "application/x-www-form-urlencoded", body, slackSign(body, time.Now()))
	if code != 200 {
		w.t.Fatalf("/collab %s: %d %s", text, code, out)
	}
	var m any
	_ = json.Unmarshal([]byte(out), &m)
	s, b := readable(m)
	return s + buttonsText(b)
}

// slackClick clicks a button of a message in a channel as user.
func (w *accWorld) slackClick(user, channel, ts, actionID string) {
	w.t.Helper()
	seq := w.seq.Add(1)
	p := map[string]any{"type": "block_actions", "user": map[string]any{"id": user}, "team": map[string]any{"id": "T1"},
		"channel": map[string]any{"id": channel}, "container": map[string]any{"type": "message", "channel_id": channel, "message_ts": ts},
		"trigger_id": fmt.Sprintf("trig%d", seq), "response_url": fmt.Sprintf("%s/response/%d", w.slack.URL, seq),
		"message": map[string]any{"ts": ts}, "actions": []any{map[string]any{"action_id": actionID, "block_id": "b", "type": "button", "value": ""}}}
	w.slackPayload(p)
}

func (w *accWorld) slackPayload(p map[string]any) string {
	w.t.Helper()
	raw, _ := json.Marshal(p)
	body := []byte(url.Values{"payload": {string(raw)}}.Encode())
	code, out := w.post("/slack/interactions", "application/x-www-form-urlencoded", body, slackSign(body, time.Now()))
	if code != 200 {
		w.t.Fatalf("interaction: %d %s", code, out)
	}
	return out
}

func (w *accWorld) discordSend(v map[string]any) (int, string) {
	w.t.Helper()
	seq := int(w.seq.Add(1))
	v["id"], v["application_id"], v["token"], v["version"] = strconv.Itoa(5000+seq), "700000000000000001", "tok"+strconv.Itoa(seq), 1
	v["user"] = map[string]any{"id": accMayaID, "username": "maya"}
	v["channel_id"] = "dm-" + accMayaID
	body, _ := json.Marshal(v)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := hex.EncodeToString(ed25519.Sign(w.priv, append([]byte(ts), body...)))
	return w.post("/discord/interactions", "application/json", body, map[string]string{"X-Signature-Timestamp": ts, "X-Signature-Ed25519": sig})
}

func (w *accWorld) discordClick(customID string) string {
	w.t.Helper()
	code, out := w.discordSend(map[string]any{"type": 3, "data": map[string]any{"custom_id": customID, "component_type": 2}})
	if code != 200 {
		w.t.Fatalf("discord click %s: %d %s", customID, code, out)
	}
	var m any
	_ = json.Unmarshal([]byte(out), &m)
	s, b := readable(m)
	return s + buttonsText(b)
}

func (w *accWorld) discordModal(customID string, values map[string]string) string {
	w.t.Helper()
	var rows []any
	for k, v := range values {
		rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": k, "value": v}}})
	}
	code, out := w.discordSend(map[string]any{"type": 5, "data": map[string]any{"custom_id": customID, "components": rows}})
	if code != 200 {
		w.t.Fatalf("discord modal %s: %d %s", customID, code, out)
	}
	var m any
	_ = json.Unmarshal([]byte(out), &m)
	s, b := readable(m)
	return s + buttonsText(b)
}

// waitMsg waits for a message somewhere whose text matches re.
func (w *accWorld) waitMsg(where string, re string) *accMsg {
	w.t.Helper()
	rx := regexp.MustCompile(re)
	for up := time.Now().Add(10 * time.Second); time.Now().Before(up); time.Sleep(20 * time.Millisecond) {
		w.mu.Lock()
		for _, m := range w.msgs {
			if strings.HasPrefix(m.Where, where) && rx.MatchString(m.Text+buttonsText(m.Buttons)) {
				c := *m
				w.mu.Unlock()
				return &c
			}
		}
		w.mu.Unlock()
	}
	w.t.Fatalf("no message in %s matching %q; have:\n%s", where, re, w.dump())
	return nil
}

func (w *accWorld) waitResponse(re string) string {
	w.t.Helper()
	rx := regexp.MustCompile(re)
	for up := time.Now().Add(10 * time.Second); time.Now().Before(up); time.Sleep(20 * time.Millisecond) {
		w.mu.Lock()
		for _, s := range w.responses {
			if rx.MatchString(s) {
				w.mu.Unlock()
				return s
			}
		}
		w.mu.Unlock()
	}
	w.t.Fatalf("no response matching %q; have:\n%s", re, w.dump())
	return ""
}

func (w *accWorld) dump() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	for _, m := range w.msgs {
		fmt.Fprintf(&b, "== %s %s (edits %d)\n%s%s\n", m.Where, m.ID, m.Edits, m.Text, buttonsText(m.Buttons))
	}
	for _, r := range w.responses {
		fmt.Fprintf(&b, "== response\n%s\n", r)
	}
	for _, v := range w.views {
		if i := strings.Index(v, "\nRAW:"); i > 0 {
			v = v[:i]
		}
		fmt.Fprintf(&b, "== view\n%s\n", v)
	}
	return b.String()
}

func (m *accMsg) button(t *testing.T, label string) string {
	t.Helper()
	for _, b := range m.Buttons {
		if b.Label == label {
			return b.ID
		}
	}
	t.Fatalf("no button %q on %s:\n%s%s", label, m.Where, m.Text, buttonsText(m.Buttons))
	return ""
}

func TestAcceptanceCampaign(t *testing.T) {
	w := newAccWorld(t)
	say := func(who, text string) string {
		t.Helper()
		out := w.collab(who, text)
		t.Logf("/collab %s\n%s", text, out)
		return out
	}
	say(accDana, "product add P100 \"Glow Serum\" price=24.90 group=skincare stock=5")
	say(accDana, "creator add @maya_glow discord="+accMayaID+" followers=52000 niche=beauty")
	say(accDana, "invite @maya_glow P100 15% samples=1 \"We love your videos!\"")
	dm := w.waitMsg("discord dm-"+accMayaID, "Accept")
	t.Logf("DM:\n%s%s", dm.Text, buttonsText(dm.Buttons))
	out := w.discordClick(dm.button(t, "Accept"))
	t.Logf("accept answer: %s", out)
	w.waitMsg("slack "+accSellers, "accepted")
	dm = w.waitMsg("discord dm-"+accMayaID, "Status: Accepted")

	// Request sample: the modal, then its submit with an address.
	out = w.discordClick(dm.button(t, "Request sample"))
	t.Logf("request sample modal:\n%s", out)
	out = w.discordModal("form/"+dm.button(t, "Request sample"), map[string]string{"product": "P100", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris, France", "note": "thanks"})
	t.Logf("request answer:\n%s", out)
	ap := w.waitMsg("slack "+accApprovals, "Approve")
	t.Logf("approvals card:\n%s%s", ap.Text, buttonsText(ap.Buttons))
	ts := strings.TrimPrefix(ap.ID, accApprovals+"/")

	// A seller's Approve is refused privately; nothing changes.
	w.slackClick(accDana, accApprovals, ts, ap.button(t, "Approve"))
	t.Logf("seller's click: %s", w.waitResponse("manager"))
	w.slackClick(accStranger, accApprovals, ts, ap.button(t, "Approve"))
	t.Logf("stranger's click: %s", w.waitResponse("join"))

	w.slackClick(accErin, accApprovals, ts, ap.button(t, "Approve"))
	ap = w.waitMsg("slack "+accApprovals, "Mark shipped")
	t.Logf("approved card (edits %d):\n%s%s", ap.Edits, ap.Text, buttonsText(ap.Buttons))
	if ap.ID != accApprovals+"/"+ts {
		t.Errorf("approval not edited in place: %s vs %s", ap.ID, ts)
	}
	// Second click after the decision: told who decided.
	w.slackClick(accErin, accApprovals, ts, "approve:1")
	t.Logf("second click: %s", w.waitResponse("Approved by Erin, not shipped"))

	// Mark shipped through its modal.
	w.slackClick(accDana, accApprovals, ts, ap.button(t, "Mark shipped"))
	meta := w.lastViewMeta(t, "ship")
	w.slackPayload(map[string]any{"type": "view_submission", "user": map[string]any{"id": accDana}, "team": map[string]any{"id": "T1"},
		"view": map[string]any{"callback_id": "ship", "private_metadata": meta, "type": "modal",
			"state": map[string]any{"values": map[string]any{"tracking": map[string]any{"tracking": map[string]any{"type": "plain_text_input", "value": "1Z999AA10123456784"}}}}}})
	shipped := w.waitMsg("discord dm-"+accMayaID, "(?i)shipped")
	t.Logf("creator told shipped:\n%s%s", shipped.Text, buttonsText(shipped.Buttons))

	out = w.discordModal("form/"+shipped.button(t, "Submit content link"), map[string]string{"link": "https://www.tiktok.com/@maya_glow/video/7300000000000000001"})
	t.Logf("content answer:\n%s", out)
	t.Logf("report:\n%s", say(accDana, "report"))
	time.Sleep(300 * time.Millisecond)
	t.Logf("everything:\n%s", w.dump())
}

// lastViewMeta is the private_metadata of the last modal opened with callback id.
func (w *accWorld) lastViewMeta(t *testing.T, callback string) string {
	t.Helper()
	for up := time.Now().Add(5 * time.Second); time.Now().Before(up); time.Sleep(20 * time.Millisecond) {
		w.mu.Lock()
		for i := len(w.views) - 1; i >= 0; i-- {
			_, raw, _ := strings.Cut(w.views[i], "\nRAW:")
			var v struct {
				CallbackID      string `json:"callback_id"`
				PrivateMetadata string `json:"private_metadata"`
			}
			if json.Unmarshal([]byte(raw), &v) == nil && v.CallbackID == callback {
				w.mu.Unlock()
				return v.PrivateMetadata
			}
		}
		w.mu.Unlock()
	}
	t.Fatalf("no %s modal opened:\n%s", callback, w.dump())
	return ""
}

func TestAcceptanceBadInput(t *testing.T) {
	w := newAccWorld(t)
	w.collab(accDana, "product add P100 \"Glow Serum\" price=24.90 stock=5")
	w.collab(accDana, "creator add @maya_glow discord="+accMayaID+" followers=52000")
	for _, line := range []string{
		"invite @maya_glow P100 0%",
		"invite @maya_glow P100 81%",
		"invite @maya_glow P999 15%",
		"invite @nobody P100 15%",
		"invite @maya_glow P100 15% expires=2020-01-01",
		"invite @maya_glow P100 15% email=notanemail",
		"rate I9 10%",
		"plan \"Spring\" P100=0%",
		"plan \"Spring\" all=90",
		"product add P101 \"X\" price=-1",
		"product add P102 \"X\" price=100000.01",
		"product add P103 \"X\" stock=-3",
		"creator add @a discord=1",
		"creator add @bad..handle",
		"creator add @ok_handle followers=-5",
		"creator add @ok_handle tz=Mars/Olympus",
		"reject S1 because",
		"approve S1",
		"ship S77",
		"role U123 boss",
		"frobnicate",
	} {
		t.Logf("/collab %s\n  -> %s", line, strings.ReplaceAll(w.collab(accDana, line), "\n", "\n     "))
	}
	time.Sleep(300 * time.Millisecond)
	w.mu.Lock()
	for _, v := range w.views {
		if i := strings.Index(v, "\nRAW:"); i > 0 {
			inits := regexp.MustCompile(`"initial_value":"[^"]*"|"initial_options?":[^\]]*\]`).FindAllString(v[i:], -1)
			v = v[:i] + "\nINITIAL: " + strings.Join(inits, " ")
		}
		t.Logf("view: %s", strings.ReplaceAll(v, "\n", " | "))
	}
	for _, r := range w.responses {
		t.Logf("response: %s", strings.ReplaceAll(r, "\n", " | "))
	}
	views := strings.Join(w.views, "\n")
	answers := strings.Join(w.responses, "\n")
	w.mu.Unlock()
	wantAll(t, "the forms opened", views, "Commission rate must be between 1% and 80% (got 0%)",
		"Commission rate must be between 1% and 80% (got 81%)", "all: Commission rate must be between 1% and 80% (got 90%)",
		"Price must be from 0.00 to 100000.00", "Discord ID must be a Discord user ID of 15 to 21 digits")
	wantAll(t, "the invite answers", answers, "Product P999 is not in the catalog", "@nobody is not on the roster")

	// Signatures, freshness, size.
	body := []byte(url.Values{"user_id": {accDana}, "command": {"/collab"}, "text": {"product add P500 \"Bad\""}, "channel_id": {accSellers}}.Encode())
	bad := slackSign(body, time.Now())
	bad["X-Slack-Signature"] = "v0=" + strings.Repeat("0", 64)
	for name, hdr := range map[string]map[string]string{
		"no headers":    nil,
		"bad signature": bad,
		"stale":         slackSign(body, time.Now().Add(-6*time.Minute)),
		"future":        slackSign(body, time.Now().Add(6*time.Minute)),
	} {
		for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events", "/slack/options"} {
			if code, out := w.post(path, "application/x-www-form-urlencoded", body, hdr); code != 401 {
				t.Errorf("%s %s: %d %q, want 401", name, path, code, out)
			}
		}
	}
	big := []byte("text=" + strings.Repeat("a", 2<<20))
	code, out := w.post("/slack/commands", "application/x-www-form-urlencoded", big, slackSign(big, time.Now()))
	t.Logf("oversize slack: %d %q", code, out)
	if code != 413 {
		t.Errorf("oversize slack body: %d, want 413", code)
	}
	if p := w.collab(accDana, "products"); strings.Contains(p, "P500") {
		t.Errorf("a refused request stored something: %s", p)
	}

	ping := []byte(`{"id":"1","application_id":"700000000000000001","type":1,"token":"t","version":1}`)
	sign := func(b []byte, at time.Time) map[string]string {
		ts := strconv.FormatInt(at.Unix(), 10)
		return map[string]string{"X-Signature-Timestamp": ts, "X-Signature-Ed25519": hex.EncodeToString(ed25519.Sign(w.priv, append([]byte(ts), b...)))}
	}
	for name, hdr := range map[string]map[string]string{
		"none":  nil,
		"stale": sign(ping, time.Now().Add(-10*time.Minute)),
		"other body": func() map[string]string {
			h := sign([]byte(`{"type":2}`), time.Now())
			return h
		}(),
	} {
		if code, out := w.post("/discord/interactions", "application/json", ping, hdr); code != 401 {
			t.Errorf("discord %s: %d %q, want 401", name, code, out)
		}
	}
	bigd := []byte(`{"type":1,"x":"` + strings.Repeat("a", 2<<20) + `"}`)
	code, out = w.post("/discord/interactions", "application/json", bigd, sign(bigd, time.Now()))
	t.Logf("oversize discord: %d %q", code, out)
	if code != 413 {
		t.Errorf("oversize discord body: %d, want 413", code)
	}

	// Creator-side bad input.
	w.collab(accDana, "invite @maya_glow P100 15% samples=1")
	dm := w.waitMsg("discord dm-"+accMayaID, "Accept")
	rs := dm.button(t, "Request sample")
	for _, v := range []map[string]string{
		{"product": "P999", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris"},
		{"product": "P100", "qty": "0", "address": "12 Rue de Rivoli, 75001 Paris"},
		{"product": "P100", "qty": "5", "address": "12 Rue de Rivoli, 75001 Paris"},
		{"product": "P100", "qty": "x", "address": "12 Rue de Rivoli, 75001 Paris"},
		{"product": "P100", "qty": "1", "address": "short"},
		{"product": "P100", "qty": "1", "address": ""},
	} {
		t.Logf("request %v\n  -> %s", v, w.discordModal("form/"+rs, v))
	}
	for _, link := range []string{"https://example.com/x", "not a link", "https://www.tiktok.com/@someoneelse/video/7300000000000000001"} {
		t.Logf("content %q -> %s", link, w.discordModal("form/submit-content:1", map[string]string{"link": link}))
	}
	t.Logf("click bogus -> %s", w.discordClick("approve:1"))
	t.Logf("click other's -> %s", w.discordClick("accept:99"))
}

func TestAcceptanceDecisions(t *testing.T) {
	w := newAccWorld(t)
	say := func(who, text string) string {
		t.Helper()
		out := w.collab(who, text)
		t.Logf("/collab %s\n  -> %s", text, strings.ReplaceAll(out, "\n", "\n     "))
		return out
	}
	say(accDana, "product add P100 \"Glow Serum\" price=24.90 stock=5")
	say(accDana, "product add P200 \"Lip Oil\" price=12 stock=0")
	say(accDana, "creator add @maya_glow discord="+accMayaID+" followers=52000")
	say(accErin, "role "+accDana+" manager")
	say(accDana, "invite @maya_glow P100 P200 15% samples=1")
	dm := w.waitMsg("discord dm-"+accMayaID, "Accept")
	rs := dm.button(t, "Request sample")
	t.Logf("modal: %s", w.discordClick(rs))
	t.Logf("request P200 (no stock): %s", w.discordModal("form/"+rs, map[string]string{"product": "P200", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris, France"}))
	t.Logf("request P100: %s", w.discordModal("form/"+rs, map[string]string{"product": "P100", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris, France"}))
	t.Logf("again P100: %s", w.discordModal("form/"+rs, map[string]string{"product": "P100", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris, France"}))
	ap := w.waitMsg("slack "+accApprovals, "(?s)P100.*Approve")
	ts := strings.TrimPrefix(ap.ID, accApprovals+"/")
	w.slackClick(accErin, accApprovals, ts, ap.button(t, "Reject"))
	meta := w.lastViewMeta(t, "reject")
	reject := func(who, reason, note string) string {
		vals := map[string]any{"reason": map[string]any{"reason": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": reason}}},
			"note": map[string]any{"note": map[string]any{"type": "plain_text_input", "value": note}}}
		return w.slackPayload(map[string]any{"type": "view_submission", "user": map[string]any{"id": who}, "team": map[string]any{"id": "T1"},
			"view": map[string]any{"callback_id": "reject", "private_metadata": meta, "type": "modal", "state": map[string]any{"values": vals}}})
	}
	out := reject(accErin, "other", "")
	t.Logf("reject other without note: %s", out)
	wantAll(t, "reject other without a note", out, `"response_action":"errors"`, `"note":`)
	t.Logf("reject not_match: %s", reject(accErin, "not_match", ""))
	ap = w.waitMsg("slack "+accApprovals, "(?i)rejected")
	t.Logf("rejected card:\n%s%s", ap.Text, buttonsText(ap.Buttons))
	// Dana, a manager now, approves the old copy.
	w.slackClick(accDana, accApprovals, ts, "approve:1")
	t.Logf("late approve: %s", w.waitResponse("already rejected by Erin"))
	t.Logf("creator told: %s", w.waitMsg("discord dm-"+accMayaID, "(?i)not approved|rejected|declined").Text)

	say(accDana, "rate I1 20%")
	say(accDana, "rate I1 10%")
	time.Sleep(500 * time.Millisecond)
	// Discord commands.
	for _, name := range []string{"plans", "invitations", "samples"} {
		code, out := w.discordSend(map[string]any{"type": 2, "data": map[string]any{"id": "800000000000000001", "name": name, "type": 1}})
		t.Logf("/%s: %d %s", name, code, out)
	}
	dm = w.waitMsg("discord dm-"+accMayaID, "Accept")
	dec := dm.button(t, "Decline")
	t.Logf("decline modal: %s", w.discordClick(dec))
	t.Logf("decline: %s", w.discordModal("form/"+dec, map[string]string{"reason": "busy this month"}))
	w.waitMsg("slack "+accSellers, "(?s)declined invitation I1.*Commission: 20%. Their reason: busy this month.")
	wantAll(t, "accept after decline", w.discordClick(dm.button(t, "Accept")), "was declined")
	// Events.
	ev := []byte(`{"type":"url_verification","challenge":"abc123","token":"x"}`)
	code, out := w.post("/slack/events", "application/json", ev, slackSign(ev, time.Now()))
	if code != 200 || !strings.Contains(out, "abc123") {
		t.Errorf("url_verification: %d %s", code, out)
	}
	home := []byte(`{"type":"event_callback","team_id":"T1","event_id":"Ev1","event_time":1,"event":{"type":"app_home_opened","user":"` + accDana + `","channel":"D1","tab":"home"}}`)
	code, out = w.post("/slack/events", "application/json", home, slackSign(home, time.Now()))
	t.Logf("app_home_opened: %d %s", code, out)
	time.Sleep(500 * time.Millisecond)
	t.Logf("everything:\n%s", w.dump())
}

func TestAcceptanceOdds(t *testing.T) {
	w := newAccWorld(t)
	for _, line := range []string{"", "help", "help invite", "invite", "plans", "samples", "creators", "report", "request P100", "accept I1"} {
		t.Logf("/collab %q\n  -> %s", line, strings.ReplaceAll(w.collab(accDana, line), "\n", "\n     "))
	}
	t.Logf("stranger: %s", w.collab(accStranger, "plans"))
	w.collab(accDana, "product add P100 \"Glow Serum\" price=24.90 stock=5")
	w.collab(accDana, "creator add @maya_glow discord=222222222222222222")
	w.collab(accDana, "invite @maya_glow P100 15% samples=1")
	time.Sleep(500 * time.Millisecond)
	// Maya's account is 111..., the invitation went to 222...: a stranger's clicks.
	wantAll(t, "a stranger's Accept", w.discordClick("accept:1"), "not linked", "/link")
	t.Logf("stranger request: %s", w.discordClick("request-sample:1"))
	code, out := w.discordSend(map[string]any{"type": 2, "data": map[string]any{"id": "800000000000000001", "name": "link", "type": 1,
		"options": []any{map[string]any{"name": "handle", "type": 3, "value": "@maya_glow"}}}})
	t.Logf("/link: %d %s", code, out)
	home := []byte(`{"type":"event_callback","team_id":"T1","event_id":"Ev1","event_time":1,"event":{"type":"app_home_opened","user":"` + accDana + `","channel":"D1","tab":"home"}}`)
	code, out = w.post("/slack/events", "application/json", home, slackSign(home, time.Now()))
	t.Logf("app_home_opened: %d %s", code, out)
	time.Sleep(700 * time.Millisecond)
	t.Logf("everything:\n%s", w.dump())
}

func TestAcceptanceFormsAndStaleButtons(t *testing.T) {
	w := newAccWorld(t)
	submit := func(callback string, vals map[string]string) string {
		t.Helper()
		state := map[string]any{}
		for k, v := range vals {
			state[k] = map[string]any{k: map[string]any{"type": "plain_text_input", "value": v}}
		}
		return w.slackPayload(map[string]any{"type": "view_submission", "user": map[string]any{"id": accDana}, "team": map[string]any{"id": "T1"},
			"view": map[string]any{"callback_id": callback, "private_metadata": "", "type": "modal", "state": map[string]any{"values": state}}})
	}
	out := submit("creator_add", map[string]string{"handle": "@a", "discord": "12", "followers": "lots", "tz": "Mars/X"})
	t.Logf("creator_add bad: %s", out)
	wantAll(t, "creator form errors", out, `"response_action":"errors"`, `"handle":`, `"discord":`, `"followers":`, `"tz":`)
	out = submit("product_add", map[string]string{"id": "P100", "title": "", "price": "abc", "stock": "-1"})
	t.Logf("product_add bad: %s", out)
	wantAll(t, "product form errors", out, `"title":`, `"price":`, `"stock":`)
	out = submit("product_add", map[string]string{"id": "P100", "title": "Glow Serum", "price": "24.90", "stock": "5"})
	t.Logf("product_add ok: %q", out)
	out = submit("creator_add", map[string]string{"handle": "@maya_glow", "discord": accMayaID, "followers": "52k"})
	t.Logf("creator_add ok: %q", out)
	w.waitMsg("slack "+accDana, "Added @maya_glow to the roster")
	w.collab(accDana, "invite @maya_glow P100 15% samples=1")
	dm := w.waitMsg("discord dm-"+accMayaID, "Accept")
	w.discordModal("form/"+dm.button(t, "Request sample"), map[string]string{"product": "P100", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris, France"})
	got := w.waitMsg("discord dm-"+accMayaID, "received")
	w.collab(accErin, "reject S1 out_of_stock")
	w.waitMsg("discord dm-"+accMayaID, "not approved")
	// The "received" DM is edited in place: its Cancel button goes.
	got = w.waitMsg("discord dm-"+accMayaID, "Sample request S1: rejected")
	if len(got.Buttons) != 0 {
		t.Errorf("the 'received' DM still has buttons after the rejection:\n%s%s", got.Text, buttonsText(got.Buttons))
	}
	w.collab(accDana, "withdraw I1")
	dm = w.waitMsg("discord dm-"+accMayaID, "(?i)withdrawn")
	t.Logf("invitation DM after withdraw:\n%s%s", dm.Text, buttonsText(dm.Buttons))
	t.Logf("accept a withdrawn invitation -> %s", w.discordClick("accept:1"))
	ping := []byte(`{"id":"1","application_id":"700000000000000001","type":1,"token":"t","version":1}`)
	ts := strconv.FormatInt(time.Now().Add(10*time.Minute).Unix(), 10)
	hdr := map[string]string{"X-Signature-Timestamp": ts, "X-Signature-Ed25519": hex.EncodeToString(ed25519.Sign(w.priv, append([]byte(ts), ping...)))}
	if code, _ := w.post("/discord/interactions", "application/json", ping, hdr); code != 401 {
		t.Errorf("a PING stamped 10 minutes ahead: %d, want 401", code)
	}
	time.Sleep(300 * time.Millisecond)
	t.Logf("everything:\n%s", w.dump())
}

func TestAcceptanceRoleByMention(t *testing.T) {
	w := newAccWorld(t)
	for _, line := range []string{"role @dana manager", "role <@UDANA> manager", "role <@UDANA|dana> seller", "role UDANA seller", "role UNOPE manager"} {
		t.Logf("/collab %s -> %s", line, w.collab(accErin, line))
	}
	wantAll(t, "role @dana", w.collab(accErin, "role @dana manager"), "not a member ID")
}

func TestAcceptancePlansAndFanout(t *testing.T) {
	w := newAccWorld(t)
	say := func(who, text string) string {
		t.Helper()
		out := w.collab(who, text)
		t.Logf("/collab %s\n  -> %s", text, strings.ReplaceAll(out, "\n", "\n     "))
		return out
	}
	say(accDana, "product add P100 \"Glow Serum\" price=24.90 group=skincare stock=5")
	say(accDana, "product add P300 \"Snack Box\" price=9 group=snacks stock=5")
	say(accDana, "creator add @maya_glow followers=52000")
	say(accDana, "creator add @leo_fit discord=222222222222222222 followers=1000")
	say(accDana, "creator add @zoe discord=333333333333333333")
	say(accDana, "invite @maya_glow @leo_fit=12% @zoe P100 15%")
	w.waitResponse("Invited")
	time.Sleep(300 * time.Millisecond)
	say(accDana, `plan "Spring" P100=12% group:snacks=8% all=5% samples=1 approval=none min-followers=10k`)
	say(accDana, "plans")
	// Maya links her Discord account.
	code, out := w.discordSend(map[string]any{"type": 2, "data": map[string]any{"id": "800000000000000001", "name": "link", "type": 1,
		"options": []any{map[string]any{"name": "handle", "type": 3, "value": "maya_glow"}}}})
	t.Logf("/link: %d %s", code, out)
	card := w.waitMsg("slack "+accSellers, "(?i)link request")
	t.Logf("link card:\n%s%s", card.Text, buttonsText(card.Buttons))
	w.slackClick(accDana, accSellers, strings.TrimPrefix(card.ID, accSellers+"/"), card.button(t, "Confirm"))
	w.waitMsg("discord dm-"+accMayaID, "(?i)linked")
	w.waitResponse("Not sent: @maya_glow has no Discord account linked")
	code, out = w.discordSend(map[string]any{"type": 2, "data": map[string]any{"id": "800000000000000001", "name": "plans", "type": 1}})
	t.Logf("/plans: %d %s", code, out)
	t.Logf("join plan modal: %s", w.discordClick("join-plan:1"))
	t.Logf("join plan P300: %s", w.discordModal("form/join-plan:1", map[string]string{"product": "P300", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris, France"}))
	time.Sleep(500 * time.Millisecond)
	t.Logf("everything:\n%s", w.dump())
}

func TestAcceptanceInviteForm(t *testing.T) {
	w := newAccWorld(t)
	w.collab(accDana, "product add P100 \"Glow Serum\" price=24.90 stock=5")
	w.collab(accDana, "creator add @maya_glow discord="+accMayaID)
	w.collab(accDana, "creator add @leo_fit discord=222222222222222222")
	submit := func(vals map[string]any) string {
		t.Helper()
		return w.slackPayload(map[string]any{"type": "view_submission", "user": map[string]any{"id": accDana}, "team": map[string]any{"id": "T1"},
			"view": map[string]any{"callback_id": "invite", "private_metadata": "", "type": "modal", "state": map[string]any{"values": vals}}})
	}
	text := func(block, v string) map[string]any {
		return map[string]any{block: map[string]any{"type": "plain_text_input", "value": v}}
	}
	multi := func(block string, vs ...string) map[string]any {
		var opts []any
		for _, v := range vs {
			opts = append(opts, map[string]any{"value": v, "text": map[string]any{"type": "plain_text", "text": v}})
		}
		return map[string]any{block: map[string]any{"type": "multi_external_select", "selected_options": opts}}
	}
	out := submit(map[string]any{"creators": multi("creators", "maya_glow"), "products": multi("products", "P100"),
		"commission_rate": text("commission_rate", "81%"), "overrides": text("overrides", "@leo_fit=0%"),
		"contact_email": text("contact_email", "x@"), "samples": text("samples", "20")})
	t.Logf("bad invite form: %s", out)
	wantAll(t, "the invite form's errors", out, `"commission_rate":"Commission rate must be between 1% and 80% (got 81%)"`, `"contact_email":`)
	out = submit(map[string]any{"creators": multi("creators", "maya_glow", "leo_fit"), "products": multi("products", "P100"),
		"commission_rate": text("commission_rate", "15%"), "overrides": text("overrides", "@leo_fit=12%"), "message": text("message", "Hello!")})
	t.Logf("good invite form: %q", out)
	w.waitMsg("discord dm-222222222222222222", "12%")
	w.waitMsg("discord dm-"+accMayaID, "Hello!")
}

// Two clicks at once: one decision, one message to the team.
func TestAcceptanceDoubleClicks(t *testing.T) {
	w := newAccWorld(t)
	w.collab(accDana, "product add P100 \"Glow Serum\" price=24.90 stock=5")
	w.collab(accDana, "creator add @maya_glow discord="+accMayaID)
	w.collab(accErin, "role "+accDana+" manager")
	w.collab(accDana, "invite @maya_glow P100 15% samples=1")
	dm := w.waitMsg("discord dm-"+accMayaID, "Accept")
	var wg sync.WaitGroup
	answers := make([]string, 2)
	accept := dm.button(t, "Accept")
	for i := range answers {
		wg.Add(1)
		go func() { defer wg.Done(); answers[i] = w.discordClick(accept) }()
	}
	wg.Wait()
	t.Logf("two Accepts: %q", answers)
	w.discordModal("form/"+dm.button(t, "Request sample"), map[string]string{"product": "P100", "qty": "1", "address": "12 Rue de Rivoli, 75001 Paris, France"})
	ap := w.waitMsg("slack "+accApprovals, "Approve")
	ts := strings.TrimPrefix(ap.ID, accApprovals+"/")
	for _, who := range []string{accErin, accDana} {
		wg.Add(1)
		go func() { defer wg.Done(); w.slackClick(who, accApprovals, ts, "approve:1") }()
	}
	wg.Wait()
	w.waitResponse("already approved by")
	time.Sleep(500 * time.Millisecond)
	w.mu.Lock()
	accepted, approved := 0, 0
	for _, m := range w.msgs {
		if strings.Contains(m.Text, "accepted invitation I1") {
			accepted++
		}
		if strings.Contains(m.Text, "Sample S1 approved") {
			approved++
		}
	}
	w.mu.Unlock()
	if accepted != 1 || approved != 1 {
		t.Errorf("%d 'accepted' posts and %d 'approved' DMs, want 1 each:\n%s", accepted, approved, w.dump())
	}
}

// The invite form's searchable selects read the roster and the catalog.
func TestAcceptanceOptions(t *testing.T) {
	w := newAccWorld(t)
	w.collab(accDana, "product add P100 \"Glow Serum\" price=24.90 stock=5")
	w.collab(accDana, "creator add @maya_glow discord="+accMayaID+" followers=52000 niche=beauty")
	for action, want := range map[string]string{"creators": "@maya_glow", "products": "P100 Glow Serum"} {
		raw, _ := json.Marshal(map[string]any{"type": "block_suggestion", "user": map[string]any{"id": accDana}, "team": map[string]any{"id": "T1"},
			"action_id": action, "block_id": action, "value": ""})
		body := []byte(url.Values{"payload": {string(raw)}}.Encode())
		code, out := w.post("/slack/options", "application/x-www-form-urlencoded", body, slackSign(body, time.Now()))
		if code != 200 || !strings.Contains(out, want) {
			t.Errorf("options for %s: %d %s, want %q", action, code, out, want)
		}
	}
}

// A seller who leaves the sellers' channel is no longer on the team; a
// redelivered event is handled once.
func TestAcceptanceMemberLeaves(t *testing.T) {
	w := newAccWorld(t)
	if out := w.collab(accDana, "plans"); !strings.Contains(out, "Open plans") {
		t.Fatalf("a member's /collab plans: %s", out)
	}
	ev := []byte(`{"type":"event_callback","team_id":"T1","event_id":"Ev9","event_time":1,"event":{"type":"member_left_channel","user":"` + accDana + `","channel":"` + accSellers + `","channel_type":"C","team":"T1"}}`)
	for i := 0; i < 2; i++ {
		hdr := slackSign(ev, time.Now())
		if i == 1 {
			hdr["X-Slack-Retry-Num"], hdr["X-Slack-Retry-Reason"] = "1", "http_timeout"
		}
		if code, out := w.post("/slack/events", "application/json", ev, hdr); code != 200 {
			t.Fatalf("event: %d %s", code, out)
		}
	}
	var out string
	for up := time.Now().Add(5 * time.Second); time.Now().Before(up); time.Sleep(50 * time.Millisecond) {
		if out = w.collab(accDana, "plans"); strings.Contains(out, "join") {
			break
		}
	}
	wantAll(t, "after leaving", out, "join <#"+accSellers+">")
}
