package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/sim"
)

const mseData = "../../testdata/mse/"

// mseJSON is what htsim mse --counts --json must print at least.
type mseJSON struct {
	Lists      []string `json:"lists"`
	Model      string   `json:"model"`
	Selection  string   `json:"selection"`
	Estimate   float64  `json:"estimate"`
	Lower      float64  `json:"lower"`
	Upper      *float64 `json:"upper"`
	Observed   int64    `json:"observed"`
	Unobserved float64  `json:"unobserved"`
	Refused    []string `json:"refused"`
	Coeffs     []any    `json:"coefficients"`
}

func TestMSECountsCLI(t *testing.T) {
	code, stdout, stderr := runCLI(t, "mse", "--counts", mseData+"good.csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"lists:", "police, ngo, hotline", "model:", "stepwise by AIC", "estimated total:", "unobserved:", "observed:         291", "profile likelihood"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}

	// JSON, with a given model: the same numbers as the library.
	code, stdout, stderr = runCLI(t, "mse", "--counts", mseData+"good.csv", "--model", "main", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got mseJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, stdout)
	}
	f, _ := os.Open(mseData + "good.csv")
	defer f.Close()
	tb, err := analysis.ReadMSECSV(f, "good.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, err := analysis.FitMSE(tb, analysis.MSEModel{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Model != "main" || got.Observed != 291 || strings.Join(got.Lists, ",") != "police,ngo,hotline" ||
		got.Estimate != want.Estimate || got.Lower != want.Lower || got.Upper == nil || *got.Upper != want.Upper ||
		math.Abs(got.Unobserved+float64(got.Observed)-got.Estimate) > 1e-9 || got.Selection != "" {
		t.Errorf("JSON %+v does not match the fit %+v", got, want)
	}

	// A published model (Bruno et al. 1994 via Rivest 2011): N = 2771.
	code, stdout, _ = runCLI(t, "mse", "--counts", mseData+"diabetes.csv", "--model", "main+c1:c2,c1:c3,c2:c3,c2:c4,c3:c4", "--json")
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil || math.Round(got.Estimate) != 2771 {
		t.Errorf("diabetes: exit %d, estimate %.1f, err %v", code, got.Estimate, err)
	}

	// Stepwise selection skips the interaction of lists that share no case and says so.
	code, stdout, stderr = runCLI(t, "mse", "--counts", mseData+"no-overlap.csv", "--criterion", "bic", "--json")
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil {
		t.Fatalf("no-overlap stepwise: exit %d, %v, %s", code, err, stderr)
	}
	if got.Selection != "bic" || strings.Contains(got.Model, "police:shelter") || len(got.Refused) == 0 || !strings.Contains(strings.Join(got.Refused, "\n"), "police:shelter: lists police and shelter share no case") {
		t.Errorf("no-overlap stepwise: %+v", got)
	}
}

// TestMSEBadInput: bad CSV files and flags exit 2 with a message naming the
// file and line (or the flag).
func TestMSEBadInput(t *testing.T) {
	run := t.TempDir()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"cell not 0/1", []string{"--counts", mseData + "bad-cell.csv"}, `bad-cell.csv:3: column ngo is "2"; a list cell must be 0 or 1`},
		{"negative count", []string{"--counts", mseData + "bad-negative.csv"}, "bad-negative.csv:3: count -4 is negative"},
		{"fractional count", []string{"--counts", mseData + "bad-fraction.csv"}, "bad-fraction.csv:3: count 6.5 is not a whole number"},
		{"non-numeric count", []string{"--counts", mseData + "bad-nonnumeric.csv"}, `bad-nonnumeric.csv:3: count "many" is not a number`},
		{"duplicate pattern", []string{"--counts", mseData + "bad-duplicate.csv"}, "bad-duplicate.csv:4: pattern 1,0,0 repeats line 2"},
		{"one list", []string{"--counts", mseData + "bad-one-list.csv"}, "bad-one-list.csv:1: needs at least two list columns"},
		{"all-zero row", []string{"--counts", mseData + "bad-all-zero.csv"}, "bad-all-zero.csv:3: the pattern on no list (all 0) cannot be observed"},
		{"no count column", []string{"--counts", mseData + "bad-no-count.csv"}, "bad-no-count.csv:1: the last column must be named count"},
		{"ragged row", []string{"--counts", mseData + "bad-ragged.csv"}, "bad-ragged.csv:3: 3 fields, but the header has 4"},
		{"no rows", []string{"--counts", mseData + "bad-no-rows.csv"}, "bad-no-rows.csv: no data rows"},
		{"zero margin", []string{"--counts", mseData + "bad-zero-margin.csv"}, "bad-zero-margin.csv: list hotline records no case"},
		{"missing file", []string{"--counts", mseData + "nosuch.csv"}, "no such file"},
		{"folder as counts", []string{"--counts", mseData}, "is a folder"},
		{"interaction without overlap", []string{"--counts", mseData + "no-overlap.csv", "--model", "main+police:shelter"}, "lists police and shelter share no case"},
		{"unknown list in model", []string{"--counts", mseData + "good.csv", "--model", "main+police:court"}, `"court" is not one of the lists`},
		{"bad model", []string{"--counts", mseData + "good.csv", "--model", "saturated"}, `must start with "main"`},
		{"bad criterion", []string{"--counts", mseData + "good.csv", "--criterion", "dic"}, "criterion must be aic or bic"},
		{"nothing", nil, "give --counts FILE.csv, or a run folder"},
		{"csv format", []string{"--counts", mseData + "good.csv", "--format", "csv"}, "--format must be table or json"},
		{"bad format", []string{"--counts", mseData + "good.csv", "--format", "xml"}, `--format must be table or json, got "xml"`},
		{"both", []string{"--counts", mseData + "good.csv", run}, "not both"},
		{"lists with counts", []string{"--counts", mseData + "good.csv", "--lists", "police,ngo"}, "go with a run folder"},
		{"two folders", []string{run, run}, "name one run folder"},
		{"run without lists", []string{run}, "name the lists"},
		{"unknown list", []string{run, "--lists", "police,church"}, `"church" is not a list`},
		{"one list only", []string{run, "--lists", "police"}, "2 to 8 lists"},
		{"same list twice", []string{run, "--lists", "police,police"}, "named twice"},
		{"not a run folder", []string{run, "--lists", "police,ngo"}, "no manifest.json"},
		{"unknown flag", []string{"--frobnicate"}, "unknown flag: --frobnicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"mse"}, c.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, stderr)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "internal error") {
				t.Errorf("stderr shows a panic:\n%s", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout not empty on error:\n%s", stdout)
			}
		})
	}
}

