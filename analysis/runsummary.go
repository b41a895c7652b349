package analysis

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"
	"htsim/model"
	"htsim/sim"
)

// RunSummary collects, per replicate, the totals the end-of-run table shows:
// for the last year the horizon covers whole (if any) and for the whole
// horizon.
type RunSummary struct {
	Scenario    string
	FirstYear   int
	lastWhole   *Period // the last whole year, or nil
	horizon     Period
	last, whole []totals
}

type totals struct {
	trueNew, stock, identified, cases, ngo float64
}

// NewRunSummary starts a summary for one scenario over the months from and
// to, with the periods of PeriodsFor.
func NewRunSummary(scenario string, from, to model.Month) *RunSummary {
	s := &RunSummary{Scenario: scenario, FirstYear: from.Year()}
	for _, p := range PeriodsFor(from, to, 0) {
		if p.Year {
			s.lastWhole = &p
		} else {
			s.horizon = p
		}
	}
	return s
}

// Add records one replicate.
func (s *RunSummary) Add(res *sim.Result) {
	years := len(res.Counts) / sim.CellsPerYear
	var last, whole totals
	for y := 0; y < years; y++ {
		var t totals
		for c := 0; c < sim.CellsPerYear; c++ {
			row := res.Counts.At(y, c)
			t.trueNew += float64(row[sim.TrueNewVictims])
			t.stock += float64(row[sim.TrueVictimsStock])
			t.identified += float64(row[sim.IdentifiedOfficial])
			t.cases += float64(row[sim.CasesRegisteredArt128])
			t.ngo += float64(row[sim.NGOAssisted])
		}
		whole.trueNew += t.trueNew
		whole.identified += t.identified
		whole.cases += t.cases
		whole.ngo += t.ngo
		if s.lastWhole != nil && s.FirstYear+y == s.lastWhole.From {
			last = t
		}
		if y == years-1 {
			whole.stock = t.stock
		}
	}
	s.last = append(s.last, last)
	s.whole = append(s.whole, whole)
}

// Interval is a mean with the 5% and 95% quantiles across replicates.
type Interval struct{ Mean, Lo, Hi float64 }

// IntervalOf summarises values across replicates (empirical quantiles).
func IntervalOf(xs []float64) Interval {
	if len(xs) == 0 {
		return Interval{}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return Interval{Mean: stat.Mean(s, nil), Lo: stat.Quantile(0.05, stat.Empirical, s, nil), Hi: stat.Quantile(0.95, stat.Empirical, s, nil)}
}

// String formats the interval for the run's printed table.
func (iv Interval) String() string {
	return fmt.Sprintf("%s [%s, %s]", num(iv.Mean), num(iv.Lo), num(iv.Hi))
}

// num formats a count or mean for tables: whole numbers from 100, one decimal from 10, two significant digits below.
func num(x float64) string {
	a := x
	if a < 0 {
		a = -a
	}
	switch {
	case a >= 100:
		return fmt.Sprintf("%.0f", x)
	case a >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.2g", x)
	}
}

func pick(ts []totals, f func(totals) float64) []float64 {
	out := make([]float64, len(ts))
	for i, t := range ts {
		out[i] = f(t)
	}
	return out
}

// WriteTable prints the summaries as an aligned table: per scenario, the last
// whole year (if any) and the whole horizon, true against recorded with 90% intervals
// across replicates, and the recording rate (identified / true new victims).
func WriteTable(w io.Writer, sums []*RunSummary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tperiod\ttrue new victims\tin exploitation (end)\tidentified (official)\tcases art.128\tNGO-assisted\trecording rate %")
	for _, s := range sums {
		type part struct {
			label string
			ts    []totals
		}
		parts := []part{{s.horizon.Label, s.whole}}
		if s.lastWhole != nil {
			parts = append([]part{{s.lastWhole.Label, s.last}}, parts...)
		}
		for _, part := range parts {
			var rate []float64 // over the replicates with true new victims, as in Summarize
			for _, t := range part.ts {
				if t.trueNew > 0 {
					rate = append(rate, 100*t.identified/t.trueNew)
				}
			}
			rateText := "n/a (no true new victims)"
			if len(rate) > 0 {
				rateText = IntervalOf(rate).String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Scenario, part.label,
				IntervalOf(pick(part.ts, func(t totals) float64 { return t.trueNew })),
				IntervalOf(pick(part.ts, func(t totals) float64 { return t.stock })),
				IntervalOf(pick(part.ts, func(t totals) float64 { return t.identified })),
				IntervalOf(pick(part.ts, func(t totals) float64 { return t.cases })),
				IntervalOf(pick(part.ts, func(t totals) float64 { return t.ngo })),
				rateText)
		}
	}
	fmt.Fprintf(tw, "\nmean [5%%, 95%%] across %d replicates; recording rate = identified / true new victims.\n", len(sums[0].last))
	return tw.Flush()
}
