package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// AtomicFile is a file written under a temporary name in its final folder and
// renamed into place by Commit. Until then the final name does not exist (or
// keeps its previous content).
type AtomicFile struct {
	*os.File
	final string
	done  bool
}

// CreateAtomic creates the folder of path if needed and opens a temporary file beside path.
func CreateAtomic(path string) (*AtomicFile, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &AtomicFile{File: f, final: path}, nil
}

// Commit flushes the file to disk and renames it to its final name.
func (a *AtomicFile) Commit() error {
	if a.done {
		return fmt.Errorf("%s: already committed or aborted", a.final)
	}
	a.done = true
	if err := a.File.Chmod(0o644); err != nil {
		a.File.Close()
		os.Remove(a.File.Name())
		return err
	}
	if err := a.File.Sync(); err != nil {
		a.File.Close()
		os.Remove(a.File.Name())
		return err
	}
	if err := a.File.Close(); err != nil {
		os.Remove(a.File.Name())
		return err
	}
	if err := os.Rename(a.File.Name(), a.final); err != nil {
		os.Remove(a.File.Name())
		return err
	}
	if d, err := os.Open(filepath.Dir(a.final)); err == nil {
		d.Sync() // make the rename durable; not all filesystems support it
		d.Close()
	}
	return nil
}

// CommitNew is Commit that never replaces: if the final name exists, or
// appears while the file is written, it removes the temporary file and
// returns an error that matches fs.ErrExist. The file is published with a
// hard link, which fails if the name exists, atomically; where the
// filesystem has no hard links, the name is checked just before the rename.
func (a *AtomicFile) CommitNew() error {
	if a.done {
		return fmt.Errorf("%s: already committed or aborted", a.final)
	}
	tmp := a.File.Name()
	defer os.Remove(tmp)
	if err := a.File.Sync(); err != nil {
		a.Abort()
		return err
	}
	a.done = true
	if err := a.File.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	err := os.Link(tmp, a.final)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		if _, statErr := os.Lstat(a.final); statErr == nil {
			err = &fs.PathError{Op: "create", Path: a.final, Err: fs.ErrExist}
		} else {
			err = os.Rename(tmp, a.final)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return &fs.PathError{Op: "create", Path: a.final, Err: fs.ErrExist}
	}
	if err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(a.final)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort closes and removes the temporary file. It is safe after Commit.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.File.Close()
	os.Remove(a.File.Name())
}

// WriteFileAtomic writes data to path whole or not at all: to a temporary
// name first, renamed into place when complete.
func WriteFileAtomic(path string, data []byte) error {
	return writeAtomic(path, data, (*AtomicFile).Commit)
}

// WriteFileAtomicNew is WriteFileAtomic that keeps a file already at path,
// or one that appears there meanwhile: the error then matches fs.ErrExist.
func WriteFileAtomicNew(path string, data []byte) error {
	return writeAtomic(path, data, (*AtomicFile).CommitNew)
}

func writeAtomic(path string, data []byte, commit func(*AtomicFile) error) error {
	f, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return commit(f)
}
