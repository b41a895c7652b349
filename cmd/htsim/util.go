package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/schollz/progressbar/v3"

	"htsim/internal/output"
)

func maxProcs() int { return runtime.NumCPU() }

// newProgress returns the progress bar of n replicates on w (a terminal).
// Its clock starts now: started at its first update, as the library does by
// default, it divided the first burst of results (a replicate's forked
// scenarios arrive together) by microseconds and showed thousands a second.
func newProgress(w io.Writer, n int, desc string) *progressbar.ProgressBar {
	bar := progressbar.NewOptions(n, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("replicates"),
		progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	bar.StartWithoutRender()
	return bar
}

// writeJSON writes v as indented JSON to path, atomically.
func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := output.WriteFileAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	return nil
}

// readSweepManifest reads OUT/manifest.json of a sweep.
func readSweepManifest(out string) (*output.SweepManifest, error) {
	m, err := readManifest(out)
	if err != nil {
		return nil, err
	}
	if m.Sweep == "" {
		return nil, fmt.Errorf("%s: manifest.json is not a sweep's", out)
	}
	return m, nil
}

// readManifest reads out/manifest.json, a run's or a sweep's (a run's has no
// sweep fields).
func readManifest(out string) (*output.SweepManifest, error) {
	data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m output.SweepManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m.Tool != "htsim" {
		return nil, fmt.Errorf("%s: manifest.json was not written by htsim", out)
	}
	return &m, nil
}
