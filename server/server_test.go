package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/collabbot/collabbot/server"
)

// syncBuffer lets the server's goroutines log while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func debugLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func serve(t *testing.T, h http.Handler, method, target string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, body))
	return rec
}

func TestPaths(t *testing.T) {
	s := server.New(":0", server.Options{Routes: map[string]http.Handler{
		"POST /slack/commands": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) }),
	}})
	tests := []struct {
		method, target string
		code           int
		body           string
	}{
		{"GET", "/healthz", 200, "ok\n"},
		{"HEAD", "/healthz", 200, ""},
		{"GET", "/readyz", 200, "ready\n"},
		{"GET", "/nope", 404, ""},
		{"GET", "/", 404, ""},
		{"POST", "/healthz", 405, ""},
		{"POST", "/slack/commands", 202, ""},
		{"GET", "/slack/commands", 405, ""},
	}
	for _, tt := range tests {
		rec := serve(t, s.Handler(), tt.method, tt.target, nil)
		if rec.Code != tt.code {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.target, rec.Code, tt.code)
		}
		if tt.body != "" && rec.Body.String() != tt.body {
			t.Errorf("%s %s body = %q, want %q", tt.method, tt.target, rec.Body, tt.body)
		}
	}
	if rec := serve(t, s.Handler(), "GET", "/metrics", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "go_goroutines") {
		t.Errorf("GET /metrics = %d without the default Go collector:\n%s", rec.Code, rec.Body)
	}
}

func TestReadiness(t *testing.T) {
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	tests := []struct {
		name  string
		ready func(context.Context) error
		code  int
		body  string
	}{
		{"nil is ready", nil, 200, "ready"},
		{"ok", func(context.Context) error { return nil }, 200, "ready"},
		{"failing", func(context.Context) error {
			return errors.New("dial tcp db.internal:5432: password authentication failed for user bot")
		}, 503, "not ready: check failed"},
		{"respects deadline", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, 503, "not ready: check timed out"},
		{"ignores deadline", func(context.Context) error { <-hang; return nil }, 503, "not ready: check timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log, logs := debugLogger()
			s := server.New(":0", server.Options{Ready: tt.ready, Logger: log})
			start := time.Now()
			rec := serve(t, s.Handler(), "GET", "/readyz", nil)
			if took := time.Since(start); took > server.ReadyTimeout+time.Second {
				t.Errorf("readiness took %v", took)
			}
			if rec.Code != tt.code || strings.TrimSpace(rec.Body.String()) != tt.body {
				t.Errorf("GET /readyz = %d %q, want %d %q", rec.Code, rec.Body, tt.code, tt.body)
			}
			if tt.code == 503 && !strings.Contains(logs.String(), "readiness check") {
				t.Errorf("failure not logged: %s", logs)
			}
		})
	}
}

