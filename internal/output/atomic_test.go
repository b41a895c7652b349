package output

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileAtomicNew: a new name is written; an existing one (as when
// another process wrote it meanwhile) is kept, the error matches
// fs.ErrExist, and no temporary file is left.
func TestWriteFileAtomicNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "results.json")
	if err := WriteFileAtomicNew(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomicNew(path, []byte("second"))
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("second write: %v, want an error matching fs.ErrExist", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "first" {
		t.Errorf("the file holds %q after a refused write, want \"first\"", data)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d entries in the folder, want the file alone", len(entries))
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
	if err := WriteFileAtomic(path, []byte("third")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "third" {
		t.Errorf("WriteFileAtomic did not replace the file: %q", data)
	}
}
