package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"htsim/internal/output"
	"htsim/internal/report"
	"htsim/model"
	"htsim/scenarios"
)

const mergeUsage = `Usage: htsim merge --out DEST OUT...

Compacts the part files of one sweep, possibly spread over several folders
(one per shard), into DEST: one yearly/scenario=NAME/part-00000.parquet per
scenario, with design.parquet and manifest.json. Every folder must hold the same
sweep; a chunk present in two folders must be identical; a missing chunk is an
error unless --partial.
`

func cmdMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("merge", mergeUsage, stdout)
	dest := fs.StringP("out", "o", "", "destination folder (new or empty)")
	partial := fs.Bool("partial", false, "merge even if some chunks are missing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dest == "" || fs.NArg() == 0 {
		return usagef("merge: give --out DEST and at least one sweep folder")
	}
	srcs := fs.Args()
	var m *output.SweepManifest
	for _, src := range srcs {
		sm, err := readSweepManifest(src)
		if err != nil {
			return usagef("merge: %s is not a sweep output folder (%v)", src, err)
		}
		if m != nil && sm.SweepFile.SHA256 != m.SweepFile.SHA256 {
			return usagef("merge: %s holds another sweep than %s", src, srcs[0])
		}
		if m != nil && sm.Chunk != m.Chunk {
			return usagef("merge: %s holds the same sweep as %s with another --chunk (%d jobs per file, not %d); its files cannot be combined: rerun the shards with one --chunk", src, srcs[0], sm.Chunk, m.Chunk)
		}
		if m != nil && sm.Monthly != m.Monthly {
			return usagef("merge: %s and %s hold the same sweep, one with --monthly and one without; rerun the shards with one choice", src, srcs[0])
		}
		if m != nil && (sm.Revision != m.Revision || sm.PortableEncoding != m.PortableEncoding) {
			return usagef("merge: %s and %s hold the same sweep written by different builds (code revision %q and %q, portable encoding %v and %v); their files need not agree: rerun the shards with one build", src, srcs[0], sm.Revision, m.Revision, sm.PortableEncoding, m.PortableEncoding)
		}
		if m == nil {
			m = sm
		}
	}
	perScen := (m.Points*m.Replicates + m.Chunk - 1) / m.Chunk
	for _, src := range srcs {
		for _, sc := range m.Scenarios {
			if _, err := os.Stat(output.TablePath(src, "yearly", sc.Name)); err == nil {
				return usagef("merge: %s is already merged (it holds %s): a merged sweep folder needs no merge", src, output.TablePath(src, "yearly", sc.Name))
			}
		}
	}
	tables := output.ChunkTables(m.Monthly)
	// The chunks finished in some folder, by scenario: the monthly table
	// merges only these (a monthly file without its yearly one, left by a
	// sweep killed between the two, would add jobs the yearly table lacks).
	finished := map[string]map[int]bool{}
	for _, sc := range m.Scenarios {
		missing := 0
		finished[sc.Name] = map[int]bool{}
		for k := 0; k < perScen; k++ {
			found := false
			for _, src := range srcs {
				if _, err := os.Stat(output.ChunkPath(src, sc.Name, k)); err == nil {
					found = true
					finished[sc.Name][k] = true
					// A finished chunk has its monthly part file (written first).
					if _, err := os.Stat(output.TableChunkPath(src, "monthly", sc.Name, k)); m.Monthly && err != nil {
						return usagef("merge: %s lacks the monthly part file of chunk %d of %s, which its yearly one implies; rerun that shard with --resume, which redoes the chunk", src, k, sc.Name)
					}
				}
			}
			if !found {
				missing++
			}
		}
		if missing > 0 && !*partial {
			return usagef("merge: scenario %s lacks %d of %d chunks; finish the sweep (htsim sweep --resume, or run its missing shards), or add --partial", sc.Name, missing, perScen)
		}
	}
	// The merge is built in a staging folder inside DEST, held under a lock,
	// and moved into place when complete: DEST appears whole or not at all,
	// and a merge that was killed leaves only the staging folder, which the
	// next one removes.
	release, err := claimOut(*dest, "merge")
	if err != nil {
		return err
	}
	ok := false
	defer func() { release(!ok) }()
	staging := filepath.Join(*dest, mergeStaging)
	entries, err := os.ReadDir(*dest)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() != mergeStaging {
			return usagef("merge: --out %s is not empty", *dest)
		}
	}
	defer func() {
		if !ok {
			os.RemoveAll(staging) // before release, which removes the folders it made
		}
	}()
	if err := os.RemoveAll(staging); err != nil { // left by a merge that was killed
		return err
	}
	if err := os.Mkdir(staging, 0o755); err != nil {
		return err
	}
	var report []string
	for _, sc := range m.Scenarios {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, table := range tables {
			n, err := output.MergeParts(srcs, table, sc.Name, output.TablePath(staging, table, sc.Name), finished[sc.Name], perScen, m.Chunk, m.Replicates)
			if err != nil {
				return err
			}
			report = append(report, fmt.Sprintf("%s: merged %d %s chunk files", sc.Name, n, table))
		}
	}
	for _, f := range []string{"design.parquet", "manifest.json"} {
		data, err := os.ReadFile(filepath.Join(srcs[0], f))
		if err != nil {
			return err
		}
		if err := output.WriteFileAtomic(filepath.Join(staging, f), data); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, err = os.ReadDir(staging)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(staging, e.Name()), filepath.Join(*dest, e.Name())); err != nil {
			return err
		}
	}
	ok = true
	os.Remove(staging)
	for _, line := range report {
		fmt.Fprintln(stdout, line)
	}
	return nil
}

