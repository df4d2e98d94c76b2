// Package chart draws the pictures collabbot attaches to messages: the
// weekly digest's funnel, this week's bars beside last week's, as a PNG of
// a fixed size. It owns nothing but drawing: the numbers come in, bytes go
// out, and the same numbers always give the same bytes.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The funnel picture's size in pixels: wide enough for five labelled
// stages, and what Slack previews without cropping.
const (
	Width  = 800
	Height = 450
	dpi    = 96
)

// Series is one week's counts, stage by stage.
type Series struct {
	Label  string // "This week (11 May)"
	Values []int
}

var (
	thisColor = color.RGBA{R: 0x1f, G: 0x6f, B: 0xd1, A: 0xff}
	lastColor = color.RGBA{R: 0xb0, G: 0xb8, B: 0xc4, A: 0xff}
)

// Funnel draws this week's bars beside last week's for each stage, with
// labelled axes and a legend, as a Width x Height PNG. Stages name the
// bars' groups; both series must have one value per stage.
func Funnel(title string, stages []string, this, last Series) ([]byte, error) {
	if len(this.Values) != len(stages) || len(last.Values) != len(stages) {
		return nil, fmt.Errorf("chart: %d stages but %d and %d values", len(stages), len(this.Values), len(last.Values))
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "Stage"
	p.Y.Label.Text = "Count"
	p.Y.Min = 0

	width := vg.Points(28)
	lastBars, err := plotter.NewBarChart(values(last.Values), width)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	lastBars.Color = lastColor
	lastBars.LineStyle.Width = 0
	lastBars.Offset = -width / 2
	thisBars, err := plotter.NewBarChart(values(this.Values), width)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	thisBars.Color = thisColor
	thisBars.LineStyle.Width = 0
	thisBars.Offset = width / 2

	top := 0
	for _, v := range append(append([]int(nil), this.Values...), last.Values...) {
		top = max(top, v)
	}
	// Room above the tallest bar for the legend; an all-zero week still
	// gets a readable axis.
	p.Y.Max = float64(max(top, 4)) * 1.25
	p.Y.Tick.Marker = wholeTicks{}

	p.Add(plotter.NewGrid(), lastBars, thisBars)
	p.Legend.Add(last.Label, lastBars)
	p.Legend.Add(this.Label, thisBars)
	p.Legend.Top = true
	p.NominalX(stages...)
	// Half a group of room either side, so the outer bars are not cut.
	p.X.Min, p.X.Max = -0.6, float64(len(stages)-1)+0.6
	p.Legend.XOffs = -vg.Points(8)

	c := vgimg.NewWith(vgimg.UseWH(vg.Length(Width)*vg.Inch/dpi, vg.Length(Height)*vg.Inch/dpi), vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

func values(vs []int) plotter.Values {
	out := make(plotter.Values, len(vs))
	for i, v := range vs {
		out[i] = float64(v)
	}
	return out
}

// wholeTicks marks the count axis at whole numbers only: half an
// invitation means nothing.
type wholeTicks struct{}

func (wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Value != float64(int64(t.Value)) {
			continue
		}
		if t.Label != "" {
			t.Label = strconv.FormatInt(int64(t.Value), 10)
		}
		out = append(out, t)
	}
	return out
}
