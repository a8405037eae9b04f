package quote

import (
	"strings"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/names"
)

// attrib is an attribution found beside a quotation, in token indices.
type attrib struct {
	ok       bool
	adjacent bool   // right beside the quotation: “…,” X said / X said: “…”
	verb     string // the reporting verb, lower case; "" for "X: “…”"
	np       [2]int // the subject phrase
	appos    [2]int // an apposition after the subject: X, a Fed governor, said
	weak     bool   // found only as the subject of the sentence, with no reporting verb
}

// maximum tokens an attribution may reach from its quotation.
const (
	windowBefore = 60
	windowAfter  = 40
	maxPhrase    = 12
	maxAppos     = 30
)

// attributeAll finds the speaker of every quotation of the body, in order,
// and keeps the quotations that are speech.
func (st *state) attributeAll() {
	para, paraTok := 0, 0
	lastPara := -10
	var last *found
	groupWho := map[int]int{} // group → index in st.found of its attributed member
	for _, sp := range st.spans {
		for ; paraTok < sp.open; paraTok++ {
			if st.toks[paraTok].kind == tPara {
				para++
			}
		}
		var a attrib
		if st.ru {
			a = st.attributeRU(sp)
		} else {
			a = st.attributeEN(sp)
		}
		if !st.isSpeech(sp, a) {
			continue
		}
		f := found{span: sp, attribution: event.AttributionUnknown, subjectTok: -1}
		if a.ok {
			st.resolve(&f, a)
		}
		if !a.ok && st.startsParagraph(sp) && (last == nil || lastPara < para-1) {
			// A quotation opening a paragraph after one that introduced
			// its speaker without quoting: Valastro praised Christie’s
			// leadership.⏎“We need someone who’s going to …”
			if b := st.introducedBy(sp.open - 1); b.ok {
				st.resolve(&f, b)
				a = b
			}
		}
		if !a.ok {
			switch {
			case last != nil && last.group == sp.group:
				f.who, f.role, f.attribution = last.who, last.role, event.AttributionContinuation
			case last != nil && (lastPara == para || lastPara == para-1 && st.startsParagraph(sp)):
				f.who, f.role, f.attribution = last.who, last.role, event.AttributionContinuation
			}
		}
		st.found = append(st.found, f)
		if a.ok {
			if _, seen := groupWho[sp.group]; !seen {
				groupWho[sp.group] = len(st.found) - 1
			}
		}
		last, lastPara = &st.found[len(st.found)-1], para
	}
	// A quotation running over paragraphs is attributed once, often at its
	// end: its other paragraphs take that speaker.
	for i := range st.found {
		f := &st.found[i]
		j, ok := groupWho[f.group]
		if !ok || j == i || f.attribution != event.AttributionUnknown && f.attribution != event.AttributionContinuation {
			continue
		}
		f.who, f.role, f.attribution = st.found[j].who, st.found[j].role, event.AttributionContinuation
	}
}

// introducedBy finds the speaker a paragraph without quotations
// introduces in its last sentence, for a quotation opening the next
// paragraph: the sentence's subject and verb. br is the paragraph break.
func (st *state) introducedBy(br int) attrib {
	if br <= 0 || st.toks[br].kind != tPara {
		return attrib{}
	}
	hi := br - 1
	for hi >= 0 && st.toks[hi].kind == tPunct {
		hi--
	}
	if hi < 0 {
		return attrib{}
	}
	lo := st.sentenceStart(hi + 1)
	for k := lo; k <= hi; k++ {
		if st.toks[k].kind == tMark {
			return attrib{}
		}
	}
	a := st.subjectVerb(lo, hi)
	a.adjacent = false
	return a
}

// startsParagraph reports whether a quotation opens its paragraph.
func (st *state) startsParagraph(sp span) bool {
	return sp.open == 0 || st.toks[sp.open-1].kind == tPara
}

// isSpeech tells speech from scare quotes and titles: an attributed
// quotation is speech; an unattributed one must be four words or more, not
// in title case, and not introduced as a name ("the so-called “…”").
func (st *state) isSpeech(sp span, a attrib) bool {
	if st.titleCase(sp) && !st.endsSentence(sp) {
		return false
	}
	if sp.words < 4 && st.modifier(sp) {
		return false
	}
	if a.ok && a.adjacent {
		return true
	}
	if st.named(sp) {
		return false
	}
	if sp.words >= 4 {
		return true
	}
	return a.ok && !a.weak
}

// endsSentence reports whether a quotation's last word is followed by
// sentence-final punctuation inside the marks.
func (st *state) endsSentence(sp span) bool {
	c := min(sp.close, len(st.toks)) - 1
	return c > sp.open && (isSentenceEnd(st.s, st.toks[c]) || st.isPunct(c, ","))
}

// modifier reports whether a short quotation stands before the noun it
// qualifies: “rebellious” people.
func (st *state) modifier(sp span) bool {
	i := sp.close + 1
	if sp.openEnded || i >= len(st.toks) || st.toks[i].kind != tWord || !st.toks[i].lower || st.endsSentence(sp) {
		return false
	}
	w := st.word(i)
	return !stopWord(w) && !isDeterminer(w) && pronounGender(w) == pronounNone && !st.isVerbEN(w) && !verbLike(w)
}

