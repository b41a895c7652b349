package model

import (
	"math"

	"htsim/internal/detmath"
)

// Gravity is the gravity class of an intentional offence, which Kazakhstan's
// Criminal Code derives from the maximum sentence (CC 2014, art. 11).
type Gravity uint8

// Gravity classes.
const (
	SmallGravity    Gravity = iota // maximum sentence up to 2 years
	MediumGravity                  // up to 5 years
	Grave                          // up to 12 years
	EspeciallyGrave                // more than 12 years
)

var gravityNames = [...]string{"small", "medium", "grave", "especially_grave"}

// String returns the Gravity's name, as scenario files and output tables write it.
func (g Gravity) String() string { return gravityNames[g] }

// GravityOf derives the gravity class from the maximum term of imprisonment in years.
func GravityOf(maxYears float64) Gravity {
	switch {
	case maxYears <= 2:
		return SmallGravity
	case maxYears <= 5:
		return MediumGravity
	case maxYears <= 12:
		return Grave
	default:
		return EspeciallyGrave
	}
}

// ReconciliationAllowed reports whether release on reconciliation of parties is
// possible for an offence of this gravity (CC art. 68: small and medium gravity only;
// KZ study section 2.1, Respondent #8).
func ReconciliationAllowed(g Gravity) bool { return g <= MediumGravity }

// Stratum identifies a group of people at risk who share every attribute the
// victimisation risk depends on.
type Stratum struct {
	Origin Origin
	Sex    Sex
	Age    Age
	Sector Sector
	Doc    Documentation
}

// NumStrata is the number of distinct strata.
const NumStrata = int(NumOrigins) * int(NumSexes) * int(NumAges) * int(NumSectors) * int(NumDocumentations)

// Index returns the stratum's position in 0..NumStrata-1.
func (s Stratum) Index() int {
	i := int(s.Origin)
	i = i*int(NumSexes) + int(s.Sex)
	i = i*int(NumAges) + int(s.Age)
	i = i*int(NumSectors) + int(s.Sector)
	return i*int(NumDocumentations) + int(s.Doc)
}

// StratumAt is the inverse of Stratum.Index.
func StratumAt(i int) Stratum {
	var s Stratum
	s.Doc = Documentation(i % int(NumDocumentations))
	i /= int(NumDocumentations)
	s.Sector = Sector(i % int(NumSectors))
	i /= int(NumSectors)
	s.Age = Age(i % int(NumAges))
	i /= int(NumAges)
	s.Sex = Sex(i % int(NumSexes))
	return Stratum{Origin: Origin(i / int(NumSexes)), Sex: s.Sex, Age: s.Age, Sector: s.Sector, Doc: s.Doc}
}

// Form returns the stratum's form of exploitation.
func (s Stratum) Form() Form { return FormOf(s.Sector) }

// PopulationAt returns the number of people at risk in stratum s in a
// (fractional) year: the stream's stock times its scale, split by sex, age,
// documentation and sector shares.
func PopulationAt(s Stratum, year float64, p *Population) float64 {
	var total float64
	switch s.Origin {
	case Domestic:
		total = p.InternalMigrants.At(year)
	case Foreign:
		total = p.ForeignMigrants.At(year)
	case Abroad:
		total = p.AbroadWorkers.At(year)
	}
	total *= p.Scale.Of(s.Origin)
	female := p.FemaleShare.Of(s.Origin)
	if s.Sex == Female {
		total *= female
	} else {
		total *= 1 - female
	}
	minor := p.MinorShare.Of(s.Origin)
	if s.Age == Minor {
		total *= minor
	} else {
		total *= 1 - minor
	}
	undoc := p.UndocumentedShare.Of(s.Origin)
	if s.Doc == Undocumented {
		total *= undoc
	} else {
		total *= 1 - undoc
	}
	weights := &p.SectorMen
	if s.Sex == Female {
		weights = &p.SectorWomen
	}
	sum := 0.0
	for k := Sector(0); k < NumSectors; k++ {
		sum += weights.Of(k)
	}
	if sum == 0 {
		return 0
	}
	return total * weights.Of(s.Sector) / sum
}

// DeterrenceFactor is the multiplier on the victimisation risk that comes from
// the minimum sentence in force: each year above the reference minimum removes
// a share DeterrenceElasticity of the remaining risk (an assumption; the size
// of the effect is uncertain and drawn per replicate).
func DeterrenceFactor(law *Law, v *Victimisation) float64 {
	extra := law.Art128MinYears - v.ReferenceMinSentenceYears
	if extra <= 0 {
		return 1
	}
	return detmath.Pow(1-v.DeterrenceElasticity, extra)
}

