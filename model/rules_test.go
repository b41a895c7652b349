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

// TestOnlineRecruitmentFactor: worked by hand with the baseline's penetration
// series (0.47% in 2000, 55.8% in 2016, 76.4% in 2018) and a share of 0.25.
// Penetration in 2010 is 0.47 + 10/16 (55.8 - 0.47) = 35.05125%.
func TestOnlineRecruitmentFactor(t *testing.T) {
	pen := model.Series{Years: []int{2000, 2016, 2018}, Values: []float64{0.47, 55.8, 76.4}}
	v := &model.Victimisation{OnlineRecruitmentShare: 0.25, InternetPenetration: pen}
	for _, c := range []struct {
		name string
		o    model.Origin
		year float64
		v    *model.Victimisation
		want float64
	}{
		{"reference year", model.Domestic, 2016, v, 1},
		{"2010", model.Domestic, 2010, v, 0.75 + 0.25*35.05125/55.8},
		{"2018, abroad", model.Abroad, 2018, v, 0.75 + 0.25*76.4/55.8},
		{"held after 2018", model.Abroad, 2030, v, 0.75 + 0.25*76.4/55.8},
		{"foreign migrants are recruited at home", model.Foreign, 2018, v, 1},
		{"no online recruitment", model.Domestic, 2018, &model.Victimisation{InternetPenetration: pen}, 1},
		{"no series", model.Domestic, 2018, &model.Victimisation{OnlineRecruitmentShare: 0.25}, 1},
	} {
		if got := model.OnlineRecruitmentFactor(c.o, c.year, c.v); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: factor %v, want %v", c.name, got, c.want)
		}
	}
	// MonthlyRisk applies it: a citizen's risk in 2018 is the 2016 risk times the factor.
	v.MonthlyRisk.Agriculture = 0.001
	v.OriginRiskRatio = model.ByOrigin{Domestic: 1, Foreign: 1, Abroad: 1}
	law := &model.Law{}
	s := model.Stratum{Origin: model.Domestic, Sector: model.Agriculture}
	r16, r18 := model.MonthlyRisk(s, 2016, v, law), model.MonthlyRisk(s, 2018, v, law)
	if want := r16 * (0.75 + 0.25*76.4/55.8); math.Abs(r18-want) > 1e-15 {
		t.Errorf("MonthlyRisk 2018 = %v, want %v (2016's %v times the factor)", r18, want, r16)
	}
}

// TestMonthlyRiskWageGap: a foreign migrant's risk scales with the wage gap
// relative to 2010, to the power of the elasticity (hypothesis H7 rests on
// it); other origins' do not. Worked by hand: the gap doubles from 2010 to
// 2020, so with elasticity 0.5 the 2020 risk is sqrt(2) times 2010's, and
// half-way (2015, gap 1.5 times) sqrt(1.5) times.
func TestMonthlyRiskWageGap(t *testing.T) {
	v := &model.Victimisation{WageGapElasticity: 0.5,
		WageGap: model.Series{Years: []int{2010, 2020}, Values: []float64{2, 4}}}
	v.MonthlyRisk.Construction = 0.001
	v.OriginRiskRatio = model.ByOrigin{Domestic: 1, Foreign: 2, Abroad: 1}
	law := &model.Law{}
	foreign := model.Stratum{Origin: model.Foreign, Sector: model.Construction}
	domestic := model.Stratum{Origin: model.Domestic, Sector: model.Construction}
	for _, c := range []struct {
		s    model.Stratum
		year float64
		want float64
	}{
		{foreign, 2010, 0.002},
		{foreign, 2015, 0.002 * math.Sqrt(1.5)},
		{foreign, 2020, 0.002 * math.Sqrt2},
		{foreign, 2030, 0.002 * math.Sqrt2}, // held after the series' last year
		{domestic, 2020, 0.001},
	} {
		if got := model.MonthlyRisk(c.s, c.year, v, law); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%v in %v: risk %v, want %v", c.s.Origin, c.year, got, c.want)
		}
	}
}

