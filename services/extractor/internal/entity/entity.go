// Package entity finds the people, organisations and places an article
// names, one entity per real thing, with canonical names and Wikidata IDs.
package entity

import (
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
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

// Extractor finds entities. It is safe for concurrent use.
type Extractor struct {
	gaz *gazetteer.Gazetteer
}

// New returns an extractor over the gazetteer.
func New(g *gazetteer.Gazetteer) *Extractor { return &Extractor{gaz: g} }

// Extract returns the entities of d, in order of first mention.
func (x *Extractor) Extract(d doc.Document) []Entity {
	byID := map[string]*Entity{}
	var order []string
	add := func(text, in string) {
		runes := doc.NewRunes(text)
		for _, m := range x.gaz.Find(text) {
			e, ok := byID[m.Entry.ID]
			if !ok {
				e = &Entity{ID: m.Entry.ID, Name: m.Entry.Name, Type: m.Entry.Type, WikidataID: m.Entry.Wikidata}
				byID[m.Entry.ID] = e
				order = append(order, m.Entry.ID)
			}
			e.Mentions = append(e.Mentions, Mention{
				Text: text[m.Start:m.End],
				Span: doc.Span{In: in, Start: runes.At(m.Start), End: runes.At(m.End)},
			})
		}
	}
	add(d.Title, event.InTitle)
	add(d.Body, event.InBody)
	out := make([]Entity, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out
}
