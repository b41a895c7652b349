package scenarios

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"htsim/model"
)

// MaxFileBytes bounds the size of a scenario file; real ones are a few tens of kilobytes.
const MaxFileBytes = 1 << 20

// Param is one parameter as a scenario file sets it.
type Param struct {
	Path   string `json:"key"`
	Dist   Dist   `json:"value"`
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
	File   string `json:"file"`
	Line   int    `json:"line"`
}

// File is one scenario file as parsed, before inheritance is resolved.
type File struct {
	Name        string // scenario name (the file's `name:`)
	Description string
	Extends     string       // parent scenario name or path; empty for a root scenario
	PolicyFrom  *model.Month // month the file's changes take effect; nil: from the start
	From, To    *model.Month // horizon, when the file sets one
	Params      map[string]*Param
	ExtendsLine int    // line of extends:, 0 when absent
	FromLine    int    // line of from:, 0 when absent
	Display     string // the file as shown in messages
	Path        string // filesystem path, empty for built-ins
	SHA256      string // hex SHA-256 of the file's bytes
	Bytes       []byte // the file's content
}

var topKeys = []string{"name", "description", "extends", "from", "horizon", "parameters"}

// Parse reads one scenario file's bytes. display names the file in errors.
func Parse(display string, data []byte) (*File, error) {
	sum := sha256.Sum256(data)
	f := &File{Display: display, SHA256: hex.EncodeToString(sum[:]), Params: map[string]*Param{}, Bytes: data}
	if len(data) > MaxFileBytes {
		return nil, &Error{File: display, Msg: fmt.Sprintf("file is %d bytes; a scenario file is at most %d", len(data), MaxFileBytes)}
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, &Error{File: display, Msg: "not a text file (binary content or invalid UTF-8)", Allowed: "a UTF-8 YAML scenario file"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: display, Msg: "file is empty", Allowed: "a YAML mapping with the keys " + strings.Join(topKeys, ", ")}
	}
	astFile, err := parseYAML(withoutBOM(data))
	if err != nil {
		return nil, yamlError(display, data, err)
	}
	if len(astFile.Docs) == 1 && astFile.Docs[0].Body == nil {
		return nil, &Error{File: display, Msg: "file is empty (only comments)", Allowed: "a YAML mapping with the keys " + strings.Join(topKeys, ", ")}
	}
	if len(astFile.Docs) != 1 || astFile.Docs[0].Body == nil {
		return nil, &Error{File: display, Msg: fmt.Sprintf("found %d YAML documents", len(astFile.Docs)), Allowed: "exactly one YAML document"}
	}
	d := &decoder{file: display}
	d.top(f, astFile.Docs[0].Body)
	if len(d.errs) > 0 {
		return nil, d.errs.err()
	}
	return f, nil
}

// parseYAML runs the YAML parser, turning any panic inside it into an error.
func parseYAML(data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("YAML parser failed: %v", r)
		}
	}()
	return parser.ParseBytes(data, 0)
}

// withoutBOM drops a UTF-8 byte-order mark, which some Windows editors put
// at the start of a file: the parser would take it as part of the first key.
// (The file's SHA-256 is of its bytes as they are.)
func withoutBOM(data []byte) []byte { return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) }

