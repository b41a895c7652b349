// Package duckdbcheck checks that DuckDB, the engine analysts use, reads
// htsim's Parquet output with the intended column types. It is a separate Go
// module (see README.md) so that htsim itself stays pure Go: DuckDB's driver
// needs cgo.
//
// The tests read the output folder named by HTSIM_OUT. Without it they make
// one by running, from the htsim module root,
//
//	go run ./cmd/htsim run baseline --replicates 3 --victims --monthly --quiet --force --out TMP
package duckdbcheck

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// column is one column as DuckDB's DESCRIBE reports it.
type column struct {
	Name, Type string
}

// The schemas below are the contract with analysts: the DuckDB type of every
// column, in file order. TestSchemaListsMatchOutputStructs keeps them in step
// with the row structs in internal/output.

var yearlyKeys = []column{
	{"scenario", "VARCHAR"},
	{"replicate", "INTEGER"},
	{"year", "INTEGER"},
	{"origin", "VARCHAR"},
	{"form", "VARCHAR"},
	{"sex", "VARCHAR"},
	{"age", "VARCHAR"},
}

// yearlyCounts are YearlyRow's count columns, all BIGINT.
var yearlyCounts = []string{
	"true_new_victims",
	"true_victims_stock",
	"contacted",
	"identified_official",
	"reported",
	"registered_art128",
	"reclassified_migration",
	"reclassified_prostitution",
	"reclassified_other",
	"refused",
	"closed_corruption",
	"closed_reconciliation",
	"closed_evidence",
	"closed_victim_left",
	"to_court",
	"convicted",
	"acquitted",
	"ngo_assisted",
	"iom_assisted",
	"ngo_referred_police",
	"hotline_contacts",
	"state_shelter",
	"deported",
	"retrafficked",
	"exited_uncontacted",
	"died",
	"cases_registered_art128",
	"cases_to_court",
	"cases_convicted",
	"offenders_convicted",
	"conditional_sentences",
	"compensated",
}

func yearlySchema() []column {
	s := append([]column(nil), yearlyKeys...)
	for _, c := range yearlyCounts {
		s = append(s, column{c, "BIGINT"})
	}
	return s
}

// monthlySchema is MonthlyRow's: the yearly columns with the month (a DATE,
// the month's first day) in place of the year.
func monthlySchema() []column {
	s := yearlySchema()
	s[2] = column{"month", "DATE"}
	return s
}

var victimsSchema = []column{
	{"scenario", "VARCHAR"},
	{"replicate", "INTEGER"},
	{"victim_id", "INTEGER"},
	{"person_id", "INTEGER"},
	{"spell", "INTEGER"},
	{"origin", "VARCHAR"},
	{"sex", "VARCHAR"},
	{"age", "VARCHAR"},
	{"form", "VARCHAR"},
	{"sector", "VARCHAR"},
	{"documentation", "VARCHAR"},
	{"region", "VARCHAR"},
	{"site_id", "INTEGER"},
	{"case_id", "INTEGER"},
	{"start_month", "DATE"},
	{"end_month", "DATE"},
	{"months_exploited", "INTEGER"},
	{"exploitation_started", "BOOLEAN"},
	{"first_contact", "VARCHAR"},
	{"list_police", "BOOLEAN"},
	{"list_art128", "BOOLEAN"},
	{"list_ngo", "BOOLEAN"},
	{"list_hotline", "BOOLEAN"},
	{"list_iom", "BOOLEAN"},
	{"list_shelter", "BOOLEAN"},
	{"list_court", "BOOLEAN"},
	{"classification", "VARCHAR"},
	{"outcome", "VARCHAR"},
	{"final_state", "VARCHAR"},
}

var parametersSchema = []column{
	{"scenario", "VARCHAR"},
	{"replicate", "INTEGER"},
	{"phase_from", "DATE"},
	{"parameter", "VARCHAR"},
	{"value", "DOUBLE"},
}

// cellsPerYear is origins (3) x forms (3) x sexes (2) x age groups (2).
const cellsPerYear = 36

// ---------------------------------------------------------------------------
// The output folder.

var (
	outOnce sync.Once
	outPath string
	outErr  error
	tmpDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpDir != "" {
		os.RemoveAll(tmpDir)
	}
	os.Exit(code)
}

