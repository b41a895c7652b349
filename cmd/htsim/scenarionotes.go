package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"htsim/scenarios"
)

// scenarioSummary says what scenario sc is, for htsim validate: its parent
// and, from each policy month, what it changes.
func scenarioSummary(sc *scenarios.Scenario) string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s", sc.Name)
	own := sc.Files[len(sc.Files)-1]
	if len(sc.Files) > 1 {
		fmt.Fprintf(&b, ", extends %s", sc.Files[len(sc.Files)-2].Name)
	}
	fmt.Fprintf(&b, "; %d parameters", len(scenarios.Schema))
	if own.Extends != "" && own.PolicyFrom == nil {
		fmt.Fprintf(&b, "; its %d change(s) apply from the start (no from:)", len(own.Params))
	}
	for i, changed := range sc.PhaseChanges() {
		fmt.Fprintf(&b, "; from %s it changes ", sc.Phases[i+1].From)
		switch {
		case len(changed) == 0:
			b.WriteString("nothing")
		case len(changed) <= 3:
			b.WriteString(strings.Join(changed, ", "))
		default:
			fmt.Fprintf(&b, "%s and %d more", strings.Join(changed[:3], ", "), len(changed)-3)
		}
	}
	return b.String()
}

// ownPhase returns the index of the phase in which the changes of sc's own
// file (the last of its files) begin: the phase of its from:, or the first.
func ownPhase(sc *scenarios.Scenario) int {
	own := sc.Files[len(sc.Files)-1]
	if own.PolicyFrom != nil {
		for i, ph := range sc.Phases {
			if ph.From == *own.PolicyFrom {
				return i
			}
		}
	}
	return 0
}

// scenarioWarnings lists what a user most likely did not mean in scenario
// sc, given on the command line as arg, in its own file (not its parents'):
// a policy month from which nothing changes; a file that sets nothing;
// shares that no longer add up to 1 (weightWarnings); a file named like a
// built-in that differs from it (its results are filed and compared under
// that name). And, wherever in its chain: a built-in whose file in
// ./scenarios differs from the compiled copy htsim runs (an edit to the file
// needs a rebuild).
func scenarioWarnings(arg string, sc *scenarios.Scenario) []string {
	var ws []string
	own := sc.Files[len(sc.Files)-1]
	if k := ownPhase(sc); k > 0 && own.PolicyFrom != nil && len(sc.PhaseChanges()[k-1]) == 0 {
		ws = append(ws, fmt.Sprintf("scenario %s changes no parameter from %s: every value is as before that month", sc.Name, sc.Phases[k].From))
	}
	if own.Extends != "" && own.PolicyFrom == nil && len(own.Params) == 0 {
		ws = append(ws, fmt.Sprintf("scenario %s sets no parameter: it is %s again", sc.Name, own.Extends))
	}
	ws = append(ws, weightWarnings(sc)...)
	if builtin, ok := scenarios.BuiltinBytes(sc.Name); ok && scenarios.IsPath(arg) && !bytes.Equal(own.Bytes, builtin) {
		ws = append(ws, fmt.Sprintf("%s is named %s, like the built-in scenario, but differs from it: its results are filed, and compared against, under the name %s", arg, sc.Name, sc.Name))
	}
	for i, f := range sc.Files {
		if f.Path != "" {
			continue // a file read from disk, not a built-in
		}
		disk := filepath.Join("scenarios", f.Name+".yaml")
		data, err := os.ReadFile(disk)
		if err != nil || bytes.Equal(data, f.Bytes) {
			continue
		}
		how := fmt.Sprintf("%s runs the built-in scenario", arg)
		if i < len(sc.Files)-1 {
			how = fmt.Sprintf("%s extends the built-in scenario %s", arg, f.Name)
		}
		ws = append(ws, fmt.Sprintf("%s, and %s differs from it: built-in scenarios are compiled into htsim, so the file's edits are not in this run (rebuild with make build, or use the file by its path)", how, disk))
	}
	return ws
}

// weightWarnings notes a weight group (scenarios.WeightGroups) that the
// scenario's own file sets, in the phase its changes begin, whose values,
// all fixed, no longer add up to 1 although its shares changed: an analyst
// who raises one region's share to 0.5 gets less than half, the others
// being rescaled. (times: on the whole group changes no share, and weights
// given as distributions, as calibrate writes them, are not summed.)
func weightWarnings(sc *scenarios.Scenario) []string {
	own := sc.Files[len(sc.Files)-1]
	k := ownPhase(sc)
	var ws []string
	for _, g := range scenarios.WeightGroups {
		var vals, prev []float64
		var first *scenarios.Param
		fixed := true
		for i, p := range sc.Phases[k].Params {
			if !strings.HasPrefix(p.Path, g+".") {
				continue
			}
			fixed = fixed && p.Dist.Kind == "point"
			vals = append(vals, p.Dist.Value)
			if k > 0 {
				prev = append(prev, sc.Phases[k-1].Params[i].Dist.Value)
			}
			if own.Params[p.Path] != nil && first == nil {
				first = p
			}
		}
		sum, prevSum := total(vals), total(prev)
		if first == nil || !fixed || math.Abs(sum-1) < 1e-9 || sum <= 0 {
			continue
		}
		if k > 0 && prevSum > 0 && sameShares(vals, sum, prev, prevSum) {
			continue
		}
		ws = append(ws, fmt.Sprintf("%s%s: the values add up to %.4g, not 1; they are relative weights, each divided by their sum (%s = %.4g is a share of %.1f%%)",
			phaseLabel(sc, k), g, sum, strings.TrimPrefix(first.Path, g+"."), first.Dist.Value, 100*first.Dist.Value/sum))
	}
	return ws
}

func total(xs []float64) (s float64) {
	for _, x := range xs {
		s += x
	}
	return s
}

// sameShares reports whether a and b, divided by their sums, are the same shares.
func sameShares(a []float64, sa float64, b []float64, sb float64) bool {
	for i := range a {
		if math.Abs(a[i]/sa-b[i]/sb) > 1e-12 {
			return false
		}
	}
	return true
}

// phaseLabel is "from YYYY-MM, " for a policy phase, empty for the first.
func phaseLabel(sc *scenarios.Scenario, k int) string {
	if k == 0 {
		return ""
	}
	return fmt.Sprintf("from %s, ", sc.Phases[k].From)
}
