package model_test

import (
	"fmt"
	"math"
	"testing"

	"htsim/model"
)

func TestGravityOf(t *testing.T) {
	for _, c := range []struct {
		max   float64
		want  model.Gravity
		recon bool
	}{
		{2, model.SmallGravity, true},
		{5, model.MediumGravity, true}, // article 128 part 1 today: 3-5 years
		{5.5, model.Grave, false},
		{10, model.Grave, false}, // the six-year-minimum reform: 6-10 years
		{12, model.Grave, false},
		{15, model.EspeciallyGrave, false},
	} {
		g := model.GravityOf(c.max)
		if g != c.want || model.ReconciliationAllowed(g) != c.recon {
			t.Errorf("max %g years: gravity %s (reconciliation %v), want %s (%v)", c.max, g, model.ReconciliationAllowed(g), c.want, c.recon)
		}
	}
}

func TestSeriesAt(t *testing.T) {
	s := model.Series{Years: []int{2011, 2015}, Values: []float64{500000, 950000}}
	for _, c := range []struct{ year, want float64 }{{2000, 500000}, {2011, 500000}, {2013, 725000}, {2015, 950000}, {2030, 950000}} {
		if got := s.At(c.year); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("At(%g) = %g, want %g", c.year, got, c.want)
		}
	}
}

func TestStratumIndexRoundTrip(t *testing.T) {
	seen := map[int]bool{}
	for i := 0; i < model.NumStrata; i++ {
		s := model.StratumAt(i)
		if s.Index() != i || seen[i] {
			t.Fatalf("stratum %d round-trips to %d", i, s.Index())
		}
		seen[i] = true
	}
}

