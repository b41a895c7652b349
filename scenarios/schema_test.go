package scenarios

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"htsim/model"
)

// TestSharedQuantile: the pairs name real parameters of one kind, and in the
// baseline the means of proof the UN Protocol asks for are at least as easy
// to prove as a transaction in every draw, not only on average.
func TestSharedQuantile(t *testing.T) {
	for from, to := range SharedQuantile {
		a, b := leafByPath[from], leafByPath[to]
		if a == nil || b == nil || a.Kind != b.Kind {
			t.Errorf("SharedQuantile %s -> %s: not two parameters of one kind", from, to)
		}
	}
	sc, err := Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	reversed := 0
	for rep := range 300 {
		p := sc.Phases[0].Draw(func(path string) rand.Source {
			h := fnv.New64a()
			h.Write([]byte(path))
			return rand.NewPCG(uint64(rep), h.Sum64())
		}, nil)
		for f := model.Form(0); f < model.NumForms; f++ {
			if p.Qualification.MeansEvidence.Of(f) < p.Qualification.TransactionEvidence.Of(f) {
				reversed++
			}
		}
	}
	if reversed > 0 {
		t.Errorf("%d of 300 draws make a transaction easier to prove than the means", reversed)
	}
}

// TestDistRounded: messages show scaled numbers as a reader wrote them, while
// String keeps every digit for the manifest.
func TestDistRounded(t *testing.T) {
	lo, hi, c := 0.1, 0.7, 3.0 // variables: Go folds constant expressions exactly
	d := Dist{Kind: "uniform", Min: lo * c, Max: hi * c / 2}
	if got, want := d.Rounded(), "uniform(0.3, 1.05)"; got != want {
		t.Errorf("Rounded() = %q, want %q", got, want)
	}
	if got := d.String(); got != "uniform(0.30000000000000004, 1.0499999999999998)" {
		t.Errorf("String() = %q, want every digit", got)
	}
}

// TestModelDocListsEveryParameter: docs/model.md section 3 has one row per
// parameter of the schema, no more, and says how many there are (its count
// had gone stale: 192 for 195).
func TestModelDocListsEveryParameter(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "model.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "## 3. Parameters of the baseline")
	end := strings.Index(text, "## 4.")
	if start < 0 || end < start {
		t.Fatal("docs/model.md has no section 3 before section 4")
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(text[start:end], "\n") {
		if key, ok := strings.CutPrefix(line, "| `"); ok {
			key, _, _ = strings.Cut(key, "`")
			rows[key] = true
		}
	}
	for _, l := range Schema {
		if !rows[l.Path] {
			t.Errorf("docs/model.md section 3 has no row for %s", l.Path)
		}
		delete(rows, l.Path)
	}
	for key := range rows {
		t.Errorf("docs/model.md section 3 lists %s, which is not a parameter", key)
	}
	if want := fmt.Sprintf("All %d values of `scenarios/baseline.yaml`", len(Schema)); !strings.Contains(text[start:end], want) {
		t.Errorf("docs/model.md section 3 does not say %q", want)
	}
}
