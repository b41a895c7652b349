package analysis

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// rcaptureTable builds a table from counts listed in the order of Rcapture's
// histpos.t(k): capture histories in decreasing binary order, 11..1 first and
// 00..01 last, the leftmost digit being the first list.
func rcaptureTable(t *testing.T, lists []string, counts []int64) *MSETable {
	t.Helper()
	k := len(lists)
	if len(counts) != 1<<k-1 {
		t.Fatalf("%d counts for %d lists", len(counts), k)
	}
	tb, err := NewMSETable(lists)
	if err != nil {
		t.Fatal(err)
	}
	for r, n := range counts {
		h := 1<<k - 1 - r
		p := 0
		for i := 0; i < k; i++ {
			if h>>(k-1-i)&1 == 1 {
				p |= 1 << i
			}
		}
		tb.Add(p, n)
	}
	return tb
}

func fit(t *testing.T, tb *MSETable, spec string) *MSEResult {
	t.Helper()
	m, err := ParseMSEModel(tb.Lists, spec)
	if err != nil {
		t.Fatal(err)
	}
	r, err := FitMSE(tb, m)
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	return r
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.6g, want %.6g (±%g)", what, got, want, tol)
	}
}

// TestMSETwoLists: on two lists the main-effects model is saturated and its
// MLE is the Lincoln-Petersen estimate. The data are Seber (1982, p. 107) as
// used in Rcapture's closedp example: 167 on both lists, 781 on the first
// only, 254 on the second only. By hand: n1 = 781+167 = 948, n2 = 254+167 =
// 421, N = 948*421/167 = 399108/167 = 2389.87 (Rcapture prints Mt 2389.9).
// Chapman: 949*422/168 - 1 = 400478/168 - 1 = 2382.80 (Rcapture's bias-
// corrected Mt, closedp.bc, prints 2382.8).
func TestMSETwoLists(t *testing.T) {
	tb, _ := NewMSETable([]string{"a", "b"})
	tb.Add(0b01, 781)
	tb.Add(0b10, 254)
	tb.Add(0b11, 167)
	r := fit(t, tb, "main")
	near(t, "LincolnPetersen", LincolnPetersen(948, 421, 167), 399108.0/167, 1e-9)
	near(t, "estimate", r.Estimate, 399108.0/167, 1e-6)
	near(t, "estimate (Rcapture Mt, 1 decimal)", math.Round(r.Estimate*10)/10, 2389.9, 1e-9)
	near(t, "unobserved", r.Unobserved, 399108.0/167-1202, 1e-6)
	if r.Observed != 1202 {
		t.Errorf("observed %d, want 1202", r.Observed)
	}
	near(t, "Chapman", Chapman(948, 421, 167), 400478.0/168-1, 1e-9)
	near(t, "Chapman (Rcapture closedp.bc Mt)", math.Round(Chapman(948, 421, 167)*10)/10, 2382.8, 1e-9)
	if !(r.Lower < r.Estimate && r.Estimate < r.Upper) {
		t.Errorf("interval [%g, %g] does not contain %g", r.Lower, r.Upper, r.Estimate)
	}
	if r.DF != 0 || math.Abs(r.Deviance) > 1e-8 {
		t.Errorf("two-list main effects should be saturated: df %d deviance %g", r.DF, r.Deviance)
	}
	// A second hand-computed case, where the numbers are small.
	tb2, _ := NewMSETable([]string{"x", "y"})
	tb2.Add(0b01, 30) // n1 = 40
	tb2.Add(0b10, 15) // n2 = 25
	tb2.Add(0b11, 10) // m = 10
	near(t, "small LP", fit(t, tb2, "main").Estimate, 40.0*25/10, 1e-7)
	near(t, "small Chapman", Chapman(40, 25, 10), 41.0*26/11-1, 1e-12)
	if !math.IsInf(LincolnPetersen(3, 4, 0), 1) || Chapman(3, 4, 0) != 19 {
		t.Error("no overlap: Lincoln-Petersen must be +Inf, Chapman 4*5/1-1 = 19")
	}
	// Two lists with an interaction: 4 parameters for 3 patterns.
	m, _ := ParseMSEModel(tb.Lists, "main+a:b")
	var me *MSEError
	if _, err := FitMSE(tb, m); !errors.As(err, &me) || !strings.Contains(err.Error(), "not identifiable") {
		t.Errorf("a:b on two lists: got %v, want not identifiable", err)
	}
}

