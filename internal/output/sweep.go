package output

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"
	"htsim/model"
	"htsim/scenarios"
	"htsim/sim"
)

// ParamColumn is the Parquet column name of a swept parameter: "param_" and
// the dotted key with dots as underscores (police.skill -> param_police_skill).
func ParamColumn(path string) string {
	return "param_" + strings.ReplaceAll(path, ".", "_")
}

// SweepRows builds the row types of a sweep's tables: the yearly and
// monthly rows with the design point and the swept parameters as extra
// columns, and the design row.
type SweepRows struct {
	params  []string
	yearly  reflect.Type
	monthly reflect.Type
	design  reflect.Type
}

// NewSweepRows returns the row types for the given swept parameters (dotted keys, in order).
func NewSweepRows(params []string) *SweepRows {
	rows := &SweepRows{params: params}
	design := []reflect.StructField{{Name: "Point", Type: reflect.TypeOf(int32(0)), Tag: `parquet:"point"`}}
	for i, p := range params {
		design = append(design, reflect.StructField{Name: fmt.Sprintf("P%d", i), Type: reflect.TypeOf(float64(0)), Tag: reflect.StructTag(fmt.Sprintf(`parquet:"%s"`, ParamColumn(p)))})
	}
	// A table's row: its own fields, the design point after the scenario,
	// and the swept parameters (the design row's fields) at the end.
	withDesign := func(base reflect.Type) reflect.Type {
		var fields []reflect.StructField
		for i := 0; i < base.NumField(); i++ {
			f := base.Field(i)
			fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
			if f.Name == "Scenario" {
				fields = append(fields, design[0])
			}
		}
		return reflect.StructOf(append(fields, design[1:]...))
	}
	rows.yearly, rows.monthly, rows.design = withDesign(reflect.TypeOf(YearlyRow{})), withDesign(reflect.TypeOf(MonthlyRow{})), reflect.StructOf(design)
	return rows
}

// ChunkPath is the part file of chunk k of a scenario's yearly table.
func ChunkPath(out, scenario string, k int) string { return TableChunkPath(out, "yearly", scenario, k) }

// TableChunkPath is the part file of chunk k of a scenario's table: "yearly",
// or "monthly" (sweep --monthly).
func TableChunkPath(out, table, scenario string, k int) string {
	return filepath.Join(out, table, "scenario="+scenario, fmt.Sprintf("part-c%06d.parquet", k))
}

// ChunkWriter writes one chunk file of a sweep's yearly or monthly table.
type ChunkWriter struct {
	monthly bool
	file    *AtomicFile
	w       *parquet.GenericWriter[any]
	col     sweepColumns
	buf     []parquet.Row // the rows of one job, reused
	values  []parquet.Value
}

// sweepColumns are the leaf column indexes of a sweep's row; time is the
// year's column, or the month's in a monthly row.
type sweepColumns struct {
	n                                                        int
	scenario, point, replicate, time, origin, form, sex, age int
	measures                                                 [sim.NumMeasures]int
	params                                                   []int
}

// NewChunkWriter opens chunk k of scenario's yearly table under out.
func (s *SweepRows) NewChunkWriter(out, scenario string, k int) (*ChunkWriter, error) {
	return s.newChunkWriter(out, "yearly", scenario, k)
}

// NewMonthlyChunkWriter opens chunk k of scenario's monthly table under out:
// the counts of every month (sim.Result.Monthly), with month a DATE.
func (s *SweepRows) NewMonthlyChunkWriter(out, scenario string, k int) (*ChunkWriter, error) {
	return s.newChunkWriter(out, "monthly", scenario, k)
}

func (s *SweepRows) newChunkWriter(out, table, scenario string, k int) (*ChunkWriter, error) {
	row := s.yearly
	if table == "monthly" {
		row = s.monthly
	}
	schema := parquet.SchemaOf(reflect.New(row).Interface())
	col, err := s.columns(schema, timeColumn(table))
	if err != nil {
		return nil, err
	}
	f, err := CreateAtomic(TableChunkPath(out, table, scenario, k))
	if err != nil {
		return nil, err
	}
	opts := append(writerOptions(), schema)
	return &ChunkWriter{monthly: table == "monthly", file: f, w: parquet.NewGenericWriter[any](f, opts...), col: col}, nil
}

