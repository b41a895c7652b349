package model

// Params is every parameter of one replicate, resolved to a single value.
// The scenario file gives each of them a value or a distribution and a source;
// package scenarios draws one value per replicate and fills this struct.
//
// Field tags: `yaml` is the key in scenario files; `kind` is the domain the
// value must lie in (see Kind). Units are in the names or the doc comments.
// A monthly hazard is the probability that the event happens in a given month.
type Params struct {
	Population    Population    `yaml:"population"`
	Victimisation Victimisation `yaml:"victimisation"`
	Exploitation  Exploitation  `yaml:"exploitation"`
	Contact       Contact       `yaml:"contact"`
	Police        Police        `yaml:"police"`
	Victims       VictimConduct `yaml:"victims"`
	Law           Law           `yaml:"law"`
	Qualification Qualification `yaml:"qualification"`
	PreTrial      PreTrial      `yaml:"pretrial"`
	Court         Court         `yaml:"court"`
	Assistance    Assistance    `yaml:"assistance"`
}

// Series is a yearly series (year -> value), interpolated linearly between
// the given years and held flat before the first and after the last.
type Series struct {
	Years  []int     `json:"years"`
	Values []float64 `json:"values"`
}

// At returns the series' value in a (fractional) year.
func (s Series) At(year float64) float64 {
	n := len(s.Years)
	if n == 0 {
		return 0
	}
	if year <= float64(s.Years[0]) {
		return s.Values[0]
	}
	for i := 1; i < n; i++ {
		if year <= float64(s.Years[i]) {
			y0, y1 := float64(s.Years[i-1]), float64(s.Years[i])
			w := (year - y0) / (y1 - y0)
			return float64(s.Values[i-1]*(1-w)) + float64(s.Values[i]*w) // rounded, never fused: see internal/detmath
		}
	}
	return s.Values[n-1]
}

// BySector holds one value per sector of exploitation.
type BySector struct {
	Agriculture  float64 `yaml:"agriculture"`
	Construction float64 `yaml:"construction"`
	Services     float64 `yaml:"services"`
	CarService   float64 `yaml:"car_service"`
	DomesticWork float64 `yaml:"domestic_work"`
	SexIndustry  float64 `yaml:"sex_industry"`
	Begging      float64 `yaml:"begging"`
}

// Of returns the value for sector s.
func (b *BySector) Of(s Sector) float64 {
	return [...]float64{b.Agriculture, b.Construction, b.Services, b.CarService, b.DomesticWork, b.SexIndustry, b.Begging}[s]
}

// ByOrigin holds one value per origin.
type ByOrigin struct {
	Domestic float64 `yaml:"domestic"`
	Foreign  float64 `yaml:"foreign"`
	Abroad   float64 `yaml:"abroad"`
}

// Of returns the value for origin o.
func (b *ByOrigin) Of(o Origin) float64 {
	return [...]float64{b.Domestic, b.Foreign, b.Abroad}[o]
}

// ByForm holds one value per form of exploitation.
type ByForm struct {
	Labour float64 `yaml:"labour"`
	Sexual float64 `yaml:"sexual"`
	Other  float64 `yaml:"other"`
}

// Of returns the value for form f.
func (b *ByForm) Of(f Form) float64 {
	return [...]float64{b.Labour, b.Sexual, b.Other}[f]
}

// ByRegion holds one value per region.
type ByRegion struct {
	South  float64 `yaml:"south"`
	Almaty float64 `yaml:"almaty"`
	Astana float64 `yaml:"astana"`
	West   float64 `yaml:"west"`
	Rest   float64 `yaml:"rest"`
}

// Of returns the value for region r.
func (b *ByRegion) Of(r Region) float64 {
	return [...]float64{b.South, b.Almaty, b.Astana, b.West, b.Rest}[r]
}

