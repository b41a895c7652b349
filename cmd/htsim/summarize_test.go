package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"htsim/analysis"
	"htsim/internal/output"
	"htsim/model"
	"htsim/sim"
)

// -update rewrites the golden files: go test ./cmd/htsim -run Summarize -update
// (defined here unless another test file of the package already defines it).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/golden")
	}
}

func summarizeUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const summarizeGolden = "../../testdata/golden/summarize_table.txt"

// summarizeRunArgs is the small fixed run the summarize tests read.
var summarizeRunArgs = []string{"run", "baseline", "palermo", "-n", "4", "--from", "2023-01", "--to", "2026-12", "--seed", "3", "-q"}

// TestSummarize runs the fixed run once, then checks htsim summarize on it:
// the table against the golden file, the table and the JSON against
// summary.parquet, and the shape of the CSV.
func TestSummarize(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, append(summarizeRunArgs, "--out", out)...); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	code, table, stderr := runCLI(t, "summarize", out)
	if code != 0 {
		t.Fatalf("summarize: exit %d\n%s", code, stderr)
	}
	parquetPath := output.SummaryPath(out)
	ss, err := output.ReadSummary(parquetPath)
	if err != nil {
		t.Fatal(err)
	}
	const years, scens = 4, 2
	if want := scens * (years + 1) * int(sim.NumMeasures); len(ss) != want {
		t.Fatalf("summary.parquet has %d rows, want %d (2 scenarios x (4 years + horizon) x %d measures)", len(ss), want, sim.NumMeasures)
	}

	t.Run("golden", func(t *testing.T) {
		if summarizeUpdate() {
			if err := os.MkdirAll(filepath.Dir(summarizeGolden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(summarizeGolden, []byte(table), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote %s", summarizeGolden)
			return
		}
		want, err := os.ReadFile(summarizeGolden)
		if err != nil {
			t.Fatalf("%v (create it with: go test ./cmd/htsim -run Summarize -update)", err)
		}
		if table != string(want) {
			t.Errorf("summarize table differs from %s (if the change is intended: go test ./cmd/htsim -run Summarize -update)\n--- got\n%s\n--- want\n%s", summarizeGolden, table, want)
		}
	})

	t.Run("table from parquet", func(t *testing.T) {
		// The table is formatted from the very values written to summary.parquet.
		var b bytes.Buffer
		if err := analysis.WriteSummaryTable(&b, ss); err != nil {
			t.Fatal(err)
		}
		if b.String() != table {
			t.Errorf("the table formatted from summary.parquet differs from the one printed:\n%s\n---\n%s", b.String(), table)
		}
		// And each number printed is the parquet value up to its printed precision.
		checkSummaryTable(t, table, ss)
	})

	t.Run("json equals parquet", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "summarize", "--format", "json", out)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		var recs []analysis.SummaryRecord
		if err := json.Unmarshal([]byte(stdout), &recs); err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(ss) {
			t.Fatalf("JSON has %d records, summary.parquet %d rows", len(recs), len(ss))
		}
		for i, r := range recs {
			got, _ := json.Marshal(r)
			want, _ := json.Marshal(ss[i].Record())
			if string(got) != string(want) {
				t.Fatalf("record %d: JSON %s, parquet %s", i, got, want)
			}
		}
		// The horizon rows have no year; the yearly rows have theirs.
		for _, r := range recs {
			if (r.Period == "2023-2026") != (r.Year == nil) {
				t.Fatalf("record %+v: year must be null exactly for the horizon", r)
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "summarize", "--format", "csv", out)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(ss)+1 || strings.Join(recs[0], ",") != strings.Join(analysis.SummaryColumns, ",") {
			t.Fatalf("CSV: %d records, header %v", len(recs), recs[0])
		}
	})

	t.Run("parquet columns", func(t *testing.T) {
		f, err := os.Open(parquetPath)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		info, _ := f.Stat()
		pf, err := parquet.OpenFile(f, info.Size())
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for _, fld := range pf.Schema().Fields() {
			cols = append(cols, fld.Name())
		}
		if strings.Join(cols, ",") != strings.Join(analysis.SummaryColumns, ",") {
			t.Errorf("summary.parquet columns %v, want %v", cols, analysis.SummaryColumns)
		}
		if y, ok := pf.Schema().Lookup("year"); !ok || !y.Node.Optional() {
			t.Errorf("year is not a nullable column")
		}
	})
}

// checkSummaryTable parses the summarize table and checks that every number
// equals the summary's value up to the precision printed.
func checkSummaryTable(t *testing.T, table string, ss []analysis.Summary) {
	t.Helper()
	type key struct {
		scen, period string
		m            sim.Measure
	}
	byKey := map[key]analysis.Summary{}
	for _, s := range ss {
		byKey[key{s.Scenario, s.Period.Label, s.Measure}] = s
	}
	// printed is within half a unit of its last digit of want.
	within := func(printed string, want float64) bool {
		p, err := strconv.ParseFloat(printed, 64)
		if err != nil {
			return false
		}
		tol := 0.5
		if _, frac, ok := strings.Cut(printed, "."); ok {
			tol = 0.5 * math.Pow(10, -float64(len(frac)))
		}
		return math.Abs(p-want) <= tol*(1+1e-9)
	}
	var scen, period string
	rows := 0
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[3] == "replicates" {
			scen, period = strings.TrimSuffix(f[0], ","), strings.TrimSuffix(f[1], ",")
			continue
		}
		if len(f) == 0 || f[0] == "measure" {
			continue
		}
		m, ok := analysis.MeasureByName(f[0])
		if !ok {
			continue
		}
		s, ok := byKey[key{scen, period, m}]
		if !ok {
			t.Errorf("table row %q (%s, %s) is not in summary.parquet", line, scen, period)
			continue
		}
		rows++
		vals := []float64{s.Mean, s.Median, s.P05, s.P25, s.P75, s.P95}
		if len(f) == 10 {
			vals = append(vals, 100*s.Rate.Mean, 100*s.Rate.Lo, 100*s.Rate.Hi)
			f[8], f[9] = strings.Trim(f[8], "[,"), strings.Trim(f[9], "]")
		} else if len(f) != 7 {
			t.Errorf("table row %q: %d fields", line, len(f))
			continue
		}
		for i, v := range vals {
			if !within(f[1+i], v) {
				t.Errorf("%s %s %s: column %d prints %s, summary.parquet holds %v", scen, period, f[0], i+1, f[1+i], v)
			}
		}
	}
	if want := 2 * 2 * len(analysis.SummaryTableMeasures); rows != want {
		t.Errorf("checked %d table rows, want %d (2 scenarios x 2 periods x %d measures)", rows, want, len(analysis.SummaryTableMeasures))
	}
}

