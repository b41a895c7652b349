package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"htsim/internal/detmath"
)

// The estimates, their standard errors and intervals are computed with
// internal/detmath's functions, the small linear algebra of mse_linalg.go and
// every product that meets a sum rounded explicitly, so that they are the
// same bits on every machine and architecture. Gonum's SVD and simplex only
// decide (the design's rank, whether the estimate exists) with tolerances.

// mseFit is a Poisson log-linear fit to the observed patterns.
type mseFit struct {
	beta     []float64
	cov      []float64 // inverse Fisher information, row-major
	mu       []float64 // fitted counts of patterns 1..2^k-1
	loglik   float64
	deviance float64
	aic, bic float64
	x        *mat.Dense // design over patterns 1..2^k-1
	y        []float64
	observed float64
}

func (f *mseFit) estimate() float64 { return f.observed + detmath.Exp(f.beta[0]) }

// designRow fills the design row of pattern p: intercept, main effects, interactions.
func designRow(row []float64, p, k int, m MSEModel) {
	row[0] = 1
	for i := 0; i < k; i++ {
		row[1+i] = float64((p >> i) & 1)
	}
	for c, pr := range m.Pairs {
		row[1+k+c] = float64((p >> pr[0]) & (p >> pr[1]) & 1)
	}
}

// design returns the design matrix over patterns from..2^k-1 (from is 1 for
// the observed patterns, 0 to add the unobserved one as the first row).
func design(k int, m MSEModel, from int) *mat.Dense {
	np := 1 + k + len(m.Pairs)
	rows := 1<<k - from
	x := mat.NewDense(rows, np, nil)
	for p := from; p < 1<<k; p++ {
		designRow(x.RawRowView(p-from), p, k, m)
	}
	return x
}

// fitModel checks that the model is identifiable on the table's data and fits it.
func fitModel(t *MSETable, m MSEModel) (*mseFit, error) {
	k := len(t.Lists)
	for _, p := range m.Pairs {
		if t.Overlap(p[0], p[1]) == 0 {
			return nil, &MSEError{Reason: fmt.Sprintf("lists %s and %s share no case: their interaction cannot be estimated (it would be minus infinity and the estimate unbounded)", t.Lists[p[0]], t.Lists[p[1]])}
		}
	}
	x := design(k, m, 1)
	rows, np := x.Dims()
	if np > rows {
		return nil, &MSEError{Reason: fmt.Sprintf("model %s has %d parameters for %d observable patterns: not identifiable", m.Name(t.Lists), np, rows)}
	}
	if r := rank(x); r < np {
		return nil, &MSEError{Reason: fmt.Sprintf("model %s is not identifiable: its design matrix has rank %d < %d parameters", m.Name(t.Lists), r, np)}
	}
	y := make([]float64, rows)
	zero := false
	for p := 1; p < 1<<k; p++ {
		y[p-1] = float64(t.Counts[p])
		zero = zero || t.Counts[p] == 0
	}
	if zero {
		exists, err := mleExists(x, y)
		if err == nil && !exists {
			return nil, &MSEError{Reason: fmt.Sprintf("model %s has no maximum likelihood estimate on these data: the zero counts let some fitted counts go to 0 and parameters to infinity (linear-programming test of Fienberg & Rinaldo 2012)", m.Name(t.Lists))}
		}
		// If the LP failed numerically, the check of the fit below decides.
	}
	beta, mu, cov, err := fitPoisson(x, y)
	if err != nil {
		return nil, &MSEError{Reason: fmt.Sprintf("model %s: %v", m.Name(t.Lists), err)}
	}
	// The fit itself must not diverge: no fitted count at zero where the data
	// has zeros, and no coefficient running off.
	for c := range mu {
		if y[c] == 0 && mu[c] < 1e-8 {
			return nil, &MSEError{Reason: fmt.Sprintf("model %s has no maximum likelihood estimate: the fitted count of pattern %s goes to 0", m.Name(t.Lists), t.PatternName(c+1))}
		}
	}
	for _, b := range beta[1:] {
		if math.Abs(b) > 40 {
			return nil, &MSEError{Reason: fmt.Sprintf("model %s has no stable maximum likelihood estimate: a coefficient diverges (|b| = %.3g)", m.Name(t.Lists), math.Abs(b))}
		}
	}
	f := &mseFit{beta: beta, cov: cov, mu: mu, x: x, y: y}
	for c := range y {
		f.observed += y[c]
		f.loglik += float64(y[c]*detmath.Log(mu[c])) - mu[c] - detmath.Lgamma(y[c]+1)
		f.deviance += devTerm(y[c], mu[c])
	}
	f.aic = float64(-2*f.loglik) + 2*float64(np)
	f.bic = float64(-2*f.loglik) + float64(detmath.Log(f.observed)*float64(np))
	return f, nil
}

