package sim

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestBinomialSampler checks the arrival sampler against the exact binomial
// probabilities with a chi-square goodness-of-fit test: both methods
// (waiting times below a mean of 10, BTRS above), the boundary between them,
// the flip above p = 1/2, small and national-scale n. Each case draws 100,000
// variates from a fixed seed; categories are pooled so that each expects at
// least 5, and the statistic is compared with the chi-square critical value
// at alpha = 0.001 for its degrees of freedom (bins - 1), so a correct sampler
// fails a given case about once in a thousand seeds.
func TestBinomialSampler(t *testing.T) {
	cases := []struct {
		n float64
		p float64
	}{
		{1e6, 3e-6},     // mean 3: waiting times
		{1e6, 9.99e-6},  // mean 9.99: waiting times, at the boundary
		{20, 0.5},       // mean 10: BTRS at the boundary, small n
		{50, 0.3},       // BTRS, small n
		{1e6, 1e-4},     // mean 100: BTRS at national scale
		{2.5e5, 0.002},  // mean 500
		{100, 0.7},      // p > 1/2: flipped
		{1e6, 0.999999}, // flipped, small mean of failures
		{5e9, 1e-9},     // mean 5, n beyond a waiting time's cap of about 1e9
		{7, 1},          // certain
		{7, 0},          // impossible
	}
	const draws = 100000
	for i, tc := range cases {
		t.Run(fmt.Sprintf("n=%g,p=%g", tc.n, tc.p), func(t *testing.T) {
			var g rng
			g.seed(1, uint64(i))
			d := newBinomial(tc.n, tc.p)
			counts := map[int64]int{}
			for j := 0; j < draws; j++ {
				k := d.draw(&g)
				if k < 0 || k > int64(tc.n) {
					t.Fatalf("draw %d outside [0, %g]", k, tc.n)
				}
				counts[k]++
			}
			if tc.p == 0 || tc.p == 1 {
				want := int64(tc.n * tc.p)
				if counts[want] != draws {
					t.Fatalf("degenerate case: got %v, want all %d", counts, want)
				}
				return
			}
			chi2, df := chiSquareBinomial(counts, draws, int64(tc.n), tc.p)
			crit := distuv.ChiSquared{K: float64(df)}.Quantile(0.999)
			if chi2 > crit {
				t.Errorf("chi-square %.1f with %d df exceeds the 0.999 quantile %.1f", chi2, df, crit)
			}
		})
	}
}

// chiSquareBinomial returns the chi-square statistic of observed counts
// against Binomial(n, p), pooling categories from each tail inwards until
// every pooled category expects at least 5, and its degrees of freedom.
func chiSquareBinomial(counts map[int64]int, draws int, n int64, p float64) (float64, int) {
	pmf := func(k int64) float64 {
		return math.Exp(lfact(float64(n)) - lfact(float64(k)) - lfact(float64(n-k)) +
			float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
	}
	mean, sd := float64(n)*p, math.Sqrt(float64(n)*p*(1-p))
	lo := max(0, int64(mean-12*sd-2))
	hi := min(n, int64(mean+12*sd+2))
	type bin struct{ exp, obs float64 }
	var bins []bin
	cur := bin{}
	for k := lo; k <= hi; k++ {
		cur.exp += pmf(k) * float64(draws)
		cur.obs += float64(counts[k])
		if cur.exp >= 5 {
			bins = append(bins, cur)
			cur = bin{}
		}
	}
	if len(bins) > 0 { // the right tail joins the last bin
		bins[len(bins)-1].exp += cur.exp
		bins[len(bins)-1].obs += cur.obs
	}
	outside := 0.0 // draws beyond 12 standard deviations (expected: none)
	for k, c := range counts {
		if k < lo || k > hi {
			outside += float64(c)
		}
	}
	bins[0].obs += outside
	chi2 := 0.0
	for _, b := range bins {
		chi2 += (b.obs - b.exp) * (b.obs - b.exp) / b.exp
	}
	return chi2, len(bins) - 1
}

// BenchmarkBinomial compares the arrival sampler with gonum's general one on
// a national-scale stratum (n = 400,000, p = 0.0008: mean 320).
func BenchmarkBinomial(b *testing.B) {
	b.Run("engine", func(b *testing.B) {
		var g rng
		g.seed(1, 2)
		d := newBinomial(4e5, 8e-4)
		for b.Loop() {
			d.draw(&g)
		}
	})
	b.Run("gonum", func(b *testing.B) {
		src := Stream(1, 0, "bench")
		d := distuv.Binomial{N: 4e5, P: 8e-4, Src: src}
		for b.Loop() {
			d.Rand()
		}
	})
}

// TestLfact: the portable log-factorial agrees with math.Lgamma(k+1) to
// within 1e-13 relative (math.Lgamma is accurate to about 1e-15; the table
// sums up to 255 logarithms, each within half an ulp, and Stirling's series
// from k = 256 is exact to 1e-24 before rounding): far below what the
// binomial's acceptance test can resolve.
func TestLfact(t *testing.T) {
	ks := []float64{0, 1, 2, 10, 100, 255, 256, 257, 1000, 12345, 1e6, 4.5e7, 3e9}
	for k := 0.0; k < 600; k++ {
		ks = append(ks, k)
	}
	for _, k := range ks {
		want, _ := math.Lgamma(k + 1)
		got := lfact(k)
		if d := math.Abs(got - want); d > 1e-13*math.Max(1, math.Abs(want)) {
			t.Errorf("lfact(%g) = %.17g, math.Lgamma gives %.17g", k, got, want)
		}
	}
}
