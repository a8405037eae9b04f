package quote

import (
	"strings"
	"unicode"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/names"
)

// collectPeople registers the people and organisations the text names, in
// order, with the titles and appositions met beside them: "Russian Minister
// of Foreign Affairs Sergey Lavrov" is Sergey Lavrov with the roles
// russian, minister, foreign, affairs. A run of capitalised words is a
// person when it starts with a known first name or follows a title; it is
// an organisation when it ends with a word like Ministry or Committee.
func (st *state) collectPeople() {
	for i := 0; i < len(st.toks); {
		if st.toks[i].kind != tWord || !st.toks[i].upper {
			i++
			continue
		}
		j := i + 1
		for j < len(st.toks) && (st.toks[j].kind == tWord && st.toks[j].upper || st.nameToken(j, len(st.toks))) && !possessive(st.word(j-1)) {
			j++
		}
		if !st.wholeQuotation(i, j) {
			st.register(i, j)
		}
		i = j
	}
}

// wholeQuotation reports whether the capitalised run [i, j) is all a
// quotation holds: a title (Trump went on to promote “Celebrity
// Apprentice,”), not a person.
func (st *state) wholeQuotation(i, j int) bool {
	if i == 0 || st.toks[i-1].kind != tMark || !st.toks[i].quoted {
		return false
	}
	if st.isPunct(j, ",") || j < len(st.toks) && isSentenceEnd(st.s, st.toks[j]) {
		j++
	}
	return j < len(st.toks) && st.toks[j].kind == tMark
}

// register looks at the capitalised run [i, j).
func (st *state) register(i, j int) {
	lex := st.x.lex
	// Titles lead (Russian Minister of Foreign Affairs); the name is what
	// follows the last of them.
	k := i
	// A title word ending a run that opens with a first name is a surname:
	// Billie Jean King.
	lastIsName := j-i >= 2 && st.isFirstName(st.word(i))
	for m := i; m < j; m++ {
		w := st.word(m)
		c := lex.ClassOf(w)
		if c.Title() && (m+1 < j || !lastIsName) || c.Domain() && m+1 < j || st.toks[m].lower || c.Function() && !st.isFirstName(w) {
			k = m + 1
		}
	}
	if k >= j {
		return
	}
	// A first name further on starts the name: Президент Беларуси
	// Александр Лукашенко, губернатором Санкт-Петербурга Александром
	// Бегловым. Not past a first name: Linda Grant King.
	for m := k + 1; m < j-1 && !st.firstNameAt(k); m++ {
		if st.firstNameAt(m) {
			k = m
			break
		}
	}
	last := stripPossessive(st.word(j - 1))
	if lex.IsOrgHead(last) {
		start := i
		for start < j && (lex.IsFunction(st.word(start)) && !lex.IsDomain(st.word(start))) {
			start++
		}
		if start < j {
			words := st.words(start, j)
			p := st.ppl.find(words, names.Unknown, true, i)
			st.ppl.mention(start, p, st.opensSentence(i))
		}
		return
	}
	titled := k > i || st.roleBefore(i)
	g := names.Unknown
	for m := i; m < k; m++ {
		if tg := lex.TitleGender(st.word(m)); tg != names.Unknown {
			g = tg
		}
	}
	if k > 0 && g == names.Unknown {
		g = lex.TitleGender(st.word(k - 1))
	}
	first, isFirst := lex.FirstName(st.word(k))
	if st.ru {
		st.registerRU(i, k, j, titled)
		return
	}
	switch {
	case j-k >= 2 && (isFirst || titled):
		if g == names.Unknown {
			g = first
		}
	case j-k == 1 && k > i && lex.TitleGender(st.word(k-1)) != names.Unknown:
		// Mr. Cruz
	case j-k == 1 && k > i && lex.IsTitle(st.word(k-1)):
		// Sen. Cruz, President Obama
	case j-k >= 2 && j-k <= 3 && st.opensSentence(i) && !lex.IsPlace(last) && st.subjectAfter(j):
		// Luay Sami, 33, the community center's program coordinator, …
	case j-k == 1:
		// Trump, once Donald Trump is known
		w := stripPossessive(st.word(k))
		if p := st.ppl.recentSurnamed(k, w, func(p *person) bool { return !p.org && p.surname() == w }); p != nil {
			st.ppl.mention(k, p, st.opensSentence(i) || st.afterOpeningPhrase(i, j))
			return
		}
		// Clinton said, Sanders told: a surname opening a sentence before
		// a verb names a person the text has not named in full.
		if k == i && st.opensSentence(i) && !possessive(st.word(k)) && st.subjectAfter(j) && !lex.IsPlace(w) &&
			!allCaps(w) && !st.isPlace(w) && !lex.IsRole(w) {
			st.ppl.mention(k, st.ppl.find([]string{w}, g, false, k), true)
		}
		return
	default:
		return
	}
	words := st.words(k, j)
	p := st.ppl.find(words, g, false, k)
	if p == nil {
		return
	}
	st.ppl.addRoles(p, st.roleWords(i, k))
	if p.role == "" {
		p.role = st.titleText(st.roleStart(i), k)
	}
	if a := st.appositionAfter(j); a[1] > a[0] && st.describes(a) {
		st.ppl.addRoles(p, strings.Fields(st.text(a)))
		if p.role == "" {
			p.role = joinRole(st.text(a), "")
		}
	}
	// The subject of its clause, opening the sentence or not: One month
	// after announcing his support, Marco Rubio still believes.
	st.ppl.mention(k, p, st.opensSentence(i) || st.afterOpeningPhrase(i, j))
}

