package scenarios

import (
	"reflect"
	"strings"

	"htsim/model"
)

// Kind is the domain a parameter's values must lie in.
type Kind string

// Parameter kinds, from the `kind` tags of model.Params.
const (
	KindProb   Kind = "prob"   // a probability or share in [0, 1]
	KindFactor Kind = "factor" // a non-negative multiplier or odds
	KindCount  Kind = "count"  // a non-negative number of things
	KindMonths Kind = "months" // a duration of at least one month
	KindYears  Kind = "years"  // a non-negative number of years
	KindBool   Kind = "bool"   // true or false
	KindSeries Kind = "series" // a yearly series of non-negative numbers
)

// Allowed describes the values a kind admits, for error messages.
func (k Kind) Allowed() string {
	switch k {
	case KindProb:
		return "a number in [0, 1], or a distribution whose support lies in [0, 1]"
	case KindFactor, KindCount, KindYears:
		return "a number >= 0, or a distribution whose support is >= 0"
	case KindMonths:
		return "a number >= 1 (months), or a distribution whose support is >= 1"
	case KindBool:
		return "value: true or value: false"
	case KindSeries:
		return "series: a mapping of years (1900-2200) to numbers >= 0"
	}
	return ""
}

// Noun names the kind in messages.
func (k Kind) Noun() string {
	switch k {
	case KindProb:
		return "a probability"
	case KindFactor:
		return "a non-negative factor"
	case KindCount:
		return "a count"
	case KindMonths:
		return "a duration in months"
	case KindYears:
		return "a number of years"
	case KindBool:
		return "a yes/no setting"
	}
	return "a yearly series"
}

// inDomain reports whether [lo, hi] lies in the kind's domain.
func (k Kind) inDomain(lo, hi float64) bool {
	switch k {
	case KindProb:
		return lo >= 0 && hi <= 1
	case KindMonths:
		return lo >= 1
	default:
		return lo >= 0
	}
}

// Leaf is one parameter of model.Params: its dotted key, its kind and where it lives.
type Leaf struct {
	Path  string // e.g. "police.skill" or "police.corruption.south"
	Kind  Kind
	index []int
}

// Schema lists every parameter of model.Params in declaration order.
var Schema = buildSchema()

// SharedQuantile pairs parameters whose order the model assumes with the
// parameter whose random stream they draw from. Uniform and triangular
// values are drawn by inverse CDF from one uniform number, so both sit at the
// same quantile of their distributions, and the assumed order holds in every
// replicate whenever the distributions are ordered (not only on average). A
// beta is drawn through gamma variates: sharing the stream does not order it.
// Act, means and purpose (the UN Protocol's elements) are assumed easier to
// prove than a transaction in the person: drawn independently, the sexual
// forms' overlapping ranges reversed that in about one replicate in six, and
// with it the sign of the Palermo definition's effect.
var SharedQuantile = map[string]string{
	"qualification.means_evidence.labour": "qualification.transaction_evidence.labour",
	"qualification.means_evidence.sexual": "qualification.transaction_evidence.sexual",
	"qualification.means_evidence.other":  "qualification.transaction_evidence.other",
}

var leafByPath = func() map[string]*Leaf {
	m := make(map[string]*Leaf, len(Schema))
	for i := range Schema {
		m[Schema[i].Path] = &Schema[i]
	}
	return m
}()

func buildSchema() []Leaf {
	var out []Leaf
	var walk func(t reflect.Type, prefix string, index []int, kind Kind)
	walk = func(t reflect.Type, prefix string, index []int, kind Kind) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := f.Tag.Get("yaml")
			path := name
			if prefix != "" {
				path = prefix + "." + name
			}
			k := kind
			if tag := f.Tag.Get("kind"); tag != "" {
				k = Kind(tag)
			}
			idx := append(append([]int(nil), index...), i)
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(model.Series{}) {
				walk(f.Type, path, idx, k)
				continue
			}
			out = append(out, Leaf{Path: path, Kind: k, index: idx})
		}
	}
	walk(reflect.TypeOf(model.Params{}), "", nil, "")
	return out
}

// childKeys returns the keys allowed directly under a group path ("" is the
// parameters section itself), in schema order.
func childKeys(group string) []string {
	var keys []string
	seen := map[string]bool{}
	for _, l := range Schema {
		rest := l.Path
		if group != "" {
			if !strings.HasPrefix(l.Path, group+".") {
				continue
			}
			rest = l.Path[len(group)+1:]
		}
		k, _, _ := strings.Cut(rest, ".")
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// isGroup reports whether path names a group of parameters rather than one parameter.
func isGroup(path string) bool {
	if _, ok := leafByPath[path]; ok {
		return false
	}
	return len(childKeys(path)) > 0
}

// set stores a resolved value into p.
func (l *Leaf) set(p *model.Params, d Dist, v float64) {
	f := reflect.ValueOf(p).Elem().FieldByIndex(l.index)
	switch l.Kind {
	case KindBool:
		f.SetBool(d.Bool)
	case KindSeries:
		f.Set(reflect.ValueOf(*d.Series))
	default:
		f.SetFloat(v)
	}
}
