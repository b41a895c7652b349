package analysis

import (
	"math"
	"strings"
	"testing"

	"htsim/sim"
)

// TestVerdict: the verdict rule on hand-picked means and 90% intervals, at
// threshold 0.05. Supported needs the whole interval strictly on the
// predicted side and |mean| >= threshold; contradicted the same on the other
// side; anything else is no clear effect.
func TestVerdict(t *testing.T) {
	const thr = 0.05
	for _, c := range []struct {
		name         string
		mean, lo, hi float64
		predicted    int
		want         string
	}{
		{"clear rise, rise predicted", 0.20, 0.10, 0.30, +1, "supported"},
		{"clear rise, fall predicted", 0.20, 0.10, 0.30, -1, "contradicted"},
		{"clear fall (-0.34), fall predicted", -0.34, -0.40, -0.28, -1, "supported"},
		{"clear fall (-0.34), rise predicted", -0.34, -0.40, -0.28, +1, "contradicted"},
		{"interval straddles zero, rise predicted", 0.10, -0.05, 0.25, +1, "no clear effect"},
		{"interval straddles zero, fall predicted", 0.10, -0.05, 0.25, -1, "no clear effect"},
		{"interval touches zero", 0.10, 0, 0.20, +1, "no clear effect"},
		{"clear but below the threshold", 0.03, 0.01, 0.05, +1, "no clear effect"},
		{"clear, opposite and below the threshold", -0.03, -0.05, -0.01, +1, "no clear effect"},
		{"mean exactly at the threshold", 0.05, 0.02, 0.08, +1, "supported"},
		{"opposite, mean exactly at the threshold", -0.05, -0.08, -0.02, +1, "contradicted"},
	} {
		if got := verdict(c.mean, c.lo, c.hi, c.predicted, thr); got != c.want {
			t.Errorf("%s: verdict(%g, [%g, %g], %+d) = %q, want %q", c.name, c.mean, c.lo, c.hi, c.predicted, got, c.want)
		}
	}
}

// hypTotals builds Totals with one measure vector per replicate and year:
// vals[rep][year] gives (true new victims, identified).
func hypTotals(vals map[int]map[int][2]float64) Totals {
	t := Totals{}
	for r, ys := range vals {
		t[r] = map[int]*[sim.NumMeasures]float64{}
		for y, v := range ys {
			var m [sim.NumMeasures]float64
			m[sim.TrueNewVictims], m[sim.IdentifiedOfficial] = v[0], v[1]
			t[r][y] = &m
		}
	}
	return t
}