// afterOpeningPhrase reports whether a name run [i, j) is the subject of
// its sentence after an opening phrase: One month after announcing his
// support, Marco Rubio still believes. Not a name in a subordinate clause
// (had Hillary Clinton congratulated him).
func (st *state) afterOpeningPhrase(i, j int) bool {
	if possessive(st.word(j-1)) || !st.subjectAfter(j) {
		return false
	}
	// Presidential candidate Ben Carson suggests: the titles before the
	// name open the sentence.
	return st.isPunct(i-1, ",") || st.opensSentence(st.roleStart(i))
}

// subjectAfter reports whether a name ending before token j is followed
// the way a sentence's subject is: by an apposition or a verb.
func (st *state) subjectAfter(j int) bool {
	if j >= len(st.toks) {
		return false
	}
	if st.isPunct(j, ",") {
		a := st.appositionAfter(j)
		return a[1] > a[0] && st.describes(a)
	}
	t := st.toks[j]
	if t.kind != tWord || !t.lower {
		return false
	}
	w := st.word(j)
	return st.isVerbEN(w) && !stopWord(w) || verbLike(w) || st.adverb(j)
}

// words are the texts of tokens [i, j), the last without a possessive.
func (st *state) words(i, j int) []string {
	out := make([]string, 0, j-i)
	for m := i; m < j; m++ {
		w := st.word(m)
		if m == j-1 {
			w = stripPossessive(w)
		}
		out = append(out, w)
	}
	return out
}

// roleWords are the title words of [i, k) and the lower-case role words
// just before i: Republican pollster Daron Shaw.
func (st *state) roleWords(i, k int) []string {
	var out []string
	for m := i - 1; m >= 0 && i-m <= 4 && st.toks[m].kind == tWord && st.toks[m].lower && !stopWord(st.word(m)); m-- {
		out = append(out, st.word(m))
	}
	for m := i; m < k; m++ {
		out = append(out, st.word(m))
	}
	return out
}

// roleStart is where the titles before a name run at token i begin: the
// lower-case role words just before it (Republican pollster, официальный
// представитель), and a capitalised word opening the sentence before them.
func (st *state) roleStart(i int) int {
	m := i
	for m > 0 && i-m < 4 && st.toks[m-1].kind == tWord && st.toks[m-1].lower && !stopWord(st.word(m-1)) &&
		(st.x.lex.IsRole(st.word(m-1)) || m < i || adjectiveRU(st.word(m-1))) {
		m--
	}
	if m < i && m > 0 && st.toks[m-1].kind == tWord && st.toks[m-1].upper && st.opensSentence(m-1) {
		m--
	}
	return m
}

