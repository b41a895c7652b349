package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"time"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/internal/report"
	"htsim/model"
	"htsim/scenarios"
	"htsim/sim"
)

const hypothesesUsage = `Usage: htsim hypotheses [flags]

Tests the KZ study's seven hypotheses as counterfactual experiments: each
switches one mechanism off (or strengthens it) in the baseline, all else and
the random numbers equal (scenarios/hypotheses/*.yaml). For each, the paired
relative change of the outcome the hypothesis is about: its mean with a 90%
confidence interval (Student's t), its 5%-95% range across replicates, a
verdict, and the study's own verdict. The verdict is "supported" if the
interval lies on the predicted side of zero and the mean change is at least
--threshold; "contradicted" if both hold on the other side; otherwise "no
clear effect".
With --out DIR, also writes the settings and results to DIR/hypotheses.json,
which htsim report DIR shows and htsim reproduce DIR reruns; an earlier
DIR/hypotheses.json is replaced only with --force.
`

type hypothesesOptions struct {
	replicates int
	seed       uint64
	workers    int
	from, to   string
	period     string
	threshold  float64
	format     string
	out        string
	force      bool
	quiet      bool
}

func cmdHypotheses(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := hypothesesOptions{}
	fs := newFlags("hypotheses", hypothesesUsage, stdout)
	fs.IntVarP(&o.replicates, "replicates", "n", 40, "paired replicates per experiment")
	fs.Uint64VarP(&o.seed, "seed", "s", 1, "master seed")
	fs.IntVarP(&o.workers, "workers", "w", defaultWorkers(), "replicates simulated in parallel")
	fs.StringVar(&o.from, "from", "2015-01", "first month recorded (the engine warms up for two years before it)")
	fs.StringVar(&o.to, "to", "2020-12", "last month")
	fs.StringVar(&o.period, "period", "2015-2020", "years the outcomes are summed over, FROM-TO")
	fs.Float64Var(&o.threshold, "threshold", 0.05, "smallest mean relative change that counts as an effect")
	fs.StringVar(&o.format, "format", "table", "table, csv or json")
	fs.StringVarP(&o.out, "out", "o", "", "also write the results to DIR/hypotheses.json (for htsim report DIR)")
	fs.BoolVarP(&o.force, "force", "f", false, "replace an earlier DIR/hypotheses.json")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print no results (with --out: the file alone)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("hypotheses: takes no arguments")
	}
	if o.format != "table" && o.format != "csv" && o.format != "json" {
		return usagef("hypotheses: --format must be table, csv or json")
	}
	from, to, period, err := o.resolve()
	if err != nil {
		return err
	}
	if info, err := os.Stat(o.out); o.out != "" && err == nil && !info.IsDir() {
		return usagef("hypotheses: --out %s is a file; name a folder (hypotheses.json goes into it)", o.out)
	}
	if o.quiet && o.out == "" {
		return usagef("hypotheses: -q prints nothing, so it goes with --out DIR (the results go to DIR/hypotheses.json)")
	}
	if o.force && o.out == "" {
		return usagef("hypotheses: --force replaces DIR/hypotheses.json and goes with --out DIR")
	}
	file := filepath.Join(o.out, report.HypothesesName)
	if info, err := os.Stat(file); o.out != "" && err == nil {
		// Refused before computing: the earlier results would be lost.
		if info.IsDir() {
			return usagef("hypotheses: %s is a folder; remove or rename it, or choose another --out", file)
		}
		if !o.force {
			return usagef("hypotheses: %s holds earlier results; choose another --out or add --force to replace them", file)
		}
	}
	if o.out != "" {
		// A folder that cannot take the file is refused before the
		// experiments run (minutes), not after.
		undo, err := writableFolder(o.out)
		if err != nil {
			return outFolderError("hypotheses", o.out, fmt.Errorf("cannot take %s: %w", report.HypothesesName, err))
		}
		defer undo() // the folders it made, if they are left empty (no results saved)
	}
	results, err := runHypotheses(ctx, o, from, to, period)
	if err != nil {
		return err
	}
	// Printed before the file is written, so that the results are not lost
	// if another htsim hypotheses wrote the file meanwhile.
	if !o.quiet {
		if err := printHypotheses(stdout, o.format, results); err != nil {
			return err
		}
	}
	if o.out == "" {
		return nil
	}
	err = writeHypothesesFile(o, args, results)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("hypotheses: %s appeared while the experiments ran (another htsim hypotheses --out?); it was kept and these results were not saved (they are printed above unless -q): rerun with --force to replace it", file)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return nil
}