// Population describes the people at risk: three streams, each a stock of
// people present in a month, split into strata.
type Population struct {
	// ForeignMigrants is the number of foreign labour migrants present in Kazakhstan (persons).
	ForeignMigrants Series `yaml:"foreign_migrants" kind:"series"`
	// InternalMigrants is the number of internal migrants away from home (persons).
	InternalMigrants Series `yaml:"internal_migrants" kind:"series"`
	// AbroadWorkers is the number of Kazakhstani citizens working abroad (persons).
	AbroadWorkers Series `yaml:"abroad_workers" kind:"series"`
	// Scale multiplies the three series: their uncertainty as one factor per stream.
	Scale ByOrigin `yaml:"scale" kind:"factor"`
	// FemaleShare is the share of women in each stream.
	FemaleShare ByOrigin `yaml:"female_share" kind:"prob"`
	// MinorShare is the share of minors (under 18) in each stream.
	MinorShare ByOrigin `yaml:"minor_share" kind:"prob"`
	// UndocumentedShare is the share without valid registration or work permit (patent).
	UndocumentedShare ByOrigin `yaml:"undocumented_share" kind:"prob"`
	// SectorMen is the relative weight of each sector in the work of men at risk (normalised to 1).
	SectorMen BySector `yaml:"sector_men" kind:"factor"`
	// SectorWomen is the relative weight of each sector in the work of women at risk (normalised to 1).
	SectorWomen BySector `yaml:"sector_women" kind:"factor"`
	// RegionForeign is the relative weight of each destination region for foreign migrants.
	RegionForeign ByRegion `yaml:"region_foreign" kind:"factor"`
	// RegionInternal is the relative weight of each destination region for internal migrants.
	RegionInternal ByRegion `yaml:"region_internal" kind:"factor"`
	// RegionAbroad is the relative weight of each home region of citizens working abroad.
	RegionAbroad ByRegion `yaml:"region_abroad" kind:"factor"`
}

// Victimisation is the monthly risk that a person at risk becomes a victim.
type Victimisation struct {
	// MonthlyRisk is the base monthly probability that a documented adult working in the sector becomes a victim.
	MonthlyRisk BySector `yaml:"monthly_risk" kind:"prob"`
	// OriginRiskRatio multiplies the risk by stream.
	OriginRiskRatio ByOrigin `yaml:"origin_risk_ratio" kind:"factor"`
	// UndocumentedRiskRatio multiplies the risk of undocumented people.
	UndocumentedRiskRatio float64 `yaml:"undocumented_risk_ratio" kind:"factor"`
	// MinorRiskRatio multiplies the risk of minors.
	MinorRiskRatio float64 `yaml:"minor_risk_ratio" kind:"factor"`
	// WageGapElasticity is how the risk of foreign migrants responds to the wage gap
	// (hypotheses 5 and 7): risk multiplier = (gap(year)/gap(2010))^elasticity.
	WageGapElasticity float64 `yaml:"wage_gap_elasticity" kind:"factor"`
	// WageGap is the ratio of the average Kazakhstani wage to the average wage in the origin countries.
	WageGap Series `yaml:"wage_gap" kind:"series"`
	// OnlineRecruitmentShare is the share of the recruitment of Kazakhstani citizens
	// (internal migrants and citizens recruited abroad) made through the internet and
	// social networks in 2016 (OnlineReferenceYear). That part follows internet
	// penetration, the rest does not: risk multiplier
	// (1 - share) + share * penetration(year)/penetration(2016).
	OnlineRecruitmentShare float64 `yaml:"online_recruitment_share" kind:"prob"`
	// InternetPenetration is the share of Kazakhstan's population using the internet, in percent.
	InternetPenetration Series `yaml:"internet_penetration" kind:"series"`
	// DeterrenceElasticity is the proportional fall in the risk per additional year of the
	// minimum sentence under article 128 part 1 beyond the reference minimum (traffickers' deterrence).
	DeterrenceElasticity float64 `yaml:"deterrence_per_year" kind:"prob"`
	// ReferenceMinSentenceYears is the minimum sentence at which the risk equals MonthlyRisk.
	ReferenceMinSentenceYears float64 `yaml:"reference_min_sentence_years" kind:"years"`
}

