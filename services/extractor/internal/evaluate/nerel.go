package evaluate

import (
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/entity"
	"github.com/newswire/newswire/services/extractor/internal/nerel"
)

// NEREL scores x on NEREL documents: each text is an article body in
// Russian; the gold spans are every annotated name of the Scored types,
// nested ones included, with their Wikidata links. errs, when not nil,
// receives the differences of each document.
func NEREL(x *entity.Extractor, docs []nerel.Document, errs func(name string, lines []string)) *Score {
	s := NewScore()
	for _, d := range docs {
		gold := NERELSpans(d)
		pred := Spans(x.Extract(doc.Document{Body: d.Text, Language: "ru"}))
		s.Add(pred, gold)
		if errs != nil {
			errs(d.Name, Errors(d.Text, pred, gold))
		}
	}
	return s
}

// NERELSpans returns a document's gold names in the extractor's types.
func NERELSpans(d nerel.Document) []Span {
	var out []Span
	for _, e := range d.Entities {
		t, ok := nerel.Types[e.Type]
		if !ok {
			continue
		}
		out = append(out, Span{Start: e.Start, End: e.End, Type: t, Wikidata: e.Wikidata})
	}
	return out
}
