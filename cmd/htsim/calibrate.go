package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"htsim/analysis"
	"htsim/data"
	"htsim/internal/output"
	"htsim/model"
	"htsim/scenarios"
	"htsim/sim"
)

const calibrateUsage = `Usage: htsim calibrate [flags]

Fits uncertain parameters of a scenario (default baseline) to the official and
NGO series of data/official.csv by rejection approximate Bayesian computation:
--draws parameter sets from the prior (the scenario's own distribution, or
--prior KEY=LO:HI), one national replicate each, distance = root mean square of
log((simulated+1)/(observed+1)) over the fitted figures, and the --accept
fraction of closest draws kept as the posterior. The --holdout years are left
out of the fit and reported separately. With --breakdowns the figures'
subgroups (form=, origin=, sex=, age=) are fitted too. Writes, under --out:
  calibrated.yaml   a scenario extending the input, with posterior distributions
  posterior.csv     the accepted draws
  fit.csv           each figure: observed, simulated median and 90% range, held out or not
  manifest.json     code version, scenario and targets files (contents and SHA-256),
                    parameters, priors, draws, seed: htsim reproduce OUT reruns it
The result does not depend on --workers.
`

var defaultCalibrated = []string{
	"police.raid_monthly.sex_industry",
	"police.skill",
	"contact.help_seeking_at_exit.foreign",
	"contact.help_seeking_at_exit.domestic",
	"victimisation.monthly_risk.agriculture",
}

type calibrateOptions struct {
	scenario string
	data     string
	params   []string
	priors   []string
	draws    int
	accept   float64
	seed     uint64
	workers  int
	from, to string
	holdout  []int
	parent   string // what calibrated.yaml extends: a built-in name or an absolute path
	out      string
	force    bool
	quiet    bool
	// breakdowns: fit the subgroups of the figures too (origin, form, sex, age)
	breakdowns bool
}

type prior struct {
	path   string
	dist   scenarios.Dist
	lo, hi float64
	note   string
}

func cmdCalibrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o calibrateOptions
	fs := newFlags("calibrate", calibrateUsage, stdout)
	fs.StringVar(&o.scenario, "scenario", "baseline", "scenario to calibrate (built-in name or file)")
	fs.StringVar(&o.data, "data", "", "targets CSV (default: the embedded data/official.csv)")
	fs.StringSliceVar(&o.params, "params", defaultCalibrated, "parameters to fit (dotted keys)")
	fs.StringArrayVar(&o.priors, "prior", nil, "uniform prior KEY=LO:HI (repeatable); default: the scenario's distribution, or 0.5x to 2x a fixed value")
	fs.IntVar(&o.draws, "draws", 1000, "prior draws (one national replicate each)")
	fs.Float64Var(&o.accept, "accept", 0.05, "fraction of the closest draws kept")
	fs.Uint64VarP(&o.seed, "seed", "s", 1, "seed of the prior draws and the simulations")
	fs.IntVarP(&o.workers, "workers", "w", defaultWorkers(), "simulations in parallel")
	fs.StringVar(&o.from, "from", "2010-01", "first month simulated")
	fs.StringVar(&o.to, "to", "2022-12", "last month simulated")
	fs.IntSliceVar(&o.holdout, "holdout", []int{2021, 2022}, "years left out of the fit")
	fs.StringVarP(&o.out, "out", "o", filepath.Join("results", "calibration"), "output folder")
	fs.BoolVarP(&o.force, "force", "f", false, "replace an earlier calibration in --out")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print no results (warnings still go to stderr)")
	fs.BoolVar(&o.breakdowns, "breakdowns", false, "fit the figures' subgroups too (form=, origin=, sex=, age=): the contrast between the series")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("calibrate: takes no arguments (use --scenario)")
	}
	if err := checkCalibrationCounts(o.draws, o.accept); err != nil {
		return usagef("calibrate: %v", err)
	}
	if o.workers < 1 {
		return usagef("calibrate: --workers must be >= 1")
	}
	from, err1 := model.ParseMonth(o.from)
	to, err2 := model.ParseMonth(o.to)
	if err1 != nil || err2 != nil || from > to {
		return usagef("calibrate: --from and --to must be months YYYY-MM, from <= to")
	}
	sc, err := scenarios.Load(o.scenario)
	if err != nil {
		return err
	}
	o.parent = o.scenario
	if scenarios.IsPath(o.parent) {
		if abs, err := filepath.Abs(o.parent); err == nil {
			o.parent = abs
		}
	}
	targetsFile := output.FileManifest{Name: "data/official.csv (embedded)", Content: string(data.OfficialCSV)}
	if o.data != "" {
		raw, err := os.ReadFile(o.data)
		if err != nil {
			return usagef("calibrate: --data: %v", err)
		}
		targetsFile = output.FileManifest{Name: o.data, Path: o.data, Content: string(raw)}
	}
	// The inputs are checked before --out is touched: a bad --data or
	// --params is reported as such, whatever the folder holds.
	plan, err := planCalibration(o, sc, targetsFile, from, to, stderr)
	if err != nil {
		return err
	}
	release, err := claimOut(o.out, "calibrate")
	if err != nil {
		return err
	}
	if err := prepareOutFolder(o.out, o.force); err != nil {
		release(true)
		return err
	}
	err = executeCalibration(ctx, o, sc, plan, append([]string{"htsim", "calibrate"}, args...), stdout)
	release(err != nil)
	return err
}

