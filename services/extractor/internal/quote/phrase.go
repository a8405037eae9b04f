package quote

// Phrases: reading a subject phrase forwards or backwards from a verb,
// appositions, and the name inside a phrase.

import (
	"strings"
)

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

// conjunction reports whether a word joins clauses: a name after a
// sentence-opening "And" is still the subject.
func conjunction(w string) bool {
	switch w {
	case "and", "but", "or", "so", "then", "yet", "also":
		return true
	}
	return false
}

// subordinator reports whether a word opens a subordinate clause, whose
// subject follows it.
func subordinator(w string) bool {
	switch w {
	case "that", "when", "while", "because", "although", "though", "if", "whether", "where", "as", "once", "until", "unless":
		return true
	}
	return false
}

// preposition reports whether a lower-case word is a preposition: a name
// after it is its object, not a subject.
func preposition(w string) bool {
	switch w {
	case "to", "in", "on", "at", "by", "from", "with", "after", "before", "during", "since", "into", "about",
		"over", "under", "through", "against", "for", "of", "like", "unlike", "toward", "towards", "upon",
		"without", "among", "between", "behind", "beyond", "despite":
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
				content && pastTense(lw) && !st.x.lex.IsRole(lw) {
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
	j := st.skipAdverbsBack(v-1, lo)
	var appos [2]int
	if j-1 > lo && st.isWord(j, "who") && st.isPunct(j-1, ",") {
		// Franklin Graham, who has vowed …: the name before the relative
		// clause.
		if np := st.phraseBackwardFrom(j-2, lo); np[1] > np[0] && st.toks[np[1]-1].upper {
			return np, appos
		}
	}
	if j > lo && st.isPunct(j, ",") && st.isPunct(j-1, ")") {
		// Gov. John Kasich (R-OH), said; not Jeff Bechdel, chairman of
		// America Rising (a Republican PAC), tweeted, whose name stands
		// before the apposition.
		if np := st.phraseBackwardFrom(j-1, lo); np[1] > np[0] {
			if run, start, _ := st.nameIn(np); len(run) > 0 && !st.objectInPhrase(np, start) {
				j--
			}
		}
	}
	if j > lo && st.toks[j].kind == tMark && st.isPunct(j-1, ",") && st.titleInMarks(j) {
		j-- // author of ''America's Unwritten Constitution,'' put it
	}
	if j >= lo && st.isPunct(j, ",") {
		// X, a Fed governor, said; X, author of “a Title,” said
		k := j - 1
		for k >= lo && j-k < maxAppos && !st.isPunct(k, ",") && (st.toks[k].kind != tMark || st.titleInMarks(k)) && !isSentenceEnd(st.s, st.toks[k]) {
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
	if appos[1] > 0 && (np[1] == np[0] || !st.toks[np[1]-1].upper || st.objectOfPreposition(np, lo)) {
		// Giovanni Maria Vian, the editor in chief of the Vatican's
		// newspaper, L'Osservatore Romano, said: the name stands before
		// more appositions.
		for n := 0; n < 2; n++ {
			k := st.commaBefore(j, lo)
			if k < 0 {
				break
			}
			if cand := st.phraseBackwardFrom(k-1, lo); cand[1] > cand[0] && st.toks[cand[1]-1].upper && st.opensClause(cand[0], lo) {
				if run, _, possessed := st.nameIn(cand); len(run) > 0 && !possessed {
					return cand, [2]int{k + 1, appos[1]}
				}
			}
			j = k - 1
		}
	}
	if np[1] == np[0] {
		return np, [2]int{}
	}
	if appos[1] == 0 && st.objectOfPreposition(np, lo) {
		// Sanders’ fundraising email to his supporters notes; the head of
		// the committee said: the subject is the phrase before the
		// preposition, with its possessor.
		p := np[0] - 1
		head := st.phraseBackwardFrom(p-1, lo)
		if head[1] == head[0] {
			return [2]int{}, [2]int{}
		}
		k := head[0] - 1
		if k > lo && st.toks[k].mark == mSingleClose {
			k-- // Sanders’: the apostrophe is a token of its own
		}
		if k >= lo && st.toks[k].kind == tWord && st.toks[k].upper && st.possessiveAt(k) {
			head[0] = k
		}
		if !st.headsSubject(head) {
			// Based on the statement released by Fox News; his memo to
			// employees explaining the deal: no subject here.
			return [2]int{}, [2]int{}
		}
		if w := st.word(p); w == "of" || w == "from" {
			head[1] = np[1] // the senator from Vermont
		}
		return head, appos
	}
	return np, appos
}

// headsSubject reports whether a phrase before a preposition can be a
// subject: a name, a role or an organisation, or a named author's
// document (Sanders’ fundraising email), not a participle (Based).
func (st *state) headsSubject(np [2]int) bool {
	last := st.word(np[1] - 1)
	if verbLike(strings.ToLower(last)) || strings.HasSuffix(last, "ing") {
		return false
	}
	lw := strings.ToLower(last)
	return st.toks[np[1]-1].upper || st.x.lex.IsRole(lw) || st.x.lex.IsRole(strings.TrimSuffix(lw, "s")) ||
		st.x.lex.IsOrgHead(lw) || st.author(np) > np[0]
}

// objectOfPreposition reports whether a phrase read backwards from a verb
// is the object of a preposition before it (in Columbus, to his
// supporters), so no subject. After, before and since open clauses too:
// after Mr. Trump had said.
func (st *state) objectOfPreposition(np [2]int, lo int) bool {
	p := np[0] - 1
	if p <= lo || st.toks[p].kind != tWord || !st.toks[p].lower {
		return false
	}
	switch w := st.word(p); w {
	case "after", "before", "since", "like", "unlike", "despite", "for":
		// A spokesman for the campaign: the campaign speaks through him.
		return false
	default:
		return preposition(w)
	}
}

// opensClause reports whether a phrase starting at token i opens its
// sentence (from lo) or a clause, not the object of a verb or a
// preposition: what stands before it, past determiners, is punctuation, a
// conjunction or the sentence's start.
func (st *state) opensClause(i, lo int) bool {
	for k := i - 1; k >= lo; k-- {
		if st.toks[k].kind != tWord {
			return true
		}
		w := strings.ToLower(st.word(k))
		switch {
		case subordinator(w):
			return true // so subdued that Mr. Trump was prompted to say
		case isDeterminer(w):
			continue
		case conjunction(w):
			return true
		case st.toks[k].upper && st.x.lex.IsFunction(st.word(k)) && !preposition(w):
			return true
		}
		return false
	}
	return true
}

// shortQuotationAt is the closing mark of a quotation of a few words
// opening at token k, or k when none opens there.
func (st *state) shortQuotationAt(k int) int {
	// “Ted Cruz” campaign pins; not “The Apprentice,” whose comma ends the
	// apposition.
	if sp := st.spanOpening(k); sp != nil && !sp.openEnded && sp.words <= 4 && st.toks[sp.close-1].kind == tWord {
		return sp.close
	}
	return k
}

// titleInMarks reports whether the quotation mark at token k opens or
// closes a title in quotation marks (author of “Crippled America,”)
// rather than someone's words.
func (st *state) titleInMarks(k int) bool {
	sp := st.spanAround(k)
	return sp != nil && (sp.open == k || sp.close == k) && sp.words <= 6 && !sp.openEnded && st.titleCase(*sp)
}

// commaBefore is the comma that opens the apposition ending at token j,
// within maxAppos tokens and the sentence, or -1.
func (st *state) commaBefore(j, lo int) int {
	for k := j; k > lo && j-k < maxAppos; k-- {
		t := st.toks[k]
		if t.kind == tMark || t.kind == tPara || isSentenceEnd(st.s, t) {
			return -1
		}
		if st.isPunct(k, ",") {
			return k
		}
	}
	return -1
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
		if t.lower && (stopWord(w) && w != "of" && w != "for" || st.isVerbEN(w) || k < j && pastTense(w) && !st.x.lex.IsRole(w)) {
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
	if w := st.word(start); start+1 < end && st.opensSentence(start) && strings.HasSuffix(w, "ing") && len(w) > 5 && !st.isFirstName(w) {
		start++ // Advising Westport students: a participle opening the sentence
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
		if t.kind == tMark {
			// wearing a cowboy hat and “Ted Cruz” campaign pins: a short
			// quotation inside.
			if c := st.shortQuotationAt(k); c > k {
				k = c + 1
				continue
			}
		}
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

// possessiveAt is possessive for token k, with the bare apostrophe after
// a final s that the tokenizer leaves as a mark of its own: Sanders’.
func (st *state) possessiveAt(k int) bool {
	w := st.word(k)
	if possessive(w) {
		return true
	}
	n := k + 1
	return strings.HasSuffix(w, "s") && !st.toks[k].quoted && n < len(st.toks) &&
		st.toks[n].mark == mSingleClose && !st.toks[n].space
}

func stripPossessive(w string) string {
	for _, s := range []string{"'s", "’s", "'", "’"} {
		if t, ok := strings.CutSuffix(w, s); ok {
			return t
		}
	}
	return w
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
		c := st.x.lex.ClassOf(w)
		// A title word that ends the run is a surname: Peter T. King,
		// Mr. Prince.
		if c.Title() && (i+1 < end || i == start) || c.Domain() && i+1 < end || c.Function() && !st.isFirstName(w) || st.toks[i].lower {
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
