package scenarios

import (
	"embed"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"htsim/model"
)

//go:embed *.yaml
var builtin embed.FS

//go:embed hypotheses/*.yaml
var hypothesesFS embed.FS

// HypothesisNames lists the embedded hypothesis experiments (scenarios/hypotheses), sorted.
func HypothesisNames() []string {
	entries, _ := hypothesesFS.ReadDir("hypotheses")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// LoadHypothesis loads an embedded hypothesis experiment by name.
func LoadHypothesis(name string) (*Scenario, error) {
	data, err := hypothesesFS.ReadFile("hypotheses/" + name + ".yaml")
	if err != nil {
		return nil, &Error{File: name, Msg: "no hypothesis experiment of that name", Allowed: strings.Join(HypothesisNames(), ", ")}
	}
	f, err := Parse(name+" (built-in scenarios/hypotheses/"+name+".yaml)", data)
	if err != nil {
		return nil, err
	}
	if f.Extends == "" {
		return root(f)
	}
	parent, err := loader{}.load(f.Extends, "", []string{"hypothesis:" + name})
	if err != nil {
		return nil, err
	}
	return child(parent, f)
}

// DefaultFrom and DefaultTo are the horizon when neither the scenario nor the command sets one.
var (
	DefaultFrom = model.MonthOf(2010, 1)
	DefaultTo   = model.MonthOf(2030, 12)
)

// BuiltinNames lists the scenarios embedded in the binary, sorted, baseline first.
func BuiltinNames() []string {
	entries, _ := builtin.ReadDir(".")
	var names []string
	for _, e := range entries {
		n := strings.TrimSuffix(e.Name(), ".yaml")
		if n != "baseline" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return append([]string{"baseline"}, names...)
}

// ReadBuiltin parses an embedded scenario by name.
func ReadBuiltin(name string) (*File, error) {
	data, err := builtin.ReadFile(name + ".yaml")
	if err != nil {
		allowed := strings.Join(BuiltinNames(), ", ") + ", or a path to a .yaml file"
		for _, guess := range []string{name + ".yaml", name + ".yml", name} {
			if info, err := os.Stat(guess); err == nil && info.Mode().IsRegular() {
				allowed = fmt.Sprintf("a built-in name, or a path: did you mean ./%s?", guess)
				break
			}
		}
		return nil, &Error{File: name, Msg: "no built-in scenario of that name", Allowed: allowed}
	}
	return Parse(name+" (built-in scenarios/"+name+".yaml)", data)
}

// Phase is a stretch of the horizon during which one set of parameters is in force.
type Phase struct {
	From   model.Month // first month of the phase; the first phase starts at the horizon
	Params []*Param    // one per Schema leaf, in Schema order
}

// Scenario is a scenario with its inheritance resolved: every parameter set,
// as a sequence of phases (a policy that starts in a given month adds a phase).
type Scenario struct {
	Name        string
	Description string
	Files       []*File // the file and its ancestors, root first
	Phases      []Phase
	From, To    model.Month // horizon set by the files, or the defaults
}

// Load resolves a scenario argument: a built-in name or a path to a file.
func Load(arg string) (*Scenario, error) {
	return loader{}.load(arg, "", nil)
}

// LoadRecorded resolves a scenario argument (a built-in name or a path) as
// Load does, reading every file, parents included, from rec alone.
func LoadRecorded(arg string, rec *Recorded) (*Scenario, error) {
	return loader{rec}.load(arg, "", nil)
}

// Recorded holds the scenario files of an earlier run, as its manifest
// recorded them: Files by the path the loader read them from, Builtins by
// name. Loading from it reads neither the disk nor the embedded scenarios, so
// a run can be redone from its manifest alone, from any folder, whatever has
// changed on disk or in the binary's built-in files since.
type Recorded struct {
	Files    map[string][]byte
	Builtins map[string][]byte
}

// loader reads scenario files from disk and the embedded built-ins, or only
// from rec when it is set.
type loader struct{ rec *Recorded }

// readPath reads and parses the scenario file at path p.
func (l loader) readPath(p string) (*File, error) {
	if l.rec == nil {
		return ReadFile(p)
	}
	data, ok := l.rec.Files[p]
	if !ok {
		return nil, &Error{File: p, Msg: "not among the recorded scenario files", Allowed: "the files the manifest records"}
	}
	return parseAt(p, data)
}

// readBuiltin reads and parses the built-in scenario name.
func (l loader) readBuiltin(name string) (*File, error) {
	if l.rec == nil {
		return ReadBuiltin(name)
	}
	data, ok := l.rec.Builtins[name]
	if !ok {
		return nil, &Error{File: name, Msg: "not among the recorded built-in scenarios", Allowed: "the files the manifest records"}
	}
	return Parse(name+" (built-in scenarios/"+name+".yaml, as recorded)", data)
}

const maxDepth = 16

func (l loader) load(arg, relTo string, chain []string) (*Scenario, error) {
	var f *File
	var err error
	id := arg
	if IsPath(arg) {
		p := arg
		if relTo != "" && !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(relTo), p)
		}
		f, err = l.readPath(p)
		if abs, e := filepath.Abs(p); e == nil {
			id = abs
		}
	} else {
		f, err = l.readBuiltin(arg)
		id = "builtin:" + arg
	}
	if err != nil {
		return nil, err
	}
	for _, c := range chain {
		if c == id {
			return nil, &Error{File: f.Display, Line: f.ExtendsLine, Key: "extends", Msg: "inheritance cycle: " + strings.Join(shortChain(append(chain, id)), " -> "), Allowed: "a chain of parents that ends in a scenario without extends"}
		}
	}
	chain = append(chain, id)
	if len(chain) > maxDepth {
		return nil, &Error{File: f.Display, Line: f.ExtendsLine, Key: "extends", Msg: fmt.Sprintf("more than %d levels of extends", maxDepth)}
	}
	if f.Extends == "" {
		return root(f)
	}
	rel := f.Path
	parent, err := l.load(f.Extends, rel, chain)
	if err != nil {
		var e *Error
		if asError(err, &e) && e.Msg == "no built-in scenario of that name" {
			allowed := e.Allowed
			if f.Path != "" {
				// A name is a built-in; a file beside this one needs a path.
				for _, ext := range []string{".yaml", ".yml"} {
					if info, err := os.Stat(filepath.Join(filepath.Dir(f.Path), f.Extends+ext)); err == nil && info.Mode().IsRegular() {
						allowed = fmt.Sprintf("a built-in name, or a path: did you mean extends: ./%s%s (beside this file)?", f.Extends, ext)
						break
					}
				}
			}
			return nil, &Error{File: f.Display, Line: f.ExtendsLine, Key: "extends", Msg: fmt.Sprintf("unknown parent scenario %q", f.Extends), Allowed: allowed}
		}
		if asError(err, &e) && e.Msg == "no such file" {
			return nil, &Error{File: f.Display, Line: f.ExtendsLine, Key: "extends", Msg: fmt.Sprintf("parent scenario file %q not found (looked for %s)", f.Extends, e.File), Allowed: e.Allowed}
		}
		return nil, err
	}
	return child(parent, f)
}

