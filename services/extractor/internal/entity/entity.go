// Package entity finds the people, organisations and places an article
// names, one entity per real thing, with canonical names and Wikidata IDs.
//
// Names come from three sources: the gazetteer (countries, cities, regions,
// organisations and public figures, with Wikidata IDs, in English and
// Russian), rules over capitalisation, titles, organisation and place words
// and speech verbs (English), and a sequence tagger learned from NEREL
// (Russian). Mentions of one thing are then merged: the names of one
// gazetteer entry, a surname and the full name met before or after it, an
// acronym and the expansion it follows in brackets, and Russian case forms.
package entity

import (
	"sort"
	"strings"
	"sync"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/lexicon"
	"github.com/newswire/newswire/services/extractor/internal/tagger"
	"github.com/newswire/newswire/services/extractor/internal/token"
)

// Entity is one real thing named in a document.
type Entity struct {
	ID         string // stable across articles: the Wikidata ID, else a gazetteer or derived ID
	Name       string // canonical
	Type       string
	WikidataID string
	Mentions   []Mention
}

// Mention is one place the entity is named.
type Mention struct {
	Text string
	doc.Span
}

// Tagger finds names in tokenized text of one language.
type Tagger interface {
	Tag(t tagger.Tokens, dst []tagger.Span) []tagger.Span
}

// Extractor finds entities. It is safe for concurrent use.
type Extractor struct {
	gaz     *gazetteer.Gazetteer
	lex     *lexicon.Lexicon
	taggers map[string]Tagger
	parts   sync.Pool // of *part: token buffers reused across calls
}

// New returns an extractor over the gazetteer and the lexicon, with a tagger
// for each language that has one ("ru").
func New(g *gazetteer.Gazetteer, lex *lexicon.Lexicon, taggers map[string]Tagger) *Extractor {
	return &Extractor{gaz: g, lex: lex, taggers: taggers}
}

// Load returns an extractor over the data shipped with it: the embedded
// gazetteer, the word lists and the Russian tagger.
func Load() (*Extractor, error) {
	g, err := gazetteer.Load()
	if err != nil {
		return nil, err
	}
	ru, err := tagger.Builtin("ru")
	if err != nil {
		return nil, err
	}
	return New(g, lexicon.New(), map[string]Tagger{"ru": ru}), nil
}

// Gazetteer is the gazetteer the extractor looks names up in, for other
// extractors to share.
func (x *Extractor) Gazetteer() *gazetteer.Gazetteer { return x.gaz }

// part is the title or the body, tokenized.
type part struct {
	text     string
	in       string
	toks     []token.Token
	keys     []uint64          // token.Stem of each token
	folds    []uint64          // token.Fold of each token
	knownAt  []int32           // index in known of the longest known name starting at each token, or -1
	nextOf   []int32           // index of the first "of" or "for" at or after each token, or len(toks)
	known    []gazetteer.Match // the known names found
	runes    []int             // code-point offset of each token's start, and one past the last token's end
	runeEnds []int
	restrict []bool              // tokens on a headline or an all-capitals line: only known names count there
	seen     map[uint64]*mention // names of several words found in the body, by the key of their stems
}

// seenNames indexes the names of several words among ms by their key.
func seenNames(ms []*mention) map[uint64]*mention {
	seen := map[uint64]*mention{}
	for _, m := range ms {
		if m.end-m.start > 1 && !m.weak && m.entry == nil {
			seen[m.key()] = m
		}
	}
	return seen
}

// key is the key of a mention's words.
func (m *mention) key() uint64 {
	h := token.Seed
	for _, k := range m.part.keys[m.start:m.end] {
		h = token.Then(h, k)
	}
	return h
}

// mention is a name found, before the mentions of one thing are merged.
type mention struct {
	part       *part
	start, end int // tokens
	typ        string
	entry      *gazetteer.Entry // the gazetteer's, when known
	weak       bool             // a lone capitalised word: kept only if it names a person met elsewhere…
	place      bool             // …or, when set, also as a place
}

// longest returns the longest known name starting at token i.
func (p *part) longest(i int) (gazetteer.Match, bool) {
	if i >= len(p.toks) || p.knownAt[i] < 0 {
		return gazetteer.Match{}, false
	}
	return p.known[p.knownAt[i]], true
}

func (m *mention) text() string {
	return m.part.text[m.part.toks[m.start].Start:m.part.toks[m.end-1].End]
}

// Extract returns the entities of d, in order of first mention.
func (x *Extractor) Extract(d doc.Document) []Entity {
	lang := language(d)
	body := x.prepare(d.Body, event.InBody, false)
	title := x.prepare(d.Title, event.InTitle, true)
	var ms []*mention
	ms = x.find(body, lang, ms)
	title.seen = seenNames(ms)
	ms = x.find(title, lang, ms)
	out := x.resolve(ms, lang)
	x.release(body)
	x.release(title)
	return out
}

