package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/model"
	"htsim/sim"
)

const sensitivityUsage = `Usage: htsim sensitivity [flags] OUT

Computes Sobol sensitivity indices from the folder OUT of a Saltelli sweep
(htsim sweep with design: {kind: saltelli, points: N}). For every design point
the output (--output) is computed for each replicate over the years --from to
--to (default: the whole horizon; a year the horizon covers in part counts
the months it covers, and the period is then labelled by its months, as
"2020-07 to 2030-12") and averaged over the replicates; then, per
scenario and swept parameter:
  S1  first-order index: the share of the output's variance due to the
      parameter alone (Saltelli 2010 estimator, as SALib)
  ST  total index: the share due to the parameter with all its interactions
      (Jansen 1999 estimator, as SALib)
with 95% percentile bootstrap intervals (the N base rows resampled, fixed seed).
Outputs:
  recording_rate    identified_official / true_new_victims (per replicate)
  registered_cases  cases_registered_art128, summed over the years
  true_stock        true_victims_stock at the end of the last year
  MEASURE           any column of the yearly table, summed over the years
                    (true_victims_stock: at the end of the last year)
Writes OUT/sensitivity.parquet and prints a table (or CSV or JSON). An
earlier sensitivity.parquet of another output, other years or another number
of resamples is replaced only with --force (one of the same is recomputed).
With few base rows the indices are imprecise and may fall outside [0, 1];
look at the intervals.
`

type sensitivityOptions struct {
	output    string
	from, to  int
	format    string
	resamples int
	force     bool
	quiet     bool
}

// sensitivitySeed is the bootstrap seed: the same sweep gives the same intervals.
const sensitivitySeed = 1

// sensOutput is an output whose Sobol indices are computed: per replicate,
// num (summed over the years; the stock at the end) or, if ratio, num / den.
type sensOutput struct {
	name     string
	num, den sim.Measure
	ratio    bool
	what     string
}

func sensOutputOf(name string) (sensOutput, error) {
	switch name {
	case "recording_rate":
		return sensOutput{name: name, num: sim.IdentifiedOfficial, den: sim.TrueNewVictims, ratio: true, what: "identified_official / true_new_victims"}, nil
	case "registered_cases":
		return sensOutput{name: name, num: sim.CasesRegisteredArt128, what: "cases_registered_art128"}, nil
	case "true_stock":
		return sensOutput{name: name, num: sim.TrueVictimsStock, what: "true_victims_stock at the end"}, nil
	}
	if m, ok := analysis.MeasureByName(name); ok {
		what := name
		if m == sim.TrueVictimsStock {
			what += " at the end"
		}
		return sensOutput{name: name, num: m, what: what}, nil
	}
	return sensOutput{}, usagef("sensitivity: unknown --output %q; choose recording_rate, registered_cases, true_stock or a yearly column (%s)",
		name, strings.Join(sim.MeasureNames[:], ", "))
}

func cmdSensitivity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o sensitivityOptions
	fs := newFlags("sensitivity", sensitivityUsage, stdout)
	fs.StringVar(&o.output, "output", "recording_rate", "output: recording_rate, registered_cases, true_stock or a yearly column")
	fs.IntVar(&o.from, "from", 0, "first year (default: the sweep's first)")
	fs.IntVar(&o.to, "to", 0, "last year (default: the sweep's last)")
	fs.StringVar(&o.format, "format", "table", "output on stdout: table, csv or json")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing: write sensitivity.parquet only")
	fs.IntVar(&o.resamples, "resamples", analysis.DefaultSobolResamples, "bootstrap resamples for the intervals")
	fs.BoolVarP(&o.force, "force", "f", false, "replace an earlier sensitivity.parquet of another output, years or resamples")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch o.format {
	case "table", "csv", "json":
	default:
		return usagef("sensitivity: --format must be table, csv or json, got %q", o.format)
	}
	if o.resamples < 10 || o.resamples > 1_000_000 {
		return usagef("sensitivity: --resamples must be between 10 and 1000000, got %d", o.resamples)
	}
	if fs.NArg() != 1 {
		return usagef("sensitivity: name one sweep folder (the --out of htsim sweep)")
	}
	spec, err := sensOutputOf(o.output)
	if err != nil {
		return err
	}
	release, err := holdFolder(fs.Arg(0), "sensitivity")
	if err != nil {
		return err
	}
	defer release()
	rows, err := sensitivityOut(fs.Arg(0), spec, o)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !o.force {
		if err := keepsEarlierSensitivity(fs.Arg(0), rows); err != nil {
			return err
		}
	}
	if err := output.WriteSensitivity(fs.Arg(0), rows); err != nil {
		return fmt.Errorf("writing sensitivity.parquet: %w", err)
	}
	if o.quiet {
		return nil
	}
	switch o.format {
	case "csv":
		return writeSensitivityCSV(stdout, rows)
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	return writeSensitivityTable(stdout, rows, spec)
}

