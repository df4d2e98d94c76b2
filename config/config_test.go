package config_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/config"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// with returns a copy of base with extra set, so each case states only its difference.
func with(base map[string]string, extra map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

var (
	slackOn = map[string]string{
		"SLACK_BOT_TOKEN":         "xoxb-1-2-abc",
		"SLACK_SIGNING_SECRET":    "sign-secret-123",
		"SLACK_APPROVALS_CHANNEL": "C_APPROVALS",
		"SLACK_SELLERS_CHANNEL":   "C_SELLERS",
	}
	discordOn = map[string]string{
		"DISCORD_BOT_TOKEN":  "discord.bot.token",
		"DISCORD_APP_ID":     "100000000000000000",
		"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32),
	}
	tiktokOn = map[string]string{
		"TIKTOK_APP_KEY":    "29a39d",
		"TIKTOK_APP_SECRET": "tiktok-secret-xyz",
		"TIKTOK_SERVICE_ID": "7000000000000000001",
	}
)

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatalf("Load with an empty environment: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Addr", c.Addr, ":8080"},
		{"DB", c.DB, "collabbot.db"},
		{"TimeZoneName", c.TimeZoneName, "UTC"},
		{"TimeZone", c.TimeZone.String(), "UTC"},
		{"WeeklyInviteCap", c.WeeklyInviteCap, 500},
		{"LogLevel", c.LogLevel, slog.LevelInfo},
		{"LogFormat", c.LogFormat, "text"},
		{"RetryFor", c.RetryFor, 24 * time.Hour},
		{"Slack.APIURL", c.Slack.APIURL, "https://slack.com/api/"},
		{"Discord.APIURL", c.Discord.APIURL, "https://discord.com/api/v10/"},
		{"Discord.Gateway", c.Discord.Gateway, false},
		{"TikTok.APIURL", c.TikTok.APIURL, "https://open-api.tiktokglobalshop.com"},
		{"TikTok.AuthURL", c.TikTok.AuthURL, "https://auth.tiktok-shops.com"},
		{"TikTok.SyncEvery", c.TikTok.SyncEvery, 5 * time.Minute},
		{"SlackEnabled", c.SlackEnabled(), false},
		{"DiscordEnabled", c.DiscordEnabled(), false},
		{"DraftsEnabled", c.DraftsEnabled(), false},
		{"TikTokEnabled", c.TikTokEnabled(), false},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	if s := c.String(); !strings.Contains(s, "slack.bot_token=unset") || !strings.Contains(s, "openai.enabled=false") {
		t.Errorf("String() = %s, want unset secrets shown as unset", s)
	}
}

