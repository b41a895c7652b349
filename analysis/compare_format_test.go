package analysis

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"htsim/sim"
)

// TestCompareCSVMatchesJSON: the CSV export has the JSON export's fields, in
// the same order and with the same values, so that neither loses a column.
func TestCompareCSVMatchesJSON(t *testing.T) {
	cs := []Comparison{
		{Scenario: "palermo", Against: "baseline", Measure: sim.RegisteredArt128, Period: Period{Label: "2025-2030", From: 2025, To: 2030},
			Replicates: 40, MeanScenario: 130, MeanAgainst: 100, Diff: Interval{Mean: 30, Lo: 5, Hi: 55}, RelChange: 0.3,
			RateScenario: 0.02, RateAgainst: 0.015, RateDiff: Interval{Mean: 0.005, Lo: 0.001, Hi: 0.009}},
		{Scenario: "palermo", Against: "baseline", Measure: sim.Convicted, Period: Period{Label: "2030", From: 2030, To: 2030, Year: true},
			Replicates: 40, RelChange: math.NaN()},
	}
	var jb, cb bytes.Buffer
	if err := WriteCompareJSON(&jb, cs); err != nil {
		t.Fatal(err)
	}
	if err := WriteCompareCSV(&cb, cs); err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(jb.Bytes(), &recs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cb).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string // the JSON keys in their order
	dec := json.NewDecoder(bytes.NewReader(jb.Bytes()))
	dec.Token() // [
	dec.Token() // {
	for dec.More() {
		k, _ := dec.Token()
		if k == json.Delim('}') {
			break
		}
		keys = append(keys, k.(string))
		var skip any
		dec.Decode(&skip)
	}
	// compare.parquet's columns begin so (docs/outputs.md).
	if head := []string{"scenario", "against", "measure", "period", "first_year", "last_year", "replicates"}; len(keys) < len(head) || !reflect.DeepEqual(keys[:len(head)], head) {
		t.Errorf("JSON keys %v do not begin with compare.parquet's %v", keys, head)
	}
	if !reflect.DeepEqual(rows[0], keys) {
		t.Fatalf("CSV header %v\nJSON keys  %v", rows[0], keys)
	}
	for i, rec := range recs {
		for j, k := range keys {
			want := ""
			if v := rec[k]; v != nil {
				b, _ := json.Marshal(v)
				want = string(bytes.Trim(b, `"`))
			}
			if rows[i+1][j] != want {
				t.Errorf("row %d %s: CSV %q, JSON %q", i, k, rows[i+1][j], want)
			}
		}
	}
}
