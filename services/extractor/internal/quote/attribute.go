package quote

import (
	"slices"
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
	// newSentence is set when the words after a question or exclamation
	// may open a sentence of their own rather than attribute it.
	newSentence bool
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
		f := found{span: sp, attribution: event.AttributionUnknown, at: -1}
		if who := st.transcriptLabel(sp); who != nil {
			// "RAMOS: Secretary Clinton, did you …": a transcript's line
			// names its speaker first.
			f.who, f.role, f.attribution, f.at = who, who.role, event.AttributionExplicit, sp.open+1
			st.found = append(st.found, f)
			last, lastPara = &st.found[len(st.found)-1], para
			continue
		}
		shared := last != nil && last.who != nil && st.interrupts(*last, sp) && (!a.ok || a.np[0] > last.close && a.np[0] < sp.open)
		switch {
		case shared:
			// “…,” Thiel wrote in a statement explaining his choice, “…”:
			// the attribution that broke the quotation serves both parts.
			f.who, f.role, f.verb, f.attribution, f.at = last.who, last.role, last.verb, last.attribution, last.at
		case a.ok:
			st.resolve(&f, a)
			f.at = a.np[0]
		}
		if !a.ok && !shared && (st.startsParagraph(sp) && (last == nil || lastPara < para-1) || st.startsSentence(sp) && (last == nil || lastPara < para)) {
			// A quotation opening a paragraph or a sentence after one that
			// introduced its speaker without quoting: Valastro praised
			// Christie’s leadership.⏎“We need someone who’s going to …”
			if b := st.introducedBy(sp.open - 1); b.ok {
				st.resolve(&f, b)
				a = b
			}
		}
		if !a.ok && !shared {
			switch {
			case last != nil && last.group == sp.group:
				f.who, f.role, f.attribution = last.who, last.role, event.AttributionContinuation
			case last != nil && (lastPara == para || lastPara == para-1 && st.startsParagraph(sp)):
				f.who, f.role, f.attribution = last.who, last.role, event.AttributionContinuation
			case last != nil && last.who != nil && lastPara == para-1 && st.isPunct(sp.open-1, ":") &&
				!st.namesOther(st.paragraphStart(sp.open), sp.open, last.who),
				last != nil && last.who != nil && lastPara == para-2 && st.startsParagraph(sp) &&
					!st.namesOther(last.close, sp.open, last.who):
				// Then, later that month on CNN: “…”; or a paragraph
				// between that names no one else: the speaker goes on.
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
	// Quotations sharing a sentence share its attribution when it follows
	// the last of them: Guns are “…” and “…,” Howard Dean proclaimed.
	for i := len(st.found) - 2; i >= 0; i-- {
		f, g := &st.found[i], &st.found[i+1]
		if g.who != nil && g.at > g.close && (f.attribution == event.AttributionUnknown || f.attribution == event.AttributionContinuation) &&
			st.sameSentence(f.span, g.span) {
			f.who, f.role, f.verb, f.attribution, f.at = g.who, g.role, g.verb, g.attribution, g.at
		}
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

// transcriptLabel finds the speaker a quotation opens with, as a
// transcript's lines do: “CLINTON: I feel …”, "Chris Matthews: Seriously
// …" with the next paragraph another speaker's line. The label is a known
// person's surname in capitals, or a first name and a surname. A name
// before a colon is no label when the line is a title (Austin Powers: The
// Spy Who Shagged Me) or words addressed to someone (Trump:You …).
func (st *state) transcriptLabel(sp span) *person {
	i := sp.open + 1
	j := st.labelEnd(i)
	if j < 0 || j+1 >= sp.close || !st.toks[j+1].space {
		return nil
	}
	words := st.words(i, j)
	caps := allCaps(words[len(words)-1])
	if !caps && !st.labelAfterParagraph(j) &&
		(!st.startsParagraph(sp) || len(words) < 2 || st.toks[j+1].kind == tMark || st.titleCase(sp)) {
		return nil // Holding signs reading “Chris Christie: Bad for New Jersey.”
	}
	if caps {
		last := words[len(words)-1]
		if p := st.ppl.labelled(last); p != nil {
			return p
		}
		if len(words) < 2 || len(last) < 2 {
			return nil // VIDEO:, Q:
		}
		for k, w := range words {
			words[k] = w[:1] + strings.ToLower(w[1:])
		}
	}
	if len(words) < 2 && st.ppl.recentSurnamed(i, words[0], func(p *person) bool { return !p.org && p.surname() == words[0] }) == nil {
		return nil
	}
	if len(words) >= 2 && !st.isFirstName(words[0]) {
		return nil
	}
	return st.ppl.find(words, names.Unknown, false, i)
}

// labelEnd is the colon after a run of up to four capitalised words
// starting at token i, or -1.
func (st *state) labelEnd(i int) int {
	j := i
	for j < len(st.toks) && j-i < 4 && st.toks[j].kind == tWord && st.toks[j].upper {
		j++
	}
	if j == i || !st.isPunct(j, ":") {
		return -1
	}
	return j
}

// labelAfterParagraph reports whether the paragraph after token i opens
// with a speaker's label too: Lopez: Well, no one …
func (st *state) labelAfterParagraph(i int) bool {
	n, _ := slices.BinarySearch(st.paras, i)
	if n == len(st.paras) {
		return false
	}
	k := st.paras[n] + 1
	if k < len(st.toks) && st.toks[k].kind == tMark {
		k++
	}
	return k < len(st.toks) && st.labelEnd(k) > 0
}

// paragraphStart is the paragraph break before token i, or -1.
func (st *state) paragraphStart(i int) int {
	n, _ := slices.BinarySearch(st.paras, i)
	if n == 0 {
		return -1
	}
	return st.paras[n-1]
}

// paragraphsBack is the token from which n paragraph breaks at most stand
// before token at (the n+1th break back, or 0).
func (st *state) paragraphsBack(at, n int) int {
	k, _ := slices.BinarySearch(st.paras, at+1) // the breaks up to at
	if k <= n {
		return 0
	}
	return st.paras[k-n-1]
}

// namesOther reports whether the text between tokens i and j names a
// person other than who.
func (st *state) namesOther(i, j int, who *person) bool {
	ms := &st.ppl.mentions
	for k := ms.search(i + 1); k < ms.len() && ms.at(k).tok < j; k++ {
		if m := ms.at(k); m.who != who && !m.who.org {
			return true
		}
	}
	return false
}

// interrupts reports whether a quotation continues the one before it in
// the same sentence, past the attribution that broke it: “…,” X said,
// “…”.
func (st *state) interrupts(last found, sp span) bool {
	return last.at > last.close && last.at < sp.open && st.sameSentence(last.span, sp)
}

// sameSentence reports whether quotation b follows a in the same sentence:
// a ends in no full stop, and no sentence end or paragraph stands between
// them.
func (st *state) sameSentence(a, b span) bool {
	if a.openEnded || a.close >= b.open || a.close-1 > a.open && isSentenceEnd(st.s, st.toks[a.close-1]) {
		return false
	}
	for k := a.close + 1; k < b.open; k++ {
		if t := st.toks[k]; t.kind == tPara || !t.quoted && isSentenceEnd(st.s, t) {
			return false
		}
	}
	return true
}

// startsSentence reports whether a quotation opens a sentence inside its
// paragraph.
func (st *state) startsSentence(sp span) bool {
	return sp.open > 0 && isSentenceEnd(st.s, st.toks[sp.open-1])
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
	case "so-called", "called", "dubbed", "titled", "entitled", "named", "nicknamed",
		"term", "terms", "word", "words", "phrase", "slogan", "hashtag", "label", "labeled", "labelled",
		"так", "называемый", "называемая", "называемое", "называемые", "под", "названием":
		return true
	case "as":
		return st.isWord(i-1, "known") || st.isWord(i-1, "billed") || st.isWord(i-1, "such")
	case "the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those":
		// After an article a quotation names something when a noun
		// follows it (the “Central Asia plus” mechanism); “the back of
		// the queue” at a clause's end is someone's words.
		return st.modifier(sp) || sp.words < 4 && !st.endsSentence(sp)
	}
	return false
}
