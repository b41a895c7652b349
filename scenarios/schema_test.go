package scenarios

import (
	"hash/fnv"
	"math/rand/v2"
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