// TestEvaluateHypothesis: paired relative changes on three replicates worked
// out by hand. t(0.95, 2) * sd / sqrt(3) gives the 90% interval of the mean; with
// three values the empirical 5% and 95% quantiles are the smallest and the
// largest.
func TestEvaluateHypothesis(t *testing.T) {
	p := Period{Label: "2015-2016", From: 2015, To: 2016}
	count := Outcome{"true new", []sim.Measure{sim.TrueNewVictims}, nil}
	trueNew := sim.TrueNewVictims
	rateOut := Outcome{"identified / true new", []sim.Measure{sim.IdentifiedOfficial}, &trueNew}
	// Baseline true new victims 100, 200, 400 over 2015-2016 (2017 is
	// outside the period and must be ignored); identified 10, 20, 40: a
	// recording rate of 0.1 in each replicate.
	base := hypTotals(map[int]map[int][2]float64{
		0: {2015: {40, 4}, 2016: {60, 6}, 2017: {1e6, 1e6}},
		1: {2015: {150, 15}, 2016: {50, 5}},
		2: {2015: {400, 40}},
	})
	// The 95% quantile of Student's t with 2 degrees of freedom, in closed
	// form: (2p - 1) / sqrt(2 p (1 - p)) = 0.9 / sqrt(0.095) = 2.91998558.
	se := func(sd float64) float64 { return 0.9 / math.Sqrt(0.095) * sd / math.Sqrt(3) }
	for _, c := range []struct {
		name      string
		cf        Totals
		out       Outcome
		predicted int
		baseline  float64
		mean, sd  float64 // of the relative changes
		lo, hi    float64 // smallest and largest relative change
		want      string
	}{
		// 110/100-1 = 0.10, 230/200-1 = 0.15, 420/400-1 = 0.05: mean 0.10;
		// deviations 0, 0.05, -0.05: sd = sqrt(0.005/2) = 0.05; 2.920*0.05/sqrt(3) = 0.0843:
		// interval [0.0157, 0.1843] above zero, mean 0.10 >= 0.05.
		{"clear rise, rise predicted", hypTotals(map[int]map[int][2]float64{
			0: {2015: {50, 0}, 2016: {60, 0}, 2017: {0, 0}}, 1: {2015: {230, 0}}, 2: {2016: {420, 0}}}),
			count, +1, 700.0 / 3, 0.10, 0.05, 0.05, 0.15, "supported"},
		{"clear rise, fall predicted", hypTotals(map[int]map[int][2]float64{
			0: {2015: {110, 0}}, 1: {2015: {230, 0}}, 2: {2015: {420, 0}}}),
			count, -1, 700.0 / 3, 0.10, 0.05, 0.05, 0.15, "contradicted"},
		// 66/100-1 = -0.34, 128/200-1 = -0.36, 272/400-1 = -0.32: mean -0.34, sd 0.02.
		{"fall of 34%, fall predicted", hypTotals(map[int]map[int][2]float64{
			0: {2015: {66, 0}}, 1: {2015: {128, 0}}, 2: {2015: {272, 0}}}),
			count, -1, 700.0 / 3, -0.34, 0.02, -0.36, -0.32, "supported"},
		// 0.2, -0.05, 0: mean 0.05; deviations 0.15, -0.1, -0.05: sd = sqrt(0.035/2) = 0.1323;
		// half-width 0.2231: [-0.1731, 0.2731] straddles zero.
		{"straddles zero", hypTotals(map[int]map[int][2]float64{
			0: {2015: {120, 0}}, 1: {2015: {190, 0}}, 2: {2015: {400, 0}}}),
			count, +1, 700.0 / 3, 0.05, math.Sqrt(0.0175), -0.05, 0.2, "no clear effect"},
		// Rates: identified 12/100, 18/100 (true new unchanged in 0), 23/200 and 40/400:
		// rate 0.12, 0.09 (true new doubled in replicate 1), 0.1 against 0.1 each:
		// changes 0.2, -0.1, 0: mean 0.1/3; deviations 0.5/3, -0.4/3, -0.1/3: sd = sqrt((0.25+0.16+0.01)/9/2) = sqrt(0.42/18).
		{"rate", hypTotals(map[int]map[int][2]float64{
			0: {2015: {100, 12}}, 1: {2015: {200, 18}}, 2: {2015: {400, 40}}}),
			rateOut, +1, 0.1, 0.1 / 3, math.Sqrt(0.42 / 18), -0.1, 0.2, "no clear effect"},
	} {
		r, err := EvaluateHypothesis(Hypothesis{Number: 9, Outcome: c.out, Predicted: c.predicted}, base, c.cf, p, 0.05)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, f := range []struct {
			name      string
			got, want float64
		}{{"baseline", r.Baseline, c.baseline}, {"mean change", r.Effect.Mean, c.mean},
			{"5% change", r.Effect.Lo, c.lo}, {"95% change", r.Effect.Hi, c.hi},
			{"CI low", r.MeanLo, c.mean - se(c.sd)}, {"CI high", r.MeanHi, c.mean + se(c.sd)}} {
			if math.Abs(f.got-f.want) > 1e-8 { // t95 is rounded to 9 decimals
				t.Errorf("%s: %s %.10g, want %.10g", c.name, f.name, f.got, f.want)
			}
		}
		if r.Verdict != c.want || r.Replicates != 3 || r.Threshold != 0.05 || r.Period != p {
			t.Errorf("%s: verdict %q on %d replicates, want %q on 3", c.name, r.Verdict, r.Replicates, c.want)
		}
	}

	// A replicate whose baseline outcome is 0 has no relative change: it is
	// left out of the change (and of the replicates counted) but counts in
	// the baseline mean (700/4).
	base0 := hypTotals(map[int]map[int][2]float64{0: {2015: {100, 0}}, 1: {2015: {200, 0}}, 2: {2015: {400, 0}}, 3: {2015: {0, 0}}})
	cf0 := hypTotals(map[int]map[int][2]float64{0: {2015: {110, 0}}, 1: {2015: {230, 0}}, 2: {2015: {420, 0}}, 3: {2015: {50, 0}}})
	r, err := EvaluateHypothesis(Hypothesis{Outcome: count, Predicted: +1}, base0, cf0, p, 0.05)
	if err != nil || math.Abs(r.Baseline-175) > 1e-9 || math.Abs(r.Effect.Mean-0.10) > 1e-12 || r.Replicates != 3 || r.Verdict != "supported" {
		t.Errorf("zero baseline in one replicate: %+v, %v; want baseline 175, mean change 0.10 over the other three, supported", r, err)
	}
	// A rate whose counterfactual denominator is 0 is undefined, not 0: the
	// replicate is left out (it counted as a change of -100%: review,
	// session 9). Rates 0.1 in the baseline; 0.11, 0.115 and 0.105 in the
	// counterfactual, and 0/0 in replicate 3: changes 0.1, 0.15, 0.05.
	baseR := hypTotals(map[int]map[int][2]float64{0: {2015: {100, 10}}, 1: {2015: {200, 20}}, 2: {2015: {400, 40}}, 3: {2015: {300, 30}}})
	cfR := hypTotals(map[int]map[int][2]float64{0: {2015: {100, 11}}, 1: {2015: {200, 23}}, 2: {2015: {400, 42}}, 3: {2015: {0, 0}}})
	r, err = EvaluateHypothesis(Hypothesis{Outcome: rateOut, Predicted: +1}, baseR, cfR, p, 0.05)
	if err != nil || math.Abs(r.Effect.Mean-0.10) > 1e-12 || r.Replicates != 3 || math.Abs(r.Baseline-0.1) > 1e-12 {
		t.Errorf("a counterfactual rate of 0/0: %+v, %v; want mean change 0.10 over three replicates, baseline 0.1", r, err)
	}
	// Errors: unpaired replicates, a baseline of zero everywhere.
	if _, err := EvaluateHypothesis(Hypothesis{Outcome: count}, base, base0, p, 0.05); err == nil || !strings.Contains(err.Error(), "different replicates") {
		t.Errorf("3 vs 4 replicates: %v", err)
	}
	zero := hypTotals(map[int]map[int][2]float64{0: {2015: {0, 0}}, 1: {2015: {0, 0}}})
	if _, err := EvaluateHypothesis(Hypothesis{Outcome: count}, zero, zero, p, 0.05); err == nil || !strings.Contains(err.Error(), "defined (baseline outcome above 0, rates with denominators) in 0 of 2 replicates") {
		t.Errorf("zero baseline: %v", err)
	}
	// One usable replicate has no interval (t with 0 degrees of freedom):
	// an error, not NaN bounds that JSON cannot hold.
	one := hypTotals(map[int]map[int][2]float64{0: {2015: {100, 0}}, 1: {2015: {0, 0}}})
	if _, err := EvaluateHypothesis(Hypothesis{Outcome: count}, one, one, p, 0.05); err == nil || !strings.Contains(err.Error(), "in 1 of 2 replicates") {
		t.Errorf("one replicate with a baseline: %v", err)
	}
}

// TestT95: the quantiles of Student's t the 90% intervals use, against
// published tables (to the tables' 3 decimals).
func TestT95(t *testing.T) {
	for _, c := range []struct {
		df   int
		want float64
	}{{1, 6.314}, {2, 2.920}, {5, 2.015}, {10, 1.812}, {39, 1.685}, {120, 1.658}, {100000, 1.645}} {
		if got := t95(c.df); math.Abs(got-c.want) > 0.0005 {
			t.Errorf("t95(%d) = %v, want %v", c.df, got, c.want)
		}
	}
	if !math.IsNaN(t95(0)) {
		t.Error("t95(0) is not NaN")
	}
}
