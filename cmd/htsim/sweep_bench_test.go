package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"htsim/scenarios"
)

// benchSweep loads the example sweep with its design enlarged to points x replicates jobs.
func benchSweep(b *testing.B, points, replicates int) *sweepPlan {
	b.Helper()
	sw, err := scenarios.LoadSweep("../../scenarios/sweeps/example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	sw.Points, sw.Replicates = points, replicates
	plan, err := newSweepPlan(sw, 5) // memory per open file grows with --chunk, not with the sweep
	if err != nil {
		b.Fatal(err)
	}
	return plan
}

// atMeans returns sc with every uncertain parameter fixed at its mean, so
// that all replicates of a design point have the same expected size.
func atMeans(sc *scenarios.Scenario) *scenarios.Scenario {
	out := *sc
	out.Phases = make([]scenarios.Phase, len(sc.Phases))
	for i, ph := range sc.Phases {
		ps := make([]*scenarios.Param, len(ph.Params))
		for j, p := range ph.Params {
			q := *p
			if q.Dist.Uncertain() {
				q.Dist = scenarios.Dist{Kind: "point", Value: q.Dist.Mean()}
			}
			ps[j] = &q
		}
		out.Phases[i] = scenarios.Phase{From: ph.From, Params: ps}
	}
	return &out
}

// runPlan runs every job of plan into a temporary folder and returns the elapsed time.
func runPlan(b *testing.B, plan *sweepPlan, workers int) time.Duration {
	out := b.TempDir()
	jobs := plan.jobs(func(int, int) bool { return true })
	start := time.Now()
	if _, err := plan.runChunks(context.Background(), out, jobs, workers, nil); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkSweepThroughput measures national replicates per second of a sweep
// (simulation and Parquet output) at 1 and 2 workers, and the parallel
// efficiency at 2 workers (rate at 2 / (2 x rate at 1)), both timed in the same run.
// 80 jobs: each worker's scratch arrays grow to the largest replicate it has
// met during its first jobs, as in any sweep; over 16 jobs that growth took
// a visible share of the time (19.1 and 33.4 replicates/s at 1 and 2 workers,
// against 20.3 and 36.7 over 80 jobs), a share a sweep of thousands does not pay.
func BenchmarkSweepThroughput(b *testing.B) {
	plan := benchSweep(b, 40, 2) // 80 jobs
	n := float64(len(plan.matrix) * plan.sw.Replicates)
	var t1, t2 time.Duration
	for b.Loop() {
		t1 += runPlan(b, plan, 1)
		t2 += runPlan(b, plan, 2)
	}
	r1 := n * float64(b.N) / t1.Seconds()
	r2 := n * float64(b.N) / t2.Seconds()
	b.ReportMetric(r1, "replicates/s@1")
	b.ReportMetric(r2, "replicates/s@2")
	b.ReportMetric(r2/(2*r1), "efficiency@2")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSweepMemory reports the peak live heap while a sweep runs (a
// collection forced every 20 ms, then the live bytes it found), for a sweep
// of 4 design points x 2 replicates and the same points with ten times the
// replicates: memory is bounded by the workers, not by the number of jobs.
// Each worker holds the arrays of the largest replicate it has run, and with
// the baseline's uncertain parameters drawn, more replicates reach larger
// extremes (8 jobs 212 MB, 80 jobs 254 MB, 800 jobs 335 MB, measured
// 2026-11-27); so that the figure isolates the number of jobs, every
// uncertain parameter is held at its mean and all replicates of a point have
// the same expected size.
func BenchmarkSweepMemory(b *testing.B) {
	for _, reps := range []int{2, 20} {
		b.Run(fmt.Sprintf("jobs=%d", 4*reps), func(b *testing.B) {
			plan := benchSweep(b, 4, reps)
			for i, sc := range plan.sw.Scenarios {
				plan.sw.Scenarios[i] = atMeans(sc)
			}
			var peak atomic.Uint64
			for b.Loop() {
				runtime.GC()
				stop := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
					for {
						// A collection now, so that the figure is what is live at this
						// moment, not whatever the last automatic collection saw.
						runtime.GC()
						metrics.Read(sample)
						if v := sample[0].Value.Uint64(); v > peak.Load() {
							peak.Store(v)
						}
						select {
						case <-stop:
							return
						case <-time.After(20 * time.Millisecond):
						}
					}
				}()
				runPlan(b, plan, 2)
				close(stop)
				wg.Wait()
			}
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-live-heap-MB")
		})
	}
}