// MonthlyRisk returns the probability that one person of stratum s becomes a
// victim in a month of the given (fractional) year. It is capped at 1.
func MonthlyRisk(s Stratum, year float64, v *Victimisation, law *Law) float64 {
	r := v.MonthlyRisk.Of(s.Sector) * v.OriginRiskRatio.Of(s.Origin)
	if s.Doc == Undocumented {
		r *= v.UndocumentedRiskRatio
	}
	if s.Age == Minor {
		r *= v.MinorRiskRatio
	}
	if s.Origin == Foreign && len(v.WageGap.Years) > 0 {
		base := v.WageGap.At(2010)
		if base > 0 {
			r *= detmath.Pow(v.WageGap.At(year)/base, v.WageGapElasticity)
		}
	}
	r *= OnlineRecruitmentFactor(s.Origin, year, v)
	r *= DeterrenceFactor(law, v)
	return math.Min(r, 1)
}

// OnlineReferenceYear is the year in which the victimisation risks are set
// for Kazakhstani citizens as far as online recruitment goes: inside
// 2015-2020, the years whose official and NGO figures the hand-set risks were
// chosen to reach (docs/model.md, "Values set by hand"), and the first of
// the two recent years the KZ study gives internet penetration for (2016
// and 2018).
const OnlineReferenceYear = 2016

// OnlineRecruitmentFactor is how much the spread of the internet multiplies
// the victimisation risk of Kazakhstani citizens relative to 2016 (MODEL.md,
// Agents and flows 1; KZ study 3.1: recruitment through social networks,
// internet penetration 55.8% in 2016 and 76.4% in 2018). The share of
// recruitment made online in 2016 scales with penetration; the rest stays as
// it was: below 1 before 2016, above it after. Foreign migrants are recruited
// in their own countries, where Kazakhstan's penetration says nothing: 1 for
// them.
func OnlineRecruitmentFactor(o Origin, year float64, v *Victimisation) float64 {
	if o == Foreign || len(v.InternetPenetration.Years) == 0 {
		return 1
	}
	base := v.InternetPenetration.At(OnlineReferenceYear)
	if !(base > 0) {
		return 1
	}
	share := v.OnlineRecruitmentShare
	return (1 - share) + float64(share*float64(v.InternetPenetration.At(year)/base))
}

// HazardForMean converts a mean duration in months into the monthly hazard of
// a geometric waiting time with that mean (at least one month).
func HazardForMean(months float64) float64 {
	if months <= 1 {
		return 1
	}
	return 1 / months
}

// Victimhood is what the rules need to know about a victim.
type Victimhood struct {
	Origin       Origin
	Sex          Sex
	Age          Age
	Form         Form
	Doc          Documentation
	Exploited    bool // exploitation had started when contact came (false: intercepted in recruitment)
	NGOSupported bool // an NGO accompanies the victim
}

// AcceptanceProb is the probability that a victim accepts the status of
// trafficking victim once someone recognises it (KZ study 2.1: labour-exploited
// men "prefer to keep silence"; sexual-exploitation victims fear blame).
func AcceptanceProb(v Victimhood, c *VictimConduct) float64 {
	p := c.AcceptsStatus.Of(v.Form)
	if v.Form == Labour && v.Sex == Male {
		p *= c.MaleLabourAcceptanceRatio
	}
	return math.Min(p, 1)
}

// ShelterEligible reports whether the law lets the state fund a shelter place
// for the victim (Standard on special social services, art. 5; KZ study 1.1 and 2.4).
// registered: the case is registered under article 128; reported: the victim gave a statement.
func ShelterEligible(v Victimhood, law *Law, registered, reported, passesGrading bool) bool {
	if v.Origin == Foreign && !law.ForeignShelterEligible {
		return false
	}
	if law.ShelterRequiresRegistration && !registered {
		return false
	}
	if law.ShelterRequiresCooperation && !reported {
		return false
	}
	if law.AbuseGradingCriteria && !passesGrading {
		return false
	}
	return true
}

