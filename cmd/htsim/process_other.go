//go:build !unix

package main

import "os"

// holdScratchLock holds no lock where flock is not available.
func holdScratchLock(dir string) (*os.File, error) { return nil, nil }

// removeIfAbandoned cannot tell whether a folder's process is alive where
// flock is not available, so it keeps every folder.
func removeIfAbandoned(dir string) {}

// lockFile takes no lock where flock is not available.
func lockFile(path string) (f *os.File, busy bool, err error) { return nil, false, nil }

// lockHeld cannot tell where flock is not available.
func lockHeld(path string) bool { return false }

// lockDir cannot lock where flock is not available.
func lockDir(dir string, shared, wait bool) (unlock func(), busy bool, err error) {
	return func() {}, false, errNoLock
}
