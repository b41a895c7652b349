package output

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"htsim/model"
	"htsim/scenarios"
	"htsim/sim"
)

// VictimRow is one row of OUT/victims: one victimisation spell.
type VictimRow struct {
	Scenario            string `parquet:"scenario,dict"`
	Replicate           int32  `parquet:"replicate"`
	VictimID            int32  `parquet:"victim_id"`
	PersonID            int32  `parquet:"person_id"`
	Spell               int32  `parquet:"spell"`
	Origin              string `parquet:"origin,dict"`
	Sex                 string `parquet:"sex,dict"`
	Age                 string `parquet:"age,dict"`
	Form                string `parquet:"form,dict"`
	Sector              string `parquet:"sector,dict"`
	Documentation       string `parquet:"documentation,dict"`
	Region              string `parquet:"region,dict"`
	SiteID              *int32 `parquet:"site_id,optional"`
	CaseID              *int32 `parquet:"case_id,optional"`
	StartMonth          int32  `parquet:"start_month,date"`
	EndMonth            *int32 `parquet:"end_month,date,optional"`
	MonthsExploited     int32  `parquet:"months_exploited"`
	ExploitationStarted bool   `parquet:"exploitation_started"`
	FirstContact        string `parquet:"first_contact,dict"`
	ListPolice          bool   `parquet:"list_police"`
	ListArt128          bool   `parquet:"list_art128"`
	ListNGO             bool   `parquet:"list_ngo"`
	ListHotline         bool   `parquet:"list_hotline"`
	ListIOM             bool   `parquet:"list_iom"`
	ListShelter         bool   `parquet:"list_shelter"`
	ListCourt           bool   `parquet:"list_court"`
	Classification      string `parquet:"classification,dict"`
	Outcome             string `parquet:"outcome,dict"`
	FinalState          string `parquet:"final_state,dict"`
}

// ParamRow is one row of OUT/parameters: the value a replicate drew for one parameter in one phase.
type ParamRow struct {
	Scenario  string  `parquet:"scenario,dict"`
	Replicate int32   `parquet:"replicate"`
	PhaseFrom int32   `parquet:"phase_from,date"`
	Parameter string  `parquet:"parameter,dict"`
	Value     float64 `parquet:"value"`
}

// days returns the first day of a month as days since 1970-01-01 (Parquet DATE).
func days(m model.Month) int32 {
	return int32(time.Date(m.Year(), time.Month(m.MonthNumber()), 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// PartName is the file name of a scenario's single part in each table.
const PartName = "part-00000.parquet"

// TablePath returns OUT/TABLE/scenario=NAME/part-00000.parquet.
func TablePath(out, table, scenario string) string {
	return filepath.Join(out, table, "scenario="+scenario, PartName)
}

const rowGroupRows = 1 << 16

func writerOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedFastest}),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.CreatedBy("htsim", "", ""),
	}
}

// table is one Parquet file being written.
type table[T any] struct {
	file *AtomicFile
	w    *parquet.GenericWriter[T]
}

func newTable[T any](path string) (*table[T], error) {
	f, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	return &table[T]{file: f, w: parquet.NewGenericWriter[T](f, writerOptions()...)}, nil
}

func (t *table[T]) write(rows []T) error {
	_, err := t.w.Write(rows)
	return err
}

func (t *table[T]) commit() error {
	if err := t.w.Close(); err != nil {
		t.file.Abort()
		return err
	}
	return t.file.Commit()
}

// ScenarioWriter streams one scenario's replicates into its Parquet files.
type ScenarioWriter struct {
	scenario *scenarios.Scenario
	yearly   *table[YearlyRow]
	params   *table[ParamRow]
	victims  *table[VictimRow]
	monthly  *table[MonthlyRow]
	rows     []YearlyRow
	mrows    []MonthlyRow
	run      Run
}

