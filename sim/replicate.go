package sim

import (
	"cmp"
	"math"
	"slices"

	"htsim/model"
)

// State is where a victim is in a month. Every victim spell is in exactly one.
type State uint8

// Victim states.
const (
	Exploited State = iota // in exploitation
	Free                   // out of exploitation, no open proceedings
	PreTrial               // a victim in an open pre-trial investigation
	Trial                  // a victim in a case before the court
	Dead                   // died in exploitation
	Departed               // deported or left the country
	NewSpell               // spell ended: the person was trafficked again (a new spell)
	NumStates
)

var stateNames = [...]string{"exploited", "free", "pretrial", "trial", "dead", "departed", "new_spell"}

// String returns the state's name as the victims table writes it (final_state).
func (s State) String() string { return stateNames[s] }

// victim flags.
const (
	fExploitationStarted uint16 = 1 << iota // false: intercepted in recruitment
	fRecognised                             // someone recognised trafficking
	fAccepted                               // the victim accepted victim status
	fNGO                                    // accompanied by an NGO
	fSheltered                              // in a state-funded shelter
	fIdentified                             // counted in identified_official
	fAbsent                                 // left the country during the trial
	fRetraffickDrawn                        // the re-trafficking draw for this spell was made
	fGradingDrawn                           // the abuse-grading assessment was made
	fPassesGrading                          // the victim meets the abuse-grading criteria
	fDiesAtExit                             // the planned exit from exploitation is death
	fSeeksAtExit                            // at the planned exit the victim will seek help
	fSilentExit                             // the planned exit is counted in advance (no event)
	// A victim returned to the exploiter after a corrupt closure may be
	// reached and give a statement again: these keep its stages counted once.
	fReported        // counted in reported
	fClosedCorruptly // counted in closed_corruption
	fReferred        // referred to an NGO by the police who registered its case
)

// endMonth is the month the spell left exploitation (or was intercepted), or never while exploited.
func (v *victim) endMonth() int32 {
	if v.state == Exploited {
		return never
	}
	return v.tExit // leaving exploitation moves the planned exit to the month it happened
}

// victim is one victimisation spell (one agent). Kept to 48 bytes: a
// replicate holds some 600,000 of them, most of a worker's memory (the case a
// victim is registered in lives in replicate.caseOf). Time is another matter:
// a spell costs the same whether the records span 3 or 30 MB
// (BenchmarkSpellCost, docs/performance.md).
type victim struct {
	rng
	person   int32
	site     int32 // -1 when intercepted before reaching a site, or exploited abroad
	start    int32 // month exploitation started (or interception month)
	tExit    int32 // month of the next exit from exploitation
	tContact int32 // month of the next third-party contact
	// gen counts the plans of the victim's next event; an event carrying an
	// older gen is stale. 16 bits do not wrap while an event is pending: a
	// victim is replanned a few times a month at most.
	gen     uint16
	stratum uint8 // model.NumStrata is 168
	region  model.Region
	spell   uint8
	state   State
	channel model.Channel
	class   model.Classification
	outcome model.Outcome
	lists   model.List
	flags   uint16
}

// site is an exploitation site with its traffickers.
type site struct {
	first     int32 // offset of the site's members in replicate.members
	target    int32 // victims it recruits before a new site opens
	joined    int32
	kase      int32 // open article-128 case, or -1
	lastExit  int32 // the latest of its members' exit bounds (member.tExit): none is exploited there after it
	qualMonth int32 // month of the last qualification decision
	qualClass model.Classification
	region    model.Region
	sector    model.Sector
	complicit bool
	closed    bool
}

type caseStage uint8

const (
	stagePreTrial caseStage = iota
	stageTrial
	stageClosed
)

// kase is a criminal case under article 128/135: one per site investigation.
type kase struct {
	rng
	victims   []int32
	region    model.Region
	form      model.Form
	cell      int
	stage     caseStage
	offenders int32
	// def is the definition of trafficking the case is investigated under:
	// of those in force from the end of the offence on, the one under which
	// evidence is lost fastest (model.LawForCase), updated as phases change.
	def    model.Definition
	minor  bool // registered under article 135: its victim is a minor
	opened int32
	closed int32 // month the case closed (pre-trial closure or verdict)
	// reconcilable: a law in force at the end of the offence (the lead
	// victim's exploitation, or now if it goes on), or at any time since while
	// the case was pending, allowed reconciliation (the offence was not
	// grave). A law that aggravates liability has no retroactive force and
	// one that mitigates it does (non-retroactivity and lex mitior,
	// Constitution and Criminal Code), so the most lenient of them applies.
	reconcilable bool
}

type eventKind uint8

const (
	evVictim     eventKind = iota // a victim's exit or third-party contact
	evRetraffick                  // a former victim is trafficked again
)

type event struct {
	kind eventKind
	id   int32
	gen  uint32
}

// dated is an event with its month.
type dated struct {
	t int32
	e event
}

// replicate is the state of one simulated replicate.
type replicate struct {
	cfg       *Config
	rep       int
	seedHi    uint64
	p         *model.Params
	phase     int
	params    []*model.Params // per phase
	from, to  model.Month     // recorded horizon
	start     model.Month     // first simulated month (warm-up before from)
	firstYear int

	victims    []victim
	sites      []site
	cases      []kase
	open       []int32         // open cases
	caseOf     map[int32]int32 // the case each registered victim is in
	calendar   [][]event       // events of each month, in the order scheduled
	members    []member        // site members: each site owns target consecutive slots
	tab        tables          // per-phase lookup tables
	recruiting [model.NumRegions][model.NumSectors]int32
	siteSeq    [model.NumRegions][model.NumSectors]uint32
	// raidable lists, per region and sector, the sites under the raid
	// hazard: open, and holding or still recruiting victims as far as the
	// last raid knew (raids drops the others when it meets them).
	raidable [model.NumRegions][model.NumSectors][]int32
	raidSrc  [model.NumRegions][model.NumSectors]rng // which sites are raided each month
	raided   []raidPick                              // this month's raids (reused)

	victimKeys [numSeedKinds]uint64 // per kind of victim stream (cohortSeed, retraffickSeed)
	arrivalSrc [model.NumStrata]rng
	arrivalN   [model.NumStrata]binomial // this year's arrival distribution per stratum
	stratumPop [model.NumStrata]float64
	strataRisk [model.NumStrata]float64

	shelterLeft  int
	registered   [model.NumRegions]int // this year
	lastYearReg  [model.NumRegions]int
	openByRegion [model.NumRegions]int
	stockDelta   [][CellsPerYear]int32 // per month: change in victims in exploitation (planned exits included)
	// per month: silent exits planned for it that leave uncontacted, counted
	// into ExitedUncontacted once the month is over (a small array, where
	// counting each at planning time touched the year table at random)
	silentExits [][CellsPerYear]int32
	persons     int32
	// raiding is the site a raid is meeting the members of (-1 otherwise),
	// and raidMet the number of its member slots met so far: a case the raid
	// opens contacts, at the site's closure, only the members the raid has
	// not met. (Until session 10 it met again those the raid had met and
	// not identified, a second recognition draw that went by the order of
	// the member list: about 170 more victims accepted per replicate.)
	raiding int32
	raidMet int

	onMonth   func(t int32)                             // test hook, called at the end of each month
	onContact func(id int32, ch model.Channel, t int32) // test hook, called at each contact
	arrive    func(t int32)                             // draws the month's new victims; tests swap in a per-person reference

	next  int32               // next month to simulate
	stock [CellsPerYear]int64 // victims in exploitation at the end of the last simulated month

	counts Counts
	values [][]float64
	sink   int32 // keeps prefetch's loads from being optimised away
	month  int32

	// beyond holds the re-trafficking events that fall after the horizon,
	// with their months, when a later phase changes the delay (keepBeyond):
	// none of them happens, but that phase redraws them and may bring them
	// into the horizon (redrawPendingRetrafficking). After the fields the hot
	// path uses, which keep their offsets.
	beyond     []dated
	keepBeyond bool

	// lawUsed is a test hook, called with the law a victim's offence is
	// qualified under (kase false, id a victim) and a pending case is
	// investigated under (kase true, id a case). Last, so that the fields
	// above keep their offsets.
	lawUsed func(kase bool, id int32, law *model.Law)

	// monthly is the monthly table (Config.Monthly): as counts, with a row
	// per month of the horizon instead of a year; nil when not asked for.
	monthly Counts
}

// WarmupMonths is how long the engine runs before the recorded horizon, so
// that cases, shelters and police plans are in motion when recording starts.
const WarmupMonths = 24

func (r *replicate) year(t int32) int { return model.Month(t).Year() }

// count adds n to a measure in month t's year (and month, with
// Config.Monthly), if t is within the horizon.
func (r *replicate) count(t int32, cell int, m Measure, n int64) {
	if model.Month(t) < r.from || model.Month(t) > r.to {
		return
	}
	r.counts[(r.year(t)-r.firstYear)*CellsPerYear+cell][m] += n
	if r.monthly != nil {
		r.monthly[(int(t)-int(r.from))*CellsPerYear+cell][m] += n
	}
}

func (r *replicate) vcell(v *victim) int { return stratumCell[v.stratum] }

// stratumCell maps a stratum to its output cell.
var stratumCell = func() (c [model.NumStrata]int) {
	for s := range c {
		c[s] = cellOf(model.StratumAt(s))
	}
	return c
}()

func (r *replicate) schedule(t int32, e event) {
	i := int(t) - int(r.start)
	if i < 0 || i >= len(r.calendar) {
		// (Tested here, off the path of the events within the horizon.)
		if i > 0 && e.kind == evRetraffick && r.keepBeyond {
			r.beyond = append(r.beyond, dated{t, e})
		}
		return
	}
	r.calendar[i] = append(r.calendar[i], e)
}

