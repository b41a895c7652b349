package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"htsim/internal/output"
	"htsim/model"
	"htsim/sim"
)

// partialDir is the folder inside a run's --out that keeps the results of
// the replicates finished so far, so that an interrupted run can resume
// (run --resume). The run removes it once its files are complete.
const partialDir = ".htsim-partial"

// checkpoint keeps each finished replicate's results (every scenario's) in
// partialDir, one file a replicate, written whole or not at all. Replaying
// them through the same writers, in the same order, gives the same bytes as
// an uninterrupted run.
type checkpoint struct {
	dir       string
	scenarios int
	pending   []*sim.Result // the replicate being gathered, in scenario order
	lock      *os.File      // held while the run writes to its folder (see lockRun)
}

// runLockName is the file in partialDir that a run holds locked while it
// writes to its folder, so that a second run into the same folder (resumed,
// forced or not) is refused instead of mixing or removing its files.
const runLockName = "lock"

// runBusy reports whether another htsim run is writing to out now.
func runBusy(out string) bool { return lockHeld(filepath.Join(out, partialDir, runLockName)) }

// errRunBusy is the refusal of a run into a folder another run writes to.
func errRunBusy(out string) error {
	return usagef("run: --out %s is being written by another htsim run now; wait for it to finish or choose another folder", out)
}

// lockRun takes the run lock of c's folder.
func (c *checkpoint) lockRun(out string) error {
	f, busy, err := lockFile(filepath.Join(c.dir, runLockName))
	if busy {
		return errRunBusy(out)
	}
	c.lock = f
	return err
}

// release lets go of the run lock. It is safe on a nil checkpoint.
func (c *checkpoint) release() {
	if c != nil && c.lock != nil {
		c.lock.Close()
		c.lock = nil
	}
}