// Run is what a ScenarioWriter needs to know of the run: its recorded
// horizon, and which optional tables it writes beside the yearly and
// parameters tables.
type Run struct {
	From, To model.Month // the recorded horizon (sim.Config.From, To)
	Victims  bool        // OUT/victims: one row per victim spell (sim.Config.KeepVictims)
	Monthly  bool        // OUT/monthly: the counts of every month (sim.Config.Monthly)
}

// NewScenarioWriter opens the scenario's tables under out.
func NewScenarioWriter(out string, sc *scenarios.Scenario, with Run) (*ScenarioWriter, error) {
	w := &ScenarioWriter{scenario: sc, run: with}
	var err error
	if w.yearly, err = newTable[YearlyRow](TablePath(out, "yearly", sc.Name)); err != nil {
		return nil, err
	}
	if w.params, err = newTable[ParamRow](TablePath(out, "parameters", sc.Name)); err != nil {
		w.Abort()
		return nil, err
	}
	if with.Victims {
		if w.victims, err = newTable[VictimRow](TablePath(out, "victims", sc.Name)); err != nil {
			w.Abort()
			return nil, err
		}
	}
	if with.Monthly {
		if w.monthly, err = newTable[MonthlyRow](TablePath(out, "monthly", sc.Name)); err != nil {
			w.Abort()
			return nil, err
		}
	}
	return w, nil
}

// Write appends one replicate's results. Results must come in replicate order
// for the files to be identical whatever the number of workers.
func (w *ScenarioWriter) Write(res *sim.Result) error {
	name := w.scenario.Name
	w.rows = w.rows[:0]
	years := len(res.Counts) / sim.CellsPerYear
	for y := 0; y < years; y++ {
		for c := 0; c < sim.CellsPerYear; c++ {
			cell := sim.CellAt(c)
			row := YearlyRow{Scenario: name, Replicate: int32(res.Replicate), Year: int32(res.FirstYear + y),
				Origin: cell.Origin.String(), Form: cell.Form.String(), Sex: cell.Sex.String(), Age: cell.Age.String()}
			row.setCounts(res.Counts.At(y, c))
			w.rows = append(w.rows, row)
		}
	}
	if err := w.yearly.write(w.rows); err != nil {
		return fmt.Errorf("writing yearly table of %s: %w", name, err)
	}
	// The phases in force from January of the first recorded year to the
	// horizon's end, the first of them labelled that January (it also
	// governs the months of the warm-up after any earlier phase): looking up
	// the latest phase_from on or before a month gives the phase in force. A
	// phase that ended before that January (a law amended before a run that
	// starts later) is left out.
	var prows []ParamRow
	jan := model.Month(res.FirstYear * 12)
	for ph, vals := range res.Values {
		start, end := w.scenario.Phases[ph].From, w.run.To+1
		if ph+1 < len(w.scenario.Phases) {
			end = w.scenario.Phases[ph+1].From
		}
		if end <= jan || start > w.run.To {
			continue
		}
		from := max(start, jan)
		if len(prows) == 0 {
			from = jan
		}
		for i, l := range scenarios.Schema {
			if l.Kind == scenarios.KindSeries {
				continue
			}
			prows = append(prows, ParamRow{Scenario: name, Replicate: int32(res.Replicate), PhaseFrom: days(from), Parameter: l.Path, Value: vals[i]})
		}
	}
	if err := w.params.write(prows); err != nil {
		return fmt.Errorf("writing parameters table of %s: %w", name, err)
	}
	if w.monthly != nil {
		if res.Monthly == nil {
			return fmt.Errorf("writing monthly table of %s: replicate %d has no monthly counts", name, res.Replicate)
		}
		w.mrows = w.mrows[:0]
		for i := 0; i < len(res.Monthly)/sim.CellsPerYear; i++ {
			month := days(res.FirstMonth + model.Month(i))
			for c := 0; c < sim.CellsPerYear; c++ {
				cell := sim.CellAt(c)
				row := MonthlyRow{Scenario: name, Replicate: int32(res.Replicate), Month: month,
					Origin: cell.Origin.String(), Form: cell.Form.String(), Sex: cell.Sex.String(), Age: cell.Age.String()}
				row.setCounts(&res.Monthly[i*sim.CellsPerYear+c])
				w.mrows = append(w.mrows, row)
			}
		}
		if err := w.monthly.write(w.mrows); err != nil {
			return fmt.Errorf("writing monthly table of %s: %w", name, err)
		}
	}
	if w.victims != nil {
		rows := make([]VictimRow, 0, len(res.Victims))
		for i := range res.Victims {
			rows = append(rows, victimRow(name, res.Replicate, &res.Victims[i]))
		}
		if err := w.victims.write(rows); err != nil {
			return fmt.Errorf("writing victims table of %s: %w", name, err)
		}
	}
	return nil
}