// rank returns the numerical rank of x from its singular values.
func rank(x *mat.Dense) int {
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDNone) {
		return 0
	}
	s := svd.Values(nil)
	r, c := x.Dims()
	tol := float64(max(r, c)) * s[0] * 1e-10
	n := 0
	for _, v := range s {
		if v > tol {
			n++
		}
	}
	return n
}

// mleExists decides whether the maximum likelihood estimate of a log-linear
// model with full-rank design x exists for the counts y. It does not when some
// direction d of the parameters leaves the fitted counts of the positive cells
// unchanged (x_c d = 0 where y_c > 0) and lowers some of the zero cells without
// raising any (x_c d <= 0 where y_c = 0, not all 0): the likelihood then
// increases forever along d (Haberman 1974; the linear-programming test of
// Fienberg & Rinaldo 2012 used by SparseMSE's checkident is the dual form).
//
// With N a basis of the directions that keep the positive cells fixed and
// M = X_zero N, Stiemke's lemma says that either such a direction exists or some
// λ > 0 has Mᵀλ = 0, never both. We look for λ >= 1 with Mᵀλ = 0 by the simplex
// method: a small linear program with one row per free direction.
func mleExists(x *mat.Dense, y []float64) (bool, error) {
	nc, np := x.Dims()
	var pos, zero []int
	for c := 0; c < nc; c++ {
		if y[c] > 0 {
			pos = append(pos, c)
		} else {
			zero = append(zero, c)
		}
	}
	if len(zero) == 0 {
		return true, nil // y itself is a positive table with the same statistics
	}
	// Null space of the positive rows.
	var null *mat.Dense
	if len(pos) == 0 {
		null = mat.NewDense(np, np, nil)
		for i := 0; i < np; i++ {
			null.Set(i, i, 1)
		}
	} else {
		xp := mat.NewDense(len(pos), np, nil)
		for r, c := range pos {
			xp.SetRow(r, x.RawRowView(c))
		}
		var svd mat.SVD
		if !svd.Factorize(xp, mat.SVDFullV) {
			return false, errors.New("SVD failed")
		}
		s := svd.Values(nil)
		var v mat.Dense
		svd.VTo(&v)
		tol := float64(max(len(pos), np)) * s[0] * 1e-10
		var cols []int
		for j := 0; j < np; j++ {
			if j >= len(s) || s[j] <= tol {
				cols = append(cols, j)
			}
		}
		if len(cols) == 0 {
			return true, nil // no free direction
		}
		null = mat.NewDense(np, len(cols), nil)
		for k, j := range cols {
			for i := 0; i < np; i++ {
				null.Set(i, k, v.At(i, j))
			}
		}
	}
	_, r := null.Dims()
	xz := mat.NewDense(len(zero), np, nil)
	for i, c := range zero {
		xz.SetRow(i, x.RawRowView(c))
	}
	var m mat.Dense
	m.Mul(xz, null) // len(zero) x r
	// Drop zero cells no free direction moves: they constrain nothing.
	var keep []int
	for i := range zero {
		if mat.Norm(m.RowView(i), math.Inf(1)) > 1e-9 {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return false, errors.New("rank-deficient design")
	}
	// Mᵀ(1 + λ') = 0 with λ' >= 0:  Mᵀλ' = -Mᵀ1.
	a := mat.NewDense(r, len(keep), nil)
	b := make([]float64, r)
	for col, i := range keep {
		for j := 0; j < r; j++ {
			a.Set(j, col, m.At(i, j))
			b[j] -= m.At(i, j)
		}
	}
	obj := make([]float64, len(keep)) // feasibility only
	if r > len(keep) {
		// More free directions than cells they move: some direction moves no
		// zero cell, impossible with a full-rank design.
		return false, errors.New("rank-deficient design")
	}
	_, _, err := lp.Simplex(obj, a, b, 1e-10, nil)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, lp.ErrInfeasible):
		return false, nil
	}
	return false, err
}

