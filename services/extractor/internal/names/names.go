// Package names recognises people's names and the titles around them:
// which capitalised words are first names (and of which gender), which
// words are titles or roles ("Minister", "Sen.", "spokeswoman"), which make
// a name an organisation's ("Committee", "Ministry"), and how an inflected
// Russian name reads in the nominative (Александром Бегловым → Александр
// Беглов).
package names

import (
	_ "embed"
	"strings"

	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/services/extractor/internal/wordlist"
)

//go:embed data/female-first-names.en.moby.txt
var femaleMoby string

//go:embed data/male-first-names.en.moby.txt
var maleMoby string

//go:embed data/first-names.extra.txt
var extraFirst string

// Gender of a person, as far as the text tells.
type Gender uint8

// Genders.
const (
	Unknown Gender = iota
	Male
	Female
)

// Word classes beside first names.
type class uint8

const (
	classTitle    class = 1 << iota // stands before a name: Mr., President, Minister, Sen.
	classRole                       // a person noun in a description: minister, spokesman, leader
	classOrg                        // ends an organisation's name: Committee, Ministry, Party
	classFunction                   // a capitalised word that is no name: The, But, Monday
	classDomain                     // completes a title: Foreign, Affairs, Defense, State
	classPlace                      // ends a place's name: Hampshire, Moines, Street
)

// Lexicon holds the word lists. It is safe for concurrent use.
type Lexicon struct {
	first  map[string]Gender
	class  map[string]class
	gender map[string]Gender // of titles and role nouns: Mrs., spokeswoman, господин
}

// Load builds the lexicon from the embedded data.
func Load() *Lexicon {
	l := &Lexicon{first: map[string]Gender{}, class: map[string]class{}, gender: map[string]Gender{}}
	for _, n := range wordlist.Lines(maleMoby) {
		l.first[n] = Male
	}
	for _, n := range wordlist.Lines(femaleMoby) {
		if g, ok := l.first[n]; ok && g == Male {
			l.first[n] = Unknown // in both lists
			continue
		}
		l.first[n] = Female
	}
	for _, line := range wordlist.Lines(extraFirst) {
		n, g, _ := strings.Cut(line, " ")
		switch g {
		case "m":
			l.first[n] = Male
		case "f":
			l.first[n] = Female
		default:
			l.first[n] = Unknown
		}
	}
	for c, list := range map[class]string{
		classTitle: titles, classRole: roles, classOrg: orgHeads, classFunction: functionWords, classDomain: domains, classPlace: places,
	} {
		for _, w := range strings.Fields(list) {
			l.class[w] |= c
		}
	}
	for _, w := range strings.Fields(maleWords) {
		l.gender[w] = Male
	}
	for _, w := range strings.Fields(femaleWords) {
		l.gender[w] = Female
	}
	return l
}

// FirstName reports whether w is a known first name, and its gender.
func (l *Lexicon) FirstName(w string) (Gender, bool) {
	g, ok := l.first[w]
	return g, ok
}

// Class is every word list a word is in: one lookup answers the
// questions asked of each capitalised word (IsTitle, IsDomain, IsFunction,
// IsOrgHead, IsPlace) together.
type Class struct{ c class }

// ClassOf returns the lists w is in.
func (l *Lexicon) ClassOf(w string) Class { return Class{l.classOf(w)} }

// Title is IsTitle.
func (c Class) Title() bool { return c.c&classTitle != 0 }

// Domain is IsDomain.
func (c Class) Domain() bool { return c.c&classDomain != 0 }

// Function is IsFunction.
func (c Class) Function() bool { return c.c&classFunction != 0 }

// IsTitle reports whether w stands before names as a title: "Mr.",
// "President", "Sen.", "Minister", «президент».
func (l *Lexicon) IsTitle(w string) bool { return l.classOf(w)&classTitle != 0 }

