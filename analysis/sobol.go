package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// SobolOptions sets the bootstrap of Sobol.
type SobolOptions struct {
	Resamples int     // bootstrap resamples; 0 means DefaultSobolResamples
	Level     float64 // interval level; 0 means 0.95
	Seed      uint64  // bootstrap seed; the same seed gives the same intervals
}

// DefaultSobolResamples is the number of bootstrap resamples when SobolOptions.Resamples is 0.
const DefaultSobolResamples = 1000

// SobolEstimate is one index: its estimate on the whole sample and a
// bootstrap interval.
type SobolEstimate struct {
	Value  float64 // estimate on the whole sample
	Lo, Hi float64 // percentile bootstrap interval at SobolResult.Level
	SE     float64 // standard deviation of the bootstrap estimates
}

// SobolIndex holds the first-order and total indices of one input.
type SobolIndex struct {
	Parameter string
	S1, ST    SobolEstimate
}

// SobolResult is the outcome of Sobol.
type SobolResult struct {
	N, D      int     // base rows and inputs
	Mean      float64 // mean of f(A) and f(B)
	Variance  float64 // V: variance of f(A) and f(B) (divided by 2N)
	Level     float64 // interval level
	Resamples int     // bootstrap resamples used (resamples with V = 0 are left out)
	Indices   []SobolIndex
}

// SaltelliPoints returns the number of points of a Saltelli sample of n base
// rows over d inputs: n(2d+2).
func SaltelliPoints(n, d int) int { return n * (2*d + 2) }

// saltelliSample holds the outputs of a Saltelli sample by role.
type saltelliSample struct {
	a, b []float64   // f(A_j), f(B_j)
	ab   [][]float64 // ab[i][j] = f(AB^i_j)
}

// sobolAt computes the indices on the base rows idx (nil: every row), into s1
// and st. It returns the mean and variance of f(A) and f(B); the indices are
// NaN when the variance is 0.
func (s *saltelliSample) sobolAt(idx []int, s1, st []float64) (mean, v float64) {
	n := len(s.a)
	if idx != nil {
		n = len(idx)
	}
	row := func(k int) int {
		if idx == nil {
			return k
		}
		return idx[k]
	}
	for k := 0; k < n; k++ {
		j := row(k)
		mean += s.a[j] + s.b[j]
	}
	mean /= float64(2 * n)
	for k := 0; k < n; k++ {
		j := row(k)
		da, db := s.a[j]-mean, s.b[j]-mean
		v += float64(da*da) + float64(db*db) // products rounded, never fused: see internal/detmath
	}
	v /= float64(2 * n)
	for i := range s.ab {
		var first, total float64
		abi := s.ab[i]
		for k := 0; k < n; k++ {
			j := row(k)
			d := abi[j] - s.a[j]
			first += float64(s.b[j] * d)
			total += float64(d * d)
		}
		if v > 0 {
			s1[i] = first / float64(n) / v
			st[i] = total / float64(n) / (2 * v)
		} else {
			s1[i], st[i] = math.NaN(), math.NaN()
		}
	}
	return mean, v
}