func TestLoadValid(t *testing.T) {
	all := with(with(with(slackOn, discordOn), tiktokOn), map[string]string{
		"COLLABBOT_ADDR":              "127.0.0.1:9090",
		"COLLABBOT_DB":                "postgres://bot:pw@db:5432/collab",
		"COLLABBOT_TIMEZONE":          "Europe/Paris",
		"COLLABBOT_WEEKLY_INVITE_CAP": "0",
		"COLLABBOT_LOG_LEVEL":         "DEBUG",
		"COLLABBOT_LOG_FORMAT":        "json",
		"SLACK_API_URL":               "http://127.0.0.1:9/api",
		"SLACK_MANAGERS":              " U_MGR1, U_MGR2 ,,",
		"DISCORD_API_URL":             "http://127.0.0.1:9/api/v10",
		"OPENAI_BASE_URL":             "http://localhost:11434/v1/",
		"OPENAI_MODEL":                "llama3.2",
		"TIKTOK_SYNC_EVERY":           "90s",
		"COLLABBOT_RETRY_FOR":         "36h",
	})
	c, err := config.Load(env(all))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.TimeZone.String() != "Europe/Paris" || c.WeeklyInviteCap != 0 || c.LogLevel != slog.LevelDebug || c.LogFormat != "json" {
		t.Errorf("general settings = %q %d %v %q", c.TimeZone, c.WeeklyInviteCap, c.LogLevel, c.LogFormat)
	}
	if c.Slack.APIURL != "http://127.0.0.1:9/api/" || c.Discord.APIURL != "http://127.0.0.1:9/api/v10/" {
		t.Errorf("API URLs not normalised to end in /: %q %q", c.Slack.APIURL, c.Discord.APIURL)
	}
	if fmt.Sprint(c.Slack.Managers) != "[U_MGR1 U_MGR2]" {
		t.Errorf("Slack.Managers = %q", c.Slack.Managers)
	}
	if len(c.Discord.PublicKey) != 32 || c.Discord.PublicKey[0] != 0xab {
		t.Errorf("Discord.PublicKey = %x", c.Discord.PublicKey)
	}
	if c.OpenAI.BaseURL != "http://localhost:11434/v1" || c.OpenAI.Model != "llama3.2" {
		t.Errorf("OpenAI = %+v", c.OpenAI)
	}
	if c.TikTok.SyncEvery != 90*time.Second {
		t.Errorf("TikTok.SyncEvery = %v", c.TikTok.SyncEvery)
	}
	if c.RetryFor != 36*time.Hour {
		t.Errorf("RetryFor = %v, want 36h", c.RetryFor)
	}
	if !c.SlackEnabled() || !c.DiscordEnabled() || !c.DraftsEnabled() || !c.TikTokEnabled() {
		t.Errorf("enabled = %v %v %v %v, want all true", c.SlackEnabled(), c.DiscordEnabled(), c.DraftsEnabled(), c.TikTokEnabled())
	}
}

