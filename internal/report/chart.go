package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart is one figure of the report: what it shows (Points, the values read
// from the output files that it plots) and how to draw it.
type Chart struct {
	ID      string // file name without extension, and the HTML id
	Kind    string // trend, funnel, effect or sobol
	Title   string
	Caption string
	// Points are the values the chart plots, each with the row it was read
	// from. The drawing uses these values and no others.
	Points []Point
	W, H   vg.Length
	draw   func(dc draw.Canvas)
}

// Point is one plotted value set: Src names the file and row (see the *Key
// functions), Values the columns of that row the chart uses.
type Point struct {
	Src    string             `json:"src"`
	Values map[string]float64 `json:"values"`
}

// PNGDPI is the resolution of the PNG files.
const PNGDPI = 150

// SVG renders the chart as a standalone SVG document.
func (c *Chart) SVG() ([]byte, error) {
	cv := vgsvg.New(c.W, c.H)
	if err := c.drawOn(cv); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := cv.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// PNG renders the chart as a PNG image at PNGDPI.
func (c *Chart) PNG() ([]byte, error) {
	cv := vgimg.NewWith(vgimg.UseWH(c.W, c.H), vgimg.UseDPI(PNGDPI))
	if err := c.drawOn(cv); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: cv}).WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (c *Chart) drawOn(cv vg.CanvasSizer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("chart %s: %v", c.ID, r)
		}
	}()
	dc := draw.New(cv)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	c.draw(dc)
	return nil
}

var (
	svgHeader   = regexp.MustCompile(`(?s)^.*?<svg `)
	svgSize     = regexp.MustCompile(`^<svg width="[^"]*" height="[^"]*" `)
	svgFontName = regexp.MustCompile(`font-family:Liberation Sans;`)
)

// InlineSVG turns a standalone SVG document of SVG into an element for an
// HTML page: no XML header, the size left to CSS (the viewBox keeps the
// aspect ratio), fonts with metric-compatible fallbacks.
func InlineSVG(doc []byte, label string) string {
	s := svgHeader.ReplaceAllString(string(doc), "<svg ")
	s = svgSize.ReplaceAllString(s, `<svg role="img" aria-label="`+htmlAttr(label)+`" preserveAspectRatio="xMidYMid meet" `)
	s = svgFontName.ReplaceAllString(s, "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	return strings.TrimSpace(s)
}

func htmlAttr(s string) string {
	r := strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;")
	return r.Replace(s)
}

// Greyscale-safe styles: series differ by grey level, dash pattern and marker.
var (
	ink      = color.Gray{Y: 0x00}
	darkGrey = color.Gray{Y: 0x40}
	midGrey  = color.Gray{Y: 0x80}
	barTrue  = color.Gray{Y: 0x55}
	barRec   = color.Gray{Y: 0xb4}
	bandGrey = color.Gray{Y: 0xd6}
)

func sans(size vg.Length, bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return f
}

// newPlot returns a plot with the report's fonts and a title.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(11, true)
	p.Title.Padding = 6
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(10, false)
		a.Tick.Label.Font = sans(9, false)
		a.Color = ink
	}
	p.Legend.TextStyle.Font = sans(9, false)
	p.Legend.ThumbnailWidth = 22
	return p
}

// drawTitle writes a chart title centred at the top of dc (smaller when it
// would not fit) and returns the canvas below it.
func drawTitle(dc draw.Canvas, title string) draw.Canvas {
	st := textStyle(11, true, draw.XCenter)
	st.YAlign = draw.YTop
	for st.Width(title) > dc.Size().X-8 && st.Font.Size > 6 {
		st.Font.Size -= 0.5
	}
	dc.FillText(st, vg.Point{X: dc.Center().X, Y: dc.Max.Y - 4}, title)
	return draw.Crop(dc, 0, 0, 0, -(st.Height(title) + 10))
}