// darrochIndependence solves Darroch's (1958) equation for the MLE of N under
// independent lists (model Mt): 1 - n/N = Π_i (1 - n_i/N), by bisection. It is
// an independent route to the main-effects log-linear estimate: the fitted
// margins equal the observed ones, N p_i = n_i, and the fitted observed total
// equals n, N (1 - Π(1-p_i)) = n.
func darrochIndependence(n float64, margins []float64) float64 {
	f := func(N float64) float64 {
		p := 1.0
		for _, m := range margins {
			p *= 1 - m/N
		}
		return 1 - n/N - p
	}
	lo := n
	for _, m := range margins {
		lo = math.Max(lo, m)
	}
	lo += 1e-9
	hi := lo * 2
	for f(hi) < 0 {
		hi *= 2
	}
	for i := 0; i < 200; i++ {
		mid := (lo + hi) / 2
		if f(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// TestMSEPublishedExamples reproduces published log-linear estimates. The
// tables and numbers are those of the R package Rcapture's test
// inst/tests/testPapersResults.R (Baillargeon & Rivest), which checks that
// Rcapture reproduces:
//
//   - Rivest (2011) for the diabetes data of Bruno et al. (1994), four sources
//     in Casale Monferrato (2069 cases): the model of Bruno et al. (all two-way
//     interactions but [1,4]) gives N = 2771 (s.e. 145, deviance 7.62 on 5 df);
//     the interaction set [1,3], [2,4], [3,4] gives 2472 (s.e. 53, deviance
//     21.97 on 7 df);
//   - Rivest (2011) for the three-sample R3 data of Darroch et al. (1993): all
//     two-way interactions 1240 (s.e. 451); [1,2] and [2,3] 850 (s.e. 186,
//     deviance 3.8 on 1 df);
//   - Cormack, Chang & Smith (2000), Table 3b (three lists, 201 cases): model
//     Mt (main effects) 209, deviance 75.1 on 3 df, 95% profile likelihood
//     interval 203 to 217; with [2,3] deviance 1.2 on 2 df and lower limit 210;
//     with [1,3] and [2,3] 233 and lower limit 204. (Rcapture matches the other
//     entries of that table only approximately, so they are not checked.)
//
// Point estimates are the Poisson estimates n + exp(intercept); the s.e. is
// Rcapture's sqrt(exp(b0) + exp(2 b0) var(b0)); intervals are multinomial
// profile likelihood intervals (Cormack 1992), as Rcapture's closedpCI.
// The main-effects estimates are also checked against Darroch's equation.
func TestMSEPublishedExamples(t *testing.T) {
	diabetes := rcaptureTable(t, []string{"c1", "c2", "c3", "c4"},
		[]int64{58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10})
	if diabetes.Observed() != 2069 {
		t.Fatalf("diabetes: %d cases, want 2069", diabetes.Observed())
	}
	r := fit(t, diabetes, "main+c1:c2,c1:c3,c2:c3,c2:c4,c3:c4")
	near(t, "diabetes Bruno model N", math.Round(r.Estimate), 2771, 0)
	near(t, "diabetes Bruno model s.e.", math.Round(r.SE), 145, 0)
	near(t, "diabetes Bruno model deviance", math.Round(r.Deviance*100)/100, 7.62, 1e-9)
	if r.DF != 5 {
		t.Errorf("diabetes Bruno model df %d, want 5", r.DF)
	}
	r = fit(t, diabetes, "main+c1:c3,c2:c4,c3:c4")
	near(t, "diabetes Rivest set N", math.Round(r.Estimate), 2472, 0)
	near(t, "diabetes Rivest set s.e.", math.Round(r.SE), 53, 0)
	near(t, "diabetes Rivest set deviance", math.Round(r.Deviance*100)/100, 21.97, 1e-9)
	if r.DF != 7 {
		t.Errorf("diabetes Rivest set df %d, want 7", r.DF)
	}

	r3 := rcaptureTable(t, []string{"e1", "e2", "e3"}, []int64{72, 155, 7, 71, 13, 53, 43})
	r = fit(t, r3, "main+e1:e2,e1:e3,e2:e3")
	near(t, "R3 saturated N", math.Round(r.Estimate), 1240, 0)
	near(t, "R3 saturated s.e.", math.Round(r.SE), 451, 0)
	r = fit(t, r3, "main+e1:e2+e2:e3")
	near(t, "R3 [1,2][2,3] N", math.Round(r.Estimate), 850, 0)
	near(t, "R3 [1,2][2,3] s.e.", math.Round(r.SE), 186, 0)
	near(t, "R3 [1,2][2,3] deviance", math.Round(r.Deviance*10)/10, 3.8, 1e-9)

	ccs := rcaptureTable(t, []string{"l1", "l2", "l3"}, []int64{72, 5, 29, 54, 24, 3, 14})
	r = fit(t, ccs, "main")
	near(t, "CCS Mt N", math.Round(r.Estimate), 209, 0)
	near(t, "CCS Mt deviance", math.Round(r.Deviance*10)/10, 75.1, 1e-9)
	near(t, "CCS Mt lower", math.Round(r.Lower), 203, 0)
	near(t, "CCS Mt upper", math.Round(r.Upper), 217, 0)
	r = fit(t, ccs, "main+l2:l3")
	near(t, "CCS [2,3] deviance", math.Round(r.Deviance*10)/10, 1.2, 1e-9)
	near(t, "CCS [2,3] lower", math.Round(r.Lower), 210, 0)
	r = fit(t, ccs, "main+l1:l3+l2:l3")
	near(t, "CCS [1,3][2,3] N", math.Round(r.Estimate), 233, 0)
	near(t, "CCS [1,3][2,3] lower", math.Round(r.Lower), 204, 0)

	// Independent check of the main-effects fits: Darroch's equation.
	for name, tb := range map[string]*MSETable{"diabetes": diabetes, "R3": r3, "CCS": ccs} {
		var margins []float64
		for i := range tb.Lists {
			margins = append(margins, float64(tb.Margin(i)))
		}
		want := darrochIndependence(float64(tb.Observed()), margins)
		near(t, name+" main effects vs Darroch's equation", fit(t, tb, "main").Estimate, want, 1e-6*want)
	}
}

// TestMSEStepwise: stepwise selection only adds interactions that lower the
// criterion, and its result is the fit of the model it names.
func TestMSEStepwise(t *testing.T) {
	diabetes := rcaptureTable(t, []string{"c1", "c2", "c3", "c4"},
		[]int64{58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10})
	for _, c := range []MSECriterion{AIC, BIC} {
		r, err := SelectMSE(diabetes, c)
		if err != nil {
			t.Fatal(err)
		}
		again := fit(t, diabetes, r.Model)
		near(t, c.String()+" refit", again.Estimate, r.Estimate, 1e-9*r.Estimate)
		crit := func(x *MSEResult) float64 {
			if c == BIC {
				return x.BIC
			}
			return x.AIC
		}
		// No single interaction added to the chosen model lowers the criterion.
		m, _ := ParseMSEModel(diabetes.Lists, r.Model)
		for i := 0; i < 4; i++ {
			for j := i + 1; j < 4; j++ {
				if m.Has(i, j) {
					continue
				}
				if f, err := FitMSE(diabetes, m.With(i, j)); err == nil && crit(f) < crit(r) {
					t.Errorf("%s: adding %s:%s lowers the criterion from %g to %g", c, diabetes.Lists[i], diabetes.Lists[j], crit(r), crit(f))
				}
			}
		}
		if r.Selection != c.String() || len(r.Steps) == 0 || !r.Steps[0].Chosen {
			t.Errorf("%s: selection %q, %d steps", c, r.Selection, len(r.Steps))
		}
		t.Logf("%s: %s N = %.0f [%.0f, %.0f]", c, r.Model, r.Estimate, r.Lower, r.Upper)
	}
}

// population simulates N cases and the lists they are on. capture(rng) returns
// a pattern for one case.
func population(rng *rand.Rand, lists []string, n int, capture func(*rand.Rand) int) *MSETable {
	tb, _ := NewMSETable(lists)
	for i := 0; i < n; i++ {
		if p := capture(rng); p != 0 {
			tb.Add(p, 1)
		}
	}
	return tb
}

func independent(probs ...float64) func(*rand.Rand) int {
	return func(rng *rand.Rand) int {
		p := 0
		for i, q := range probs {
			if rng.Float64() < q {
				p |= 1 << i
			}
		}
		return p
	}
}

// TestMSECoverageIndependentLists: with three independent lists the
// main-effects model is true, so its 95% interval must cover the true N in
// about 95% of replicates. With 400 replicates the coverage fraction has
// binomial standard deviation sqrt(0.95*0.05/400) = 0.0109; we accept
// 0.95 ± 3 sd = [0.917, 0.983].
//
// The mean of the 400 estimates must also be near N. For independent lists
// with capture probabilities p_i (model M_t), the estimate's asymptotic
// variance is N / (1/prod(1-p_i) + (K-1) - sum 1/(1-p_i)) (Darroch 1958):
// here prod(1-p_i) = 0.9*0.85*0.8 = 0.612, so the bracket is
// 1.63399 + 2 - (1.11111 + 1.17647 + 1.25) = 0.09641, the variance
// 2000/0.09641 = 20,746 and the sd 144. The mean of 400 has SE
// 144/sqrt(400) = 7.2; we accept |mean - N| <= 4 SE = 28.8 (1.4% of N),
// exceeded by an unbiased estimator with probability 6e-5 (normal
// approximation; the estimator's bias is O(1), well below 1 SE).
func TestMSECoverageIndependentLists(t *testing.T) {
	const N, reps = 2000, 400
	rng := rand.New(rand.NewPCG(20240601, 1))
	covered, coveredStep := 0, 0
	sum, sumSq := 0.0, 0.0
	for rep := 0; rep < reps; rep++ {
		tb := population(rng, []string{"a", "b", "c"}, N, independent(0.1, 0.15, 0.2))
		r, err := FitMSE(tb, MSEModel{})
		if err != nil {
			t.Fatal(err)
		}
		sum += r.Estimate
		sumSq += r.Estimate * r.Estimate
		if r.Lower <= N && N <= r.Upper {
			covered++
		}
		s, err := SelectMSE(tb, AIC)
		if err != nil {
			t.Fatal(err)
		}
		if s.Lower <= N && N <= s.Upper {
			coveredStep++
		}
	}
	cov := float64(covered) / reps
	sd := math.Sqrt(0.95 * 0.05 / reps)
	mean := sum / reps
	t.Logf("main effects: coverage %.4f (%d/%d), mean estimate %.1f (N = %d), sd of the estimates %.1f (Darroch: 144); stepwise AIC coverage %.4f",
		cov, covered, reps, mean, N, math.Sqrt(sumSq/reps-mean*mean), float64(coveredStep)/reps)
	if math.Abs(cov-0.95) > 3*sd {
		t.Errorf("coverage %.4f outside 0.95 ± %.4f", cov, 3*sd)
	}
	se := math.Sqrt(N/(1/(0.9*0.85*0.8)+2-(1/0.9+1/0.85+1/0.8))) / math.Sqrt(reps)
	if math.Abs(mean-N) > 4*se {
		t.Errorf("mean estimate %.1f is %.1f SE from N = %d (SE %.2f); want at most 4", mean, math.Abs(mean-N)/se, N, se)
	}
}

// TestMSECoverageTenSeeds repeats TestMSECoverageIndependentLists on ten
// further seeds (4000 replicates) for the figures docs/mse.md quotes: the
// main-effects coverage, checked within 3 sd of 0.95 (sd
// sqrt(0.95*0.05/4000) = 0.0034, so [0.940, 0.960]), and the coverage of
// the intervals after stepwise selection by BIC and AIC, logged: choosing
// the model from the same data is expected to cost coverage, not checked.
func TestMSECoverageTenSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test")
	}
	const N, reps = 2000, 400
	main, bic, aic, total := 0, 0, 0, 0
	for seed := uint64(1); seed <= 10; seed++ {
		rng := rand.New(rand.NewPCG(20240601+seed, 1))
		for rep := 0; rep < reps; rep++ {
			tb := population(rng, []string{"a", "b", "c"}, N, independent(0.1, 0.15, 0.2))
			total++
			for _, fit := range []struct {
				n   *int
				fit func() (*MSEResult, error)
			}{
				{&main, func() (*MSEResult, error) { return FitMSE(tb, MSEModel{}) }},
				{&bic, func() (*MSEResult, error) { return SelectMSE(tb, BIC) }},
				{&aic, func() (*MSEResult, error) { return SelectMSE(tb, AIC) }},
			} {
				r, err := fit.fit()
				if err != nil {
					t.Fatal(err)
				}
				if r.Lower <= N && N <= r.Upper {
					*fit.n++
				}
			}
		}
	}
	cov := float64(main) / float64(total)
	t.Logf("coverage of %d replicates: main effects %.4f, stepwise BIC %.4f, stepwise AIC %.4f",
		total, cov, float64(bic)/float64(total), float64(aic)/float64(total))
	if sd := math.Sqrt(0.95 * 0.05 / float64(total)); math.Abs(cov-0.95) > 3*sd {
		t.Errorf("main-effects coverage %.4f outside 0.95 ± %.4f", cov, 3*sd)
	}
}

// TestMSEDependenceBiasesDown: when the state shelter only takes victims the
// police registered (shelter ⊂ police), the two lists are positively
// dependent: a victim on one is more likely on the other, their overlap is too
// large for independence, and the main-effects estimate is biased downward.
func TestMSEDependenceBiasesDown(t *testing.T) {
	const N, reps = 2000, 200
	rng := rand.New(rand.NewPCG(7, 7))
	capture := func(rng *rand.Rand) int {
		p := 0
		if rng.Float64() < 0.2 { // police
			p |= 1
			if rng.Float64() < 0.5 { // shelter, only after police
				p |= 4
			}
		}
		if rng.Float64() < 0.15 { // NGO, independent
			p |= 2
		}
		return p
	}
	sum, below := 0.0, 0
	for rep := 0; rep < reps; rep++ {
		tb := population(rng, []string{"police", "ngo", "shelter"}, N, capture)
		r, err := FitMSE(tb, MSEModel{})
		if err != nil {
			t.Fatal(err)
		}
		sum += r.Estimate
		if r.Upper < N {
			below++
		}
		// The model that would describe the dependence is refused: with no
		// case in shelter without police, police:shelter has no MLE.
		m, _ := ParseMSEModel(tb.Lists, "main+police:shelter")
		var me *MSEError
		if _, err := FitMSE(tb, m); !errors.As(err, &me) {
			t.Fatalf("main+police:shelter: got %v, want refusal", err)
		}
	}
	mean := sum / reps
	t.Logf("shelter ⊂ police: mean main-effects estimate %.1f for N = %d (%.1f%%); interval entirely below N in %d/%d", mean, N, 100*(mean-N)/N, below, reps)
	if mean >= 0.9*N {
		t.Errorf("mean estimate %.1f: expected a downward bias of more than 10%% of N = %d", mean, N)
	}
	if below < reps*9/10 {
		t.Errorf("interval below N in only %d of %d replicates", below, reps)
	}
}

// TestMSERefusals: models the data cannot identify are refused with an MSEError.
func TestMSERefusals(t *testing.T) {
	var me *MSEError
	// Lists a and c share no case.
	tb, _ := NewMSETable([]string{"a", "b", "c"})
	tb.Add(0b001, 50)
	tb.Add(0b010, 60)
	tb.Add(0b100, 40)
	tb.Add(0b011, 10)
	tb.Add(0b110, 8)
	m, _ := ParseMSEModel(tb.Lists, "main+a:c")
	_, err := FitMSE(tb, m)
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "share no case") {
		t.Errorf("a:c with no shared case: got %v", err)
	}
	s, err := SelectMSE(tb, AIC)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s.Model, "a:c") {
		t.Errorf("stepwise chose %s", s.Model)
	}
	refused := false
	for _, st := range s.Steps {
		refused = refused || (strings.Contains(st.Model, "a:c") && strings.Contains(st.Refused, "share no case"))
	}
	if !refused {
		t.Errorf("stepwise did not record the refusal of a:c: %+v", s.Steps)
	}

	// A list with no case.
	tb2, _ := NewMSETable([]string{"a", "b", "c"})
	tb2.Add(0b001, 5)
	tb2.Add(0b010, 7)
	tb2.Add(0b011, 2)
	for _, f := range []func() error{
		func() error { _, err := FitMSE(tb2, MSEModel{}); return err },
		func() error { _, err := SelectMSE(tb2, BIC); return err },
	} {
		if err := f(); !errors.As(err, &me) || !strings.Contains(err.Error(), "list c records no case") {
			t.Errorf("zero margin: got %v", err)
		}
	}

	// Two lists with no overlap: Lincoln-Petersen is infinite, no MLE.
	tb3, _ := NewMSETable([]string{"a", "b"})
	tb3.Add(0b01, 5)
	tb3.Add(0b10, 7)
	if _, err := FitMSE(tb3, MSEModel{}); !errors.As(err, &me) {
		t.Errorf("two disjoint lists: got %v, want refusal", err)
	}

	// The MLE does not exist although every pair overlaps: no case is on the
	// third list alone nor on the second and third without the first, so with
	// the [1,2] interaction the fitted count of the third list alone (and with
	// it the unobserved count) can go to 0 (the linear-programming test).
	tb4, _ := NewMSETable([]string{"police", "ngo", "shelter"})
	tb4.Add(0b001, 100)
	tb4.Add(0b010, 150)
	tb4.Add(0b011, 20)
	tb4.Add(0b101, 40)
	tb4.Add(0b111, 5)
	if _, err := FitMSE(tb4, MSEModel{}); err != nil {
		t.Errorf("main effects should exist: %v", err)
	}
	for _, spec := range []string{"main+police:ngo", "main+police:shelter"} {
		m, _ := ParseMSEModel(tb4.Lists, spec)
		if _, err := FitMSE(tb4, m); !errors.As(err, &me) || !strings.Contains(err.Error(), "no maximum likelihood estimate") {
			t.Errorf("%s: got %v, want no MLE", spec, err)
		}
	}
	// The same model on a table with those cells filled is fine.
	tb4.Add(0b100, 3)
	m, _ = ParseMSEModel(tb4.Lists, "main+police:shelter")
	if _, err := FitMSE(tb4, m); err != nil {
		t.Errorf("main+police:shelter with shelter-only cases: %v", err)
	}

	// Bad input.
	bad := &MSETable{Lists: []string{"a", "b"}, Counts: []int64{1, 2, 3, 4}}
	if err := bad.Check(); err == nil {
		t.Error("a count for the unobserved pattern was accepted")
	}
	bad = &MSETable{Lists: []string{"a", "b"}, Counts: []int64{0, -2, 3, 4}}
	if err := bad.Check(); err == nil {
		t.Error("a negative count was accepted")
	}
	for _, lists := range [][]string{{"a"}, {"a", "a"}, {"a", ""}, {"a", "b:c"}, {"a", "b", "c", "d", "e", "f", "g", "h", "i"}} {
		if _, err := NewMSETable(lists); err == nil {
			t.Errorf("lists %q accepted", lists)
		}
	}
}

