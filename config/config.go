// Package config owns collabbot's deployment settings: it reads the
// environment variables of PRODUCT.md's configuration table, applies their
// defaults, validates them all at once, and renders them for logs with every
// secret reduced to "set" or "unset".
//
// Beyond the contract's table it reads four operational settings:
// COLLABBOT_WEEKLY_INVITE_CAP (new invitations a week, 0 = no cap, default
// 500), COLLABBOT_LOG_LEVEL (debug, info, warn or error; default info),
// COLLABBOT_LOG_FORMAT (text or json; default text) and COLLABBOT_RETRY_FOR
// (how long delivery retries a message through temporary errors, 1m to
// 720h; default 24h).
// The reminder jobs' schedules and thresholds (COLLABBOT_REMIND_*) are in remind.go.
package config

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	// The release binary is static and may run in a container without
	// /usr/share/zoneinfo; embedding the database keeps COLLABBOT_TIMEZONE working there.
	_ "time/tzdata"
)

// Defaults of the configuration table.
const (
	DefaultAddr            = ":8080"
	DefaultDB              = "collabbot.db"
	DefaultTimeZone        = "UTC"
	DefaultSlackAPIURL     = "https://slack.com/api/"
	DefaultDiscordAPIURL   = "https://discord.com/api/v10/"
	DefaultOpenAIBaseURL   = "https://api.openai.com/v1"
	DefaultOpenAIModel     = "gpt-4o-mini"
	DefaultTikTokAPIURL    = "https://open-api.tiktokglobalshop.com"
	DefaultTikTokAuthURL   = "https://auth.tiktok-shops.com"
	DefaultTikTokSyncEvery = 5 * time.Minute
	DefaultWeeklyInviteCap = 500
	DefaultLogFormat       = "text"
	DefaultRetryFor        = 24 * time.Hour
	DefaultKeepSent        = 7 * 24 * time.Hour
	MaxKeepSent            = 365 * 24 * time.Hour
)

// COLLABBOT_RETRY_FOR's range: under a minute a blip loses messages; past
// 30 days nobody is waiting for them any more.
const (
	MinRetryFor = time.Minute
	MaxRetryFor = 30 * 24 * time.Hour
)

// MinTikTokSyncEvery keeps the pull loop well inside TikTok's per-app quotas.
const MinTikTokSyncEvery = time.Minute

// Config is one deployment's settings, as Load validated them.
type Config struct {
	Addr string // COLLABBOT_ADDR, host:port
	DB   string // COLLABBOT_DB: SQLite path, file: DSN or postgres:// URL

	TimeZoneName string         // COLLABBOT_TIMEZONE as given (IANA name)
	TimeZone     *time.Location // the loaded zone; never nil after Load

	WeeklyInviteCap int        // COLLABBOT_WEEKLY_INVITE_CAP; 0 means no cap
	LogLevel        slog.Level // COLLABBOT_LOG_LEVEL
	LogFormat       string     // COLLABBOT_LOG_FORMAT: "text" or "json"
	// RetryFor is COLLABBOT_RETRY_FOR: how long a message is retried through
	// temporary errors, from its first attempt, before it fails for good.
	RetryFor time.Duration
	// KeepSent is COLLABBOT_KEEP_SENT: how long a sent message's content is
	// kept; after it only its key and provider reference remain (what
	// deduplication and later edits need). 0 keeps it forever.
	KeepSent time.Duration

	// Remind is the reminder jobs' schedules and thresholds (COLLABBOT_REMIND_*).
	Remind Remind

	Slack   Slack
	Discord Discord
	OpenAI  OpenAI
	TikTok  TikTok
}

