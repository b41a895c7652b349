package report

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"htsim/analysis"
	"htsim/internal/output"
	"htsim/model"
	"htsim/sim"
)

// Keys naming the row a value was read from; a table cell's data-src and a
// chart point's src use them.

// SummaryKey names a row of summary.parquet.
func SummaryKey(s analysis.Summary) string {
	return "summary|" + s.Scenario + "|" + s.Period.Label + "|" + s.Measure.String()
}

// CompareKey names a row of compare.parquet.
func CompareKey(r output.CompareRow) string {
	return "compare|" + r.Scenario + "|" + r.Against + "|" + r.Measure + "|" + r.Period
}

// SensitivityKey names a row of sensitivity.parquet.
func SensitivityKey(r output.SensitivityRow) string {
	return "sensitivity|" + r.Scenario + "|" + r.Output + "|" + r.Period + "|" + r.Parameter
}

// HypothesisKey names a hypothesis of hypotheses.json.
func HypothesisKey(r HypothesisRecord) string { return "hypotheses|" + strconv.Itoa(r.Number) }

// MeasureLabel is the name a measure goes by in the report.
func MeasureLabel(m string) string {
	if l, ok := measureLabels[m]; ok {
		return l
	}
	return strings.ReplaceAll(m, "_", " ")
}

var measureLabels = map[string]string{
	"true_new_victims":        "true new victims",
	"true_victims_stock":      "victims in exploitation (end of period)",
	"contacted":               "contacted by any institution",
	"identified_official":     "identified (official)",
	"reported":                "reported to police",
	"registered_art128":       "registered (art. 128)",
	"to_court":                "sent to court",
	"convicted":               "convicted",
	"cases_registered_art128": "cases registered (art. 128)",
	"offenders_convicted":     "offenders convicted",
}

// FunnelMeasures are the stages of the attrition funnel, from the true number down.
var FunnelMeasures = []sim.Measure{sim.TrueNewVictims, sim.Contacted, sim.IdentifiedOfficial, sim.Reported,
	sim.RegisteredArt128, sim.ToCourt, sim.Convicted}

// EffectMeasures are the measures whose scenario effects are charted; the
// recording rate (identified / true new) is charted after them.
var EffectMeasures = []sim.Measure{sim.TrueNewVictims, sim.IdentifiedOfficial, sim.RegisteredArt128, sim.ToCourt, sim.Convicted}

// yearRows returns the single-year rows of one scenario and measure, by year.
func yearRows(rows []analysis.Summary, scenario string, m sim.Measure) []analysis.Summary {
	var out []analysis.Summary
	for _, s := range rows {
		if s.Scenario == scenario && s.Measure == m && s.Period.Year {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Period.From < out[j].Period.From })
	return out
}

// HorizonPeriod returns the widest period of several years among rows (the
// whole horizon), false when there is none.
func HorizonPeriod(rows []analysis.Summary) (analysis.Period, bool) {
	var best analysis.Period
	found := false
	for _, s := range rows {
		p := s.Period
		if p.Year {
			continue
		}
		if !found || p.To-p.From > best.To-best.From || (p.To-p.From == best.To-best.From && p.From < best.From) {
			best, found = p, true
		}
	}
	return best, found
}

func summaryPoint(s analysis.Summary, withRate bool) Point {
	v := map[string]float64{"mean": s.Mean, "p05": s.P05, "p95": s.P95}
	if withRate && !math.IsNaN(s.Rate.Mean) {
		v["rate_mean"] = s.Rate.Mean
	}
	return Point{Src: SummaryKey(s), Values: v}
}

// policyX returns the x position (in years, points at whole years) of the
// start of a policy month "YYYY-MM", and whether there is one.
func policyX(policy string) (float64, bool) {
	m, err := model.ParseMonth(policy)
	if err != nil || policy == "" {
		return 0, false
	}
	return float64(m.Year()) + float64(m.MonthNumber()-1)/12 - 0.5, true
}

