package scenarios_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"htsim/scenarios"
)

// badDir holds scenario files with exactly one problem each. Most extend the
// baseline and override one thing, so they do not depend on the baseline's
// layout; the line numbers below are the small files' own.
var badDir = filepath.Join("..", "testdata", "bad")

// badCase is one file of testdata/bad and what its error message must say.
type badCase struct {
	file   string   // path under testdata/bad, slash-separated
	covers []string // further files of testdata/bad that this case exercises
	key    string   // dotted key the message must name ("KEY: "), or empty
	line   int      // line the message must give ("FILE:LINE:"), or 0
	want   []string // further fragments: what is wrong, what is allowed
	lacks  []string // fragments the message must not hold (a second, contradictory complaint)
}

var badCases = []badCase{
	// Whole-file problems.
	{file: "empty.yaml", want: []string{"file is empty", "name, description"}},
	// A file holding only comments is as empty as a file holding nothing.
	{file: "comments-only.yaml", want: []string{"empty"}},
	{file: "binary.yaml", want: []string{"not a text file"}},
	{file: "two-documents.yaml", want: []string{"found 2 YAML documents", "exactly one YAML document"}},

	// Malformed YAML: the parser reports the line where it gave up, one line off the culprit.
	{file: "malformed-indent.yaml", line: 5, // the over-indented to: is on line 6
		want: []string{"malformed YAML"}},
	{file: "malformed-unclosed-flow.yaml", line: 7, // the brace opened on line 6 is never closed
		want: []string{"malformed YAML", "}"}},
	// `skill:` a second time, on line 7; the first is on line 6.
	{file: "duplicate-key.yaml", line: 7, want: []string{`mapping key "skill" already defined`, "[6:5]"}},
	{file: "anchor-alias.yaml", key: "parameters.police.corruption.south", line: 7,
		want: []string{"anchors and aliases are not supported", "anchor-alias.yaml:8: parameters.police.corruption.almaty: ", "use extends:"}},
	{file: "yaml-tag.yaml", key: "parameters.police.cases_per_investigator.value", line: 6, want: []string{"YAML tags are not supported"}},

	// Unknown keys.
	{file: "unknown-top-key.yaml", key: "seed", line: 4, want: []string{"unknown key", "name, description, extends, from, horizon, parameters"}},
	{file: "unknown-param-typo.yaml", key: "parameters.police.skil", line: 6, want: []string{"unknown parameter", "skill"}},
	{file: "dotted-key.yaml", key: "parameters.police.skill", line: 5, want: []string{"a dotted key", "police: on its own line, then skill: indented under it"}},
	{file: "dotted-key-deep.yaml", key: "parameters.contact.help_seeking_at_exit.foreign", line: 5,
		want: []string{"a dotted key", "contact: on its own line, then help_seeking_at_exit: indented under it, then foreign: under that"}},
	{file: "unknown-leaf-key.yaml", key: "parameters.police.recognition.other.comment", line: 7, want: []string{"unknown key", "value, dist", "source, note"}},

	// Wrong types.
	{file: "wrong-type-text.yaml", key: "parameters.police.cases_per_investigator.value", line: 6, want: []string{`"two" is not a number`, "a finite number"}},
	{file: "bool-given-number.yaml", key: "parameters.law.requires_transaction.value", line: 6, want: []string{"expected true or false", "the number 1"}},
	{file: "bool-given-dist.yaml", key: "parameters.law.labour_explicit.dist", line: 6, want: []string{"unknown key", "value, source, note"}},
	{file: "leaf-bare-number.yaml", key: "parameters.police.skill", line: 6, want: []string{"expected a mapping", "the number 0.6", "source"}},

	// Values outside the parameter's domain.
	{file: "prob-above-one.yaml", key: "parameters.police.skill", line: 6, want: []string{"value 1.3", "outside the allowed range", "[0, 1]"}},
	{file: "negative-count.yaml", key: "parameters.police.investigators.south", line: 7, want: []string{"value -2", "outside the allowed range", ">= 0"}},
	{file: "months-below-one.yaml", key: "parameters.court.trial_months", line: 6, want: []string{"value 0.5", "outside the allowed range", ">= 1"}},
	{file: "support-crosses-domain.yaml", key: "parameters.police.skill", line: 6, want: []string{"uniform(0.5, 1.5)", "[0.5, 1.5]", "outside the allowed range", "[0, 1]"}},

	// Missing or empty pieces.
	{file: "zero-weights.yaml", key: "parameters.population.region_foreign", line: 11, want: []string{"every weight of the group is 0", "at least one weight above 0"}},
	{file: "colon-in-value.yaml", line: 4, want: []string{"malformed YAML", `a value holding ": " must be quoted`}, lacks: []string{"indentation"}},
	{file: "misindented.yaml", line: 7, want: []string{"malformed YAML", "check the indentation"}, lacks: []string{"quoted"}},
	{file: "tab-indent.yaml", line: 6, want: []string{"malformed YAML: a tab character", "spaces to indent"}},
	{file: "no-extends.yaml", key: "extends", want: []string{"absent, so every parameter must be set here", "195 of the 196 are not", "population.foreign_migrants", "extends: baseline"}},
	{file: "missing-source.yaml", key: "parameters.police.skill", line: 6, want: []string{"missing source", "assumption"}},
	{file: "empty-source.yaml", key: "parameters.police.skill.source", line: 6, want: []string{"empty source"}},

	// Horizon and months.
	{file: "horizon-from-after-to.yaml", key: "horizon", line: 5, want: []string{"from 2031-01 is after to 2030-12", "from no later than to"}},
	{file: "invalid-month.yaml", key: "horizon.to", line: 6, want: []string{`"2030-13" is not a month`, "YYYY-MM"}},

	// Distributions.
	{file: "unknown-dist.yaml", key: "parameters.police.skill.dist", line: 6, want: []string{`unknown distribution "lognormal"`, "uniform, triangular, beta"}},
	{file: "uniform-min-above-max.yaml", key: "parameters.police.corruption.south", line: 7, want: []string{"uniform needs min < max", "min 0.35 and max 0.15"}},
	{file: "uniform-min-equals-max.yaml", key: "parameters.police.corruption.south", line: 7, want: []string{"uniform needs min < max", "min 0.25 and max 0.25", "use value:"}},
	{file: "triangular-mode-outside.yaml", key: "parameters.police.skill", line: 6, want: []string{"min <= mode <= max", "0.4, 0.9, 0.8"}},
	{file: "beta-alpha-nonpositive.yaml", key: "parameters.police.skill", line: 6, want: []string{"alpha > 0", "got 0 and 2"}},
	{file: "value-and-dist.yaml", key: "parameters.police.skill", line: 6, want: []string{"both value and dist given"}},
	{file: "min-without-dist.yaml", key: "parameters.police.recognition.other.min", line: 7, want: []string{"min given without dist", "uniform, triangular or beta"}},

	// Series.
	{file: "series-non-year-key.yaml", key: "parameters.victimisation.wage_gap.series", line: 7, want: []string{`"twenty" is not a year`, "1900-2200"}},
	{file: "series-negative-value.yaml", key: "parameters.assistance.funded_shelters.series.2018", line: 7, want: []string{"negative value -10", ">= 0"}},

	// Relations between parameters.
	{file: "art128-max-below-min.yaml", key: "parameters.law.art128_max_years", line: 6, want: []string{"can be 2 years, below the minimum", "baseline"}},

	// Inheritance. The `extends:` or `from:` at fault is on the line given.
	{file: "extends-unknown.yaml", key: "extends", line: 3, want: []string{`unknown parent scenario "baseline-2019"`, "baseline"}},
	{file: "extends-missing-file.yaml", key: "extends", line: 3, want: []string{"no-such-parent.yaml", "not found"}},
	{file: "cycle/a.yaml", covers: []string{"cycle/b.yaml"}, key: "extends", line: 3, want: []string{"inheritance cycle", "a.yaml -> ", "b.yaml -> "}},
	{file: "from-without-extends.yaml", key: "from", line: 3, want: []string{"needs a parent scenario (extends:)", "extends"}},
	{file: "policy-outside-horizon.yaml", key: "from", line: 4, want: []string{"policy month 2040-01 is outside the horizon 2010-01 to 2030-12"}},
	{file: "child-unknown-override.yaml", key: "parameters.police.skil", line: 7, want: []string{"unknown parameter", "skill"}},
}

