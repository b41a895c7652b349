package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"htsim/internal/output"
	"htsim/scenarios"
)

// The sweep tests run htsim in separate processes (shards, kill -9, SIGINT):
// the test binary itself, which acts as htsim when HTSIM_TEST_MAIN=1, with
// the command line after a "--" marker. This runs in init, before TestMain
// (compare_test.go) and before the testing flags are parsed; it goes through
// main itself, so SIGINT is handled as in the real binary.
func init() {
	if os.Getenv("HTSIM_TEST_MAIN") != "1" {
		return
	}
	args := []string{}
	for i, a := range os.Args {
		if a == "--" {
			args = os.Args[i+1:]
			break
		}
	}
	os.Args = append([]string{"htsim"}, args...)
	main() // exits
	os.Exit(1)
}

const exampleSweep = "../../scenarios/sweeps/example.yaml"

// One job of example.yaml: 21 years (2010-2030) x 36 cells.
const rowsPerJob = 21 * 36

// clusterEnv lists the variables resolveShard reads; the children see only
// those a test sets, whatever the environment the tests run in.
var clusterEnv = []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "JOB_COMPLETION_INDEX", "HTSIM_TEST_MAIN"}

// htsimCmd returns an htsim process (not started) with extra environment env.
func htsimCmd(t *testing.T, env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--"}, args...)...)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, c := range clusterEnv {
			if name == c {
				keep = false
			}
		}
		if keep {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(append(cmd.Env, "HTSIM_TEST_MAIN=1"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// runHtsim runs htsim in a child process with extra environment env (at most
// 3 minutes). It does not touch t, so goroutines may call it.
func runHtsim(t *testing.T, env []string, args ...string) (code int, stdout, stderr string, err error) {
	cmd, out, errb := htsimCmd(t, env, args...)
	if err := cmd.Start(); err != nil {
		return -1, "", "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		<-done
		return -1, out.String(), errb.String(), fmt.Errorf("htsim %v hung", args)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return -1, out.String(), errb.String(), fmt.Errorf("htsim %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String(), nil
}

// htsimProc runs htsim in a child process with extra environment env.
func htsimProc(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	code, stdout, stderr, err := runHtsim(t, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return code, stdout, stderr
}

// htsimErr runs htsim and returns its stdout, or an error unless it exits 0.
func htsimErr(t *testing.T, env []string, args ...string) (string, error) {
	code, stdout, stderr, err := runHtsim(t, env, args...)
	if err == nil && code != 0 {
		err = fmt.Errorf("htsim %v (env %v): exit %d\nstdout: %s\nstderr: %s", args, env, code, stdout, stderr)
	}
	return stdout, err
}

// slowTest skips t under -short (why says what it runs) and runs it in
// parallel with the other slow tests.
func slowTest(t *testing.T, why string) {
	t.Helper()
	if testing.Short() {
		t.Skip(why)
	}
	t.Parallel()
}

// withArgs returns a function giving args followed by extra, in a new slice.
func withArgs(args ...string) func(extra ...string) []string {
	return func(extra ...string) []string { return append(append([]string(nil), args...), extra...) }
}

// htsimOK runs htsim in a child process and fails the test unless it exits 0.
func htsimOK(t *testing.T, env []string, args ...string) string {
	t.Helper()
	stdout, err := htsimErr(t, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return stdout
}

// proc is an htsim child process started in the background.
type proc struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan struct{} // closed when the process has ended
}

// startHtsim starts htsim in a child process; it is killed when the test ends.
func startHtsim(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd, _, stderr := htsimCmd(t, nil, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stderr: stderr, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits for p to end (at most 3 minutes) and returns its exit code.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(3 * time.Minute):
		t.Fatalf("htsim %v hung", p.cmd.Args[2:])
		return -1
	}
}

// parallel runs fs concurrently, waits for all of them and fails the test
// with their errors.
func parallel(t *testing.T, fs ...func() error) {
	t.Helper()
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func partDir(out string) string { return filepath.Join(out, "yearly", "scenario=baseline") }

// partFiles returns the names of the complete part files of baseline under out.
func partFiles(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(partDir(out))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "part-") && strings.HasSuffix(e.Name(), ".parquet") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// allFiles maps every file under dir (slash-separated relative path) to its bytes.
func allFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sameOutput checks that got holds the same files as want, byte for byte,
// except manifest.json (it records the command line), which must exist.
func sameOutput(t *testing.T, what, want, got string) {
	t.Helper()
	a, b := allFiles(t, want), allFiles(t, got)
	if ka, kb := sortedKeys(a), sortedKeys(b); !reflect.DeepEqual(ka, kb) {
		t.Errorf("%s: files %v, want %v", what, kb, ka)
	}
	for name, data := range a {
		if name == "manifest.json" {
			continue
		}
		if other, ok := b[name]; ok && !bytes.Equal(data, other) {
			t.Errorf("%s: %s differs from the unsharded, uninterrupted run's", what, name)
		}
	}
}

func numRows(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		t.Fatalf("%s is not valid Parquet: %v", path, err)
	}
	return pf.NumRows()
}

// TestShardsEqualUnsharded: three shards, however they learn their index
// (--shard, Slurm's array variables, Kubernetes' completion index), together
// write exactly the files of an unsharded run; merge compacts them.
func TestShardsEqualUnsharded(t *testing.T) {
	slowTest(t, "runs the example sweep four times")
	root := t.TempDir()
	a, b, c, d := filepath.Join(root, "A"), filepath.Join(root, "B"), filepath.Join(root, "C"), filepath.Join(root, "D")
	sweep := func(out string, env []string, extra ...string) func() error {
		return func() error {
			args := append([]string{"sweep", "-q", "--chunk", "3", "--out", out}, extra...)
			_, err := htsimErr(t, env, append(args, exampleSweep)...)
			return err
		}
	}
	runs := []func() error{sweep(a, nil)}
	for i := 0; i < 3; i++ {
		runs = append(runs,
			sweep(b, nil, "--workers", "1", "--shard", fmt.Sprintf("%d/3", i)),
			sweep(c, []string{fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", i), "SLURM_ARRAY_TASK_COUNT=3"}, "--workers", "1"),
			sweep(d, []string{fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i)}, "--workers", "1", "--shards", "3"))
	}
	parallel(t, runs...)
	parts := partFiles(t, a)
	if len(parts) != 11 { // 32 jobs in files of 3
		t.Fatalf("unsharded run wrote %d part files, want 11: %v", len(parts), parts)
	}
	var total int64
	for _, p := range parts {
		total += numRows(t, filepath.Join(partDir(a), p))
	}
	if total != 32*rowsPerJob {
		t.Errorf("the unsharded parts hold %d rows, want %d", total, 32*rowsPerJob)
	}
	for _, out := range []struct{ name, dir string }{{"--shard", b}, {"Slurm", c}, {"JOB_COMPLETION_INDEX", d}} {
		sameOutput(t, out.name, a, out.dir)
	}

	m := filepath.Join(root, "M")
	htsimOK(t, nil, "merge", "--out", m, b)
	merged := partFiles(t, m)
	if len(merged) != 1 {
		t.Fatalf("merge wrote %v, want one part file", merged)
	}
	if n := numRows(t, filepath.Join(partDir(m), merged[0])); n != total {
		t.Errorf("merged file has %d rows, want %d", n, total)
	}
	for _, f := range []string{"design.parquet", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(m, f)); err != nil {
			t.Errorf("merge: %v", err)
		}
	}
}

// waitForParts polls until out holds at least n part files and returns how
// many it found; it fails the test if the process ends first.
func waitForParts(t *testing.T, p *proc, out string, n int) int {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for {
		if got := len(partFiles(t, out)); got >= n {
			return got
		}
		select {
		case <-p.done:
			t.Fatalf("htsim ended (exit %d) before writing %d part files; stderr:\n%s", p.cmd.ProcessState.ExitCode(), n, p.stderr)
		case <-deadline:
			t.Fatalf("no %d part files under %s after 2 minutes", n, out)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestKillAndResume: a sweep killed with SIGKILL leaves only complete,
// readable files; --resume finishes it, and the result is byte-identical to
// an uninterrupted run.
func TestKillAndResume(t *testing.T) {
	slowTest(t, "runs the example sweep twice")
	root := t.TempDir()
	k, ref := filepath.Join(root, "K"), filepath.Join(root, "ref")
	args := []string{"sweep", "-q", "--chunk", "1", "--workers", "1", "--out", k, exampleSweep}
	// The uninterrupted run, meanwhile.
	refDone := make(chan error, 1)
	go func() {
		_, err := htsimErr(t, nil, "sweep", "-q", "--chunk", "1", "--out", ref, exampleSweep)
		refDone <- err
	}()
	p := startHtsim(t, args...)
	waitForParts(t, p, k, 3)
	if err := p.cmd.Process.Kill(); err != nil {
		t.Errorf("kill: %v", err)
	}
	p.wait(t)
	if err := <-refDone; err != nil {
		t.Fatal(err)
	}
	before := partFiles(t, k)
	t.Logf("killed after %d of 32 part files", len(before))
	if len(before) >= 32 {
		t.Fatalf("the sweep finished (%d files) before it was killed", len(before))
	}
	// Every visible Parquet file is complete.
	err := filepath.WalkDir(k, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") || !strings.HasSuffix(d.Name(), ".parquet") {
			return err
		}
		want := int64(rowsPerJob)
		if d.Name() == "design.parquet" {
			want = 8
		}
		if n := numRows(t, p); n != want {
			t.Errorf("%s: %d rows, want %d", p, n, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// --resume runs only the missing files.
	stdout := htsimOK(t, nil, "sweep", "--resume", "--chunk", "1", "--out", k, exampleSweep)
	if want := fmt.Sprintf("wrote %d files (%d already present)", 32-len(before), len(before)); !strings.Contains(stdout, want) {
		t.Errorf("resume summary lacks %q:\n%s", want, stdout)
	}
	sameOutput(t, "killed and resumed", ref, k)
	filepath.WalkDir(k, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".") {
			t.Errorf("%s is left after the resumed run", p)
		}
		return nil
	})
}

// TestInterruptSIGINT: Ctrl-C (SIGINT), or SIGTERM as a batch scheduler
// sends at a time limit, stops a sweep with exit code 130, says how to
// finish it, and leaves no partial file.
func TestInterruptSIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("runs part of the example sweep")
	}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "S")
			p := startHtsim(t, "sweep", "-q", "--chunk", "1", "--workers", "1", "--out", out, exampleSweep)
			waitForParts(t, p, out, 1)
			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := p.wait(t); code != 130 {
				t.Errorf("exit code %d after %v, want 130; stderr:\n%s", code, sig, p.stderr)
			}
			for _, w := range []string{"interrupted", "--resume"} {
				if !strings.Contains(p.stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, p.stderr)
				}
			}
			if n := len(partFiles(t, out)); n < 1 || n >= 32 {
				t.Errorf("%d part files after the interruption", n)
			}
			filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
				if err == nil && strings.Contains(d.Name(), ".tmp-") {
					t.Errorf("temporary file %s left after %v", p, sig)
				}
				return nil
			})
		})
	}
}