// mergeStaging is the folder inside merge's DEST in which the merge is built.
const mergeStaging = ".htsim-merge"

const reproduceUsage = `Usage: htsim reproduce [flags] OUT

Reruns what OUT/manifest.json records into a temporary folder and compares
the files' SHA-256 with those in OUT. Prints "match", or every file that differs
(the engine's tables before the files derived from them); exits 1
on a mismatch. The temporary folder (htsim-reproduce-* in the system's
temporary folder) is removed at the end, or by the next reproduce if this
one is killed.
  - a sweep (htsim sweep): all chunks, or --sample k of them chosen at random
    with --seed; each part file is compared. A sensitivity.parquet in OUT
    (htsim sensitivity) is then recomputed from OUT's part files with the
    output, years and resamples its rows record, and compared.
  - a run (htsim run): every scenario, replicate and table, with the recorded
    seed, replicates, horizon, --victims and --monthly; the yearly,
    parameters, victims and monthly tables and summary.parquet are compared,
    and compare.parquet if OUT has one (recomputed against the scenario its
    rows record).
  - a calibration (htsim calibrate): every draw, with the recorded
    parameters, priors, targets, hold-out years, --breakdowns, seed and
    horizon; calibrated.yaml, posterior.csv and fit.csv are compared.
  - hypotheses.json (htsim hypotheses --out), alone or beside a run: the
    seven experiments with the recorded seed, replicates, horizon, period and
    threshold; every hypothesis's results are compared.

The sweep file, the targets file and every scenario file (built-in ones
included) are read from the manifest, which records their contents: not from the disk or the binary's
built-in files, which may have changed since. It works from any folder, and a
mismatch comes from the code (the manifest names the revision that made OUT)
or from a build that does not encode portably (see htsim version).
`

