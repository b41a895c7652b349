package main

import (
	"context"
	"fmt"
	"io"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/model"
)

const summarizeUsage = `Usage: htsim summarize [flags] OUT

Summarises the run folder OUT (the --out of htsim run): for every scenario,
year and measure, and for the whole horizon, across replicates: the mean, the
median, the 5%, 25%, 75% and 95% quantiles, and the recording rate (measure /
true new victims, computed per replicate) with its mean and 5% and 95%
quantiles. Quantile p is the smallest replicate value with at least a
fraction p of the replicates at or below it (no interpolation). Over the
horizon, counts are summed over the years and the stock is the stock at the
end. Writes OUT/summary.parquet and prints the key measures for the last year
and the horizon (or, with --format csv or json, every row).
`

type summarizeOptions struct {
	format string
}

func cmdSummarize(_ context.Context, args []string, stdout, stderr io.Writer) error {
	var o summarizeOptions
	fs := newFlags("summarize", summarizeUsage, stdout)
	fs.StringVar(&o.format, "format", "table", "output on stdout: table, csv or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch o.format {
	case "table", "csv", "json":
	default:
		return usagef("summarize: --format must be table, csv or json, got %q", o.format)
	}
	if fs.NArg() != 1 {
		return usagef("summarize: name one run folder (the --out of htsim run)")
	}
	out := fs.Arg(0)
	ss, err := summarizeOut(out)
	if err != nil {
		return err
	}
	if err := output.WriteSummary(out, ss); err != nil {
		return fmt.Errorf("writing summary.parquet: %w", err)
	}
	switch o.format {
	case "csv":
		return analysis.WriteSummaryCSV(stdout, ss)
	case "json":
		return analysis.WriteSummaryJSON(stdout, ss)
	}
	return analysis.WriteSummaryTable(stdout, ss)
}

// summarizeOut reads the yearly tables of a run folder and summarises every
// scenario (in name order), year and measure.
func summarizeOut(out string) ([]analysis.Summary, error) {
	m, err := output.ReadManifest(out)
	if err != nil {
		return nil, usageError{err}
	}
	if sm, err := readSweepManifest(out); err == nil {
		return nil, usagef("summarize: %s holds sweep %s (a %s design); summarize takes the folder of htsim run (for a Saltelli sweep, see htsim sensitivity)", out, sm.Sweep, sm.Design)
	}
	names, err := output.YearlyScenarios(out)
	if err != nil || len(names) == 0 {
		return nil, usagef("summarize: %s has no yearly tables", out)
	}
	from, err1 := model.ParseMonth(m.From)
	to, err2 := model.ParseMonth(m.To)
	if err1 != nil || err2 != nil {
		return nil, usagef("summarize: %s: manifest horizon %q to %q is not valid", out, m.From, m.To)
	}
	periods := analysis.SummaryPeriods(from.Year(), to.Year())
	var all []analysis.Summary
	for _, name := range names {
		t := analysis.Totals{}
		err := output.EachYearlyRow(out, name, func(r *output.YearlyRow) error {
			c := r.Counts()
			t.Add(int(r.Replicate), int(r.Year), &c)
			return nil
		})
		if err != nil {
			return nil, err
		}
		ss, err := analysis.Summarize(name, t, periods)
		if err != nil {
			return nil, usageError{err}
		}
		all = append(all, ss...)
	}
	return all, nil
}
