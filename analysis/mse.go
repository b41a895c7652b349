package analysis

// Multiple systems estimation (MSE): the number of victims no list records,
// estimated from how the lists overlap, with Poisson log-linear models.
//
// The model for k lists (2 <= k <= 8) is
//
//	log E[n_ω] = β0 + Σ_i βi ωi + Σ_{(i,j) in the model} βij ωi ωj
//
// over the 2^k-1 observable capture patterns ω (the all-zero pattern is never
// observed). The estimated number of unlisted cases is exp(β0) and the
// estimated total is the number observed plus exp(β0) (the Poisson estimate of
// Cormack 1989, as in Rcapture and SparseMSE). The 95% interval is the
// multinomial profile likelihood interval for N of Cormack (1992), as Rcapture's
// closedpCI computes it. Models are checked before fitting as SparseMSE's
// checkident does (Chan, Silverman & Vincent 2021; Fienberg & Rinaldo 2012).

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// MaxMSELists is the largest number of lists MSE accepts (2^8-1 = 255 patterns).
const MaxMSELists = 8

// MSETable holds the counts of the observed capture patterns over k lists.
// Counts is indexed by pattern: bit i is set when the case is on Lists[i].
// Counts[0], the unobserved pattern, must stay 0.
type MSETable struct {
	Lists  []string
	Counts []int64
}

// NewMSETable returns an empty table over the named lists. It fails unless
// there are 2 to 8 distinct, non-empty names made of letters, digits, '_', '-' or '.'.
func NewMSETable(lists []string) (*MSETable, error) {
	if len(lists) < 2 || len(lists) > MaxMSELists {
		return nil, fmt.Errorf("multiple systems estimation needs 2 to %d lists, got %d", MaxMSELists, len(lists))
	}
	seen := map[string]bool{}
	for _, l := range lists {
		if l == "" {
			return nil, errors.New("a list name is empty")
		}
		for _, r := range l {
			if !(r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return nil, fmt.Errorf("list name %q: use only letters, digits, '_', '-' and '.'", l)
			}
		}
		if seen[l] {
			return nil, fmt.Errorf("list %q is named twice", l)
		}
		seen[l] = true
	}
	return &MSETable{Lists: append([]string(nil), lists...), Counts: make([]int64, 1<<len(lists))}, nil
}

// Add adds n cases with the given capture pattern.
func (t *MSETable) Add(pattern int, n int64) { t.Counts[pattern] += n }

// Observed returns the number of cases on at least one list.
func (t *MSETable) Observed() int64 {
	var s int64
	for p := 1; p < len(t.Counts); p++ {
		s += t.Counts[p]
	}
	return s
}

// Margin returns the number of cases on list i.
func (t *MSETable) Margin(i int) int64 {
	var s int64
	for p := 1; p < len(t.Counts); p++ {
		if p&(1<<i) != 0 {
			s += t.Counts[p]
		}
	}
	return s
}

// Overlap returns the number of cases on both list i and list j (and maybe others).
func (t *MSETable) Overlap(i, j int) int64 {
	var s int64
	both := 1<<i | 1<<j
	for p := 1; p < len(t.Counts); p++ {
		if p&both == both {
			s += t.Counts[p]
		}
	}
	return s
}

// PatternName names a capture pattern by its lists, e.g. "police+ngo".
func (t *MSETable) PatternName(p int) string {
	var names []string
	for i, l := range t.Lists {
		if p&(1<<i) != 0 {
			names = append(names, l)
		}
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, "+")
}

// Check rejects a table MSE cannot use: counts of the wrong length, negative
// counts, a count for the unobserved pattern, or a list with no case at all
// (its main effect would be minus infinity).
func (t *MSETable) Check() error {
	k := len(t.Lists)
	if k < 2 || k > MaxMSELists {
		return fmt.Errorf("multiple systems estimation needs 2 to %d lists, got %d", MaxMSELists, k)
	}
	if len(t.Counts) != 1<<k {
		return fmt.Errorf("a table over %d lists needs %d pattern counts, got %d", k, 1<<k, len(t.Counts))
	}
	if t.Counts[0] != 0 {
		return errors.New("the pattern on no list cannot be observed; its count must be 0")
	}
	for p, n := range t.Counts {
		if n < 0 {
			return fmt.Errorf("pattern %s has a negative count %d", t.PatternName(p), n)
		}
	}
	for i, l := range t.Lists {
		if t.Margin(i) == 0 {
			return &MSEError{Reason: fmt.Sprintf("list %s records no case: drop it (a list with an empty margin carries no information and its parameter does not exist)", l)}
		}
	}
	return nil
}

// MSEError reports a model or table that the estimator refuses because the
// estimate would not exist or not be identifiable.
type MSEError struct{ Reason string }

// Error returns the reason.
func (e *MSEError) Error() string { return e.Reason }

