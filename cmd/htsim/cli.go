package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"
	"golang.org/x/term"
	"htsim/analysis"
	"htsim/internal/output"
	"htsim/internal/report"
	"htsim/model"
	"htsim/scenarios"
	"htsim/sim"
)

// Exit codes.
const (
	exitOK       = 0
	exitInternal = 1
	exitUsage    = 2
)

// usageError is an error in the command line or in an input file: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

const topUsage = `htsim simulates human-trafficking victims in Kazakhstan and what official
statistics record of them, under today's law and under policy scenarios.

Usage:
  htsim run [flags] SCENARIO...   simulate scenarios and write Parquet tables
  htsim compare [flags] OUT       paired comparison of each scenario with baseline
  htsim summarize [flags] OUT     mean, median, quantiles and recording rate across replicates
  htsim sensitivity [flags] OUT   Sobol indices (S1, ST) from a Saltelli sweep's folder
  htsim mse [flags] OUT           multiple systems estimate of unlisted victims (or --counts FILE.csv)
  htsim report [flags] OUT        charts and one HTML page of a run folder (OUT/report/index.html)
  htsim sweep [flags] FILE        run an experiment design over uncertain parameters
  htsim merge --out DEST OUT...   compact a sweep's part files (from several shards)
  htsim hypotheses [flags]        the KZ study's seven hypotheses as counterfactual experiments
  htsim calibrate [flags]         fit uncertain parameters to data/official.csv (ABC)
  htsim reproduce [flags] OUT     rerun a sweep and compare its files byte for byte
  htsim scenarios [NAME...]       list the built-in scenarios, or print their files
  htsim validate FILE...          check scenario files without running them
  htsim version                   print the code version

SCENARIO is a built-in name (see 'htsim scenarios') or a path to a YAML file.
Run 'htsim COMMAND --help' for a command's flags.
`

// Main runs the command line args and returns the exit code. It never panics.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "htsim: internal error: %v\nPlease report this with the command line you ran.\n", r)
			code = exitInternal
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, topUsage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stdout, stderr)
	case "sweep":
		err = cmdSweep(ctx, args[1:], stdout, stderr)
	case "calibrate":
		err = cmdCalibrate(ctx, args[1:], stdout, stderr)
	case "hypotheses":
		err = cmdHypotheses(ctx, args[1:], stdout, stderr)
	case "merge":
		err = cmdMerge(ctx, args[1:], stdout, stderr)
	case "reproduce":
		err = cmdReproduce(ctx, args[1:], stdout, stderr)
	case "compare":
		err = cmdCompare(ctx, args[1:], stdout, stderr)
	case "summarize":
		err = cmdSummarize(ctx, args[1:], stdout, stderr)
	case "sensitivity":
		err = cmdSensitivity(ctx, args[1:], stdout, stderr)
	case "mse":
		err = cmdMSE(ctx, args[1:], stdout, stderr)
	case "report":
		err = cmdReport(ctx, args[1:], stdout, stderr)
	case "scenarios":
		err = cmdScenarios(args[1:], stdout, stderr)
	case "validate":
		err = cmdValidate(args[1:], stdout, stderr)
	case "version":
		err = cmdVersion(args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, topUsage)
	default:
		fmt.Fprintf(stderr, "htsim: unknown command %q\n\n%s", args[0], topUsage)
		return exitUsage
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, pflag.ErrHelp):
		return exitOK
	case isUsage(err):
		fmt.Fprintf(stderr, "htsim: %v\n", err)
		return exitUsage
	case errors.Is(err, errInterrupted):
		return 130
	case errors.Is(err, errMismatch):
		fmt.Fprintf(stderr, "htsim: %v\n", err)
		return exitInternal
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "htsim: interrupted; no partial output was kept. Run the same command again to redo it.")
		return 130
	default:
		fmt.Fprintf(stderr, "htsim: %v\n", err)
		return exitInternal
	}
}

func isUsage(err error) bool {
	var u usageError
	var se *scenarios.Error
	var sl scenarios.ErrorList
	var ie *output.InputError
	return errors.As(err, &u) || errors.As(err, &se) || errors.As(err, &sl) || errors.As(err, &ie)
}