// ReportProb is the probability that an identified victim gives a statement to
// police (MODEL.md step 4). Odds multiply: fear of deportation, a lost season,
// stigma and distrust lower them; a shelter place, NGO support and the
// compensation a victim can expect raise them.
func ReportProb(v Victimhood, c *VictimConduct, law *Law, regionCorruption float64, shelterOpen bool, compensationMRP float64) float64 {
	odds := c.ReportOdds
	if v.Origin == Foreign {
		odds *= c.SeasonLossOR
		if v.Doc == Undocumented && !law.TemporaryResidence {
			odds *= c.DeportationFearOR
		}
	}
	if v.Form == Sexual {
		odds *= c.StigmaOR
	}
	if shelterOpen {
		odds *= c.ShelterOR
	}
	if v.NGOSupported {
		odds *= c.NGOSupportOR
	}
	odds *= detmath.Pow(c.DistrustPerCorruption, regionCorruption/ReferenceCorruption)
	// Expected compensation: factor 1 at today's fund, 0.5^e with no fund, (1+k)/2 ^ e at k times today's.
	// The product is rounded before 1 + odds (an explicit conversion), so
	// that no compiler fuses the two: the same result on every machine
	// (see internal/detmath). The same holds for every float64(...) around
	// a product below.
	odds = float64(odds * detmath.Pow((compensationMRP+ReferenceCompensationMRP)/(2*ReferenceCompensationMRP), c.CompensationElasticity))
	return odds / (1 + odds)
}

// ReferenceCompensationMRP is the Victims Compensation Fund's payment in 2020
// (40 monthly calculation indices): the level at which ReportOdds applies.
const ReferenceCompensationMRP = 40

// Definition is the part of the law that defines trafficking: the elements
// an investigator must prove. A change to it is a change of substantive
// criminal law, which the time of the offence governs (see LawForOffence).
type Definition struct {
	RequiresTransaction, RequiresExploitationFact, LabourExplicit bool
}

// Definition returns the law's definition of trafficking.
func (l *Law) Definition() Definition {
	return Definition{l.RequiresTransaction, l.RequiresExploitationFact, l.LabourExplicit}
}

// WithDefinition returns a copy of the law with definition d.
func (l Law) WithDefinition(d Definition) Law {
	l.RequiresTransaction, l.RequiresExploitationFact, l.LabourExplicit = d.RequiresTransaction, d.RequiresExploitationFact, d.LabourExplicit
	return l
}

// LawForOffence is the law an investigator qualifies an offence under: the
// law in force now, with the definition of trafficking in force when the
// offence ended (then) if that one is harder to prove on these facts. A law
// that establishes or aggravates criminal liability has no retroactive
// force, and one that mitigates it does (non-retroactivity and lex mitior,
// Constitution and Criminal Code), so the accused gets the more lenient of
// the two definitions. Exploitation is a continuing offence: for a victim still
// exploited, it ends now. Procedure, shelters and residence are today's.
func LawForOffence(f CaseFacts, then, now *Law, q *Qualification) Law {
	if then.Definition() != now.Definition() && ElementsProvable(f, then, q) < ElementsProvable(f, now, q) {
		return now.WithDefinition(then.Definition())
	}
	return *now
}

// LawForCase is the law a pending case of form f is investigated under: the
// law in force now, with the definition in force when the case opened (then)
// if evidence for its elements is lost faster, for the reason given in
// LawForOffence (the opening month stands for the offence's).
func LawForCase(f Form, then, now *Law, pt *PreTrial) Law {
	if then.Definition() != now.Definition() && EvidenceHazard(f, then, pt) > EvidenceHazard(f, now, pt) {
		return now.WithDefinition(then.Definition())
	}
	return *now
}

// EvidenceHazard is the monthly hazard that a registered case is terminated for
// lack of evidence (MODEL.md step 6). The law in force sets what must be proved:
// without a transaction to prove, and with labour exploitation named, less
// evidence is lost.
func EvidenceHazard(form Form, law *Law, pt *PreTrial) float64 {
	h := pt.EvidenceMonthly.Of(form)
	if !law.RequiresTransaction {
		h *= pt.EvidenceRatioNoTransaction
	}
	if form == Labour && !law.LabourExplicit {
		h *= pt.EvidenceRatioLabourImplicit
	}
	return math.Min(h, 1)
}

// ReferenceCorruption is the regional corruption level (police.corruption) at
// which pretrial.corruption_monthly and victims.distrust_per_corruption are
// stated; other levels scale them (proportionally, and as a power).
const ReferenceCorruption = 0.1