// calibrationPlan is what a calibration fits: the priors of its parameters
// and the target figures, read and checked before anything runs.
type calibrationPlan struct {
	priors   []prior
	targets  []analysis.Target
	data     output.FileManifest
	from, to model.Month
}

// planCalibration checks sc, the calibrated parameters and the targets in
// data, and notes on stderr what of the horizon is fitted and which held-out
// years hold nothing.
func planCalibration(o calibrateOptions, sc *scenarios.Scenario, data output.FileManifest, from, to model.Month, stderr io.Writer) (*calibrationPlan, error) {
	if len(sc.Phases) != 1 {
		return nil, usagef("calibrate: %s has a policy phase; calibrate a scenario without one (baseline)", sc.Name)
	}
	priors, err := makePriors(sc, o.params, o.priors)
	if err != nil {
		return nil, err
	}
	name := data.Name
	// The figures are yearly: only the years simulated whole are fitted.
	first, last := from.Year(), to.Year()
	if from.MonthNumber() != 1 {
		first++
	}
	if to.MonthNumber() != 12 {
		last--
	}
	if first > last {
		return nil, usagef("calibrate: %s to %s holds no whole year; the figures are yearly (simulate January to December)", from, to)
	}
	if first != from.Year() || last != to.Year() {
		years := fmt.Sprintf("the whole years %d-%d are", first, last)
		if first == last {
			years = fmt.Sprintf("the whole year %d is", first)
		}
		fmt.Fprintf(stderr, "htsim: calibrate: note: only %s fitted; %s to %s covers part of a year at its ends\n", years, from, to)
	}
	targets, err := analysis.ReadTargets(strings.NewReader(data.Content), name, first, last, o.breakdowns)
	if err != nil {
		return nil, usageError{err}
	}
	fitted := 0
	heldOut := map[int]bool{}
	for i := range targets {
		for _, y := range o.holdout {
			if targets[i].Year == y {
				targets[i].Holdout = true
				heldOut[y] = true
			}
		}
		if !targets[i].Holdout {
			fitted++
		}
	}
	for _, y := range o.holdout {
		if !heldOut[y] {
			fmt.Fprintf(stderr, "htsim: calibrate: warning: --holdout %d holds out nothing: %s has no figure for that year between %d and %d\n", y, name, first, last)
		}
	}
	if fitted == 0 {
		hint := ""
		if !o.breakdowns {
			hint = " (rows of subgroups, such as form=sexual, are fitted only with --breakdowns)"
		}
		return nil, usagef("calibrate: no target figures to fit in %s between %d and %d outside the held-out years%s", name, first, last, hint)
	}
	return &calibrationPlan{priors: priors, targets: targets, data: data, from: from, to: to}, nil
}

