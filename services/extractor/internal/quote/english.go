package quote

// English attribution: where the speaker of a quotation is named around
// it, and how the subject of a reporting verb is found.

import (
	"strings"
)

// introducedBy finds the speaker a sentence without quotations
// introduces, for a quotation opening the next sentence or paragraph: the
// sentence's subject and verb. br is the paragraph break or the sentence's
// final punctuation.
func (st *state) introducedBy(br int) attrib {
	if br <= 0 || st.toks[br].kind != tPara && !isSentenceEnd(st.s, st.toks[br]) {
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

// attributeEN finds an English attribution after a quotation (“…,” X
// said), else before it (X said: “…”; according to X, “…”).
func (st *state) attributeEN(sp span) attrib {
	a := st.afterEN(sp)
	if a.ok && !a.weak && a.verb != "" && !st.isVerbEN(a.verb) {
		// “…,” part of a lashing they've administered: no speaker after
		// the quotation; one named before it is likelier. When Trump said
		// he would “…,” the crowd applauded: a verb that reports no
		// speech yields to one before the quotation that does.
		if b := st.beforeEN(sp); b.ok && (!st.plausibleSubject(a.np) || !b.weak && st.isVerbEN(b.verb)) {
			return b
		}
	}
	if a.ok && a.newSentence {
		// “…?” Her critics cited it: a speaker introducing the quotation
		// (Clinton famously responded: “…?”) comes first.
		if b := st.beforeEN(sp); b.ok && b.adjacent {
			return b
		}
	}
	if a.ok {
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
	newSentence := false
	if (lastInside == "." || lastInside == "?" || lastInside == "!") && st.toks[i].upper {
		// A new sentence, unless it is only the attribution: “….” Trump said.
		np := st.phraseForward(i, len(st.toks))
		v := st.skipAdverbs(np[1])
		if np[1] > np[0] && v < len(st.toks) && st.isVerbEN(strings.ToLower(st.word(v))) &&
			(v+1 >= len(st.toks) || isSentenceEnd(st.s, st.toks[v+1]) || st.isPunct(v+1, ",") && !st.opensQuotation(v+2)) {
			return attrib{ok: true, adjacent: true, verb: strings.ToLower(st.word(v)), np: np}
		}
		if a := st.quoteCredited(i); a.ok {
			return a
		}
		if lastInside == "." {
			return attrib{}
		}
		// A question or an exclamation cannot end in a comma: its
		// attribution may run on (“…?” Trump asked reporters), or a new
		// sentence begins (“…?” Her critics cited it).
		newSentence = true
	}
	w := strings.ToLower(st.word(i))
	switch {
	case st.toks[i].lower && strings.HasSuffix(w, "ing") && w != "according":
		// “…,” noting the economy: a participle continues the sentence
		// whose subject spoke; it inverts no subject.
		return attrib{}
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
	if st.isWord(j, "and") {
		// “…,” Edward-Isaac Dovere and Gabriel Debenedetti wrote; the
		// Vermont senator and Democratic candidate told: the first of
		// the speakers, or of the descriptions of one.
		if np2 := st.phraseForward(j+1, len(st.toks)); np2[1] > np2[0] && st.toks[np2[1]-1].upper == st.toks[np[1]-1].upper {
			if v := st.skipAdverbs(st.institutionAfter(np2, np2[1])); v < len(st.toks) && st.toks[v].lower && st.isVerbEN(st.word(v)) {
				return attrib{ok: true, adjacent: true, verb: strings.ToLower(st.word(v)), np: np, newSentence: newSentence}
			}
		}
	}
	j = st.institutionAfter(np, j)
	var appos [2]int
	// Cecelia Purner, 67, a retired customer service representative in
	// Allentown, Pa., said: up to five comma-separated appositions.
	for n := 0; n < 5 && st.isPunct(j, ","); n++ {
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
		j = a[1] // Harry Bond, 30, of Raleigh, N.C., who was polled, said
	}
	j = st.skipAdverbs(j)
	if j < len(st.toks) && st.toks[j].kind == tWord && st.toks[j].lower {
		v := strings.ToLower(st.word(j))
		if st.isVerbEN(v) || verbLike(v) {
			return attrib{ok: true, adjacent: true, verb: v, np: np, appos: appos, newSentence: newSentence}
		}
	}
	return st.laterInSentence(i)
}

// institutionAfter passes over the institution after a name ending
// before token j: James Pethokoukis of the American Enterprise Institute
// wrote. It returns j when there is none.
func (st *state) institutionAfter(np [2]int, j int) int {
	if !st.isWord(j, "of") || !st.toks[np[1]-1].upper {
		return j
	}
	k := j + 1
	for k < len(st.toks) && k-j < 10 && st.toks[k].kind == tWord && (st.toks[k].upper || st.isWord(k, "the") || st.isWord(k, "of") || st.isWord(k, "for") || st.isWord(k, "and")) {
		k++
	}
	return k
}

// opensQuotation reports whether a quotation opens at token i: “….” He
// added, “…” attributes the quotation after it.
func (st *state) opensQuotation(i int) bool {
	return st.spanOpening(i) != nil
}

// quoteCredited reads a sentence at token i that credits the quotation
// before it: That quote from Alabama Securities Commissioner Thomas Krebs
// appeared …; The statement was attributed to Dr. Harold Bornstein.
func (st *state) quoteCredited(i int) attrib {
	if !st.isWord(i, "that") && !st.isWord(i, "this") && !st.isWord(i, "the") {
		return attrib{}
	}
	j := i + 1
	switch strings.ToLower(st.word(min(j, len(st.toks)-1))) {
	case "quote", "quotation", "line", "remark", "comment", "statement", "words":
	default:
		return attrib{}
	}
	j++
	switch {
	case st.isWord(j, "from") || st.isWord(j, "by"):
		j++
	case st.isWord(j, "came") && st.isWord(j+1, "from"), st.isWord(j, "was") && st.isWord(j+1, "from"):
		j += 2
	case st.isWord(j, "was") && st.isWord(j+1, "attributed") && st.isWord(j+2, "to"):
		j += 3
	default:
		return attrib{}
	}
	np := st.phraseForward(j, len(st.toks))
	if np[1] == np[0] || !st.toks[np[1]-1].upper {
		return attrib{}
	}
	if run, _, possessed := st.nameIn(np); len(run) == 0 || possessed {
		return attrib{}
	}
	return attrib{ok: true, np: np}
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
		// …, Mr. Turry said; …, though, Allen did suggest.
		np := st.phraseBackwardFrom(st.skipAdverbsBack(v-1, i), i)
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
	if k := st.clauseStart(hi, lo); colon && k > lo {
		// When Trump suggested that …, Rubio fired back forcefully: “…”:
		// the clause the colon ends, not a reporting verb before it.
		if a := st.sentenceSubject(k, hi); a.ok && st.namedOrPronoun(a.np) && (st.isVerbEN(a.verb) || verbLike(a.verb)) {
			a.adjacent, a.weak = true, false
			return a
		}
	}
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
		if strings.HasSuffix(w, "ing") && st.participleClause(v, lo) {
			// Clinton dismissed the report, saying “…”; Bolton distanced
			// himself by saying; Trump issued a statement Tuesday saying:
			// the sentence's subject. After "X said," it is X.
			if c := v - 1; st.isPunct(c, ",") && c-1 > lo && st.toks[c-1].lower && st.isVerbAt(c-1) && !st.nounAt(c-1) {
				if np, appos := st.phraseBackward(c-1, lo); np[1] > np[0] && st.plausibleSubject(np) {
					return attrib{ok: true, adjacent: adjacent && st.near(v, hi), verb: w, np: np, appos: appos}
				}
			}
			a := st.sentenceSubject(lo, v-1)
			if !a.ok {
				// It was a potent punch, as Mrs. Clinton echoed the
				// criticism, saying: the nearest name and reporting verb,
				// or the subject opening the clause the participle ends.
				if b := st.subjectVerb(lo, v-1); b.ok && !b.weak {
					a = b
				} else if c := v - 1; st.isPunct(c, ",") {
					a = st.sentenceSubject(st.clauseStart(c, lo), c)
				}
			}
			if a.ok {
				a.verb, a.adjacent, a.weak = w, adjacent && st.near(v, hi), false
				return a
			}
			continue
		}
		if st.passive(v, lo) {
			// Sanders was asked by host Bill Maher, “…?”: the agent
			// speaks; with none, the one asked does not.
			if st.isWord(v+1, "by") {
				if np := st.phraseForward(v+2, hi+1); np[1] > np[0] && st.namedOrPronoun(np) {
					return attrib{ok: true, adjacent: adjacent && st.near(np[1], hi), verb: w, np: np, appos: st.appositionAfter(np[1])}
				}
			}
			continue
		}
		if c := st.toInfinitive(v, lo); c < v {
			// Mr. Trump was prompted to say, went on to say, tried to
			// explain: the subject of the verb before "to".
			if np, appos := st.phraseBackward(c, lo); np[1] > np[0] && st.plausibleSubject(np) && st.opensClause(np[0], lo) {
				return attrib{ok: true, adjacent: adjacent && st.near(v, hi), verb: w, np: np, appos: appos}
			}
		}
		if np, appos := st.phraseBackward(v, lo); np[1] > np[0] && st.plausibleSubject(np) {
			return attrib{ok: true, adjacent: adjacent && st.near(v, hi), verb: w, np: np, appos: appos}
		}
		if p := st.skipAdverbsBack(v-1, lo); p >= lo && (st.isWord(p, "and") || st.isWord(p, "but") || st.isWord(p, "then")) {
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
		// Not the subject of a reported clause (said every pope was “…”),
		// nor the object of a verb that takes one (accused the Democratic
		// leadership of “…”; advising Williams College graduates to “…”).
		if takesObject(w) || strings.HasSuffix(w, "ing") {
			continue
		}
		if np := st.phraseForward(v+1, hi+1); np[1] > np[0] && !st.clauseVerb(np[1]) && (st.namedOrPronoun(np) || st.plausibleSubject(np)) {
			return attrib{ok: true, adjacent: adjacent && st.near(np[1], hi), verb: w, np: np, appos: st.appositionAfter(np[1])}
		}
	}
	// Dave Gorab called the show “…”: a name and the verb after it.
	if a := st.subjectVerb(lo, hi); a.ok {
		return a
	}
	// X: “…”; else the subject of a sentence that ends in a colon: the
	// Illinois Board of Elections was conclusive in its findings: “…”;
	// Here’s Clinton in December 1992: “…”
	if colon && (st.isWord(lo, "here's") || st.isWord(lo, "here’s")) {
		if np := st.phraseForward(lo+1, hi); np[1] > np[0] && st.namedOrPronoun(np) {
			return attrib{ok: true, adjacent: true, np: np}
		}
	}
	if colon {
		// More from Jones: “…”; not "later that month on CNN: “…”".
		if np := st.phraseBackwardFrom(hi-1, lo); np[1] > np[0] && np[1] == hi &&
			(st.opensClause(np[0], lo) || st.isWord(np[0]-1, "from") || st.isWord(np[0]-1, "by") || st.isWord(np[0]-1, "via")) {
			return attrib{ok: true, adjacent: true, np: np}
		}
		if a := st.sentenceSubject(lo, hi); a.ok {
			a.adjacent, a.verb = true, ""
			return a
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
		verbal := st.isVerbEN(w) || verbLike(w) || strings.HasSuffix(w, "ing") && len(w) > 5 || strings.HasSuffix(w, "s") && len(w) > 3
		if stopWord(w) && !st.adverb(v) && !st.isVerbEN(w) || !verbal {
			continue
		}
		e := v
		for n := 0; e > lo && n < 2 && st.adverb(e-1); n++ {
			e--
		}
		e = st.skipParenthesisBack(e, lo)
		p := e - 1
		if p >= lo && st.isPunct(p, ",") {
			// Senator Shelley Moore Capito, Republican of West Virginia,
			// called; Clinton, clearly frustrated, responded.
			if np, appos := st.phraseBackward(e, lo); np[1] > np[0] && st.toks[np[1]-1].upper && !possessive(st.word(np[1]-1)) &&
				(st.describes(appos) || appos[1] > appos[0] && np[0] == lo) {
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
		// Not the object of a preposition: … said to Trump. A conjunction
		// opening the sentence is no preposition: And Mr. Christie gloated.
		// "With" before a participle makes its subject: with Trump
		// reportedly yelling. "And" joins the name to what comes before
		// only when that is a name too: not "news and talk Dave Gorab".
		if q := np[0] - 1; q >= lo && st.toks[q].kind == tWord && stopWord(strings.ToLower(st.word(q))) &&
			(q > lo || !conjunction(strings.ToLower(st.word(q)))) && !(st.isWord(q, "with") && strings.HasSuffix(w, "ing")) &&
			!(st.isWord(q, "and") && q > lo && st.toks[q-1].lower) {
			continue
		}
		if run, _, _ := st.nameIn(np); len(run) == 0 {
			continue
		}
		// A verb guessed from its ending may be a plural noun: advising
		// Williams College graduates, when Sanders protesters interrupted.
		if plural := !st.isVerbEN(w) && !verbLike(w) && !strings.HasSuffix(w, "ing"); plural && (st.clauseVerb(v+1) || !st.opensClause(np[0], lo)) {
			continue
		}
		return attrib{ok: true, weak: !st.isVerbEN(w), verb: strings.ToLower(w), np: np}
	}
	return attrib{}
}

// clauseStart is the first token of the clause ending before token c:
// after the comma before it (and a subordinator opening the clause), or
// the sentence's start lo.
func (st *state) clauseStart(c, lo int) int {
	for k := c - 1; k > lo; k-- {
		if st.isPunct(k, ",") {
			if st.toks[k+1].kind == tWord && st.toks[k+1].lower && subordinator(st.word(k+1)) {
				return k + 2
			}
			return k + 1
		}
	}
	return lo
}

// passive reports whether the verb at token v asks or tells someone in
// the passive: was asked, were told.
func (st *state) passive(v, lo int) bool {
	switch st.word(v) {
	case "asked", "told", "pressed", "questioned", "urged", "reminded", "informed":
	default:
		return false
	}
	p := st.skipAdverbsBack(v-1, lo)
	if p < v-1 && p+1 < v && (st.isWord(p+1, "was") || st.isWord(p+1, "were") || st.isWord(p+1, "been")) {
		return true // skipAdverbsBack passed over the auxiliary
	}
	return p >= lo && (st.isWord(p, "was") || st.isWord(p, "were") || st.isWord(p, "been") || st.isWord(p, "being"))
}

// toInfinitive finds the verb governing a reporting verb in the
// infinitive (was prompted to say, went on to tell, tried to explain): the
// first of up to three lower-case words before "to", or v when the verb at
// v has no "to" before it.
func (st *state) toInfinitive(v, lo int) int {
	if !st.isWord(v-1, "to") {
		return v
	}
	c := v - 1
	for n := 0; n < 3 && c-1 >= lo && st.toks[c-1].kind == tWord && st.toks[c-1].lower &&
		(!stopWord(st.word(c-1)) || st.adverb(c-1)) && !preposition(st.word(c-1)); n++ {
		c--
	}
	if c == v-1 {
		return v
	}
	return c
}

// participleClause reports whether the -ing verb at token v opens a
// clause about the sentence's subject: after a comma, after by, upon,
// before, after or when, or after a document that carries the words (a
// statement saying).
func (st *state) participleClause(v, lo int) bool {
	p := st.timeBefore(v-1, lo)
	if p < lo {
		return false
	}
	if st.isPunct(p, ",") {
		return true
	}
	if st.toks[p].kind != tWord || !st.toks[p].lower {
		return false
	}
	switch st.word(p) {
	case "by", "upon", "before", "after", "when", "while", "statement", "release", "email", "e-mail", "letter",
		"tweet", "post", "note", "memo", "message", "video", "ad", "op-ed", "editorial", "report", "study",
		"survey", "poll", "complaint", "lawsuit", "filing", "ruling", "decision", "order", "motion", "petition", "speech":
		return true
	}
	return false
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
	// While Mr. Ryan, representing the party's governing wing, laid out
	// …: a subordinate clause's subject follows its opening word.
	if lo < hi && st.toks[lo].upper && subordinator(strings.ToLower(st.word(lo))) {
		// Only when the clause runs on to the quotation: not "As
		// Blumenthal spoke, the NRA was going into overdrive".
		if a := st.sentenceSubject(lo+1, hi); a.ok && !st.commaBetween(max(a.np[1], a.appos[1]+1), hi) {
			return a
		}
	}
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
	if np[1] == np[0] || !st.namedOrPronoun(np) && !st.definiteRole(np) {
		return attrib{}
	}
	if k := st.presentVerbIn(np); k > np[0] {
		np = [2]int{np[0], k} // Hoff’s letter makes a case: the phrase ran on over its verb
	}
	j := st.institutionAfter(np, st.skipParenthesis(st.placeAfter(np[1])))
	var appos [2]int
	if st.isPunct(j, ",") {
		appos = st.appositionAfter(j)
		if appos[1] <= appos[0] || !st.isPunct(appos[1], ",") {
			return attrib{}
		}
		j = appos[1] + 1
	}
	if (st.isWord(j, "was") || st.isWord(j, "is")) && j+1 == hi && st.isPunct(hi, ":") {
		return attrib{ok: true, weak: true, np: np, appos: appos} // Clinton’s response was: “…”
	}
	j = st.skipAdverbs(j)
	if j >= hi || st.toks[j].kind != tWord || !st.toks[j].lower || stopWord(st.word(j)) && !st.adverb(j) && !st.isVerbEN(st.word(j)) {
		return attrib{}
	}
	return attrib{ok: true, weak: true, verb: strings.ToLower(st.word(j)), np: np, appos: appos}
}

// presentVerbIn finds where a phrase read forwards ran on over its verb in
// the present tense: the first -s word after a lower-case head that
// follows a possessive name (Hoff’s letter makes, Sanders’ email notes).
// It returns 0 when there is none.
func (st *state) presentVerbIn(np [2]int) int {
	for k := np[0] + 2; k < np[1]; k++ {
		w := st.word(k)
		if st.toks[k].lower && st.toks[k-1].lower && documentNoun(st.word(k-1)) && strings.HasSuffix(w, "s") && !possessive(w) && len(w) > 3 {
			return k
		}
	}
	return 0
}

// placeAfter passes over where a subject is or comes from, at token i:
// The Holocaust Memorial Museum in Washington issued.
func (st *state) placeAfter(i int) int {
	if !st.isWord(i, "in") && !st.isWord(i, "from") && !st.isWord(i, "at") {
		return i
	}
	j := i + 1
	for j < len(st.toks) && j-i <= 4 && st.toks[j].kind == tWord && st.toks[j].upper && !st.x.lex.IsFunction(st.word(j)) {
		j++
	}
	if j == i+1 {
		return i
	}
	return j
}

// commaBetween reports whether a comma stands in tokens [i, j).
func (st *state) commaBetween(i, j int) bool {
	for k := i; k < j; k++ {
		if st.isPunct(k, ",") {
			return true
		}
	}
	return false
}

// leadingPreposition reports whether a capitalised word opens a sentence
// with a phrase before its subject: In, On, After, During.
func (st *state) leadingPreposition(w string) bool {
	switch w {
	case "In", "On", "At", "After", "Before", "During", "Since", "With", "For", "From", "Despite",
		"Following", "Asked", "Speaking", "Earlier", "Later", "Last", "When", "While", "Although", "As",
		"Alongside", "Amid", "Among", "Like", "Unlike", "Beyond", "Besides", "Throughout", "Under", "By",
		"Through", "Without", "Within", "Regarding", "Given", "Including", "Because", "If", "Once", "Until":
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
	return np[1]-np[0] >= 2 && isDeterminer(strings.ToLower(st.word(np[0]))) || st.x.lex.IsRole(w) || st.x.lex.IsOrgHead(w) ||
		st.author(np) > np[0]
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
		if t.kind == tPara || st.isPunct(k, ";") && !t.quoted {
			return k + 1
		}
		if isSentenceEnd(st.s, t) && !st.inWordQuote(k) {
			// The mark closing a quoted sentence belongs to it: “….” Chris
			// Christie, hoping to surge, called.
			if k+1 < i && st.toks[k+1].kind == tMark && !st.toks[k+1].space {
				return k + 2
			}
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

// definiteRole reports whether a phrase is a definite description headed
// by a role: the Republican candidate, the former secretary of state.
func (st *state) definiteRole(np [2]int) bool {
	if np[1]-np[0] < 2 || !st.isWord(np[0], "the") {
		return false
	}
	head := np[1] - 1
	for k := np[0] + 1; k < np[1]; k++ {
		if st.isWord(k, "of") {
			head = k - 1 // the secretary of state
			break
		}
	}
	return st.toks[head].lower && st.x.lex.IsRole(st.word(head))
}