// TestParseMSEModel: model descriptions are read, normalised and checked.
func TestParseMSEModel(t *testing.T) {
	lists := []string{"police", "ngo", "shelter"}
	for spec, want := range map[string]string{
		"main":                             "main",
		" main ":                           "main",
		"main+ngo:police":                  "main+police:ngo",
		"main+police:shelter,police:ngo":   "main+police:ngo+police:shelter",
		"main+police:shelter+ngo:shelter":  "main+police:shelter+ngo:shelter",
		"main,ngo:shelter":                 "main+ngo:shelter",
		"main+ police : ngo , ngo:shelter": "main+police:ngo+ngo:shelter",
	} {
		m, err := ParseMSEModel(lists, spec)
		if err != nil {
			t.Errorf("%q: %v", spec, err)
			continue
		}
		if got := m.Name(lists); got != want {
			t.Errorf("%q parsed as %s, want %s", spec, got, want)
		}
	}
	for spec, want := range map[string]string{
		"":                           "must start with",
		"saturated":                  "must start with",
		"mainly":                     "write interactions",
		"main+":                      "no interaction",
		"main+police":                "two list names",
		"main+police:ngo:shelter":    "two list names",
		"main+police:court":          `"court" is not one of the lists`,
		"main+police:police":         "with itself",
		"main+police:ngo,ngo:police": "named twice",
	} {
		if _, err := ParseMSEModel(lists, spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error with %q", spec, err, want)
		}
	}
	if _, err := ParseMSECriterion("BIC"); err != nil {
		t.Error(err)
	}
	if _, err := ParseMSECriterion("cic"); err == nil {
		t.Error("cic accepted")
	}
}

