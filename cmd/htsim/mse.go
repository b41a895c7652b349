package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/model"
)

const mseUsage = `Usage: htsim mse --counts FILE.csv [flags]
       htsim mse OUT --lists police,ngo,hotline [flags]

Multiple systems estimation: estimates how many victims no list records from
how the lists overlap, with Poisson log-linear models on 2 to 8 lists (a run
folder has 7: police, art128, ngo, hotline, iom, shelter, court).

With --counts, reads a table of capture patterns: a header of list names and a
final count column, then one row per observed pattern with 0/1 cells:
  police,ngo,hotline,count
  1,0,0,120
  0,1,0,85
  0,0,1,30
  1,1,0,9
  1,0,1,6
  0,1,1,4
  1,1,1,2
Patterns absent from the file count 0; the all-zero pattern cannot be observed.

With OUT, the --out folder of 'htsim run --victims', builds the table from the
victims table of each scenario, replicate and year of the spell's start, and
prints the estimate beside the true number of victims whose spell began that
year, so you see the estimator's error. Lists: police, art128, ngo, hotline,
iom, shelter, court.

The model is chosen stepwise from main effects by --criterion, unless --model
names one: main (independent lists) or main+A:B,C:D (two-way interactions).
Interactions the data cannot identify are refused (lists sharing no case, a
rank-deficient design, or no maximum likelihood estimate). The 95% interval is
the multinomial profile likelihood interval (Cormack 1992).
`

type mseOptions struct {
	counts    string
	lists     string
	year      int
	replicate int
	model     string
	criterion string
	json      bool
}

func cmdMSE(_ context.Context, args []string, stdout, stderr io.Writer) error {
	var o mseOptions
	fs := newFlags("mse", mseUsage, stdout)
	fs.StringVar(&o.counts, "counts", "", "CSV of capture-pattern counts (instead of OUT)")
	fs.StringVar(&o.lists, "lists", "", "with OUT: comma-separated lists to use (2 to 7 of police, art128, ngo, hotline, iom, shelter, court)")
	fs.IntVar(&o.year, "year", 0, "with OUT: only this year of spell start (default: every year of the horizon)")
	fs.IntVar(&o.replicate, "replicate", -1, "with OUT: only this replicate (-1: every replicate)")
	fs.StringVar(&o.model, "model", "stepwise", "stepwise, main, or main+A:B,C:D")
	fs.StringVar(&o.criterion, "criterion", "aic", "stepwise selection criterion: aic or bic")
	format := fs.String("format", "table", "output on stdout: table or json")
	fs.BoolVar(&o.json, "json", false, "same as --format json")
	fs.MarkHidden("json") // kept for earlier scripts; --format as in every other command
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.json && fs.Changed("format") && *format != "json" {
		return usagef("mse: --json and --format %s disagree; give --format alone", *format)
	}
	switch *format {
	case "table":
	case "json":
		o.json = true
	case "csv":
		return usagef("mse: --format must be table or json: an estimate holds nested coefficients and capture patterns, which CSV cannot (flatten the JSON, for example with pandas.json_normalize)")
	default:
		return usagef("mse: --format must be table or json, got %q", *format)
	}
	crit, err := analysis.ParseMSECriterion(o.criterion)
	if err != nil {
		return usagef("mse: --%v", err)
	}
	switch {
	case o.counts != "" && fs.NArg() > 0:
		return usagef("mse: give either --counts FILE or a run folder OUT, not both")
	case o.counts != "":
		if o.lists != "" || fs.Changed("year") || fs.Changed("replicate") {
			return usagef("mse: --lists, --year and --replicate go with a run folder OUT, not --counts (the CSV header names the lists)")
		}
		return mseCounts(o, crit, stdout)
	case fs.NArg() == 1:
		return mseRun(fs.Arg(0), o, crit, stdout)
	case fs.NArg() > 1:
		return usagef("mse: name one run folder, got %d arguments", fs.NArg())
	}
	return usagef("mse: give --counts FILE.csv, or a run folder OUT with --lists (see htsim mse --help)")
}

// estimate fits the table with the model option: stepwise or a named model.
func (o mseOptions) estimate(t *analysis.MSETable, crit analysis.MSECriterion) (*analysis.MSEResult, error) {
	if o.model == "stepwise" || o.model == "" {
		return analysis.SelectMSE(t, crit)
	}
	m, err := analysis.ParseMSEModel(t.Lists, o.model)
	if err != nil {
		return nil, usagef("mse: --model: %v", err)
	}
	return analysis.FitMSE(t, m)
}