// PreTrialHazards are the monthly hazards of an open investigation, applied in
// this order to one uniform draw (MODEL.md step 6).
type PreTrialHazards struct {
	Corrupt   float64 // closed by corruption
	Reconcile float64 // closed by reconciliation of the parties, where the law allows it
	Evidence  float64 // terminated for lack of evidence
	Complete  float64 // completed and sent to court
}

// PreTrialMonthly returns the hazards of an investigation of the given form
// in a region with the given corruption, when the region's investigators can
// give it a share speed in (0, 1] of the work it needs (capacity over open
// cases): completion slows in proportion and evidence is lost faster.
func PreTrialMonthly(form Form, corruption, speed float64, reconciliationAllowed bool, law *Law, pt *PreTrial) PreTrialHazards {
	h := PreTrialHazards{
		Corrupt:  pt.CorruptionMonthly * corruption / ReferenceCorruption,
		Evidence: EvidenceHazard(form, law, pt) * (1 + float64(pt.BacklogEvidenceLoss*(1-speed))),
		Complete: pt.CompletionMonthly * speed,
	}
	if reconciliationAllowed {
		h.Reconcile = pt.ReconciliationMonthly
	}
	return h
}

// CaseFacts is what the investigator's qualification rule looks at.
type CaseFacts struct {
	Form       Form
	Exploited  bool // exploitation had started for at least one victim
	Complicit  bool // the site belongs to an official or a police relative
	Corruption float64
	PlanFactor float64 // registration pressure factor in (0,1]: 1 when under plan
}

// Qualification outcome probabilities, in the order the rule applies them.
type QualificationProbs struct {
	Corrupt      float64 // closed by corruption
	AbuseOfPower float64 // complicit official reclassified as abuse of power
	Art128       float64 // registered under article 128/135
	Prostitution float64
	OtherArticle float64
	Refused      float64
}

// ElementsProvable returns the probability that the elements the law demands
// can be proved for a case (KZ study 1.1 and 1.4: today's article 128 demands a
// transaction and the fact of exploitation; the Palermo definition demands act,
// means and purpose).
func ElementsProvable(f CaseFacts, law *Law, q *Qualification) float64 {
	if law.RequiresExploitationFact && !f.Exploited {
		return 0 // "no fact of exploitation" (KZ study 2.3, Respondent #12)
	}
	var p float64
	if law.RequiresTransaction {
		p = q.TransactionEvidence.Of(f.Form)
	} else {
		p = q.MeansEvidence.Of(f.Form)
	}
	if f.Form == Labour && !law.LabourExplicit {
		p *= q.LabourImplicitRatio // "labour exploitation is often impossible to prove" (KZ study 2.3, case 7)
	}
	return math.Min(p, 1)
}

// Qualify returns the probabilities of each qualification of a reported case
// (MODEL.md step 5). They sum to 1. Whether an unregistered foreign
// undocumented victim is then removed as a migration offender is decided per
// victim with Qualification.MigrationReclass.
func Qualify(f CaseFacts, law *Law, pol *Police, q *Qualification) QualificationProbs {
	var out QualificationProbs
	corrupt := f.Corruption
	if f.Complicit {
		corrupt = math.Min(1, corrupt*pol.ComplicitCorruptionRatio)
	}
	out.Corrupt = corrupt
	rest := 1 - corrupt
	if f.Complicit && !law.ProsecuteComplicit {
		out.AbuseOfPower = float64(rest * pol.ComplicitAbuseOfPower)
		rest -= out.AbuseOfPower
	}
	reg := ElementsProvable(f, law, q) * pol.Skill * f.PlanFactor
	out.Art128 = float64(rest * reg)
	rest -= out.Art128
	if f.Form == Sexual {
		out.Prostitution = float64(rest * q.ProstitutionReclass)
		rest -= out.Prostitution
	} else {
		out.OtherArticle = float64(rest * q.OtherReclass)
		rest -= out.OtherArticle
	}
	out.Refused = rest
	return out
}

// PlanFactor is the registration pressure of "planned detection numbers"
// (KZ study 2.4, item 1): registrations slow once a unit passes last year's count.
func PlanFactor(registeredThisYear, lastYear int, pressure float64) float64 {
	plan := math.Max(float64(lastYear), 1)
	excess := float64(registeredThisYear) - plan
	if excess <= 0 {
		return 1
	}
	return 1 / (1 + pressure*excess/plan)
}
