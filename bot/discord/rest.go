package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/collabbot/collabbot/delivery"
)

// Discord's global limit is 50 requests a second per bot, over any one
// second. The pace keeps under it: a burst on top of a steady 50/s goes
// over within that second (the limiter's full burst of 50 provoked 429s
// at the start of every fan-out), and requests reach Discord a few
// milliseconds apart from when they left, so it runs at paceGlobal with a
// burst of one. Interaction callbacks and webhook edits do not count
// toward the limit and are not paced: an answer never waits behind a
// fan-out.
const (
	globalPerSecond = 50
	paceGlobal      = globalPerSecond - 3
)

// maxResponse bounds what is read of a REST answer.
const maxResponse = 4 << 20

// REST is the part of Discord's HTTP API collabbot calls, on a request
// path of its own rather than discordgo's: discordgo's bucket lock sleeps
// through a rate limit whatever the caller's context says, and a sender
// must return when its context ends. It paces to the global limit and
// obeys each route's bucket as the X-RateLimit-* headers announce it; a
// wait longer than the context allows is returned as a
// *delivery.RetryAfterError instead of slept.
type REST struct {
	base   *url.URL // ends in "/"
	token  string
	client *http.Client
	now    func() time.Time
	global *rate.Limiter

	mu      sync.Mutex
	routes  map[string]string     // route key -> bucket hash
	buckets map[string]bucketInfo // bucket hash (or route key) -> state
	paused  time.Time             // a global 429 holds every request until then
}

type bucketInfo struct {
	remaining int
	reset     time.Time
}

// NewREST builds a client for the REST base (DISCORD_API_URL, ending in
// "/" or not) with the bot token (without "Bot ").
func NewREST(base, token string, client *http.Client) (*REST, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord: REST base must be an http(s) URL, got %q", base)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &REST{base: u, token: token, client: client, now: time.Now,
		global:  rate.NewLimiter(paceGlobal, 1),
		routes:  map[string]string{},
		buckets: map[string]bucketInfo{}}, nil
}

// APIError is a Discord REST failure: the HTTP status and, when Discord
// sent one, its JSON error code (50007: cannot DM this user; 50278: no
// mutual server; 10008: unknown message).
type APIError struct {
	Method, Path string
	Status       int
	Code         int
	Message      string
	RetryAfter   time.Duration // 429 only
	Global       bool          // 429 only: the whole bot is limited, not one route
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("discord: %s %s: HTTP %d", e.Method, e.Path, e.Status)
	if e.Code != 0 {
		s += fmt.Sprintf(" code %d", e.Code)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Discord JSON error codes the adapter acts on.
const (
	codeUnknownMessage = 10008
	codeCannotDM       = 50007
	codeNoMutualGuild  = 50278
)

// do sends one request. route names the rate-limit route ("POST
// channels/123/messages": the major parameter kept, others generalized);
// body is JSON-encoded when not nil; out receives the JSON answer when not
// nil. Authorization is sent only when auth is set: interaction callbacks
// and webhooks are authorized by their token in the path.
func (r *REST) do(ctx context.Context, method, path, route string, auth bool, body, out any) error {
	if err := r.wait(ctx, route, auth); err != nil {
		return err
	}
	shown := redactPath(path) // interaction tokens stay out of errors and logs
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("discord: encode %s %s: %w", method, shown, err)
		}
		rd = bytes.NewReader(b)
	}
	u := *r.base
	rel, err := url.Parse(path)
	if err != nil {
		return fmt.Errorf("discord: bad path %q: %w", shown, err)
	}
	u.Path += rel.Path
	u.RawQuery = rel.RawQuery
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		req.Header.Set("Authorization", "Bot "+r.token)
	}
	req.Header.Set("User-Agent", "DiscordBot (https://github.com/collabbot/collabbot, 1)")
	resp, err := r.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL, token and all
		}
		return fmt.Errorf("discord: %s %s: %w", method, shown, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("discord: %s %s: reading the answer: %w", method, shown, err)
	}
	r.learn(route, resp)
	if resp.StatusCode >= 300 {
		return r.fail(method, path, resp, raw)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("discord: %s %s: decoding the answer: %w", method, shown, err)
		}
	}
	return nil
}

