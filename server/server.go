// Package server owns the HTTP surface of `collabbot serve`: the listener and
// its timeouts, graceful shutdown, the operational endpoints (GET /healthz,
// GET /readyz, GET /metrics), and the middleware every route gets: a request
// body cap, panic recovery, request metrics labelled by route pattern, and a
// debug access log. Platform adapters (Slack, Discord, TikTok) bring their
// own handlers through Options.Routes; this package knows none of them.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const (
	// MaxBodyBytes caps request bodies; Slack and Discord payloads are a few
	// KiB, so anything near this is abuse or a mistake.
	MaxBodyBytes = 1 << 20

	// ReadyTimeout bounds a readiness check so a hung database turns into a
	// 503 before the orchestrator's own probe timeout.
	ReadyTimeout = 2 * time.Second

	// ShutdownTimeout is how long in-flight requests get to finish once Run's
	// context is cancelled.
	ShutdownTimeout = 10 * time.Second
)

// Options configures a Server. The zero value serves the operational
// endpoints only, always ready, with its own metrics registry.
type Options struct {
	// Ready reports whether the service can do useful work (e.g. a database
	// ping). Nil means always ready. It gets a context with a 2 s deadline.
	Ready func(ctx context.Context) error

	// Registry is served on /metrics and receives the HTTP metrics. Nil means
	// a new registry with the Go runtime and process collectors.
	Registry *prometheus.Registry

	// Logger receives panics, readiness failures and the debug access log.
	// Nil discards.
	Logger *slog.Logger

	// Routes are the adapters' handlers keyed by http.ServeMux patterns such
	// as "POST /slack/commands". A pattern that conflicts with another
	// (including the operational ones) makes New panic, as ServeMux does.
	Routes map[string]http.Handler
}

// NewRegistry is a metrics registry with the Go runtime and process
// collectors, for the packages that add their own metrics to /metrics.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Server is the HTTP server. Start it with Run, or with Listen then Serve
// when the caller needs the bound address first.
type Server struct {
	addr    string
	log     *slog.Logger
	handler http.Handler
	srv     *http.Server

	mu sync.Mutex
	ln net.Listener
}

// New builds a Server for addr (host:port; port 0 picks a free one).
func New(addr string, opts Options) *Server {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := opts.Registry
	if reg == nil {
		reg = NewRegistry()
	}
	errLog := slog.NewLogLogger(log.Handler(), slog.LevelWarn)

	mux := http.NewServeMux()
	mux.Handle("GET /healthz", http.HandlerFunc(healthz))
	mux.Handle("GET /readyz", readyz(opts.Ready, log))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: errLog}))
	for pattern, h := range opts.Routes {
		mux.Handle(pattern, rejectLargeBody(h))
	}

	s := &Server{
		addr:    addr,
		log:     log,
		handler: observe(newMetrics(reg), log, recoverPanics(log, mux)),
	}
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          errLog,
	}
	return s
}

// Handler is the full handler with its middleware, for tests.
func (s *Server) Handler() http.Handler { return s.handler }

// Addr is the bound address (e.g. "127.0.0.1:43121") once Listen has
// succeeded, and "" before.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Listen binds the address. Its error names the address, e.g. when the port
// is in use.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("server: already listening on " + s.ln.Addr().String())
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// Serve serves on the listener bound by Listen until ctx is cancelled, then
// shuts down gracefully: new connections are refused and in-flight requests
// get ShutdownTimeout to finish. It returns nil on a clean stop.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	if ln == nil {
		return errors.New("server: Serve called before Listen")
	}

	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	<-served // http.ErrServerClosed once Shutdown has begun
	if err != nil {
		// Cut the stragglers off so their handlers see a cancelled context.
		s.srv.Close()
		return fmt.Errorf("graceful shutdown of %s: %w", ln.Addr(), err)
	}
	return nil
}

// Run is Listen then Serve.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	return s.Serve(ctx)
}

func healthz(w http.ResponseWriter, _ *http.Request) { probeAnswer(w, http.StatusOK, "ok") }

// probeAnswer writes a one-line answer that caches must not keep: a stale
// "ok" would hide an outage.
func probeAnswer(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, msg+"\n")
}

func readyz(ready func(context.Context) error, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ready == nil {
			probeAnswer(w, http.StatusOK, "ready")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
		defer cancel()
		// The check runs aside so one that ignores its context still cannot
		// hold the probe past the deadline.
		done := make(chan error, 1)
		go func() { done <- ready(ctx) }()
		var err error
		select {
		case err = <-done:
		case <-ctx.Done():
			err = ctx.Err()
		}
		switch {
		case err == nil:
			probeAnswer(w, http.StatusOK, "ready")
		case errors.Is(err, context.DeadlineExceeded):
			log.WarnContext(r.Context(), "readiness check timed out", "timeout", ReadyTimeout)
			probeAnswer(w, http.StatusServiceUnavailable, "not ready: check timed out")
		default:
			// The reason stays in the log: probes are often reachable by more
			// people than the logs are.
			log.WarnContext(r.Context(), "readiness check failed", "err", err)
			probeAnswer(w, http.StatusServiceUnavailable, "not ready: check failed")
		}
	})
}

// rejectLargeBody refuses a declared oversize body before the handler runs;
// observe's MaxBytesReader still catches chunked bodies that grow too large.
func rejectLargeBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // net/http's way to abort a response on purpose
			}
			log.ErrorContext(r.Context(), "panic serving request",
				"method", r.Method, "path", r.URL.Path, "route", r.Pattern,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec, ok := w.(*recorder); !ok || !rec.wrote {
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) metrics {
	return metrics{
		requests: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "collabbot_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"path", "code"})),
		duration: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "collabbot_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"path"})),
	}
}

// register tolerates a registry shared by several Servers (tests, or a
// restart inside one process) by reusing the collector already there.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err)
	}
	return c
}

// routeLabel keeps metric cardinality bounded: the matched pattern without
// its method, never the raw path a scanner can vary at will.
func routeLabel(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return strings.TrimLeft(path, " \t")
	}
	return pattern
}

// observe is the outermost layer: it caps the body with the connection's own
// ResponseWriter (so net/http closes the connection after an oversize body),
// then counts, times and logs the request once the router has set r.Pattern.
func observe(m metrics, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			elapsed := time.Since(start)
			route := routeLabel(r.Pattern)
			m.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
			m.duration.WithLabelValues(route).Observe(elapsed.Seconds())
			if log.Enabled(r.Context(), slog.LevelDebug) {
				// Path only: query strings and bodies may carry tokens or personal data.
				log.LogAttrs(r.Context(), slog.LevelDebug, "http request",
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.String("route", route), slog.Int("status", rec.status),
					slog.Int64("bytes", rec.bytes), slog.Duration("duration", elapsed))
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	// 1xx responses (e.g. 103 Early Hints) precede the real status.
	if !r.wrote && code >= 200 {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Flush keeps streaming handlers working through the wrapper.
func (r *recorder) Flush() {
	r.wrote = true
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
