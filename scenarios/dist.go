package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"

	"htsim/internal/detmath"
	"htsim/model"
)

// DistKinds lists the distribution names a scenario file may use.
var DistKinds = []string{"point", "uniform", "triangular", "beta"}

// Dist is the distribution of one parameter across replicates.
type Dist struct {
	Kind   string        `json:"dist"` // point, uniform, triangular, beta, bool or series
	Value  float64       `json:"value,omitempty"`
	Min    float64       `json:"min,omitempty"`
	Max    float64       `json:"max,omitempty"`
	Mode   float64       `json:"mode,omitempty"`
	Alpha  float64       `json:"alpha,omitempty"`
	Beta   float64       `json:"beta,omitempty"`
	Bool   bool          `json:"bool,omitempty"`
	Series *model.Series `json:"series,omitempty"`
}

// Support returns the smallest and largest value the distribution can take.
func (d Dist) Support() (lo, hi float64) {
	switch d.Kind {
	case "point":
		return d.Value, d.Value
	case "series":
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range d.Series.Values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		return lo, hi
	case "bool":
		return 0, 1
	default:
		return d.Min, d.Max
	}
}

// Scaled returns the distribution of c times a variable with distribution
// d: every location parameter multiplied by c (> 0), which is exact for
// point, uniform, triangular, scaled-beta and series values. Booleans cannot
// be scaled.
func (d Dist) Scaled(c float64) (Dist, bool) {
	switch d.Kind {
	case "point":
		d.Value *= c
	case "uniform", "triangular", "beta":
		d.Min, d.Max, d.Mode = d.Min*c, d.Max*c, d.Mode*c
	case "series":
		s := *d.Series
		s.Values = make([]float64, len(d.Series.Values))
		for i, v := range d.Series.Values {
			s.Values[i] = v * c
		}
		d.Series = &s
	default:
		return d, false
	}
	return d, true
}

// Uncertain reports whether the distribution has more than one value.
func (d Dist) Uncertain() bool {
	switch d.Kind {
	case "uniform", "triangular", "beta":
		return true
	}
	return false
}

// Sample draws one value from src. Point, bool and series distributions
// consume no random numbers. The result is the same on every machine: each
// product is rounded before it meets a sum (an explicit float64 conversion,
// which no compiler may fuse) and logarithms come from internal/detmath.
// Uniform and triangular draws are inverse CDFs of one uniform, as gonum's
// distuv computes them (so values drawn before this rewrite are unchanged
// where fused multiply-adds did not change them).
func (d Dist) Sample(src rand.Source) float64 {
	switch d.Kind {
	case "uniform":
		return float64(uniform01(src)*(d.Max-d.Min)) + d.Min
	case "triangular":
		return triangleQuantile(d.Min, d.Max, d.Mode, uniform01(src))
	case "beta":
		x := betaRand(d.Alpha, d.Beta, src)
		return d.Min + float64((d.Max-d.Min)*x)
	case "bool":
		if d.Bool {
			return 1
		}
		return 0
	default:
		return d.Value
	}
}

// uniform01 returns a uniform number in [0, 1) from the 53 low bits of one
// word (as math/rand/v2's Float64). The compiler turns the division into an
// exact multiplication by 2^-53; the outer conversion keeps it from being
// fused into a caller's sum, which would be harmless here (the product is
// exact) but which the cross-architecture test cannot tell from a real one.
func uniform01(src rand.Source) float64 {
	return float64(float64(src.Uint64()<<11>>11) / (1 << 53))
}

// triangleQuantile is the inverse CDF of the triangular distribution on
// [a, b] with mode c, at p.
func triangleQuantile(a, b, c, p float64) float64 {
	if p < (c-a)/(b-a) {
		return a + math.Sqrt(p*(b-a)*(c-a))
	}
	return b - math.Sqrt((1-p)*(b-a)*(b-c))
}

