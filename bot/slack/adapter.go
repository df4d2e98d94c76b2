// Package slack is the Slack adapter: it owns everything between Slack's
// wire format and the use cases. It verifies and parses slash commands,
// interactions, options requests and events (over HTTP or Socket Mode),
// decides who on the workspace is on the seller team, runs typed lines and
// button clicks through the shared grammar, opens and reads the modals,
// publishes the App Home, renders cards as Block Kit, and delivers the
// outbox's Slack rows (Sender).
package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
	"github.com/collabbot/collabbot/present"
)

// MaxBody caps a request body from Slack. The largest are view
// submissions of a full invite modal, well under this.
const MaxBody = 1 << 20

// Config is what the adapter needs besides the use cases and the client.
type Config struct {
	// SigningSecret verifies HTTP requests; without it the HTTP routes are
	// not served (Socket Mode needs none).
	SigningSecret    string
	ApprovalsChannel string // SLACK_APPROVALS_CHANNEL
	SellersChannel   string // SLACK_SELLERS_CHANNEL: its members are the seller team
	Managers         []string
	Log              *slog.Logger
	// HTTPClient posts to response_url (default: a client with a 10s timeout).
	HTTPClient *http.Client
	// LateTimeout bounds the work done after an ack (default 30s).
	LateTimeout time.Duration
	// MembersTTL is how long the sellers' channel member list is trusted
	// between member events (default 10 minutes).
	MembersTTL time.Duration
	// Now is the adapter's clock for caches (default time.Now).
	Now func() time.Time
	// HomeDebounce is how long a burst of changes is gathered before the
	// Home tabs are published again (default 2s).
	HomeDebounce time.Duration
}

// Adapter serves Slack for the seller team.
type Adapter struct {
	app  *commands.App
	in   *grammar.Interpreter
	api  *slackgo.Client
	cfg  Config
	log  *slog.Logger
	team *team
	seen *seenSet

	late inFlight

	homeMu      sync.Mutex
	viewers     map[string]time.Time // who opened their Home tab, when
	homePending bool
}

// New builds the adapter over the use cases and a Slack Web API client.
func New(app *commands.App, api *slackgo.Client, cfg Config) *Adapter {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.LateTimeout <= 0 {
		cfg.LateTimeout = 30 * time.Second
	}
	if cfg.MembersTTL <= 0 {
		cfg.MembersTTL = 10 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HomeDebounce <= 0 {
		cfg.HomeDebounce = 2 * time.Second
	}
	a := &Adapter{app: app, in: grammar.New(app), api: api, cfg: cfg, log: cfg.Log, seen: newSeenSet(10000), viewers: map[string]time.Time{}}
	a.team = newTeam(api, cfg)
	return a
}

// Routes are the HTTP endpoints Slack calls, by ServeMux pattern; none
// without a signing secret.
func (a *Adapter) Routes() map[string]http.Handler {
	if a.cfg.SigningSecret == "" {
		return nil
	}
	return map[string]http.Handler{
		"POST /slack/commands":     a.verified(a.serveCommand),
		"POST /slack/interactions": a.verified(a.serveInteraction),
		"POST /slack/options":      a.verified(a.serveOptions),
		"POST /slack/events":       a.verified(a.serveEvent),
	}
}

// Wait blocks until the work started after acks has finished (tests and
// shutdown).
func (a *Adapter) Wait() { a.late.Wait() }

// verified caps the body and checks Slack's v0 signature over it before
// anything is parsed: a request that fails is a 401 and reaches nothing.
func (a *Adapter) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read request", http.StatusBadRequest)
			return
		}
		if err := verify(r.Header, body, a.cfg.SigningSecret); err != nil {
			a.log.Warn("slack request refused", "path", r.URL.Path, "why", err.Error())
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	})
}

// verify checks the v0 signature and its 5-minute window (constant-time
// compare inside slack-go's verifier).
func verify(h http.Header, body []byte, secret string) error {
	if secret == "" {
		return errors.New("no signing secret configured")
	}
	sv, err := slackgo.NewSecretsVerifier(h, secret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}

// later runs slow work after the ack, with its own deadline: the
// request's context ends when the ack is written.
func (a *Adapter) later(what string, fn func(ctx context.Context)) {
	a.late.Add(1)
	go func() {
		defer a.late.Done()
		ctx, cancel := context.WithTimeout(context.Background(), a.cfg.LateTimeout)
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("slack: late work panicked", "what", what, "panic", p)
			}
		}()
		fn(ctx)
	}()
}

