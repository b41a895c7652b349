package sim

import "htsim/model"

// Measure is one yearly count in the output tables. The exact meaning of each
// is documented in docs/outputs.md; the order here is the column order.
type Measure int

// Measures. Victim counts count a victim (one spell) once per stage, in the
// year the stage was reached; case counts count criminal cases and offenders.
const (
	TrueNewVictims Measure = iota
	TrueVictimsStock
	Contacted
	IdentifiedOfficial
	Reported
	RegisteredArt128
	ReclassifiedMigration
	ReclassifiedProstitution
	ReclassifiedOther
	RefusedRegistration
	ClosedCorruption
	ClosedReconciliation
	ClosedEvidence
	ClosedVictimLeft
	ToCourt
	Convicted
	Acquitted
	NGOAssisted
	IOMAssisted
	NGOReferredPolice
	HotlineContacts
	StateShelter
	Deported
	Retrafficked
	ExitedUncontacted
	DiedInExploitation
	CasesRegisteredArt128
	CasesToCourt
	CasesConvicted
	OffendersConvicted
	ConditionalSentences
	Compensated
	NumMeasures
)

// MeasureNames are the Parquet column names of the measures, in order.
var MeasureNames = [NumMeasures]string{
	"true_new_victims", "true_victims_stock", "contacted", "identified_official", "reported",
	"registered_art128", "reclassified_migration", "reclassified_prostitution", "reclassified_other",
	"refused", "closed_corruption", "closed_reconciliation", "closed_evidence", "closed_victim_left",
	"to_court", "convicted", "acquitted", "ngo_assisted", "iom_assisted", "ngo_referred_police", "hotline_contacts",
	"state_shelter", "deported", "retrafficked", "exited_uncontacted", "died",
	"cases_registered_art128", "cases_to_court", "cases_convicted", "offenders_convicted",
	"conditional_sentences", "compensated",
}

// String returns the measure's column name (MeasureNames).
func (m Measure) String() string { return MeasureNames[m] }

// CellsPerYear is the number of (origin, form, sex, age) cells in one year.
const CellsPerYear = int(model.NumOrigins) * int(model.NumForms) * int(model.NumSexes) * int(model.NumAges)

// Cell identifies one (origin, form, sex, age) cell of the yearly table.
type Cell struct {
	Origin model.Origin
	Form   model.Form
	Sex    model.Sex
	Age    model.Age
}

// Index returns the cell's position within a year.
func (c Cell) Index() int {
	return ((int(c.Origin)*int(model.NumForms)+int(c.Form))*int(model.NumSexes)+int(c.Sex))*int(model.NumAges) + int(c.Age)
}

// CellAt is the inverse of Cell.Index.
func CellAt(i int) Cell {
	age := model.Age(i % int(model.NumAges))
	i /= int(model.NumAges)
	sex := model.Sex(i % int(model.NumSexes))
	i /= int(model.NumSexes)
	form := model.Form(i % int(model.NumForms))
	return Cell{Origin: model.Origin(i / int(model.NumForms)), Form: form, Sex: sex, Age: age}
}

func cellOf(s model.Stratum) int {
	return Cell{Origin: s.Origin, Form: s.Form(), Sex: s.Sex, Age: s.Age}.Index()
}

// Counts is a replicate's yearly table: Counts[(year-firstYear)*CellsPerYear+cell][measure].
type Counts [][NumMeasures]int64

// At returns the counts of one year and cell.
func (c Counts) At(yearIndex int, cell int) *[NumMeasures]int64 {
	return &c[yearIndex*CellsPerYear+cell]
}