// titleCase reports whether every longer word of a quotation is
// capitalised: “Saturday Night Live”, “Doomed to Succeed”.
func (st *state) titleCase(sp span) bool {
	n := 0
	for i := sp.open + 1; i < sp.close && i < len(st.toks); i++ {
		t := st.toks[i]
		if t.kind != tWord || t.end-t.start <= 3 && !t.upper {
			continue
		}
		if !t.upper {
			return false
		}
		n++
	}
	return n >= 1 && sp.words <= 8
}

// named reports whether the words before a quotation introduce a name or a
// term rather than speech: the “…” mechanism, so-called “…”, dubbed “…”.
func (st *state) named(sp span) bool {
	i := sp.open - 1
	if i < 0 || st.toks[i].kind != tWord {
		return false
	}
	w := strings.ToLower(st.word(i))
	// Programmes, projects and campaigns are named, in any case form:
	// о программе «Здоровые города», проекта «…», the “…” initiative.
	for _, stem := range []string{"програм", "проект", "акци", "форум", "конкурс", "фестивал", "кампани", "марафон", "лозунг", "девиз", "назван", "операци", "инициатив"} {
		if strings.HasPrefix(w, stem) {
			return true
		}
	}
	switch w {
	case "the", "a", "an", "so-called", "called", "dubbed", "titled", "entitled", "named", "nicknamed",
		"term", "terms", "word", "words", "phrase", "slogan", "hashtag", "label", "labeled", "labelled",
		"its", "their", "his", "her", "our", "this", "these", "those", "as",
		"так", "называемый", "называемая", "называемое", "называемые", "под", "названием", "проект", "программа", "программы":
		return true
	}
	return false
}

// attributeEN finds an English attribution after a quotation (“…,” X
// said), else before it (X said: “…”; according to X, “…”).
func (st *state) attributeEN(sp span) attrib {
	if a := st.afterEN(sp); a.ok {
		return a
	}
	return st.beforeEN(sp)
}

func (st *state) afterEN(sp span) attrib {
	if sp.openEnded {
		return attrib{}
	}
	i := sp.close + 1
	if i+1 < len(st.toks) && st.toks[i].kind == tPara && isDash(st.s, st.toks[i+1]) {
		// A paragraph of its own names the speaker: ⏎- Bernie Sanders.
		np := st.phraseForward(i+2, len(st.toks))
		if np[1] > np[0] && st.toks[np[1]-1].upper && (np[1] >= len(st.toks) || st.toks[np[1]].kind != tWord) {
			if run, _, _ := st.nameIn(np); len(run) > 0 {
				return attrib{ok: true, adjacent: true, np: np}
			}
		}
	}
	lastInside := ""
	if sp.close-1 > sp.open && st.toks[sp.close-1].kind == tPunct {
		lastInside = st.word(sp.close - 1)
	}
	for i < len(st.toks) && st.toks[i].kind == tPunct && (st.isPunct(i, ",") || isDash(st.s, st.toks[i])) {
		i++
	}
	if i >= len(st.toks) || st.toks[i].kind != tWord || i > sp.close+3 {
		return attrib{}
	}
	if lastInside == "." && st.toks[i].upper {
		// A new sentence, unless it is only the attribution: “….” Trump said.
		np := st.phraseForward(i, len(st.toks))
		v := st.skipAdverbs(np[1])
		if np[1] == np[0] || v >= len(st.toks) || !st.isVerbEN(strings.ToLower(st.word(v))) ||
			v+1 < len(st.toks) && !isSentenceEnd(st.s, st.toks[v+1]) && !st.isPunct(v+1, ",") {
			return attrib{}
		}
		return attrib{ok: true, adjacent: true, verb: strings.ToLower(st.word(v)), np: np}
	}
	w := strings.ToLower(st.word(i))
	switch {
	case st.toks[i].lower && (st.isVerbEN(w) || verbLike(w) && i+1 < len(st.toks) && st.toks[i+1].upper):
		// Inverted: “…,” said Geoff Garin, a Democratic pollster.
		np := st.phraseForward(i+1, len(st.toks))
		if np[1] == np[0] {
			return attrib{}
		}
		j := np[1]
		if !st.toks[np[1]-1].upper {
			// said his best friend at Lehigh, Bruce Turry: a short phrase
			// before the name.
			for k := j; k < len(st.toks) && k-j < 5 && st.toks[k].kind == tWord; k++ {
				if st.isPunct(k+1, ",") {
					j = k + 1
					break
				}
			}
		}
		return attrib{ok: true, adjacent: true, verb: w, np: np, appos: st.appositionAfter(j)}
	case w == "according" && st.isWord(i+1, "to"):
		np := st.phraseForward(i+2, len(st.toks))
		return attrib{ok: np[1] > np[0], adjacent: true, verb: "according to", np: np, appos: st.appositionAfter(np[1])}
	case w == "as" && st.toks[i].lower:
		// “…,” as Mrs. Clinton put it.
		np := st.phraseForward(i+1, len(st.toks))
		j := st.skipAdverbs(np[1])
		if np[1] > np[0] && st.namedOrPronoun(np) && j < len(st.toks) && st.toks[j].kind == tWord && st.toks[j].lower {
			return attrib{ok: true, adjacent: true, verb: strings.ToLower(st.word(j)), np: np}
		}
		return st.laterInSentence(i)
	}
	np := st.phraseForward(i, len(st.toks))
	if np[1] == np[0] {
		return st.laterInSentence(i)
	}
	if isDash(st.s, st.toks[i-1]) && st.toks[np[1]-1].upper && (np[1] >= len(st.toks) || st.toks[np[1]].kind != tWord) {
		// “…” – Lavrov: a dash and a name, no verb.
		if run, _, _ := st.nameIn(np); len(run) > 0 {
			return attrib{ok: true, adjacent: true, np: np, appos: st.appositionAfter(np[1])}
		}
	}
	j := st.skipParenthesis(np[1])
	if st.isWord(j, "of") && st.toks[np[1]-1].upper {
		// James Pethokoukis of the American Enterprise Institute wrote
		k := j + 1
		for k < len(st.toks) && k-j < 8 && st.toks[k].kind == tWord && (st.toks[k].upper || st.isWord(k, "the") || st.isWord(k, "of")) {
			k++
		}
		j = k
	}
	var appos [2]int
	// Cecelia Purner, 67, a retired customer service representative in
	// Allentown, Pa., said: up to three comma-separated appositions.
	for n := 0; n < 3 && st.isPunct(j, ","); n++ {
		a := st.appositionAfter(j)
		if a[1] <= a[0] || !st.isPunct(a[1], ",") {
			break
		}
		if appos[1] == 0 {
			appos = a
		} else {
			appos[1] = a[1]
		}
		j = a[1] + 1
		if k := st.skipAdverbs(j); k < len(st.toks) && st.toks[k].lower && (st.isVerbEN(st.word(k)) || verbLike(st.word(k))) {
			break
		}
	}
	j = st.skipAdverbs(j)
	if j < len(st.toks) && st.toks[j].kind == tWord && st.toks[j].lower {
		v := strings.ToLower(st.word(j))
		if st.isVerbEN(v) || verbLike(v) {
			return attrib{ok: true, adjacent: true, verb: v, np: np, appos: appos}
		}
	}
	return st.laterInSentence(i)
}

