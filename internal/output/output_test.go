package output

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"htsim/model"
	"htsim/scenarios"
	"htsim/sim"
)

// TestYearlyColumns: the count columns of the yearly and monthly tables are
// sim.MeasureNames, in order, and setCounts copies measure m into column m.
func TestYearlyColumns(t *testing.T) {
	for _, row := range []interface {
		setCounts(*[sim.NumMeasures]int64)
	}{&YearlyRow{}, &MonthlyRow{}} {
		typ := reflect.TypeOf(row).Elem()
		const keys = yearlyMeasureField
		if typ.NumField() != keys+int(sim.NumMeasures) {
			t.Fatalf("%s has %d fields, want %d", typ.Name(), typ.NumField(), keys+int(sim.NumMeasures))
		}
		for m := 0; m < int(sim.NumMeasures); m++ {
			f := typ.Field(keys + m)
			if got := f.Tag.Get("parquet"); got != sim.MeasureNames[m] {
				t.Errorf("%s: column %d is %q, want %q", typ.Name(), keys+m, got, sim.MeasureNames[m])
			}
		}
		var c [sim.NumMeasures]int64
		for m := range c {
			c[m] = int64(m + 1)
		}
		row.setCounts(&c)
		v := reflect.ValueOf(row).Elem()
		for m := range c {
			if got := v.Field(keys + m).Int(); got != int64(m+1) {
				t.Errorf("%s: column %s holds %d, want %d", typ.Name(), sim.MeasureNames[m], got, m+1)
			}
		}
	}
}

func TestDays(t *testing.T) {
	for _, m := range []model.Month{model.MonthOf(1970, 1), model.MonthOf(2010, 1), model.MonthOf(2030, 12), model.MonthOf(1999, 2)} {
		want := int32(time.Date(m.Year(), time.Month(m.MonthNumber()), 1, 0, 0, 0, 0, time.UTC).Sub(time.Unix(0, 0).UTC()).Hours() / 24)
		if got := days(m); got != want {
			t.Errorf("days(%s) = %d, want %d", m, got, want)
		}
	}
}