// mseRunRow is one row of htsim mse OUT --json.
type mseRunRow struct {
	Scenario   string           `json:"scenario"`
	Replicate  int              `json:"replicate"`
	Year       int              `json:"year"`
	True       int64            `json:"true"`
	Patterns   map[string]int64 `json:"patterns"`
	Error      string           `json:"error"`
	RelError   *float64         `json:"rel_error"`
	Covered    bool             `json:"covered"`
	Lists      []string         `json:"lists"`
	Model      string           `json:"model"`
	Estimate   float64          `json:"estimate"`
	Lower      float64          `json:"lower"`
	Upper      *float64         `json:"upper"`
	Observed   int64            `json:"observed"`
	Unobserved float64          `json:"unobserved"`
}

// TestMSEEndToEnd: simulate with victims, then estimate from the lists; the
// true numbers must be the simulation's true new victims of each year. The
// horizon starts in July, so that the first year's truth is the spells of its
// last six months (it held spells of January to June too: audit).
func TestMSEEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCLI(t, "run", "baseline", "-n", "2", "--victims", "--from", "2015-07", "--to", "2016-12", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "mse", out, "--lists", "police,ngo,hotline", "--json")
	if code != 0 {
		t.Fatalf("mse: exit %d: %s", code, stderr)
	}
	var rows []mseRunRow
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	// The truth, from the yearly table.
	trueNew := map[[2]int]int64{}
	err := output.EachYearlyRow(out, "baseline", func(r *output.YearlyRow) error {
		c := r.Counts()
		trueNew[[2]int{int(r.Replicate), int(r.Year)}] += c[sim.TrueNewVictims]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 2 replicates x 2 years:\n%s", len(rows), stdout)
	}
	estimated := 0
	for _, r := range rows {
		key := [2]int{r.Replicate, r.Year}
		if r.Scenario != "baseline" || r.True != trueNew[key] || r.True == 0 {
			t.Errorf("replicate %d year %d: true %d, yearly table says %d", r.Replicate, r.Year, r.True, trueNew[key])
		}
		var sum int64
		for name, n := range r.Patterns {
			if name == "" || n <= 0 {
				t.Errorf("pattern %q count %d", name, n)
			}
			sum += n
		}
		if r.Error != "" {
			t.Logf("replicate %d year %d: refused: %s", r.Replicate, r.Year, r.Error)
			continue
		}
		if r.Observed != sum || r.Observed > r.True || strings.Join(r.Lists, ",") != "police,ngo,hotline" || r.Model == "" {
			t.Errorf("row %+v: observed %d, patterns sum %d", r, r.Observed, sum)
		}
		if !(r.Lower <= r.Estimate && (r.Upper == nil || r.Estimate <= *r.Upper)) || r.Estimate < float64(r.Observed) {
			t.Errorf("row %+v: estimate outside its interval or below the observed count", r)
		}
		if r.RelError == nil || math.Abs(*r.RelError-(r.Estimate-float64(r.True))/float64(r.True)) > 1e-9 {
			t.Errorf("row %+v: rel_error", r)
		}
		estimated++
		t.Logf("replicate %d year %d: true %d, observed %d, estimate %.0f from %.0f (%s)", r.Replicate, r.Year, r.True, r.Observed, r.Estimate, r.Lower, r.Model)
	}
	// Refused rows skip the checks above: at least one row must be estimated,
	// or a refusal of everything would pass.
	if estimated == 0 {
		t.Errorf("no replicate-year was estimated: all %d rows refused", len(rows))
	}

	// Text, one replicate and year, a fixed model.
	code, stdout, stderr = runCLI(t, "mse", out, "--lists", "police,ngo,hotline", "--year", "2016", "--replicate", "1", "--model", "main")
	if code != 0 {
		t.Fatalf("mse text: exit %d: %s", code, stderr)
	}
	lines := 0
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "baseline  ") || strings.Contains(l, "baseline          1  2016") {
			lines++
		}
	}
	if !strings.Contains(stdout, "2016") || !strings.Contains(stdout, "interval covers the truth in") || lines != 1 {
		t.Errorf("text output:\n%s", stdout)
	}
	// Nested lists (a court case needs an article-128 case, which needs a
	// police statement): no main-effects estimate exists; the rows say so.
	code, stdout, stderr = runCLI(t, "mse", out, "--lists", "police,art128,court", "--replicate", "0")
	if code != 0 || !strings.Contains(stdout, "refused [1]") || !strings.Contains(stdout, "[2] baseline replicate 0, 2016: ") || !strings.Contains(stdout, "no estimate (2 replicate-years refused)") {
		t.Errorf("nested lists: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "mse", out, "--lists", "police,ngo", "--year", "2030")
	if code != 2 || !strings.Contains(stderr, "outside the run's horizon 2015-2016") {
		t.Errorf("--year outside the horizon: exit %d, %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "mse", out, "--lists", "police,ngo", "--replicate", "7")
	if code != 2 || !strings.Contains(stderr, "no victim spell starting in the run's horizon for replicate 7") {
		t.Errorf("absent replicate: exit %d, %s", code, stderr)
	}
	// A victims file that is not Parquet, or not a victims table: exit 2, naming the file.
	victims := output.TablePath(out, "victims", "baseline")
	yearly, _ := os.ReadFile(output.TablePath(out, "yearly", "baseline"))
	for content, want := range map[string]string{"garbage": victims + " is not a readable Parquet file", string(yearly): "no column start_month"} {
		os.WriteFile(victims, []byte(content), 0o644)
		code, _, stderr = runCLI(t, "mse", out, "--lists", "police,ngo")
		if code != 2 || !strings.Contains(stderr, want) || strings.Contains(stderr, "internal error") {
			t.Errorf("bad victims file: exit %d, stderr %s", code, stderr)
		}
	}
	// A run without --victims.
	bare := filepath.Join(t.TempDir(), "bare")
	if code, _, stderr := runCLI(t, "run", "baseline", "-n", "1", "--from", "2015-01", "--to", "2015-12", "--out", bare, "-q"); code != 0 {
		t.Fatalf("run: %s", stderr)
	}
	code, _, stderr = runCLI(t, "mse", bare, "--lists", "police,ngo")
	if code != 2 || !strings.Contains(stderr, "has no victims table; run htsim run with --victims") {
		t.Errorf("run without victims: exit %d, %s", code, stderr)
	}
}

func TestMSEHelp(t *testing.T) {
	code, stdout, stderr := runCLI(t, "mse", "--help")
	if code != 0 || !strings.Contains(stdout, "htsim mse --counts FILE.csv") || stderr != "" {
		t.Errorf("exit %d: stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "help")
	if code != 0 || !strings.Contains(stdout, "htsim mse") {
		t.Errorf("top usage lacks mse:\n%s", stdout)
	}
}

// TestMSEHelpExample: the table printed in mse --help runs as printed.
func TestMSEHelpExample(t *testing.T) {
	_, rest, ok := strings.Cut(mseUsage, "\n  police,ngo,hotline,count\n")
	if !ok {
		t.Fatal("mse --help no longer shows the example table")
	}
	lines := []string{"police,ngo,hotline,count"}
	for _, l := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(l, "  ") {
			break
		}
		lines = append(lines, strings.TrimSpace(l))
	}
	path := filepath.Join(t.TempDir(), "lists.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI(t, "mse", "--counts", path); code != 0 || !strings.Contains(stdout, "estimated total:") {
		t.Errorf("the help's example (%d rows): exit %d\n%s%s", len(lines)-1, code, stdout, stderr)
	}
}
