package output

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"
	"htsim/analysis"
	"htsim/sim"
)

// SummaryRow is one row of OUT/summary.parquet: the distribution across
// replicates of one measure of one scenario over one period. Year is set for
// a single year and null for the whole horizon (whose period is "FROM-TO").
// The rate columns (measure / true_new_victims per replicate) are null when
// no replicate had a true new victim in the period.
type SummaryRow struct {
	Scenario   string   `parquet:"scenario,dict"`
	Period     string   `parquet:"period,dict"`
	Year       *int32   `parquet:"year,optional"`
	FirstYear  int32    `parquet:"first_year"`
	LastYear   int32    `parquet:"last_year"`
	Measure    string   `parquet:"measure,dict"`
	Replicates int32    `parquet:"replicates"`
	Mean       float64  `parquet:"mean"`
	Median     float64  `parquet:"median"`
	P05        float64  `parquet:"p05"`
	P25        float64  `parquet:"p25"`
	P75        float64  `parquet:"p75"`
	P95        float64  `parquet:"p95"`
	RateMean   *float64 `parquet:"rate_mean,optional"`
	RateP05    *float64 `parquet:"rate_p05,optional"`
	RateP95    *float64 `parquet:"rate_p95,optional"`
}

// SummaryPath is the path of a run's summary table.
func SummaryPath(out string) string { return filepath.Join(out, "summary.parquet") }

// WriteSummary writes OUT/summary.parquet atomically, one row per summary.
func WriteSummary(out string, ss []analysis.Summary) error {
	t, err := newTable[SummaryRow](SummaryPath(out))
	if err != nil {
		return err
	}
	rows := make([]SummaryRow, len(ss))
	for i, s := range ss {
		r := s.Record()
		rows[i] = SummaryRow{Scenario: r.Scenario, Period: r.Period, FirstYear: int32(r.FirstYear), LastYear: int32(r.LastYear),
			Measure: r.Measure, Replicates: int32(r.Replicates), Mean: r.Mean, Median: r.Median,
			P05: r.P05, P25: r.P25, P75: r.P75, P95: r.P95, RateMean: r.RateMean, RateP05: r.RateP05, RateP95: r.RateP95}
		if r.Year != nil {
			y := int32(*r.Year)
			rows[i].Year = &y
		}
	}
	if err := t.write(rows); err != nil {
		t.file.Abort()
		return err
	}
	return t.commit()
}

// ReadSummary reads a summary.parquet back into summaries, in file order.
func ReadSummary(path string) ([]analysis.Summary, error) {
	rows, err := readTable[SummaryRow](path, "the summary table of htsim summarize", "scenario", "period", "measure", "replicates", "mean")
	if err != nil {
		return nil, err
	}
	out := make([]analysis.Summary, len(rows))
	for i, r := range rows {
		rec := analysis.SummaryRecord{Scenario: r.Scenario, Period: r.Period, FirstYear: int(r.FirstYear), LastYear: int(r.LastYear),
			Measure: r.Measure, Replicates: int(r.Replicates), Mean: r.Mean, Median: r.Median,
			P05: r.P05, P25: r.P25, P75: r.P75, P95: r.P95, RateMean: r.RateMean, RateP05: r.RateP05, RateP95: r.RateP95}
		if r.Year != nil {
			y := int(*r.Year)
			rec.Year = &y
		}
		if out[i], err = analysis.SummaryFromRecord(rec); err != nil {
			return nil, inputErrorf("%s row %d: %v: not the summary table of htsim summarize", path, i, err)
		}
	}
	return out, nil
}

