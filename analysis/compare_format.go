package analysis

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"htsim/sim"
)

// KeyMeasures are the measures the comparison table shows, in order.
var KeyMeasures = []sim.Measure{
	sim.TrueNewVictims, sim.TrueVictimsStock, sim.Contacted, sim.IdentifiedOfficial, sim.Reported,
	sim.RegisteredArt128, sim.ReclassifiedMigration, sim.ReclassifiedProstitution, sim.ClosedReconciliation,
	sim.ClosedVictimLeft, sim.ToCourt, sim.Convicted, sim.NGOAssisted, sim.StateShelter,
	sim.CasesRegisteredArt128, sim.OffendersConvicted,
}

// WriteCompareTable prints, for each scenario and the given period label, the
// key measures: both means, the paired difference with its 90% interval and
// the relative change, then the change in the recording rate (identified / true).
func WriteCompareTable(w io.Writer, cs []Comparison, periodLabel func(scenario string) string) error {
	order, byScen := GroupBy(cs, func(c Comparison) string { return c.Scenario })
	printed := false
	for _, s := range order {
		label := periodLabel(s)
		rows := map[sim.Measure]Comparison{}
		var against string
		n := 0
		for _, c := range byScen[s] {
			if c.Period.Label == label {
				rows[c.Measure] = c
				against, n = c.Against, c.Replicates
			}
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s vs %s, %s, %d paired replicates\n", s, against, label, n)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "measure\t%s\t%s\tdifference [5%%, 95%% of replicates]\tchange [90%% CI]\t\n", against, s)
		for _, m := range KeyMeasures {
			c := rows[m]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", m, num(c.MeanAgainst), num(c.MeanScenario), signed(c.Diff), pctCI(c.RelChange, c.RelChangeCI))
		}
		c := rows[sim.IdentifiedOfficial]
		fmt.Fprintf(tw, "recording rate %% (identified / true new)\t%.3f\t%.3f\t%s\t%s\t\n", 100*c.RateAgainst, 100*c.RateScenario,
			fmt.Sprintf("%+.3f [%+.3f, %+.3f]", 100*c.RateDiff.Mean, 100*c.RateDiff.Lo, 100*c.RateDiff.Hi), pct(c.RateDiff.Mean/c.RateAgainst))
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
		printed = true
	}
	if !printed {
		return nil
	}
	fmt.Fprintln(w, "difference: mean, and the 5% and 95% quantiles of the paired differences across replicates (how the effect varies with the\n"+
		"parameters drawn and chance); change: the difference of the means over the mean of the first column, with its 90% confidence\n"+
		"interval (how precisely the replicates estimate it). compare.parquet also has the difference's confidence interval.")
	return nil
}

// pctCI is pct(x) followed by its confidence interval ci, when defined.
func pctCI(x float64, ci [2]float64) string {
	if math.IsNaN(x) || math.IsNaN(ci[0]) || math.IsNaN(ci[1]) {
		return pct(x)
	}
	return fmt.Sprintf("%s [%s, %s]", pct(x), pct(ci[0]), pct(ci[1]))
}

func signed(iv Interval) string {
	return fmt.Sprintf("%s [%s, %s]", snum(iv.Mean), snum(iv.Lo), snum(iv.Hi))
}

func snum(x float64) string {
	if x >= 0 {
		return "+" + num(x)
	}
	return "-" + num(-x)
}

func pct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	v := math.Round(1000*x) / 10 // one decimal of a percentage, without a "-0.0"
	if v == 0 {
		v = 0
	}
	return fmt.Sprintf("%+.1f%%", v)
}

