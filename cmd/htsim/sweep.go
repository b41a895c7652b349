package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"htsim/internal/output"
	"htsim/model"
	"htsim/scenarios"
	"htsim/sim"
)

const sweepUsage = `Usage: htsim sweep [flags] FILE

Runs a sweep file: the scenarios it names, at every point of its design (grid,
montecarlo, lhs or saltelli), each point with its replicates. Replicate r of
every point uses the same random streams (common random numbers). Writes, under
--out:
  design.parquet                                   one row per design point
  yearly/scenario=NAME/part-cNNNNNN.parquet        --chunk jobs per file, with
                                                   columns point and param_*
  monthly/scenario=NAME/part-cNNNNNN.parquet       with --monthly: the same, by month
  manifest.json
Read a whole sweep with DuckDB:
  SELECT ... FROM read_parquet('OUT/yearly/**/*.parquet', hive_partitioning = true)

On a cluster each array task runs its share of files: --shard i/n, or taken
from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (or SLURM_ARRAY_TASK_MIN/MAX),
or from Kubernetes' JOB_COMPLETION_INDEX with --shards n. Files are written
whole or not at all; --resume runs only the files that are missing.
`

type sweepOptions struct {
	out     string
	workers int
	shard   string
	shards  int
	chunk   int
	monthly bool
	resume  bool
	force   bool
	quiet   bool
}

// shardSpec is this process's share of a sweep: files k with k mod count == index.
type shardSpec struct{ index, count int }

func (s shardSpec) String() string { return fmt.Sprintf("%d/%d", s.index, s.count) }

// owns reports whether chunk k of scenario s of plan is this shard's:
// chunks are dealt round-robin over the scenarios' chunks in order.
func (s shardSpec) owns(plan *sweepPlan, scen, k int) bool {
	return (scen*plan.perScen+k)%s.count == s.index
}

// resolveShard decides the shard from the flag or the environment.
func resolveShard(flag string, shards int, getenv func(string) string) (shardSpec, error) {
	slurmID, slurmCount := getenv("SLURM_ARRAY_TASK_ID"), getenv("SLURM_ARRAY_TASK_COUNT")
	slurmMin, slurmMax := getenv("SLURM_ARRAY_TASK_MIN"), getenv("SLURM_ARRAY_TASK_MAX")
	k8s := getenv("JOB_COMPLETION_INDEX")
	atoi := func(name, v string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return 0, usagef("sweep: %s=%q is not a non-negative integer", name, v)
		}
		return n, nil
	}
	if flag != "" {
		i, n, ok := strings.Cut(flag, "/")
		a, err1 := strconv.Atoi(i)
		b, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil {
			return shardSpec{}, usagef("sweep: --shard %q is not i/n (for example 0/4)", flag)
		}
		if b < 1 || a < 0 || a >= b {
			return shardSpec{}, usagef("sweep: --shard %s: the index must be 0 to n-1 and n at least 1", flag)
		}
		if shards != 0 && shards != b {
			return shardSpec{}, usagef("sweep: --shard %s and --shards %d disagree", flag, shards)
		}
		return shardSpec{a, b}, nil
	}
	if slurmID != "" && k8s != "" {
		return shardSpec{}, usagef("sweep: both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; set --shard i/n to say which applies")
	}
	switch {
	case slurmID != "":
		id, err := atoi("SLURM_ARRAY_TASK_ID", slurmID)
		if err != nil {
			return shardSpec{}, err
		}
		var count, min int
		switch {
		case slurmCount != "":
			if count, err = atoi("SLURM_ARRAY_TASK_COUNT", slurmCount); err != nil {
				return shardSpec{}, err
			}
			if slurmMin != "" {
				if min, err = atoi("SLURM_ARRAY_TASK_MIN", slurmMin); err != nil {
					return shardSpec{}, err
				}
			}
		case slurmMin != "" && slurmMax != "":
			if min, err = atoi("SLURM_ARRAY_TASK_MIN", slurmMin); err != nil {
				return shardSpec{}, err
			}
			max, err := atoi("SLURM_ARRAY_TASK_MAX", slurmMax)
			if err != nil {
				return shardSpec{}, err
			}
			count = max - min + 1
		default:
			return shardSpec{}, usagef("sweep: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX")
		}
		if shards != 0 && shards != count {
			return shardSpec{}, usagef("sweep: --shards %d disagrees with the Slurm array's %d tasks", shards, count)
		}
		if count < 1 || id-min < 0 || id-min >= count {
			return shardSpec{}, usagef("sweep: Slurm task %d is outside the array (%d tasks from %d)", id, count, min)
		}
		return shardSpec{id - min, count}, nil
	case k8s != "":
		id, err := atoi("JOB_COMPLETION_INDEX", k8s)
		if err != nil {
			return shardSpec{}, err
		}
		if shards < 1 {
			return shardSpec{}, usagef("sweep: JOB_COMPLETION_INDEX is set; give the number of completions with --shards n")
		}
		if id >= shards {
			return shardSpec{}, usagef("sweep: JOB_COMPLETION_INDEX %d is outside --shards %d", id, shards)
		}
		return shardSpec{id, shards}, nil
	}
	if shards > 1 {
		return shardSpec{}, usagef("sweep: --shards %d needs --shard i/n or a cluster index in the environment", shards)
	}
	return shardSpec{0, 1}, nil
}

