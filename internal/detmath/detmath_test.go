package detmath

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// prec is the working precision of the reference functions, in bits.
const prec = 256

// bigExp returns e**x to prec bits: the Taylor series of e**(x/2^m), with
// |x/2^m| < 2^-8, squared m times (each squaring doubles a relative error
// of about 2^-250, far below float64's 2^-53 even after 20 squarings).
func bigExp(x float64) *big.Float {
	m := 0
	for math.Abs(x)/math.Ldexp(1, m) >= 1.0/256 {
		m++
	}
	r := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(x).SetPrec(prec), -m)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := int64(1); n < 60; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
	}
	for range m {
		sum.Mul(sum, sum)
	}
	return sum
}

// bigLog returns log(x) to about prec bits for x > 0.
func bigLog(x float64) *big.Float {
	return newtonLog(new(big.Float).SetPrec(prec).SetFloat64(x), math.Log(x))
}

// newtonLog solves e**y = x for y by Newton's method from start (each step
// doubles the correct bits: four steps from float64's 53 exceed prec).
func newtonLog(x *big.Float, start float64) *big.Float {
	y := new(big.Float).SetPrec(prec).SetFloat64(start)
	for range 4 {
		ey := bigExp64(y)
		d := new(big.Float).SetPrec(prec).Sub(x, ey) // y += (x - e^y) / e^y
		d.Quo(d, ey)
		y.Add(y, d)
	}
	return y
}

// bigExp64 is bigExp at a prec-bit argument: e**y = e**hi * e**lo with hi
// the nearest float64 and lo the remainder (|lo| < 2^-50 |y|, two Taylor
// terms suffice).
func bigExp64(y *big.Float) *big.Float {
	hi, _ := y.Float64()
	lo := new(big.Float).SetPrec(prec).Sub(y, big.NewFloat(hi))
	elo := new(big.Float).SetPrec(prec).SetInt64(1)
	elo.Add(elo, lo)
	sq := new(big.Float).SetPrec(prec).Mul(lo, lo)
	elo.Add(elo, sq.Quo(sq, big.NewFloat(2)))
	return new(big.Float).SetPrec(prec).Mul(bigExp(hi), elo)
}

// errUlps is |got - exact| in units of the last place of the float64 nearest
// to exact.
func errUlps(got float64, exact *big.Float) float64 {
	near, _ := exact.Float64()
	ulp := math.Nextafter(math.Abs(near), math.Inf(1)) - math.Abs(near)
	d := new(big.Float).SetPrec(prec).Sub(big.NewFloat(got), exact)
	df, _ := d.Float64()
	return math.Abs(df) / ulp
}

// TestAccuracy: Exp, Log and Log1p are faithfully rounded (less than one
// unit in the last place from the exact value, as the algorithms' error
// analyses state), checked against 256-bit references on random arguments
// over the ranges the engine uses. Pow(x, y) is Exp(yf*Log(x)) times x^yi
// by repeated squaring, |yf| <= 1/2: binary powering leaves a relative error
// of about (yi-1)/2 ulps (each squaring doubles the error so far), Exp adds
// one, and the absolute error of z = yf*Log(x), about |z| ulps of z's size,
// becomes a relative error of the result: at most 2 + |y|/2 + |Log(x)|/2
// ulps, the limit used for each Pow argument.
func TestAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	uniform := func(lo, hi float64) float64 { return lo + rng.Float64()*(hi-lo) }
	logUniform := func(lo, hi float64) float64 {
		return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
	}

	cases := []struct {
		name  string
		arg   func() float64
		got   func(float64) float64
		exact func(float64) *big.Float
		limit func(float64) float64 // in ulps, at the argument
	}{
		{"Exp", func() float64 { return uniform(-700, 700) }, Exp, bigExp, faithful},
		{"Exp near 0", func() float64 { return uniform(-1, 1) }, Exp, bigExp, faithful},
		{"Log", func() float64 { return logUniform(1e-300, 1e300) }, Log, bigLog, faithful},
		{"Log near 1", func() float64 { return uniform(0.5, 2) }, Log, bigLog, faithful},
		{"Log1p", func() float64 { return logUniform(1e-12, 1e10) }, Log1p, func(x float64) *big.Float {
			// log(1+x) with 1+x exact in big precision: log(1+x) = log(x) + log(1+1/x) is
			// not needed; Newton on e^y = 1+x directly.
			return bigLog1p(x)
		}, faithful},
		{"Log1p negative", func() float64 { return uniform(-0.999, 0) }, Log1p, bigLog1p, faithful},
		{"Pow(0.8, y)", func() float64 { return uniform(-20, 20) }, func(y float64) float64 { return Pow(0.8, y) }, func(y float64) *big.Float {
			return bigPow(0.8, y)
		}, func(y float64) float64 { return powLimit(0.8, y) }},
		{"Pow(x, -0.7)", func() float64 { return logUniform(1e-6, 1e6) }, func(x float64) float64 { return Pow(x, -0.7) }, func(x float64) *big.Float {
			return bigPow(x, -0.7)
		}, func(x float64) float64 { return powLimit(x, -0.7) }},
		{"Pow(x, 3.25)", func() float64 { return logUniform(1e-3, 1e3) }, func(x float64) float64 { return Pow(x, 3.25) }, func(x float64) *big.Float {
			return bigPow(x, 3.25)
		}, func(x float64) float64 { return powLimit(x, 3.25) }},
	}

	for _, c := range cases {
		worst := 0.0
		for range 300 {
			x := c.arg()
			e := errUlps(c.got(x), c.exact(x))
			if limit := c.limit(x); e >= limit {
				t.Errorf("%s(%v) = %v: %.2f ulps from the exact value (limit %g)", c.name, x, c.got(x), e, limit)
				break
			}
			worst = math.Max(worst, e)
		}
		t.Logf("%s: worst error %.3f ulp", c.name, worst)
	}
}

