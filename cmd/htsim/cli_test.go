package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"htsim/internal/output"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- Main(context.Background(), args, &out, &errb) }()
	select {
	case code = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("htsim %v hung", args)
	}
	return code, out.String(), errb.String()
}

// TestBadInvocations: usage and input errors exit 2 with a clear message and
// leave no output folder behind.
func TestBadInvocations(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "binary.yaml")
	os.WriteFile(binary, []byte{0x7f, 'E', 'L', 'F', 0, 1, 2, 0xff}, 0o644)
	huge := filepath.Join(dir, "huge.yaml")
	os.WriteFile(huge, bytes.Repeat([]byte("# padding\n"), 200_000), 0o644)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"no scenario", []string{"run"}, "name at least one scenario"},
		{"zero replicates", []string{"run", "-n", "0", "baseline"}, "--replicates must be between 1"},
		{"negative replicates", []string{"run", "--replicates=-3", "baseline"}, "--replicates must be between 1"},
		{"zero workers", []string{"run", "--workers", "0", "baseline"}, "--workers must be between 1"},
		{"format without compare", []string{"run", "--format", "csv", "baseline"}, "run: --format applies to the comparison: add --compare"},
		{"against without compare", []string{"run", "--against", "palermo", "baseline"}, "run: --against applies to the comparison: add --compare"},
		{"compare format", []string{"run", "--compare", "--format", "xml", "baseline", "palermo"}, `run: --format must be table, csv or json, got "xml"`},
		{"hypotheses threshold", []string{"hypotheses", "--threshold", "-1"}, "hypotheses: --threshold must be between 0 and 10, got -1"},
		{"hypotheses workers", []string{"hypotheses", "--workers", "0"}, "hypotheses: --workers must be at least 1, got 0"},
		{"reproduce sample", []string{"reproduce", "--sample", "-1", "x"}, "reproduce: --sample must be 0 (all chunks) or more, got -1"},
		{"negative workers", []string{"run", "--workers=-1", "baseline"}, "--workers must be between 1"},
		{"resume and force", []string{"run", "--resume", "--force", "baseline"}, "run: --resume finishes an interrupted run and --force starts over: give one"},
		{"resume nothing", []string{"run", "--resume", "--out", filepath.Join(dir, "never-run"), "baseline"}, "there is no interrupted run to finish"},
		{"seed not a number", []string{"run", "--seed", "abc", "baseline"}, `invalid argument "abc" for "-s, --seed"`},
		{"negative seed", []string{"run", "--seed=-5", "baseline"}, `invalid argument "-5"`},
		{"seed beyond 64 bits", []string{"run", "--seed", "18446744073709551616", "baseline"}, "must be an integer from 0 to 18446744073709551615"},
		{"out under a file", []string{"run", "--out", filepath.Join(binary, "sub"), "baseline"}, "run: --out " + filepath.Join(binary, "sub") + ": "},
		{"a sweep file to run", []string{"run", "../../scenarios/sweeps/example.yaml"}, "is a sweep file (it has a top-level design: or scenarios: key); run it with htsim sweep"},
		{"a scenario file to sweep", []string{"sweep", "../../scenarios/baseline.yaml"}, "not a sweep file (a scenario file? run it with htsim run"},
		{"from after to", []string{"run", "--from", "2020-01", "--to", "2015-12", "baseline"}, "--from 2020-01 is after --to 2015-12"},
		{"bad month", []string{"run", "--from", "2020-13", "baseline"}, "month 01-12"},
		{"unknown flag", []string{"run", "--frobnicate", "baseline"}, "unknown flag: --frobnicate"},
		{"unknown built-in", []string{"run", "nosuch"}, "no built-in scenario of that name"},
		{"scenario twice", []string{"run", "palermo", "baseline", "palermo"}, "run: scenario palermo is listed twice (palermo and palermo)"},
		{"file twice", []string{"run", "../../scenarios/palermo.yaml", "baseline", "../../scenarios/./palermo.yaml"}, "run: scenario palermo is listed twice (../../scenarios/palermo.yaml and ../../scenarios/./palermo.yaml)"},
		{"two files, one name", []string{"run", "palermo", "../../scenarios/palermo.yaml"}, `two scenarios are named "palermo" (palermo and ../../scenarios/palermo.yaml)`},
		{"missing file", []string{"run", "./nosuch.yaml"}, "no such file"},
		{"binary file", []string{"run", binary}, "not a text file"},
		{"huge file", []string{"run", huge}, "a scenario file is at most"},
		{"directory", []string{"run", dir + "/"}, "is a directory"},
		{"bad scenario file", []string{"run", "../../testdata/bad/prob-above-one.yaml"}, "parameters.police.skill"},
		{"validate bad", []string{"validate", "../../testdata/bad/unknown-param-typo.yaml"}, "unknown parameter"},
		{"validate nothing", []string{"validate"}, "name at least one scenario file"},
		{"scenarios unknown", []string{"scenarios", "palermo", "x"}, `scenarios: no built-in scenario "x" (built-in: baseline, amended-2020`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := c.args
			if len(args) > 0 && args[0] == "run" {
				args = append([]string{"run", "--out", out, "-q"}, args[1:]...)
			}
			code, _, stderr := runCLI(t, args...)
			if code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, stderr)
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

