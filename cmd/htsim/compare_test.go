package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// compareRun is one run of baseline and palermo with --compare, shared by the
// tests below (it takes a few seconds).
var compareRun struct {
	once                   sync.Once
	dir, out               string
	code                   int
	stdout, stderr, errMsg string
}

func runCompare(t *testing.T) (out, stdout string) {
	t.Helper()
	compareRun.once.Do(func() {
		dir, err := os.MkdirTemp("", "htsim-compare-")
		if err != nil {
			compareRun.errMsg = err.Error()
			return
		}
		compareRun.dir, compareRun.out = dir, filepath.Join(dir, "out")
		compareRun.code, compareRun.stdout, compareRun.stderr = runCLI(t, "run", "-n", "6", "--from", "2020-01", "--to", "2027-12",
			"--workers", "2", "--out", compareRun.out, "--compare", "baseline", "palermo")
	})
	if compareRun.errMsg != "" {
		t.Fatal(compareRun.errMsg)
	}
	if compareRun.code != 0 {
		t.Fatalf("run --compare: exit %d\nstderr: %s", compareRun.code, compareRun.stderr)
	}
	return compareRun.out, compareRun.stdout
}

func TestMain(m *testing.M) {
	code := m.Run()
	if compareRun.dir != "" {
		os.RemoveAll(compareRun.dir)
	}
	os.Exit(code)
}

// TestRunCompare: run --compare writes compare.parquet next to the tables and
// prints the paired comparison after the run's own table.
func TestRunCompare(t *testing.T) {
	out, stdout := runCompare(t)
	for _, f := range []string{"compare.parquet", "manifest.json", "yearly/scenario=baseline/part-00000.parquet", "yearly/scenario=palermo/part-00000.parquet"} {
		if info, err := os.Stat(filepath.Join(out, filepath.FromSlash(f))); err != nil || info.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	for _, w := range []string{"palermo vs baseline", "2025-2027", "6 paired replicates", "registered_art128"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, stdout)
		}
	}
}

var compareFields = []string{"scenario", "against", "measure", "period", "diff_mean", "diff_p05", "diff_p95", "diff_ci_lo", "diff_ci_hi",
	"rel_change", "rel_change_ci_lo", "rel_change_ci_hi", "rate_diff_mean"}

// TestCompareJSON: compare --format json prints one record per scenario,
// measure and period; before the policy year every paired difference is 0
// (palermo is baseline until 2025-01, with the same random streams).
func TestCompareJSON(t *testing.T) {
	out, _ := runCompare(t)
	code, stdout, stderr := runCLI(t, "compare", "--format", "json", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(stdout), &recs); err != nil {
		t.Fatalf("not valid JSON: %v\n%.500s", err, stdout)
	}
	if len(recs) == 0 {
		t.Fatal("no records")
	}
	periods := map[string]bool{}
	found := false
	for i, r := range recs {
		for _, f := range compareFields {
			if _, ok := r[f]; !ok {
				t.Fatalf("record %d lacks %q: %v", i, f, r)
			}
		}
		if r["scenario"] != "palermo" || r["against"] != "baseline" {
			t.Fatalf("record %d compares %v with %v; want palermo with baseline", i, r["scenario"], r["against"])
		}
		p, _ := r["period"].(string)
		periods[p] = true
		if y, err := strconv.Atoi(p); err == nil && y < 2025 {
			for _, f := range []string{"diff_mean", "diff_p05", "diff_p95", "rate_diff_mean"} {
				if r[f] != 0.0 {
					t.Errorf("%s %s: %s = %v; want 0 before the policy month", p, r["measure"], f, r[f])
				}
			}
		}
		if r["measure"] == "registered_art128" && p == "2025-2027" {
			found = true
		}
		// Each confidence interval holds its estimate (6 replicates: defined).
		for _, f := range [][3]string{{"diff_ci_lo", "diff_mean", "diff_ci_hi"}, {"rel_change_ci_lo", "rel_change", "rel_change_ci_hi"}} {
			lo, ok1 := r[f[0]].(float64)
			x, ok2 := r[f[1]].(float64)
			hi, ok3 := r[f[2]].(float64)
			if ok2 && (!ok1 || !ok3 || !(lo <= x && x <= hi)) {
				t.Errorf("%s %s: %s %v, %s %v, %s %v; want the estimate within its interval", p, r["measure"], f[0], r[f[0]], f[1], r[f[1]], f[2], r[f[2]])
			}
		}
	}
	for _, p := range []string{"2020", "2027", "2020-2027", "2025-2027"} {
		if !periods[p] {
			t.Errorf("no records for period %s", p)
		}
	}
	if !found {
		t.Error("no record for registered_art128 over 2025-2027")
	}

	// CSV: a header row, then as many rows as JSON records.
	code, stdout, stderr = runCLI(t, "compare", "--format", "csv", out)
	if code != 0 {
		t.Fatalf("csv: exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if len(rows) != len(recs)+1 {
		t.Errorf("csv: %d rows, want a header and %d records", len(rows), len(recs))
	}
	header := map[string]bool{}
	for _, h := range rows[0] {
		header[h] = true
	}
	for _, f := range compareFields {
		if !header[f] {
			t.Errorf("csv header %v lacks %q", rows[0], f)
		}
	}
}

// TestCompareErrors: usage and input errors of compare exit 2.
func TestCompareErrors(t *testing.T) {
	out, _ := runCompare(t)
	// A folder that holds only baseline.
	single := filepath.Join(t.TempDir(), "single")
	if code, _, stderr := runCLI(t, "run", "-q", "-n", "2", "--from", "2024-01", "--to", "2025-12", "--out", single, "baseline"); code != 0 {
		t.Fatalf("run baseline: exit %d: %s", code, stderr)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no manifest", []string{"compare", t.TempDir()}, "no manifest.json"},
		{"missing folder", []string{"compare", filepath.Join(t.TempDir(), "nosuch")}, "nosuch does not exist"},
		{"unknown against", []string{"compare", "--against", "nosuch", out}, `no scenario "nosuch"`},
		{"xml", []string{"compare", "--format", "xml", out}, "--format must be table, csv or json"},
		{"single scenario", []string{"compare", single}, "holds only baseline"},
		{"no folder", []string{"compare"}, "name one run folder"},
		{"two folders", []string{"compare", out, single}, "name one run folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, stderr)
			}
		})
	}
}

