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
func YearlyScenarios(out string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(out, "yearly"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutPrefix(e.Name(), "scenario="); ok && e.IsDir() {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// EachYearlyRow streams the yearly table of one scenario through fn, in file order.
// A file that is not valid Parquet (or not a yearly table) is an error naming it.
func EachYearlyRow(out, scenario string, fn func(*YearlyRow) error) (err error) {
	path := TablePath(out, "yearly", scenario)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if _, err := parquet.OpenFile(f, info.Size()); err != nil {
		return fmt.Errorf("%s is not a readable Parquet file: %v", path, err)
	}
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("%s is not a yearly table htsim can read: %v", path, x)
		}
	}()
	return eachRow(parquet.NewGenericReader[YearlyRow](f), path, fn)
}

// eachRow streams every row of r through fn in batches; errors name path.
func eachRow[T any](r *parquet.GenericReader[T], path string, fn func(*T) error) error {
	defer r.Close()
	buf := make([]T, 4096)
	for {
		n, err := r.Read(buf)
		for i := 0; i < n; i++ {
			if e := fn(&buf[i]); e != nil {
				return e
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
	}
}
