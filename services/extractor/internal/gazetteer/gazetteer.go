// Package gazetteer knows the names of countries and international
// organisations, compiled from the shared reference data, and finds them in
// text.
//
// data/generated.json derives from mledoze/countries (ODbL 1.0) and
// confirmordeny/supraverden (CC BY-SA 4.0); see data/LICENSES.md.
package gazetteer

//go:generate go run ../../cmd/gengazetteer -shared ../../../../../shared/data -out data/generated.json

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed data/generated.json
var generated []byte

// Entry is one known thing.
type Entry struct {
	ID       string              `json:"id"`
	Name     string              `json:"name"`
	Type     string              `json:"type"`
	Wikidata string              `json:"wikidata"`
	Names    map[string][]string `json:"names"`
}

// Match is one name found in text, in byte offsets.
type Match struct {
	Entry      *Entry
	Start, End int
}

// Gazetteer finds known names. It is safe for concurrent use.
type Gazetteer struct {
	entries []Entry
	// byFirst maps a name's first word to the names starting with it, longest
	// first.
	byFirst map[string][]name
}

type name struct {
	words []string
	entry *Entry
}

// Load builds the gazetteer from the embedded data.
func Load() (*Gazetteer, error) {
	var entries []Entry
	if err := json.Unmarshal(generated, &entries); err != nil {
		return nil, fmt.Errorf("decode embedded gazetteer: %w", err)
	}
	g := &Gazetteer{entries: entries, byFirst: map[string][]name{}}
	for i := range g.entries {
		e := &g.entries[i]
		for _, names := range e.Names {
			for _, n := range names {
				words := Words(n)
				if len(words) == 0 || ambiguous(words) {
					continue
				}
				g.byFirst[words[0]] = append(g.byFirst[words[0]], name{words: words, entry: e})
			}
		}
	}
	for k, v := range g.byFirst {
		sort.SliceStable(v, func(i, j int) bool { return len(v[i].words) > len(v[j].words) })
		g.byFirst[k] = v
	}
	return g, nil
}

// ambiguous names are single words that are also common words or too
// short to be names on their own.
func ambiguous(words []string) bool {
	if len(words) > 1 {
		return false
	}
	w := words[0]
	return utf8.RuneCountInString(w) < 2 || !unicode.IsUpper(firstRune(w))
}

type token struct {
	text       string
	start, end int
}

// Find returns the longest known names in text, left to right, without
// overlaps.
func (g *Gazetteer) Find(text string) []Match {
	toks := tokenize(text)
	var out []Match
	for i := 0; i < len(toks); {
		best := 0
		var entry *Entry
		for _, n := range g.byFirst[toks[i].text] {
			if len(n.words) > len(toks)-i || len(n.words) <= best {
				continue
			}
			ok := true
			for k, w := range n.words {
				if toks[i+k].text != w {
					ok = false
					break
				}
			}
			if ok {
				best, entry = len(n.words), n.entry
			}
		}
		if entry == nil {
			i++
			continue
		}
		out = append(out, Match{Entry: entry, Start: toks[i].start, End: toks[i+best-1].end})
		i += best
	}
	return out
}

// Words splits a name into the words Find compares.
func Words(s string) []string {
	toks := tokenize(s)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out
}

// tokenize splits text into words (letters, digits, inner apostrophes and
// hyphens) and single punctuation marks; typographic apostrophes become
// straight ones so People’s and People's match.
func tokenize(text string) []token {
	var out []token
	start := -1
	flush := func(end int) {
		if start >= 0 {
			out = append(out, token{text: strings.ReplaceAll(text[start:end], "’", "'"), start: start, end: end})
			start = -1
		}
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		case (r == '\'' || r == '’' || r == '-' || r == '.') && start >= 0 && i+utf8.RuneLen(r) < len(text) && isWordRune(text[i+utf8.RuneLen(r):]):
			// inside a word: People's, Guinea-Bissau, U.S
		default:
			flush(i)
			if !unicode.IsSpace(r) {
				out = append(out, token{text: string(r), start: i, end: i + utf8.RuneLen(r)})
			}
		}
	}
	flush(len(text))
	return out
}

func isWordRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