// laterInSentence finds an inverted attribution further on in the
// quotation's sentence: “…,” since so many cases were decided 5-to-4, said
// Lee Epstein.
func (st *state) laterInSentence(i int) attrib {
	end := st.sentenceEnd(i)
	for v := i; v < end; v++ {
		t := st.toks[v]
		if t.kind != tWord || !t.lower || !st.isVerbEN(st.word(v)) {
			continue
		}
		// …, Mr. Turry said.
		np := st.phraseBackwardFrom(v-1, i)
		c := np[0] - 1
		for c > i && st.toks[c].upper && st.x.lex.IsFunction(st.word(c)) {
			c-- // , Republican candidate Ben Carson said
		}
		if np[1] > np[0] && st.isPunct(c, ",") && st.toks[np[1]-1].upper {
			if run, _, _ := st.nameIn(np); len(run) > 0 {
				return attrib{ok: true, verb: strings.ToLower(st.word(v)), np: np}
			}
		}
		if !st.isPunct(v-1, ",") {
			continue
		}
		np = st.phraseForward(v+1, end)
		if np[1] > np[0] && st.toks[np[1]-1].upper {
			if run, _, _ := st.nameIn(np); len(run) > 0 {
				return attrib{ok: true, verb: strings.ToLower(st.word(v)), np: np, appos: st.appositionAfter(np[1])}
			}
		}
	}
	return attrib{}
}

func (st *state) beforeEN(sp span) attrib {
	hi := sp.open - 1
	lo := st.sentenceStart(sp.open)
	colon := hi >= 0 && st.isPunct(hi, ":")
	if lo > hi && hi >= 1 && st.toks[hi].kind == tPara && st.isPunct(hi-1, ":") {
		// He declared:⏎“It is …”
		hi = hi - 1
		lo = st.sentenceStart(hi)
		colon = true
	}
	if lo > hi {
		return attrib{}
	}
	adjacent := colon || st.isPunct(hi, ",")
	// The reporting verb nearest the quotation, with its subject before it
	// or after it.
	for v := hi; v >= lo; v-- {
		t := st.toks[v]
		// Verbs are lower case, but a sentence may open with one: Said
		// Dorothy Poynter, “…”; According to Trump, …
		if t.kind != tWord || t.quoted || !t.lower && v != lo {
			continue
		}
		w := strings.ToLower(st.word(v))
		if w == "according" && st.isWord(v+1, "to") {
			np := st.phraseForward(v+2, hi+1)
			if np[1] > np[0] {
				return attrib{ok: true, adjacent: adjacent, verb: "according to", np: np, appos: st.appositionAfter(np[1])}
			}
			continue
		}
		if !st.isVerbAt(v) || st.nounAt(v) {
			continue
		}
		if strings.HasSuffix(w, "ing") && st.isPunct(v-1, ",") {
			// Clinton dismissed the report, saying “…”: the sentence's subject.
			if a := st.sentenceSubject(lo, v-1); a.ok {
				a.verb, a.adjacent, a.weak = w, adjacent && st.near(v, hi), false
				return a
			}
			continue
		}
		if np, appos := st.phraseBackward(v, lo); np[1] > np[0] && st.plausibleSubject(np) {
			return attrib{ok: true, adjacent: adjacent && st.near(v, hi), verb: w, np: np, appos: appos}
		}
		if p := v - 1; p >= lo && (st.isWord(p, "and") || st.isWord(p, "but") || st.isWord(p, "then")) {
			// Carson did not mention his opponents, but told his supporters
			if a := st.sentenceSubject(lo, p); a.ok {
				a.verb, a.adjacent, a.weak = w, adjacent && st.near(v, hi), false
				return a
			}
			continue
		}
		// Inverted only right after a comma or the sentence's start: said
		// Mr. Garin, “…”; not "told his supporters".
		if v > lo && !st.isPunct(v-1, ",") {
			continue
		}
		if np := st.phraseForward(v+1, hi+1); np[1] > np[0] {
			return attrib{ok: true, adjacent: adjacent && st.near(np[1], hi), verb: w, np: np, appos: st.appositionAfter(np[1])}
		}
	}
	// Dave Gorab called the show “…”: a name and the verb after it.
	if a := st.subjectVerb(lo, hi); a.ok {
		return a
	}
	// X: “…”
	if colon {
		if np := st.phraseBackwardFrom(hi-1, lo); np[1] > np[0] && np[1] == hi {
			return attrib{ok: true, adjacent: true, np: np}
		}
	}
	// A quotation inside a sentence about someone: Mr. Cruz pledged to
	// oppose legal status “today, tomorrow, forever.”
	if hi-lo >= 2 {
		if a := st.sentenceSubject(lo, hi); a.ok {
			return a
		}
	}
	return attrib{}
}

