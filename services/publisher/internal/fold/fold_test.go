package fold

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/newswire/newswire/pkg/event"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"“We will,” he said — «and soon»!", "we will he said and soon"},
		{"  BelTA’s   report ", "belta s report"},
		{"Всё ещё", "все еще"},
		{"Вс\u0435\u0308 ещ\u0435\u0308", "все еще"}, // ё typed as е and a diaeresis
		{"Cafe\u0301 Ne\u0301goce", "café négoce"},   // decomposed accents compose
		{"\u0301Zoe\u0308\u0301", "zoë"},
		{"10 \u2126", "10 ω"}, // the ohm sign is omega             // marks nothing composes with are dropped
		{"", ""},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQuoteKeyIgnoresMarksButNotSpeaker(t *testing.T) {
	lavrov, putin := "Sergey Lavrov", "Vladimir Putin"
	a := event.Quote{Text: "“We will do it.”", Speaker: event.Speaker{Name: &lavrov}}
	b := event.Quote{Text: "we will DO it", Speaker: event.Speaker{Name: &lavrov}}
	c := event.Quote{Text: "We will do it.", Speaker: event.Speaker{Name: &putin}}
	if quoteKey(t, a) != quoteKey(t, b) {
		t.Error("the same quotation with other marks and case got two keys")
	}
	if quoteKey(t, a) == quoteKey(t, c) {
		t.Error("two speakers' identical words got one key")
	}
}

func quoteKey(t testing.TB, q event.Quote) string {
	t.Helper()
	key, err := QuoteKey(q)
	if err != nil {
		t.Fatalf("QuoteKey(%q): %v", q.Text, err)
	}
	return key
}

// TestQuoteKeyRefusesTextWithoutWords: records whose text normalises to
// nothing would all share their speaker's key, so that unrelated records
// folded into revisions of one quotation.
func TestQuoteKeyRefusesTextWithoutWords(t *testing.T) {
	lavrov := "Sergey Lavrov"
	for _, text := range []string{"!!!", "“…”", "— —", "\u200b\u200c", "\x00\x01", "\u0301", " "} {
		key, err := QuoteKey(event.Quote{Text: text, Speaker: event.Speaker{Name: &lavrov}})
		if !errors.Is(err, event.ErrInvalid) || !strings.Contains(err.Error(), "text "+strconv.Quote(text)+" has no letters or digits") {
			t.Errorf("QuoteKey(%q) = %s, %v; want an invalid record naming the text", text, key, err)
		}
	}
	if _, err := QuoteKey(event.Quote{Text: strings.Repeat("!", 1<<20)}); err == nil || len(err.Error()) > 200 {
		t.Errorf("QuoteKey of 1 MiB of marks: %.300v; want an error that quotes a cut of the text", err)
	}
	if key := quoteKey(t, event.Quote{Text: "«Да!»"}); key == "" {
		t.Error("a word of two letters got no key")
	}
}

// TestQuoteKeyIsStable pins keys already stored in Redis: a change here
// would forward every remembered quotation again.
func TestQuoteKeyIsStable(t *testing.T) {
	lavrov := "Sergey Lavrov"
	cases := []struct {
		q    event.Quote
		want string
	}{
		{event.Quote{Text: "“We will,” he said — «and soon»! Всё ещё", Speaker: event.Speaker{Name: &lavrov}}, "q:87a746a78ab8fb980f283ae3b88b1e02"},
		{event.Quote{Text: "no speaker"}, "q:20fed798f3f9022920fcb6571f710de5"},
	}
	for _, c := range cases {
		if got := quoteKey(t, c.q); got != c.want {
			t.Errorf("QuoteKey(%q) = %s, want %s", c.q.Text, got, c.want)
		}
	}
}

// normalizeByRunes is Normalize written plainly, rune by rune: the fast
// version must agree with it on every input.
func normalizeByRunes(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if r == 'ё' || r == 'Ё' {
				r = 'е'
			}
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
			space = true
		}
	}
	return b.String()
}

func FuzzNormalize(f *testing.F) {
	f.Add("“We will,” he said.")
	f.Add("Всё\x00ещё\tÉTÉ\xff\x7f$+<")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if want := normalizeByRunes(s); n != want {
			t.Fatalf("Normalize(%q) = %q, rune by rune %q", s, n, want)
		}
		if Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent on %q: %q then %q", s, n, Normalize(n))
		}
		q := event.Quote{Text: s, Speaker: event.Speaker{Name: &s}}
		got, err := QuoteKey(q)
		if n == "" {
			if err == nil {
				t.Fatalf("QuoteKey of %q, no words, = %s, want an error", s, got)
			}
			return
		}
		if want := "q:" + event.Hash(n, n); err != nil || got != want {
			t.Fatalf("QuoteKey of %q = %s, %v, want %s", s, got, err, want)
		}
	})
}

func BenchmarkQuoteKey(b *testing.B) {
	name := "Sergey Lavrov"
	q := event.Quote{Text: "“We will not allow anyone to interfere in our internal affairs,” the minister said — «never».", Speaker: event.Speaker{Name: &name}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := QuoteKey(q); err != nil {
			b.Fatal(err)
		}
	}
}
