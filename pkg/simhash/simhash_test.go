package simhash

import (
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func seed(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile("../../fixtures/seed/belta-lavrov-central-asia.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestNearDuplicatesAreClose(t *testing.T) {
	body := seed(t)
	base := Sum(body)
	cases := []struct {
		name  string
		text  string
		close bool
	}{
		{"same text", body, true},
		{"other quotation marks and case", strings.NewReplacer("“", "\"", "”", "\"", "’", "'").Replace(strings.ToUpper(body)), true},
		{"reprint with a new headline and byline", "Russia’s top diplomat on Central Asia\nBy Staff Writer\n" + body[strings.Index(body, "\n"):] + "\nRead more on our site.", true},
		{"one sentence cut", strings.Replace(body, "France, I think, will not wait long and do the same. ", "", 1), true},
		{"another article", "Belarusian Prime Minister Roman Golovchenko met the Chinese ambassador in Minsk to discuss joint projects in the China-Belarus Industrial Park Great Stone and new supplies of agricultural machinery.", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Distance(base, Sum(c.text))
			if c.close && d > 3 {
				t.Errorf("distance %d, want ≤ 3 for a near-duplicate", d)
			}
			if !c.close && d <= 10 {
				t.Errorf("distance %d, want > 10 for a different text", d)
			}
		})
	}
}

func TestFormatParse(t *testing.T) {
	for _, h := range []uint64{0, 1, 0xdeadbeefcafebabe, ^uint64(0)} {
		got, err := Parse(Format(h))
		if err != nil || got != h {
			t.Errorf("Parse(Format(%x)) = %x, %v", h, got, err)
		}
	}
	for _, bad := range []string{"", "xyz", "00000000000000000", "zzzzzzzzzzzzzzzz"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) gave no error", bad)
		}
	}
}

// plainWords is forEachWord written plainly with the unicode package: the
// reference its fast paths must match.
func plainWords(text string) []uint64 {
	var out []uint64
	h, inWord := uint64(14695981039346656037), false
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			r = unicode.ToLower(r)
			if r == 'ё' {
				r = 'е'
			}
			for r > 0 {
				h ^= uint64(r & 0xff)
				h *= 1099511628211
				r >>= 8
			}
			inWord = true
			continue
		}
		if inWord {
			out = append(out, h)
			h, inWord = 14695981039346656037, false
		}
	}
	if inWord {
		out = append(out, h)
	}
	return out
}

func FuzzSum(f *testing.F) {
	f.Add("Lavrov said: “We will, and soon.”")
	f.Add("")
	f.Add("\xff\xfe a b")
	f.Add("Ёлка и ЁЖ, Ѐ Ѓ ǅ Σίσυφος İstanbul \xd0 \xd0\xd0\x90 \xc0\x80")
	f.Fuzz(func(t *testing.T, s string) {
		var got []uint64
		forEachWord(s, func(h uint64) { got = append(got, h) })
		if want := plainWords(s); !slices.Equal(got, want) {
			t.Fatalf("word hashes %x, want %x", got, want)
		}
	})
}

// TestFoldLetterMatchesUnicode checks the fast paths rune by rune.
func TestFoldLetterMatchesUnicode(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		got, ok := foldLetter(r)
		wantOK := unicode.IsLetter(r) || unicode.IsDigit(r)
		if ok != wantOK || ok && got != unicode.ToLower(r) {
			t.Fatalf("foldLetter(%U) = %U, %v; want %U, %v", r, got, ok, unicode.ToLower(r), wantOK)
		}
	}
}

func BenchmarkSum(b *testing.B) {
	body := seed(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Sum(body)
	}
}

// TestCounterMatchesBitByBitVote checks the lane counter against the plain
// vote over many more hashes than a lane holds.
func TestCounterMatchesBitByBitVote(t *testing.T) {
	for _, n := range []int{1, 2, 254, 255, 256, 1000, 5003} {
		var c counter
		var ones [64]int
		h := uint64(n)
		for range n {
			h = mix(h, 1, 2)
			c.add(h)
			for i := range 64 {
				if h&(1<<i) != 0 {
					ones[i]++
				}
			}
		}
		var want uint64
		for i, k := range ones {
			if 2*k > n {
				want |= 1 << i
			}
		}
		if got := c.majority(); got != want {
			t.Errorf("%d hashes: majority %016x, want %016x", n, got, want)
		}
	}
}