// subjectVerb finds, nearest the quotation first, a name or a personal
// pronoun followed by a verb in [lo, hi]: Paul Ryan worried that …, Trump
// launched an attack, calling him “…”.
func (st *state) subjectVerb(lo, hi int) attrib {
	for v := hi; v > lo; v-- {
		t := st.toks[v]
		if t.kind != tWord || !t.lower || t.quoted {
			continue
		}
		w := st.word(v)
		if stopWord(w) && !st.adverb(v) || !(st.isVerbEN(w) || verbLike(w) || strings.HasSuffix(w, "ing") && len(w) > 5 || strings.HasSuffix(w, "s") && len(w) > 3) {
			continue
		}
		e := v
		for n := 0; e > lo && n < 2 && st.adverb(e-1); n++ {
			e--
		}
		e = st.skipParenthesisBack(e, lo)
		p := e - 1
		if p >= lo && st.isPunct(p, ",") {
			// Senator Shelley Moore Capito, Republican of West Virginia, called
			if np, appos := st.phraseBackward(e, lo); np[1] > np[0] && st.toks[np[1]-1].upper && !possessive(st.word(np[1]-1)) && st.describes(appos) {
				if run, _, _ := st.nameIn(np); len(run) > 0 {
					return attrib{ok: true, weak: !st.isVerbEN(w), verb: strings.ToLower(w), np: np, appos: appos}
				}
			}
			continue
		}
		if p < lo || st.toks[p].kind != tWord {
			continue
		}
		if pg := pronounGender(strings.ToLower(st.word(p))); pg == pronounHe || pg == pronounShe {
			return attrib{ok: true, weak: !st.isVerbEN(w), verb: strings.ToLower(w), np: [2]int{p, p + 1}}
		}
		if !st.toks[p].upper || possessive(st.word(p)) || st.x.lex.IsFunction(st.word(p)) && !st.isFirstName(st.word(p)) {
			continue
		}
		np := st.phraseBackwardFrom(p, lo)
		if np[1] == np[0] {
			continue
		}
		// Not the object of a preposition: … said to Trump.
		if np[0] > lo && st.toks[np[0]-1].kind == tWord && stopWord(strings.ToLower(st.word(np[0]-1))) {
			continue
		}
		if run, _, _ := st.nameIn(np); len(run) == 0 {
			continue
		}
		return attrib{ok: true, weak: !st.isVerbEN(w), verb: strings.ToLower(w), np: np}
	}
	return attrib{}
}

// skipParenthesisBack passes back over a short parenthesis ending just
// before token e: Sen. Bernie Sanders (I-Vt.) called.
func (st *state) skipParenthesisBack(e, lo int) int {
	if e-1 <= lo || !st.isPunct(e-1, ")") {
		return e
	}
	for k := e - 2; k >= lo && e-k < 9; k-- {
		if st.isPunct(k, "(") {
			return k
		}
	}
	return e
}

// sentenceSubject reads the subject that opens a sentence at lo, with its
// apposition, when a verb follows it before hi: Huma Abedin, vice
// chairwoman for Clinton’s campaign, emailed supporters …
func (st *state) sentenceSubject(lo, hi int) attrib {
	// In response to Trump’s proposal, Hillary Clinton’s right-hand woman
	// rallied supporters: the subject follows an opening phrase.
	if lo < hi && st.toks[lo].upper && st.leadingPreposition(st.word(lo)) {
		for k := lo + 1; k < hi && k-lo < 20; k++ {
			if st.isPunct(k, ",") {
				lo = k + 1
				break
			}
		}
	}
	np := st.phraseForward(lo, hi+1)
	if np[1] == np[0] || !st.namedOrPronoun(np) {
		return attrib{}
	}
	j := st.skipParenthesis(np[1])
	var appos [2]int
	if st.isPunct(j, ",") {
		appos = st.appositionAfter(j)
		if appos[1] <= appos[0] || !st.isPunct(appos[1], ",") {
			return attrib{}
		}
		j = appos[1] + 1
	}
	j = st.skipAdverbs(j)
	if j >= hi || st.toks[j].kind != tWord || !st.toks[j].lower || stopWord(st.word(j)) && !st.adverb(j) {
		return attrib{}
	}
	return attrib{ok: true, weak: true, verb: strings.ToLower(st.word(j)), np: np, appos: appos}
}

