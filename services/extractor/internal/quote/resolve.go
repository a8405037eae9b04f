package quote

// Resolution: turning an attribution into a speaker, a person or an
// organisation the text introduced.

import (
	"strings"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/names"
)

// resolve turns an attribution into a speaker: a named person (explicit),
// a description or an organisation (nominal) or a pronoun, resolved to a
// person the text introduced.
func (st *state) resolve(f *found, a attrib) {
	f.verb = a.verb
	np := a.np
	if np[1]-np[0] == 1 {
		if p := pronounGender(strings.ToLower(st.word(np[0]))); p != pronounNone {
			f.attribution = event.AttributionPronoun
			if p == pronounThey || p == pronounI {
				return
			}
			f.who = st.resolvePronoun(p, np[0])
			if f.who != nil {
				f.role = f.who.role
			}
			return
		}
	}
	role := st.text(a.appos)
	// The White House spokesman, Josh Earnest: the name is the apposition.
	if a.appos[1] > a.appos[0] && !st.toks[np[1]-1].upper {
		if run, _, _ := st.nameIn(a.appos); len(run) >= 1 && st.firstNameAt(a.appos[1]-len(run)) || len(run) >= 2 && st.toks[a.appos[0]].upper {
			role, np = st.text(np), a.appos
		}
	}
	if k := st.author(np); k > np[0] {
		// Bush's Facebook post, Hoff's letter: whoever wrote it speaks.
		np = [2]int{np[0], k}
	}
	np = st.personBeforeOf(np)
	run, start, possessed := st.nameIn(np)
	if possessed && np[1]-start == len(run)+1 && st.x.lex.IsOrgHead(st.word(np[1]-1)) {
		// Mrs. Clinton's campaign: the campaign speaks, an organisation.
		org := []string{run[len(run)-1], strings.ToLower(st.word(np[1] - 1))}
		if p := st.ppl.find(org, names.Unknown, true, np[0]); p != nil {
			f.who, f.attribution = p, event.AttributionExplicit
			return
		}
	}
	if len(run) == 0 && np[1]-np[0] >= 2 && st.toks[np[1]-2].upper && st.x.lex.IsOrgHead(st.word(np[1]-1)) && st.toks[np[1]-1].lower {
		// The Trump campaign, the Obama administration: named by its
		// modifier and its head.
		k := np[1] - 2
		for k > np[0] && st.toks[k-1].upper && !st.x.lex.IsFunction(st.word(k-1)) {
			k--
		}
		org := append(st.words(k, np[1]-1), strings.ToLower(st.word(np[1]-1)))
		if p := st.ppl.find(org, names.Unknown, true, np[0]); p != nil {
			f.who, f.attribution = p, event.AttributionNominal
			return
		}
	}
	if len(run) == 0 && np[1]-np[0] >= 2 && spokesperson(st.word(np[1]-1)) && st.toks[np[1]-2].upper {
		// A Twitter spokesman, a State Department spokeswoman: the
		// organisation speaks through them. Not a Clinton spokesman: a
		// person's spokesman is someone else.
		k := np[1] - 2
		for k > np[0] && st.toks[k-1].upper && !st.x.lex.IsFunction(st.word(k-1)) {
			k--
		}
		org := st.words(k, np[1]-1)
		if name := strings.Join(org, " "); !st.x.lex.IsFunction(org[0]) && (st.x.lex.IsOrgHead(org[len(org)-1]) || st.isPlace(name)) {
			f.who, f.attribution, f.role = st.ppl.organisation(org), event.AttributionNominal, joinRole(st.text(np), role)
			return
		}
	}
	if len(run) == 0 && np[1]-np[0] == 1 && st.toks[np[0]].upper {
		// King says: a title word that is the surname of someone named.
		w := stripPossessive(st.word(np[0]))
		if p := st.ppl.recentSurnamed(np[0], w, func(p *person) bool { return !p.org && len(p.words) > 1 && p.surname() == w }); p != nil {
			f.who, f.attribution, f.role = p, event.AttributionExplicit, p.role
			st.ppl.mention(np[0], p, true)
			return
		}
	}
	if len(run) > 0 && !possessed && !strings.HasSuffix(a.verb, "ing") && st.objectInPhrase(np, start) {
		// One of the former prosecutors for David Petraeus said: the name
		// is not who speaks; an organisation may speak through its people
		// (a spokesman for the State Department).
		if !st.x.lex.IsOrgHead(run[len(run)-1]) && !st.isPlace(strings.Join(run, " ")) {
			run = nil
		}
	}
	if len(run) > 0 && !possessed {
		// The New York Times, the Democratic National Committee: an
		// organisation's name keeps the capitalised words before its head.
		for !st.ru && st.x.lex.IsOrgHead(run[len(run)-1]) && start > np[0] && st.toks[start-1].upper &&
			!isDeterminer(strings.ToLower(st.word(start-1))) && !st.x.lex.IsTitle(st.word(start-1)) {
			start--
			run = append([]string{st.word(start)}, run...)
		}
		titles := st.text([2]int{np[0], start})
		if st.ru {
			run = st.nominative(run)
		}
		p := st.speakerNamed(run, titles, np, a.appos, st.verbGender(a.verb))
		if p != nil {
			f.who = p
			f.attribution = event.AttributionExplicit
			f.role = joinRole(titles, role)
			if f.role == "" {
				f.role = p.role
			}
			st.ppl.mention(np[0], p, true)
			return
		}
	}
	// A description: the Russian foreign minister, the ministry.
	f.attribution = event.AttributionNominal
	f.role = joinRole(st.text(np), role)
	f.who = st.resolveDescription(np, np[0], st.verbGender(a.verb))
	if f.who != nil && f.who.role != "" {
		f.role = f.who.role
	}
	if f.who != nil {
		st.ppl.mention(np[0], f.who, true)
	}
}