func writeJSON(w http.ResponseWriter, v any) {
	if v == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// message is an answer to a slash command or a click, in the HTTP body or
// to response_url.
type message struct {
	ResponseType    string          `json:"response_type,omitempty"`
	Text            string          `json:"text"`
	Blocks          []slackgo.Block `json:"blocks,omitempty"`
	ReplaceOriginal bool            `json:"replace_original,omitempty"`
}

func ephemeral(c present.Card, page int, line string) *message {
	r := render(c, maxMessageBlocks, page, line)
	return &message{ResponseType: slackgo.ResponseTypeEphemeral, Text: r.Text, Blocks: r.Blocks}
}

// errorCard words an error for the person who acted: a decision taken by
// someone else names them as a mention, an internal error is logged and
// shown as a generic text.
func (a *Adapter) errorCard(err error) present.Card {
	if domain.ErrorKind(err) == domain.KindInternal {
		a.log.Error("slack: use case failed", "err", err)
		return present.Card{Text: ":warning: " + domain.ErrorMessage(err)}
	}
	r := present.Reader{Zone: a.app.Location(), Team: a.app.Location(), Now: a.app.Now()}
	c := present.Refusal(err, r)
	if d := domain.ErrorDecision(err); d != nil {
		c.Text = ":information_source: " + c.Text
		if c.Context != "" && slackUserID(d.By) {
			c.Context = "Decided by <@" + d.By + "> on " + r.Time(d.At) + "."
		}
		return c
	}
	c.Text = ":warning: " + c.Text
	return c
}

// errorMessage is errorCard as an ephemeral answer. The decider's mention
// is not escaped (it is ours, not user text).
func (a *Adapter) errorMessage(err error) *message {
	c := a.errorCard(err)
	m := ephemeral(present.Card{Text: c.Text}, 1, "")
	if c.Context != "" {
		m.Blocks = append(m.Blocks, slackgo.NewContextBlock("", mrkdwn(c.Context)))
	}
	return m
}

// respond posts a late answer to a response_url.
func (a *Adapter) respond(ctx context.Context, url string, m *message) {
	if url == "" || m == nil {
		return
	}
	wm := &slackgo.WebhookMessage{Text: m.Text, ResponseType: m.ResponseType, ReplaceOriginal: m.ReplaceOriginal}
	if len(m.Blocks) > 0 {
		wm.Blocks = &slackgo.Blocks{BlockSet: m.Blocks}
	}
	if err := slackgo.PostWebhookCustomHTTPContext(ctx, url, a.cfg.HTTPClient, wm); err != nil {
		// A response_url is a capability: it is never logged, so neither is
		// an error that quotes it.
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		a.log.Warn("slack: response_url post failed", "err", err)
	}
}

// tell answers a person outside any request: ephemeral in channel when
// known, else in their DM with the app.
func (a *Adapter) tell(ctx context.Context, channel, user string, m *message) {
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks...)}
	var err error
	if channel != "" {
		_, err = a.api.PostEphemeralContext(ctx, channel, user, opts...)
	}
	if channel == "" || err != nil {
		// No channel, or one the app is not in (a private channel): the
		// person's DM with the app always works.
		_, _, err = a.api.PostMessageContext(ctx, user, opts...)
	}
	if err != nil {
		a.log.Warn("slack: answer not delivered", "user", user, "err", err)
	}
}

// inFlight counts work started after acks. Unlike a WaitGroup it may gain
// work while someone waits (a request arriving during shutdown, a
// delivery during a test's Wait); Wait returns once none is left.
type inFlight struct {
	mu   sync.Mutex
	n    int
	zero *sync.Cond
}

func (f *inFlight) Add(n int) {
	f.mu.Lock()
	f.n += n
	f.mu.Unlock()
}

func (f *inFlight) Done() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.n == 0 && f.zero != nil {
		f.zero.Broadcast()
	}
}

func (f *inFlight) Wait() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.zero == nil {
		f.zero = sync.NewCond(&f.mu)
	}
	for f.n > 0 {
		f.zero.Wait()
	}
}