func TestBadScenarios(t *testing.T) {
	for _, c := range badCases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(badDir, filepath.FromSlash(c.file))
			_, err, panicked := noPanic(t, path, scenarios.Load)
			if panicked {
				return
			}
			if err == nil {
				t.Fatalf("Load(%q) succeeded; want an error", path)
			}
			checkInputError(t, err, path, c.line, c.key, c.want)
			for _, l := range c.lacks {
				if strings.Contains(err.Error(), l) {
					t.Errorf("message holds %q:\n%v", l, err)
				}
			}
		})
	}
}

// TestBadScenariosCovered checks that every file under testdata/bad has a case,
// and every case a file.
func TestBadScenariosCovered(t *testing.T) {
	checkCorpusCovered(t, badDir, "", "badCases", listedFiles(len(badCases), func(i int) []string {
		return append([]string{badCases[i].file}, badCases[i].covers...)
	}))
}

func TestBaselineLoads(t *testing.T) {
	for _, arg := range []string{"baseline", "baseline.yaml"} { // built-in, and the file by path
		s, err := scenarios.Load(arg)
		if err != nil {
			t.Fatalf("Load(%q): %v", arg, err)
		}
		if s.Name != "baseline" {
			t.Errorf("Load(%q): name %q, want baseline", arg, s.Name)
		}
		if len(s.Phases) != 1 {
			t.Fatalf("Load(%q): %d phases, want 1", arg, len(s.Phases))
		}
		if n := len(s.Phases[0].Params); n != len(scenarios.Schema) {
			t.Errorf("Load(%q): %d parameters, want %d (the schema)", arg, n, len(scenarios.Schema))
		}
	}
}