// language is the document's language, else a guess from its script.
func language(d doc.Document) string {
	if d.Language != "" {
		return strings.ToLower(d.Language)
	}
	cyr, lat := 0, 0
	for _, text := range []string{d.Title, d.Body} {
		for _, r := range text {
			switch {
			case r >= 0x400 && r <= 0x4FF:
				cyr++
			case r < 0x250 && (r|0x20) >= 'a' && (r|0x20) <= 'z':
				lat++
			}
		}
	}
	if cyr > lat {
		return "ru"
	}
	return "en"
}

// prepare tokenizes text into a part from the pool; release returns it.
func (x *Extractor) prepare(text, in string, headline bool) *part {
	p, _ := x.parts.Get().(*part)
	if p == nil {
		p = &part{}
	}
	p.text, p.in, p.seen = text, in, nil
	p.toks = token.Split(text, p.toks[:0])
	n := len(p.toks)
	p.keys = resize(p.keys, n)
	p.folds = resize(p.folds, n)
	p.knownAt = resize(p.knownAt, n)
	p.nextOf = resize(p.nextOf, n)
	p.known = p.known[:0]
	p.runes = resize(p.runes, n)
	p.runeEnds = resize(p.runeEnds, n)
	p.restrict = resize(p.restrict, n)
	runes := doc.NewRunes(text)
	for i, t := range p.toks {
		p.keys[i], p.folds[i] = token.Keys(t.Text(text))
		p.runes[i] = runes.At(t.Start)
		p.runeEnds[i] = runes.At(t.End)
		p.restrict[i] = false
	}
	for i := range p.toks {
		p.knownAt[i] = -1
		if m, ok := x.gaz.Longest(p.toks, p.keys, i); ok {
			p.knownAt[i] = int32(len(p.known))
			p.known = append(p.known, m)
		}
	}
	next := int32(n)
	for i := n - 1; i >= 0; i-- {
		if w := p.toks[i].Text(text); w == "of" || w == "for" {
			next = int32(i)
		}
		p.nextOf[i] = next
	}
	markRestricted(p, headline)
	return p
}

func (x *Extractor) release(p *part) {
	p.text, p.seen = "", nil
	x.parts.Put(p)
}

// resize returns s with length n, reusing its array when it is big enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// markRestricted marks the tokens of lines where capitals say nothing: a
// headline in title case and any line in all capitals.
func markRestricted(p *part, headline bool) {
	for start := 0; start < len(p.toks); {
		end := start + 1
		for end < len(p.toks) && !p.toks[end].Has(token.LineStart) {
			end++
		}
		words, upper, allUpper := 0, 0, 0
		for _, t := range p.toks[start:end] {
			if !t.Has(token.Word) || t.Has(token.Number) || t.End-t.Start < 4 {
				continue
			}
			words++
			if t.Has(token.Upper) {
				upper++
			}
			if t.Has(token.AllUpper) {
				allUpper++
			}
		}
		shout := words >= 2 && allUpper*10 >= words*7
		titleCase := headline && words >= 2 && upper*10 >= words*7
		if shout || titleCase {
			for i := start; i < end; i++ {
				p.restrict[i] = true
			}
		}
		start = end
	}
}

// find appends the mentions of part p.
func (x *Extractor) find(p *part, lang string, ms []*mention) []*mention {
	if len(p.toks) == 0 {
		return ms
	}
	if t := x.taggers[lang]; t != nil {
		return x.findTagged(p, t, ms)
	}
	if lang == "en" {
		return x.findEnglish(p, ms)
	}
	return x.findKnown(p, ms)
}

// findKnown appends the gazetteer's names in p: what is found in a language
// with neither rules nor a tagger.
func (x *Extractor) findKnown(p *part, ms []*mention) []*mention {
	for i := 0; i < len(p.toks); {
		if m, ok := p.longest(i); ok {
			ms = append(ms, &mention{part: p, start: m.Start, end: m.End, typ: m.Ref.Entry.Type, entry: m.Ref.Entry})
			i = m.End
			continue
		}
		i++
	}
	return ms
}

// entity is an Entity being assembled.
type entity struct {
	Entity
	first int // order of the first mention
}