// executeCalibration fits sc's parameters to the targets of plan and writes
// the calibration folder o.out, manifest included. It is what calibrate runs
// once its flags are checked, and what reproduce reruns from a manifest.
func executeCalibration(ctx context.Context, o calibrateOptions, sc *scenarios.Scenario, plan *calibrationPlan, command []string, stdout io.Writer) error {
	priors, targets, data, from, to := plan.priors, plan.targets, plan.data, plan.from, plan.to
	draws, err := runCalibration(ctx, sc, priors, targets, o, from, to)
	if err != nil {
		return err
	}
	accepted := analysis.Accept(draws, o.accept)
	var post []analysis.Posterior
	for k, p := range priors {
		post = append(post, analysis.Summarise(p.path, k, p.lo, p.hi, accepted))
	}
	fit := analysis.Fit(targets, accepted)
	// An earlier calibration's manifest goes first and the new one is written
	// last: a folder with a manifest holds one complete calibration.
	if err := os.Remove(filepath.Join(o.out, "manifest.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := writeCalibration(o, sc, priors, post, accepted, fit, data.Name, len(draws)); err != nil {
		return err
	}
	m := output.NewManifest(command, []*scenarios.Scenario{sc})
	m.Seed, m.Replicates, m.From, m.To = o.seed, o.draws, from.String(), to.String()
	data.SHA256 = fmt.Sprintf("%x", sha256.Sum256([]byte(data.Content)))
	m.Calibration = &output.Calibration{Parent: o.parent, Data: data, Params: o.params, Priors: o.priors,
		Draws: o.draws, Accept: o.accept, Holdout: o.holdout, Breakdowns: o.breakdowns, Files: calibrationFiles}
	m.Note = "htsim reproduce reruns this calibration from the recorded scenario and targets files and compares its files byte for byte; the number of workers does not matter."
	if err := m.Write(o.out); err != nil {
		return err
	}
	if o.quiet {
		return nil
	}
	return printCalibration(stdout, post, fit, len(draws), len(accepted), o.out)
}

// checkCalibrationCounts checks the number of draws and the accepted fraction.
func checkCalibrationCounts(draws int, accept float64) error {
	if draws < 10 || draws > 10_000_000 {
		return fmt.Errorf("--draws must be between 10 and 10000000, got %d", draws)
	}
	if !(accept > 0 && accept <= 1) {
		return fmt.Errorf("--accept must be in (0, 1], got %g", accept)
	}
	return nil
}

// makePriors resolves each calibrated parameter's prior.
func makePriors(sc *scenarios.Scenario, paths, flags []string) ([]prior, error) {
	given := map[string][2]float64{}
	for _, f := range flags {
		key, rng, ok := strings.Cut(f, "=")
		lo, hi, ok2 := strings.Cut(rng, ":")
		a, e1 := strconv.ParseFloat(lo, 64)
		b, e2 := strconv.ParseFloat(hi, 64)
		if !ok || !ok2 || e1 != nil || e2 != nil || !(a < b) {
			return nil, usagef("calibrate: --prior %q must be KEY=LO:HI with LO < HI", f)
		}
		given[key] = [2]float64{a, b}
	}
	for key := range given {
		if !slices.Contains(paths, key) {
			return nil, usagef("calibrate: --prior %s names a parameter that is not fitted; add it to --params (fitted: %s)", key, strings.Join(paths, ", "))
		}
	}
	var out []prior
	seen := map[string]bool{}
	for _, path := range paths {
		if seen[path] {
			return nil, usagef("calibrate: parameter %s listed twice", path)
		}
		seen[path] = true
		idx := -1
		for i, l := range scenarios.Schema {
			if l.Path == path {
				idx = i
				if l.Kind == scenarios.KindBool || l.Kind == scenarios.KindSeries {
					return nil, usagef("calibrate: %s is not a numeric parameter", path)
				}
			}
		}
		if idx < 0 {
			return nil, usagef("calibrate: unknown parameter %q (a dotted key as in scenarios/baseline.yaml)", path)
		}
		kind := scenarios.Schema[idx].Kind
		d := sc.Phases[0].Params[idx].Dist
		p := prior{path: path}
		switch {
		case given[path] != [2]float64{}:
			r := given[path]
			p.dist = scenarios.Dist{Kind: "uniform", Min: r[0], Max: r[1]}
			p.note = "uniform prior from --prior"
		case d.Uncertain():
			p.dist = d
			p.note = "prior: the scenario's distribution " + d.String()
		default:
			lo, hi := d.Value/2, d.Value*2
			if kind == scenarios.KindProb {
				hi = math.Min(hi, 1)
			}
			if !(lo < hi) {
				return nil, usagef("calibrate: %s is fixed at %g; give a range with --prior %s=LO:HI", path, d.Value, path)
			}
			p.dist = scenarios.Dist{Kind: "uniform", Min: lo, Max: hi}
			p.note = fmt.Sprintf("prior: uniform from half to twice the scenario's value %g (assumption)", d.Value)
		}
		p.lo, p.hi = p.dist.Support()
		if !scenarioKindOK(kind, p.lo, p.hi) {
			return nil, usagef("calibrate: prior [%g, %g] of %s is outside the allowed range for it", p.lo, p.hi, path)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, usagef("calibrate: name at least one parameter with --params")
	}
	return out, nil
}

func scenarioKindOK(k scenarios.Kind, lo, hi float64) bool {
	switch k {
	case scenarios.KindProb:
		return lo >= 0 && hi <= 1
	case scenarios.KindMonths:
		return lo >= 1
	}
	return lo >= 0
}

// runCalibration draws parameter sets from the priors and simulates one replicate for each.
func runCalibration(ctx context.Context, sc *scenarios.Scenario, priors []prior, targets []analysis.Target, o calibrateOptions, from, to model.Month) ([]analysis.Draw, error) {
	rng := rand.New(rand.NewPCG(o.seed, 0x616263)) // "abc"
	sweep := make([]scenarios.SweepParam, len(priors))
	for k, p := range priors {
		sweep[k] = scenarios.SweepParam{Path: p.path}
	}
	values := make([][]float64, o.draws)
	for i := range values {
		values[i] = make([]float64, len(priors))
		for k, p := range priors {
			values[i][k] = p.dist.Sample(rng)
		}
	}
	draws := make([]analysis.Draw, o.draws)
	err := sim.RunJobs(ctx, o.draws, o.workers, func(i int, scratch *sim.Scratch) (*sim.Result, error) {
		cfg := &sim.Config{Scenario: scenarios.WithPoint(sc, sweep, values[i]), From: from, To: to, Seed: o.seed}
		return sim.RunReplicate(cfg, i, scratch)
	}, func(i int, res *sim.Result) error {
		sims := make([]float64, len(targets))
		for j, tg := range targets {
			sims[j] = analysis.Simulated(tg, res.Counts, res.FirstYear)
		}
		draws[i] = analysis.Draw{Params: values[i], Sims: sims, Distance: analysis.Distance(targets, sims)}
		return nil
	})
	return draws, err
}

// prepareOutFolder accepts a new or empty folder, or with force one holding
// only an earlier calibration (its files are replaced one by one, each
// whole, when the new calibration is done).
func prepareOutFolder(out string, force bool) error {
	entries, err := os.ReadDir(out)
	if err != nil || len(entries) == 0 {
		return nil
	}
	for _, e := range entries {
		switch e.Name() {
		case "calibrated.yaml", "posterior.csv", "fit.csv", "manifest.json":
		default:
			return usagef("calibrate: --out %s holds other files; choose another folder", out)
		}
	}
	if !force {
		return usagef("calibrate: --out %s holds an earlier calibration; choose another folder or add --force to replace it", out)
	}
	return nil
}

func writeCalibration(o calibrateOptions, sc *scenarios.Scenario, priors []prior, post []analysis.Posterior, accepted []analysis.Draw, fit []analysis.FitRow, dataName string, nDraws int) error {
	// calibrated.yaml: a child of the calibrated scenario, one triangular
	// posterior per parameter (2.5%, median, 97.5% of the accepted draws).
	var b strings.Builder
	fmt.Fprintf(&b, "# Calibrated by htsim calibrate: rejection ABC, %d prior draws, the closest %d accepted,\n", nDraws, len(accepted))
	fmt.Fprintf(&b, "# fitted to %s (held out: %v). Each distribution summarises the posterior as\n", dataName, o.holdout)
	fmt.Fprintf(&b, "# triangular(2.5%%, median, 97.5%%); posterior.csv holds the accepted draws.\n")
	fmt.Fprintf(&b, "name: calibrated\ndescription: \"%s calibrated to the official and NGO series (rejection ABC).\"\n", sc.Name)
	fmt.Fprintf(&b, "extends: %q\nparameters:\n", o.parent)
	type leaf struct {
		path string
		text string
	}
	var leaves []leaf
	for k, p := range post {
		src := fmt.Sprintf("htsim calibrate: ABC posterior (%s; seed %d)", priors[k].note, o.seed)
		var v string
		if p.P025 < p.P975 {
			v = fmt.Sprintf("{dist: triangular, min: %s, mode: %s, max: %s, source: %q}", g(p.P025), g(math.Min(math.Max(p.P50, p.P025), p.P975)), g(p.P975), src)
		} else {
			v = fmt.Sprintf("{value: %s, source: %q}", g(p.P50), src)
		}
		leaves = append(leaves, leaf{p.Path, v})
	}
	sort.Slice(leaves, func(i, j int) bool { return leaves[i].path < leaves[j].path })
	var prev []string
	for _, l := range leaves {
		parts := strings.Split(l.path, ".")
		common := 0
		for common < len(prev)-1 && common < len(parts)-1 && prev[common] == parts[common] {
			common++
		}
		for d := common; d < len(parts)-1; d++ {
			fmt.Fprintf(&b, "%s%s:\n", strings.Repeat("  ", d+1), parts[d])
		}
		fmt.Fprintf(&b, "%s%s: %s\n", strings.Repeat("  ", len(parts)), parts[len(parts)-1], l.text)
		prev = parts
	}
	if err := output.WriteFileAtomic(filepath.Join(o.out, "calibrated.yaml"), []byte(b.String())); err != nil {
		return err
	}
	// posterior.csv
	var pb bytes.Buffer
	w := csv.NewWriter(&pb)
	head := []string{"rank", "distance"}
	for _, p := range priors {
		head = append(head, p.path)
	}
	w.Write(head)
	for i, d := range accepted {
		row := []string{strconv.Itoa(i + 1), g(d.Distance)}
		for _, v := range d.Params {
			row = append(row, g(v))
		}
		w.Write(row)
	}
	w.Flush()
	if err := output.WriteFileAtomic(filepath.Join(o.out, "posterior.csv"), pb.Bytes()); err != nil {
		return err
	}
	// fit.csv
	var fb bytes.Buffer
	w = csv.NewWriter(&fb)
	w.Write([]string{"year", "quantity", "breakdown", "observed", "sim_median", "sim_p05", "sim_p95", "covered", "held_out", "source"})
	for _, r := range fit {
		w.Write([]string{strconv.Itoa(r.Year), r.Quantity, r.Breakdown, g(r.Value), g(r.SimMedian), g(r.SimP05), g(r.SimP95), strconv.FormatBool(r.Covered), strconv.FormatBool(r.Holdout), r.Source})
	}
	w.Flush()
	return output.WriteFileAtomic(filepath.Join(o.out, "fit.csv"), fb.Bytes())
}

// calibrationFiles are the files of a calibration folder besides its manifest.
var calibrationFiles = []string{"calibrated.yaml", "posterior.csv", "fit.csv"}

func g(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// coveredSubgroups counts the fitted subgroup figures, and those within range.
func coveredSubgroups(fit []analysis.FitRow) (in, n int) {
	for _, r := range fit {
		if r.Breakdown != "all" && !r.Holdout {
			n++
			if r.Covered {
				in++
			}
		}
	}
	return in, n
}

func printCalibration(w io.Writer, post []analysis.Posterior, fit []analysis.FitRow, nDraws, nAcc int, out string) error {
	fmt.Fprintf(w, "Rejection ABC: %d draws, %d accepted.\n\n", nDraws, nAcc)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "parameter\tprior\tposterior median [2.5%, 97.5%]")
	for _, p := range post {
		fmt.Fprintf(tw, "%s\t[%s, %s]\t%s [%s, %s]\n", p.Path, g(p.PriorLo), g(p.PriorHi), g(p.P50), g(p.P025), g(p.P975))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "year\tquantity\tbreakdown\tobserved\tsimulated median [5%, 95%]\tin range\tfit\t")
	var inFit, nFit, inHold, nHold int
	for _, r := range fit {
		mark := "fitted"
		if r.Holdout {
			mark = "held out"
			nHold++
			if r.Covered {
				inHold++
			}
		} else {
			nFit++
			if r.Covered {
				inFit++
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s [%s, %s]\t%v\t%s\t\n", r.Year, r.Quantity, r.Breakdown, g(r.Value), g(r.SimMedian), g(r.SimP05), g(r.SimP95), r.Covered, mark)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nobserved within the 90%% simulated range: %d of %d fitted figures, %d of %d held-out figures", inFit, nFit, inHold, nHold)
	if subIn, subN := coveredSubgroups(fit); subN > 0 {
		fmt.Fprintf(w, " (of the fitted: %d of %d totals, %d of %d subgroups)", inFit-subIn, nFit-subN, subIn, subN)
	}
	fmt.Fprintf(w, "\nwrote %s\n", out)
	return nil
}
