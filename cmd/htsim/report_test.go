package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"htsim/internal/output"
	"htsim/internal/report"
)

const reportGolden = "../../testdata/golden/report_tables.txt"

// reportRunArgs is the small fixed run the report test reads (without
// --compare: the report computes compare.parquet, and summary.parquet).
var reportRunArgs = []string{"run", "baseline", "palermo", "-n", "4", "--from", "2023-01", "--to", "2026-12", "--seed", "3", "-q"}

// reportHypArgs is a small hypotheses experiment.
var reportHypArgs = []string{"hypotheses", "-n", "3", "--from", "2023-01", "--to", "2024-12", "--period", "2023-2024", "--seed", "5"}

// The test's own readers of the files, independent of htsim's: each row
// becomes a map from column name to value, under the key the page uses.

type testSummaryRow struct {
	Scenario   string   `parquet:"scenario"`
	Period     string   `parquet:"period"`
	Year       *int32   `parquet:"year,optional"`
	Measure    string   `parquet:"measure"`
	Replicates int32    `parquet:"replicates"`
	Mean       float64  `parquet:"mean"`
	Median     float64  `parquet:"median"`
	P05        float64  `parquet:"p05"`
	P25        float64  `parquet:"p25"`
	P75        float64  `parquet:"p75"`
	P95        float64  `parquet:"p95"`
	RateMean   *float64 `parquet:"rate_mean,optional"`
	RateP05    *float64 `parquet:"rate_p05,optional"`
	RateP95    *float64 `parquet:"rate_p95,optional"`
}

type testCompareRow struct {
	Scenario     string   `parquet:"scenario"`
	Against      string   `parquet:"against"`
	Measure      string   `parquet:"measure"`
	Period       string   `parquet:"period"`
	MeanScenario float64  `parquet:"mean_scenario"`
	MeanAgainst  float64  `parquet:"mean_against"`
	DiffMean     float64  `parquet:"diff_mean"`
	DiffP05      float64  `parquet:"diff_p05"`
	DiffP95      float64  `parquet:"diff_p95"`
	RelChange    *float64 `parquet:"rel_change,optional"`
	RateScenario float64  `parquet:"rate_scenario"`
	RateAgainst  float64  `parquet:"rate_against"`
	RateDiffMean float64  `parquet:"rate_diff_mean"`
	RateDiffP05  float64  `parquet:"rate_diff_p05"`
	RateDiffP95  float64  `parquet:"rate_diff_p95"`
}

type testSensRow struct {
	Scenario   string  `parquet:"scenario"`
	Output     string  `parquet:"output"`
	Period     string  `parquet:"period"`
	Parameter  string  `parquet:"parameter"`
	Min        float64 `parquet:"min"`
	Max        float64 `parquet:"max"`
	BaseRows   int32   `parquet:"base_rows"`
	Replicates int32   `parquet:"replicates"`
	S1         float64 `parquet:"s1"`
	S1Lo       float64 `parquet:"s1_lo"`
	S1Hi       float64 `parquet:"s1_hi"`
	ST         float64 `parquet:"st"`
	STLo       float64 `parquet:"st_lo"`
	STHi       float64 `parquet:"st_hi"`
	Level      float64 `parquet:"level"`
}