// printHypotheses prints the results as a table, CSV or JSON.
func printHypotheses(stdout io.Writer, format string, results []analysis.HypothesisResult) error {
	switch format {
	case "json":
		recs := hypothesisRecords(results)
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(recs)
	case "csv":
		// The columns of hypotheses.json, in its order.
		w := csv.NewWriter(stdout)
		w.Write([]string{"number", "statement", "scenario", "outcome", "outcome_is_rate", "baseline", "effect_mean", "mean_ci_lo", "mean_ci_hi",
			"effect_p05", "effect_p95", "predicted", "verdict", "study_verdict", "replicates", "period"})
		f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
		for _, r := range hypothesisRecords(results) {
			w.Write([]string{strconv.Itoa(r.Number), r.Statement, r.Scenario, r.Outcome, strconv.FormatBool(r.OutcomeIsRate), f(r.Baseline),
				f(r.EffectMean), f(r.MeanCILo), f(r.MeanCIHi), f(r.EffectP05), f(r.EffectP95), r.Predicted, r.Verdict, r.StudyVerdict,
				strconv.Itoa(r.Replicates), r.Period})
		}
		w.Flush()
		return w.Error()
	}
	return analysis.WriteHypothesesTable(stdout, results)
}

// resolve checks the options that decide the experiments and returns the
// horizon and the period the outcomes are summed over.
func (o *hypothesesOptions) resolve() (from, to model.Month, period analysis.Period, err error) {
	if o.replicates < 2 || o.replicates > 100000 {
		return 0, 0, period, usagef("hypotheses: --replicates must be between 2 and 100000, got %d", o.replicates)
	}
	if o.workers < 1 {
		return 0, 0, period, usagef("hypotheses: --workers must be at least 1, got %d", o.workers)
	}
	if !(o.threshold >= 0 && o.threshold <= 10) {
		return 0, 0, period, usagef("hypotheses: --threshold must be between 0 and 10, got %g", o.threshold)
	}
	from, err1 := model.ParseMonth(o.from)
	to, err2 := model.ParseMonth(o.to)
	if err1 != nil || err2 != nil || from > to {
		return 0, 0, period, usagef("hypotheses: --from and --to must be months YYYY-MM with from <= to")
	}
	var py0, py1 int
	if _, err := fmt.Sscanf(o.period, "%d-%d", &py0, &py1); err != nil || py0 > py1 || py0 < from.Year() || py1 > to.Year() {
		return 0, 0, period, usagef("hypotheses: --period %q must be YEAR-YEAR within %d-%d", o.period, from.Year(), to.Year())
	}
	return from, to, analysis.Period{Label: o.period, From: py0, To: py1}, nil
}

// reproduceHypotheses reruns the experiments recorded in dir/hypotheses.json
// with their recorded settings and compares every hypothesis's results.
func reproduceHypotheses(ctx context.Context, dir string, workers int, stdout, stderr io.Writer) error {
	name := filepath.Join(dir, report.HypothesesName)
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	var f report.HypothesesFile
	if err := json.Unmarshal(data, &f); err != nil {
		return usagef("reproduce: %s is not a hypotheses file htsim wrote: %v", name, err)
	}
	if f.Tool != "htsim" {
		return usagef("reproduce: %s was not written by htsim hypotheses (its \"tool\" is %q, not \"htsim\")", name, f.Tool)
	}
	o := hypothesesOptions{replicates: f.Replicates, seed: f.Seed, workers: workers, from: f.From, to: f.To, period: f.Period, threshold: f.Threshold}
	from, to, period, err := o.resolve()
	if err != nil {
		return usagef("reproduce: %s records settings this binary refuses: %v", name, err)
	}
	if _, rev, _ := output.BuildInfo(); rev != f.Revision {
		fmt.Fprintf(stderr, "note: this binary is %s, the hypotheses were run by %s; a mismatch may come from the code\n", short12(rev), short12(f.Revision))
	}
	results, err := runHypotheses(ctx, o, from, to, period)
	if err != nil {
		return err
	}
	got := hypothesisRecords(results)
	if len(got) != len(f.Hypotheses) {
		fmt.Fprintf(stdout, "mismatch: %s records %d hypotheses, the rerun has %d\n", name, len(f.Hypotheses), len(got))
		return errMismatch
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], f.Hypotheses[i]) {
			fmt.Fprintf(stdout, "mismatch: %s, hypothesis %d:%s\n", name, f.Hypotheses[i].Number, recordDiff(f.Hypotheses[i], got[i]))
			return errMismatch
		}
	}
	fmt.Fprintf(stdout, "match: %s (%d hypotheses, %d paired replicates each, seed %d) reproduced exactly\n", name, len(got), f.Replicates, f.Seed)
	return nil
}

