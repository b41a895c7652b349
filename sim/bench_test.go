package sim

import (
	"testing"
	"time"
)

// benchDraws is the number of replicates (parameter draws) the engine
// benchmarks cycle through. Replicate size varies with the uncertain
// parameters (mean durations span a factor of three), so a handful of draws
// is a biased sample: replicates 0-7 of seed 1 average 511k spells, 0-31
// average 574k. Run with -benchtime 32x to time each draw once.
const benchDraws = 32

// BenchmarkReplicate times one national-scale baseline replicate (2010-2030
// plus the warm-up) on one core, reusing a worker's scratch arrays as the
// runner does. Replicates cycle through 8 parameter draws.
func BenchmarkReplicate(b *testing.B) {
	cfg := &Config{Scenario: baseline(b), Seed: 1}
	cfg.From, cfg.To = cfg.Scenario.From, cfg.Scenario.To
	scratch := new(Scratch)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := RunReplicate(cfg, i%benchDraws, scratch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplicateNaive times the same replicates with the per-person
// reference draw of arrivals (a Bernoulli trial per person at risk per month),
// the baseline the exact binomial draw is measured against.
func BenchmarkReplicateNaive(b *testing.B) {
	cfg := &Config{Scenario: baseline(b), Seed: 1}
	cfg.From, cfg.To = cfg.Scenario.From, cfg.Scenario.To
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := newReplicate(cfg, i%benchDraws)
		r.arrive = naiveArrivals(r)
		r.run()
	}
}

// BenchmarkSpeedup times the exact engine and the per-person reference on the
// same replicates in the same run and reports their ratio (the brief asks for
// ratios against a baseline measured alongside).
func BenchmarkSpeedup(b *testing.B) {
	cfg := &Config{Scenario: baseline(b), Seed: 1}
	cfg.From, cfg.To = cfg.Scenario.From, cfg.Scenario.To
	scratch := new(Scratch)
	var exact, naive time.Duration
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		if _, err := RunReplicate(cfg, i%benchDraws, scratch); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		r := newReplicate(cfg, i%benchDraws)
		r.arrive = naiveArrivals(r)
		r.run()
		exact += t1.Sub(t0)
		naive += time.Since(t1)
	}
	b.ReportMetric(float64(exact.Milliseconds())/float64(b.N), "ms/exact")
	b.ReportMetric(float64(naive.Milliseconds())/float64(b.N), "ms/naive")
	b.ReportMetric(float64(naive)/float64(exact), "speedup")
	b.ReportMetric(0, "ns/op")
}