func TestEveryParameterHasSource(t *testing.T) {
	s, err := scenarios.Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	params := s.Phases[0].Params
	if len(params) != len(scenarios.Schema) {
		t.Fatalf("%d parameters, want %d", len(params), len(scenarios.Schema))
	}
	for i, l := range scenarios.Schema {
		p := params[i]
		if p == nil {
			t.Errorf("%s: not set", l.Path)
			continue
		}
		if p.Path != l.Path {
			t.Errorf("parameter %d is %s, want %s (schema order)", i, p.Path, l.Path)
		}
		if strings.TrimSpace(p.Source) == "" {
			t.Errorf("%s (line %d): no source", l.Path, p.Line)
		}
	}
}

func ExampleLoad() {
	s, err := scenarios.Load("baseline")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d phase(s)\n", s.Name, len(s.Phases))
	// Output: baseline: 1 phase(s)
}

// TestMissingParameter: a scenario without extends: that sets all but one
// parameter is told which one is missing, and what it takes. (With more
// than a few missing, TestBadScenarios's no-extends.yaml is told to extend
// a scenario instead.)
func TestMissingParameter(t *testing.T) {
	data, err := os.ReadFile("baseline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const block = "    foreign_migrants:\n"
	i := bytes.Index(data, []byte(block))
	j := bytes.Index(data, []byte("    internal_migrants:\n"))
	if i < 0 || j < i {
		t.Fatal("baseline.yaml has no foreign_migrants block before internal_migrants")
	}
	path := filepath.Join(t.TempDir(), "missing-parameter.yaml")
	if err := os.WriteFile(path, append(append([]byte{}, data[:i]...), data[j:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = scenarios.Load(path)
	if err == nil {
		t.Fatal("a scenario without population.foreign_migrants loaded")
	}
	checkInputError(t, err, path, 0, "parameters.population.foreign_migrants", []string{"missing parameter", "series: a mapping of years"})
}

// TestByteOrderMark: a file saved with a UTF-8 byte-order mark (some Windows
// editors) loads as without it; its hash is of the bytes as they are.
func TestByteOrderMark(t *testing.T) {
	src := []byte("name: bom\nextends: baseline\nfrom: 2025-01\nparameters:\n  police:\n    skill: {value: 0.6, source: assumption}\n")
	dir := t.TempDir()
	plain, bom := filepath.Join(dir, "plain.yaml"), filepath.Join(dir, "bom.yaml")
	os.WriteFile(plain, src, 0o644)
	os.WriteFile(bom, append([]byte("\xef\xbb\xbf"), src...), 0o644)
	a, err := scenarios.Load(plain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := scenarios.Load(bom)
	if err != nil {
		t.Fatalf("a file with a byte-order mark: %v", err)
	}
	own := func(s *scenarios.Scenario) string { return s.Files[len(s.Files)-1].SHA256 } // parents first
	if len(a.Phases) != len(b.Phases) || a.Name != b.Name || own(a) == own(b) {
		t.Errorf("with a byte-order mark: %d phases, name %q, same hash %v; want %d, %q, a different hash",
			len(b.Phases), b.Name, own(a) == own(b), len(a.Phases), a.Name)
	}
}
