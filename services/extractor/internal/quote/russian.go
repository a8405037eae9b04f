package quote

import (
	"strings"

	"github.com/newswire/newswire/services/extractor/internal/names"
	"github.com/newswire/newswire/services/extractor/internal/speech"
)

// isVerbRU reports whether a word is a Russian reporting verb.
func (st *state) isVerbRU(w string) bool {
	_, ok := st.x.verbs.Russian(strings.ToLower(w))
	return ok
}

// attributeRU finds a Russian attribution: «…», – сказал X. after the
// quotation; X заявил: «…», по словам X, «…», как отметил X, «…» before it.
func (st *state) attributeRU(sp span) attrib {
	if !sp.openEnded {
		i := sp.close + 1
		sawDash := false
		for i < len(st.toks) && st.toks[i].kind == tPunct && (st.isPunct(i, ",") || isDash(st.s, st.toks[i])) {
			sawDash = sawDash || isDash(st.s, st.toks[i])
			i++
		}
		if sawDash && i < len(st.toks) && st.toks[i].kind == tWord {
			end := st.sentenceEnd(i)
			if st.isVerbRU(st.word(i)) {
				// «…», – сказал журналистам глава государства.
				if np := st.subjectRU(i+1, end); np[1] > np[0] {
					return attrib{ok: true, adjacent: true, verb: strings.ToLower(st.word(i)), np: np}
				}
			}
			// «…», – Александр Лукашенко сказал.
			for v := i + 1; v < end && v < i+6; v++ {
				if st.toks[v].kind == tWord && st.isVerbRU(st.word(v)) {
					if np := st.subjectRU(i, v); np[1] > np[0] {
						return attrib{ok: true, adjacent: true, verb: strings.ToLower(st.word(v)), np: np}
					}
				}
			}
		}
	}
	hi := sp.open - 1
	lo := st.sentenceStart(sp.open)
	colon := hi >= 0 && st.isPunct(hi, ":")
	if lo > hi && hi >= 1 && st.toks[hi].kind == tPara && st.isPunct(hi-1, ":") {
		hi--
		lo = st.sentenceStart(hi)
		colon = true
	}
	if lo > hi {
		return attrib{}
	}
	adjacent := colon || st.isPunct(hi, ",")
	// По словам X, «…»
	for v := lo; v+1 <= hi; v++ {
		if st.isWord(v, "по") && st.isWord(v+1, "словам") {
			end := v + 2
			for end <= hi && !st.isPunct(end, ",") && st.toks[end].kind == tWord {
				end++
			}
			if np := st.subjectRU(v+2, end); np[1] > np[0] {
				return attrib{ok: true, adjacent: adjacent, verb: "по словам", np: np}
			}
		}
	}
	for v := hi; v >= lo; v-- {
		if st.toks[v].kind != tWord || !st.isVerbRU(st.word(v)) {
			continue
		}
		verb := strings.ToLower(st.word(v))
		// X заявил: «…» — the subject before the verb, within its clause.
		from := v - 1
		for from >= lo && st.toks[from].kind == tWord && v-from <= maxPhrase {
			from--
		}
		if np := st.subjectRU(from+1, v); np[1] > np[0] {
			return attrib{ok: true, adjacent: adjacent && st.near(v, hi), verb: verb, np: np}
		}
		// Как отметил X, «…»
		to := v + 1
		for to <= hi && st.toks[to].kind == tWord {
			to++
		}
		if np := st.subjectRU(v+1, to); np[1] > np[0] {
			return attrib{ok: true, adjacent: adjacent && st.near(to, hi), verb: verb, np: np}
		}
	}
	if colon {
		if np := st.subjectRU(lo, hi); np[1] > np[0] && np[1] == hi {
			return attrib{ok: true, adjacent: true, np: np}
		}
	}
	return attrib{}
}

// sentenceEnd is the token ending the sentence that holds token i.
func (st *state) sentenceEnd(i int) int {
	for k := i; k < len(st.toks) && k < i+windowAfter; k++ {
		t := st.toks[k]
		if t.kind == tPara || t.kind == tMark || isSentenceEnd(st.s, t) || st.isPunct(k, ";") {
			return k
		}
	}
	return min(len(st.toks), i+windowAfter)
}

