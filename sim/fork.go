package sim

import (
	"context"
	"fmt"
	"maps"
	"runtime/debug"

	"htsim/model"
	"htsim/scenarios"
)

// A policy scenario that extends another from a policy month simulates
// exactly what its parent simulates before that month: same parameters, same
// random streams. RunScenarios uses this: it simulates the shared months once,
// then forks a copy of the replicate's state for each policy. The result is
// identical, bit for bit, to simulating the policy on its own (tested), only
// faster.

// forkPoint returns the month from which cfg's scenario may continue a
// replicate of base's scenario, or false when it cannot: base must have a
// single phase equal to cfg's first phase, and cfg a later phase.
func forkPoint(base, cfg *Config) (model.Month, bool) {
	b, c := base.Scenario, cfg.Scenario
	if len(b.Phases) != 1 || len(c.Phases) < 2 || base.From != cfg.From || base.To != cfg.To ||
		base.Seed != cfg.Seed || base.KeepVictims != cfg.KeepVictims || base.Monthly != cfg.Monthly {
		return 0, false
	}
	for i := range scenarios.Schema {
		if b.Phases[0].Params[i].Dist.String() != c.Phases[0].Params[i].Dist.String() ||
			!sameDist(b.Phases[0].Params[i].Dist, c.Phases[0].Params[i].Dist) {
			return 0, false
		}
	}
	m := c.Phases[1].From
	if m <= cfg.From-WarmupMonths || m > cfg.To {
		return 0, false
	}
	return m, true
}

func sameDist(a, b scenarios.Dist) bool {
	if a.Kind != b.Kind || a.Value != b.Value || a.Min != b.Min || a.Max != b.Max || a.Mode != b.Mode ||
		a.Alpha != b.Alpha || a.Beta != b.Beta || a.Bool != b.Bool {
		return false
	}
	if (a.Series == nil) != (b.Series == nil) {
		return false
	}
	if a.Series != nil {
		if len(a.Series.Years) != len(b.Series.Years) {
			return false
		}
		for i := range a.Series.Years {
			if a.Series.Years[i] != b.Series.Years[i] || a.Series.Values[i] != b.Series.Values[i] {
				return false
			}
		}
	}
	return true
}

// fork copies r's state into a replicate of cfg that continues from r.next.
// scratch provides the copy's memory.
func (r *replicate) fork(cfg *Config, scratch *Scratch) (*replicate, bool) {
	fresh := newReplicate(cfg, r.rep)
	for i, v := range fresh.values[0] {
		if v != r.values[0][i] {
			return nil, false // the parameters before the policy differ after all
		}
	}
	if delayChanges(fresh.params) != r.keepBeyond {
		// The policy changes the re-trafficking delay, so it needs the
		// events after the horizon its parent did not keep: run it alone.
		return nil, false
	}
	c := *r
	c.cfg = cfg
	c.params, c.values = fresh.params, fresh.values
	c.p = c.params[c.phase]
	scratch.lend(&c)
	c.victims = append(c.victims, r.victims...)
	c.sites = append(c.sites, r.sites...)
	c.members = append(c.members, r.members...)
	c.cases = make([]kase, len(r.cases))
	for i := range r.cases {
		c.cases[i] = r.cases[i]
		c.cases[i].victims = append([]int32(nil), r.cases[i].victims...)
	}
	for g := range r.raidable {
		for sec := range r.raidable[g] {
			c.raidable[g][sec] = append(c.raidable[g][sec][:0], r.raidable[g][sec]...)
		}
	}
	c.raided = c.raided[:0]
	c.open = append([]int32(nil), r.open...)
	c.caseOf = maps.Clone(r.caseOf)
	cal := c.calendar
	if cap(cal) < len(r.calendar) {
		cal = make([][]event, len(r.calendar))
	}
	cal = cal[:len(r.calendar)]
	for i := range r.calendar {
		cal[i] = append(cal[i][:0], r.calendar[i]...)
	}
	c.calendar = cal
	c.beyond = append([]dated(nil), r.beyond...)
	c.stockDelta = append([][CellsPerYear]int32(nil), r.stockDelta...)
	c.silentExits = append([][CellsPerYear]int32(nil), r.silentExits...)
	c.counts = append(Counts(nil), r.counts...)
	if r.monthly != nil {
		c.monthly = append(Counts(nil), r.monthly...)
	}
	return &c, true
}

func (r *replicate) result(cfg *Config) *Result {
	res := &Result{Scenario: cfg.Scenario.Name, Replicate: r.rep, FirstYear: r.firstYear, Counts: r.counts, Values: r.values,
		FirstMonth: r.from, Monthly: r.monthly}
	if cfg.KeepVictims {
		res.Victims = r.records()
	}
	return res
}

// runGroup simulates replicate rep of every configuration, sharing the months
// before each policy with its base scenario where forkPoint allows.
func runGroup(cfgs []*Config, rep int, main, spare *Scratch) (out []*Result, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("internal error in replicate %d: %v\n%s", rep, x, debug.Stack())
		}
	}()
	out = make([]*Result, len(cfgs))
	// Which configurations fork from which base, at which month.
	type forkAt struct {
		cfg   int
		month model.Month
	}
	forks := map[int][]forkAt{}
	forked := make([]bool, len(cfgs))
	for i, c := range cfgs {
		for j, b := range cfgs {
			if m, ok := forkPoint(b, c); ok && i != j {
				forks[j] = append(forks[j], forkAt{i, m})
				forked[i] = true
				break
			}
		}
	}
	for j, b := range cfgs {
		if forked[j] {
			continue
		}
		r := newReplicate(b, rep)
		main.lend(r)
		r.init()
		fs := forks[j]
		// Forks in month order (stable: configuration order within a month).
		for k := 1; k < len(fs); k++ {
			for l := k; l > 0 && fs[l].month < fs[l-1].month; l-- {
				fs[l], fs[l-1] = fs[l-1], fs[l]
			}
		}
		for _, f := range fs {
			r.advance(int32(f.month) - 1)
			c, ok := r.fork(cfgs[f.cfg], spare)
			if !ok {
				res, err := RunReplicate(cfgs[f.cfg], rep, spare)
				if err != nil {
					return nil, err
				}
				out[f.cfg] = res
				continue
			}
			c.advance(int32(c.to))
			out[f.cfg] = c.result(cfgs[f.cfg])
			spare.keep(c)
		}
		r.advance(int32(r.to))
		out[j] = r.result(b)
		main.keep(r)
	}
	return out, nil
}

// RunScenarios simulates the given replicates of several scenarios on a pool
// of workers, one job per replicate covering every scenario, and calls emit
// for each result in replicate order (and, within a replicate, in the order of
// cfgs), from a single goroutine. Policies that extend a scenario in cfgs from
// a policy month reuse its simulation of the months before. The results are
// the same as running each scenario alone with Run.
func RunScenarios(ctx context.Context, cfgs []*Config, replicates []int, workers int, emit func(*Result) error) error {
	return RunJobs(ctx, len(replicates), workers, func(i int, scratch *Scratch) ([]*Result, error) {
		if scratch.spare == nil {
			scratch.spare = new(Scratch)
		}
		return runGroup(cfgs, replicates[i], scratch, scratch.spare)
	}, func(_ int, res []*Result) error {
		for _, r := range res {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	})
}