// columns finds each field's leaf column in schema by its Parquet name;
// timeCol names the time column ("year" or "month").
func (s *SweepRows) columns(schema *parquet.Schema, timeCol string) (sweepColumns, error) {
	c := sweepColumns{n: len(schema.Columns())}
	var missing []string
	at := func(name string) int {
		leaf, ok := schema.Lookup(name)
		if !ok {
			missing = append(missing, name)
		}
		return leaf.ColumnIndex
	}
	c.scenario, c.point, c.replicate, c.time = at("scenario"), at("point"), at("replicate"), at(timeCol)
	c.origin, c.form, c.sex, c.age = at("origin"), at("form"), at("sex"), at("age")
	base := reflect.TypeOf(YearlyRow{})
	for m := range c.measures {
		name, _, _ := strings.Cut(base.Field(yearlyMeasureField+m).Tag.Get("parquet"), ",")
		c.measures[m] = at(name)
	}
	for _, p := range s.params {
		c.params = append(c.params, at(ParamColumn(p)))
	}
	if missing != nil {
		return c, fmt.Errorf("sweep schema lacks columns %v", missing)
	}
	return c, nil
}

// yearlyMeasureField is the index of YearlyRow's first count field (the
// measures follow in sim.Measure order; TestYearlyColumns checks it).
const yearlyMeasureField = 7

// Write appends one job's rows: the replicate's yearly (or monthly) counts
// at design point point, whose parameter values are values. Rows are built
// as Parquet values directly: the reflective path cost a twentieth of a
// worker's time, paid by the goroutine that writes while the workers
// simulate.
func (c *ChunkWriter) Write(res *sim.Result, point int, values []float64) error {
	counts := res.Counts
	time := func(i int) int32 { return int32(res.FirstYear + i) }
	if c.monthly {
		if res.Monthly == nil {
			return fmt.Errorf("replicate %d of %s has no monthly counts (sim.Config.Monthly was not set)", res.Replicate, res.Scenario)
		}
		counts = res.Monthly
		time = func(i int) int32 { return days(res.FirstMonth + model.Month(i)) }
	}
	periods := len(counts) / sim.CellsPerYear
	rows := periods * sim.CellsPerYear
	if cap(c.values) < rows*c.col.n {
		c.values = make([]parquet.Value, rows*c.col.n)
	}
	c.buf = c.buf[:0]
	scenario := []byte(res.Scenario)
	for yi := 0; yi < periods; yi++ {
		for cell := 0; cell < sim.CellsPerYear; cell++ {
			row := parquet.Row(c.values[len(c.buf)*c.col.n : (len(c.buf)+1)*c.col.n])
			names := &cellNames[cell]
			row[c.col.scenario] = parquet.ByteArrayValue(scenario).Level(0, 0, c.col.scenario)
			row[c.col.point] = parquet.Int32Value(int32(point)).Level(0, 0, c.col.point)
			row[c.col.replicate] = parquet.Int32Value(int32(res.Replicate)).Level(0, 0, c.col.replicate)
			row[c.col.time] = parquet.Int32Value(time(yi)).Level(0, 0, c.col.time)
			row[c.col.origin] = parquet.ByteArrayValue(names[0]).Level(0, 0, c.col.origin)
			row[c.col.form] = parquet.ByteArrayValue(names[1]).Level(0, 0, c.col.form)
			row[c.col.sex] = parquet.ByteArrayValue(names[2]).Level(0, 0, c.col.sex)
			row[c.col.age] = parquet.ByteArrayValue(names[3]).Level(0, 0, c.col.age)
			for m, n := range counts.At(yi, cell) {
				row[c.col.measures[m]] = parquet.Int64Value(n).Level(0, 0, c.col.measures[m])
			}
			for i, v := range values {
				row[c.col.params[i]] = parquet.DoubleValue(v).Level(0, 0, c.col.params[i])
			}
			c.buf = append(c.buf, row)
		}
	}
	_, err := c.w.WriteRows(c.buf)
	return err
}