// TestRunCompareErrors: run --compare refuses what it cannot compare with exit 2.
func TestRunCompareErrors(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		want     string
		noOutput bool // the error comes before the output folder is touched
	}{
		{"xml", []string{"--compare", "--format", "xml", "baseline", "palermo"}, "--format must be table, csv or json", true},
		{"single scenario", []string{"--compare", "baseline"}, "needs at least two scenarios", true},
		{"against not run", []string{"--compare", "--against", "palermo", "baseline", "training"}, `needs scenario "palermo"`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{"run", "-q", "-n", "1", "--from", "2024-01", "--to", "2025-06", "--out", out}, c.args...)
			code, _, stderr := runCLI(t, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, stderr)
			}
			if _, err := os.Stat(out); c.noOutput && err == nil {
				t.Errorf("output folder %s was created", out)
			}
		})
	}
}

// TestRunBadInheritance: run refuses each broken file of testdata/inherit
// with exit 2, names the file, the line and the key, and creates no output.
func TestRunBadInheritance(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "inherit")
	cases := []struct{ file, want string }{
		{"cycle2/a.yaml", "a.yaml:3: extends: inheritance cycle"},
		{"cycle2/b.yaml", "b.yaml:3: extends: inheritance cycle"},
		{"cycle3/a.yaml", "a.yaml:3: extends: inheritance cycle"},
		{"cycle3/b.yaml", "b.yaml:3: extends: inheritance cycle"},
		{"cycle3/c.yaml", "c.yaml:3: extends: inheritance cycle"},
		{"unknown-parent.yaml", "unknown-parent.yaml:4: extends: unknown parent scenario"},
		{"unknown-override.yaml", "unknown-override.yaml:8: parameters.law.requires_transactions: unknown parameter"},
		{"policy-after-horizon.yaml", "policy-after-horizon.yaml:4: from: policy month 2035-01 is outside the horizon"},
		{"from-invalid-month.yaml", `from-invalid-month.yaml:4: from: "2025-13" is not a month`},
		{"override-out-of-domain.yaml", "override-out-of-domain.yaml:8: parameters.police.recognition.labour: value 2"},
		{"times-out-of-domain.yaml", "times-out-of-domain.yaml:8: parameters.police.recognition.labour: 3 times the parent's"},
		{"times-zero.yaml", "times-zero.yaml:7: parameters.police.raid_monthly.times: factor 0"},
		{"times-with-value.yaml", "times-with-value.yaml:7: parameters.pretrial.corruption_monthly.value: unknown key"},
		{"times-bool-group.yaml", "times-bool-group.yaml:6: parameters.law: times: given for a group"},
		{"times-root/root.yaml", "root.yaml:6: parameters.pretrial.corruption_monthly: times: scales the parent"},
		{"sibling/child.yaml", `child.yaml:3: extends: unknown parent scenario "parent"`},
		{"sibling/parent.yaml", "parent.yaml:7: parameters.police.skil: unknown parameter"},
	}
	// Every broken file has a case (good/ holds valid ones).
	listed := map[string]bool{}
	for _, c := range cases {
		listed[c.file] = true
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if d.IsDir() && d.Name() == "good" {
			return filepath.SkipDir
		}
		if rel, _ := filepath.Rel(dir, p); !d.IsDir() && !listed[filepath.ToSlash(rel)] {
			t.Errorf("%s has no case", p)
		}
		return nil
	})
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(dir, filepath.FromSlash(c.file))
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := runCLI(t, "run", "-n", "1", "--out", out, "baseline", path)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, path) || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr lacks %q and %q:\n%s", path, c.want, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout not empty: %s", stdout)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("output folder %s was created", out)
			}
		})
	}
}

