package output

import (
	"math"
	"path/filepath"

	"htsim/analysis"
)

// CompareRow is one row of OUT/compare.parquet: a paired comparison of one
// measure over one period between a scenario and the scenario it is compared against.
type CompareRow struct {
	Scenario     string   `parquet:"scenario,dict"`
	Against      string   `parquet:"against,dict"`
	Measure      string   `parquet:"measure,dict"`
	Period       string   `parquet:"period,dict"`
	FirstYear    int32    `parquet:"first_year"`
	LastYear     int32    `parquet:"last_year"`
	Replicates   int32    `parquet:"replicates"`
	MeanScenario float64  `parquet:"mean_scenario"`
	MeanAgainst  float64  `parquet:"mean_against"`
	DiffMean     float64  `parquet:"diff_mean"`
	DiffP05      float64  `parquet:"diff_p05"`
	DiffP95      float64  `parquet:"diff_p95"`
	DiffCILo     *float64 `parquet:"diff_ci_lo,optional"` // 90% confidence interval of diff_mean; null with one replicate
	DiffCIHi     *float64 `parquet:"diff_ci_hi,optional"`
	RelChange    *float64 `parquet:"rel_change,optional"`
	RelCILo      *float64 `parquet:"rel_change_ci_lo,optional"` // 90% confidence interval of rel_change (delta method)
	RelCIHi      *float64 `parquet:"rel_change_ci_hi,optional"`
	RateScenario float64  `parquet:"rate_scenario"`
	RateAgainst  float64  `parquet:"rate_against"`
	RateDiffMean float64  `parquet:"rate_diff_mean"`
	RateDiffP05  float64  `parquet:"rate_diff_p05"`
	RateDiffP95  float64  `parquet:"rate_diff_p95"`
}

// WriteCompare writes OUT/compare.parquet atomically.
func WriteCompare(out string, cs []analysis.Comparison) error {
	t, err := newTable[CompareRow](filepath.Join(out, "compare.parquet"))
	if err != nil {
		return err
	}
	rows := make([]CompareRow, len(cs))
	for i, c := range cs {
		rows[i] = CompareRow{Scenario: c.Scenario, Against: c.Against, Measure: c.Measure.String(), Period: c.Period.Label,
			FirstYear: int32(c.Period.From), LastYear: int32(c.Period.To), Replicates: int32(c.Replicates),
			MeanScenario: c.MeanScenario, MeanAgainst: c.MeanAgainst, DiffMean: c.Diff.Mean, DiffP05: c.Diff.Lo, DiffP95: c.Diff.Hi,
			RateScenario: c.RateScenario, RateAgainst: c.RateAgainst, RateDiffMean: c.RateDiff.Mean, RateDiffP05: c.RateDiff.Lo, RateDiffP95: c.RateDiff.Hi}
		rows[i].DiffCILo, rows[i].DiffCIHi = defined(c.DiffCI[0]), defined(c.DiffCI[1])
		rows[i].RelChange = defined(c.RelChange)
		rows[i].RelCILo, rows[i].RelCIHi = defined(c.RelChangeCI[0]), defined(c.RelChangeCI[1])
	}
	if err := t.write(rows); err != nil {
		t.file.Abort()
		return err
	}
	return t.commit()
}

// defined is &x, or nil (null) when x is NaN (undefined).
func defined(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
}

// ReadCompare reads a compare.parquet written by htsim compare (or run
// --compare). A file that is not Parquet or is another table is an
// InputError naming it.
func ReadCompare(path string) ([]CompareRow, error) {
	return readTable[CompareRow](path, "the comparison table of htsim compare", "scenario", "against", "measure", "period", "diff_mean")
}