// shortChain shows an inheritance chain with built-in names and file base names.
func shortChain(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = filepath.Base(strings.TrimPrefix(id, "builtin:"))
	}
	return out
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

// maxMissingListed is how many missing parameters the message for a
// scenario without extends: that misses most of them names (it is most
// likely a policy that forgot extends:; with fewer missing, a root
// scenario that lost a few, each is listed).
const maxMissingListed = 3

func root(f *File) (*Scenario, error) {
	var errs ErrorList
	for _, l := range Schema { // first: the more specific error
		if p, ok := f.Params[l.Path]; ok && p.Dist.Kind == "times" && len(errs) < maxErrors {
			errs = append(errs, &Error{File: f.Display, Line: p.Line, Key: "parameters." + l.Path,
				Msg: "times: scales the parent scenario's value, and this scenario has none", Allowed: "extends: PARENT, or a value or distribution"})
		}
	}
	timesErrs := len(errs)
	params := make([]*Param, len(Schema))
	var missing []string
	for i, l := range Schema {
		p, ok := f.Params[l.Path]
		if !ok {
			missing = append(missing, l.Path)
			if len(errs) < maxErrors {
				errs = append(errs, &Error{File: f.Display, Key: "parameters." + l.Path, Msg: "missing parameter", Allowed: l.Kind.Allowed()})
			}
			continue
		}
		params[i] = p
	}
	if len(missing) > len(Schema)/2 {
		// Most likely a policy written without extends: one line that says
		// so, not a page of missing parameters.
		errs = append(errs[:timesErrs], &Error{File: f.Display, Key: "extends",
			Msg: fmt.Sprintf("absent, so every parameter must be set here, and %d of the %d are not (%s, ...)",
				len(missing), len(Schema), strings.Join(missing[:maxMissingListed], ", ")),
			Allowed: "extends: baseline, or another scenario by name or path, to change only some parameters"})
		return nil, errs.err()
	}
	if len(errs) > 0 {
		return nil, errs.err()
	}
	s := &Scenario{Name: f.Name, Description: f.Description, Files: []*File{f}, From: DefaultFrom, To: DefaultTo}
	s.Phases = []Phase{{From: model.Month(-1 << 30), Params: params}}
	if err := s.horizon(f); err != nil {
		return nil, err
	}
	if err := s.crossChecks(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Scenario) horizon(f *File) error {
	if f.From != nil {
		s.From = *f.From
	}
	if f.To != nil {
		s.To = *f.To
	}
	if s.From > s.To {
		return &Error{File: f.Display, Key: "horizon", Msg: fmt.Sprintf("from %s is after to %s", s.From, s.To), Allowed: "from no later than to"}
	}
	return nil
}

func child(parent *Scenario, f *File) (*Scenario, error) {
	s := &Scenario{Name: f.Name, Description: f.Description, Files: append(append([]*File(nil), parent.Files...), f), From: parent.From, To: parent.To}
	if err := s.horizon(f); err != nil {
		return nil, err
	}
	starts := []model.Month{}
	for _, ph := range parent.Phases {
		starts = append(starts, ph.From)
	}
	policy := parent.Phases[0].From
	if f.PolicyFrom != nil {
		policy = *f.PolicyFrom
		if policy < s.From || policy > s.To {
			return nil, &Error{File: f.Display, Line: f.FromLine, Key: "from", Msg: fmt.Sprintf("policy month %s is outside the horizon %s to %s", policy, s.From, s.To), Allowed: "a month within the horizon, which is the parent's unless this file sets horizon: {from: YYYY-MM, to: YYYY-MM}"}
		}
		starts = append(starts, policy)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	for i, st := range starts {
		if i > 0 && st == starts[i-1] {
			continue
		}
		params := append([]*Param(nil), parent.ParamsAt(st)...)
		if st >= policy {
			for j, l := range Schema {
				p, ok := f.Params[l.Path]
				if !ok {
					continue
				}
				if p.Dist.Kind == "times" {
					scaled, err := scaleParam(p, params[j], f.Display, l)
					if err != nil {
						return nil, err
					}
					p = scaled
				}
				params[j] = p
			}
		}
		s.Phases = append(s.Phases, Phase{From: st, Params: params})
	}
	if err := s.crossChecks(); err != nil {
		return nil, err
	}
	return s, nil
}

// scaleParam resolves a times: parameter against the parent's parameter in
// force: the parent's value or distribution multiplied by the factor, with
// the child's source, and the note saying so.
func scaleParam(p, parent *Param, display string, l Leaf) (*Param, error) {
	c := p.Dist.Value
	d, ok := parent.Dist.Scaled(c)
	if !ok {
		return nil, &Error{File: display, Line: p.Line, Key: "parameters." + l.Path, Msg: "times: cannot scale " + parent.Dist.Rounded(), Allowed: "times: for numeric parameters"}
	}
	if lo, hi := d.Support(); !l.Kind.inDomain(lo, hi) {
		return nil, &Error{File: display, Line: p.Line, Key: "parameters." + l.Path,
			Msg: fmt.Sprintf("%g times the parent's %s is %s, outside the allowed range for %s", c, parent.Dist.Rounded(), d.Rounded(), l.Kind.Noun()), Allowed: l.Kind.Allowed()}
	}
	out := *p
	out.Dist = d
	note := fmt.Sprintf("%g x parent's %s", c, parent.Dist.Rounded())
	if p.Note != "" {
		note = p.Note + "; " + note
	}
	out.Note = note
	return &out, nil
}

// ParamsAt returns the parameters in force in month m.
func (s *Scenario) ParamsAt(m model.Month) []*Param {
	cur := s.Phases[0].Params
	for _, ph := range s.Phases {
		if ph.From <= m {
			cur = ph.Params
		}
	}
	return cur
}

// PolicyFrom returns the month the scenario's own changes take effect, if it has one.
func (s *Scenario) PolicyFrom() (model.Month, bool) {
	f := s.Files[len(s.Files)-1]
	if f.PolicyFrom == nil {
		return 0, false
	}
	return *f.PolicyFrom, true
}

// PhaseChanges lists, for each phase after the first, the parameters
// (their paths, in Schema order) whose value or distribution differs from
// the phase before: what a policy changes from its month.
func (s *Scenario) PhaseChanges() [][]string {
	var out [][]string
	for i := 1; i < len(s.Phases); i++ {
		var changed []string
		for k, p := range s.Phases[i].Params {
			prev := s.Phases[i-1].Params[k].Dist
			if p.Dist.Kind == "series" && prev.Kind == "series" {
				// A series counts from the phase's month on: a point
				// before it changes nothing the phase does.
				if sameSeriesFrom(p.Dist.Series, prev.Series, s.Phases[i].From, s.To) {
					continue
				}
			} else if reflect.DeepEqual(p.Dist, prev) {
				continue
			}
			changed = append(changed, p.Path)
		}
		out = append(out, changed)
	}
	return out
}

// sameSeriesFrom reports whether two series agree from month from on, to
// beyond to and their last years. They are linear between whole years and
// flat outside them, so agreeing at the start of every month from from
// (whole years included) is agreeing everywhere in between.
func sameSeriesFrom(a, b *model.Series, from, to model.Month) bool {
	if a == nil || b == nil {
		return a == b
	}
	last := to.Year()
	for _, y := range slices.Concat(a.Years, b.Years) {
		last = max(last, y)
	}
	for m := from; m.Year() <= last+1; m++ {
		y := float64(m.Year()) + float64(m.MonthNumber()-1)/12
		if a.At(y) != b.At(y) {
			return false
		}
	}
	return true
}

// BuiltinBytes returns the content of the built-in scenario name as
// embedded in the binary.
func BuiltinBytes(name string) ([]byte, bool) {
	data, err := builtin.ReadFile(name + ".yaml")
	return data, err == nil
}

// WeightGroups are the groups of parameters the model reads as relative
// weights, each divided by the group's sum (model/params.go), though files
// state them as shares that add up to 1.
var WeightGroups = []string{"population.sector_men", "population.sector_women",
	"population.region_foreign", "population.region_internal", "population.region_abroad"}

// crossCheckPaths are the parameters crossChecks relates.
var crossCheckPaths = []string{"law.art128_min_years", "law.art128_max_years"}

// crossChecks tests relations between parameters that hold for every draw.
func (s *Scenario) crossChecks() error {
	for _, ph := range s.Phases {
		for _, g := range WeightGroups {
			positive := false
			var at *Param // the weight to point at: the last one set by the latest file
			for _, p := range ph.Params {
				if strings.HasPrefix(p.Path, g+".") {
					_, hi := p.Dist.Support()
					positive = positive || hi > 0
					if at == nil || s.fileRank(p.File) > s.fileRank(at.File) || p.File == at.File && p.Line > at.Line {
						at = p
					}
				}
			}
			if !positive {
				return &Error{File: at.File, Line: at.Line, Key: "parameters." + g,
					Msg: "every weight of the group is 0: the model divides each by their sum", Allowed: "at least one weight above 0"}
			}
		}
		lo := param(ph.Params, "law.art128_min_years")
		hi := param(ph.Params, "law.art128_max_years")
		_, minHi := lo.Dist.Support()
		maxLo, _ := hi.Dist.Support()
		if minHi > maxLo {
			return &Error{File: hi.File, Line: hi.Line, Key: "parameters.law.art128_max_years",
				Msg:     fmt.Sprintf("maximum sentence can be %g years, below the minimum (up to %g, %s line %d)", maxLo, minHi, lo.File, lo.Line),
				Allowed: "a maximum at least as large as every possible minimum"}
		}
	}
	return nil
}

// fileRank is the place in s.Files (root first) of the file shown as display.
func (s *Scenario) fileRank(display string) int {
	for i, f := range s.Files {
		if f.Display == display {
			return i
		}
	}
	return -1
}

func param(ps []*Param, path string) *Param {
	return ps[leafIndex[path]]
}

var leafIndex = func() map[string]int {
	m := map[string]int{}
	for i, l := range Schema {
		m[l.Path] = i
	}
	return m
}()

// Draw fills a model.Params for one phase. src returns the random source for a
// parameter's dotted key, so a parameter's value does not depend on which
// other parameters exist or on their order (scenarios that share a parameter
// share its draws: common random numbers). values receives each leaf's value.
func (ph *Phase) Draw(src func(path string) rand.Source, values []float64) *model.Params {
	p := new(model.Params)
	for i := range Schema {
		l := &Schema[i]
		prm := ph.Params[i]
		var s rand.Source
		if prm.Dist.Uncertain() { // fixed values draw nothing: no stream to derive
			path := l.Path
			if shared, ok := SharedQuantile[path]; ok {
				path = shared
			}
			s = src(path)
		}
		v := prm.Dist.Sample(s)
		l.set(p, prm.Dist, v)
		if values != nil {
			values[i] = v
		}
	}
	return p
}
