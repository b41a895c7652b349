package sim

import (
	"testing"

	"htsim/scenarios"
)

// BenchmarkReplicate times one national-scale baseline replicate (2010-2030)
// on one core, reusing a worker's scratch arrays as the runner does.
func BenchmarkReplicate(b *testing.B) {
	sc, err := scenarios.Load("baseline")
	if err != nil {
		b.Fatal(err)
	}
	cfg := &Config{Scenario: sc, From: sc.From, To: sc.To, Seed: 1}
	scratch := new(Scratch)
	victims := 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		res, err := RunReplicate(cfg, i%8, scratch)
		if err != nil {
			b.Fatal(err)
		}
		_ = res
		victims += len(scratch.victims[:cap(scratch.victims)][:0])
	}
}
