package analysis

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestCholesky: on random symmetric positive definite matrices of the sizes
// the estimate meets (up to 1+7+21 parameters), solutions and the inverse
// meet the backward error bound of the Cholesky method componentwise:
// the computed x of A x = b solves (A + dA) x = b with
// |dA| <= gamma(3n+1) |L| |Lᵀ| (Higham, Accuracy and Stability of Numerical
// Algorithms, 2nd ed., theorem 10.4; gamma(k) = k u / (1 - k u), u = 2^-53),
// so |A x - b| <= gamma(3n+1) |L| |Lᵀ| |x|; the test's own evaluation of
// A x - b adds at most gamma(n+1) (|A| |x| + |b|). Each column of the
// inverse is such a solution with b a unit vector. A matrix that is not
// positive definite is refused.
func TestCholesky(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	gamma := func(k int) float64 { ku := float64(k) * 0x1p-53; return ku / (1 - ku) }
	for _, n := range []int{1, 2, 4, 8, 15, 29} {
		// A = G Gᵀ + n I: positive definite.
		g := make([]float64, n*n)
		for i := range g {
			g[i] = rng.NormFloat64()
		}
		a := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				for k := 0; k < n; k++ {
					a[i*n+j] += g[i*n+k] * g[j*n+k]
				}
			}
			a[i*n+i] += float64(n)
		}
		var c cholesky
		if !c.factorize(a, n) {
			t.Fatalf("n=%d: a positive definite matrix was refused", n)
		}
		// LL = |L| |Lᵀ|.
		ll := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				for k := 0; k < n; k++ {
					ll[i*n+j] += math.Abs(c.l[i*n+k]) * math.Abs(c.l[j*n+k])
				}
			}
		}
		// check tests that x solves A x = b within the bound.
		check := func(what string, x, b []float64) {
			for i := 0; i < n; i++ {
				r, bound, abs := -b[i], 0.0, math.Abs(b[i])
				for j := 0; j < n; j++ {
					r += a[i*n+j] * x[j]
					bound += ll[i*n+j] * math.Abs(x[j])
					abs += math.Abs(a[i*n+j] * x[j])
				}
				if limit := gamma(3*n+1)*bound + gamma(n+1)*abs; math.Abs(r) > limit {
					t.Fatalf("n=%d, %s: row %d of A x - b is %.3g, above the bound %.3g", n, what, i, r, limit)
				}
			}
		}
		b := make([]float64, n)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		check("solve", c.solve(b), b)
		inv := c.inverse()
		for j := 0; j < n; j++ {
			col, e := make([]float64, n), make([]float64, n)
			for i := 0; i < n; i++ {
				col[i] = inv[i*n+j]
			}
			e[j] = 1
			check("inverse", col, e)
		}
	}
	var c cholesky
	if c.factorize([]float64{1, 2, 2, 1}, 2) {
		t.Error("an indefinite matrix (eigenvalues 3 and -1) was factored")
	}
}

// TestChi2OneDF95: the constant is the 95% quantile of chi-squared with one
// degree of freedom. Gonum's quantile functions, accurate to a few ulps (its
// chi-squared quantile is 4.5 ulps below the correctly rounded constant), must
// agree within 8 ulps, and gonum's CDF at the constant must be 0.95 within
// the CDF's slope times that distance plus an ulp of 0.95.
func TestChi2OneDF95(t *testing.T) {
	ulp := math.Nextafter(chi2OneDF95, 4) - chi2OneDF95
	chi := distuv.ChiSquared{K: 1}
	if q := chi.Quantile(0.95); math.Abs(q-chi2OneDF95) > 8*ulp {
		t.Errorf("chi2OneDF95 = %v, gonum's quantile %v: %.1f ulps apart", chi2OneDF95, q, math.Abs(q-chi2OneDF95)/ulp)
	}
	z := distuv.UnitNormal.Quantile(0.975)
	if q := z * z; math.Abs(q-chi2OneDF95) > 8*ulp {
		t.Errorf("chi2OneDF95 = %v, the normal quantile squared %v", chi2OneDF95, q)
	}
	if p := chi.CDF(chi2OneDF95); math.Abs(p-0.95) > 8*ulp*chi.Prob(chi2OneDF95)+0x1p-53 {
		t.Errorf("CDF(chi2OneDF95) = %v, want 0.95", p)
	}
}

// TestStdDev: the portable standard deviation is gonum's to rounding (the
// same algorithm, a few roundings apart).
func TestStdDev(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{2, 3, 10, 1000} {
		x := make([]float64, n)
		for i := range x {
			x[i] = 5 + rng.NormFloat64()
		}
		got, want := stdDev(x), stat.StdDev(x, nil)
		if math.Abs(got-want) > 1e-14*want {
			t.Errorf("n=%d: stdDev %v, gonum %v", n, got, want)
		}
	}
}