// Exploitation describes sites and how exploitation ends.
type Exploitation struct {
	// MeanSiteSize is the mean number of victims a site recruits (a geometric number on 1, 2, ... with this mean).
	MeanSiteSize BySector `yaml:"mean_site_size" kind:"count"`
	// MeanDurationMonths is the mean time in exploitation before escape, release or death.
	MeanDurationMonths BySector `yaml:"mean_duration_months" kind:"months"`
	// DeathShare is the share of exits from exploitation that are deaths.
	DeathShare float64 `yaml:"death_share" kind:"prob"`
	// RetraffickingProb is the probability that a victim who left exploitation is trafficked again.
	RetraffickingProb float64 `yaml:"retrafficking_prob" kind:"prob"`
	// RetraffickingDelayMonths is the mean time between leaving exploitation and re-trafficking.
	RetraffickingDelayMonths float64 `yaml:"retrafficking_delay_months" kind:"months"`
	// ComplicitSiteShare is the share of sites owned by officials or police relatives.
	ComplicitSiteShare BySector `yaml:"complicit_site_share" kind:"prob"`
}

// Contact describes how victims come into contact with institutions.
type Contact struct {
	// ThirdPartyMonthly is the monthly hazard that a third party or the hotline hears of a victim in exploitation.
	ThirdPartyMonthly BySector `yaml:"third_party_monthly" kind:"prob"`
	// ThirdPartyToPolice is the share of third-party alerts that go to police (the rest go to NGOs and the hotline).
	ThirdPartyToPolice float64 `yaml:"third_party_to_police" kind:"prob"`
	// HelpSeekingAtExit is the probability that a victim who escaped or was released seeks help.
	HelpSeekingAtExit ByOrigin `yaml:"help_seeking_at_exit" kind:"prob"`
	// HelpAtExitToPolice is the share of help seekers who turn to police rather than an NGO or hotline.
	HelpAtExitToPolice ByOrigin `yaml:"help_at_exit_to_police" kind:"prob"`
	// Awareness multiplies third-party alerts and help seeking (campaigns, hotline numbers at checkpoints).
	Awareness float64 `yaml:"awareness" kind:"factor"`
	// CheckpointInterception is the probability that a new victim is intercepted in transit, before exploitation.
	CheckpointInterception ByOrigin `yaml:"checkpoint_interception" kind:"prob"`
}

// Police describes the regional police units.
type Police struct {
	// RaidMonthly is the monthly hazard that police inspect or raid a site of the sector.
	RaidMonthly BySector `yaml:"raid_monthly" kind:"prob"`
	// RegionalEffort multiplies the raid hazard in each region.
	RegionalEffort ByRegion `yaml:"regional_effort" kind:"factor"`
	// Investigators is the number of investigators who can work trafficking cases in each region.
	Investigators ByRegion `yaml:"investigators" kind:"count"`
	// CasesPerInvestigator is the number of open trafficking cases one investigator can carry at full speed.
	CasesPerInvestigator float64 `yaml:"cases_per_investigator" kind:"count"`
	// Recognition is the probability that an officer who meets a victim recognises trafficking.
	Recognition ByForm `yaml:"recognition" kind:"prob"`
	// Skill is the probability that an investigator qualifies a case correctly when the law's elements are provable.
	Skill float64 `yaml:"skill" kind:"prob"`
	// Corruption is the probability that a registration is blocked by a bribe, per region.
	Corruption ByRegion `yaml:"corruption" kind:"prob"`
	// ComplicitCorruptionRatio multiplies the corruption probability when the site belongs to an official.
	ComplicitCorruptionRatio float64 `yaml:"complicit_corruption_ratio" kind:"factor"`
	// ComplicitAbuseOfPower is the probability that a case against a complicit official is
	// reclassified as abuse of power (officer fired, not prosecuted for trafficking).
	ComplicitAbuseOfPower float64 `yaml:"complicit_abuse_of_power" kind:"prob"`
	// PlanPressure is how strongly registration falls once a unit exceeds last year's
	// registrations ("planned detection numbers"): factor 1/(1 + pressure*excess/plan).
	PlanPressure float64 `yaml:"plan_pressure" kind:"factor"`
	// ReturnToExploiter is the probability that a victim whose registration is blocked by
	// corruption is brought back to the exploiter (KZ study 2.2, Respondent #2).
	ReturnToExploiter float64 `yaml:"return_to_exploiter" kind:"prob"`
	// DeportUnreported is the probability that a foreign undocumented victim met by police
	// whom the police do not identify as a victim (not recognised, or the status refused)
	// is processed as a migration offender and removed.
	DeportUnreported float64 `yaml:"deport_unreported" kind:"prob"`
}