// newFlags returns a command's flag set. Its usage is printed to help only
// when asked for (--help, -h), as the command's output: to standard output,
// with exit 0. Errors in flags are returned, and reported on standard error
// by Main.
func newFlags(name, usage string, help io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(help)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprint(help, usage)
		fmt.Fprintln(help, "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		// Every unsigned flag is a 64-bit seed: pflag's "non-negative"
		// hides the upper bound from a seed of 2^64.
		if msg := err.Error(); strings.HasSuffix(msg, "must be a non-negative integer") {
			return usagef("%s from 0 to %d", strings.TrimSuffix(msg, "a non-negative integer")+"an integer", uint64(math.MaxUint64))
		}
		return usageError{err}
	}
	return nil
}

const runUsage = `Usage: htsim run [flags] SCENARIO...

Simulates each scenario's replicates and writes, under --out:
  yearly/scenario=NAME/part-00000.parquet      true and recorded counts by year and cell
  parameters/scenario=NAME/part-00000.parquet  the parameter values each replicate drew
  victims/scenario=NAME/part-00000.parquet     one row per victim spell (with --victims)
  monthly/scenario=NAME/part-00000.parquet     counts by month and cell (with --monthly)
  summary.parquet                              means and quantiles across replicates (as summarize)
  compare.parquet                              paired differences (with --compare, as compare)
  manifest.json                                code version, scenario files, parameters, seed
Then prints true against recorded counts with 90% intervals across replicates.
The output is byte-identical for the same scenarios, seed and code, whatever --workers,
and on any machine or architecture when built with make build (htsim version says so).
While it runs, --out/.htsim-partial keeps each finished replicate: an interrupted run
(Ctrl-C, a killed job) resumes with the same command and --resume, and its files are then
byte-identical to an uninterrupted run's. (A --force run over earlier output is staged
beside --out and does not resume.)
`

type runOptions struct {
	replicates int
	seed       uint64
	workers    int
	out        string
	from, to   string
	victims    bool
	monthly    bool
	quiet      bool
	force      bool
	resume     bool
	compare    bool
	cmp        compareOptions
	// rerun: the run is reproduce's, into a scratch folder removed at its end,
	// so an interruption keeps nothing to resume.
	rerun bool
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o runOptions
	fs := newFlags("run", runUsage, stdout)
	fs.IntVarP(&o.replicates, "replicates", "n", 100, "replicates per scenario (Monte Carlo draws of parameters and events)")
	fs.Uint64VarP(&o.seed, "seed", "s", 1, "master seed (an integer from 0 to 18446744073709551615)")
	fs.IntVarP(&o.workers, "workers", "w", runtime.NumCPU(), "replicates simulated in parallel")
	fs.StringVarP(&o.out, "out", "o", "results", "output folder")
	fs.StringVar(&o.from, "from", "", "first month recorded, YYYY-MM (default: the scenario's, 2010-01)")
	fs.StringVar(&o.to, "to", "", "last month recorded, YYYY-MM (default: the scenario's, 2030-12)")
	fs.BoolVar(&o.victims, "victims", false, "also write one row per victim spell (large: use few replicates)")
	fs.BoolVar(&o.monthly, "monthly", false, "also write the counts of every month (OUT/monthly: 12 times the yearly table's rows)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print no progress and no table")
	fs.BoolVarP(&o.force, "force", "f", false, "replace htsim output already in --out, once the new run is complete")
	fs.BoolVar(&o.resume, "resume", false, "finish an interrupted run in --out (the same command, with --resume)")
	fs.BoolVar(&o.compare, "compare", false, "after the run, compare each scenario with --against (as htsim compare)")
	fs.StringVar(&o.cmp.against, "against", "baseline", "with --compare: the scenario to compare against")
	fs.StringVar(&o.cmp.format, "format", "table", "with --compare: table, csv or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("run: name at least one scenario (built-in: %s)", strings.Join(scenarios.BuiltinNames(), ", "))
	}
	if o.replicates < 1 || o.replicates > 1_000_000 {
		return usagef("run: --replicates must be between 1 and 1000000, got %d", o.replicates)
	}
	if o.workers < 1 || o.workers > 4096 {
		return usagef("run: --workers must be between 1 and 4096, got %d", o.workers)
	}
	if o.out == "" {
		return usagef("run: --out must name a folder")
	}
	if o.resume && o.force {
		return usagef("run: --resume finishes an interrupted run and --force starts over: give one")
	}
	if !o.compare {
		for _, name := range []string{"against", "format"} {
			if fs.Changed(name) {
				return usagef("run: --%s applies to the comparison: add --compare", name)
			}
		}
	}
	if err := o.cmp.check("run"); err != nil {
		return err
	}
	// Load and check everything before touching the output folder.
	var scs []*scenarios.Scenario
	seen := map[string]string{}
	for _, arg := range fs.Args() {
		if isSweepFile(arg) {
			return usagef("run: %s is a sweep file (it has a top-level design: or scenarios: key); run it with htsim sweep %s", arg, arg)
		}
		sc, err := scenarios.Load(arg)
		if err != nil {
			return err
		}
		if prev, dup := seen[sc.Name]; dup && sameScenarioFile(prev, arg) {
			return usagef("run: scenario %s is listed twice (%s and %s); give each scenario once", sc.Name, prev, arg)
		} else if dup {
			return usagef("run: two scenarios are named %q (%s and %s); names must differ", sc.Name, prev, arg)
		}
		seen[sc.Name] = arg
		scs = append(scs, sc)
		for _, w := range scenarioWarnings(arg, sc) {
			fmt.Fprintf(stderr, "htsim: run: warning: %s\n", w)
		}
	}
	from, to, err := horizon(o, scs)
	if err != nil {
		return err
	}
	// A scenario whose every later phase starts after the horizon changes
	// nothing recorded. One that starts before it is in force throughout
	// (the law since 2020, amended-2020, in a run from 2024): its comparisons
	// span the horizon. (Its own policy month may come after the horizon
	// while a parent's phase does not: amended-2023 to 2022.)
	for _, sc := range scs {
		if _, ok := sc.PolicyFrom(); ok && len(sc.Phases) > 1 && sc.Phases[1].From > to {
			return usagef("run: scenario %s changes nothing before %s, after the horizon %s to %s: it would change nothing recorded", sc.Name, sc.Phases[1].From, from, to)
		}
	}
	if o.compare {
		if !seenName(scs, o.cmp.against) {
			return usagef("run: --compare needs scenario %q among those run (or set --against)", o.cmp.against)
		}
		if len(scs) < 2 {
			return usagef("run: --compare needs at least two scenarios")
		}
	}
	command := append([]string{"htsim"}, os.Args[1:]...)
	if len(os.Args) > 0 && !strings.HasSuffix(os.Args[0], "htsim") && !strings.HasSuffix(os.Args[0], "htsim.exe") {
		command = append([]string{"htsim", "run"}, args...)
	}
	return executeRun(ctx, o, scs, from, to, command, stdout, stderr)
}

