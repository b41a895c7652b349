package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/model"
)

const summarizeUsage = `Usage: htsim summarize [flags] OUT

Summarises the run folder OUT (the --out of htsim run): for every scenario,
year and measure (years simulated whole: a horizon that begins or ends inside
a year gives that year no row), and for the whole horizon, across replicates: the mean, the
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
	quiet  bool
}

func cmdSummarize(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o summarizeOptions
	fs := newFlags("summarize", summarizeUsage, stdout)
	fs.StringVar(&o.format, "format", "table", "output on stdout: table, csv or json")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing: write summary.parquet only")
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
	release, err := holdFolder(out, "summarize")
	if err != nil {
		return err
	}
	defer release()
	ss, err := summarizeOut(ctx, out)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := output.WriteSummary(out, ss); err != nil {
		return fmt.Errorf("writing summary.parquet: %w", err)
	}
	if o.quiet {
		return nil
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
func summarizeOut(ctx context.Context, out string) ([]analysis.Summary, error) {
	m, err := output.ReadManifest(out)
	if err != nil {
		return nil, usageError{err}
	}
	if sm, err := readSweepManifest(out); err == nil {
		return nil, usagef("summarize: %s holds sweep %s (a %s design); summarize takes the folder of htsim run (for a Saltelli sweep, see htsim sensitivity)", out, sm.Sweep, sm.Design)
	}
	names, err := runScenarios(out, "summarize", m)
	if err != nil {
		return nil, err
	}
	from, err1 := model.ParseMonth(m.From)
	to, err2 := model.ParseMonth(m.To)
	if err1 != nil || err2 != nil {
		return nil, usagef("summarize: %s: manifest horizon %q to %q is not valid", out, m.From, m.To)
	}
	periods := analysis.SummaryPeriods(from, to)
	var all []analysis.Summary
	for _, name := range names {
		t, err := loadTotals(ctx, out, "summarize", name, m, from.Year(), to.Year())
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

// runScenarios lists the scenarios of a run folder's yearly tables and checks
// them against its manifest: a scenario the manifest records but the folder
// lacks, or a table the manifest does not record (copied in from another
// run), is refused, since the figures would silently mix runs or leave one
// out. loadTotals checks each table's contents.
func runScenarios(out, cmd string, m *output.Manifest) ([]string, error) {
	names, err := output.YearlyScenarios(out)
	if err != nil || len(names) == 0 {
		return nil, usagef("%s: %s has no yearly tables", cmd, out)
	}
	recorded := map[string]bool{}
	for _, s := range m.Scenarios {
		recorded[s.Name] = true
	}
	for _, n := range names {
		if !recorded[n] {
			return nil, usagef("%s: %s holds yearly/scenario=%s, which its manifest.json does not record (copied from another run?); remove it, or rerun", cmd, out, n)
		}
		delete(recorded, n)
	}
	for _, s := range m.Scenarios {
		if recorded[s.Name] {
			return nil, usagef("%s: %s lacks yearly/scenario=%s, which its manifest.json records; the run folder is incomplete", cmd, out, s.Name)
		}
	}
	return names, nil
}

// loadTotals reads a scenario's yearly table into totals, checking that it
// has the SHA-256 the manifest records (runs since session 7), and holds the
// manifest's replicates and only the years of its horizon.
func loadTotals(ctx context.Context, out, cmd, name string, m *output.Manifest, first, last int) (analysis.Totals, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if want, ok := m.YearlySHA256[name]; ok || m.YearlySHA256 != nil {
		got, err := fileHash(output.TablePath(out, "yearly", name))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("%s: %s lacks %s, which its manifest.json records; the run folder is incomplete", cmd, out, output.TablePath("", "yearly", name))
		}
		if err != nil {
			return nil, err
		}
		if got != want {
			return nil, usagef("%s: %s: yearly/scenario=%s does not have the SHA-256 its manifest.json records (changed, or copied from another run); rerun it, or check it with htsim reproduce", cmd, out, name)
		}
	}
	t := analysis.Totals{}
	err := output.EachYearlyRow(out, name, func(r *output.YearlyRow) error {
		if int(r.Replicate) < 0 || int(r.Replicate) >= m.Replicates || int(r.Year) < first || int(r.Year) > last {
			return usagef("%s: %s: yearly/scenario=%s holds replicate %d of year %d, outside the %d replicates of %d-%d its manifest.json records (another run's table?)",
				cmd, out, name, r.Replicate, r.Year, m.Replicates, first, last)
		}
		c := r.Counts()
		t.Add(int(r.Replicate), int(r.Year), &c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(t) != m.Replicates {
		return nil, usagef("%s: %s: yearly/scenario=%s holds %d replicates, its manifest.json records %d (another run's table?)", cmd, out, name, len(t), m.Replicates)
	}
	return t, nil
}
