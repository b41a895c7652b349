package scenarios_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"htsim/scenarios"
)

// parseSweep parses a sweep file written in the test; the path is only shown
// in messages (the scenarios are built-in, so it is never read).
func parseSweep(t *testing.T, yaml string) *scenarios.Sweep {
	t.Helper()
	s, err := scenarios.ParseSweep("test-sweep.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("ParseSweep: %v\n%s", err, yaml)
	}
	return s
}

// sweepYAML is a sweep file with the given design block, seed and parameters.
func sweepYAML(design string, seed int, params ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: t\nscenarios: [baseline]\ndesign: %s\nreplicates: 1\nseed: %d\nparameters:\n", design, seed)
	for _, p := range params {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}

// Four numeric parameters of different kinds (probabilities, a multiplier, a small rate).
var fourParams = []string{
	"police.skill: {min: 0.3, max: 0.9}",
	"contact.awareness: {min: 0.5, max: 2.0}",
	"police.raid_monthly.sex_industry: {min: 0.01, max: 0.03}",
	"victims.deportation_fear_or: {min: 0.1, max: 0.5}",
}

// checkInRanges checks the matrix shape and that every value lies in its parameter's [min, max].
func checkInRanges(t *testing.T, s *scenarios.Sweep, m [][]float64, rows int) {
	t.Helper()
	if len(m) != rows {
		t.Fatalf("%d rows, want %d", len(m), rows)
	}
	if s.NumPoints() != rows {
		t.Errorf("NumPoints() = %d, want %d", s.NumPoints(), rows)
	}
	for j, row := range m {
		if len(row) != len(s.Params) {
			t.Fatalf("row %d has %d columns, want %d", j, len(row), len(s.Params))
		}
		for i, v := range row {
			p := s.Params[i]
			if math.IsNaN(v) || v < p.Min || v > p.Max {
				t.Errorf("row %d, %s = %g outside [%g, %g]", j, p.Path, v, p.Min, p.Max)
			}
		}
	}
}

// TestLatinHypercube: each parameter's range, cut into N equal strata, has
// exactly one design point in each stratum.
func TestLatinHypercube(t *testing.T) {
	for _, c := range []struct{ n, seed int }{{1, 1}, {2, 3}, {8, 2026}, {50, 7}, {257, 11}} {
		t.Run(fmt.Sprintf("N=%d", c.n), func(t *testing.T) {
			s := parseSweep(t, sweepYAML(fmt.Sprintf("{kind: lhs, points: %d}", c.n), c.seed, fourParams...))
			m := s.DesignMatrix()
			checkInRanges(t, s, m, c.n)
			for i, p := range s.Params {
				hits := make([]int, c.n)
				for _, row := range m {
					k := int(math.Floor((row[i] - p.Min) / (p.Max - p.Min) * float64(c.n)))
					if k == c.n { // the upper end belongs to the last stratum
						k--
					}
					if k < 0 || k >= c.n {
						t.Fatalf("%s = %g maps to stratum %d of %d", p.Path, row[i], k, c.n)
					}
					hits[k]++
				}
				for k, h := range hits {
					if h != 1 {
						t.Errorf("%s: stratum %d of %d ([%g, %g)) holds %d points, want 1", p.Path, k, c.n,
							p.Min+(p.Max-p.Min)*float64(k)/float64(c.n), p.Min+(p.Max-p.Min)*float64(k+1)/float64(c.n), h)
					}
				}
			}
		})
	}
}

// TestSaltelliStructure: N(2D+2) rows in blocks of 2D+2 per base row j:
// A_j, AB^1_j..AB^D_j, BA^1_j..BA^D_j, B_j.
func TestSaltelliStructure(t *testing.T) {
	for _, c := range []struct{ n, d int }{{1, 1}, {5, 2}, {16, 4}} {
		t.Run(fmt.Sprintf("N=%d,D=%d", c.n, c.d), func(t *testing.T) {
			s := parseSweep(t, sweepYAML(fmt.Sprintf("{kind: saltelli, points: %d}", c.n), 7, fourParams[:c.d]...))
			m := s.DesignMatrix()
			d := c.d
			block := 2*d + 2
			checkInRanges(t, s, m, c.n*block)
			for j := 0; j < c.n; j++ {
				rows := m[j*block : (j+1)*block]
				a, b := rows[0], rows[block-1]
				for i := 0; i < d; i++ {
					if a[i] == b[i] {
						t.Errorf("base row %d: A and B agree in column %d (%g)", j, i, a[i])
					}
				}
				for i := 0; i < d; i++ {
					ab, ba := rows[1+i], rows[1+d+i]
					for k := 0; k < d; k++ {
						wantAB, wantBA := a[k], b[k]
						if k == i {
							wantAB, wantBA = b[k], a[k]
						}
						if ab[k] != wantAB {
							t.Errorf("base row %d: AB_%d column %d = %g, want %g", j, i+1, k, ab[k], wantAB)
						}
						if ba[k] != wantBA {
							t.Errorf("base row %d: BA_%d column %d = %g, want %g", j, i+1, k, ba[k], wantBA)
						}
					}
				}
			}
			// Different base rows use different draws.
			if c.n > 1 && reflect.DeepEqual(m[0], m[block]) {
				t.Error("base rows 0 and 1 have the same A")
			}
		})
	}
}

// TestGrid: the Cartesian product of the levels, the last parameter varying fastest.
func TestGrid(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
	check := func(t *testing.T, m [][]float64, levels [][]float64) {
		t.Helper()
		want := [][]float64{{}}
		for _, lv := range levels { // build the product, earlier parameters outermost
			var next [][]float64
			for _, prefix := range want {
				for _, v := range lv {
					next = append(next, append(append([]float64(nil), prefix...), v))
				}
			}
			want = next
		}
		if len(m) != len(want) {
			t.Fatalf("%d rows, want %d", len(m), len(want))
		}
		for j := range want {
			for i := range want[j] {
				if !near(m[j][i], want[j][i]) {
					t.Errorf("row %d: %v, want %v", j, m[j], want[j])
					break
				}
			}
		}
	}
	t.Run("values", func(t *testing.T) {
		s := parseSweep(t, sweepYAML("{kind: grid}", 1,
			"police.skill: {values: [0.3, 0.6, 0.9]}",
			"police.raid_monthly.sex_industry: {values: [0.01, 0.02]}",
			"contact.awareness: {values: [0.5, 1, 1.5, 2]}"))
		m := s.DesignMatrix()
		if s.NumPoints() != 24 {
			t.Errorf("NumPoints() = %d, want 24", s.NumPoints())
		}
		check(t, m, [][]float64{{0.3, 0.6, 0.9}, {0.01, 0.02}, {0.5, 1, 1.5, 2}})
		// Explicit values are used exactly as written.
		if m[0][0] != 0.3 || m[23][0] != 0.9 || m[23][2] != 2 {
			t.Errorf("first and last rows %v, %v", m[0], m[23])
		}
	})
	t.Run("levels", func(t *testing.T) {
		s := parseSweep(t, sweepYAML("{kind: grid, levels: 5}", 1,
			"police.skill: {min: 0.3, max: 0.9}",
			"contact.awareness: {min: 0.5, max: 2.0}"))
		m := s.DesignMatrix()
		if s.NumPoints() != 25 {
			t.Errorf("NumPoints() = %d, want 25", s.NumPoints())
		}
		check(t, m, [][]float64{{0.3, 0.45, 0.6, 0.75, 0.9}, {0.5, 0.875, 1.25, 1.625, 2.0}})
		// Endpoints included.
		if !near(m[0][0], 0.3) || !near(m[0][1], 0.5) || !near(m[24][0], 0.9) || !near(m[24][1], 2.0) {
			t.Errorf("corners %v and %v, want [0.3 0.5] and [0.9 2]", m[0], m[24])
		}
		// Last parameter fastest.
		if !near(m[1][0], 0.3) || !near(m[1][1], 0.875) || !near(m[5][0], 0.45) || !near(m[5][1], 0.5) {
			t.Errorf("rows 1 and 5: %v, %v", m[1], m[5])
		}
	})
	t.Run("mixed", func(t *testing.T) {
		s := parseSweep(t, sweepYAML("{kind: grid, levels: 2}", 1,
			"police.skill: {min: 0.2, max: 0.8}",
			"contact.awareness: {values: [1, 3, 2]}"))
		check(t, s.DesignMatrix(), [][]float64{{0.2, 0.8}, {1, 3, 2}})
	})
	t.Run("no levels", func(t *testing.T) {
		_, err := scenarios.ParseSweep("g.yaml", []byte(sweepYAML("{kind: grid}", 1, "police.skill: {min: 0.2, max: 0.8}")))
		if err == nil || !strings.Contains(err.Error(), "parameters.police.skill") || !strings.Contains(err.Error(), "levels") {
			t.Errorf("a grid range without levels: %v", err)
		}
	})
}

// TestDesignDeterministic: the design is a function of the file; the seed changes it.
func TestDesignDeterministic(t *testing.T) {
	for _, design := range []string{"{kind: montecarlo, points: 20}", "{kind: lhs, points: 20}", "{kind: saltelli, points: 4}"} {
		t.Run(design, func(t *testing.T) {
			m1 := parseSweep(t, sweepYAML(design, 42, fourParams...)).DesignMatrix()
			s2 := parseSweep(t, sweepYAML(design, 42, fourParams...))
			m2, m2b := s2.DesignMatrix(), s2.DesignMatrix()
			m3 := parseSweep(t, sweepYAML(design, 43, fourParams...)).DesignMatrix()
			if !reflect.DeepEqual(m1, m2) || !reflect.DeepEqual(m2, m2b) {
				t.Error("the same file gave different design matrices")
			}
			if len(m3) != len(m1) {
				t.Fatalf("seed 43: %d rows, seed 42: %d", len(m3), len(m1))
			}
			for j := range m1 {
				for i := range m1[j] {
					if m1[j][i] == m3[j][i] {
						t.Errorf("seeds 42 and 43 agree at row %d column %d (%g)", j, i, m1[j][i])
					}
				}
			}
		})
	}
	// The example files load, and their matrices are stable across loads.
	for _, f := range []string{"sweeps/example.yaml", "sweeps/sobol.yaml"} {
		a, err := scenarios.LoadSweep(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		b, _ := scenarios.LoadSweep(f)
		if !reflect.DeepEqual(a.DesignMatrix(), b.DesignMatrix()) {
			t.Errorf("%s: two loads gave different designs", f)
		}
	}
}

// badSweepDir holds sweep files with exactly one problem each.
var badSweepDir = filepath.Join("..", "testdata", "sweeps", "bad")

var badSweepCases = []badCase{
	{file: "unknown-parameter.yaml", key: "parameters.police.skil", line: 7, want: []string{"unknown parameter", "did you mean police.skill?"}},
	{file: "nested-group.yaml", key: "parameters.police", line: 7, want: []string{"a group of 32 parameters, not one", "full dotted key", "the same, flat: police.skill: {min: ..., max: ...}"}},
	{file: "group-parameter.yaml", key: "parameters.police.investigators", line: 7, want: []string{"a group of 5 parameters", "police.investigators.south, police.investigators.almaty"}},
	{file: "unknown-entry.yaml", key: "parameters.police.investigators.South", line: 7, want: []string{`police.investigators has no entry "South"; did you mean police.investigators.south?`}},
	{file: "too-many-points.yaml", key: "design.points", line: 4, want: []string{"100000000 is not an integer in 1-1000000"}, lacks: []string{"missing"}},
	{file: "sub/scenario-path.yaml", key: "scenarios", line: 3, want: []string{`scenario "sub/pol.yaml": no such file`, "looked for " + filepath.Join(badSweepDir, "sub", "sub", "pol.yaml"), "sweep file's folder"}},
	{file: "empty-range.yaml", key: "parameters.police.skill", line: 7, want: []string{"empty range", "min 0.5 is not below max 0.5", "min < max"}},
	{file: "min-above-max.yaml", key: "parameters.police.skill", line: 7, want: []string{"min 0.9 is not below max 0.3", "min < max"}},
	{file: "zero-replicates.yaml", key: "replicates", line: 5, want: []string{"0 is not an integer in 1-", "an integer from 1"}},
	{file: "unknown-design.yaml", key: "design.kind", line: 4, want: []string{`unknown design "sobol"`, "grid, montecarlo, lhs, saltelli"}},
	{file: "lhs-without-points.yaml", key: "design.points", line: 5, want: []string{"lhs needs a number of points"}},
	{file: "values-non-grid.yaml", key: "parameters.police.skill", line: 7, want: []string{"only for a grid design", "min and max"}},
	// The same mistake with the design written after the parameters.
	{file: "values-before-design.yaml", key: "parameters.police.skill", line: 6, want: []string{"only for a grid design", "min and max"}},
	{file: "range-outside-domain.yaml", key: "parameters.police.skill", line: 7, want: []string{"[0.5, 1.5]", "outside the allowed range", "[0, 1]"}},
	{file: "bool-parameter.yaml", key: "parameters.law.requires_transaction", line: 7, want: []string{"only numeric parameters can be swept"}},
	{file: "unknown-top-key.yaml", key: "replicate", line: 5, want: []string{"unknown key", "name, description, scenarios, horizon, design, replicates, seed, parameters"}},
	{file: "missing-scenarios.yaml", key: "scenarios", want: []string{"missing"}},
	{file: "unknown-scenario.yaml", key: "scenarios", line: 3, want: []string{"baseline-2019", "no built-in scenario of that name"}},
	// The parser reports the line after the unclosed brace of line 4.
	{file: "malformed.yaml", line: 5, want: []string{"malformed YAML"}},
}

// TestBadSweeps: each bad sweep file gives an error naming the file, the key
// and the line where one applies, and what is wrong.
func TestBadSweeps(t *testing.T) {
	for _, c := range badSweepCases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(badSweepDir, filepath.FromSlash(c.file))
			s, err, panicked := noPanic(t, path, scenarios.LoadSweep)
			if panicked {
				return
			}
			if err == nil {
				t.Fatalf("LoadSweep(%q) succeeded (design %q, %d params, %d points); want an error", path, s.Design, len(s.Params), s.NumPoints())
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

// TestBadSweepsCovered: every file under testdata/sweeps/bad has a case, and every case a file.
func TestBadSweepsCovered(t *testing.T) {
	checkCorpusCovered(t, badSweepDir, "", "badSweepCases", listedFiles(len(badSweepCases), func(i int) []string {
		return append([]string{badSweepCases[i].file}, badSweepCases[i].covers...)
	}))
}

// TestSweepKeepsScenariosValid: a sweep may not fix a parameter that one of
// its scenarios' policies changes (the policy would simulate what baseline
// does at every design point, and the paired differences would be zero
// without a word), nor give ranges under which a design point breaks the
// scenario files' cross checks (a minimum sentence above the maximum).
func TestSweepKeepsScenariosValid(t *testing.T) {
	for _, c := range []struct {
		name, body string
		line       int
		want       []string
	}{
		{"policy changes it", "name: s\nscenarios: [baseline, awareness]\ndesign: {kind: lhs, points: 4}\nreplicates: 1\nparameters:\n  police.skill: {min: 0.3, max: 0.9}\n  contact.awareness: {min: 0.5, max: 2}\n",
			7, []string{"parameters.contact.awareness", "scenario awareness changes this parameter from 2025-01"}},
		{"minimum above maximum", "name: s\nscenarios: [baseline]\ndesign: {kind: lhs, points: 4}\nreplicates: 1\nparameters:\n  law.art128_min_years: {min: 3, max: 12}\n",
			6, []string{"parameters.law.art128_min_years", "some design points are invalid", "below the minimum"}},
	} {
		path := filepath.Join(t.TempDir(), "sweep.yaml")
		if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := scenarios.LoadSweep(path)
		var e *scenarios.Error
		if !errors.As(err, &e) || e.Line != c.line {
			t.Errorf("%s: %v, want an error at line %d", c.name, err, c.line)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", c.name, err, w)
			}
		}
	}
	// Sweeping a parameter the policy leaves alone is fine.
	path := filepath.Join(t.TempDir(), "ok.yaml")
	os.WriteFile(path, []byte("name: s\nscenarios: [baseline, awareness]\ndesign: {kind: lhs, points: 4}\nreplicates: 1\nparameters:\n  police.skill: {min: 0.3, max: 0.9}\n  law.art128_min_years: {min: 1, max: 4}\n"), 0o644)
	if _, err := scenarios.LoadSweep(path); err != nil {
		t.Errorf("a valid sweep: %v", err)
	}
}

// TestSweepReportsEveryProblem: an unknown scenario is reported with the
// file's other problems, not only once they are mended (review, session 9).
func TestSweepReportsEveryProblem(t *testing.T) {
	src := "name: t\nscenarios: [baseline, palerm]\ndesign: {kind: lhs, points: 4}\nreplicates: 2\nbogus: 1\nparameters:\n  police.skill: {min: 0.3, max: 0.9}\n"
	_, err := scenarios.ParseSweep("two.yaml", []byte(src))
	if err == nil {
		t.Fatal("a sweep with an unknown scenario and an unknown key loaded")
	}
	for _, want := range []string{`two.yaml:2: scenarios: scenario "palerm": no built-in scenario of that name`, "two.yaml:5: bogus: unknown key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