// betaRand draws a Beta(alpha, beta) variable as X/(X+Y) with X and Y
// gamma variables of shapes alpha and beta. For shapes far below 1, X or Y
// can underflow to 0 (U^(1/a) with a = 0.001), and X/(X+Y) would be 0/0:
// the ratio is then taken from their logarithms, 1/(1 + exp(log Y - log X)).
func betaRand(alpha, beta float64, src rand.Source) float64 {
	x, lx := gammaRand(alpha, src)
	y, ly := gammaRand(beta, src)
	if x > 0 && y > 0 {
		return x / (x + y)
	}
	return 1 / (1 + detmath.Exp(ly-lx))
}

// gammaRand draws a Gamma(shape, 1) variable by Marsaglia and Tsang's method
// ("A simple method for generating gamma variables", ACM TOMS 26(3), 2000),
// with their boost for shapes below 1: Gamma(a) = Gamma(a+1) * U^(1/a). It
// also returns the variable's logarithm, computed without underflow.
func gammaRand(shape float64, src rand.Source) (g, logG float64) {
	if shape < 1 {
		g, lg := gammaRand(shape+1, src)
		u := uniform01(src)
		for u == 0 {
			u = uniform01(src)
		}
		return g * detmath.Pow(u, 1/shape), lg + detmath.Log(u)/shape
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := normalRand(src)
		v := 1 + float64(c*x)
		if v <= 0 {
			continue
		}
		v = float64(v * v * v) // rounded before 1-v below: never fused
		u := uniform01(src)
		x2 := x * x
		if u < 1-float64(0.0331*float64(x2*x2)) {
			return d * v, detmath.Log(d * v)
		}
		if u > 0 && detmath.Log(u) < float64(0.5*x2)+float64(d*(1-v+detmath.Log(v))) {
			return d * v, detmath.Log(d * v)
		}
	}
}

// normalRand draws a standard normal variable by Marsaglia's polar method
// (a logarithm and a square root, no trigonometry).
func normalRand(src rand.Source) float64 {
	for {
		u := float64(2*uniform01(src)) - 1
		v := float64(2*uniform01(src)) - 1
		s := float64(u*u) + float64(v*v)
		if s >= 1 || s == 0 {
			continue
		}
		return u * math.Sqrt(-2*detmath.Log(s)/s)
	}
}

// Mean returns the distribution's expected value (for summaries and docs).
func (d Dist) Mean() float64 {
	switch d.Kind {
	case "uniform":
		return (d.Min + d.Max) / 2
	case "triangular":
		return (d.Min + d.Max + d.Mode) / 3
	case "beta":
		return d.Min + (d.Max-d.Min)*d.Alpha/(d.Alpha+d.Beta)
	default:
		return d.Value
	}
}

// String formats the distribution compactly, as in tables and the manifest,
// with every digit of its numbers.
func (d Dist) String() string { return d.format("%g") }

// Rounded formats the distribution with six significant digits, for messages
// and notes: 0.9 times 0.5 shows as 0.45, not 0.44999999999999996.
func (d Dist) Rounded() string { return d.format("%.6g") }

func (d Dist) format(num string) string {
	switch d.Kind {
	case "uniform":
		return fmt.Sprintf("uniform("+num+", "+num+")", d.Min, d.Max)
	case "triangular":
		return fmt.Sprintf("triangular("+num+", "+num+", "+num+")", d.Min, d.Mode, d.Max)
	case "beta":
		if d.Min == 0 && d.Max == 1 {
			return fmt.Sprintf("beta("+num+", "+num+")", d.Alpha, d.Beta)
		}
		return fmt.Sprintf("beta("+num+", "+num+") on ["+num+", "+num+"]", d.Alpha, d.Beta, d.Min, d.Max)
	case "bool":
		return fmt.Sprint(d.Bool)
	case "series":
		return fmt.Sprintf("series%v", d.Series.Values)
	default:
		return fmt.Sprintf(num, d.Value)
	}
}