// Slack is on when BotToken is set; with AppToken it uses Socket Mode.
type Slack struct {
	SigningSecret    string   // SLACK_SIGNING_SECRET (secret)
	BotToken         string   // SLACK_BOT_TOKEN, xoxb- (secret)
	AppToken         string   // SLACK_APP_TOKEN, xapp- (secret)
	APIURL           string   // SLACK_API_URL, always ends in "/" as slack-go requires
	ApprovalsChannel string   // SLACK_APPROVALS_CHANNEL, a channel ID
	SellersChannel   string   // SLACK_SELLERS_CHANNEL, a channel ID
	Managers         []string // SLACK_MANAGERS, user IDs
}

// Discord is on when BotToken is set; with Gateway it needs no public key.
type Discord struct {
	PublicKeyHex string            // DISCORD_PUBLIC_KEY as given
	PublicKey    ed25519.PublicKey // decoded; nil when unset
	BotToken     string            // DISCORD_BOT_TOKEN, without "Bot " (secret)
	AppID        string            // DISCORD_APP_ID, a snowflake
	APIURL       string            // DISCORD_API_URL, always ends in "/"
	Gateway      bool              // DISCORD_GATEWAY
}

// OpenAI is on when APIKey or BaseURL is set (a local server may need no key).
type OpenAI struct {
	APIKey  string // OPENAI_API_KEY (secret)
	BaseURL string // OPENAI_BASE_URL without a trailing "/"; OpenAI's own when only the key is set
	Model   string // OPENAI_MODEL; required with a custom BaseURL
}

// TikTok is on when AppKey is set.
type TikTok struct {
	AppKey    string        // TIKTOK_APP_KEY
	AppSecret string        // TIKTOK_APP_SECRET (secret)
	ServiceID string        // TIKTOK_SERVICE_ID
	APIURL    string        // TIKTOK_API_URL without a trailing "/"
	AuthURL   string        // TIKTOK_AUTH_URL without a trailing "/"
	SyncEvery time.Duration // TIKTOK_SYNC_EVERY
}

// SlackEnabled reports whether the Slack adapter should run.
func (c Config) SlackEnabled() bool { return c.Slack.BotToken != "" }

// DiscordEnabled reports whether the Discord adapter should run.
func (c Config) DiscordEnabled() bool { return c.Discord.BotToken != "" }

// DraftsEnabled reports whether invitation messages may be drafted by an LLM;
// otherwise templates are used.
func (c Config) DraftsEnabled() bool { return c.OpenAI.APIKey != "" || c.OpenAI.BaseURL != "" }

// TikTokEnabled reports whether a TikTok Shop app is configured for sync.
func (c Config) TikTokEnabled() bool { return c.TikTok.AppKey != "" }

// LogValue renders every setting for a start-up log line. Secrets appear only
// as "set" or "unset", and a database URL loses its password and query (where
// PostgreSQL parameters such as password= may hide).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("db", redactDSN(c.DB)),
		slog.String("timezone", c.TimeZoneName),
		slog.Int("weekly_invite_cap", c.WeeklyInviteCap),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.Duration("retry_for", c.RetryFor),
		slog.Duration("keep_sent", c.KeepSent),
		slog.Attr{Key: "remind", Value: c.Remind.remindLogValue()},
		slog.Group("slack",
			slog.Bool("enabled", c.SlackEnabled()),
			slog.String("signing_secret", setOrUnset(c.Slack.SigningSecret)),
			slog.String("bot_token", setOrUnset(c.Slack.BotToken)),
			slog.String("app_token", setOrUnset(c.Slack.AppToken)),
			slog.String("api_url", redactURL(c.Slack.APIURL)),
			slog.String("approvals_channel", c.Slack.ApprovalsChannel),
			slog.String("sellers_channel", c.Slack.SellersChannel),
			slog.String("managers", strings.Join(c.Slack.Managers, ",")),
		),
		slog.Group("discord",
			slog.Bool("enabled", c.DiscordEnabled()),
			slog.String("public_key", c.Discord.PublicKeyHex),
			slog.String("bot_token", setOrUnset(c.Discord.BotToken)),
			slog.String("app_id", c.Discord.AppID),
			slog.String("api_url", redactURL(c.Discord.APIURL)),
			slog.Bool("gateway", c.Discord.Gateway),
		),
		slog.Group("openai",
			slog.Bool("enabled", c.DraftsEnabled()),
			slog.String("api_key", setOrUnset(c.OpenAI.APIKey)),
			slog.String("base_url", redactURL(c.OpenAI.BaseURL)),
			slog.String("model", c.OpenAI.Model),
		),
		slog.Group("tiktok",
			slog.Bool("enabled", c.TikTokEnabled()),
			slog.String("app_key", c.TikTok.AppKey),
			slog.String("app_secret", setOrUnset(c.TikTok.AppSecret)),
			slog.String("service_id", c.TikTok.ServiceID),
			slog.String("api_url", redactURL(c.TikTok.APIURL)),
			slog.String("auth_url", redactURL(c.TikTok.AuthURL)),
			slog.Duration("sync_every", c.TikTok.SyncEvery),
		),
	)
}