// leadingPreposition reports whether a capitalised word opens a sentence
// with a phrase before its subject: In, On, After, During.
func (st *state) leadingPreposition(w string) bool {
	switch w {
	case "In", "On", "At", "After", "Before", "During", "Since", "With", "For", "From", "Despite",
		"Following", "Asked", "Speaking", "Earlier", "Later", "Last", "When", "While", "Although", "As":
		return true
	}
	return false
}

// plausibleSubject reports whether a phrase read backwards from a verb can
// be its subject: a pronoun, a name or a description with a noun head, not
// a number or a bare adjective.
func (st *state) plausibleSubject(np [2]int) bool {
	last := st.toks[np[1]-1]
	if last.upper {
		return true
	}
	w := strings.ToLower(st.word(np[1] - 1))
	if pronounGender(w) != pronounNone {
		return true
	}
	return np[1]-np[0] >= 2 && isDeterminer(strings.ToLower(st.word(np[0]))) || st.x.lex.IsRole(w) || st.x.lex.IsOrgHead(w)
}

// nounAt reports whether a word that may be a verb is a noun here: after
// a determiner or a possessive (the comments, Ginsburg’s remarks).
func (st *state) nounAt(v int) bool {
	if v == 0 || st.toks[v-1].kind != tWord {
		return false
	}
	p := st.word(v - 1)
	return isDeterminer(strings.ToLower(p)) || possessive(p) || p == "those" || p == "these" || p == "my" || p == "your"
}

// skipParenthesis passes over a short parenthesis at token i: (D-Ill.).
func (st *state) skipParenthesis(i int) int {
	if !st.isPunct(i, "(") {
		return i
	}
	for k := i + 1; k < len(st.toks) && k-i < 8; k++ {
		if st.isPunct(k, ")") {
			return k + 1
		}
	}
	return i
}

// near reports whether token i is within a few tokens before hi: the
// attribution introduces the quotation rather than an earlier clause.
func (st *state) near(i, hi int) bool { return hi-i <= 6 }

// sentenceStart is the first token of the sentence holding token i: after
// the last sentence end, paragraph break or quotation before it.
func (st *state) sentenceStart(i int) int {
	lo := max(0, i-windowBefore)
	for k := i - 1; k >= lo; k-- {
		t := st.toks[k]
		if t.kind == tPara || isSentenceEnd(st.s, t) && !st.inWordQuote(k) || st.isPunct(k, ";") && !t.quoted {
			return k + 1
		}
	}
	return lo
}

// inWordQuote reports whether a sentence end at token k is inside a short
// quotation that a sentence goes on after: he called it “a disgrace.” and
// left.
func (st *state) inWordQuote(k int) bool {
	return st.toks[k].quoted && k+1 < len(st.toks) && st.toks[k+1].kind == tMark &&
		k+2 < len(st.toks) && st.toks[k+2].kind == tWord && st.toks[k+2].lower
}

// namedOrPronoun reports whether a phrase names someone or is a personal
// pronoun.
func (st *state) namedOrPronoun(np [2]int) bool {
	if np[1]-np[0] == 1 && pronounGender(strings.ToLower(st.word(np[0]))) != pronounNone {
		return true
	}
	for i := np[0]; i < np[1]; i++ {
		if st.toks[i].upper && !st.x.lex.IsFunction(st.word(i)) {
			return true
		}
	}
	return false
}

// isVerbEN reports whether a lower-case word reports speech.
func (st *state) isVerbEN(w string) bool { return st.x.verbs.English(w) }

// isVerbAt is isVerbEN for token v, with "put it" (as Mr. Amar put it).
func (st *state) isVerbAt(v int) bool {
	w := st.word(v)
	return st.isVerbEN(w) || w == "put" && st.isWord(v+1, "it")
}

// verbLike reports whether a lower-case word after a subject reads as a
// past-tense verb: “…,” he complained.
func verbLike(w string) bool {
	if len(w) > 4 && strings.HasSuffix(w, "ed") {
		return true
	}
	switch w {
	case "went", "shot", "spoke", "put", "felt", "began", "gave", "took", "made", "kept", "chimed",
		"threw", "fired", "broke", "sang", "swore", "bit", "hit", "let", "struck", "spat", "got":
		return true
	}
	return false
}

// skipAdverbs passes over the adverbs and auxiliaries between a subject and
// its verb: he later said, she has said, Trump also told.
func (st *state) skipAdverbs(i int) int {
	for n := 0; i < len(st.toks) && n < 3 && st.adverb(i); n++ {
		i++
	}
	return i
}

func (st *state) adverb(i int) bool {
	t := st.toks[i]
	if t.kind != tWord || !t.lower {
		return false
	}
	w := st.word(i)
	switch w {
	case "also", "later", "then", "has", "had", "have", "would", "will", "once", "recently", "previously",
		"again", "further", "just", "simply", "often", "never", "ever", "did", "does", "do", "was", "is",
		"been", "first", "famously", "privately", "publicly", "still", "now", "earlier", "already",
		"subsequently", "repeatedly", "frequently", "reportedly", "sometimes", "told", "recalls",
		"также", "еще", "ещё", "тогда", "затем", "потом", "особо", "отдельно", "также,":
		return w != "told" && w != "recalls"
	}
	return strings.HasSuffix(w, "ly") && len(w) > 4
}

