package entity

import (
	"unicode/utf8"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/token"
)

// findEnglish appends the names in English text p: runs of capitalised
// words (with the small words names hold: of, the, and, de), each trimmed of
// sentence openers and titles, then typed by the gazetteer, by its last
// word (Ministry, Strait, Region), by a given name, a title or a speech verb.
func (x *Extractor) findEnglish(p *part, ms []*mention) []*mention {
	for i := 0; i < len(p.toks); {
		t := p.toks[i]
		if !t.Has(token.Word) || !t.Has(token.Upper) || t.Has(token.Possessive) || t.Has(token.Number) {
			i++
			continue
		}
		end := x.run(p, i)
		ms = x.runMentions(p, i, end, ms)
		i = end
	}
	return ms
}

// run returns the end of the run of capitalised words starting at i. It
// reads each word once, keeping what the words so far can take after them.
func (x *Extractor) run(p *part, i int) int {
	var heads runHeads
	j := i
	for j < len(p.toks) {
		if j > i && (p.toks[j].Has(token.SentStart) || p.toks[j].Has(token.LineStart)) {
			break
		}
		// A known name may hold punctuation and small words: Washington, D.C.
		if m, ok := p.longest(j); ok && m.End > j+1 {
			heads.read(x, p, j, m.End)
			j = m.End
			continue
		}
		t := p.toks[j]
		capitalised := t.Has(token.Word) && t.Has(token.Upper) && !t.Has(token.Possessive) && !t.Has(token.Number)
		if !capitalised && (j == i || j+1 >= len(p.toks) || !x.joins(p, j, heads)) {
			break
		}
		heads.read(x, p, j, j+1)
		j++
	}
	return j
}

// runHeads is what the words of a run read so far can take after them.
type runHeads struct {
	of  bool // "of" or "for": an organisation, a title, a place designator or a portfolio word
	and bool // "and": an organisation or a portfolio word
}

// read reads the words [from, to) of a run.
func (h *runHeads) read(x *Extractor, p *part, from, to int) {
	for k := from; k < to; k++ {
		f := p.folds[k]
		h.of = h.of || x.lex.OrgHeads.Has(f) || x.lex.Titles.Has(f) || x.lex.GPEHeads.Has(f) || x.lex.LocHeads.Has(f) || x.lex.Portfolios.Has(f)
		h.and = h.and || x.lex.OrgHeads.Has(f) || x.lex.Portfolios.Has(f)
	}
}

// joins reports whether token j, inside a run whose words so far can take
// what heads says after them, joins the capitalised words around it: "of"
// after Ministry, "." after an initial.
func (x *Extractor) joins(p *part, j int, heads runHeads) bool {
	t, prev, next := p.toks[j], p.toks[j-1], p.toks[j+1]
	w := t.Text(p.text)
	if (w == "of" || w == "for") && next.Text(p.text) == "the" && j+2 < len(p.toks) {
		next = p.toks[j+2] // Council for the Promotion of…
	}
	if !next.Has(token.Word) || !next.Has(token.Upper) || next.Has(token.SentStart) {
		return false
	}
	switch {
	case w == "." && (prev.Has(token.Initial) || x.lex.Honorifics.Has(p.folds[j-1])):
		return true
	case w == "&":
		return true
	case !t.Has(token.Word) || t.Has(token.Upper):
		return false
	}
	k := token.Fold(w)
	if !x.lex.Connectors.Has(k) {
		return false
	}
	switch w {
	case "of", "for":
		return heads.of
	case "the":
		return p.toks[j-1].Text(p.text) == "of" || p.toks[j-1].Text(p.text) == "for"
	case "and":
		return heads.and
	case "on":
		return false
	}
	return true // de, von, van, bin, al: inside people's names
}

// runMentions appends the mentions in the run [i, end).
func (x *Extractor) runMentions(p *part, i, end int, ms []*mention) []*mention {
	// Sentence openers and words that are never names.
	for i < end {
		if _, ok := p.longest(i); ok {
			break
		}
		t := p.toks[i]
		f := token.Fold(t.Text(p.text))
		if x.lex.NotNames.Has(f) || !t.Has(token.Word) ||
			t.Has(token.SentStart) && x.lex.English.Has(f) && !x.lex.GivenNames.Has(f) && !x.lex.Titles.Has(f) && !x.lex.Honorifics.Has(f) && !x.lex.OrgHeads.Has(f) ||
			f == token.Fold("the") {
			i++
			continue
		}
		break
	}
	for end > i && !p.toks[end-1].Has(token.Word) {
		end--
	}
	if i >= end {
		return ms
	}
	if p.restrict[i] {
		return x.restricted(p, i, end, ms)
	}
	// A title before a name: Russian Minister of Foreign Affairs Sergey Lavrov.
	if t, ok := x.titleAt(p, i, end); ok {
		ms = x.runMentions(p, i, t, ms) // what comes before the title: Russian
		return x.afterTitle(p, t, end, ms)
	}
	return x.typed(p, i, end, ms)
}