// SensitivityRow is one row of OUT/sensitivity.parquet: the first-order and
// total Sobol indices of one swept parameter for one scenario and output,
// with their bootstrap intervals.
type SensitivityRow struct {
	Scenario   string  `parquet:"scenario,dict" json:"scenario"`
	Output     string  `parquet:"output,dict" json:"output"`
	Period     string  `parquet:"period,dict" json:"period"`
	FirstYear  int32   `parquet:"first_year" json:"first_year"`
	LastYear   int32   `parquet:"last_year" json:"last_year"`
	Parameter  string  `parquet:"parameter,dict" json:"parameter"`
	Min        float64 `parquet:"min" json:"min"`
	Max        float64 `parquet:"max" json:"max"`
	BaseRows   int32   `parquet:"base_rows" json:"base_rows"`
	Replicates int32   `parquet:"replicates" json:"replicates"`
	OutputMean float64 `parquet:"output_mean" json:"output_mean"`
	OutputVar  float64 `parquet:"output_variance" json:"output_variance"`
	S1         float64 `parquet:"s1" json:"s1"`
	S1Lo       float64 `parquet:"s1_lo" json:"s1_lo"`
	S1Hi       float64 `parquet:"s1_hi" json:"s1_hi"`
	ST         float64 `parquet:"st" json:"st"`
	STLo       float64 `parquet:"st_lo" json:"st_lo"`
	STHi       float64 `parquet:"st_hi" json:"st_hi"`
	Level      float64 `parquet:"level" json:"level"`
	Resamples  int32   `parquet:"resamples" json:"resamples"`           // asked for (--resamples)
	Used       int32   `parquet:"resamples_used" json:"resamples_used"` // of them with a varying output, which the intervals use
}

// WriteSensitivity writes OUT/sensitivity.parquet atomically.
func WriteSensitivity(out string, rows []SensitivityRow) error {
	t, err := newTable[SensitivityRow](filepath.Join(out, "sensitivity.parquet"))
	if err != nil {
		return err
	}
	if err := t.write(rows); err != nil {
		t.file.Abort()
		return err
	}
	return t.commit()
}

// ReadSensitivity reads a sensitivity.parquet written by htsim sensitivity. A
// file that is missing, not Parquet, or another table is an InputError
// naming it.
func ReadSensitivity(path string) ([]SensitivityRow, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, inputErrorf("%s does not exist: run htsim sensitivity on the Saltelli sweep folder first (it writes the file), then give the folder or the file", path)
	}
	rows, err := readTable[SensitivityRow](path, "the sensitivity table of htsim sensitivity", "scenario", "output", "parameter", "s1", "st")
	for i := range rows {
		if rows[i].Used == 0 { // written before resamples_used (session 7): resamples held the number used
			rows[i].Used = rows[i].Resamples
		}
	}
	return rows, err
}

// readTable reads a whole table of rows T written by htsim. A file that is
// not Parquet, or lacks one of cols (so is another table, what names the
// right one), is an InputError naming it.
func readTable[T any](path, what string, cols ...string) (_ []T, err error) {
	defer recoverDamaged(path, &err)
	f, pf, err := openParquet(path)
	if err != nil {
		return nil, err
	}
	f.Close()
	if err := requireColumns(pf, path, what, cols...); err != nil {
		return nil, err
	}
	rows, err := parquet.ReadFile[T](path)
	if err != nil {
		return nil, inputErrorf("reading %s: %v", path, err)
	}
	return rows, nil
}

// openDynamicParquet opens a Parquet file with its own schema.
func openDynamicParquet(path string) (*os.File, *parquet.GenericReader[any], error) {
	f, pf, err := openParquet(path)
	if err != nil {
		return nil, nil, err
	}
	return f, parquet.NewGenericReader[any](pf), nil
}

// dynamicColumn returns the index of a top-level leaf column of a file's schema.
func dynamicColumn(path string, s *parquet.Schema, name string) (int, error) {
	leaf, ok := s.Lookup(name)
	if !ok {
		return 0, inputErrorf("%s has no column %s: not a table htsim wrote, or damaged", path, name)
	}
	return leaf.ColumnIndex, nil
}