// TestMSEEightLists: the largest tables (8 lists, 255 observable patterns)
// are fitted and a model selected by BIC, and the estimate lands near the
// true N = 5000. With independent lists the main-effects model is true; its
// estimate's sd is sqrt(N / (1/prod(1-p_i) + (K-1) - sum 1/(1-p_i)))
// (Darroch 1958): prod(1-p_i) = 0.2693 for p = 0.08, 0.10, ..., 0.22, so the
// bracket is 3.7134 + 7 - 9.4398 = 1.2736 and the sd sqrt(5000/1.2736) = 62.7.
// We accept |estimate - N| <= 4 sd = 251 (5% of N), missed by an unbiased
// estimate with probability 6e-5 (normal approximation). Whether the 95%
// interval covers N is logged, not checked: it misses 5% of the time.
func TestMSEEightLists(t *testing.T) {
	const N = 5000
	p := []float64{0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.22}
	rng := rand.New(rand.NewPCG(3, 4))
	lists := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	tb := population(rng, lists, N, independent(p...))
	r, err := SelectMSE(tb, BIC)
	if err != nil {
		t.Fatal(err)
	}
	prod, inv := 1.0, 0.0
	for _, q := range p {
		prod *= 1 - q
		inv += 1 / (1 - q)
	}
	sd := math.Sqrt(N / (1/prod + float64(len(p)-1) - inv))
	t.Logf("8 lists: %s N = %.0f [%.0f, %.0f], %.2f sd (sd %.1f) from %d", r.Model, r.Estimate, r.Lower, r.Upper, (r.Estimate-N)/sd, sd, N)
	if math.Abs(r.Estimate-N) > 4*sd {
		t.Errorf("8 lists: estimate %.0f is %.1f sd from N = %d (sd %.1f); want at most 4", r.Estimate, math.Abs(r.Estimate-N)/sd, N, sd)
	}
	if !(r.Lower <= N && N <= r.Upper) {
		t.Logf("8 lists: the interval [%.0f, %.0f] misses %d (can happen 5%% of the time)", r.Lower, r.Upper, N)
	}
	if len(r.Coefficients) != 1+8+len(r.Pairs) {
		t.Errorf("%d coefficients for %s", len(r.Coefficients), r.Model)
	}
}