// outDir returns the htsim output folder: $HTSIM_OUT, or one made once for
// all tests by running the htsim CLI. A failure to make it fails the test.
func outDir(t *testing.T) string {
	t.Helper()
	outOnce.Do(func() {
		if dir := os.Getenv("HTSIM_OUT"); dir != "" {
			outPath, outErr = filepath.Abs(dir)
			if outErr == nil {
				_, outErr = os.Stat(filepath.Join(outPath, "yearly"))
			}
			if outErr != nil {
				outErr = fmt.Errorf("HTSIM_OUT=%s is not an htsim output folder: %w", dir, outErr)
			}
			return
		}
		outPath, outErr = generate()
	})
	if outErr != nil {
		t.Fatal(outErr)
	}
	return outPath
}

// generate runs the htsim CLI from the main module into a temporary folder.
func generate() (string, error) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", err
	}
	if tmpDir, err = os.MkdirTemp("", "htsim-duckdbcheck-"); err != nil {
		return "", err
	}
	out := filepath.Join(tmpDir, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	args := []string{"run", "./cmd/htsim", "run", "baseline", "--replicates", "3", "--victims", "--monthly", "--quiet", "--force", "--out", out}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("making the output folder (set HTSIM_OUT to use an existing one): go %s in %s: %v\n%s",
			strings.Join(args, " "), root, err, b)
	}
	return out, nil
}

// manifest is the part of OUT/manifest.json the tests use.
type manifest struct {
	Replicates   int    `json:"replicates"`
	From         string `json:"from"`
	To           string `json:"to"`
	VictimsTable bool   `json:"victims_table"`
	Scenarios    []struct {
		Name string `json:"name"`
	} `json:"scenarios"`
}

func readManifest(t *testing.T, out string) manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	return m
}

// years is the number of calendar years from the manifest's from to to (YYYY-MM).
func (m manifest) years(t *testing.T) int {
	t.Helper()
	from, err1 := time.Parse("2006-01", m.From)
	to, err2 := time.Parse("2006-01", m.To)
	if err1 != nil || err2 != nil {
		t.Fatalf("manifest.json: bad horizon %q to %q", m.From, m.To)
	}
	return to.Year() - from.Year() + 1
}

// ---------------------------------------------------------------------------
// DuckDB helpers.

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var v string
	if err := db.QueryRow("SELECT version()").Scan(&v); err != nil {
		t.Fatal(err)
	}
	t.Logf("DuckDB %s", v)
	return db
}

// source is the read_parquet call an analyst would write for a table.
func source(out, table string) string {
	glob := filepath.ToSlash(filepath.Join(out, table, "*", "*.parquet"))
	return fmt.Sprintf("read_parquet('%s', hive_partitioning = true)", strings.ReplaceAll(glob, "'", "''"))
}

func requireTable(t *testing.T, out, table string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(out, table, "scenario=*", "*.parquet"))
	if len(files) == 0 {
		t.Fatalf("no %s/scenario=*/*.parquet under %s (the victims table needs htsim run --victims, the monthly table --monthly)", table, out)
	}
}

func describe(t *testing.T, db *sql.DB, src string) []column {
	t.Helper()
	rows, err := db.Query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + src + ")")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols
}