func textStyle(size vg.Length, bold bool, xalign text.XAlignment) text.Style {
	return text.Style{Color: ink, Font: sans(size, bold), XAlign: xalign, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
}

// yearTicks labels whole years, at most about eight, with a minor tick every year.
type yearTicks struct{}

func (yearTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := int(math.Ceil(min)), int(math.Floor(max))
	step := 1
	for _, s := range []int{1, 2, 5, 10, 20, 50} {
		step = s
		if (hi-lo)/s+1 <= 8 {
			break
		}
	}
	var ts []plot.Tick
	for y := lo; y <= hi; y++ {
		t := plot.Tick{Value: float64(y)}
		if y%step == 0 {
			t.Label = strconv.Itoa(y)
		}
		ts = append(ts, t)
	}
	return ts
}

// groupedTicks are gonum's default ticks, labelled with as few decimals as
// they need and thousands separators.
type groupedTicks struct{}

func (groupedTicks) Ticks(min, max float64) []plot.Tick {
	ts := niceTicks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = tickLabel(ts[i].Value)
		}
	}
	return ts
}

// niceTicks returns 3 to 6 major ticks at multiples of 1, 2, 2.5 or 5
// times a power of ten (the major ticks labelled by their value, to be
// reformatted), with unlabelled minor ticks between.
func niceTicks(min, max float64) []plot.Tick {
	span := max - min
	if !(span > 0) || math.IsInf(span, 0) {
		return []plot.Tick{{Value: min, Label: tickLabel(min)}}
	}
	mag := math.Pow(10, math.Floor(math.Log10(span/5)))
	var step, minor float64
	for _, m := range []struct{ step, minor float64 }{{1, 0.2}, {2, 0.5}, {2.5, 0.5}, {5, 1}, {10, 2}, {20, 5}} {
		step, minor = m.step*mag, m.minor*mag
		if span/step <= 6 {
			break
		}
	}
	var ts []plot.Tick
	for k := math.Ceil(min/minor - 1e-9); k*minor <= max+1e-9*span; k++ {
		v := k * minor
		t := plot.Tick{Value: v}
		if r := math.Mod(math.Abs(v)+1e-9*step, step); r < 2e-9*step {
			t.Label = tickLabel(v)
		}
		ts = append(ts, t)
	}
	return ts
}

// tickLabel formats a tick value: rounded to 6 decimals, shortest form,
// thousands separators.
func tickLabel(v float64) string {
	v = math.Round(v*1e6) / 1e6
	if v == 0 {
		return "0"
	}
	return group(strconv.FormatFloat(v, 'f', -1, 64))
}

// decadeTicks label the powers of ten of an axis in log10 units (x is
// log10 of the count), with minor ticks at 2 to 9 times each power.
type decadeTicks struct{}

func (decadeTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(min); e <= max+1e-9; e++ {
		for k := 1; k <= 9; k++ {
			v := e + math.Log10(float64(k))
			if v < min-1e-9 || v > max+1e-9 {
				continue
			}
			t := plot.Tick{Value: v}
			if k == 1 {
				t.Label = decadeLabel(e)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// decadeLabel is a short label for 10^e: 1, 10, 100, 1k ... 100k, 1M ...
func decadeLabel(e float64) string {
	switch k := int(e); {
	case k < 0:
		return strconv.FormatFloat(math.Pow(10, e), 'f', -1, 64)
	case k < 3:
		return strconv.Itoa(int(math.Pow(10, e)))
	case k < 6:
		return strconv.Itoa(int(math.Pow(10, float64(k-3)))) + "k"
	case k < 9:
		return strconv.Itoa(int(math.Pow(10, float64(k-6)))) + "M"
	default:
		return strconv.FormatFloat(math.Pow(10, e), 'g', -1, 64)
	}
}

// signedTicks are gonum's default ticks with a + on positive values.
type signedTicks struct{}

func (s signedTicks) Ticks(min, max float64) []plot.Tick {
	ts := niceTicks(min, max)
	for i := range ts {
		if ts[i].Label == "" {
			continue
		}
		l := tickLabel(ts[i].Value)
		if ts[i].Value > 0 && l != "0" {
			l = "+" + l
		}
		ts[i].Label = l
	}
	return ts
}