func TestLoadAlternatives(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(config.Config) string
	}{
		{"slack socket mode needs no signing secret",
			with(slackOn, map[string]string{"SLACK_SIGNING_SECRET": "", "SLACK_APP_TOKEN": "xapp-1-A-1"}),
			func(c config.Config) string { return check(c.SlackEnabled(), "Slack off") }},
		{"discord gateway needs no public key",
			with(discordOn, map[string]string{"DISCORD_PUBLIC_KEY": "", "DISCORD_GATEWAY": "true"}),
			func(c config.Config) string {
				return check(c.Discord.Gateway && c.Discord.PublicKey == nil, "gateway not set")
			}},
		{"openai key alone uses OpenAI's API and a default model",
			map[string]string{"OPENAI_API_KEY": "sk-abc"},
			func(c config.Config) string {
				return check(c.DraftsEnabled() && c.OpenAI.BaseURL == config.DefaultOpenAIBaseURL && c.OpenAI.Model == config.DefaultOpenAIModel, fmt.Sprint(c.OpenAI))
			}},
		{"sqlite file DSN",
			map[string]string{"COLLABBOT_DB": "file:/var/lib/collab.db?_pragma=busy_timeout(5000)"},
			func(c config.Config) string { return check(strings.HasPrefix(c.DB, "file:"), c.DB) }},
		{"values are trimmed",
			map[string]string{"COLLABBOT_ADDR": " :9000\n"},
			func(c config.Config) string { return check(c.Addr == ":9000", c.Addr) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if msg := tt.check(c); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func check(ok bool, msg string) string {
	if ok {
		return ""
	}
	return msg
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // a line of the error
	}{
		{"unknown zone", map[string]string{"COLLABBOT_TIMEZONE": "Mars/Base"},
			`COLLABBOT_TIMEZONE: unknown time zone "Mars/Base"; use an IANA name like Europe/Paris`},
		{"local zone", map[string]string{"COLLABBOT_TIMEZONE": "Local"}, `COLLABBOT_TIMEZONE: unknown time zone "Local"`},
		{"addr without port", map[string]string{"COLLABBOT_ADDR": "localhost"}, "COLLABBOT_ADDR must be host:port"},
		{"addr bad port", map[string]string{"COLLABBOT_ADDR": ":http"}, "COLLABBOT_ADDR must be host:port"},
		{"addr port range", map[string]string{"COLLABBOT_ADDR": ":70000"}, "COLLABBOT_ADDR must be host:port"},
		{"db scheme", map[string]string{"COLLABBOT_DB": "mysql://u:p@h/db"}, "COLLABBOT_DB must be a SQLite path, a file: DSN or a postgres:// URL"},
		{"db postgres without host", map[string]string{"COLLABBOT_DB": "postgres:///db"}, "COLLABBOT_DB must be a valid postgres://"},
		{"invite cap negative", map[string]string{"COLLABBOT_WEEKLY_INVITE_CAP": "-1"}, "COLLABBOT_WEEKLY_INVITE_CAP must be a whole number >= 0"},
		{"invite cap text", map[string]string{"COLLABBOT_WEEKLY_INVITE_CAP": "lots"}, "COLLABBOT_WEEKLY_INVITE_CAP must be a whole number >= 0"},
		{"log level", map[string]string{"COLLABBOT_LOG_LEVEL": "verbose"}, "COLLABBOT_LOG_LEVEL must be debug, info, warn or error"},
		{"log format", map[string]string{"COLLABBOT_LOG_FORMAT": "xml"}, "COLLABBOT_LOG_FORMAT must be text or json"},

		{"slack approvals channel", with(slackOn, map[string]string{"SLACK_APPROVALS_CHANNEL": ""}),
			"SLACK_APPROVALS_CHANNEL is required when Slack is on (SLACK_BOT_TOKEN is set)"},
		{"slack sellers channel", with(slackOn, map[string]string{"SLACK_SELLERS_CHANNEL": ""}),
			"SLACK_SELLERS_CHANNEL is required when Slack is on (SLACK_BOT_TOKEN is set)"},
		{"slack channel name", with(slackOn, map[string]string{"SLACK_SELLERS_CHANNEL": "#sellers"}),
			"SLACK_SELLERS_CHANNEL must be a channel ID like C0123ABCD, not a channel name"},
		{"slack bot token prefix", with(slackOn, map[string]string{"SLACK_BOT_TOKEN": "xoxp-user"}), "SLACK_BOT_TOKEN must start with xoxb-"},
		{"slack app token prefix", with(slackOn, map[string]string{"SLACK_APP_TOKEN": "xoxb-wrong"}), "SLACK_APP_TOKEN must start with xapp-"},
		{"slack signing secret", with(slackOn, map[string]string{"SLACK_SIGNING_SECRET": ""}),
			"SLACK_SIGNING_SECRET is required when Slack is on (SLACK_BOT_TOKEN is set) unless SLACK_APP_TOKEN"},
		{"slack half pair", map[string]string{"SLACK_SIGNING_SECRET": "s"},
			"SLACK_SIGNING_SECRET is set but Slack is off: set SLACK_BOT_TOKEN too"},
		{"slack app token alone", map[string]string{"SLACK_APP_TOKEN": "xapp-1"},
			"SLACK_APP_TOKEN is set but Slack is off"},
		// A platform's secondary variables alone are a mistake (a token
		// forgotten, or a leftover), never a silent no-op.
		{"slack api url alone", map[string]string{"SLACK_API_URL": "http://127.0.0.1:9/api/"},
			"SLACK_API_URL is set but Slack is off: set SLACK_BOT_TOKEN too, or unset SLACK_API_URL"},
		{"slack managers alone", map[string]string{"SLACK_MANAGERS": "U1"}, "SLACK_MANAGERS is set but Slack is off"},
		{"slack managers by name", with(slackOn, map[string]string{"SLACK_MANAGERS": "U1,@maya"}),
			`SLACK_MANAGERS must be comma-separated Slack user IDs like U0123ABCD, got "@maya"`},
		{"slack managers by bare name", with(slackOn, map[string]string{"SLACK_MANAGERS": "U1,bob"}),
			`SLACK_MANAGERS must be comma-separated Slack user IDs like U0123ABCD, got "bob"`},
		{"slack api url relative", with(slackOn, map[string]string{"SLACK_API_URL": "/api/"}), "SLACK_API_URL must be an absolute http(s) URL"},
		{"slack api url scheme", with(slackOn, map[string]string{"SLACK_API_URL": "ftp://slack.com/api/"}), "SLACK_API_URL must be an absolute http(s) URL"},

		{"discord public key short", with(discordOn, map[string]string{"DISCORD_PUBLIC_KEY": "abcd"}), "DISCORD_PUBLIC_KEY must be 64 hex characters"},
		{"discord public key not hex", with(discordOn, map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("zz", 32)}), "DISCORD_PUBLIC_KEY must be 64 hex characters"},
		{"discord public key required", with(discordOn, map[string]string{"DISCORD_PUBLIC_KEY": ""}),
			"DISCORD_PUBLIC_KEY is required when Discord is on (DISCORD_BOT_TOKEN is set) unless DISCORD_GATEWAY=true"},
		{"discord app id required", with(discordOn, map[string]string{"DISCORD_APP_ID": ""}), "DISCORD_APP_ID is required when Discord is on"},
		{"discord app id numeric", with(discordOn, map[string]string{"DISCORD_APP_ID": "my-app"}), "DISCORD_APP_ID must be the numeric application ID"},
		{"discord token prefix", with(discordOn, map[string]string{"DISCORD_BOT_TOKEN": "Bot abc"}), "DISCORD_BOT_TOKEN must be the bare token"},
		{"discord gateway", with(discordOn, map[string]string{"DISCORD_GATEWAY": "yes"}), "DISCORD_GATEWAY must be true or false"},
		{"discord half pair", map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)}, "DISCORD_PUBLIC_KEY is set but Discord is off"},
		{"discord app id alone", map[string]string{"DISCORD_APP_ID": "1"}, "DISCORD_APP_ID is set but Discord is off"},
		{"discord gateway alone", map[string]string{"DISCORD_GATEWAY": "true"},
			"DISCORD_GATEWAY=true is set but Discord is off: set DISCORD_BOT_TOKEN too, or unset DISCORD_GATEWAY"},
		{"discord api url alone", map[string]string{"DISCORD_API_URL": "http://127.0.0.1:9/api/v10/"},
			"DISCORD_API_URL is set but Discord is off: set DISCORD_BOT_TOKEN too, or unset DISCORD_API_URL"},
		{"discord api url", with(discordOn, map[string]string{"DISCORD_API_URL": "discord.com/api"}), "DISCORD_API_URL must be an absolute http(s) URL"},

		{"openai model required with base url", map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1"},
			"OPENAI_MODEL is required when OPENAI_BASE_URL is set"},
		{"openai model alone", map[string]string{"OPENAI_MODEL": "gpt-x"}, "OPENAI_MODEL is set but drafts are off"},
		{"openai base url", map[string]string{"OPENAI_BASE_URL": "localhost:11434", "OPENAI_MODEL": "m"}, "OPENAI_BASE_URL must be an absolute http(s) URL"},

		{"retry for short", map[string]string{"COLLABBOT_RETRY_FOR": "30s"}, "COLLABBOT_RETRY_FOR must be a duration like 24h or 90m, from 1m to 720h (30 days)"},
		{"retry for long", map[string]string{"COLLABBOT_RETRY_FOR": "721h"}, "COLLABBOT_RETRY_FOR must be a duration like 24h or 90m, from 1m to 720h (30 days)"},
		{"keep sent short", map[string]string{"COLLABBOT_KEEP_SENT": "5m"}, "COLLABBOT_KEEP_SENT must be a duration like 168h, from 1h to 8760h"},
		{"keep sent unitless", map[string]string{"COLLABBOT_KEEP_SENT": "7"}, `COLLABBOT_KEEP_SENT must be a duration like 168h, from 1h to 8760h (a year), or 0 to keep sent messages forever, got "7"`},
		{"retry for unitless", map[string]string{"COLLABBOT_RETRY_FOR": "24"}, `COLLABBOT_RETRY_FOR must be a duration like 24h or 90m, from 1m to 720h (30 days), got "24"`},

		{"tiktok sync short", with(tiktokOn, map[string]string{"TIKTOK_SYNC_EVERY": "30s"}), "TIKTOK_SYNC_EVERY must be a duration like 5m, at least 1m"},
		{"tiktok sync unitless", with(tiktokOn, map[string]string{"TIKTOK_SYNC_EVERY": "5"}), "TIKTOK_SYNC_EVERY must be a duration like 5m, at least 1m"},
		{"tiktok secret required", with(tiktokOn, map[string]string{"TIKTOK_APP_SECRET": ""}), "TIKTOK_APP_SECRET is required when TikTok sync is on"},
		{"tiktok service id required", with(tiktokOn, map[string]string{"TIKTOK_SERVICE_ID": ""}), "TIKTOK_SERVICE_ID is required when TikTok sync is on"},
		{"tiktok half pair", map[string]string{"TIKTOK_APP_SECRET": "s"}, "TIKTOK_APP_SECRET is set but TikTok sync is off"},
		{"tiktok api url alone", map[string]string{"TIKTOK_API_URL": "http://127.0.0.1:9"},
			"TIKTOK_API_URL is set but TikTok sync is off: set TIKTOK_APP_KEY too, or unset TIKTOK_API_URL"},
		{"tiktok auth url alone", map[string]string{"TIKTOK_AUTH_URL": "http://127.0.0.1:9"},
			"TIKTOK_AUTH_URL is set but TikTok sync is off: set TIKTOK_APP_KEY too, or unset TIKTOK_AUTH_URL"},
		{"tiktok sync every alone", map[string]string{"TIKTOK_SYNC_EVERY": "10m"},
			"TIKTOK_SYNC_EVERY is set but TikTok sync is off: set TIKTOK_APP_KEY too, or unset TIKTOK_SYNC_EVERY"},
		{"tiktok api url", with(tiktokOn, map[string]string{"TIKTOK_API_URL": "open-api"}), "TIKTOK_API_URL must be an absolute http(s) URL"},
		{"tiktok auth url", with(tiktokOn, map[string]string{"TIKTOK_AUTH_URL": "://"}), "TIKTOK_AUTH_URL must be an absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(env(tt.env))
			if err == nil {
				t.Fatalf("Load succeeded, want an error containing %q", tt.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != 1 {
				t.Errorf("want exactly one problem, got %d:\n%v", len(lines), err)
			}
			if !strings.Contains(lines[0], tt.want) {
				t.Errorf("error = %q, want it to contain %q", lines[0], tt.want)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"COLLABBOT_ADDR":      "nope",
		"COLLABBOT_TIMEZONE":  "Mars/Base",
		"SLACK_BOT_TOKEN":     "xoxb-1",
		"SLACK_API_URL":       "slack",
		"TIKTOK_SYNC_EVERY":   "1s", // with TikTok off, only "is set but TikTok sync is off"
		"COLLABBOT_LOG_LEVEL": "loud",
	}))
	if err == nil {
		t.Fatal("Load succeeded")
	}
	lines := strings.Split(err.Error(), "\n")
	for _, name := range []string{
		"COLLABBOT_ADDR", "COLLABBOT_TIMEZONE", "COLLABBOT_LOG_LEVEL", "SLACK_API_URL",
		"SLACK_SIGNING_SECRET", "SLACK_APPROVALS_CHANNEL", "SLACK_SELLERS_CHANNEL", "TIKTOK_SYNC_EVERY",
	} {
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, name) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d lines start with it, want 1; error:\n%v", name, n, err)
		}
	}
	if len(lines) != 8 {
		t.Errorf("got %d lines, want 8:\n%v", len(lines), err)
	}
}

