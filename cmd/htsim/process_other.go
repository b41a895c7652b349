//go:build !unix

package main

import "os"

// holdScratchLock holds no lock where flock is not available.
func holdScratchLock(dir string) (*os.File, error) { return nil, nil }

// removeIfAbandoned cannot tell whether a folder's process is alive where
// flock is not available, so it keeps every folder.
func removeIfAbandoned(dir string) {}
