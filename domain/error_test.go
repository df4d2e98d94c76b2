package domain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/collabbot/collabbot/domain"
)

const genericMessage = "Something went wrong on our side"

func TestErrorKindAndMessage(t *testing.T) {
	secret := errors.New("pq: password authentication failed for user collab (password=hunter2)")
	tests := []struct {
		name      string
		err       error
		wantKind  domain.Kind
		wantMsg   string // exact user message, or a prefix when generic
		wantField string
		generic   bool
	}{
		{name: "nil", err: nil, wantKind: ""},
		{name: "foreign error", err: secret, wantKind: domain.KindInternal, generic: true},
		{name: "wrapped foreign error", err: fmt.Errorf("load creator: %w", secret), wantKind: domain.KindInternal, generic: true},
		{name: "internal", err: domain.Internal(secret, "loading creator 7"), wantKind: domain.KindInternal, generic: true},
		{name: "invalid with field", err: domain.Invalidf("handle", "Handle must be %s", "short"), wantKind: domain.KindInvalid, wantMsg: "Handle must be short", wantField: "handle"},
		{name: "conflict", err: domain.Errorf(domain.KindConflict, "Already %s.", "approved"), wantKind: domain.KindConflict, wantMsg: "Already approved."},
		{name: "forbidden", err: domain.Errorf(domain.KindForbidden, "No."), wantKind: domain.KindForbidden, wantMsg: "No."},
		{name: "not found", err: domain.Errorf(domain.KindNotFound, "No creator @x."), wantKind: domain.KindNotFound, wantMsg: "No creator @x."},
		{name: "wrapped domain error", err: fmt.Errorf("use case: %w", domain.Invalidf("rates", "Bad rate")), wantKind: domain.KindInvalid, wantMsg: "Bad rate", wantField: "rates"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := domain.ErrorKind(tc.err); got != tc.wantKind {
				t.Errorf("ErrorKind = %q, want %q", got, tc.wantKind)
			}
			if got := domain.ErrorField(tc.err); got != tc.wantField {
				t.Errorf("ErrorField = %q, want %q", got, tc.wantField)
			}
			if tc.err == nil {
				return
			}
			msg := domain.ErrorMessage(tc.err)
			if tc.generic {
				if !strings.HasPrefix(msg, genericMessage) {
					t.Errorf("ErrorMessage = %q, want the generic text", msg)
				}
				for _, leak := range []string{"hunter2", "pq:", "password", "loading creator"} {
					if strings.Contains(msg, leak) {
						t.Errorf("ErrorMessage %q leaks %q", msg, leak)
					}
				}
				return
			}
			if msg != tc.wantMsg {
				t.Errorf("ErrorMessage = %q, want %q", msg, tc.wantMsg)
			}
		})
	}
}

func TestErrorErrorAndUnwrap(t *testing.T) {
	cause := errors.New("disk full")
	e := domain.Internal(cause, "saving plan")
	if got := e.Error(); got != "saving plan: disk full" {
		t.Errorf("Error() = %q, want the context and the cause for logs", got)
	}
	if !errors.Is(e, cause) {
		t.Error("errors.Is(Internal(cause), cause) = false, want true")
	}
	if errors.Unwrap(e) != cause {
		t.Error("Unwrap does not return the cause")
	}
	plain := domain.Errorf(domain.KindConflict, "Plan %s is %s.", "PL1", "ended")
	if plain.Error() != "Plan PL1 is ended." || plain.Unwrap() != nil {
		t.Errorf("Error() = %q, Unwrap = %v", plain.Error(), plain.Unwrap())
	}
	inv := domain.Invalidf("rate", "%d%% is too much", 90)
	if inv.Kind != domain.KindInvalid || inv.Field != "rate" || inv.Message != "90% is too much" {
		t.Errorf("Invalidf = %+v", inv)
	}
}