// Sobol estimates first-order and total Sobol indices of the inputs params
// from the outputs y of a Saltelli sample, with bootstrap intervals. It fails
// if len(y) is not SaltelliPoints(N, len(params)) for some N >= 2, if y holds
// a value that is not finite, or if the output does not vary over A and B.
//
// The sample has the layout of scenarios.Sweep.DesignMatrix for the saltelli
// design (and of SALib with second-order terms): for each of the N base rows
// j a block of 2D+2 consecutive points
//
//	A_j, AB^1_j .. AB^D_j, BA^1_j .. BA^D_j, B_j
//
// where A and B are independent samples and AB^i_j is A_j with its column i
// taken from B_j. With f the model output at those points, centred on its
// mean over the whole sample (as SALib, which standardises it), and V the
// variance of the 2N values f(A_j) and f(B_j) (divided by 2N, as numpy.var):
//
//	first order  S_i  = mean_j f(B_j) (f(AB^i_j) - f(A_j)) / V        (Saltelli et al. 2010, table 2 (b))
//	total        ST_i = mean_j (f(A_j) - f(AB^i_j))^2 / (2V)           (Jansen 1999; table 2 (f))
//
// the estimators of SALib's sobol.analyze. The BA^i blocks are not used
// (they serve second-order indices). Intervals are percentile bootstrap
// intervals: the N base rows (whole blocks) are resampled with replacement,
// with a fixed seed, and the indices recomputed on each resample. SALib
// reports a normal interval 1.96 SE instead; SE is given too.
func Sobol(y []float64, params []string, o SobolOptions) (*SobolResult, error) {
	d := len(params)
	if d == 0 {
		return nil, fmt.Errorf("sobol: no inputs")
	}
	stride := 2*d + 2
	if len(y) == 0 || len(y)%stride != 0 {
		return nil, fmt.Errorf("sobol: %d outputs is not a Saltelli sample over %d inputs (a multiple of 2D+2 = %d)", len(y), d, stride)
	}
	n := len(y) / stride
	if n < 2 {
		return nil, fmt.Errorf("sobol: %d base row; at least 2 are needed", n)
	}
	for p, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("sobol: the output at design point %d is %v", p, v)
		}
	}
	if o.Resamples == 0 {
		o.Resamples = DefaultSobolResamples
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if o.Resamples < 0 || !(o.Level > 0 && o.Level < 1) {
		return nil, fmt.Errorf("sobol: bad bootstrap options %+v", o)
	}
	s := &saltelliSample{a: make([]float64, n), b: make([]float64, n), ab: make([][]float64, d)}
	for i := range s.ab {
		s.ab[i] = make([]float64, n)
	}
	// Centre the output on the mean of the whole sample, as SALib does: the
	// first-order estimator is not shift invariant, and its variance grows
	// with the output's mean (the total estimator and V are shift invariant).
	centre := stat.Mean(y, nil)
	for j := 0; j < n; j++ {
		block := y[j*stride : (j+1)*stride]
		s.a[j], s.b[j] = block[0]-centre, block[stride-1]-centre
		for i := 0; i < d; i++ {
			s.ab[i][j] = block[1+i] - centre
		}
	}
	res := &SobolResult{N: n, D: d, Level: o.Level, Indices: make([]SobolIndex, d)}
	s1, st := make([]float64, d), make([]float64, d)
	res.Mean, res.Variance = s.sobolAt(nil, s1, st)
	res.Mean += centre
	if !(res.Variance > 0) {
		return nil, fmt.Errorf("sobol: the output does not vary over the design (all %d values of f(A) and f(B) equal %v): the indices are undefined", 2*n, res.Mean)
	}
	for i, p := range params {
		res.Indices[i] = SobolIndex{Parameter: p, S1: SobolEstimate{Value: s1[i]}, ST: SobolEstimate{Value: st[i]}}
	}

	rng := rand.New(rand.NewPCG(o.Seed, 0x736f626f6c)) // "sobol"
	idx := make([]int, n)
	boot1, bootT := make([][]float64, d), make([][]float64, d)
	for r := 0; r < o.Resamples; r++ {
		for k := range idx {
			idx[k] = rng.IntN(n)
		}
		if _, v := s.sobolAt(idx, s1, st); !(v > 0) {
			continue
		}
		for i := range params {
			boot1[i] = append(boot1[i], s1[i])
			bootT[i] = append(bootT[i], st[i])
		}
	}
	res.Resamples = len(boot1[0])
	tail := (1 - o.Level) / 2
	interval := func(e *SobolEstimate, xs []float64) {
		if len(xs) < 2 {
			e.Lo, e.Hi, e.SE = math.NaN(), math.NaN(), math.NaN()
			return
		}
		sort.Float64s(xs)
		e.Lo, e.Hi = orderQuantile(xs, tail), orderQuantile(xs, 1-tail)
		e.SE = stdDev(xs)
	}
	for i := range params {
		interval(&res.Indices[i].S1, boot1[i])
		interval(&res.Indices[i].ST, bootT[i])
	}
	return res, nil
}

// orderQuantile returns the quantile p of sorted values: the k-th smallest,
// k = ceil(p n), as gonum's stat.Empirical defines it. The 1e-9 keeps the
// rounding of a computed p, such as (1 - 0.95)/2 = 0.025000000000000022,
// from taking the next value (the 26th of 1,000 instead of the 25th).
func orderQuantile(sorted []float64, p float64) float64 {
	k := int(math.Ceil(float64(p*float64(len(sorted))) - 1e-9)) // rounded, never fused
	return sorted[min(max(k, 1), len(sorted))-1]
}

// stdDev is the sample standard deviation by the corrected two-pass
// algorithm, as gonum's stat.StdDev, with the squares rounded explicitly: in
// gonum's loop the compiler may fuse d*d into the sum on arm64, and the
// result then differs from amd64's in the last bits.
func stdDev(x []float64) float64 {
	mean := stat.Mean(x, nil)
	var ss, comp float64
	for _, v := range x {
		d := v - mean
		ss += float64(d * d)
		comp += d
	}
	n := float64(len(x))
	return math.Sqrt((ss - float64(comp*comp)/n) / (n - 1))
}
