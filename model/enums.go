package model

// Origin is where a victim comes from relative to Kazakhstan.
type Origin uint8

// Origins. Abroad means a Kazakhstani citizen exploited in another country.
const (
	Domestic Origin = iota // Kazakhstani citizen exploited in Kazakhstan (mostly internal migrants)
	Foreign                // foreign citizen exploited in Kazakhstan (mostly Uzbek, Kyrgyz, Tajik migrants)
	Abroad                 // Kazakhstani citizen exploited abroad (Russia, Korea, UAE, Turkey, Bahrain)
	NumOrigins
)

var originNames = [...]string{"domestic", "foreign", "abroad"}

// String returns the Origin's name, as scenario files and output tables write it.
func (o Origin) String() string { return originNames[o] }

// Sex of a person at risk or a victim.
type Sex uint8

// Sexes.
const (
	Male Sex = iota
	Female
	NumSexes
)

var sexNames = [...]string{"male", "female"}

// String returns the Sex's name, as scenario files and output tables write it.
func (s Sex) String() string { return sexNames[s] }

// Age is the age group that decides the applicable article (128 adults, 135 minors).
type Age uint8

// Age groups.
const (
	Adult Age = iota
	Minor
	NumAges
)

var ageNames = [...]string{"adult", "minor"}

// String returns the Age's name, as scenario files and output tables write it.
func (a Age) String() string { return ageNames[a] }

// Documentation is a person's residence and work documentation status.
type Documentation uint8

// Documentation statuses. For Kazakhstani citizens Undocumented means without
// registration at the place of work (propiska) or with confiscated identity papers.
const (
	Documented Documentation = iota
	Undocumented
	NumDocumentations
)

var docNames = [...]string{"documented", "undocumented"}

// String returns the Documentation's name, as scenario files and output tables write it.
func (d Documentation) String() string { return docNames[d] }

// Sector is the kind of exploitation site, which decides the form of exploitation.
type Sector uint8

// Sectors of exploitation sites.
const (
	Agriculture  Sector = iota // farms, fields and livestock households
	Construction               // construction sites
	Services                   // restaurants, markets, shops, cleaning
	CarService                 // car-service stations ("STO")
	DomesticWork               // private households
	SexIndustry                // brothels, saunas and online sexual exploitation
	Begging                    // begging rings and forced criminality
	NumSectors
)

var sectorNames = [...]string{"agriculture", "construction", "services", "car_service", "domestic_work", "sex_industry", "begging"}

// String returns the Sector's name, as scenario files and output tables write it.
func (s Sector) String() string { return sectorNames[s] }

// Form of exploitation, as reported in the yearly tables.
type Form uint8

// Forms of exploitation.
const (
	Labour Form = iota
	Sexual
	OtherForm // begging, forced criminality and other forms
	NumForms
)

var formNames = [...]string{"labour", "sexual", "other"}

// String returns the Form's name, as scenario files and output tables write it.
func (f Form) String() string { return formNames[f] }

// FormOf returns the form of exploitation practised in a sector.
func FormOf(s Sector) Form {
	switch s {
	case SexIndustry:
		return Sexual
	case Begging:
		return OtherForm
	default:
		return Labour
	}
}

// Region is a police and shelter region. Exploitation abroad is attached to the
// region the victim comes from and returns to.
type Region uint8

// Regions (MODEL.md, "Time and place").
const (
	South  Region = iota // Shymkent, Turkestan, Saryagash, Zhambyl, Kyzylorda
	Almaty               // Almaty city and region
	Astana               // Astana city and Akmola
	West                 // Mangistau, Atyrau, Aktobe, West Kazakhstan
	Rest                 // the other regions (Karaganda, East, North, Pavlodar, Kostanay)
	NumRegions
)

var regionNames = [...]string{"south", "almaty", "astana", "west", "rest"}

// String returns the Region's name, as scenario files and output tables write it.
func (r Region) String() string { return regionNames[r] }

// Channel is how a victim first came into contact with someone who could help.
type Channel uint8

// Contact channels.
const (
	NoContact  Channel = iota
	PoliceRaid         // police inspection or raid of the exploitation site
	Checkpoint         // interception at a border, train or airport checkpoint before exploitation
	Hotline            // the victim or a relative called a hotline
	NGO                // an NGO or IOM outreach reached the victim
	ThirdParty         // a taxi driver, church, neighbour or a note thrown from a window
	SelfReport         // the victim came forward after leaving exploitation
	NumChannels
)

var channelNames = [...]string{"none", "police_raid", "checkpoint", "hotline", "ngo", "third_party", "self"}

// String returns the Channel's name, as scenario files and output tables write it.
func (c Channel) String() string { return channelNames[c] }

// Classification is how the investigator qualified a victim's statement.
type Classification uint8

// Classifications of a reported case.
const (
	Unclassified  Classification = iota // no statement to police
	Art128                              // registered under article 128 (135 for minors): trafficking statistics
	Migration                           // administrative migration violation: foreign victim deported, no criminal case
	Prostitution                        // prostitution or brothel-keeping offences
	OtherArticle                        // kidnapping or illegal deprivation of liberty (125, 126), abuse of power, labour dispute
	Refused                             // refused registration: no case
	CorruptClosed                       // closed by corruption at registration: bribe, or victim returned to the exploiter
	NumClassifications
)

var classNames = [...]string{"none", "art128", "migration", "prostitution", "other_article", "refused", "corruption"}

// String returns the Classification's name, as scenario files and output tables write it.
func (c Classification) String() string { return classNames[c] }

// Outcome is the terminal (or current, at the horizon's end) outcome of a victim's spell.
type Outcome uint8

// Outcomes of a victimisation spell.
const (
	StillExploited   Outcome = iota // in exploitation when the horizon ended
	LeftUncontacted                 // left exploitation without meeting any institution
	Died                            // died in exploitation
	AssistedOnly                    // contacted or assisted, never gave a statement or no case opened
	NotRegistered                   // statement given, case reclassified, refused or deported
	ClosedCorruption                // case closed by corruption
	ClosedReconciled                // case closed by reconciliation of parties
	ClosedEvidence                  // case terminated for lack of evidence or retracted testimony
	ClosedVictimLeft                // victim left the country or withdrew during pre-trial
	Acquitted                       // court acquitted or reclassified the case
	Convicted                       // court convicted the offenders
	InProceedings                   // case still open when the horizon ended
	NumOutcomes
)

var outcomeNames = [...]string{"still_exploited", "left_uncontacted", "died", "assisted_only", "not_registered",
	"closed_corruption", "closed_reconciliation", "closed_evidence", "closed_victim_left", "acquitted", "convicted", "in_proceedings"}

// String returns the Outcome's name, as scenario files and output tables write it.
func (o Outcome) String() string { return outcomeNames[o] }

// List is a bit set of the institutional lists a victim appears on: the capture
// histories that multiple systems estimation works on.
type List uint8

// Institutional lists.
const (
	ListPolice  List = 1 << iota // gave a statement to police
	ListArt128                   // in a case registered under article 128/135
	ListNGO                      // assisted by an NGO
	ListHotline                  // known to the hotline
	ListIOM                      // assisted by IOM (return, documents)
	ListShelter                  // placed in a state-funded shelter
	ListCourt                    // victim in a case sent to court
)

// ListNames names the bits of List in order.
var ListNames = [...]string{"police", "art128", "ngo", "hotline", "iom", "shelter", "court"}

// Has reports whether l includes every list in m.
func (l List) Has(m List) bool { return l&m == m }
