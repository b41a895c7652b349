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

// scenarioWarnings lists what a user most likely did not mean in scenario
// sc, given on the command line as arg: a policy month from which nothing
// changes; a file that sets nothing; shares that no longer add up to 1
// (weightWarnings); a built-in run by name while the file
// of that name in ./scenarios differs from it (built-ins are compiled in,
// so an edit to the file needs a rebuild); a file named like a built-in
// that differs from it (its results are filed and compared under that name).
func scenarioWarnings(arg string, sc *scenarios.Scenario) []string {
	var ws []string
	own := sc.Files[len(sc.Files)-1]
	for i, changed := range sc.PhaseChanges() {
		if len(changed) == 0 {
			ws = append(ws, fmt.Sprintf("scenario %s changes no parameter from %s: every value is as before that month", sc.Name, sc.Phases[i+1].From))
		}
	}
	if own.Extends != "" && own.PolicyFrom == nil && len(own.Params) == 0 {
		ws = append(ws, fmt.Sprintf("scenario %s sets no parameter: it is %s again", sc.Name, own.Extends))
	}
	ws = append(ws, weightWarnings(sc)...)
	builtin, isBuiltin := scenarios.BuiltinBytes(sc.Name)
	switch {
	case !isBuiltin:
	case !scenarios.IsPath(arg):
		disk := filepath.Join("scenarios", sc.Name+".yaml")
		if data, err := os.ReadFile(disk); err == nil && !bytes.Equal(data, builtin) {
			ws = append(ws, fmt.Sprintf("%s runs the built-in scenario, and %s differs from it: built-in scenarios are compiled into htsim, so to run the file give its path (%s) or rebuild (make build)", arg, disk, disk))
		}
	case !bytes.Equal(own.Bytes, builtin):
		ws = append(ws, fmt.Sprintf("%s is named %s, like the built-in scenario, but differs from it: its results are filed, and compared against, under the name %s", arg, sc.Name, sc.Name))
	}
	return ws
}

// weightGroups are the parameters the model reads as relative weights, each
// divided by their group's sum (model/params.go), though a file states them
// as shares.
var weightGroups = []string{"population.sector_men", "population.sector_women",
	"population.region_foreign", "population.region_internal", "population.region_abroad"}

// weightWarnings notes a weight group that the scenario's own file sets and
// whose values, all fixed, no longer add up to 1: an analyst who raises one
// region's share to 0.5 gets less than half, the others being rescaled.
func weightWarnings(sc *scenarios.Scenario) []string {
	own := sc.Files[len(sc.Files)-1]
	var ws []string
	for _, g := range weightGroups {
		touched := false
		for path := range own.Params {
			touched = touched || strings.HasPrefix(path, g+".")
		}
		if !touched {
			continue
		}
		for _, ph := range sc.Phases {
			sum, fixed := 0.0, true
			var first *scenarios.Param
			for _, p := range ph.Params {
				if !strings.HasPrefix(p.Path, g+".") {
					continue
				}
				fixed = fixed && p.Dist.Kind == "point"
				sum += p.Dist.Value
				if own.Params[p.Path] != nil && first == nil {
					first = p
				}
			}
			if !fixed || math.Abs(sum-1) < 1e-9 || sum <= 0 || first == nil {
				continue
			}
			ws = append(ws, fmt.Sprintf("%s: the values add up to %.4g, not 1; they are relative weights, each divided by their sum (%s = %.4g is a share of %.1f%%)",
				g, sum, strings.TrimPrefix(first.Path, g+"."), first.Dist.Value, 100*first.Dist.Value/sum))
			break
		}
	}
	return ws
}
