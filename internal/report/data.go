// Package report builds htsim's report of a run folder: charts (gonum/plot,
// SVG and PNG) and one self-contained HTML page with the charts, the summary,
// comparison, hypotheses and sensitivity tables, the manifest and how to
// reproduce it all.
//
// Every number in a chart or a table comes from the values read from the
// folder's files (summary.parquet, compare.parquet, sensitivity.parquet,
// hypotheses.json, manifest.json): each chart and table is built from the
// rows as read, and nothing is recomputed from the yearly tables.
package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"htsim/analysis"
	"htsim/internal/output"
)

// Inputs are the files a report is built from, as read.
type Inputs struct {
	Out      string           // the run folder
	Manifest *output.Manifest // OUT/manifest.json
	// Summary is OUT/summary.parquet (required), in file order.
	Summary []analysis.Summary
	// Compare is OUT/compare.parquet, nil when absent.
	Compare []output.CompareRow
	// Hypotheses is OUT/hypotheses.json, nil when absent.
	Hypotheses *HypothesesFile
	// Sensitivity is the sensitivity.parquet of a Saltelli sweep, nil when absent.
	Sensitivity     []output.SensitivityRow
	SensitivityPath string
}

// Options says where the optional inputs are.
type Options struct {
	// Sensitivity is a sensitivity.parquet file or the sweep folder holding
	// one; empty means OUT/sensitivity.parquet when it exists.
	Sensitivity string
}

// ComparePath is the path of a run's comparison table.
func ComparePath(out string) string { return filepath.Join(out, "compare.parquet") }

// Load reads the files of run folder out. summary.parquet and manifest.json
// must exist; compare.parquet, hypotheses.json and sensitivity.parquet are
// read when present.
func Load(out string, o Options) (*Inputs, error) {
	in := &Inputs{Out: out}
	var err error
	if in.Manifest, err = output.ReadManifest(out); err != nil {
		return nil, err
	}
	if in.Summary, err = output.ReadSummary(output.SummaryPath(out)); err != nil {
		return nil, err
	}
	if len(in.Summary) == 0 {
		return nil, fmt.Errorf("%s has no rows", output.SummaryPath(out))
	}
	if _, err := os.Stat(ComparePath(out)); err == nil {
		if in.Compare, err = output.ReadCompare(ComparePath(out)); err != nil {
			return nil, err
		}
	}
	hp := filepath.Join(out, HypothesesName)
	if _, err := os.Stat(hp); err == nil {
		if in.Hypotheses, err = ReadHypotheses(hp); err != nil {
			return nil, err
		}
	}
	sp := o.Sensitivity
	if sp == "" {
		sp = filepath.Join(out, "sensitivity.parquet")
		if _, err := os.Stat(sp); errors.Is(err, os.ErrNotExist) {
			sp = ""
		}
	} else if info, err := os.Stat(sp); err != nil {
		return nil, err
	} else if info.IsDir() {
		sp = filepath.Join(sp, "sensitivity.parquet")
	}
	if sp != "" {
		if in.Sensitivity, err = output.ReadSensitivity(sp); err != nil {
			return nil, err
		}
		in.SensitivityPath = sp
	}
	return in, nil
}
