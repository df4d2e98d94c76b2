package present

import (
	"strconv"
	"strings"

	"github.com/collabbot/collabbot/domain"
)

// Action is a parsed button custom_id: a verb and the number it acts on.
type Action struct {
	Verb string // one of the Action* constants
	ID   int64
}

// Button verbs. A custom_id is "<verb>:<id>", at most 100 characters.
const (
	ActionAccept        = "accept"         // creator accepts invitation ID
	ActionDecline       = "decline"        // creator declines invitation ID (adapters ask for a reason)
	ActionRequestSample = "request-sample" // creator asks for the sample of invitation ID (adapters ask which product)
	ActionApprove       = "approve"        // manager approves sample ID
	ActionReject        = "reject"         // manager rejects sample ID (adapters ask for a reason)
	ActionShip          = "ship"           // seller marks sample ID shipped
	ActionSubmitContent = "submit-content" // creator submits the content link for sample ID
	ActionJoinPlan      = "join-plan"      // creator requests a sample through plan ID
	ActionLinkConfirm   = "link-confirm"   // team member confirms link request ID
	ActionLinkReject    = "link-reject"    // team member rejects link request ID
	ActionCancelSample  = "cancel-sample"  // creator cancels their own waiting sample request ID
)

// MaxCustomIDLength is the longest custom_id Slack and Discord both accept.
const MaxCustomIDLength = 100

// actionVerbs are the only verbs a button may carry: a custom_id comes back
// from the platform as untrusted input, so anything else is refused.
var actionVerbs = map[string]bool{
	ActionAccept:        true,
	ActionDecline:       true,
	ActionRequestSample: true,
	ActionApprove:       true,
	ActionReject:        true,
	ActionShip:          true,
	ActionSubmitContent: true,
	ActionJoinPlan:      true,
	ActionLinkConfirm:   true,
	ActionLinkReject:    true,
	ActionCancelSample:  true,
}

// FormatAction builds the custom_id of a button: "approve:12".
func FormatAction(verb string, id int64) string {
	return verb + ":" + strconv.FormatInt(id, 10)
}

// ParseAction reads a custom_id built by FormatAction. Only the canonical
// form is accepted (no signs, spaces or leading zeros), so every accepted
// custom_id formats back to itself.
func ParseAction(customID string) (Action, error) {
	bad := func() (Action, error) {
		return Action{}, domain.Invalidf("custom_id", "Button action must be like approve:12 (got %s)", domain.QuoteInput(customID))
	}
	if customID == "" || len(customID) > MaxCustomIDLength {
		return bad()
	}
	verb, num, ok := strings.Cut(customID, ":")
	if !ok || !actionVerbs[verb] {
		return bad()
	}
	id, ok := canonicalID(num)
	if !ok {
		return bad()
	}
	return Action{Verb: verb, ID: id}, nil
}

// canonicalID accepts a positive decimal int64 written without sign or
// leading zeros.
func canonicalID(s string) (int64, bool) {
	if s == "" || len(s) > 19 || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}