// recordDiff lists the fields in which two hypothesis records differ, as
// " field recorded -> now".
func recordDiff(was, now report.HypothesisRecord) string {
	var b strings.Builder
	a, c := reflect.ValueOf(was), reflect.ValueOf(now)
	for i := 0; i < a.NumField(); i++ {
		if x, y := a.Field(i).Interface(), c.Field(i).Interface(); !reflect.DeepEqual(x, y) {
			fmt.Fprintf(&b, " %s %v -> %v", a.Type().Field(i).Tag.Get("json"), x, y)
		}
	}
	return b.String()
}

// writeHypothesesFile writes the settings and results to OUT/hypotheses.json.
func writeHypothesesFile(o hypothesesOptions, args []string, results []analysis.HypothesisResult) error {
	f := &report.HypothesesFile{Tool: "htsim", GoVersion: runtime.Version(), Created: time.Now().UTC().Format(time.RFC3339),
		Command: append([]string{"htsim"}, os.Args[1:]...), Seed: o.seed, Replicates: o.replicates, From: o.from, To: o.to,
		Period: o.period, Threshold: o.threshold,
		VerdictRule: fmt.Sprintf("supported if the 90%% confidence interval of the mean paired relative change lies on the side the hypothesis predicts "+
			"and the mean change is at least %g%%; contradicted if the same holds on the other side; otherwise no clear effect", 100*o.threshold)}
	if len(os.Args) == 0 || !(strings.HasSuffix(os.Args[0], "htsim") || strings.HasSuffix(os.Args[0], "htsim.exe")) {
		f.Command = append([]string{"htsim", "hypotheses"}, args...)
	}
	f.Version, f.Revision, f.Modified = output.BuildInfo()
	f.Hypotheses = hypothesisRecords(results)
	return report.WriteHypotheses(o.out, f, o.force)
}

// hypothesisRecords is the machine-readable form of the results, shared by
// --format json and hypotheses.json.
func hypothesisRecords(results []analysis.HypothesisResult) []report.HypothesisRecord {
	var out []report.HypothesisRecord
	for _, r := range results {
		dir := "up"
		if r.Predicted < 0 {
			dir = "down"
		}
		out = append(out, report.HypothesisRecord{Number: r.Number, Statement: r.Statement, Scenario: r.Name,
			Outcome: r.Outcome.Label, OutcomeIsRate: r.Outcome.Den != nil, Baseline: r.Baseline, EffectMean: r.Effect.Mean,
			MeanCILo: r.MeanLo, MeanCIHi: r.MeanHi, EffectP05: r.Effect.Lo, EffectP95: r.Effect.Hi, Predicted: dir,
			Verdict: r.Verdict, StudyVerdict: r.StudyVerdict, Replicates: r.Replicates, Period: r.Period.Label})
	}
	return out
}

// runHypotheses simulates the baseline and every counterfactual with the same
// replicates and evaluates each hypothesis.
func runHypotheses(ctx context.Context, o hypothesesOptions, from, to model.Month, period analysis.Period) ([]analysis.HypothesisResult, error) {
	base, err := scenarios.Load("baseline")
	if err != nil {
		return nil, err
	}
	cfgs := []*sim.Config{{Scenario: base, From: from, To: to, Seed: o.seed}}
	for _, h := range analysis.Hypotheses {
		sc, err := scenarios.LoadHypothesis(h.Name)
		if err != nil {
			return nil, err
		}
		cfgs = append(cfgs, &sim.Config{Scenario: sc, From: from, To: to, Seed: o.seed})
	}
	totals := map[string]analysis.Totals{}
	for _, c := range cfgs {
		totals[c.Scenario.Name] = analysis.Totals{}
	}
	reps := make([]int, o.replicates)
	for i := range reps {
		reps[i] = i
	}
	err = sim.RunScenarios(ctx, cfgs, reps, o.workers, func(res *sim.Result) error {
		t := totals[res.Scenario]
		for y := 0; y < len(res.Counts)/sim.CellsPerYear; y++ {
			for c := 0; c < sim.CellsPerYear; c++ {
				t.Add(res.Replicate, res.FirstYear+y, res.Counts.At(y, c))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []analysis.HypothesisResult
	for _, h := range analysis.Hypotheses {
		r, err := analysis.EvaluateHypothesis(h, totals["baseline"], totals[h.Name], period, o.threshold)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// writableFolder makes the folder dir if needed and checks that a file can
// be created in it (and removes the file); undo removes the folders it made,
// if left empty.
func writableFolder(dir string) (undo func(), err error) {
	undo, err = makeOut(dir)
	if err != nil {
		return undo, err
	}
	if err := canWrite(dir); err != nil {
		undo()
		return func() {}, err
	}
	return undo, nil
}