func mseCounts(o mseOptions, crit analysis.MSECriterion, stdout io.Writer) error {
	f, err := os.Open(o.counts)
	if err != nil {
		return usagef("mse: %v", err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return usagef("mse: --counts %s is a folder; give a CSV file (or pass the run folder without --counts)", o.counts)
	} else if err == nil && info.Size() > 1<<20 {
		return usagef("mse: --counts %s is %d bytes; a table of at most 255 patterns is far smaller (is it the right file?)", o.counts, info.Size())
	}
	t, err := analysis.ReadMSECSV(f, o.counts)
	if err != nil {
		return usagef("mse: %v", err)
	}
	r, err := o.estimate(t, crit)
	var me *analysis.MSEError
	switch {
	case errors.As(err, &me):
		return usagef("mse: %s: %v", o.counts, err)
	case err != nil:
		return err
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r.Record())
	}
	return analysis.WriteMSEText(stdout, r)
}

// mseRow is one scenario, replicate and year of a run: the truth and the estimate.
type mseRow struct {
	Scenario  string `json:"scenario"`
	Replicate int    `json:"replicate"`
	Year      int    `json:"year"`
	True      int64  `json:"true"`
	// Patterns holds the contingency table: the count of each observed pattern.
	Patterns map[string]int64 `json:"patterns"`
	Error    string           `json:"error,omitempty"`     // why there is no estimate
	RelError *float64         `json:"rel_error,omitempty"` // (estimate - true) / true
	Covered  bool             `json:"covered"`             // the interval holds the true number
	*analysis.MSERecord
}

func mseRun(out string, o mseOptions, crit analysis.MSECriterion, stdout io.Writer) error {
	if o.lists == "" {
		return usagef("mse: with a run folder, name the lists: --lists police,ngo,hotline (2 to 7 of %s)", strings.Join(model.ListNames[:], ", "))
	}
	names := strings.Split(o.lists, ",")
	var bits []model.List
	for i, n := range names {
		n = strings.TrimSpace(n)
		names[i] = n
		found := false
		for j, ln := range model.ListNames {
			if ln == n {
				bits = append(bits, model.List(1)<<j)
				found = true
			}
		}
		if !found {
			return usagef("mse: --lists: %q is not a list; the lists are %s", n, strings.Join(model.ListNames[:], ", "))
		}
	}
	if _, err := analysis.NewMSETable(names); err != nil {
		return usagef("mse: --lists: %v", err)
	}
	if o.model != "stepwise" && o.model != "" {
		if _, err := analysis.ParseMSEModel(names, o.model); err != nil {
			return usagef("mse: --model: %v", err)
		}
	}
	m, err := output.ReadManifest(out)
	if err != nil {
		return usageError{err}
	}
	from, err1 := model.ParseMonth(m.From)
	to, err2 := model.ParseMonth(m.To)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("mse: manifest horizon %q to %q is not valid", m.From, m.To)
	}
	if o.year != 0 && (o.year < from.Year() || o.year > to.Year()) {
		return usagef("mse: --year %d is outside the run's horizon %d-%d", o.year, from.Year(), to.Year())
	}
	if o.replicate < -1 {
		return usagef("mse: --replicate must be a replicate number (0 or more)")
	}
	scens, err := output.VictimScenarios(out)
	if err != nil || len(scens) == 0 {
		return usagef("mse: %s has no victims table; run htsim run with --victims", out)
	}
	var rows []mseRow
	for _, sc := range scens {
		type key struct{ rep, year int }
		truth := map[key]int64{}
		tables := map[key]*analysis.MSETable{}
		err := output.EachVictimLists(out, sc, func(v *output.VictimListsRow) error {
			k := key{int(v.Replicate), v.StartYear()}
			if st := v.Start(); st < from || st > to || (o.year != 0 && k.year != o.year) || (o.replicate >= 0 && k.rep != o.replicate) {
				// Spells begun before the horizon (a horizon from July holds
				// only the spells of July to December in its first year, as
				// true_new_victims does), or not asked for.
				return nil
			}
			truth[k]++
			t := tables[k]
			if t == nil {
				t, _ = analysis.NewMSETable(names)
				tables[k] = t
			}
			lists := v.Lists()
			p := 0
			for i, b := range bits {
				if lists&b != 0 {
					p |= 1 << i
				}
			}
			if p != 0 { // only spells on a chosen list are observed
				t.Add(p, 1)
			}
			return nil
		})
		if err != nil {
			return usagef("mse: %v", err)
		}
		var keys []key
		for k := range truth {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, b int) bool {
			if keys[a].rep != keys[b].rep {
				return keys[a].rep < keys[b].rep
			}
			return keys[a].year < keys[b].year
		})
		for _, k := range keys {
			row := mseRow{Scenario: sc, Replicate: k.rep, Year: k.year, True: truth[k], Patterns: map[string]int64{}}
			for p, n := range tables[k].Counts {
				if p > 0 && n > 0 {
					row.Patterns[tables[k].PatternName(p)] = n
				}
			}
			r, err := o.estimate(tables[k], crit)
			var me *analysis.MSEError
			switch {
			case errors.As(err, &me):
				row.Error = err.Error()
			case err != nil:
				return err
			default:
				rec := r.Record()
				row.MSERecord = &rec
				rel := (r.Estimate - float64(row.True)) / float64(row.True)
				row.RelError = &rel
				row.Covered = r.Lower <= float64(row.True) && float64(row.True) <= r.Upper
			}
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		what := "in the run's horizon"
		if o.year != 0 {
			what = fmt.Sprintf("in %d", o.year)
		}
		if o.replicate >= 0 {
			what += fmt.Sprintf(" for replicate %d", o.replicate)
		}
		return usagef("mse: %s has no victim spell starting %s", out, what)
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rows)
	}
	return writeMSERows(stdout, rows, names, o, crit)
}

