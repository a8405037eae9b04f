// Package gazetteer knows the names of countries, cities, regions,
// international organisations and public figures, in English and Russian,
// with their Wikidata IDs, and finds them in tokenized text. Russian names
// match in every case form (Беларусь, Беларуси; Александра Лукашенко).
//
// data/generated.json is compiled by cmd/gengazetteer from mledoze/countries
// (ODbL 1.0), confirmordeny/supraverden (CC BY-SA 4.0) and the project's
// curated files in data/curated; see data/LICENSES.md.
package gazetteer

//go:generate go run ../../cmd/gengazetteer -shared ../../../../../shared/data -curated data/curated -out data/generated.json

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/token"
)

//go:embed data/generated.json
var generated []byte

// Entry is one known thing.
type Entry struct {
	ID       string              `json:"-"` // the Wikidata ID, else DerivedID of the type and English name
	Name     string              `json:"name"`
	Type     string              `json:"type"`
	Kind     string              `json:"kind"` // country, demonym, place, organisation, person
	Wikidata string              `json:"wikidata"`
	Country  string              `json:"country"` // ISO 3166-1 alpha-3, when the thing belongs to one
	Names    map[string][]string `json:"names"`   // by language; the first is canonical
	Roles    map[string]string   `json:"roles"`   // a person's office, by language
	// Adjectives are a country's Russian adjectives (российский): NEREL
	// marks them as the country.
	Adjectives []string `json:"adjectives"`
	Source     string   `json:"source"`
}

// NameIn returns the entry's canonical name in language lang, else in
// English.
func (e *Entry) NameIn(lang string) string {
	if names := e.Names[lang]; len(names) > 0 {
		return names[0]
	}
	return e.Name
}

// DerivedID is the stable ID of a thing without a Wikidata ID: the same
// type and name key give the same ID in every article.
func DerivedID(typ, key string) string {
	return "nw:" + event.Hash("entity", typ, key)[:16]
}

// Kinds of entries.
const (
	KindCountry      = "country"
	KindDemonym      = "demonym"
	KindPlace        = "place"
	KindOrganisation = "organisation"
	KindPerson       = "person"
)

// Ref is one name of an entry as the index holds it.
type Ref struct {
	Entry *Entry
	Lang  string
	cases []wordCase
}

// wordCase is what a name's word asks of the text's word.
type wordCase uint8

const (
	anyCase    wordCase = iota // lower-case words of a name: of, the, и
	capital                    // Minsk: the text's word starts upper case
	allCapital                 // USA, ООН: the text's word is all upper case
)

type node struct {
	refs []Ref
	more bool // a longer name continues from here
}

// Gazetteer finds known names. It is safe for concurrent use.
type Gazetteer struct {
	entries    []Entry
	index      map[uint64]*node
	surnames   map[uint64][]*Entry
	adjectives map[uint64]*Entry
}

// maxForms bounds the case-form combinations indexed for one Russian name.
const maxForms = 64

// Load builds the gazetteer from the embedded data.
func Load() (*Gazetteer, error) {
	var entries []Entry
	if err := json.Unmarshal(generated, &entries); err != nil {
		return nil, fmt.Errorf("decode embedded gazetteer: %w", err)
	}
	return build(entries), nil
}

func build(entries []Entry) *Gazetteer {
	g := &Gazetteer{entries: entries, index: map[uint64]*node{}, surnames: map[uint64][]*Entry{}, adjectives: map[uint64]*Entry{}}
	for i := range g.entries {
		e := &g.entries[i]
		e.ID = e.Wikidata
		if e.ID == "" {
			e.ID = DerivedID(e.Type, NameKey(e.Name))
		}
		for _, a := range e.Adjectives {
			g.adjectives[token.Stem(a)] = e
		}
		langs := make([]string, 0, len(e.Names))
		for lang := range e.Names {
			langs = append(langs, lang)
		}
		sort.Strings(langs)
		for _, lang := range langs {
			for _, n := range e.Names[lang] {
				g.addName(e, lang, n)
			}
		}
	}
	for _, n := range g.index {
		sort.SliceStable(n.refs, func(i, j int) bool { return rank(n.refs[i].Entry) < rank(n.refs[j].Entry) })
	}
	return g
}

// rank orders the entries sharing a name: those with a Wikidata ID first,
// then countries, places, organisations, people and demonyms.
func rank(e *Entry) int {
	r := 0
	if e.Wikidata == "" {
		r += 10
	}
	switch e.Kind {
	case KindCountry:
	case KindPlace:
		r++
	case KindOrganisation:
		r += 2
	case KindPerson:
		r += 3
	default:
		r += 4
	}
	return r
}