func TestElementsProvable(t *testing.T) {
	q := &model.Qualification{TransactionEvidence: model.ByForm{Labour: 0.2, Sexual: 0.5}, MeansEvidence: model.ByForm{Labour: 0.5, Sexual: 0.7}, LabourImplicitRatio: 0.5}
	today := &model.Law{RequiresTransaction: true, RequiresExploitationFact: true}
	palermo := &model.Law{LabourExplicit: true}
	cases := []struct {
		name string
		f    model.CaseFacts
		law  *model.Law
		want float64
	}{
		{"today, rescued before exploitation", model.CaseFacts{Form: model.Sexual}, today, 0},
		{"today, sexual", model.CaseFacts{Form: model.Sexual, Exploited: true}, today, 0.5},
		{"today, labour not named", model.CaseFacts{Form: model.Labour, Exploited: true}, today, 0.1},
		{"palermo, rescued before exploitation", model.CaseFacts{Form: model.Sexual}, palermo, 0.7},
		{"palermo, labour named", model.CaseFacts{Form: model.Labour, Exploited: true}, palermo, 0.5},
	}
	for _, c := range cases {
		if got := model.ElementsProvable(c.f, c.law, q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}

func TestQualifySumsToOne(t *testing.T) {
	pol := &model.Police{Skill: 0.6, ComplicitCorruptionRatio: 2.5, ComplicitAbuseOfPower: 0.7}
	q := &model.Qualification{TransactionEvidence: model.ByForm{Labour: 0.2, Sexual: 0.5, Other: 0.3}, ProstitutionReclass: 0.6, OtherReclass: 0.3, LabourImplicitRatio: 0.6}
	for _, f := range []model.CaseFacts{
		{Form: model.Sexual, Exploited: true, Corruption: 0.2, PlanFactor: 1},
		{Form: model.Labour, Exploited: true, Complicit: true, Corruption: 0.3, PlanFactor: 0.5},
		{Form: model.OtherForm, Corruption: 0.1, PlanFactor: 1},
	} {
		p := model.Qualify(f, &model.Law{RequiresTransaction: true, RequiresExploitationFact: true}, pol, q)
		sum := p.Corrupt + p.AbuseOfPower + p.Art128 + p.Prostitution + p.OtherArticle + p.Refused
		if math.Abs(sum-1) > 1e-12 || p.Refused < 0 {
			t.Errorf("%+v: probabilities sum to %g", f, sum)
		}
	}
}

func TestPlanFactor(t *testing.T) {
	if model.PlanFactor(5, 10, 1) != 1 || model.PlanFactor(10, 10, 1) != 1 {
		t.Error("no pressure under or at the plan")
	}
	if got := model.PlanFactor(15, 10, 1); math.Abs(got-1/1.5) > 1e-12 {
		t.Errorf("PlanFactor(15, 10, 1) = %g, want %g", got, 1/1.5)
	}
}

func TestParseMonth(t *testing.T) {
	for _, bad := range []string{"2010", "2010-13", "2010-00", "10-01", "abcd-ef", "1800-01"} {
		if _, err := model.ParseMonth(bad); err == nil {
			t.Errorf("ParseMonth(%q) accepted", bad)
		}
	}
	m, err := model.ParseMonth("2025-01")
	if err != nil || m.Year() != 2025 || m.MonthNumber() != 1 || m.String() != "2025-01" {
		t.Errorf("ParseMonth(2025-01) = %v, %v", m, err)
	}
}

// The six-year minimum sentence makes trafficking a grave offence, which bars
// reconciliation of parties; today's 3-5 years do not.
func ExampleGravityOf() {
	for _, max := range []float64{5, 10} {
		g := model.GravityOf(max)
		fmt.Printf("maximum %g years: %s, reconciliation allowed: %v\n", max, g, model.ReconciliationAllowed(g))
	}
	// Output:
	// maximum 5 years: medium, reconciliation allowed: true
	// maximum 10 years: grave, reconciliation allowed: false
}

func TestPreTrialMonthly(t *testing.T) {
	pt := &model.PreTrial{CompletionMonthly: 0.1, CorruptionMonthly: 0.01, ReconciliationMonthly: 0.04, BacklogEvidenceLoss: 1,
		EvidenceMonthly: model.ByForm{Labour: 0.03, Sexual: 0.02, Other: 0.04}, EvidenceRatioNoTransaction: 0.7, EvidenceRatioLabourImplicit: 1.5}
	law := &model.Law{RequiresTransaction: true, LabourExplicit: true}
	for _, c := range []struct {
		name       string
		corruption float64
		speed      float64
		recon      bool
		want       model.PreTrialHazards
	}{
		{"reference corruption, full capacity", model.ReferenceCorruption, 1, true, model.PreTrialHazards{Corrupt: 0.01, Reconcile: 0.04, Evidence: 0.02, Complete: 0.1}},
		{"twice the corruption", 2 * model.ReferenceCorruption, 1, true, model.PreTrialHazards{Corrupt: 0.02, Reconcile: 0.04, Evidence: 0.02, Complete: 0.1}},
		{"half capacity: slower, more evidence lost", model.ReferenceCorruption, 0.5, true, model.PreTrialHazards{Corrupt: 0.01, Reconcile: 0.04, Evidence: 0.03, Complete: 0.05}},
		{"grave crime: no reconciliation", model.ReferenceCorruption, 1, false, model.PreTrialHazards{Corrupt: 0.01, Evidence: 0.02, Complete: 0.1}},
	} {
		got := model.PreTrialMonthly(model.Sexual, c.corruption, c.speed, c.recon, law, pt)
		for _, f := range []struct {
			name      string
			got, want float64
		}{{"corrupt", got.Corrupt, c.want.Corrupt}, {"reconcile", got.Reconcile, c.want.Reconcile},
			{"evidence", got.Evidence, c.want.Evidence}, {"complete", got.Complete, c.want.Complete}} {
			if math.Abs(f.got-f.want) > 1e-12 {
				t.Errorf("%s: %s hazard %g, want %g", c.name, f.name, f.got, f.want)
			}
		}
	}
}

// The monthly hazards of an open investigation into sexual exploitation, in
// a region at the reference corruption level, at full capacity and when the
// region's investigators can give it half the time it needs.
func ExamplePreTrialMonthly() {
	pt := &model.PreTrial{CompletionMonthly: 0.09, CorruptionMonthly: 0.01, ReconciliationMonthly: 0.04,
		BacklogEvidenceLoss: 1, EvidenceMonthly: model.ByForm{Labour: 0.033, Sexual: 0.025, Other: 0.04},
		EvidenceRatioNoTransaction: 0.7, EvidenceRatioLabourImplicit: 1.5}
	law := &model.Law{RequiresTransaction: true, Art128MaxYears: 5}
	recon := model.ReconciliationAllowed(model.GravityOf(law.Art128MaxYears))
	for _, speed := range []float64{1, 0.5} {
		h := model.PreTrialMonthly(model.Sexual, model.ReferenceCorruption, speed, recon, law, pt)
		fmt.Printf("speed %.1f: corrupt %.3f, reconcile %.3f, evidence %.4f, complete %.3f\n", speed, h.Corrupt, h.Reconcile, h.Evidence, h.Complete)
	}
	// Output:
	// speed 1.0: corrupt 0.010, reconcile 0.040, evidence 0.0250, complete 0.090
	// speed 0.5: corrupt 0.010, reconcile 0.040, evidence 0.0375, complete 0.045
}