// devTerm is the Poisson deviance of one cell, 2 (y log(y/mu) - (y - mu)),
// written as 2 y (r - log(1+r)) with mu = y (1+r) to avoid cancellation when
// mu is close to a large y.
func devTerm(y, mu float64) float64 {
	if y == 0 {
		return 2 * mu
	}
	r := (mu - y) / y
	return float64(2 * y * (r - detmath.Log1p(r)))
}

const (
	maxIRLS = 200
	irlsTol = 1e-12
)

// fitPoisson fits a Poisson log-linear model by iteratively reweighted least
// squares (Newton's method for the canonical link), halving a step that would
// lower the likelihood. It returns the coefficients, fitted values and the
// inverse Fisher information.
func fitPoisson(x *mat.Dense, y []float64) (beta, mu, cov []float64, err error) {
	nc, np := x.Dims()
	mu = make([]float64, nc)
	eta := make([]float64, nc)
	for c := range y {
		mu[c] = y[c] + 0.1 // glm's starting values
		eta[c] = detmath.Log(mu[c])
	}
	deviance := func(mu []float64) float64 {
		d := 0.0
		for c := range y {
			d += devTerm(y[c], mu[c])
		}
		return d
	}
	xtwx := make([]float64, np*np) // lower triangle used
	xtwz := make([]float64, np)
	var chol cholesky
	newMu := make([]float64, nc)
	var old []float64
	devOld := math.Inf(1)
	converged := false
	for it := 0; it < maxIRLS; it++ {
		// Normal equations XᵀWX β = XᵀWz with W = diag(mu), z = eta + (y-mu)/mu.
		information(x, mu, xtwx)
		clear(xtwz)
		for c := 0; c < nc; c++ {
			row := x.RawRowView(c)
			wz := float64(mu[c]*eta[c]) + (y[c] - mu[c]) // mu z, z = eta + (y-mu)/mu
			for i, v := range row {
				xtwz[i] += float64(v * wz)
			}
		}
		if !chol.factorize(xtwx, np) {
			return nil, nil, nil, errors.New("the information matrix is singular (parameters not identifiable)")
		}
		cand := chol.solve(xtwz)
		var dev float64
		stuck := false
		for half := 0; ; half++ {
			ok := true
			for c := 0; c < nc; c++ {
				e := 0.0
				for i, v := range x.RawRowView(c) {
					e += float64(v * cand[i])
				}
				if e > 700 {
					ok = false
					break
				}
				newMu[c] = detmath.Exp(e)
			}
			if ok {
				dev = deviance(newMu)
			}
			// Accept a step that does not raise the deviance beyond rounding.
			if ok && !math.IsNaN(dev) && (old == nil || dev <= devOld+float64(1e-10*(math.Abs(devOld)+1))) {
				break
			}
			if old == nil {
				return nil, nil, nil, errors.New("the fit diverged")
			}
			if half == 60 {
				// No step improves on the current point: it is the optimum
				// to rounding precision.
				stuck = true
				break
			}
			for i := range cand {
				cand[i] = (cand[i] + old[i]) / 2
			}
		}
		if stuck {
			converged = true
			break
		}
		step := 0.0
		size := 1.0
		for i := range cand {
			if old != nil {
				step = math.Max(step, math.Abs(cand[i]-old[i]))
			}
			size = math.Max(size, math.Abs(cand[i]))
		}
		first := old == nil
		old = append(old[:0], cand...)
		for c := 0; c < nc; c++ {
			mu[c] = newMu[c]
			eta[c] = detmath.Log(mu[c])
		}
		if !first && (math.Abs(dev-devOld) <= float64(irlsTol*(math.Abs(dev)+0.1)) || step <= 1e-11*size) {
			converged = true
			break
		}
		devOld = dev
	}
	if !converged {
		return nil, nil, nil, fmt.Errorf("the fit did not converge in %d iterations (the estimate may not exist)", maxIRLS)
	}
	// Information at the optimum.
	information(x, mu, xtwx)
	if !chol.factorize(xtwx, np) {
		return nil, nil, nil, errors.New("the information matrix is singular at the optimum")
	}
	return old, mu, chol.inverse(), nil
}