// TrendChart draws, for one scenario, the true new victims and the victims
// identified (official) by year, in two panels (the counts differ by orders
// of magnitude), each with the mean across replicates and the band between
// the 5% and 95% quantiles. rows are rows of summary.parquet (those of other
// scenarios are left out); policy is a month to mark ("" for none), note
// what happens then ("differs from baseline"), and from and to the first and
// last months recorded ("" if unknown): a month no later than the first is
// in force throughout, one after the last is never recorded.
func TrendChart(scenario string, rows []analysis.Summary, policy, note, from, to string) (*Chart, error) {
	tn, id := yearRows(rows, scenario, sim.TrueNewVictims), yearRows(rows, scenario, sim.IdentifiedOfficial)
	if len(tn) == 0 || len(id) == 0 {
		return nil, fmt.Errorf("summary.parquet has no yearly rows of true_new_victims and identified_official for %s", scenario)
	}
	ch := &Chart{ID: "trend-" + scenario, Kind: "trend", W: 13.5 * vg.Centimeter, H: 11.5 * vg.Centimeter,
		Title: scenario + ": true new victims and victims identified, by year"}
	for _, s := range append(append([]analysis.Summary{}, tn...), id...) {
		ch.Points = append(ch.Points, summaryPoint(s, false))
	}
	ch.Caption = fmt.Sprintf("Scenario %s, %s to %s. Upper panel: true new victims (simulated); lower panel: victims identified by the state (the official record). "+
		"Lines: mean across %d replicates; grey bands: 5%% to 95%% of replicates.", scenario, tn[0].Period.Label, tn[len(tn)-1].Period.Label, tn[0].Replicates)
	px, hasPolicy := policyX(policy)
	first, last := tn[0].Period.From, tn[len(tn)-1].Period.From
	xmin, xmax := float64(first), float64(last)
	if xmin == xmax {
		xmin, xmax = xmin-0.5, xmax+0.5
	}
	// The marker is decided by year: a month of a year shown gets its line
	// (kept on the axis when it falls in the first half of the first year or
	// the second half of the last), a month before or after them a sentence.
	// Whether the month is recorded is decided by the months recorded when
	// known (from, to), else by the years charted: the chart shows only the
	// years simulated whole, so a month in a partial first or last year is
	// recorded but off the chart, and its line stands at the chart's edge.
	marker := false
	if hasPolicy {
		y := int(math.Floor(px + 0.5))
		switch {
		case from != "" && policy <= from || from == "" && y < first:
			ch.Caption += fmt.Sprintf(" It %s from %s, no later than the first month recorded: in force throughout.", note, policy)
		case to != "" && policy > to || to == "" && y > last:
			ch.Caption += fmt.Sprintf(" It %s from %s, after the months recorded.", note, policy)
		case y < first || y > last:
			marker, px = true, math.Min(math.Max(px, xmin), xmax)
			ch.Caption += fmt.Sprintf(" Dotted line: %s, when it %s (in %d, simulated only in part and not charted: the line is at the chart's edge).", policy, note, y)
		default:
			marker, px = true, math.Min(math.Max(px, xmin), xmax)
			ch.Caption += fmt.Sprintf(" Dotted line: %s, when it %s.", policy, note)
		}
	}
	panel := func(title, ylabel string, ss []analysis.Summary, line draw.LineStyle, glyph draw.GlyphDrawer) *plot.Plot {
		p := newPlot(title)
		p.X.Label.Text = "year"
		p.Y.Label.Text = ylabel
		p.X.Tick.Marker = yearTicks{}
		p.Y.Tick.Marker = groupedTicks{}
		p.X.Min, p.X.Max = xmin, xmax
		grid := plotter.NewGrid()
		grid.Vertical.Color, grid.Horizontal.Color = color.Gray{Y: 0xe6}, color.Gray{Y: 0xe6}
		grid.Vertical.Width, grid.Horizontal.Width = 0.5, 0.5
		p.Add(grid)
		band := make(plotter.XYs, 0, 2*len(ss))
		mean := make(plotter.XYs, 0, len(ss))
		hi := 0.0
		for _, s := range ss {
			band = append(band, plotter.XY{X: float64(s.Period.From), Y: s.P05})
			mean = append(mean, plotter.XY{X: float64(s.Period.From), Y: s.Mean})
			hi = math.Max(hi, math.Max(s.P95, s.Mean))
		}
		for i := len(ss) - 1; i >= 0; i-- {
			band = append(band, plotter.XY{X: float64(ss[i].Period.From), Y: ss[i].P95})
		}
		poly, _ := plotter.NewPolygon(band)
		poly.Color = bandGrey
		poly.LineStyle.Width = 0
		l, _ := plotter.NewLine(mean)
		l.LineStyle = line
		sc, _ := plotter.NewScatter(mean)
		sc.GlyphStyle = draw.GlyphStyle{Color: line.Color, Radius: 2.6, Shape: glyph}
		p.Add(poly, l, sc)
		if marker {
			// The label at the foot of the line, away from the legend at the
			// top, on the side of the line with more room.
			p.Add(&vline{X: px, Style: draw.LineStyle{Color: darkGrey, Width: 1, Dashes: []vg.Length{1.5, 2.5}}},
				&vlabel{X: px, Text: "from " + policy, Left: px > (xmin+xmax)/2})
		}
		p.Y.Min = 0
		if hi <= 0 {
			hi = 1
		}
		p.Y.Max = hi * 1.3 // room for the legend
		p.Legend.Add("mean across replicates", l, sc)
		p.Legend.Add("5% to 95% of replicates", poly)
		p.Legend.Top, p.Legend.Left = true, true
		p.Legend.XOffs, p.Legend.YOffs = 4, -2
		if marker && px < (xmin+xmax)/2 {
			// A line in the left half would cross the legend: put it on the
			// right (the line's label is at its foot, on its right).
			p.Legend.Left, p.Legend.XOffs = false, -4
		}
		return p
	}
	solid := draw.LineStyle{Color: ink, Width: 1.6}
	dashed := draw.LineStyle{Color: darkGrey, Width: 1.6, Dashes: []vg.Length{5, 3}}
	ch.draw = func(dc draw.Canvas) {
		top := panel(scenario+": true new victims (simulated)", "victims per year", tn, solid, draw.CircleGlyph{})
		bottom := panel(scenario+": identified by the state (official record)", "victims per year", id, dashed, draw.SquareGlyph{})
		cs := plot.Align([][]*plot.Plot{{top}, {bottom}}, draw.Tiles{Rows: 2, Cols: 1, PadTop: 4, PadBottom: 4, PadLeft: 4, PadRight: 10, PadY: 10}, dc)
		top.Draw(cs[0][0])
		bottom.Draw(cs[1][0])
	}
	return ch, nil
}

