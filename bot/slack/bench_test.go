package slack_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

// load is what one run of requests measured.
type load struct {
	lat     []time.Duration
	elapsed time.Duration
	failed  int
}

func (l load) pct(p float64) time.Duration {
	if len(l.lat) == 0 {
		return 0
	}
	s := slices.Clone(l.lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func (l load) rate() float64 { return float64(len(l.lat)) / l.elapsed.Seconds() }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// signedPost sends body signed now and reports whether the answer is
// complete (status 200 and, when want is set, the body says it).
func signedPost(c *http.Client, u, body, want string) bool {
	stamp, sig := sign(body, time.Now())
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == http.StatusOK && (want == "" || strings.Contains(string(b), want))
}

// closedLoop sends n requests from workers goroutines, each as soon as
// the last answered.
func closedLoop(c *http.Client, u string, n, workers int, body func(i int) string, want string) load {
	var next atomic.Int64
	var mu sync.Mutex
	l := load{}
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				ok := signedPost(c, u, body(i), want)
				d := time.Since(t0)
				mu.Lock()
				l.lat = append(l.lat, d)
				if !ok {
					l.failed++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	l.elapsed = time.Since(start)
	return l
}

// paced sends n requests at a fixed rate, each on schedule whether or not
// earlier ones answered (an open loop, as Slack sends).
func paced(c *http.Client, u string, n int, every time.Duration, body func(i int) string, want string) load {
	var mu sync.Mutex
	l := load{}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		time.Sleep(time.Until(start.Add(time.Duration(i) * every)))
		wg.Go(func() {
			t0 := time.Now()
			ok := signedPost(c, u, body(i), want)
			d := time.Since(t0)
			mu.Lock()
			l.lat = append(l.lat, d)
			if !ok {
				l.failed++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	l.elapsed = time.Since(start)
	return l
}

// bareHandler only checks the signature and answers 200: the floor the
// real handlers are measured against.
func bareHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		sv, err := slackgo.NewSecretsVerifier(r.Header, secret)
		if err == nil {
			_, _ = sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// seedSamples creates n sample requests waiting for a decision, one per
// creator, through invitations of 50.
func (h *harness) seedSamples(n int) []int64 {
	h.t.Helper()
	ctx := context.Background()
	act := domain.Actor{Role: domain.RoleSeller, MemberID: seller, Name: "Dana"}
	if _, err := h.app.AddProduct(ctx, act, domain.Product{ID: "P100", Title: "Glow Serum", Price: 2490, SampleStock: n + 10}); err != nil {
		h.t.Fatal(err)
	}
	var handles []string
	for i := range n {
		hd := fmt.Sprintf("bench%04d", i)
		handles = append(handles, hd)
		if _, err := h.app.AddCreator(ctx, act, domain.Creator{Handle: hd, DiscordID: fmt.Sprintf("%018d", 200000000000000000+i), Followers: 50000}); err != nil {
			h.t.Fatal(err)
		}
	}
	for i := 0; i < n; i += domain.MaxInviteCreators {
		var ts []commands.InviteTarget
		for _, hd := range handles[i:min(i+domain.MaxInviteCreators, n)] {
			ts = append(ts, commands.InviteTarget{Handle: hd})
		}
		if _, err := h.app.InviteCreators(ctx, act, commands.InviteRequest{Creators: ts, Products: []string{"P100"}, Rate: 1500,
			Sample: &domain.SampleOffer{PerCreator: 1, Stock: n + 10}}); err != nil {
			h.t.Fatal(err)
		}
	}
	ids := make([]int64, 0, n)
	for _, hd := range handles {
		ids = append(ids, h.requestSample(hd, "P100").ID)
	}
	return ids
}

// BenchmarkAck sends signed slash commands and Approve clicks to the real
// handlers over loopback HTTP, beside the same load on a handler that only
// verifies the signature, in one run. A /collab plans request counts when
// the list is in its answer; an Approve when the decision is committed
// (the handler answers after the commit).
func BenchmarkAck(b *testing.B) {
	const (
		workers  = 8
		requests = 2000
		pacedN   = 1000 // 2 s at 500/s
		clicks   = 300
	)
	for b.Loop() {
		h := newHarness(b)
		ids := h.seedSamples(clicks)
		for i := range 5 {
			if _, err := h.app.CreatePlan(context.Background(), domain.Actor{Role: domain.RoleSeller, MemberID: seller}, commands.PlanRequest{
				Name: fmt.Sprintf("Plan %d", i), Rules: []domain.CommissionRule{{Scope: domain.ScopeAll, Rate: 500}}}); err != nil {
				b.Fatal(err)
			}
		}
		real := httptest.NewServer(h.mux)
		bare := httptest.NewServer(bareHandler())
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		plans := slashForm(seller, "plans", h.slack.responseURL(1), "trigger")
		plansBody := func(int) string { return plans }
		// Warm the member and name caches, as a running service has them.
		signedPost(c, real.URL+"/slack/commands", plans, "Open plans")
		signedPost(c, real.URL+"/slack/commands", slashForm(manager, "plans", "", "t"), "Open plans")

		bareRun := closedLoop(c, bare.URL+"/slack/commands", requests, workers, plansBody, "")
		realRun := closedLoop(c, real.URL+"/slack/commands", requests, workers, plansBody, "Open plans")
		pacedRun := paced(c, real.URL+"/slack/commands", pacedN, 2*time.Millisecond, plansBody, "Open plans")
		clickBody := func(i int) string {
			p := click(manager, fmt.Sprintf("approve:%d", ids[i]), approvals, "1700000000.000001", h.slack.responseURL(2))
			bs, _ := jsonMarshal(p)
			return url.Values{"payload": {string(bs)}}.Encode()
		}
		bareClicks := closedLoop(c, bare.URL+"/slack/interactions", clicks, workers, clickBody, "")
		approveRun := closedLoop(c, real.URL+"/slack/interactions", clicks, workers, clickBody, "")
		h.adapter.Wait()
		rep, err := h.app.Report(context.Background(), h.managerActor())
		if err != nil {
			b.Fatal(err)
		}
		approved := rep.Samples[domain.SampleApproved]
		real.Close()
		bare.Close()
		if approved != clicks || realRun.failed+pacedRun.failed+approveRun.failed > 0 {
			b.Fatalf("approved %d of %d; failed answers: plans %d, paced %d, approve %d", approved, clicks, realRun.failed, pacedRun.failed, approveRun.failed)
		}
		b.ReportMetric(bareRun.rate(), "bare-req/s")
		b.ReportMetric(realRun.rate(), "plans-req/s")
		b.ReportMetric(realRun.rate()/bareRun.rate(), "plans/bare")
		b.ReportMetric(ms(realRun.pct(0.5)), "plans-p50-ms")
		b.ReportMetric(ms(realRun.pct(0.99)), "plans-p99-ms")
		b.ReportMetric(ms(bareRun.pct(0.99)), "bare-p99-ms")
		b.ReportMetric(ms(pacedRun.pct(0.5)), "paced500-p50-ms")
		b.ReportMetric(ms(pacedRun.pct(0.99)), "paced500-p99-ms")
		b.ReportMetric(approveRun.rate(), "approve-commits/s")
		b.ReportMetric(bareClicks.rate(), "bare-click-req/s")
		b.ReportMetric(ms(approveRun.pct(0.5)), "approve-p50-ms")
		b.ReportMetric(ms(approveRun.pct(0.99)), "approve-p99-ms")
		b.Logf("bare: %.0f req/s p50 %.2f ms p99 %.2f ms | /collab plans: %.0f req/s (%.2fx bare) p50 %.2f ms p99 %.2f ms | paced 500/s: p50 %.2f ms p99 %.2f ms | Approve: %.0f commits/s p50 %.2f ms p99 %.2f ms (bare clicks %.0f req/s)",
			bareRun.rate(), ms(bareRun.pct(0.5)), ms(bareRun.pct(0.99)), realRun.rate(), realRun.rate()/bareRun.rate(), ms(realRun.pct(0.5)), ms(realRun.pct(0.99)),
			ms(pacedRun.pct(0.5)), ms(pacedRun.pct(0.99)), approveRun.rate(), ms(approveRun.pct(0.5)), ms(approveRun.pct(0.99)), bareClicks.rate())
	}
}