// spokesperson reports whether a role noun speaks for an organisation.
func spokesperson(w string) bool {
	switch w {
	case "spokesman", "spokeswoman", "spokesperson", "representative", "spokesmen", "spokeswomen":
		return true
	}
	return false
}

// personBeforeOf cuts a phrase at the "of" after a person's name:
// Archbishop Aris Shirvanian of the Armenian Patriarchate of Jerusalem is
// Aris Shirvanian, not Jerusalem.
func (st *state) personBeforeOf(np [2]int) [2]int {
	for k := np[0] + 1; k < np[1]-1; k++ {
		if !st.isWord(k, "of") || !st.toks[k-1].upper {
			continue
		}
		head := [2]int{np[0], k}
		if run, start, possessed := st.nameIn(head); len(run) >= 2 && !possessed &&
			(st.firstNameAt(start) || start > np[0] && st.x.lex.IsTitle(st.word(start-1))) {
			return head
		}
	}
	return np
}

// objectInPhrase reports whether the name starting at token start is the
// object of a preposition after a common noun inside the phrase np.
func (st *state) objectInPhrase(np [2]int, start int) bool {
	k := start - 1
	for k > np[0] && st.toks[k].kind == tWord && isDeterminer(strings.ToLower(st.word(k))) {
		k--
	}
	return k > np[0] && st.toks[k].lower && preposition(st.word(k)) && st.toks[k-1].kind == tWord && st.toks[k-1].lower &&
		!isDeterminer(st.word(k-1)) && !st.isWord(k-1, "attributed") && !st.isWord(k-1, "according")
}

// author finds the owner of a document phrase (Bush's Facebook post,
// Clinton's response): the end of the possessive name before its head, or
// 0 when the phrase is no document of someone's.
func (st *state) author(np [2]int) int {
	head := np[1] - 1
	if np[1]-np[0] < 2 || !st.toks[head].lower || !documentNoun(st.word(head)) {
		return 0
	}
	for k := head - 1; k >= np[0]; k-- {
		if st.toks[k].upper && st.possessiveAt(k) {
			return k + 1
		}
	}
	return 0
}

// documentNoun reports whether a word names something written or said
// that speaks for its author: a statement, a letter, a tweet.
func documentNoun(w string) bool {
	switch w {
	case "statement", "post", "letter", "tweet", "tweets", "email", "e-mail", "emails", "memo", "op-ed", "editorial",
		"book", "speech", "remarks", "comments", "response", "reply", "message", "note", "column", "essay",
		"blog", "website", "ad", "video", "interview", "testimony", "dictum", "words", "answer", "release", "newsletter",
		"announcement", "manifesto", "memoir", "autobiography", "account", "page", "posting":
		return true
	}
	return false
}