func cmdReproduce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("reproduce", reproduceUsage, stdout)
	sample := fs.Int("sample", 0, "rerun only k randomly chosen chunks (0: all)")
	seed := fs.Uint64("seed", 1, "seed for choosing the sample")
	workers := fs.IntP("workers", "w", defaultWorkers(), "jobs simulated in parallel")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("reproduce: name one run, sweep, calibration or hypotheses output folder")
	}
	if *sample < 0 {
		return usagef("reproduce: --sample must be 0 (all chunks) or more, got %d", *sample)
	}
	if *workers < 1 {
		return usagef("reproduce: --workers must be at least 1, got %d", *workers)
	}
	out := fs.Arg(0)
	_, statErr := os.Stat(filepath.Join(out, report.HypothesesName))
	hypotheses := statErr == nil
	m, err := readManifest(out)
	if err != nil && hypotheses && errors.Is(err, os.ErrNotExist) {
		return reproduceHypotheses(ctx, out, *workers, stdout, stderr) // a folder of htsim hypotheses --out alone
	}
	if err != nil {
		return usagef("reproduce: %s is not an htsim run, sweep, calibration or hypotheses output folder (%v)", out, err)
	}
	if err := reproduceManifest(ctx, out, m, fs.Changed("sample") || fs.Changed("seed"), *sample, *seed, *workers, stdout, stderr); err != nil || !hypotheses {
		return err
	}
	// hypotheses.json beside the folder's run, sweep or calibration (make run
	// writes one beside its run).
	return reproduceHypotheses(ctx, out, *workers, stdout, stderr)
}