// restricted appends only what is known in a headline or capitals: the
// gazetteer's names and lone words that may name a person met elsewhere.
func (x *Extractor) restricted(p *part, i, end int, ms []*mention) []*mention {
	for i < end {
		if n := p.seenAt(i, end); n > 0 {
			seen := p.seen[p.keyOf(i, i+n)]
			ms = append(ms, &mention{part: p, start: i, end: i + n, typ: seen.typ, entry: seen.entry})
			i += n
			continue
		}
		if m, ok := p.longest(i); ok && m.End <= end {
			ms = append(ms, x.known(p, m))
			i = m.End
			continue
		}
		if p.toks[i].Has(token.Word) && !p.toks[i].Has(token.Number) {
			ms = append(ms, &mention{part: p, start: i, end: i + 1, typ: event.TypePerson, weak: true})
		}
		i++
	}
	return ms
}

// seenAt returns the length of the longest name seen in the body that
// starts at token i and ends by end, or 0.
func (p *part) seenAt(i, end int) int {
	if len(p.seen) == 0 {
		return 0
	}
	best := 0
	h := token.Seed
	for j := i; j < end && j < i+8; j++ {
		h = token.Then(h, p.keys[j])
		if _, ok := p.seen[h]; ok {
			best = j + 1 - i
		}
	}
	return best
}

func (p *part) keyOf(i, end int) uint64 {
	h := token.Seed
	for _, k := range p.keys[i:end] {
		h = token.Then(h, k)
	}
	return h
}

func (x *Extractor) known(p *part, m gazetteer.Match) *mention {
	return &mention{part: p, start: m.Start, end: m.End, typ: m.Ref.Entry.Type, entry: m.Ref.Entry}
}

// titleAt returns where a title starts in [i, end) when a name follows it:
// at its first modifier (Deputy Prime Minister) or at its core word. A run
// that ends with an organisation's word (Tashkent State Technical
// University) holds no title.
func (x *Extractor) titleAt(p *part, i, end int) (int, bool) {
	last := p.folds[end-1]
	if x.lex.OrgHeads.Has(last) {
		return 0, false
	}
	for k := i; k < end; k++ {
		f := p.folds[k]
		if x.lex.Modifiers.Has(f) || !x.lex.Titles.Has(f) && !x.lex.Honorifics.Has(f) {
			continue
		}
		if x.nameAfterTitle(p, k, end) >= end {
			return 0, false
		}
		t := k
		for t > i && (x.lex.Modifiers.Has(p.folds[t-1]) || x.lex.Portfolios.Has(p.folds[t-1])) {
			t--
		}
		return t, true
	}
	return 0, false
}

// nameAfterTitle returns where the name starts after the title at k: past
// title and portfolio words, small words and the places of the office
// (President of Belarus), at a given name or a known person if one comes.
func (x *Extractor) nameAfterTitle(p *part, k, end int) int {
	j := k
	for j < end {
		if m, ok := p.longest(j); ok && m.End <= end {
			if m.Ref.Entry.Type == event.TypePerson {
				return j
			}
			j = m.End
			continue
		}
		t := p.toks[j]
		f := token.Fold(t.Text(p.text))
		if x.lex.GivenNames.Has(f) && j > k {
			return j
		}
		if x.lex.Titles.Has(f) || x.lex.Honorifics.Has(f) || x.lex.Portfolios.Has(f) || x.lex.OrgHeads.Has(f) ||
			x.lex.GPEHeads.Has(f) || !t.Has(token.Upper) || !t.Has(token.Word) {
			j++
			continue
		}
		break
	}
	// No given name: the name is what follows the last title word.
	return j
}