// primalExists is the linear program of Fienberg & Rinaldo (2012) as
// SparseMSE's checkident sets it up: maximise t subject to Xᵀz = Xᵀy and
// z >= t; the MLE exists when the optimum t is positive. mleExists solves the
// smaller dual form; both must agree.
func primalExists(x *mat.Dense, y []float64) (bool, error) {
	nc, np := x.Dims()
	nv := 2*nc + 1 // z, t, slacks s with z_c - t - s_c = 0
	a := mat.NewDense(np+nc, nv, nil)
	b := make([]float64, np+nc)
	scale := 0.0
	for j := 0; j < np; j++ {
		for c := 0; c < nc; c++ {
			a.Set(j, c, x.At(c, j))
			b[j] += x.At(c, j) * y[c]
		}
		scale = math.Max(scale, b[j])
	}
	for j := 0; j < np; j++ {
		b[j] /= scale
	}
	for c := 0; c < nc; c++ {
		a.Set(np+c, c, 1)
		a.Set(np+c, nc, -1)
		a.Set(np+c, nc+1+c, -1)
	}
	obj := make([]float64, nv)
	obj[nc] = -1
	opt, _, err := lp.Simplex(obj, a, b, 1e-12, nil)
	if err != nil {
		return false, err
	}
	return -opt > 1e-9, nil
}

