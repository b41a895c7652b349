package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"htsim/model"
)

// Designs lists the experiment designs a sweep file may use.
var Designs = []string{"grid", "montecarlo", "lhs", "saltelli"}

// SweepParam is one parameter a sweep varies: a range, or explicit values (grid only).
type SweepParam struct {
	Path   string    `json:"key"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	Values []float64 `json:"values,omitempty"` // grid: explicit levels
	Line   int       `json:"line"`
}

// Sweep is a parsed and checked sweep file.
type Sweep struct {
	Name        string
	Description string
	Scenarios   []*Scenario
	ScenarioArg []string // as written in the file, resolved relative to it
	Design      string
	Points      int // montecarlo and lhs: number of points; saltelli: base sample size N
	Levels      int // grid: levels per parameter without explicit values
	Replicates  int
	Seed        uint64
	Params      []SweepParam // in file order
	From, To    *model.Month
	File        string // as shown in messages
	Path        string
	SHA256      string
	Bytes       []byte
}

var sweepKeys = []string{"name", "description", "scenarios", "horizon", "design", "replicates", "seed", "parameters"}

// MaxSweepJobs bounds the jobs (design points times replicates) of one sweep file.
const MaxSweepJobs = 10_000_000

// LoadSweep reads and checks a sweep file: every error names the file, the
// line and the key, and says what is allowed.
func LoadSweep(path string) (*Sweep, error) {
	data, err := readInput(path, "sweep file", "a path to a sweep file")
	if err != nil {
		return nil, err
	}
	return ParseSweep(path, data)
}

// ParseSweep parses a sweep file's bytes; path resolves scenario paths relative to it.
func ParseSweep(path string, data []byte) (*Sweep, error) {
	return parseSweep(path, data, loader{})
}

// ParseRecordedSweep parses a sweep file's bytes as ParseSweep does, with its
// scenarios read from rec instead of the disk and the built-ins.
func ParseRecordedSweep(path string, data []byte, rec *Recorded) (*Sweep, error) {
	return parseSweep(path, data, loader{rec: rec})
}

func parseSweep(path string, data []byte, l loader) (*Sweep, error) {
	sum := sha256.Sum256(data)
	s := &Sweep{File: path, Path: path, SHA256: hex.EncodeToString(sum[:]), Bytes: data, Replicates: 0, Seed: 1}
	// Reuse the scenario file checks for size, encoding and YAML syntax.
	if _, err := quickText(path, data); err != nil {
		return nil, err
	}
	astFile, err := parseYAML(withoutBOM(data))
	if err != nil {
		return nil, yamlError(path, data, err)
	}
	if len(astFile.Docs) != 1 || astFile.Docs[0].Body == nil {
		return nil, &Error{File: path, Msg: "file is empty or holds several YAML documents", Allowed: "one YAML mapping with the keys " + strings.Join(sweepKeys, ", ")}
	}
	d := &decoder{file: path}
	body := astFile.Docs[0].Body
	pairs, _ := d.mapping(body, "", "the sweep's top-level keys")
	seen := map[string]pair{}
	scenLine := 0
	for _, p := range pairs {
		seen[p.key] = p
		switch p.key {
		case "name":
			if v, ok := d.str(p.vn, "name"); ok {
				if !validName(v) {
					d.fail(p.vn, "name", fmt.Sprintf("%q is not a valid name", v), "lower-case letters, digits and '-', starting with a letter")
				}
				s.Name = v
			}
		case "description":
			s.Description, _ = d.str(p.vn, "description")
		case "scenarios":
			scenLine = p.line
			seq, ok := p.vn.(*ast.SequenceNode)
			if !ok {
				d.fail(p.vn, "scenarios", "expected a list, found "+describe(p.vn), "a list of built-in scenario names or paths, e.g. [baseline]")
				continue
			}
			for _, item := range seq.Values {
				if v, ok := d.str(item, "scenarios"); ok {
					s.ScenarioArg = append(s.ScenarioArg, v)
					// An unknown name is reported with the file's other
					// problems, not after they are mended.
					if _, err := builtin.ReadFile(v + ".yaml"); err != nil && !IsPath(v) && l.rec == nil {
						d.fail(item, "scenarios", fmt.Sprintf("scenario %q: no built-in scenario of that name", v), strings.Join(BuiltinNames(), ", ")+", or a path to a .yaml file")
					}
				}
			}
			if len(seq.Values) == 0 {
				d.fail(p.vn, "scenarios", "empty list", "at least one scenario")
			}
		case "horizon":
			hp, ok := d.mapping(p.vn, "horizon", "from and to")
			if !ok {
				continue
			}
			for _, h := range hp {
				m, ok := d.month(h.vn, "horizon."+h.key)
				switch {
				case h.key != "from" && h.key != "to":
					d.fail(h.kn, "horizon."+h.key, "unknown key", "from, to")
				case !ok:
				case h.key == "from":
					s.From = &m
				default:
					s.To = &m
				}
			}
			if s.From != nil && s.To != nil && *s.From > *s.To {
				d.fail(p.vn, "horizon", fmt.Sprintf("from %s is after to %s", s.From, s.To), "from no later than to")
			}
		case "design":
			d.design(s, p.vn)
		case "replicates":
			if v, ok := d.integer(p.vn, "replicates", 1, 1_000_000); ok {
				s.Replicates = v
			}
		case "seed":
			if v, ok := d.integer(p.vn, "seed", 0, 1<<53); ok {
				s.Seed = uint64(v)
			}
		case "parameters":
			d.sweepParams(s, p.vn)
		default:
			d.fail(p.kn, p.key, "unknown key", strings.Join(sweepKeys, ", "))
		}
	}
	for _, k := range []string{"name", "scenarios", "design", "replicates", "parameters"} {
		if _, ok := seen[k]; !ok && len(d.errs) == 0 {
			d.fail(body, k, "missing", "see scenarios/sweeps/example.yaml")
		}
	}
	if s.Design != "grid" {
		// Checked after the whole file is read: parameters: may come before design:.
		for _, p := range s.Params {
			if p.Values != nil && len(d.errs) < maxErrors {
				d.errs = append(d.errs, &Error{File: path, Line: p.Line, Key: "parameters." + p.Path, Msg: "values: is only for a grid design", Allowed: "min and max"})
			}
		}
	}
	if len(d.errs) > 0 {
		return nil, d.errs.err()
	}
	if s.Design == "grid" {
		for _, p := range s.Params {
			if p.Values == nil && s.Levels < 2 {
				return nil, &Error{File: path, Line: p.Line, Key: "parameters." + p.Path, Msg: "a grid needs levels: in design or values: here", Allowed: "design: {kind: grid, levels: 3} or values: [..]"}
			}
		}
	}
	if n := s.NumPoints() * s.Replicates; n > MaxSweepJobs || n <= 0 {
		return nil, &Error{File: path, Key: "design", Msg: fmt.Sprintf("%d design points times %d replicates is %d jobs", s.NumPoints(), s.Replicates, n), Allowed: fmt.Sprintf("1 to %d jobs", MaxSweepJobs)}
	}
	// Scenarios: built-in names, or paths relative to the sweep file.
	for _, arg := range s.ScenarioArg {
		a := arg
		if IsPath(a) && !filepath.IsAbs(a) {
			a = filepath.Join(filepath.Dir(path), a)
		}
		sc, err := l.load(a, "", nil)
		if err != nil {
			var e *Error
			if asError(err, &e) && (e.Msg == "no built-in scenario of that name" || e.Msg == "no such file") {
				msg := fmt.Sprintf("scenario %q: %s", arg, e.Msg)
				if a != arg {
					msg += fmt.Sprintf(" (looked for %s: a path is taken from the sweep file's folder)", a)
				}
				return nil, &Error{File: path, Line: scenLine, Key: "scenarios", Msg: msg, Allowed: e.Allowed}
			}
			return nil, err
		}
		s.Scenarios = append(s.Scenarios, sc)
	}
	names := map[string]bool{}
	for _, sc := range s.Scenarios {
		if names[sc.Name] {
			return nil, &Error{File: path, Key: "scenarios", Msg: fmt.Sprintf("scenario %s listed twice", sc.Name)}
		}
		names[sc.Name] = true
	}
	if err := s.checkScenarios(); err != nil {
		return nil, err
	}
	return s, nil
}

// checkScenarios refuses a sweep whose design points would change what its
// scenarios mean: a swept parameter that a scenario's policy changes (the
// sweep fixes it in every phase, so the policy's change would be lost and
// the policy would simulate what baseline does), or ranges under which the
// scenario files' cross checks fail (a minimum sentence above the maximum).
func (s *Sweep) checkScenarios() error {
	for _, sc := range s.Scenarios {
		for _, sp := range s.Params {
			j := leafIndex[sp.Path]
			for _, ph := range sc.Phases[1:] {
				if !reflect.DeepEqual(ph.Params[j].Dist, sc.Phases[0].Params[j].Dist) {
					return &Error{File: s.File, Line: sp.Line, Key: "parameters." + sp.Path,
						Msg:     fmt.Sprintf("scenario %s changes this parameter from %s, and a sweep fixes it at the design point in every phase: the policy's change would be lost", sc.Name, ph.From),
						Allowed: "a parameter that no policy of the swept scenarios changes; leave the policy out of this sweep, or sweep a scenario that sets the parameter from its start (no from:)"}
				}
			}
		}
		ranged := *sc
		ranged.Phases = make([]Phase, len(sc.Phases))
		for i, ph := range sc.Phases {
			ps := append([]*Param(nil), ph.Params...)
			for _, sp := range s.Params {
				lo, hi := sp.Min, sp.Max
				if sp.Values != nil {
					lo, hi = slices.Min(sp.Values), slices.Max(sp.Values)
				}
				j := leafIndex[sp.Path]
				p := *ps[j]
				p.Dist = Dist{Kind: "uniform", Min: lo, Max: hi}
				if lo == hi {
					p.Dist = Dist{Kind: "point", Value: lo}
				}
				p.File, p.Line = s.File, sp.Line
				ps[j] = &p
			}
			ranged.Phases[i] = Phase{From: ph.From, Params: ps}
		}
		if err := ranged.crossChecks(); err != nil {
			var e *Error
			if asError(err, &e) {
				// Named at the swept parameter the check involves (the
				// message names the other, and its file).
				line, key := 0, "parameters"
				for _, sp := range s.Params {
					if slices.Contains(crossCheckPaths, sp.Path) {
						line, key = sp.Line, "parameters."+sp.Path
						break
					}
				}
				return &Error{File: s.File, Line: line, Key: key, Msg: fmt.Sprintf("with scenario %s, some design points are invalid: %s", sc.Name, e.Msg), Allowed: e.Allowed}
			}
			return err
		}
	}
	return nil
}

// quickText applies the scenario loader's whole-file checks.
func quickText(path string, data []byte) (bool, error) {
	if len(data) > MaxFileBytes {
		return false, &Error{File: path, Msg: "file too large"}
	}
	for _, b := range data {
		if b == 0 {
			return false, &Error{File: path, Msg: "not a text file (binary content)", Allowed: "a UTF-8 YAML sweep file"}
		}
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return false, &Error{File: path, Msg: "file is empty", Allowed: "a YAML mapping with the keys " + strings.Join(sweepKeys, ", ")}
	}
	return true, nil
}

func (d *decoder) integer(n ast.Node, key string, lo, hi int) (int, bool) {
	v, ok := d.number(n, key)
	if !ok {
		return 0, false
	}
	if v != float64(int(v)) || int(v) < lo || int(v) > hi {
		d.fail(n, key, fmt.Sprintf("%s is not an integer in %d-%d", strconv.FormatFloat(v, 'f', -1, 64), lo, hi), fmt.Sprintf("an integer from %d to %d", lo, hi))
		return 0, false
	}
	return int(v), true
}

func (d *decoder) design(s *Sweep, n ast.Node) {
	pairs, ok := d.mapping(n, "design", "kind and its size")
	if !ok {
		return
	}
	pointsGiven := false
	for _, p := range pairs {
		key := "design." + p.key
		switch p.key {
		case "kind":
			if v, ok := d.str(p.vn, key); ok {
				if !contains(Designs, v) {
					d.fail(p.vn, key, fmt.Sprintf("unknown design %q", v), strings.Join(Designs, ", "))
				}
				s.Design = v
			}
		case "points":
			pointsGiven = true // (a bad value is reported as such, not as missing)
			if v, ok := d.integer(p.vn, key, 1, 1_000_000); ok {
				s.Points = v
			}
		case "levels":
			if v, ok := d.integer(p.vn, key, 2, 1000); ok {
				s.Levels = v
			}
		default:
			d.fail(p.kn, key, "unknown key", "kind, points, levels")
		}
	}
	switch s.Design {
	case "":
		d.fail(n, "design.kind", "missing", strings.Join(Designs, ", "))
	case "montecarlo", "lhs", "saltelli":
		if s.Points == 0 && !pointsGiven {
			d.fail(n, "design.points", "missing: "+s.Design+" needs a number of points", "points: an integer >= 1 (saltelli: the base sample size N)")
		}
	}
}

func (d *decoder) sweepParams(s *Sweep, n ast.Node) {
	pairs, ok := d.mapping(n, "parameters", "parameter keys to ranges")
	if !ok {
		return
	}
	if len(pairs) == 0 {
		d.fail(n, "parameters", "no parameters to vary", "at least one, e.g. police.skill: {min: 0.3, max: 0.9}")
	}
	for _, p := range pairs {
		key := "parameters." + p.key
		l, ok := leafByPath[p.key]
		if !ok {
			msg, allowed := unknownSweepParam(p.key)
			if flat := flattened(p.key, p.vn); len(flat) > 0 {
				// Nested as in a scenario file: the keys it meant.
				allowed = "the same, flat: " + strings.Join(flat, ", ")
			}
			d.fail(p.kn, key, msg, allowed)
			continue
		}
		if l.Kind == KindBool || l.Kind == KindSeries {
			d.fail(p.kn, key, "only numeric parameters can be swept", "a parameter that takes a number or a distribution")
			continue
		}
		sp := SweepParam{Path: p.key, Line: p.line}
		fields, ok := d.mapping(p.vn, key, "min and max, or values")
		if !ok {
			continue
		}
		have := map[string]bool{}
		for _, f := range fields {
			have[f.key] = true
			switch f.key {
			case "min", "max":
				if v, ok := d.number(f.vn, key+"."+f.key); ok {
					if f.key == "min" {
						sp.Min = v
					} else {
						sp.Max = v
					}
				}
			case "values":
				seq, ok := f.vn.(*ast.SequenceNode)
				if !ok || len(seq.Values) == 0 {
					d.fail(f.vn, key+".values", "expected a non-empty list of numbers", "values: [0.5, 1, 2]")
					continue
				}
				for _, item := range seq.Values {
					if v, ok := d.number(item, key+".values"); ok {
						sp.Values = append(sp.Values, v)
					}
				}
			default:
				d.fail(f.kn, key+"."+f.key, "unknown key", "min, max, values")
			}
		}
		switch {
		case have["values"] && (have["min"] || have["max"]):
			d.fail(p.kn, key, "both values and a range given", "either min and max, or values (grid)")
			continue
		case have["values"]:
			sorted := append([]float64(nil), sp.Values...)
			sort.Float64s(sorted)
			if len(sorted) > 0 && !l.Kind.inDomain(sorted[0], sorted[len(sorted)-1]) {
				d.fail(p.kn, key, fmt.Sprintf("values from %g to %g are outside the allowed range for %s", sorted[0], sorted[len(sorted)-1], l.Kind.Noun()), l.Kind.Allowed())
				continue
			}
		case !have["min"] || !have["max"]:
			d.fail(p.kn, key, "needs both min and max", "min: A, max: B with A < B")
			continue
		case !(sp.Min < sp.Max):
			d.fail(p.kn, key, fmt.Sprintf("empty range: min %g is not below max %g", sp.Min, sp.Max), "min < max")
			continue
		case !l.Kind.inDomain(sp.Min, sp.Max):
			d.fail(p.kn, key, fmt.Sprintf("range [%g, %g] is outside the allowed range for %s", sp.Min, sp.Max, l.Kind.Noun()), l.Kind.Allowed())
			continue
		}
		for _, q := range s.Params {
			if q.Path == sp.Path {
				d.fail(p.kn, key, "parameter listed twice", "each parameter once")
			}
		}
		s.Params = append(s.Params, sp)
	}
}

// NumPoints returns the number of design points.
func (s *Sweep) NumPoints() int {
	switch s.Design {
	case "grid":
		n := 1
		for _, p := range s.Params {
			if p.Values != nil {
				n *= len(p.Values)
			} else {
				n *= s.Levels
			}
			if n > MaxSweepJobs {
				return MaxSweepJobs + 1
			}
		}
		return n
	case "saltelli":
		return s.Points * (2*len(s.Params) + 2)
	default:
		return s.Points
	}
}

// WithPoint returns a copy of sc in which each swept parameter is fixed at the
// given value in every phase (source: the sweep's design point).
func WithPoint(sc *Scenario, params []SweepParam, values []float64) *Scenario {
	out := *sc
	out.Phases = make([]Phase, len(sc.Phases))
	for i, ph := range sc.Phases {
		ps := append([]*Param(nil), ph.Params...)
		for k, sp := range params {
			j := leafIndex[sp.Path]
			p := *ps[j]
			p.Dist = Dist{Kind: "point", Value: values[k]}
			p.Source = "sweep design point"
			ps[j] = &p
		}
		out.Phases[i] = Phase{From: ph.From, Params: ps}
	}
	return &out
}

// flattened returns the parameters a mapping n under group key names when
// written nested, as in a scenario file, each as "key.sub: {...}" (down to
// the parameters), or nothing if n is not such a mapping.
func flattened(key string, n ast.Node) []string {
	m, ok := n.(*ast.MappingNode)
	if !ok {
		if mv, ok := n.(*ast.MappingValueNode); ok {
			m = &ast.MappingNode{Values: []*ast.MappingValueNode{mv}}
		} else {
			return nil
		}
	}
	var out []string
	for _, v := range m.Values {
		k, ok := v.Key.(*ast.StringNode)
		if !ok {
			continue
		}
		path := key + "." + k.Value
		if _, leaf := leafByPath[path]; leaf {
			out = append(out, path+": {min: ..., max: ...}")
		} else {
			out = append(out, flattened(path, v.Value)...)
		}
	}
	return out
}

// unknownSweepParam explains a sweep parameter key that names no parameter:
// a group (often written nested, as in a scenario file), an unknown entry
// of a group, a parameter's name with more after it, or nothing known. The
// allowed keys are the numeric parameters under the group (those a sweep
// can vary), by their full keys.
func unknownSweepParam(key string) (msg, allowed string) {
	under := func(prefix string) (list []string, n int) {
		for _, l := range Schema {
			if !strings.HasPrefix(l.Path, prefix+".") {
				continue
			}
			n++
			if l.Kind != KindBool && l.Kind != KindSeries {
				list = append(list, l.Path)
			}
		}
		return list, n
	}
	show := func(list []string) string {
		const most = 12
		if len(list) == 0 {
			return "none: every parameter in it is a switch or a series, which a sweep cannot vary"
		}
		if len(list) > most {
			return strings.Join(list[:most], ", ") + fmt.Sprintf(" and %d more (see scenarios/baseline.yaml)", len(list)-most)
		}
		return strings.Join(list, ", ")
	}
	if list, n := under(key); n > 0 {
		return fmt.Sprintf("a group of %d parameters, not one: name each parameter to vary by its full dotted key (a sweep file does not nest groups as a scenario file does)", n), show(list)
	}
	for i := strings.LastIndexByte(key, '.'); i > 0; i = strings.LastIndexByte(key[:i], '.') {
		prefix := key[:i]
		if _, ok := leafByPath[prefix]; ok {
			return fmt.Sprintf("unknown parameter: %s is a parameter, not a group", prefix), prefix
		}
		if list, n := under(prefix); n > 0 {
			if entry := strings.TrimPrefix(key, prefix+"."); entry != "" {
				for _, p := range list {
					if first, _, _ := strings.Cut(strings.TrimPrefix(p, prefix+"."), "."); editDistance(strings.ToLower(entry), first) <= 2 {
						return fmt.Sprintf("unknown parameter: %s has no entry %q; did you mean %s?", prefix, entry, p), show(list)
					}
				}
				return fmt.Sprintf("unknown parameter: %s has no entry %q", prefix, entry), show(list)
			}
			return "unknown parameter: the key ends with a dot", show(list)
		}
	}
	return "unknown parameter", "a dotted key of the scenario format, e.g. police.skill (see scenarios/baseline.yaml)"
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