// afterTitle appends what the title at t names and the person after it:
// the places of the office (President of Belarus) or the organisation
// (Chairman of the Gomel Oblast Executive Committee Ivan Krupko).
func (x *Extractor) afterTitle(p *part, t, end int, ms []*mention) []*mention {
	name := x.nameAfterTitle(p, t, end)
	// The office's place or organisation starts at its first capitalised
	// word that is not a title's.
	from := -1
	for j := t; j < name; j++ {
		tok := p.toks[j]
		f := token.Fold(tok.Text(p.text))
		_, known := p.longest(j)
		if tok.Has(token.Upper) && (known || !x.lex.Titles.Has(f) && !x.lex.Portfolios.Has(f) && !x.lex.Honorifics.Has(f)) {
			from = j
			break
		}
	}
	if from >= 0 {
		if x.hasOrgHead(p, from, name) {
			ms = x.typed(p, from, name, ms)
		} else {
			for j := from; j < name; {
				if m, ok := p.longest(j); ok && m.End <= name {
					ms = append(ms, x.known(p, m))
					j = m.End
					continue
				}
				j++
			}
		}
	}
	return x.person(p, name, end, ms)
}

func (x *Extractor) hasOrgHead(p *part, i, end int) bool {
	for k := i; k < end; k++ {
		f := p.folds[k]
		if x.lex.OrgHeads.Has(f) && !x.lex.Portfolios.Has(f) {
			return true
		}
	}
	return false
}

// person appends the person named by [i, end), known or not.
func (x *Extractor) person(p *part, i, end int, ms []*mention) []*mention {
	if i >= end {
		return ms
	}
	if end-i > 4 {
		return x.typed(p, i, end, ms)
	}
	if m, ok := p.longest(i); ok && m.End == end {
		return append(ms, x.known(p, m))
	}
	return append(ms, &mention{part: p, start: i, end: end, typ: event.TypePerson})
}

// typed appends the names in [i, end), typed by what they are made of.
func (x *Extractor) typed(p *part, i, end int, ms []*mention) []*mention {
	if i >= end {
		return ms
	}
	last := p.folds[end-1]
	m, known := p.longest(i)
	switch {
	case known && m.End == end:
		return append(ms, x.known(p, m))
	case end-i > 1 && x.lex.LocHeads.Has(last):
		return append(ms, &mention{part: p, start: i, end: end, typ: event.TypeLoc})
	case end-i > 1 && x.lex.GPEHeads.Has(last) && !x.lex.OrgHeads.Has(last):
		return append(ms, &mention{part: p, start: i, end: end, typ: event.TypeGPE})
	case end-i > 1 && x.lex.EventHeads.Has(last) && !x.lex.OrgHeads.Has(last):
		return append(ms, &mention{part: p, start: i, end: end, typ: event.TypeEvent})
	case end-i > 1 && (x.lex.OrgHeads.Has(last) || x.orgOf(p, i, end)):
		return append(ms, &mention{part: p, start: i, end: end, typ: event.TypeOrg})
	case x.clubName(p, i, end):
		return append(ms, &mention{part: p, start: i, end: end, typ: event.TypeOrg})
	case known:
		// A known name and more: each part on its own.
		ms = append(ms, x.known(p, m))
		return x.typed(p, m.End, end, ms)
	}
	// Where a known name starts inside, the words before it stand alone.
	for k := i + 1; k < end; k++ {
		if _, ok := p.longest(k); ok {
			ms = x.unknown(p, i, k, ms)
			return x.typed(p, k, end, ms)
		}
	}
	return x.unknown(p, i, end, ms)
}

// clubName reports whether [i, end) is a name and a city, the way clubs
// and companies are named: Dinamo Minsk, SKA Saint Petersburg.
func (x *Extractor) clubName(p *part, i, end int) bool {
	for k := i + 1; k < end; k++ {
		m, ok := p.longest(k)
		if !ok {
			continue
		}
		if m.End != end || m.Ref.Entry.Kind != gazetteer.KindPlace || m.Ref.Entry.Type != event.TypeGPE {
			return false
		}
		for j := i; j < k; j++ {
			f := p.folds[j]
			if !p.toks[j].Has(token.Upper) || x.lex.English.Has(f) || x.lex.GivenNames.Has(f) || x.lex.Titles.Has(f) {
				return false
			}
			if _, known := p.longest(j); known {
				return false
			}
		}
		return true
	}
	return false
}

// orgOf reports whether [i, end) is an organisation named "X of Y":
// Ministry of Foreign Affairs, University of Oxford, Bank of China.
// The first "of" or "for" is looked up, not scanned for: typed asks
// again for each known name of a long run.
func (x *Extractor) orgOf(p *part, i, end int) bool {
	k := int(p.nextOf[i])
	if k >= end || k == i {
		return false
	}
	f := p.folds[k-1]
	return x.lex.OrgHeads.Has(f) || x.lex.OrgPrefixes.Has(f) || x.lex.Portfolios.Has(f)
}

