package analysis

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"
	"htsim/model"
	"htsim/sim"
)

// SummaryQuantiles describes the quantile definition of Summarize, for
// documentation and table footers.
//
// Quantiles are gonum's stat.Quantile with stat.Empirical: the inverse of the
// empirical distribution function (Hyndman and Fan type 1), the smallest
// replicate value x with at least a fraction p of the replicates at or below
// x. No interpolation: every quantile is one of the replicates' values, and
// the median of an even number of replicates is the lower of the two middle
// values. It is the definition IntervalOf uses, so the 5% and 95% quantiles
// here equal those of htsim run and htsim compare.
const SummaryQuantiles = "the smallest replicate value with at least a fraction p of the replicates at or below it\n(inverse empirical distribution function: gonum stat.Empirical, Hyndman-Fan type 1)"

// Summary is the distribution across replicates of one measure of one
// scenario over one period (a year, or the whole horizon).
type Summary struct {
	Scenario   string
	Measure    sim.Measure
	Period     Period
	Replicates int
	Mean       float64
	Median     float64
	P05        float64 // 5% quantile (see SummaryQuantiles)
	P25        float64
	P75        float64
	P95        float64
	// Rate is the recording rate, measure / true_new_victims computed per
	// replicate over the period, then summarised across replicates: mean and
	// 5% and 95% quantiles. Replicates with no true new victims in the period
	// are left out; when none is left, every field is NaN. For
	// true_victims_stock over several years the numerator is the stock at the
	// period's end, as in the measure's own row.
	Rate Interval
}

// SummaryPeriods returns the periods htsim summarize reports for a horizon
// from month from to month to: every year it covers whole, then the whole
// horizon (PeriodsFor).
func SummaryPeriods(from, to model.Month) []Period {
	return PeriodsFor(from, to, 0)
}

// MeasureByName returns the measure whose column name is name (as in sim.MeasureNames).
func MeasureByName(name string) (sim.Measure, bool) {
	for m, n := range sim.MeasureNames {
		if n == name {
			return sim.Measure(m), true
		}
	}
	return 0, false
}

// quantiles5 returns the 5, 25, 50, 75 and 95% quantiles of sorted values.
func quantiles5(sorted []float64) (p05, p25, p50, p75, p95 float64) {
	q := func(p float64) float64 { return stat.Quantile(p, stat.Empirical, sorted, nil) }
	return q(0.05), q(0.25), q(0.5), q(0.75), q(0.95)
}

