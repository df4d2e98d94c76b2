package commands_test

import (
	"math"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/commands"
	"github.com/collabbot/collabbot/domain"
)

var allActionVerbs = []string{
	commands.ActionAccept, commands.ActionDecline, commands.ActionRequestSample, commands.ActionApprove,
	commands.ActionReject, commands.ActionShip, commands.ActionSubmitContent, commands.ActionJoinPlan,
}

func TestParseActionRoundTrip(t *testing.T) {
	for _, verb := range allActionVerbs {
		for _, id := range []int64{1, 9, 10, 12, 1 << 31, math.MaxInt64} {
			s := commands.FormatAction(verb, id)
			if len(s) > commands.MaxCustomIDLength {
				t.Errorf("FormatAction(%q, %d) = %q is longer than %d", verb, id, s, commands.MaxCustomIDLength)
			}
			got, err := commands.ParseAction(s)
			if err != nil {
				t.Fatalf("ParseAction(%q): %v", s, err)
			}
			if got != (commands.Action{Verb: verb, ID: id}) {
				t.Errorf("ParseAction(FormatAction(%q, %d)) = %+v", verb, id, got)
			}
		}
	}
	if s := commands.FormatAction(commands.ActionApprove, 12); s != "approve:12" {
		t.Errorf("FormatAction = %q, want approve:12", s)
	}
}

func TestParseActionRejects(t *testing.T) {
	for _, s := range []string{
		"", "approve", "approve:", ":12", "approve:0", "approve:-1", "approve:+1", "approve:012", "approve: 1",
		"approve:1 ", " approve:1", "approve:1:2", "approve:1x", "APPROVE:1", "bogus:1", "approve:9223372036854775808",
		"approve:99999999999999999999", "approve:" + strings.Repeat("1", 100), strings.Repeat("a", 101), "approve:１",
	} {
		a, err := commands.ParseAction(s)
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