// IsRole reports whether w is a noun for a person's office or trade:
// "minister", "spokeswoman", "leader", «министр».
func (l *Lexicon) IsRole(w string) bool {
	if l.classOf(w)&classRole != 0 {
		return true
	}
	if w == "" || w[0] < 0x80 {
		return false
	}
	k := key(w)
	// Russian role nouns in other cases: губернатором, министра, главе.
	for _, end := range []string{"ом", "ем", "ой", "ей", "а", "у", "е", "ы", "и", "я", "ю"} {
		if stem, ok := strings.CutSuffix(k, end); ok && len(stem) > 4 && stem[0] >= 0x80 {
			if l.class[stem]&classRole != 0 || l.class[stem+"а"]&classRole != 0 || l.class[stem+"ь"]&classRole != 0 {
				return true
			}
		}
	}
	return false
}

// IsOrgHead reports whether w ends the names of organisations:
// "Committee", "Ministry", "Party".
func (l *Lexicon) IsOrgHead(w string) bool { return l.classOf(w)&classOrg != 0 }

// IsFunction reports whether w is a capitalised word that is not part of a
// name: "The", "But", "Monday", "Republican".
func (l *Lexicon) IsFunction(w string) bool { return l.classOf(w)&classFunction != 0 }

// IsDomain reports whether w completes a title: "Foreign", "Affairs",
// "Defense" in "Minister of Foreign Affairs".
func (l *Lexicon) IsDomain(w string) bool { return l.classOf(w)&classDomain != 0 }

// IsPlace reports whether w ends the name of a place that is no country:
// New Hampshire, Des Moines, Wall Street.
func (l *Lexicon) IsPlace(w string) bool { return l.classOf(w)&classPlace != 0 }

// IsHonorific reports whether w is a courtesy title rather than an office:
// Mr., Mrs., Dr., Sir.
func (l *Lexicon) IsHonorific(w string) bool {
	switch key(w) {
	case "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "rev", "lord", "lady", "господин", "госпожа":
		return true
	}
	return false
}

// TitleGender is the gender a title or role word tells: Mrs. and
// spokeswoman are female, Mr. and congressman male.
func (l *Lexicon) TitleGender(w string) Gender { return l.gender[key(w)] }

// classOf is the classes of w, folded as key folds it, without
// allocating: this runs for every capitalised word.
func (l *Lexicon) classOf(w string) class {
	w = strings.TrimSuffix(w, ".")
	var buf [48]byte
	b := buf[:0]
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
		} else {
			r, n := utf8.DecodeRuneInString(w[i:])
			b = utf8.AppendRune(b, lower(r))
			i += n
		}
		if len(b) > len(buf)-4 {
			return 0
		}
	}
	return l.class[string(b)]
}

// lower is unicode.ToLower with a fast path for Cyrillic.
func lower(r rune) rune {
	switch {
	case 'А' <= r && r <= 'Я':
		return r + 'а' - 'А'
	case 'а' <= r && r <= 'я':
		return r
	case r == 'Ё':
		return 'ё'
	}
	return unicode.ToLower(r)
}

// key folds a word for the class tables: lower case, final period dropped.
func key(w string) string {
	w = strings.TrimSuffix(w, ".")
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(w)
		}
	}
	return w
}

// The word lists below are curated for this project; all are lower case
// and without final periods.
const titles = `mr mrs ms miss dr prof sir dame rev lord lady
president vice prime minister secretary senator sen rep representative congressman congresswoman
gov governor mayor lt gen general col adm admiral maj sgt cpl capt judge justice chief attorney
speaker chairman chairwoman chair director ambassador commissioner leader deputy assistant sheriff
councilman councilwoman alderman pope king queen prince princess chancellor premier former
archbishop bishop cardinal pastor rabbi imam reverend patriarch metropolitan
state-secretary sec ex-president ex-minister candidate nominee ceo founder
treasurer comptroller auditor superintendent assemblyman assemblywoman assemblymember councilmember
delegate whip inspector detective coach professor magistrate sheikh emir atty cmdr lieutenant sergeant
президент министр премьер-министр глава председатель посол губернатор мэр руководитель директор
заместитель помощник спикер секретарь депутат лидер представитель пресс-секретарь генеральный
госсекретарь вице-премьер вице-президент канцлер советник аналитик эксперт политолог`

