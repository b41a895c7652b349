package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"htsim/internal/output"
	"htsim/internal/report"
)

const reportUsage = `Usage: htsim report [flags] OUT

Writes OUT/report/index.html, one self-contained page (inline SVG and CSS,
nothing fetched from the network) about the run folder OUT, and every chart
as OUT/report/NAME.svg and NAME.png:
  - per scenario, true new victims and victims identified by year, with the
    5% to 95% range across replicates, and the attrition funnel from the true
    number to convictions over the horizon
  - the effect of each scenario against baseline (paired difference, 90% interval)
  - Sobol indices, when a sensitivity.parquet is given (--sensitivity)
  - the summary, comparison, hypotheses and Sobol tables, the manifest, and
    how to reproduce it all.
Every number is read from OUT's files: summary.parquet (computed first, as
htsim summarize does, when missing), compare.parquet (computed when missing
and OUT holds baseline and other scenarios), hypotheses.json (htsim
hypotheses --out OUT) and sensitivity.parquet, when present.
An earlier report is replaced; a report folder that holds anything else (your
notes, a subfolder) is replaced only with --force.
`

type reportOptions struct {
	sensitivity string
	quiet       bool
	force       bool
}

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o reportOptions
	fs := newFlags("report", reportUsage, stdout)
	fs.StringVar(&o.sensitivity, "sensitivity", "", "a sweep folder (or its sensitivity.parquet) whose Sobol indices to show (default: OUT/sensitivity.parquet if present)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing on success")
	fs.BoolVarP(&o.force, "force", "f", false, "replace OUT/report even if it holds files htsim report did not write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("report: name one run folder (the --out of htsim run)")
	}
	out := fs.Arg(0)
	if info, err := os.Stat(out); errors.Is(err, os.ErrNotExist) {
		return usagef("report: %s does not exist; name the folder of htsim run (its --out)", out)
	} else if err != nil || !info.IsDir() {
		return usagef("report: %s is not a folder; name the folder of htsim run (its --out)", out)
	}
	release, err := holdFolder(out, "report")
	if err != nil {
		return err
	}
	defer release()
	dir := filepath.Join(out, "report")
	if !o.force {
		if err := reportFolderOwned(dir); err != nil {
			return err
		}
	}
	if _, err := output.ReadManifest(out); err != nil {
		return usageError{fmt.Errorf("report: %v", err)}
	}
	if sm, err := readSweepManifest(out); err == nil {
		if sm.Design != "saltelli" {
			return usagef("report: %s holds sweep %s (a %s design); the report takes the folder of htsim run, and only a saltelli sweep's Sobol indices (--sensitivity)", out, sm.Sweep, sm.Design)
		}
		return usagef("report: %s holds sweep %s; the report takes the folder of htsim run, and a sweep's Sobol indices with --sensitivity %s", out, sm.Sweep, out)
	}
	if o.sensitivity != "" {
		if _, err := os.Stat(o.sensitivity); err != nil {
			return usagef("report: --sensitivity %s does not exist or cannot be read; give a Saltelli sweep folder or its sensitivity.parquet", o.sensitivity)
		}
	}
	if err := ensureSummary(ctx, out); err != nil {
		return err
	}
	if err := ensureCompare(ctx, out); err != nil {
		return err
	}
	in, err := report.Load(out, report.Options{Sensitivity: o.sensitivity})
	if err != nil {
		return err
	}
	rep, err := report.Build(in)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := rep.Write(dir, o.force); err != nil {
		if errors.Is(err, report.ErrForeign) { // appeared while the report was built
			if err := reportFolderOwned(dir); err != nil {
				return err
			}
		}
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	if !o.quiet {
		fmt.Fprintf(stdout, "wrote %s (%d charts)\n", filepath.Join(dir, report.IndexName), len(rep.Charts))
	}
	return nil
}

// reportFolderOwned refuses a report folder that holds files htsim report did
// not write: replacing it would delete them.
func reportFolderOwned(dir string) error {
	foreign, err := report.Foreign(dir)
	if err != nil {
		return fmt.Errorf("report: reading %s: %w", dir, err)
	}
	if len(foreign) == 0 {
		return nil
	}
	more := ""
	if len(foreign) > 3 {
		more = fmt.Sprintf(" and %d more", len(foreign)-3)
		foreign = foreign[:3]
	}
	return usagef("report: %s holds what htsim report did not write (%s%s), which replacing it would delete; move it away, or add --force", dir, strings.Join(foreign, ", "), more)
}

// ensureSummary writes OUT/summary.parquet, as htsim summarize does, when it is missing.
func ensureSummary(ctx context.Context, out string) error {
	if _, err := os.Stat(output.SummaryPath(out)); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	ss, err := summarizeOut(ctx, out)
	if err != nil {
		return err
	}
	if err := output.WriteSummary(out, ss); err != nil {
		return fmt.Errorf("writing summary.parquet: %w", err)
	}
	return nil
}

// ensureCompare writes OUT/compare.parquet, as htsim compare does, when it is
// missing and OUT holds baseline and other scenarios.
func ensureCompare(ctx context.Context, out string) error {
	if _, err := os.Stat(report.ComparePath(out)); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	names, err := output.YearlyScenarios(out)
	if err != nil || len(names) < 2 || !slices.Contains(names, "baseline") {
		return nil
	}
	return compareOut(ctx, out, compareOptions{against: "baseline", format: "table"}, io.Discard, nil)
}