// sweepJob is one (scenario, design point, replicate) of a sweep.
type sweepJob struct {
	scenario, point, replicate int
	chunk                      int  // chunk within its scenario
	first, last                bool // first or last job of its chunk
}

// sweepPlan lays out a sweep's jobs and files.
type sweepPlan struct {
	sw      *scenarios.Sweep
	matrix  [][]float64
	chunk   int
	from    model.Month
	to      model.Month
	files   int  // chunk files over all scenarios
	perScen int  // chunks per scenario
	monthly bool // each chunk has a monthly part file too (sweep --monthly)
}

func newSweepPlan(sw *scenarios.Sweep, chunk int) (*sweepPlan, error) {
	p := &sweepPlan{sw: sw, matrix: sw.DesignMatrix(), chunk: chunk}
	p.from, p.to = sw.Scenarios[0].From, sw.Scenarios[0].To
	for _, sc := range sw.Scenarios[1:] {
		if sc.From != p.from || sc.To != p.to {
			if sw.From == nil || sw.To == nil {
				return nil, &scenarios.Error{File: sw.File, Key: "horizon", Msg: fmt.Sprintf("scenarios %s and %s have different horizons", sw.Scenarios[0].Name, sc.Name), Allowed: "set horizon: {from, to} in the sweep file"}
			}
		}
	}
	if sw.From != nil {
		p.from = *sw.From
	}
	if sw.To != nil {
		p.to = *sw.To
	}
	for _, sc := range sw.Scenarios {
		if _, ok := sc.PolicyFrom(); ok && len(sc.Phases) > 1 && sc.Phases[1].From > p.to {
			return nil, &scenarios.Error{File: sw.File, Key: "horizon", Msg: fmt.Sprintf("scenario %s changes nothing before %s, after the sweep's horizon: it would change nothing recorded", sc.Name, sc.Phases[1].From)}
		}
	}
	jobs := len(p.matrix) * sw.Replicates
	p.perScen = (jobs + chunk - 1) / chunk
	p.files = p.perScen * len(sw.Scenarios)
	return p, nil
}

// chunkDone reports whether chunk k of scenario is finished in out: its
// yearly part file is there and, with --monthly, its monthly one (written
// first, so missing only if removed since).
func chunkDone(out string, plan *sweepPlan, scenario string, k int) bool {
	for _, table := range output.ChunkTables(plan.monthly) {
		if _, err := os.Stat(output.TableChunkPath(out, table, scenario, k)); err != nil {
			return false
		}
	}
	return true
}

// idleShards says that shards shards outnumber plan's part files, and what
// --chunk would give each of them one.
func idleShards(plan *sweepPlan, shards int) string {
	jobs, scens := len(plan.matrix)*plan.sw.Replicates, len(plan.sw.Scenarios)
	msg := fmt.Sprintf("%d shards share the %d part file(s) of --chunk %d, so %d of them have none to run", shards, plan.files, plan.chunk, shards-plan.files)
	if jobs*scens < shards {
		return msg + fmt.Sprintf("; the sweep has %d jobs in all, so at most %d shards can have work", jobs*scens, jobs*scens)
	}
	return msg + fmt.Sprintf("; --chunk %d or less gives every shard one", chunkForShards(jobs, scens, shards))
}