// TestCompareFromFilesEqualsRun: run --compare compares the totals it holds in
// memory; htsim compare reads them back from the yearly tables. Both must give
// the same compare.parquet, byte for byte.
func TestCompareFromFilesEqualsRun(t *testing.T) {
	out, _ := runCompare(t)
	path := filepath.Join(out, "compare.parquet")
	fromRun, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "compare", "--format", "csv", out); code != 0 {
		t.Fatalf("compare: exit %d: %s", code, stderr)
	}
	fromFiles, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fromRun, fromFiles) {
		t.Fatal("compare.parquet from the run's memory differs from the one read back from the tables")
	}
}

// TestRunFolderChecked: compare and summarize refuse a run folder whose
// yearly tables do not match its manifest (a partition copied in from another
// run, or one missing), which they once read without a word: a policy
// compared with another run's baseline showed effects it cannot have (audit).
// And compare --against a policy has a policy period from that policy's year.
func TestRunFolderChecked(t *testing.T) {
	root := t.TempDir()
	a, b, c7 := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c7")
	for _, c := range []struct {
		out  string
		n    string
		seed string
	}{{a, "3", "1"}, {b, "2", "1"}, {c7, "3", "7"}} {
		if code, _, stderr := runCLI(t, "run", "-q", "-n", c.n, "--seed", c.seed, "--from", "2024-01", "--to", "2026-12", "--out", c.out, "baseline", "palermo"); code != 0 {
			t.Fatalf("run: exit %d: %s", code, stderr)
		}
	}
	code, stdout, stderr := runCLI(t, "compare", "--against", "palermo", a)
	if code != 0 || !strings.Contains(stdout, "baseline vs palermo, 2025-2026") {
		t.Errorf("compare --against palermo: exit %d; want the policy period 2025-2026\n%s%s", code, stdout, stderr)
	}
	for _, cmd := range []string{"summarize", "compare"} { // -q: the file only
		if code, stdout, stderr := runCLI(t, cmd, "-q", a); code != 0 || stdout != "" {
			t.Errorf("%s -q: exit %d, stdout %q\n%s", cmd, code, stdout, stderr)
		}
	}
	part := func(dir, sc string) string { return filepath.Join(dir, "yearly", "scenario="+sc) }
	// Another run's baseline of the same shape (another seed): its SHA-256
	// is not the one the manifest records.
	os.Rename(part(a, "baseline"), filepath.Join(root, "kept"))
	if err := os.Rename(part(c7, "baseline"), part(a, "baseline")); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"compare", "summarize"} {
		code, _, stderr := runCLI(t, cmd, a)
		if code != 2 || !strings.Contains(stderr, "yearly/scenario=baseline does not have the SHA-256 its manifest.json records") {
			t.Errorf("%s with another seed's table: exit %d\n%s", cmd, code, stderr)
		}
	}
	// A manifest without table hashes (runs before session 7): another run's
	// baseline with 2 replicates where the manifest records 3.
	dropTableHashes(t, a)
	os.RemoveAll(part(a, "baseline"))
	if err := os.Rename(part(b, "baseline"), part(a, "baseline")); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"compare", "summarize"} {
		code, _, stderr := runCLI(t, cmd, a)
		if code != 2 || !strings.Contains(stderr, "yearly/scenario=baseline holds 2 replicates, its manifest.json records 3") {
			t.Errorf("%s with another run's table: exit %d\n%s", cmd, code, stderr)
		}
	}
	// A missing table, and one the manifest does not record.
	os.RemoveAll(part(a, "baseline"))
	for _, cmd := range []string{"compare", "summarize"} {
		code, _, stderr := runCLI(t, cmd, a)
		if code != 2 || !strings.Contains(stderr, "lacks yearly/scenario=baseline, which its manifest.json records") {
			t.Errorf("%s with a table missing: exit %d\n%s", cmd, code, stderr)
		}
	}
	os.Rename(part(a, "palermo"), part(a, "other"))
	if code, _, stderr := runCLI(t, "summarize", a); code != 2 || !strings.Contains(stderr, "holds yearly/scenario=other, which its manifest.json does not record") {
		t.Errorf("summarize with a foreign table: exit %d\n%s", code, stderr)
	}
}

// dropTableHashes removes yearly_sha256 from a run folder's manifest, as a
// run before session 7 wrote it.
func dropTableHashes(t *testing.T, out string) {
	t.Helper()
	manifest := filepath.Join(out, "manifest.json")
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "yearly_sha256")
	data, _ = json.Marshal(m)
	if err := os.WriteFile(manifest, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