// reproduceManifest reruns what out's manifest m records: a run, a sweep
// (all chunks, or sample of them chosen with seed) or a calibration.
func reproduceManifest(ctx context.Context, out string, m *output.SweepManifest, sampled bool, sample int, seed uint64, workers int, stdout, stderr io.Writer) error {
	if err := checkRecordedHashes(out, m); err != nil {
		return err
	}
	if m.Sweep == "" {
		what := map[bool]string{true: "a calibration", false: "a run"}[m.Calibration != nil]
		if sampled {
			return usagef("reproduce: %s holds %s, which is rerun whole: --sample and --seed apply to sweeps", out, what)
		}
		if m.Calibration != nil {
			return reproduceCalibration(ctx, out, m, workers, stdout, stderr)
		}
		return reproduceRun(ctx, out, m, workers, stdout, stderr)
	}
	sw, err := scenarios.ParseRecordedSweep(m.SweepFile.Path, []byte(m.SweepFile.Content), recordedFiles(m))
	if err != nil {
		return usagef("reproduce: the sweep recorded in %s does not load with this binary: %v", out, err)
	}
	noteBuild(stderr, &m.Manifest)
	plan, err := newSweepPlan(sw, m.Chunk)
	if err != nil {
		return err
	}
	plan.monthly = m.Monthly
	type chunk struct{ s, k int }
	var present []chunk
	for s, sc := range sw.Scenarios {
		for k := 0; k < plan.perScen; k++ {
			if _, err := os.Stat(output.ChunkPath(out, sc.Name, k)); err == nil {
				present = append(present, chunk{s, k})
			}
		}
	}
	if len(present) == 0 {
		if parts, _ := output.SweepParts(out, sw.Scenarios[0].Name); len(parts) > 0 {
			return usagef("reproduce: %s holds merged part files (htsim merge), not the sweep's chunk files; reproduce the folders that were merged", out)
		}
		return usagef("reproduce: %s holds no chunk files", out)
	}
	chosen := present
	if sample > 0 && sample < len(present) {
		rng := rand.New(rand.NewPCG(seed, 0x7265))
		perm := rng.Perm(len(present))[:sample]
		sort.Ints(perm)
		chosen = nil
		for _, i := range perm {
			chosen = append(chosen, present[i])
		}
	}
	want := map[chunk]bool{}
	for _, c := range chosen {
		want[c] = true
	}
	tmp, release, err := scratchDir()
	if err != nil {
		return err
	}
	defer release()
	jobs := plan.jobs(func(s, k int) bool { return want[chunk{s, k}] })
	if _, err := plan.runChunks(ctx, tmp, jobs, workers, nil); err != nil {
		return err
	}
	differ := 0
	// The design is a function of the sweep file: written anew and compared
	// too (a tampered design.parquet passed: review).
	if err := output.NewSweepRows(paramKeys(sw)).WriteDesign(tmp, plan.matrix); err != nil {
		return err
	}
	a, err1 := fileHash(filepath.Join(out, "design.parquet"))
	b, err2 := fileHash(filepath.Join(tmp, "design.parquet"))
	if err2 != nil {
		return fmt.Errorf("reproduce: hashing the design: %v", err2)
	}
	switch {
	case err1 != nil:
		fmt.Fprintf(stdout, "mismatch: design.parquet cannot be read: %v\n", err1)
		differ++
	case a != b:
		fmt.Fprintf(stdout, "mismatch: design.parquet differs from the design of the recorded sweep file: sha256 %s recorded, %s now\n", a[:12], b[:12])
		differ++
	}
	tables := output.ChunkTables(m.Monthly)
	for _, c := range chosen {
		name := sw.Scenarios[c.s].Name
		for _, table := range tables {
			a, err1 := fileHash(output.TableChunkPath(out, table, name, c.k))
			b, err2 := fileHash(output.TableChunkPath(tmp, table, name, c.k))
			if err2 != nil {
				return fmt.Errorf("reproduce: hashing chunk %d of %s: %v", c.k, name, err2)
			}
			if err1 != nil || a != b {
				lo := c.k * m.Chunk
				hi := min(lo+m.Chunk, m.Points*m.Replicates) - 1
				which := map[string]string{"yearly": "", "monthly": "monthly "}[table]
				if err1 != nil {
					fmt.Fprintf(stdout, "mismatch: scenario %s %schunk %d (jobs %d-%d: design points %d-%d) is missing: %v\n",
						name, which, c.k, lo, hi, lo/m.Replicates, hi/m.Replicates, err1)
				} else {
					fmt.Fprintf(stdout, "mismatch: scenario %s %schunk %d (jobs %d-%d: design points %d-%d) differs: sha256 %s recorded, %s now\n",
						name, which, c.k, lo, hi, lo/m.Replicates, hi/m.Replicates, a[:12], b[:12])
				}
				differ++
			}
		}
	}
	if differ > 0 {
		fmt.Fprintf(stdout, "%d of %d files differ (design.parquet and the %s files of %d chunks checked)\n", differ, 1+len(tables)*len(chosen), strings.Join(tables, " and "), len(chosen))
		return errMismatch
	}
	what := "chunk files"
	if m.Monthly {
		what = "chunks (their yearly and monthly files)"
	}
	fmt.Fprintf(stdout, "match: design.parquet and %d of %d %s reproduced byte for byte\n", len(chosen), len(present), what)
	if expected := len(sw.Scenarios) * plan.perScen; len(present) < expected {
		verb := "are"
		if expected-len(present) == 1 {
			verb = "is"
		}
		fmt.Fprintf(stdout, "note: the sweep is incomplete: %d of its %d chunk files %s missing (finish it with htsim sweep --resume, or merge its shards)\n",
			expected-len(present), expected, verb)
		if _, err := os.Stat(filepath.Join(out, "sensitivity.parquet")); err == nil {
			fmt.Fprintln(stdout, "note: sensitivity.parquet not checked: it needs every chunk")
		}
		return nil
	}
	return reproduceSensitivity(out, tmp, stdout)
}

