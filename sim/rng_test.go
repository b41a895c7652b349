package sim

import (
	"math"
	"testing"
)

// TestWaitIsGeometric: waiting times drawn with the ziggurat exponential have
// the geometric distribution on 1, 2, ... with parameter p: for each p, the
// mean is 1/p and P(T = 1) = p and P(T > 10) = (1-p)^10, within 4 standard
// errors over 200,000 draws with a fixed seed (a false alarm has probability
// below 1e-4 per check).
func TestWaitIsGeometric(t *testing.T) {
	const n = 200000
	for _, p := range []float64{0.003, 0.05, 0.3, 0.9} {
		var g rng
		g.seed(1, uint64(p*1e6))
		h := mkHazard(p)
		sum, sumSq, ones, over10 := 0.0, 0.0, 0.0, 0.0
		for i := 0; i < n; i++ {
			x := float64(g.wait(h))
			sum += x
			sumSq += x * x
			if x == 1 {
				ones++
			}
			if x > 10 {
				over10++
			}
		}
		mean := sum / n
		sdMean := math.Sqrt((1-p)/(p*p)) / math.Sqrt(n) // geometric variance (1-p)/p^2
		if math.Abs(mean-1/p) > 4*sdMean {
			t.Errorf("p=%g: mean %.4f, want %.4f (4 SE = %.4f)", p, mean, 1/p, 4*sdMean)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"P(T=1)", ones / n, p}, {"P(T>10)", over10 / n, math.Pow(1-p, 10)}} {
			se := math.Sqrt(c.want * (1 - c.want) / n)
			if math.Abs(c.got-c.want) > 4*se+1e-12 {
				t.Errorf("p=%g: %s = %.5f, want %.5f (4 SE = %.5f)", p, c.name, c.got, c.want, 4*se)
			}
		}
	}
	var g rng
	if g.wait(mkHazard(0)) != never || g.wait(mkHazard(1)) != 1 {
		t.Error("hazard 0 must never fire and hazard 1 must fire in the first month")
	}
}