// TestOutputIdenticalAcrossWorkers: the same seed gives byte-identical Parquet
// with 1 and 4 workers; another seed gives different files.
func TestOutputIdenticalAcrossWorkers(t *testing.T) {
	dir := t.TempDir()
	run := func(name, seed, workers string) string {
		out := filepath.Join(dir, name)
		code, _, stderr := runCLI(t, "run", "-q", "--out", out, "--seed", seed, "--workers", workers,
			"--replicates", "6", "--from", "2010-01", "--to", "2013-12", "--victims", "baseline")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return out
	}
	a, b, c := run("a", "5", "1"), run("b", "5", "4"), run("c", "6", "2")
	for _, table := range []string{"yearly", "parameters", "victims"} {
		rel := filepath.Join(table, "scenario=baseline", "part-00000.parquet")
		// A run that wrote nothing (or an unreadable file) must not pass as
		// "identical" or "different": every file is read and non-empty.
		var files [3][]byte
		for i, run := range []string{a, b, c} {
			data, err := os.ReadFile(filepath.Join(run, rel))
			if err != nil {
				t.Fatal(err)
			}
			if len(data) == 0 {
				t.Fatalf("%s is empty", filepath.Join(run, rel))
			}
			files[i] = data
		}
		fa, fb, fc := files[0], files[1], files[2]
		if !bytes.Equal(fa, fb) {
			t.Errorf("%s differs between 1 and 4 workers", rel)
		}
		if table != "parameters" && bytes.Equal(fa, fc) {
			t.Errorf("%s identical for seeds 5 and 6", rel)
		}
	}
	if data, err := os.ReadFile(filepath.Join(a, "manifest.json")); err != nil {
		t.Error("no manifest")
	} else if keys := regexp.MustCompile(`"[A-Z][A-Za-z]*":`).FindAllString(string(data), 3); len(keys) > 0 {
		t.Errorf("manifest.json has keys that are not snake_case: %v", keys) // Go field names leaking
	}
	// No temporary files remain.
	filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

// TestRefusesNonEmptyOut: an existing folder is only replaced with --force.
func TestRefusesNonEmptyOut(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	code, _, stderr := runCLI(t, "run", "-q", "-n", "1", "--to", "2010-12", "--out", out, "baseline")
	if code != 2 || !strings.Contains(stderr, "not empty") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "run", "-q", "-n", "1", "--to", "2010-12", "--out", out, "--force", "baseline")
	if code != 2 || !strings.Contains(stderr, "not htsim output") {
		t.Fatalf("--force over foreign files: exit %d, stderr %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "notes.txt")); string(b) != "mine" {
		t.Fatal("user file was touched")
	}
}

// TestRunForceOverCalibration: a forced run into a calibration's folder
// removes the calibration's files with its manifest; they were left beside
// the run, which reproduce then took for the whole folder (found by review).
// Files of those names beside an ordinary run are the user's and stay, and
// so does a calibrated.yaml the run itself reads (a later review found both
// removed).
func TestRunForceOverCalibration(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "manifest.json"), []byte(`{"calibration": {"extends": "baseline"}}`), 0o644)
	for _, name := range calibrationFiles {
		os.WriteFile(filepath.Join(out, name), []byte("x"), 0o644)
	}
	code, _, stderr := runCLI(t, "run", "-q", "-n", "1", "--to", "2010-12", "--out", out, "--force", "baseline")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range calibrationFiles {
		if _, err := os.Stat(filepath.Join(out, name)); err == nil {
			t.Errorf("%s was left beside the new run", name)
		}
	}
	if _, err := output.ReadManifest(out); err != nil {
		t.Errorf("the new run's manifest: %v", err)
	}

	// An ordinary run's folder: a fit.csv of the user's stays.
	os.WriteFile(filepath.Join(out, "fit.csv"), []byte("mine"), 0o644)
	if code, _, stderr := runCLI(t, "run", "-q", "-n", "1", "--to", "2010-12", "--out", out, "--force", "baseline"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "fit.csv")); string(b) != "mine" {
		t.Error("a forced run over an ordinary run removed the user's fit.csv")
	}

	// A calibration's folder whose calibrated.yaml the run reads: it stays.
	cal := t.TempDir()
	os.WriteFile(filepath.Join(cal, "manifest.json"), []byte(`{"calibration": {"extends": "baseline"}}`), 0o644)
	scen := filepath.Join(cal, "calibrated.yaml")
	os.WriteFile(scen, []byte("name: calibrated\ndescription: test\nextends: baseline\n"), 0o644)
	if code, _, stderr := runCLI(t, "run", "-q", "-n", "1", "--to", "2010-12", "--out", cal, "--force", scen); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(scen); err != nil {
		t.Errorf("the forced run removed the scenario file it read: %v", err)
	}
	// The same through a symbolic link to the folder (files compared as
	// files, not paths: a review lost calibrated.yaml this way).
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(cal, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	os.WriteFile(filepath.Join(cal, "manifest.json"), []byte(`{"calibration": {"extends": "baseline"}}`), 0o644)
	os.WriteFile(filepath.Join(cal, "fit.csv"), []byte("x"), 0o644)
	if code, _, stderr := runCLI(t, "run", "-q", "-n", "1", "--to", "2010-12", "--out", link, "--force", scen); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(scen); err != nil {
		t.Errorf("the forced run through a link removed the scenario file it read: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cal, "fit.csv")); err == nil {
		t.Error("the forced run through a link left the calibration's fit.csv")
	}
}

func TestHelpAndScenarios(t *testing.T) {
	// Help asked for is the command's output: stdout, exit 0, nothing on stderr.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--help"}, "Usage: htsim run"},
		{[]string{"sweep", "-h"}, "Usage: htsim sweep"},
		{[]string{"validate", "--help"}, "Usage: htsim validate"},
		{[]string{"version", "--help"}, "Usage: htsim version"},
		{[]string{"help"}, "htsim simulates"},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != 0 || !strings.HasPrefix(strings.TrimSpace(stdout), c.want) || stderr != "" {
			t.Errorf("%v: exit %d, stdout %.40q, stderr %q; want exit 0 and %q on stdout", c.args, code, stdout, stderr, c.want)
		}
	}
	if code, _, stderr := runCLI(t, "version", "extra"); code != 2 || !strings.Contains(stderr, "takes no arguments") {
		t.Errorf("version extra: exit %d, %q; want 2", code, stderr)
	}
	code, stdout, _ := runCLI(t, "scenarios")
	if code != 0 || !strings.HasPrefix(stdout, "baseline ") ||
		!regexp.MustCompile(`\npalermo +baseline +2025-01 +Article 128`).MatchString(stdout) {
		t.Errorf("scenarios: exit %d, %q", code, stdout)
	}
	palermo, _ := os.ReadFile(filepath.Join("..", "..", "scenarios", "palermo.yaml"))
	if code, stdout, _ := runCLI(t, "scenarios", "palermo"); code != 0 || stdout != string(palermo) {
		t.Errorf("scenarios palermo: exit %d, %d bytes; want scenarios/palermo.yaml as built in", code, len(stdout))
	}
	code, stdout, _ = runCLI(t, "validate", "baseline", "../../scenarios/baseline.yaml")
	if code != 0 || strings.Count(stdout, "OK") != 2 {
		t.Errorf("validate: exit %d, %q", code, stdout)
	}
}

