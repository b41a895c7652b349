package analysis

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"htsim/model"
	"htsim/sim"
)

// summaryTotals builds totals of 4 replicates over 2020-2021 with chosen
// true new victims, identified victims and stock.
func summaryTotals() Totals {
	t := Totals{}
	add := func(rep, year int, trueNew, identified, stock int64) {
		var c [sim.NumMeasures]int64
		c[sim.TrueNewVictims], c[sim.IdentifiedOfficial], c[sim.TrueVictimsStock] = trueNew, identified, stock
		t.Add(rep, year, &c)
	}
	// replicate: 2020 (new, identified, stock), 2021 (new, identified, stock)
	add(0, 2020, 100, 1, 50)
	add(0, 2021, 100, 3, 60)
	add(1, 2020, 200, 4, 70)
	add(1, 2021, 300, 3, 80)
	add(2, 2020, 400, 2, 90)
	add(2, 2021, 0, 0, 100) // no true new victims in 2021: left out of the 2021 rate
	add(3, 2020, 800, 8, 110)
	add(3, 2021, 100, 1, 120)
	return t
}

func findSummary(t *testing.T, ss []Summary, label string, m sim.Measure) Summary {
	t.Helper()
	for _, s := range ss {
		if s.Period.Label == label && s.Measure == m {
			return s
		}
	}
	t.Fatalf("no summary of %s over %s", m, label)
	return Summary{}
}

