package present_test

import (
	"math"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/present"
)

var allActionVerbs = []string{
	present.ActionAccept, present.ActionDecline, present.ActionRequestSample, present.ActionApprove,
	present.ActionReject, present.ActionShip, present.ActionSubmitContent, present.ActionJoinPlan,
}

func TestParseActionRoundTrip(t *testing.T) {
	for _, verb := range allActionVerbs {
		for _, id := range []int64{1, 9, 10, 12, 1 << 31, math.MaxInt64} {
			s := present.FormatAction(verb, id)
			if len(s) > present.MaxCustomIDLength {
				t.Errorf("FormatAction(%q, %d) = %q is longer than %d", verb, id, s, present.MaxCustomIDLength)
			}
			got, err := present.ParseAction(s)
			if err != nil {
				t.Fatalf("ParseAction(%q): %v", s, err)
			}
			if got != (present.Action{Verb: verb, ID: id}) {
				t.Errorf("ParseAction(FormatAction(%q, %d)) = %+v", verb, id, got)
			}
		}
	}
	if s := present.FormatAction(present.ActionApprove, 12); s != "approve:12" {
		t.Errorf("FormatAction = %q, want approve:12", s)
	}
}

func TestParseActionRejects(t *testing.T) {
	for _, s := range []string{
		"", "approve", "approve:", ":12", "approve:0", "approve:-1", "approve:+1", "approve:012", "approve: 1",
		"approve:1 ", " approve:1", "approve:1:2", "approve:1x", "APPROVE:1", "bogus:1", "approve:9223372036854775808",
		"approve:99999999999999999999", "approve:" + strings.Repeat("1", 100), strings.Repeat("a", 101), "approve:１",
	} {
		a, err := present.ParseAction(s)
		if err == nil {
			t.Errorf("ParseAction(%q) = %+v, want an error", s, a)
			continue
		}
		if domain.ErrorKind(err) != domain.KindInvalid || domain.ErrorField(err) != "custom_id" {
			t.Errorf("ParseAction(%q) error %v: kind %q field %q", s, err, domain.ErrorKind(err), domain.ErrorField(err))
		}
		if len(err.Error()) > 200 {
			t.Errorf("ParseAction(%q) error is %d bytes long; it should not echo the whole input", s, len(err.Error()))
		}
	}
}

func FuzzParseAction(f *testing.F) {
	for i, s := range []string{"approve:12", "accept:1", "join-plan:9223372036854775807", "request-sample:3", "submit-content:4",
		"", "approve:", "approve:0", "approve:01", "approve:-1", "approve:1:2", "nope:1", "ship:\u0661"} {
		f.Add(s, uint8(i), int64(i*7-3))
	}
	f.Fuzz(func(t *testing.T, s string, v uint8, id int64) {
		a, err := present.ParseAction(s)
		if err == nil {
			if a.ID <= 0 || present.FormatAction(a.Verb, a.ID) != s {
				t.Fatalf("ParseAction(%q) = %+v does not format back", s, a)
			}
		} else if domain.ErrorKind(err) != domain.KindInvalid || domain.ErrorField(err) != "custom_id" {
			t.Fatalf("ParseAction(%q): %v", s, err)
		}

		verb := allActionVerbs[int(v)%len(allActionVerbs)]
		a, err = present.ParseAction(present.FormatAction(verb, id))
		switch {
		case id > 0 && (err != nil || a != present.Action{Verb: verb, ID: id}):
			t.Fatalf("round trip of %s:%d = %+v, %v", verb, id, a, err)
		case id <= 0 && err == nil:
			t.Fatalf("ParseAction accepted %s:%d", verb, id)
		}
	})
}
