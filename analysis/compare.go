package analysis

import (
	"fmt"
	"math"
	"sort"

	"htsim/model"
	"htsim/sim"
)

// Totals holds one scenario's yearly totals (summed over cells) per replicate:
// Totals[replicate][year] is the vector of measures.
type Totals map[int]map[int]*[sim.NumMeasures]float64

// Add accumulates one cell's counts.
func (t Totals) Add(replicate, year int, counts *[sim.NumMeasures]int64) {
	years, ok := t[replicate]
	if !ok {
		years = map[int]*[sim.NumMeasures]float64{}
		t[replicate] = years
	}
	v, ok := years[year]
	if !ok {
		v = new([sim.NumMeasures]float64)
		years[year] = v
	}
	for m, c := range counts {
		v[m] += float64(c)
	}
}

// Period is a span of years over which counts are summed (the stock is taken in the last year).
type Period struct {
	Label    string // "2027", "2025-2030"
	From, To int
	Year     bool // a single year
}

// sum returns the measures over a period for one replicate. The stock of
// victims in exploitation is not additive: it is the stock at the period's end.
func (t Totals) sum(rep int, p Period) [sim.NumMeasures]float64 {
	var out [sim.NumMeasures]float64
	for y := p.From; y <= p.To; y++ {
		v, ok := t[rep][y]
		if !ok {
			continue
		}
		for m := range v {
			if sim.Measure(m) == sim.TrueVictimsStock {
				if y == p.To {
					out[m] = v[m]
				}
				continue
			}
			out[m] += v[m]
		}
	}
	return out
}

// Replicates returns the sorted replicate numbers.
func (t Totals) Replicates() []int {
	reps := make([]int, 0, len(t))
	for r := range t {
		reps = append(reps, r)
	}
	sort.Ints(reps)
	return reps
}

// Comparison is the paired comparison of one measure over one period.
type Comparison struct {
	Scenario, Against string
	Measure           sim.Measure
	Period            Period
	Replicates        int
	MeanScenario      float64
	MeanAgainst       float64
	Diff              Interval // paired difference scenario - against: mean and 5%/95% quantiles across replicates (their spread)
	// DiffCI is the 90% confidence interval of the mean paired difference:
	// mean -/+ t(0.95, n-1) standard errors (NaN with one replicate). The
	// spread in Diff says how much the effect varies with the parameters
	// drawn and chance; DiffCI how precisely the replicates pin its mean.
	DiffCI    [2]float64
	RelChange float64 // mean difference / mean of against; NaN when that mean is 0
	// RelChangeCI is the 90% confidence interval of RelChange, a ratio of
	// means, by the delta method (the ratio estimator's standard error,
	// Cochran 1977, 6.3): the standard deviation of d_i - R b_i over
	// sqrt(n) |mean b|, times t(0.95, n-1). NaN when RelChange is.
	RelChangeCI  [2]float64
	RateScenario float64 // mean of measure / true_new_victims
	RateAgainst  float64
	RateDiff     Interval // paired difference of the rates
}

