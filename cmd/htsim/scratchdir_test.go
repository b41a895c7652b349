//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRemoveStaleScratch: a scratch folder whose lock no process holds is
// removed; one whose lock is held (here by this process, through another
// open file, as flock sees a second process), one without a lock file, and
// folders of other names are kept. The lock, not a process id, decides:
// process ids differ between containers sharing a temporary folder.
func TestRemoveStaleScratch(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, lock bool) string {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Join(d, "run"), 0o755); err != nil {
			t.Fatal(err)
		}
		if lock {
			if err := os.WriteFile(filepath.Join(d, scratchLockName), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	abandoned := mk(scratchPrefix+"abandoned", true)
	noLock := mk(scratchPrefix+"nolock", false)
	other := mk("htsim-chromium-42", true)
	live := mk(scratchPrefix+"live", false)
	held, err := holdScratchLock(live)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()

	removeStaleScratch(dir)
	for d, kept := range map[string]bool{abandoned: false, noLock: true, other: true, live: true} {
		if _, err := os.Stat(d); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", filepath.Base(d), err == nil, kept)
		}
	}
	held.Close() // the process "ends"
	removeStaleScratch(dir)
	if _, err := os.Stat(live); err == nil {
		t.Error("a folder whose lock was released was kept")
	}

	tmp, release, err := scratchDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(tmp), scratchPrefix) || filepath.Dir(tmp) != filepath.Clean(os.TempDir()) {
		t.Errorf("scratchDir made %s: want %s* in %s", tmp, scratchPrefix, os.TempDir())
	}
	removeStaleScratch(os.TempDir()) // another reproduce starting now
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("a live scratch folder was removed: %v", err)
	}
	release()
	if _, err := os.Stat(tmp); err == nil {
		t.Error("release left the scratch folder")
	}
}
