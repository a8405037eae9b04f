package quote

// Word classes of English attribution: reporting verbs and the past
// tenses that read like them, the adverbs, auxiliaries and time phrases
// that stand between a subject and its verb.

import "strings"

// takesObject reports whether a reporting verb takes a person or a thing
// as its object, so that what follows it is no inverted subject.
func takesObject(w string) bool {
	switch w {
	case "accused", "accuses", "told", "tells", "called", "calls", "urged", "urges", "criticized", "criticised",
		"praised", "thanked", "blamed", "attacked", "described", "labeled", "labelled", "dubbed", "invited",
		"reminded", "informed", "pressed", "questioned", "slammed", "blasted", "mocked", "chided", "scolded":
		return true
	}
	return false
}

// clauseVerb reports whether token i is the verb of a clause after its
// subject: a lower-case auxiliary, a reporting verb or a past tense.
func (st *state) clauseVerb(i int) bool {
	if i >= len(st.toks) || st.toks[i].kind != tWord || !st.toks[i].lower {
		return false
	}
	w := st.word(i)
	switch w {
	case "is", "was", "are", "were", "has", "had", "have", "will", "would", "can", "could", "should", "may",
		"might", "must", "does", "did", "do":
		return true
	}
	return st.isVerbEN(w) || verbLike(w)
}

// isVerbEN reports whether a lower-case word reports speech.
func (st *state) isVerbEN(w string) bool { return st.x.verbs.English(w) }

// isVerbAt is isVerbEN for token v, with "put it" (as Mr. Amar put it).
func (st *state) isVerbAt(v int) bool {
	w := st.word(v)
	if st.toks[v].upper {
		w = strings.ToLower(w) // Said Dorothy Poynter, “…”
	}
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
		"threw", "fired", "broke", "sang", "swore", "bit", "hit", "let", "struck", "spat", "got", "found":
		return true
	}
	return false
}

// pastTense is verbLike with the irregular past tenses that report no
// speech: a subject phrase ends before them (Thomas Massie used to …).
func pastTense(w string) bool {
	switch w {
	case "used", "saw", "led", "ran", "won", "lost", "sent", "held", "left", "met", "heard", "sought", "brought", "thought":
		return true
	}
	return verbLike(w)
}

// skipAdverbs passes over the adverbs, auxiliaries, reflexives and time
// phrases between a subject and its verb: he later said, she has said,
// Trump also told, Cruz himself said, Donald Trump on Thursday ratcheted up.
func (st *state) skipAdverbs(i int) int {
	for n := 0; i < len(st.toks) && n < 4; n++ {
		switch {
		case st.adverb(i) || st.reflexive(i):
			i++
		case st.timeAfter(i) > i:
			i = st.timeAfter(i)
		default:
			return i
		}
	}
	return i
}

// skipAdverbsBack is skipAdverbs backwards from token j (inclusive), no
// further than lo: it returns the token before them.
func (st *state) skipAdverbsBack(j, lo int) int {
	for n := 0; j >= lo && n < 4; n++ {
		switch {
		case st.adverb(j) || st.reflexive(j):
			j--
		case st.timeBefore(j, lo) < j:
			j = st.timeBefore(j, lo)
		default:
			return j
		}
	}
	return j
}

func (st *state) reflexive(i int) bool {
	return st.isWord(i, "himself") || st.isWord(i, "herself") || st.isWord(i, "themselves") || st.isWord(i, "itself")
}

// weekday reports whether token i is a day of the week.
func (st *state) weekday(i int) bool {
	if i < 0 || i >= len(st.toks) || st.toks[i].kind != tWord || !st.toks[i].upper {
		return false
	}
	switch st.word(i) {
	case "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday":
		return true
	}
	return false
}

func (st *state) partOfDay(i int) bool {
	return st.isWord(i, "morning") || st.isWord(i, "afternoon") || st.isWord(i, "evening") || st.isWord(i, "night")
}

// timeAfter is the end of a time phrase starting at token i (on Thursday,
// Tuesday night, last week), or i when there is none.
func (st *state) timeAfter(i int) int {
	j := i
	if st.isWord(j, "on") || st.isWord(j, "last") || st.isWord(j, "this") || st.isWord(j, "late") || st.isWord(j, "early") {
		j++
	}
	switch {
	case st.weekday(j):
		j++
		if st.partOfDay(j) {
			j++
		}
		return j
	case j > i && !st.isWord(i, "on") && (st.isWord(j, "week") || st.isWord(j, "month") || st.isWord(j, "year") || st.isWord(j, "weekend")):
		return j + 1
	}
	return i
}

// timeBefore is timeAfter backwards: the token before a time phrase ending
// at token j, or j when there is none.
func (st *state) timeBefore(j, lo int) int {
	k := j
	if st.partOfDay(k) && st.weekday(k-1) {
		k--
	}
	switch {
	case st.weekday(k):
		k--
		if k >= lo && (st.isWord(k, "on") || st.isWord(k, "last") || st.isWord(k, "this") || st.isWord(k, "late") || st.isWord(k, "early")) {
			k--
		}
		return k
	case (st.isWord(k, "week") || st.isWord(k, "month") || st.isWord(k, "year") || st.isWord(k, "weekend")) &&
		(st.isWord(k-1, "last") || st.isWord(k-1, "this")) && k-1 >= lo:
		return k - 2
	}
	return j
}

func (st *state) adverb(i int) bool {
	t := st.toks[i]
	if t.kind != tWord || !t.lower {
		return false
	}
	w := st.word(i)
	switch w {
	case "since":
		return st.isWord(i-1, "has") || st.isWord(i-1, "have") || st.isWord(i-1, "had") // has since apologised
	case "also", "later", "then", "has", "had", "have", "would", "will", "once", "recently", "previously",
		"again", "further", "just", "simply", "often", "never", "ever", "did", "does", "do", "was", "is",
		"been", "first", "famously", "privately", "publicly", "still", "now", "earlier", "already",
		"subsequently", "repeatedly", "frequently", "reportedly", "sometimes", "told", "recalls", "not",
		"также", "еще", "ещё", "тогда", "затем", "потом", "особо", "отдельно", "также,":
		return w != "told" && w != "recalls"
	}
	return strings.HasSuffix(w, "ly") && len(w) > 4
}