// cellNames holds each output cell's origin, form, sex and age as bytes.
var cellNames = func() (n [sim.CellsPerYear][4][]byte) {
	for cell := range n {
		cl := sim.CellAt(cell)
		n[cell] = [4][]byte{[]byte(cl.Origin.String()), []byte(cl.Form.String()), []byte(cl.Sex.String()), []byte(cl.Age.String())}
	}
	return n
}()

// Commit closes the chunk and renames it into place.
func (c *ChunkWriter) Commit() error {
	if err := c.w.Close(); err != nil {
		c.file.Abort()
		return err
	}
	return c.file.Commit()
}

// Abort removes the chunk's temporary file.
func (c *ChunkWriter) Abort() { c.file.Abort() }

// WriteDesign writes OUT/design.parquet: one row per design point with its parameter values.
func (s *SweepRows) WriteDesign(out string, matrix [][]float64) error {
	f, err := CreateAtomic(filepath.Join(out, "design.parquet"))
	if err != nil {
		return err
	}
	schema := parquet.SchemaOf(reflect.New(s.design).Interface())
	w := parquet.NewGenericWriter[any](f, append(writerOptions(), schema)...)
	row := reflect.New(s.design).Elem()
	for p, vals := range matrix {
		row.Field(0).SetInt(int64(p))
		for i, v := range vals {
			row.Field(1 + i).SetFloat(v)
		}
		if _, err := w.Write([]any{row.Interface()}); err != nil {
			f.Abort()
			return err
		}
	}
	if err := w.Close(); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// Named returns the paths of the entries of dir whose names start with
// prefix and contain infix after it, sorted; none when dir cannot be read.
// It stands in for filepath.Glob where dir is the user's --out, whose name
// may hold *, ? or [, which a glob pattern would read as wildcards.
func Named(dir, prefix, infix string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, prefix) && strings.Contains(n[len(prefix):], infix) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out
}

// RemoveAll removes the files at paths, those already gone included.
func RemoveAll(paths []string) error {
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// SweepTables are the tables a sweep writes in chunks.
var SweepTables = []string{"yearly", "monthly"}

// ChunkTables are the tables of a sweep's chunks: the yearly table, and the
// monthly one with sweep --monthly.
func ChunkTables(monthly bool) []string {
	if monthly {
		return SweepTables
	}
	return SweepTables[:1]
}

// timeColumn is the name of a sweep table's time column: "year", or
// "month" (a DATE) in the monthly table.
func timeColumn(table string) string {
	if table == "monthly" {
		return "month"
	}
	return "year"
}

// RemoveChunkTemps deletes the temporary files a killed run left for one
// chunk, of every table.
func RemoveChunkTemps(out, scenario string, k int) error {
	for _, table := range SweepTables {
		final := TableChunkPath(out, table, scenario, k)
		if err := RemoveAll(Named(filepath.Dir(final), "."+filepath.Base(final)+".tmp-", "")); err != nil {
			return err
		}
	}
	return nil
}

// RemoveAllChunkTemps removes the temporary part files a killed sweep left in
// out, of every table, scenario and chunk, reading each scenario's folder once.
func RemoveAllChunkTemps(out string) error {
	for _, table := range SweepTables {
		for _, dir := range Named(filepath.Join(out, table), "scenario=", "") {
			if err := RemoveAll(Named(dir, ".part-c", ".parquet.tmp-")); err != nil {
				return err
			}
		}
	}
	return nil
}

// MergeParts copies every part file of a scenario's table (yearly or
// monthly), of the chunks in finished (all when nil), found under
// the given folders, in chunk order, into one file dest. Each chunk may appear
// once: a chunk found in two folders must have identical content. A part file
// whose name is not one of the perScenario chunks of the sweep's layout is an
// InputError, and so is one holding jobs (design point x replicate) of
// another chunk than its name says: jobsPerFile jobs each, in the order
// point*replicates + replicate.
func MergeParts(srcs []string, table, scenario, dest string, finished map[int]bool, perScenario, jobsPerFile, replicates int) (chunks int, err error) {
	layout := map[string]bool{}
	for k := 0; k < perScenario; k++ {
		layout[filepath.Base(ChunkPath("", scenario, k))] = true
	}
	skip := map[string]bool{} // chunks left out: not finished (no yearly file anywhere)
	if finished != nil {
		for k := 0; k < perScenario; k++ {
			if !finished[k] {
				skip[filepath.Base(ChunkPath("", scenario, k))] = true
			}
		}
	}
	byName := map[string]string{}
	for _, src := range srcs {
		dir := filepath.Join(src, table, "scenario="+scenario)
		entries, err := os.ReadDir(dir)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return 0, err
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), "part-") || !strings.HasSuffix(e.Name(), ".parquet") {
				continue
			}
			p := filepath.Join(dir, e.Name())
			if skip[e.Name()] {
				continue
			}
			if !layout[e.Name()] {
				return 0, inputErrorf("%s is not a part file of this sweep's layout (chunks part-c000000 to part-c%06d); remove it", p, perScenario-1)
			}
			if prev, dup := byName[e.Name()]; dup {
				same, err := sameFile(prev, p)
				if err != nil {
					return 0, err
				}
				if !same {
					return 0, fmt.Errorf("%s and %s are the same chunk with different content", prev, p)
				}
				continue
			}
			byName[e.Name()] = p
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return 0, fmt.Errorf("no part files of scenario %s", scenario)
	}
	for _, n := range names {
		var k int
		if _, err := fmt.Sscanf(n, "part-c%06d.parquet", &k); err != nil {
			return 0, err
		}
		if err := checkChunk(byName[n], table, k, jobsPerFile, replicates); err != nil {
			return 0, err
		}
	}
	out, err := CreateAtomic(dest)
	if err != nil {
		return 0, err
	}
	var w *parquet.GenericWriter[any]
	for _, n := range names {
		if err := copyPart(&w, out, byName[n]); err != nil {
			out.Abort()
			return 0, err
		}
	}
	if err := w.Close(); err != nil {
		out.Abort()
		return 0, err
	}
	return len(names), out.Commit()
}

