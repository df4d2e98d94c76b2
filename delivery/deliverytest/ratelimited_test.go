package deliverytest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/collabbot/collabbot/delivery/deliverytest"
)

// The fake refuses past a route's bucket and past the global limit, with
// Discord's headers, and counts each kind.
func TestRateLimitedAPIEnforcesRouteAndGlobalLimits(t *testing.T) {
	api := deliverytest.NewRateLimitedAPI()
	defer api.Close()
	api.Global = 8 // few requests, so they all fall within one second
	post := func(channel int) *http.Response {
		t.Helper()
		resp, err := http.Post(fmt.Sprintf("%s/channels/%d/messages", api.URL, channel), "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 5 {
		if r := post(1); r.StatusCode != 200 || r.Header.Get("X-RateLimit-Remaining") != fmt.Sprint(4-i) {
			t.Fatalf("request %d to one route: %d, remaining %q", i+1, r.StatusCode, r.Header.Get("X-RateLimit-Remaining"))
		}
	}
	if r := post(1); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("X-RateLimit-Global") != "" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth request to one route: %d, global %q", r.StatusCode, r.Header.Get("X-RateLimit-Global"))
	}
	for ch := 2; ch <= 4; ch++ { // 5 + 3 = the global 8 within this second
		if r := post(ch); r.StatusCode != 200 {
			t.Fatalf("request to channel %d: %d", ch, r.StatusCode)
		}
	}
	if r := post(99); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("X-RateLimit-Global") != "true" {
		t.Fatalf("ninth request in a second: %d, global %q", r.StatusCode, r.Header.Get("X-RateLimit-Global"))
	}
	if api.Served.Load() != 8 || api.RouteLimited.Load() != 1 || api.GlobalLimited.Load() != 1 {
		t.Fatalf("served %d, route-limited %d, global-limited %d", api.Served.Load(), api.RouteLimited.Load(), api.GlobalLimited.Load())
	}
}