const roles = `president minister secretary senator governor mayor spokesman spokeswoman spokesperson official
aide adviser advisor lawmaker congressman congresswoman legislator diplomat leader head chairman
chairwoman chair candidate nominee front-runner frontrunner economist analyst expert pollster
strategist professor director chief ambassador envoy premier chancellor prosecutor judge justice
attorney lawyer commander general officer spokeswoman activist author writer executive founder
billionaire businessman businesswoman mogul host anchor correspondent reporter journalist
columnist editor manager agent representative senator-elect president-elect governor-elect
ruler monarch king queen prince sheikh emir cleric priest pastor bishop rabbi imam scientist
researcher historian scholar doctor physician surgeon veteran democrat republican conservative
liberal politician statesman lawmaker negotiator mediator moderator commentator pundit
man woman father mother husband wife son daughter brother sister teacher student resident voter
supporter critic opponent rival challenger incumbent sponsor member delegate
manager staffer organizer volunteer owner partner employee worker
councilman councilwoman councilmember alderman alderwoman commissioner sheriff
президент министр премьер глава председатель посол губернатор мэр руководитель директор
заместитель помощник спикер секретарь депутат лидер представитель пресс-секретарь дипломат
политик эксперт аналитик политолог экономист советник канцлер премьер-министр`

const orgHeads = `party committee department ministry council house senate congress court union organization
organisation association university college institute times post news journal agency bank fund
inc corp corporation company co ltd group foundation center centre office commission administration
service campaign network church republic states kingdom federation board bureau tribune herald
press club pac force army navy police guard coalition alliance society media magazine review
street initiative project trust caucus parliament assembly duma government cabinet embassy kremlin
pentagon council institution authority forum partnership watch reuters bloomberg cnn abc cbs nbc
fox msnbc npr ap afp belta tass ria interfax twitter facebook google youtube instagram telegram
industries holdings partners associates enterprises systems airlines motors museum library
hospital school panel tribunal
министерство мид правительство администрация совет комитет служба агентство партия парламент
собрание дума кремль посольство пресс-служба`

const functionWords = `the a an and but or nor so yet for of in on at to by from with as if when while
where what who whom whose which that this these those there here then than it its he she they we
you i his her their our my your him them us me one some many most all any each every both either
neither no not none after before during since until because although though however meanwhile
also still even just only now today yesterday tomorrow tonight last next first second third new
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
mr mrs ms dr sen rep gov gen president minister secretary senator governor mayor judge
republican republicans democrat democrats democratic gop conservative liberal american americans
according asked speaking following despite among between within without against about above
below under over into onto upon toward towards via per like unlike such several few more less
other another same whether why how yes well oh okay ok please thank thanks dear
moreover furthermore nevertheless nonetheless indeed instead thus therefore hence likewise similarly
additionally otherwise consequently accordingly specifically notably finally ultimately eventually
initially recently currently previously apparently clearly obviously certainly perhaps maybe
regardless overall again already
в на и но а что как это по с к о от для из за у при до после`

const domains = `foreign affairs defense defence state interior justice finance economy economic internal
health education agriculture energy labor labour transport transportation commerce treasury
homeland security emergency situations culture sports industry trade development natural
resources environment environmental protection communications information housing veterans
intelligence national public international relations social policy budget house representatives
staff joint chiefs armed services judiciary appropriations ways means oversight`

const maleWords = `mr sir lord king prince congressman councilman chairman spokesman businessman statesman
father husband son brother man господин`

const femaleWords = `mrs ms miss dame lady queen princess congresswoman councilwoman chairwoman spokeswoman
businesswoman mother wife daughter sister woman госпожа`

const places = `alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york carolina dakota
ohio oklahoma oregon pennsylvania island tennessee texas utah vermont virginia washington wisconsin
wyoming moines vegas angeles francisco diego antonio orleans city county valley beach springs
street avenue square park bay lake river mountains hills heights village falls harbor port
chicago boston houston philadelphia phoenix dallas detroit miami atlanta seattle denver baltimore
cleveland manhattan brooklyn queens bronx harlem hollywood silicon minsk moscow kiev kyiv
vitebsk gomel grodno brest mogilev`