// checkSchema reports every missing, unexpected, mistyped or misplaced column.
func checkSchema(t *testing.T, got, want []column) {
	t.Helper()
	gotType := map[string]string{}
	for _, c := range got {
		gotType[c.Name] = c.Type
	}
	wantType := map[string]string{}
	for _, c := range want {
		wantType[c.Name] = c.Type
		switch g, ok := gotType[c.Name]; {
		case !ok:
			t.Errorf("column %s is missing", c.Name)
		case g != c.Type:
			t.Errorf("column %s is %s, want %s", c.Name, g, c.Type)
		}
	}
	for _, c := range got {
		if _, ok := wantType[c.Name]; !ok {
			t.Errorf("unexpected column %s %s", c.Name, c.Type)
		}
	}
	if !t.Failed() && !reflect.DeepEqual(got, want) {
		t.Errorf("columns are in another order:\n got %v\nwant %v", got, want)
	}
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ---------------------------------------------------------------------------
// Tests.

func TestYearlyTypes(t *testing.T) {
	out := outDir(t)
	db := openDB(t)
	checkSchema(t, describe(t, db, source(out, "yearly")), yearlySchema())
}

func TestYearlyContent(t *testing.T) {
	out := outDir(t)
	m := readManifest(t, out)
	db := openDB(t)
	src := source(out, "yearly")

	var anyNegative []string
	for _, c := range yearlyCounts {
		anyNegative = append(anyNegative, c+" < 0")
	}
	if n := queryInt(t, db, "SELECT count(*) FROM "+src+" WHERE "+strings.Join(anyNegative, " OR ")); n != 0 {
		t.Errorf("%d rows have a negative count", n)
	}

	years := m.years(t)
	want := int64(len(m.Scenarios) * m.Replicates * years * cellsPerYear)
	if n := queryInt(t, db, "SELECT count(*) FROM "+src); n != want {
		t.Errorf("%d rows, want %d = %d scenarios x %d replicates x %d years x %d cells",
			n, want, len(m.Scenarios), m.Replicates, years, cellsPerYear)
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT replicate) FROM "+src); n != int64(m.Replicates) {
		t.Errorf("%d distinct replicates, manifest says %d", n, m.Replicates)
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT year) FROM "+src); n != int64(years) {
		t.Errorf("%d distinct years, want %d (%s to %s)", n, years, m.From, m.To)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM (SELECT DISTINCT origin, form, sex, age FROM "+src+")"); n != cellsPerYear {
		t.Errorf("%d distinct (origin, form, sex, age) cells, want %d", n, cellsPerYear)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM (SELECT scenario, replicate, year, origin, form, sex, age FROM "+src+
		" GROUP BY ALL HAVING count(*) > 1)"); n != 0 {
		t.Errorf("%d (scenario, replicate, year, cell) keys occur more than once", n)
	}

	for col, want := range map[string][]string{
		"origin": {"abroad", "domestic", "foreign"},
		"form":   {"labour", "other", "sexual"},
		"sex":    {"female", "male"},
	} {
		got := queryStrings(t, db, "SELECT DISTINCT "+col+" FROM "+src+" ORDER BY 1")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("distinct %s = %v, want %v", col, got, want)
		}
	}

	// What an analyst runs first: true against official counts by year.
	rows, err := db.Query(`SELECT year, count(DISTINCT replicate), SUM(true_new_victims), SUM(identified_official)
		FROM ` + src + ` WHERE scenario = 'baseline' GROUP BY year ORDER BY year`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	nYears := 0
	for rows.Next() {
		var year, reps, trueNew, identified int64
		if err := rows.Scan(&year, &reps, &trueNew, &identified); err != nil {
			t.Fatal(err)
		}
		nYears++
		t.Logf("baseline %d: true_new_victims %d, identified_official %d (sums over %d replicates)", year, trueNew, identified, reps)
		if trueNew <= 1000*reps {
			t.Errorf("baseline %d: true_new_victims %d over %d replicates, want > 1000 per replicate", year, trueNew, reps)
		}
		if identified <= 0 || identified >= trueNew {
			t.Errorf("baseline %d: identified_official %d, want positive and below true_new_victims %d", year, identified, trueNew)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if nYears != years {
		t.Errorf("baseline has %d years, want %d", nYears, years)
	}
	// Per replicate too, so that one busy replicate cannot hide an empty one.
	if n := queryInt(t, db, `SELECT count(*) FROM (SELECT replicate, year FROM `+src+
		` WHERE scenario = 'baseline' GROUP BY ALL HAVING SUM(true_new_victims) <= 1000)`); n != 0 {
		t.Errorf("%d baseline (replicate, year) pairs have at most 1000 true new victims", n)
	}
}

func TestMonthlyTypes(t *testing.T) {
	out := outDir(t)
	requireTable(t, out, "monthly")
	db := openDB(t)
	checkSchema(t, describe(t, db, source(out, "monthly")), monthlySchema())
}

// TestMonthlyContent: one row per scenario, replicate, month and cell; the
// flows of a year's months add up to the yearly table's, and the stock of
// the year's last month in the horizon is the year's (what an analyst checks
// before trusting either), whatever months the horizon starts and ends in.
func TestMonthlyContent(t *testing.T) {
	out := outDir(t)
	requireTable(t, out, "monthly")
	m := readManifest(t, out)
	db := openDB(t)
	mon, yr := source(out, "monthly"), source(out, "yearly")
	from, err1 := time.Parse("2006-01", m.From)
	to, err2 := time.Parse("2006-01", m.To)
	if err1 != nil || err2 != nil {
		t.Fatalf("manifest.json: bad horizon %q to %q", m.From, m.To)
	}
	months := int64((to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month()) + 1)
	last := to.Format("2006-01-02") // a year's stock is its last month's in the horizon: December, or the horizon's end
	want := int64(len(m.Scenarios)*m.Replicates) * months * cellsPerYear
	if n := queryInt(t, db, "SELECT count(*) FROM "+mon); n != want {
		t.Errorf("%d rows, want %d = %d scenarios x %d replicates x %d months x %d cells", n, want, len(m.Scenarios), m.Replicates, months, cellsPerYear)
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT month) FROM "+mon+" WHERE day(month) = 1"); n != months {
		t.Errorf("%d distinct first-of-month dates, want %d", n, months)
	}
	q := `WITH m AS (
		SELECT scenario, replicate, year(month) AS year, origin, form, sex, age,
		       sum(true_new_victims) AS tnv, sum(identified_official) AS ident, sum(registered_art128) AS reg,
		       sum(ngo_assisted) AS ngo,
		       sum(true_victims_stock) FILTER (month(month) = 12 OR month = DATE '` + last + `') AS stock
		FROM ` + mon + ` GROUP BY ALL)
	SELECT count(*) FROM m JOIN ` + yr + ` y USING (scenario, replicate, year, origin, form, sex, age)
	WHERE m.tnv IS DISTINCT FROM y.true_new_victims OR m.ident IS DISTINCT FROM y.identified_official
	   OR m.reg IS DISTINCT FROM y.registered_art128 OR m.ngo IS DISTINCT FROM y.ngo_assisted
	   OR m.stock IS DISTINCT FROM y.true_victims_stock` // a year with no stock month gives NULL, which <> would pass
	if n := queryInt(t, db, q); n != 0 {
		t.Errorf("%d (scenario, replicate, year, cell) rows whose months do not add up to the yearly table", n)
	}
	// The comparison above holds every yearly row, not a join that matched none.
	joined := q[:strings.Index(q, "WHERE m.tnv")]
	if n, rows := queryInt(t, db, joined), queryInt(t, db, "SELECT count(*) FROM "+yr); n != rows || n == 0 {
		t.Errorf("the months of %d yearly rows were compared, of %d", n, rows)
	}
	if n := queryInt(t, db, "SELECT sum(true_new_victims) FROM "+mon); n <= 0 {
		t.Errorf("no new victims in the monthly table (%d)", n)
	}
}

func TestVictimsTypes(t *testing.T) {
	out := outDir(t)
	requireTable(t, out, "victims")
	db := openDB(t)
	src := source(out, "victims")
	checkSchema(t, describe(t, db, src), victimsSchema)

	if n := queryInt(t, db, "SELECT count(*) FROM "+src+" WHERE case_id IS NULL"); n == 0 {
		t.Error("no victim has a NULL case_id: the optional column is not read as nullable")
	}
	if n := queryInt(t, db, "SELECT count(*) FROM "+src+" WHERE case_id IS NOT NULL"); n == 0 {
		t.Error("every case_id is NULL")
	}
	if n := queryInt(t, db, "SELECT count(*) FROM "+src+
		" WHERE replicate = 0 AND exploitation_started AND outcome = 'left_uncontacted'"); n == 0 {
		t.Error("replicate 0 has no victim with exploitation_started and outcome 'left_uncontacted'")
	} else {
		t.Logf("replicate 0: %d exploited victims left uncontacted", n)
	}
	// Dates are first days of months, and a spell ends no earlier than it starts.
	if n := queryInt(t, db, "SELECT count(*) FROM "+src+
		" WHERE day(start_month) <> 1 OR day(end_month) <> 1 OR end_month < start_month"); n != 0 {
		t.Errorf("%d victims have a start_month or end_month that is not a month start, or end before start", n)
	}
}

func TestParametersTypes(t *testing.T) {
	out := outDir(t)
	db := openDB(t)
	src := source(out, "parameters")
	checkSchema(t, describe(t, db, src), parametersSchema)

	m := readManifest(t, out)
	from, err := time.Parse("2006-01", m.From)
	if err != nil {
		t.Fatal(err)
	}
	var first time.Time
	if err := db.QueryRow("SELECT min(phase_from) FROM " + src).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if !first.Equal(from) {
		t.Errorf("first phase_from is %s, want the horizon start %s", first.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	if n := queryInt(t, db, "SELECT count(*) FROM "+src+" WHERE value IS NULL OR isnan(value) OR parameter = ''"); n != 0 {
		t.Errorf("%d parameter rows have no name or no value", n)
	}
}

// TestScenarioColumnMatchesPartition checks that the scenario column stored in
// each file equals its folder's scenario=NAME. With hive_partitioning DuckDB
// shows the folder's value and hides the file's, so a mismatch would go unseen.
func TestScenarioColumnMatchesPartition(t *testing.T) {
	out := outDir(t)
	db := openDB(t)
	for _, table := range []string{"yearly", "parameters", "victims", "monthly"} {
		if table == "victims" || table == "monthly" {
			if files, _ := filepath.Glob(filepath.Join(out, table, "scenario=*", "*.parquet")); len(files) == 0 {
				continue
			}
		}
		glob := strings.ReplaceAll(filepath.ToSlash(filepath.Join(out, table, "*", "*.parquet")), "'", "''")
		q := fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s', hive_partitioning = false, filename = true)
			WHERE scenario IS DISTINCT FROM regexp_extract(filename, 'scenario=([^/]+)/[^/]+$', 1)`, glob)
		if n := queryInt(t, db, q); n != 0 {
			t.Errorf("%s: %d rows have a scenario column unlike their scenario=NAME folder", table, n)
		}
	}
}

// TestSchemaListsMatchOutputStructs keeps the schemas above in step with the
// row structs of internal/output, read from their source (an internal package
// cannot be imported from this module).
func TestSchemaListsMatchOutputStructs(t *testing.T) {
	structs := parseRowStructs(t, filepath.Join("..", "output"))
	for name, want := range map[string][]column{
		"YearlyRow":  yearlySchema(),
		"MonthlyRow": monthlySchema(),
		"VictimRow":  victimsSchema,
		"ParamRow":   parametersSchema,
	} {
		got, ok := structs[name]
		if !ok {
			t.Errorf("internal/output has no struct %s", name)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s's parquet columns (as DuckDB types) differ from this test's list:\n struct %v\n   test %v", name, got, want)
		}
	}
}

// parseRowStructs returns each struct's parquet columns with the DuckDB type
// that its Go type and tag options should map to.
func parseRowStructs(t *testing.T, dir string) map[string][]column {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	fset := token.NewFileSet()
	res := map[string][]column{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return false
			}
			var cols []column
			for _, field := range st.Fields.List {
				if field.Tag == nil {
					continue
				}
				tag, err := strconv.Unquote(field.Tag.Value)
				if err != nil {
					continue
				}
				pq, ok := reflect.StructTag(tag).Lookup("parquet")
				if !ok || pq == "-" {
					continue
				}
				parts := strings.Split(pq, ",")
				cols = append(cols, column{parts[0], duckType(t, ts.Name.Name, field.Type, parts[1:])})
			}
			if len(cols) > 0 {
				res[ts.Name.Name] = cols
			}
			return false
		})
	}
	return res
}

func duckType(t *testing.T, structName string, expr ast.Expr, opts []string) string {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	id, ok := expr.(*ast.Ident)
	if !ok {
		t.Errorf("%s: field of type %T: this test does not know its DuckDB type", structName, expr)
		return "?"
	}
	for _, o := range opts {
		if o == "date" {
			return "DATE"
		}
	}
	switch id.Name {
	case "string":
		return "VARCHAR"
	case "int32":
		return "INTEGER"
	case "int64":
		return "BIGINT"
	case "bool":
		return "BOOLEAN"
	case "float64":
		return "DOUBLE"
	}
	t.Errorf("%s: field of Go type %s: this test does not know its DuckDB type", structName, id.Name)
	return "?"
}