// wait draws a waiting time in months (at least 1) with monthly hazard h from stream g.
func (r *replicate) wait(g *rng, h hazard) int32 { return g.wait(h) }

// tables are lookups derived from the parameters in force, computed once per phase.
type tables struct {
	regionCum   [model.NumOrigins][model.NumRegions]float64 // cumulative region weights
	exitHazard  [model.NumSectors]hazard
	contact     [model.NumSectors]hazard
	raid        [model.NumRegions][model.NumSectors]hazard
	retraffick  hazard                    // delay before re-trafficking
	first       [model.NumSectors]hazard  // first of exit and third-party contact
	siteSize    [model.NumSectors]hazard  // sites hold a geometric number of victims with this "hazard" (1/mean)
	exitFirst   [model.NumSectors]float64 // probability that the first event is the exit
	interceptAt [model.NumOrigins]float64
	seekAtExit  [model.NumOrigins]float64 // probability of seeking help at a planned exit

	// The same probabilities as thresholds on 32 random bits (prob32), for
	// the creation of a spell.
	regionCum32  [model.NumOrigins][model.NumRegions]uint64
	regionByTop  [model.NumOrigins][256]int8 // the region of 32 bits from their top 8, or -1 if it depends on the rest
	intercept32  [model.NumOrigins]uint64
	seek32       [model.NumOrigins]uint64
	exitFirst32  [model.NumSectors]uint64
	death32      uint64
	retraffick32 uint64

	// Rules evaluated once per phase instead of once per contact.
	recognition  [model.NumForms]float64
	acceptance   [model.NumForms][model.NumSexes]float64 // model.AcceptanceProb
	helpToPolice [model.NumOrigins]float64
	complicit    [model.NumSectors]float64
	// model.ReportProb by origin, documentation, form, NGO support, an open
	// shelter place and region, with this year's compensation fund (rebuilt
	// when the year's fund differs: buildReportTable).
	report          [model.NumOrigins][model.NumDocumentations][model.NumForms][2][2][model.NumRegions]float64
	compensationMRP float64
}

// buildTables computes the tables of the parameters in force, in year.
func (r *replicate) buildTables(year int) {
	p := r.p
	t := &r.tab
	for o := model.Origin(0); o < model.NumOrigins; o++ {
		w := &p.Population.RegionInternal
		switch o {
		case model.Foreign:
			w = &p.Population.RegionForeign
		case model.Abroad:
			w = &p.Population.RegionAbroad
		}
		sum := 0.0
		for g := model.Region(0); g < model.NumRegions; g++ {
			sum += w.Of(g)
			t.regionCum[o][g] = sum
		}
		for g := model.Region(0); g < model.NumRegions; g++ {
			t.regionCum32[o][g] = prob32(t.regionCum[o][g] / sum)
		}
		for top := range t.regionByTop[o] {
			lo, hi := uint64(top)<<24, uint64(top+1)<<24-1
			t.regionByTop[o][top] = -1
			if g := t.pickRegion32(lo, model.Origin(o)); g == t.pickRegion32(hi, model.Origin(o)) {
				t.regionByTop[o][top] = int8(g)
			}
		}
		t.interceptAt[o] = p.Contact.CheckpointInterception.Of(o)
		t.intercept32[o] = prob32(t.interceptAt[o])
		t.seekAtExit[o] = math.Min(1, p.Contact.HelpSeekingAtExit.Of(o)*p.Contact.Awareness)
		t.seek32[o] = prob32(t.seekAtExit[o])
	}
	t.death32 = prob32(p.Exploitation.DeathShare)
	for f := model.Form(0); f < model.NumForms; f++ {
		t.recognition[f] = p.Police.Recognition.Of(f)
		for sx := model.Sex(0); sx < model.NumSexes; sx++ {
			t.acceptance[f][sx] = model.AcceptanceProb(model.Victimhood{Form: f, Sex: sx}, &p.Victims)
		}
	}
	for sec := model.Sector(0); sec < model.NumSectors; sec++ {
		t.complicit[sec] = p.Exploitation.ComplicitSiteShare.Of(sec)
	}
	for o := model.Origin(0); o < model.NumOrigins; o++ {
		t.helpToPolice[o] = p.Contact.HelpAtExitToPolice.Of(o)
	}
	t.compensationMRP = p.Assistance.CompensationFundMRP.At(float64(year) + 0.5)
	r.buildReportTable()
	t.retraffick32 = prob32(p.Exploitation.RetraffickingProb)
	for sec := model.Sector(0); sec < model.NumSectors; sec++ {
		t.exitHazard[sec] = mkHazard(model.HazardForMean(p.Exploitation.MeanDurationMonths.Of(sec)))
		t.contact[sec] = mkHazard(math.Min(1, p.Contact.ThirdPartyMonthly.Of(sec)*p.Contact.Awareness))
		for g := model.Region(0); g < model.NumRegions; g++ {
			t.raid[g][sec] = mkHazard(math.Min(1, p.Police.RaidMonthly.Of(sec)*p.Police.RegionalEffort.Of(g)))
		}
	}
	t.retraffick = mkHazard(model.HazardForMean(p.Exploitation.RetraffickingDelayMonths))
	for sec := model.Sector(0); sec < model.NumSectors; sec++ {
		if mean := p.Exploitation.MeanSiteSize.Of(sec); mean > 1 {
			t.siteSize[sec] = mkHazard(1 / mean)
		} else {
			t.siteSize[sec] = mkHazard(1)
		}
	}
	for sec := model.Sector(0); sec < model.NumSectors; sec++ {
		he, hc := t.exitHazard[sec].p, t.contact[sec].p
		h := 1 - float64((1-he)*(1-hc)) // rounded before the difference: see internal/detmath
		t.first[sec] = mkHazard(h)
		t.exitFirst[sec] = 1
		if h > 0 {
			t.exitFirst[sec] = he / h
		}
		t.exitFirst32[sec] = prob32(t.exitFirst[sec])
	}
}

// buildReportTable tabulates model.ReportProb for the parameters in force and
// the compensation fund in t.compensationMRP.
func (r *replicate) buildReportTable() {
	p, t := r.p, &r.tab
	for o := model.Origin(0); o < model.NumOrigins; o++ {
		for d := model.Documentation(0); d < model.NumDocumentations; d++ {
			for f := model.Form(0); f < model.NumForms; f++ {
				for ngo := 0; ngo < 2; ngo++ {
					for open := 0; open < 2; open++ {
						for g := model.Region(0); g < model.NumRegions; g++ {
							h := model.Victimhood{Origin: o, Doc: d, Form: f, NGOSupported: ngo == 1}
							t.report[o][d][f][ngo][open][g] = model.ReportProb(h, &p.Victims, &p.Law,
								p.Police.Corruption.Of(g), open == 1, t.compensationMRP)
						}
					}
				}
			}
		}
	}
}