// information fills the lower triangle of XᵀWX, W = diag(mu), into xtwx
// (row-major np x np).
func information(x *mat.Dense, mu, xtwx []float64) {
	nc, np := x.Dims()
	clear(xtwx)
	for c := 0; c < nc; c++ {
		row := x.RawRowView(c)
		for i := 0; i < np; i++ {
			if row[i] == 0 {
				continue
			}
			wi := float64(mu[c] * row[i])
			for j := 0; j <= i; j++ {
				xtwx[i*np+j] += float64(wi * row[j])
			}
		}
	}
}

// result turns a fit into an MSEResult, with the profile likelihood interval.
func (f *mseFit) result(t *MSETable, m MSEModel, selection string) (*MSEResult, error) {
	k := len(t.Lists)
	r := &MSEResult{
		Lists: append([]string(nil), t.Lists...), Model: m.Name(t.Lists), Pairs: append([][2]int(nil), m.Pairs...),
		Selection: selection, Observed: t.Observed(), Unobserved: detmath.Exp(f.beta[0]),
		LogLik: f.loglik, Deviance: f.deviance, AIC: f.aic, BIC: f.bic, Interval: mseIntervalMethod,
	}
	r.Estimate = float64(r.Observed) + r.Unobserved
	nc, np := f.x.Dims()
	r.SE = math.Sqrt(r.Unobserved + float64(float64(r.Unobserved*r.Unobserved)*f.cov[0]))
	r.DF = nc - np
	names := []string{"(intercept)"}
	names = append(names, t.Lists...)
	for _, p := range m.Pairs {
		names = append(names, t.Lists[p[0]]+":"+t.Lists[p[1]])
	}
	for i, b := range f.beta {
		r.Coefficients = append(r.Coefficients, MSECoefficient{Name: names[i], Estimate: b, SE: math.Sqrt(f.cov[i*np+i])})
	}
	lo, hi, err := profileInterval(k, m, f.y, r.Unobserved)
	if err != nil {
		return nil, &MSEError{Reason: fmt.Sprintf("model %s: profile likelihood interval: %v", r.Model, err)}
	}
	r.Lower = float64(r.Observed) + lo
	r.Upper = float64(r.Observed) + hi
	return r, nil
}