// rateText formats a recording rate in percent with enough decimals to show
// two significant digits down to 0.001%.
func rateText(x float64) string {
	a := math.Abs(100 * x)
	d := 3
	switch {
	case a >= 10:
		d = 1
	case a >= 1:
		d = 2
	}
	return Percent(x, d) + "%"
}

// FunnelChart draws the attrition funnel of one scenario over the whole
// horizon: for each stage (FunnelMeasures), horizontal bars on a log axis
// at the mean across replicates with a whisker from the 5% to the 95%
// quantile, and, beside each bar, the mean and the recording rate (the
// stage / true new victims, mean across replicates).
func FunnelChart(scenario string, all []analysis.Summary) (*Chart, error) {
	var rows []analysis.Summary
	for _, s := range all {
		if s.Scenario == scenario {
			rows = append(rows, s)
		}
	}
	period, ok := HorizonPeriod(rows)
	if !ok {
		return nil, fmt.Errorf("summary.parquet has no horizon rows for %s", scenario)
	}
	at := map[sim.Measure]analysis.Summary{}
	for _, s := range rows {
		if s.Period.Label == period.Label {
			at[s.Measure] = s
		}
	}
	var stages []analysis.Summary
	for _, m := range FunnelMeasures {
		s, ok := at[m]
		if !ok {
			return nil, fmt.Errorf("summary.parquet has no row %s, %s, %s", scenario, period.Label, m)
		}
		stages = append(stages, s)
	}
	ch := &Chart{ID: "funnel-" + scenario, Kind: "funnel", W: 13.5 * vg.Centimeter, H: 9 * vg.Centimeter,
		Title: fmt.Sprintf("%s: from true victims to convictions, %s", scenario, period.Label)}
	for _, s := range stages {
		ch.Points = append(ch.Points, summaryPoint(s, s.Measure != sim.TrueNewVictims))
	}
	ch.Caption = fmt.Sprintf("Scenario %s, victims summed over %s (log scale). Bars: mean across %d replicates; whiskers: 5%% to 95%% of replicates; "+
		"beside each bar its mean and, in brackets, the mean share of the true new victims.", scenario, period.Label, stages[0].Replicates)
	n := len(stages)
	vals, lo, hi := make([]float64, n), make([]float64, n), make([]float64, n)
	names, labels := make([]string, n), make([]string, n)
	fills := make([]color.Color, n)
	minPos, maxV := math.Inf(1), 0.0
	for k, s := range stages {
		i := n - 1 - k // the first stage on top
		vals[i], lo[i], hi[i] = s.Mean, s.P05, s.P95
		names[i] = MeasureLabel(s.Measure.String())
		labels[i] = Count(s.Mean)
		if s.Measure != sim.TrueNewVictims {
			labels[i] += " (" + rateText(s.Rate.Mean) + ")"
		}
		fills[i] = barRec
		if s.Measure == sim.TrueNewVictims {
			fills[i] = barTrue
		}
		for _, v := range []float64{s.Mean, s.P05} {
			if v > 0 {
				minPos = math.Min(minPos, v)
			}
		}
		maxV = math.Max(maxV, math.Max(s.Mean, s.P95))
	}
	if math.IsInf(minPos, 1) {
		minPos = 1
	}
	axisMin := math.Pow(10, math.Floor(math.Log10(minPos)))
	if axisMin > 1 {
		axisMin /= 10 // every bar has some length
	}
	axisMax := math.Pow(10, math.Ceil(math.Log10(math.Max(maxV, axisMin*10))))
	ch.draw = func(dc draw.Canvas) {
		dc = drawTitle(dc, ch.Title)
		p := newPlot("")
		// The axis is linear in log10 of the count (gonum's LogScale pads
		// the axis for its label as if the scale were linear).
		p.X.Tick.Marker = decadeTicks{}
		p.X.Label.Text = "victims over " + period.Label + " (log scale)"
		p.X.Min, p.X.Max = math.Log10(axisMin), math.Log10(axisMax)
		p.Add(vgrid())
		p.Add(&hbars{Vals: vals, Lo: lo, Hi: hi, Min: axisMin, Fill: fills})
		p.NominalY(names...)
		p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
		p.Y.Tick.Label.Font = sans(9.5, false)
		labelStyle := textStyle(9, false, draw.XLeft)
		head := textStyle(8.5, true, draw.XLeft)
		colW := head.Width("mean (share of true)")
		for _, l := range labels {
			colW = vg.Length(math.Max(float64(colW), float64(labelStyle.Width(l))))
		}
		colW += 12
		pc := draw.Crop(dc, 4, -colW, 2, -14) // room above for the column's heading
		p.Draw(pc)
		da := p.DataCanvas(pc)
		_, trY := p.Transforms(&da)
		x := pc.Max.X + 8
		for i, l := range labels {
			dc.FillText(labelStyle, vg.Point{X: x, Y: trY(float64(i))}, l)
		}
		dc.FillText(head, vg.Point{X: x, Y: pc.Max.Y + 6}, "mean (share of true)")
	}
	return ch, nil
}

