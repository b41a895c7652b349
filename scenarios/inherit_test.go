package scenarios_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"htsim/model"
	"htsim/scenarios"
)

// policyMonth is the month each built-in scenario's own phase starts: 2025-01
// for every policy; the law's history (amended-2020) from its amendment.
func policyMonth(name string) model.Month {
	switch name {
	case "amended-2020":
		return model.MonthOf(2020, 1)
	case "amended-2023":
		return model.MonthOf(2023, 1)
	}
	return model.MonthOf(2025, 1)
}

func leafIndex(path string) int {
	for i, l := range scenarios.Schema {
		if l.Path == path {
			return i
		}
	}
	return -1
}

// sameParam reports whether two parameters are the same setting: same key,
// distribution and source (and the same file and line, when from the same file).
func sameParam(a, b *scenarios.Param) bool {
	return a != nil && b != nil && a.Path == b.Path && reflect.DeepEqual(a.Dist, b.Dist) && a.Source == b.Source &&
		a.Note == b.Note && a.File == b.File && a.Line == b.Line
}

// TestPolicyScenariosInherit: each built-in scenario but baseline is the
// scenario it extends (baseline, or amended-2020 for amended-2023) until its
// month (policyMonth: every phase before it the parent's, every leaf the
// parent's), then the parent's last phase with the file's own keys.
func TestPolicyScenariosInherit(t *testing.T) {
	base, err := scenarios.Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	names := scenarios.BuiltinNames()[1:]
	if len(names) == 0 {
		t.Fatal("no built-in policy scenarios")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			policyMonth := policyMonth(name)
			s, err := scenarios.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			// Every policy extends baseline itself; amended-2023 extends amended-2020.
			want := []string{"baseline", name}
			if name == "amended-2023" {
				want = []string{"baseline", "amended-2020", name}
			}
			var got []string
			for _, f := range s.Files {
				got = append(got, f.Name)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("files %v, want %v", got, want)
			}
			parent, err := scenarios.Load(s.Files[len(s.Files)-2].Name)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Phases) != len(parent.Phases)+1 {
				t.Fatalf("%d phases, want %d (the parent's and one)", len(s.Phases), len(parent.Phases)+1)
			}
			for i, ph := range parent.Phases {
				if s.Phases[i].From != ph.From {
					t.Errorf("phase %d starts %s, the parent's %s", i, s.Phases[i].From, ph.From)
				}
				for j := range scenarios.Schema {
					if !sameParam(s.Phases[i].Params[j], ph.Params[j]) {
						t.Errorf("phase %d %s differs from the parent's", i, scenarios.Schema[j].Path)
					}
				}
			}
			last := len(s.Phases) - 1
			if s.Phases[last].From != policyMonth {
				t.Errorf("the last phase starts %s, want %s", s.Phases[last].From, policyMonth)
			}
			if pf, ok := s.PolicyFrom(); !ok || pf != policyMonth {
				t.Errorf("PolicyFrom() = %s, %v; want %s, true", pf, ok, policyMonth)
			}
			if s.From != base.From || s.To != base.To {
				t.Errorf("horizon %s to %s, want baseline's %s to %s", s.From, s.To, base.From, base.To)
			}
			// What follows compares the own phase with the parent's last.
			parentLast := *parent
			parentLast.Phases = parent.Phases[len(parent.Phases)-1:]
			base := &parentLast
			tail := *s
			tail.Phases = s.Phases[last-1:]
			s = &tail
			own := s.Files[len(s.Files)-1].Params
			if len(own) == 0 {
				t.Fatal("the policy file sets no parameter")
			}
			for path := range own {
				if leafIndex(path) < 0 {
					t.Errorf("own key %s is not in the schema", path)
				}
			}
			p0, p1 := s.Phases[0].Params, s.Phases[1].Params
			if len(p0) != len(scenarios.Schema) || len(p1) != len(scenarios.Schema) {
				t.Fatalf("phases hold %d and %d parameters, want %d", len(p0), len(p1), len(scenarios.Schema))
			}
			for i, l := range scenarios.Schema {
				b := base.Phases[0].Params[i]
				// Phase 0: exactly the baseline, whatever the policy sets.
				if !sameParam(p0[i], b) {
					t.Errorf("phase 0 %s = %v (%s line %d), want baseline's %v (%s line %d)",
						l.Path, p0[i].Dist, p0[i].File, p0[i].Line, b.Dist, b.File, b.Line)
				}
				if o, set := own[l.Path]; set {
					// Phase 1: the policy's own setting, and it changes something.
					if o.Dist.Kind == "times" {
						// times: resolves to the baseline's distribution scaled.
						want, _ := b.Dist.Scaled(o.Dist.Value)
						if !reflect.DeepEqual(p1[i].Dist, want) || p1[i].Source != o.Source {
							t.Errorf("phase 1 %s = %v, want %g x baseline's %v = %v", l.Path, p1[i].Dist, o.Dist.Value, b.Dist, want)
						}
						if o.Dist.Value == 1 {
							t.Errorf("%s line %d: %s times 1: the override does nothing", o.File, o.Line, l.Path)
						}
						continue
					}
					if p1[i] != o {
						t.Errorf("phase 1 %s = %v (%s line %d), want the policy's %v (line %d)", l.Path, p1[i].Dist, p1[i].File, p1[i].Line, o.Dist, o.Line)
					}
					if reflect.DeepEqual(o.Dist, b.Dist) {
						t.Errorf("%s line %d: %s = %v, the same as baseline's: the override does nothing", o.File, o.Line, l.Path, o.Dist)
					}
				} else if !sameParam(p1[i], b) {
					t.Errorf("phase 1 %s = %v (%s line %d), want baseline's %v (not set by the policy)", l.Path, p1[i].Dist, p1[i].File, p1[i].Line, b.Dist)
				}
			}
			// ParamsAt switches exactly at the policy month.
			if got := s.ParamsAt(policyMonth - 1); &got[0] != &p0[0] {
				t.Errorf("ParamsAt(%s) is not phase 0", policyMonth-1)
			}
			if got := s.ParamsAt(policyMonth); &got[0] != &p1[0] {
				t.Errorf("ParamsAt(%s) is not phase 1", policyMonth)
			}
		})
	}
}