// firstNameAt reports whether token m is a first name, in any case form.
func (st *state) firstNameAt(m int) bool {
	w := st.word(m)
	if _, ok := st.x.lex.FirstName(w); ok {
		return true
	}
	return st.ru && st.x.lex.IsFirstNameRU(w)
}

// roleBefore reports whether a role noun stands just before token i:
// pollster Daron Shaw, министр Сергей Лавров.
func (st *state) roleBefore(i int) bool {
	return i > 0 && st.toks[i-1].kind == tWord && st.toks[i-1].lower && st.x.lex.IsRole(st.word(i-1))
}

// describes reports whether an apposition reads as a description of a
// person: a Fed governor, the president's former special envoy.
func (st *state) describes(a [2]int) bool {
	if a[1] <= a[0] {
		return false
	}
	w := strings.ToLower(st.word(a[0]))
	return isDeterminer(w) || st.isRoleWord(w) || a[1]-a[0] > 1 && st.isRoleWord(strings.ToLower(st.word(a[0]+1)))
}

// isRoleWord is IsRole, with the prefixes of a former or shared office
// (co-founder, ex-senator, vice-chairman) left out.
func (st *state) isRoleWord(w string) bool {
	for _, p := range []string{"co-", "ex-", "vice-", "deputy-"} {
		w = strings.TrimPrefix(w, p)
	}
	return st.x.lex.IsRole(w)
}

// opensSentence reports whether token i starts a sentence or a clause
// after a comma: the place of a subject.
func (st *state) opensSentence(i int) bool {
	if i == 0 {
		return true
	}
	p := st.toks[i-1]
	return p.kind == tPara || isSentenceEnd(st.s, p) || p.kind == tMark && !p.quoted
}

// headline finds the quotations of a title attributed in it: Lavrov:
// ‘…’, Lavrov says ‘…’, ‘…’ – Lavrov. Unattributed title quotations are
// left out: most are scare quotes.
func (st *state) headline() []Quote {
	for _, sp := range st.spans {
		if sp.openEnded {
			continue
		}
		var a attrib
		hi := sp.open - 1
		switch {
		case hi >= 0 && st.isPunct(hi, ":"):
			a.np = st.phraseBackwardFrom(hi-1, 0)
			if a.np[1] == a.np[0] {
				a.np = st.phraseBackwardFrom(hi-2, 0) // Lavrov says:
				if a.np[1] > a.np[0] {
					a.verb = strings.ToLower(st.word(hi - 1))
				}
			}
		case hi >= 1 && st.toks[hi].kind == tWord && (st.isVerbEN(st.word(hi)) || st.isVerbRU(st.word(hi))):
			a.np, a.verb = st.phraseBackwardFrom(hi-1, 0), strings.ToLower(st.word(hi))
		default:
			i := sp.close + 1
			for i < len(st.toks) && (isDash(st.s, st.toks[i]) || st.isPunct(i, ",")) {
				i++
			}
			if i > sp.close+1 {
				a.np = st.phraseForward(i, len(st.toks))
			}
		}
		if a.np[1] == a.np[0] {
			continue
		}
		run, start, possessed := st.nameIn(a.np)
		if len(run) == 0 || possessed {
			continue
		}
		if st.ru {
			run = st.nominative(run)
		}
		who := st.speakerNamed(run, st.text([2]int{a.np[0], start}), [2]int{len(st.toks), len(st.toks)}, [2]int{}, names.Unknown)
		if who == nil {
			continue
		}
		f := found{span: sp, who: who, verb: a.verb, attribution: event.AttributionHeadline, role: who.role, at: a.np[0]}
		st.found = append(st.found, f)
	}
	return st.quotes(event.InTitle)
}

// titleText is the text of the titles [i, k) before a name, capitalised
// function words (In, The) left out.
func (st *state) titleText(i, k int) string {
	for i < k && (st.x.lex.IsFunction(st.word(i)) && !st.x.lex.IsTitle(st.word(i)) || st.x.lex.IsHonorific(st.word(i))) {
		i++ // In, The; Mr., Dr. are courtesy titles, not roles
	}
	return st.text([2]int{i, k})
}

// allCaps reports whether a word is an acronym: CNN, NATO.
func allCaps(w string) bool {
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}
