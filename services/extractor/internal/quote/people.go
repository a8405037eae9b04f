package quote

import (
	"strings"
	"unicode"

	"github.com/newswire/newswire/services/extractor/internal/names"
)

// person is someone (or an organisation) the document names.
type person struct {
	name   string // canonical: the fullest form met
	words  []string
	gender names.Gender
	roles  []string // lower-case words of the titles and appositions met with the name
	role   string   // the first title met, as written: Russian Minister of Foreign Affairs
	org    bool
	added  int         // index in people.all
	seen   mentionList // the person's entries in people.mentions (their tokens only)
	looked int         // the people.looks of the last rolesMatch that looked at the person
}

func (p *person) surname() string { return p.words[len(p.words)-1] }

// mentionAt is one place a person is named.
type mentionAt struct {
	tok     int
	who     *person
	subject bool // a speaker, or the name opens its sentence
}

// people is what one document says about who is who.
type people struct {
	lex       *names.Lexicon
	all       []*person
	mentions  mentionList
	bySurname map[string][]*person // all by surname, in the order met
	byFirst   map[string][]*person // all by each first word they have had (stale entries stay)
	labels    map[string]*person   // by case-folded surname, the first of all named in full: what a transcript's label in capitals names
	words     map[string]int       // how many times each word is in the names of all
	toks      []token              // the text's, quotations marked (pairMarks)
	// The mentions of people (not organisations) outside quotations, by
	// the person's gender: what pronouns and descriptions stand for.
	mentioned, subjects [3]tokenSet
	orgs                []*person // the organisations of all
	titled              []*person // the people (not organisations) with roles, in the order they got them
	looks               int       // rolesMatch calls
	// What find looks at for a name of two or more words, instead of all
	// with its surname. A person added with two or more words and a first
	// word that is no initial keeps its first letter, so fullFirst holds
	// them by surname, organisation or not, and first byte, in the order
	// added; fullNamed by surname and each first word they have had (stale
	// entries stay). The rest, added with one word or an initial first,
	// are few: short has them by surname, in the order added.
	fullFirst map[fullFirstKey][]*person
	fullNamed map[[2]string][]*person
	short     map[string][]*person
	// The organisations by each name they have had (stale entries stay):
	// what organisation looks at.
	orgNamed map[string][]*person
}

// fullFirstKey is a surname, whether organisations, and a first byte.
type fullFirstKey struct {
	surname string
	org     bool
	first   byte
}

// fullName reports whether words have two or more words, the first no
// initial: its first byte is the person's for good.
func fullName(words []string) bool {
	return len(words) > 1 && words[0] != "" && !(len(words[0]) == 2 && words[0][1] == '.')
}

// add adds a new person or organisation to all and to the indexes.
func (ps *people) add(p *person) {
	if ps.bySurname == nil {
		ps.bySurname, ps.byFirst, ps.labels, ps.words = map[string][]*person{}, map[string][]*person{}, map[string]*person{}, map[string]int{}
		ps.fullFirst, ps.fullNamed, ps.short = map[fullFirstKey][]*person{}, map[[2]string][]*person{}, map[string][]*person{}
		ps.orgNamed = map[string][]*person{}
	}
	ps.count(p.words, 1)
	p.added = len(ps.all)
	ps.all = append(ps.all, p)
	ps.bySurname[p.surname()] = append(ps.bySurname[p.surname()], p)
	ps.byFirst[p.words[0]] = append(ps.byFirst[p.words[0]], p)
	if fullName(p.words) {
		k := fullFirstKey{p.surname(), p.org, p.words[0][0]}
		ps.fullFirst[k] = append(ps.fullFirst[k], p)
		n := [2]string{p.surname(), p.words[0]}
		ps.fullNamed[n] = append(ps.fullNamed[n], p)
	} else {
		ps.short[p.surname()] = append(ps.short[p.surname()], p)
	}
	if p.org {
		ps.orgs = append(ps.orgs, p)
		ps.orgNamed[p.name] = append(ps.orgNamed[p.name], p)
	}
	ps.indexLabel(p)
}

