//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
)

// holdScratchLock locks a new file in dir for the life of the process (or
// until the returned file is closed). The file is locked under a temporary
// name and then renamed, so that no other process sees it unlocked.
func holdScratchLock(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, ".lock-*")
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, scratchLockName)); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// removeIfAbandoned removes a scratch folder if its lock file exists and no
// process holds it.
func removeIfAbandoned(dir string) {
	f, err := os.Open(filepath.Join(dir, scratchLockName))
	if err != nil {
		return
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return // held: its process is alive
	}
	os.RemoveAll(dir)
}