// TestMSEExistenceTest: the existence test agrees with the primal linear
// program on sparse random tables, where the MLE often does not exist.
func TestMSEExistenceTest(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	agree, missing, n := 0, 0, 0
	for rep := 0; rep < 600; rep++ {
		k := 3 + rng.IntN(2)
		tb := population(rng, []string{"a", "b", "c", "d"}[:k], 5+rng.IntN(40), independent([]float64{0.3, 0.3, 0.3, 0.3}[:k]...))
		var m MSEModel
		for i := 0; i < k; i++ {
			for j := i + 1; j < k; j++ {
				if rng.Float64() < 0.4 {
					m = m.With(i, j)
				}
			}
		}
		x := design(k, m, 1)
		if rank(x) < 1+k+len(m.Pairs) {
			continue
		}
		y := make([]float64, 1<<k-1)
		for p := 1; p < 1<<k; p++ {
			y[p-1] = float64(tb.Counts[p])
		}
		got, err1 := mleExists(x, y)
		want, err2 := primalExists(x, y)
		if err1 != nil || err2 != nil {
			t.Fatalf("LP failed: %v, %v", err1, err2)
		}
		n++
		if !want {
			missing++
		}
		if got == want {
			agree++
		} else {
			t.Errorf("counts %v model %s: dual says %v, primal %v", tb.Counts, m.Name(tb.Lists), got, want)
		}
	}
	t.Logf("%d of %d tables agree; the MLE does not exist for %d", agree, n, missing)
	if missing < n/10 || missing > n*9/10 {
		t.Errorf("the MLE is missing for %d of %d tables: the test is not discriminating", missing, n)
	}
}