// indexLabel makes p what its surname in capitals names, when p is a
// person named in full and added before the one it names so far. A
// person's surname stays, and a name only grows: once named in full, p
// stays so.
func (ps *people) indexLabel(p *person) {
	if p.org || len(p.words) < 2 {
		return
	}
	k := foldKey(p.surname())
	if q := ps.labels[k]; q == nil || p.added < q.added {
		ps.labels[k] = p
	}
}

// labelled is the first person named in full whose surname is w, in any
// case: the speaker a transcript's label in capitals names, or nil.
func (ps *people) labelled(w string) *person {
	return ps.labels[foldKey(w)]
}

// foldKey is the same for two strings when strings.EqualFold holds: each
// code point is replaced by the least of those it folds with.
func foldKey(s string) string {
	b := make([]rune, 0, len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b = append(b, least)
	}
	return string(b)
}

// rename gives p a fuller name with the same surname.
func (ps *people) rename(p *person, words []string) {
	if words[0] != p.words[0] {
		ps.byFirst[words[0]] = append(ps.byFirst[words[0]], p)
		n := [2]string{p.surname(), words[0]}
		ps.fullNamed[n] = append(ps.fullNamed[n], p)
	}
	ps.count(p.words, -1)
	ps.count(words, 1)
	p.words, p.name = words, strings.Join(words, " ")
	if p.org {
		ps.orgNamed[p.name] = append(ps.orgNamed[p.name], p)
	}
	ps.indexLabel(p)
}

// count adds n to the count of each of words.
func (ps *people) count(words []string, n int) {
	for _, w := range words {
		ps.words[w] += n
	}
}

// named reports whether w is a word of someone's name.
func (ps *people) named(w string) bool { return ps.words[w] > 0 }

// find returns the person whose name is words, adding them when new. A
// single word (a surname, or a first name) joins the person named fully
// before, the most recently mentioned first; two or more words join a
// person whose name they extend or shorten (Hillary Clinton and Hillary
// Rodham Clinton).
func (ps *people) find(words []string, g names.Gender, org bool, before int) *person {
	if len(words) == 0 {
		return nil
	}
	last := words[len(words)-1]
	if len(words) == 1 {
		if p := ps.recent(before, last, func(p *person) bool {
			return p.org == org && compatible(p.gender, g) && (p.surname() == last || len(p.words) > 1 && p.words[0] == last)
		}); p != nil {
			return p
		}
		// Named only later: the headline's "Lavrov" is the body's Sergey
		// Lavrov.
		for _, p := range ps.bySurname[last] {
			if p.org == org && compatible(p.gender, g) {
				return p
			}
		}
	} else if p := ps.longer(words, org); p != nil {
		if len(p.words) == 1 {
			// A surname met first, now the full name.
			ps.rename(p, words)
			ps.setGender(p, merge(p.gender, g))
			return p
		}
		if len(words) > len(p.words) && !org {
			ps.rename(p, words)
		}
		ps.setGender(p, merge(p.gender, g))
		return p
	}
	p := &person{name: strings.Join(words, " "), words: words, gender: g, org: org}
	if !org && g == names.Unknown && len(words) > 1 {
		p.gender, _ = ps.lex.FirstName(words[0])
	}
	ps.add(p)
	return p
}

// longer is the first person added with the surname of words, two or
// more, that they name: one met by the surname alone, or one whose first
// word is theirs or its initial (J. and John); or nil.
func (ps *people) longer(words []string, org bool) *person {
	last, first := words[len(words)-1], words[0]
	var best *person
	consider := func(p *person) {
		if p.org == org && (best == nil || p.added < best.added) &&
			(len(p.words) == 1 || p.words[0] == first || initialOf(first, p.words[0]) || initialOf(p.words[0], first)) {
			best = p
		}
	}
	for _, p := range ps.short[last] {
		consider(p)
	}
	if len(first) == 2 && first[1] == '.' {
		// J.: the first added whose first word begins with J.
		if full := ps.fullFirst[fullFirstKey{last, org, first[0]}]; len(full) > 0 {
			consider(full[0])
		}
	} else if first != "" {
		// John: those who have had John for a first word, or J.
		for _, p := range ps.fullNamed[[2]string{last, first}] {
			consider(p)
		}
		for _, p := range ps.fullNamed[[2]string{last, first[:1] + "."}] {
			consider(p)
		}
	}
	return best
}