func TestSecretsNeverShown(t *testing.T) {
	secrets := map[string]string{
		"SLACK_SIGNING_SECRET": "sigsecret-AAAA",
		"SLACK_BOT_TOKEN":      "xoxb-BBBB",
		"SLACK_APP_TOKEN":      "xapp-CCCC",
		"DISCORD_BOT_TOKEN":    "discord-DDDD",
		"OPENAI_API_KEY":       "sk-EEEE",
		"TIKTOK_APP_SECRET":    "tiktok-FFFF",
		"COLLABBOT_DB":         "postgres://bot:pg-GGGG@db/collab?password=pg-HHHH",
	}
	e := with(with(with(slackOn, discordOn), tiktokOn), secrets)
	c, err := config.Load(env(e))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "config", c)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("config", "config", c)
	outputs := map[string]string{
		"text log": text.String(),
		"json log": js.String(),
		"%v":       fmt.Sprintf("%v", c),
		"%+v":      fmt.Sprintf("%+v", c),
		"%#v":      fmt.Sprintf("%#v", c),
	}
	for how, out := range outputs {
		for _, s := range []string{"AAAA", "BBBB", "CCCC", "DDDD", "EEEE", "FFFF", "GGGG", "HHHH"} {
			if strings.Contains(out, s) {
				t.Errorf("%s shows secret %q:\n%s", how, s, out)
			}
		}
	}
	for _, want := range []string{
		"config.slack.bot_token=set", "config.slack.app_token=set", "config.openai.api_key=set",
		"config.slack.approvals_channel=C_APPROVALS", "config.timezone=UTC", "config.db=postgres://bot:xxxxx@db/collab",
		"config.tiktok.sync_every=5m0s", "config.discord.enabled=true",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text log lacks %q:\n%s", want, text.String())
		}
	}

	// A bad secret is reported by name, never echoed.
	_, err = config.Load(env(with(slackOn, map[string]string{"SLACK_BOT_TOKEN": "xoxp-IIII", "SLACK_APP_TOKEN": "xoxb-JJJJ"})))
	if err == nil || strings.Contains(err.Error(), "IIII") || strings.Contains(err.Error(), "JJJJ") {
		t.Errorf("error echoes a token: %v", err)
	}
}

