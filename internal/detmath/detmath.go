// Package detmath gives the elementary functions the simulation needs with
// results that are bit-for-bit the same on every machine and architecture.
//
// The standard library's math.Exp and math.Log are not: on amd64, Exp takes a
// different path when the processor has fused multiply-add (FMA) instructions,
// and Log is written in assembly; on arm64, Exp has its own assembly and Log
// is compiled from Go with fused multiply-adds, which round once where two
// roundings were meant. Results then differ in the last bit from one machine
// to the next, enough to flip a random decision now and then and to change the
// drawn parameters a run writes. The functions here are the standard library's
// portable Go algorithms (FreeBSD's msun, via Go), with every product that
// meets a sum converted explicitly to float64, which the Go specification
// says rounds it, so that no compiler may fuse the two operations.
//
// Accuracy is that of the originals: under one unit in the last place.
// Lgamma, for the multiple systems estimate, is written here (see its doc).
package detmath

// The code below is adapted from Go's math package (exp.go, log.go,
// log1p.go, pow.go), Copyright 2009-2010 The Go Authors, used under the
// BSD-style license of the Go project, which derives from FreeBSD's
// /usr/src/lib/msun/src/e_exp.c, e_log.c and s_log1p.c, Copyright (C) 1993
// by Sun Microsystems, Inc.: "Developed at SunPro, a Sun Microsystems, Inc.
// business. Permission to use, copy, modify, and distribute this software is
// freely granted, provided that this notice is preserved."

import "math"