// chunkForShards is the largest chunk (jobs per file) that makes at least
// shards part files of a sweep of jobs jobs per scenario and scenarios
// scenarios, or 1 if none does.
func chunkForShards(jobs, scenarios, shards int) int {
	files := func(c int) int { return scenarios * ((jobs + c - 1) / c) } // does not grow with c
	lo, hi := 1, max(jobs, 1)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if files(mid) >= shards {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// jobs returns the jobs of the chunks selected by keep(scenario, chunk), in file order.
func (p *sweepPlan) jobs(keep func(s, k int) bool) []sweepJob {
	var out []sweepJob
	n := len(p.matrix) * p.sw.Replicates
	for s := range p.sw.Scenarios {
		for k := 0; k < p.perScen; k++ {
			if !keep(s, k) {
				continue
			}
			lo, hi := k*p.chunk, min((k+1)*p.chunk, n)
			for j := lo; j < hi; j++ {
				out = append(out, sweepJob{scenario: s, point: j / p.sw.Replicates, replicate: j % p.sw.Replicates, chunk: k, first: j == lo, last: j == hi-1})
			}
		}
	}
	return out
}

// runChunks simulates jobs and writes their chunk files under out.
func (p *sweepPlan) runChunks(ctx context.Context, out string, jobs []sweepJob, workers int, progress func()) (files int, err error) {
	rows := output.NewSweepRows(paramKeys(p.sw))
	cfgs := map[[2]int]*sim.Config{}
	for _, j := range jobs {
		key := [2]int{j.scenario, j.point}
		if _, ok := cfgs[key]; !ok {
			sc := scenarios.WithPoint(p.sw.Scenarios[j.scenario], p.sw.Params, p.matrix[j.point])
			cfgs[key] = &sim.Config{Scenario: sc, From: p.from, To: p.to, Seed: p.sw.Seed, Monthly: p.monthly}
		}
	}
	// A chunk's writers: the yearly table's and, with --monthly, the
	// monthly table's. The monthly file is committed first, so that a
	// yearly part file, which --resume takes for a finished chunk, always
	// has its monthly one.
	var w, wm *output.ChunkWriter
	defer func() {
		for _, x := range []*output.ChunkWriter{w, wm} {
			if x != nil {
				x.Abort()
			}
		}
	}()
	err = sim.RunJobs(ctx, len(jobs), workers, func(i int, scratch *sim.Scratch) (*sim.Result, error) {
		j := jobs[i]
		return sim.RunReplicate(cfgs[[2]int{j.scenario, j.point}], j.replicate, scratch)
	}, func(i int, res *sim.Result) error {
		j := jobs[i]
		if j.first {
			var err error
			if w, err = rows.NewChunkWriter(out, p.sw.Scenarios[j.scenario].Name, j.chunk); err != nil {
				return err
			}
			if p.monthly {
				if wm, err = rows.NewMonthlyChunkWriter(out, p.sw.Scenarios[j.scenario].Name, j.chunk); err != nil {
					return err
				}
			}
		}
		if err := w.Write(res, j.point, p.matrix[j.point]); err != nil {
			return err
		}
		if wm != nil {
			if err := wm.Write(res, j.point, p.matrix[j.point]); err != nil {
				return err
			}
		}
		if progress != nil {
			progress()
		}
		if j.last {
			if wm != nil {
				err := wm.Commit()
				wm = nil
				if err != nil {
					return err
				}
			}
			err := w.Commit()
			w = nil
			if err != nil {
				return err
			}
			files++
		}
		return nil
	})
	return files, err
}

func paramKeys(sw *scenarios.Sweep) []string {
	keys := make([]string, len(sw.Params))
	for i, p := range sw.Params {
		keys[i] = p.Path
	}
	return keys
}

func cmdSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o sweepOptions
	fs := newFlags("sweep", sweepUsage, stdout)
	fs.StringVarP(&o.out, "out", "o", "", "output folder (default results/sweep-NAME)")
	fs.IntVarP(&o.workers, "workers", "w", defaultWorkers(), "jobs simulated in parallel")
	fs.StringVar(&o.shard, "shard", "", "run only shard i of n (i/n, 0-based)")
	fs.IntVar(&o.shards, "shards", 0, "number of shards, with JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs)")
	fs.IntVar(&o.chunk, "chunk", 200, "jobs (point x replicate) per output file; part of the sweep's layout")
	fs.BoolVar(&o.monthly, "monthly", false, "also write the monthly table (monthly/scenario=NAME/part-cNNNNNN.parquet), chunked as the yearly one")
	fs.BoolVar(&o.resume, "resume", false, "run only the files missing from --out (after an interruption)")
	fs.BoolVarP(&o.force, "force", "f", false, "delete the htsim sweep output already in --out, then run (unlike run --force, the earlier output is gone at once)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "no progress and no summary")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("sweep: name one sweep file")
	}
	if o.workers < 1 || o.workers > 4096 {
		return usagef("sweep: --workers must be between 1 and 4096, got %d", o.workers)
	}
	if o.chunk < 1 || o.chunk > 1_000_000 {
		return usagef("sweep: --chunk must be between 1 and 1000000, got %d", o.chunk)
	}
	if o.shards < 0 {
		return usagef("sweep: --shards must be positive, got %d", o.shards)
	}
	if o.resume && o.force {
		return usagef("sweep: --resume and --force exclude each other")
	}
	shard, err := resolveShard(o.shard, o.shards, os.Getenv)
	if err != nil {
		return err
	}
	if arg := fs.Arg(0); scenarios.IsPath(arg) && !isSweepFile(arg) {
		if _, err := os.Stat(arg); err == nil {
			return usagef("sweep: %s has neither a design: nor a scenarios: key: not a sweep file (a scenario file? run it with htsim run %s); scenarios/sweeps/example.yaml shows the form", arg, arg)
		}
	}
	sw, err := scenarios.LoadSweep(fs.Arg(0))
	if err != nil {
		return err
	}
	plan, err := newSweepPlan(sw, o.chunk)
	if err != nil {
		return err
	}
	plan.monthly = o.monthly
	if o.out == "" {
		o.out = filepath.Join("results", "sweep-"+sw.Name)
	}
	if shard.count > plan.files {
		fmt.Fprintf(stderr, "htsim: sweep: warning: %s\n", idleShards(plan, shard.count))
	}
	manifest := sweepManifest(plan, args)
	// The check of --out and the writing of the design and manifest happen
	// under an exclusive lock of the folder: shards starting together take
	// turns, and of two different sweeps started together into one folder,
	// the second sees the first's manifest and is refused (both once went
	// ahead, their files mixed). The sweep then holds a shared lock of its
	// yearly folder while it runs, which shards share and --force respects.
	var hold func()
	for attempt := 0; ; attempt++ {
		hold, err = startSweepLocked(ctx, o, manifest, plan, shard, stderr)
		if !errors.Is(err, errDirGone) || attempt == 3 {
			break
		}
	}
	if errors.Is(err, errDirGone) {
		return usagef("sweep: --out %s was removed by another command four times while this sweep waited for it; try again", o.out)
	}
	if err != nil {
		return err
	}
	defer hold()
	mine, skipped := 0, 0
	jobs := plan.jobs(func(s, k int) bool {
		if !shard.owns(plan, s, k) {
			return false
		}
		mine++
		if o.resume && chunkDone(o.out, plan, sw.Scenarios[s].Name, k) {
			skipped++
			return false
		}
		return true
	})
	var bar *progressbar.ProgressBar
	if !o.quiet && isTerminal(stderr) && len(jobs) > 0 {
		bar = newProgress(stderr, len(jobs), "sweep "+sw.Name)
	}
	start := time.Now()
	files, err := plan.runChunks(ctx, o.out, jobs, o.workers, func() {
		if bar != nil {
			bar.Add(1)
		}
	})
	if bar != nil {
		bar.Finish()
	}
	elapsed := time.Since(start)
	unit := "files" // what a chunk is on disk
	if plan.monthly {
		unit = "chunks (a yearly and a monthly file each)"
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "htsim: sweep interrupted: %d of %d %s of shard %s are complete; no partial file was kept.\nTo finish, run the same command with --resume.\n", skipped+files, mine, unit, shard)
			return errInterrupted
		}
		return err
	}
	if !o.quiet {
		rate := float64(len(jobs)) / elapsed.Seconds()
		fmt.Fprintf(stdout, "sweep %s: %d design points x %d replicates x %d scenario(s); shard %s ran %d jobs in %.1f s (%.1f replicates/s), wrote %d %s (%d already present) to %s\n",
			sw.Name, len(plan.matrix), sw.Replicates, len(sw.Scenarios), shard, len(jobs), elapsed.Seconds(), rate, files, unit, skipped, o.out)
	}
	return nil
}

