package token

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // token texts; a trailing "^" marks SentStart, "~" Possessive
	}{
		{"sentence starts", "He left. She came", []string{"He^", "left", ".", "She^", "came"}},
		{"possessive", "BelTA’s YouTube channel", []string{"BelTA^", "’s~", "YouTube", "channel"}},
		{"apostrophe inside", "Côte d'Ivoire and O’Brien", []string{"Côte^", "d'Ivoire", "and", "O’Brien"}},
		{"dotted abbreviation", "the U.S. and Washington, D.C. today", []string{"the^", "U.S.", "and", "Washington", ",", "D.C.", "today"}},
		{"initial", "A. Lukashenko said", []string{"A^", ".", "Lukashenko", "said"}},
		{"honorific", "Mr. Smith left", []string{"Mr^", ".", "Smith", "left"}},
		{"quotation opens a sentence", "said: “Central Asia", []string{"said^", ":", "“", "Central^", "Asia"}},
		{"hyphens", "Guinea-Bissau and Нью-Йорк", []string{"Guinea-Bissau^", "and", "Нью-Йорк"}},
		{"numbers", "grew by 12.5% in 2024", []string{"grew^", "by", "12.5", "%", "in", "2024"}},
		{"new line", "Title\nBody text", []string{"Title^", "Body^", "text"}},
		{"cyrillic", "Президент Беларуси", []string{"Президент^", "Беларуси"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tok := range Split(tt.text, nil) {
				s := tok.Text(tt.text)
				if tok.Has(SentStart) {
					s += "^"
				}
				if tok.Has(Possessive) {
					s += "~"
				}
				got = append(got, s)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("Split(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		word string
		has  Flags
		not  Flags
	}{
		{"Minsk", Word | Upper | Latin, AllUpper | Cyrillic},
		{"USA", Word | Upper | AllUpper | Latin, Cyrillic},
		{"ООН", Word | Upper | AllUpper | Cyrillic, Latin},
		{"беларусь", Word | Cyrillic, Upper},
		{"2024", Word | Number, Upper},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			toks := Split(tt.word, nil)
			if len(toks) != 1 {
				t.Fatalf("Split(%q) = %d tokens", tt.word, len(toks))
			}
			if !toks[0].Has(tt.has) || toks[0].Flags&tt.not != 0 {
				t.Errorf("flags of %q = %b, want %b and not %b", tt.word, toks[0].Flags, tt.has, tt.not)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "U.S.", "BelTA’s", "«Президент» — А. Г. Лукашенко.", "a'", "'s", "D.C.-based", "\xff\xfe", "1,2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, tok := range Split(s, nil) {
			if tok.Start < prev || tok.End <= tok.Start || tok.End > len(s) {
				t.Fatalf("token %d-%d out of order or bounds in %q", tok.Start, tok.End, s)
			}
			prev = tok.End
			w := tok.Text(s)
			if utf8.ValidString(s) && !utf8.ValidString(w) {
				t.Fatalf("token %q splits a code point", w)
			}
			Stem(w)
			Keys(w)
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	text := strings.Repeat("Президент Беларуси Александр Лукашенко провел переговоры. Russian Foreign Minister Sergey Lavrov said: “We agree.” ", 40)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	buf := make([]Token, 0, 1024)
	for b.Loop() {
		buf = Split(text, buf[:0])
	}
}
