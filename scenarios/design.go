package scenarios

import "math/rand/v2"

// DesignMatrix returns the sweep's design points: one row per point, one
// column per swept parameter (in file order), in the parameters' units.
// It is a pure function of the sweep file (its seed included).
//
//   - grid: the Cartesian product of each parameter's levels (explicit values,
//     or levels evenly spaced from min to max inclusive), the last parameter
//     varying fastest;
//   - montecarlo: independent uniform points in the ranges;
//   - lhs: a Latin hypercube: each parameter's range cut into Points equal
//     strata, each stratum used exactly once, with a uniform position inside it;
//   - saltelli: Saltelli's scheme for Sobol indices. Two independent uniform
//     matrices A and B (N x D); for each base row j the block A_j,
//     AB^1_j..AB^D_j (A_j with column i from B_j), BA^1_j..BA^D_j (B_j with
//     column i from A_j), B_j: N(2D+2) rows, the layout SALib uses with
//     second-order terms. A and B are pseudo-random here, not a Sobol sequence.
func (s *Sweep) DesignMatrix() [][]float64 {
	d := len(s.Params)
	rng := rand.New(rand.NewPCG(s.Seed, 0x64657369676e)) // "design"
	scale := func(u []float64) []float64 {
		out := make([]float64, d)
		for i, p := range s.Params {
			out[i] = p.Min + float64(u[i]*(p.Max-p.Min)) // rounded, never fused: see internal/detmath
		}
		return out
	}
	var rows [][]float64
	switch s.Design {
	case "grid":
		levels := make([][]float64, d)
		for i, p := range s.Params {
			if p.Values != nil {
				levels[i] = p.Values
				continue
			}
			for k := 0; k < s.Levels; k++ {
				levels[i] = append(levels[i], p.Min+(p.Max-p.Min)*float64(k)/float64(s.Levels-1))
			}
		}
		idx := make([]int, d)
		for {
			row := make([]float64, d)
			for i := range idx {
				row[i] = levels[i][idx[i]]
			}
			rows = append(rows, row)
			i := d - 1
			for i >= 0 {
				idx[i]++
				if idx[i] < len(levels[i]) {
					break
				}
				idx[i] = 0
				i--
			}
			if i < 0 {
				return rows
			}
		}
	case "montecarlo":
		for j := 0; j < s.Points; j++ {
			u := make([]float64, d)
			for i := range u {
				u[i] = rng.Float64()
			}
			rows = append(rows, scale(u))
		}
	case "lhs":
		n := s.Points
		perms := make([][]int, d)
		for i := range perms {
			perms[i] = rng.Perm(n)
		}
		for j := 0; j < n; j++ {
			u := make([]float64, d)
			for i := range u {
				u[i] = (float64(perms[i][j]) + float64(rng.Float64())) / float64(n)
			}
			rows = append(rows, scale(u))
		}
	case "saltelli":
		n := s.Points
		a, b := make([][]float64, n), make([][]float64, n)
		for j := 0; j < n; j++ {
			a[j], b[j] = make([]float64, d), make([]float64, d)
			for i := 0; i < d; i++ {
				a[j][i] = rng.Float64()
			}
			for i := 0; i < d; i++ {
				b[j][i] = rng.Float64()
			}
		}
		for j := 0; j < n; j++ {
			rows = append(rows, scale(a[j]))
			for i := 0; i < d; i++ {
				ab := append([]float64(nil), a[j]...)
				ab[i] = b[j][i]
				rows = append(rows, scale(ab))
			}
			for i := 0; i < d; i++ {
				ba := append([]float64(nil), b[j]...)
				ba[i] = a[j][i]
				rows = append(rows, scale(ba))
			}
			rows = append(rows, scale(b[j]))
		}
	}
	return rows
}
