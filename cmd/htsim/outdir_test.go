package main

import (
	"errors"
	"io/fs"
	"syscall"
	"testing"
)

// TestOutFolderError: a folder the user can replace by another is an input
// error (exit 2); a machine's failure (a full disk, an I/O error) is not.
func TestOutFolderError(t *testing.T) {
	for _, tc := range []struct {
		errno syscall.Errno
		usage bool
	}{
		{syscall.ENOTDIR, true},
		{syscall.EACCES, true},
		{syscall.EPERM, true},
		{syscall.EROFS, true},
		{syscall.ENAMETOOLONG, true},
		{syscall.EEXIST, true},
		{syscall.ENOSPC, false},
		{syscall.EIO, false},
	} {
		err := outFolderError("run", "x/y", &fs.PathError{Op: "mkdir", Path: "x/y", Err: tc.errno})
		var u usageError
		if got := errors.As(err, &u); got != tc.usage {
			t.Errorf("%v: usage error %v, want %v (%v)", tc.errno, got, tc.usage, err)
		}
		if !errors.Is(err, tc.errno) {
			t.Errorf("%v: the cause is lost: %v", tc.errno, err)
		}
		if want := "run: --out x/y: mkdir x/y: " + tc.errno.Error(); err.Error() != want {
			t.Errorf("%v: message %q, want %q", tc.errno, err, want)
		}
	}
}