// speakerNamed finds or adds the person (or organisation) a speaker's name
// run names, with its titles and apposition as roles.
func (st *state) speakerNamed(run []string, titles string, np, appos [2]int, g names.Gender) *person {
	last := run[len(run)-1]
	for _, w := range run {
		if st.x.lex.IsFunction(w) && !st.isFirstName(w) && (w == last || !st.x.lex.IsOrgHead(last)) {
			return nil // Tuesday, Unless: no one's name; but the New York Times
		}
	}
	org := st.x.lex.IsOrgHead(last) || st.isPlace(strings.Join(run, " "))
	for _, w := range strings.Fields(titles) {
		if tg := st.x.lex.TitleGender(w); tg != names.Unknown {
			g = tg
		}
	}
	if org && len(run) == 1 {
		// Cuban said, after Mark Cuban: the person, not the demonym.
		if p := st.ppl.recentSurnamed(np[0], last, func(p *person) bool { return !p.org && len(p.words) > 1 && p.surname() == last }); p != nil {
			st.ppl.addRoles(p, strings.Fields(titles))
			return p
		}
	}
	if !org && len(run) == 1 {
		if p := st.ppl.find(run, g, false, np[0]); p != nil && len(p.words) > 1 {
			st.ppl.addRoles(p, strings.Fields(titles))
			return p
		}
		if st.ppl.hasOrg(last) {
			org = true
		}
	}
	p := st.ppl.find(run, g, org, np[0])
	if p != nil && !org {
		st.ppl.addRoles(p, strings.Fields(titles))
		st.ppl.addRoles(p, strings.Fields(st.text(appos)))
	}
	return p
}

// isPlace reports whether the gazetteer knows a name as a whole: a country
// or an organisation speaks as an organisation.
func (st *state) isPlace(name string) bool {
	if st.x.gaz == nil {
		return false
	}
	return st.x.gaz.Knows(name)
}

func (ps *people) hasOrg(w string) bool {
	for _, p := range ps.bySurname[w] {
		if p.org {
			return true
		}
	}
	return false
}

// resolvePronoun finds who "he" or "she" is: the most recent person of the
// right gender named as a subject (or a speaker) before, else the most
// recent named at all, within a few paragraphs.
func (st *state) resolvePronoun(p pronoun, at int) *person {
	if p != pronounHe && p != pronounShe {
		return nil
	}
	g := names.Male
	if p == pronounShe {
		g = names.Female
	}
	who := st.referent(at, g)
	if who != nil && who.gender == names.Unknown {
		st.ppl.setGender(who, g)
	}
	return who
}

// referent is the person a pronoun of gender g at token at stands for: the
// most recent subject of a compatible gender within three paragraphs, else
// the most recent person named there.
func (st *state) referent(at int, g names.Gender) *person {
	from := st.paragraphsBack(at, 3)
	if who := st.ppl.lastMentioned(from, at, g, true); who != nil {
		return who
	}
	return st.ppl.lastMentioned(from, at, g, false)
}