func TestStratumIndexRoundTrip(t *testing.T) {
	seen := map[model.Stratum]bool{}
	for i := 0; i < model.NumStrata; i++ {
		s := model.StratumAt(i)
		if s.Index() != i || seen[s] {
			t.Fatalf("stratum %d round-trips to %d, or repeats another", i, s.Index())
		}
		seen[s] = true
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

// TestLawForOffence: an offence that ended under today's article 128 is
// qualified, after a Palermo-aligned article came into force, on the old
// definition, which is harder to prove (non-retroactivity); one that ended
// under a Palermo article is qualified on today's definition only where
// today's is harder to prove, which it always is here (lex mitior). The rest
// of the law is the law in force now either way.
func TestLawForOffence(t *testing.T) {
	q := &model.Qualification{TransactionEvidence: model.ByForm{Labour: 0.2, Sexual: 0.5}, MeansEvidence: model.ByForm{Labour: 0.5, Sexual: 0.7}, LabourImplicitRatio: 0.5}
	pt := &model.PreTrial{EvidenceMonthly: model.ByForm{Labour: 0.03, Sexual: 0.02}, EvidenceRatioNoTransaction: 0.7, EvidenceRatioLabourImplicit: 1.5}
	today := &model.Law{RequiresTransaction: true, RequiresExploitationFact: true, ProsecuteComplicit: false}
	palermo := &model.Law{LabourExplicit: true, ProsecuteComplicit: true, TemporaryResidence: true}
	sexual := model.CaseFacts{Form: model.Sexual, Exploited: true}
	for _, c := range []struct {
		name      string
		then, now *model.Law
		want      model.Definition
	}{
		{"same law", palermo, palermo, palermo.Definition()},
		{"offence before a Palermo article", today, palermo, today.Definition()},
		{"offence under a Palermo article, judged after a return to today's", palermo, today, today.Definition()},
	} {
		got := model.LawForOffence(sexual, c.then, c.now, q)
		if got.Definition() != c.want || got.ProsecuteComplicit != c.now.ProsecuteComplicit || got.TemporaryResidence != c.now.TemporaryResidence {
			t.Errorf("%s: law %+v, want the definition %+v with the rest of %+v", c.name, got, c.want, *c.now)
		}
		if p := model.ElementsProvable(sexual, &got, q); p > model.ElementsProvable(sexual, c.now, q) || p > model.ElementsProvable(sexual, c.then, q) {
			t.Errorf("%s: elements provable with probability %g, not the lower of then's and now's", c.name, p)
		}
		cl := model.LawForCase(model.Labour, c.then, c.now, pt)
		if cl.Definition() != c.want || cl.ProsecuteComplicit != c.now.ProsecuteComplicit {
			t.Errorf("%s: case law %+v, want the definition %+v with the rest of %+v", c.name, cl, c.want, *c.now)
		}
		if h := model.EvidenceHazard(model.Labour, &cl, pt); h < model.EvidenceHazard(model.Labour, c.then, pt) || h < model.EvidenceHazard(model.Labour, c.now, pt) {
			t.Errorf("%s: evidence hazard %g, not the higher of then's and now's", c.name, h)
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

// TestQualifyByHand checks every outcome probability of Qualify against the
// rule of docs/model.md 2.12, worked out by hand: corruption first (times
// police.complicit_corruption_ratio for a complicit site, capped at 1), then
// abuse of power (complicit site, complicity not prosecuted) on the rest,
// then article 128 with probability ElementsProvable * skill * plan factor on
// what is left, then prostitution (sexual) or other article (otherwise) on
// what is left, and refusal takes the remainder.
func TestQualifyByHand(t *testing.T) {
	pol := &model.Police{Skill: 0.6, ComplicitCorruptionRatio: 2.5, ComplicitAbuseOfPower: 0.7}
	q := &model.Qualification{TransactionEvidence: model.ByForm{Labour: 0.2, Sexual: 0.5, Other: 0.3},
		MeansEvidence:       model.ByForm{Labour: 0.4, Sexual: 0.7, Other: 0.5},
		ProstitutionReclass: 0.6, OtherReclass: 0.3, LabourImplicitRatio: 0.6}
	today := &model.Law{RequiresTransaction: true, RequiresExploitationFact: true}
	prosecuted := &model.Law{RequiresTransaction: true, RequiresExploitationFact: true, ProsecuteComplicit: true}
	palermo := &model.Law{LabourExplicit: true}
	for _, c := range []struct {
		name string
		f    model.CaseFacts
		law  *model.Law
		want model.QualificationProbs
	}{
		// corrupt 0.2; rest 0.8; reg = 0.5 (transaction, sexual) * 0.6 * 1 = 0.3:
		// art128 = 0.8*0.3 = 0.24; rest 0.56; prostitution 0.56*0.6 = 0.336; refused 0.56*0.4 = 0.224.
		{"sexual, today", model.CaseFacts{Form: model.Sexual, Exploited: true, Corruption: 0.2, PlanFactor: 1}, today,
			model.QualificationProbs{Corrupt: 0.2, Art128: 0.24, Prostitution: 0.336, Refused: 0.224}},
		// corrupt 0.3*2.5 = 0.75; rest 0.25; abuse 0.25*0.7 = 0.175; rest 0.075;
		// reg = 0.2*0.6 (labour not named) * 0.6 * 0.5 = 0.036: art128 = 0.075*0.036 = 0.0027;
		// rest 0.0723; other 0.0723*0.3 = 0.02169; refused 0.0723*0.7 = 0.05061.
		{"labour, complicit, over plan", model.CaseFacts{Form: model.Labour, Exploited: true, Complicit: true, Corruption: 0.3, PlanFactor: 0.5}, today,
			model.QualificationProbs{Corrupt: 0.75, AbuseOfPower: 0.175, Art128: 0.0027, OtherArticle: 0.02169, Refused: 0.05061}},
		// not exploited: nothing provable today; corrupt 0.1; other 0.9*0.3 = 0.27; refused 0.63.
		{"other, not exploited", model.CaseFacts{Form: model.OtherForm, Corruption: 0.1, PlanFactor: 1}, today,
			model.QualificationProbs{Corrupt: 0.1, OtherArticle: 0.27, Refused: 0.63}},
		// 0.5*2.5 = 1.25 capped at 1: nothing else can happen.
		{"complicit, corruption capped", model.CaseFacts{Form: model.Sexual, Exploited: true, Complicit: true, Corruption: 0.5, PlanFactor: 1}, today,
			model.QualificationProbs{Corrupt: 1}},
		// complicity prosecuted: no abuse of power; corrupt 0.2*2.5 = 0.5; rest 0.5;
		// art128 0.5*0.3 = 0.15; rest 0.35; prostitution 0.21; refused 0.14.
		{"complicit, prosecuted", model.CaseFacts{Form: model.Sexual, Exploited: true, Complicit: true, Corruption: 0.2, PlanFactor: 1}, prosecuted,
			model.QualificationProbs{Corrupt: 0.5, Art128: 0.15, Prostitution: 0.21, Refused: 0.14}},
		// Palermo: means evidence 0.7, no fact of exploitation needed; reg = 0.7*0.6 = 0.42;
		// art128 0.42; rest 0.58; prostitution 0.348; refused 0.232.
		{"sexual, palermo, before exploitation", model.CaseFacts{Form: model.Sexual, PlanFactor: 1}, palermo,
			model.QualificationProbs{Art128: 0.42, Prostitution: 0.348, Refused: 0.232}},
		// Palermo, labour named: reg = 0.4*0.6 = 0.24; corrupt 0.1; art128 0.9*0.24 = 0.216;
		// rest 0.684; other 0.2052; refused 0.4788.
		{"labour, palermo", model.CaseFacts{Form: model.Labour, Exploited: true, Corruption: 0.1, PlanFactor: 1}, palermo,
			model.QualificationProbs{Corrupt: 0.1, Art128: 0.216, OtherArticle: 0.2052, Refused: 0.4788}},
	} {
		got := model.Qualify(c.f, c.law, pol, q)
		for _, f := range []struct {
			name      string
			got, want float64
		}{{"corrupt", got.Corrupt, c.want.Corrupt}, {"abuse of power", got.AbuseOfPower, c.want.AbuseOfPower},
			{"article 128", got.Art128, c.want.Art128}, {"prostitution", got.Prostitution, c.want.Prostitution},
			{"other article", got.OtherArticle, c.want.OtherArticle}, {"refused", got.Refused, c.want.Refused}} {
			if math.Abs(f.got-f.want) > 1e-12 {
				t.Errorf("%s: %s probability %g, want %g", c.name, f.name, f.got, f.want)
			}
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

// ExampleLawForOffence: an exploitation that ended under today's article 128
// and is reported after a Palermo-aligned article came into force is
// qualified on today's definition, which is harder to prove; the rest of the
// law (here, temporary residence for foreign victims) is the one in force.
func ExampleLawForOffence() {
	q := &model.Qualification{TransactionEvidence: model.ByForm{Sexual: 0.5}, MeansEvidence: model.ByForm{Sexual: 0.7}}
	today := &model.Law{RequiresTransaction: true, RequiresExploitationFact: true}
	palermo := &model.Law{LabourExplicit: true, TemporaryResidence: true}
	f := model.CaseFacts{Form: model.Sexual, Exploited: true}
	law := model.LawForOffence(f, today, palermo, q)
	fmt.Println(law.RequiresTransaction, law.TemporaryResidence, model.ElementsProvable(f, &law, q))
	// Output: true true 0.5
}

// ExampleOnlineRecruitmentFactor: with a fifth of citizens' recruitment
// online in 2016, the risk of a Kazakhstani citizen in 2010 and from 2018,
// relative to 2016.
func ExampleOnlineRecruitmentFactor() {
	v := &model.Victimisation{OnlineRecruitmentShare: 0.2,
		InternetPenetration: model.Series{Years: []int{2000, 2016, 2018}, Values: []float64{0.47, 55.8, 76.4}}}
	for _, y := range []float64{2010, 2016, 2018} {
		fmt.Printf("%.0f: %.3f\n", y, model.OnlineRecruitmentFactor(model.Domestic, y, v))
	}
	// Output:
	// 2010: 0.926
	// 2016: 1.000
	// 2018: 1.074
}
