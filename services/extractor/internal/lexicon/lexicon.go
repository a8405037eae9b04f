// Package lexicon holds the word lists the entity finder reasons with:
// common English words (to tell a capitalised sentence opener from a name),
// given names, titles and offices, the words that make a name an
// organisation or a place, and speech verbs. Words are compared by their
// folded key (token.Fold), so lookups do not allocate.
//
// data/english-words.txt is the lower-case words of SCOWL size 50 (Debian's
// wamerican package, © Kevin Atkinson and others, permissive licence: see
// data/LICENSES.md); data/given-names.txt is curated for Newswire.
package lexicon

import (
	_ "embed"
	"strings"

	"github.com/newswire/newswire/services/extractor/internal/token"
)

//go:embed data/english-words.txt
var englishWords string

//go:embed data/given-names.txt
var givenNames string

// Set is a set of words, compared folded.
type Set map[uint64]struct{}

// NewSet returns the set of the words of lists, separated by white space;
// lines starting with # are comments.
func NewSet(lists ...string) Set {
	s := Set{}
	for _, list := range lists {
		for _, line := range strings.Split(list, "\n") {
			if strings.HasPrefix(line, "#") {
				continue
			}
			for _, w := range strings.Fields(line) {
				s[token.Fold(w)] = struct{}{}
			}
		}
	}
	return s
}

// Has reports whether the set holds the word of folded key k.
func (s Set) Has(k uint64) bool {
	_, ok := s[k]
	return ok
}

// Lexicon is every list. It is read-only after New and safe for concurrent
// use.
type Lexicon struct {
	English     Set // common English words, lower case
	GivenNames  Set
	Titles      Set // words of titles and offices that precede a person's name
	Modifiers   Set // the words of Titles that only qualify one: Deputy, Foreign, State
	Honorifics  Set // Mr, Mrs, Dr: always followed by a person's name
	Portfolios  Set // the words of a minister's portfolio: Foreign, Affairs, Defence
	OrgHeads    Set // words that make a name an organisation: Ministry, Bank
	OrgPrefixes Set // words that open an organisation's name: Ministry (of), University (of)
	LocHeads    Set // words that make a name a geographic place: Sea, Strait
	GPEHeads    Set // words that make a name a region or town: Region, Oblast, District
	EventHeads  Set // words that make a name an event: Forum, Fair, Games
	SpeechVerbs Set
	Connectors  Set // lower-case words inside names: of, the, and, de, von
	PlaceWords  Set // words after which a lone unknown name is a place: in, from, near
	NotNames    Set // capitalised words that are never names on their own: Monday, January
}

// New builds the lexicon.
func New() *Lexicon {
	return &Lexicon{
		English:     NewSet(englishWords),
		GivenNames:  NewSet(givenNames),
		Titles:      NewSet(titles, titleModifiers),
		Modifiers:   NewSet(titleModifiers),
		Honorifics:  NewSet(honorifics),
		Portfolios:  NewSet(portfolios),
		OrgHeads:    NewSet(orgHeads),
		OrgPrefixes: NewSet(orgPrefixes),
		LocHeads:    NewSet(locHeads),
		GPEHeads:    NewSet(gpeHeads),
		EventHeads:  NewSet(eventHeads),
		SpeechVerbs: NewSet(speechVerbs),
		Connectors:  NewSet(connectors),
		PlaceWords:  NewSet(placePrepositions),
		NotNames:    NewSet(notNames),
	}
}

const titles = `
President Vice-President Minister Ministers Premier Chancellor Secretary Secretary-General Chairman Chairwoman
Chairperson Chair Speaker Ambassador Envoy Consul Governor Mayor Director Director-General
Spokesman Spokeswoman Spokesperson Senator Congressman Congresswoman Lawmaker MP Commissioner Representative
Rapporteur Adviser Advisor Aide Assistant Attorney Prosecutor Judge Justice King Queen Prince Princess Emperor
Pope Patriarch Metropolitan Archbishop Bishop Cardinal Sheikh Emir Sultan Colonel Lieutenant Major
Captain Admiral Marshal Commander Commander-in-Chief Sergeant Officer Leader Founder CEO CFO Chief Executive
Manager Coach Professor Academician Rector Dean Editor Correspondent Columnist Economist Analyst Expert Scientist
Ombudsman Inspector Auditor Counselor Counsellor Attaché
`

const titleModifiers = `
Foreign First Acting Former Ex Honorary Permanent Special Senior Principal Supreme Federal State National
Executive Presidential Plenipotentiary Extraordinary Deputy Vice Prime Crown Chief General Head
`

const honorifics = `Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Prof Prof. Sir Madam Dame Lord Lady Gen Gen. Col Col. Lt Lt. Sen Sen. Rep Rep. Gov Gov. St. Mister`

