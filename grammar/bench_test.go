package grammar_test

import (
	"testing"
	"time"

	"github.com/collabbot/collabbot/grammar"
)

// BenchmarkParseInvite measures the grammar on a full invite line.
func BenchmarkParseInvite(b *testing.B) {
	line := `invite @maya_glow @leo.cooks=12% P100 P200 15% expires=14d email=partners@glowshop.com samples=1 min-followers=1000 "We love your skincare videos!"`
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := grammar.Parse(line, now, time.UTC); err != nil {
			b.Fatal(err)
		}
	}
}