// VictimConduct describes victims' self-identification and willingness to report.
type VictimConduct struct {
	// AcceptsStatus is the probability that a victim accepts the status of trafficking victim, by form.
	AcceptsStatus ByForm `yaml:"accepts_status" kind:"prob"`
	// MaleLabourAcceptanceRatio multiplies acceptance for men in labour exploitation ("traditionality").
	MaleLabourAcceptanceRatio float64 `yaml:"male_labour_acceptance_ratio" kind:"factor"`
	// ReportOdds is the baseline odds of giving a statement to police once identified.
	ReportOdds float64 `yaml:"report_odds" kind:"factor"`
	// DeportationFearOR is the odds ratio of reporting for foreign undocumented victims.
	DeportationFearOR float64 `yaml:"deportation_fear_or" kind:"factor"`
	// SeasonLossOR is the odds ratio of reporting for foreign victims facing a long process.
	SeasonLossOR float64 `yaml:"season_loss_or" kind:"factor"`
	// StigmaOR is the odds ratio of reporting for victims of sexual exploitation.
	StigmaOR float64 `yaml:"stigma_or" kind:"factor"`
	// ShelterOR is the odds ratio of reporting when a shelter place is open to the victim.
	ShelterOR float64 `yaml:"shelter_or" kind:"factor"`
	// NGOSupportOR is the odds ratio of reporting for victims accompanied by an NGO.
	NGOSupportOR float64 `yaml:"ngo_support_or" kind:"factor"`
	// CompensationElasticity is how reporting odds respond to the compensation a victim can
	// expect: odds are multiplied by ((compensation_mrp + 40) / 80)^elasticity (40 MRP is today's fund).
	CompensationElasticity float64 `yaml:"compensation_elasticity" kind:"factor"`
	// DistrustPerCorruption is the odds ratio of reporting per 0.1 of regional police corruption probability
	// (odds are multiplied by DistrustPerCorruption^(corruption/0.1)).
	DistrustPerCorruption float64 `yaml:"distrust_per_corruption" kind:"factor"`
}