const portfolios = `
Foreign Affairs Internal Interior Home Defence Defense Economy Economic Economics Finance Financial Trade Industry
Agriculture Food Education Health Healthcare Justice Emergency Emergencies Situations Energy Energetics Transport
Transportation Communications Communication Informatization Information Culture Sports Sport Tourism Labor Labour
Social Protection Security Natural Resources Environmental Environment Architecture Construction Housing Utilities
Forestry Taxes Duties Antimonopoly Regulation Science Technology Digital Development Development Relations
External International Commerce Fuel Power Regional Policy Policies Youth Family Affairs Public Services State
Property Investment Investments Integration Cooperation Intelligence Staff Armed Forces Border Customs
Affairs Planning Migration Water Infrastructure Telecommunications Media Press Protocol Consular Treasury
`

const orgHeads = `
Ministry Ministries Committee Commission Council Union Bank Banks Corporation Corp Corp. Company Co Co. Inc Inc.
Ltd Ltd. LLC JSC OJSC CJSC PLC AG GmbH SA Group Holding Holdings Agency Agencies Organization Organisation
Organizations Organisations Association Federation Foundation Fund Institute Institution University Academy College
School Lyceum Gymnasium Parliament Assembly Duma Senate Congress Court Tribunal Service Services Office Department
Administration Authority Authorities Bureau Board Chamber Centre Center Directorate Inspectorate Inspection Police
Militia Army Navy Forces Guard Guards Party Front Movement Alliance Coalition League Society Club Team Trust
Exchange Airlines Airways Railway Railways Railroad Plant Factory Works Mill Combine Enterprise Enterprises Concern
Cooperative Kolkhoz Sovkhoz Hospital Clinic Museum Theatre Theater Library Orchestra Ensemble Philharmonic Studio
Television TV Radio News Newspaper Times Post Journal Gazette Herald Tribune Telegraph Daily Weekly Magazine
Channel Broadcasting Media Press Publishing Network Systems Technologies Technology Solutions Industries Motors
Energy Oil Gas Petroleum Steel Chemicals Pharmaceuticals Electronics Telecom Communications Logistics Partners
Secretariat Cabinet Government Presidium Mission Embassy Consulate Delegation Commonwealth Community Forum
Council Convention Programme Program Initiative Observatory Laboratory Lab Cluster Park Zone Port
Airport Station Hotel Stadium Arena Palace Cathedral Church Monastery Mosque Synagogue Temple Diocese Eparchy
`

const orgPrefixes = `
Ministry Committee Commission Council Union Bank Corporation Agency Organization Organisation Association Federation
Foundation Fund Institute University Academy College School Parliament Assembly Court Service Office Department
Administration Authority Bureau Board Chamber Centre Center Directorate Inspectorate Party Movement Alliance League
Society Museum Embassy Consulate Government Cabinet Secretariat Presidium House Palace Church Order Federation
`

const locHeads = `
Sea Ocean River Lake Lakes Mountain Mountains Mount Range Hills Peninsula Gulf Bay Strait Straits Channel Canal
Island Islands Isle Isles Archipelago Valley Desert Plain Plateau Basin Forest Coast Delta Cape Steppe Glacier
Reservoir Corridor Pass Highlands Lowlands Polesie Polesye
`

const gpeHeads = `
Region Oblast Oblasts District Districts Province Provinces County Counties State States Territory Territories Krai
Republic Kingdom Emirate Emirates Principality Municipality Raion Voblast Governorate Prefecture Canton
City Town Village Township Borough Parish
`

const eventHeads = `
Fair Expo Exhibition Festival Games Olympics Olympiad Championship Championships Cup Tournament Marathon Summit
Conference Congress Forum Week Days Day Biennale Contest Competition Show Parade Meeting Session Talks Dialogue
War Revolution Uprising Battle Offensive Operation Crisis Election Elections Referendum Census Year Decade
`

const speechVerbs = `
said says say told tells noted notes added adds stressed stresses explained explains emphasized emphasised
emphasizes emphasises stated states announced announces declared declares remarked remarks asked asks answered
answers replied replies commented comments underlined underlines pointed points believes believed thinks thought
warned warns urged urges wrote writes claimed claims recalled recalls continued continues insisted insists
argued argues observed observes acknowledged acknowledges admitted admits assured assures confirmed confirms
informed informs reported reports specified specifies suggested suggests called calls addressed addresses
expressed expresses proposed proposes concluded concludes summed
`

const connectors = `of the and for de da di del della der den van von bin ibn al el la le du dos das on upon`

// places before which a capitalised word is most likely a place.
const placePrepositions = `in to from near at across outside inside towards toward via visited`

const notNames = `
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
September October November December Mon Tue Wed Thu Fri Sat Sun Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
I We You He She It They This That These Those There Here What When Where Why How Who Whom Whose Which
Our Your His Her Its Their My Mine Yes No Not Also However Meanwhile Moreover Furthermore Besides
Today Tomorrow Yesterday Tonight Now Then Source Photo Video Read Share Comments Updated Published
`