// faithful is the error limit of a faithfully rounded function: under one ulp.
func faithful(float64) float64 { return 1 }

// powLimit is the error bound of Pow(x, y) derived above, in ulps.
func powLimit(x, y float64) float64 { return 2 + math.Abs(y)/2 + math.Abs(math.Log(x))/2 }

// bigLog1p is log(1+x) to about prec bits (1+x is exact at prec bits).
func bigLog1p(x float64) *big.Float {
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	return newtonLog(bx.Add(bx, new(big.Float).SetPrec(prec).SetInt64(1)), math.Log1p(x))
}

// bigPow is x**y = e**(y log x) to about prec bits.
func bigPow(x, y float64) *big.Float {
	z := new(big.Float).SetPrec(prec).Mul(bigLog(x), big.NewFloat(y))
	return bigExp64(z)
}

// TestSpecialCases: the special cases agree exactly with the standard library's.
func TestSpecialCases(t *testing.T) {
	special := []struct {
		name      string
		got, want func(float64) float64
		xs        []float64
	}{
		{"Exp", Exp, math.Exp, []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 710, -746, 1e-300}},
		{"Log", Log, math.Log, []float64{math.NaN(), math.Inf(1), -1, 0, 1, 0x1p-1022, math.MaxFloat64}},
		{"Log1p", Log1p, math.Log1p, []float64{math.NaN(), math.Inf(1), -1, -2, 0, 1e-20, 1e300}},
	}
	for _, s := range special {
		for _, x := range s.xs {
			if g, w := s.got(x), s.want(x); g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("%s(%v) = %v, want %v", s.name, x, g, w)
			}
		}
	}
	// Subnormal arguments: log(2^-1074) = -1074 ln 2. (The standard
	// library's amd64 assembly gives -709.09 here, the logarithm of the
	// smallest normal number: one more reason not to depend on it.)
	if got, want := Log(0x1p-1074), -1074*math.Ln2; math.Abs(got-want) > 1e-12 {
		t.Errorf("Log(2^-1074) = %v, want %v", got, want)
	}
	pows := [][2]float64{{0, -1}, {0, 2}, {math.Copysign(0, -1), -3}, {2, math.Inf(1)}, {0.5, math.Inf(1)}, {-1, math.Inf(1)}, {math.Inf(1), -2}, {math.Inf(-1), 3}, {-8, 1.0 / 3}, {4, 0.5}, {4, -0.5}, {2, 1024}, {2, -1075}, {math.NaN(), 0}, {1, math.NaN()}, {-2, 3}}
	for _, p := range pows {
		if g, w := Pow(p[0], p[1]), math.Pow(p[0], p[1]); g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Errorf("Pow(%v, %v) = %v, want %v", p[0], p[1], g, w)
		}
	}
}

// ExampleLog shows that the functions are drop-in replacements for math's.
func ExampleLog() {
	fmt.Println(Log(1), Exp(0), Log1p(0), Pow(2, 10))
	// Output: 0 1 0 1024
}

// TestLgamma checks Lgamma against exact values and the standard library.
//   - At integers n, log Γ(n) = log((n-1)!) summed from 256-bit logarithms.
//   - Elsewhere against math.Lgamma (itself within about an ulp).
//
// The limit follows Lgamma's error analysis: at most about 24 roundings (16
// products, 2 logarithms, the series), each half an ulp of the largest term
// (z-1/2) log z with z = max(x, 16), so 12 ulps of that term, plus an ulp of
// the result for math.Lgamma's own error.
func TestLgamma(t *testing.T) {
	limit := func(x, want float64) float64 {
		z := math.Max(x, 16)
		big := (z - 0.5) * math.Log(z)
		ulp := func(v float64) float64 { v = math.Abs(v); return math.Nextafter(v, math.Inf(1)) - v }
		return 12*ulp(big) + ulp(want)
	}
	fact := new(big.Float).SetPrec(prec) // log((n-1)!)
	for n := 1; n <= 300; n++ {
		if n > 1 {
			fact.Add(fact, bigLog(float64(n-1)))
		}
		want, _ := fact.Float64()
		if got := Lgamma(float64(n)); math.Abs(got-want) > limit(float64(n), want) {
			t.Errorf("Lgamma(%d) = %v, want %v (log of %d!)", n, got, want, n-1)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		x := math.Exp(math.Log(1e-6) + rng.Float64()*(math.Log(1e12)-math.Log(1e-6)))
		want, _ := math.Lgamma(x)
		if got := Lgamma(x); math.Abs(got-want) > limit(x, want) {
			t.Errorf("Lgamma(%v) = %v, math.Lgamma %v: %.3g apart, limit %.3g", x, got, want, got-want, limit(x, want))
		}
	}
	for _, x := range []float64{0, -1, math.NaN()} {
		if got := Lgamma(x); !math.IsNaN(got) {
			t.Errorf("Lgamma(%v) = %v, want NaN", x, got)
		}
	}
	if got := Lgamma(math.Inf(1)); !math.IsInf(got, 1) {
		t.Errorf("Lgamma(+Inf) = %v", got)
	}
}

// ExampleLgamma: log Γ(n+1) is log(n!); the multiple systems estimate uses it
// for the Poisson and multinomial likelihoods.
func ExampleLgamma() {
	fmt.Printf("%.6f %.6f %.6f\n", Lgamma(1), Lgamma(6), Lgamma(0.5))
	// Output: 0.000000 4.787492 0.572365
}