// eachDynamicRow streams the rows of a Parquet file through fn.
func eachDynamicRow(path string, r *parquet.GenericReader[any], fn func(parquet.Row) error) error {
	buf := make([]parquet.Row, 1024)
	for {
		n, err := r.ReadRows(buf)
		for i := 0; i < n; i++ {
			if e := fn(buf[i]); e != nil {
				return e
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// A file that opened but cannot be read through is damaged: bad input.
			return inputErrorf("%s is damaged or not a table htsim wrote: reading it failed (%v); write it again", path, err)
		}
	}
}

// ReadDesign reads OUT/design.parquet of a sweep: the parameter values of
// every design point (row p is point p), for the swept parameters given as
// dotted keys in the sweep's order.
func ReadDesign(out string, params []string) (_ [][]float64, err error) {
	path := filepath.Join(out, "design.parquet")
	defer recoverDamaged(path, &err)
	f, r, err := openDynamicParquet(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	defer r.Close()
	pointCol, err := dynamicColumn(path, r.Schema(), "point")
	if err != nil {
		return nil, err
	}
	cols := make([]int, len(params))
	for i, p := range params {
		if cols[i], err = dynamicColumn(path, r.Schema(), ParamColumn(p)); err != nil {
			return nil, err
		}
	}
	byPoint := map[int][]float64{}
	err = eachDynamicRow(path, r, func(row parquet.Row) error {
		var point int = -1
		vals := make([]float64, len(params))
		for _, v := range row {
			c := v.Column()
			if c == pointCol {
				point = int(v.Int32())
			}
			for i, pc := range cols {
				if c == pc {
					vals[i] = v.Double()
				}
			}
		}
		if _, dup := byPoint[point]; dup || point < 0 {
			return fmt.Errorf("%s: point %d is missing or repeated", path, point)
		}
		byPoint[point] = vals
		return nil
	})
	if err != nil {
		return nil, err
	}
	matrix := make([][]float64, len(byPoint))
	for p := range matrix {
		vals, ok := byPoint[p]
		if !ok {
			return nil, fmt.Errorf("%s: points are not numbered 0 to %d", path, len(byPoint)-1)
		}
		matrix[p] = vals
	}
	return matrix, nil
}

// SweepParts lists the part files of a scenario's yearly table in a sweep
// folder (chunk files, or the single file htsim merge writes), sorted.
func SweepParts(out, scenario string) ([]string, error) {
	dir := filepath.Join(out, "yearly", "scenario="+scenario)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "part-") && strings.HasSuffix(e.Name(), ".parquet") && !e.IsDir() {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(paths)
	return paths, nil
}

// EachSweepRow streams every row of a scenario's yearly table in a sweep
// folder through fn: the design point, the replicate, the year and the
// cell's counts (indexed by sim.Measure). It reads every part file (the chunk
// files, or the single file htsim merge writes) in name order, each with its
// own schema, which has the columns point and param_* besides the yearly
// table's. The counts array is reused between calls.
func EachSweepRow(out, scenario string, fn func(point, replicate, year int, counts *[sim.NumMeasures]int64) error) error {
	paths, err := SweepParts(out, scenario)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%s holds no part files of scenario %s", out, scenario)
	}
	for _, path := range paths {
		if err := eachSweepPartRow(path, fn); err != nil {
			return err
		}
	}
	return nil
}

func eachSweepPartRow(path string, fn func(point, replicate, year int, counts *[sim.NumMeasures]int64) error) (err error) {
	return eachSweepPartRowBy(path, "year", fn)
}

// eachSweepPartRowBy is eachSweepPartRow for a part file whose time column is
// timeCol: "year", or "month" (a DATE, passed as days since 1970-01-01) in a
// monthly part file.
func eachSweepPartRowBy(path, timeCol string, fn func(point, replicate, time int, counts *[sim.NumMeasures]int64) error) (err error) {
	defer recoverDamaged(path, &err)
	f, r, err := openDynamicParquet(path)
	if err != nil {
		return err
	}
	defer f.Close()
	defer r.Close()
	s := r.Schema()
	pointCol, err := dynamicColumn(path, s, "point")
	if err != nil {
		return err
	}
	repCol, err := dynamicColumn(path, s, "replicate")
	if err != nil {
		return err
	}
	timeIdx, err := dynamicColumn(path, s, timeCol)
	if err != nil {
		return err
	}
	measureAt := make([]int, len(s.Columns())) // column index -> measure, or -1
	for c := range measureAt {
		measureAt[c] = -1
	}
	for m, name := range sim.MeasureNames {
		c, err := dynamicColumn(path, s, name)
		if err != nil {
			return err
		}
		measureAt[c] = m
	}
	var counts [sim.NumMeasures]int64
	return eachDynamicRow(path, r, func(row parquet.Row) error {
		var point, rep, time int
		for _, v := range row {
			c := v.Column()
			switch c {
			case pointCol:
				point = int(v.Int32())
			case repCol:
				rep = int(v.Int32())
			case timeIdx:
				time = int(v.Int32())
			default:
				if c >= 0 && c < len(measureAt) && measureAt[c] >= 0 {
					counts[measureAt[c]] = v.Int64()
				}
			}
		}
		return callerCall(func() error { return fn(point, rep, time, &counts) })
	})
}
