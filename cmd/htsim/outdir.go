package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// errDirGone: a folder was removed or replaced while this process waited to
// lock it.
var errDirGone = errors.New("the folder was removed or replaced while waiting for it")

// errNoLock: the filesystem cannot lock (some network filesystems).
var errNoLock = errors.New("the filesystem cannot lock")

// makeOut makes the folder dir and its missing parents; undo removes the
// folders it made, deepest first, each only if empty, so that a command that
// fails leaves no empty folders behind.
func makeOut(dir string) (undo func(), err error) {
	var made []string
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		made = append(made, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return func() {}, err
	}
	return func() {
		for _, p := range made {
			if os.Remove(p) != nil {
				return
			}
		}
	}, nil
}

// outFolderError reports that command what could not make or open the
// output folder out. A path the user can fix by choosing another folder (a
// parent that is a file, a folder they may not write, a read-only
// filesystem, a name too long) is an input error, exit 2; anything else (a
// full disk, an I/O error) is a failure of the machine, exit 1.
func outFolderError(what, out string, err error) error {
	for _, e := range []error{fs.ErrPermission, fs.ErrExist, syscall.ENOTDIR, syscall.EROFS, syscall.ENAMETOOLONG, syscall.ELOOP} {
		if errors.Is(err, e) {
			return usageError{fmt.Errorf("%s: --out %s: %w", what, out, err)}
		}
	}
	return fmt.Errorf("%s: --out %s: %w", what, out, err)
}

// canWrite checks that a file can be created in the folder dir (and
// removes it): a folder a user may not write, or on a read-only filesystem,
// is then refused before a command computes anything.
func canWrite(dir string) error {
	f, err := os.CreateTemp(dir, ".htsim-probe-*")
	if err != nil {
		return fmt.Errorf("cannot write in it: %w", err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// errOutBusy is the refusal of command what into a folder another htsim
// command holds locked.
func errOutBusy(what, out string) error {
	return usagef("%s: --out %s is being written by another htsim command now; wait for it to finish or choose another folder", what, out)
}

// claimOut makes the output folder out if needed and locks it for this
// command (what), so that a second command writing there at the same time is
// refused instead of mixing or replacing its files. release unlocks it; with
// failed it first removes the folders this command made, if left empty.
func claimOut(out, what string) (release func(failed bool), err error) {
	if info, err := os.Stat(out); err == nil && !info.IsDir() {
		return nil, usagef("%s: --out %s exists and is not a folder", what, out)
	}
	undo, err := makeOut(out)
	if err != nil {
		return nil, outFolderError(what, out, err)
	}
	unlock, busy, err := lockDir(out, false, false)
	switch {
	case errors.Is(err, errDirGone):
		busy, err = true, nil // another command's cleanup removed it just now
	case errors.Is(err, errNoLock):
		err = nil // go on without the lock
	}
	if busy {
		// (Not removed: its owner may have just made it.)
		return nil, errOutBusy(what, out)
	}
	if err == nil {
		if err = canWrite(out); err != nil {
			undo() // under the lock, as release does
			unlock()
			return nil, outFolderError(what, out, err)
		}
	}
	if err != nil {
		undo()
		return nil, err
	}
	return func(failed bool) {
		if failed {
			undo() // under the lock, so that nobody finds the folder half gone
		}
		unlock()
	}, nil
}

// holdFolder locks the folder dir that command what reads and adds files to
// (summary.parquet, compare.parquet, the report, sensitivity.parquet,
// hypotheses.json) until release: a command writing there now (a run, a
// forced run replacing it, a calibration, a merge, a starting sweep) makes
// it refuse instead of leaving files derived from the run it replaces (a
// review found a forced run's folder holding the earlier run's summary,
// comparison and report). A folder that does not exist, or a filesystem
// that cannot lock, is left to the command's own checks.
func holdFolder(dir, what string) (release func(), err error) {
	unlock, busy, err := lockDir(dir, false, false)
	switch {
	case busy:
		return nil, usagef("%s: %s is in use by another htsim command now (a run, calibration, merge or sweep writing it, or a summarize, compare, report or sensitivity adding to it); wait for it to finish", what, dir)
	case err != nil: // gone, unreadable or unlockable: the command's own checks say so
		return func() {}, nil
	}
	return unlock, nil
}