// reproduceSensitivity recomputes a sweep folder's sensitivity.parquet, if
// it holds one, from the folder's part files with the options its rows
// record (output, years, bootstrap resamples; the bootstrap seed is fixed),
// writes it into tmp and compares the bytes.
func reproduceSensitivity(out, tmp string, stdout io.Writer) error {
	name := filepath.Join(out, "sensitivity.parquet")
	if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	rows, err := output.ReadSensitivity(name)
	if err != nil {
		return usagef("reproduce: %v", err)
	}
	if len(rows) == 0 {
		return usagef("reproduce: %s holds no rows", name)
	}
	r0 := rows[0]
	for _, r := range rows[1:] {
		if r.Output != r0.Output || r.FirstYear != r0.FirstYear || r.LastYear != r0.LastYear || r.Resamples != r0.Resamples {
			return usagef("reproduce: %s mixes outputs, years or resamples (%s %d-%d, %d resamples; %s %d-%d, %d); htsim sensitivity writes one of each",
				name, r0.Output, r0.FirstYear, r0.LastYear, r0.Resamples, r.Output, r.FirstYear, r.LastYear, r.Resamples)
		}
	}
	spec, err := sensOutputOf(r0.Output)
	if err != nil {
		return usagef("reproduce: %s: output %q is not one this binary computes", name, r0.Output)
	}
	o := sensitivityOptions{output: r0.Output, from: int(r0.FirstYear), to: int(r0.LastYear), resamples: int(r0.Resamples)}
	again, err := sensitivityOut(out, spec, o)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "sensitivity: ")
		if isUsage(err) {
			return usagef("reproduce: cannot recompute %s: %s", name, msg)
		}
		return fmt.Errorf("reproduce: cannot recompute %s: %s", name, msg)
	}
	if err := output.WriteSensitivity(tmp, again); err != nil {
		return fmt.Errorf("reproduce: writing the recomputed sensitivity.parquet: %w", err)
	}
	if err := sameFiles(out, tmp, []string{"sensitivity.parquet"}, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "match: sensitivity.parquet (%s over %s, %d resamples) recomputed byte for byte from the part files\n",
		r0.Output, r0.Period, r0.Resamples)
	return nil
}

var errMismatch = fmt.Errorf("results differ from the recorded ones")

// noteBuild warns when this binary may not write the bytes the recorded one
// wrote: another code revision, or a build without portable encoding.
func noteBuild(stderr io.Writer, m *output.Manifest) {
	v, rev, _ := output.BuildInfo()
	if rev != m.Revision {
		fmt.Fprintf(stderr, "note: this binary is %s %s, the run was made by %s %s; a mismatch may come from the code\n", v, short12(rev), m.Version, short12(m.Revision))
	}
	if _, portable := output.Portable(); !portable || !m.PortableEncoding {
		fmt.Fprintf(stderr, "note: the run's binary %s built with -tags %s, this one %s: only two portable builds write the same bytes on different machines (the values are the same)\n",
			map[bool]string{true: "was", false: "was not"}[m.PortableEncoding], output.PortableTags, map[bool]string{true: "is", false: "is not"}[portable])
	}
}

// reproduceRun reruns the run recorded in out's manifest m into a temporary
// folder, from the recorded scenario files, and compares its tables and
// summary with out's, file by file.
func reproduceRun(ctx context.Context, out string, m *output.SweepManifest, workers int, stdout, stderr io.Writer) error {
	if len(m.Tables) == 0 {
		return usagef("reproduce: %s/manifest.json records no tables: not a run, sweep or calibration folder", out)
	}
	scs, err := recordedScenarios(out, m)
	if err != nil {
		return err
	}
	if len(scs) == 0 || m.Replicates < 1 {
		return usagef("reproduce: %s/manifest.json records no scenario or no replicate", out)
	}
	// Not quiet: a progress bar on a terminal (the run's table goes nowhere).
	o := runOptions{replicates: m.Replicates, seed: m.Seed, workers: workers, from: m.From, to: m.To, victims: m.Victims, monthly: m.Monthly, rerun: true}
	// A compare.parquet (htsim compare, or run --compare) records the
	// scenario it compared against in its rows: the rerun compares the same.
	cmpFile := filepath.Join(out, "compare.parquet")
	if _, err := os.Stat(cmpFile); err == nil {
		against, err := recordedAgainst(cmpFile)
		if err != nil {
			return usagef("reproduce: %v", err)
		}
		if !seenName(scs, against) {
			var names []string
			for _, sc := range scs {
				names = append(names, sc.Name)
			}
			return usagef("reproduce: %s compares against scenario %q, which the run does not hold (its manifest records %s); rerun htsim compare or remove the file", cmpFile, against, strings.Join(names, ", "))
		}
		o.compare, o.cmp = true, compareOptions{against: against, format: "table", quiet: true}
	}
	from, to, err := horizon(o, scs)
	if err != nil {
		return usagef("reproduce: %s/manifest.json records a horizon this binary refuses: %v", out, err)
	}
	noteBuild(stderr, &m.Manifest)
	tmp, release, err := scratchDir()
	if err != nil {
		return err
	}
	defer release()
	o.out = filepath.Join(tmp, "run")
	if err := executeRun(ctx, o, scs, from, to, append([]string{"htsim", "reproduce"}, out), io.Discard, stderr); err != nil {
		return err
	}
	var files []string // the engine's tables first, then what is derived from them
	for _, table := range m.Tables {
		for _, sc := range scs {
			files = append(files, filepath.Join(table, "scenario="+sc.Name, "part-00000.parquet"))
		}
	}
	files = append(files, "summary.parquet")
	if o.compare {
		files = append(files, "compare.parquet")
	}
	if err := sameFiles(out, o.out, files, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "match: %d files (%d scenario%s x %d replicates, %s to %s) reproduced byte for byte\n", len(files), len(scs), map[bool]string{true: "s"}[len(scs) > 1], m.Replicates, from, to)
	return nil
}

