//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRemoveStaleScratch: the scratch folders of processes that have ended
// are removed; those of live processes, and folders whose name holds no
// process id, are kept.
func TestRemoveStaleScratch(t *testing.T) {
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Skip("no true command:", err)
	}
	dir := t.TempDir()
	names := map[string]bool{ // name: kept
		fmt.Sprintf("%s%d-1", scratchPrefix, ended.Process.Pid): false,
		fmt.Sprintf("%s%d-2", scratchPrefix, os.Getpid()):       true,
		fmt.Sprintf("%s%d-3", scratchPrefix, os.Getppid()):      true,
		scratchPrefix + "123456789":                             true, // the unnamed kind older versions made
		"htsim-chromium-42":                                     true,
	}
	for name := range names {
		if err := os.MkdirAll(filepath.Join(dir, name, "run"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	removeStaleScratch(dir)
	for name, kept := range names {
		_, err := os.Stat(filepath.Join(dir, name))
		if got := err == nil; got != kept {
			t.Errorf("%s: kept %v, want %v", name, got, kept)
		}
	}

	tmp, err := scratchDir()
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if pid, ok := scratchPID(filepath.Base(tmp)); !ok || pid != os.Getpid() || !strings.HasPrefix(tmp, os.TempDir()) {
		t.Errorf("scratchDir made %s: want %s%d-* in %s", tmp, scratchPrefix, os.Getpid(), os.TempDir())
	}
}