// TestGrandchildPhases: a policy on top of a policy has three phases; each
// later phase keeps what the earlier ones set unless it overrides it.
func TestGrandchildPhases(t *testing.T) {
	path := filepath.Join("..", "testdata", "inherit", "good", "grandchild.yaml")
	s, err := scenarios.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := scenarios.Load("baseline")
	pal, _ := scenarios.Load("palermo")
	if len(s.Phases) != 3 || s.Phases[1].From != policyMonth("palermo") || s.Phases[2].From != model.MonthOf(2027, 1) {
		var starts []string
		for _, ph := range s.Phases {
			starts = append(starts, ph.From.String())
		}
		t.Fatalf("phases start %v, want [start 2025-01 2027-01]", starts)
	}
	if pf, ok := s.PolicyFrom(); !ok || pf != model.MonthOf(2027, 1) {
		t.Errorf("PolicyFrom() = %s, %v; want 2027-01", pf, ok)
	}
	skill := leafIndex("police.skill")
	for i, l := range scenarios.Schema {
		if !sameParam(s.Phases[0].Params[i], base.Phases[0].Params[i]) {
			t.Errorf("phase 0 %s differs from baseline", l.Path)
		}
		if !sameParam(s.Phases[1].Params[i], pal.Phases[1].Params[i]) {
			t.Errorf("phase 1 %s differs from palermo's phase 1", l.Path)
		}
		want := pal.Phases[1].Params[i]
		if i == skill {
			want = s.Files[2].Params["police.skill"]
		}
		if s.Phases[2].Params[i] != want && !sameParam(s.Phases[2].Params[i], want) {
			t.Errorf("phase 2 %s = %v, want %v", l.Path, s.Phases[2].Params[i].Dist, want.Dist)
		}
	}
	if d := s.Phases[2].Params[skill].Dist; d.Kind != "point" || d.Value != 0.8 {
		t.Errorf("phase 2 police.skill = %v, want 0.8", d)
	}
}

// inheritDir holds scenario files whose inheritance is broken in one way each
// (good/ holds valid ones). Line numbers are the files' own.
var inheritDir = filepath.Join("..", "testdata", "inherit")

var inheritCases = []struct {
	file   string   // path under testdata/inherit, slash-separated
	covers []string // further files the case exercises
	key    string   // the key the message names
	line   int      // the line the message gives
	want   []string // further fragments
}{
	{file: "cycle2/a.yaml", covers: []string{"cycle2/b.yaml"}, key: "extends", line: 3,
		want: []string{"inheritance cycle: a.yaml -> b.yaml -> a.yaml"}},
	{file: "cycle3/a.yaml", covers: []string{"cycle3/b.yaml", "cycle3/c.yaml"}, key: "extends", line: 3,
		want: []string{"inheritance cycle: a.yaml -> b.yaml -> c.yaml -> a.yaml"}},
	{file: "unknown-parent.yaml", key: "extends", line: 4, want: []string{`unknown parent scenario "basline"`, "baseline"}},
	{file: "sibling/child.yaml", covers: []string{"sibling/parent.yaml"}, key: "extends", line: 3, want: []string{`unknown parent scenario "parent"`, "did you mean extends: ./parent.yaml (beside this file)?"}},
	{file: "unknown-override.yaml", key: "parameters.law.requires_transactions", line: 8, want: []string{"unknown parameter", "requires_transaction"}},
	{file: "policy-after-horizon.yaml", key: "from", line: 4, want: []string{"policy month 2035-01 is outside the horizon 2010-01 to 2030-12", "unless this file sets horizon:"}},
	{file: "from-invalid-month.yaml", key: "from", line: 4, want: []string{`"2025-13" is not a month`, "YYYY-MM"}},
	{file: "override-out-of-domain.yaml", key: "parameters.police.recognition.labour", line: 8, want: []string{"value 2", "outside the allowed range", "[0, 1]"}},
	{file: "times-out-of-domain.yaml", key: "parameters.police.recognition.labour", line: 8,
		want: []string{"3 times the parent's triangular(0.1, 0.2, 0.35)", "outside the allowed range for a probability"}},
	{file: "times-zero.yaml", key: "parameters.police.raid_monthly.times", line: 7, want: []string{"factor 0", "a finite number > 0"}},
	{file: "times-with-value.yaml", key: "parameters.pretrial.corruption_monthly.value", line: 7, want: []string{"unknown key", "times, source, note"}},
	{file: "times-bool-group.yaml", key: "parameters.law", line: 6, want: []string{"times: given for a group holding"}},
	{file: "times-root/root.yaml", key: "parameters.pretrial.corruption_monthly", line: 6, want: []string{"times: scales the parent scenario's value", "extends: PARENT"}},
}

