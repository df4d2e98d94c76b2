// Package deliverytest holds fakes for testing and benchmarking delivery
// against a rate-limited chat API: a server that enforces a global limit
// per second and per-route buckets the way Discord announces them, and
// counts what it served and refused, so a sender's pacing can be measured
// (achieved rate against the limit, 429s provoked).
package deliverytest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// RateLimitedAPI is a fake chat API. Every request counts against a
// global limit of Global requests in any one second (a strict sliding
// window, at arrival) and against its route's bucket of Route requests per
// RouteWindow (a fixed window per route: method and path); beyond either
// it answers 429 with Retry-After and Discord's JSON body (retry_after,
// global). Served requests carry Discord's X-RateLimit-* headers for their
// route. Requests are answered with a message object whose id counts up;
// opening a DM (POST /users/@me/channels) with a new channel, and listing a
// channel's messages (GET) with none, so a real sender can run against it.
type RateLimitedAPI struct {
	*httptest.Server
	Global      int
	Route       int
	RouteWindow time.Duration
	// RouteLimits overrides Route for the routes it names (method and path,
	// "POST /users/@me/channels"). A route given 0 has no bucket of its own:
	// only the global limit counts it, and its answers carry no
	// X-RateLimit-* headers, as Discord answers a route it does not bucket.
	// Set it before the first request.
	RouteLimits map[string]int

	// Served counts requests answered 200; GlobalLimited and RouteLimited
	// count the 429s of each kind.
	Served, GlobalLimited, RouteLimited atomic.Int64

	mu     sync.Mutex
	recent []time.Time
	routes map[string]*bucket
	first  time.Time
	last   time.Time
}

type bucket struct {
	start time.Time
	used  int
}

// NewRateLimitedAPI starts a fake with Discord's global limit (50/s) and
// its per-channel message bucket (5 per 5s); Close it when done.
func NewRateLimitedAPI() *RateLimitedAPI {
	a := &RateLimitedAPI{Global: 50, Route: 5, RouteWindow: 5 * time.Second, routes: map[string]*bucket{}}
	a.Server = httptest.NewServer(http.HandlerFunc(a.serve))
	return a
}

// Rate is the requests served per second between the first and the last
// served, as a fraction of Global.
func (a *RateLimitedAPI) Rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	secs := a.last.Sub(a.first).Seconds()
	if secs <= 0 || a.Global == 0 {
		return 0
	}
	return float64(a.Served.Load()-1) / secs / float64(a.Global)
}

func (a *RateLimitedAPI) serve(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	route := r.Method + " " + r.URL.Path
	limit, ok := a.RouteLimits[route]
	if !ok {
		limit = a.Route
	}
	bucketed := limit > 0
	a.mu.Lock()
	cut := 0
	for cut < len(a.recent) && now.Sub(a.recent[cut]) >= time.Second {
		cut++
	}
	a.recent = a.recent[cut:]
	b := a.routes[route]
	if b == nil || now.Sub(b.start) >= a.RouteWindow {
		b = &bucket{start: now}
		a.routes[route] = b
	}
	global := len(a.recent) >= a.Global
	routeOver := !global && bucketed && b.used >= limit
	if !global && !routeOver {
		a.recent = append(a.recent, now)
		b.used++
		if a.first.IsZero() {
			a.first = now
		}
		a.last = now
	}
	remaining, reset := limit-b.used, b.start.Add(a.RouteWindow).Sub(now)
	a.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if bucketed {
		w.Header().Set("X-RateLimit-Bucket", route)
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(remaining, 0)))
		w.Header().Set("X-RateLimit-Reset-After", strconv.FormatFloat(reset.Seconds(), 'f', 3, 64))
	}
	switch {
	case global:
		a.GlobalLimited.Add(1)
		w.Header().Set("X-RateLimit-Global", "true")
		w.Header().Set("X-RateLimit-Scope", "global")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message":"You are being rate limited.","retry_after":1.0,"global":true}`)
	case routeOver:
		a.RouteLimited.Add(1)
		w.Header().Set("X-RateLimit-Scope", "user")
		w.Header().Set("Retry-After", strconv.Itoa(int(reset.Seconds())+1))
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `{"message":"You are being rate limited.","retry_after":%.3f,"global":false}`, reset.Seconds())
	case r.Method == http.MethodGet:
		a.Served.Add(1)
		fmt.Fprint(w, `[]`) // a channel's messages: none
	case r.URL.Path == "/users/@me/channels":
		n := a.Served.Add(1)
		fmt.Fprintf(w, `{"id":"%d","type":1}`, 1_000_000_000_000_000_000+n)
	default:
		n := a.Served.Add(1)
		fmt.Fprintf(w, `{"id":"%d","channel_id":"1","content":""}`, 1_000_000_000_000_000_000+n)
	}
}
