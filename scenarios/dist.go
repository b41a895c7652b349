package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
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
// consume no random numbers.
func (d Dist) Sample(src rand.Source) float64 {
	switch d.Kind {
	case "uniform":
		return distuv.Uniform{Min: d.Min, Max: d.Max, Src: src}.Rand()
	case "triangular":
		return distuv.NewTriangle(d.Min, d.Max, d.Mode, src).Rand()
	case "beta":
		x := distuv.Beta{Alpha: d.Alpha, Beta: d.Beta, Src: src}.Rand()
		return d.Min + (d.Max-d.Min)*x
	case "bool":
		if d.Bool {
			return 1
		}
		return 0
	default:
		return d.Value
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
