package scenarios

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the scenario and sweep parsers: they
// must return a value or an *Error/ErrorList, never panic. The seed corpus is
// the baseline and the bad files under testdata; `go test -fuzz FuzzParse`
// explores further.
func FuzzParse(f *testing.F) {
	if b, err := builtin.ReadFile("baseline.yaml"); err == nil {
		f.Add(b)
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "bad", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "sweeps", "bad", "*.yaml"))
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Parse("fuzz.yaml", data); err != nil {
			switch err.(type) {
			case *Error, ErrorList:
			default:
				t.Fatalf("Parse returned %T: %v", err, err)
			}
		}
		if _, err := ParseSweep("fuzz.yaml", data); err != nil {
			switch err.(type) {
			case *Error, ErrorList:
			default:
				t.Fatalf("ParseSweep returned %T: %v", err, err)
			}
		}
	})
}