// FuzzLoad checks that any environment yields either a config or an error
// whose every line names a variable, and that a token never echoes back.
func FuzzLoad(f *testing.F) {
	f.Add(":8080", "UTC", "xoxb-1", strings.Repeat("ab", 32), "https://slack.com/api/", "5m", "C1")
	f.Add("", "Mars/Base", "secret-token", "zz", "::", "-1h", "#general")
	f.Fuzz(func(t *testing.T, addr, tz, token, key, apiURL, every, channel string) {
		e := map[string]string{
			"COLLABBOT_ADDR": addr, "COLLABBOT_TIMEZONE": tz, "SLACK_BOT_TOKEN": token,
			"DISCORD_PUBLIC_KEY": key, "SLACK_API_URL": apiURL, "TIKTOK_SYNC_EVERY": every,
			"SLACK_APPROVALS_CHANNEL": channel,
		}
		c, err := config.Load(env(e))
		if err == nil {
			if c.TimeZone == nil || !strings.HasSuffix(c.Slack.APIURL, "/") {
				t.Fatalf("valid config with zone %v, Slack API URL %q", c.TimeZone, c.Slack.APIURL)
			}
			return
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			name, _, _ := strings.Cut(line, " ")
			name = strings.TrimSuffix(name, ":")
			if _, ok := e[name]; !ok && !strings.HasPrefix(name, "SLACK_") && !strings.HasPrefix(name, "DISCORD_") {
				t.Fatalf("error line names no variable: %q", line)
			}
		}
		secret := strings.TrimSpace(token)
		if len(secret) < 8 {
			return
		}
		for k, v := range e {
			if k != "SLACK_BOT_TOKEN" && strings.Contains(v, secret) {
				return
			}
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error echoes SLACK_BOT_TOKEN: %v", err)
		}
	})
}

