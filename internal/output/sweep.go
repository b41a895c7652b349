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
	"htsim/scenarios"
	"htsim/sim"
)

// ParamColumn is the Parquet column name of a swept parameter: "param_" and
// the dotted key with dots as underscores (police.skill -> param_police_skill).
func ParamColumn(path string) string {
	return "param_" + strings.ReplaceAll(path, ".", "_")
}

// SweepRows builds the row types of a sweep's tables: the yearly row with the
// design point and the swept parameters as extra columns, and the design row.
type SweepRows struct {
	params  []string
	yearly  reflect.Type
	design  reflect.Type
	nYearly int   // fields copied from YearlyRow
	copyTo  []int // field index in the sweep row of YearlyRow's field i
	pointAt int   // field index of the design point
	paramAt int   // field index of the first swept parameter
}

// NewSweepRows returns the row types for the given swept parameters (dotted keys, in order).
func NewSweepRows(params []string) *SweepRows {
	base := reflect.TypeOf(YearlyRow{})
	var fields []reflect.StructField
	for i := 0; i < base.NumField(); i++ {
		f := base.Field(i)
		fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
		if f.Name == "Scenario" {
			fields = append(fields, reflect.StructField{Name: "Point", Type: reflect.TypeOf(int32(0)), Tag: `parquet:"point"`})
		}
	}
	rows := &SweepRows{params: params, nYearly: base.NumField()}
	for i, f := range fields {
		if f.Name == "Point" {
			rows.pointAt = i
		} else {
			rows.copyTo = append(rows.copyTo, i)
		}
	}
	rows.paramAt = len(fields)
	design := []reflect.StructField{{Name: "Point", Type: reflect.TypeOf(int32(0)), Tag: `parquet:"point"`}}
	for i, p := range params {
		f := reflect.StructField{Name: fmt.Sprintf("P%d", i), Type: reflect.TypeOf(float64(0)), Tag: reflect.StructTag(fmt.Sprintf(`parquet:"%s"`, ParamColumn(p)))}
		fields = append(fields, f)
		design = append(design, f)
	}
	rows.yearly, rows.design = reflect.StructOf(fields), reflect.StructOf(design)
	return rows
}

// ChunkPath is the part file of chunk k of a scenario's yearly table.
func ChunkPath(out, scenario string, k int) string {
	return filepath.Join(out, "yearly", "scenario="+scenario, fmt.Sprintf("part-c%06d.parquet", k))
}

// ChunkWriter writes one chunk file of a sweep's yearly table.
type ChunkWriter struct {
	rows *SweepRows
	file *AtomicFile
	w    *parquet.Writer
	buf  reflect.Value // []row
}

// NewChunkWriter opens chunk k of scenario's yearly table under out.
func (s *SweepRows) NewChunkWriter(out, scenario string, k int) (*ChunkWriter, error) {
	f, err := CreateAtomic(ChunkPath(out, scenario, k))
	if err != nil {
		return nil, err
	}
	schema := parquet.SchemaOf(reflect.New(s.yearly).Interface())
	opts := append(writerOptions(), schema)
	return &ChunkWriter{rows: s, file: f, w: parquet.NewWriter(f, opts...)}, nil
}

// Write appends one job's rows: the replicate's yearly counts at design point
// point, whose parameter values are values.
func (c *ChunkWriter) Write(res *sim.Result, point int, values []float64) error {
	years := len(res.Counts) / sim.CellsPerYear
	row := reflect.New(c.rows.yearly).Elem()
	var y YearlyRow
	yv := reflect.ValueOf(&y).Elem()
	for i, v := range values {
		row.Field(c.rows.paramAt + i).SetFloat(v)
	}
	row.Field(c.rows.pointAt).SetInt(int64(point))
	for yi := 0; yi < years; yi++ {
		for cell := 0; cell < sim.CellsPerYear; cell++ {
			cl := sim.CellAt(cell)
			y = YearlyRow{Scenario: res.Scenario, Replicate: int32(res.Replicate), Year: int32(res.FirstYear + yi),
				Origin: cl.Origin.String(), Form: cl.Form.String(), Sex: cl.Sex.String(), Age: cl.Age.String()}
			y.setCounts(res.Counts.At(yi, cell))
			for i, to := range c.rows.copyTo {
				row.Field(to).Set(yv.Field(i))
			}
			if err := c.w.Write(row.Interface()); err != nil {
				return err
			}
		}
	}
	return nil
}

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
	w := parquet.NewWriter(f, append(writerOptions(), schema)...)
	row := reflect.New(s.design).Elem()
	for p, vals := range matrix {
		row.Field(0).SetInt(int64(p))
		for i, v := range vals {
			row.Field(1 + i).SetFloat(v)
		}
		if err := w.Write(row.Interface()); err != nil {
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

// RemoveChunkTemps deletes the temporary files a killed run left for one chunk.
func RemoveChunkTemps(out, scenario string, k int) error {
	final := ChunkPath(out, scenario, k)
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+".tmp-*"))
	if err != nil {
		return err
	}
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// MergeParts copies every part file of a scenario's yearly table found under
// the given folders, in chunk order, into one file dest. Each chunk may appear
// once: a chunk found in two folders must have identical content.
func MergeParts(srcs []string, scenario, dest string) (chunks int, err error) {
	byName := map[string]string{}
	for _, src := range srcs {
		dir := filepath.Join(src, "yearly", "scenario="+scenario)
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
	out, err := CreateAtomic(dest)
	if err != nil {
		return 0, err
	}
	var w *parquet.Writer
	for _, n := range names {
		f, err := os.Open(byName[n])
		if err != nil {
			out.Abort()
			return 0, err
		}
		r := parquet.NewReader(f)
		if w == nil {
			w = parquet.NewWriter(out, append(writerOptions(), r.Schema())...)
		}
		if _, err := parquet.CopyRows(w, r); err != nil && !errors.Is(err, io.EOF) {
			r.Close()
			f.Close()
			out.Abort()
			return 0, fmt.Errorf("copying %s: %w", byName[n], err)
		}
		r.Close()
		f.Close()
	}
	if err := w.Close(); err != nil {
		out.Abort()
		return 0, err
	}
	return len(names), out.Commit()
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