// organisation returns the organisation named exactly words, adding it
// when new: a modifier names it in full (a Twitter spokesman), so no
// longer name that merely ends the same way is meant. (Words hold no
// spaces, so the same name has the same last word.)
func (ps *people) organisation(words []string) *person {
	name := strings.Join(words, " ")
	var found *person
	for _, p := range ps.orgNamed[name] {
		if p.name == name && (found == nil || p.added < found.added) {
			found = p
		}
	}
	if found != nil {
		return found
	}
	p := &person{name: name, words: words, org: true}
	ps.add(p)
	return p
}

// recentWalk bounds the mentions recent walks back before it looks at
// everyone whose surname or first word is the word instead: a name
// usually stands for someone mentioned just before, and an article naming
// thousands of Johns must not make each "John" look at all of them.
const recentWalk = 256

// recent is the person most recently mentioned before token index before
// for whom ok holds, where ok holds only for people whose surname or
// first word is w.
func (ps *people) recent(before int, w string, ok func(*person) bool) *person {
	return ps.recentOf(before, ok, ps.bySurname[w], ps.byFirst[w])
}

// recentSurnamed is recent where ok holds only for people whose surname is
// w: those who merely have w for a first name are not looked at.
func (ps *people) recentSurnamed(before int, w string, ok func(*person) bool) *person {
	return ps.recentOf(before, ok, ps.bySurname[w])
}

// recentOf is the person most recently mentioned before token index
// before for whom ok holds, where ok holds only for people of the lists.
func (ps *people) recentOf(before int, ok func(*person) bool, lists ...[]*person) *person {
	// Walking the mentions back, the first person for whom ok holds is
	// the one mentioned last.
	i := ps.mentions.search(before)
	for n := 0; i > 0 && n < recentWalk; n++ {
		i--
		if p := ps.mentions.at(i).who; ok(p) {
			return p
		}
	}
	if i == 0 {
		return nil // every mention before was looked at
	}
	var best *person
	bestTok := -1
	for _, list := range lists {
		if p, tok := latest(before, list, ok); tok > bestTok {
			best, bestTok = p, tok
		}
	}
	return best
}

// latest is the person among cands mentioned last before token index
// before for whom ok holds, and the token of that mention, or -1.
func latest(before int, cands []*person, ok func(*person) bool) (*person, int) {
	var best *person
	bestTok := -1
	for _, p := range cands {
		if tok := p.lastBefore(before); tok > bestTok && ok(p) {
			best, bestTok = p, tok
		}
	}
	return best, bestTok
}

// lastBefore is the token of p's last mention before token index before,
// or -1.
func (p *person) lastBefore(before int) int {
	i := p.seen.search(before)
	if i == 0 {
		return -1
	}
	return p.seen.at(i - 1).tok
}

func (ps *people) mention(tok int, p *person, subject bool) {
	if p == nil {
		return
	}
	// Keep mentions in token order: speakers are found out of order.
	i := ps.mentions.search(tok)
	if i < ps.mentions.len() && ps.mentions.at(i).tok == tok {
		m := ps.mentions.at(i)
		m.subject = m.subject || subject
		ps.index(*m)
		return
	}
	ps.mentions.insert(i, mentionAt{tok: tok, who: p, subject: subject})
	p.seen.insert(p.seen.search(tok), mentionAt{tok: tok})
	ps.index(mentionAt{tok: tok, who: p, subject: subject})
}

// index puts a mention of a person outside quotations among those
// lastMentioned finds.
func (ps *people) index(m mentionAt) {
	if m.who.org || m.tok < len(ps.toks) && ps.toks[m.tok].quoted {
		return
	}
	ps.mentioned[m.who.gender].add(m.tok)
	if m.subject {
		ps.subjects[m.who.gender].add(m.tok)
	}
}