// TestRoundTrip writes a real replicate and reads it back: rows, values and column types.
func TestRoundTrip(t *testing.T) {
	sc, err := scenarios.Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &sim.Config{Scenario: sc, From: model.MonthOf(2010, 1), To: model.MonthOf(2011, 12), Seed: 1, KeepVictims: true}
	out, res := writeReplicate(t, cfg)
	rows, err := parquet.ReadFile[YearlyRow](TablePath(out, "yearly", "baseline"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2*sim.CellsPerYear {
		t.Fatalf("%d yearly rows, want %d", len(rows), 2*sim.CellsPerYear)
	}
	var total int64
	for i, r := range rows {
		c := res.Counts[i]
		if r.TrueNewVictims != c[sim.TrueNewVictims] || r.IdentifiedOfficial != c[sim.IdentifiedOfficial] || r.Scenario != "baseline" {
			t.Fatalf("row %d does not match the result", i)
		}
		total += r.TrueNewVictims
	}
	if total == 0 {
		t.Fatal("no victims written")
	}
	f, err := os.Open(TablePath(out, "yearly", "baseline"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"scenario": "BYTE_ARRAY", "replicate": "INT32", "year": "INT32", "origin": "BYTE_ARRAY", "true_new_victims": "INT64", "cases_to_court": "INT64"}
	for _, col := range pf.Schema().Fields() {
		if kind, ok := want[col.Name()]; ok && col.Type().Kind().String() != kind {
			t.Errorf("column %s has type %s, want %s", col.Name(), col.Type().Kind(), kind)
		}
	}
	if lc, ok := pf.Schema().Lookup("scenario"); !ok || lc.Node.Type().LogicalType() == nil || lc.Node.Type().LogicalType().String() != "STRING" {
		t.Error("scenario is not a UTF8 string column")
	}
	victims, err := parquet.ReadFile[VictimRow](TablePath(out, "victims", "baseline"))
	if err != nil {
		t.Fatal(err)
	}
	if len(victims) != len(res.Victims) || len(victims) == 0 {
		t.Fatalf("%d victim rows, want %d", len(victims), len(res.Victims))
	}
	params, err := parquet.ReadFile[ParamRow](TablePath(out, "parameters", "baseline"))
	if err != nil || len(params) == 0 {
		t.Fatalf("parameters: %v, %d rows", err, len(params))
	}
}

// TestChunkRoundTrip: a sweep chunk written from Parquet values read back
// by column name gives the replicate's counts, design point and parameter
// values in every row.
func TestChunkRoundTrip(t *testing.T) {
	sc, err := scenarios.Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &sim.Config{Scenario: sc, From: model.MonthOf(2010, 1), To: model.MonthOf(2011, 12), Seed: 1}
	res, err := sim.RunReplicate(cfg, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	rows := NewSweepRows([]string{"police.skill", "contact.awareness"})
	w, err := rows.NewChunkWriter(out, "baseline", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(res, 7, []float64{0.55, 1.25}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	path := ChunkPath(out, "baseline", 0)
	yearly, err := parquet.ReadFile[YearlyRow](path)
	if err != nil {
		t.Fatal(err)
	}
	type design struct {
		Point     int32   `parquet:"point"`
		Skill     float64 `parquet:"param_police_skill"`
		Awareness float64 `parquet:"param_contact_awareness"`
	}
	extra, err := parquet.ReadFile[design](path)
	if err != nil {
		t.Fatal(err)
	}
	if len(yearly) != 2*sim.CellsPerYear || len(extra) != len(yearly) {
		t.Fatalf("%d and %d rows, want %d", len(yearly), len(extra), 2*sim.CellsPerYear)
	}
	for i, row := range yearly {
		y, cell := i/sim.CellsPerYear, i%sim.CellsPerYear
		var want YearlyRow
		cl := sim.CellAt(cell)
		want = YearlyRow{Scenario: "baseline", Replicate: 3, Year: int32(2010 + y),
			Origin: cl.Origin.String(), Form: cl.Form.String(), Sex: cl.Sex.String(), Age: cl.Age.String()}
		want.setCounts(res.Counts.At(y, cell))
		if row != want {
			t.Fatalf("row %d: %+v, want %+v", i, row, want)
		}
		if extra[i] != (design{7, 0.55, 1.25}) {
			t.Fatalf("row %d: design columns %+v", i, extra[i])
		}
	}
}

// TestMonthlyChunkRoundTrip: a sweep's monthly chunk (sweep --monthly) holds,
// for every month from March 2010 to August 2011, the replicate's monthly
// counts with month a DATE, the design point and the parameter values, and
// checkChunk reads it by its month column.
func TestMonthlyChunkRoundTrip(t *testing.T) {
	sc, err := scenarios.Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	from, to := model.MonthOf(2010, 3), model.MonthOf(2011, 8)
	res, err := sim.RunReplicate(&sim.Config{Scenario: sc, From: from, To: to, Seed: 1, Monthly: true}, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	w, err := NewSweepRows([]string{"police.skill"}).NewMonthlyChunkWriter(out, "baseline", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(res, 7, []float64{0.55}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	path := TableChunkPath(out, "monthly", "baseline", 0)
	monthly, err := parquet.ReadFile[MonthlyRow](path)
	if err != nil {
		t.Fatal(err)
	}
	type design struct {
		Point int32   `parquet:"point"`
		Skill float64 `parquet:"param_police_skill"`
	}
	extra, err := parquet.ReadFile[design](path)
	if err != nil {
		t.Fatal(err)
	}
	months := int(to-from) + 1
	if len(monthly) != months*sim.CellsPerYear || len(extra) != len(monthly) {
		t.Fatalf("%d and %d rows, want %d", len(monthly), len(extra), months*sim.CellsPerYear)
	}
	for i, row := range monthly {
		m, cell := i/sim.CellsPerYear, i%sim.CellsPerYear
		cl := sim.CellAt(cell)
		want := MonthlyRow{Scenario: "baseline", Replicate: 3, Month: days(from + model.Month(m)),
			Origin: cl.Origin.String(), Form: cl.Form.String(), Sex: cl.Sex.String(), Age: cl.Age.String()}
		want.setCounts(res.Monthly.At(m, cell))
		if row != want {
			t.Fatalf("row %d: %+v, want %+v", i, row, want)
		}
		if extra[i] != (design{7, 0.55}) {
			t.Fatalf("row %d: design columns %+v", i, extra[i])
		}
	}
	if err := checkChunk(path, "monthly", 3, 10, 4); err != nil { // job 7*4+3 = 31: chunk 3 of 10 jobs each
		t.Errorf("checkChunk of a monthly part: %v", err)
	}
	if err := checkChunk(path, "monthly", 1, 10, 4); err == nil {
		t.Error("checkChunk took job 31 for one of chunk 1")
	}
}

// TestFirstDifference: the month from which two scenarios' parameters differ,
// which compare's policy period and the report's marker start from. A policy
// on amended-2020 differs from amended-2020 from its own 2025-01, not from its
// parent's 2020-01 (its second phase), and from the baseline from 2020-01.
func TestFirstDifference(t *testing.T) {
	child := filepath.Join(t.TempDir(), "child.yaml")
	os.WriteFile(child, []byte(`name: child
description: a policy on the law since 2020
extends: amended-2020
from: 2025-01
parameters:
  law:
    art128_max_years: {value: 10, source: test}
`), 0o644)
	// A policy file with its own horizon: its first phase is labelled 2015-01.
	own := filepath.Join(filepath.Dir(child), "own.yaml")
	os.WriteFile(own, []byte(`name: own
description: a policy with its own horizon
extends: baseline
horizon:
  from: 2015-01
  to: 2030-12
from: 2025-01
parameters:
  law:
    art128_max_years: {value: 10, source: test}
`), 0o644)
	var scs []*scenarios.Scenario
	for _, name := range []string{"baseline", "amended-2020", "min-sentence-6y", "palermo", child, own, "../../scenarios/hypotheses/h1-migration-overlap.yaml"} {
		sc, err := scenarios.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		scs = append(scs, sc)
	}
	m := NewManifest(nil, scs)
	by := map[string]*ScenarioManifest{}
	for i := range m.Scenarios {
		by[m.Scenarios[i].Name] = &m.Scenarios[i]
	}
	for _, c := range []struct {
		a, b, want string
	}{
		{"child", "amended-2020", "2025-01"},
		{"amended-2020", "child", "2025-01"},
		{"child", "baseline", "2020-01"},
		{"amended-2020", "baseline", "2020-01"},
		{"min-sentence-6y", "palermo", "2025-01"},
		{"min-sentence-6y", "amended-2020", "2020-01"},
		{"baseline", "baseline", ""},
		{"h1-migration-overlap", "baseline", "from the start"},
		{"own", "baseline", "2025-01"},
		{"baseline", "own", "2025-01"},
	} {
		got, ok := by[c.a].FirstDifference(by[c.b])
		if c.want == "from the start" {
			if got != "" || !ok {
				t.Errorf("%s against %s: first difference %q (%v), want from the start", c.a, c.b, got, ok)
			}
			continue
		}
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s against %s: first difference %q (%v), want %q", c.a, c.b, got, ok, c.want)
		}
	}
}

// TestParameterPhasesInHorizon: the parameters table lists the phases in
// force in the recorded horizon, the first from January of its first year,
// with the values in force then. amended-2023 has phases from 2020-01 and
// 2023-01; a run from 2024 saw the study's law labelled 2024-01 and the
// later laws after it, out of order (found by review).
func TestParameterPhasesInHorizon(t *testing.T) {
	march := filepath.Join(t.TempDir(), "march.yaml")
	os.WriteFile(march, []byte(`name: march
description: reconciliation barred from March 2024
extends: baseline
from: 2024-03
parameters:
  law:
    reconciliation_barred: {value: true, source: test}
`), 0o644)
	for _, c := range []struct {
		scenario string
		from, to model.Month
		phases   []model.Month // phase_from, in order
		barred   []float64     // law.reconciliation_barred in each
	}{
		{"amended-2023", model.MonthOf(2024, 1), model.MonthOf(2025, 12), []model.Month{model.MonthOf(2024, 1)}, []float64{1}},
		{"amended-2023", model.MonthOf(2021, 6), model.MonthOf(2023, 12), []model.Month{model.MonthOf(2021, 1), model.MonthOf(2023, 1)}, []float64{1, 1}},
		{"amended-2023", model.MonthOf(2018, 1), model.MonthOf(2020, 12), []model.Month{model.MonthOf(2018, 1), model.MonthOf(2020, 1)}, []float64{0, 1}},
		// A change in the first recorded year before --from: the phase
		// before it is still listed, from January, so that every month of
		// the first year finds its phase.
		{march, model.MonthOf(2024, 6), model.MonthOf(2025, 12), []model.Month{model.MonthOf(2024, 1), model.MonthOf(2024, 3)}, []float64{0, 1}},
	} {
		sc, err := scenarios.Load(c.scenario)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := writeReplicate(t, &sim.Config{Scenario: sc, From: c.from, To: c.to, Seed: 1})
		rows, err := parquet.ReadFile[ParamRow](TablePath(out, "parameters", sc.Name))
		if err != nil {
			t.Fatal(err)
		}
		var phases []model.Month
		var barred []float64
		for _, r := range rows {
			if r.Parameter == "law.reconciliation_barred" {
				barred = append(barred, r.Value)
				for _, m := range c.phases {
					if days(m) == r.PhaseFrom {
						phases = append(phases, m)
					}
				}
			}
		}
		if !reflect.DeepEqual(phases, c.phases) || !reflect.DeepEqual(barred, c.barred) {
			t.Errorf("horizon %s to %s: phases %v with reconciliation_barred %v, want %v with %v", c.from, c.to, phases, barred, c.phases, c.barred)
		}
	}
}

// writeReplicate simulates replicate 0 of cfg and writes it with a
// ScenarioWriter into a new folder, which it returns with the result.
func writeReplicate(t *testing.T, cfg *sim.Config) (string, *sim.Result) {
	t.Helper()
	res, err := sim.RunReplicate(cfg, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	w, err := NewScenarioWriter(out, cfg.Scenario, Run{From: cfg.From, To: cfg.To, Victims: cfg.KeepVictims, Monthly: cfg.Monthly})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(res); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out, res
}

// TestChunkTempsOfOddFolderNames: the temporary part files of a killed sweep
// are found by name, not by a glob pattern built from --out: a folder named
// "a[1]*" had its own files left and another folder's ("a1x") removed.
func TestChunkTempsOfOddFolderNames(t *testing.T) {
	root := t.TempDir()
	own, other := filepath.Join(root, "a[1]*"), filepath.Join(root, "a1x")
	var temps []string
	for _, out := range []string{own, other} {
		tmp := filepath.Join(filepath.Dir(ChunkPath(out, "s", 0)), "."+filepath.Base(ChunkPath(out, "s", 0))+".tmp-123")
		if err := os.MkdirAll(filepath.Dir(tmp), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(tmp, []byte("x"), 0o644)
		temps = append(temps, tmp)
	}
	if err := RemoveChunkTemps(own, "s", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(temps[0]); err == nil {
		t.Error("the folder's own temporary file is left")
	}
	if _, err := os.Stat(temps[1]); err != nil {
		t.Error("another folder's temporary file was removed")
	}
	if err := RemoveAllChunkTemps(other); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(temps[1]); err == nil {
		t.Error("RemoveAllChunkTemps left a temporary file")
	}
}
