package main

import (
	"context"
	"io"
	"testing"

	"htsim/scenarios"
)

// BenchmarkStudy runs the default study of `make run` (every built-in
// scenario, the policies forked from baseline) at 16 replicates, output
// included. `make pgo` records its CPU profile as cmd/htsim/default.pgo, the
// profile the Go toolchain uses to optimise the htsim binary (profile-guided
// optimisation), so it should stay representative of what users run.
func BenchmarkStudy(b *testing.B) {
	args := append([]string{"run", "--replicates", "16", "--quiet", "--force", "--out", b.TempDir()}, scenarios.BuiltinNames()...)
	for b.Loop() {
		if code := Main(context.Background(), args, io.Discard, io.Discard); code != 0 {
			b.Fatalf("htsim run exited %d", code)
		}
	}
}
