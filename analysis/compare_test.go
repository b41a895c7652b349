package analysis

import (
	"math"
	"strings"
	"testing"

	"htsim/sim"
)

// cmpTotals builds Totals from vals[rep][year] = (true new victims, identified, stock).
func cmpTotals(vals map[int]map[int][3]float64) Totals {
	t := Totals{}
	for r, ys := range vals {
		t[r] = map[int]*[sim.NumMeasures]float64{}
		for y, v := range ys {
			var m [sim.NumMeasures]float64
			m[sim.TrueNewVictims], m[sim.IdentifiedOfficial], m[sim.TrueVictimsStock] = v[0], v[1], v[2]
			t[r][y] = &m
		}
	}
	return t
}

// TestCompareByHand: a policy against the baseline on three paired
// replicates and two years, every number worked out by hand below. With
// three values the empirical 5% and 95% quantiles are the smallest and the
// largest.
//
//	                 baseline (against)              policy (scenario)
//	rep year   true new  identified  stock    true new  identified  stock
//	0   2015   100       10          500      100       15          500
//	0   2016   100       10          600       80       21          550
//	1   2015   150       20          700      140       25          650
//	1   2016    50       10          650       60       15          600
//	2   2015   200       30          800      195       36          780
//	2   2016   200       30          900      195       42          850
//
// Over 2015-2016, per replicate:
//   - identified: baseline 20, 30, 60 (mean 110/3); policy 36, 40, 78 (mean
//     154/3); paired differences 16, 10, 18: mean 44/3, 5% 10, 95% 18;
//     relative change = mean difference / baseline mean = (44/3)/(110/3) = 0.4
//     (dividing by the policy's mean would give 44/154 = 0.286).
//   - true new: baseline 200, 200, 400 (mean 800/3); policy 180, 200, 390;
//     differences -20, 0, -10: mean -10, relative change -10/(800/3) = -0.0375.
//   - identified / true new: baseline 0.1, 0.15, 0.15 (mean 0.4/3); policy
//     0.2, 0.2, 0.2; differences 0.1, 0.05, 0.05: mean 0.2/3, 5% 0.05, 95% 0.1.
//   - stock, taken at the end of the period, not summed: baseline 600, 650,
//     900; policy 550, 600, 850: differences -50 each (summing the years would
//     give -50, -100, -70).
//
// In 2015 alone, identified: baseline 10, 20, 30, policy 15, 25, 36,
// differences 5, 5, 6: mean 16/3, relative change (16/3)/20 = 0.2667.
func TestCompareByHand(t *testing.T) {
	against := cmpTotals(map[int]map[int][3]float64{
		0: {2015: {100, 10, 500}, 2016: {100, 10, 600}},
		1: {2015: {150, 20, 700}, 2016: {50, 10, 650}},
		2: {2015: {200, 30, 800}, 2016: {200, 30, 900}},
	})
	scen := cmpTotals(map[int]map[int][3]float64{
		0: {2015: {100, 15, 500}, 2016: {80, 21, 550}},
		1: {2015: {140, 25, 650}, 2016: {60, 15, 600}},
		2: {2015: {195, 36, 780}, 2016: {195, 42, 850}},
	})
	periods := []Period{{Label: "2015", From: 2015, To: 2015, Year: true}, {Label: "2015-2016", From: 2015, To: 2016}}
	cs, err := Compare("policy", scen, "baseline", against, periods)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2*int(sim.NumMeasures) {
		t.Fatalf("%d comparisons, want 2 periods x %d measures", len(cs), sim.NumMeasures)
	}
	find := func(label string, m sim.Measure) Comparison {
		for _, c := range cs {
			if c.Period.Label == label && c.Measure == m {
				if c.Scenario != "policy" || c.Against != "baseline" || c.Replicates != 3 {
					t.Errorf("%s %s: %s vs %s on %d replicates", label, m, c.Scenario, c.Against, c.Replicates)
				}
				return c
			}
		}
		t.Fatalf("no comparison of %s over %s", m, label)
		return Comparison{}
	}
	type want struct {
		period                    string
		m                         sim.Measure
		meanScen, meanAgainst     float64
		diff, diffLo, diffHi, rel float64
		rateScen, rateAgainst     float64
		rateDiff, rateLo, rateHi  float64
	}
	for _, w := range []want{
		{"2015-2016", sim.IdentifiedOfficial, 154.0 / 3, 110.0 / 3, 44.0 / 3, 10, 18, 0.4, 0.2, 0.4 / 3, 0.2 / 3, 0.05, 0.1},
		{"2015-2016", sim.TrueNewVictims, 770.0 / 3, 800.0 / 3, -10, -20, 0, -0.0375, 1, 1, 0, 0, 0},
		// Rates of the stock: policy 550/180, 3, 850/390; baseline 3, 3.25, 2.25;
		// differences 0.056, -0.25, -0.071.
		{"2015-2016", sim.TrueVictimsStock, 2000.0 / 3, 2150.0 / 3, -50, -50, -50, -50 / (2150.0 / 3),
			(550.0/180 + 3 + 850.0/390) / 3, (3 + 3.25 + 2.25) / 3,
			(550.0/180 - 3 + 3 - 3.25 + 850.0/390 - 2.25) / 3, -0.25, 550.0/180 - 3},
		// 2015 rates: policy 0.15, 25/140, 36/195; baseline 0.1, 20/150, 0.15;
		// differences 0.05, 0.045, 0.035.
		{"2015", sim.IdentifiedOfficial, 76.0 / 3, 20, 16.0 / 3, 5, 6, 16.0 / 60,
			(0.15 + 25.0/140 + 36.0/195) / 3, (0.1 + 20.0/150 + 0.15) / 3,
			(0.05 + 25.0/140 - 20.0/150 + 36.0/195 - 0.15) / 3, 36.0/195 - 0.15, 0.05},
	} {
		c := find(w.period, w.m)
		for _, f := range []struct {
			name      string
			got, want float64
		}{{"scenario mean", c.MeanScenario, w.meanScen}, {"baseline mean", c.MeanAgainst, w.meanAgainst},
			{"mean difference", c.Diff.Mean, w.diff}, {"difference 5%", c.Diff.Lo, w.diffLo}, {"difference 95%", c.Diff.Hi, w.diffHi},
			{"relative change", c.RelChange, w.rel}, {"scenario rate", c.RateScenario, w.rateScen},
			{"baseline rate", c.RateAgainst, w.rateAgainst}, {"rate difference", c.RateDiff.Mean, w.rateDiff},
			{"rate difference 5%", c.RateDiff.Lo, w.rateLo}, {"rate difference 95%", c.RateDiff.Hi, w.rateHi}} {
			if math.Abs(f.got-f.want) > 1e-9 {
				t.Errorf("%s over %s: %s %.10g, want %.10g", w.m, w.period, f.name, f.got, f.want)
			}
		}
	}
	// The policy identifies more: the difference is scenario - against, positive.
	if c := find("2015-2016", sim.IdentifiedOfficial); !(c.Diff.Mean > 0 && c.RelChange > 0) {
		t.Errorf("identified: difference %g, relative change %g; want both positive", c.Diff.Mean, c.RelChange)
	}
	// A measure that is zero in the baseline has no relative change.
	if c := find("2015-2016", sim.Deported); !math.IsNaN(c.RelChange) || c.Diff.Mean != 0 || c.MeanAgainst != 0 {
		t.Errorf("deported (zero everywhere): relative change %g, difference %g; want NaN, 0", c.RelChange, c.Diff.Mean)
	}

	// Unpaired replicates are refused.
	two := cmpTotals(map[int]map[int][3]float64{0: {2015: {1, 1, 1}}, 1: {2015: {1, 1, 1}}})
	other := cmpTotals(map[int]map[int][3]float64{0: {2015: {1, 1, 1}}, 5: {2015: {1, 1, 1}}})
	for _, c := range []struct {
		name string
		a, b Totals
		want string
	}{
		{"3 vs 2 replicates", scen, two, "has 3 replicates and baseline has 2"},
		{"replicates 0,1 vs 0,5", two, other, "hold different replicates (1 vs 5)"},
		{"no replicates", Totals{}, Totals{}, "has no replicates"},
	} {
		if _, err := Compare("policy", c.a, "baseline", c.b, periods); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.want)
		}
	}
}