// String and GoString keep secrets out of fmt's %v, %+v and %#v too.
func (c Config) String() string {
	var b strings.Builder
	for i, a := range flatten("", c.LogValue()) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a)
	}
	return b.String()
}

// GoString: see String.
func (c Config) GoString() string { return "config.Config{" + c.String() + "}" }

func flatten(prefix string, v slog.Value) []string {
	var out []string
	for _, a := range v.Group() {
		if a.Value.Kind() == slog.KindGroup {
			out = append(out, flatten(prefix+a.Key+".", a.Value)...)
			continue
		}
		out = append(out, prefix+a.Key+"="+a.Value.String())
	}
	return out
}

func setOrUnset(secret string) string {
	if secret == "" {
		return "unset"
	}
	return "set"
}

func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "invalid URL"
	}
	u.RawQuery, u.Fragment = "", ""
	return u.Redacted()
}

// RedactedDB is COLLABBOT_DB fit for logs and messages: a URL's password
// and query are removed.
func (c Config) RedactedDB() string { return redactDSN(c.DB) }

func redactDSN(dsn string) string {
	if strings.Contains(dsn, "://") {
		return redactURL(dsn)
	}
	// A file: DSN's query holds driver options, and could hold a key.
	path, _, _ := strings.Cut(dsn, "?")
	return path
}

// problems collects every validation failure so an operator fixes the whole
// environment in one round instead of one variable per restart.
type problems []string

func (p *problems) addf(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return errors.New(strings.Join(p, "\n"))
}

// Load reads the settings through getenv (os.Getenv in production), applies
// defaults and validates everything. The error, if any, lists every problem,
// one a line, each naming the variable and what it accepts.
func Load(getenv func(string) string) (Config, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	var p problems
	c := Config{
		Addr:         orDefault(get("COLLABBOT_ADDR"), DefaultAddr),
		DB:           orDefault(get("COLLABBOT_DB"), DefaultDB),
		TimeZoneName: orDefault(get("COLLABBOT_TIMEZONE"), DefaultTimeZone),
		LogFormat:    strings.ToLower(orDefault(get("COLLABBOT_LOG_FORMAT"), DefaultLogFormat)),
	}

	checkAddr(&p, c.Addr)
	checkDB(&p, c.DB)
	c.TimeZone = loadZone(&p, c.TimeZoneName)

	c.WeeklyInviteCap = DefaultWeeklyInviteCap
	if v := get("COLLABBOT_WEEKLY_INVITE_CAP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			p.addf("COLLABBOT_WEEKLY_INVITE_CAP must be a whole number >= 0 (0 means no cap), got %q", v)
		}
		c.WeeklyInviteCap = n
	}
	switch v := strings.ToLower(get("COLLABBOT_LOG_LEVEL")); v {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		p.addf("COLLABBOT_LOG_LEVEL must be debug, info, warn or error, got %q", v)
	}
	c.KeepSent = DefaultKeepSent
	if v := get("COLLABBOT_KEEP_SENT"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil || (d != 0 && (d < time.Hour || d > MaxKeepSent)):
			p.addf("COLLABBOT_KEEP_SENT must be a duration like 168h, from 1h to 8760h (a year), or 0 to keep sent messages forever, got %q", v)
		default:
			c.KeepSent = d
		}
	}
	c.RetryFor = DefaultRetryFor
	if v := get("COLLABBOT_RETRY_FOR"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < MinRetryFor || d > MaxRetryFor {
			p.addf("COLLABBOT_RETRY_FOR must be a duration like 24h or 90m, from 1m to 720h (30 days), got %q", v)
		} else {
			c.RetryFor = d
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		p.addf("COLLABBOT_LOG_FORMAT must be text or json, got %q", c.LogFormat)
	}

	c.Remind = loadRemind(&p, get)
	c.Slack = loadSlack(&p, get)
	c.Discord = loadDiscord(&p, get)
	c.OpenAI = loadOpenAI(&p, get)
	c.TikTok = loadTikTok(&p, get)
	return c, p.err()
}

