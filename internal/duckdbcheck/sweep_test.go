package duckdbcheck

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSweepReadsAsOneDataset runs the shipped example sweep in several part
// files and reads it the way docs/cluster.md tells analysts to: one glob over
// OUT/yearly/**, hive partitioning on. Every job's rows are there once, the
// design point and the swept parameters are typed columns, and they agree
// with design.parquet. The monthly table (--monthly) reads the same way,
// month a DATE, and its months add up to the years.
func TestSweepReadsAsOneDataset(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "sweep")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	args := []string{"run", "./cmd/htsim", "sweep", "scenarios/sweeps/example.yaml", "--chunk", "5", "--monthly", "--quiet", "--out", out}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	parts, _ := filepath.Glob(filepath.Join(out, "yearly", "scenario=baseline", "*.parquet"))
	if len(parts) != 7 { // 32 jobs in files of 5
		t.Fatalf("%d part files, want 7", len(parts))
	}
	db := openDB(t)
	src := fmt.Sprintf("read_parquet('%s', hive_partitioning = true)", filepath.ToSlash(filepath.Join(out, "yearly", "**", "*.parquet")))
	design := fmt.Sprintf("read_parquet('%s')", filepath.ToSlash(filepath.Join(out, "design.parquet")))
	types := map[string]string{}
	for _, c := range describe(t, db, src) {
		types[c.Name] = c.Type
	}
	for name, want := range map[string]string{"scenario": "VARCHAR", "point": "INTEGER", "replicate": "INTEGER", "year": "INTEGER",
		"true_new_victims": "BIGINT", "identified_official": "BIGINT", "param_police_skill": "DOUBLE",
		"param_police_raid_monthly_sex_industry": "DOUBLE", "param_victimisation_monthly_risk_agriculture": "DOUBLE"} {
		if types[name] != want {
			t.Errorf("column %s is %q, want %s", name, types[name], want)
		}
	}
	if n := queryInt(t, db, "SELECT count(*) FROM "+src); n != 8*4*21*36 {
		t.Errorf("%d rows, want %d (8 points x 4 replicates x 21 years x 36 cells)", n, 8*4*21*36)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM (SELECT DISTINCT point, replicate FROM "+src+")"); n != 32 {
		t.Errorf("%d distinct (point, replicate) jobs, want 32", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM "+design); n != 8 {
		t.Errorf("design.parquet has %d rows, want 8", n)
	}
	mismatch := queryInt(t, db, "SELECT count(*) FROM "+src+" y JOIN "+design+" d USING (point) WHERE y.param_police_skill <> d.param_police_skill")
	if mismatch != 0 {
		t.Errorf("%d rows whose parameter differs from design.parquet", mismatch)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err != nil {
		t.Error(err)
	}
	mon := fmt.Sprintf("read_parquet('%s', hive_partitioning = true)", filepath.ToSlash(filepath.Join(out, "monthly", "**", "*.parquet")))
	types = map[string]string{}
	for _, c := range describe(t, db, mon) {
		types[c.Name] = c.Type
	}
	for name, want := range map[string]string{"point": "INTEGER", "month": "DATE", "true_new_victims": "BIGINT", "param_police_skill": "DOUBLE"} {
		if types[name] != want {
			t.Errorf("monthly: column %s is %q, want %s", name, types[name], want)
		}
	}
	if n := queryInt(t, db, "SELECT count(*) FROM "+mon); n != 8*4*252*36 {
		t.Errorf("monthly: %d rows, want %d (8 points x 4 replicates x 252 months x 36 cells)", n, 8*4*252*36)
	}
	q := `WITH m AS (SELECT point, replicate, year(month) AS year, sum(true_new_victims) AS tnv FROM ` + mon + ` GROUP BY ALL),
	y AS (SELECT point, replicate, year, sum(true_new_victims) AS tnv FROM ` + src + ` GROUP BY ALL)
	SELECT count(*) FROM y FULL JOIN m USING (point, replicate, year) WHERE m.tnv IS DISTINCT FROM y.tnv`
	if n := queryInt(t, db, q); n != 0 {
		t.Errorf("monthly: %d (point, replicate, year) whose months do not add up to the yearly table", n)
	}
}
