package sim

import (
	"context"
	"sync"
)

// RunJobs runs n independent jobs on a pool of workers and calls emit with
// each result in job order (0, 1, ..., n-1), whatever order they finish in,
// from a single goroutine. run receives the job index and the worker's
// scratch arrays. At most 2*workers results wait in memory, so memory is
// bounded by the number of workers, not by n. RunJobs stops at the first
// error, from run or emit, or when ctx ends (returning ctx.Err(), also when
// ctx ended after the last job had started).
func RunJobs[T any](ctx context.Context, n, workers int, run func(i int, scratch *Scratch) (T, error), emit func(i int, res T) error) error {
	if workers < 1 {
		workers = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type item struct {
		i   int
		res T
		err error
	}
	jobs := make(chan int)
	results := make(chan item, workers)
	window := make(chan struct{}, 2*workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scratch := new(Scratch)
			for i := range jobs {
				res, err := run(i, scratch)
				select {
				case results <- item{i, res, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := 0; i < n; i++ {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	pending := map[int]T{}
	next := 0
	var firstErr error
	for it := range results {
		if firstErr != nil {
			continue
		}
		if it.err != nil {
			firstErr = it.err
			cancel()
			continue
		}
		pending[it.i] = it.res
		for firstErr == nil {
			res, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			<-window
			if err := emit(next, res); err != nil {
				firstErr = err
				cancel()
			}
			next++
		}
	}
	if firstErr != nil {
		return firstErr
	}
	// Cancelled is cancelled, even when every job had started and finished:
	// the caller's next step (writing tables for seconds) must not run
	// after Ctrl-C. (A review found a run that ignored it this way.)
	return ctx.Err()
}