// MSEModel is a log-linear model: the intercept and every main effect, plus the
// two-way interactions in Pairs (list indices i < j, in increasing order).
type MSEModel struct {
	Pairs [][2]int
}

// Has reports whether the model holds the interaction of lists i and j.
func (m MSEModel) Has(i, j int) bool {
	if i > j {
		i, j = j, i
	}
	for _, p := range m.Pairs {
		if p == [2]int{i, j} {
			return true
		}
	}
	return false
}

// With returns the model with the interaction of lists i and j added.
func (m MSEModel) With(i, j int) MSEModel {
	if i > j {
		i, j = j, i
	}
	if m.Has(i, j) {
		return m
	}
	pairs := append(append([][2]int(nil), m.Pairs...), [2]int{i, j})
	sort.Slice(pairs, func(a, b int) bool {
		if pairs[a][0] != pairs[b][0] {
			return pairs[a][0] < pairs[b][0]
		}
		return pairs[a][1] < pairs[b][1]
	})
	return MSEModel{Pairs: pairs}
}

// Name describes the model as "main" or "main+A:B+C:D".
func (m MSEModel) Name(lists []string) string {
	var b strings.Builder
	b.WriteString("main")
	for _, p := range m.Pairs {
		fmt.Fprintf(&b, "+%s:%s", lists[p[0]], lists[p[1]])
	}
	return b.String()
}

// ParseMSEModel reads a model description: "main", or "main+A:B,C:D" (the
// interactions may be separated by ',' or '+'), where A, B, ... are list names.
func ParseMSEModel(lists []string, spec string) (MSEModel, error) {
	spec = strings.TrimSpace(spec)
	rest, ok := strings.CutPrefix(spec, "main")
	if !ok {
		return MSEModel{}, fmt.Errorf("model %q must start with \"main\" (main effects), e.g. main or main+%s:%s", spec, lists[0], lists[1])
	}
	var m MSEModel
	if rest == "" {
		return m, nil
	}
	if rest[0] != '+' && rest[0] != ',' {
		return MSEModel{}, fmt.Errorf("model %q: write interactions as main+A:B,C:D", spec)
	}
	index := map[string]int{}
	for i, l := range lists {
		index[l] = i
	}
	terms := strings.FieldsFunc(rest, func(r rune) bool { return r == '+' || r == ',' })
	if len(terms) == 0 {
		return MSEModel{}, fmt.Errorf("model %q: no interaction after main", spec)
	}
	for _, term := range terms {
		term = strings.TrimSpace(term)
		a, b, ok := strings.Cut(term, ":")
		if !ok || strings.Contains(b, ":") {
			return MSEModel{}, fmt.Errorf("model %q: interaction %q must be two list names joined by ':' (only two-way interactions)", spec, term)
		}
		i, ok1 := index[strings.TrimSpace(a)]
		j, ok2 := index[strings.TrimSpace(b)]
		if !ok1 || !ok2 {
			bad := a
			if ok1 {
				bad = b
			}
			return MSEModel{}, fmt.Errorf("model %q: %q is not one of the lists (%s)", spec, strings.TrimSpace(bad), strings.Join(lists, ", "))
		}
		if i == j {
			return MSEModel{}, fmt.Errorf("model %q: interaction %q pairs a list with itself", spec, term)
		}
		if m.Has(i, j) {
			return MSEModel{}, fmt.Errorf("model %q: interaction %s:%s is named twice", spec, lists[min(i, j)], lists[max(i, j)])
		}
		m = m.With(i, j)
	}
	return m, nil
}

// MSECriterion is the information criterion stepwise selection minimises.
type MSECriterion int

// Criteria for SelectMSE.
const (
	// AIC is -2 log L + 2 p.
	AIC MSECriterion = iota
	// BIC is -2 log L + p log n, with n the number of observed cases (as Rcapture's closedpMS).
	BIC
)

// String returns "aic" or "bic".
func (c MSECriterion) String() string {
	if c == BIC {
		return "bic"
	}
	return "aic"
}

// ParseMSECriterion reads "aic" or "bic".
func ParseMSECriterion(s string) (MSECriterion, error) {
	switch strings.ToLower(s) {
	case "aic":
		return AIC, nil
	case "bic":
		return BIC, nil
	}
	return 0, fmt.Errorf("criterion must be aic or bic, got %q", s)
}

// MSECoefficient is one fitted log-linear parameter with its standard error
// (from the inverse Fisher information).
type MSECoefficient struct {
	Name     string  `json:"name"`
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
}

// MSEStep is one model considered during stepwise selection.
type MSEStep struct {
	Model     string  // the candidate, e.g. "main+police:ngo"
	Criterion float64 // its AIC or BIC; NaN when refused
	Estimate  float64 // its estimated total; NaN when refused
	Refused   string  // why it was not fitted, or ""
	Chosen    bool    // it became the current model
}