func (r *replicate) hood(v *victim) model.Victimhood {
	s := &strata[v.stratum]
	return model.Victimhood{Origin: s.Origin, Sex: s.Sex, Age: s.Age, Form: s.Form(), Doc: s.Doc,
		Exploited: v.flags&fExploitationStarted != 0, NGOSupported: v.flags&fNGO != 0}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// run simulates the replicate from the warm-up to the end of the horizon.
func (r *replicate) run() {
	r.init()
	r.advance(int32(r.to))
}

// init prepares the first simulated month: arrays, streams, the initial stock.
func (r *replicate) init() {
	months := int(r.to-r.start) + 1
	r.stockDelta = make([][CellsPerYear]int32, months+1)
	r.silentExits = make([][CellsPerYear]int32, months)
	if cap(r.calendar) < months {
		r.calendar = make([][]event, months)
	}
	r.calendar = r.calendar[:months]
	for i := range r.calendar {
		r.calendar[i] = r.calendar[i][:0]
	}
	r.beyond = r.beyond[:0]
	r.keepBeyond = delayChanges(r.params)
	r.counts = make(Counts, (r.to.Year()-r.firstYear+1)*CellsPerYear)
	r.monthly = nil
	if r.cfg.Monthly {
		r.monthly = make(Counts, (int(r.to-r.from)+1)*CellsPerYear)
	}
	for i := range r.recruiting {
		for j := range r.recruiting[i] {
			r.recruiting[i][j] = -1
		}
	}
	for k := range r.victimKeys {
		r.victimKeys[k] = Key(r.seedHi, purposeVictim, uint64(k))
	}
	for s := 0; s < model.NumStrata; s++ {
		r.arrivalSrc[s].seed(r.seedHi, Key(r.seedHi, Purpose("arrivals"), uint64(s)))
	}
	for g := range r.raidSrc {
		for sec := range r.raidSrc[g] {
			r.raidSrc[g][sec].seed(r.seedHi, Key(r.seedHi, Purpose("raids"), uint64(g), uint64(sec)))
			r.raidable[g][sec] = r.raidable[g][sec][:0]
		}
	}
	r.setPhase(r.start)
	r.newYear(int32(r.start))
	r.reserve()
	r.initialStock(int32(r.start))
	r.next = int32(r.start)
}

// advance simulates the months from r.next to month to (inclusive).
func (r *replicate) advance(to int32) {
	stock := &r.stock
	for t := r.next; t <= to; t++ {
		r.month = t
		if r.setPhase(model.Month(t)) {
			r.refreshHazards(t)
			r.refreshYear(t, true)
		}
		if model.Month(t).MonthNumber() == 1 && t != int32(r.start) { // init already opened the first year
			r.newYear(t)
		}
		i := int(t) - int(r.start)
		r.prefetch(r.calendar[i])
		if r.arrive != nil {
			r.arrive(t)
		} else {
			r.arrivals(t)
		}
		// Events scheduled for this month while it is processed join the end
		// of its list, so the list may grow while it is processed. The raids
		// come after the month's events, and what they set in motion this
		// month after them.
		j := 0
		for ; j < len(r.calendar[i]); j++ {
			r.handle(r.calendar[i][j], t)
		}
		r.raids(t)
		for ; j < len(r.calendar[i]); j++ {
			r.handle(r.calendar[i][j], t)
		}
		r.processCases(t)
		for c, n := range r.silentExits[i] {
			if n != 0 {
				r.count(t, c, ExitedUncontacted, int64(n))
			}
		}
		if r.onMonth != nil {
			r.onMonth(t)
		}
		d := &r.stockDelta[int(t)-int(r.start)]
		for c := 0; c < CellsPerYear; c++ {
			stock[c] += int64(d[c])
		}
		if model.Month(t).MonthNumber() == 12 || model.Month(t) == r.to {
			for c := 0; c < CellsPerYear; c++ {
				r.count(t, c, TrueVictimsStock, stock[c])
			}
		}
		if r.monthly != nil && model.Month(t) >= r.from {
			// Every month's stock, the year's last month included (set, not
			// added: count added the year-end stock above).
			row := r.monthly[(int(t)-int(r.from))*CellsPerYear:]
			for c := 0; c < CellsPerYear; c++ {
				row[c][TrueVictimsStock] = stock[c]
			}
		}
	}
	if to >= r.next {
		r.next = to + 1
	}
}

// prefetch reads the victim records the month's events will need in a loop
// whose loads do not depend on each other, so that the processor overlaps
// their cache misses, and does so before the month's arrivals, instead of
// meeting each miss in turn while handling the events: the records are years
// old and spread over tens of megabytes. It changes no state.
func (r *replicate) prefetch(events []event) {
	var sum int32
	for _, e := range events {
		sum += int32(r.victims[e.id].state)
	}
	r.sink += sum
}

// reserve sizes the victim and site arrays for the expected number of spells
// (arrivals year by year under the first phase, the initial stock, and
// re-trafficking, with a margin), so that growing them does not copy tens of
// megabytes, and leave them as garbage, several times a replicate.
func (r *replicate) reserve() {
	expected := 0.0
	law := &r.p.Law
	for y := r.start.Year(); y <= r.to.Year(); y++ {
		months := 12.0
		if y == r.start.Year() {
			months = float64(13 - r.start.MonthNumber())
		}
		if y == r.to.Year() {
			months -= float64(12 - r.to.MonthNumber())
		}
		for s := 0; s < model.NumStrata; s++ {
			st := model.StratumAt(s)
			risk := model.MonthlyRisk(st, float64(y)+0.5, &r.p.Victimisation, law)
			expected += float64(model.PopulationAt(st, float64(y)+0.5, &r.p.Population) * risk * months)
		}
	}
	for s := 0; s < model.NumStrata; s++ {
		expected += float64(r.stratumPop[s] * r.strataRisk[s] * r.p.Exploitation.MeanDurationMonths.Of(model.StratumAt(s).Sector))
	}
	expected *= 1 + r.p.Exploitation.RetraffickingProb
	n := int(expected*1.15) + 1024
	if cap(r.victims) < n {
		r.victims = make([]victim, 0, n)
	}
	if cap(r.sites) < n*2/5+1024 {
		r.sites = make([]site, 0, n*2/5+1024)
	}
	if cap(r.members) < n+1024 {
		r.members = make([]member, 0, n+1024)
	}
}

// phaseAt returns the phase in force in month m.
func (r *replicate) phaseAt(m model.Month) int {
	ph := 0
	for i, p := range r.cfg.Scenario.Phases {
		if p.From <= m {
			ph = i
		}
	}
	return ph
}

// setPhase switches to the parameters in force in month m; it reports a change.
func (r *replicate) setPhase(m model.Month) bool {
	ph := r.phaseAt(m)
	changed := r.p != nil && ph != r.phase
	if r.p == nil || changed {
		r.phase, r.p = ph, r.params[ph]
		r.buildTables(m.Year())
	}
	return changed
}

// refreshHazards redraws, at a phase change in month t, what was drawn in
// advance under the old parameters and has not happened yet, wherever the
// parameters it was drawn with changed:
//   - the exit and third-party contact of every victim exploited at the start
//     of month t (exit hazard, contact hazard, awareness);
//   - what happens at that exit: death, help seeking (death share, help
//     seeking at exit, awareness) and, for an exit planned as silent,
//     re-trafficking and its delay (re-trafficking probability and delay);
//   - the month of every pending re-trafficking of a person already out of
//     exploitation (re-trafficking delay).
//
// Waiting times are geometric (memoryless) and the decisions independent
// draws, so drawing them anew from month t on is exact; what did not change
// keeps its draws, so paired scenarios stay paired. A person already out of
// exploitation and due to be trafficked again stays so when the
// re-trafficking probability changes (it was decided at the exit). Raids
// need nothing: each month's are drawn with the hazards in force.
func (r *replicate) refreshHazards(t int32) {
	old, p := &r.params[r.phase-1].Exploitation, &r.p.Exploitation
	oc, pc := &r.params[r.phase-1].Contact, &r.p.Contact
	contactChanged := oc.ThirdPartyMonthly != pc.ThirdPartyMonthly || oc.Awareness != pc.Awareness
	exitChanged := old.MeanDurationMonths != p.MeanDurationMonths
	atExitChanged := old.DeathShare != p.DeathShare || oc.HelpSeekingAtExit != pc.HelpSeekingAtExit || oc.Awareness != pc.Awareness
	delayChanged := old.RetraffickingDelayMonths != p.RetraffickingDelayMonths
	retraffickChanged := old.RetraffickingProb != p.RetraffickingProb || delayChanged
	if delayChanged {
		r.redrawPendingRetrafficking(t)
	}
	if !contactChanged && !exitChanged && !atExitChanged && !retraffickChanged {
		return
	}
	for i := range r.victims {
		v := &r.victims[i]
		// Every victim exploited at the start of month t is redrawn,
		// those whose planned exit falls in month t included: keeping
		// those exits and redrawing the others from month t would let a
		// victim leave in month t with both the old and the new hazard
		// (about twice the monthly exits in the month of the change).
		if !r.exploitedAt(int32(i), t-1) {
			continue
		}
		s := strata[v.stratum]
		// unplan also forgets a silent exit's re-trafficking draw, which
		// plan then makes again with the parameters in force.
		r.unplan(int32(i))
		if contactChanged || exitChanged {
			// Exit and contact were drawn together (competing risks), so a
			// change to either redraws both from month t: exact, by memorylessness.
			tExit, tContact := r.exitOrContact(&v.rng, s.Sector, t)
			r.moveExit(v, tExit)
			v.tContact = tContact
			r.noteExit(int32(i))
		}
		if atExitChanged {
			r.planExit(v, s)
		}
		r.plan(int32(i), t)
	}
}

// delayChanges reports whether a phase changes the re-trafficking delay.
func delayChanges(params []*model.Params) bool {
	for ph := 1; ph < len(params); ph++ {
		if params[ph].Exploitation.RetraffickingDelayMonths != params[ph-1].Exploitation.RetraffickingDelayMonths {
			return true
		}
	}
	return false
}

// redrawPendingRetrafficking moves every pending re-trafficking of a person
// out of exploitation to month t-1+W, W drawn with the delay in force from
// month t (memoryless, so exact), those due after the horizon included (they
// may now fall within it: without them, results depended on --to). The
// events are collected first: moved ones land in the months still to be
// scanned.
func (r *replicate) redrawPendingRetrafficking(t int32) {
	var pending []int32
	collect := func(e event) {
		if e.kind != evRetraffick {
			return
		}
		r.exploitedAt(e.id, t-1) // applies a silent exit that came due
		if v := &r.victims[e.id]; uint32(v.gen) == e.gen && v.state == Free {
			pending = append(pending, e.id)
		}
	}
	for i := int(t) - int(r.start); i >= 0 && i < len(r.calendar); i++ {
		for _, e := range r.calendar[i] {
			collect(e)
		}
	}
	// In month order, as in the calendar of a longer horizon, so that what
	// happens before the horizon's end does not depend on where it ends.
	slices.SortStableFunc(r.beyond, func(a, b dated) int { return cmp.Compare(a.t, b.t) })
	for _, d := range r.beyond {
		collect(d.e)
	}
	// The events left there are stale, or of victims still exploited, which
	// refreshHazards plans again.
	r.beyond = r.beyond[:0]
	for _, id := range pending {
		v := &r.victims[id]
		v.gen++ // stales the old event
		r.schedule(t-1+r.wait(&v.rng, r.tab.retraffick), event{kind: evRetraffick, id: id, gen: uint32(v.gen)})
	}
}

func (r *replicate) contactHazard(s model.Stratum) hazard { return r.tab.contact[s.Sector] }

func (r *replicate) newYear(t int32) {
	r.lastYearReg = r.registered
	r.registered = [model.NumRegions]int{}
	r.refreshYear(t, false)
}

// shelterQuota is the number of state-funded shelter places of year y under the parameters in force.
func (r *replicate) shelterQuota(y int) int {
	return int(math.Round(r.p.Assistance.FundedShelters.At(float64(y)) * r.p.Assistance.PlacesPerShelterYear))
}

// refreshYear computes the year's people at risk, their monthly risk and the
// shelter quota under the parameters in force. At a policy change in the
// middle of a year (midYear) the quota changes by the difference of the two
// yearly quotas for the months that remain.
func (r *replicate) refreshYear(t int32, midYear bool) {
	year := model.Month(t).Year()
	y := float64(year)
	if midYear {
		old := r.params[r.phase-1]
		cur := r.p
		r.p = old
		before := r.shelterQuota(year)
		r.p = cur
		remaining := float64(13 - model.Month(t).MonthNumber())
		r.shelterLeft += int(math.Round(float64(r.shelterQuota(year)-before) * remaining / 12))
		if r.shelterLeft < 0 {
			r.shelterLeft = 0
		}
	} else {
		r.shelterLeft = r.shelterQuota(year)
	}
	// The compensation fund changes with the year (it began in July 2020).
	if c := r.p.Assistance.CompensationFundMRP.At(y + 0.5); c != r.tab.compensationMRP {
		r.tab.compensationMRP = c
		r.buildReportTable()
	}
	// People at risk and their risk change with the year (and the law in force).
	law := &r.p.Law
	for s := 0; s < model.NumStrata; s++ {
		st := model.StratumAt(s)
		r.stratumPop[s] = model.PopulationAt(st, y+0.5, &r.p.Population)
		r.strataRisk[s] = model.MonthlyRisk(st, y+0.5, &r.p.Victimisation, law)
		r.arrivalN[s] = newBinomial(math.Floor(r.stratumPop[s]), r.strataRisk[s])
	}
}

// arrivals draws the number of new victims in each stratum (an exact binomial
// draw over the people at risk) and creates them.
func (r *replicate) arrivals(t int32) {
	for s := 0; s < model.NumStrata; s++ {
		k := int(r.arrivalN[s].draw(&r.arrivalSrc[s]))
		if k == 0 {
			continue
		}
		r.count(t, stratumCell[s], TrueNewVictims, int64(k))
		base := r.cohortSeed(seedArrival, uint8(s), t)
		for j := 0; j < k; j++ {
			r.newVictim(uint8(s), t, splitmix64(base^uint64(j)), -1)
		}
	}
}

// initialStock fills the sites at the first simulated month with the victims a
// stationary process would hold at the end of the month before: per stratum a
// binomial draw with the probability of being in exploitation then. A spell
// that begins in a month and lasts W months (geometric, mean m) is in W-1
// month-end stocks, so the stock is the monthly inflow times m-1; and the
// inflow is the first spells (risk) plus the spells of people trafficked
// again, a share rho of those who leave alive (1 - death share), so
// risk / (1 - rho (1 - death share)) in all. (Until session 6 the stock was
// risk times m: 3% too many at the start, but no re-trafficked spells in it,
// which left the stock about 4% short in 2010 and 1% in 2014.) People who
// left before the first month and will be trafficked again are seeded too
// (initialPending).
func (r *replicate) initialStock(t int32) {
	var src rng
	src.seed(r.seedHi, Key(r.seedHi, Purpose("initial-stock")))
	ex := &r.p.Exploitation
	inflow := 1 / (1 - float64(ex.RetraffickingProb*(1-ex.DeathShare))) // per first spell; products rounded (internal/detmath)
	for s := 0; s < model.NumStrata; s++ {
		n := math.Floor(r.stratumPop[s])
		st := model.StratumAt(s)
		q := float64(float64(r.strataRisk[s]*(ex.MeanDurationMonths.Of(st.Sector)-1)) * inflow)
		if n <= 0 || q <= 0 {
			continue
		}
		d := newBinomial(n, math.Min(q, 1))
		k := int(d.draw(&src))
		base := r.cohortSeed(seedInitialStock, uint8(s), t)
		for j := 0; j < k; j++ {
			r.newVictim(uint8(s), t, splitmix64(base^uint64(j)), -2)
		}
	}
	r.initialPending(t)
}

// initialPending seeds, at the first simulated month t, the people a
// stationary process would hold between two spells: out of exploitation
// alive, and to be trafficked again. They leave exploitation at a rate of
// inflow (1 - death share) a month, a share rho of them to be trafficked
// again after a geometric delay with mean D, so at the end of the month
// before t there are risk / (1 - rho (1 - death share)) (1 - death share)
// rho D of them per person at risk (each exit month k months back
// contributes those whose delay is at least k, and the sum of P(W >= k) is
// D). By memorylessness each is trafficked again in month t-1+W. Each is
// a record of a past spell (ended before t, so not in the victims table)
// with a re-trafficking event; nothing is counted until that event. Without
// them re-trafficked spells were about 5% short in 2010.
func (r *replicate) initialPending(t int32) {
	ex := &r.p.Exploitation
	h := r.tab.retraffick
	if ex.RetraffickingProb <= 0 || h.p <= 0 {
		return
	}
	var src rng
	src.seed(r.seedHi, Key(r.seedHi, Purpose("initial-pending")))
	alive := float64(1 - ex.DeathShare)
	inflow := 1 / (1 - float64(ex.RetraffickingProb*alive))
	perRisk := float64(float64(float64(inflow*alive)*ex.RetraffickingProb) / h.p) // per unit of monthly risk
	for s := 0; s < model.NumStrata; s++ {
		n := math.Floor(r.stratumPop[s])
		q := float64(r.strataRisk[s] * perRisk)
		if n <= 0 || q <= 0 {
			continue
		}
		d := newBinomial(n, math.Min(q, 1))
		k := int(d.draw(&src))
		base := r.cohortSeed(seedPending, uint8(s), t)
		for j := 0; j < k; j++ {
			id := int32(len(r.victims))
			pv := victim{stratum: uint8(s), site: -1, start: t - 1, tExit: t - 1, tContact: never, person: r.persons,
				state: Free, outcome: model.LeftUncontacted, flags: fExploitationStarted | fRetraffickDrawn, gen: 1}
			r.persons++
			pv.seed(r.seedHi, splitmix64(base^uint64(j)))
			at := t - 1 + pv.wait(h)
			r.victims = append(r.victims, pv)
			r.schedule(at, event{kind: evRetraffick, id: id, gen: 1})
		}
	}
}

// newVictim creates a victim spell. person < 0 creates a new person: -1 a new
// arrival, -2 a member of the initial stock (already exploited for some time).
func (r *replicate) newVictim(stratum uint8, t int32, seedLo uint64, person int32) int32 {
	// Draws use a local copy of the victim's stream, stored into the agent at
	// the end: the agent's cache line is written once instead of being read
	// back for every draw.
	// The record is built here and appended once, complete: a replicate
	// writes some 600,000 of them, tens of megabytes.
	nv := victim{stratum: stratum, site: -1, start: t}
	nv.seed(r.seedHi, seedLo)
	g := &nv.rng
	s := &strata[stratum]
	cell := stratumCell[stratum]
	id := int32(len(r.victims))
	if person >= 0 {
		prev := &r.victims[person]
		nv.person, nv.spell = prev.person, prev.spell+1
		prev.state = NewSpell
	} else {
		nv.person = r.persons
		r.persons++
	}
	// Three words of random bits decide, in pairs: region and interception;
	// whether the exit comes before a third-party contact, and death at the
	// exit; help seeking at the exit, and re-trafficking after a silent exit.
	u := g.bits()
	nv.region = r.pickRegion32(hi32(u), s.Origin)
	if person == -2 {
		// Left-truncated: time already spent is geometric too (stationary,
		// memoryless), at least a month: the spell was running at the end of
		// the month before.
		nv.start = t - g.wait(r.tab.exitHazard[s.Sector])
	} else {
		if person >= 0 { // new arrivals are counted by arrivals, all at once
			r.count(t, cell, TrueNewVictims, 1)
			r.count(t, cell, Retrafficked, 1)
		}
		if lo32(u) < r.tab.intercept32[s.Origin] {
			// Intercepted in transit: recruited and deceived, exploitation not yet begun.
			nv.state = Free
			nv.tExit = t
			r.victims = append(r.victims, nv)
			r.contact(id, model.Checkpoint, t)
			return id
		}
	}
	// Exit and third-party contact as competing risks, as in exitOrContact.
	nv.tExit = t - 1 + g.wait(r.tab.first[s.Sector])
	nv.tContact = never
	u = g.bits()
	if hi32(u) >= r.tab.exitFirst32[s.Sector] {
		nv.tExit, nv.tContact = nv.tExit+g.wait(r.tab.exitHazard[s.Sector]), nv.tExit
	}
	nv.flags = fExploitationStarted
	if lo32(u) < r.tab.death32 {
		nv.flags |= fDiesAtExit
	}
	u = g.bits()
	if nv.flags&fDiesAtExit == 0 && hi32(u) < r.tab.seek32[s.Origin] {
		nv.flags |= fSeeksAtExit
	}
	retraffick := drawNo
	if lo32(u) < r.tab.retraffick32 {
		retraffick = drawYes
	}
	nv.state = Exploited
	if s.Origin != model.Abroad {
		nv.site = r.joinSite(id, nv.region, s.Sector, nv.tExit, t)
	}
	r.victims = append(r.victims, nv)
	r.addStock(t, cell, 1)
	r.addStock(nv.tExit, cell, -1)
	r.planDrawn(id, t, retraffick)
	return id
}

// drawn is a random decision made in advance, or not yet made.
type drawn uint8

const (
	drawLater drawn = iota // not drawn: draw from the agent's stream when needed
	drawNo
	drawYes
)

// strata decodes every stratum index once.
var strata = func() (s [model.NumStrata]model.Stratum) {
	for i := range s {
		s[i] = model.StratumAt(i)
	}
	return s
}()

var (
	purposeVictim = Purpose("victim")
	purposeSite   = Purpose("site")
)

// Kinds of victim streams.
const (
	seedArrival      = iota // a new arrival, keyed by stratum, month and rank
	seedInitialStock        // a member of the initial stock, keyed the same way
	seedRetraffick          // a re-trafficked spell, keyed by person and spell number
	seedPending             // a person between spells at the start (initialPending), keyed as arrivals
	numSeedKinds
)

// cohortSeed is the seed of the victims of one kind, stratum and month: the
// j-th has the stream of splitmix64(cohortSeed ^ j). One mixing round over
// a replicate-level key: distinct (stratum, month) give distinct seeds
// (splitmix64 is a bijection).
func (r *replicate) cohortSeed(kind int, stratum uint8, t int32) uint64 {
	return splitmix64(r.victimKeys[kind] ^ uint64(stratum)<<32 ^ uint64(uint32(t)))
}

// retraffickSeed is the seed of spell number spell of a person trafficked
// again: keyed by person and spell alone, so that the same later spell has
// the same stream in every scenario, whatever month it begins.
func (r *replicate) retraffickSeed(person int32, spell uint8) uint64 {
	return splitmix64(r.victimKeys[seedRetraffick] ^ uint64(uint32(person))<<8 ^ uint64(spell))
}

// exitOrContact draws, for a victim in exploitation from month t on, the
// month of its exit and of its next third-party contact, as competing risks
// in one draw: the first event comes after a geometric time with the combined
// hazard, and is the exit with probability exitFirst (exit wins ties). After
// a contact first, the exit is drawn anew (memoryless); after an exit first,
// no contact is pending.
func (r *replicate) exitOrContact(g *rng, sec model.Sector, t int32) (tExit, tContact int32) {
	first := t - 1 + r.wait(g, r.tab.first[sec])
	if g.float64() < r.tab.exitFirst[sec] {
		return first, never
	}
	return first + r.wait(g, r.tab.exitHazard[sec]), first
}

// addStock records a change of n victims in exploitation from month t on.
func (r *replicate) addStock(t int32, cell int, n int32) {
	i := int(t) - int(r.start)
	if i >= 0 && i < len(r.stockDelta) {
		r.stockDelta[i][cell] += n
	}
}

// addSilentExit records n planned uncontacted exits in month t (see silentExits).
func (r *replicate) addSilentExit(t int32, cell int, n int32) {
	if t < r.month { // that month's exits are already counted
		r.count(t, cell, ExitedUncontacted, int64(n))
		return
	}
	if i := int(t) - int(r.start); i >= 0 && i < len(r.silentExits) {
		r.silentExits[i][cell] += n
	}
}

// moveExit changes a victim's planned exit month, keeping the stock in step.
func (r *replicate) moveExit(v *victim, t int32) {
	cell := r.vcell(v)
	r.addStock(v.tExit, cell, 1)
	v.tExit = t
	r.addStock(t, cell, -1)
}

// planExit draws what happens when exploitation ends by itself: death, or
// escape or release followed (or not) by a search for help.
func (r *replicate) planExit(v *victim, s model.Stratum) {
	v.flags &^= fDiesAtExit | fSeeksAtExit
	p := r.p
	if v.bern(p.Exploitation.DeathShare) {
		v.flags |= fDiesAtExit
		return
	}
	if v.bern(r.tab.seekAtExit[s.Origin]) {
		v.flags |= fSeeksAtExit
	}
}

// plan schedules the next event of a victim in exploitation. Most victims
// leave exploitation without meeting anyone (MODEL.md, Orders of magnitude):
// for them the exit is counted in advance and no event is scheduled at all
// (a silent exit); a raid or a returned victim undoes it with unplan. This
// keeps the engine's work proportional to the victims something happens to.
func (r *replicate) plan(id int32, t int32) { r.planDrawn(id, t, drawLater) }

// planDrawn is plan with the re-trafficking decision after a silent exit
// possibly drawn in advance (by newVictim).
func (r *replicate) planDrawn(id int32, t int32, retraffick drawn) {
	v := &r.victims[id]
	v.gen++
	if v.tContact < v.tExit || v.flags&fSeeksAtExit != 0 {
		at := v.tExit
		if v.tContact < at {
			at = v.tContact
		}
		if at <= int32(r.to) {
			r.schedule(at, event{kind: evVictim, id: id, gen: uint32(v.gen)})
		}
		return
	}
	v.flags |= fSilentExit
	cell := r.vcell(v)
	if v.flags&fDiesAtExit != 0 {
		r.count(v.tExit, cell, DiedInExploitation, 1)
		return
	}
	if v.channel == model.NoContact {
		r.addSilentExit(v.tExit, cell, 1)
	}
	ex := &r.p.Exploitation
	if v.flags&fRetraffickDrawn == 0 {
		v.flags |= fRetraffickDrawn
		if retraffick == drawYes || retraffick == drawLater && v.bern(ex.RetraffickingProb) {
			r.schedule(v.tExit+r.wait(&v.rng, r.tab.retraffick), event{kind: evRetraffick, id: id, gen: uint32(v.gen)})
		}
	}
}

// unplan cancels a silent exit planned by plan (its counts and its re-trafficking).
func (r *replicate) unplan(id int32) {
	v := &r.victims[id]
	v.gen++ // stales any pending event of the victim
	if v.flags&fSilentExit == 0 {
		return
	}
	v.flags &^= fSilentExit
	cell := r.vcell(v)
	if v.flags&fDiesAtExit != 0 {
		r.count(v.tExit, cell, DiedInExploitation, -1)
		return
	}
	if v.channel == model.NoContact {
		r.addSilentExit(v.tExit, cell, -1)
	}
	v.flags &^= fRetraffickDrawn
}

// exploitedAt reports whether victim id is in exploitation in month t,
// applying a silent exit that has come due.
func (r *replicate) exploitedAt(id int32, t int32) bool {
	v := &r.victims[id]
	if v.state != Exploited {
		return false
	}
	if v.tExit > t || v.flags&fSilentExit == 0 {
		return true
	}
	// The planned exit happened: its counts were made when it was planned.
	v.flags &^= fSilentExit
	switch {
	case v.flags&fDiesAtExit != 0:
		v.state, v.outcome = Dead, model.Died
	case v.channel == model.NoContact:
		v.state, v.outcome = Free, model.LeftUncontacted
	default:
		v.state = Free
		if v.outcome < model.AssistedOnly {
			v.outcome = model.AssistedOnly
		}
	}
	return false
}

// pickRegion32 draws the region of a victim of origin o from 32 random bits:
// from their top 8 bits alone, unless they fall where two regions meet.
func (r *replicate) pickRegion32(bits uint64, o model.Origin) model.Region {
	if g := r.tab.regionByTop[o][bits>>24]; g >= 0 {
		return model.Region(g)
	}
	return r.tab.pickRegion32(bits, o)
}

// pickRegion32 compares 32 random bits with the cumulative region thresholds.
func (t *tables) pickRegion32(bits uint64, o model.Origin) model.Region {
	cum := &t.regionCum32[o]
	for g := model.Region(0); g < model.NumRegions-1; g++ {
		if bits < cum[g] {
			return g
		}
	}
	return model.NumRegions - 1
}

// joinSite puts a victim exploited in Kazakhstan in the recruiting site of
// its region and sector, opening a new site when that one is full. Victims
// exploited abroad are in no site: no Kazakh raid or case reaches where they
// are, and a site of one would change nothing (it once cost a fifth of the
// sites). It returns the site; tExit is the victim's planned exit.
func (r *replicate) joinSite(id int32, g model.Region, sec model.Sector, tExit int32, t int32) int32 {
	sid := r.recruiting[g][sec]
	if sid < 0 || r.sites[sid].joined >= r.sites[sid].target || r.sites[sid].closed {
		sid = int32(len(r.sites))
		seq := r.siteSeq[g][sec]
		r.siteSeq[g][sec]++
		var src rng // the site's own draws: its size and its complicity
		src.seed(r.seedHi, splitmix64(r.seedHi^purposeSite^(uint64(g)<<56|uint64(sec)<<48|uint64(seq))))
		ns := site{region: g, sector: sec, kase: -1, qualMonth: -1, target: 1}
		if r.p.Exploitation.MeanSiteSize.Of(sec) > 1 {
			ns.target = src.wait(r.tab.siteSize[sec]) // geometric on 1, 2, ... with the mean site size
		}
		ns.complicit = src.bern(r.tab.complicit[sec])
		r.sites = append(r.sites, ns)
		r.recruiting[g][sec] = sid
		r.raidable[g][sec] = append(r.raidable[g][sec], sid) // raids may find it from this month
	}
	st := &r.sites[sid]
	st.joined++
	if st.joined == 1 {
		st.first = int32(len(r.members))
		r.members = append(r.members, make([]member, st.target)...)
	}
	r.members[st.first+st.joined-1] = member{id: id, tExit: tExit}
	st.lastExit = max(st.lastExit, tExit)
	return sid
}

// raidPick is a raid drawn for this month: the site at position at of its
// region and sector's raidable list.
type raidPick struct {
	at     int32
	region model.Region
	sector model.Sector
	over   bool // the site is no longer raidable: drop it from the list
}

// raids carries out month t's police raids. Every raidable site of region g
// and sector sec is raided with the monthly hazard of its region and sector,
// independently of the others: the raided sites are found by skipping
// through the list with geometric gaps, an exact way of drawing one Bernoulli
// trial per site (and one waiting time per raid instead of one per site). A
// site drops out of the lists when a raid finds it closed, or empty with
// nobody left to recruit: raids on it could change nothing. The sites are
// read ahead of the raids (see prefetch), and the lists shortened after them,
// from the back, so that no site skips its trial this month.
func (r *replicate) raids(t int32) {
	picks := r.raided[:0]
	for g := range r.raidable {
		for sec := range r.raidable[g] {
			list := r.raidable[g][sec]
			h := r.tab.raid[g][sec]
			if len(list) == 0 || h.p <= 0 {
				continue
			}
			src := &r.raidSrc[g][sec]
			for k := int(src.wait(h)) - 1; k < len(list); k += int(src.wait(h)) {
				picks = append(picks, raidPick{at: int32(k), region: model.Region(g), sector: model.Sector(sec)})
			}
		}
	}
	var sum int32
	for _, p := range picks {
		st := &r.sites[r.raidable[p.region][p.sector][p.at]]
		if st.joined > 0 && st.lastExit > t {
			m := r.members[st.first]
			sum += m.tExit + int32(r.victims[m.id].state)
		}
	}
	r.sink += sum
	for i := range picks {
		p := &picks[i]
		p.over = !r.raid(r.raidable[p.region][p.sector][p.at], t)
	}
	for i := len(picks) - 1; i >= 0; i-- {
		if p := picks[i]; p.over {
			list := r.raidable[p.region][p.sector]
			last := len(list) - 1
			list[p.at] = list[last]
			r.raidable[p.region][p.sector] = list[:last]
		}
	}
	r.raided = picks
}

// raid is a police raid on site sid in month t: every victim still exploited
// there is contacted. It reports whether the site stays under the raid
// hazard: open, and it held someone or may still recruit.
func (r *replicate) raid(sid int32, t int32) bool {
	st := &r.sites[sid]
	if st.closed || st.joined >= st.target && st.lastExit <= t {
		return false // closed, or nobody left to find or to recruit
	}
	found := false
	r.raiding = sid
	for i, m := range r.siteMembers(st) {
		if m.tExit > t && r.exploitedAt(m.id, t) {
			found = true
			r.raidMet = i + 1
			r.contact(m.id, model.PoliceRaid, t)
		}
	}
	r.raiding = -1
	st = &r.sites[sid]
	return !st.closed && (found || st.joined < st.target)
}

func (r *replicate) handle(e event, t int32) {
	switch e.kind {
	case evVictim:
		v := &r.victims[e.id]
		if uint32(v.gen) != e.gen || v.state != Exploited {
			return
		}
		if v.tExit <= v.tContact {
			r.exitExploitation(e.id, t)
		} else {
			s := strata[v.stratum]
			ch := model.ThirdParty
			if !v.bern(r.p.Contact.ThirdPartyToPolice) {
				ch = model.Hotline
			}
			v.tContact = t + r.wait(&v.rng, r.contactHazard(s))
			gen := v.gen
			r.contact(e.id, ch, t)
			// Planned again if still exploited, unless the contact planned it
			// already (returnToSite, after a corrupt closure): a second plan
			// would stale the re-trafficking event the first scheduled, or
			// count a death twice.
			if v := &r.victims[e.id]; v.state == Exploited && v.gen == gen {
				r.plan(e.id, t)
			}
		}
	case evRetraffick:
		r.exploitedAt(e.id, t)
		v := &r.victims[e.id]
		if v.state != Free || uint32(v.gen) != e.gen {
			return
		}
		r.newVictim(v.stratum, t, r.retraffickSeed(v.person, v.spell+1), e.id)
	}
}

// member is a victim a site recruited, with an upper bound on the month it
// leaves exploitation: a raid skips members whose bound has passed without
// reading the victim (most have left long before).
type member struct{ id, tExit int32 }

// siteMembers returns the victims a site has recruited (a view, not a copy).
func (r *replicate) siteMembers(st *site) []member {
	return r.members[st.first : st.first+st.joined]
}

// noteExit records a victim's later planned exit in its site's member list.
func (r *replicate) noteExit(id int32) {
	v := &r.victims[id]
	if v.site < 0 {
		return
	}
	st := &r.sites[v.site]
	st.lastExit = max(st.lastExit, v.tExit)
	ms := r.siteMembers(st)
	for i := range ms {
		if ms[i].id == id {
			ms[i].tExit = v.tExit
			return
		}
	}
}

// leaveExploitation takes a victim out of its site.
func (r *replicate) leaveExploitation(id int32, t int32, to State) {
	v := &r.victims[id]
	if v.state != Exploited {
		v.state = to
		return
	}
	r.unplan(id)
	if t != v.tExit {
		r.moveExit(v, t)
	}
	v.state = to
}

// exitExploitation ends exploitation by escape, release or death, and lets
// the victim seek help.
func (r *replicate) exitExploitation(id int32, t int32) {
	v := &r.victims[id]
	cell := r.vcell(v)
	if v.flags&fDiesAtExit != 0 {
		r.leaveExploitation(id, t, Dead)
		v.outcome = model.Died
		r.count(t, cell, DiedInExploitation, 1)
		return
	}
	r.leaveExploitation(id, t, Free)
	if v.flags&fSeeksAtExit != 0 {
		r.contact(id, model.SelfReport, t)
	}
	v = &r.victims[id]
	if v.channel == model.NoContact {
		v.outcome = model.LeftUncontacted
		r.count(t, cell, ExitedUncontacted, 1)
	}
	if v.state == Free {
		r.maybeRetraffick(id, t)
	}
}

// maybeRetraffick draws, once per spell, whether a victim who is free again
// will be trafficked again, and when.
func (r *replicate) maybeRetraffick(id int32, t int32) {
	v := &r.victims[id]
	if v.flags&fRetraffickDrawn != 0 || v.state != Free {
		return
	}
	v.flags |= fRetraffickDrawn
	p := &r.p.Exploitation
	if v.bern(p.RetraffickingProb) {
		r.schedule(t+r.wait(&v.rng, r.tab.retraffick), event{kind: evRetraffick, id: id, gen: uint32(v.gen)})
	}
}

// toPolice decides which institution a contact reaches.
func (r *replicate) toPolice(v *victim, ch model.Channel) bool {
	switch ch {
	case model.PoliceRaid, model.Checkpoint, model.ThirdParty:
		return true
	case model.SelfReport:
		return v.bern(r.tab.helpToPolice[strata[v.stratum].Origin])
	}
	return false
}

// contact handles a victim reached by someone who could help (MODEL.md steps 2-4).
func (r *replicate) contact(id int32, ch model.Channel, t int32) {
	if r.onContact != nil {
		r.onContact(id, ch, t)
	}
	v := &r.victims[id]
	cell := r.vcell(v)
	p := r.p
	first := v.channel == model.NoContact
	if first {
		if v.state == Exploited && v.flags&fSilentExit != 0 {
			// The exit counted in advance as uncontacted no longer is.
			r.unplan(id)
			v.channel = ch
			r.plan(id, t)
		}
		v.channel = ch
		r.count(t, cell, Contacted, 1)
	}
	h := r.hood(v)
	police := r.toPolice(v, ch)
	if !police {
		if ch == model.Hotline && v.lists&model.ListHotline == 0 {
			v.lists |= model.ListHotline
			r.count(t, cell, HotlineContacts, 1)
		}
		if !v.bern(p.Assistance.NGOAccepts) {
			// Declined help: stays where they are (in exploitation, or free after leaving it).
			if v.state != Exploited && v.outcome < model.AssistedOnly {
				v.outcome = model.AssistedOnly
			}
			return
		}
		r.ngoAssists(v, t)
		v.flags |= fRecognised
		h.NGOSupported = true
		r.leaveExploitation(id, t, Free)
		if v.outcome < model.AssistedOnly {
			v.outcome = model.AssistedOnly
		}
		// Acceptance, once given, holds for the spell (as on the police
		// route): a victim returned to the exploiter is not asked again.
		if v.flags&fAccepted == 0 && !v.bern(r.tab.acceptance[h.Form][h.Sex]) {
			r.afterNoReport(id, t)
			return
		}
		v.flags |= fAccepted
		// Help without a police case, where the law allows it: state
		// services confer victim status (identify), so only to a victim who
		// accepts it (MODEL.md step 3).
		placed := r.tryShelter(id, t, false, false)
		if v.bern(r.reportProb(v, h, placed)) {
			r.report(id, t)
			return
		}
		r.afterNoReport(id, t)
		return
	}
	// Police: recognition, then the victim's acceptance of the status.
	recognised := v.flags&fRecognised != 0 || v.bern(r.tab.recognition[h.Form])
	accepted := recognised && (v.flags&fAccepted != 0 || v.bern(r.tab.acceptance[h.Form][h.Sex]))
	if recognised {
		v.flags |= fRecognised
	}
	if !accepted {
		r.notIdentifiedByPolice(id, t)
		return
	}
	v.flags |= fAccepted
	r.leaveExploitation(id, t, Free)
	if v.outcome < model.AssistedOnly {
		v.outcome = model.AssistedOnly
	}
	// A place before any statement, where the law allows help without a
	// case, as on the NGO route (under today's law it needs a registered
	// case: register offers it).
	placed := r.tryShelter(id, t, false, false)
	if v.bern(r.reportProb(v, h, placed)) {
		r.report(id, t)
		return
	}
	r.afterNoReport(id, t)
}

// ngoAssists puts a victim who accepted an NGO's help on the NGO's list
// (counted once per spell, as NGOs count) and, if foreign, perhaps on IOM's.
func (r *replicate) ngoAssists(v *victim, t int32) {
	v.flags |= fNGO
	if v.lists&model.ListNGO != 0 {
		return
	}
	cell := r.vcell(v)
	v.lists |= model.ListNGO
	r.count(t, cell, NGOAssisted, 1)
	if strata[v.stratum].Origin == model.Foreign && v.bern(r.p.Assistance.IOMForeign) {
		v.lists |= model.ListIOM
		r.count(t, cell, IOMAssisted, 1)
	}
}

// referToNGO: police who identify a victim (register the case) may refer
// it to an NGO that assists it. The probability is the data's ratio of the
// police referrals NGOs report to government-identified victims, so it
// includes the victim's consent. A victim an NGO already assists needs no
// referral.
func (r *replicate) referToNGO(id int32, t int32) {
	v := &r.victims[id]
	if v.lists&model.ListNGO != 0 || !v.bern(r.p.Assistance.PoliceReferral) {
		return
	}
	v.flags |= fReferred
	r.ngoAssists(v, t)
	r.count(t, r.vcell(v), NGOReferredPolice, 1)
}

// notIdentifiedByPolice: police met the victim but no trafficking was
// recognised or accepted. Foreign undocumented victims are removed as
// migration offenders; others stay where they were.
func (r *replicate) notIdentifiedByPolice(id int32, t int32) {
	v := &r.victims[id]
	h := r.hood(v)
	if h.Origin == model.Foreign && h.Doc == model.Undocumented && v.bern(r.p.Police.DeportUnreported) {
		r.deport(id, t)
		return
	}
	if v.outcome < model.AssistedOnly && v.state != Exploited {
		v.outcome = model.AssistedOnly
	}
	// Free (intercepted in transit, or met after leaving exploitation): like
	// every other contact that leads to no case, home, and perhaps trafficked
	// again. (This draw was missing for the intercepted.)
	r.afterNoReport(id, t)
}

func (r *replicate) deport(id int32, t int32) {
	v := &r.victims[id]
	r.leaveExploitation(id, t, Departed)
	if v.outcome < model.NotRegistered {
		v.outcome = model.NotRegistered
	}
	r.count(t, r.vcell(v), Deported, 1)
}

// afterNoReport: a victim out of exploitation whose contact led to no case
// goes home and may be trafficked again.
func (r *replicate) afterNoReport(id int32, t int32) {
	v := &r.victims[id]
	if v.state == Free {
		r.maybeRetraffick(id, t)
	}
}

// reportProb is the probability that victim v gives a statement. A shelter
// place counts as open to it if one is left and it would be eligible once
// registered and cooperating, or if it was given one just now (placed: the
// NGO route places first), even the year's last.
func (r *replicate) reportProb(v *victim, h model.Victimhood, placed bool) float64 {
	p := r.p
	open := placed || r.shelterLeft > 0 && model.ShelterEligible(h, &p.Law, true, true, r.passesGrading(v))
	return r.tab.report[h.Origin][h.Doc][h.Form][b2i(h.NGOSupported)][b2i(open)][v.region]
}

// report: the victim gives a statement; the investigator qualifies the case.
func (r *replicate) report(id int32, t int32) {
	v := &r.victims[id]
	cell := r.vcell(v)
	p := r.p
	v.lists |= model.ListPolice
	if v.flags&fReported == 0 {
		v.flags |= fReported
		r.count(t, cell, Reported, 1)
	}
	if v.outcome < model.NotRegistered {
		v.outcome = model.NotRegistered
	}
	var st *site
	if v.site >= 0 {
		st = &r.sites[v.site]
		if st.kase >= 0 && r.cases[st.kase].stage == stagePreTrial {
			r.register(id, st.kase, t, false)
			return
		}
		if st.qualMonth == t {
			r.classify(id, st.qualClass, t)
			return
		}
	}
	h := r.hood(v)
	facts := model.CaseFacts{Form: h.Form, Exploited: h.Exploited, Complicit: st != nil && st.complicit,
		Corruption: p.Police.Corruption.Of(v.region),
		PlanFactor: model.PlanFactor(r.registered[v.region], r.lastYearReg[v.region], p.Police.PlanPressure)}
	law := r.offenceLaw(v, facts, t)
	if r.lawUsed != nil {
		r.lawUsed(false, id, law)
	}
	q := model.Qualify(facts, law, &p.Police, &p.Qualification)
	u := v.float64()
	var class model.Classification
	switch {
	case u < q.Corrupt:
		class = model.CorruptClosed
	case u < q.Corrupt+q.AbuseOfPower:
		class = model.OtherArticle
	case u < q.Corrupt+q.AbuseOfPower+q.Art128:
		class = model.Art128
	case u < q.Corrupt+q.AbuseOfPower+q.Art128+q.Prostitution:
		class = model.Prostitution
	case u < q.Corrupt+q.AbuseOfPower+q.Art128+q.Prostitution+q.OtherArticle:
		class = model.OtherArticle
	default:
		class = model.Refused
	}
	if st != nil {
		st.qualMonth, st.qualClass = t, class
	}
	if class == model.Art128 {
		r.openCase(id, t)
		return
	}
	r.classify(id, class, t)
}

// offencePhase is the phase in force when the offence against victim v
// ended: when the victim left exploitation (or was intercepted), or now, in
// month t, for a victim still exploited (exploitation is a continuing offence).
func (r *replicate) offencePhase(v *victim, t int32) int {
	return r.phaseAt(model.Month(min(t, v.endMonth())))
}

// offenceLaw is the law the offence against victim v is qualified under in
// month t: the law in force, with the definition of trafficking, among those
// in force from the end of the offence to now, that is hardest to prove on
// facts f (model.LawForOffence, applied phase by phase). It is the law in
// force itself, not a copy, unless an earlier phase's definition applies
// (a copy escapes to the heap, and reports are many).
func (r *replicate) offenceLaw(v *victim, f model.CaseFacts, t int32) *model.Law {
	off := r.offencePhase(v, t)
	if off == r.phase {
		return &r.p.Law
	}
	law := r.p.Law
	for ph := off; ph < r.phase; ph++ {
		law = model.LawForOffence(f, &r.params[ph].Law, &law, &r.p.Qualification)
	}
	return &law
}

// caseLaw is the law pending case c is investigated under this month: the
// law in force, with the case's definition if evidence is lost faster under
// it (model.LawForCase). The case keeps the more lenient of the two. As
// offenceLaw, it is the law in force itself when that applies.
func (r *replicate) caseLaw(c *kase) *model.Law {
	if c.def == r.p.Law.Definition() {
		return &r.p.Law
	}
	then := r.p.Law.WithDefinition(c.def)
	law := model.LawForCase(c.form, &then, &r.p.Law, &r.p.PreTrial)
	c.def = law.Definition()
	return &law
}

// classify records a qualification other than a new case.
func (r *replicate) classify(id int32, class model.Classification, t int32) {
	v := &r.victims[id]
	if class == model.Art128 {
		// Into the site's case only while it is pending (report sends those
		// victims there first, so this is a safeguard).
		if v.site >= 0 && r.sites[v.site].kase >= 0 && r.cases[r.sites[v.site].kase].stage == stagePreTrial {
			r.register(id, r.sites[v.site].kase, t, false)
		} else {
			r.openCase(id, t)
		}
		return
	}
	cell := r.vcell(v)
	h := r.hood(v)
	if class != model.CorruptClosed && h.Origin == model.Foreign && h.Doc == model.Undocumented &&
		v.bern(r.p.Qualification.MigrationReclass) {
		class = model.Migration
	}
	v.class = class
	switch class {
	case model.CorruptClosed:
		r.countCorruptClosure(v, t)
		v.outcome = model.ClosedCorruption
		// Some are returned to the exploiter ("brought back to the owner by the police", KZ study 2.2).
		// (Victims abroad are in no site; a closed site has no exploiter left.)
		if v.flags&fExploitationStarted != 0 && (v.site < 0 || !r.sites[v.site].closed) && v.bern(r.p.Police.ReturnToExploiter) {
			r.returnToSite(id, t)
			return
		}
		r.afterNoReport(id, t)
		return
	case model.Migration:
		r.count(t, cell, ReclassifiedMigration, 1)
		r.deport(id, t)
		return
	case model.Prostitution:
		r.count(t, cell, ReclassifiedProstitution, 1)
	case model.OtherArticle:
		r.count(t, cell, ReclassifiedOther, 1)
	case model.Refused:
		r.count(t, cell, RefusedRegistration, 1)
	}
	r.afterNoReport(id, t)
}

// returnToSite puts a victim back into exploitation at its site.
func (r *replicate) returnToSite(id int32, t int32) {
	v := &r.victims[id]
	s := strata[v.stratum]
	v.state = Exploited
	cell := r.vcell(v)
	r.addStock(t, cell, 1)
	v.tExit = t + r.wait(&v.rng, r.tab.exitHazard[s.Sector])
	r.addStock(v.tExit, cell, -1)
	r.noteExit(id)
	v.tContact = t + r.wait(&v.rng, r.contactHazard(s))
	r.planExit(v, s)
	r.plan(id, t)
}

// openCase registers a new article-128 case for the site of victim id.
func (r *replicate) openCase(id int32, t int32) {
	v := &r.victims[id]
	cid := int32(len(r.cases))
	r.cases = append(r.cases, kase{})
	c := &r.cases[cid]
	c.seed(r.seedHi, Key(r.seedHi, Purpose("case"), uint64(v.site+1), uint64(id)))
	c.region, c.form, c.cell = v.region, strata[v.stratum].Form(), r.vcell(v)
	c.opened = t
	c.minor = strata[v.stratum].Age == model.Minor
	// The laws in force from the end of the offence to now: the case gets the
	// most lenient definition and reconciliation if any of them allowed it.
	off := r.offencePhase(v, t)
	c.def = r.params[off].Law.Definition()
	for ph := off; ph <= r.phase; ph++ {
		law := &r.params[ph].Law
		if law.Definition() != c.def {
			then := law.WithDefinition(c.def)
			l := model.LawForCase(c.form, &then, law, &r.params[ph].PreTrial)
			c.def = l.Definition()
		}
		c.reconcilable = c.reconcilable || allowsReconciliation(law, c.minor)
	}
	c.offenders = 1 + int32(c.poisson(math.Max(0, r.p.Court.MeanOffendersPerCase-1)))
	r.open = append(r.open, cid)
	r.openByRegion[c.region]++
	r.registered[c.region]++
	r.count(t, c.cell, CasesRegisteredArt128, 1)
	if v.site >= 0 {
		r.sites[v.site].kase = cid
	}
	r.register(id, cid, t, true)
	// Traffickers arrested: the site closes and every victim still there is freed and contacted.
	if v.site >= 0 {
		st := &r.sites[v.site]
		st.closed = true
		met := 0 // members this month's raid of the site has met already
		if r.raiding == v.site {
			met = r.raidMet
		}
		for _, m := range r.siteMembers(st)[met:] {
			if m.tExit > t && r.exploitedAt(m.id, t) {
				r.contact(m.id, model.PoliceRaid, t)
			}
		}
		for _, m := range r.siteMembers(st) {
			if j := m.id; m.tExit > t && r.exploitedAt(j, t) {
				r.leaveExploitation(j, t, Free)
				if r.victims[j].outcome < model.AssistedOnly {
					r.victims[j].outcome = model.AssistedOnly
				}
				r.maybeRetraffick(j, t)
			}
		}
	}
}

// register adds a victim to an article-128 case.
func (r *replicate) register(id int32, cid int32, t int32, lead bool) {
	v := &r.victims[id]
	cell := r.vcell(v)
	c := &r.cases[cid]
	c.victims = append(c.victims, id)
	if r.caseOf == nil {
		r.caseOf = map[int32]int32{}
	}
	r.caseOf[id] = cid
	v.class = model.Art128
	v.lists |= model.ListArt128
	r.leaveExploitation(id, t, PreTrial)
	v.state = PreTrial
	v.outcome = model.InProceedings
	r.count(t, cell, RegisteredArt128, 1)
	r.identify(id, t)
	r.referToNGO(id, t)
	r.tryShelter(id, t, true, true)
}

// passesGrading draws once per victim whether it meets the abuse-grading criteria.
func (r *replicate) passesGrading(v *victim) bool {
	if v.flags&fGradingDrawn == 0 {
		v.flags |= fGradingDrawn
		if v.bern(r.p.Assistance.AbuseGradingPass) {
			v.flags |= fPassesGrading
		}
	}
	return v.flags&fPassesGrading != 0
}

// identify counts the victim as identified by the state, once.
func (r *replicate) identify(id int32, t int32) {
	v := &r.victims[id]
	if v.flags&fIdentified == 0 {
		v.flags |= fIdentified
		r.count(t, r.vcell(v), IdentifiedOfficial, 1)
	}
}

// tryShelter places a victim in a state-funded shelter when the law allows it and a funded place is free, and reports whether it did.
func (r *replicate) tryShelter(id int32, t int32, registered, reported bool) (placed bool) {
	v := &r.victims[id]
	if v.flags&fSheltered != 0 || r.shelterLeft <= 0 {
		return false
	}
	p := r.p
	if !model.ShelterEligible(r.hood(v), &p.Law, registered, reported, r.passesGrading(v)) {
		return false
	}
	r.shelterLeft--
	v.flags |= fSheltered
	v.lists |= model.ListShelter
	r.count(t, r.vcell(v), StateShelter, 1)
	r.identify(id, t) // state special social services confer victim status
	return true
}

// lawAllowsReconciliation reports whether the law in force allows
// reconciliation in a case: by the gravity of article 128, or of article 135
// for a minor's case.
func (r *replicate) lawAllowsReconciliation(minor bool) bool {
	return allowsReconciliation(&r.p.Law, minor)
}

// allowsReconciliation reports whether law allows reconciliation in a case
// under article 128 (article 135 for a minor): not where a statute bars it,
// otherwise by the article's gravity.
func allowsReconciliation(law *model.Law, minor bool) bool {
	if law.ReconciliationBarred {
		return false
	}
	maxYears := law.Art128MaxYears
	if minor {
		maxYears = law.Art135MaxYears
	}
	return model.ReconciliationAllowed(model.GravityOf(maxYears))
}

// active reports whether a victim still takes part in its case.
func (r *replicate) active(v *victim) bool {
	return (v.state == PreTrial || v.state == Trial) && v.flags&fAbsent == 0
}

// processCases applies the monthly hazards of pre-trial investigation and trial.
func (r *replicate) processCases(t int32) {
	p := r.p
	// Whether the law now allows reconciliation, for adults' and minors' cases.
	allowsNow := [2]bool{r.lawAllowsReconciliation(false), r.lawAllowsReconciliation(true)}
	// Speed is capacity over the region's open cases as the month begins:
	// the live count falls as cases close in this loop, which would make a
	// case's hazards depend on its place in the list.
	openAtStart := r.openByRegion
	keep := r.open[:0]
	for _, cid := range r.open {
		c := &r.cases[cid]
		if c.opened == t {
			keep = append(keep, cid)
			continue
		}
		// Victim-level hazards: retraction and leaving the country.
		present := 0
		for _, vid := range c.victims {
			v := &r.victims[vid]
			if !r.active(v) {
				continue
			}
			h := r.hood(v)
			protect := 1.0
			if v.flags&fSheltered != 0 {
				protect = p.PreTrial.ShelterProtection
			}
			leave := 0.0
			if h.Origin == model.Foreign {
				leave = p.PreTrial.LeaveMonthlyForeign
				if p.Law.TemporaryResidence {
					leave = float64(leave * p.PreTrial.ShelterProtection)
				}
			}
			leave = float64(leave * protect) // products rounded: leave+retract must not fuse
			retract := float64(p.PreTrial.RetractionMonthly * protect)
			u := v.float64()
			cell := r.vcell(v)
			switch {
			case u < leave:
				if c.stage == stagePreTrial {
					v.state = Departed
					v.outcome = model.ClosedVictimLeft
					r.count(t, cell, ClosedVictimLeft, 1)
				} else {
					v.flags |= fAbsent
				}
				continue
			case u < leave+retract && c.stage == stagePreTrial:
				v.state = Free
				v.outcome = model.ClosedEvidence
				r.count(t, cell, ClosedEvidence, 1)
				r.maybeRetraffick(vid, t)
				continue
			}
			present++
		}
		if c.stage == stagePreTrial && present == 0 {
			c.stage, c.closed = stageClosed, t
			r.openByRegion[c.region]--
			continue
		}
		if c.stage == stagePreTrial {
			capacity := math.Max(1, p.Police.Investigators.Of(c.region)*p.Police.CasesPerInvestigator)
			speed := math.Min(1, capacity/float64(openAtStart[c.region]))
			law := r.caseLaw(c)
			if r.lawUsed != nil {
				r.lawUsed(true, int32(cid), law)
			}
			c.reconcilable = c.reconcilable || allowsNow[b2i(c.minor)]
			h := model.PreTrialMonthly(c.form, p.Police.Corruption.Of(c.region), speed, c.reconcilable, law, &p.PreTrial)
			corrupt, recon, evidence, done := h.Corrupt, h.Reconcile, h.Evidence, h.Complete
			u := c.float64()
			switch {
			case u < corrupt:
				r.closeCase(c, t, ClosedCorruption, model.ClosedCorruption)
			case u < corrupt+recon:
				r.closeCase(c, t, ClosedReconciliation, model.ClosedReconciled)
			case u < corrupt+recon+evidence:
				r.closeCase(c, t, ClosedEvidence, model.ClosedEvidence)
			case u < corrupt+recon+evidence+done:
				c.stage = stageTrial
				r.openByRegion[c.region]--
				r.count(t, c.cell, CasesToCourt, 1)
				for _, vid := range c.victims {
					v := &r.victims[vid]
					if v.state == PreTrial {
						v.state = Trial
						v.lists |= model.ListCourt
						r.count(t, r.vcell(v), ToCourt, 1)
					}
				}
			}
			if c.stage != stageClosed {
				keep = append(keep, cid)
			}
			continue
		}
		// Trial.
		if !c.bern(model.HazardForMean(p.Court.TrialMonths)) {
			keep = append(keep, cid)
			continue
		}
		testimony := false
		for _, vid := range c.victims {
			v := &r.victims[vid]
			if v.state == Trial && v.flags&fAbsent == 0 && !c.bern(p.Court.TestimonyChange) {
				testimony = true
			}
		}
		pc := p.Court.ConvictionWithoutTestimony
		if testimony {
			pc = p.Court.ConvictionWithTestimony
		}
		c.stage, c.closed = stageClosed, t
		if c.bern(pc) {
			r.count(t, c.cell, CasesConvicted, 1)
			r.count(t, c.cell, OffendersConvicted, int64(c.offenders))
			for o := int32(0); o < c.offenders; o++ {
				if c.bern(p.Court.ConditionalShare) {
					r.count(t, c.cell, ConditionalSentences, 1)
				}
			}
			r.endTrial(c, t, Convicted, model.Convicted)
		} else {
			r.endTrial(c, t, Acquitted, model.Acquitted)
		}
	}
	r.open = keep
}

// closeCase ends a pre-trial investigation for every victim still in it.
func (r *replicate) closeCase(c *kase, t int32, m Measure, o model.Outcome) {
	c.stage, c.closed = stageClosed, t
	r.openByRegion[c.region]--
	for _, vid := range c.victims {
		v := &r.victims[vid]
		if v.state != PreTrial {
			continue
		}
		v.state = Free
		v.outcome = o
		if m == ClosedCorruption {
			r.countCorruptClosure(v, t)
		} else {
			r.count(t, r.vcell(v), m, 1)
		}
		r.maybeRetraffick(vid, t)
	}
}

// countCorruptClosure counts a closure by corruption, once per spell (see fClosedCorruptly).
func (r *replicate) countCorruptClosure(v *victim, t int32) {
	if v.flags&fClosedCorruptly == 0 {
		v.flags |= fClosedCorruptly
		r.count(t, r.vcell(v), ClosedCorruption, 1)
	}
}

// endTrial records the verdict for every victim of the case.
func (r *replicate) endTrial(c *kase, t int32, m Measure, o model.Outcome) {
	for _, vid := range c.victims {
		v := &r.victims[vid]
		if v.state != Trial {
			continue
		}
		cell := r.vcell(v)
		v.outcome = o
		r.count(t, cell, m, 1)
		if o == model.Convicted && r.tab.compensationMRP > 0 {
			r.count(t, cell, Compensated, 1)
		}
		if v.flags&fAbsent != 0 {
			v.state = Departed
			continue
		}
		v.state = Free
		r.maybeRetraffick(vid, t)
	}
}
