package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// scratchPrefix names the folders reproduce reruns into, in the system's
// temporary folder, followed by the process id.
const scratchPrefix = "htsim-reproduce-"

// scratchDir creates a folder for a rerun in the system's temporary folder,
// named after this process, and first removes those that processes no
// longer running left behind: a rerun killed outright (SIGKILL, a cluster's
// time limit) cannot remove its own, which may hold gigabytes.
func scratchDir() (string, error) {
	removeStaleScratch(os.TempDir())
	return os.MkdirTemp("", fmt.Sprintf("%s%d-", scratchPrefix, os.Getpid()))
}

// removeStaleScratch removes the scratch folders in dir whose process is no
// longer running. Folders of a live process (or of a process id reused by
// another one), and folders this function cannot read the process id of,
// are kept.
func removeStaleScratch(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := scratchPID(e.Name())
		if !ok || !e.IsDir() || pid == os.Getpid() || processRunning(pid) {
			continue
		}
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// scratchPID reads the process id from a scratch folder's name.
func scratchPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, scratchPrefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(digits)
	return pid, err == nil && pid > 0
}
