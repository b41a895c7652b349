package output

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"htsim/model"
	"htsim/scenarios"
	"htsim/sim"
)

// TestDamagedFiles changes every byte of a small sensitivity table, in
// turn, and every 23rd byte of a sweep part file (about 500 copies, each
// read in about 8 ms), and reads each damaged
// copy: the readers must return a result or an InputError naming the file,
// never panic (parquet-go panics on some damaged page headers; a new-user
// audit met it as an "internal error"). A byte in the data may also leave a
// readable file with other values, which is not checked here: the Parquet
// checksums parquet-go does not verify by default are what would catch it.
func TestDamagedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rows := []SensitivityRow{
		{Scenario: "baseline", Output: "recording_rate", Period: "2020-2021", FirstYear: 2020, LastYear: 2021, Parameter: "police.skill", S1: 0.3, ST: 0.4, Level: 0.95, Resamples: 100},
		{Scenario: "baseline", Output: "recording_rate", Period: "2020-2021", FirstYear: 2020, LastYear: 2021, Parameter: "contact.awareness", S1: 0.1, ST: 0.2, Level: 0.95, Resamples: 100},
	}
	if err := WriteSensitivity(dir, rows); err != nil {
		t.Fatal(err)
	}
	sens := filepath.Join(dir, "sensitivity.parquet")
	damaged := damageEach(t, sens, 1, func(path string) error {
		_, err := ReadSensitivity(path)
		return err
	})

	damaged += damageEach(t, writeTestChunk(t, t.TempDir()), 23, func(path string) error {
		return eachSweepPartRow(path, func(point, replicate, year int, counts *[sim.NumMeasures]int64) error { return nil })
	})
	if damaged == 0 {
		t.Error("no damaged copy gave an error: the test damages nothing")
	}
}

// damageEach writes copies of the file at path with one byte changed, at
// every step-th offset, reads each with read and fails on a panic or an
// error that is not an InputError. It returns how many copies gave an error.
func damageEach(t *testing.T, path string, step int, read func(string) error) (errs int) {
	t.Helper()
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), filepath.Base(path))
	for off := 0; off < len(orig); off += step {
		data := append([]byte(nil), orig...)
		data[off] ^= 0x5a
		if err := os.WriteFile(copyPath, data, 0o644); err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if x := recover(); x != nil {
					t.Errorf("%s with byte %d changed: panic %v", filepath.Base(path), off, x)
				}
			}()
			err := read(copyPath)
			var ie *InputError
			if err != nil && !errors.As(err, &ie) {
				t.Errorf("%s with byte %d changed: %v, not an input error", filepath.Base(path), off, err)
			}
			if err != nil {
				errs++
			}
		}()

	}
	return errs
}

// TestCallerPanicNotBlamedOnFile: a panic in a row callback is the caller's
// bug, not damage to the file: it goes on as a panic (the command reports it
// as an internal error) instead of becoming "the file is damaged".
func TestCallerPanicNotBlamedOnFile(t *testing.T) {
	path := writeTestChunk(t, t.TempDir())
	defer func() {
		if x := recover(); x != "boom" {
			t.Errorf("recovered %v, want the callback's own panic", x)
		}
	}()
	err := eachSweepPartRow(path, func(point, replicate, year int, counts *[sim.NumMeasures]int64) error { panic("boom") })
	t.Errorf("no panic; error %v", err)
}

// writeTestChunk writes one sweep part file in dir (one replicate of 2020,
// one swept parameter) and returns its path.
func writeTestChunk(t *testing.T, dir string) string {
	t.Helper()
	sc, err := scenarios.Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &sim.Config{Scenario: sc, From: model.MonthOf(2020, 1), To: model.MonthOf(2020, 12), Seed: 1}
	res, err := sim.RunReplicate(cfg, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewSweepRows([]string{"police.skill"}).NewChunkWriter(dir, "baseline", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(res, 0, []float64{0.5}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return ChunkPath(dir, "baseline", 0)
}