func summaryNear(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// TestSummarize checks the statistics against values worked by hand, with
// the quantile definition of SummaryQuantiles (type 1: with 4 replicates
// x1 <= .. <= x4, the 5% and 25% quantiles are x1, the median x2, the 75%
// quantile x3 and the 95% quantile x4).
func TestSummarize(t *testing.T) {
	ss, err := Summarize("s", summaryTotals(), SummaryPeriods(model.MonthOf(2020, 1), model.MonthOf(2021, 12)))
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 * int(sim.NumMeasures); len(ss) != want {
		t.Fatalf("%d rows, want %d (3 periods x %d measures)", len(ss), want, sim.NumMeasures)
	}
	type want struct {
		label                            string
		m                                sim.Measure
		mean, median, p05, p25, p75, p95 float64
		rateMean, rateLo, rateHi         float64
	}
	cases := []want{
		// 2020 true new: 100 200 400 800
		{"2020", sim.TrueNewVictims, 375, 200, 100, 100, 400, 800, 1, 1, 1},
		// 2020 identified 1 4 2 8; rates .01 .02 .005 .01 -> sorted .005 .01 .01 .02
		{"2020", sim.IdentifiedOfficial, 3.75, 2, 1, 1, 4, 8, (0.01 + 0.02 + 0.005 + 0.01) / 4, 0.005, 0.02},
		// 2021 identified 3 3 0 1; rates .03 .01 (rep 2 left out) .01 -> .01 .01 .03
		{"2021", sim.IdentifiedOfficial, 1.75, 1, 0, 0, 3, 3, (0.03 + 0.01 + 0.01) / 3, 0.01, 0.03},
		// horizon: new 200 500 400 900, identified 4 7 2 9, stock at 2021's end 60 80 100 120
		{"2020-2021", sim.TrueNewVictims, 500, 400, 200, 200, 500, 900, 1, 1, 1},
		{"2020-2021", sim.IdentifiedOfficial, 5.5, 4, 2, 2, 7, 9, (4.0/200 + 7.0/500 + 2.0/400 + 9.0/900) / 4, 2.0 / 400, 4.0 / 200},
		{"2020-2021", sim.TrueVictimsStock, 90, 80, 60, 60, 100, 120, (60.0/200 + 80.0/500 + 100.0/400 + 120.0/900) / 4, 120.0 / 900, 0.3},
		// a measure that is always 0: rate 0
		{"2020", sim.Convicted, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	}
	for _, c := range cases {
		s := findSummary(t, ss, c.label, c.m)
		got := []float64{s.Mean, s.Median, s.P05, s.P25, s.P75, s.P95, s.Rate.Mean, s.Rate.Lo, s.Rate.Hi}
		exp := []float64{c.mean, c.median, c.p05, c.p25, c.p75, c.p95, c.rateMean, c.rateLo, c.rateHi}
		for i := range got {
			if !summaryNear(got[i], exp[i]) {
				t.Errorf("%s %s: got %v, want %v", c.label, c.m, got, exp)
				break
			}
		}
		if s.Replicates != 4 || s.Scenario != "s" {
			t.Errorf("%s %s: scenario %q, %d replicates", c.label, c.m, s.Scenario, s.Replicates)
		}
	}
	if p := findSummary(t, ss, "2020-2021", sim.Reported).Period; p.Year || p.From != 2020 || p.To != 2021 {
		t.Errorf("horizon period %+v", p)
	}

	// No true new victims at all: the rate is undefined.
	none := Totals{}
	var c [sim.NumMeasures]int64
	c[sim.IdentifiedOfficial] = 2
	none.Add(0, 2020, &c)
	ss2, err := Summarize("none", none, SummaryPeriods(model.MonthOf(2020, 1), model.MonthOf(2020, 12)))
	if err != nil {
		t.Fatal(err)
	}
	if r := findSummary(t, ss2, "2020", sim.IdentifiedOfficial).Rate; !math.IsNaN(r.Mean) || !math.IsNaN(r.Lo) || !math.IsNaN(r.Hi) {
		t.Errorf("rate with no true victims: %+v, want NaN", r)
	}
	if _, err := Summarize("empty", Totals{}, SummaryPeriods(model.MonthOf(2020, 1), model.MonthOf(2020, 12))); err == nil {
		t.Error("Summarize of no replicates did not fail")
	}
}

func summarySameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func sameSummary(a, b Summary) bool {
	return a.Scenario == b.Scenario && a.Measure == b.Measure && a.Period == b.Period && a.Replicates == b.Replicates &&
		summarySameFloat(a.Mean, b.Mean) && summarySameFloat(a.Median, b.Median) && summarySameFloat(a.P05, b.P05) && summarySameFloat(a.P25, b.P25) &&
		summarySameFloat(a.P75, b.P75) && summarySameFloat(a.P95, b.P95) &&
		summarySameFloat(a.Rate.Mean, b.Rate.Mean) && summarySameFloat(a.Rate.Lo, b.Rate.Lo) && summarySameFloat(a.Rate.Hi, b.Rate.Hi)
}

// TestSummaryRecord: Record and SummaryFromRecord are inverses, NaN rates included.
func TestSummaryRecord(t *testing.T) {
	ss, _ := Summarize("s", summaryTotals(), SummaryPeriods(model.MonthOf(2020, 1), model.MonthOf(2021, 12)))
	nan := ss[0]
	nan.Rate = Interval{Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	for _, s := range append(ss, nan) {
		back, err := SummaryFromRecord(s.Record())
		if err != nil || !sameSummary(s, back) {
			t.Fatalf("round trip of %+v gave %+v (%v)", s, back, err)
		}
	}
	if r := nan.Record(); r.RateMean != nil || r.RateP05 != nil || r.RateP95 != nil {
		t.Errorf("NaN rate recorded as %v %v %v, want nil", r.RateMean, r.RateP05, r.RateP95)
	}
	if _, err := SummaryFromRecord(SummaryRecord{Measure: "nosuch"}); err == nil {
		t.Error("unknown measure accepted")
	}
}

// TestSummaryFormats: CSV and JSON hold every row with the documented
// columns; the table shows the key measures for the last year and the horizon.
func TestSummaryFormats(t *testing.T) {
	ss, _ := Summarize("s", summaryTotals(), SummaryPeriods(model.MonthOf(2020, 1), model.MonthOf(2021, 12)))
	var b bytes.Buffer
	if err := WriteSummaryCSV(&b, ss); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(ss)+1 || strings.Join(recs[0], ",") != strings.Join(SummaryColumns, ",") {
		t.Fatalf("CSV: %d records, header %v", len(recs), recs[0])
	}
	for _, r := range recs[1:] {
		if (r[1] == "2020-2021") != (r[2] == "") {
			t.Errorf("CSV row %v: year must be empty exactly for the horizon", r)
		}
	}
	b.Reset()
	if err := WriteSummaryJSON(&b, ss); err != nil {
		t.Fatal(err)
	}
	var js []map[string]any
	if err := json.Unmarshal(b.Bytes(), &js); err != nil {
		t.Fatal(err)
	}
	if len(js) != len(ss) {
		t.Fatalf("JSON: %d records, want %d", len(js), len(ss))
	}
	for _, col := range SummaryColumns {
		if _, ok := js[0][col]; !ok {
			t.Errorf("JSON record lacks %q: %v", col, js[0])
		}
	}

	b.Reset()
	if err := WriteSummaryTable(&b, ss); err != nil {
		t.Fatal(err)
	}
	table := b.String()
	for _, w := range []string{"s, 2021, 4 replicates", "s, 2020-2021, 4 replicates", "identified_official", "recorded / true %", "Hyndman-Fan type 1"} {
		if !strings.Contains(table, w) {
			t.Errorf("table lacks %q:\n%s", w, table)
		}
	}
	if strings.Contains(table, "s, 2020,") {
		t.Errorf("table shows a year before the last:\n%s", table)
	}
	// 2020-2021 identified: mean 5.5, median 4, 2 2 7 9, rate 1.225% [0.500, 2.000]
	_, horizon, _ := strings.Cut(table, "s, 2020-2021")
	found := false
	for _, line := range strings.Split(horizon, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "identified_official" {
			found = true
			if got := strings.Join(f, " "); got != "identified_official 5.5 4 2 2 7 9 1.225 [0.500, 2.000]" {
				t.Errorf("horizon row of identified_official: %q", got)
			}
		}
	}
	if !found {
		t.Errorf("table lacks the horizon row of identified_official:\n%s", table)
	}
}

func TestGroupBy(t *testing.T) {
	order, groups := GroupBy([]string{"b1", "a1", "b2", "c1", "a2"}, func(s string) string { return s[:1] })
	if fmt.Sprint(order) != "[b a c]" || fmt.Sprint(groups["a"]) != "[a1 a2]" || fmt.Sprint(groups["b"]) != "[b1 b2]" || len(groups) != 3 {
		t.Errorf("order %v, groups %v; want keys in first appearance and items in input order", order, groups)
	}
}

// TestPeriodsForPartialYears: a year the horizon covers in part gets no row
// of its own (a review found "2022" holding January to March), and a period
// that begins or ends inside a year is labelled by its months.
func TestPeriodsForPartialYears(t *testing.T) {
	m := model.MonthOf
	for _, c := range []struct {
		from, to model.Month
		policy   int
		want     []string
	}{
		{m(2020, 1), m(2022, 12), 0, []string{"2020", "2021", "2022", "2020-2022"}},
		{m(2020, 7), m(2022, 3), 0, []string{"2021", "2020-07 to 2022-03"}},
		{m(2020, 7), m(2022, 12), 0, []string{"2021", "2022", "2020-07 to 2022-12"}},
		{m(2020, 1), m(2022, 6), 2021, []string{"2020", "2021", "2020-01 to 2022-06", "2021-01 to 2022-06"}},
		{m(2020, 3), m(2022, 12), 2021, []string{"2021", "2022", "2020-03 to 2022-12", "2021-2022"}},
		{m(2025, 3), m(2025, 11), 0, []string{"2025-03 to 2025-11"}},
	} {
		var got []string
		for _, p := range PeriodsFor(c.from, c.to, c.policy) {
			got = append(got, p.Label)
			if p.Year && (p.From != p.To || p.Label != fmt.Sprint(p.From)) {
				t.Errorf("%s to %s: year period %+v", c.from, c.to, p)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s to %s, policy %d: periods %q, want %q", c.from, c.to, c.policy, got, c.want)
		}
	}
}