// keepsEarlierSensitivity refuses to replace a sweep folder's
// sensitivity.parquet with rows of another output, period or number of
// resamples: that earlier result (perhaps the one a report quotes) would be
// lost. Rows of the same kind are the same computation, redone.
func keepsEarlierSensitivity(out string, rows []output.SensitivityRow) error {
	name := filepath.Join(out, "sensitivity.parquet")
	if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) || len(rows) == 0 {
		return nil
	}
	old, err := output.ReadSensitivity(name)
	if err != nil {
		return usagef("sensitivity: %s exists and cannot be read (%v); add --force to replace it", name, err)
	}
	now := rows[0]
	for _, r := range old {
		// (A file from before resamples_used recorded the number used.)
		sameResamples := r.Resamples == now.Resamples || r.Used == r.Resamples && r.Resamples == now.Used
		// The years, not the label: a file written before session 10
		// labelled a partial first or last year as a whole one.
		if r.Output != now.Output || r.FirstYear != now.FirstYear || r.LastYear != now.LastYear || !sameResamples {
			return usagef("sensitivity: %s holds %s over %s (%d resamples); this computes %s over %s (%d resamples); add --force to replace it, or copy it away first",
				name, r.Output, r.Period, r.Resamples, now.Output, now.Period, now.Resamples)
		}
	}
	return nil
}

// checkSaltelliDesign checks that the design has the Saltelli block layout
// analysis.Sobol assumes: in each block of 2D+2 points, AB^i is A with
// column i of B, and BA^i is B with column i of A.
func checkSaltelliDesign(x [][]float64, d int) error {
	stride := 2*d + 2
	for j := 0; j+stride <= len(x); j += stride {
		a, b := x[j], x[j+stride-1]
		for i := 0; i < d; i++ {
			ab, ba := x[j+1+i], x[j+1+d+i]
			if len(a) != d || len(b) != d || len(ab) != d || len(ba) != d {
				return fmt.Errorf("point %d: %d parameter values, want %d", j, len(a), d)
			}
			for k := 0; k < d; k++ {
				wantAB, wantBA := a[k], b[k]
				if k == i {
					wantAB, wantBA = b[k], a[k]
				}
				if ab[k] != wantAB || ba[k] != wantBA {
					return fmt.Errorf("points %d to %d are not a block A, AB^1..AB^%d, BA^1..BA^%d, B", j, j+stride-1, d, d)
				}
			}
		}
	}
	return nil
}