func optVal(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// reportFileValues reads summary.parquet, compare.parquet, sensitivity.parquet
// and hypotheses.json into one map: key (as the page's data-src) -> column -> value.
func reportFileValues(t *testing.T, out, sweep string) (vals map[string]map[string]float64, summaryRows []testSummaryRow) {
	t.Helper()
	vals = map[string]map[string]float64{}
	summaryRows, err := parquet.ReadFile[testSummaryRow](filepath.Join(out, "summary.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range summaryRows {
		vals["summary|"+r.Scenario+"|"+r.Period+"|"+r.Measure] = map[string]float64{"replicates": float64(r.Replicates),
			"mean": r.Mean, "median": r.Median, "p05": r.P05, "p25": r.P25, "p75": r.P75, "p95": r.P95,
			"rate_mean": optVal(r.RateMean), "rate_p05": optVal(r.RateP05), "rate_p95": optVal(r.RateP95)}
	}
	cmp, err := parquet.ReadFile[testCompareRow](filepath.Join(out, "compare.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cmp {
		vals["compare|"+r.Scenario+"|"+r.Against+"|"+r.Measure+"|"+r.Period] = map[string]float64{
			"mean_scenario": r.MeanScenario, "mean_against": r.MeanAgainst, "diff_mean": r.DiffMean, "diff_p05": r.DiffP05,
			"diff_p95": r.DiffP95, "rel_change": optVal(r.RelChange), "rate_scenario": r.RateScenario, "rate_against": r.RateAgainst,
			"rate_diff_mean": r.RateDiffMean, "rate_diff_p05": r.RateDiffP05, "rate_diff_p95": r.RateDiffP95}
	}
	sens, err := parquet.ReadFile[testSensRow](filepath.Join(sweep, "sensitivity.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sens {
		vals["sensitivity|"+r.Scenario+"|"+r.Output+"|"+r.Period+"|"+r.Parameter] = map[string]float64{
			"min": r.Min, "max": r.Max, "base_rows": float64(r.BaseRows), "replicates": float64(r.Replicates),
			"s1": r.S1, "s1_lo": r.S1Lo, "s1_hi": r.S1Hi, "st": r.ST, "st_lo": r.STLo, "st_hi": r.STHi, "level": r.Level}
	}
	data, err := os.ReadFile(filepath.Join(out, "hypotheses.json"))
	if err != nil {
		t.Fatal(err)
	}
	var hf struct {
		Hypotheses []map[string]any `json:"hypotheses"`
	}
	if err := json.Unmarshal(data, &hf); err != nil {
		t.Fatal(err)
	}
	for _, h := range hf.Hypotheses {
		m := map[string]float64{}
		for k, v := range h {
			if f, ok := v.(float64); ok {
				m[k] = f
			}
		}
		vals["hypotheses|"+strconv.Itoa(int(m["number"]))] = m
	}
	return vals, summaryRows
}

var (
	reportSpanRE   = regexp.MustCompile(`<span(?: class="iv")? data-src="([^"]*)" data-field="([^"]*)"(?: data-scale="([^"]*)")?>([^<]*)</span>`)
	reportFigureRE = regexp.MustCompile(`<figure class="chart" id="([^"]*)" data-kind="([^"]*)" data-points="([^"]*)">`)
	reportTableRE  = regexp.MustCompile(`(?s)<table id="t-([^"]*)" class="([^"]*)">(.*?)</table>`)
	reportNumTdRE  = regexp.MustCompile(`(?s)<td class="num"[^>]*>(.*?)</td>`)
	reportTagRE    = regexp.MustCompile(`<[^>]+>`)
)

// reportTablesText is the text of the page's data tables: per table its id
// and caption, then one line per row, cells separated by " | ".
func reportTablesText(page string) string {
	var b strings.Builder
	rowRE := regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	cellRE := regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	capRE := regexp.MustCompile(`(?s)<caption>(.*?)</caption>`)
	text := func(s string) string {
		return strings.TrimSpace(html.UnescapeString(reportTagRE.ReplaceAllString(s, "")))
	}
	for _, m := range reportTableRE.FindAllStringSubmatch(page, -1) {
		if m[2] != "data" {
			continue
		}
		fmt.Fprintf(&b, "## %s\n", m[1])
		if c := capRE.FindStringSubmatch(m[3]); c != nil {
			b.WriteString(text(c[1]) + "\n")
		}
		for _, row := range rowRE.FindAllStringSubmatch(m[3], -1) {
			var cells []string
			for _, c := range cellRE.FindAllStringSubmatch(row[1], -1) {
				cells = append(cells, text(c[1]))
			}
			b.WriteString(strings.Join(cells, " | ") + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestReport builds the report of a small run (with a hypotheses experiment
// and a tiny Saltelli sweep) and checks it: the files, a self-contained page,
// every number of its tables and every chart's data against the files read
// here independently, the tables' text against the golden file, and the
// page's layout in headless Chromium.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	out, sweep, sweepFile := filepath.Join(dir, "out"), filepath.Join(dir, "sweep"), filepath.Join(dir, "tiny.yaml")
	if code, _, stderr := runCLI(t, append(reportRunArgs, "--out", out)...); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, append(reportHypArgs, "--out", out)...); code != 0 {
		t.Fatalf("hypotheses: exit %d\n%s", code, stderr)
	}
	sensWriteFile(t, sweepFile, sensTinySweep("saltelli", 4))
	if code, _, stderr := runCLI(t, "sweep", sweepFile, "--out", sweep, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "sensitivity", sweep); code != 0 {
		t.Fatalf("sensitivity: exit %d\n%s", code, stderr)
	}
	// htsim run writes summary.parquet; remove it so that the report computes it
	// (the path htsim summarize takes). The run made no comparison.
	if err := os.Remove(filepath.Join(out, "summary.parquet")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "compare.parquet")); err == nil {
		t.Fatal("the run wrote compare.parquet; the test means the report to compute it")
	}
	code, stdout, stderr := runCLI(t, "report", out, "--sensitivity", sweep)
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	index := filepath.Join(out, "report", "index.html")
	if want := "wrote " + index + " (11 charts)\n"; stdout != want {
		t.Errorf("report printed %q, want %q", stdout, want)
	}
	pageBytes, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	page := string(pageBytes)
	vals, summaryRows := reportFileValues(t, out, sweep)

	// The charts the page must have, from the files: per scenario a trend and
	// a funnel, an effect chart per key measure and the recording rate, and a
	// Sobol chart per scenario and output of sensitivity.parquet.
	wantCharts := map[string]string{}
	for _, s := range []string{"baseline", "palermo"} {
		wantCharts["trend-"+s], wantCharts["funnel-"+s] = "trend", "funnel"
	}
	for _, m := range []string{"true_new_victims", "identified_official", "registered_art128", "to_court", "convicted", "recording-rate"} {
		wantCharts["effect-"+m] = "effect"
	}
	wantCharts["sobol-baseline-recording_rate"] = "sobol"

	t.Run("files", func(t *testing.T) {
		for id := range wantCharts {
			for _, ext := range []string{".svg", ".png"} {
				info, err := os.Stat(filepath.Join(out, "report", id+ext))
				if err != nil || info.Size() < 1000 {
					t.Errorf("%s%s: %v (size %v)", id, ext, err, info)
				}
			}
		}
		entries, _ := os.ReadDir(filepath.Join(out, "report"))
		if len(entries) != 2*len(wantCharts)+1 {
			t.Errorf("OUT/report holds %d files, want %d (index.html, and an SVG and a PNG per chart)", len(entries), 2*len(wantCharts)+1)
		}
		// summary.parquet is the one htsim summarize writes.
		want, err := os.ReadFile(filepath.Join(out, "summary.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCLI(t, "summarize", out); code != 0 {
			t.Fatalf("summarize: %s", stderr)
		}
		if got, _ := os.ReadFile(filepath.Join(out, "summary.parquet")); !bytes.Equal(got, want) {
			t.Error("the summary.parquet the report wrote differs from htsim summarize's")
		}
		// A second report replaces the first, leaving no temporary folder.
		if code, _, stderr := runCLI(t, "report", "-q", out, "--sensitivity", filepath.Join(sweep, "sensitivity.parquet")); code != 0 {
			t.Fatalf("second report: %s", stderr)
		}
		all, _ := os.ReadDir(out)
		for _, e := range all {
			if strings.Contains(e.Name(), "tmp") {
				t.Errorf("leftover %s", e.Name())
			}
		}
	})

	t.Run("self-contained", func(t *testing.T) {
		for _, re := range []*regexp.Regexp{
			regexp.MustCompile(`(?i)\s(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//`),
			regexp.MustCompile(`(?i)url\(\s*["']?\s*(?:https?:)?//`),
			regexp.MustCompile(`(?i)@import`),
			regexp.MustCompile(`(?i)<(?:link|iframe|object|embed|img)\b`),
			regexp.MustCompile(`(?i)<script[^>]*\ssrc`),
		} {
			if m := re.FindString(page); m != "" {
				t.Errorf("the page loads something from outside: %q", m)
			}
		}
		for _, m := range regexp.MustCompile(`\shref="([^"]*)"`).FindAllStringSubmatch(page, -1) {
			h := m[1]
			if strings.HasPrefix(h, "#") {
				if !strings.Contains(page, `id="`+h[1:]+`"`) {
					t.Errorf("link %s has no target", h)
				}
				continue
			}
			if _, ok := wantCharts[strings.TrimSuffix(strings.TrimSuffix(h, ".svg"), ".png")]; !ok || strings.Contains(h, "/") {
				t.Errorf("link %q is neither in the page nor a chart file beside it", h)
			}
		}
		if n := strings.Count(page, "<svg "); n != len(wantCharts) {
			t.Errorf("%d inline SVGs, want %d", n, len(wantCharts))
		}
		for _, sec := range []string{"key-results", "true-recorded", "effects", "hypotheses", "sensitivity", "summary", "manifest", "reproduce"} {
			if !strings.Contains(page, `<section id="`+sec+`">`) {
				t.Errorf("no section %s", sec)
			}
		}
		// The manifest: seed, replicates, horizon, scenario files with their SHA-256, and the command lines.
		m, err := os.ReadFile(filepath.Join(out, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var man struct {
			Scenarios []struct {
				Files []struct{ SHA256 string } `json:"files"`
			} `json:"scenarios"`
		}
		json.Unmarshal(m, &man)
		for _, s := range man.Scenarios {
			for _, f := range s.Files {
				if len(f.SHA256) != 64 || !strings.Contains(page, f.SHA256) {
					t.Errorf("the page lacks scenario file hash %q", f.SHA256)
				}
			}
		}
		for _, want := range []string{"<dt>seed</dt><dd>3</dd>", "<dt>replicates</dt><dd>4</dd>", "2023-01 to 2026-12",
			"bin/htsim run baseline palermo -n 4 --from 2023-01 --to 2026-12 --seed 3 -q --out " + out,
			"bin/htsim hypotheses -n 3 --from 2023-01 --to 2024-12 --period 2023-2024 --seed 5 --out " + out,
			"bin/htsim report " + out + " --sensitivity " + sweep, "bin/htsim sensitivity " + sweep} {
			if !strings.Contains(page, want) && !strings.Contains(page, html.EscapeString(want)) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})

	t.Run("table numbers equal the files", func(t *testing.T) {
		spans := reportSpanRE.FindAllStringSubmatch(page, -1)
		checked := map[string]int{}
		for _, s := range spans {
			src, field, scale, shown := html.UnescapeString(s[1]), s[2], 1.0, html.UnescapeString(s[4])
			if s[3] != "" {
				scale, _ = strconv.ParseFloat(s[3], 64)
			}
			row, ok := vals[src]
			if !ok {
				t.Errorf("%s is not a row of the files", src)
				continue
			}
			want, ok := row[field]
			if !ok {
				t.Errorf("%s has no column %s", src, field)
				continue
			}
			if shown == "n/a" {
				if !math.IsNaN(want) {
					t.Errorf("%s %s: shown n/a, the file holds %v", src, field, want)
				}
				continue
			}
			got, tol, err := report.ParseShown(shown)
			if err != nil {
				t.Errorf("%s %s: shown %q: %v", src, field, shown, err)
				continue
			}
			if math.Abs(got-want*scale) > tol*(1+1e-9)+1e-12 {
				t.Errorf("%s %s: shown %s, the file holds %v (x%g)", src, field, shown, want, scale)
			}
			checked[strings.SplitN(src, "|", 2)[0]]++
		}
		t.Logf("checked %v numbers", checked)
		// Every table: 2 scenarios x 6 numbers x 3 (mean and interval), and
		// per scenario 2 periods x 16 measures x 6 or 9; 7 hypotheses x 4;
		// 2 parameters x 11; the comparison tables.
		for file, min := range map[string]int{"summary": 2*(1+5*3+3) + 2*2*16*6, "compare": 2 * 6 * 3, "hypotheses": 7 * 4, "sensitivity": 2 * 11} {
			if checked[file] < min {
				t.Errorf("checked %d numbers from %s, want at least %d", checked[file], file, min)
			}
		}
		// And no number in a table's numeric cells escapes the check.
		for _, tm := range reportTableRE.FindAllStringSubmatch(page, -1) {
			if tm[2] != "data" {
				continue
			}
			for _, td := range reportNumTdRE.FindAllStringSubmatch(tm[3], -1) {
				rest := reportTagRE.ReplaceAllString(reportSpanRE.ReplaceAllString(td[1], ""), "")
				if strings.ContainsAny(rest, "0123456789") {
					t.Errorf("table %s: cell %q shows a number that is not read from a file", tm[1], td[1])
				}
			}
		}
	})

	t.Run("chart data equal the files", func(t *testing.T) {
		figs := reportFigureRE.FindAllStringSubmatch(page, -1)
		if len(figs) != len(wantCharts) {
			t.Fatalf("%d figures, want %d", len(figs), len(wantCharts))
		}
		// The rows each chart must plot, from summary.parquet.
		wantSrcs := map[string][]string{}
		for _, r := range summaryRows {
			key := "summary|" + r.Scenario + "|" + r.Period + "|" + r.Measure
			if r.Year != nil && (r.Measure == "true_new_victims" || r.Measure == "identified_official") {
				wantSrcs["trend-"+r.Scenario] = append(wantSrcs["trend-"+r.Scenario], key)
			}
			if r.Year == nil {
				switch r.Measure {
				case "true_new_victims", "contacted", "identified_official", "reported", "registered_art128", "to_court", "convicted":
					wantSrcs["funnel-"+r.Scenario] = append(wantSrcs["funnel-"+r.Scenario], key)
				}
			}
		}
		for _, f := range figs {
			id, kind := f[1], f[2]
			if wantCharts[id] != kind {
				t.Errorf("figure %s of kind %s is not expected", id, kind)
			}
			var pts []report.Point
			if err := json.Unmarshal([]byte(html.UnescapeString(f[3])), &pts); err != nil {
				t.Fatalf("%s: data-points: %v", id, err)
			}
			var srcs []string
			for _, p := range pts {
				srcs = append(srcs, p.Src)
				row, ok := vals[p.Src]
				if !ok {
					t.Errorf("%s plots %s, not a row of the files", id, p.Src)
					continue
				}
				if len(p.Values) == 0 {
					t.Errorf("%s: point %s has no values", id, p.Src)
				}
				for field, v := range p.Values {
					if want, ok := row[field]; !ok || v != want {
						t.Errorf("%s plots %s %s = %v, the file holds %v", id, p.Src, field, v, want)
					}
				}
			}
			if want, ok := wantSrcs[id]; ok {
				sort.Strings(srcs)
				sort.Strings(want)
				if strings.Join(srcs, " ") != strings.Join(want, " ") {
					t.Errorf("%s plots %v, want %v", id, srcs, want)
				}
			}
			switch kind {
			case "effect":
				if len(pts) != 1 || !strings.HasPrefix(pts[0].Src, "compare|palermo|baseline|") || !strings.HasSuffix(pts[0].Src, "|2025-2026") {
					t.Errorf("%s plots %v, want palermo against baseline over 2025-2026 (the policy years)", id, srcs)
				}
			case "sobol":
				if len(pts) != 2 {
					t.Errorf("%s plots %d points, want one per swept parameter", id, len(pts))
				}
			}
		}
	})

	t.Run("golden", func(t *testing.T) {
		got := reportTablesText(page)
		if summarizeUpdate() {
			if err := os.WriteFile(reportGolden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote %s", reportGolden)
			return
		}
		want, err := os.ReadFile(reportGolden)
		if err != nil {
			t.Fatalf("%v (create it with: go test ./cmd/htsim -run TestReport -update)", err)
		}
		if got != string(want) {
			t.Errorf("the report's tables differ from %s (if the change is intended: go test ./cmd/htsim -run TestReport -update)\n%s",
				reportGolden, firstDiff(got, string(want)))
		}
	})

	t.Run("hypotheses.json", func(t *testing.T) {
		// --out writes what --format json prints, with the settings.
		code, stdout, stderr := runCLI(t, append(reportHypArgs, "--format", "json")...)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		var printed []map[string]any
		if err := json.Unmarshal([]byte(stdout), &printed); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(filepath.Join(out, "hypotheses.json"))
		var file map[string]any
		if err := json.Unmarshal(data, &file); err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]any{"seed": 5.0, "replicates": 3.0, "from": "2023-01", "to": "2024-12", "period": "2023-2024", "threshold": 0.05} {
			if file[k] != v {
				t.Errorf("hypotheses.json %s = %v, want %v", k, file[k], v)
			}
		}
		hs, _ := file["hypotheses"].([]any)
		if len(hs) != len(printed) || len(hs) != 7 {
			t.Fatalf("hypotheses.json holds %d hypotheses, --format json %d", len(hs), len(printed))
		}
		for i, p := range printed {
			h := hs[i].(map[string]any)
			for k, v := range p {
				if fmt.Sprint(h[k]) != fmt.Sprint(v) {
					t.Errorf("H%d %s: file %v, printed %v", i+1, k, h[k], v)
				}
			}
		}
	})

	t.Run("chromium", func(t *testing.T) {
		chromium, err := report.Chromium()
		if err != nil {
			if testing.Short() {
				t.Skipf("-short: %v", err)
			}
			t.Fatalf("the report's browser test needs headless Chromium: %v\n(as root: bash scripts/ensure-chromium.sh, or make test)", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		for _, width := range []int{1280, 800, 500} { // 500: headless Chromium's narrowest window
			l, dom, err := report.MeasureLayout(ctx, chromium, index, width)
			if err != nil {
				t.Fatalf("width %d: %v", width, err)
			}
			if !strings.Contains(dom, `<section id="reproduce">`) {
				t.Errorf("width %d: the DOM Chromium dumped lacks the last section", width)
			}
			if l.Width < float64(width)-40 || l.Width > float64(width) {
				t.Errorf("width %d: the page is laid out %.0f px wide", width, l.Width)
			}
			for _, p := range l.Problems(len(wantCharts)) {
				t.Errorf("width %d: %s", width, p)
			}
			seen := map[string]bool{}
			for _, c := range l.Charts {
				seen[c.ID] = true
				if width >= 1280 && c.W < 400 {
					t.Errorf("width %d: chart %s is only %.0f px wide", width, c.ID, c.W)
				}
			}
			for id := range wantCharts {
				if !seen[id] {
					t.Errorf("width %d: chart %s is not on the page", width, id)
				}
			}
		}
		if shot := os.Getenv("HTSIM_REPORT_SCREENSHOT"); shot != "" {
			if err := report.Screenshot(ctx, chromium, index, shot, 1280, 4000); err != nil {
				t.Error(err)
			}
		}
	})
}

// firstDiff shows the first line where two texts differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, a, b)
		}
	}
	return "(no difference)"
}

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	sweepOut := filepath.Join(dir, "sweep")
	sensWriteFile(t, filepath.Join(dir, "tiny.yaml"), sensTinySweep("saltelli", 2))
	if code, _, stderr := runCLI(t, "sweep", filepath.Join(dir, "tiny.yaml"), "--out", sweepOut, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	run := filepath.Join(dir, "run")
	if code, _, stderr := runCLI(t, "run", "baseline", "-n", "2", "--from", "2024-01", "--to", "2024-12", "-q", "--out", run); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no folder", []string{"report"}, "name one run folder"},
		{"missing folder", []string{"report", filepath.Join(dir, "nosuch")}, "nosuch does not exist"},
		{"a file", []string{"report", filepath.Join(dir, "tiny.yaml")}, "tiny.yaml is not a folder"},
		{"sweep folder", []string{"report", sweepOut}, "holds sweep tiny"},
		{"missing sensitivity", []string{"report", run, "--sensitivity", filepath.Join(dir, "nosuch")}, "--sensitivity"},
		{"sweep without sensitivity", []string{"report", run, "--sensitivity", sweepOut}, "sensitivity.parquet does not exist"},
		{"sensitivity not parquet", []string{"report", run, "--sensitivity", filepath.Join(dir, "tiny.yaml")}, "tiny.yaml is not a readable Parquet file"},
		{"another table as sensitivity", []string{"report", run, "--sensitivity", filepath.Join(sweepOut, "design.parquet")}, "not the sensitivity table"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, c.args...)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, c.want)
			}
		})
	}
	// One scenario: no comparison, no hypotheses, no sensitivity; the page says so.
	code, _, stderr := runCLI(t, "report", "-q", run)
	if code != 0 {
		t.Fatalf("report of one scenario: exit %d\n%s", code, stderr)
	}
	page, err := os.ReadFile(filepath.Join(run, "report", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"No comparison", "No hypotheses.json", "No sensitivity.parquet", `data-charts="2"`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the one-scenario page lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(run, "compare.parquet")); err == nil {
		t.Error("a report of one scenario wrote compare.parquet")
	}
	// A summary.parquet that is not one (not Parquet; another table): bad
	// input, exit 2, naming the file, not an internal failure.
	summary := output.SummaryPath(run)
	design, err := os.ReadFile(filepath.Join(sweepOut, "design.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for content, want := range map[string]string{"garbage": summary + " is not a readable Parquet file",
		string(design): summary + " has no column scenario"} {
		os.WriteFile(summary, []byte(content), 0o644)
		code, _, stderr := runCLI(t, "report", "-q", run)
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("foreign summary.parquet: exit %d, stderr %q; want 2 and %q", code, stderr, want)
		}
	}
	// The same for compare.parquet (summary.parquet is written again when missing).
	os.Remove(summary)
	cmpPath := filepath.Join(run, "compare.parquet")
	os.WriteFile(cmpPath, design, 0o644)
	if code, _, stderr := runCLI(t, "report", "-q", run); code != 2 || !strings.Contains(stderr, cmpPath+" has no column scenario: not the comparison table") {
		t.Errorf("foreign compare.parquet: exit %d, stderr %q; want 2 naming it", code, stderr)
	}
}

// TestReportKeepsUserFiles: htsim report replaces its own earlier report, but
// not a report folder holding anything else (a user's notes, a subfolder, a
// file named report), unless --force; and run --force removes the report's
// files but keeps the user's notes in it (it deleted them all, found in an
// audit).
func TestReportKeepsUserFiles(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI(t, "run", "baseline", "-n", "2", "--from", "2024-01", "--to", "2024-12", "-q", "--out", run); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	dir := filepath.Join(run, "report")
	for i := 0; i < 2; i++ { // the second replaces the first
		if code, _, stderr := runCLI(t, "report", "-q", run); code != 0 {
			t.Fatalf("report %d: exit %d\n%s", i, code, stderr)
		}
	}
	notes := filepath.Join(dir, "notes.md")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "report", "-q", run)
	if _, err := os.Stat(notes); code != 2 || err != nil || !strings.Contains(stderr, notes) || !strings.Contains(stderr, "--force") {
		t.Errorf("report over a folder with notes: exit %d, notes kept: %v\n%s", code, err == nil, stderr)
	}
	// run --force: the report's files go, the notes stay.
	if code, _, stderr := runCLI(t, "run", "baseline", "-n", "2", "--from", "2024-01", "--to", "2024-12", "-q", "--out", run, "--force"); code != 0 {
		t.Fatalf("run --force: exit %d\n%s", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "notes.md" {
		t.Errorf("after run --force, %s holds %v; want only notes.md", dir, entries)
	}
	if code, _, stderr := runCLI(t, "report", "-q", "--force", run); code != 0 {
		t.Fatalf("report --force: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(notes); err == nil {
		t.Error("report --force kept the notes it was told to replace")
	}
	// A file named report is not a report folder either.
	os.RemoveAll(dir)
	os.WriteFile(dir, []byte("mine"), 0o644)
	if code, _, stderr := runCLI(t, "report", "-q", run); code != 2 || !strings.Contains(stderr, dir) {
		t.Errorf("report over a file named report: exit %d\n%s", code, stderr)
	}
	if b, _ := os.ReadFile(dir); string(b) != "mine" {
		t.Error("the file named report was changed")
	}
}

// TestPolicyOnAmendedLaw: a policy on amended-2020 (itself a phase from
// 2020-01 on the baseline) is compared with amended-2020 from its own month,
// 2025, not from its parent's phase (which gave 2020-2030, five years of no
// difference diluting the effect), and the report counts each parameter it
// changes once and lists both phase months (found by review). A run from
// 2024, after amended-2020's month, is allowed: the law is in force throughout.
func TestPolicyOnAmendedLaw(t *testing.T) {
	dir := t.TempDir()
	child := filepath.Join(dir, "child.yaml")
	os.WriteFile(child, []byte(`name: child
description: the six-year minimum on the law since 2020
extends: amended-2020
from: 2025-01
parameters:
  law:
    art128_min_years: {value: 6, source: test}
    art128_max_years: {value: 10, source: test}
`), 0o644)
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI(t, "run", "-q", "-n", "2", "--from", "2024-01", "--to", "2026-12", "--out", out, "amended-2020", child); code != 0 {
		t.Fatalf("run from 2024: exit %d\n%s", code, stderr)
	}
	// A run that ends before a scenario's own month is refused only when
	// none of its phases starts within the horizon: amended-2023 (2023-01)
	// to 2022 still differs from the baseline from 2020-01.
	if code, _, stderr := runCLI(t, "run", "-q", "-n", "1", "--from", "2019-01", "--to", "2022-12", "--out", filepath.Join(dir, "to2022"), "baseline", "amended-2023"); code != 0 {
		t.Errorf("amended-2023 to 2022: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "run", "-q", "-n", "1", "--from", "2017-01", "--to", "2019-12", "--out", filepath.Join(dir, "to2019"), "baseline", "amended-2023"); code != 2 || !strings.Contains(stderr, "changes nothing before 2020-01") {
		t.Errorf("amended-2023 to 2019: exit %d, want 2 naming 2020-01\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "compare", out, "--against", "amended-2020", "--format", "csv")
	if code != 0 {
		t.Fatalf("compare: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "child,amended-2020,to_court,2025-2026,") {
		t.Errorf("compare against amended-2020 has no 2025-2026 policy period:\n%s", stdout)
	}
	if code, _, stderr := runCLI(t, "report", "-q", out); code != 0 {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	html, err := os.ReadFile(filepath.Join(out, "report", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"child: 3 parameters changed from 2020-01, 2025-01 (by it and the scenarios it extends", "child (differs from amended-2020 from 2025-01)"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report has no %q", want)
		}
	}
}