// unknown appends the unknown name [i, end) if it looks like one.
func (x *Extractor) unknown(p *part, i, end int, ms []*mention) []*mention {
	if i >= end {
		return ms
	}
	n := end - i
	first := p.toks[i]
	w := first.Text(p.text)
	f := token.Fold(w)
	if n == 1 {
		switch {
		case first.Has(token.AllUpper):
			if x.acronym(p, i) {
				return append(ms, &mention{part: p, start: i, end: end, typ: event.TypeOrg})
			}
			return ms
		case x.speechAfter(p, end) || x.speechBefore(p, i):
			return append(ms, &mention{part: p, start: i, end: end, typ: event.TypePerson})
		case i > 0 && !first.Has(token.SentStart) && x.lex.PlaceWords.Has(p.folds[i-1]) && !x.lex.English.Has(f) &&
			!x.lex.GivenNames.Has(f) && (end == len(p.toks) || !p.toks[end].Has(token.Possessive)):
			return append(ms, &mention{part: p, start: i, end: end, typ: event.TypeGPE, weak: true, place: true})
		case utf8.RuneCountInString(w) > 1:
			return append(ms, &mention{part: p, start: i, end: end, typ: event.TypePerson, weak: true})
		}
		return ms
	}
	if utf8.RuneCountInString(w) == 1 && !first.Has(token.Initial) {
		return ms // V Teme: a letter is not a name
	}
	if x.lex.GivenNames.Has(f) || first.Has(token.Initial) || x.speechAfter(p, end) || x.speechBefore(p, i) {
		if n <= 4 {
			return append(ms, &mention{part: p, start: i, end: end, typ: event.TypePerson})
		}
	}
	// Two or three words none of which is an English word: most likely a
	// person's name.
	if n <= 3 && !x.anyEnglish(p, i, end) {
		return append(ms, &mention{part: p, start: i, end: end, typ: event.TypePerson})
	}
	return ms
}

func (x *Extractor) anyEnglish(p *part, i, end int) bool {
	for k := i; k < end; k++ {
		t := p.toks[k]
		if !t.Has(token.Word) {
			continue
		}
		if x.lex.English.Has(token.Fold(t.Text(p.text))) {
			return true
		}
	}
	return false
}

// acronym reports whether the all-capitals word at i is an organisation's
// acronym rather than a common abbreviation or a Roman numeral.
func (x *Extractor) acronym(p *part, i int) bool {
	w := p.toks[i].Text(p.text)
	n := utf8.RuneCountInString(w)
	if n < 2 || n > 7 || p.toks[i].Has(token.Number) {
		return false
	}
	roman := true
	for _, r := range w {
		if r != 'I' && r != 'V' && r != 'X' && r != 'L' && r != 'C' && r != 'M' && r != 'D' {
			roman = false
		}
	}
	return !roman && !x.lex.NotNames.Has(token.Fold(w)) && !commonAbbreviations[w]
}

var commonAbbreviations = map[string]bool{
	"CEO": true, "CFO": true, "GDP": true, "VAT": true, "TV": true, "PM": true, "AM": true, "ID": true, "IT": true,
	"AI": true, "OK": true, "USD": true, "EUR": true, "BYN": true, "RUB": true, "CNY": true, "COVID": true,
	"PR": true, "HR": true, "IQ": true, "DNA": true, "CCTV": false, "FTA": true, "SEZ": true, "LNG": true,
	"GMT": true, "UTC": true, "MW": true, "KW": true, "KM": true, "SMS": true, "PC": true, "IPO": true,
	"FDI": true, "R&D": true, "NGO": true, "NGOs": true, "MPs": true, "UAV": true, "UAVs": true, "ICT": true,
}

// speechAfter reports whether a speech verb follows token end: "Lavrov
// said", "Lavrov, who…, said" is not looked for.
func (x *Extractor) speechAfter(p *part, end int) bool {
	for k := end; k < len(p.toks) && k <= end+1; k++ {
		t := p.toks[k]
		if x.lex.SpeechVerbs.Has(token.Fold(t.Text(p.text))) {
			return true
		}
		if w := t.Text(p.text); w != "," && w != "also" && w != "has" && w != "had" {
			return false
		}
	}
	return false
}

// speechBefore reports whether a speech verb or "according to" comes right
// before token i: "said Lavrov", "according to Lavrov".
func (x *Extractor) speechBefore(p *part, i int) bool {
	if i == 0 {
		return false
	}
	prev := p.toks[i-1].Text(p.text)
	if prev == "to" && i >= 2 && p.toks[i-2].Text(p.text) == "according" {
		return true
	}
	return x.lex.SpeechVerbs.Has(token.Fold(prev)) && !p.toks[i-1].Has(token.Upper)
}