// TestTimes: times: on a leaf, a group and a series resolves to the parent's
// value or distribution times the factor, from the policy month only.
func TestTimes(t *testing.T) {
	base, err := scenarios.Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Load(filepath.Join(inheritDir, "good", "times.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	scaled := map[string]float64{"police.investigators.south": 3, "police.investigators.rest": 3, "police.regional_effort.south": 1.3,
		"pretrial.corruption_monthly": 0.5, "population.foreign_migrants": 1.2}
	for i, l := range scenarios.Schema {
		b := base.Phases[0].Params[i]
		if !sameParam(s.Phases[0].Params[i], b) {
			t.Errorf("phase 0 %s = %v, want baseline's %v", l.Path, s.Phases[0].Params[i].Dist, b.Dist)
		}
		p := s.Phases[1].Params[i]
		c, ok := scaled[l.Path]
		if !ok {
			if strings.HasPrefix(l.Path, "police.investigators.") {
				c, ok = 3, true
			} else {
				if !sameParam(p, b) {
					t.Errorf("phase 1 %s = %v, want baseline's %v", l.Path, p.Dist, b.Dist)
				}
				continue
			}
		}
		want, _ := b.Dist.Scaled(c)
		if !reflect.DeepEqual(p.Dist, want) || p.Dist.Kind == "times" {
			t.Errorf("phase 1 %s = %v, want %g x %v = %v", l.Path, p.Dist, c, b.Dist, want)
		}
		if !strings.Contains(p.Note, fmt.Sprintf("%g x parent's", c)) || p.Source == b.Source {
			t.Errorf("phase 1 %s: note %q, source %q; want the factor noted and the policy's source", l.Path, p.Note, p.Source)
		}
	}
	if got := s.Phases[1].Params[leafIndex("police.investigators.south")].Dist; got.Value != 18 {
		t.Errorf("investigators.south = %v, want 3 x 6 = 18", got)
	}
}

// TestBadInheritance: each broken file gives an error that names the file,
// the line and the key at fault (extends, from, or the parameter).
func TestBadInheritance(t *testing.T) {
	for _, c := range inheritCases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(inheritDir, filepath.FromSlash(c.file))
			s, err, panicked := noPanic(t, path, scenarios.Load)
			if panicked {
				return
			}
			if err == nil {
				t.Fatalf("Load(%q) gave scenario %s with %d phases; want an error", path, s.Name, len(s.Phases))
			}
			checkInputError(t, err, path, c.line, c.key, c.want)
		})
	}
}

// TestBadInheritanceCovered: every file under testdata/inherit outside good/
// has a case, and every case a file.
func TestBadInheritanceCovered(t *testing.T) {
	checkCorpusCovered(t, inheritDir, "good", "inheritCases", listedFiles(len(inheritCases), func(i int) []string {
		return append([]string{inheritCases[i].file}, inheritCases[i].covers...)
	}))
}

// TestPhaseChanges: a policy phase lists the parameters whose values differ
// from the phase before; a series counts from the phase's month on, so an
// edit to its points before the policy month is no change.
func TestPhaseChanges(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, params string
		want         []string
	}{
		{"skill", "  police:\n    skill: {value: 0.7, source: assumption}\n", []string{"police.skill"}},
		{"same", "  police:\n    skill: {times: 1, source: assumption}\n", nil},
		{"series-before", "  population:\n    foreign_migrants: {series: {2010: 1, 2011: 500000, 2015: 950000, 2019: 1000000}, source: assumption}\n", nil},
		{"series-after", "  population:\n    foreign_migrants: {series: {2010: 450000, 2011: 500000, 2015: 950000, 2030: 2000000}, source: assumption}\n", []string{"population.foreign_migrants"}},
	} {
		path := filepath.Join(dir, tc.name+".yaml")
		text := "name: " + tc.name + "\nextends: baseline\nfrom: 2025-01\nparameters:\n" + tc.params
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		sc, err := scenarios.Load(path)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		ch := sc.PhaseChanges()
		if len(ch) != 1 || !reflect.DeepEqual(ch[0], tc.want) {
			t.Errorf("%s: PhaseChanges %q, want one phase changing %q", tc.name, ch, tc.want)
		}
	}
}