func loadSlack(p *problems, get func(string) string) Slack {
	s := Slack{
		SigningSecret:    get("SLACK_SIGNING_SECRET"),
		BotToken:         get("SLACK_BOT_TOKEN"),
		AppToken:         get("SLACK_APP_TOKEN"),
		APIURL:           DefaultSlackAPIURL,
		ApprovalsChannel: get("SLACK_APPROVALS_CHANNEL"),
		SellersChannel:   get("SLACK_SELLERS_CHANNEL"),
		Managers:         splitList(get("SLACK_MANAGERS")),
	}
	if s.BotToken == "" {
		for _, v := range []struct{ name, value string }{
			{"SLACK_SIGNING_SECRET", s.SigningSecret},
			{"SLACK_APP_TOKEN", s.AppToken},
			{"SLACK_APPROVALS_CHANNEL", s.ApprovalsChannel},
			{"SLACK_SELLERS_CHANNEL", s.SellersChannel},
			{"SLACK_MANAGERS", strings.Join(s.Managers, ",")},
			{"SLACK_API_URL", get("SLACK_API_URL")},
		} {
			if v.value != "" {
				p.addf("%s is set but Slack is off: set SLACK_BOT_TOKEN too, or unset %s", v.name, v.name)
			}
		}
		return s
	}
	// Checked only when Slack is on: off, the one problem is that it is set.
	s.APIURL = httpURL(p, "SLACK_API_URL", orDefault(get("SLACK_API_URL"), DefaultSlackAPIURL), true)
	if !strings.HasPrefix(s.BotToken, "xoxb-") {
		p.addf("SLACK_BOT_TOKEN must start with xoxb- (the Bot User OAuth Token)")
	}
	if s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-") {
		p.addf("SLACK_APP_TOKEN must start with xapp- (an app-level token with connections:write)")
	}
	if s.SigningSecret == "" && s.AppToken == "" {
		p.addf("SLACK_SIGNING_SECRET is required when Slack is on (SLACK_BOT_TOKEN is set) unless SLACK_APP_TOKEN selects Socket Mode")
	}
	checkChannel(p, "SLACK_APPROVALS_CHANNEL", s.ApprovalsChannel)
	checkChannel(p, "SLACK_SELLERS_CHANNEL", s.SellersChannel)
	for _, m := range s.Managers {
		// Slack user IDs start with U (or W on Enterprise Grid): a name
		// like "bob" would never match anyone, silently.
		if strings.HasPrefix(m, "@") || strings.ContainsAny(m, " \t") || !strings.ContainsAny(m[:1], "UW") {
			p.addf("SLACK_MANAGERS must be comma-separated Slack user IDs like U0123ABCD, got %q", m)
		}
	}
	return s
}

func checkChannel(p *problems, name, v string) {
	switch {
	case v == "":
		p.addf("%s is required when Slack is on (SLACK_BOT_TOKEN is set): a channel ID like C0123ABCD", name)
	case strings.HasPrefix(v, "#") || strings.ContainsAny(v, " \t"):
		p.addf("%s must be a channel ID like C0123ABCD, not a channel name, got %q", name, v)
	}
}