// Law is the law in force: the definition of article 128, its sentence range,
// and the eligibility rules for help. Policies change these.
type Law struct {
	// RequiresTransaction: the investigator must prove a "purchase and sale or other transaction" (today's article 128).
	RequiresTransaction bool `yaml:"requires_transaction" kind:"bool"`
	// RequiresExploitationFact: the exploitation must have started (cases rescued before exploitation fall apart).
	RequiresExploitationFact bool `yaml:"requires_exploitation_fact" kind:"bool"`
	// LabourExplicit: labour exploitation is named explicitly in the definition.
	LabourExplicit bool `yaml:"labour_explicit" kind:"bool"`
	// Art128MinYears and Art128MaxYears are the sentence range of article 128 part 1 (years of imprisonment).
	Art128MinYears float64 `yaml:"art128_min_years" kind:"years"`
	// Art128MaxYears is the maximum sentence of article 128 part 1; gravity is derived from it.
	Art128MaxYears float64 `yaml:"art128_max_years" kind:"years"`
	// Art135MaxYears is the maximum sentence of article 135 (trafficking in minors), which a case
	// whose victim is a minor is registered under; its gravity is derived from it.
	Art135MaxYears float64 `yaml:"art135_max_years" kind:"years"`
	// ForeignShelterEligible: foreign victims without permanent residence may receive special social services.
	ForeignShelterEligible bool `yaml:"foreign_shelter_eligible" kind:"bool"`
	// ShelterRequiresRegistration: state-funded help requires a case registered by police.
	ShelterRequiresRegistration bool `yaml:"shelter_requires_registration" kind:"bool"`
	// ShelterRequiresCooperation: state-funded help requires a statement to police.
	ShelterRequiresCooperation bool `yaml:"shelter_requires_cooperation" kind:"bool"`
	// AbuseGradingCriteria: state-funded special social services require passing the 2014 criteria for assessing abuse.
	AbuseGradingCriteria bool `yaml:"abuse_grading_criteria" kind:"bool"`
	// TemporaryResidence: foreign victims receive temporary residence during the investigation.
	TemporaryResidence bool `yaml:"temporary_residence" kind:"bool"`
	// ProsecuteComplicit: complicit officials are prosecuted under article 128, not only fired.
	ProsecuteComplicit bool `yaml:"prosecute_complicit" kind:"bool"`
	// ReconciliationBarred: a statute excludes release on reconciliation of parties for
	// trafficking cases whatever their gravity (the 2019 amendments, in force from 2020,
	// per the U.S. TIP report 2020); otherwise gravity decides (ReconciliationAllowed).
	ReconciliationBarred bool `yaml:"reconciliation_barred" kind:"bool"`
}

// Qualification holds the evidence probabilities the investigator's qualification rule uses.
type Qualification struct {
	// TransactionEvidence is the probability that a transaction in the person can be proved, by form.
	TransactionEvidence ByForm `yaml:"transaction_evidence" kind:"prob"`
	// MeansEvidence is the probability that act, means and purpose can be proved (Palermo elements), by form.
	MeansEvidence ByForm `yaml:"means_evidence" kind:"prob"`
	// LabourImplicitRatio multiplies the evidence probability for labour cases when labour exploitation is not explicit in the law.
	LabourImplicitRatio float64 `yaml:"labour_implicit_ratio" kind:"factor"`
	// MigrationReclass is the probability that an unregistered foreign undocumented victim is processed as a migration offender.
	MigrationReclass float64 `yaml:"migration_reclass" kind:"prob"`
	// ProstitutionReclass is the probability that an unregistered sexual-exploitation case becomes a prostitution case.
	ProstitutionReclass float64 `yaml:"prostitution_reclass" kind:"prob"`
	// OtherReclass is the probability that another unregistered case is qualified under another article (125, 126, labour dispute).
	OtherReclass float64 `yaml:"other_reclass" kind:"prob"`
}