// yamlError turns a parser error into an Error with the line.
func yamlError(display string, data []byte, err error) error {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil {
		msg := se.Message
		if strings.Contains(msg, "'\t'") {
			// The parser prints the tab itself, which reads as a blank.
			return &Error{File: display, Line: se.Token.Position.Line, Msg: "malformed YAML: a tab character", Allowed: "spaces to indent; YAML does not allow tabs"}
		}
		e := &Error{File: display, Line: se.Token.Position.Line, Msg: "malformed YAML: " + msg}
		if strings.Contains(msg, "not allowed in this context") || strings.Contains(msg, "unexpected key name") {
			if text := lineText(data, e.Line); colonInValue(text) {
				e.Msg += `; a value holding ": " must be quoted ("...")`
			} else {
				e.Msg += "; check the indentation: the keys of one mapping start in one column, the keys under a key further right"
			}
		}
		return e
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i > 0 {
		msg = msg[:i]
	}
	return &Error{File: display, Msg: "malformed YAML: " + msg}
}

// lineText returns line n (from 1) of data, or "".
func lineText(data []byte, n int) string {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// colonInValue reports whether a line "key: value" has another ": " in its
// unquoted value (description: Policy: more training).
func colonInValue(line string) bool {
	_, value, ok := strings.Cut(line, ": ")
	value = strings.TrimSpace(value)
	return ok && value != "" && !strings.ContainsAny(value[:1], `"'{[`) && strings.Contains(value+" ", ": ")
}

type decoder struct {
	file string
	errs ErrorList
}

func (d *decoder) fail(n ast.Node, key, msg, allowed string) {
	if len(d.errs) >= maxErrors {
		return
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line(n), Key: key, Msg: msg, Allowed: allowed})
}

func line(n ast.Node) int {
	if n == nil || n.GetToken() == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// pair is one key: value entry of a mapping.
type pair struct {
	key  string
	kn   ast.Node
	vn   ast.Node
	line int
}

// mapping returns the entries of a mapping node in file order, reporting
// anything that is not a plain mapping with unique plain keys.
func (d *decoder) mapping(n ast.Node, key, what string) ([]pair, bool) {
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	case *ast.AnchorNode, *ast.AliasNode:
		d.fail(n, key, "YAML anchors and aliases are not supported", "plain values; use extends: to reuse a scenario")
		return nil, false
	case *ast.TagNode:
		d.fail(n, key, "YAML tags are not supported", "plain values")
		return nil, false
	default:
		d.fail(n, key, fmt.Sprintf("expected a mapping (%s), found %s", what, describe(n)), "")
		return nil, false
	}
	out := make([]pair, 0, len(values))
	seen := map[string]int{}
	ok := true
	for _, v := range values {
		var k string
		switch kn := v.Key.(type) {
		case *ast.StringNode:
			k = kn.Value
		case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
			k = kn.GetToken().Value
		case *ast.MergeKeyNode:
			d.fail(v.Key, key, "YAML merge keys (<<) are not supported", "plain keys")
			ok = false
			continue
		default:
			d.fail(v.Key, key, "keys must be plain words, found "+describe(v.Key), "")
			ok = false
			continue
		}
		if prev, dup := seen[k]; dup {
			d.fail(v.Key, join(key, k), fmt.Sprintf("key appears twice (first on line %d)", prev), "each key once")
			ok = false
			continue
		}
		seen[k] = line(v.Key)
		out = append(out, pair{key: k, kn: v.Key, vn: v.Value, line: line(v.Key)})
	}
	return out, ok
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func describe(n ast.Node) string {
	switch n.(type) {
	case nil, *ast.NullNode:
		return "nothing (null)"
	case *ast.StringNode, *ast.LiteralNode:
		return fmt.Sprintf("the text %q", short(n.GetToken().Value))
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + n.GetToken().Value
	case *ast.BoolNode:
		return "the boolean " + n.GetToken().Value
	case *ast.SequenceNode:
		return "a list"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	}
	return "a " + strings.ToLower(n.Type().String())
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func (d *decoder) str(n ast.Node, key string) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	}
	d.fail(n, key, "expected text, found "+describe(n), "a string")
	return "", false
}

// number reads a finite number.
func (d *decoder) number(n ast.Node, key string) (float64, bool) {
	switch v := n.(type) {
	case *ast.IntegerNode:
		switch x := v.Value.(type) {
		case int64:
			return float64(x), true
		case uint64:
			return float64(x), true
		}
	case *ast.FloatNode:
		if !math.IsInf(v.Value, 0) && !math.IsNaN(v.Value) {
			return v.Value, true
		}
	case *ast.TagNode:
		d.fail(n, key, "YAML tags are not supported", "a plain finite number")
		return 0, false
	case *ast.StringNode:
		// A quoted or bare word such as "0.5x"; say it is not a number.
		d.fail(n, key, fmt.Sprintf("%q is not a number", short(v.Value)), "a finite number")
		return 0, false
	}
	d.fail(n, key, "expected a number, found "+describe(n), "a finite number")
	return 0, false
}

func (d *decoder) month(n ast.Node, key string) (model.Month, bool) {
	s := ""
	switch v := n.(type) {
	case *ast.StringNode:
		s = v.Value
	default:
		if n != nil && n.GetToken() != nil {
			s = n.GetToken().Value
		}
	}
	m, err := model.ParseMonth(s)
	if err != nil {
		d.fail(n, key, err.Error(), "a month YYYY-MM")
		return 0, false
	}
	return m, true
}

func (d *decoder) top(f *File, body ast.Node) {
	pairs, ok := d.mapping(body, "", "the scenario's top-level keys")
	if !ok && len(pairs) == 0 {
		return
	}
	var params ast.Node
	for _, p := range pairs {
		switch p.key {
		case "name":
			if s, ok := d.str(p.vn, "name"); ok {
				if !validName(s) {
					d.fail(p.vn, "name", fmt.Sprintf("%q is not a valid scenario name", s), "lower-case letters, digits and '-', starting with a letter, at most 40 characters, and not epoch, infinity, true, false, nan or null")
				}
				f.Name = s
			}
		case "description":
			f.Description, _ = d.str(p.vn, "description")
		case "extends":
			f.Extends, _ = d.str(p.vn, "extends")
			f.ExtendsLine = p.line
		case "from":
			f.FromLine = p.line
			if m, ok := d.month(p.vn, "from"); ok {
				f.PolicyFrom = &m
			}
		case "horizon":
			hp, ok := d.mapping(p.vn, "horizon", "from: YYYY-MM and to: YYYY-MM")
			if !ok {
				continue
			}
			for _, h := range hp {
				switch h.key {
				case "from":
					if m, ok := d.month(h.vn, "horizon.from"); ok {
						f.From = &m
					}
				case "to":
					if m, ok := d.month(h.vn, "horizon.to"); ok {
						f.To = &m
					}
				default:
					d.fail(h.kn, "horizon."+h.key, "unknown key", "from, to")
				}
			}
			if f.From != nil && f.To != nil && *f.From > *f.To {
				d.fail(p.vn, "horizon", fmt.Sprintf("from %s is after to %s", f.From, f.To), "from no later than to")
			}
		case "parameters":
			params = p.vn
		default:
			d.fail(p.kn, p.key, "unknown key", strings.Join(topKeys, ", "))
		}
	}
	if f.Name == "" && len(d.errs) == 0 {
		d.fail(body, "name", "missing", "a scenario name such as baseline")
	}
	if f.PolicyFrom != nil && f.Extends == "" {
		d.errs = append(d.errs, &Error{File: d.file, Line: f.FromLine, Key: "from",
			Msg: "a policy month (from:) needs a parent scenario (extends:), which this scenario equals before that month", Allowed: "extends: PARENT together with from:"})
	}
	if params != nil {
		if _, isNull := params.(*ast.NullNode); !isNull {
			d.group(f, params, "")
		}
	}
}

// reservedNames would be read as other types by tools that infer hive partition types (DuckDB reads scenario=epoch as a DATE).
var reservedNames = map[string]bool{"epoch": true, "infinity": true, "true": true, "false": true, "nan": true, "null": true}

func validName(s string) bool {
	if reservedNames[s] {
		return false
	}
	if len(s) == 0 || len(s) > 40 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// dottedKnown reports whether the dotted key parts, under group path, name
// a parameter: groups down to a leaf (the parts after a leaf are its own
// keys, such as a sector, which the leaf checks when nested) or a group.
func dottedKnown(path string, parts []string) bool {
	for _, part := range parts {
		if !contains(childKeys(path), part) {
			return false
		}
		path = join(path, part)
		if !isGroup(path) {
			return true
		}
	}
	return true
}

// group walks a mapping of parameter groups and leaves.
func (d *decoder) group(f *File, n ast.Node, path string) {
	key := join("parameters", path)
	pairs, _ := d.mapping(n, key, "parameter groups")
	allowed := childKeys(path)
	for _, p := range pairs {
		child := join(path, p.key)
		if !contains(allowed, p.key) {
			if parts := strings.Split(p.key, "."); len(parts) > 1 && dottedKnown(path, parts) {
				// Sweep files and calibrate --params use dotted keys; here they nest.
				how := parts[0] + ": on its own line, then " + parts[1] + ": indented under it"
				for _, q := range parts[2:] {
					how += ", then " + q + ": under that"
				}
				d.fail(p.kn, join("parameters", child), "a dotted key: parameters nest here",
					how+"; dotted keys are for sweep files and calibrate --params")
				continue
			}
			d.fail(p.kn, join("parameters", child), "unknown parameter", strings.Join(allowed, ", "))
			continue
		}
		if isGroup(child) {
			if hasKey(p.vn, "times") {
				d.groupTimes(f, p, child)
				continue
			}
			d.group(f, p.vn, child)
			continue
		}
		d.leaf(f, p, leafByPath[child])
	}
}

// hasKey reports whether n is a mapping with the given key.
func hasKey(n ast.Node, key string) bool {
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return false
	}
	for _, v := range m.Values {
		if k, ok := v.Key.(*ast.StringNode); ok && k.Value == key {
			return true
		}
	}
	return false
}

// groupTimes reads {times: C, source: ...} given for a whole group: every
// numeric parameter under it becomes C times the parent scenario's value.
func (d *decoder) groupTimes(f *File, p pair, group string) {
	key := join("parameters", group)
	leaf := Leaf{Path: group, Kind: KindFactor}
	prm, ok := d.timesParam(p, key, &leaf)
	if !ok {
		return
	}
	for _, l := range Schema {
		if !strings.HasPrefix(l.Path, group+".") {
			continue
		}
		if l.Kind == KindBool {
			d.fail(p.kn, key, "times: given for a group holding "+l.Kind.Noun()+" "+l.Path, "times: for a group of numeric parameters only")
			return
		}
		q := *prm
		q.Path = l.Path
		f.Params[l.Path] = &q
	}
}

// timesParam reads {times: C, source: ..., note: ...}: the parent's value or
// distribution of each parameter concerned, multiplied by C > 0.
func (d *decoder) timesParam(p pair, key string, l *Leaf) (*Param, bool) {
	pairs, ok := d.mapping(p.vn, key, "times and source")
	if !ok {
		return nil, false
	}
	prm := &Param{Path: l.Path, File: d.file, Line: p.line}
	haveTimes, haveSource := false, false
	for _, e := range pairs {
		k := key + "." + e.key
		switch e.key {
		case "times":
			v, ok := d.number(e.vn, k)
			if !ok {
				return nil, false
			}
			if !(v > 0) || math.IsInf(v, 0) {
				d.fail(e.vn, k, fmt.Sprintf("factor %g", v), "a finite number > 0")
				return nil, false
			}
			prm.Dist = Dist{Kind: "times", Value: v}
			haveTimes = true
		case "source":
			haveSource = d.source(e, k, prm) || haveSource
		case "note":
			prm.Note, _ = d.str(e.vn, k)
		default:
			d.fail(e.kn, k, "unknown key", "times, source, note (times: scales the parent's value; it takes no value, dist, min or max)")
			return nil, false
		}
	}
	if !haveSource {
		d.fail(p.kn, key, "missing source", "source: a KZ study section or respondent, another public source, or assumption")
	}
	return prm, haveTimes && haveSource
}

// source reads a parameter's source: key into prm and reports whether it
// was a string (an empty one is an error too).
func (d *decoder) source(e pair, key string, prm *Param) bool {
	s, ok := d.str(e.vn, key)
	if !ok {
		return false
	}
	if strings.TrimSpace(s) == "" {
		d.fail(e.vn, key, "empty source", "a KZ study section or respondent, another public source, or assumption")
	}
	prm.Source = s
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var leafKeys = map[Kind][]string{
	KindBool:   {"value", "source", "note"},
	KindSeries: {"series", "times", "source", "note"},
}

func (d *decoder) leaf(f *File, p pair, l *Leaf) {
	key := "parameters." + l.Path
	if l.Kind != KindBool && hasKey(p.vn, "times") {
		if prm, ok := d.timesParam(p, key, l); ok {
			f.Params[l.Path] = prm
		}
		return
	}
	allowedKeys, special := leafKeys[l.Kind]
	if !special {
		allowedKeys = []string{"value", "dist", "min", "max", "mode", "alpha", "beta", "times", "source", "note"}
	}
	before := len(d.errs)
	pairs, ok := d.mapping(p.vn, key, "value or dist, and source")
	if !ok {
		if _, isMap := p.vn.(*ast.MappingNode); !special && !isMap && len(d.errs) == before+1 && strings.HasPrefix(d.errs[before].Msg, "expected a mapping") {
			d.errs[before].Allowed = "a mapping such as {value: 0.3, source: assumption} or {dist: uniform, min: 0.1, max: 0.5, source: ...}"
		}
		return
	}
	prm := &Param{Path: l.Path, File: d.file, Line: p.line}
	nums := map[string]float64{}
	var distName string
	haveValue, haveSource := false, false
	for _, e := range pairs {
		k := key + "." + e.key
		if !contains(allowedKeys, e.key) {
			d.fail(e.kn, k, "unknown key", strings.Join(allowedKeys, ", "))
			continue
		}
		switch e.key {
		case "source":
			haveSource = d.source(e, k, prm) || haveSource
		case "note":
			prm.Note, _ = d.str(e.vn, k)
		case "dist":
			if s, ok := d.str(e.vn, k); ok {
				if !contains(DistKinds[1:], s) {
					d.fail(e.vn, k, fmt.Sprintf("unknown distribution %q", s), "uniform, triangular, beta (or value: for a point)")
					return
				}
				distName = s
			}
		case "series":
			s, ok := d.series(e.vn, k)
			if !ok {
				return
			}
			prm.Dist = Dist{Kind: "series", Series: s}
			haveValue = true
		case "value":
			if l.Kind == KindBool {
				b, ok := e.vn.(*ast.BoolNode)
				if !ok {
					d.fail(e.vn, k, "expected true or false, found "+describe(e.vn), KindBool.Allowed())
					return
				}
				prm.Dist = Dist{Kind: "bool", Bool: b.Value}
				haveValue = true
				continue
			}
			v, ok := d.number(e.vn, k)
			if !ok {
				return
			}
			prm.Dist = Dist{Kind: "point", Value: v}
			haveValue = true
		default:
			v, ok := d.number(e.vn, k)
			if !ok {
				return
			}
			nums[e.key] = v
		}
	}
	if !haveSource {
		d.fail(p.kn, key, "missing source", "source: a KZ study section or respondent, another public source, or assumption")
	}
	if distName != "" {
		if haveValue {
			d.fail(p.kn, key, "both value and dist given", "either value: (a point) or dist: with its parameters")
			return
		}
		dist, ok := d.dist(p.kn, key, distName, nums)
		if !ok {
			return
		}
		prm.Dist = dist
		haveValue = true
	} else if len(nums) > 0 {
		for _, e := range pairs {
			if _, isNum := nums[e.key]; isNum {
				d.fail(e.kn, key+"."+e.key, e.key+" given without dist", "dist: uniform, triangular or beta")
				return
			}
		}
	}
	if !haveValue {
		d.fail(p.kn, key, "no value given", l.Kind.Allowed())
		return
	}
	lo, hi := prm.Dist.Support()
	if l.Kind == KindBool && prm.Dist.Kind != "bool" || l.Kind != KindBool && prm.Dist.Kind == "bool" {
		d.fail(p.kn, key, "wrong type of value", l.Kind.Allowed())
		return
	}
	if l.Kind == KindSeries && prm.Dist.Kind != "series" || l.Kind != KindSeries && prm.Dist.Kind == "series" {
		d.fail(p.kn, key, "wrong type of value", l.Kind.Allowed())
		return
	}
	if l.Kind != KindBool && !l.Kind.inDomain(lo, hi) {
		what := fmt.Sprintf("value %g", lo)
		if prm.Dist.Kind != "point" {
			what = fmt.Sprintf("%s takes values in [%g, %g], which", prm.Dist, lo, hi)
		} else if hi != lo || !l.Kind.inDomain(hi, hi) {
			what = fmt.Sprintf("value %g", hi)
		}
		d.fail(p.kn, key, what+" is outside the allowed range for "+l.Kind.Noun(), l.Kind.Allowed())
		return
	}
	f.Params[l.Path] = prm
}

var distKeys = map[string][]string{
	"uniform":    {"min", "max"},
	"triangular": {"min", "mode", "max"},
	"beta":       {"alpha", "beta"},
}

func (d *decoder) dist(n ast.Node, key, name string, nums map[string]float64) (Dist, bool) {
	need := distKeys[name]
	for _, k := range need {
		if _, ok := nums[k]; !ok {
			d.fail(n, key, fmt.Sprintf("%s distribution needs %s", name, strings.Join(need, ", ")), "")
			return Dist{}, false
		}
	}
	allowed := need
	if name == "beta" {
		allowed = []string{"alpha", "beta", "min", "max"}
	}
	for k := range nums {
		if !contains(allowed, k) {
			d.fail(n, key, fmt.Sprintf("%s does not belong to a %s distribution", k, name), strings.Join(allowed, ", "))
			return Dist{}, false
		}
	}
	dist := Dist{Kind: name, Min: nums["min"], Max: nums["max"], Mode: nums["mode"], Alpha: nums["alpha"], Beta: nums["beta"]}
	switch name {
	case "uniform":
		if !(dist.Min < dist.Max) {
			d.fail(n, key, fmt.Sprintf("uniform needs min < max, got min %g and max %g", dist.Min, dist.Max), "min < max; use value: for a single number")
			return Dist{}, false
		}
	case "triangular":
		if !(dist.Min < dist.Max) || dist.Mode < dist.Min || dist.Mode > dist.Max {
			d.fail(n, key, fmt.Sprintf("triangular needs min <= mode <= max with min < max, got %g, %g, %g", dist.Min, dist.Mode, dist.Max), "min <= mode <= max, min < max")
			return Dist{}, false
		}
	case "beta":
		if !(dist.Alpha > 0) || !(dist.Beta > 0) {
			d.fail(n, key, fmt.Sprintf("beta needs alpha > 0 and beta > 0, got %g and %g", dist.Alpha, dist.Beta), "alpha > 0, beta > 0")
			return Dist{}, false
		}
		_, hasMin := nums["min"]
		_, hasMax := nums["max"]
		if !hasMin && !hasMax {
			dist.Min, dist.Max = 0, 1
		} else if !(dist.Min < dist.Max) {
			d.fail(n, key, fmt.Sprintf("a scaled beta needs min < max, got %g and %g", dist.Min, dist.Max), "both min and max with min < max, or neither (the unit interval)")
			return Dist{}, false
		}
	}
	return dist, true
}

func (d *decoder) series(n ast.Node, key string) (*model.Series, bool) {
	pairs, ok := d.mapping(n, key, "years to numbers")
	if !ok {
		return nil, false
	}
	if len(pairs) == 0 {
		d.fail(n, key, "empty series", KindSeries.Allowed())
		return nil, false
	}
	type pt struct {
		y int
		v float64
	}
	pts := make([]pt, 0, len(pairs))
	for _, p := range pairs {
		y, err := strconv.Atoi(p.key)
		if err != nil || y < 1900 || y > 2200 {
			d.fail(p.kn, key, fmt.Sprintf("%q is not a year", p.key), "years 1900-2200")
			return nil, false
		}
		v, ok := d.number(p.vn, fmt.Sprintf("%s.%d", key, y))
		if !ok {
			return nil, false
		}
		if v < 0 {
			d.fail(p.vn, fmt.Sprintf("%s.%d", key, y), fmt.Sprintf("negative value %g", v), "numbers >= 0")
			return nil, false
		}
		pts = append(pts, pt{y, v})
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].y < pts[j].y })
	s := &model.Series{}
	for _, p := range pts {
		s.Years = append(s.Years, p.y)
		s.Values = append(s.Values, p.v)
	}
	return s, true
}

