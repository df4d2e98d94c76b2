package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestSlackManifestCommand(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		want, lack string
	}{
		{[]string{"--url", "https://bot.example.com"}, 0, "https://bot.example.com/slack/interactions", "socket_mode_enabled"},
		{[]string{"--url=https://bot.example.com/"}, 0, "https://bot.example.com/slack/options", "//slack"},
		{[]string{"--socket-mode"}, 0, "socket_mode_enabled: true", "https://"},
		{[]string{"--url", "https://bot.example.com", "--socket-mode"}, 0, "socket_mode_enabled: true", "/slack/commands"},
		{[]string{"--socket-mode=false", "--url", "https://bot.example.com"}, 0, "/slack/events", "socket_mode_enabled"},
		{nil, 2, "missing --url", ""},
		{[]string{"--url", "http://bot.example.com"}, 2, "https://", ""},
		{[]string{"--url", "https://bot.example.com?x=1"}, 2, "no query", ""},
		{[]string{"--socket-mode=maybe"}, 2, "=true, =false", ""},
		{[]string{"extra"}, 2, "unexpected argument", ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, stderr := runMain(t, tempDB(t), "", nil, append([]string{"slack-manifest"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out+stderr, tc.want) || (tc.lack != "" && strings.Contains(out, tc.lack)) {
				t.Fatalf("exit %d (want %d), out %q, stderr %q; want %q without %q", code, tc.code, out, stderr, tc.want, tc.lack)
			}
			if code == 0 {
				var m map[string]any
				if err := yaml.Unmarshal([]byte(out), &m); err != nil || m["oauth_config"] == nil {
					t.Errorf("not a manifest: %v\n%s", err, out)
				}
			}
		})
	}
	if code, out, _ := runMain(t, tempDB(t), "", nil, "help", "slack-manifest"); code != 0 || !strings.Contains(out, "--socket-mode") {
		t.Errorf("help slack-manifest: %d %q", code, out)
	}
}

// serve with Slack configured answers signed slash commands on
// /slack/commands and refuses unsigned ones.
func TestServeSlackRoutes(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/users.info":
			io.WriteString(w, `{"ok":true,"user":{"id":"U0DANA","name":"dana","real_name":"Dana","profile":{"display_name":"Dana"}}}`)
		case "/api/conversations.members":
			io.WriteString(w, `{"ok":true,"members":["U0DANA"],"response_metadata":{"next_cursor":""}}`)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	defer api.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	vars := map[string]string{"COLLABBOT_DB": tempDB(t), "COLLABBOT_ADDR": addr, "SLACK_API_URL": api.URL + "/api/"}
	for k, v := range slackVars {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- Main(ctx, Env{Args: []string{"serve"}, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &syncWriter{w: &stderr}, Getenv: func(k string) string { return vars[k] }})
	}()
	body := url.Values{"user_id": {"U0DANA"}, "command": {"/collab"}, "text": {"help"}, "channel_id": {"C2"}, "response_url": {api.URL + "/response"}}.Encode()
	post := func(signed bool) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if signed {
			stamp := strconv.FormatInt(time.Now().Unix(), 10)
			m := hmac.New(sha256.New, []byte(slackVars["SLACK_SIGNING_SECRET"]))
			m.Write([]byte("v0:" + stamp + ":" + body))
			req.Header.Set("X-Slack-Request-Timestamp", stamp)
			req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var code int
	var out string
	for up := time.Now().Add(20 * time.Second); time.Now().Before(up); time.Sleep(20 * time.Millisecond) {
		if code, out = post(true); code != 0 {
			break
		}
	}
	if code != http.StatusOK || !strings.Contains(out, "collabbot help") {
		t.Fatalf("signed /collab help: %d %s\n%s", code, out, stderr.String())
	}
	if code, _ := post(false); code != http.StatusUnauthorized {
		t.Errorf("unsigned: %d, want 401", code)
	}
	cancel()
	select {
	case c := <-done:
		if c != 0 {
			t.Errorf("serve exited %d: %s", c, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