// stopWord reports whether a lower-case word cannot be inside a subject
// phrase: it opens a clause or a prepositional phrase.
func stopWord(w string) bool {
	switch w {
	case "that", "which", "who", "whom", "whose", "when", "where", "while", "and", "but", "or", "because",
		"if", "as", "than", "so", "to", "in", "on", "at", "by", "from", "with", "after", "before",
		"during", "since", "into", "about", "over", "under", "through", "against", "is", "are", "was",
		"were", "be", "been", "has", "have", "had", "will", "would", "can", "could", "should", "may",
		"might", "must", "not", "no", "it", "this", "there", "what", "how", "why", "do", "does", "did",
		"said", "says", "told", "added", "also", "then", "later", "too", "both", "all", "very", "just",
		"что", "как", "и", "но", "а", "в", "на", "с", "по", "о", "об", "при", "для", "из", "за", "у",
		"к", "от", "до", "не", "это", "он", "она", "они", "же", "ли", "бы":
		return true
	}
	return false
}

func isDeterminer(w string) bool {
	switch w {
	case "the", "a", "an", "his", "her", "their", "its", "our", "this", "that", "one", "another":
		return true
	}
	return false
}

// phraseForward reads a subject phrase starting at token i and ending
// before limit: a pronoun, a name with its titles, or a description. It
// stops at punctuation, a reporting verb or a word that starts a clause.
func (st *state) phraseForward(i, limit int) [2]int {
	limit = min(limit, len(st.toks))
	if i >= limit || st.toks[i].kind != tWord {
		return [2]int{i, i}
	}
	if pronounGender(strings.ToLower(st.word(i))) != pronounNone {
		return [2]int{i, i + 1}
	}
	j := i
	content := false
	for j < limit && j-i < maxPhrase {
		t := st.toks[j]
		if t.kind != tWord {
			break
		}
		w := st.word(j)
		if t.lower {
			lw := w
			if lw == "of" && j > i && st.toks[j-1].upper && !st.x.lex.IsTitle(st.word(j-1)) && !st.x.lex.IsDomain(st.word(j-1)) && !st.x.lex.IsOrgHead(st.word(j-1)) {
				break // Robert Antonacci of the New York delegation
			}
			if content && st.adverb(j) {
				break // Hillary Clinton immediately posted
			}
			if j > i && (stopWord(lw) && lw != "of" && lw != "for") || st.isVerbEN(lw) && content ||
				content && verbLike(lw) && !st.x.lex.IsRole(lw) {
				break
			}
			if j == i && stopWord(lw) {
				break
			}
		}
		if !isDeterminer(strings.ToLower(w)) {
			content = true
		}
		j++
	}
	// "of" and "for" do not end a phrase.
	for j > i && (st.isWord(j-1, "of") || st.isWord(j-1, "for") || st.isWord(j-1, "the")) {
		j--
	}
	return [2]int{i, j}
}

// phraseBackward reads the subject phrase that ends just before the verb at
// token v (over adverbs and an apposition), reaching back no further than
// lo.
func (st *state) phraseBackward(v, lo int) ([2]int, [2]int) {
	j := v - 1
	for n := 0; j >= lo && n < 3 && st.adverb(j); n++ {
		j--
	}
	var appos [2]int
	if j > lo && st.isPunct(j, ",") && st.isPunct(j-1, ")") {
		j-- // Gov. John Kasich (R-OH), said
	}
	if j >= lo && st.isPunct(j, ",") {
		// X, a Fed governor, said
		k := j - 1
		for k >= lo && j-k < maxAppos && !st.isPunct(k, ",") && st.toks[k].kind != tMark && !isSentenceEnd(st.s, st.toks[k]) {
			k--
		}
		if k < lo || !st.isPunct(k, ",") || k == j-1 {
			return [2]int{}, [2]int{}
		}
		appos = [2]int{k + 1, j}
		j = k - 1
		// Clinton, 35, the daughter of …, said: more than one apposition.
		for n := 0; n < 2 && j > lo && st.toks[j].kind == tWord && !st.toks[j].upper && st.isPunct(j-1, ","); n++ {
			k = j - 1
			appos[0] = j
			j = k - 1
		}
	}
	np := st.phraseBackwardFrom(j, lo)
	if np[1] == np[0] {
		return np, [2]int{}
	}
	return np, appos
}

// phraseBackwardFrom reads a subject phrase ending at token j (inclusive).
func (st *state) phraseBackwardFrom(j, lo int) [2]int {
	// Sen. Richard J. Durbin (D-Ill.) said: a parenthesis after the name.
	if j > lo && st.isPunct(j, ")") {
		k := j - 1
		for k > lo && j-k < 8 && !st.isPunct(k, "(") {
			k--
		}
		if st.isPunct(k, "(") {
			j = k - 1
		}
	}
	if j < lo || j < 0 || st.toks[j].kind != tWord {
		return [2]int{}
	}
	end := j + 1
	if pronounGender(strings.ToLower(st.word(j))) != pronounNone {
		return [2]int{j, end}
	}
	k := j
	for k >= lo && end-k <= maxPhrase {
		t := st.toks[k]
		if t.kind != tWord {
			break
		}
		w := st.word(k)
		if t.lower && (stopWord(w) && w != "of" && w != "for" || st.isVerbEN(w) || k < j && verbLike(w) && !st.x.lex.IsRole(w)) {
			break
		}
		if isDeterminer(strings.ToLower(w)) || t.upper && k < j && possessive(w) {
			k--
			break
		}
		k--
	}
	start := k + 1
	// Leading capitalised function words (Meanwhile, But) are not the
	// subject's.
	for start < end && st.toks[start].upper && st.x.lex.IsFunction(st.word(start)) && !st.x.lex.IsTitle(st.word(start)) && !isDeterminer(strings.ToLower(st.word(start))) {
		start++
	}
	for start < end && (st.isWord(start, "of") || st.isWord(start, "for")) {
		start++
	}
	return [2]int{start, end}
}