// startSweepLocked makes --out if needed, locks it (waiting, if another
// command holds it, until it is free or ctx ends), and starts the sweep in
// it (startSweep); hold releases the shared lock of the sweep's yearly
// folder. A refused sweep leaves no folder it made.
func startSweepLocked(ctx context.Context, o sweepOptions, manifest *output.SweepManifest, plan *sweepPlan, shard shardSpec, stderr io.Writer) (hold func(), err error) {
	if info, err := os.Stat(o.out); err == nil && !info.IsDir() {
		return nil, usagef("sweep: --out %s exists and is not a folder", o.out)
	}
	undo, err := makeOut(o.out)
	if err != nil {
		return nil, outFolderError("sweep", o.out, err)
	}
	unlock, busy, err := lockDir(o.out, false, false)
	if busy && holdsCalibration(o.out) {
		// A calibration's folder takes no sweep, whatever its holder does
		// with it: nothing to wait for. (Other contents may be changing
		// under the holder: they are checked under the lock.)
		return nil, usagef("sweep: --out %s holds a calibration; choose another folder", o.out)
	}
	if busy {
		fmt.Fprintf(stderr, "htsim: sweep: waiting for another htsim command using %s\n", o.out)
	}
	for busy && err == nil {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		unlock, busy, err = lockDir(o.out, false, false)
	}
	if errors.Is(err, errNoLock) {
		err = nil // go on without the lock
	}
	if err != nil {
		return nil, err // errDirGone: the caller starts again
	}
	defer unlock()
	if err := canWrite(o.out); err != nil {
		undo()
		return nil, outFolderError("sweep", o.out, err)
	}
	hold, err = startSweep(o, manifest, plan, shard)
	if err != nil {
		undo() // under the lock
		return nil, err
	}
	return hold, nil
}