// TestRunForceInterrupted: an interrupted run --force over an earlier run
// leaves the earlier run exactly as it was, and nothing beside it; a complete
// one replaces it, stale files included.
func TestRunForceInterrupted(t *testing.T) {
	slowTest(t, "runs htsim three times")
	root := t.TempDir()
	out := filepath.Join(root, "out")
	htsimOK(t, nil, "run", "-q", "-n", "2", "--out", out, "baseline", "palermo", "--compare")
	hashes := func() map[string]string {
		h := map[string]string{}
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				data, _ := os.ReadFile(p)
				sum := sha256.Sum256(data)
				h[p] = hex.EncodeToString(sum[:])
			}
			return nil
		})
		return h
	}
	before := hashes()

	p := startHtsim(t, "run", "-q", "-n", "2000", "--out", out, "--force", "baseline")
	deadline := time.Now().Add(time.Minute)
	for {
		staged, _ := filepath.Glob(filepath.Join(root, ".out.htsim-new-*", "yearly"))
		if len(staged) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the forced run wrote no staging folder within a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 130 {
		t.Fatalf("interrupted run --force: exit %d, want 130\n%s", code, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "earlier output in "+out+" is unchanged") {
		t.Errorf("stderr %q does not say the earlier output is unchanged", p.stderr)
	}
	if after := hashes(); !reflect.DeepEqual(before, after) {
		t.Errorf("the interrupted run changed the earlier output:\nbefore %v\nafter  %v", before, after)
	}
	if left, _ := filepath.Glob(filepath.Join(root, ".out.htsim-new-*")); len(left) > 0 {
		t.Errorf("staging folder left behind: %v", left)
	}

	htsimOK(t, nil, "run", "-q", "-n", "2", "--out", out, "--force", "baseline")
	for _, gone := range []string{"compare.parquet", filepath.Join("yearly", "scenario=palermo")} {
		if _, err := os.Stat(filepath.Join(out, gone)); err == nil {
			t.Errorf("%s of the earlier run is still in --out after run --force", gone)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "yearly", "scenario=baseline", "part-00000.parquet")); err != nil {
		t.Errorf("the new run is not in --out: %v", err)
	}
}

// TestRunInterruptAndResume: a run interrupted with SIGINT exits 130, keeps
// the replicates it finished in --out/.htsim-partial and says to add
// --resume; a plain rerun refuses the folder, and a resume with another seed
// is refused (exit 2) with what differs; the same command with --resume and
// another number of workers finishes it, simulating again a damaged kept
// replicate (named in a warning) and those after it,
// and every Parquet file is byte-identical to an uninterrupted run's, the
// checkpoint gone (the victims and monthly tables included). A SIGKILL (no
// chance to clean up) resumes as well.
func TestRunInterruptAndResume(t *testing.T) {
	slowTest(t, "runs htsim several times")
	root := t.TempDir()
	ref, out := filepath.Join(root, "ref"), filepath.Join(root, "out")
	args := []string{"run", "-q", "-n", "24", "--from", "2024-01", "--to", "2026-12", "--victims", "--monthly", "baseline", "palermo"}
	with := withArgs(args...)
	htsimOK(t, nil, with("--out", ref)...)
	if _, err := os.Stat(filepath.Join(ref, "monthly", "scenario=palermo", "part-00000.parquet")); err != nil {
		t.Fatalf("no monthly table: %v", err)
	}

	interrupt := func(sig os.Signal) int {
		p := startHtsim(t, with("--out", out, "--workers", "1")...)
		waitFor(t, p, "keeping 3 replicates", func() bool {
			kept, _ := filepath.Glob(filepath.Join(out, partialDir, "replicate-*"))
			return len(kept) >= 3
		})
		if sig == os.Interrupt {
			// A second run into the folder, resumed, forced or not, is
			// refused while the first writes to it.
			for _, extra := range [][]string{nil, {"--force"}, {"--resume"}} {
				code, _, stderr := htsimProc(t, nil, with(append([]string{"--out", out}, extra...)...)...)
				if code != 2 || !strings.Contains(stderr, "being written by another htsim run") {
					t.Errorf("a second run %v into a folder being written: exit %d, stderr %q", extra, code, stderr)
				}
			}
		}
		if err := p.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		code := p.wait(t)
		if sig == os.Interrupt && (code != 130 || !strings.Contains(p.stderr.String(), "--resume")) {
			t.Fatalf("interrupted run: exit %d, want 130, and stderr saying --resume:\n%s", code, p.stderr)
		}
		kept, _ := filepath.Glob(filepath.Join(out, partialDir, "replicate-*"))
		if len(kept) < 3 || len(kept) >= 24 {
			t.Fatalf("%d replicates kept after the interruption", len(kept))
		}
		return len(kept)
	}

	n := interrupt(os.Interrupt)
	if code, _, stderr := htsimProc(t, nil, with("--out", out)...); code != 2 || !strings.Contains(stderr, "--resume") {
		t.Errorf("rerun without --resume: exit %d, want 2 and a hint to --resume:\n%s", code, stderr)
	}
	if code, _, stderr := htsimProc(t, nil, with("--out", out, "--resume", "--seed", "2")...); code != 2 || !strings.Contains(stderr, "computed something else: it differs in seed (1, now 2)") {
		t.Errorf("resume with another seed: exit %d, want 2 and what differs:\n%s", code, stderr)
	}
	// The kept replicates are read, not recomputed: a damaged one is named,
	// and it and those after it are simulated again.
	kept := filepath.Join(out, partialDir, "replicate-0000001.gob")
	good, err := os.ReadFile(kept)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(kept, good[:len(good)/2], 0o644)
	code, _, stderr := htsimProc(t, nil, with("--out", out, "--resume", "--workers", "2")...)
	if code != 0 || !strings.Contains(stderr, "replicate-0000001.gob") || !strings.Contains(stderr, "replicates 1 to 23 are simulated again") {
		t.Errorf("resume with a damaged kept replicate: exit %d, want 0 and a warning naming it:\n%s", code, stderr)
	}
	same := func(what string) { t.Helper(); sameOutput(t, what, ref, out) }
	same(fmt.Sprintf("resumed after SIGINT with %d of 24 replicates kept", n))

	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	n = interrupt(os.Kill)
	htsimOK(t, nil, with("--out", out, "--resume")...)
	same(fmt.Sprintf("resumed after SIGKILL with %d of 24 replicates kept", n))
}

// TestForcedRunLocked: a --force run over earlier output writes beside it
// and holds the folder's run lock meanwhile, so that a second forced run is
// refused instead of removing the first one's staging folder as stale (a
// new-user audit lost a forced run that way); an interrupted forced run
// leaves the earlier output and no lock folder behind.
func TestForcedRunLocked(t *testing.T) {
	slowTest(t, "runs htsim three times")
	out := filepath.Join(t.TempDir(), "out")
	htsimOK(t, nil, "run", "-q", "-n", "2", "--from", "2019-01", "--to", "2019-12", "--out", out, "baseline")
	before, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	p := startHtsim(t, "run", "-q", "-n", "400", "--workers", "1", "--from", "2015-01", "--to", "2020-12", "--force", "--out", out, "baseline")
	waitFor(t, p, "writing beside the folder", func() bool {
		staged, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".out.htsim-new-*"))
		return len(staged) > 0 && runBusy(out)
	})
	code, _, stderr := htsimProc(t, nil, "run", "-q", "-n", "2", "--from", "2019-01", "--to", "2019-12", "--force", "--out", out, "baseline")
	if code != 2 || !strings.Contains(stderr, "being written by another htsim run") {
		t.Errorf("a second forced run while the first writes: exit %d, stderr %q", code, stderr)
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 130 {
		t.Errorf("the interrupted forced run: exit %d, want 130\n%s", code, p.stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(out, "manifest.json")); !bytes.Equal(after, before) {
		t.Error("the interrupted forced run changed the earlier output")
	}
	if _, err := os.Stat(filepath.Join(out, partialDir)); err == nil {
		t.Errorf("the interrupted forced run left %s", partialDir)
	}
	if staged, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".out.htsim-new-*")); len(staged) > 0 {
		t.Errorf("the interrupted forced run left %v", staged)
	}
	// A forced run that completes holds the lock until its files are in
	// place, then leaves no lock folder either.
	htsimOK(t, nil, "run", "-q", "-n", "3", "--from", "2019-01", "--to", "2019-12", "--force", "--out", out, "baseline")
	if after, _ := os.ReadFile(filepath.Join(out, "manifest.json")); bytes.Equal(after, before) {
		t.Error("the completed forced run did not replace the earlier output")
	}
	if _, err := os.Stat(filepath.Join(out, partialDir)); err == nil {
		t.Errorf("the completed forced run left %s", partialDir)
	}
	// A lock folder alone (a forced run killed outright leaves one) holds
	// no interrupted run: the folder is said to hold a complete one.
	os.MkdirAll(filepath.Join(out, partialDir), 0o755)
	os.WriteFile(filepath.Join(out, partialDir, runLockName), nil, 0o644)
	code, _, stderr = htsimProc(t, nil, "run", "-q", "-n", "3", "--from", "2019-01", "--to", "2019-12", "--resume", "--out", out, "baseline")
	if code != 2 || !strings.Contains(stderr, "is complete: there is nothing to resume") {
		t.Errorf("--resume beside a lone lock folder: exit %d, stderr %q", code, stderr)
	}
}