// appositionAfter is the apposition that follows a subject phrase ending
// at token i: “…,” said Geoff Garin, a Democratic pollster, … It runs to
// the next comma or the sentence's end.
func (st *state) appositionAfter(i int) [2]int {
	if !st.isPunct(i, ",") {
		return [2]int{}
	}
	k := i + 1
	for k < len(st.toks) && k-i < maxAppos {
		t := st.toks[k]
		if t.kind == tPara || t.kind == tMark || st.isPunct(k, ",") || isSentenceEnd(st.s, t) || st.isPunct(k, ";") {
			break
		}
		k++
	}
	if k == i+1 {
		return [2]int{}
	}
	return [2]int{i + 1, k}
}

type pronoun uint8

const (
	pronounNone pronoun = iota
	pronounHe
	pronounShe
	pronounThey
	pronounI
)

func pronounGender(w string) pronoun {
	switch w {
	case "he", "он":
		return pronounHe
	case "she", "она":
		return pronounShe
	case "they", "они":
		return pronounThey
	case "i", "we", "я", "мы":
		return pronounI
	}
	return pronounNone
}

func possessive(w string) bool {
	return strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") || strings.HasSuffix(w, "s'") || strings.HasSuffix(w, "s’")
}

func stripPossessive(w string) string {
	for _, s := range []string{"'s", "’s", "'", "’"} {
		if t, ok := strings.CutSuffix(w, s); ok {
			return t
		}
	}
	return w
}

// resolve turns an attribution into a speaker: a named person (explicit),
// a description or an organisation (nominal) or a pronoun, resolved to a
// person the text introduced.
func (st *state) resolve(f *found, a attrib) {
	f.verb = a.verb
	np := a.np
	f.subjectTok = np[0]
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
	run, start, possessed := st.nameIn(np)
	if possessed && np[1]-start == len(run)+1 && st.x.lex.IsOrgHead(st.word(np[1]-1)) {
		// Mrs. Clinton's campaign: the campaign speaks, an organisation.
		org := []string{run[len(run)-1], strings.ToLower(st.word(np[1] - 1))}
		if p := st.ppl.find(org, names.Unknown, true, np[0]); p != nil {
			f.who, f.attribution = p, event.AttributionExplicit
			return
		}
	}
	if len(run) > 0 && !possessed {
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

func joinRole(a, b string) string {
	a = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(a, "the "), "The "))
	switch a {
	case "the", "The", "a", "A", "an", "An", "Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Mr", "Mrs", "Ms", "Dr":
		a = "" // an article or a courtesy title is no role
	}
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ", " + b
}

// text is the source text of a token range.
func (st *state) text(r [2]int) string {
	if r[1] <= r[0] || r[0] < 0 || r[1] > len(st.toks) {
		return ""
	}
	return st.s[st.toks[r[0]].start:st.toks[r[1]-1].end]
}

// nameIn finds the last run of capitalised words in a phrase that is a
// name: titles before it (President, Sen., Minister of Foreign Affairs) are
// left out. possessed is set when the name only owns the phrase's head
// (Obama's spokesman).
func (st *state) nameIn(np [2]int) (run []string, start int, possessed bool) {
	end := -1
	for i := np[1] - 1; i >= np[0]; i-- {
		if st.toks[i].upper {
			end = i + 1
			break
		}
	}
	if end < 0 {
		return nil, 0, false
	}
	start = end
	for start > np[0] && st.nameToken(start-1, end) {
		start--
	}
	// Titles and function words lead; the name follows the last of them.
	k := start
	for i := start; i < end; i++ {
		w := st.word(i)
		// A title word that ends the run is a surname: Peter T. King,
		// Mr. Prince.
		if st.x.lex.IsTitle(w) && (i+1 < end || i == start) || st.x.lex.IsDomain(w) && i+1 < end || st.x.lex.IsFunction(w) && !st.isFirstName(w) || st.toks[i].lower {
			k = i + 1
		}
	}
	if k == end {
		return nil, 0, false
	}
	for m := k + 1; m < end-1; m++ {
		if st.firstNameAt(m) {
			k = m
			break
		}
	}
	possessed = end < np[1] && possessive(st.word(end-1))
	if end < np[1] && !possessed {
		return nil, 0, false // a modifier: the Russian foreign minister
	}
	run = make([]string, 0, end-k)
	for i := k; i < end; i++ {
		w := st.word(i)
		if i == end-1 {
			w = stripPossessive(w)
		}
		run = append(run, w)
	}
	return run, k, possessed
}

func (st *state) isFirstName(w string) bool {
	_, ok := st.x.lex.FirstName(w)
	return ok
}

