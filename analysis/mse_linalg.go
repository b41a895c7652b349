package analysis

import "math"

// The multiple systems estimate solves normal equations of at most 1+7+21
// parameters. It does so here, not with gonum's Cholesky, so that every
// product that meets a sum is rounded explicitly (float64(...)): no compiler
// may fuse the two into one multiply-add, which rounds once where two
// roundings were meant and makes arm64 and amd64 disagree in the last bits.
// Summation orders are fixed, so the results are the same bits everywhere.

// cholesky is the factor L of a symmetric positive definite n x n matrix
// A = L Lᵀ, row-major, lower triangle.
type cholesky struct {
	n int
	l []float64
}

// factorize factors the symmetric matrix a (row-major n x n; the lower
// triangle is read). It reports false when a is not numerically positive
// definite.
func (c *cholesky) factorize(a []float64, n int) bool {
	c.n = n
	if cap(c.l) < n*n {
		c.l = make([]float64, n*n)
	}
	c.l = c.l[:n*n]
	clear(c.l)
	for j := 0; j < n; j++ {
		d := a[j*n+j]
		for k := 0; k < j; k++ {
			d -= float64(c.l[j*n+k] * c.l[j*n+k])
		}
		if !(d > 0) {
			return false
		}
		ljj := math.Sqrt(d)
		c.l[j*n+j] = ljj
		for i := j + 1; i < n; i++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= float64(c.l[i*n+k] * c.l[j*n+k])
			}
			c.l[i*n+j] = s / ljj
		}
	}
	return true
}

// solve returns x with A x = b, by forward and back substitution.
func (c *cholesky) solve(b []float64) []float64 {
	n := c.n
	x := append([]float64(nil), b...)
	for i := 0; i < n; i++ { // L y = b
		s := x[i]
		for k := 0; k < i; k++ {
			s -= float64(c.l[i*n+k] * x[k])
		}
		x[i] = s / c.l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- { // Lᵀ x = y
		s := x[i]
		for k := i + 1; k < n; k++ {
			s -= float64(c.l[k*n+i] * x[k])
		}
		x[i] = s / c.l[i*n+i]
	}
	return x
}

// inverse returns A⁻¹ (row-major n x n), column by column: A⁻¹ e_j.
func (c *cholesky) inverse() []float64 {
	n := c.n
	inv := make([]float64, n*n)
	e := make([]float64, n)
	for j := 0; j < n; j++ {
		clear(e)
		e[j] = 1
		col := c.solve(e)
		for i := 0; i < n; i++ {
			inv[i*n+j] = col[i]
		}
	}
	return inv
}
