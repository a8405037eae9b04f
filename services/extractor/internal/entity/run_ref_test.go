package entity

import (
	"strconv"
	"strings"
	"testing"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/token"
)

// runRef is run as it was before a run read each of its words once:
// each "of", "for" and "and" looked back over the whole run for a head
// (headBeforeRef, orgBeforeRef), quadratic on Ministry of X of Y of Z …
// It is the reference FuzzRun compares run with.
func (x *Extractor) runRef(p *part, i int) int {
	j := i
	for j < len(p.toks) {
		if j > i && (p.toks[j].Has(token.SentStart) || p.toks[j].Has(token.LineStart)) {
			break
		}
		// A known name may hold punctuation and small words: Washington, D.C.
		if m, ok := p.longest(j); ok && m.End > j+1 {
			j = m.End
			continue
		}
		t := p.toks[j]
		switch {
		case t.Has(token.Word) && t.Has(token.Upper) && !t.Has(token.Possessive) && !t.Has(token.Number):
			j++
			continue
		case j > i && j+1 < len(p.toks) && x.joinsRef(p, i, j):
			j++
			continue
		}
		break
	}
	return j
}

// joinsRef reports whether token j, inside a run that started at i, joins the
// capitalised words around it: "of" after Ministry, "." after an initial.
func (x *Extractor) joinsRef(p *part, i, j int) bool {
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
		return x.headBeforeRef(p, i, j)
	case "the":
		return p.toks[j-1].Text(p.text) == "of" || p.toks[j-1].Text(p.text) == "for"
	case "and":
		return x.orgBeforeRef(p, i, j)
	case "on":
		return false
	}
	return true // de, von, van, bin, al: inside people's names
}

// headBeforeRef reports whether a word in [i, j) can take an "of" after it:
// an organisation, a title, a place designator or a portfolio word.
func (x *Extractor) headBeforeRef(p *part, i, j int) bool {
	for k := j - 1; k >= i; k-- {
		f := p.folds[k]
		if x.lex.OrgHeads.Has(f) || x.lex.Titles.Has(f) || x.lex.GPEHeads.Has(f) || x.lex.LocHeads.Has(f) || x.lex.Portfolios.Has(f) {
			return true
		}
	}
	return false
}

func (x *Extractor) orgBeforeRef(p *part, i, j int) bool {
	for k := j - 1; k >= i; k-- {
		f := p.folds[k]
		if x.lex.OrgHeads.Has(f) || x.lex.Portfolios.Has(f) {
			return true
		}
	}
	return false
}

// FuzzRun checks that run agrees with runRef at every token of a text.
func FuzzRun(f *testing.F) {
	fuzzPart(f, []string{
		"Ministry of Foreign Affairs of Belarus", "Council for the Promotion of Trade and Industry", "Minister of Health and Social Care Sergey Lavrov",
		"Washington, D.C. and Mr. J. R. Smith of Minsk", "University of Oxford of for and of the Bank of China", "Zara of Zarb and Zarc & Zard de Zare",
		"Office of the President of Belarus said.\nMinistry\nof Trade", chain(20, " of "), chain(20, " and "),
	}, func(t *testing.T, x *Extractor, p *part) {
		for i := range min(len(p.toks), 256) {
			if got, want := x.run(p, i), x.runRef(p, i); got != want {
				t.Fatalf("run(%d) = %d, want %d in %q", i, got, want, p.text)
			}
		}
	})
}

// fuzzPart runs check on the body of each text the fuzzer makes from
// seeds, tokenized.
func fuzzPart(f *testing.F, seeds []string, check func(t *testing.T, x *Extractor, p *part)) {
	for _, s := range seeds {
		f.Add(s)
	}
	x, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p := x.prepare(text, event.InBody, false)
		defer x.release(p)
		check(t, x, p)
	})
}

// nameOf is a made-up capitalised name, different for each i.
func nameOf(i int) string {
	b := []byte("Zar")
	for {
		b = append(b, byte('a'+i%26))
		i /= 26
		if i == 0 {
			return string(b)
		}
	}
}

// chain is a run of n names joined by sep after an organisation's head:
// Ministry of Zara of Zarb of Zarc …
func chain(n int, sep string) string {
	names := make([]string, n)
	for i := range names {
		names[i] = nameOf(i)
	}
	return "They wrote to the Ministry" + sep + strings.Join(names, sep) + " in May."
}

// BenchmarkExtractChain extracts from one run of n names chained by "of"
// or "and" after an organisation's head: each "of" and "and" looked back
// over the whole run for the head.
func BenchmarkExtractChain(b *testing.B) {
	x, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	for _, sep := range []string{"of", "and"} {
		for _, n := range []int{2000, 4000, 8000} {
			d := doc.Document{Title: "Letters", Body: chain(n, " "+sep+" "), Language: "en"}
			b.Run(sep+"-"+strconv.Itoa(n), func(b *testing.B) {
				cputime.Loop(b, func() { x.Extract(d) })
			})
		}
	}
}