// runKey identifies what a run computes: its manifest without the creation
// time and the command line (code revision, build, scenario files and
// parameters, seed, replicates, horizon, tables).
func runKey(m *output.Manifest) (string, error) {
	c := *m
	c.Created, c.Command = "", nil
	data, err := json.Marshal(&c)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// newCheckpoint starts the checkpoint of a new run in out: its manifest
// (command included) in run.json, which says what the run computes (runKey)
// and which command a refused resume quotes.
func newCheckpoint(out string, m *output.Manifest, scenarios int) (*checkpoint, error) {
	c := &checkpoint{dir: filepath.Join(out, partialDir), scenarios: scenarios}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, err
	}
	if err := c.lockRun(out); err != nil {
		return nil, err
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return c, output.WriteFileAtomic(filepath.Join(c.dir, "run.json"), data)
}

// recordedRun reads the manifest of the interrupted run in out.
func recordedRun(out string) (*output.Manifest, error) {
	data, err := os.ReadFile(filepath.Join(out, partialDir, "run.json"))
	if err != nil {
		return nil, err
	}
	var m output.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// interruptedRun reports whether out holds an interrupted run that can be
// resumed, and its command line.
func interruptedRun(out string) (command string, ok bool) {
	m, err := recordedRun(out)
	if err != nil {
		return "", false
	}
	return strings.Join(m.Command, " "), true
}

// openCheckpoint opens the checkpoint of an interrupted run in out, which
// must compute what the resuming run's manifest m describes, and returns how
// many replicates, from 0, it holds.
func openCheckpoint(out string, m *output.Manifest, scenarios int) (*checkpoint, int, error) {
	c := &checkpoint{dir: filepath.Join(out, partialDir), scenarios: scenarios}
	if runBusy(out) {
		return nil, 0, errRunBusy(out)
	}
	was, err := recordedRun(out)
	if err != nil {
		if _, err := os.Stat(c.dir); err == nil {
			return nil, 0, usagef("run: --resume: the interrupted run in %s cannot be resumed (it was stopped before recording what it computes); add --force instead of --resume to start over", out)
		}
		if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
			return nil, 0, usagef("run: --resume: the run in %s is complete: there is nothing to resume (add --force instead of --resume to run it again)", out)
		}
		return nil, 0, usagef("run: --resume: %s holds no interrupted run; run without --resume", out)
	}
	wasKey, err1 := runKey(was)
	key, err2 := runKey(m)
	if err := errors.Join(err1, err2); err != nil {
		return nil, 0, err
	}
	if wasKey != key {
		return nil, 0, usagef("run: --resume: the interrupted run in %s computed something else: it differs in %s; it was %q. Resume it with its own command, or add --force instead of --resume to start over",
			out, manifestDiff(was, m), strings.Join(was.Command, " "))
	}
	// Locked before the stale temporary files are removed: they may be those
	// of a run that started meanwhile.
	if err := c.lockRun(out); err != nil {
		return nil, 0, err
	}
	// A killed run (SIGKILL, a lost node) leaves the temporary files it was
	// writing; they are this run's and would otherwise stay beside its files.
	// (Listed without glob patterns: out's name may hold *, ? or [.)
	stale := append(output.Named(out, ".", ".tmp-"), output.Named(c.dir, ".", ".tmp-")...)
	for _, table := range output.Named(out, "", "") {
		for _, dir := range output.Named(table, "scenario=", "") {
			stale = append(stale, output.Named(dir, ".part-", ".tmp-")...)
		}
	}
	if err := output.RemoveAll(stale); err != nil {
		c.release()
		return nil, 0, err
	}
	done := 0
	for {
		if _, err := os.Stat(c.file(done)); err != nil {
			break
		}
		done++
	}
	return c, done, nil
}

// manifestDiff names what differs between the manifests of two runs, as far
// as what they compute goes.
func manifestDiff(was, now *output.Manifest) string {
	var d []string
	add := func(what string, a, b any) {
		if fmt.Sprint(a) != fmt.Sprint(b) {
			d = append(d, fmt.Sprintf("%s (%v, now %v)", what, a, b))
		}
	}
	add("seed", was.Seed, now.Seed)
	add("replicates", was.Replicates, now.Replicates)
	add("horizon", was.From+" to "+was.To, now.From+" to "+now.To)
	add("--victims", was.Victims, now.Victims)
	add("--monthly", was.Monthly, now.Monthly)
	add("code", was.Revision+map[bool]string{true: " (modified)"}[was.Modified]+" "+was.BuildTags, now.Revision+map[bool]string{true: " (modified)"}[now.Modified]+" "+now.BuildTags)
	names := func(m *output.Manifest) []string {
		var n []string
		for _, sc := range m.Scenarios {
			n = append(n, sc.Name)
		}
		return n
	}
	add("scenarios", names(was), names(now))
	if len(d) == 0 {
		for i := range min(len(was.Scenarios), len(now.Scenarios)) {
			if fmt.Sprint(was.Scenarios[i]) != fmt.Sprint(now.Scenarios[i]) {
				d = append(d, "the files or parameters of scenario "+now.Scenarios[i].Name)
			}
		}
	}
	if len(d) == 0 {
		d = append(d, "its record")
	}
	return strings.Join(d, ", ")
}

func (c *checkpoint) file(rep int) string {
	return filepath.Join(c.dir, fmt.Sprintf("replicate-%07d.gob", rep))
}

// keptResult is a replicate's result as a checkpoint stores it: the yearly
// counts, mostly zeros, as their non-zero entries (gaps between positions in
// the flattened counts, and values), which gob writes as varints.
type keptResult struct {
	Scenario             string
	Replicate, FirstYear int
	Years                int
	Gaps                 []uint32
	Counts               []int64
	Values               [][]float64
	Victims              []sim.VictimRecord
	// The monthly counts (run --monthly), stored as the yearly ones.
	FirstMonth    int32
	Months        int
	MonthlyGaps   []uint32
	MonthlyCounts []int64
}

func keep(res *sim.Result) keptResult {
	k := keptResult{Scenario: res.Scenario, Replicate: res.Replicate, FirstYear: res.FirstYear, Years: len(res.Counts),
		Values: res.Values, Victims: res.Victims}
	k.Gaps, k.Counts = sparse(res.Counts)
	if res.Monthly != nil {
		k.FirstMonth, k.Months = int32(res.FirstMonth), len(res.Monthly)
		k.MonthlyGaps, k.MonthlyCounts = sparse(res.Monthly)
	}
	return k
}

// sparse returns the non-zero entries of c as gaps between their positions
// in the flattened counts, and their values.
func sparse(c sim.Counts) (gaps []uint32, values []int64) {
	last := -1
	for y := range c {
		for m, v := range c[y] {
			if v != 0 {
				i := y*int(sim.NumMeasures) + m
				gaps = append(gaps, uint32(i-last))
				values = append(values, v)
				last = i
			}
		}
	}
	return gaps, values
}

// dense is the inverse of sparse, for counts of n rows.
func dense(n int, gaps []uint32, values []int64) (sim.Counts, error) {
	c := make(sim.Counts, n)
	if len(gaps) != len(values) {
		return nil, errors.New("malformed counts")
	}
	i := -1
	for j, g := range gaps {
		i += int(g)
		if g == 0 || i >= n*int(sim.NumMeasures) {
			return nil, errors.New("malformed counts")
		}
		c[i/int(sim.NumMeasures)][i%int(sim.NumMeasures)] = values[j]
	}
	return c, nil
}

func (k *keptResult) result() (*sim.Result, error) {
	res := &sim.Result{Scenario: k.Scenario, Replicate: k.Replicate, FirstYear: k.FirstYear, Values: k.Values, Victims: k.Victims}
	var err error
	if res.Counts, err = dense(k.Years, k.Gaps, k.Counts); err != nil {
		return nil, err
	}
	if k.Months > 0 {
		res.FirstMonth = model.Month(k.FirstMonth)
		if res.Monthly, err = dense(k.Months, k.MonthlyGaps, k.MonthlyCounts); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// add gathers a result; once it holds every scenario's result of a
// replicate, it stores them.
func (c *checkpoint) add(res *sim.Result) error {
	c.pending = append(c.pending, res)
	if len(c.pending) < c.scenarios {
		return nil
	}
	kept := make([]keptResult, len(c.pending))
	for i, r := range c.pending {
		kept[i] = keep(r)
	}
	c.pending = c.pending[:0]
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(kept); err != nil {
		return fmt.Errorf("checkpoint of replicate %d: %w", res.Replicate, err)
	}
	return output.WriteFileAtomic(c.file(res.Replicate), buf.Bytes())
}

// load returns the results stored for replicate rep.
func (c *checkpoint) load(rep int) ([]*sim.Result, error) {
	data, err := os.ReadFile(c.file(rep))
	if err != nil {
		return nil, err
	}
	var kept []keptResult
	dec := gob.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&kept); err != nil {
		return nil, fmt.Errorf("%s: %w", c.file(rep), err)
	}
	if len(kept) != c.scenarios {
		return nil, fmt.Errorf("%s holds %d results, want %d", c.file(rep), len(kept), c.scenarios)
	}
	res := make([]*sim.Result, len(kept))
	for i := range kept {
		if res[i], err = kept[i].result(); err != nil {
			return nil, fmt.Errorf("%s: %w", c.file(rep), err)
		}
		if res[i].Replicate != rep {
			return nil, fmt.Errorf("%s holds replicate %d", c.file(rep), res[i].Replicate)
		}
	}
	return res, nil
}

// remove deletes the checkpoint once the run's files are complete.
func (c *checkpoint) remove() error { return os.RemoveAll(c.dir) }
