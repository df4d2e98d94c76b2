package slack_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	slackbot "github.com/collabbot/collabbot/bot/slack"
)

// methodScopes are the bot scopes each Web API method needs (any one of
// a list will do for the channel kinds).
var methodScopes = map[string][]string{
	"chat.postMessage":             {"chat:write"},
	"chat.update":                  {"chat:write"},
	"chat.postEphemeral":           {"chat:write"},
	"conversations.open":           {"im:write"},
	"users.info":                   {"users:read"},
	"conversations.members":        {"channels:read", "groups:read"},
	"conversations.history":        {"channels:history", "groups:history", "im:history"},
	"views.open":                   {},
	"views.update":                 {},
	"views.publish":                {},
	"apps.connections.open":        {}, // the app-level token's connections:write
	"files.getUploadURLExternal":   {"files:write"},
	"files.completeUploadExternal": {"files:write"},
}

type manifest struct {
	Features struct {
		AppHome struct {
			HomeTabEnabled bool `yaml:"home_tab_enabled"`
		} `yaml:"app_home"`
		SlashCommands []struct {
			Command   string `yaml:"command"`
			URL       string `yaml:"url"`
			UsageHint string `yaml:"usage_hint"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Events struct {
			URL       string   `yaml:"request_url"`
			BotEvents []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			Enabled    bool   `yaml:"is_enabled"`
			URL        string `yaml:"request_url"`
			OptionsURL string `yaml:"message_menu_options_url"`
		} `yaml:"interactivity"`
		SocketMode bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

func parseManifest(t *testing.T, base string, socket bool) manifest {
	t.Helper()
	out, err := yaml.Marshal(slackbot.Manifest(base, socket))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(out, &m); err != nil {
		t.Fatalf("the manifest is not YAML: %v\n%s", err, out)
	}
	return m
}

// The manifest names every route the adapter serves, every scope the Web
// API calls of a whole session need, every event it handles, and every
// /collab subcommand in the usage hint.
func TestManifestCoversWhatTheCodeUses(t *testing.T) {
	m := parseManifest(t, "https://bot.example.com/", false)
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/collab" {
		t.Fatalf("slash commands %+v, want /collab", m.Features.SlashCommands)
	}
	cmd := m.Features.SlashCommands[0]
	for _, sub := range []string{"help", "invite", "plan", "plans", "invitations", "samples", "creators", "creator add", "creator set", "products", "product add", "product set", "approve", "reject", "ship", "extend", "cancel", "withdraw", "rate", "report", "history", "role"} {
		word := strings.Fields(sub)[0]
		if !strings.Contains(cmd.UsageHint, word) {
			t.Errorf("usage hint lacks %q: %s", sub, cmd.UsageHint)
		}
	}
	if !m.Features.AppHome.HomeTabEnabled || !m.Settings.Interactivity.Enabled || m.Settings.SocketMode {
		t.Errorf("home tab %v, interactivity %v, socket mode %v", m.Features.AppHome.HomeTabEnabled, m.Settings.Interactivity.Enabled, m.Settings.SocketMode)
	}

	// Every route the adapter registers is in the manifest, and nothing else.
	h := newHarness(t)
	urls := map[string]bool{cmd.URL: true, m.Settings.Events.URL: true, m.Settings.Interactivity.URL: true, m.Settings.Interactivity.OptionsURL: true}
	for pattern := range h.adapter.Routes() {
		path := strings.TrimPrefix(pattern, "POST ")
		if !urls["https://bot.example.com"+path] {
			t.Errorf("route %s is not in the manifest (%v)", path, urls)
		}
		delete(urls, "https://bot.example.com"+path)
	}
	if len(urls) != 0 {
		t.Errorf("manifest URLs the adapter does not serve: %v", urls)
	}

	// The events it handles.
	for _, e := range []string{"app_home_opened", "member_joined_channel", "member_left_channel"} {
		if !slices.Contains(m.Settings.Events.BotEvents, e) {
			t.Errorf("bot event %s missing", e)
		}
	}

	// Run a session and check the scopes of every method it called.
	h.seed([]string{"maya"}, "P100")
	h.slash(seller, "invite @maya P100 15% samples=1 approval=manager", 1)
	h.slash(seller, "invite", 2)
	h.adapter.Wait()
	s := h.requestSample("maya", "P100")
	msg := h.approvalMessage(s.ID)
	h.interact("/slack/interactions", click(manager, fmt.Sprintf("approve:%d", s.ID), approvals, msg.TS, ""))
	h.post("/slack/events", eventCallback("Ev0M", homeOpened(manager)))
	h.drain()
	_, sender := newSender(t, time.Millisecond)
	o := outgoing("k", toSellers)
	o.Attempts = 1
	_, _ = sender.Send(t.Context(), o)
	called := map[string]bool{"conversations.history": true, "conversations.open": true}
	for _, c := range h.slack.allCalls() {
		called[c.Method] = true
	}
	for method := range called {
		need, known := methodScopes[method]
		if !known {
			t.Errorf("the session called %s, whose scope this test does not know", method)
			continue
		}
		if len(need) > 0 && !slices.ContainsFunc(need, func(s string) bool { return slices.Contains(m.OAuth.Scopes.Bot, s) }) {
			t.Errorf("%s needs one of %v; the manifest has %v", method, need, m.OAuth.Scopes.Bot)
		}
	}
	for _, s := range []string{"commands", "chat:write.public", "channels:read", "groups:read", "channels:history", "groups:history"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, s) {
			t.Errorf("scope %s missing", s)
		}
	}
}

func TestManifestSocketModeHasNoURLs(t *testing.T) {
	m := parseManifest(t, "", true)
	if !m.Settings.SocketMode {
		t.Error("socket_mode_enabled is not set")
	}
	if m.Features.SlashCommands[0].URL != "" || m.Settings.Events.URL != "" || m.Settings.Interactivity.URL != "" || m.Settings.Interactivity.OptionsURL != "" {
		t.Errorf("Socket Mode manifest names URLs: %+v", m)
	}
	if len(m.Settings.Events.BotEvents) != 3 || !m.Settings.Interactivity.Enabled {
		t.Errorf("events %v, interactivity %v", m.Settings.Events.BotEvents, m.Settings.Interactivity.Enabled)
	}
}