// TestReproduce: reproduce reruns a sweep and finds it identical; after a part
// file is swapped for another sweep's (still valid Parquet), it names the chunk.
func TestReproduce(t *testing.T) {
	slowTest(t, "runs the example sweep three times")
	root := t.TempDir()
	out, other := filepath.Join(root, "out"), filepath.Join(root, "other")
	htsimOK(t, nil, "sweep", "-q", "--chunk", "4", "--out", out, exampleSweep) // 8 files

	// Meanwhile: chunk 5 of the same sweep with another seed.
	src, err := os.ReadFile(exampleSweep)
	if err != nil {
		t.Fatal(err)
	}
	otherFile := filepath.Join(root, "other-seed.yaml")
	if !bytes.Contains(src, []byte("seed: 2026\n")) {
		t.Fatal("example.yaml no longer has seed: 2026")
	}
	os.WriteFile(otherFile, bytes.Replace(src, []byte("seed: 2026\n"), []byte("seed: 2027\n"), 1), 0o644)

	var stdout string
	parallel(t,
		func() (err error) { stdout, err = htsimErr(t, nil, "reproduce", out); return err },
		func() error {
			_, err := htsimErr(t, nil, "sweep", "-q", "--chunk", "4", "--shard", "5/8", "--out", other, otherFile)
			return err
		})
	if !strings.HasPrefix(stdout, "match") || !strings.Contains(stdout, "8 of 8") {
		t.Errorf("reproduce: %q, want a match of 8 of 8 files", stdout)
	}
	stdout = htsimOK(t, nil, "reproduce", "--sample", "2", out)
	if !strings.HasPrefix(stdout, "match") || !strings.Contains(stdout, "2 of 8") {
		t.Errorf("reproduce --sample 2: %q, want a match of 2 of 8 files", stdout)
	}
	if strings.Contains(stdout, "incomplete") {
		t.Errorf("reproduce of a complete sweep calls it incomplete: %q", stdout)
	}

	// A missing chunk is not a mismatch, but the sweep is called incomplete.
	chunk7 := output.ChunkPath(out, "baseline", 7)
	kept, err := os.ReadFile(chunk7)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(chunk7)
	stdout = htsimOK(t, nil, "reproduce", "--sample", "1", out)
	if !strings.Contains(stdout, "1 of 7") || !strings.Contains(stdout, "incomplete: 1 of its 8 chunk files is missing") {
		t.Errorf("reproduce with chunk 7 missing: %q, want a match of 1 of 7 files and the sweep called incomplete", stdout)
	}
	if err := os.WriteFile(chunk7, kept, 0o644); err != nil {
		t.Fatal(err)
	}

	// Swap chunk 5 for the other seed's.
	swap, err := os.ReadFile(output.ChunkPath(other, "baseline", 5))
	if err != nil {
		t.Fatal(err)
	}
	orig5, _ := os.ReadFile(output.ChunkPath(out, "baseline", 5))
	if bytes.Equal(orig5, swap) {
		t.Fatal("seeds 2026 and 2027 give the same chunk 5")
	}
	if err := os.WriteFile(output.ChunkPath(out, "baseline", 5), swap, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := htsimProc(t, nil, "reproduce", out)
	if code == 0 {
		t.Fatalf("reproduce after corrupting chunk 5: exit 0\n%s", stdout)
	}
	for _, w := range []string{"mismatch", "scenario baseline chunk 5 "} {
		if !strings.Contains(stdout, w) {
			t.Errorf("reproduce output lacks %q:\nstdout: %s\nstderr: %s", w, stdout, stderr)
		}
	}
	if strings.Contains(stderr, "panic") {
		t.Errorf("stderr shows a panic:\n%s", stderr)
	}
	// The design too: another seed's design.parquet is a mismatch that names it.
	os.WriteFile(output.ChunkPath(out, "baseline", 5), orig5, 0o644)
	otherDesign, err := os.ReadFile(filepath.Join(other, "design.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(out, "design.parquet"), otherDesign, 0o644)
	code, stdout, _ = htsimProc(t, nil, "reproduce", "--sample", "1", out)
	if code != 1 || !strings.Contains(stdout, "mismatch: design.parquet differs from the design of the recorded sweep file") {
		t.Errorf("reproduce with another sweep's design.parquet: exit %d\n%s", code, stdout)
	}
}

// TestSweepBadFlags: bad command lines and cluster environments exit 2 with
// a clear message before any output folder is created.
func TestSweepBadFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"shard index out of range", nil, []string{"--shard", "3/3"}, []string{"--shard 3/3", "0 to n-1"}},
		{"negative shard index", nil, []string{"--shard=-1/3"}, []string{"--shard -1/3", "0 to n-1"}},
		{"malformed shard", nil, []string{"--shard", "x/2"}, []string{`--shard "x/2" is not i/n`}},
		{"shard without count", nil, []string{"--shard", "1"}, []string{`--shard "1" is not i/n`}},
		{"shard and shards disagree", nil, []string{"--shard", "1/3", "--shards", "2"}, []string{"disagree"}},
		{"shards without index", nil, []string{"--shards", "3"}, []string{"--shards 3 needs --shard i/n"}},
		{"Slurm and Kubernetes", []string{"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3", "JOB_COMPLETION_INDEX=1"}, []string{"--shards", "3"},
			[]string{"both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set"}},
		{"Slurm without count", []string{"SLURM_ARRAY_TASK_ID=1"}, nil, []string{"neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX"}},
		{"Slurm task outside array", []string{"SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_COUNT=3"}, nil, []string{"Slurm task 5 is outside the array"}},
		{"Slurm id not a number", []string{"SLURM_ARRAY_TASK_ID=abc", "SLURM_ARRAY_TASK_COUNT=3"}, nil, []string{`SLURM_ARRAY_TASK_ID="abc" is not a non-negative integer`}},
		{"completion index without shards", []string{"JOB_COMPLETION_INDEX=1"}, nil, []string{"JOB_COMPLETION_INDEX is set", "--shards n"}},
		{"completion index outside shards", []string{"JOB_COMPLETION_INDEX=3"}, []string{"--shards", "3"}, []string{"JOB_COMPLETION_INDEX 3 is outside --shards 3"}},
		{"resume and force", nil, []string{"--resume", "--force"}, []string{"--resume and --force exclude each other"}},
		{"chunk zero", nil, []string{"--chunk", "0"}, []string{"--chunk must be between 1"}},
		{"negative shards", nil, []string{"--shards=-2"}, []string{"--shards must be positive"}},
		{"zero workers", nil, []string{"--workers", "0"}, []string{"--workers must be between 1"}},
		{"unknown flag", nil, []string{"--shardz", "1/2"}, []string{"unknown flag: --shardz"}},
		{"bad sweep file", nil, []string{"FILE=../../testdata/sweeps/bad/unknown-parameter.yaml"},
			[]string{"../../testdata/sweeps/bad/unknown-parameter.yaml:7: parameters.police.skil: unknown parameter"}},
		{"out-of-domain sweep file", nil, []string{"FILE=../../testdata/sweeps/bad/range-outside-domain.yaml"},
			[]string{"range-outside-domain.yaml:7: parameters.police.skill", "outside the allowed range"}},
		{"missing sweep file", nil, []string{"FILE=nosuch.yaml"}, []string{"nosuch.yaml: no such file"}},
		{"two sweep files", nil, []string{"FILE=" + exampleSweep, "FILE=" + exampleSweep}, []string{"name one sweep file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := []string{"sweep", "-q", "--out", out}
			var files []string
			for _, a := range c.args {
				if f, ok := strings.CutPrefix(a, "FILE="); ok {
					files = append(files, f)
				} else {
					args = append(args, a)
				}
			}
			if files == nil {
				files = []string{exampleSweep}
			}
			code, stdout, stderr := htsimProc(t, c.env, append(args, files...)...)
			if code != 2 {
				t.Errorf("exit code %d, want 2\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr shows a panic:\n%s", stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("output folder %s was created", out)
			}
		})
	}
}

// partRow is the part of a sweep row the test checks.
type partRow struct {
	Scenario  string  `parquet:"scenario"`
	Point     int32   `parquet:"point"`
	Replicate int32   `parquet:"replicate"`
	Year      int32   `parquet:"year"`
	Skill     float64 `parquet:"param_police_skill"`
	Raid      float64 `parquet:"param_police_raid_monthly_sex_industry"`
	Risk      float64 `parquet:"param_victimisation_monthly_risk_agriculture"`
}

type designRow struct {
	Point int32   `parquet:"point"`
	Skill float64 `parquet:"param_police_skill"`
	Raid  float64 `parquet:"param_police_raid_monthly_sex_industry"`
	Risk  float64 `parquet:"param_victimisation_monthly_risk_agriculture"`
}

// TestSweepOutputsColumns: a part file has the yearly table's columns with the
// design point and one column per swept parameter, whose values are the
// design's for that point.
func TestSweepOutputsColumns(t *testing.T) {
	slowTest(t, "runs a quarter of the example sweep")
	out := filepath.Join(t.TempDir(), "out")
	// Files of one job; shard 0 of 4 takes chunks 0, 4, .., 28: replicate 0 of every point.
	htsimOK(t, nil, "sweep", "-q", "--chunk", "1", "--shard", "0/4", "--out", out, exampleSweep)

	params := []string{"param_police_skill", "param_police_raid_monthly_sex_industry", "param_victimisation_monthly_risk_agriculture"}
	want := []string{"scenario", "point"}
	yr := reflect.TypeOf(output.YearlyRow{})
	for i := 0; i < yr.NumField(); i++ {
		name, _, _ := strings.Cut(yr.Field(i).Tag.Get("parquet"), ",")
		if name != "scenario" {
			want = append(want, name)
		}
	}
	if !reflect.DeepEqual(want[:8], []string{"scenario", "point", "replicate", "year", "origin", "form", "sex", "age"}) || len(want) < 20 {
		t.Fatalf("unexpected yearly row layout %v", want)
	}
	want = append(want, params...)

	design, err := parquet.ReadFile[designRow](filepath.Join(out, "design.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	sw, err := scenarios.LoadSweep(exampleSweep)
	if err != nil {
		t.Fatal(err)
	}
	matrix := sw.DesignMatrix()
	if len(design) != 8 || len(matrix) != 8 {
		t.Fatalf("design.parquet has %d rows, the design %d; want 8", len(design), len(matrix))
	}
	for p, d := range design {
		if int(d.Point) != p || !reflect.DeepEqual([]float64{d.Skill, d.Raid, d.Risk}, matrix[p]) {
			t.Errorf("design.parquet row %d = %+v, want point %d at %v", p, d, p, matrix[p])
		}
	}

	parts := partFiles(t, out)
	if len(parts) != 8 {
		t.Fatalf("shard 0/4 wrote %v, want 8 files", parts)
	}
	for k := 0; k < 32; k += 4 {
		path := output.ChunkPath(out, "baseline", k)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := f.Stat()
		pf, err := parquet.OpenFile(f, info.Size())
		if err != nil {
			f.Close()
			t.Fatalf("%s: %v", path, err)
		}
		var cols []string
		for _, fld := range pf.Schema().Fields() {
			cols = append(cols, fld.Name())
		}
		f.Close()
		if !reflect.DeepEqual(cols, want) {
			t.Errorf("%s: columns\n%v\nwant\n%v", filepath.Base(path), cols, want)
		}
		rows, err := parquet.ReadFile[partRow](path)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != rowsPerJob {
			t.Errorf("%s: %d rows, want %d", filepath.Base(path), len(rows), rowsPerJob)
		}
		point := k / 4 // 4 replicates per point
		d := design[point]
		years := map[int32]int{}
		for i, r := range rows {
			years[r.Year]++
			if r.Scenario != "baseline" || int(r.Point) != point || r.Replicate != 0 || r.Skill != d.Skill || r.Raid != d.Raid || r.Risk != d.Risk {
				t.Errorf("%s row %d = %+v, want baseline, point %d, replicate 0, params of %+v", filepath.Base(path), i, r, point, d)
				break
			}
		}
		if len(years) != 21 || years[2010] != 36 || years[2030] != 36 {
			t.Errorf("%s: years %v, want 2010-2030 with 36 cells each", filepath.Base(path), years)
		}
	}
}

// TestReproduceFromManifest: reproduce reads the sweep's scenario files from
// the manifest, so it still matches after the user's scenario file has been
// edited (here to extend one more file, which once crashed it) and the folder
// holding the sweep and its scenario has moved away.
func TestReproduceFromManifest(t *testing.T) {
	slowTest(t, "runs a small sweep twice")
	root := t.TempDir()
	dir := filepath.Join(root, "study")
	os.Mkdir(dir, 0o755)
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("mine.yaml", "name: mine\nextends: baseline\nfrom: 2026-01\nparameters:\n  police:\n    skill: {value: 0.7, source: assumption}\n")
	write("sweep.yaml", "name: mine-sweep\nscenarios: [./mine.yaml]\ndesign: {kind: montecarlo, points: 2}\nreplicates: 1\nseed: 3\n"+
		"parameters:\n  police.raid_monthly.sex_industry: {min: 0.01, max: 0.03}\n")
	out := filepath.Join(root, "out")
	htsimOK(t, nil, "sweep", "-q", "--out", out, filepath.Join(dir, "sweep.yaml"))

	write("parent.yaml", "name: parent\nextends: baseline\nparameters:\n  police:\n    skill: {value: 0.4, source: assumption}\n")
	write("mine.yaml", "name: mine\nextends: ./parent.yaml\nfrom: 2026-01\nparameters:\n  police:\n    skill: {value: 0.7, source: assumption}\n")
	if err := os.Rename(dir, filepath.Join(root, "moved")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := htsimProc(t, nil, "reproduce", out)
	if code != 0 || !strings.HasPrefix(stdout, "match") {
		t.Errorf("reproduce after editing and moving the scenario: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

// TestSweepRerunRefused: running a sweep again into a folder holding this
// shard's files, without --resume or --force, exits 2 and leaves them alone.
func TestSweepRerunRefused(t *testing.T) {
	slowTest(t, "runs the example sweep")
	out := filepath.Join(t.TempDir(), "out")
	htsimOK(t, nil, "sweep", "-q", "--chunk", "16", "--out", out, exampleSweep)
	part := output.ChunkPath(out, "baseline", 0)
	before, err := os.Stat(part)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := htsimProc(t, nil, "sweep", "-q", "--chunk", "16", "--out", out, exampleSweep)
	if code != 2 || !strings.Contains(stderr, "already holds 2 of the 2 part files") || !strings.Contains(stderr, "--resume") {
		t.Errorf("rerun without --resume: exit %d, stderr %q; want exit 2 naming the files and --resume", code, stderr)
	}
	if after, err := os.Stat(part); err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the refused rerun touched %s (%v)", part, err)
	}
	// Another shard may still start in the folder of shard 0/2's files.
	shared := filepath.Join(t.TempDir(), "shared")
	htsimOK(t, nil, "sweep", "-q", "--chunk", "16", "--shard", "0/2", "--out", shared, exampleSweep)
	htsimOK(t, nil, "sweep", "-q", "--chunk", "16", "--shard", "1/2", "--out", shared, exampleSweep)
}

// TestReproduceRun: reproduce reruns a run folder from its manifest alone and
// finds every table identical, even after the user's scenario file changed
// on disk; a compare.parquet is recomputed against the scenario it records;
// after a table is swapped for another seed's, it names the file and exits 1; a missing table is an input error (exit 2) naming it; --sample,
// which picks sweep chunks, is refused for a run.
func TestReproduceRun(t *testing.T) {
	slowTest(t, "runs two small studies and reruns one")
	root := t.TempDir()
	pol := filepath.Join(root, "mypol.yaml")
	src, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "palermo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pol, bytes.Replace(src, []byte("name: palermo"), []byte("name: mypol"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	out, other := filepath.Join(root, "out"), filepath.Join(root, "other")
	common := []string{"-q", "--replicates", "3", "--from", "2018-01", "--to", "2027-12"}
	htsimOK(t, nil, append(append([]string{"run"}, common...), "--victims", "--out", out, "baseline", pol)...)
	htsimOK(t, nil, append(append([]string{"run"}, common...), "--seed", "2", "--out", other, "baseline", pol)...)
	// The user edits the scenario file after the run: reproduce reads the recorded one.
	if err := os.WriteFile(pol, []byte("name: mypol\nextends: nothing-like-this\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout := htsimOK(t, nil, "reproduce", out)
	if !strings.HasPrefix(stdout, "match: 7 files") {
		t.Errorf("reproduce: %q, want a match of 7 files (summary and 3 tables x 2 scenarios)", stdout)
	}
	// A comparison in the folder is recomputed against the scenario its rows
	// record (not the default baseline), and compared.
	htsimOK(t, nil, "compare", "-q", "--against", "mypol", out)
	htsimOK(t, nil, "compare", "-q", "--against", "mypol", other)
	if stdout := htsimOK(t, nil, "reproduce", out); !strings.HasPrefix(stdout, "match: 8 files") {
		t.Errorf("reproduce with compare.parquet: %q, want a match of 8 files", stdout)
	}
	cmpOther, err := os.ReadFile(filepath.Join(other, "compare.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "compare.parquet"), cmpOther, 0o644); err != nil {
		t.Fatal(err)
	}
	if stdout, err := htsimErr(t, nil, "reproduce", out); err == nil || !strings.Contains(err.Error(), "exit 1") || !strings.Contains(stdout, "mismatch: compare.parquet") || !strings.Contains(stdout, "1 of 8 files differ") {
		t.Errorf("reproduce with another run's compare.parquet: %v, stdout %q; want exit 1 naming it", err, stdout)
	}
	if err := os.WriteFile(filepath.Join(out, "compare.parquet"), cmpOther[:len(cmpOther)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := htsimErr(t, nil, "reproduce", out); err == nil || !strings.Contains(err.Error(), "exit 2") || !strings.Contains(err.Error(), "compare.parquet cannot be read") {
		t.Errorf("reproduce with a damaged compare.parquet: %v; want exit 2 naming it", err)
	}
	// A comparison against a scenario the run does not hold: said before
	// anything runs.
	third := filepath.Join(root, "third")
	htsimOK(t, nil, "run", "-q", "--replicates", "1", "--from", "2025-01", "--to", "2025-12", "--out", third, "--compare", "--against", "awareness", "baseline", "awareness")
	cmpThird, err := os.ReadFile(filepath.Join(third, "compare.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "compare.parquet"), cmpThird, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := htsimErr(t, nil, "reproduce", out); err == nil || !strings.Contains(err.Error(), "exit 2") || !strings.Contains(err.Error(), `compares against scenario "awareness", which the run does not hold (its manifest records baseline, mypol)`) {
		t.Errorf("reproduce with a comparison against another run's scenario: %v; want exit 2 naming it", err)
	}
	htsimOK(t, nil, "compare", "-q", "--against", "mypol", out)
	if _, err := htsimErr(t, nil, "reproduce", "--sample", "2", out); err == nil || !strings.Contains(err.Error(), "exit 2") {
		t.Errorf("reproduce --sample on a run: %v, want exit 2", err)
	}
	table := filepath.Join("yearly", "scenario=baseline", "part-00000.parquet")
	swap, err := os.ReadFile(filepath.Join(other, table))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, table), swap, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, err = htsimErr(t, nil, "reproduce", out)
	if err == nil || !strings.Contains(err.Error(), "exit 1") || !strings.Contains(stdout, "mismatch: "+table) || !strings.Contains(stdout, "1 of 8 files differ") {
		t.Errorf("reproduce after swapping %s: %v, stdout %q; want exit 1 naming the file, and every file compared", table, err, stdout)
	}
	// A table the manifest lists is gone: an input error naming it.
	if err := os.Remove(filepath.Join(out, table)); err != nil {
		t.Fatal(err)
	}
	if _, err = htsimErr(t, nil, "reproduce", out); err == nil || !strings.Contains(err.Error(), "exit 2") || !strings.Contains(err.Error(), "lacks "+table) {
		t.Errorf("reproduce without %s: %v; want exit 2 naming the file", table, err)
	}
}

// TestMergeChecks: merge refuses a part file outside the sweep's layout and a
// folder that is already merged; a merge killed midway leaves only its
// staging folder, which the next merge into the same folder removes.
func TestMergeChecks(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "A")
	htsimOK(t, nil, "sweep", "-q", "--chunk", "3", "--out", a, exampleSweep)
	m := filepath.Join(root, "M")
	if err := os.MkdirAll(filepath.Join(m, ".htsim-merge", "yearly"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(m, ".htsim-merge", "yearly", "junk.tmp"), []byte("x"), 0o644)
	htsimOK(t, nil, "merge", "--out", m, a)
	entries, _ := os.ReadDir(m)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "design.parquet manifest.json yearly" {
		t.Errorf("merged folder holds %v", names)
	}
	if _, err := htsimErr(t, nil, "merge", "--out", filepath.Join(root, "M2"), m); err == nil || !strings.Contains(err.Error(), "already merged") {
		t.Errorf("merging a merged folder: %v", err)
	}
	// The same sweep written with another --chunk: said so, not "another sweep".
	b := filepath.Join(root, "B")
	htsimOK(t, nil, "sweep", "-q", "--chunk", "5", "--out", b, exampleSweep)
	if _, err := htsimErr(t, nil, "merge", "--out", filepath.Join(root, "M5"), a, b); err == nil || !strings.Contains(err.Error(), "with another --chunk (5 jobs per file, not 3)") {
		t.Errorf("merging two --chunk layouts: %v", err)
	}
	parts := partFiles(t, a)
	stray := filepath.Join(partDir(a), "part-c000099.parquet")
	data, _ := os.ReadFile(filepath.Join(partDir(a), parts[0]))
	os.WriteFile(stray, data, 0o644)
	if _, err := htsimErr(t, nil, "merge", "--out", filepath.Join(root, "M3"), a); err == nil || !strings.Contains(err.Error(), "part-c000099.parquet is not a part file of this sweep's layout") {
		t.Errorf("a stray part file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "M3")); err == nil {
		t.Error("a refused merge left its --out folder")
	}
	// A chunk file holding another chunk's rows (merged as it, once).
	os.Remove(stray)
	other, _ := os.ReadFile(filepath.Join(partDir(a), parts[2]))
	os.WriteFile(filepath.Join(partDir(a), parts[0]), other, 0o644)
	if _, err := htsimErr(t, nil, "merge", "--out", filepath.Join(root, "M4"), a); err == nil || !strings.Contains(err.Error(), "not a job of chunk 0 (jobs 0-2)") {
		t.Errorf("a chunk file holding another chunk's rows: %v", err)
	}
}

// sweepThatWaits starts the example sweep into out in a child process and
// returns once the sweep has said that it waits for the folder, so that what
// the caller checks next is a waiting sweep, not one that has not yet
// started (a fixed pause could not tell them apart on a slow machine). The
// channel gives the sweep's result when it ends.
func sweepThatWaits(t *testing.T, out string) <-chan error {
	t.Helper()
	cmd, stdout, _ := htsimCmd(t, nil, "sweep", "-q", "--out", out, exampleSweep)
	cmd.Stderr = nil
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waiting, read := make(chan struct{}), make(chan string, 1)
	go func() {
		var text strings.Builder
		said := false
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			text.WriteString(sc.Text() + "\n")
			if !said && strings.Contains(sc.Text(), "waiting for another htsim command") {
				said = true
				close(waiting)
			}
		}
		read <- text.String()
	}()
	result := make(chan error, 1)
	go func() {
		stderr := <-read // all of it, before Wait closes the pipe
		err := cmd.Wait()
		if err != nil {
			err = fmt.Errorf("%v\nstdout: %s\nstderr: %s", err, stdout, stderr)
		}
		result <- err
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case <-waiting:
		return result
	case err := <-result:
		t.Fatalf("the sweep into held %s ended without waiting: %v", out, err)
	case <-time.After(2 * time.Minute):
		t.Fatalf("the sweep into held %s did not say that it waits", out)
	}
	return nil
}

// TestOutputFolderLocks: a calibration into a folder another htsim command
// holds is refused at once (two at once both reported success, one result
// silently replaced: found in an audit), and a sweep waits for the folder
// before checking it and writing its manifest (two different sweeps started
// together into one folder mixed their files).
func TestOutputFolderLocks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	root := t.TempDir()
	cal := filepath.Join(root, "cal")
	os.Mkdir(cal, 0o755)
	unlock, busy, err := lockDir(cal, false, false)
	if err != nil || busy {
		t.Fatalf("lockDir: %v, busy %v", err, busy)
	}
	code, _, stderr := runCLI(t, "calibrate", "-q", "--params", "police.skill", "--draws", "10", "--out", cal)
	if code != 2 || !strings.Contains(stderr, "being written by another htsim command") {
		t.Errorf("calibrate into a locked folder: exit %d\n%s", code, stderr)
	}
	// A sweep into a held folder that it could not take anyway is refused
	// at once, without waiting for the holder to finish.
	os.WriteFile(filepath.Join(cal, "calibrated.yaml"), []byte("x"), 0o644)
	code, _, stderr = runCLI(t, "sweep", "-q", "--out", cal, exampleSweep)
	if code != 2 || !strings.Contains(stderr, "holds a calibration") {
		t.Errorf("sweep into a held calibration folder: exit %d\n%s", code, stderr)
	}
	unlock()

	sw := filepath.Join(root, "sweep")
	os.Mkdir(sw, 0o755)
	unlock, _, _ = lockDir(sw, false, false)
	done := sweepThatWaits(t, sw)
	if _, err := os.Stat(filepath.Join(sw, "manifest.json")); err == nil {
		t.Error("the sweep wrote its manifest into a folder another command held")
	}
	unlock()
	if err := <-done; err != nil {
		t.Errorf("sweep after the folder was released: %v", err)
	}
	// A sweep holds a shared lock of its yearly folder while it runs:
	// --force, which would delete the part files, is refused meanwhile.
	unlock, _, _ = lockDir(filepath.Join(sw, "yearly"), true, false)
	if _, err := htsimErr(t, nil, "sweep", "-q", "--force", "--out", sw, exampleSweep); err == nil || !strings.Contains(err.Error(), "being written by a running sweep") {
		t.Errorf("sweep --force into a running sweep's folder: %v", err)
	}
	unlock()
	// run --force would delete a running sweep's part files too.
	unlock, _, _ = lockDir(filepath.Join(sw, "yearly"), true, false)
	code, _, stderr = runCLI(t, "run", "-q", "--force", "-n", "1", "--from", "2024-01", "--to", "2024-12", "--out", sw, "baseline")
	if code != 2 || !strings.Contains(stderr, "holds a sweep that is running now") {
		t.Errorf("run --force into a running sweep's folder: exit %d\n%s", code, stderr)
	}
	unlock()
	// sweep --force into a folder that holds only an empty yearly folder
	// (its lock on it was once taken twice by the same sweep, which then
	// waited for itself forever).
	lone := filepath.Join(root, "lone")
	os.MkdirAll(filepath.Join(lone, "yearly"), 0o755)
	if _, err := htsimErr(t, nil, "sweep", "-q", "--force", "--out", lone, exampleSweep); err != nil {
		t.Errorf("sweep --force into a folder with an empty yearly folder: %v", err)
	}
	// A sweep's temporary part files are removed only when no sweep runs
	// there: --resume removed a running shard's, which then failed.
	tmp := filepath.Join(sw, "yearly", "scenario=baseline", ".part-c000000.parquet.tmp-test")
	os.WriteFile(tmp, []byte("x"), 0o644)
	unlock, _, _ = lockDir(filepath.Join(sw, "yearly"), true, false)
	htsimOK(t, nil, "sweep", "-q", "--resume", "--out", sw, exampleSweep)
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("sweep --resume removed a temporary file while another sweep ran: %v", err)
	}
	unlock()
	htsimOK(t, nil, "sweep", "-q", "--resume", "--out", sw, exampleSweep)
	if _, err := os.Stat(tmp); err == nil {
		t.Error("sweep --resume left a killed sweep's temporary file")
	}
	// run --force holds the folder for the whole run, as other commands do:
	// refused while another holds it.
	unlock, _, _ = lockDir(sw, false, false)
	code, _, stderr = runCLI(t, "run", "-q", "--force", "-n", "1", "--from", "2024-01", "--to", "2024-12", "--out", sw, "baseline")
	if code != 2 || !strings.Contains(stderr, "being written by another htsim command") {
		t.Errorf("run --force into a held folder: exit %d\n%s", code, stderr)
	}
	unlock()
	// A sweep waiting for a folder that its holder then removes starts
	// again in a new one (it failed with exit 1).
	gone := filepath.Join(root, "gone")
	os.Mkdir(gone, 0o755)
	unlock, _, _ = lockDir(gone, false, false)
	waited := sweepThatWaits(t, gone)
	os.Remove(gone)
	unlock()
	if err := <-waited; err != nil {
		t.Errorf("sweep whose awaited folder was removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(gone, "manifest.json")); err != nil {
		t.Errorf("the sweep did not write its folder again: %v", err)
	}
	// A refused calibration leaves none of the folders it made.
	nested := filepath.Join(root, "new", "deeper", "cal")
	code, _, stderr = runCLI(t, "calibrate", "-q", "--params", "police.skill", "--prior", "police.corruption.south=0.1:0.2", "--out", nested)
	if _, err := os.Stat(filepath.Join(root, "new")); code != 2 || err == nil {
		t.Errorf("refused calibrate into a nested new folder: exit %d, %s left: %v\n%s", code, filepath.Join(root, "new"), err == nil, stderr)
	}
}

// TestIdleShardsWarned: shards that outnumber the part files are told so,
// with the --chunk that would give each one (the README's --shard 2/8 on
// the example sweep ran nothing and said nothing: review, session 9).
func TestIdleShardsWarned(t *testing.T) {
	for _, c := range []struct{ jobs, scens, shards, want int }{
		{1280, 1, 32, 41}, {1280, 1, 16, 85}, {1280, 1, 7, 213}, {32, 1, 8, 4}, {32, 2, 8, 10}, {30, 1, 7, 4}, {5, 1, 5, 1},
	} {
		got := chunkForShards(c.jobs, c.scens, c.shards)
		files := func(k int) int { return c.scens * ((c.jobs + k - 1) / k) }
		if got != c.want || files(got) < c.shards || files(got+1) >= c.shards {
			t.Errorf("chunkForShards(%d jobs, %d scenarios, %d shards) = %d, want %d", c.jobs, c.scens, c.shards, got, c.want)
		}
	}
	dir := t.TempDir()
	sensWriteFile(t, filepath.Join(dir, "tiny.yaml"), sensTinySweep("lhs", 4))
	for _, c := range []struct {
		chunk, want string
	}{
		{"200", "htsim: sweep: warning: 3 shards share the 1 part file(s) of --chunk 200, so 2 of them have none to run; --chunk 1 or less gives every shard one"},
		{"1", ""},
	} {
		code, _, stderr := runCLI(t, "sweep", filepath.Join(dir, "tiny.yaml"), "--shard", "0/3", "--chunk", c.chunk, "--out", filepath.Join(dir, "out"+c.chunk), "-q")
		if code != 0 || c.want != "" && !strings.Contains(stderr, c.want) || c.want == "" && stderr != "" {
			t.Errorf("--chunk %s: exit %d, stderr %q; want 0 and %q", c.chunk, code, stderr, c.want)
		}
	}
	tiny := &sweepPlan{sw: &scenarios.Sweep{Replicates: 1, Scenarios: make([]*scenarios.Scenario, 1)}, matrix: make([][]float64, 2), chunk: 200, files: 1}
	if got, want := idleShards(tiny, 4), "the sweep has 2 jobs in all, so at most 2 shards can have work"; !strings.Contains(got, want) {
		t.Errorf("idleShards: %q lacks %q", got, want)
	}
}

// TestRunAndReadersHoldTheFolder: a plain run holds its folder's lock, as a
// forced one does: a calibration or sweep into it is refused, not mixed
// with it (a review: a calibration beside a run replaced the run's
// manifest; a sweep beside one mixed the yearly tables). And the commands
// that add files derived from a run (summarize, compare, report,
// sensitivity) refuse a folder another command holds (they left the
// earlier run's summary, comparison and report in a forced run's folder).
func TestRunAndReadersHoldTheFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	root := t.TempDir()
	// A run into a new folder, slow enough to be caught running: the run
	// lock file appears once it holds the folder.
	out := filepath.Join(root, "run")
	cmd, _, _ := htsimCmd(t, nil, "run", "-q", "-n", "400", "-w", "1", "--out", out, "baseline")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(time.Minute)
	for !runBusy(out) {
		if time.Now().After(deadline) {
			t.Fatal("the run did not start within a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, _, stderr := runCLI(t, "calibrate", "-q", "--params", "police.skill", "--draws", "10", "--out", out)
	if code != 2 || !strings.Contains(stderr, "being written by another htsim command") {
		t.Errorf("calibrate into a running run's folder: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "run", "-q", "-n", "1", "--out", out, "baseline")
	if code != 2 || !strings.Contains(stderr, "being written by another htsim run") {
		t.Errorf("a second run into a running run's folder: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Error("a refused command wrote a manifest into the running run's folder")
	}
	cmd.Process.Kill()
	cmd.Wait()

	// A run into a folder another command holds (a calibration starting
	// there first) is refused, new folder or not.
	held := filepath.Join(root, "held")
	os.Mkdir(held, 0o755)
	unlock, busy, err := lockDir(held, false, false)
	if err != nil || busy {
		t.Fatalf("lockDir: %v, busy %v", err, busy)
	}
	code, _, stderr = runCLI(t, "run", "-q", "-n", "1", "--from", "2024-01", "--to", "2024-12", "--out", held, "baseline")
	if code != 2 || !strings.Contains(stderr, "being written by another htsim command") {
		t.Errorf("a run into a held folder: exit %d\n%s", code, stderr)
	}
	unlock()

	// The readers, on a complete run held by another command.
	done := filepath.Join(root, "done")
	htsimOK(t, nil, "run", "-q", "-n", "2", "--from", "2024-01", "--to", "2025-12", "--out", done, "baseline", "palermo")
	unlock, busy, err = lockDir(done, false, false)
	if err != nil || busy {
		t.Fatalf("lockDir: %v, busy %v", err, busy)
	}
	for _, args := range [][]string{{"summarize", "-q", done}, {"compare", "-q", done}, {"report", "-q", done}} {
		code, _, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, done+" is in use by another htsim command now") {
			t.Errorf("%s on a held folder: exit %d\n%s", args[0], code, stderr)
		}
	}
	unlock()
	for _, args := range [][]string{{"summarize", "-q", done}, {"compare", "-q", done}, {"report", "-q", done}} {
		htsimOK(t, nil, args...)
	}
}

// TestSweepMonthly: sweep --monthly writes, beside each yearly part file,
// the monthly one of the same chunk, whose months add up to the years; the
// monthly files too are the same whatever the sharding (merged shards equal
// the merged sweep), reproduce checks them, and the same folder refuses to
// go on without --monthly (the tables would differ by chunk).
func TestSweepMonthly(t *testing.T) {
	slowTest(t, "runs the example sweep three times")
	root := t.TempDir()
	a, b := filepath.Join(root, "A"), filepath.Join(root, "B")
	htsimOK(t, nil, "sweep", "-q", "--monthly", "--chunk", "8", "--out", a, exampleSweep)
	yearly, monthly := partFiles(t, a), []string{}
	entries, _ := os.ReadDir(filepath.Join(a, "monthly", "scenario=baseline"))
	for _, e := range entries {
		monthly = append(monthly, e.Name())
	}
	if len(yearly) != 4 || !slices.Equal(yearly, monthly) {
		t.Fatalf("yearly part files %v, monthly %v; want the same 4 chunks", yearly, monthly)
	}
	var tnv [2]int64
	for _, f := range yearly {
		ys, err := parquet.ReadFile[output.YearlyRow](filepath.Join(partDir(a), f))
		if err != nil {
			t.Fatal(err)
		}
		ms, err := parquet.ReadFile[output.MonthlyRow](filepath.Join(a, "monthly", "scenario=baseline", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ys {
			tnv[0] += r.TrueNewVictims
		}
		for _, r := range ms {
			tnv[1] += r.TrueNewVictims
		}
	}
	if tnv[0] == 0 || tnv[0] != tnv[1] {
		t.Errorf("true new victims: %d in the yearly parts, %d in the monthly ones; want equal, above 0", tnv[0], tnv[1])
	}
	for i := range 2 {
		htsimOK(t, nil, "sweep", "-q", "--monthly", "--chunk", "8", "--shard", fmt.Sprintf("%d/2", i), "--out", b, exampleSweep)
	}
	ma, mb := filepath.Join(root, "MA"), filepath.Join(root, "MB")
	htsimOK(t, nil, "merge", "--out", ma, a)
	htsimOK(t, nil, "merge", "--out", mb, b)
	sameOutput(t, "merged shards of sweep --monthly", ma, mb)
	if stdout := htsimOK(t, nil, "reproduce", "--sample", "1", a); !strings.Contains(stdout, "match") {
		t.Errorf("reproduce: %s", stdout)
	}
	// Another chunk's monthly file in place of chunk 0's: a mismatch naming it.
	other, _ := os.ReadFile(filepath.Join(a, "monthly", "scenario=baseline", monthly[1]))
	os.WriteFile(filepath.Join(a, "monthly", "scenario=baseline", monthly[0]), other, 0o644)
	code, stdout, _ := htsimProc(t, nil, "reproduce", a)
	if code != 1 || !strings.Contains(stdout, "mismatch: scenario baseline monthly chunk 0 ") {
		t.Errorf("reproduce with a swapped monthly chunk: exit %d\n%s", code, stdout)
	}
	if _, err := htsimErr(t, nil, "sweep", "-q", "--resume", "--chunk", "8", "--out", a, exampleSweep); err == nil || !strings.Contains(err.Error(), "--monthly") {
		t.Errorf("resuming a --monthly sweep without it: %v", err)
	}
	// A chunk whose monthly file is gone is not finished: --resume runs it
	// again, and the folder reproduces.
	os.Remove(filepath.Join(a, "monthly", "scenario=baseline", monthly[0]))
	if _, err := htsimErr(t, nil, "merge", "--out", filepath.Join(root, "MX"), a); err == nil || !strings.Contains(err.Error(), "lacks the monthly part file of chunk 0 of baseline") {
		t.Errorf("merging a folder whose chunk lost its monthly file: %v", err)
	}
	htsimOK(t, nil, "sweep", "-q", "--resume", "--monthly", "--chunk", "8", "--out", a, exampleSweep)
	if code, stdout, _ := htsimProc(t, nil, "reproduce", a); code != 0 {
		t.Errorf("reproduce after --resume redid chunk 0: exit %d\n%s", code, stdout)
	}
	// A monthly file without its yearly one (a sweep killed between the two)
	// is left out of a partial merge, which merges the same jobs in both.
	os.Remove(filepath.Join(partDir(a), yearly[2]))
	mp := filepath.Join(root, "MP")
	htsimOK(t, nil, "merge", "--partial", "--out", mp, a)
	type job struct {
		Point     int32 `parquet:"point"`
		Replicate int32 `parquet:"replicate"`
	}
	jobs := func(table string) map[job]bool {
		rows, err := parquet.ReadFile[job](output.TablePath(mp, table, "baseline"))
		if err != nil {
			t.Fatal(err)
		}
		set := map[job]bool{}
		for _, r := range rows {
			set[r] = true
		}
		return set
	}
	if y, m := jobs("yearly"), jobs("monthly"); len(y) != 24 || !reflect.DeepEqual(y, m) {
		t.Errorf("partial merge: %d jobs in the yearly table, %d in the monthly one; want the same 24", len(y), len(m))
	}
	// Folders of one sweep, with and without --monthly, are not merged.
	c := filepath.Join(root, "C")
	htsimOK(t, nil, "sweep", "-q", "--chunk", "8", "--shard", "1/2", "--out", c, exampleSweep)
	if _, err := htsimErr(t, nil, "merge", "--out", filepath.Join(root, "MC"), filepath.Join(root, "B"), c); err == nil || !strings.Contains(err.Error(), "one with --monthly and one without") {
		t.Errorf("merging a --monthly shard with one without: %v", err)
	}
}