// sensitivityOut computes the Sobol indices of every scenario of a sweep folder.
func sensitivityOut(out string, spec sensOutput, o sensitivityOptions) ([]output.SensitivityRow, error) {
	sm, err := readSweepManifest(out)
	if err != nil {
		if _, err2 := output.ReadManifest(out); err2 == nil {
			return nil, usagef("sensitivity: %s is not a sweep's output folder (it holds no sweep manifest; run htsim sweep with a saltelli design)", out)
		}
		return nil, usagef("sensitivity: %s is not an htsim sweep output folder: %v", out, err)
	}
	if sm.Design != "saltelli" {
		return nil, usagef("sensitivity: %s holds sweep %s with a %s design; Sobol indices need a saltelli design (design: {kind: saltelli, points: N})", out, sm.Sweep, sm.Design)
	}
	d := len(sm.Parameters)
	stride := 2*d + 2
	if d == 0 || sm.Points <= 0 || sm.Points%stride != 0 || sm.Replicates < 1 {
		return nil, usagef("sensitivity: %s: %d design points over %d parameters is not a Saltelli sample (a multiple of 2D+2 = %d)", out, sm.Points, d, stride)
	}
	n := sm.Points / stride
	if n < 2 {
		return nil, usagef("sensitivity: %s has %d base row; Sobol indices need at least 2 (points: in the sweep file)", out, n)
	}
	fromM, err1 := model.ParseMonth(sm.From)
	toM, err2 := model.ParseMonth(sm.To)
	if err1 != nil || err2 != nil {
		return nil, usagef("sensitivity: %s: manifest horizon %q to %q is not valid", out, sm.From, sm.To)
	}
	from, to := fromM.Year(), toM.Year()
	if o.from != 0 {
		from = o.from
	}
	if o.to != 0 {
		to = o.to
	}
	if from < fromM.Year() || to > toM.Year() || from > to {
		return nil, usagef("sensitivity: --from %d --to %d must be years within the sweep's horizon %d-%d, from no later than to", from, to, fromM.Year(), toM.Year())
	}
	keys := make([]string, d)
	for i, p := range sm.Parameters {
		keys[i] = p.Path
	}
	design, err := output.ReadDesign(out, keys)
	if err != nil {
		return nil, usagef("sensitivity: %v", err)
	}
	if len(design) != sm.Points {
		return nil, usagef("sensitivity: %s: design.parquet has %d points, the manifest %d", out, len(design), sm.Points)
	}
	if err := checkSaltelliDesign(design, d); err != nil {
		return nil, usagef("sensitivity: %s: design.parquet: %v", out, err)
	}
	period := sensPeriod(from, to, fromM, toM)
	var rows []output.SensitivityRow
	for _, sc := range sm.Scenarios {
		y, err := sensPointOutputs(out, sc.Name, sm.Points, sm.Replicates, from, to, spec)
		if err != nil {
			return nil, err
		}
		res, err := analysis.Sobol(y, keys, analysis.SobolOptions{Resamples: o.resamples, Seed: sensitivitySeed})
		if err != nil {
			return nil, usageError{fmt.Errorf("sensitivity: scenario %s, %s over %s: %w; choose another --output or years", sc.Name, spec.name, period, err)}
		}
		for i, ix := range res.Indices {
			if math.IsNaN(ix.S1.Lo) || math.IsNaN(ix.ST.Lo) {
				return nil, usagef("sensitivity: scenario %s: too few bootstrap resamples with a varying output for an interval (more base rows, or another --output)", sc.Name)
			}
			p := sm.Parameters[i]
			rows = append(rows, output.SensitivityRow{Scenario: sc.Name, Output: spec.name, Period: period,
				FirstYear: int32(from), LastYear: int32(to), Parameter: ix.Parameter, Min: p.Min, Max: p.Max,
				BaseRows: int32(res.N), Replicates: int32(sm.Replicates), OutputMean: res.Mean, OutputVar: res.Variance,
				S1: ix.S1.Value, S1Lo: ix.S1.Lo, S1Hi: ix.S1.Hi, ST: ix.ST.Value, STLo: ix.ST.Lo, STHi: ix.ST.Hi,
				Level: res.Level, Resamples: int32(o.resamples), Used: int32(res.Resamples)})
		}
	}
	return rows, nil
}

// sensPeriod labels the years from to to of a horizon hFrom to hTo: "2025"
// or "2025-2030" when the horizon covers them whole, and, as compare and
// summarize do, by their months ("2020-07 to 2022-03") when it does not.
func sensPeriod(from, to int, hFrom, hTo model.Month) string {
	start, end := max(model.MonthOf(from, 1), hFrom), min(model.MonthOf(to, 12), hTo)
	switch {
	case start.MonthNumber() != 1 || end.MonthNumber() != 12:
		return fmt.Sprintf("%s to %s", start, end)
	case from == to:
		return fmt.Sprint(from)
	}
	return fmt.Sprintf("%d-%d", from, to)
}

// sensPointOutputs returns the output at every design point of one scenario:
// the mean over replicates of the output over the years from to to (a
// year the horizon covers in part counts the months it covers). It fails
// unless every job of the sweep is present with every cell of those years.
func sensPointOutputs(out, scenario string, points, replicates, from, to int, spec sensOutput) ([]float64, error) {
	type acc struct {
		num, den float64
		rows     int
	}
	jobs := make([]acc, points*replicates)
	err := output.EachSweepRow(out, scenario, func(point, rep, year int, c *[sim.NumMeasures]int64) error {
		if point < 0 || point >= points || rep < 0 || rep >= replicates {
			return usagef("sensitivity: scenario %s has point %d replicate %d, outside the sweep's %d points x %d replicates", scenario, point, rep, points, replicates)
		}
		if year < from || year > to {
			return nil
		}
		j := &jobs[point*replicates+rep]
		j.rows++
		if spec.num == sim.TrueVictimsStock {
			if year == to {
				j.num += float64(c[spec.num])
			}
		} else {
			j.num += float64(c[spec.num])
		}
		if spec.ratio {
			j.den += float64(c[spec.den])
		}
		return nil
	})
	if err != nil {
		if isUsage(err) {
			return nil, err
		}
		return nil, usagef("sensitivity: %v", err)
	}
	want := (to - from + 1) * sim.CellsPerYear
	missing := 0
	first := -1
	for k, j := range jobs {
		if j.rows != want {
			if j.rows > want {
				return nil, usagef("sensitivity: scenario %s, point %d replicate %d: %d rows over %d-%d, want %d (a part file read twice? merge the sweep or remove stray files)",
					scenario, k/replicates, k%replicates, j.rows, from, to, want)
			}
			missing++
			if first < 0 {
				first = k
			}
		}
	}
	if missing > 0 {
		return nil, usagef("sensitivity: scenario %s: %d of %d jobs (design point x replicate) are missing or incomplete, the first point %d replicate %d; finish the sweep (htsim sweep --resume, or merge its shards)",
			scenario, missing, len(jobs), first/replicates, first%replicates)
	}
	y := make([]float64, points)
	for p := range y {
		for r := 0; r < replicates; r++ {
			j := jobs[p*replicates+r]
			v := j.num
			if spec.ratio {
				if j.den == 0 {
					return nil, fmt.Errorf("sensitivity: scenario %s, point %d replicate %d has no true new victims over %d-%d: %s is undefined", scenario, p, r, from, to, spec.name)
				}
				v = j.num / j.den
			}
			y[p] += v / float64(replicates)
		}
	}
	return y, nil
}