func loadDiscord(p *problems, get func(string) string) Discord {
	d := Discord{
		PublicKeyHex: get("DISCORD_PUBLIC_KEY"),
		BotToken:     get("DISCORD_BOT_TOKEN"),
		AppID:        get("DISCORD_APP_ID"),
		APIURL:       DefaultDiscordAPIURL,
	}
	if v := get("DISCORD_GATEWAY"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			p.addf("DISCORD_GATEWAY must be true or false, got %q", v)
		}
		d.Gateway = b
	}
	if d.PublicKeyHex != "" {
		key, err := hex.DecodeString(d.PublicKeyHex)
		if err != nil || len(key) != ed25519.PublicKeySize {
			p.addf("DISCORD_PUBLIC_KEY must be 64 hex characters (the application's public key), got %d characters", len(d.PublicKeyHex))
		} else {
			d.PublicKey = ed25519.PublicKey(key)
		}
	}
	if d.BotToken == "" {
		for _, v := range []struct{ name, value string }{
			{"DISCORD_PUBLIC_KEY", d.PublicKeyHex},
			{"DISCORD_APP_ID", d.AppID},
			{"DISCORD_API_URL", get("DISCORD_API_URL")},
		} {
			if v.value != "" {
				p.addf("%s is set but Discord is off: set DISCORD_BOT_TOKEN too, or unset %s", v.name, v.name)
			}
		}
		// DISCORD_GATEWAY=false is what off means anyway; only asking for
		// the gateway without a bot is a mistake.
		if d.Gateway {
			p.addf("DISCORD_GATEWAY=true is set but Discord is off: set DISCORD_BOT_TOKEN too, or unset DISCORD_GATEWAY")
		}
		return d
	}
	d.APIURL = httpURL(p, "DISCORD_API_URL", orDefault(get("DISCORD_API_URL"), DefaultDiscordAPIURL), true)
	if strings.HasPrefix(strings.ToLower(d.BotToken), "bot ") {
		p.addf(`DISCORD_BOT_TOKEN must be the bare token, without the "Bot " prefix`)
	}
	switch {
	case d.AppID == "":
		p.addf("DISCORD_APP_ID is required when Discord is on (DISCORD_BOT_TOKEN is set)")
	case !isDigits(d.AppID):
		p.addf("DISCORD_APP_ID must be the numeric application ID, got %q", d.AppID)
	}
	if d.PublicKeyHex == "" && !d.Gateway {
		p.addf("DISCORD_PUBLIC_KEY is required when Discord is on (DISCORD_BOT_TOKEN is set) unless DISCORD_GATEWAY=true")
	}
	return d
}

func loadOpenAI(p *problems, get func(string) string) OpenAI {
	o := OpenAI{APIKey: get("OPENAI_API_KEY"), Model: get("OPENAI_MODEL")}
	base := get("OPENAI_BASE_URL")
	switch {
	case base != "":
		// go-openai appends "/chat/completions" to the base as given.
		o.BaseURL = strings.TrimRight(httpURL(p, "OPENAI_BASE_URL", base, false), "/")
		if o.Model == "" {
			p.addf("OPENAI_MODEL is required when OPENAI_BASE_URL is set (the server decides which models exist)")
		}
	case o.APIKey != "":
		o.BaseURL = DefaultOpenAIBaseURL
		if o.Model == "" {
			o.Model = DefaultOpenAIModel
		}
	case o.Model != "":
		p.addf("OPENAI_MODEL is set but drafts are off: set OPENAI_API_KEY or OPENAI_BASE_URL too, or unset OPENAI_MODEL")
	}
	return o
}