// holdsCalibration reports whether folder holds htsim calibrate's output.
func holdsCalibration(folder string) bool {
	for _, name := range []string{"calibrated.yaml", "posterior.csv", "fit.csv"} {
		if _, err := os.Stat(filepath.Join(folder, name)); err == nil {
			return true
		}
	}
	return false
}

// startSweep checks that --out can take this shard of the sweep and writes
// the design and manifest; the caller holds the folder's lock. Every sweep
// holds a shared lock of OUT/yearly while it runs: so --force, which deletes
// the part files, and the removal of temporary files that a killed sweep
// left, happen only when no sweep runs there. hold releases the lock.
func startSweep(o sweepOptions, manifest *output.SweepManifest, plan *sweepPlan, shard shardSpec) (hold func(), err error) {
	yearly := filepath.Join(o.out, "yearly")
	unlockYearly := func() {}
	if _, err := os.Stat(yearly); err == nil {
		unlock, busy, err := lockDir(yearly, false, false)
		noLock := errors.Is(err, errNoLock)
		if err != nil && !noLock {
			return nil, err
		}
		if busy && o.force {
			return nil, usagef("sweep: --out %s is being written by a running sweep (a shard?); --force would delete its files: wait for it to finish", o.out)
		}
		switch {
		case noLock:
			// Whether a sweep runs cannot be told: only this shard's own
			// chunks' temporary files can be a killed run's of it.
			for s, sc := range plan.sw.Scenarios {
				for k := 0; k < plan.perScen; k++ {
					if shard.owns(plan, s, k) {
						if err := output.RemoveChunkTemps(o.out, sc.Name, k); err != nil {
							return nil, err
						}
					}
				}
			}
		case !busy:
			unlockYearly = unlock
			defer unlockYearly() // (released below, before this sweep takes its shared lock)
			// Nobody writes part files: temporary ones are a killed sweep's.
			if err := output.RemoveAllChunkTemps(o.out); err != nil {
				return nil, err
			}
		}
	}
	if err := prepareSweepOut(o, manifest); err != nil {
		return nil, err
	}
	unlockYearly()
	sw := plan.sw
	if !o.resume {
		// Shards may share a folder, but a shard's own files are redone only
		// on request: --resume keeps them, --force starts again.
		present, total := 0, 0
		for s, sc := range sw.Scenarios {
			for k := 0; k < plan.perScen; k++ {
				if shard.owns(plan, s, k) {
					total++
					if _, err := os.Stat(output.ChunkPath(o.out, sc.Name, k)); err == nil {
						present++
					}
				}
			}
		}
		if present > 0 {
			return nil, usagef("sweep: --out %s already holds %d of the %d part files of shard %s (an earlier or interrupted run); add --resume to run only the missing ones, or --force to start again", o.out, present, total, shard)
		}
	}
	rows := output.NewSweepRows(paramKeys(sw))
	if err := rows.WriteDesign(o.out, plan.matrix); err != nil {
		return nil, fmt.Errorf("writing design.parquet: %w", err)
	}
	if err := writeJSON(filepath.Join(o.out, "manifest.json"), manifest); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(yearly, 0o755); err != nil {
		return nil, err
	}
	unlock, busy, err := lockDir(yearly, true, false)
	if busy {
		return nil, usagef("sweep: --out %s is being replaced by another htsim command (run --force?); try again when it is done", o.out)
	}
	if err != nil && !errors.Is(err, errNoLock) {
		return nil, err
	}
	return unlock, nil
}

