package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDiscordREST records the calls discord-register and serve make.
type fakeDiscordREST struct {
	mu    sync.Mutex
	calls []string
	body  []byte
	auth  string
}

func newFakeDiscordREST(t *testing.T) (*fakeDiscordREST, *httptest.Server) {
	f := &fakeDiscordREST{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.calls = append(f.calls, r.Method+" "+r.URL.Path)
		f.body, f.auth = b, r.Header.Get("Authorization")
		f.mu.Unlock()
		if r.Method != "PUT" {
			http.Error(w, `{"code":0,"message":"404: Not Found"}`, 404)
			return
		}
		var cmds []map[string]any
		if err := json.Unmarshal(b, &cmds); err != nil {
			http.Error(w, `{"code":50035,"message":"Invalid Form Body"}`, 400)
			return
		}
		for i, c := range cmds {
			c["id"], c["application_id"], c["version"] = strconv.Itoa(1000+i), "700000000000000001", "1"
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(cmds)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func discordVars(api string, key ed25519.PublicKey) map[string]string {
	return map[string]string{
		"DISCORD_BOT_TOKEN":  "test-token",
		"DISCORD_APP_ID":     "700000000000000001",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(key),
		"DISCORD_API_URL":    api,
	}
}

func TestDiscordRegisterOverwritesTheCommands(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	tests := []struct {
		args []string
		path string
		says string
	}{
		{[]string{"discord-register"}, "/api/v10/applications/700000000000000001/commands", "globally"},
		{[]string{"discord-register", "--guild", "900000000000000001"}, "/api/v10/applications/700000000000000001/guilds/900000000000000001/commands", "in server 900000000000000001"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, srv := newFakeDiscordREST(t)
			code, out, errOut := runMain(t, tempDB(t), "", discordVars(srv.URL+"/api/v10/", pub), tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if len(f.calls) != 1 || f.calls[0] != "PUT "+tt.path {
				t.Fatalf("calls %v, want PUT %s", f.calls, tt.path)
			}
			if f.auth != "Bot test-token" {
				t.Errorf("Authorization %q", f.auth)
			}
			var cmds []struct {
				Name    string `json:"name"`
				Options []struct {
					Name     string `json:"name"`
					Type     int    `json:"type"`
					Required bool   `json:"required"`
				} `json:"options"`
			}
			if err := json.Unmarshal(f.body, &cmds); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range cmds {
				names = append(names, c.Name)
			}
			if strings.Join(names, ",") != "plans,invitations,samples,link" {
				t.Errorf("registered %v", names)
			}
			if link := cmds[3]; len(link.Options) != 1 || link.Options[0].Name != "handle" || link.Options[0].Type != 3 || !link.Options[0].Required {
				t.Errorf("/link options %+v, want one required string handle", link.Options)
			}
			wantAll(t, "stdout", out, "Registered 4 Discord commands", tt.says, "/plans, /invitations, /samples, /link")
		})
	}
}

func TestDiscordRegisterChecksItsArguments(t *testing.T) {
	code, _, errOut := runMain(t, tempDB(t), "", nil, "discord-register", "--guild", "abc")
	if code != 2 || !strings.Contains(errOut, "--guild must be a Discord server ID") {
		t.Errorf("bad --guild: exit %d %q", code, errOut)
	}
	code, _, errOut = runMain(t, tempDB(t), "", nil, "discord-register")
	// Missing configuration is exit 2, said once: no "collabbot discord-register: collabbot discord-register".
	if code != 2 || !strings.Contains(errOut, "DISCORD_BOT_TOKEN") || strings.Count(errOut, "discord-register") != 1 {
		t.Errorf("without Discord: exit %d %q", code, errOut)
	}
	code, out, _ := runMain(t, tempDB(t), "", nil, "discord-register", "--help")
	if code != 0 || !strings.Contains(out, "--guild ID") {
		t.Errorf("--help: exit %d %q", code, out)
	}
}

// serve with Discord configured answers signed interactions at
// POST /discord/interactions and refuses unsigned ones.
func TestServeAnswersDiscordInteractions(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	_, srv := newFakeDiscordREST(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	vars := discordVars(srv.URL+"/api/v10/", pub)
	vars["COLLABBOT_DB"], vars["COLLABBOT_ADDR"] = tempDB(t), addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- Main(ctx, Env{Args: []string{"serve"}, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr,
			Getenv: func(k string) string { return vars[k] }})
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	ping := []byte(`{"id":"1","application_id":"700000000000000001","type":1,"token":"t","version":1}`)
	post := func(signed bool) (int, string) {
		req, _ := http.NewRequest("POST", "http://"+addr+"/discord/interactions", bytes.NewReader(ping))
		if signed {
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			req.Header.Set("X-Signature-Timestamp", ts)
			req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), ping...))))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	var code int
	var body string
	for i := 0; i < 100; i++ {
		if code, body = post(true); code != 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != 200 || body != `{"type":1}` {
		t.Fatalf("signed PING: %d %s\n%s", code, body, stderr.String())
	}
	if code, _ := post(false); code != 401 {
		t.Errorf("unsigned PING: %d, want 401", code)
	}
}

func wantAll(t *testing.T, what, got string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(got, f) {
			t.Errorf("%s does not say %q:\n%s", what, f, got)
		}
	}
}