// profileLogLik is the multinomial log-likelihood of N = n + n0 cases,
// maximised over the model's parameters (Cormack 1992): the model is fitted to
// the complete table whose unobserved cell holds n0, and
//
//	l(n0) = -D(n0)/2 + log(n0^n0 N! / (N^N n0!)) + constant
//
// where D is the Poisson deviance of that fit (Rcapture's profileCI uses the
// same expression with a Stirling approximation).
func profileLogLik(xFull *mat.Dense, y []float64, n0 float64) (float64, error) {
	yf := make([]float64, len(y)+1)
	yf[0] = n0
	copy(yf[1:], y)
	_, mu, _, err := fitPoisson(xFull, yf)
	if err != nil {
		return 0, err
	}
	n := 0.0
	dev := 0.0
	for c := range yf {
		n += yf[c]
		dev += devTerm(yf[c], mu[c])
	}
	ct := detmath.Lgamma(n+1) - detmath.Lgamma(n0+1) - float64(n*detmath.Log(n))
	if n0 > 0 {
		ct += float64(n0 * detmath.Log(n0))
	}
	return ct - float64(dev/2), nil
}

// chi2OneDF95 is the 95% quantile of the chi-squared distribution with one
// degree of freedom, 1.959964...^2 = 3.8414588206941259583613754..., rounded
// to the nearest float64 (computed with mpmath at 40 digits). It is a
// constant because gonum's quantile function is not bit-portable (and lands
// 4 ulps low); TestChi2OneDF95 checks it against gonum.
const chi2OneDF95 = 3.841458820694126

// profileInterval returns the 95% profile likelihood interval for the
// unobserved count n0: {n0 : 2 (l_max - l(n0)) <= chi2_1(0.95)}. The lower end
// is 0 when the likelihood never falls that far below the maximum on the way
// down to n0 = 0; the upper end is +Inf when it does not fall that far by n0 = 1e12.
func profileInterval(k int, m MSEModel, y []float64, n0hat float64) (lo, hi float64, err error) {
	xFull := design(k, m, 0)
	ll := func(n0 float64) (float64, error) { return profileLogLik(xFull, y, n0) }
	// Maximise over u = log(n0) by golden section on a bracket around the
	// Poisson estimate (the multinomial maximum is within a few cases of it).
	const maxN0 = 1e12
	lower, upper := detmath.Log(1e-6), detmath.Log(math.Min(float64(n0hat*4)+10, maxN0))
	g := func(u float64) float64 {
		v, e := ll(detmath.Exp(u))
		if e != nil {
			err = e
			return math.Inf(-1)
		}
		return v
	}
	const phi = 0.6180339887498949
	a, b := lower, upper
	c, d := b-float64(phi*(b-a)), a+float64(phi*(b-a))
	gc, gd := g(c), g(d)
	for i := 0; i < 200 && b-a > 1e-10; i++ {
		if gc > gd {
			b, d, gd = d, c, gc
			c = b - float64(phi*(b-a))
			gc = g(c)
		} else {
			a, c, gc = c, d, gd
			d = a + float64(phi*(b-a))
			gd = g(d)
		}
	}
	if err != nil {
		return 0, 0, err
	}
	uMax := float64((a + b) / 2) // rounded: the compiler would fuse x/2 = x*0.5 with the sums below
	lMax := g(uMax)
	if err != nil {
		return 0, 0, err
	}
	cut := lMax - chi2OneDF95/2
	below := func(u float64) bool { return g(u) < cut }
	// Bisection on u for the crossing between uIn (inside) and uOut (outside).
	cross := func(uIn, uOut float64) float64 {
		for i := 0; i < 100 && math.Abs(uOut-uIn) > 1e-10; i++ {
			mid := (uIn + uOut) / 2
			if below(mid) {
				uOut = mid
			} else {
				uIn = mid
			}
		}
		return (uIn + uOut) / 2
	}
	// Lower end.
	uLow := detmath.Log(1e-6)
	if below(uLow) {
		lo = detmath.Exp(cross(uMax, uLow))
	} else {
		lo = 0
	}
	// Upper end: double n0 until the likelihood falls below the cut.
	hi = math.Inf(1)
	for u := uMax + math.Ln2; u <= detmath.Log(maxN0); u += math.Ln2 {
		if below(u) {
			hi = detmath.Exp(cross(u-math.Ln2, u))
			break
		}
	}
	if err != nil {
		return 0, 0, err
	}
	return lo, hi, nil
}
