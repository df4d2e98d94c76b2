package domain_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/collabbot/collabbot/domain"
)

func TestNormalizeAddress(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"  12 Rue de Rivoli \r\n\r\n 75001   Paris, France ", "12 Rue de Rivoli\n75001 Paris, France", true},
		{"", "", false},
		{"Paris", "", false},
		{strings.Repeat("a", domain.MaxAddressLength+1), "", false},
		{"12 Rue de Rivoli\x00 Paris", "", false},
	}
	for _, tt := range tests {
		got, err := domain.NormalizeAddress("address", tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeAddress(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && domain.ErrorField(err) != "address" {
			t.Errorf("NormalizeAddress(%q) names field %q", tt.in, domain.ErrorField(err))
		}
	}
}

func TestLinkRequestIsDecidedOnce(t *testing.T) {
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	l := domain.LinkRequest{ID: 3, Handle: "maya", State: domain.LinkPending}
	if err := l.Decide(domain.LinkPending, "U1", "dana", now); domain.ErrorKind(err) != domain.KindInvalid {
		t.Errorf("deciding to pending = %v, want invalid", err)
	}
	if err := l.Decide(domain.LinkConfirmed, "U1", "dana", now); err != nil || l.State != domain.LinkConfirmed || l.DecidedBy != "U1" {
		t.Fatalf("confirm = %v, %+v", err, l)
	}
	err := l.Decide(domain.LinkRejected, "U2", "erin", now)
	if domain.ErrorKind(err) != domain.KindConflict || domain.ErrorDecision(err) == nil || domain.ErrorDecision(err).Name != "dana" {
		t.Errorf("second decision = %v, want a conflict naming dana", err)
	}
}

func TestCreatorAddressNeverReachesLogsOrJSON(t *testing.T) {
	c := domain.Creator{ID: 1, Handle: "maya", Address: "12 Rue de Rivoli, Paris"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "creator", c)
	if strings.Contains(buf.String(), "Rivoli") || !strings.Contains(buf.String(), "maya") {
		t.Errorf("logged creator: %s", buf.String())
	}
	n := domain.Notice{Kind: domain.NoticeSampleReceived, Creator: &c}
	b, err := jsonOf(n)
	if err != nil || strings.Contains(b, "Rivoli") {
		t.Errorf("notice JSON %s %v carries the address", b, err)
	}
}

func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