func loadTikTok(p *problems, get func(string) string) TikTok {
	t := TikTok{
		AppKey:    get("TIKTOK_APP_KEY"),
		AppSecret: get("TIKTOK_APP_SECRET"),
		ServiceID: get("TIKTOK_SERVICE_ID"),
		APIURL:    DefaultTikTokAPIURL,
		AuthURL:   DefaultTikTokAuthURL,
		SyncEvery: DefaultTikTokSyncEvery,
	}
	if t.AppKey == "" {
		for _, v := range []struct{ name, value string }{
			{"TIKTOK_APP_SECRET", t.AppSecret},
			{"TIKTOK_SERVICE_ID", t.ServiceID},
			{"TIKTOK_API_URL", get("TIKTOK_API_URL")},
			{"TIKTOK_AUTH_URL", get("TIKTOK_AUTH_URL")},
			{"TIKTOK_SYNC_EVERY", get("TIKTOK_SYNC_EVERY")},
		} {
			if v.value != "" {
				p.addf("%s is set but TikTok sync is off: set TIKTOK_APP_KEY too, or unset %s", v.name, v.name)
			}
		}
		return t
	}
	t.APIURL = strings.TrimRight(httpURL(p, "TIKTOK_API_URL", orDefault(get("TIKTOK_API_URL"), DefaultTikTokAPIURL), false), "/")
	t.AuthURL = strings.TrimRight(httpURL(p, "TIKTOK_AUTH_URL", orDefault(get("TIKTOK_AUTH_URL"), DefaultTikTokAuthURL), false), "/")
	if v := get("TIKTOK_SYNC_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < MinTikTokSyncEvery {
			p.addf("TIKTOK_SYNC_EVERY must be a duration like 5m, at least 1m, got %q", v)
		} else {
			t.SyncEvery = d
		}
	}
	if t.AppSecret == "" {
		p.addf("TIKTOK_APP_SECRET is required when TikTok sync is on (TIKTOK_APP_KEY is set)")
	}
	if t.ServiceID == "" {
		p.addf("TIKTOK_SERVICE_ID is required when TikTok sync is on (TIKTOK_APP_KEY is set): it builds the shop authorization link")
	}
	return t
}

func checkAddr(p *problems, addr string) {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		var n int
		n, err = strconv.Atoi(port)
		if err == nil && (n < 0 || n > 65535) {
			err = errors.New("port out of range")
		}
	}
	if err != nil {
		p.addf("COLLABBOT_ADDR must be host:port like :8080 or 127.0.0.1:8080, got %q", addr)
	}
}

func checkDB(p *problems, dsn string) {
	scheme, _, ok := strings.Cut(dsn, "://")
	if !ok {
		return // a SQLite path or file: DSN; the driver reports a bad one with its path
	}
	if scheme != "postgres" && scheme != "postgresql" {
		p.addf("COLLABBOT_DB must be a SQLite path, a file: DSN or a postgres:// URL, got a %s:// URL", scheme)
		return
	}
	if u, err := url.Parse(dsn); err != nil || u.Host == "" {
		p.addf("COLLABBOT_DB must be a valid postgres://user:password@host/db URL")
	}
}

func loadZone(p *problems, name string) *time.Location {
	// "Local" would make reminders depend on the host's settings, which the
	// contract's "IANA zone" rules out.
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		p.addf("COLLABBOT_TIMEZONE: unknown time zone %q; use an IANA name like Europe/Paris", name)
		return time.UTC
	}
	return loc
}

// httpURL validates an absolute http(s) base URL, forcing a trailing "/" when
// slash is true (clients that join relative paths need it).
func httpURL(p *problems, name, v string, slash bool) string {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// A URL may carry credentials in its userinfo or query: show only
		// what cannot hold a secret.
		shown := "an unparsable value"
		if err == nil {
			u.RawQuery, u.Fragment = "", ""
			shown = fmt.Sprintf("%q", u.Redacted())
		}
		p.addf("%s must be an absolute http(s) URL, got %s", name, shown)
		return v
	}
	if slash && !strings.HasSuffix(v, "/") {
		v += "/"
	}
	return v
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func splitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
