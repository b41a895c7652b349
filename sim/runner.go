package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime/debug"

	"htsim/model"
	"htsim/scenarios"
)

// Config is what one scenario's replicates share.
type Config struct {
	Scenario    *scenarios.Scenario
	From, To    model.Month // recorded horizon
	Seed        uint64
	KeepVictims bool // return one record per victim spell
	Monthly     bool // return the counts of every month too (Result.Monthly)
}

// Result is one replicate's output.
type Result struct {
	Scenario  string
	Replicate int
	FirstYear int
	Counts    Counts      // yearly counts, see Counts
	Values    [][]float64 // drawn parameter values: [phase][scenarios.Schema leaf]
	Victims   []VictimRecord
	// Monthly holds, with Config.Monthly, the counts of each month of the
	// horizon from FirstMonth: Monthly[(month-FirstMonth)*CellsPerYear+cell].
	// The flows of a year's months add up to its yearly counts; the stock is
	// each month's end-of-month stock.
	Monthly    Counts
	FirstMonth model.Month
}

// VictimRecord is one victim spell as the victims table shows it.
type VictimRecord struct {
	ID, Person, Site, Case int32
	Spell                  uint8
	Stratum                model.Stratum
	Region                 model.Region
	Start, End             model.Month // End < 0: still exploited at the horizon's end
	ExploitedMonths        int32
	ExploitationStarted    bool
	Channel                model.Channel
	Lists                  model.List
	Class                  model.Classification
	Outcome                model.Outcome
	State                  State // state at the end of the horizon
}

// Scratch holds the large arrays of a replicate so that a worker can reuse
// them for its next replicate instead of allocating and clearing new ones.
// The zero value is ready to use; a Scratch must not be shared between goroutines.
type Scratch struct {
	victims  []victim
	sites    []site
	members  []member
	calendar [][]event
	raidable [model.NumRegions][model.NumSectors][]int32
	raided   []raidPick
	spare    *Scratch // a second set, for the policies forked from a replicate
}

// lend moves the scratch arrays into r. The scratch lets go of them, so
// that an array r replaces with a larger one is garbage at once, not held
// alive beside its replacement until the replicate ends.
func (s *Scratch) lend(r *replicate) {
	r.victims, r.sites, r.members, r.calendar = s.victims[:0], s.sites[:0], s.members[:0], s.calendar
	s.victims, s.sites, s.members, s.calendar = nil, nil, nil, nil
	r.raidable, r.raided = s.raidable, s.raided[:0]
	s.raidable, s.raided = [model.NumRegions][model.NumSectors][]int32{}, nil
}

// keep takes r's arrays back for the next replicate.
func (s *Scratch) keep(r *replicate) {
	s.victims, s.sites, s.members, s.calendar = r.victims[:0], r.sites[:0], r.members[:0], r.calendar
	s.raidable, s.raided = r.raidable, r.raided[:0]
}

// ParamStream is the random source of parameter path in replicate rep.
func ParamStream(seed uint64, rep int, path string) rand.Source {
	return Stream(seed, rep, "param:"+path)
}

// RunReplicate simulates replicate rep of cfg's scenario. It never panics: an
// internal failure comes back as an error naming the scenario and replicate.
func RunReplicate(cfg *Config, rep int, scratch *Scratch) (res *Result, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("internal error in scenario %s, replicate %d: %v\n%s", cfg.Scenario.Name, rep, x, debug.Stack())
		}
	}()
	if scratch == nil {
		scratch = new(Scratch)
	}
	r := newReplicate(cfg, rep)
	scratch.lend(r)
	defer scratch.keep(r)
	r.run()
	return r.result(cfg), nil
}

func newReplicate(cfg *Config, rep int) *replicate {
	r := &replicate{cfg: cfg, rep: rep, from: cfg.From, to: cfg.To, firstYear: cfg.From.Year(), raiding: -1}
	r.start = cfg.From - WarmupMonths
	r.seedHi = Key(cfg.Seed, uint64(rep), Purpose("engine"))
	for _, ph := range cfg.Scenario.Phases {
		vals := make([]float64, len(scenarios.Schema))
		p := ph.Draw(func(path string) rand.Source { return ParamStream(cfg.Seed, rep, path) }, vals)
		r.params = append(r.params, p)
		r.values = append(r.values, vals)
	}
	return r
}

func (r *replicate) records() []VictimRecord {
	out := make([]VictimRecord, 0, len(r.victims))
	for i := range r.victims {
		r.exploitedAt(int32(i), int32(r.to)) // apply silent exits that came due
		v := &r.victims[i]
		kase, ok := r.caseOf[int32(i)]
		if !ok {
			kase = -1
		}
		if model.Month(v.start) < r.from && (v.endMonth() < int32(r.from) && v.endMonth() != never) &&
			(!ok || r.cases[kase].stage == stageClosed && r.cases[kase].closed < int32(r.from)) {
			continue // spell, and its case if any, ended during the warm-up
		}
		rec := VictimRecord{ID: int32(i), Person: v.person, Site: v.site, Case: kase, Spell: v.spell,
			Stratum: strata[v.stratum], Region: v.region, Start: model.Month(v.start),
			End: -1, ExploitationStarted: v.flags&fExploitationStarted != 0, Channel: v.channel,
			Lists: v.lists, Class: v.class, Outcome: v.outcome, State: v.state}
		end := int32(r.to) + 1
		if e := v.endMonth(); e != never {
			rec.End = model.Month(e)
			end = e
		}
		if rec.ExploitationStarted {
			rec.ExploitedMonths = end - v.start
		}
		if v.state == Exploited && v.outcome != model.ClosedCorruption {
			// (Returned to the exploiter after a corrupt closure, a victim
			// keeps the furthest stage it reached.)
			rec.Outcome = model.StillExploited
		}
		out = append(out, rec)
	}
	return out
}

// Run simulates the given replicates of one scenario on a pool of workers and
// calls emit with each result in replicate order (whatever order they finish
// in), from a single goroutine. At most 2*workers results wait in memory.
// It stops at the first error, from a replicate or from emit, or when ctx ends.
func Run(ctx context.Context, cfg *Config, replicates []int, workers int, emit func(*Result) error) error {
	return RunJobs(ctx, len(replicates), workers, func(i int, scratch *Scratch) (*Result, error) {
		return RunReplicate(cfg, replicates[i], scratch)
	}, func(_ int, res *Result) error { return emit(res) })
}