// checkChunk checks that the part file of chunk k holds only that chunk's
// jobs: a file renamed or copied over another would be merged as it.
func checkChunk(path, table string, k, jobsPerFile, replicates int) error {
	lo, hi := k*jobsPerFile, (k+1)*jobsPerFile
	return eachSweepPartRowBy(path, timeColumn(table), func(point, rep, _ int, _ *[sim.NumMeasures]int64) error {
		if j := point*replicates + rep; rep < 0 || rep >= replicates || j < lo || j >= hi {
			return inputErrorf("%s holds design point %d replicate %d, not a job of chunk %d (jobs %d-%d): a part file renamed or copied over another; remove it and run its shard again (--resume)",
				path, point, rep, k, lo, hi-1)
		}
		return nil
	})
}

// copyPart appends the rows of the part file path to *w, creating *w with
// the part's schema if it is nil.
func copyPart(w **parquet.GenericWriter[any], out io.Writer, path string) (err error) {
	defer recoverDamaged(path, &err)
	f, pf, err := openParquet(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := parquet.NewGenericReader[any](pf)
	defer r.Close()
	if *w == nil {
		*w = parquet.NewGenericWriter[any](out, append(writerOptions(), r.Schema())...)
	}
	if _, err := parquet.CopyRows(*w, r); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("copying %s: %w", path, err)
	}
	return nil
}

func sameFile(a, b string) (bool, error) {
	x, err := os.ReadFile(a)
	if err != nil {
		return false, err
	}
	y, err := os.ReadFile(b)
	if err != nil {
		return false, err
	}
	return string(x) == string(y), nil
}

// SweepManifest records a sweep run: enough to rerun it, and to check that
// shards and resumed runs belong to the same sweep.
type SweepManifest struct {
	Manifest
	Sweep      string                 `json:"sweep"`
	SweepFile  FileManifest           `json:"sweep_file"`
	Design     string                 `json:"design"`
	Points     int                    `json:"design_points"`
	Chunk      int                    `json:"jobs_per_file"`
	Parameters []scenarios.SweepParam `json:"swept_parameters"`
}
