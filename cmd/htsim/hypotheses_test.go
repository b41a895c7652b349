package main

import (
	"context"
	"strings"
	"testing"

	"htsim/analysis"
	"htsim/model"
)

// TestHypothesesVerdictsStable: at the default sample size (40 paired
// replicates) the verdicts do not depend on the seed (two seeds compared).
func TestHypothesesVerdictsStable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 2 x 8 x 40 replicates")
	}
	o := hypothesesOptions{replicates: 40, workers: 2, threshold: 0.05}
	period := analysis.Period{Label: "2015-2020", From: 2015, To: 2020}
	var verdicts [2][]string
	for i, seed := range []uint64{11, 12} {
		o.seed = seed
		rs, err := runHypotheses(context.Background(), o, model.MonthOf(2015, 1), model.MonthOf(2020, 12), period)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 7 {
			t.Fatalf("%d results, want 7", len(rs))
		}
		for _, r := range rs {
			verdicts[i] = append(verdicts[i], r.Verdict)
			t.Logf("seed %d H%d: %s %+.3f [%+.3f, %+.3f]", seed, r.Number, r.Verdict, r.Effect.Mean, r.Effect.Lo, r.Effect.Hi)
		}
	}
	for k := range verdicts[0] {
		if verdicts[0][k] != verdicts[1][k] {
			t.Errorf("H%d: verdict %q with one seed, %q with another", k+1, verdicts[0][k], verdicts[1][k])
		}
	}
}

func TestHypothesesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"hypotheses", "-n", "1"},
		{"hypotheses", "--period", "2000-2020"},
		{"hypotheses", "--format", "xml"},
		{"hypotheses", "--from", "2020-01", "--to", "2015-01"},
		{"hypotheses", "extra"},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, "hypotheses:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
