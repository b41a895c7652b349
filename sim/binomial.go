package sim

import (
	"math"

	"htsim/internal/detmath"
)

// binomial draws exact Binomial(n, p) variates for one (n, p), with the
// set-up computed once: the engine draws every stratum's arrivals each month
// from the same n and p for a whole year, and the general-purpose sampler
// (gonum's distuv.Binomial, which computes log-gamma functions on every call)
// cost a tenth of a replicate.
//
// Two exact methods, as in TensorFlow's and JAX's samplers:
//   - mean below 10: waiting times. The gaps between successes of Bernoulli
//     trials are geometric, so the number of gaps that fit in n trials is
//     Binomial(n, p). It costs about mean+1 exponential variates.
//   - otherwise: BTRS, the transformed rejection with squeeze of W. Hörmann,
//     "The generation of binomial random variates", J. Statist. Comput.
//     Simul. 46 (1993) 101-110, with the exact log-factorial acceptance test.
//
// p above one half is drawn as n minus a Binomial(n, 1-p).
type binomial struct {
	n    int64
	p    float64 // at most 1/2 after the flip
	flip bool    // the variate is n minus the draw
	// waiting-time method
	small bool
	gap   hazard
	// BTRS constants (Hörmann 1993, algorithm BTRS)
	a, b, c, vr, alpha, lpq, m, h float64
}

// binomialSmallMean is the mean below which waiting times beat BTRS (whose
// bound is valid for a mean of at least 10).
const binomialSmallMean = 10

func newBinomial(n float64, p float64) binomial {
	d := binomial{n: int64(n), p: p}
	switch {
	case d.n <= 0 || !(p > 0):
		d.n, d.p = 0, 0
		return d
	case p >= 1:
		d.p, d.flip = 0, true // n minus zero successes of probability 0
		return d
	case p > 0.5:
		d.p, d.flip = 1-p, true
	}
	nf, p := float64(d.n), d.p
	if nf*p < binomialSmallMean {
		d.small = true
		d.gap = mkHazard(p)
		return d
	}
	q := 1 - p
	// Products are rounded before sums by explicit conversions, so that no
	// compiler fuses them (internal/detmath): the same set-up on every machine.
	spq := math.Sqrt(nf * p * q)
	d.b = 1.15 + float64(2.53*spq)
	d.a = -0.0873 + float64(0.0248*d.b) + float64(0.01*p)
	d.c = float64(nf*p) + 0.5
	d.vr = 0.92 - 4.2/d.b
	d.alpha = (2.83 + 5.1/d.b) * spq
	d.lpq = detmath.Log(p / q)
	d.m = math.Floor((nf + 1) * p)
	d.h = lfact(d.m) + lfact(nf-d.m)
	return d
}

// lfact returns log(k!) for a whole number k >= 0: from a table below
// lfactTable, else from Stirling's series, with every operation rounded as
// written (see internal/detmath), so that it is the same on every machine
// (math.Lgamma is compiled with fused multiply-adds on some). The series'
// first omitted term, 1/(1188 x^9) at x = k+1 >= 257, is below 1e-24; the
// rounding of the result's own size dominates, as it does for math.Lgamma.
func lfact(k float64) float64 {
	if k < lfactTable {
		return lfactSmall[int(k)]
	}
	const halfLog2Pi = 0.91893853320467274178 // log(2*pi)/2
	x := k + 1
	r := 1 / x
	r2 := r * r
	// 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7), in Horner form
	s := 1.0/1260 - float64(r2/1680)
	s = 1.0/360 - float64(r2*s)
	s = 1.0/12 - float64(r2*s)
	return float64((x-0.5)*detmath.Log(x)) - x + halfLog2Pi + float64(r*s)
}

// lfactTable bounds the exact table of log(k!).
const lfactTable = 256

// lfactSmall holds log(k!) for k < lfactTable as sums of logarithms.
var lfactSmall = func() (t [lfactTable]float64) {
	for k := 2; k < lfactTable; k++ {
		t[k] = t[k-1] + detmath.Log(float64(k))
	}
	return t
}()

// draw returns one variate, using g for the uniforms.
func (d *binomial) draw(g *rng) int64 {
	k := d.drawLow(g)
	if d.flip {
		return d.n - k
	}
	return k
}

func (d *binomial) drawLow(g *rng) int64 {
	if d.p <= 0 {
		return 0
	}
	if d.small {
		// Gaps are summed in float64, not with wait, whose cap (about 1e9
		// months) would bias the count for n beyond it.
		nf := float64(d.n)
		var k int64
		pos := 0.0
		for {
			pos += 1 + math.Floor(g.exp()*d.gap.scale) // a product inside Floor: nothing to fuse
			if pos > nf {
				return k
			}
			k++
		}
	}
	nf := float64(d.n)
	for {
		u := g.float64() - 0.5
		v := g.float64()
		us := 0.5 - math.Abs(u)
		if us <= 0 {
			continue // u = -1/2 exactly: outside the transformation's domain
		}
		kf := math.Floor(float64((2*d.a/us+d.b)*u) + d.c)
		if kf < 0 || kf > nf {
			continue
		}
		if us >= 0.07 && v <= d.vr {
			return int64(kf) // inside the squeeze: accepted without the density
		}
		lv := detmath.Log(v * d.alpha / (d.a/(us*us) + d.b))
		if lv <= d.h-lfact(kf)-lfact(nf-kf)+float64((kf-d.m)*d.lpq) {
			return int64(kf)
		}
	}
}