// executeRun simulates checked scenarios over the horizon from-to and writes
// the run's files into o.out (see runUsage); command is recorded in the
// manifest. htsim reproduce calls it to redo a recorded run.
func executeRun(ctx context.Context, o runOptions, scs []*scenarios.Scenario, from, to model.Month, command []string, stdout, stderr io.Writer) error {
	// dest is o.out, or with --force over an earlier run a folder beside it
	// that replaces the earlier run's files only once the new run is whole.
	dest, release, err := prepareOut(o.out, o.force, o.resume)
	if err != nil {
		return err
	}
	replaced := false // the forced run's files are in o.out
	defer func() { release(replaced) }()
	if dest != o.out {
		// Removed on failure or interruption; gone already once committed,
		// and kept (dest cleared) if committing failed half-way.
		defer func() {
			if dest != "" {
				os.RemoveAll(dest)
			}
		}()
	}
	manifest := output.NewManifest(command, scs)
	manifest.Seed, manifest.Replicates, manifest.From, manifest.To, manifest.Victims = o.seed, o.replicates, from.String(), to.String(), o.victims
	manifest.Monthly = o.monthly
	manifest.Tables = []string{"yearly", "parameters"}
	if o.victims {
		manifest.Tables = append(manifest.Tables, "victims")
	}
	if o.monthly {
		manifest.Tables = append(manifest.Tables, "monthly")
	}

	reps := make([]int, o.replicates)
	for i := range reps {
		reps[i] = i
	}
	// The replicates finished so far are kept in dest (not in a --force
	// run's staging folder, which an interruption removes).
	var ck *checkpoint
	done := 0
	if dest == o.out {
		if o.resume {
			ck, done, err = openCheckpoint(dest, manifest, len(scs))
		} else {
			ck, err = newCheckpoint(dest, manifest, len(scs))
		}
		if err != nil {
			return err
		}
		defer ck.release()
		done = min(done, o.replicates)
	}
	var bar *progressbar.ProgressBar
	if !o.quiet && isTerminal(stderr) {
		bar = newProgress(stderr, o.replicates*len(scs), "simulating")
	}
	// One writer per scenario; RunScenarios emits each scenario's replicates in order.
	var cfgs []*sim.Config
	writers := map[string]*output.ScenarioWriter{}
	summary := map[string]*analysis.RunSummary{}
	var sums []*analysis.RunSummary
	abort := func() {
		for _, w := range writers {
			w.Abort()
		}
	}
	for _, sc := range scs {
		cfgs = append(cfgs, &sim.Config{Scenario: sc, From: from, To: to, Seed: o.seed, KeepVictims: o.victims, Monthly: o.monthly})
		w, err := output.NewScenarioWriter(dest, sc, output.Run{From: from, To: to, Victims: o.victims, Monthly: o.monthly})
		if err != nil {
			abort()
			return fmt.Errorf("opening output for %s: %w", sc.Name, err)
		}
		writers[sc.Name] = w
		summary[sc.Name] = analysis.NewRunSummary(sc.Name, from, to)
		sums = append(sums, summary[sc.Name])
	}
	totals := map[string]analysis.Totals{}
	for _, sc := range scs {
		totals[sc.Name] = analysis.Totals{}
	}
	use := func(res *sim.Result) error {
		summary[res.Scenario].Add(res)
		t := totals[res.Scenario]
		for y := 0; y < len(res.Counts)/sim.CellsPerYear; y++ {
			for c := 0; c < sim.CellsPerYear; c++ {
				t.Add(res.Replicate, res.FirstYear+y, res.Counts.At(y, c))
			}
		}
		if bar != nil {
			bar.Add(1)
		}
		return writers[res.Scenario].Write(res)
	}
	// A resumed run first replays the replicates kept, in order.
	for rep := 0; rep < done && err == nil; rep++ {
		kept, lerr := ck.load(rep)
		if lerr != nil {
			// Damaged (a disk error, an edit): simulate it and the rest again.
			fmt.Fprintf(stderr, "htsim: warning: a kept replicate is unreadable (%v); replicates %d to %d are simulated again\n", lerr, rep, o.replicates-1)
			done = rep
			break
		}
		for _, res := range kept {
			if err = use(res); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = sim.RunScenarios(ctx, cfgs, reps[done:], o.workers, func(res *sim.Result) error {
			if ck != nil {
				if err := ck.add(res); err != nil {
					return err
				}
			}
			return use(res)
		})
	}
	if err == nil {
		// Interrupted once every replicate was under way: they all finish
		// (and are kept), but the run stops here instead of writing its
		// tables for seconds after Ctrl-C (a review found it ignored).
		err = ctx.Err()
	}
	if err != nil {
		abort()
		if errors.Is(err, context.Canceled) && dest != o.out {
			fmt.Fprintf(stderr, "htsim: interrupted; no partial output was kept, and the earlier output in %s is unchanged. Run the same command again to redo it.\n", o.out)
			return errInterrupted
		}
		if o.rerun {
			return err // reproduce's scratch folder is removed: nothing to resume
		}
		if errors.Is(err, context.Canceled) && ck != nil {
			fmt.Fprintf(stderr, "htsim: interrupted; the replicates finished are kept in %s: run the same command with --resume to finish the run.\n", filepath.Join(o.out, partialDir))
			return errInterrupted
		}
		if ck != nil && !isUsage(err) {
			return fmt.Errorf("%w (the replicates finished are kept in %s: once this is mended, the same command with --resume finishes the run)", err, filepath.Join(o.out, partialDir))
		}
		return err
	}
	for _, sc := range scs {
		if err := writers[sc.Name].Close(); err != nil {
			abort()
			return fmt.Errorf("writing output for %s: %w", sc.Name, err)
		}
	}
	if bar != nil {
		bar.Finish()
	}
	manifest.YearlySHA256 = map[string]string{}
	for _, sc := range scs {
		sum, err := fileHash(output.TablePath(dest, "yearly", sc.Name))
		if err != nil {
			return fmt.Errorf("hashing the yearly table of %s: %w", sc.Name, err)
		}
		manifest.YearlySHA256[sc.Name] = sum
	}
	if err := manifest.Write(dest); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	// summary.parquet from the totals in memory, in scenario name order as htsim summarize writes it.
	names := make([]string, 0, len(scs))
	for _, sc := range scs {
		names = append(names, sc.Name)
	}
	sort.Strings(names)
	var ss []analysis.Summary
	for _, name := range names {
		rows, err := analysis.Summarize(name, totals[name], analysis.SummaryPeriods(from, to))
		if err != nil {
			return err
		}
		ss = append(ss, rows...)
	}
	if err := output.WriteSummary(dest, ss); err != nil {
		return fmt.Errorf("writing summary.parquet: %w", err)
	}
	// The comparison is part of the run: written before the kept replicates
	// go and before a forced run replaces the earlier one, so that an
	// interruption here leaves a run to resume, not one without its
	// compare.parquet (a review lost it that way). Its table is printed
	// after the run's.
	var cmpText bytes.Buffer
	if o.compare {
		w := io.Writer(&cmpText)
		if o.quiet && o.cmp.format == "table" {
			w = io.Discard
		}
		if err := compareOut(ctx, dest, o.cmp, w, totals); err != nil {
			switch {
			case errors.Is(err, context.Canceled) && ck != nil:
				fmt.Fprintf(stderr, "htsim: interrupted; the replicates finished are kept in %s: run the same command with --resume to finish the run.\n", filepath.Join(o.out, partialDir))
				return errInterrupted
			case errors.Is(err, context.Canceled) && dest != o.out:
				fmt.Fprintf(stderr, "htsim: interrupted; no partial output was kept, and the earlier output in %s is unchanged. Run the same command again to redo it.\n", o.out)
				return errInterrupted
			case ck != nil && !isUsage(err):
				return fmt.Errorf("%w (the replicates finished are kept in %s: once this is mended, the same command with --resume finishes the run)", err, filepath.Join(o.out, partialDir))
			}
			return err
		}
	}
	if ck != nil {
		if err := ck.remove(); err != nil {
			fmt.Fprintf(stderr, "htsim: warning: the run is complete but %s could not be removed: %v\n", ck.dir, err)
		}
	}
	if dest != o.out {
		if err := replaceRun(o.out, dest); err != nil {
			staged := dest
			dest = "" // keep what was not moved
			return fmt.Errorf("%w (the new run's files not yet moved are in %s)", err, staged)
		}
		replaced = true
	}
	if !o.quiet {
		if err := analysis.WriteTable(stdout, sums); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", o.out)
	}
	if cmpText.Len() > 0 {
		if !o.quiet {
			fmt.Fprintln(stdout)
		}
		_, err := stdout.Write(cmpText.Bytes())
		return err
	}
	return nil
}

func seenName(scs []*scenarios.Scenario, name string) bool {
	for _, s := range scs {
		if s.Name == name {
			return true
		}
	}
	return false
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// horizon resolves the recorded months from the flags and the scenarios.
func horizon(o runOptions, scs []*scenarios.Scenario) (from, to model.Month, err error) {
	from, to = scs[0].From, scs[0].To
	for _, sc := range scs[1:] {
		if sc.From != from || sc.To != to {
			if o.from == "" || o.to == "" {
				return 0, 0, usagef("run: scenarios %s and %s have different horizons; set --from and --to", scs[0].Name, sc.Name)
			}
		}
	}
	if o.from != "" {
		if from, err = model.ParseMonth(o.from); err != nil {
			return 0, 0, usagef("run: --from: %v", err)
		}
	}
	if o.to != "" {
		if to, err = model.ParseMonth(o.to); err != nil {
			return 0, 0, usagef("run: --to: %v", err)
		}
	}
	if from > to {
		return 0, 0, usagef("run: --from %s is after --to %s", from, to)
	}
	if to.Year()-from.Year() > 200 {
		return 0, 0, usagef("run: a horizon of more than 200 years (%s to %s) is not supported", from, to)
	}
	return from, to, nil
}

// prepareOut makes sure out can receive a run and returns the folder to
// write it into. A new or empty out is written directly. An earlier htsim
// run in out is replaced only with force, and then the run is written into a
// new folder beside out (same file system), which replaceRun moves into out
// once it is complete: an interrupted or failed run leaves the earlier one
// as it was.
func prepareOut(out string, force, resume bool) (dest string, release func(replaced bool), err error) {
	release = func(bool) {}
	info, err := os.Stat(out)
	if errors.Is(err, os.ErrNotExist) {
		if resume {
			return "", release, usagef("run: --resume: %s does not exist: there is no interrupted run to finish", out)
		}
		// Made now, to be locked like any other: a calibration or sweep
		// starting into the same new folder is then refused.
		if _, err := makeOut(out); err != nil {
			return "", release, outFolderError("run", out, err)
		}
		info, err = os.Stat(out)
	}
	if err != nil { // a parent that is a file, a folder it may not read
		return "", release, outFolderError("run", out, err)
	}
	if !info.IsDir() {
		return "", release, usagef("run: --out %s exists and is not a folder", out)
	}
	// Every run holds the folder's lock until it is over, as calibrations,
	// merges and starting sweeps do: a plain run took only its run lock, and
	// a calibration or sweep started beside it wrote into the same folder
	// (a review: the run's manifest replaced, or the two tables mixed).
	unlockOut, busy, err := lockDir(out, false, false)
	if busy || errors.Is(err, errDirGone) {
		if runBusy(out) {
			return "", release, errRunBusy(out)
		}
		return "", release, errOutBusy("run", out)
	}
	if err != nil && !errors.Is(err, errNoLock) {
		return "", release, err
	}
	release = func(bool) { unlockOut() }
	fail := func(err error) (string, func(bool), error) {
		unlockOut()
		return "", func(bool) {}, err
	}
	if err := canWrite(out); err != nil {
		return fail(outFolderError("run", out, err))
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return fail(err)
	}
	if runBusy(out) { // resumed, forced or not: its files would be mixed or removed
		return fail(errRunBusy(out))
	}
	// A lock folder alone, left by a forced run killed outright, holds no
	// interrupted run. It is removed under its lock: a run starting now
	// may have just made it, and then holds it.
	if partial := filepath.Join(out, partialDir); lockOnly(partial) {
		f, busy, _ := lockFile(filepath.Join(partial, runLockName))
		if busy {
			return fail(errRunBusy(out))
		}
		os.RemoveAll(partial)
		if f != nil {
			f.Close()
		}
		if entries, err = os.ReadDir(out); err != nil {
			return fail(err)
		}
	}
	if resume {
		return out, release, nil // openCheckpoint checks that out holds this run, interrupted
	}
	if len(entries) == 0 {
		return out, release, nil
	}
	if _, err := os.Stat(filepath.Join(out, partialDir)); err == nil && !force {
		command, ok := interruptedRun(out)
		if !ok {
			return fail(usagef("run: --out %s holds an interrupted run that cannot be resumed (it was stopped before recording what it computes); add --force to start over", out))
		}
		return fail(usagef("run: --out %s holds an interrupted run; add --resume to finish it with its own command (%s), or --force to start over", out, command))
	}
	if !force {
		return fail(usagef("run: --out %s is not empty; choose another folder or add --force to replace the htsim output in it", out))
	}
	// htsim's own: a run or sweep, an interrupted run, or what calibrate and
	// hypotheses write into the default results folder.
	ours := false
	for _, name := range []string{"manifest.json", "yearly", partialDir, report.HypothesesName, filepath.Join("calibration", "manifest.json")} {
		if _, err := os.Stat(filepath.Join(out, name)); err == nil {
			ours = true
		}
	}
	if !ours {
		return fail(usagef("run: --out %s holds files that are not htsim output; refusing to replace them", out))
	}
	// The folder is locked for the whole forced run (above): a sweep cannot
	// start in it while the run replaces it (one did, between its manifest
	// and its lock of yearly, and the two mixed their files: review).
	if err := noSweepRunning(out); err != nil {
		return fail(err)
	}
	// The forced run takes out's run lock too, before it removes staging
	// folders: one of a live forced run would look stale. The lock lives in
	// out's partialDir and is held until the run is over, its files moved
	// into out and compared (replaceRun leaves partialDir alone). Then the
	// folder goes, still locked: an earlier interrupted run's, which the new
	// run replaces, or the one this run made; an interrupted forced run
	// keeps an earlier one as it was.
	partial := filepath.Join(out, partialDir)
	_, statErr := os.Stat(partial)
	made := errors.Is(statErr, os.ErrNotExist)
	if err := os.MkdirAll(partial, 0o755); err != nil {
		unlockOut()
		return "", release, fmt.Errorf("run: --force locks %s while it writes, and cannot: %w", out, err)
	}
	lock, busy, err := lockFile(filepath.Join(partial, runLockName))
	release = func(replaced bool) {
		if replaced || made {
			os.RemoveAll(partial)
		}
		if lock != nil {
			lock.Close()
		}
		unlockOut()
	}
	if busy { // another run holds it: the folder is that run's
		unlockOut()
		return "", func(bool) {}, errRunBusy(out)
	}
	if err != nil {
		release(false)
		return "", func(bool) {}, err
	}
	clean := filepath.Clean(out)
	// A forced run killed outright (SIGKILL) leaves its staging folder.
	// (Listed without a glob pattern: out's name may hold *, ? or [, and
	// another folder's staging folder matched by one would be removed.)
	for _, d := range output.Named(filepath.Dir(clean), "."+filepath.Base(clean)+".htsim-new-", "") {
		os.RemoveAll(d)
	}
	staged, err := os.MkdirTemp(filepath.Dir(clean), "."+filepath.Base(clean)+".htsim-new-")
	if err != nil {
		release(false)
		return "", func(bool) {}, fmt.Errorf("run: --force writes the new run beside %s and swaps it in when complete, and cannot: %w", out, err)
	}
	return staged, release, nil
}

// lockOnly reports whether dir holds the run lock file and nothing else.
func lockOnly(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 1 && entries[0].Name() == runLockName
}

// runOutputs are the files and folders of htsim output that a new run in the
// same folder replaces (a sweep's too, so that none is left beside the run,
// which reproduce would then take for part of it). A calibration's files go
// too, but only from a folder whose manifest is a calibration's
// (calibrationOutputs).
var runOutputs = []string{"yearly", "parameters", "victims", "monthly", "manifest.json", "compare.parquet", "summary.parquet",
	"report", "design.parquet", "sensitivity.parquet", partialDir}

// calibrationOutputs are the calibration files a run replacing the folder
// out removes: those of calibrationFiles if out's manifest records a
// calibration, except any the new run in staged read as a scenario file (a
// user's calibrated.yaml run from the folder it is in). A fit.csv of the
// user's own beside an ordinary run stays (a review found both removed).
func calibrationOutputs(out, staged string) []string {
	if m, err := output.ReadManifest(out); err != nil || m.Calibration == nil {
		return nil
	}
	// Compared as files, not paths: a folder reached through a symbolic
	// link (a scratch link, macOS's /tmp) names the same file otherwise.
	var read []os.FileInfo
	if m, err := output.ReadManifest(staged); err == nil {
		for _, sc := range m.Scenarios {
			for _, f := range sc.Files {
				if info, err := os.Stat(f.Path); f.Path != "" && err == nil {
					read = append(read, info)
				}
			}
		}
	}
	var names []string
	for _, name := range calibrationFiles {
		info, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			continue // gone already
		}
		if !slices.ContainsFunc(read, func(r os.FileInfo) bool { return os.SameFile(r, info) }) {
			names = append(names, name)
		}
	}
	return names
}

// replaceRun moves the complete run in staged into out, in place of the
// earlier run's outputs; other files in out stay.
// No sweep can be writing there: prepareOut refused a running one, and the
// run holds the folder's lock, under which sweeps start.
func replaceRun(out, staged string) error {
	for _, name := range append(calibrationOutputs(out, staged), runOutputs...) {
		if name == partialDir {
			continue // it holds the run lock; the run removes it when it is over (prepareOut)
		}
		if name == "report" {
			if err := removeReport(filepath.Join(out, name)); err != nil {
				return err
			}
			continue
		}
		if err := os.RemoveAll(filepath.Join(out, name)); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(staged)
	if err != nil {
		return err
	}
	// The manifest goes last: a folder whose move was cut short (a crash, a
	// full disk) has no manifest, which every command reading it refuses,
	// instead of one that vouches for tables not all there.
	var names []string
	for _, e := range entries {
		if e.Name() != "manifest.json" {
			names = append(names, e.Name())
		}
	}
	for _, name := range append(names, "manifest.json") {
		if err := os.Rename(filepath.Join(staged, name), filepath.Join(out, name)); err != nil {
			return fmt.Errorf("moving the new run into %s: %w", out, err)
		}
	}
	return os.Remove(staged)
}

// removeReport removes the files htsim report wrote in dir, and dir if
// nothing else is left: a user's notes kept there stay, as they do beside
// the run.
func removeReport(dir string) error {
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return nil // a file or a link of the user's named report: theirs
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	kept := 0
	for _, e := range entries {
		if !report.Owned(e.Name(), e.Type()) {
			kept++
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	if kept > 0 {
		return nil
	}
	return os.Remove(dir)
}

// noSweepRunning refuses to replace a folder in which a sweep writes its
// part files now (each sweep holds a shared lock of its yearly folder).
func noSweepRunning(out string) error {
	if _, err := os.Stat(filepath.Join(out, "yearly")); err != nil {
		return nil
	}
	unlock, busy, err := lockDir(filepath.Join(out, "yearly"), false, false)
	unlock()
	if busy {
		return errSweepRunning(out)
	}
	if errors.Is(err, errNoLock) || errors.Is(err, errDirGone) {
		return nil
	}
	return err
}

// errSweepRunning is the refusal of a forced run into a running sweep's folder.
func errSweepRunning(out string) error {
	return usagef("run: --out %s holds a sweep that is running now; --force would delete its files: wait for it to finish, or choose another folder", out)
}

func cmdVersion(args []string, stdout io.Writer) error {
	fs := newFlags("version", "Usage: htsim version\n\nPrints htsim's version, the source revision it was built from (with (modified)\nif the tree had uncommitted changes), the Go version and platform, and whether\nthe build writes portable Parquet (the same bytes on every machine: make build\nuses -tags "+output.PortableTags+").\n", stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version: takes no arguments")
	}
	v, rev, mod := output.BuildInfo()
	_, portable := output.Portable()
	enc := "portable encoding"
	if !portable {
		enc = "not portable encoding: built without -tags " + output.PortableTags + " (use make build)"
	}
	fmt.Fprintf(stdout, "htsim %s %s%s %s %s/%s, %s\n", v, rev, map[bool]string{true: " (modified)"}[mod], runtime.Version(), runtime.GOOS, runtime.GOARCH, enc)
	return nil
}

const scenariosUsage = `Usage: htsim scenarios [NAME...]

Lists the built-in scenarios, one a line: name, the scenario it extends and
the month its changes start ("-" for none), and its description (the name
first, so that scripts can take the first field). With names, prints those
scenarios' files as built into htsim, to copy and edit (save the copy under
another name: a file named like a built-in is compared as if it were the
built-in).
`

func cmdScenarios(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scenarios", scenariosUsage, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		var files [][]byte // all checked before any is printed
		for _, name := range fs.Args() {
			data, ok := scenarios.BuiltinBytes(name)
			if !ok {
				return usagef("scenarios: no built-in scenario %q (built-in: %s)", name, strings.Join(scenarios.BuiltinNames(), ", "))
			}
			if fs.NArg() > 1 {
				data = append([]byte("# ---- "+name+".yaml\n"), data...)
			}
			files = append(files, data)
		}
		for _, data := range files {
			stdout.Write(data)
		}
		return nil
	}
	for _, name := range scenarios.BuiltinNames() {
		sc, err := scenarios.Load(name)
		if err != nil {
			return fmt.Errorf("built-in scenario %s: %w", name, err)
		}
		own := sc.Files[len(sc.Files)-1]
		parent, from := "-", "-"
		if own.Extends != "" {
			parent = own.Extends
		}
		if m, ok := sc.PolicyFrom(); ok {
			from = m.String()
		}
		fmt.Fprintf(stdout, "%-18s %-14s %-8s %s\n", name, parent, from, sc.Description)
	}
	return nil
}

// sameScenarioFile reports whether two scenario arguments name the same
// scenario: the same built-in name, or paths to the same file.
func sameScenarioFile(a, b string) bool {
	if a == b {
		return true
	}
	if !scenarios.IsPath(a) || !scenarios.IsPath(b) {
		return false
	}
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// isSweepFile reports whether a file is a sweep file: it has a top-level
// design: or scenarios: key, which no scenario file has.
func isSweepFile(path string) bool {
	if !scenarios.IsPath(path) {
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil || len(data) > scenarios.MaxFileBytes {
		return false
	}
	return sweepKeyRE.Match(data)
}

var sweepKeyRE = regexp.MustCompile(`(?m)^(design|scenarios):`)

func cmdValidate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", "Usage: htsim validate FILE...\n\nChecks scenario files (or built-in names) and sweep files (those with a\ntop-level design: or scenarios: key) without running them.\nPrints OK or every problem found; exits 2 if any file is invalid.\n", stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("validate: name at least one scenario file")
	}
	bad := 0
	for _, arg := range fs.Args() {
		if isSweepFile(arg) {
			sw, err := scenarios.LoadSweep(arg)
			if err != nil {
				bad++
				fmt.Fprintln(stderr, err)
				continue
			}
			fmt.Fprintf(stdout, "%s: OK (sweep %s: %s design, %d points x %d replicates over %d scenario(s))\n", arg, sw.Name, sw.Design, sw.NumPoints(), sw.Replicates, len(sw.Scenarios))
			continue
		}
		sc, err := scenarios.Load(arg)
		if err != nil {
			bad++
			fmt.Fprintln(stderr, err)
			continue
		}
		fmt.Fprintf(stdout, "%s: OK (%s)\n", arg, scenarioSummary(sc))
		for _, w := range scenarioWarnings(arg, sc) {
			fmt.Fprintf(stderr, "htsim: validate: warning: %s\n", w)
		}
	}
	if bad > 0 {
		return usagef("validate: %d of %d files invalid", bad, fs.NArg())
	}
	return nil
}
