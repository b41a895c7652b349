// Code generated from sim.MeasureNames by hand-run script; keep in step with sim/measures.go.
// TestYearlyColumns checks that the columns match sim.MeasureNames.

package output

import "htsim/sim"

// YearlyRow is one row of OUT/yearly: one scenario, replicate, year and
// (origin, form, sex, age) cell, with every measure as an int64 count.
// docs/outputs.md gives the exact meaning of each column.
type YearlyRow struct {
	Scenario                 string `parquet:"scenario,dict"`
	Replicate                int32  `parquet:"replicate"`
	Year                     int32  `parquet:"year"`
	Origin                   string `parquet:"origin,dict"`
	Form                     string `parquet:"form,dict"`
	Sex                      string `parquet:"sex,dict"`
	Age                      string `parquet:"age,dict"`
	TrueNewVictims           int64  `parquet:"true_new_victims"`
	TrueVictimsStock         int64  `parquet:"true_victims_stock"`
	Contacted                int64  `parquet:"contacted"`
	IdentifiedOfficial       int64  `parquet:"identified_official"`
	Reported                 int64  `parquet:"reported"`
	RegisteredArt128         int64  `parquet:"registered_art128"`
	ReclassifiedMigration    int64  `parquet:"reclassified_migration"`
	ReclassifiedProstitution int64  `parquet:"reclassified_prostitution"`
	ReclassifiedOther        int64  `parquet:"reclassified_other"`
	Refused                  int64  `parquet:"refused"`
	ClosedCorruption         int64  `parquet:"closed_corruption"`
	ClosedReconciliation     int64  `parquet:"closed_reconciliation"`
	ClosedEvidence           int64  `parquet:"closed_evidence"`
	ClosedVictimLeft         int64  `parquet:"closed_victim_left"`
	ToCourt                  int64  `parquet:"to_court"`
	Convicted                int64  `parquet:"convicted"`
	Acquitted                int64  `parquet:"acquitted"`
	NGOAssisted              int64  `parquet:"ngo_assisted"`
	IOMAssisted              int64  `parquet:"iom_assisted"`
	HotlineContacts          int64  `parquet:"hotline_contacts"`
	StateShelter             int64  `parquet:"state_shelter"`
	Deported                 int64  `parquet:"deported"`
	Retrafficked             int64  `parquet:"retrafficked"`
	ExitedUncontacted        int64  `parquet:"exited_uncontacted"`
	Died                     int64  `parquet:"died"`
	CasesRegisteredArt128    int64  `parquet:"cases_registered_art128"`
	CasesToCourt             int64  `parquet:"cases_to_court"`
	CasesConvicted           int64  `parquet:"cases_convicted"`
	OffendersConvicted       int64  `parquet:"offenders_convicted"`
	ConditionalSentences     int64  `parquet:"conditional_sentences"`
	Compensated              int64  `parquet:"compensated"`
}

// setCounts copies a cell's counts into the row.
func (r *YearlyRow) setCounts(c *[sim.NumMeasures]int64) {
	r.TrueNewVictims = c[sim.Measure(0)]
	r.TrueVictimsStock = c[sim.Measure(1)]
	r.Contacted = c[sim.Measure(2)]
	r.IdentifiedOfficial = c[sim.Measure(3)]
	r.Reported = c[sim.Measure(4)]
	r.RegisteredArt128 = c[sim.Measure(5)]
	r.ReclassifiedMigration = c[sim.Measure(6)]
	r.ReclassifiedProstitution = c[sim.Measure(7)]
	r.ReclassifiedOther = c[sim.Measure(8)]
	r.Refused = c[sim.Measure(9)]
	r.ClosedCorruption = c[sim.Measure(10)]
	r.ClosedReconciliation = c[sim.Measure(11)]
	r.ClosedEvidence = c[sim.Measure(12)]
	r.ClosedVictimLeft = c[sim.Measure(13)]
	r.ToCourt = c[sim.Measure(14)]
	r.Convicted = c[sim.Measure(15)]
	r.Acquitted = c[sim.Measure(16)]
	r.NGOAssisted = c[sim.Measure(17)]
	r.IOMAssisted = c[sim.Measure(18)]
	r.HotlineContacts = c[sim.Measure(19)]
	r.StateShelter = c[sim.Measure(20)]
	r.Deported = c[sim.Measure(21)]
	r.Retrafficked = c[sim.Measure(22)]
	r.ExitedUncontacted = c[sim.Measure(23)]
	r.Died = c[sim.Measure(24)]
	r.CasesRegisteredArt128 = c[sim.Measure(25)]
	r.CasesToCourt = c[sim.Measure(26)]
	r.CasesConvicted = c[sim.Measure(27)]
	r.OffendersConvicted = c[sim.Measure(28)]
	r.ConditionalSentences = c[sim.Measure(29)]
	r.Compensated = c[sim.Measure(30)]
}

// Counts returns the row's counts indexed by sim.Measure.
func (r *YearlyRow) Counts() (c [sim.NumMeasures]int64) {
	c[0] = r.TrueNewVictims
	c[1] = r.TrueVictimsStock
	c[2] = r.Contacted
	c[3] = r.IdentifiedOfficial
	c[4] = r.Reported
	c[5] = r.RegisteredArt128
	c[6] = r.ReclassifiedMigration
	c[7] = r.ReclassifiedProstitution
	c[8] = r.ReclassifiedOther
	c[9] = r.Refused
	c[10] = r.ClosedCorruption
	c[11] = r.ClosedReconciliation
	c[12] = r.ClosedEvidence
	c[13] = r.ClosedVictimLeft
	c[14] = r.ToCourt
	c[15] = r.Convicted
	c[16] = r.Acquitted
	c[17] = r.NGOAssisted
	c[18] = r.IOMAssisted
	c[19] = r.HotlineContacts
	c[20] = r.StateShelter
	c[21] = r.Deported
	c[22] = r.Retrafficked
	c[23] = r.ExitedUncontacted
	c[24] = r.Died
	c[25] = r.CasesRegisteredArt128
	c[26] = r.CasesToCourt
	c[27] = r.CasesConvicted
	c[28] = r.OffendersConvicted
	c[29] = r.ConditionalSentences
	c[30] = r.Compensated
	return c
}
