package scenarios_test

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"htsim/scenarios"
)

// checkCorpusCovered checks that every file under dir (skipping folders named
// skip) is listed, once, and that every listed file exists. table names the
// case table in messages.
func checkCorpusCovered(t *testing.T, dir, skip, table string, listed []string) {
	t.Helper()
	covered := map[string]bool{}
	for _, f := range listed {
		if covered[f] {
			t.Errorf("%s is listed twice in %s", f, table)
		}
		covered[f] = true
	}
	found := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skip != "" && d.Name() == skip {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		found[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatalf("no files under %s", dir)
	}
	var problems []string
	for f := range found {
		if !covered[f] {
			problems = append(problems, fmt.Sprintf("%s has no case in %s", filepath.Join(dir, f), table))
		}
	}
	for f := range covered {
		if !found[f] {
			problems = append(problems, fmt.Sprintf("%s lists %s, which does not exist", table, filepath.Join(dir, f)))
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// checkInputError checks that err is a scenarios error (the CLI's exit 2)
// whose message names path, the line (if line > 0), the key (if any) and
// every fragment of want.
func checkInputError(t *testing.T, err error, path string, line int, key string, want []string) {
	t.Helper()
	var one *scenarios.Error
	var list scenarios.ErrorList
	if !errors.As(err, &one) && !errors.As(err, &list) {
		t.Errorf("error is a %T; want *scenarios.Error or scenarios.ErrorList (the CLI's exit code 2)", err)
	}
	msg := err.Error()
	fragments := []string{path + ":"}
	if line > 0 {
		fragments = append(fragments, fmt.Sprintf("%s:%d:", path, line))
	}
	if key != "" {
		fragments = append(fragments, key+": ")
	}
	if line > 0 && key != "" { // the line and the key together, as the CLI prints them
		fragments = append(fragments, fmt.Sprintf("%s:%d: %s: ", path, line, key))
	}
	for _, w := range append(fragments, want...) {
		if !strings.Contains(msg, w) {
			t.Errorf("message lacks %q:\n%s", w, msg)
		}
	}
}

// listedFiles returns each case's file and the further files it covers.
func listedFiles(n int, files func(i int) []string) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, files(i)...)
	}
	return out
}

// noPanic calls load(path), turning a panic into a test failure.
func noPanic[T any](t *testing.T, path string, load func(string) (T, error)) (v T, err error, panicked bool) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("loading %q panicked: %v", path, r)
			panicked = true
		}
	}()
	v, err = load(path)
	return v, err, false
}