// setGender gives p the gender g, moving p's mentions to g's sets.
func (ps *people) setGender(p *person, g names.Gender) {
	if p.gender == g {
		return
	}
	for k := range p.seen.len() {
		tok := p.seen.at(k).tok
		for _, sets := range []*[3]tokenSet{&ps.mentioned, &ps.subjects} {
			if sets[p.gender].has(tok) {
				sets[p.gender].remove(tok)
				sets[g].add(tok)
			}
		}
	}
	p.gender = g
}

// lastMentioned is the person (not an organisation) mentioned last outside
// quotations at token from or after and before token at, as a subject when
// subject is set, of a gender compatible with g; or nil.
func (ps *people) lastMentioned(from, at int, g names.Gender, subject bool) *person {
	sets := &ps.mentioned
	if subject {
		sets = &ps.subjects
	}
	last := -1
	for h := range sets {
		if compatible(names.Gender(h), g) {
			last = max(last, sets[h].before(at))
		}
	}
	if last < from {
		return nil
	}
	return ps.mentions.at(ps.mentions.search(last)).who
}

// addRoles adds role words to p's, and p to those rolesMatch looks at.
func (ps *people) addRoles(p *person, words []string) {
	had := len(p.roles) > 0
	p.addRoles(words)
	if !had && len(p.roles) > 0 && !p.org {
		ps.titled = append(ps.titled, p)
	}
}

func (p *person) addRoles(words []string) {
	for _, w := range words {
		w = strings.ToLower(strings.TrimSuffix(w, "."))
		if w == "" || w == "the" || w == "a" || w == "an" || w == "of" {
			continue
		}
		dup := false
		for _, r := range p.roles {
			if r == w {
				dup = true
				break
			}
		}
		if !dup {
			p.roles = append(p.roles, w)
		}
	}
}

func compatible(a, b names.Gender) bool { return a == names.Unknown || b == names.Unknown || a == b }

func merge(a, b names.Gender) names.Gender {
	if a == names.Unknown {
		return b
	}
	return a
}

// initialOf reports whether a is the initial of b: "J." and "John".
func initialOf(a, b string) bool {
	return len(a) == 2 && a[1] == '.' && strings.HasPrefix(b, a[:1])
}

// synonyms widen the head of a description to the titles it may stand for:
// "the head of state" is the president, "the diplomat" a foreign minister.
func synonyms(head string) []string {
	switch head {
	case "leader", "лидер":
		return []string{"leader", "president", "chairman", "head", "prime", "premier", "chancellor", "президент", "лидер", "глава", "премьер-министр", "председатель"}
	case "head", "глава":
		return []string{"head", "president", "chief", "chairman", "director", "глава", "президент", "руководитель", "председатель"}
	case "diplomat", "дипломат":
		return []string{"diplomat", "ambassador", "envoy", "foreign", "affairs", "дипломат", "посол", "иностранных"}
	case "premier", "премьер":
		return []string{"premier", "prime", "премьер", "премьер-министр"}
	case "lawmaker", "legislator", "congressman", "congresswoman", "депутат":
		return []string{"lawmaker", "legislator", "rep", "representative", "congressman", "congresswoman", "senator", "sen", "deputy", "mp", "депутат"}
	case "senator":
		return []string{"senator", "sen"}
	case "governor":
		return []string{"governor", "gov"}
	case "candidate", "nominee", "front-runner", "frontrunner":
		return []string{"candidate", "nominee", "front-runner", "frontrunner", "hopeful"}
	case "spokesman", "spokeswoman", "spokesperson", "пресс-секретарь":
		return []string{"spokesman", "spokeswoman", "spokesperson", "press", "пресс-секретарь"}
	case "president", "президент":
		return []string{"president", "президент"}
	case "minister", "министр":
		return []string{"minister", "министр", "secretary"}
	}
	return []string{head}
}
