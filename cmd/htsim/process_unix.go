//go:build unix

package main

import (
	"errors"
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
		// A filesystem without locks (ENOLCK on some network ones): the
		// folder goes without a lock file, which no other reproduce then
		// removes; this one removes it at its end.
		f.Close()
		os.Remove(f.Name())
		return nil, nil
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
	lock := filepath.Join(dir, scratchLockName)
	if _, err := os.Stat(lock); err != nil || lockHeld(lock) {
		return
	}
	os.RemoveAll(dir)
}

// lockFile locks the file at path (creating it) for this process, until the
// returned file is closed or the process ends; busy reports that another
// holds it. Where the filesystem cannot lock (ENOLCK on some network
// filesystems), it returns no file and no error: the lock is a safeguard,
// not a requirement.
func lockFile(path string) (f *os.File, busy bool, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, errors.Is(err, syscall.EWOULDBLOCK), nil
	}
	return f, false, nil
}

// lockHeld reports whether a process (this one through another open file
// included) holds the lock on the file at path.
func lockHeld(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close() // releases the lock if this call took it
	return errors.Is(syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB), syscall.EWOULDBLOCK)
}

// lockDir takes a lock on the folder dir itself (no file is made in it):
// shared or exclusive, until unlock is called or the process ends. With wait
// it blocks until the lock is free; without, busy reports that another
// process holds it. A folder missing, or removed or replaced while this
// waited, is errDirGone. Where the filesystem cannot lock, it returns a
// no-op unlock and errNoLock: the callers go on without the lock, which is
// a safeguard, but do not take its absence for proof that nobody writes.
func lockDir(dir string, shared, wait bool) (unlock func(), busy bool, err error) {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return func() {}, false, errDirGone
	}
	if err != nil {
		return func() {}, false, err
	}
	how := syscall.LOCK_EX
	if shared {
		how = syscall.LOCK_SH
	}
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return func() {}, true, nil
		}
		return func() {}, false, errNoLock
	}
	held, err1 := f.Stat()
	now, err2 := os.Stat(dir)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		f.Close()
		return func() {}, false, errDirGone
	}
	return func() { f.Close() }, false, nil
}
