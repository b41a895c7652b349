package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/sim"
)

// Report is a report ready to be written: its charts and tables, built from Inputs.
type Report struct {
	In        *Inputs
	Scenarios []string // in the order shown: the scenario compared against first
	Against   string   // the scenario compare.parquet compares against ("" without it)
	// Policy is, per scenario, the month (YYYY-MM) from which it differs
	// from Against, and PolicyNote says so ("differs from baseline"); with
	// nothing to compare against, the month its first later phase starts.
	Policy, PolicyNote map[string]string
	Charts             []*Chart
	// Chart groups, in page order (pointers into Charts).
	Trends, Funnels map[string]*Chart
	Effects, Sobol  []*Chart
	KeyResults      *Table
	Summaries       []*Table
	Compare         *Table // effect measures and the recording rate
	CompareAll      []*Table
	Hypotheses      *Table
	SobolTable      *Table
	Notes           []string
}

// Build makes the charts and tables of a report from the inputs as read.
func Build(in *Inputs) (*Report, error) {
	r := &Report{In: in, Policy: map[string]string{}, PolicyNote: map[string]string{}, Trends: map[string]*Chart{}, Funnels: map[string]*Chart{}}
	seen := map[string]bool{}
	var names []string
	for _, s := range in.Summary {
		if !seen[s.Scenario] {
			seen[s.Scenario] = true
			names = append(names, s.Scenario)
		}
	}
	if len(in.Compare) > 0 {
		r.Against = in.Compare[0].Against
	} else if seen["baseline"] {
		r.Against = "baseline"
	}
	if seen[r.Against] {
		r.Scenarios = append(r.Scenarios, r.Against)
	}
	for _, n := range names {
		if n != r.Against {
			r.Scenarios = append(r.Scenarios, n)
		}
	}
	// The first and last months recorded (YYYY-MM).
	var recorded, last string
	if in.Manifest != nil {
		recorded, last = in.Manifest.From, in.Manifest.To
		// The policy marker: the month the scenario starts to differ from the
		// one it is compared against (its own policy month against the
		// scenario it extends), or its first later phase without one.
		var against *output.ScenarioManifest
		for i, s := range in.Manifest.Scenarios {
			if s.Name == r.Against {
				against = &in.Manifest.Scenarios[i]
			}
		}
		for i, s := range in.Manifest.Scenarios {
			switch {
			case s.Name == r.Against:
			case against != nil:
				// Nothing when the two never differ, or differ from the start.
				if d, ok := in.Manifest.Scenarios[i].FirstDifference(against); ok && d != "" {
					r.Policy[s.Name], r.PolicyNote[s.Name] = d, "differs from "+r.Against
				}
			case len(s.Phases) > 1:
				// Its first change after the first month recorded, or its
				// last before (in force throughout).
				m := s.Phases[len(s.Phases)-1].From
				for _, ph := range s.Phases[1:] {
					if ph.From > recorded {
						m = ph.From
						break
					}
				}
				r.Policy[s.Name], r.PolicyNote[s.Name] = m, "changes"
			}
		}
	}
	byScen := map[string][]analysis.Summary{}
	for _, s := range in.Summary {
		byScen[s.Scenario] = append(byScen[s.Scenario], s)
	}
	for _, scen := range r.Scenarios {
		fc, err := FunnelChart(scen, byScen[scen])
		if err != nil {
			return nil, err
		}
		r.Funnels[scen] = fc
		// A horizon that covers no whole year has no yearly rows (summaries
		// leave partial years out): no trend chart, and the page says why.
		if !slices.ContainsFunc(byScen[scen], func(s analysis.Summary) bool { return s.Period.Year }) {
			r.Charts = append(r.Charts, fc)
			continue
		}
		tc, err := TrendChart(scen, byScen[scen], r.Policy[scen], r.PolicyNote[scen], recorded, last)
		if err != nil {
			return nil, err
		}
		r.Trends[scen] = tc
		r.Charts = append(r.Charts, tc, fc)
	}
	var err error
	if r.KeyResults, err = KeyResultsTable(in.Summary, r.Scenarios); err != nil {
		return nil, err
	}
	if r.Summaries, err = SummaryTables(in.Summary, r.Scenarios); err != nil {
		return nil, err
	}
	if len(in.Compare) > 0 {
		for _, m := range EffectMeasures {
			c, err := EffectChart(m.String(), in.Compare, false)
			if err != nil {
				return nil, err
			}
			r.Effects = append(r.Effects, c)
		}
		c, err := EffectChart(sim.IdentifiedOfficial.String(), in.Compare, true)
		if err != nil {
			return nil, err
		}
		r.Effects = append(r.Effects, c)
		r.Charts = append(r.Charts, r.Effects...)
		r.Compare = CompareTable(in.Compare, EffectMeasures, "compare",
			fmt.Sprintf("Each scenario against %s, replicate r against replicate r (the same random numbers), over the years from the first in which they differ: "+
				"mean of each, the paired difference with its 5%% and 95%% quantiles across replicates (the range of the middle 90%% of replicates: how the effect varies with the parameters drawn and chance, not a confidence interval of the mean), and the relative change of the means (compare.parquet has both confidence intervals). "+
				"Recording rate in %% and its difference in percentage points.", r.Against))
		order, byCmp := analysis.GroupBy(in.Compare, func(c output.CompareRow) string { return c.Scenario })
		for _, scen := range order {
			t := CompareTable(byCmp[scen], analysis.KeyMeasures, "compare-"+scen,
				fmt.Sprintf("%s against %s: every key measure over the years from the first in which they differ.", scen, r.Against))
			r.CompareAll = append(r.CompareAll, t)
		}
	} else {
		r.Notes = append(r.Notes, "No compare.parquet: the folder holds no scenario to compare with baseline.")
	}
	if in.Hypotheses != nil {
		r.Hypotheses = HypothesesTable(in.Hypotheses)
	}
	if len(in.Sensitivity) > 0 {
		type key struct{ scen, out, period string }
		groups := map[key][]output.SensitivityRow{}
		var keys []key
		for _, row := range in.Sensitivity {
			k := key{row.Scenario, row.Output, row.Period}
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], row)
		}
		for _, k := range keys {
			c, err := SobolChart(groups[k])
			if err != nil {
				return nil, err
			}
			r.Sobol = append(r.Sobol, c)
		}
		r.Charts = append(r.Charts, r.Sobol...)
		r.SobolTable = SobolTable(in.Sensitivity)
	}
	ids := map[string]bool{}
	for _, c := range r.Charts {
		if ids[c.ID] {
			return nil, fmt.Errorf("two charts are named %s", c.ID)
		}
		ids[c.ID] = true
	}
	return r, nil
}