// Exp returns e**x. Special cases are those of math.Exp.
func Exp(x float64) float64 {
	const (
		Ln2Hi = 6.93147180369123816490e-01
		Ln2Lo = 1.90821492927058770002e-10
		Log2e = 1.44269504088896338700e+00

		Overflow  = 7.09782712893383973096e+02
		Underflow = -7.45133219101941108420e+02
		NearZero  = 1.0 / (1 << 28) // 2**-28
	)
	switch {
	case math.IsNaN(x):
		return x
	case x > Overflow: // +Inf included
		return math.Inf(1)
	case x < Underflow: // -Inf included
		return 0
	case -NearZero < x && x < NearZero:
		return 1 + x
	}
	// Reduce: x = k*ln2 + r, with r = hi - lo for extra precision.
	var k int
	switch {
	case x < 0:
		k = int(float64(Log2e*x) - 0.5)
	case x > 0:
		k = int(float64(Log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*Ln2Hi)
	lo := float64(k) * Ln2Lo
	return expmulti(hi, lo, k)
}

// expmulti returns e**r * 2**k where r = hi - lo and |r| <= ln(2)/2.
func expmulti(hi, lo float64, k int) float64 {
	const (
		P1 = 1.66666666666666657415e-01  /* 0x3FC55555; 0x55555555 */
		P2 = -2.77777777770155933842e-03 /* 0xBF66C16C; 0x16BEBD93 */
		P3 = 6.61375632143793436117e-05  /* 0x3F11566A; 0xAF25DE2C */
		P4 = -1.65339022054652515390e-06 /* 0xBEBBBD41; 0xC5D26BF1 */
		P5 = 4.13813679705723846039e-08  /* 0x3E663769; 0x72BEA4D0 */
	)
	r := hi - lo
	t := r * r
	// c := r - t*(P1+t*(P2+t*(P3+t*(P4+t*P5)))), each product rounded.
	p := P4 + float64(t*P5)
	p = P3 + float64(t*p)
	p = P2 + float64(t*p)
	p = P1 + float64(t*p)
	c := r - float64(t*p)
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}

// Log returns the natural logarithm of x. Special cases are those of math.Log.
func Log(x float64) float64 {
	const (
		Ln2Hi = 6.93147180369123816490e-01 /* 3fe62e42 fee00000 */
		Ln2Lo = 1.90821492927058770002e-10 /* 3dea39ef 35793c76 */
		L1    = 6.666666666666735130e-01   /* 3FE55555 55555593 */
		L2    = 3.999999999940941908e-01   /* 3FD99999 9997FA04 */
		L3    = 2.857142874366239149e-01   /* 3FD24924 94229359 */
		L4    = 2.222219843214978396e-01   /* 3FCC71C5 1D8E78AF */
		L5    = 1.818357216161805012e-01   /* 3FC74664 96CB03DE */
		L6    = 1.531383769920937332e-01   /* 3FC39A09 D078C69F */
		L7    = 1.479819860511658591e-01   /* 3FC2F112 DF3E5244 */
	)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	// Reduce: x = 2**k * f1 with sqrt(2)/2 <= f1 < sqrt(2).
	f1, ki := math.Frexp(x)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := s * s
	s4 := s2 * s2
	// t1 := s2 * (L1 + s4*(L3+s4*(L5+s4*L7)))
	a := L5 + float64(s4*L7)
	a = L3 + float64(s4*a)
	a = L1 + float64(s4*a)
	t1 := float64(s2 * a)
	// t2 := s4 * (L2 + s4*(L4+s4*L6))
	b := L4 + float64(s4*L6)
	b = L2 + float64(s4*b)
	t2 := float64(s4 * b)
	R := t1 + t2
	hfsq := float64(float64(0.5*f) * f)
	// k*Ln2Hi - ((hfsq - (s*(hfsq+R) + k*Ln2Lo)) - f)
	return float64(k*Ln2Hi) - ((hfsq - (float64(s*(hfsq+R)) + float64(k*Ln2Lo))) - f)
}

// Log1p returns the natural logarithm of 1 plus x, accurately for x near
// zero. Special cases are those of math.Log1p.
func Log1p(x float64) float64 {
	const (
		Sqrt2M1     = 4.142135623730950488017e-01  // Sqrt(2)-1 = 0x3fda827999fcef34
		Sqrt2HalfM1 = -2.928932188134524755992e-01 // Sqrt(2)/2-1 = 0xbfd2bec333018866
		Small       = 1.0 / (1 << 29)              // 2**-29 = 0x3e20000000000000
		Tiny        = 1.0 / (1 << 54)              // 2**-54
		Two53       = 1 << 53                      // 2**53
		Ln2Hi       = 6.93147180369123816490e-01   // 3fe62e42fee00000
		Ln2Lo       = 1.90821492927058770002e-10   // 3dea39ef35793c76
		Lp1         = 6.666666666666735130e-01     // 3FE5555555555593
		Lp2         = 3.999999999940941908e-01     // 3FD999999997FA04
		Lp3         = 2.857142874366239149e-01     // 3FD2492494229359
		Lp4         = 2.222219843214978396e-01     // 3FCC71C51D8E78AF
		Lp5         = 1.818357216161805012e-01     // 3FC7466496CB03DE
		Lp6         = 1.531383769920937332e-01     // 3FC39A09D078C69F
		Lp7         = 1.479819860511658591e-01     // 3FC2F112DF3E5244
	)
	switch {
	case x < -1 || math.IsNaN(x): // -Inf included
		return math.NaN()
	case x == -1:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return math.Inf(1)
	}
	absx := math.Abs(x)
	var f float64
	var iu uint64
	k := 1
	if absx < Sqrt2M1 { //  |x| < Sqrt(2)-1
		if absx < Small { // |x| < 2**-29
			if absx < Tiny { // |x| < 2**-54
				return x
			}
			return x - float64(float64(x*x)*0.5)
		}
		if x > Sqrt2HalfM1 { // (Sqrt(2)/2-1) < x < (Sqrt(2)-1)
			k = 0
			f = x
			iu = 1
		}
	}
	var c float64
	if k != 0 {
		var u float64
		if absx < Two53 {
			u = 1.0 + x
			iu = math.Float64bits(u)
			k = int((iu >> 52) - 1023)
			if k > 0 { // correction term
				c = 1.0 - (u - x)
			} else {
				c = x - (u - 1.0)
			}
			c /= u
		} else {
			u = x
			iu = math.Float64bits(u)
			k = int((iu >> 52) - 1023)
			c = 0
		}
		iu &= 0x000fffffffffffff
		if iu < 0x0006a09e667f3bcd { // mantissa of Sqrt(2)
			u = math.Float64frombits(iu | 0x3ff0000000000000) // normalize u
		} else {
			k++
			u = math.Float64frombits(iu | 0x3fe0000000000000) // normalize u/2
			iu = (0x0010000000000000 - iu) >> 2
		}
		f = u - 1.0 // Sqrt(2)/2 < u < Sqrt(2)
	}
	hfsq := float64(float64(0.5*f) * f)
	fk := float64(k)
	if iu == 0 { // |f| < 2**-20
		if f == 0 {
			if k == 0 {
				return 0
			}
			c += float64(fk * Ln2Lo)
			return float64(fk*Ln2Hi) + c
		}
		R := float64(hfsq * (1.0 - float64(0.66666666666666666*f))) // avoid division
		if k == 0 {
			return f - R
		}
		return float64(fk*Ln2Hi) - ((R - (float64(fk*Ln2Lo) + c)) - f)
	}
	s := f / (2.0 + f)
	z := s * s
	// R := z * (Lp1 + z*(Lp2+z*(Lp3+z*(Lp4+z*(Lp5+z*(Lp6+z*Lp7))))))
	p := Lp6 + float64(z*Lp7)
	p = Lp5 + float64(z*p)
	p = Lp4 + float64(z*p)
	p = Lp3 + float64(z*p)
	p = Lp2 + float64(z*p)
	p = Lp1 + float64(z*p)
	R := float64(z * p)
	if k == 0 {
		return f - (hfsq - float64(s*(hfsq+R)))
	}
	return float64(fk*Ln2Hi) - ((hfsq - (float64(s*(hfsq+R)) + (float64(fk*Ln2Lo) + c))) - f)
}

// Pow returns x**y. Special cases are those of math.Pow.
func Pow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case y == 1:
		return x
	case math.IsNaN(x) || math.IsNaN(y):
		return math.NaN()
	case x == 0:
		switch {
		case y < 0:
			if math.Signbit(x) && isOddInt(y) {
				return math.Inf(-1)
			}
			return math.Inf(1)
		case y > 0:
			if math.Signbit(x) && isOddInt(y) {
				return x
			}
			return 0
		}
	case math.IsInf(y, 0):
		switch {
		case x == -1:
			return 1
		case (math.Abs(x) < 1) == math.IsInf(y, 1):
			return 0
		default:
			return math.Inf(1)
		}
	case math.IsInf(x, 0):
		if math.IsInf(x, -1) {
			return Pow(1/x, -y) // Pow(-0, -y)
		}
		switch {
		case y < 0:
			return 0
		case y > 0:
			return math.Inf(1)
		}
	case y == 0.5:
		return math.Sqrt(x)
	case y == -0.5:
		return 1 / math.Sqrt(x)
	}
	yi, yf := math.Modf(math.Abs(y))
	if yf != 0 && x < 0 {
		return math.NaN()
	}
	if yi >= 1<<63 {
		// yi is a large even int that will lead to overflow (or underflow to 0)
		// for all x except -1 (x == 1 was handled earlier)
		switch {
		case x == -1:
			return 1
		case (math.Abs(x) < 1) == (y > 0):
			return 0
		default:
			return math.Inf(1)
		}
	}
	// ans = a1 * 2**ae (= 1 for now).
	a1 := 1.0
	ae := 0
	// ans *= x**yf
	if yf != 0 {
		if yf > 0.5 {
			yf--
			yi++
		}
		a1 = Exp(yf * Log(x))
	}
	// ans *= x**yi, by successive squarings of x according to the bits of
	// yi, accumulating powers of two into ae.
	x1, xe := math.Frexp(x)
	for i := int64(yi); i != 0; i >>= 1 {
		if xe < -1<<12 || 1<<12 < xe {
			// xe would overflow the shift below; ae += xe is already a lower
			// bound beyond a float64's exponent, so Ldexp under/overflows.
			ae += xe
			break
		}
		if i&1 == 1 {
			a1 *= x1
			ae += xe
		}
		x1 = float64(x1 * x1) // rounded before x1 += x1 below: never fused
		xe <<= 1
		if x1 < .5 {
			x1 += x1
			xe--
		}
	}
	// ans = a1*2**ae; if y < 0 { ans = 1 / ans }, in the opposite order.
	if y < 0 {
		a1 = 1 / a1
		ae = -ae
	}
	return math.Ldexp(a1, ae)
}

