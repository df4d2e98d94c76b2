package chart_test

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/collabbot/collabbot/chart"
)

var stages = []string{"Invited", "Accepted", "Sampled", "Shipped", "Posted"}

func TestFunnel(t *testing.T) {
	for _, tc := range []struct {
		name       string
		this, last []int
	}{
		{"a week", []int{40, 18, 9, 7, 3}, []int{32, 12, 6, 6, 5}},
		{"an empty week", []int{0, 0, 0, 0, 0}, []int{0, 0, 0, 0, 0}},
		{"a big week", []int{5000, 2400, 1200, 900, 600}, []int{1, 0, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			this := chart.Series{Label: "This week", Values: tc.this}
			last := chart.Series{Label: "Last week", Values: tc.last}
			b, err := chart.Funnel("Funnel, week of 11 May 2026", stages, this, last)
			if err != nil {
				t.Fatalf("Funnel: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if sz := img.Bounds().Size(); sz.X != chart.Width || sz.Y != chart.Height {
				t.Errorf("size %v, want %dx%d", sz, chart.Width, chart.Height)
			}
			again, err := chart.Funnel("Funnel, week of 11 May 2026", stages, this, last)
			if err != nil || !bytes.Equal(b, again) {
				t.Errorf("the same numbers drew different bytes (err %v)", err)
			}
		})
	}
}

// Different numbers draw a different picture: the bars follow the data.
func TestFunnelFollowsTheNumbers(t *testing.T) {
	a, err1 := chart.Funnel("t", stages, chart.Series{Label: "This", Values: []int{10, 5, 3, 2, 1}}, chart.Series{Label: "Last", Values: []int{8, 4, 2, 2, 1}})
	b, err2 := chart.Funnel("t", stages, chart.Series{Label: "This", Values: []int{10, 5, 3, 2, 0}}, chart.Series{Label: "Last", Values: []int{8, 4, 2, 2, 1}})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if bytes.Equal(a, b) {
		t.Error("a changed count drew the same picture")
	}
}

func TestFunnelRefusesMismatchedSeries(t *testing.T) {
	if _, err := chart.Funnel("t", stages, chart.Series{Values: []int{1, 2}}, chart.Series{Values: []int{1, 2, 3, 4, 5}}); err == nil {
		t.Error("Funnel with 2 values for 5 stages succeeded")
	}
}

func BenchmarkFunnel(b *testing.B) {
	this := chart.Series{Label: "This week", Values: []int{40, 18, 9, 7, 3}}
	last := chart.Series{Label: "Last week", Values: []int{32, 12, 6, 6, 5}}
	for b.Loop() {
		if _, err := chart.Funnel("Funnel", stages, this, last); err != nil {
			b.Fatal(err)
		}
	}
}