// waitFor polls until done holds, failing the test if the process p ends
// first or a minute passes.
func waitFor(t *testing.T, p *proc, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !done() {
		select {
		case <-p.done:
			t.Fatalf("htsim ended (exit %d) before %s\n%s", p.cmd.ProcessState.ExitCode(), what, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("htsim was not %s within a minute", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRunPartialYears: a horizon that begins and ends inside a year shows
// its last whole year and the horizon by its months; the partial years have
// no row of their own, in the printed table or in summary.parquet (a
// review found a row "2022" holding January to March).
func TestRunPartialYears(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "run", "baseline", "-n", "2", "--from", "2024-07", "--to", "2026-03", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"baseline  2025  ", "baseline  2024-07 to 2026-03  "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table lacks a row starting %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "baseline  2026  ") || strings.Contains(stdout, "baseline  2024  ") {
		t.Errorf("the table has a row for a partial year:\n%s", stdout)
	}
	rows, err := output.ReadSummary(output.SummaryPath(out))
	if err != nil {
		t.Fatal(err)
	}
	periods := map[string]bool{}
	for _, r := range rows {
		periods[r.Period.Label] = true
	}
	if len(periods) != 2 || !periods["2025"] || !periods["2024-07 to 2026-03"] {
		t.Errorf("summary.parquet holds the periods %v, want 2025 and 2024-07 to 2026-03", periods)
	}
}

// TestInterruptWithEveryReplicateUnderWay: with as many workers as jobs,
// every replicate is under way at once, and an interruption came when none
// was left to start: the run went on writing its tables for seconds and
// then lost compare.parquet, and the folder could be neither resumed nor
// rerun without --force (a review, 5 of 14 tries). Now the run stops after
// the replicates under way, keeps them, and --resume writes every file, the
// comparison included, as an uninterrupted run does. (Interrupted after
// the replicates, the run may also finish: both end in the same files.)
// Where the signal lands is left to timing, and this end-to-end check
// passed on the old code too in the tries made; the deterministic check of
// the cause is TestRunJobsCancelledAfterTheLastStart (sim).
func TestInterruptWithEveryReplicateUnderWay(t *testing.T) {
	slowTest(t, "runs htsim several times")
	root := t.TempDir()
	ref, out := filepath.Join(root, "ref"), filepath.Join(root, "out")
	args := []string{"run", "-q", "-n", "4", "--workers", "8", "--from", "2024-01", "--to", "2026-12", "--victims", "--compare", "baseline", "palermo"}
	with := withArgs(args...)
	htsimOK(t, nil, with("--out", ref)...)
	p := startHtsim(t, with("--out", out)...)
	waitFor(t, p, "holding its folder", func() bool { return runBusy(out) })
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	switch code := p.wait(t); code {
	case 130:
		if !strings.Contains(p.stderr.String(), "--resume") {
			t.Fatalf("interrupted: stderr does not say to resume:\n%s", p.stderr)
		}
		htsimOK(t, nil, with("--out", out, "--resume")...)
	case 0:
		t.Log("the run finished before the interruption reached it")
	default:
		t.Fatalf("interrupted run: exit %d\n%s", code, p.stderr)
	}
	sameOutput(t, "interrupted with every replicate under way", ref, out)
}

// TestValidateSays: validate says what a scenario changes and from when, and
// warns, as run does, of what the user most likely did not mean: a policy
// month from which nothing changes, a file named like a built-in that
// differs from it, shares that no longer add up to 1 (they are weights), and
// a built-in run by name beside an edited copy of its file (built-ins are
// compiled in).
func TestValidateSays(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pol := "extends: baseline\nfrom: 2025-03\nparameters:\n  contact:\n    awareness: {value: 3, source: assumption}\n"
	write("pol.yaml", "name: pol\n"+pol)
	write("same.yaml", "name: same\nextends: baseline\nfrom: 2025-03\nparameters: {}\n")
	write("fake.yaml", "name: baseline\n"+pol)
	write("south.yaml", "name: south\nextends: baseline\nfrom: 2025-01\nparameters:\n  population:\n    region_foreign:\n      south: {value: 0.5, source: assumption}\n")
	// Its child fixes the sum from 2027 (0.5 + 0.2 + 0.15 + 0.15): no warning for the parent's phase.
	write("south-child.yaml", "name: south-child\nextends: ./south.yaml\nfrom: 2027-01\nparameters:\n  population:\n    region_foreign:\n      almaty: {value: 0.2, source: assumption}\n")
	// times: on a whole group changes no share.
	write("double.yaml", "name: double\nextends: baseline\nfrom: 2025-01\nparameters:\n  population:\n    region_foreign: {times: 2, source: assumption}\n")
	write("kid.yaml", "name: kid\nextends: palermo\nfrom: 2026-01\nparameters:\n  police:\n    skill: {value: 0.7, source: assumption}\n")
	palermo, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "palermo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write("scenarios/palermo.yaml", strings.Replace(string(palermo), "from: 2025-01", "from: 2026-01", 1))
	validate := func(args ...string) (code int, stdout, stderr string) {
		t.Helper()
		cmd, out, errb := htsimCmd(t, nil, append([]string{"validate"}, args...)...)
		cmd.Dir = dir
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), out.String(), errb.String()
	}
	code, stdout, stderr := validate("pol.yaml", "same.yaml", "fake.yaml", "south.yaml", "south-child.yaml", "double.yaml", "palermo", "kid.yaml", "combined")
	for _, want := range []string{
		"pol.yaml: OK (scenario pol, extends baseline; 196 parameters; from 2025-03 it changes contact.awareness)",
		"same.yaml: OK (scenario same, extends baseline; 196 parameters; from 2025-03 it changes nothing)",
		"and 7 more)", // combined
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("validate: stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, want := range []string{
		"warning: scenario same changes no parameter from 2025-03",
		"warning: fake.yaml is named baseline, like the built-in scenario, but differs from it",
		"warning: palermo runs the built-in scenario, and scenarios/palermo.yaml differs from it",
		"warning: kid.yaml extends the built-in scenario palermo, and scenarios/palermo.yaml differs from it",
		"warning: from 2025-01, population.region_foreign: the values add up to 1.15, not 1; they are relative weights, each divided by their sum (south = 0.5 is a share of 43.5%)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("validate: stderr lacks %q:\n%s", want, stderr)
		}
	}
	if code != 0 || strings.Count(stderr, "warning") != 5 {
		t.Errorf("validate: exit %d, %d warnings; want 0 and 5:\n%s", code, strings.Count(stderr, "warning"), stderr)
	}
	// The built-in's own file, unedited, is no cause for a warning.
	write("scenarios/palermo.yaml", string(palermo))
	if _, _, stderr := validate("palermo", "scenarios/palermo.yaml"); stderr != "" {
		t.Errorf("validate palermo beside its own file: %q, want no warning", stderr)
	}
}
