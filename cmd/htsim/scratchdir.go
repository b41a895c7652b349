package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// scratchPrefix names the folders reproduce reruns into, in the system's
// temporary folder.
const scratchPrefix = "htsim-reproduce-"

// scratchLockName is the file in a scratch folder that its process holds
// locked while it lives.
const scratchLockName = "lock"

// scratchDir creates a folder for a rerun in the system's temporary folder
// and returns it with the function that removes it. It first removes the
// folders that ended processes left behind: a rerun killed outright
// (SIGKILL, the out-of-memory killer) cannot remove its own, which may hold
// gigabytes. A folder's owner holds a lock on a file in it (flock), which
// the system releases when the process ends, so the test works across
// containers and hosts sharing the folder, where process ids do not.
func scratchDir() (string, func(), error) {
	removeStaleScratch(os.TempDir())
	dir, err := os.MkdirTemp("", scratchPrefix)
	if err != nil {
		return "", nil, fmt.Errorf("reproduce: cannot create the folder to rerun into in the system's temporary folder %s (set TMPDIR to another): %w", os.TempDir(), err)
	}
	lock, err := holdScratchLock(dir)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, func() {
		os.RemoveAll(dir)
		if lock != nil {
			lock.Close()
		}
	}, nil
}

// removeStaleScratch removes the scratch folders in dir whose lock no
// process holds. Folders without a lock file (being created, or made by an
// older htsim) are kept.
func removeStaleScratch(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), scratchPrefix) {
			removeIfAbandoned(filepath.Join(dir, e.Name()))
		}
	}
}