// PreTrial holds the monthly hazards of the pre-trial investigation.
type PreTrial struct {
	// CompletionMonthly is the monthly hazard that an investigation at full capacity is completed and sent to court.
	CompletionMonthly float64 `yaml:"completion_monthly" kind:"prob"`
	// EvidenceMonthly is the monthly hazard of termination for lack of evidence, by form,
	// under a definition that demands proof of a transaction.
	EvidenceMonthly ByForm `yaml:"evidence_monthly" kind:"prob"`
	// EvidenceRatioNoTransaction multiplies the evidence hazard when the definition no longer
	// demands a transaction (act, means and purpose suffice).
	EvidenceRatioNoTransaction float64 `yaml:"evidence_ratio_no_transaction" kind:"factor"`
	// EvidenceRatioLabourImplicit multiplies the evidence hazard of labour cases when labour
	// exploitation is not named in the definition.
	EvidenceRatioLabourImplicit float64 `yaml:"evidence_ratio_labour_implicit" kind:"factor"`
	// CorruptionMonthly is the monthly hazard that a case is closed by corruption, at regional
	// corruption ReferenceCorruption (scaled proportionally).
	CorruptionMonthly float64 `yaml:"corruption_monthly" kind:"prob"`
	// BacklogEvidenceLoss is how much faster a case loses evidence when its region's
	// investigators are overloaded: the evidence hazard is multiplied by
	// 1 + BacklogEvidenceLoss x (1 - speed), speed being capacity over open cases (at most 1).
	BacklogEvidenceLoss float64 `yaml:"backlog_evidence_loss" kind:"factor"`
	// ReconciliationMonthly is the monthly hazard that the offender buys reconciliation, where the law allows it.
	ReconciliationMonthly float64 `yaml:"reconciliation_monthly" kind:"prob"`
	// RetractionMonthly is the monthly hazard that a victim without shelter retracts testimony.
	RetractionMonthly float64 `yaml:"retraction_monthly" kind:"prob"`
	// LeaveMonthlyForeign is the monthly hazard that a foreign victim without shelter or residence leaves the country.
	LeaveMonthlyForeign float64 `yaml:"leave_monthly_foreign" kind:"prob"`
	// ShelterProtection multiplies the retraction and leaving hazards of sheltered victims, and (again) the
	// leaving hazard of foreign victims with temporary residence.
	ShelterProtection float64 `yaml:"shelter_protection" kind:"factor"`
}

// Court holds the trial hazards and outcomes.
type Court struct {
	// TrialMonths is the mean length of a trial (5-7 months).
	TrialMonths float64 `yaml:"trial_months" kind:"months"`
	// ConvictionWithTestimony is the probability of conviction when a victim testifies in court (CPC art. 331).
	ConvictionWithTestimony float64 `yaml:"conviction_with_testimony" kind:"prob"`
	// ConvictionWithoutTestimony is the probability of conviction when no victim testifies.
	ConvictionWithoutTestimony float64 `yaml:"conviction_without_testimony" kind:"prob"`
	// TestimonyChange is the probability that a victim changes testimony in court.
	TestimonyChange float64 `yaml:"testimony_change" kind:"prob"`
	// MeanOffendersPerCase is the mean number of offenders per case (1 + Poisson).
	MeanOffendersPerCase float64 `yaml:"mean_offenders_per_case" kind:"count"`
	// ConditionalShare is the probability that a convicted offender gets a conditional sentence.
	ConditionalShare float64 `yaml:"conditional_share" kind:"prob"`
}

// Assistance describes NGOs, the hotline and state-funded shelters.
type Assistance struct {
	// NGOAccepts is the probability that a victim reached by an NGO or the hotline accepts assistance.
	NGOAccepts float64 `yaml:"ngo_accepts" kind:"prob"`
	// IOMForeign is the probability that an NGO-assisted foreign victim is also on IOM's list (return help).
	// It is counted; the victim's path does not change with it.
	IOMForeign float64 `yaml:"iom_foreign" kind:"prob"`
	// PoliceReferral is the probability that police refer a victim they identify (whose case
	// they register) to an NGO that assists it (the victim's consent included).
	PoliceReferral float64 `yaml:"police_referral" kind:"prob"`
	// FundedShelters is the number of NGO shelters funded by the state each year.
	FundedShelters Series `yaml:"funded_shelters" kind:"series"`
	// PlacesPerShelterYear is the number of victims one funded shelter can take in a year.
	PlacesPerShelterYear float64 `yaml:"places_per_shelter_year" kind:"count"`
	// AbuseGradingPass is the probability that a victim meets the abuse-grading criteria.
	AbuseGradingPass float64 `yaml:"abuse_grading_pass" kind:"prob"`
	// CompensationFundMRP is the compensation paid to a victim of a conviction, in monthly
	// calculation indices, by year: 0 before the Victims Compensation Fund (July 2020).
	CompensationFundMRP Series `yaml:"compensation_mrp" kind:"series"`
}