func isOddInt(x float64) bool {
	if math.Abs(x) >= (1 << 53) {
		// Every float64 this large is an even integer.
		return false
	}
	xi, xf := math.Modf(x)
	return xf == 0 && int64(xi)&1 == 1
}

// Lgamma returns log Γ(x) for x > 0 (NaN for x <= 0 or NaN, +Inf for +Inf).
// It is not the standard library's algorithm: below 16 it shifts the argument
// up, log Γ(x) = log Γ(x+n) - log(x (x+1) ... (x+n-1)), and from 16 on it sums
// Stirling's series to the term in z^-9 (the next is below 1.2e-16). Each of
// the at most 16 products, the logarithms and the series' few operations
// rounds once, so the error is a few units in the last place of the largest
// term, (z-1/2) log z: about 1e-14 absolute below 16, where the result can be
// near 0, and a few ulps of the result above.
func Lgamma(x float64) float64 {
	switch {
	case math.IsNaN(x) || x <= 0:
		return math.NaN()
	case math.IsInf(x, 1):
		return x
	}
	const halfLog2Pi = 0.91893853320467274178 // log(2 pi)/2
	z, shift := x, 0.0
	if z < 16 {
		p := 1.0
		for z < 16 {
			p *= z
			z++
		}
		shift = Log(p)
	}
	r := 1 / z
	r2 := r * r
	// 1/(12z) - 1/(360z^3) + 1/(1260z^5) - 1/(1680z^7) + 1/(1188z^9), Horner in 1/z^2.
	s := 1.0/1680 - float64(r2/1188)
	s = 1.0/1260 - float64(r2*s)
	s = 1.0/360 - float64(r2*s)
	s = 1.0/12 - float64(r2*s)
	return float64((z-0.5)*Log(z)) - z + halfLog2Pi + float64(r*s) - shift
}
