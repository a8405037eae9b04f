// Package evaluate scores entity extraction against gold annotations:
// typed precision, recall and F1 on exact spans, and the precision of the
// Wikidata links given, over NEREL (Russian), the seed article's gold file,
// the project's English gold set and CoNLL-2003-style files.
package evaluate

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/newswire/newswire/services/extractor/internal/entity"
)

// Scored are the types precision, recall and F1 are computed over: people,
// organisations and places.
var Scored = map[string]bool{"PERSON": true, "ORG": true, "GPE": true, "LOC": true}

// Span is one name in a text: code-point offsets, type, Wikidata ID.
type Span struct {
	In         string // "title" or "body"; "" counts as body
	Start, End int
	Type       string
	Wikidata   string
}

func (s Span) key() spanKey { return spanKey{in: inOf(s.In), start: s.Start, end: s.End} }

type spanKey struct {
	in         string
	start, end int
}

func inOf(in string) string {
	if in == "" {
		return "body"
	}
	return in
}

// Counts are true positives, false positives and false negatives.
type Counts struct{ TP, FP, FN int }

// Precision is TP / (TP + FP).
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN).
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score accumulates the comparison of predicted and gold spans.
type Score struct {
	Docs   int
	ByType map[string]*Counts
	// Linking: predicted spans with a Wikidata ID that match a gold span
	// with one: right or wrong; and gold links found with the right ID.
	LinkRight, LinkWrong, LinkUnjudged, GoldLinks int
}

// NewScore returns an empty score.
func NewScore() *Score { return &Score{ByType: map[string]*Counts{}} }

func (s *Score) counts(t string) *Counts {
	c := s.ByType[t]
	if c == nil {
		c = &Counts{}
		s.ByType[t] = c
	}
	return c
}

// Add compares one document's predicted spans with its gold spans, over
// the Scored types; equal spans count once.
func (s *Score) Add(pred, gold []Span) {
	s.Docs++
	goldBy := map[spanKey]Span{}
	for _, g := range gold {
		if Scored[g.Type] {
			if old, ok := goldBy[g.key()]; !ok || old.Wikidata == "" {
				goldBy[g.key()] = g
			}
		}
	}
	predBy := map[spanKey]Span{}
	for _, p := range pred {
		if Scored[p.Type] {
			predBy[p.key()] = p
		}
	}
	for k, p := range predBy {
		g, ok := goldBy[k]
		if ok && g.Type == p.Type {
			s.counts(p.Type).TP++
		} else {
			s.counts(p.Type).FP++
		}
		if p.Wikidata != "" {
			switch {
			case !ok || g.Wikidata == "":
				s.LinkUnjudged++
			case g.Wikidata == p.Wikidata:
				s.LinkRight++
			default:
				s.LinkWrong++
			}
		}
	}
	for k, g := range goldBy {
		p, ok := predBy[k]
		if !ok || p.Type != g.Type {
			s.counts(g.Type).FN++
		}
		if g.Wikidata != "" {
			s.GoldLinks++
		}
	}
}

// Total sums the counts of every type.
func (s *Score) Total() Counts {
	var t Counts
	for _, c := range s.ByType {
		t.TP += c.TP
		t.FP += c.FP
		t.FN += c.FN
	}
	return t
}

// LinkPrecision is the share of judged links that are right.
func (s *Score) LinkPrecision() float64 { return ratio(s.LinkRight, s.LinkRight+s.LinkWrong) }

// Report writes the score as a table.
func (s *Score) Report(w io.Writer, title string) {
	fmt.Fprintf(w, "%s (%d documents)\n", title, s.Docs)
	fmt.Fprintf(w, "  %-8s %6s %6s %6s %7s %7s %7s\n", "type", "tp", "fp", "fn", "P", "R", "F1")
	types := make([]string, 0, len(s.ByType))
	for t := range s.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	line := func(name string, c Counts) {
		fmt.Fprintf(w, "  %-8s %6d %6d %6d %7.3f %7.3f %7.3f\n", name, c.TP, c.FP, c.FN, c.Precision(), c.Recall(), c.F1())
	}
	for _, t := range types {
		line(t, *s.ByType[t])
	}
	line("all", s.Total())
	fmt.Fprintf(w, "  linking: precision %.3f (%d right, %d wrong; %d links on spans without a gold link), %d of %d gold links found\n",
		s.LinkPrecision(), s.LinkRight, s.LinkWrong, s.LinkUnjudged, s.LinkRight, s.GoldLinks)
}

// Spans returns the mentions of entities as spans.
func Spans(es []entity.Entity) []Span {
	var out []Span
	for _, e := range es {
		for _, m := range e.Mentions {
			out = append(out, Span{In: m.In, Start: m.Start, End: m.End, Type: e.Type, Wikidata: e.WikidataID})
		}
	}
	return out
}

// Errors lists the spans that differ, for reading: missed gold spans and
// wrong predictions with their text.
func Errors(text string, pred, gold []Span) []string {
	runes := []rune(text)
	cut := func(s Span) string {
		if s.Start < 0 || s.End > len(runes) || s.Start > s.End {
			return "?"
		}
		return string(runes[s.Start:s.End])
	}
	goldBy := map[spanKey]Span{}
	for _, g := range gold {
		if Scored[g.Type] {
			goldBy[g.key()] = g
		}
	}
	predBy := map[spanKey]Span{}
	for _, p := range pred {
		if Scored[p.Type] {
			predBy[p.key()] = p
		}
	}
	var out []string
	for k, p := range predBy {
		if g, ok := goldBy[k]; !ok || g.Type != p.Type {
			out = append(out, fmt.Sprintf("FP %s %q", p.Type, cut(p)))
		} else if p.Wikidata != "" && g.Wikidata != "" && p.Wikidata != g.Wikidata {
			out = append(out, fmt.Sprintf("LINK %q %s want %s", cut(p), p.Wikidata, g.Wikidata))
		}
	}
	for k, g := range goldBy {
		if p, ok := predBy[k]; !ok || p.Type != g.Type {
			out = append(out, fmt.Sprintf("FN %s %q", g.Type, cut(g)))
		}
	}
	sort.Strings(out)
	return out
}

// Join formats lines for a report.
func Join(lines []string) string { return strings.Join(lines, "\n") }