// errInterrupted reports an interruption already explained on stderr.
var errInterrupted = errors.New("interrupted")

func defaultWorkers() int { return maxProcs() }

// sweepManifest describes a sweep so that shards, resumed runs and reproduce can check they belong together.
func sweepManifest(p *sweepPlan, args []string) *output.SweepManifest {
	m := &output.SweepManifest{Manifest: *output.NewManifest(append([]string{"htsim", "sweep"}, args...), p.sw.Scenarios)}
	m.Seed, m.Replicates, m.From, m.To = p.sw.Seed, p.sw.Replicates, p.from.String(), p.to.String()
	m.Tables = []string{"design", "yearly"}
	if p.monthly {
		m.Monthly, m.Tables = true, append(m.Tables, "monthly")
	}
	m.Sweep, m.Design, m.Points, m.Chunk, m.Parameters = p.sw.Name, p.sw.Design, len(p.matrix), p.chunk, p.sw.Params
	m.SweepFile = output.FileManifest{Name: p.sw.File, Path: p.sw.Path, SHA256: p.sw.SHA256, Content: string(p.sw.Bytes)}
	m.Created = "" // shards write the same manifest; a timestamp would make them differ
	m.Note = "Rerun with the same code revision and sweep file (any --shard, --workers or --resume) to reproduce every part file byte for byte; htsim reproduce OUT checks it."
	return m
}

// onlySweepStart reports whether a folder holds nothing but what a sweep
// writes first (its design, its manifest, their temporary files, the yearly
// folder, canWrite's probe): another shard starting at the same time.
func onlySweepStart(entries []os.DirEntry) bool {
	for _, e := range entries {
		n := e.Name()
		switch {
		case n == "design.parquet", n == "manifest.json", (n == "yearly" || n == "monthly") && e.IsDir():
		case strings.HasPrefix(n, ".design.parquet.tmp-"), strings.HasPrefix(n, ".manifest.json.tmp-"), strings.HasPrefix(n, ".htsim-probe-"):
		default:
			return false
		}
	}
	return true
}

// prepareSweepOut checks that out can take this sweep: new, empty, the same
// sweep (resume or another shard), or replaced with --force.
func prepareSweepOut(o sweepOptions, m *output.SweepManifest) error {
	entries, err := os.ReadDir(o.out)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	prev, err := readSweepManifest(o.out)
	if err != nil && onlySweepStart(entries) {
		return nil // another shard of a sweep is starting in this folder: its design and manifest come first
	}
	if err != nil {
		if o.force {
			return usagef("sweep: --out %s holds files that are not htsim sweep output; refusing to replace them", o.out)
		}
		return usagef("sweep: --out %s is not empty and holds no sweep manifest; choose another folder", o.out)
	}
	same := prev.SweepFile.SHA256 == m.SweepFile.SHA256 && prev.Chunk == m.Chunk && prev.Revision == m.Revision && prev.Monthly == m.Monthly &&
		prev.PortableEncoding == m.PortableEncoding // portable and other builds write the same values in other bytes
	switch {
	case o.force:
		for _, name := range []string{"yearly", "monthly", "design.parquet", "manifest.json", "sensitivity.parquet", "report"} {
			if err := os.RemoveAll(filepath.Join(o.out, name)); err != nil {
				return err
			}
		}
		return nil
	case !same:
		return usagef("sweep: --out %s holds another sweep (or another --chunk or --monthly, code revision, or a build with(out) portable encoding: see htsim version); use another folder or --force", o.out)
	}
	// The same sweep: another shard's files or an interrupted run. Without
	// --resume, this shard may start only if it has no file there yet, so
	// that two shards can share a folder (checked by the caller).
	return nil
}