func TestRedactedDB(t *testing.T) {
	for in, want := range map[string]string{
		"collabbot.db": "collabbot.db",
		"postgres://app:s3cret@db:5432/collab?sslmode=require&password=x": "postgres://app:xxxxx@db:5432/collab",
	} {
		c := config.Config{DB: in}
		if got := c.RedactedDB(); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("RedactedDB(%q) = %q, want %q", in, got, want)
		}
	}
}

// A bad URL's error never repeats a password or token it carries.
func TestURLErrorsHideSecrets(t *testing.T) {
	for _, v := range []string{"ftp://user:hunter2@proxy/api?token=xoxb-SECRET", "http://[::1:hunter2", "slack.com/api?token=xoxb-SECRET"} {
		_, err := config.Load(func(k string) string {
			if k == "SLACK_API_URL" {
				return v
			}
			return map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_APPROVALS_CHANNEL": "C1", "SLACK_SELLERS_CHANNEL": "C2"}[k]
		})
		if err == nil || !strings.Contains(err.Error(), "SLACK_API_URL") {
			t.Fatalf("Load with SLACK_API_URL=%q: %v", v, err)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("error shows a secret: %v", err)
		}
	}
	if got := (config.Config{DB: "file:/data/c.db?_pragma=key('s3cret')"}).RedactedDB(); strings.Contains(got, "s3cret") {
		t.Errorf("RedactedDB = %q", got)
	}
}

