package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"htsim/internal/output"
)

func maxProcs() int { return runtime.NumCPU() }

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
	data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m output.SweepManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m.Sweep == "" {
		return nil, fmt.Errorf("%s: manifest.json is not a sweep's", out)
	}
	return &m, nil
}
