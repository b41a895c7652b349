package report

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/model"
	"htsim/scenarios"
	"htsim/sim"
)

func TestFormats(t *testing.T) {
	cases := []struct{ got, want string }{
		{Count(0), "0"},
		{Count(3), "3"},
		{Count(3.456), "3.46"},
		{Count(12.34), "12.3"},
		{Count(1234.5), "1,234"}, // round half to even
		{Count(1234567), "1,234,567"},
		{Count(-1234567.8), "-1,234,568"},
		{Count(-0.001), "0.00"},
		{Count(math.NaN()), "n/a"},
		{Signed(5.5), "+5.50"},
		{Signed(-20.7), "-20.7"},
		{Signed(0), "0"},
		{Percent(0.00191, 3), "0.191"},
		{SignedPercent(-0.00001, 1), "0.0"},
		{SignedPercent(0.247, 1), "+24.7"},
		{Fixed(0.12345, 3), "0.123"},
		{rateText(0.0951), "9.51%"},
		{rateText(0.000571), "0.057%"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
	for _, s := range []string{"1,234", "+57.8", "-0.016", "0.00"} {
		v, tol, err := ParseShown(s)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s -> %v ± %v", s, v, tol)
	}
	if v, tol, _ := ParseShown("+1,234.5"); v != 1234.5 || tol != 0.05 {
		t.Errorf("ParseShown(+1,234.5) = %v, %v", v, tol)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, r := range [][2]float64{{0, 52000}, {-37, 190}, {-0.02, 0.75}, {0, 1}, {2010, 2030}, {-5, -1}} {
		ts := niceTicks(r[0], r[1])
		major := 0
		for _, tk := range ts {
			if tk.Value < r[0]-1e-9 || tk.Value > r[1]+1e-9 {
				t.Errorf("%v: tick %v outside the range", r, tk.Value)
			}
			if tk.Label != "" {
				major++
			}
		}
		if major < 2 || major > 7 {
			t.Errorf("%v: %d labelled ticks: %v", r, major, ts)
		}
	}
}

// synthSummary makes summary rows of one scenario over 2020-2022 and the
// horizon, with distinct values per measure and period.
func synthSummary(scen string) []analysis.Summary { return synthSummaryYears(scen, 2020, 2022) }

// synthSummaryYears is synthSummary over the years from first to last.
func synthSummaryYears(scen string, first, last int) []analysis.Summary {
	return synthSummaryPeriods(scen, analysis.SummaryPeriods(model.MonthOf(first, 1), model.MonthOf(last, 12)))
}

// synthSummaryPeriods is synthSummary over the given periods.
func synthSummaryPeriods(scen string, periods []analysis.Period) []analysis.Summary {
	var out []analysis.Summary
	for pi, p := range periods {
		for m := sim.Measure(0); m < sim.NumMeasures; m++ {
			base := 30000 / math.Pow(3, float64(int(m)%8)) * float64(pi+1)
			s := analysis.Summary{Scenario: scen, Measure: m, Period: p, Replicates: 5, Mean: base, Median: base * 0.98,
				P05: base * 0.6, P25: base * 0.8, P75: base * 1.2, P95: base * 1.5,
				Rate: analysis.Interval{Mean: base / 30000, Lo: base / 60000, Hi: base / 20000}}
			if m == sim.Convicted {
				s.Mean, s.P05, s.Median = 0.4, 0, 0 // a stage that is often zero
			}
			out = append(out, s)
		}
	}
	return out
}

func TestChartsFromRows(t *testing.T) {
	rows := synthSummary("baseline")
	byKey := map[string]analysis.Summary{}
	for _, s := range rows {
		byKey[SummaryKey(s)] = s
	}
	tc, err := TrendChart("baseline", rows, "2021-07", "differs from palermo", "", "")
	if err != nil {
		t.Fatal(err)
	}
	// The marker is drawn and announced only inside the years shown; a month
	// before them is said to be outside (a caption promised a line that a
	// law amended before the horizon did not get: found by review).
	if want := "Dotted line: 2021-07, when it differs from palermo."; !strings.Contains(tc.Caption, want) {
		t.Errorf("caption %q lacks %q", tc.Caption, want)
	}
	before, err := TrendChart("baseline", rows, "2018-01", "differs from palermo", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := "It differs from palermo from 2018-01, no later than the first month recorded: in force throughout."; !strings.Contains(before.Caption, want) || strings.Contains(before.Caption, "Dotted line") {
		t.Errorf("caption %q lacks %q, or promises a line", before.Caption, want)
	}
	// January of the first year shown falls half a year left of the axis's
	// first tick: it is one of the years shown, and gets its line there.
	jan, err := TrendChart("baseline", rows, "2020-01", "differs from palermo", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Dotted line: 2020-01, when it differs from palermo."; !strings.Contains(jan.Caption, want) {
		t.Errorf("caption %q lacks %q", jan.Caption, want)
	}
	// A month of the first year shown but before the first month recorded
	// is in force throughout; one after the years shown is said to be.
	for _, c := range []struct{ policy, from, to, want string }{
		{"2020-01", "2020-06", "", "It differs from palermo from 2020-01, no later than the first month recorded: in force throughout."},
		{"2020-06", "2020-06", "", "It differs from palermo from 2020-06, no later than the first month recorded: in force throughout."},
		{"2023-03", "2020-01", "", "It differs from palermo from 2023-03, after the months recorded."},
		{"2022-10", "2020-01", "2022-06", "It differs from palermo from 2022-10, after the months recorded."},
	} {
		ch, err := TrendChart("baseline", rows, c.policy, "differs from palermo", c.from, c.to)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ch.Caption, c.want) || strings.Contains(ch.Caption, "Dotted line") {
			t.Errorf("caption %q lacks %q, or promises a line", ch.Caption, c.want)
		}
	}
	fc, err := FunnelChart("baseline", rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(tc.Points) != 2*3 || len(fc.Points) != len(FunnelMeasures) {
		t.Fatalf("trend has %d points, funnel %d", len(tc.Points), len(fc.Points))
	}
	for _, c := range []*Chart{tc, fc} {
		for _, p := range c.Points {
			s, ok := byKey[p.Src]
			if !ok {
				t.Fatalf("%s: point %s is not a row", c.ID, p.Src)
			}
			want := map[string]float64{"mean": s.Mean, "p05": s.P05, "p95": s.P95, "rate_mean": s.Rate.Mean}
			for f, v := range p.Values {
				if v != want[f] {
					t.Errorf("%s: %s %s = %v, row holds %v", c.ID, p.Src, f, v, want[f])
				}
			}
		}
		svg, err := c.SVG()
		if err != nil {
			t.Fatal(err)
		}
		png, err := c.PNG()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(svg, []byte("<svg")) || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("%s: SVG or PNG is not one", c.ID)
		}
		in := InlineSVG(svg, c.Title)
		if !strings.HasPrefix(in, "<svg ") || strings.Contains(in, "<?xml") || strings.Contains(in, `width="`) && strings.Index(in, `width="`) < strings.Index(in, "viewBox") {
			t.Errorf("%s: inline SVG starts %q", c.ID, in[:min(len(in), 200)])
		}
	}
	// The funnel labels its bars with the values it was given.
	svg, _ := fc.SVG()
	for _, want := range []string{Count(fc.Points[0].Values["mean"]), "0.40 (", "mean (share of true)"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("funnel SVG lacks %q", want)
		}
	}
	if _, err := TrendChart("nosuch", rows, "", "", "", ""); err == nil {
		t.Error("a trend chart of a scenario without rows did not fail")
	}
}

func TestEffectAndSobolCharts(t *testing.T) {
	rel := 0.1
	var rows []output.CompareRow
	for _, scen := range []string{"palermo", "training"} {
		for _, p := range []struct {
			label    string
			from, to int32
		}{{"2024", 2024, 2024}, {"2020-2030", 2020, 2030}, {"2025-2030", 2025, 2030}} {
			for _, m := range EffectMeasures {
				rows = append(rows, output.CompareRow{Scenario: scen, Against: "baseline", Measure: m.String(), Period: p.label,
					FirstYear: p.from, LastYear: p.to, Replicates: 9, DiffMean: float64(p.from) + 0.5, DiffP05: -3, DiffP95: 40,
					RelChange: &rel, RateDiffMean: 0.001, RateDiffP05: -0.0005, RateDiffP95: 0.002})
			}
		}
	}
	c, err := EffectChart("identified_official", rows, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Points) != 2 {
		t.Fatalf("%d points, want one per scenario", len(c.Points))
	}
	for _, p := range c.Points {
		if !strings.HasSuffix(p.Src, "|2025-2030") || p.Values["diff_mean"] != 2025.5 || p.Values["diff_p95"] != 40 {
			t.Errorf("effect point %+v: want the policy period 2025-2030", p)
		}
	}
	rc, err := EffectChart("identified_official", rows, true)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Points[0].Values["rate_diff_p95"] != 0.002 {
		t.Errorf("rate point %+v", rc.Points[0])
	}
	sens := []output.SensitivityRow{
		{Scenario: "baseline", Output: "recording_rate", Period: "2020-2021", Parameter: "police.skill", S1: 0.4, S1Lo: 0.1, S1Hi: 0.7, ST: 0.6, STLo: 0.3, STHi: 1.1, Level: 0.95, BaseRows: 8, Replicates: 1, Resamples: 100},
		{Scenario: "baseline", Output: "recording_rate", Period: "2020-2021", Parameter: "contact.awareness", S1: -0.05, S1Lo: -0.2, S1Hi: 0.1, ST: 0.02, STLo: 0, STHi: 0.05, Level: 0.95, BaseRows: 8, Replicates: 1, Resamples: 100},
	}
	sc, err := SobolChart(sens)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Chart{c, rc, sc} {
		if _, err := c.SVG(); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PNG(); err != nil {
			t.Fatal(err)
		}
	}
	if sc.Points[1].Values["s1_lo"] != -0.2 || sc.Points[0].Src != "sensitivity|baseline|recording_rate|2020-2021|police.skill" {
		t.Errorf("sobol points %+v", sc.Points)
	}
	tab := SobolTable(sens)
	if len(tab.Rows) != 2 {
		t.Errorf("sobol table has %d rows", len(tab.Rows))
	}
}

func TestShellQuote(t *testing.T) {
	got := commandLine([]string{"htsim", "run", "baseline", "--out", "my results", "it's"})
	if want := `bin/htsim run baseline --out 'my results' 'it'\''s'`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// needChromium returns the Chromium binary the layout tests need: without
// it they fail, or with -short are skipped.
func needChromium(t *testing.T) string {
	t.Helper()
	chromium, err := Chromium()
	if err != nil {
		if testing.Short() {
			t.Skipf("-short: %v", err)
		}
		t.Fatalf("this test needs headless Chromium: %v\n(as root: bash scripts/ensure-chromium.sh, or make test)", err)
	}
	return chromium
}

// layoutChecker writes r's page and returns it, with a function that lays
// out a version of it in headless Chromium and lists its problems for want
// charts.
func layoutChecker(t *testing.T, chromium string, r *Report, want int) (good string, measure func(page string) []string) {
	t.Helper()
	page, index := writtenPage(t, r)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return string(page), func(page string) []string {
		t.Helper()
		if err := os.WriteFile(index, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		l, _, err := MeasureLayout(ctx, chromium, index, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return l.Problems(want)
	}
}

// writtenPage writes r into a temporary folder and returns its page and
// the page's path.
func writtenPage(t *testing.T, r *Report) (page []byte, index string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "report")
	if err := r.Write(dir, false); err != nil {
		t.Fatal(err)
	}
	index = filepath.Join(dir, IndexName)
	page, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	return page, index
}

// TestLayoutCheck renders a report built from synthetic rows in headless
// Chromium, and checks that the layout check passes it and catches a chart
// that is missing, one of no size and one wider than the page.
func TestLayoutCheck(t *testing.T) {
	chromium := needChromium(t)
	in := &Inputs{Out: "synthetic", Summary: append(synthSummary("baseline"), synthSummary("palermo")...)}
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	good, measure := layoutChecker(t, chromium, r, 4)
	if ps := measure(good); len(ps) != 0 {
		t.Fatalf("the synthetic report has layout problems: %v", ps)
	}
	for _, c := range []struct {
		name, from, to, want string
	}{
		{"missing chart", `<figure class="chart" id="funnel-palermo"`, `<figure class="gone" id="funnel-palermo"`, "shows 3 charts, want 4"},
		{"flat chart", "</style>", "#trend-baseline svg{height:0}</style>", "trend-baseline is"},
		{"too wide", "</style>", "#funnel-baseline svg{width:1500px}</style>", "beyond the page width"},
	} {
		page := strings.Replace(good, c.from, c.to, 1)
		ps := measure(page)
		if !strings.Contains(strings.Join(ps, "\n"), c.want) {
			t.Errorf("%s: problems %q, want one with %q", c.name, ps, c.want)
		}
	}
}

// TestMarkerLayout draws the trend chart's policy marker at months across
// the default horizon, at its ends and on either side of its middle, and
// checks in headless Chromium that no text of a chart overlaps another and
// that the dotted line crosses none: the legend moves to the side away from
// the line, and the line's label sits at its foot on the side with more room
// (they were placed by eye until session 9).
func TestMarkerLayout(t *testing.T) {
	chromium := needChromium(t)
	for _, h := range []struct {
		from, to string
		markers  []string
	}{
		{"2010-01", "2030-12", []string{"2010-02", "2010-07", "2011-01", "2014-06", "2019-12", "2020-01", "2020-07", "2024-05", "2029-12", "2030-06", "2030-12"}},
		// Partial first and last years: months in them are drawn at the
		// chart's edges (the years charted are 2011-2029).
		{"2010-07", "2030-03", []string{"2010-08", "2010-12", "2011-01", "2011-06", "2029-12", "2030-01", "2030-03"}},
	} {
		from, _ := model.ParseMonth(h.from)
		to, _ := model.ParseMonth(h.to)
		in := &Inputs{Out: "synthetic", Manifest: &output.Manifest{From: h.from, To: h.to}}
		for i, m := range h.markers {
			name := fmt.Sprintf("s%02d", i)
			in.Summary = append(in.Summary, synthSummaryPeriods(name, analysis.SummaryPeriods(from, to))...)
			in.Manifest.Scenarios = append(in.Manifest.Scenarios, output.ScenarioManifest{Name: name,
				Phases: []output.PhaseManifest{{From: "2008-01"}, {From: m}}})
		}
		r, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range h.markers {
			name := fmt.Sprintf("s%02d", i)
			if r.Policy[name] != m || !strings.Contains(r.Trends[name].Caption, "Dotted line: "+m) {
				t.Fatalf("%s to %s, %s: marker %q, caption %q; want a line at %s", h.from, h.to, name, r.Policy[name], r.Trends[name].Caption, m)
			}
		}
		good, measure := layoutChecker(t, chromium, r, 2*len(h.markers))
		if ps := measure(good); len(ps) != 0 {
			t.Fatalf("%s to %s, markers at %v: layout problems:\n%s", h.from, h.to, h.markers, strings.Join(ps, "\n"))
		}
		// The check can fail: larger type makes the legend's rows overlap.
		ps := measure(strings.Replace(good, "</style>", "#trend-s03 text{font-size:20px!important}</style>", 1))
		if !strings.Contains(strings.Join(ps, "\n"), "texts collide: trend-s03") {
			t.Errorf("%s to %s, larger type in trend-s03: problems %q, want a collision there", h.from, h.to, ps)
		}
	}
}

// TestBuildMarkerWithoutComparison: with no scenario to compare against, the
// trend chart marks the scenario's first change after the first month
// recorded, and a scenario whose every change came before it is in force
// throughout (a change within the years shown got no line: found by review).
func TestBuildMarkerWithoutComparison(t *testing.T) {
	phases := func(starts ...string) (ps []output.PhaseManifest) {
		for _, s := range starts {
			ps = append(ps, output.PhaseManifest{From: s})
		}
		return ps
	}
	for _, c := range []struct {
		starts      []string
		marker, cap string
	}{
		{[]string{"2010-01", "2020-01", "2021-03"}, "2021-03", "Dotted line: 2021-03, when it changes."},
		{[]string{"2010-01", "2020-01"}, "2020-01", "It changes from 2020-01, no later than the first month recorded: in force throughout."},
	} {
		in := &Inputs{Summary: synthSummary("s"), Manifest: &output.Manifest{From: "2020-06", To: "2022-12",
			Scenarios: []output.ScenarioManifest{{Name: "s", Phases: phases(c.starts...)}}}}
		r, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		if r.Policy["s"] != c.marker || !strings.Contains(r.Trends["s"].Caption, c.cap) {
			t.Errorf("phases %v: marker %q, caption %q; want %q and %q", c.starts, r.Policy["s"], r.Trends["s"].Caption, c.marker, c.cap)
		}
	}
}

// TestParameterValuesRounded: the parameters table shows six significant
// digits (a relative change, 0.9 x 1.3, shows as 1.17), and a change in a
// later digit is still a change.
func TestParameterValuesRounded(t *testing.T) {
	param := func(v float64) []scenarios.Param {
		return []scenarios.Param{{Path: "police.regional_effort.west", Dist: scenarios.Dist{Value: v}, Source: "test"}}
	}
	in := &Inputs{Summary: synthSummary("s"), Manifest: &output.Manifest{From: "2020-01", To: "2022-12",
		Scenarios: []output.ScenarioManifest{{Name: "s", Phases: []output.PhaseManifest{
			{From: "2010-01", Parameters: param(0.9)},
			{From: "2021-01", Parameters: param(0.9 * 1.3)},
			{From: "2022-01", Parameters: param(0.9*1.3 + 1e-12)},
		}}}}}
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := writtenPage(t, r)
	if bytes.Contains(page, []byte("1.1700000000000002")) || !bytes.Contains(page, []byte("<td>1.17</td>")) {
		t.Error("the parameters table does not show 0.9 x 1.3 as 1.17")
	}
	if !bytes.Contains(page, []byte("2 parameters changed")) {
		t.Error("a change in the 12th digit was not counted as a change")
	}
}

// TestReportWithoutWholeYear: a horizon inside one year has no yearly rows
// (summaries leave partial years out); the report draws the funnel, says
// why there is no chart by year, and does not fail.
func TestReportWithoutWholeYear(t *testing.T) {
	rows := synthSummaryPeriods("baseline", analysis.SummaryPeriods(model.MonthOf(2025, 3), model.MonthOf(2025, 11)))
	r, err := Build(&Inputs{Summary: rows})
	if err != nil {
		t.Fatal(err)
	}
	if r.Trends["baseline"] != nil || r.Funnels["baseline"] == nil || len(r.Charts) != 1 {
		t.Fatalf("trend %v, funnel %v, %d charts; want the funnel alone", r.Trends["baseline"], r.Funnels["baseline"], len(r.Charts))
	}
	page, _ := writtenPage(t, r)
	if !bytes.Contains(page, []byte("No chart by year: the horizon covers no whole year")) || !bytes.Contains(page, []byte("2025-03 to 2025-11")) {
		t.Error("the page does not say why there is no chart by year, or lacks the horizon's row")
	}
}

// TestMarkerInPartialYear: a policy month in a year the horizon covers only
// in part is recorded, though the chart shows whole years only: its line
// stands at the chart's edge and the caption says why (once partial years
// left the summaries, such a month was said to be in force throughout, or
// after the months recorded: a review).
func TestMarkerInPartialYear(t *testing.T) {
	rows := synthSummaryPeriods("s", analysis.SummaryPeriods(model.MonthOf(2024, 7), model.MonthOf(2026, 3)))
	for _, c := range []struct{ policy, want string }{
		{"2026-02", "Dotted line: 2026-02, when it differs from baseline (in 2026, simulated only in part and not charted: the line is at the chart's edge)."},
		{"2024-10", "Dotted line: 2024-10, when it differs from baseline (in 2024, simulated only in part and not charted: the line is at the chart's edge)."},
		{"2025-05", "Dotted line: 2025-05, when it differs from baseline."},
		{"2024-07", "no later than the first month recorded: in force throughout."},
		{"2026-04", "after the months recorded."},
	} {
		ch, err := TrendChart("s", rows, c.policy, "differs from baseline", "2024-07", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ch.Caption, c.want) {
			t.Errorf("policy %s: caption %q lacks %q", c.policy, ch.Caption, c.want)
		}
		if _, err := ch.SVG(); err != nil {
			t.Errorf("policy %s: %v", c.policy, err)
		}
	}
}
