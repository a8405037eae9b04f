package token

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newswire/newswire/pkg/cputime"
)

// wordRef is word as it was before dotted runs were tracked in one pass: it
// re-split the whole word at each full stop, quadratic on "A.A.A.A…". It is
// the reference FuzzWord compares word with.
func wordRef(s string, i int) Token {
	start := i
	var f letterCount
	for i < len(s) {
		r, size := decode(s, i)
		if isWordRune(r) {
			f.add(r)
			i += size
			continue
		}
		if i+size >= len(s) {
			break
		}
		next, nsize := decode(s, i+size)
		if !isWordRune(next) {
			break
		}
		switch {
		case r == '-' || r == '‑':
		case isApostrophe(r) && f.letters > 0:
			if possessiveAt(s, i+size) {
				return Token{Start: start, End: i, Flags: Word | f.flags()}
			}
		case r == '.' && isUpper(next) && dottedRef(s[start:i]) && !isWordRuneAt(s, i+size+nsize):
			f.add(next)
			i += size + nsize
			if i < len(s) && s[i] == '.' {
				i++
			}
			continue
		case (r == ',' || r == '.') && f.letters == 0:
		default:
			return finish(start, i, f)
		}
		i += size
	}
	return finish(start, i, f)
}

// dottedRef reports whether w is single letters joined by full stops: "U", "U.S".
func dottedRef(w string) bool {
	for _, part := range strings.Split(w, ".") {
		if utf8.RuneCountInString(part) != 1 {
			return false
		}
	}
	return true
}

// FuzzWord checks that word finds the same word as wordRef at every place a
// word may start.
func FuzzWord(f *testing.F) {
	for _, s := range []string{
		"U.S.", "U.S.A.B", "D.C.-based", "A.A.A.A.A.", "1.2.A.B", "1,2.A", "É.Ф.Ж", "U.S's", "a.B.C",
		"U.\xffS.", "\xd0.A.B", "O’Brien", "Нью-Йорк", "U.S.-Russia", "AB.C.D", "A..B", "A.B.C.d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := 0; i < len(s); {
			r, size := decode(s, i)
			if isWordRune(r) {
				if got, want := word(s, i), wordRef(s, i); got != want {
					t.Fatalf("word(%q, %d) = %+v, want %+v", s, i, got, want)
				}
			}
			i += size
		}
	})
}

// BenchmarkSplitDotted splits one long dotted word, "A.A.A.A…", of n
// letters and 4n.
func BenchmarkSplitDotted(b *testing.B) {
	for _, n := range []int{2000, 8000} {
		text := strings.Repeat("A.", n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			buf := make([]Token, 0, 16)
			cputime.Loop(b, func() { buf = Split(text, buf[:0]) })
		})
	}
}