// resolve merges the mentions of one thing into one entity.
func (x *Extractor) resolve(ms []*mention, lang string) []Entity {
	// People named in full, by the stem of their last word: what a lone
	// surname refers to.
	people := map[uint64][]*mention{}
	for _, m := range ms {
		if m.typ == event.TypePerson && m.end-m.start > 1 && !m.weak {
			k := m.part.keys[m.end-1]
			people[k] = append(people[k], m)
		}
	}
	// Organisations named in full, by their first word: Dinamo for Dinamo
	// Minsk.
	orgs := map[uint64]*mention{}
	for _, m := range ms {
		if m.typ == event.TypeOrg && m.end-m.start > 1 && !m.weak && m.entry == nil && m.part.toks[m.start].Has(token.Upper) &&
			!x.lex.English.Has(m.part.folds[m.start]) {
			if _, ok := orgs[m.part.folds[m.start]]; !ok {
				orgs[m.part.folds[m.start]] = m
			}
		}
	}
	// Acronyms defined in brackets after their expansion.
	acronyms := map[uint64]*mention{}
	for _, m := range ms {
		if m.weak || m.end-m.start < 2 {
			continue
		}
		if a, ok := acronymAfter(m); ok {
			acronyms[a] = m
		}
	}

	byID := map[string]*entity{}
	var order []*entity
	add := func(id string, m *mention, name, typ, qid string) {
		e := byID[id]
		if e == nil {
			e = &entity{Entity: Entity{ID: id, Name: name, Type: typ, WikidataID: qid}, first: len(order)}
			byID[id] = e
			order = append(order, e)
		}
		e.Mentions = append(e.Mentions, Mention{Text: m.text(), Span: doc.Span{
			In: m.part.in, Start: m.part.runes[m.start], End: m.part.runeEnds[m.end-1]}})
	}
	// idOf gives the entity of a mention; known people and acronyms first.
	var idOf func(m *mention, depth int) (id, name, typ, qid string, ok bool)
	idOf = func(m *mention, depth int) (string, string, string, string, bool) {
		if m.entry != nil {
			return m.entry.ID, m.entry.NameIn(lang), m.entry.Type, m.entry.Wikidata, true
		}
		single := m.end-m.start == 1
		if single && depth == 0 {
			k := m.part.keys[m.start]
			if full := people[k]; len(full) > 0 && (m.typ == event.TypePerson || m.weak) {
				return idOf(full[0], 1)
			}
			if exp := acronyms[token.Fold(m.text())]; exp != nil && exp != m {
				return idOf(exp, 1)
			}
			if org := orgs[m.part.folds[m.start]]; org != nil && (m.weak || m.typ == event.TypeOrg) {
				return idOf(org, 1)
			}
			if m.typ == event.TypePerson || m.weak {
				if es := x.gaz.BySurname(k); len(es) == 1 && (m.typ == event.TypePerson || m.part.in == event.InTitle) {
					e := es[0]
					return e.ID, e.NameIn(lang), e.Type, e.Wikidata, true
				}
			}
		}
		if m.weak && !m.place {
			return "", "", "", "", false
		}
		name := m.text()
		return gazetteer.DerivedID(m.typ, gazetteer.NameKey(name)), name, m.typ, "", true
	}
	for _, m := range ms {
		if id, name, typ, qid, ok := idOf(m, 0); ok {
			add(id, m, name, typ, qid)
		}
	}
	out := make([]Entity, 0, len(order))
	for _, e := range order {
		sortMentions(e.Mentions)
		out = append(out, e.Entity)
	}
	// In order of first mention: the title comes before the body.
	sort.SliceStable(out, func(i, j int) bool { return before(out[i].Mentions[0], out[j].Mentions[0]) })
	return out
}

func before(a, b Mention) bool {
	if a.In != b.In {
		return a.In == event.InTitle
	}
	return a.Start < b.Start
}

func sortMentions(ms []Mention) {
	sort.SliceStable(ms, func(i, j int) bool { return before(ms[i], ms[j]) })
}

// acronymAfter returns the key of the acronym in brackets right after m,
// when its letters are the initials of m's capitalised words:
// Shanghai Cooperation Organization (SCO).
func acronymAfter(m *mention) (uint64, bool) {
	p := m.part
	i := m.end
	if i+2 >= len(p.toks) || p.toks[i].Text(p.text) != "(" || p.toks[i+2].Text(p.text) != ")" {
		return 0, false
	}
	a := p.toks[i+1]
	if !a.Has(token.AllUpper) {
		return 0, false
	}
	acr := a.Text(p.text)
	var initials []rune
	for _, t := range p.toks[m.start:m.end] {
		if t.Has(token.Upper) {
			for _, r := range t.Text(p.text) {
				initials = append(initials, r)
				break
			}
		}
	}
	j := 0
	for _, r := range acr {
		for j < len(initials) && initials[j] != r {
			j++
		}
		if j == len(initials) {
			return 0, false
		}
		j++
	}
	return token.Fold(acr), true
}