func victimRow(scenario string, rep int, v *sim.VictimRecord) VictimRow {
	s := v.Stratum
	row := VictimRow{Scenario: scenario, Replicate: int32(rep), VictimID: v.ID, PersonID: v.Person, Spell: int32(v.Spell),
		Origin: s.Origin.String(), Sex: s.Sex.String(), Age: s.Age.String(), Form: s.Form().String(),
		Sector: s.Sector.String(), Documentation: s.Doc.String(), Region: v.Region.String(),
		StartMonth: days(v.Start), MonthsExploited: v.ExploitedMonths, ExploitationStarted: v.ExploitationStarted,
		FirstContact: v.Channel.String(), Classification: v.Class.String(), Outcome: v.Outcome.String(), FinalState: v.State.String(),
		ListPolice: v.Lists.Has(model.ListPolice), ListArt128: v.Lists.Has(model.ListArt128), ListNGO: v.Lists.Has(model.ListNGO),
		ListHotline: v.Lists.Has(model.ListHotline), ListIOM: v.Lists.Has(model.ListIOM), ListShelter: v.Lists.Has(model.ListShelter),
		ListCourt: v.Lists.Has(model.ListCourt)}
	if v.Site >= 0 {
		site := v.Site
		row.SiteID = &site
	}
	if v.Case >= 0 {
		c := v.Case
		row.CaseID = &c
	}
	if v.End >= 0 {
		e := days(v.End)
		row.EndMonth = &e
	}
	return row
}

// Close finishes every table and renames them into place.
func (w *ScenarioWriter) Close() error {
	for _, c := range []func() error{w.yearly.commit, w.params.commit} {
		if err := c(); err != nil {
			w.Abort()
			return err
		}
	}
	for _, t := range []interface{ commitOrNil() error }{w.victims, w.monthly} {
		if err := t.commitOrNil(); err != nil {
			w.Abort()
			return err
		}
	}
	return nil
}

// commitOrNil commits t, if the writer has it.
func (t *table[T]) commitOrNil() error {
	if t == nil {
		return nil
	}
	return t.commit()
}

// Abort removes every temporary file; nothing of the scenario becomes visible.
func (w *ScenarioWriter) Abort() {
	for _, f := range []*AtomicFile{w.yearly.fileOrNil(), w.params.fileOrNil(), w.victims.fileOrNil(), w.monthly.fileOrNil()} {
		if f != nil {
			f.Abort()
			removeEmptyDirs(filepath.Dir(f.final), 2) // scenario=NAME and its table folder, if nothing else is there
		}
	}
}

func (t *table[T]) fileOrNil() *AtomicFile {
	if t == nil {
		return nil
	}
	return t.file
}

// removeEmptyDirs removes dir and then up to levels-1 of its parents while they are empty.
func removeEmptyDirs(dir string, levels int) {
	for i := 0; i < levels; i++ {
		if os.Remove(dir) != nil { // fails unless empty
			return
		}
		dir = filepath.Dir(dir)
	}
}
