package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/collabbot/collabbot/bot/discord"
)

// BenchmarkSignedInteractions times signed interactions through the real
// handler (/plans: verify, decode, resolve the creator, read the plans,
// render) beside a handler that only verifies the signature, alternating
// request by request in one run so both see the same machine. It reports
// each one's p50 and p99 latency and requests per second, and the ratio of
// the full handler's throughput to the verify-only one's (target >= 0.5).
func BenchmarkSignedInteractions(b *testing.B) {
	w := newWorld(b)
	w.roster()
	w.team(dana, `plan "Spring" P100=12% all=5% samples=1 stock=20`)
	v := discord.Verifier{Key: w.key.Public().(ed25519.PublicKey)}
	verifyOnly := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(http.MaxBytesReader(rw, r.Body, discord.MaxBody))
		if !v.Verify(r.Header, buf.Bytes()) {
			http.Error(rw, "invalid request signature", http.StatusUnauthorized)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write([]byte(`{"type":1}`))
	})
	body := w.slash(maya, "plans")
	stamp := time.Now()
	run := func(h http.Handler) time.Duration {
		r := httptest.NewRequest("POST", "/discord/interactions", bytes.NewReader(body))
		w.sign(r, body, stamp)
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, r)
		d := time.Since(t0)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		return d
	}
	full := make([]time.Duration, 0, b.N)
	bare := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		bare = append(bare, run(verifyOnly))
		full = append(full, run(w.handler))
	}
	b.StopTimer()
	report := func(name string, ds []time.Duration) float64 {
		slices.Sort(ds)
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		rps := float64(len(ds)) / sum.Seconds()
		b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), name+"-p50-µs")
		b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds()), name+"-p99-µs")
		b.ReportMetric(rps, name+"-req/s")
		return rps
	}
	ratio := report("full", full) / report("verify", bare)
	b.ReportMetric(ratio, "full/verify")
}
