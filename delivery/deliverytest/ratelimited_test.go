package deliverytest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
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

// A route RouteLimits gives 0 has no bucket: past Route requests it is
// still served (only the global limit counts it) and its answers announce
// no bucket. Opening a DM answers a channel, a message list none.
func TestRateLimitedAPIUnbucketedRoute(t *testing.T) {
	api := deliverytest.NewRateLimitedAPI()
	defer api.Close()
	api.RouteLimits = map[string]int{"POST /users/@me/channels": 0}
	ids := map[string]bool{}
	for i := range api.Route + 3 {
		resp, err := http.Post(api.URL+"/users/@me/channels", "application/json", strings.NewReader(`{"recipient_id":"1"}`))
		if err != nil {
			t.Fatal(err)
		}
		var ch struct {
			ID   string `json:"id"`
			Type int    `json:"type"`
		}
		err = json.NewDecoder(resp.Body).Decode(&ch)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil || ch.ID == "" || ch.Type != 1 || ids[ch.ID] {
			t.Fatalf("DM open %d: %d, %+v, %v", i+1, resp.StatusCode, ch, err)
		}
		ids[ch.ID] = true
		if b := resp.Header.Get("X-RateLimit-Bucket"); b != "" {
			t.Fatalf("an unbucketed route announced bucket %q", b)
		}
	}
	resp, err := http.Get(api.URL + "/channels/7/messages?limit=50")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("message list = %s, want []", body)
	}
	if api.RouteLimited.Load() != 0 || api.GlobalLimited.Load() != 0 {
		t.Errorf("route-limited %d, global-limited %d, want none", api.RouteLimited.Load(), api.GlobalLimited.Load())
	}
}