// readInput reads a scenario or sweep file (what names the kind in messages),
// refusing what is not a regular file of at most MaxFileBytes.
func readInput(path, what, missingAllowed string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{File: path, Msg: "no such file", Allowed: missingAllowed}
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	if info.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory", Allowed: "a " + what}
	}
	if !info.Mode().IsRegular() {
		return nil, &Error{File: path, Msg: "not a regular file", Allowed: "a " + what}
	}
	if info.Size() > MaxFileBytes {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is %d bytes; a %s is at most %d", info.Size(), what, MaxFileBytes)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	return data, nil
}

// ReadFile reads and parses a scenario file from disk.
func ReadFile(path string) (*File, error) {
	data, err := readInput(path, "scenario file", "a path to a scenario file, or a built-in name: "+strings.Join(BuiltinNames(), ", "))
	if err != nil {
		return nil, err
	}
	return parseAt(path, data)
}

// parseAt parses the scenario file read from path.
func parseAt(path string, data []byte) (*File, error) {
	f, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	f.Path = path
	return f, nil
}

// IsPath reports whether a scenario argument names a file rather than a built-in scenario.
func IsPath(arg string) bool {
	return strings.ContainsRune(arg, filepath.Separator) || strings.ContainsRune(arg, '/') ||
		strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml")
}
