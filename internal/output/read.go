package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// ReadManifest reads OUT/manifest.json.
func ReadManifest(out string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if _, err := os.Stat(filepath.Join(out, ".htsim-partial", "run.json")); err == nil {
				return nil, fmt.Errorf("%s has no manifest.json: it holds an htsim run still running or interrupted (.htsim-partial); if none is running, finish it with the same htsim run command and --resume", out)
			}
			if _, err := os.Stat(out); errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%s does not exist (no manifest.json to read)", out)
			}
			return nil, fmt.Errorf("%s has no manifest.json: not an htsim output folder", out)
		}
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: manifest.json is not valid: %v", out, err)
	}
	return &m, nil
}

// YearlyScenarios lists the scenarios that have a yearly table under out, sorted.
func YearlyScenarios(out string) ([]string, error) { return tableScenarios(out, "yearly", false) }

// tableScenarios lists the scenario=NAME folders of a table under out, sorted;
// withPart keeps only those holding the single part file of a run.
func tableScenarios(out, table string, withPart bool) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(out, table))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), "scenario=")
		if !ok || !e.IsDir() {
			continue
		}
		if withPart {
			if _, err := os.Stat(TablePath(out, table, name)); err != nil {
				continue
			}
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// InputError is an error caused by a file that is not the htsim table it
// should be: not Parquet, or without the columns or values htsim writes. The
// command reports it as bad input (exit status 2), not as an internal failure.
type InputError struct{ msg string }

// Error returns the message, which names the file.
func (e *InputError) Error() string { return e.msg }

func inputErrorf(format string, a ...any) error { return &InputError{fmt.Sprintf(format, a...)} }

// recoverDamaged turns a panic of the Parquet reader into an InputError
// naming the file. parquet-go checks a file's structure but panics on some
// damaged pages (a byte changed inside a page header can send a slice out
// of range); such a file is bad input, not an internal failure. Deferred by
// every function that reads a Parquet file, with its named error result.
func recoverDamaged(path string, err *error) {
	if x := recover(); x != nil {
		if cp, ok := x.(callerPanic); ok {
			panic(cp.v) // the caller's own code, not the file: a bug to report
		}
		*err = inputErrorf("%s is damaged or not a table htsim wrote: the Parquet reader failed on it (%v); write it again", path, x)
	}
}

// callerPanic carries a panic of a row callback through recoverDamaged,
// which passes it on instead of blaming the file.
type callerPanic struct{ v any }

// callerCall calls fn, marking a panic in it as the caller's (callerPanic).
func callerCall(fn func() error) error {
	defer func() {
		if v := recover(); v != nil {
			panic(callerPanic{v})
		}
	}()
	return fn()
}

// openParquet opens a Parquet file; a file that is not Parquet is an error naming it.
// The caller closes f.
func openParquet(path string) (f *os.File, pf *parquet.File, err error) {
	defer func() { // after recoverDamaged: a damaged file is closed too
		if err != nil && f != nil {
			f.Close()
			f, pf = nil, nil
		}
	}()
	defer recoverDamaged(path, &err)
	if f, err = os.Open(path); err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil {
		pf, err = parquet.OpenFile(f, info.Size())
		if err != nil {
			err = inputErrorf("%s is not a readable Parquet file: %v", path, err)
		}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, pf, nil
}

// requireColumns checks that pf has every column cols names; otherwise it
// is bad input: path is not what (a yearly table of htsim run, ...).
func requireColumns(pf *parquet.File, path, what string, cols ...string) error {
	for _, col := range cols {
		if _, ok := pf.Schema().Lookup(col); !ok {
			return inputErrorf("%s has no column %s: not %s", path, col, what)
		}
	}
	return nil
}

// EachYearlyRow streams the yearly table of one scenario through fn, in file order.
// A file that is not valid Parquet (or not a yearly table) is an error naming it.
func EachYearlyRow(out, scenario string, fn func(*YearlyRow) error) (err error) {
	path := TablePath(out, "yearly", scenario)
	f, pf, err := openParquet(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// A valid Parquet file with other columns would read as rows of zeros.
	if err := requireColumns(pf, path, "a yearly table of htsim run", "scenario", "replicate", "year", "origin", "true_new_victims"); err != nil {
		return err
	}
	defer recoverDamaged(path, &err)
	return eachRow(parquet.NewGenericReader[YearlyRow](pf), path, fn)
}

// eachRow streams every row of r through fn in batches; errors name path.
func eachRow[T any](r *parquet.GenericReader[T], path string, fn func(*T) error) error {
	defer r.Close()
	buf := make([]T, 4096)
	for {
		n, err := r.Read(buf)
		for i := 0; i < n; i++ {
			if e := callerCall(func() error { return fn(&buf[i]) }); e != nil {
				return e
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// A file that opened but cannot be read through is damaged: bad input.
			return inputErrorf("%s is damaged or not a table htsim wrote: reading it failed (%v); write it again", path, err)
		}
	}
}