func writeMSERows(w io.Writer, rows []mseRow, lists []string, o mseOptions, crit analysis.MSECriterion) error {
	how := "model " + o.model
	if o.model == "stepwise" || o.model == "" {
		how = "stepwise by " + strings.ToUpper(crit.String())
	}
	fmt.Fprintf(w, "multiple systems estimation on lists %s (%s); true = spells that began in the year\n\n", strings.Join(lists, ", "), how)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "scenario\treplicate\tyear\ttrue\tobserved\testimate\t95%% interval\terror\tcovers\tmodel\t\n")
	type sum struct {
		n, covered, failed int
		relErr             float64
	}
	sums := map[string]*sum{}
	var order, notes []string
	for _, r := range rows {
		s := sums[r.Scenario]
		if s == nil {
			s = &sum{}
			sums[r.Scenario] = s
			order = append(order, r.Scenario)
		}
		if r.MSERecord == nil {
			s.failed++
			var observed int64
			for _, n := range r.Patterns {
				observed += n
			}
			notes = append(notes, fmt.Sprintf("[%d] %s replicate %d, %d: %s", len(notes)+1, r.Scenario, r.Replicate, r.Year, r.Error))
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\tn/a\t\t\t\trefused [%d]\t\n", r.Scenario, r.Replicate, r.Year, r.True, observed, len(notes))
			continue
		}
		s.n++
		s.relErr += *r.RelError
		covers := "no"
		if r.Covered {
			covers = "yes"
			s.covered++
		}
		upper := math.Inf(1)
		if r.Upper != nil {
			upper = *r.Upper
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t[%s, %s]\t%+.1f%%\t%s\t%s\t\n", r.Scenario, r.Replicate, r.Year, r.True, r.Observed,
			analysis.MSENum(r.Estimate), analysis.MSENum(r.Lower), analysis.MSENum(upper), 100**r.RelError, covers, r.Model)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	fmt.Fprintln(w)
	for _, sc := range order {
		s := sums[sc]
		if s.n == 0 {
			fmt.Fprintf(w, "%s: no estimate (%d replicate-years refused)\n", sc, s.failed)
			continue
		}
		fmt.Fprintf(w, "%s: mean error %+.1f%% of the true number; interval covers the truth in %d of %d replicate-years", sc, 100*s.relErr/float64(s.n), s.covered, s.n)
		if s.failed > 0 {
			fmt.Fprintf(w, "; %d refused", s.failed)
		}
		fmt.Fprintln(w)
	}
	return nil
}