// Compare pairs replicate r of scen with replicate r of against (the same
// random streams: common random numbers) for every measure and period. It
// fails if the two do not hold the same replicates.
func Compare(scenName string, scen Totals, againstName string, against Totals, periods []Period) ([]Comparison, error) {
	reps := scen.Replicates()
	other := against.Replicates()
	if len(reps) != len(other) {
		return nil, fmt.Errorf("%s has %d replicates and %s has %d: a paired comparison needs the same replicates", scenName, len(reps), againstName, len(other))
	}
	for i := range reps {
		if reps[i] != other[i] {
			return nil, fmt.Errorf("%s and %s hold different replicates (%d vs %d): rerun them with the same --replicates", scenName, againstName, reps[i], other[i])
		}
	}
	if len(reps) == 0 {
		return nil, fmt.Errorf("%s has no replicates", scenName)
	}
	var out []Comparison
	n := len(reps)
	a := make([][sim.NumMeasures]float64, n)
	b := make([][sim.NumMeasures]float64, n)
	diff := make([]float64, n)
	rdiff := make([]float64, n)
	for _, p := range periods {
		for i, r := range reps {
			a[i] = scen.sum(r, p)
			b[i] = against.sum(r, p)
		}
		for m := sim.Measure(0); m < sim.NumMeasures; m++ {
			c := Comparison{Scenario: scenName, Against: againstName, Measure: m, Period: p, Replicates: n}
			// Rates are over the replicates with true new victims in both
			// scenarios, as in Summarize: a rate of 0/0 is undefined, not 0.
			k := 0
			for i := range reps {
				if a[i][sim.TrueNewVictims] > 0 && b[i][sim.TrueNewVictims] > 0 {
					k++
				}
			}
			rdiff = rdiff[:0]
			for i := range reps {
				c.MeanScenario += a[i][m] / float64(n)
				c.MeanAgainst += b[i][m] / float64(n)
				diff[i] = a[i][m] - b[i][m]
				if a[i][sim.TrueNewVictims] > 0 && b[i][sim.TrueNewVictims] > 0 {
					ra, rb := a[i][m]/a[i][sim.TrueNewVictims], b[i][m]/b[i][sim.TrueNewVictims]
					c.RateScenario += ra / float64(k)
					c.RateAgainst += rb / float64(k)
					rdiff = append(rdiff, ra-rb)
				}
			}
			c.Diff = IntervalOf(diff)
			c.RateDiff = IntervalOf(rdiff)
			if k == 0 {
				c.RateScenario, c.RateAgainst = math.NaN(), math.NaN()
				c.RateDiff = Interval{Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
			}
			half := halfWidth90(n, func(i int) float64 { return diff[i] - c.Diff.Mean })
			c.DiffCI = [2]float64{c.Diff.Mean - half, c.Diff.Mean + half}
			c.RelChange = math.NaN()
			c.RelChangeCI = [2]float64{math.NaN(), math.NaN()}
			if c.MeanAgainst != 0 {
				c.RelChange = c.Diff.Mean / c.MeanAgainst
				half := halfWidth90(n, func(i int) float64 { return diff[i] - float64(c.RelChange*b[i][m]) }) / math.Abs(c.MeanAgainst)
				c.RelChangeCI = [2]float64{c.RelChange - half, c.RelChange + half}
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// halfWidth90 is the half width of the 90% confidence interval of a mean of
// n values, t(0.95, n-1) s / sqrt(n), where s is the standard deviation of
// the residuals dev(i) (each value's deviation from what the mean
// estimates); NaN with fewer than 2 values. Compare and EvaluateHypothesis
// share it.
func halfWidth90(n int, dev func(i int) float64) float64 {
	if n < 2 {
		return math.NaN()
	}
	ss := 0.0
	for i := range n {
		e := dev(i)
		ss += float64(e * e) // rounded, never fused (internal/detmath)
	}
	se := math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
	return float64(t95(n-1) * se)
}

// PeriodsFor returns the periods a comparison reports for a horizon from
// month from to month to: every year the horizon covers whole, the whole
// horizon, and, when the scenario has a policy month, the years from the
// policy's first year to the end. A year the horizon covers in part gets no
// row of its own (its sum would read as a year's: a review found "2022"
// holding January to March), and a period that begins or ends inside a year
// is labelled by its months ("2020-07 to 2022-03").
func PeriodsFor(from, to model.Month, policyYear int) []Period {
	firstYear, lastYear := from.Year(), to.Year()
	wholeFrom, wholeTo := from.MonthNumber() == 1, to.MonthNumber() == 12
	var ps []Period
	for y := firstYear; y <= lastYear; y++ {
		if y == firstYear && !wholeFrom || y == lastYear && !wholeTo {
			continue
		}
		ps = append(ps, Period{Label: fmt.Sprint(y), From: y, To: y, Year: true})
	}
	label := func(start model.Month) string {
		if start.MonthNumber() == 1 && wholeTo {
			return fmt.Sprintf("%d-%d", start.Year(), lastYear)
		}
		return fmt.Sprintf("%s to %s", start, to)
	}
	ps = append(ps, Period{Label: label(from), From: firstYear, To: lastYear})
	if policyYear > firstYear && policyYear <= lastYear {
		ps = append(ps, Period{Label: label(model.MonthOf(policyYear, 1)), From: policyYear, To: lastYear})
	}
	return ps
}