// recordedAgainst returns the scenario that the comparisons in the
// compare.parquet at path were made against.
func recordedAgainst(path string) (string, error) {
	rows, err := output.ReadCompare(path)
	if err != nil {
		return "", fmt.Errorf("%s cannot be read, so the scenario it compared against is unknown (%v); rerun htsim compare or remove it", path, err)
	}
	if len(rows) == 0 {
		return "", fmt.Errorf("%s holds no comparison; rerun htsim compare or remove it", path)
	}
	for _, r := range rows {
		if r.Against != rows[0].Against {
			return "", fmt.Errorf("%s compares against both %q and %q; htsim compare writes one; rerun it or remove the file", path, rows[0].Against, r.Against)
		}
	}
	return rows[0].Against, nil
}

// recordedScenarios loads the scenarios out's manifest m records, from the
// file contents it records.
func recordedScenarios(out string, m *output.SweepManifest) ([]*scenarios.Scenario, error) {
	rec := recordedFiles(m)
	var scs []*scenarios.Scenario
	for _, sm := range m.Scenarios {
		if len(sm.Files) == 0 {
			return nil, usagef("reproduce: %s/manifest.json records no file for scenario %s", out, sm.Name)
		}
		f := sm.Files[0] // the scenario's own file, then its parents
		arg := f.Path
		if arg == "" {
			name, ok := builtinName(f)
			if !ok {
				return nil, usagef("reproduce: %s/manifest.json: scenario %s's file %q has neither a path nor a built-in name", out, sm.Name, f.Name)
			}
			arg = name
		}
		sc, err := scenarios.LoadRecorded(arg, rec)
		if err != nil {
			return nil, usagef("reproduce: the scenario %s recorded in %s does not load with this binary: %v", sm.Name, out, err)
		}
		scs = append(scs, sc)
	}
	return scs, nil
}

