package sim

import (
	"math"
	"math/rand/v2"

	"htsim/internal/detmath"
)

// splitmix64 is the SplitMix64 finaliser: a bijective mix of 64 bits, used to
// derive independent stream seeds from structured keys.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Key folds values into one 64-bit stream key.
func Key(parts ...uint64) uint64 {
	h := uint64(0x6a09e667f3bcc908)
	for _, p := range parts {
		h = splitmix64(h ^ p)
	}
	return h
}

// Purpose hashes a purpose name (FNV-1a) for use in Key.
func Purpose(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return h
}

// Stream returns the PCG stream for (seed, replicate, purpose, keys).
func Stream(seed uint64, replicate int, purpose string, keys ...uint64) *rand.PCG {
	hi := Key(seed, uint64(replicate), Purpose(purpose))
	return rand.NewPCG(hi, Key(append([]uint64{hi}, keys...)...))
}

// rng is a PCG stream stored by value inside agents (16 bytes, no allocation),
// with the few draws the engine needs.
type rng struct{ pcg rand.PCG }

func (r *rng) seed(hi, lo uint64) { r.pcg.Seed(hi, lo) }

// float64 returns a uniform number in [0, 1). The outer conversion keeps the
// (exact) product from being fused into a caller's sum, which would change
// nothing but which the cross-architecture test cannot tell from a real one.
func (r *rng) float64() float64 { return float64(float64(r.pcg.Uint64()>>11) * 0x1p-53) }

// bern returns true with probability p.
func (r *rng) bern(p float64) bool { return r.float64() < p }

// bits returns 64 random bits. The creation of a victim spell, the engine's
// innermost step, splits them into two 32-bit halves, each an independent
// Bernoulli decision against a threshold from prob32: half the generator
// calls of a float64 per decision.
func (r *rng) bits() uint64 { return r.pcg.Uint64() }

// lo32 and hi32 are the two independent halves of 64 random bits.
func lo32(x uint64) uint64 { return x & 0xffffffff }
func hi32(x uint64) uint64 { return x >> 32 }

// prob32 turns probability p into a threshold on 32 random bits: a uniform
// 32-bit value is below it with probability p rounded to the nearest multiple
// of 2^-32 (an error below 1.2e-10, far below any parameter's precision).
func prob32(p float64) uint64 {
	switch {
	case !(p > 0):
		return 0
	case p >= 1:
		return 1 << 32
	}
	return uint64(math.Round(p * (1 << 32)))
}

// never is the waiting time of an event whose hazard is zero.
const never = math.MaxInt32 / 2

// hazard is a monthly hazard with the scale of its waiting time, 1/-log(1-p),
// precomputed, so that drawing a waiting time costs one exponential variate
// and a multiplication.
type hazard struct{ p, scale float64 }

func mkHazard(p float64) hazard {
	if p <= 0 {
		return hazard{p: 0}
	}
	if p >= 1 {
		return hazard{p: 1}
	}
	return hazard{p: p, scale: -1 / detmath.Log1p(-p)}
}

// wait returns a waiting time in months (at least 1) for an event with
// monthly hazard h: a geometric variable with mean 1/h.
func (r *rng) wait(h hazard) int32 {
	if h.p <= 0 {
		return never
	}
	if h.p >= 1 {
		return 1
	}
	// Geometric on 1, 2, ... with mean 1/p: 1 + floor(E/lambda), E exponential,
	// lambda = -log(1-p). The ziggurat spares a logarithm per draw; x is not
	// negative, so truncation is the floor.
	x := r.exp() * h.scale
	if x >= never-1 {
		return never
	}
	return 1 + int32(x)
}

// poisson returns a Poisson variable with a small mean (Knuth's method).
func (r *rng) poisson(mean float64) int {
	l := detmath.Exp(-mean)
	k, p := 0, 1.0
	for {
		p *= r.float64()
		if p <= l || k > 1000 {
			return k
		}
		k++
	}
}
