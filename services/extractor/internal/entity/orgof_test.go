package entity

import (
	"strconv"
	"strings"
	"testing"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/services/extractor/internal/doc"
)

// orgOfRef is orgOf as it was before the next "of" was looked up: it
// scanned [i, end) for it, again for each known name of a long run. It is
// the reference FuzzOrgOf compares orgOf with.
func (x *Extractor) orgOfRef(p *part, i, end int) bool {
	for k := i; k < end; k++ {
		w := p.toks[k].Text(p.text)
		if w == "of" || w == "for" {
			f := p.folds[k-1]
			return k > i && (x.lex.OrgHeads.Has(f) || x.lex.OrgPrefixes.Has(f) || x.lex.Portfolios.Has(f))
		}
	}
	return false
}

// FuzzOrgOf checks that orgOf agrees with orgOfRef on every span of the
// first tokens of a text.
func FuzzOrgOf(f *testing.F) {
	fuzzPart(f, []string{
		"Ministry of Foreign Affairs", "the Bank of China and University of Oxford", "of Minsk", "Council for the Promotion of Trade",
		"Minsk Brest of for of", "Minister for Foreign Affairs Sergey Lavrov", "Office of the President of Belarus",
	}, func(t *testing.T, x *Extractor, p *part) {
		n := min(len(p.toks), 64)
		for i := 0; i < n; i++ {
			if w := p.toks[i].Text(p.text); i == 0 && (w == "of" || w == "for") {
				continue // the reference reads the token before the first
			}
			for end := i; end <= n; end++ {
				if got, want := x.orgOf(p, i, end), x.orgOfRef(p, i, end); got != want {
					t.Fatalf("orgOf(%d, %d) = %v, want %v in %q", i, end, got, want, p.text)
				}
			}
		}
	})
}

// BenchmarkExtractKnownRun extracts from one run of n known names and 4n,
// capitalised words with no "of" among them: orgOf was asked of the rest of
// the run at each known name.
func BenchmarkExtractKnownRun(b *testing.B) {
	x, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{2000, 8000} {
		d := doc.Document{Title: "Visits", Body: "They visited " + strings.Repeat("Minsk Brest ", n/2) + "in May.", Language: "en"}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			cputime.Loop(b, func() { x.Extract(d) })
		})
	}
}
