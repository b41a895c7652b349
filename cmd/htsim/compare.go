package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/model"
)

const compareUsage = `Usage: htsim compare [flags] OUT

Compares every scenario in the run folder OUT with baseline (or --against NAME),
replicate r against replicate r: both use the same random streams, so the
differences are paired. For each measure, year, the whole horizon and the
years from the first in which the two scenarios' parameters differ (a
policy's own month against the scenario it extends, the earlier of two
policies' months against each other; none when they differ from the start):
the paired difference (mean, 5% and
95% quantiles across replicates), the relative change, and the change in the
recording rate (measure / true new victims). The policy period holds all of
its first year: for a policy from July, the six months before it dilute the
relative change. Writes OUT/compare.parquet and prints a table (or CSV or
JSON with every row).
`

type compareOptions struct {
	against string
	format  string
	quiet   bool
}

// check checks the options of command cmd.
func (o *compareOptions) check(cmd string) error {
	switch o.format {
	case "table", "csv", "json":
		return nil
	}
	return usagef("%s: --format must be table, csv or json, got %q", cmd, o.format)
}

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o compareOptions
	fs := newFlags("compare", compareUsage, stdout)
	fs.StringVar(&o.against, "against", "baseline", "scenario every other scenario is compared with")
	fs.StringVar(&o.format, "format", "table", "output on stdout: table, csv or json")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing: write compare.parquet only")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := o.check("compare"); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("compare: name one run folder (the --out of htsim run)")
	}
	if sm, err := readSweepManifest(fs.Arg(0)); err == nil {
		return usagef("compare: %s holds sweep %s (a %s design); compare takes the folder of htsim run with several scenarios", fs.Arg(0), sm.Sweep, sm.Design)
	}
	if o.quiet {
		stdout = io.Discard
	}
	release, err := holdFolder(fs.Arg(0), "compare")
	if err != nil {
		return err
	}
	defer release()
	return compareOut(ctx, fs.Arg(0), o, stdout, nil)
}

// compareOut compares the scenarios of a run folder and reports the result.
// known holds totals already in memory (from the run that wrote the folder);
// scenarios not in it are read from the yearly tables.
func compareOut(ctx context.Context, out string, o compareOptions, stdout io.Writer, known map[string]analysis.Totals) error {
	m, err := output.ReadManifest(out)
	if err != nil {
		return usageError{err}
	}
	names, err := runScenarios(out, "compare", m)
	if err != nil {
		return err
	}
	found := false
	for _, n := range names {
		found = found || n == o.against
	}
	if !found {
		return usagef("compare: %s holds no scenario %q to compare against (it holds %s); use --against", out, o.against, strings.Join(names, ", "))
	}
	if len(names) == 1 {
		return usagef("compare: %s holds only %s; run more scenarios to compare", out, o.against)
	}
	from, err1 := model.ParseMonth(m.From)
	to, err2 := model.ParseMonth(m.To)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("compare: manifest horizon %q to %q is not valid", m.From, m.To)
	}
	byName := map[string]*output.ScenarioManifest{}
	for i := range m.Scenarios {
		byName[m.Scenarios[i].Name] = &m.Scenarios[i]
	}
	// A pair's policy period runs from the first year in which their
	// parameters differ: a policy's own month against the scenario it
	// extends (not its parent's phase, for a policy on amended-2020), the
	// earlier of two policies' months against each other.
	pairYear := func(n string) int {
		a, b := byName[n], byName[o.against]
		if a == nil || b == nil {
			return 0
		}
		if d, ok := a.FirstDifference(b); ok && d != "" {
			if pm, err := model.ParseMonth(d); err == nil {
				return pm.Year()
			}
		}
		return 0 // the same, or different from the start: the horizon only
	}
	load := func(name string) (analysis.Totals, error) {
		if t, ok := known[name]; ok {
			return t, nil
		}
		return loadTotals(ctx, out, "compare", name, m, from.Year(), to.Year())
	}
	base, err := load(o.against)
	if err != nil {
		return err
	}
	var all []analysis.Comparison
	for _, n := range names {
		if n == o.against {
			continue
		}
		t, err := load(n)
		if err != nil {
			return err
		}
		cs, err := analysis.Compare(n, t, o.against, base, analysis.PeriodsFor(from, to, pairYear(n)))
		if err != nil {
			return usageError{err}
		}
		all = append(all, cs...)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := output.WriteCompare(out, all); err != nil {
		return fmt.Errorf("writing compare.parquet: %w", err)
	}
	switch o.format {
	case "csv":
		return analysis.WriteCompareCSV(stdout, all)
	case "json":
		return analysis.WriteCompareJSON(stdout, all)
	}
	// The table shows the policy period, or the horizon when there is none:
	// PeriodsFor's last period, labelled as in compare.parquet.
	return analysis.WriteCompareTable(stdout, all, func(s string) string {
		ps := analysis.PeriodsFor(from, to, pairYear(s))
		return ps[len(ps)-1].Label
	})
}