func (g *Gazetteer) addName(e *Entry, lang, name string) {
	toks := token.Split(name, nil)
	if len(toks) == 0 || ambiguous(name, toks) {
		return
	}
	cases := make([]wordCase, len(toks))
	alternatives := make([][]uint64, len(toks))
	for i, t := range toks {
		w := t.Text(name)
		cases[i] = caseOf(w)
		alternatives[i] = formKeys(w)
	}
	ref := Ref{Entry: e, Lang: lang, cases: cases}
	combos := 0
	var walk func(i int, h uint64)
	walk = func(i int, h uint64) {
		if combos >= maxForms {
			return
		}
		for _, k := range alternatives[i] {
			next := token.Then(h, k)
			n := g.index[next]
			if n == nil {
				n = &node{}
				g.index[next] = n
			}
			if i == len(toks)-1 {
				combos++
				if !hasRef(n.refs, e) {
					n.refs = append(n.refs, ref)
				}
				continue
			}
			n.more = true
			walk(i+1, next)
		}
	}
	walk(0, token.Seed)
	if e.Kind == KindPerson && len(toks) > 1 {
		for _, k := range alternatives[len(toks)-1] {
			if !containsEntry(g.surnames[k], e) {
				g.surnames[k] = append(g.surnames[k], e)
			}
		}
	}
}

func hasRef(refs []Ref, e *Entry) bool {
	for _, r := range refs {
		if r.Entry == e {
			return true
		}
	}
	return false
}

func containsEntry(es []*Entry, e *Entry) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

// ambiguous names are too short or too common to find on their own: one
// letter, or one lower-case word.
func ambiguous(name string, toks []token.Token) bool {
	if len(toks) > 1 {
		return false
	}
	w := toks[0].Text(name)
	r, _ := utf8.DecodeRuneInString(w)
	return utf8.RuneCountInString(w) < 2 || !unicode.IsUpper(r)
}

func caseOf(w string) wordCase {
	r, _ := utf8.DecodeRuneInString(w)
	switch {
	case !unicode.IsUpper(r):
		return anyCase
	case utf8.RuneCountInString(w) >= 2 && strings.ToUpper(w) == w && strings.ToLower(w) != w:
		return allCapital
	default:
		return capital
	}
}

// fits reports whether the text's words toks can be the name of ref.
func (r Ref) fits(toks []token.Token) bool {
	for i, c := range r.cases {
		switch c {
		case capital:
			if !toks[i].Has(token.Upper) {
				return false
			}
		case allCapital:
			if !toks[i].Has(token.AllUpper) {
				return false
			}
		}
	}
	return true
}

// Match is a known name found in text, over tokens [Start, End).
type Match struct {
	Start, End int
	Ref        Ref
	// Others are the other entries with the same name and case, best first.
	Others []Ref
}

// Longest returns the longest known name that starts at token i of toks,
// whose stem keys (token.Stem of each token's text) are keys.
func (g *Gazetteer) Longest(toks []token.Token, keys []uint64, i int) (Match, bool) {
	var best Match
	found := false
	h := token.Seed
	for j := i; j < len(toks); j++ {
		h = token.Then(h, keys[j])
		n := g.index[h]
		if n == nil {
			break
		}
		for k, ref := range n.refs {
			if ref.fits(toks[i : j+1]) {
				best = Match{Start: i, End: j + 1, Ref: ref, Others: n.refs[k+1:]}
				found = true
				break
			}
		}
		if !n.more {
			break
		}
	}
	return best, found
}

// Knows reports whether the whole of name is a known name, in any case
// form: a country or an organisation, not a person.
func (g *Gazetteer) Knows(name string) bool {
	toks := token.Split(name, nil)
	if len(toks) == 0 {
		return false
	}
	keys := make([]uint64, len(toks))
	for i, t := range toks {
		keys[i] = token.Stem(t.Text(name))
	}
	m, ok := g.Longest(toks, keys, 0)
	if !ok || m.End != len(toks) {
		return false
	}
	for _, r := range append([]Ref{m.Ref}, m.Others...) {
		if r.Entry.Kind != "person" {
			return true
		}
	}
	return false
}

// ByAdjective returns the country whose Russian adjective has the stem
// key k: российских → Russia.
func (g *Gazetteer) ByAdjective(k uint64) *Entry { return g.adjectives[k] }

// BySurname returns the people whose names end with the word of key k.
func (g *Gazetteer) BySurname(k uint64) []*Entry { return g.surnames[k] }

// Entries returns every entry, for tests and tools.
func (g *Gazetteer) Entries() []Entry { return g.entries }

// NameKey folds a name into the key DerivedID hashes: its words' stems,
// lower case, joined by spaces.
func NameKey(name string) string {
	toks := token.Split(name, nil)
	var b strings.Builder
	for _, t := range toks {
		if !t.Has(token.Word) {
			continue
		}
		w := t.Text(name)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(w[:token.StemEnd(w)]))
	}
	return strings.ReplaceAll(b.String(), "ё", "е")
}
