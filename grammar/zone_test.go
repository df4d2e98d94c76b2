package grammar_test

import (
	"slices"
	"testing"
	"time"

	"github.com/collabbot/collabbot/domain"
	"github.com/collabbot/collabbot/grammar"
)

// An unknown zone is named with the line's other errors, all at once.
func TestUnknownZoneReportedWithOtherErrors(t *testing.T) {
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	for _, line := range []string{
		"creator add @ok followers=lots tz=Mars/Olympus",
		"creator set @ok followers=lots tz=Mars/Olympus",
		"creator add @ok tz=Mars/Olympus",
	} {
		_, err := grammar.Parse(line, now, time.UTC)
		var fields []string
		for _, fe := range domain.ErrorFields(err) {
			fields = append(fields, fe.Field)
		}
		if !slices.Contains(fields, "timezone") {
			t.Errorf("%s: error fields %v (%v), want timezone among them", line, fields, err)
		}
	}
	if _, err := grammar.Parse("creator add @ok tz=Europe/Paris", now, time.UTC); err != nil {
		t.Errorf("a real zone refused: %v", err)
	}
}