// COLLABBOT_KEEP_SENT defaults to a week and 0 keeps sent messages forever.
func TestKeepSent(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want time.Duration
	}{{"", 7 * 24 * time.Hour}, {"0", 0}, {"48h", 48 * time.Hour}} {
		cfg, err := config.Load(func(k string) string {
			if k == "COLLABBOT_KEEP_SENT" {
				return tc.env
			}
			return ""
		})
		if err != nil || cfg.KeepSent != tc.want {
			t.Errorf("COLLABBOT_KEEP_SENT=%q: %v, %v; want %v", tc.env, cfg.KeepSent, err, tc.want)
		}
	}
}

// The reminder settings: defaults, every variable read, and one clear line
// per problem naming the variable and what it accepts.
func TestRemind(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r := c.Remind
	wantSpecs := map[string]string{"nudge": "0 10 * * *", "approvals": "0 9 * * 1-5", "shipping": "0 9 * * 1-5", "content": "0 10 * * *",
		"overdue": "0 9 * * 1-5", "plans": "0 9 * * *", "digest": "0 9 * * 1"}
	if fmt.Sprint(r.Specs) != fmt.Sprint(wantSpecs) {
		t.Errorf("default specs = %v, want %v", r.Specs, wantSpecs)
	}
	if r.NudgeAfter != 72*time.Hour || r.NudgeMax != 2 || r.ApprovalsAfter != 24*time.Hour || r.ShippingAfter != 48*time.Hour || r.PlansAhead != 72*time.Hour || r.Quiet.String() != "21:00-09:00" {
		t.Errorf("default thresholds = %+v", r)
	}

	c, err = config.Load(env(map[string]string{
		"COLLABBOT_REMIND_NUDGE": "30 8 * * *", "COLLABBOT_REMIND_DIGEST": "off", "COLLABBOT_REMIND_PLANS": "CRON_TZ=Asia/Tokyo 0 9 * * *",
		"COLLABBOT_REMIND_NUDGE_AFTER": "48h", "COLLABBOT_REMIND_NUDGE_MAX": "0", "COLLABBOT_REMIND_APPROVALS_AFTER": "6h",
		"COLLABBOT_REMIND_SHIPPING_AFTER": "24h", "COLLABBOT_REMIND_PLANS_AHEAD": "168h", "COLLABBOT_REMIND_QUIET": "22:30-07:15",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r = c.Remind
	if r.Specs["nudge"] != "30 8 * * *" || r.Specs["plans"] != "CRON_TZ=Asia/Tokyo 0 9 * * *" {
		t.Errorf("specs = %v", r.Specs)
	}
	if _, on := r.Specs["digest"]; on {
		t.Errorf("digest=off still scheduled: %v", r.Specs)
	}
	if r.NudgeAfter != 48*time.Hour || r.NudgeMax != 0 || r.ApprovalsAfter != 6*time.Hour || r.ShippingAfter != 24*time.Hour || r.PlansAhead != 168*time.Hour || r.Quiet.String() != "22:30-07:15" {
		t.Errorf("thresholds = %+v", r)
	}
	if s := c.String(); !strings.Contains(s, "remind.digest=off") || !strings.Contains(s, "remind.quiet=22:30-07:15") {
		t.Errorf("String() = %s, want the reminder settings", s)
	}

	for _, tc := range []struct{ name, value, want string }{
		{"COLLABBOT_REMIND_NUDGE", "every day", `COLLABBOT_REMIND_NUDGE must be a cron spec like "0 10 * * *" (minute hour day-of-month month day-of-week) or off, got "every day"`},
		{"COLLABBOT_REMIND_DIGEST", "0 9 * * 8", `COLLABBOT_REMIND_DIGEST must be a cron spec like "0 9 * * 1"`},
		{"COLLABBOT_REMIND_CONTENT", "0 0 10 * * *", `COLLABBOT_REMIND_CONTENT must be a cron spec`}, // six fields: seconds are not standard
		{"COLLABBOT_REMIND_NUDGE_AFTER", "3d", `COLLABBOT_REMIND_NUDGE_AFTER must be a duration like 72h, from 1h to 720h, got "3d"`},
		{"COLLABBOT_REMIND_NUDGE_AFTER", "30m", `COLLABBOT_REMIND_NUDGE_AFTER must be a duration`},
		{"COLLABBOT_REMIND_APPROVALS_AFTER", "168h", `COLLABBOT_REMIND_APPROVALS_AFTER must be a duration like 24h, from 1h to 167h (requests expire after 7 days)`},
		{"COLLABBOT_REMIND_SHIPPING_AFTER", "-1h", `COLLABBOT_REMIND_SHIPPING_AFTER must be a duration`},
		{"COLLABBOT_REMIND_PLANS_AHEAD", "721h", `COLLABBOT_REMIND_PLANS_AHEAD must be a duration`},
		{"COLLABBOT_REMIND_NUDGE_MAX", "5", `COLLABBOT_REMIND_NUDGE_MAX must be a whole number from 0 to 4`},
		{"COLLABBOT_REMIND_NUDGE_MAX", "two", `COLLABBOT_REMIND_NUDGE_MAX must be a whole number from 0 to 4`},
		{"COLLABBOT_REMIND_QUIET", "9pm-9am", `COLLABBOT_REMIND_QUIET: Quiet hours must be two times like 21:00-09:00`},
		{"COLLABBOT_REMIND_QUIET", "09:00-09:00", `COLLABBOT_REMIND_QUIET: Quiet hours must start and end at different times`},
	} {
		_, err := config.Load(env(map[string]string{tc.name: tc.value}))
		if err == nil {
			t.Errorf("%s=%q: Load succeeded", tc.name, tc.value)
			continue
		}
		if lines := strings.Split(err.Error(), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], tc.want) {
			t.Errorf("%s=%q: error %q, want one line starting %q", tc.name, tc.value, err, tc.want)
		}
	}
}