// TestCompareRateWithoutVictims: a replicate without true new victims has
// no recording rate (0/0), as in Summarize: the rates are over the other
// replicates, not averaged with a 0. Here replicate 2 of the policy has none
// in 2016; its rates are 0.2 and 0.1 against 0.1 and 0.1.
func TestCompareRateWithoutVictims(t *testing.T) {
	against := cmpTotals(map[int]map[int][3]float64{
		0: {2016: {100, 10, 500}}, 1: {2016: {100, 10, 500}}, 2: {2016: {100, 10, 500}},
	})
	scen := cmpTotals(map[int]map[int][3]float64{
		0: {2016: {100, 20, 500}}, 1: {2016: {100, 10, 500}}, 2: {2016: {0, 0, 500}},
	})
	cs, err := Compare("policy", scen, "baseline", against, []Period{{Label: "2016", From: 2016, To: 2016, Year: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Measure != sim.IdentifiedOfficial {
			continue
		}
		if math.Abs(c.RateScenario-0.15) > 1e-12 || math.Abs(c.RateAgainst-0.1) > 1e-12 || math.Abs(c.RateDiff.Mean-0.05) > 1e-12 {
			t.Errorf("rates %v and %v, difference %v; want 0.15, 0.1 and 0.05 over replicates 0 and 1", c.RateScenario, c.RateAgainst, c.RateDiff.Mean)
		}
		if c.Replicates != 3 || math.Abs(c.MeanScenario-10) > 1e-12 {
			t.Errorf("counts: %d replicates, mean %v; want 3 and 10 (counts keep every replicate)", c.Replicates, c.MeanScenario)
		}
	}
}

// TestCompareJSONUndefinedRates: with no true new victims in any replicate
// the rates are undefined, and JSON has null for them (encoding NaN failed
// the whole command), CSV an empty cell.
func TestCompareJSONUndefinedRates(t *testing.T) {
	none := cmpTotals(map[int]map[int][3]float64{0: {2016: {0, 0, 5}}, 1: {2016: {0, 0, 5}}})
	cs, err := Compare("stop", none, "baseline", none, []Period{{Label: "2016", From: 2016, To: 2016, Year: true}})
	if err != nil {
		t.Fatal(err)
	}
	var js, csv strings.Builder
	if err := WriteCompareJSON(&js, cs); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if !strings.Contains(js.String(), `"rate_scenario": null`) || !strings.Contains(js.String(), `"rate_diff_p95": null`) {
		t.Errorf("JSON lacks null rates:\n%.400s", js.String())
	}
	if err := WriteCompareCSV(&csv, cs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), ",,,,,,\n") { // rel_change and the five rates
		t.Errorf("CSV lacks empty rate cells:\n%.300s", csv.String())
	}
}

// TestCompareConfidenceIntervals: the 90% confidence intervals of the mean
// difference and of the relative change, worked by hand on three
// replicates. Against 100, 200, 400 true new victims, the scenario 110, 230,
// 420: differences 10, 30, 20 (mean 20, sd 10), so the difference's interval
// is 20 -/+ t(0.95, 2) 10 / sqrt(3) = 20 -/+ 16.8585. The relative change
// is R = 20 / (700/3) = 0.0857143; the ratio estimator's residuals
// d - R b are 10/7, 90/7 and -100/7 (sum of squares 18200/49, variance
// 9100/49), so its standard error is sqrt(9100/49/3) / (700/3) and the half
// width 2.9199856 times that, 0.0984614.
func TestCompareConfidenceIntervals(t *testing.T) {
	against := hypTotals(map[int]map[int][2]float64{0: {2015: {100, 0}}, 1: {2015: {200, 0}}, 2: {2015: {400, 0}}})
	scen := hypTotals(map[int]map[int][2]float64{0: {2015: {110, 0}}, 1: {2015: {230, 0}}, 2: {2015: {420, 0}}})
	cs, err := Compare("policy", scen, "baseline", against, []Period{{Label: "2015", From: 2015, To: 2015, Year: true}})
	if err != nil {
		t.Fatal(err)
	}
	c := cs[sim.TrueNewVictims]
	tq := 0.9 / math.Sqrt(0.095) // t(0.95, 2) in closed form
	dHalf := tq * 10 / math.Sqrt(3)
	r := 20 / (700.0 / 3)
	rHalf := tq * math.Sqrt(9100.0/49/3) / (700.0 / 3)
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"difference CI low", c.DiffCI[0], 20 - dHalf}, {"difference CI high", c.DiffCI[1], 20 + dHalf},
		{"relative change", c.RelChange, r}, {"relative change CI low", c.RelChangeCI[0], r - rHalf}, {"relative change CI high", c.RelChangeCI[1], r + rHalf},
	} {
		if math.Abs(f.got-f.want) > 1e-8 { // t95 is rounded to 9 decimals
			t.Errorf("%s: %.10g, want %.10g", f.name, f.got, f.want)
		}
	}
	// A measure whose against mean is 0 has no relative change, nor interval.
	if z := cs[sim.Convicted]; !math.IsNaN(z.RelChange) || !math.IsNaN(z.RelChangeCI[0]) {
		t.Errorf("a zero mean: relative change %v, interval %v; want NaN", z.RelChange, z.RelChangeCI)
	}
}
