package analysis

import "testing"

// TestAcceptCount: Accept keeps ceil(q n) draws, the closest ones. The
// product q n is rounded in floating point (0.07 * 100 = 7.000000000000001),
// which must not take one draw more.
func TestAcceptCount(t *testing.T) {
	for _, c := range []struct {
		q    float64
		n    int
		want int
	}{{0.07, 100, 7}, {0.07, 200, 14}, {0.07, 5000, 350}, {0.05, 2000, 100}, {0.1, 30, 3}, {0.015, 100, 2}, {0.001, 10, 1}, {1, 10, 10}} {
		draws := make([]Draw, c.n)
		for i := range draws {
			draws[i].Distance = float64(c.n - i) // reversed: Accept must sort
		}
		got := Accept(draws, c.q)
		if len(got) != c.want {
			t.Errorf("Accept(q = %v) of %d draws kept %d, want %d", c.q, c.n, len(got), c.want)
			continue
		}
		if got[0].Distance != 1 || got[len(got)-1].Distance != float64(c.want) {
			t.Errorf("Accept(q = %v) of %d draws kept distances %v to %v, want 1 to %d", c.q, c.n, got[0].Distance, got[len(got)-1].Distance, c.want)
		}
	}
}