func TestMetricsByRoutePattern(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := server.New(":0", server.Options{Registry: reg, Routes: map[string]http.Handler{
		"GET /items/{id}": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.PathValue("id")) }),
	}})
	for _, target := range []string{"/items/1", "/items/2", "/healthz", "/scanner/probe/1", "/scanner/probe/2"} {
		serve(t, s.Handler(), "GET", target, nil)
	}
	body := serve(t, s.Handler(), "GET", "/metrics", nil).Body.String()
	for _, want := range []string{
		`collabbot_http_requests_total{code="200",path="/items/{id}"} 2`,
		`collabbot_http_requests_total{code="200",path="/healthz"} 1`,
		`collabbot_http_requests_total{code="404",path="unmatched"} 2`,
		`collabbot_http_request_duration_seconds_count{path="/items/{id}"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "/items/1") || strings.Contains(body, "/scanner") || strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics carry raw paths or collectors nobody registered:\n%s", body)
	}

	// A second server on the same registry shares the metrics instead of panicking.
	s2 := server.New(":0", server.Options{Registry: reg})
	serve(t, s2.Handler(), "GET", "/healthz", nil)
	if body := serve(t, s.Handler(), "GET", "/metrics", nil).Body.String(); !strings.Contains(body, `collabbot_http_requests_total{code="200",path="/healthz"} 2`) {
		t.Errorf("shared registry lost a count:\n%s", body)
	}
}

func TestBodyCap(t *testing.T) {
	var seen error
	s := server.New(":0", server.Options{Routes: map[string]http.Handler{
		"POST /upload": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, seen = io.ReadAll(r.Body)
			var tooBig *http.MaxBytesError
			if errors.As(seen, &tooBig) {
				http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			}
		}),
	}})
	big := bytes.Repeat([]byte("x"), 2<<20)

	// Declared length: refused before the handler runs.
	if rec := serve(t, s.Handler(), "POST", "/upload", bytes.NewReader(big)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB POST = %d, want 413", rec.Code)
	}
	if seen != nil {
		t.Errorf("handler ran for a declared oversize body")
	}

	// Unknown length (chunked): the handler's read fails at the cap.
	req := httptest.NewRequest("POST", "/upload", io.MultiReader(bytes.NewReader(big)))
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var tooBig *http.MaxBytesError
	if rec.Code != http.StatusRequestEntityTooLarge || !errors.As(seen, &tooBig) {
		t.Errorf("chunked 2 MiB POST = %d, handler saw %v", rec.Code, seen)
	}

	// Just under the cap is fine.
	seen = errors.New("not called")
	if rec := serve(t, s.Handler(), "POST", "/upload", bytes.NewReader(big[:server.MaxBodyBytes])); rec.Code != 200 || seen != nil {
		t.Errorf("1 MiB POST = %d, handler saw %v", rec.Code, seen)
	}
}

func TestPanicRecovered(t *testing.T) {
	log, logs := debugLogger()
	reg := prometheus.NewRegistry()
	s := server.New(":0", server.Options{Logger: log, Registry: reg, Routes: map[string]http.Handler{
		"POST /boom": http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("nil map in handler") }),
	}})
	rec := serve(t, s.Handler(), "POST", "/boom", nil)
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "nil map") {
		t.Errorf("panic answered %d %q, want 500 without internals", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "panic serving request") || !strings.Contains(logs.String(), "nil map in handler") {
		t.Errorf("panic not logged: %s", logs)
	}
	if body := serve(t, s.Handler(), "GET", "/metrics", nil).Body.String(); !strings.Contains(body, `collabbot_http_requests_total{code="500",path="/boom"} 1`) {
		t.Errorf("panic not counted as a 500:\n%s", body)
	}
}

func TestAccessLogOmitsQuery(t *testing.T) {
	log, logs := debugLogger()
	s := server.New(":0", server.Options{Logger: log})
	serve(t, s.Handler(), "GET", "/healthz?token=hunter2", nil)
	out := logs.String()
	if !strings.Contains(out, "path=/healthz") || !strings.Contains(out, "status=200") {
		t.Errorf("access log lacks the request: %s", out)
	}
	if strings.Contains(out, "hunter2") {
		t.Errorf("access log shows the query string: %s", out)
	}

	quiet := &syncBuffer{}
	s = server.New(":0", server.Options{Logger: slog.New(slog.NewTextHandler(quiet, nil))})
	serve(t, s.Handler(), "GET", "/healthz", nil)
	if quiet.String() != "" {
		t.Errorf("access log at info level: %s", quiet)
	}
}

func TestGracefulShutdown(t *testing.T) {
	started := make(chan struct{})
	s := server.New("127.0.0.1:0", server.Options{Routes: map[string]http.Handler{
		"GET /slow": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			time.Sleep(300 * time.Millisecond)
			_, _ = io.WriteString(w, "done")
		}),
	}})
	if s.Addr() != "" {
		t.Errorf("Addr before Listen = %q", s.Addr())
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	addr := s.Addr()
	if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("Addr = %q, want the bound port", addr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- s.Serve(ctx) }()

	type result struct {
		code int
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b), err}
	}()
	<-started
	cancel()

	r := <-got
	if r.err != nil || r.code != 200 || r.body != "done" {
		t.Errorf("in-flight request = %d %q %v, want 200 done", r.code, r.body, r.err)
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Serve = %v, want nil on a clean stop", err)
		}
	case <-time.After(server.ShutdownTimeout):
		t.Fatal("Serve did not return after shutdown")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("listener still accepts connections after shutdown")
	}
}

func TestRunReportsListenError(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = server.New(addr, server.Options{}).Run(ctx)
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Run on a busy port = %v, want an error naming %s", err, addr)
	}
}

func TestRunServesUntilCancelled(t *testing.T) {
	s := server.New("127.0.0.1:0", server.Options{})
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err == nil {
		t.Error("second Listen succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- s.Serve(ctx) }()
	resp, err := http.Get("http://" + s.Addr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /healthz over TCP = %d", resp.StatusCode)
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Errorf("Serve = %v", err)
	}
}