// nameToken reports whether token i may be part of a capitalised name run
// ending at end: capitalised words, initials, and the particles and "of"
// that join them (Minister of Foreign Affairs, Charles de Gaulle).
func (st *state) nameToken(i, end int) bool {
	t := st.toks[i]
	if t.kind != tWord {
		return false
	}
	if t.upper {
		return true
	}
	if i+1 >= end || !st.toks[i+1].upper {
		return false
	}
	switch st.word(i) {
	case "de", "van", "von", "bin", "al", "da", "del", "der", "la", "le", "du", "ibn":
		return true
	case "of":
		// Minister of Foreign Affairs, Bank of America; not Mark Ellison of
		// Ohio.
		if i == 0 || st.toks[i-1].kind != tWord {
			return false
		}
		p := st.word(i - 1)
		return st.x.lex.IsTitle(p) || st.x.lex.IsDomain(p) || st.x.lex.IsOrgHead(p)
	case "the":
		return st.isWord(i-1, "of")
	}
	return false
}

// speakerNamed finds or adds the person (or organisation) a speaker's name
// run names, with its titles and apposition as roles.
func (st *state) speakerNamed(run []string, titles string, np, appos [2]int, g names.Gender) *person {
	for _, w := range run {
		if st.x.lex.IsFunction(w) {
			if _, ok := st.x.lex.FirstName(w); !ok {
				return nil // Tuesday, Unless: no one's name
			}
		}
	}
	last := run[len(run)-1]
	org := st.x.lex.IsOrgHead(last) || st.isPlace(strings.Join(run, " "))
	for _, w := range strings.Fields(titles) {
		if tg := st.x.lex.TitleGender(w); tg != names.Unknown {
			g = tg
		}
	}
	if !org && len(run) == 1 {
		if p := st.ppl.find(run, g, false, np[0]); p != nil && len(p.words) > 1 {
			p.addRoles(strings.Fields(titles))
			return p
		}
		if st.ppl.hasOrg(last) {
			org = true
		}
	}
	p := st.ppl.find(run, g, org, np[0])
	if p != nil && !org {
		p.addRoles(strings.Fields(titles))
		p.addRoles(strings.Fields(st.text(appos)))
	}
	return p
}

// isPlace reports whether the gazetteer knows a name as a whole: a country
// or an organisation speaks as an organisation.
func (st *state) isPlace(name string) bool {
	if st.x.gaz == nil {
		return false
	}
	for _, m := range st.x.gaz.Find(name) {
		if m.Start == 0 && m.End == len(name) {
			return true
		}
	}
	return false
}

func (ps *people) hasOrg(w string) bool {
	for _, p := range ps.all {
		if p.org && p.surname() == w {
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
	var any *person
	paras := 0
	m := len(st.ppl.mentions) - 1
	for ; m >= 0 && st.ppl.mentions[m].tok >= at; m-- {
	}
	k := at
	for ; m >= 0; m-- {
		mt := st.ppl.mentions[m]
		for ; k > mt.tok; k-- {
			if st.toks[k].kind == tPara {
				paras++
			}
		}
		if paras > 3 {
			break
		}
		if mt.who.org || st.toks[mt.tok].quoted || !compatible(mt.who.gender, g) {
			continue
		}
		if mt.subject {
			if mt.who.gender == names.Unknown {
				mt.who.gender = g
			}
			return mt.who
		}
		if any == nil {
			any = mt.who
		}
	}
	if any != nil && any.gender == names.Unknown {
		any.gender = g
	}
	return any
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
		return st.ppl.recent(at+1, func(p *person) bool { return p.org && hasWordFold(p.words, head) })
	}
	if !st.x.lex.IsRole(head) {
		return nil
	}
	if p := st.rolesMatch(words, head, at); p != nil {
		return p
	}
	// A definite description no title matches stands for the person the
	// text is about at that point: the most recent subject, within a few
	// paragraphs (the gambling tycoon told Reuters; сказал белорусский
	// лидер). "A spokeswoman", "one official" bring in someone new.
	if st.ru || st.isWord(np[0], "the") {
		return st.salient(at, g)
	}
	return nil
}

// rolesMatch finds the person whose titles the description's words match.
func (st *state) rolesMatch(words []string, head string, at int) *person {
	syn := synonyms(head)
	var best *person
	bestScore := 0
	seen := map[*person]bool{}
	for i := len(st.ppl.mentions) - 1; i >= 0; i-- {
		m := st.ppl.mentions[i]
		if m.tok > at || m.who.org || seen[m.who] {
			continue
		}
		seen[m.who] = true
		if !anyIn(syn, m.who.roles) {
			continue
		}
		score := 1
		for _, w := range words[:len(words)-1] {
			if in(w, m.who.roles) {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = m.who, score
		}
	}
	return best
}

// salient is the person most recently named as a subject (or speaker)
// before token at, within three paragraphs, of a gender compatible with g.
func (st *state) salient(at int, g names.Gender) *person {
	paras, k := 0, at
	for m := len(st.ppl.mentions) - 1; m >= 0; m-- {
		mt := st.ppl.mentions[m]
		if mt.tok >= at {
			continue
		}
		for ; k > mt.tok; k-- {
			if st.toks[k].kind == tPara {
				paras++
			}
		}
		if paras > 2 {
			return nil
		}
		if mt.subject && !mt.who.org && !st.toks[mt.tok].quoted && compatible(mt.who.gender, g) {
			return mt.who
		}
	}
	return nil
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