// TestReadMSECSV: the counts file tolerates a byte-order mark, CRLF, spaces,
// comments and explicit zero rows, and reports the line of a malformed field.
func TestReadMSECSV(t *testing.T) {
	in := "\ufeffpolice, ngo ,count\r\n# a comment\r\n1,0,117\r\n 0 , 1 , 61 \r\n\r\n1,1,9\r\n"
	tb, err := ReadMSECSV(strings.NewReader(in), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tb.Lists, ",") != "police,ngo" || tb.Counts[1] != 117 || tb.Counts[2] != 61 || tb.Counts[3] != 9 {
		t.Errorf("read %v %v", tb.Lists, tb.Counts)
	}
	for in, want := range map[string]string{
		"a,b,count\n1,0,5\n0,1,\"7\n":           "x.csv:3:",
		"a,b,count\n1,0,5\n0,1,0x10\n":          `x.csv:3: count "0x10" is not a number`,
		"a,b,count\n1,0,5\n0,1,1e3\n":           "x.csv:3: write the count 1e3 as a plain whole number",
		"a,b,count\n1,0,99999999999999999999\n": "x.csv:2: count 99999999999999999999 is too large",
		"a,b,count\n1,0,\n":                     "x.csv:2: the count is empty",
		"a,count,count\n1,0,5\n":                "x.csv:1: only the last column may be named count",
		"a,b:c,count\n1,0,5\n":                  "x.csv:1: list name \"b:c\"",
		"":                                      "x.csv: empty file",
	} {
		if _, err := ReadMSECSV(strings.NewReader(in), "x.csv"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
}