// subjectRU finds the speaker phrase in [i, end): a pronoun, a run of
// capitalised words (a name, with the titles before it), or a description
// headed by a role noun (глава государства, белорусский лидер).
func (st *state) subjectRU(i, end int) [2]int {
	end = min(end, len(st.toks))
	for k := i; k < end; k++ {
		if st.toks[k].kind != tWord {
			return [2]int{}
		}
		w := strings.ToLower(st.word(k))
		if p := pronounGender(w); p == pronounHe || p == pronounShe {
			return [2]int{k, k + 1}
		}
		if st.toks[k].upper && (st.x.lex.IsTitle(w) || st.x.lex.IsRole(w)) {
			// Министр иностранных дел Беларуси Сергей Алейник: a name may
			// follow the title.
			for e := k + 1; e < end && st.toks[e].kind == tWord && e-k < 8; e++ {
				if st.firstNameAt(e) {
					n := e + 1
					for n < end && st.toks[n].kind == tWord && st.toks[n].upper {
						n++
					}
					return [2]int{k, n}
				}
			}
		}
		if st.toks[k].upper && !st.x.lex.IsFunction(st.word(k)) && !st.x.lex.IsTitle(w) && !st.x.lex.IsRole(w) {
			e := k + 1
			for e < end && st.toks[e].kind == tWord && st.toks[e].upper {
				e++
			}
			s := k
			for s > i && st.toks[s-1].lower && (st.x.lex.IsTitle(st.word(s-1)) || st.x.lex.IsRole(st.word(s-1))) {
				s--
			}
			return [2]int{s, e}
		}
		if st.x.lex.IsRole(w) || st.x.lex.IsTitle(w) || w == "глава" || w == "главы" {
			s := k
			for s > i && adjectiveRU(st.word(s-1)) {
				s--
			}
			e := k + 1
			// глава государства, министр иностранных дел: the genitive that
			// completes the role, up to a capitalised name.
			for e < end && st.toks[e].kind == tWord && st.toks[e].lower && e-k <= 3 && !st.isVerbRU(st.word(e)) {
				e++
			}
			if e < end && st.toks[e].upper {
				// министр иностранных дел России Сергей Лавров
				for e < end && st.toks[e].kind == tWord && (st.toks[e].upper || st.nameToken(e, end)) {
					e++
				}
			}
			return [2]int{s, e}
		}
	}
	return [2]int{}
}

func adjectiveRU(w string) bool {
	for _, s := range []string{"ский", "цкий", "ный", "ний", "ой", "ий", "ый", "ская", "ная", "ая", "яя"} {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// nominative turns an inflected Russian name into the nominative, using
// the names the text already gave in the nominative.
func (st *state) nominative(run []string) []string {
	out, _ := st.x.lex.NominativeRU(run, st.ppl.named)
	return out
}

// registerRU registers a Russian name run [k, j) (titles from i).
func (st *state) registerRU(i, k, j int, titled bool) {
	raw := st.words(k, j)
	isFirst := false
	if _, ok := st.x.lex.FirstName(raw[0]); ok {
		isFirst = true
	}
	words, g := st.x.lex.NominativeRU(raw, st.ppl.named)
	if !isFirst {
		_, isFirst = st.x.lex.FirstName(words[0])
	}
	switch {
	case len(words) >= 2 && (isFirst || titled):
	case len(words) == 1 && titled:
	default:
		return
	}
	p := st.ppl.find(words, g, false, k)
	if p == nil {
		return
	}
	st.ppl.addRoles(p, st.roleWords(i, k))
	if p.role == "" && k > i {
		p.role = st.titleText(i, k)
	}
	st.ppl.mention(k, p, st.opensSentence(i))
}

// verbGender is what a Russian verb form tells of its subject's gender.
func (st *state) verbGender(verb string) names.Gender {
	f, _ := st.x.verbs.Russian(verb)
	switch f {
	case speech.Masculine:
		return names.Male
	case speech.Feminine:
		return names.Female
	}
	return names.Unknown
}