// compareRecord is the machine-readable form of a Comparison (CSV and JSON).
type compareRecord struct {
	Scenario     string   `json:"scenario"`
	Against      string   `json:"against"`
	Measure      string   `json:"measure"`
	Period       string   `json:"period"`
	FirstYear    int      `json:"first_year"`
	LastYear     int      `json:"last_year"`
	Replicates   int      `json:"replicates"`
	MeanScenario float64  `json:"mean_scenario"`
	MeanAgainst  float64  `json:"mean_against"`
	DiffMean     float64  `json:"diff_mean"`
	DiffP05      float64  `json:"diff_p05"`
	DiffP95      float64  `json:"diff_p95"`
	DiffCILo     *float64 `json:"diff_ci_lo"`
	DiffCIHi     *float64 `json:"diff_ci_hi"`
	RelChange    *float64 `json:"rel_change"`
	RelCILo      *float64 `json:"rel_change_ci_lo"`
	RelCIHi      *float64 `json:"rel_change_ci_hi"`
	RateScenario *float64 `json:"rate_scenario"`
	RateAgainst  *float64 `json:"rate_against"`
	RateDiffMean *float64 `json:"rate_diff_mean"`
	RateDiffP05  *float64 `json:"rate_diff_p05"`
	RateDiffP95  *float64 `json:"rate_diff_p95"`
}

// orNull is x, or nil (JSON null, an empty CSV cell) when x is undefined
// (NaN: a relative change of a zero mean, a rate without true new victims).
func orNull(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
}

func record(c Comparison) compareRecord {
	return compareRecord{Scenario: c.Scenario, Against: c.Against, Measure: c.Measure.String(), Period: c.Period.Label,
		FirstYear: c.Period.From, LastYear: c.Period.To, Replicates: c.Replicates, MeanScenario: c.MeanScenario, MeanAgainst: c.MeanAgainst,
		DiffMean: c.Diff.Mean, DiffP05: c.Diff.Lo, DiffP95: c.Diff.Hi, DiffCILo: orNull(c.DiffCI[0]), DiffCIHi: orNull(c.DiffCI[1]),
		RelChange: orNull(c.RelChange), RelCILo: orNull(c.RelChangeCI[0]), RelCIHi: orNull(c.RelChangeCI[1]), RateScenario: orNull(c.RateScenario),
		RateAgainst: orNull(c.RateAgainst), RateDiffMean: orNull(c.RateDiff.Mean), RateDiffP05: orNull(c.RateDiff.Lo), RateDiffP95: orNull(c.RateDiff.Hi)}
}

// WriteCompareJSON writes every comparison as a JSON array.
func WriteCompareJSON(w io.Writer, cs []Comparison) error {
	recs := make([]compareRecord, len(cs))
	for i, c := range cs {
		recs[i] = record(c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(recs)
}

// WriteCompareCSV writes every comparison as CSV with a header row.
func WriteCompareCSV(w io.Writer, cs []Comparison) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"scenario", "against", "measure", "period", "first_year", "last_year", "replicates", "mean_scenario", "mean_against",
		"diff_mean", "diff_p05", "diff_p95", "diff_ci_lo", "diff_ci_hi", "rel_change", "rel_change_ci_lo", "rel_change_ci_hi", "rate_scenario", "rate_against", "rate_diff_mean", "rate_diff_p05", "rate_diff_p95"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	fp := func(x *float64) string { // empty when undefined (null in JSON)
		if x == nil {
			return ""
		}
		return f(*x)
	}
	for _, c := range cs {
		r := record(c)
		cw.Write([]string{r.Scenario, r.Against, r.Measure, r.Period, strconv.Itoa(r.FirstYear), strconv.Itoa(r.LastYear), strconv.Itoa(r.Replicates), f(r.MeanScenario), f(r.MeanAgainst),
			f(r.DiffMean), f(r.DiffP05), f(r.DiffP95), fp(r.DiffCILo), fp(r.DiffCIHi), fp(r.RelChange), fp(r.RelCILo), fp(r.RelCIHi), fp(r.RateScenario), fp(r.RateAgainst), fp(r.RateDiffMean), fp(r.RateDiffP05), fp(r.RateDiffP95)})
	}
	cw.Flush()
	return cw.Error()
}