// resolveDescription finds who a description stands for: the person
// introduced with a title that the description's head matches (the
// minister, the Russian foreign minister, the head of state), the
// organisation named with its head (the ministry), most recent first.
func (st *state) resolveDescription(np [2]int, at int, g names.Gender) *person {
	var words []string
	for i := np[0]; i < np[1]; i++ {
		w := strings.ToLower(stripPossessive(st.word(i)))
		if !isDeterminer(w) && w != "of" {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil
	}
	head := words[len(words)-1]
	if len(words) >= 2 && words[len(words)-1] == "state" && words[len(words)-2] == "head" {
		head = "head"
	}
	if len(words) >= 2 && words[0] == "head" {
		head = "head" // head of state, head of the ministry
	}
	if len(words) >= 2 && (words[0] == "глава" || words[0] == "главы") {
		head = "глава"
	}
	if st.x.lex.IsOrgHead(head) {
		p, _ := latest(at+1, st.ppl.orgs, func(p *person) bool { return hasWordFold(p.words, head) })
		return p
	}
	if !st.x.lex.IsRole(head) {
		return nil
	}
	// "A spokeswoman", "one official" bring in someone new.
	if !st.ru && (st.isWord(np[0], "a") || st.isWord(np[0], "an") || st.isWord(np[0], "one") || st.isWord(np[0], "another")) {
		return nil
	}
	p := st.ppl.rolesMatch(words, head, at)
	// A definite description no title matches stands for the person the
	// text is about at that point: the most recent subject, within a few
	// paragraphs (the gambling tycoon told Reuters; сказал белорусский
	// лидер).
	if p == nil && (st.ru || st.isWord(np[0], "the")) {
		p = st.salient(at, g)
	}
	if p != nil && partyConflict(words, p.roles) {
		return nil // the Democratic front-runner is no Republican
	}
	return p
}

// partyConflict reports whether a description names one American party
// and the person's titles the other.
func partyConflict(words, roles []string) bool {
	party := func(ws []string) int {
		for _, w := range ws {
			switch w {
			case "democratic", "democrat", "democrats":
				return 1
			case "republican", "republicans", "gop":
				return 2
			}
			if len(w) > 2 && w[1] == '-' && (w[0] == 'd' || w[0] == 'r') {
				return 1 + int(w[0]-'d')/int('r'-'d') // d-ill. is a Democrat, r-ky. a Republican
			}
		}
		return 0
	}
	a, b := party(words), party(roles)
	return a != 0 && b != 0 && a != b
}

// maxTitled bounds the people rolesMatch looks at: the mentions it walks
// back and the people who got a title last. A description stands for
// someone named near it; an article naming more people with titles (news
// names tens at most; none of the evaluation corpora's articles over 40)
// must not make each description look at all of them.
const maxTitled = 256

// rolesMatch finds the person whose titles the description's words match
// best among those mentioned by token at, the most recently mentioned of
// equals. It walks the mentions back from at and stops at the first
// person who matches every word; past as many mentions as there are
// people with titles, it looks at the rest of those people instead. Past
// maxTitled people with titles, it walks maxTitled mentions back and looks
// at the maxTitled people who got a title last in the whole text (the
// names are collected before any description is resolved): for a
// description early in such a text, those may all come after it, and only
// the walk back finds anyone.
func (ps *people) rolesMatch(words []string, head string, at int) *person {
	syn := synonyms(head)
	ps.looks++
	var best *person
	bestScore, bestTok := 0, -1
	consider := func(p *person, tok int) {
		p.looked = ps.looks
		if p.org || !anyIn(syn, p.roles) {
			return
		}
		score := 1
		for _, w := range words[:len(words)-1] {
			if in(w, p.roles) {
				score++
			}
		}
		if score > bestScore || score == bestScore && tok > bestTok {
			best, bestScore, bestTok = p, score, tok
		}
	}
	i := ps.mentions.search(at + 1)
	titled := ps.titled[max(0, len(ps.titled)-maxTitled):]
	for n := 0; i > 0 && n < len(titled); n++ {
		i--
		m := ps.mentions.at(i)
		if m.who.looked != ps.looks {
			if consider(m.who, m.tok); bestScore == len(words) {
				return best // no one mentioned before does better
			}
		}
	}
	if i > 0 {
		for _, p := range titled {
			if tok := p.lastBefore(at + 1); tok >= 0 && p.looked != ps.looks {
				consider(p, tok)
			}
		}
	}
	return best
}

// salient is the person most recently named as a subject (or speaker)
// before token at, within three paragraphs, of a gender compatible with g.
func (st *state) salient(at int, g names.Gender) *person {
	return st.ppl.lastMentioned(st.paragraphsBack(at, 2), at, g, true)
}

func hasWordFold(ws []string, w string) bool {
	for _, x := range ws {
		if strings.EqualFold(x, w) {
			return true
		}
	}
	return false
}

// in reports whether w is among ws, or (for inflected languages) one is
// the other with an ending: губернатор and губернатором.
func in(w string, ws []string) bool {
	for _, x := range ws {
		if x == w || len(w) >= 8 && strings.HasPrefix(x, w) || len(x) >= 8 && strings.HasPrefix(w, x) {
			return true
		}
	}
	return false
}

func anyIn(a, b []string) bool {
	for _, x := range a {
		if in(x, b) {
			return true
		}
	}
	return false
}