// vgrid returns a grid of vertical lines only (a bar chart's value lines).
func vgrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Horizontal.Color = nil
	g.Vertical.Color = color.Gray{Y: 0xe0}
	g.Vertical.Width = 0.5
	return g
}

// EffectPeriod returns, for one scenario's comparison rows, the period its
// effects are shown over: the period of several years that starts latest
// (the years from the policy on), the widest among those.
func EffectPeriod(rows []output.CompareRow) (string, bool) {
	var best output.CompareRow
	found := false
	for _, r := range rows {
		if !strings.Contains(r.Period, "-") {
			continue
		}
		if !found || r.FirstYear > best.FirstYear || (r.FirstYear == best.FirstYear && r.LastYear > best.LastYear) {
			best, found = r, true
		}
	}
	return best.Period, found
}

// EffectRows picks, for each scenario compared in rows (in order of first
// appearance), the row of measure over its effect period.
func EffectRows(rows []output.CompareRow, measure string) []output.CompareRow {
	order, byScen := analysis.GroupBy(rows, func(r output.CompareRow) string { return r.Scenario })
	var out []output.CompareRow
	for _, s := range order {
		period, ok := EffectPeriod(byScen[s])
		if !ok {
			continue
		}
		for _, r := range byScen[s] {
			if r.Measure == measure && r.Period == period {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// EffectChart draws the paired difference of each scenario from the one it
// is compared against, for one measure (or, with rate, the recording rate
// of identified_official in percentage points), over each scenario's effect
// period: the mean as a dot and the 5% to 95% range across replicates as a
// whisker. rows are the rows of compare.parquet.
func EffectChart(measure string, rows []output.CompareRow, rate bool) (*Chart, error) {
	sel := EffectRows(rows, measure)
	if len(sel) == 0 {
		return nil, fmt.Errorf("compare.parquet has no rows of %s over several years", measure)
	}
	against := sel[0].Against
	periods := map[string]bool{}
	for _, r := range sel {
		periods[r.Period] = true
	}
	commonPeriod := ""
	if len(periods) == 1 {
		commonPeriod = sel[0].Period
	}
	id, what, unit := "effect-"+measure, MeasureLabel(measure), "victims"
	fields := [3]string{"diff_mean", "diff_p05", "diff_p95"}
	if rate {
		id, what, unit = "effect-recording-rate", "recording rate (identified / true new)", "percentage points"
		fields = [3]string{"rate_diff_mean", "rate_diff_p05", "rate_diff_p95"}
	}
	ch := &Chart{ID: id, Kind: "effect", Title: "Effect on " + what + ", vs " + against}
	n := len(sel)
	xs, los, his, ys := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	names, labels := make([]string, n), make([]string, n)
	scale := 1.0
	if rate {
		scale = 100
	}
	for k, r := range sel {
		v := [3]float64{r.DiffMean, r.DiffP05, r.DiffP95}
		if rate {
			v = [3]float64{r.RateDiffMean, r.RateDiffP05, r.RateDiffP95}
		}
		ch.Points = append(ch.Points, Point{Src: CompareKey(r), Values: map[string]float64{fields[0]: v[0], fields[1]: v[1], fields[2]: v[2]}})
		i := n - 1 - k
		xs[i], los[i], his[i], ys[i] = scale*v[0], scale*v[1], scale*v[2], float64(i)
		names[i] = r.Scenario
		if commonPeriod == "" {
			names[i] += " (" + r.Period + ")"
		}
		if rate {
			labels[i] = fmt.Sprintf("%s [%s, %s]", SignedPercent(v[0], 3), SignedPercent(v[1], 3), SignedPercent(v[2], 3))
		} else {
			labels[i] = fmt.Sprintf("%s [%s, %s]", Signed(v[0]), Signed(v[1]), Signed(v[2]))
		}
	}
	over := "over " + commonPeriod
	xlabel := fmt.Sprintf("difference from %s, %s %s", against, unit, over)
	if commonPeriod == "" {
		// A short axis label: gonum centres it on the plot and shrinks the
		// plot to fit it between the names and the values.
		over = "over the years shown from the first in which each differs from " + against + " (beside each name)"
		xlabel = "difference, " + unit
	}
	ch.Caption = fmt.Sprintf("Paired difference scenario minus %s (replicate r against replicate r, the same random numbers) in %s, %s: "+
		"dot the mean, whisker the 5%% to 95%% range across %d replicates (the middle 90%% of replicates, not a confidence interval of the mean). Right: mean [5%%, 95%%].", against, what, over, sel[0].Replicates)
	ch.W, ch.H = 14*vg.Centimeter, vg.Length(78+19*n)
	ch.draw = func(dc draw.Canvas) {
		dc = drawTitle(dc, ch.Title)
		p := newPlot("")
		p.X.Label.Text = xlabel
		p.X.Tick.Marker = signedTicks{}
		dw := &dotWhisker{X: xs, Lo: los, Hi: his, Y: ys,
			Glyph: draw.GlyphStyle{Color: ink, Radius: 3, Shape: draw.CircleGlyph{}},
			Line:  draw.LineStyle{Color: ink, Width: 1.2}}
		p.Add(vgrid())
		p.Add(&vline{X: 0, Style: draw.LineStyle{Color: midGrey, Width: 1, Dashes: []vg.Length{4, 3}}})
		p.Add(dw)
		p.NominalY(names...)
		p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
		lo, hi, _, _ := dw.DataRange()
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
		pad := 0.06 * (hi - lo)
		if pad == 0 {
			pad = 1
		}
		p.X.Min, p.X.Max = lo-pad, hi+pad
		labelStyle := textStyle(8.5, false, draw.XLeft)
		colW := vg.Length(0)
		for _, l := range labels {
			colW = vg.Length(math.Max(float64(colW), float64(labelStyle.Width(l))))
		}
		colW += 12
		pc := draw.Crop(dc, 4, -colW, 2, -2)
		p.Draw(pc)
		da := p.DataCanvas(pc)
		_, trY := p.Transforms(&da)
		for i, l := range labels {
			dc.FillText(labelStyle, vg.Point{X: pc.Max.X + 8, Y: trY(float64(i))}, l)
		}
	}
	return ch, nil
}

// SobolChart draws the first-order (S1) and total (ST) Sobol indices of
// every parameter for one scenario, output and period, with their bootstrap
// intervals. rows are the rows of sensitivity.parquet of that group, in order.
func SobolChart(rows []output.SensitivityRow) (*Chart, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("no sensitivity rows")
	}
	r0 := rows[0]
	ch := &Chart{ID: "sobol-" + r0.Scenario + "-" + r0.Output, Kind: "sobol",
		Title: fmt.Sprintf("%s: Sobol indices of %s, %s", r0.Scenario, r0.Output, r0.Period)}
	n := len(rows)
	s1 := &dotWhisker{Glyph: draw.GlyphStyle{Color: ink, Radius: 3.2, Shape: draw.CircleGlyph{}}, Line: draw.LineStyle{Color: ink, Width: 1.2}}
	st := &dotWhisker{Glyph: draw.GlyphStyle{Color: darkGrey, Radius: 3.6, Shape: draw.TriangleGlyph{}},
		Line: draw.LineStyle{Color: darkGrey, Width: 1.2, Dashes: []vg.Length{3, 2}}}
	names := make([]string, n)
	for _, r := range rows {
		ch.Points = append(ch.Points, Point{Src: SensitivityKey(r), Values: map[string]float64{
			"s1": r.S1, "s1_lo": r.S1Lo, "s1_hi": r.S1Hi, "st": r.ST, "st_lo": r.STLo, "st_hi": r.STHi}})
	}
	for k := n - 1; k >= 0; k-- {
		r := rows[k]
		i := float64(n - 1 - k)
		s1.X, s1.Lo, s1.Hi, s1.Y = append(s1.X, r.S1), append(s1.Lo, r.S1Lo), append(s1.Hi, r.S1Hi), append(s1.Y, i+0.17)
		st.X, st.Lo, st.Hi, st.Y = append(st.X, r.ST), append(st.Lo, r.STLo), append(st.Hi, r.STHi), append(st.Y, i-0.17)
		names[n-1-k] = r.Parameter
	}
	ch.Caption = fmt.Sprintf("Scenario %s, output %s over %s, from a Saltelli sample of %d base rows x %d replicate(s). "+
		"Circles: first-order index S1 (the parameter alone); triangles: total index ST (with its interactions); whiskers: %g%% bootstrap intervals over %d resamples.",
		r0.Scenario, r0.Output, r0.Period, r0.BaseRows, r0.Replicates, 100*r0.Level, r0.Used)
	ch.W, ch.H = 14*vg.Centimeter, vg.Length(110+26*n)
	ch.draw = func(dc draw.Canvas) {
		dc = drawTitle(dc, ch.Title)
		p := newPlot("")
		p.X.Label.Text = "Sobol index (share of the output's variance)"
		p.X.Tick.Marker = groupedTicks{}
		p.Add(vgrid())
		p.Add(&vline{X: 0, Style: draw.LineStyle{Color: midGrey, Width: 0.8}})
		p.Add(s1, st)
		p.NominalY(names...)
		p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4+0.9
		lo, hi, _, _ := s1.DataRange()
		lo2, hi2, _, _ := st.DataRange()
		p.X.Min, p.X.Max = math.Min(0, math.Min(lo, lo2))-0.02, math.Max(1, math.Max(hi, hi2))+0.02
		p.Legend.Add(fmt.Sprintf("S1, first order [%g%% interval]", 100*r0.Level), s1)
		p.Legend.Add(fmt.Sprintf("ST, total [%g%% interval]", 100*r0.Level), st)
		p.Legend.Top = true
		p.Legend.YOffs = -2
		p.Draw(draw.Crop(dc, 4, -10, 2, -2))
	}
	return ch, nil
}