// reproduceCalibration reruns the calibration recorded in out's manifest m
// into a temporary folder and compares its files with out's.
func reproduceCalibration(ctx context.Context, out string, m *output.SweepManifest, workers int, stdout, stderr io.Writer) error {
	c := m.Calibration
	scs, err := recordedScenarios(out, m)
	if err != nil {
		return err
	}
	if len(scs) != 1 {
		return usagef("reproduce: %s/manifest.json records %d scenarios for a calibration; it needs one", out, len(scs))
	}
	if err := checkCalibrationCounts(c.Draws, c.Accept); err != nil {
		return usagef("reproduce: %s/manifest.json: %v", out, err)
	}
	from, err1 := model.ParseMonth(m.From)
	to, err2 := model.ParseMonth(m.To)
	if err1 != nil || err2 != nil || from > to {
		return usagef("reproduce: %s/manifest.json records a horizon this binary refuses: %q to %q", out, m.From, m.To)
	}
	noteBuild(stderr, &m.Manifest)
	tmp, release, err := scratchDir()
	if err != nil {
		return err
	}
	defer release()
	o := calibrateOptions{params: c.Params, priors: c.Priors, draws: c.Draws, accept: c.Accept, seed: m.Seed,
		workers: workers, holdout: c.Holdout, parent: c.Parent, out: filepath.Join(tmp, "calibration"), quiet: true,
		breakdowns: c.Breakdowns}
	// The calibration's warnings were given when it was made.
	plan, err := planCalibration(o, scs[0], c.Data, from, to, io.Discard)
	if err != nil {
		return err
	}
	if err := executeCalibration(ctx, o, scs[0], plan, []string{"htsim", "reproduce", out}, io.Discard); err != nil {
		return err
	}
	// Every file a calibration writes, whatever list the manifest holds.
	if err := sameFiles(out, o.out, calibrationFiles, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "match: %d files (calibration of %s, %d draws, %s to %s) reproduced byte for byte\n", len(calibrationFiles), scs[0].Name, c.Draws, m.From, m.To)
	return nil
}

// sameFiles compares files (relative paths) in the recorded folder out and the
// rerun's folder rerun by SHA-256, prints each that differs and then returns
// errMismatch. Every file is compared, so that a
// mismatch of the tables the engine wrote is told from one of a file derived
// from them.
func sameFiles(out, rerun string, files []string, stdout io.Writer) error {
	differ := 0
	for _, f := range files {
		a, err1 := fileHash(filepath.Join(out, f))
		b, err2 := fileHash(filepath.Join(rerun, f))
		if err1 != nil {
			return usagef("reproduce: %s lacks %s, which its manifest lists (%v)", out, f, err1)
		}
		if err2 != nil {
			return fmt.Errorf("reproduce: the rerun wrote no %s: %v", f, err2)
		}
		if a != b {
			fmt.Fprintf(stdout, "mismatch: %s differs: sha256 %s recorded, %s now\n", f, a[:12], b[:12])
			differ++
		}
	}
	if differ > 0 {
		if len(files) > 1 {
			fmt.Fprintf(stdout, "%d of %d files differ\n", differ, len(files))
		}
		return errMismatch
	}
	return nil
}

// checkRecordedHashes checks that every file the manifest records, with its
// contents, still has the SHA-256 recorded beside them: an edited record
// would be rerun as if it were the original.
func checkRecordedHashes(out string, m *output.SweepManifest) error {
	files := []output.FileManifest{}
	for _, sc := range m.Scenarios {
		files = append(files, sc.Files...)
	}
	if m.Sweep != "" {
		files = append(files, m.SweepFile)
	}
	if m.Calibration != nil {
		files = append(files, m.Calibration.Data)
	}
	for _, f := range files {
		if sum := sha256.Sum256([]byte(f.Content)); f.SHA256 != hex.EncodeToString(sum[:]) {
			return usagef("reproduce: %s/manifest.json: the recorded contents of %s do not have the recorded sha256 (the manifest was edited)", out, f.Name)
		}
	}
	return nil
}

// recordedFiles collects the scenario files a run's or sweep's manifest records: files
// by the path they were read from, built-ins by name.
func recordedFiles(m *output.SweepManifest) *scenarios.Recorded {
	rec := &scenarios.Recorded{Files: map[string][]byte{}, Builtins: map[string][]byte{}}
	for _, sc := range m.Scenarios {
		for _, f := range sc.Files {
			if f.Path != "" {
				rec.Files[f.Path] = []byte(f.Content)
			} else if name, ok := builtinName(f); ok {
				rec.Builtins[name] = []byte(f.Content)
			}
		}
	}
	return rec
}

// builtinName is the name of the built-in scenario a manifest's file entry
// records ("baseline (built-in scenarios/baseline.yaml)"), if it is one.
func builtinName(f output.FileManifest) (string, bool) {
	name, _, ok := strings.Cut(f.Name, " (built-in ")
	return name, ok
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func short12(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