// Summarize summarises one scenario's totals for every measure and period,
// across its replicates: the rows come period by period, measures in column
// order within each. It fails if t holds no replicate.
func Summarize(scenario string, t Totals, periods []Period) ([]Summary, error) {
	reps := t.Replicates()
	n := len(reps)
	if n == 0 {
		return nil, fmt.Errorf("%s has no replicates", scenario)
	}
	sums := make([][sim.NumMeasures]float64, n)
	xs := make([]float64, n)
	rates := make([]float64, 0, n)
	out := make([]Summary, 0, len(periods)*int(sim.NumMeasures))
	for _, p := range periods {
		for i, r := range reps {
			sums[i] = t.sum(r, p)
		}
		for m := sim.Measure(0); m < sim.NumMeasures; m++ {
			rates = rates[:0]
			for i := range sums {
				xs[i] = sums[i][m]
				if tn := sums[i][sim.TrueNewVictims]; tn > 0 {
					rates = append(rates, sums[i][m]/tn)
				}
			}
			s := Summary{Scenario: scenario, Measure: m, Period: p, Replicates: n, Mean: stat.Mean(xs, nil)}
			sort.Float64s(xs)
			s.P05, s.P25, s.Median, s.P75, s.P95 = quantiles5(xs)
			s.Rate = Interval{Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
			if len(rates) > 0 {
				s.Rate = IntervalOf(rates)
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// summaryTablePeriods picks, for one scenario's rows, the periods the table
// shows: the last single year, then every period of several years.
func summaryTablePeriods(rows []Summary) []string {
	var labels []string
	last, lastTo := "", math.MinInt
	seen := map[string]bool{}
	for _, s := range rows {
		if s.Period.Year {
			if s.Period.To > lastTo {
				last, lastTo = s.Period.Label, s.Period.To
			}
			continue
		}
		if !seen[s.Period.Label] {
			seen[s.Period.Label] = true
			labels = append(labels, s.Period.Label)
		}
	}
	if last != "" {
		labels = append([]string{last}, labels...)
	}
	return labels
}

// SummaryTableMeasures are the measures the summary table shows, in order.
// The CSV, JSON and Parquet outputs hold every measure.
var SummaryTableMeasures = KeyMeasures

// ratePct formats a recording rate in percent; "n/a" when it is undefined.
func ratePct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", 100*x)
}

// WriteSummaryTable prints, per scenario, the key measures (SummaryTableMeasures)
// for the last year and for the whole horizon: mean, median, the 5/25/75/95%
// quantiles across replicates, and the recording rate (measure / true new
// victims, in %) with its 5% and 95% quantiles. Every number is formatted
// from the Summary values given, nothing is recomputed.
func WriteSummaryTable(w io.Writer, ss []Summary) error {
	order, byScen := GroupBy(ss, func(s Summary) string { return s.Scenario })
	for _, scen := range order {
		rows := byScen[scen]
		for _, label := range summaryTablePeriods(rows) {
			at := map[sim.Measure]Summary{}
			n := 0
			for _, s := range rows {
				if s.Period.Label == label {
					at[s.Measure] = s
					n = s.Replicates
				}
			}
			fmt.Fprintf(w, "%s, %s, %d replicates\n", scen, label, n)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprint(tw, "measure\tmean\tmedian\t5%\t25%\t75%\t95%\trecorded / true %\t[5%, 95%]\t\n")
			for _, m := range SummaryTableMeasures {
				s, ok := at[m]
				if !ok {
					continue
				}
				rate, iv := "", ""
				if m != sim.TrueNewVictims && m != sim.TrueVictimsStock {
					rate, iv = ratePct(s.Rate.Mean), fmt.Sprintf("[%s, %s]", ratePct(s.Rate.Lo), ratePct(s.Rate.Hi))
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m, num(s.Mean), num(s.Median),
					num(s.P05), num(s.P25), num(s.P75), num(s.P95), rate, iv)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(w)
		}
	}
	_, err := fmt.Fprintf(w, "Mean, median and quantiles across replicates; quantile p: %s.\nrecorded / true %% = measure / true_new_victims of each replicate, in %%: mean and [5%%, 95%%] quantiles.\nEvery measure, year and period: --format csv or json, or OUT/summary.parquet.\n", SummaryQuantiles)
	return err
}

// SummaryRecord is the machine-readable form of a Summary (CSV and JSON).
// Year is set for single-year periods; the rate fields are nil when undefined.
type SummaryRecord struct {
	Scenario   string   `json:"scenario"`
	Period     string   `json:"period"`
	Year       *int     `json:"year"`
	FirstYear  int      `json:"first_year"`
	LastYear   int      `json:"last_year"`
	Measure    string   `json:"measure"`
	Replicates int      `json:"replicates"`
	Mean       float64  `json:"mean"`
	Median     float64  `json:"median"`
	P05        float64  `json:"p05"`
	P25        float64  `json:"p25"`
	P75        float64  `json:"p75"`
	P95        float64  `json:"p95"`
	RateMean   *float64 `json:"rate_mean"`
	RateP05    *float64 `json:"rate_p05"`
	RateP95    *float64 `json:"rate_p95"`
}

func optional(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// Record returns the summary's machine-readable form.
func (s Summary) Record() SummaryRecord {
	r := SummaryRecord{Scenario: s.Scenario, Period: s.Period.Label, FirstYear: s.Period.From, LastYear: s.Period.To,
		Measure: s.Measure.String(), Replicates: s.Replicates, Mean: s.Mean, Median: s.Median,
		P05: s.P05, P25: s.P25, P75: s.P75, P95: s.P95,
		RateMean: optional(s.Rate.Mean), RateP05: optional(s.Rate.Lo), RateP95: optional(s.Rate.Hi)}
	if s.Period.Year {
		y := s.Period.From
		r.Year = &y
	}
	return r
}

// SummaryFromRecord is the inverse of Summary.Record.
func SummaryFromRecord(r SummaryRecord) (Summary, error) {
	m, ok := MeasureByName(r.Measure)
	if !ok {
		return Summary{}, fmt.Errorf("unknown measure %q", r.Measure)
	}
	val := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	return Summary{Scenario: r.Scenario, Measure: m, Replicates: r.Replicates,
		Period: Period{Label: r.Period, From: r.FirstYear, To: r.LastYear, Year: r.Year != nil},
		Mean:   r.Mean, Median: r.Median, P05: r.P05, P25: r.P25, P75: r.P75, P95: r.P95,
		Rate: Interval{Mean: val(r.RateMean), Lo: val(r.RateP05), Hi: val(r.RateP95)}}, nil
}

// WriteSummaryJSON writes every summary as a JSON array.
func WriteSummaryJSON(w io.Writer, ss []Summary) error {
	recs := make([]SummaryRecord, len(ss))
	for i, s := range ss {
		recs[i] = s.Record()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(recs)
}

// SummaryColumns are the CSV header and the Parquet column names, in order.
var SummaryColumns = []string{"scenario", "period", "year", "first_year", "last_year", "measure", "replicates",
	"mean", "median", "p05", "p25", "p75", "p95", "rate_mean", "rate_p05", "rate_p95"}

// WriteSummaryCSV writes every summary as CSV with a header row; empty
// fields are missing values (year of a multi-year period, undefined rates).
func WriteSummaryCSV(w io.Writer, ss []Summary) error {
	cw := csv.NewWriter(w)
	cw.Write(SummaryColumns)
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return f(*p)
	}
	for _, s := range ss {
		r := s.Record()
		year := ""
		if r.Year != nil {
			year = strconv.Itoa(*r.Year)
		}
		cw.Write([]string{r.Scenario, r.Period, year, strconv.Itoa(r.FirstYear), strconv.Itoa(r.LastYear), r.Measure,
			strconv.Itoa(r.Replicates), f(r.Mean), f(r.Median), f(r.P05), f(r.P25), f(r.P75), f(r.P95),
			opt(r.RateMean), opt(r.RateP05), opt(r.RateP95)})
	}
	cw.Flush()
	return cw.Error()
}
