package entity

import (
	"github.com/newswire/newswire/services/extractor/internal/tagger"
	"github.com/newswire/newswire/services/extractor/internal/token"
)

// findTagged appends the names a tagger finds in p, with the gazetteer's
// names the tagger missed and the known places inside organisations' names
// (МИД России): NEREL, the tagger's teacher, marks those too.
func (x *Extractor) findTagged(p *part, t Tagger, ms []*mention) []*mention {
	spans := splitCoordinated(p, t.Tag(tagger.Tokens{Text: p.text, Toks: p.toks, Stems: p.keys, Folds: p.folds, Known: p.longest}, nil))
	covered := make([]bool, len(p.toks))
	for _, s := range spans {
		if p.restrict[s.Start] && !p.toks[s.Start].Has(token.Cyrillic) {
			continue
		}
		m := &mention{part: p, start: s.Start, end: s.End, typ: s.Type}
		if g, ok := p.longest(s.Start); ok && g.End == s.End && compatible(s.Type, g.Ref.Entry.Type) {
			m.entry = g.Ref.Entry
			m.typ = g.Ref.Entry.Type
		} else if e := x.gaz.ByAdjective(p.keys[s.Start]); e != nil && s.End == s.Start+1 && s.Type == "GPE" {
			m.entry = e // российских: Russia
		}
		ms = append(ms, m)
		for i := s.Start; i < s.End; i++ {
			covered[i] = true
		}
		// Known names inside: России in МИД России.
		for i := s.Start + 1; i < s.End; {
			if g, ok := p.longest(i); ok && g.End <= s.End && (g.Start > s.Start || g.End < s.End) {
				if g.Ref.Entry.Kind == "country" || g.Ref.Entry.Kind == "place" {
					ms = append(ms, x.known(p, g))
				}
				i = g.End
				continue
			}
			i++
		}
	}
	for i := 0; i < len(p.toks); {
		if covered[i] {
			i++
			continue
		}
		if g, ok := p.longest(i); ok && !anyCovered(covered, g.Start, g.End) {
			ms = append(ms, x.known(p, g))
			i = g.End
			continue
		}
		i++
	}
	return ms
}

// splitCoordinated splits names the tagger joined over "и" or "and" when a
// capitalised word follows it: Минский тракторный завод и БелАЗ. A
// lower-case word after it belongs to the name: Министерство сельского
// хозяйства и продовольствия.
func splitCoordinated(p *part, spans []tagger.Span) []tagger.Span {
	out := spans[:0:0]
	for _, s := range spans {
		start := s.Start
		for i := s.Start + 1; i+1 < s.End; i++ {
			w := p.toks[i].Text(p.text)
			if (w == "и" || w == "and") && p.toks[i+1].Has(token.Upper) {
				out = append(out, tagger.Span{Start: start, End: i, Type: s.Type})
				start = i + 1
			}
		}
		out = append(out, tagger.Span{Start: start, End: s.End, Type: s.Type})
	}
	return out
}

func anyCovered(covered []bool, start, end int) bool {
	for i := start; i < end; i++ {
		if covered[i] {
			return true
		}
	}
	return false
}

// compatible reports whether a name the tagger typed can be the gazetteer's
// entry of the same name: the same type, or both places.
func compatible(tagged, known string) bool {
	place := func(t string) bool { return t == "GPE" || t == "LOC" }
	return tagged == known || place(tagged) && place(known)
}