// wait holds a request until the global pace (bot-authorized requests
// only: interaction tokens are not bound to it) and its route's bucket
// allow it, or returns a RetryAfterError when that is later than ctx
// allows.
func (r *REST) wait(ctx context.Context, route string, paced bool) error {
	now := r.now()
	r.mu.Lock()
	var until time.Time
	if paced {
		until = r.paused // a global 429 holds what counts toward the global limit
	}
	key := route
	if h, ok := r.routes[route]; ok {
		key = h
	}
	if b, ok := r.buckets[key]; ok && b.remaining <= 0 && b.reset.After(until) {
		until = b.reset
	}
	r.mu.Unlock()
	if d := until.Sub(now); d > 0 {
		if dl, ok := ctx.Deadline(); ok && now.Add(d).After(dl) {
			return &delivery.RetryAfterError{After: d, Err: fmt.Errorf("discord: route %s is rate limited", route)}
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	if !paced {
		return nil
	}
	return r.pace(ctx)
}

// lateBy is how late a request may wake for its turn of the global pace
// and still take it. A process that stalls (a loaded machine, a long GC)
// wakes every request whose turn fell within the stall at once, on top of
// the steady pace: enough of them in one second go over Discord's limit.
const lateBy = 10 * time.Millisecond

// pace waits for a turn of the global pace. A request that woke more than
// lateBy after its turn takes a new one (twice at most) instead of going
// with the others woken with it, so the pace after a stall stays the pace.
// A wait beyond ctx's deadline is refused without sleeping.
func (r *REST) pace(ctx context.Context) error {
	for range 3 {
		res := r.global.Reserve()
		d := res.Delay()
		if !res.OK() || d == rate.InfDuration {
			return &delivery.RetryAfterError{After: time.Second / paceGlobal, Err: errors.New("discord: global pace: no turn available")}
		}
		if d == 0 {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			res.Cancel()
			return &delivery.RetryAfterError{After: d, Err: errors.New("discord: global pace: the next turn is past the deadline")}
		}
		due := time.Now().Add(d)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			res.Cancel()
			return &delivery.RetryAfterError{After: time.Second / paceGlobal, Err: fmt.Errorf("discord: global pace: %w", ctx.Err())}
		case <-t.C:
		}
		if time.Since(due) <= lateBy {
			return nil
		}
	}
	return nil
}

// learn keeps what a response's rate-limit headers say about its route.
func (r *REST) learn(route string, resp *http.Response) {
	h := resp.Header
	remaining, err1 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	after, err2 := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	r.mu.Lock()
	defer r.mu.Unlock()
	key := route
	if hash := h.Get("X-RateLimit-Bucket"); hash != "" {
		// Routes sharing a bucket share its hash; the major parameter keeps
		// one channel's bucket apart from another's.
		key = hash + ":" + majorOf(route)
		r.routes[route] = key
	}
	if err1 == nil && err2 == nil {
		r.buckets[key] = bucketInfo{remaining: remaining, reset: r.now().Add(time.Duration(after * float64(time.Second)))}
	}
}

// majorOf is a route's major parameter: what follows "channels/",
// "guilds/" or "webhooks/".
func majorOf(route string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		if (strings.HasSuffix(p, "channels") || strings.HasSuffix(p, "guilds") || strings.HasSuffix(p, "webhooks")) && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return ""
}

// fail turns an error response into an *APIError, and a 429 into a
// *delivery.RetryAfterError wrapping it (after pausing every request when
// the limit is global).
func (r *REST) fail(method, path string, resp *http.Response, raw []byte) error {
	var body struct {
		Code       int     `json:"code"`
		Message    string  `json:"message"`
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	_ = json.Unmarshal(raw, &body) // not JSON: the status says enough
	e := &APIError{Method: method, Path: redactPath(path), Status: resp.StatusCode, Code: body.Code, Message: body.Message}
	if resp.StatusCode != http.StatusTooManyRequests {
		return e
	}
	after := body.RetryAfter
	if after <= 0 {
		after, _ = strconv.ParseFloat(resp.Header.Get("Retry-After"), 64)
	}
	e.RetryAfter = time.Duration(after * float64(time.Second))
	if e.RetryAfter <= 0 {
		e.RetryAfter = time.Second
	}
	e.Global = body.Global || resp.Header.Get("X-RateLimit-Global") == "true"
	if e.Global {
		r.mu.Lock()
		if until := r.now().Add(e.RetryAfter); until.After(r.paused) {
			r.paused = until
		}
		r.mu.Unlock()
	}
	scope := "route"
	if e.Global {
		scope = "global"
	}
	return &delivery.RetryAfterError{After: e.RetryAfter, Err: fmt.Errorf("%w (%s rate limit)", e, scope)}
}

// redactPath drops interaction and webhook tokens from a path before it
// reaches an error (and so a log).
func redactPath(p string) string {
	parts := strings.Split(p, "/")
	for i := range parts {
		if i > 0 && (parts[i-1] != "" && isSnowflake(parts[i-1])) && len(parts[i]) > 40 {
			parts[i] = "<token>"
		}
	}
	return strings.Join(parts, "/")
}

func isSnowflake(s string) bool {
	if len(s) < 15 || len(s) > 21 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
