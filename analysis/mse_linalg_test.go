package analysis

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestCholesky: on random symmetric positive definite matrices of the sizes
// the estimate meets (up to 1+7+21 parameters), the solution x of A x = b
// has a residual within the backward error bound of the Cholesky method,
// |A x - b| <= c n eps |A| |x| (infinity norms; c = 4 covers the factor and
// the two substitutions), and the inverse times A is the identity within the
// same bound. A matrix that is not positive definite is refused.
func TestCholesky(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const eps = 0x1p-53
	for _, n := range []int{1, 2, 4, 8, 15, 29} {
		// A = G Gᵀ + n I: positive definite, condition number modest.
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
		b := make([]float64, n)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		var c cholesky
		if !c.factorize(a, n) {
			t.Fatalf("n=%d: a positive definite matrix was refused", n)
		}
		x := c.solve(b)
		normA, normX, resid := 0.0, 0.0, 0.0
		for i := 0; i < n; i++ {
			row, r := 0.0, -b[i]
			for j := 0; j < n; j++ {
				row += math.Abs(a[i*n+j])
				r += a[i*n+j] * x[j]
			}
			normA = math.Max(normA, row)
			normX = math.Max(normX, math.Abs(x[i]))
			resid = math.Max(resid, math.Abs(r))
		}
		if bound := 4 * float64(n) * eps * normA * normX; resid > bound {
			t.Errorf("n=%d: residual %.3g above the bound %.3g", n, resid, bound)
		}
		inv := c.inverse()
		normInv := 0.0
		for i := 0; i < n; i++ {
			row := 0.0
			for j := 0; j < n; j++ {
				row += math.Abs(inv[i*n+j])
			}
			normInv = math.Max(normInv, row)
		}
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				p := 0.0
				for k := 0; k < n; k++ {
					p += a[i*n+k] * inv[k*n+j]
				}
				if i == j {
					p--
				}
				if bound := 4 * float64(n) * eps * normA * normInv; math.Abs(p) > bound {
					t.Fatalf("n=%d: (A A⁻¹ - I)[%d][%d] = %.3g, above the bound %.3g", n, i, j, p, bound)
				}
			}
		}
	}
	var c cholesky
	if c.factorize([]float64{1, 2, 2, 1}, 2) {
		t.Error("an indefinite matrix (eigenvalues 3 and -1) was factored")
	}
}

// TestChi2OneDF95: the constant is the 95% quantile of chi-squared with one
// degree of freedom, to the last bit of gonum's quantile function and of the
// square of the normal quantile.
func TestChi2OneDF95(t *testing.T) {
	if q := (distuv.ChiSquared{K: 1}).Quantile(0.95); math.Abs(q-chi2OneDF95) > 2*0x1p-52*q {
		t.Errorf("chi2OneDF95 = %v, gonum's quantile %v", chi2OneDF95, q)
	}
	z := distuv.UnitNormal.Quantile(0.975)
	if q := z * z; math.Abs(q-chi2OneDF95) > 4*0x1p-52*q {
		t.Errorf("chi2OneDF95 = %v, the normal quantile squared %v", chi2OneDF95, q)
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