// MSEResult is a fitted multiple systems estimate.
type MSEResult struct {
	Lists     []string // list names, in pattern bit order
	Model     string   // e.g. "main+police:ngo"
	Pairs     [][2]int // the model's interactions (list indices)
	Selection string   // "aic" or "bic" when chosen stepwise, "" when the model was given

	Observed   int64   // cases on at least one list
	Unobserved float64 // estimated cases on no list: exp(intercept)
	Estimate   float64 // Observed + Unobserved
	SE         float64 // standard error of Estimate: sqrt(exp(b0) + exp(2 b0) var(b0)), as Rcapture
	Lower      float64 // 95% profile likelihood interval for the total (Observed when the lower end is 0 unobserved)
	Upper      float64 // upper end; +Inf when the likelihood does not fall enough
	// Interval names the interval's method.
	Interval string

	Coefficients []MSECoefficient // intercept, main effects, interactions
	LogLik       float64          // Poisson log-likelihood over the observed patterns
	Deviance     float64          // against the saturated model of the observed patterns
	DF           int              // observed patterns (2^k - 1) minus parameters
	AIC, BIC     float64
	Steps        []MSEStep // stepwise selection path (empty for a given model)
}

// mseIntervalMethod describes the interval computed by profileInterval.
const mseIntervalMethod = "95% multinomial profile likelihood (Cormack 1992)"

// FitMSE fits the given model to the table. It returns an *MSEError when the
// table has an empty list, when an interaction joins two lists that share no
// case, when the design is rank-deficient, or when the maximum likelihood
// estimate does not exist (the linear-programming test of Fienberg & Rinaldo
// 2012, as SparseMSE's checkident, backed by a check of the fit itself).
func FitMSE(t *MSETable, m MSEModel) (*MSEResult, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	for _, p := range m.Pairs {
		if p[0] < 0 || p[1] >= len(t.Lists) || p[0] >= p[1] {
			return nil, fmt.Errorf("interaction %v is not a pair of lists i < j", p)
		}
	}
	f, err := fitModel(t, m)
	if err != nil {
		return nil, err
	}
	return f.result(t, m, "")
}

// SelectMSE chooses a model stepwise and fits it: starting from main effects,
// it adds at each step the two-way interaction that most lowers the criterion,
// and stops when none does. Interactions the data cannot support (no shared
// case, rank deficiency, no maximum likelihood estimate) are skipped and
// recorded in Steps.
func SelectMSE(t *MSETable, c MSECriterion) (*MSEResult, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	k := len(t.Lists)
	cur := MSEModel{}
	best, err := fitModel(t, cur)
	if err != nil {
		return nil, err
	}
	crit := func(f *mseFit) float64 {
		if c == BIC {
			return f.bic
		}
		return f.aic
	}
	steps := []MSEStep{{Model: cur.Name(t.Lists), Criterion: crit(best), Estimate: best.estimate(), Chosen: true}}
	refused := map[[2]int]bool{}
	for {
		var next *mseFit
		var nextModel MSEModel
		for i := 0; i < k; i++ {
			for j := i + 1; j < k; j++ {
				if cur.Has(i, j) || refused[[2]int{i, j}] {
					continue
				}
				cand := cur.With(i, j)
				f, err := fitModel(t, cand)
				if err != nil {
					var me *MSEError
					if !errors.As(err, &me) {
						return nil, err
					}
					steps = append(steps, MSEStep{Model: cand.Name(t.Lists), Criterion: math.NaN(), Estimate: math.NaN(), Refused: me.Reason})
					// A model that contains this one is refused too (the
					// divergent direction or rank deficiency remains), so
					// the interaction is not tried again.
					refused[[2]int{i, j}] = true
					continue
				}
				steps = append(steps, MSEStep{Model: cand.Name(t.Lists), Criterion: crit(f), Estimate: f.estimate()})
				if crit(f) < crit(best) && (next == nil || crit(f) < crit(next)) {
					next, nextModel = f, cand
				}
			}
		}
		if next == nil {
			break
		}
		for s := range steps {
			if steps[s].Model == nextModel.Name(t.Lists) && !steps[s].Chosen && steps[s].Refused == "" {
				steps[s].Chosen = true
			}
		}
		best, cur = next, nextModel
	}
	r, err := best.result(t, cur, c.String())
	if err != nil {
		return nil, err
	}
	r.Steps = steps
	return r, nil
}

// LincolnPetersen is the two-list estimate N = n1 n2 / m, where n1 and n2 are
// the list sizes and m the cases on both. It is the maximum likelihood
// estimate of the main-effects log-linear model on two lists. It is +Inf when m is 0.
func LincolnPetersen(n1, n2, m float64) float64 {
	if m == 0 {
		return math.Inf(1)
	}
	return n1 * n2 / m
}

// Chapman is the nearly unbiased two-list estimate (n1+1)(n2+1)/(m+1) - 1
// (Chapman 1951), finite even when no case is on both lists.
func Chapman(n1, n2, m float64) float64 {
	return (n1+1)*(n2+1)/(m+1) - 1
}