func TestSummarizeErrors(t *testing.T) {
	dir := t.TempDir()
	sweepOut := filepath.Join(dir, "sweep")
	sensWriteFile(t, filepath.Join(dir, "tiny.yaml"), sensTinySweep("saltelli", 2))
	if code, _, stderr := runCLI(t, "sweep", filepath.Join(dir, "tiny.yaml"), "--out", sweepOut, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no folder", []string{"summarize"}, "name one run folder"},
		{"missing folder", []string{"summarize", filepath.Join(dir, "nosuch")}, "nosuch does not exist"},
		{"sweep folder", []string{"summarize", sweepOut}, "holds sweep tiny"},
		{"compare a sweep folder", []string{"compare", sweepOut}, "compare: " + sweepOut + " holds sweep tiny"},
		{"bad format", []string{"summarize", "--format", "xml", sweepOut}, "--format must be table, csv or json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, c.args...)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, c.want)
			}
		})
	}
	if _, err := os.Stat(output.SummaryPath(sweepOut)); err == nil {
		t.Error("a refused summarize wrote summary.parquet")
	}
	// A run whose yearly table is valid Parquet with other columns: bad input
	// naming the file, not rows of zeros.
	run := filepath.Join(dir, "run")
	if code, _, stderr := runCLI(t, "run", "baseline", "-n", "1", "--from", "2024-01", "--to", "2024-12", "-q", "--out", run); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	design, err := os.ReadFile(filepath.Join(sweepOut, "design.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	yearly := output.TablePath(run, "yearly", "baseline")
	// A table gone from its folder: the folder is incomplete, input not I/O.
	hidden := yearly + ".away"
	os.Rename(yearly, hidden)
	code, _, stderr := runCLI(t, "summarize", run)
	if want := "lacks " + filepath.Join("yearly", "scenario=baseline", output.PartName) + ", which its manifest.json records; the run folder is incomplete"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("missing yearly table: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	os.Rename(hidden, yearly)
	os.WriteFile(yearly, design, 0o644)
	code, _, stderr = runCLI(t, "summarize", run)
	if want := "yearly/scenario=baseline does not have the SHA-256 its manifest.json records"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("foreign yearly table: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	// Without the recorded hashes (a run before session 7), reading it fails.
	dropTableHashes(t, run)
	code, _, stderr = runCLI(t, "summarize", run)
	if want := yearly + " has no column scenario"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("foreign yearly table, no recorded hashes: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}

func sensWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sensTinySweep is a sweep file over two parameters of baseline, 2020-2021, one replicate per point.
func sensTinySweep(design string, points int) string {
	return `name: tiny
scenarios: [baseline]
horizon: {from: 2020-01, to: 2021-12}
design:
  kind: ` + design + `
  points: ` + strconv.Itoa(points) + `
replicates: 1
seed: 11
parameters:
  police.skill: {min: 0.3, max: 0.9}
  contact.awareness: {min: 0.5, max: 2.0}
`
}

var sensitivityFields = []string{"scenario", "output", "period", "first_year", "last_year", "parameter", "min", "max", "base_rows",
	"replicates", "output_mean", "output_variance", "s1", "s1_lo", "s1_hi", "st", "st_lo", "st_hi", "level", "resamples", "resamples_used"}

// TestSensitivity runs a tiny Saltelli sweep (N = 4, 2 parameters: 24 design
// points, one replicate each) and checks the shape of htsim sensitivity's
// output in every format and in sensitivity.parquet. With N = 4 the indices
// themselves are noise; the Ishigami test of analysis checks the estimator.
func TestSensitivity(t *testing.T) {
	dir := t.TempDir()
	file, out := filepath.Join(dir, "tiny.yaml"), filepath.Join(dir, "out")
	sensWriteFile(t, file, sensTinySweep("saltelli", 4))
	if code, _, stderr := runCLI(t, "sweep", file, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "sensitivity", out, "--format", "json")
	if code != 0 {
		t.Fatalf("sensitivity: exit %d\n%s", code, stderr)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(stdout), &recs); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2 (one per swept parameter)\n%s", len(recs), stdout)
	}
	for i, r := range recs {
		for _, f := range sensitivityFields {
			if _, ok := r[f]; !ok {
				t.Errorf("record %d lacks %q", i, f)
			}
		}
		if len(r) != len(sensitivityFields) {
			t.Errorf("record %d has %d fields, want %d: %v", i, len(r), len(sensitivityFields), r)
		}
		want := map[string]any{"scenario": "baseline", "output": "recording_rate", "period": "2020-2021", "first_year": 2020.0,
			"last_year": 2021.0, "parameter": []string{"police.skill", "contact.awareness"}[i], "base_rows": 4.0, "replicates": 1.0,
			"level": 0.95, "resamples": 1000.0}
		for k, v := range want {
			if r[k] != v {
				t.Errorf("record %d: %s = %v, want %v", i, k, r[k], v)
			}
		}
		for _, k := range []string{"s1", "st"} {
			v, lo, hi := r[k].(float64), r[k+"_lo"].(float64), r[k+"_hi"].(float64)
			if !(lo <= hi) || math.IsNaN(v) {
				t.Errorf("record %d: %s = %v [%v, %v]", i, k, v, lo, hi)
			}
		}
		if st := r["st"].(float64); st < 0 {
			t.Errorf("record %d: total index %v < 0 (a mean of squares over a variance)", i, st)
		}
		if m := r["output_mean"].(float64); !(m > 0 && m < 1) {
			t.Errorf("record %d: mean recording rate %v, want in (0, 1)", i, m)
		}
	}

	rows, err := parquet.ReadFile[output.SensitivityRow](filepath.Join(out, "sensitivity.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(rows)
	var fromParquet []map[string]any
	json.Unmarshal(js, &fromParquet)
	if got, _ := json.Marshal(fromParquet); string(got) != sensMustJSON(t, recs) {
		t.Errorf("sensitivity.parquet %s\ndiffers from the JSON printed %s", got, sensMustJSON(t, recs))
	}

	// The table names both parameters; the CSV has the JSON's fields as header.
	code, stdout, stderr = runCLI(t, "sensitivity", out)
	if code != 0 || !strings.Contains(stdout, "police.skill") || !strings.Contains(stdout, "contact.awareness") || !strings.Contains(stdout, "N = 4 base rows (24 design points)") {
		t.Errorf("table: exit %d\n%s%s", code, stdout, stderr)
	}
	// Another output would replace the recording rate's indices: refused
	// without --force, the file left as it was.
	before, err := os.ReadFile(filepath.Join(out, "sensitivity.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "sensitivity", out, "--output", "true_stock")
	after, _ := os.ReadFile(filepath.Join(out, "sensitivity.parquet"))
	if code != 2 || !strings.Contains(stderr, "holds recording_rate over 2020-2021 (1000 resamples); this computes true_stock over 2020-2021") || !bytes.Equal(before, after) {
		t.Errorf("another output without --force: exit %d, file kept %v\n%s", code, bytes.Equal(before, after), stderr)
	}
	code, stdout, _ = runCLI(t, "sensitivity", out, "--format", "csv", "--output", "true_stock", "--from", "2021", "--to", "2021", "--force")
	csvRecs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if code != 0 || err != nil || len(csvRecs) != 3 || strings.Join(csvRecs[0], ",") != strings.Join(sensitivityFields, ",") || csvRecs[1][1] != "true_stock" || csvRecs[1][2] != "2021" {
		t.Errorf("csv true_stock 2021: exit %d, %v\n%s", code, err, stdout)
	}
	for _, o := range []string{"registered_cases", "contacted"} {
		if code, _, stderr := runCLI(t, "sensitivity", out, "--output", o, "--format", "json", "-f"); code != 0 {
			t.Errorf("--output %s: exit %d\n%s", o, code, stderr)
		}
	}

	// Resamples whose output is constant are left out of the intervals; the
	// rows record the number asked for, so that reproduce recomputes the same
	// (it reran with the number left, which left out more: a false mismatch).
	code, stdout, stderr = runCLI(t, "sensitivity", out, "--output", "conditional_sentences", "--format", "json", "-f")
	var cs []output.SensitivityRow
	if err := json.Unmarshal([]byte(stdout), &cs); code != 0 || err != nil || len(cs) == 0 || cs[0].Resamples != 1000 || cs[0].Used >= 1000 {
		t.Errorf("conditional_sentences: exit %d, %v, rows %+v; want resamples 1000 and fewer used\n%s", code, err, cs, stderr)
	}
	if code, stdout, stderr := runCLI(t, "reproduce", out); code != 0 || !strings.Contains(stdout, "match: sensitivity.parquet") {
		t.Errorf("reproduce with resamples left out: exit %d\n%s%s", code, stdout, stderr)
	}
	// reproduce recomputes the sensitivity.parquet beside a sweep with the
	// options its rows record, and finds a changed index.
	if code, _, stderr := runCLI(t, "sensitivity", out, "--output", "true_stock", "--from", "2021", "--to", "2021", "--resamples", "50", "--force"); code != 0 {
		t.Fatalf("sensitivity --resamples 50: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "reproduce", out)
	if code != 0 || !strings.Contains(stdout, "match: sensitivity.parquet (true_stock over 2021, 50 resamples)") {
		t.Errorf("reproduce of a sweep with sensitivity.parquet: exit %d\n%s%s", code, stdout, stderr)
	}
	rows, err = output.ReadSensitivity(filepath.Join(out, "sensitivity.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	rows[1].ST = math.Nextafter(rows[1].ST, 2)
	if err := output.WriteSensitivity(out, rows); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "reproduce", out)
	if code != 1 || !strings.Contains(stdout, "mismatch: sensitivity.parquet differs") {
		t.Errorf("reproduce after changing one index: exit %d, want 1 and a mismatch\n%s%s", code, stdout, stderr)
	}
}

func sensMustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSensitivityErrors: folders that are not a complete Saltelli sweep and
// bad flags exit 2 with a clear message and write no sensitivity.parquet.
func TestSensitivityErrors(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if code, _, stderr := runCLI(t, "run", "baseline", "-n", "1", "--from", "2020-01", "--to", "2020-12", "-q", "--out", run); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	lhs, salt, half := filepath.Join(dir, "lhs"), filepath.Join(dir, "salt"), filepath.Join(dir, "half")
	sensWriteFile(t, filepath.Join(dir, "lhs.yaml"), sensTinySweep("lhs", 2))
	sensWriteFile(t, filepath.Join(dir, "salt.yaml"), sensTinySweep("saltelli", 2))
	for _, args := range [][]string{
		{"sweep", filepath.Join(dir, "lhs.yaml"), "--out", lhs, "-q"},
		{"sweep", filepath.Join(dir, "salt.yaml"), "--out", salt, "-q"},
		{"sweep", filepath.Join(dir, "salt.yaml"), "--out", half, "-q", "--chunk", "3", "--shard", "0/2"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"not a sweep", []string{run}, "is not a sweep's output folder"},
		{"not saltelli", []string{lhs}, "with a lhs design; Sobol indices need a saltelli design"},
		{"unknown output", []string{salt, "--output", "victims_happy"}, `unknown --output "victims_happy"`},
		{"year outside horizon", []string{salt, "--from", "2019"}, "within the sweep's horizon 2020-2021"},
		{"from after to", []string{salt, "--from", "2021", "--to", "2020"}, "from no later than to"},
		{"incomplete sweep", []string{half}, "are missing or incomplete"},
		{"missing folder", []string{filepath.Join(dir, "nosuch")}, "not an htsim sweep output folder"},
		{"no folder", nil, "name one sweep folder"},
		{"bad format", []string{salt, "--format", "xml"}, "--format must be table, csv or json"},
		{"bad resamples", []string{salt, "--resamples", "0"}, "--resamples must be between"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"sensitivity"}, c.args...)...)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, c.want)
			}
		})
	}
	// An output that does not vary (no compensation fund before 2020) is bad
	// input too, exit 2 (it was an internal failure, exit 1).
	early := filepath.Join(dir, "early")
	sensWriteFile(t, filepath.Join(dir, "early.yaml"), strings.Replace(sensTinySweep("saltelli", 2), "2020-01, to: 2021-12", "2011-01, to: 2012-12", 1))
	if code, _, stderr := runCLI(t, "sweep", filepath.Join(dir, "early.yaml"), "--out", early, "-q"); code != 0 {
		t.Fatalf("early sweep: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "sensitivity", early, "--output", "compensated"); code != 2 || !strings.Contains(stderr, "the output does not vary") {
		t.Errorf("constant output: exit %d, stderr %q; want 2", code, stderr)
	}
	for _, d := range []string{run, lhs, salt, half, early} {
		if _, err := os.Stat(filepath.Join(d, "sensitivity.parquet")); err == nil {
			t.Errorf("a refused sensitivity wrote %s", filepath.Join(d, "sensitivity.parquet"))
		}
	}
	// The complete Saltelli sweep itself is fine.
	if code, _, stderr := runCLI(t, "sensitivity", salt); code != 0 {
		t.Errorf("sensitivity of the complete sweep: exit %d\n%s", code, stderr)
	}
}

// TestRunWritesSummary: htsim run writes summary.parquet from the totals it
// holds; htsim summarize rebuilds it from the yearly tables; both files are
// byte-identical.
func TestRunWritesSummary(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "run", "-q", "-n", "3", "--from", "2024-01", "--to", "2026-12", "--out", out, "baseline", "palermo"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	fromRun, err := os.ReadFile(filepath.Join(out, "summary.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "summarize", "--format", "csv", out); code != 0 {
		t.Fatalf("summarize: exit %d: %s", code, stderr)
	}
	fromFiles, err := os.ReadFile(filepath.Join(out, "summary.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fromRun, fromFiles) {
		t.Fatal("summary.parquet written by run differs from the one htsim summarize writes")
	}
}

// TestSensPeriod: sensitivity labels its period as compare and summarize do,
// by months when the horizon covers a year of it in part.
func TestSensPeriod(t *testing.T) {
	m := model.MonthOf
	for _, tc := range []struct {
		from, to   int
		hFrom, hTo model.Month
		want       string
	}{
		{2010, 2030, m(2010, 1), m(2030, 12), "2010-2030"},
		{2025, 2025, m(2010, 1), m(2030, 12), "2025"},
		{2020, 2022, m(2020, 7), m(2022, 3), "2020-07 to 2022-03"},
		{2021, 2022, m(2020, 7), m(2022, 3), "2021-01 to 2022-03"},
		{2021, 2021, m(2020, 7), m(2022, 3), "2021"},
		{2020, 2021, m(2020, 7), m(2022, 3), "2020-07 to 2021-12"},
		{2022, 2022, m(2022, 3), m(2022, 3), "2022-03 to 2022-03"},
	} {
		if got := sensPeriod(tc.from, tc.to, tc.hFrom, tc.hTo); got != tc.want {
			t.Errorf("sensPeriod(%d, %d, %s, %s) = %q, want %q", tc.from, tc.to, tc.hFrom, tc.hTo, got, tc.want)
		}
	}
}