// sensNum formats an index or a bound with 3 decimals.
func sensNum(x float64) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", x)
}

func writeSensitivityTable(w io.Writer, rows []output.SensitivityRow, spec sensOutput) error {
	var scen string
	var tw *tabwriter.Writer
	flush := func() error {
		if tw == nil {
			return nil
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintln(w)
		return err
	}
	for _, r := range rows {
		if tw == nil || r.Scenario != scen {
			if err := flush(); err != nil {
				return err
			}
			scen = r.Scenario
			fmt.Fprintf(w, "%s: Sobol indices of %s (%s), %s\n", r.Scenario, r.Output, spec.what, r.Period)
			fmt.Fprintf(w, "N = %d base rows (%d design points), %d replicate(s) per point; output mean %.4g, variance %.4g\n",
				r.BaseRows, analysis.SaltelliPoints(int(r.BaseRows), len(rowsOf(rows, scen))), r.Replicates, r.OutputMean, r.OutputVar)
			tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "parameter\trange\tS1\t[%g%% interval]\tST\t[%g%% interval]\n", 100*r.Level, 100*r.Level)
		}
		fmt.Fprintf(tw, "%s\t%g to %g\t%s\t[%s, %s]\t%s\t[%s, %s]\n", r.Parameter, r.Min, r.Max,
			sensNum(r.S1), sensNum(r.S1Lo), sensNum(r.S1Hi), sensNum(r.ST), sensNum(r.STLo), sensNum(r.STHi))
	}
	if err := flush(); err != nil {
		return err
	}
	resamples := ""
	if len(rows) > 0 {
		resamples = fmt.Sprint(rows[0].Used)
		if rows[0].Used != rows[0].Resamples {
			resamples = fmt.Sprintf("%d (of %d: those with a constant output are left out)", rows[0].Used, rows[0].Resamples)
		}
	}
	_, err := fmt.Fprintf(w, "S1 = mean(f_B (f_ABi - f_A)) / V, ST = mean((f_A - f_ABi)^2) / 2V (Saltelli 2010, Jansen 1999; as SALib),\n"+
		"f centred on its mean, V = variance of f_A and f_B; percentile bootstrap intervals over %s resamples of the base rows.\n"+
		"Indices outside [0, 1] or wide intervals mean too few base rows (points: in the sweep file).\n", resamples)
	return err
}

// rowsOf returns the rows of one scenario.
func rowsOf(rows []output.SensitivityRow, scenario string) []output.SensitivityRow {
	var out []output.SensitivityRow
	for _, r := range rows {
		if r.Scenario == scenario {
			out = append(out, r)
		}
	}
	return out
}

// sensitivityColumns is the CSV header: the JSON names of output.SensitivityRow.
var sensitivityColumns = []string{"scenario", "output", "period", "first_year", "last_year", "parameter", "min", "max",
	"base_rows", "replicates", "output_mean", "output_variance", "s1", "s1_lo", "s1_hi", "st", "st_lo", "st_hi", "level", "resamples",
	"resamples_used"}

func writeSensitivityCSV(w io.Writer, rows []output.SensitivityRow) error {
	cw := csv.NewWriter(w)
	cw.Write(sensitivityColumns)
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	i := func(x int32) string { return strconv.Itoa(int(x)) }
	for _, r := range rows {
		cw.Write([]string{r.Scenario, r.Output, r.Period, i(r.FirstYear), i(r.LastYear), r.Parameter, f(r.Min), f(r.Max),
			i(r.BaseRows), i(r.Replicates), f(r.OutputMean), f(r.OutputVar), f(r.S1), f(r.S1Lo), f(r.S1Hi),
			f(r.ST), f(r.STLo), f(r.STHi), f(r.Level), i(r.Resamples), i(r.Used)})
	}
	cw.Flush()
	return cw.Error()
}
