package report

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// hbars draws horizontal bars on an axis in log10 units, from the axis
// minimum Min to Vals[i] at y = i, with a whisker from Lo[i] to Hi[i]
// (counts, not logarithms). Bars of value 0 (or below the axis minimum) are
// not drawn: their label says 0.
type hbars struct {
	Vals, Lo, Hi []float64
	Min          float64 // where the bars start (the log axis minimum)
	Fill         []color.Color
}

func (b *hbars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, trY := p.Transforms(&c)
	trX := func(v float64) vg.Length { return tx(math.Log10(v)) }
	half := vg.Length(math.Abs(float64(trY(1)-trY(0)))) * 0.32
	edge := draw.LineStyle{Color: ink, Width: 0.6}
	whisk := draw.LineStyle{Color: ink, Width: 1}
	clamp := func(x float64) float64 { return math.Max(x, b.Min) }
	for i, v := range b.Vals {
		y := trY(float64(i))
		if v > b.Min {
			x0, x1 := trX(b.Min), trX(v)
			rect := vg.Rectangle{Min: vg.Point{X: x0, Y: y - half}, Max: vg.Point{X: x1, Y: y + half}}
			c.SetColor(b.Fill[i])
			c.Fill(rect.Path())
			c.StrokeLines(edge, c.ClipLinesXY([]vg.Point{{X: x0, Y: y - half}, {X: x1, Y: y - half}, {X: x1, Y: y + half}, {X: x0, Y: y + half}, {X: x0, Y: y - half}})...)
		}
		if b.Hi[i] > b.Min && b.Hi[i] > b.Lo[i] {
			lo, hi := trX(clamp(b.Lo[i])), trX(b.Hi[i])
			cap := half * 0.6
			c.StrokeLine2(whisk, lo, y, hi, y)
			c.StrokeLine2(whisk, lo, y-cap, lo, y+cap)
			c.StrokeLine2(whisk, hi, y-cap, hi, y+cap)
		}
	}
}

func (b *hbars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmax = b.Min
	for i := range b.Vals {
		xmax = math.Max(xmax, math.Max(b.Vals[i], b.Hi[i]))
	}
	return math.Log10(b.Min), math.Log10(xmax), -0.5, float64(len(b.Vals)) - 0.5
}

// dotWhisker draws, for each i, a marker at (X[i], Y[i]) and a whisker from
// Lo[i] to Hi[i] at height Y[i].
type dotWhisker struct {
	X, Lo, Hi, Y []float64
	Glyph        draw.GlyphStyle
	Line         draw.LineStyle
}

func (d *dotWhisker) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	cap := d.Glyph.Radius * 0.9
	for i := range d.X {
		y := trY(d.Y[i])
		if !math.IsNaN(d.Lo[i]) && !math.IsNaN(d.Hi[i]) {
			lo, hi := trX(d.Lo[i]), trX(d.Hi[i])
			c.StrokeLine2(d.Line, lo, y, hi, y)
			c.StrokeLine2(d.Line, lo, y-cap, lo, y+cap)
			c.StrokeLine2(d.Line, hi, y-cap, hi, y+cap)
		}
		if !math.IsNaN(d.X[i]) {
			c.DrawGlyph(d.Glyph, vg.Point{X: trX(d.X[i]), Y: y})
		}
	}
}

func (d *dotWhisker) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for i := range d.X {
		for _, v := range []float64{d.X[i], d.Lo[i], d.Hi[i]} {
			if !math.IsNaN(v) {
				xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
			}
		}
		ymin, ymax = math.Min(ymin, d.Y[i]), math.Max(ymax, d.Y[i])
	}
	return
}

// Thumbnail draws the legend entry: a short whisker with the marker.
func (d *dotWhisker) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(d.Line, c.Min.X, y, c.Max.X, y)
	c.DrawGlyph(d.Glyph, c.Center())
}

// vline is a vertical line across the data area at X.
type vline struct {
	X     float64
	Style draw.LineStyle
}

func (v *vline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(v.X)
	c.StrokeLine2(v.Style, x, c.Min.Y, x, c.Max.Y)
}

// vlabel writes a text at the foot of the data area, beside X: to its right,
// or to its left with Left (for a line near the right edge).
type vlabel struct {
	X    float64
	Text string
	Left bool
}

func (v *vlabel) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x, align := trX(v.X)+3, draw.XLeft
	if v.Left {
		x, align = trX(v.X)-3, draw.XRight
	}
	st := textStyle(8, false, align)
	st.Color = darkGrey
	st.YAlign = draw.YBottom
	c.FillText(st, vg.Point{X: x, Y: c.Min.Y + 2}, v.Text)
}