// DataTables returns the report's data tables in page order.
func (r *Report) DataTables() []*Table {
	var ts []*Table
	add := func(t *Table) {
		if t != nil {
			ts = append(ts, t)
		}
	}
	add(r.KeyResults)
	add(r.Compare)
	add(r.Hypotheses)
	add(r.SobolTable)
	ts = append(ts, r.CompareAll...)
	ts = append(ts, r.Summaries...)
	return ts
}

// rendered is a chart drawn in both formats.
type rendered struct {
	svg, png []byte
}

// render draws every chart, in parallel.
func (r *Report) render() (map[string]rendered, error) {
	out := make(map[string]rendered, len(r.Charts))
	var mu sync.Mutex
	var firstErr error
	jobs := make(chan *Chart)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				svg, err := c.SVG()
				var png []byte
				if err == nil {
					png, err = c.PNG()
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out[c.ID] = rendered{svg, png}
				mu.Unlock()
			}
		}()
	}
	for _, c := range r.Charts {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	return out, firstErr
}

// IndexName is the report page's file name.
const IndexName = "index.html"

// Foreign lists what the folder dir holds that htsim report does not write
// (anything but index.html, NAME.svg and NAME.png files), or dir itself when
// it is not a folder. A missing dir holds nothing.
func Foreign(dir string) ([]string, error) {
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{dir}, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var foreign []string
	for _, e := range entries {
		if !Owned(e.Name(), e.Type()) {
			foreign = append(foreign, filepath.Join(dir, e.Name()))
		}
	}
	return foreign, nil
}

// Owned reports whether a folder entry of this name and type is one htsim
// report writes: index.html, or a chart as NAME.svg or NAME.png.
func Owned(name string, typ fs.FileMode) bool {
	if !typ.IsRegular() {
		return false
	}
	return name == IndexName || strings.HasSuffix(name, ".svg") || strings.HasSuffix(name, ".png")
}

// ErrForeign is returned by Write when the report folder holds files htsim
// report did not write, and force is false.
var ErrForeign = errors.New("the report folder holds files htsim report did not write")

// Write writes the report into the folder dir (OUT/report): index.html and
// every chart as NAME.svg and NAME.png. The folder is built under a
// temporary name beside it and replaces any earlier report only when
// complete. A dir holding anything else (see Foreign) is replaced only when
// force is true; otherwise Write fails with ErrForeign and changes nothing.
func (r *Report) Write(dir string, force bool) error {
	charts, err := r.render()
	if err != nil {
		return err
	}
	page, err := r.HTML(charts)
	if err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-*")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	write := func(name string, data []byte) error {
		return os.WriteFile(filepath.Join(tmp, name), data, 0o644)
	}
	names := make([]string, 0, len(charts))
	for id := range charts {
		names = append(names, id)
	}
	sort.Strings(names)
	for _, id := range names {
		if err := write(id+".svg", charts[id].svg); err != nil {
			return err
		}
		if err := write(id+".png", charts[id].png); err != nil {
			return err
		}
	}
	if err := write(IndexName, page); err != nil {
		return err
	}
	if !force {
		foreign, err := Foreign(dir)
		if err != nil {
			return err
		}
		if len(foreign) > 0 {
			return fmt.Errorf("%w: %s", ErrForeign, strings.Join(foreign, ", "))
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	ok = true
	return nil
}

// shellQuote quotes an argument for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// commandLine renders a recorded command line (starting with "htsim") as
// one to type: bin/htsim and quoted arguments.
func commandLine(args []string) string {
	if len(args) == 0 {
		return ""
	}
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	if args[0] == "htsim" {
		q[0] = "bin/htsim"
	}
	return strings.Join(q, " ")
}
