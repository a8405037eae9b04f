package quote_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/quote"
	"github.com/newswire/newswire/services/extractor/internal/quotegold"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/cases")

func newExtractor(tb testing.TB) *quote.Extractor {
	tb.Helper()
	g, err := gazetteer.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return quote.New(g)
}

// article splits a text file into title (first line) and body (after the
// blank lines), and returns where the body starts in code points.
func article(text string) (doc.Document, int) {
	title, rest, _ := strings.Cut(text, "\n")
	body := strings.TrimLeft(rest, "\n")
	return doc.Document{Title: title, Body: body}, utf8.RuneCountInString(text) - utf8.RuneCountInString(body)
}

// checkGold compares an extraction with a gold file: every gold quotation
// is covered (80% of its characters) by exactly one found quotation with
// the gold speaker, attribution kind and verb; nothing else is found; no
// not-quote comes out.
func checkGold(t *testing.T, x *quote.Extractor, txtPath string) {
	a, err := quotegold.Read(txtPath)
	if err != nil {
		t.Fatal(err)
	}
	g := a.Gold
	d, bodyStart := article(string(a.Text))
	d.Language = g.Language
	got := x.Extract(d)
	if len(got) != len(g.Quotes) {
		for _, q := range got {
			t.Logf("found %s %d-%d %q by %q", q.In, q.Start, q.End, q.Text, q.Speaker)
		}
		t.Errorf("found %d quotations, want %d", len(got), len(g.Quotes))
	}
	for _, want := range g.Quotes {
		var match *quote.Quote
		for i, q := range got {
			start, end := q.Start, q.End
			if q.In == event.InBody {
				start, end = start+bodyStart, end+bodyStart
			}
			if covered := min(end, want.End) - max(start, want.Start); 10*covered >= 8*(want.End-want.Start) {
				match = &got[i]
				break
			}
		}
		if match == nil {
			t.Errorf("gold quotation not found: %q", want.Text)
			continue
		}
		wantSpeaker, wantVerb := quotegold.Or(want.Speaker), quotegold.Or(want.Verb)
		if match.Speaker != wantSpeaker || match.Attribution != want.Attribution || match.Verb != wantVerb {
			t.Errorf("%q: got speaker %q, %s, verb %q; want %q, %s, verb %q", want.Text,
				match.Speaker, match.Attribution, match.Verb, wantSpeaker, want.Attribution, wantVerb)
		}
	}
	for _, nq := range g.NotQuotes {
		for _, q := range got {
			if q.Text == nq {
				t.Errorf("scare quote or name came out as a quotation: %q", nq)
			}
		}
	}
}

func TestSeedArticle(t *testing.T) {
	checkGold(t, newExtractor(t), filepath.Join("..", "..", "..", "..", "fixtures", "seed", "belta-lavrov-central-asia.txt"))
}

func TestRussianGoldSet(t *testing.T) {
	x := newExtractor(t)
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "quotes-ru", "*.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no Russian gold set: %v", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) { checkGold(t, x, p) })
	}
}

// golden is what a case's golden file holds for each quotation.
type golden struct {
	In          string `json:"in"`
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Text        string `json:"text"`
	Speaker     string `json:"speaker"`
	Role        string `json:"role"`
	Verb        string `json:"verb"`
	Attribution string `json:"attribution"`
}

func TestCases(t *testing.T) {
	x := newExtractor(t)
	paths, err := filepath.Glob(filepath.Join("testdata", "cases", "*.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := article(string(raw))
			if strings.HasPrefix(filepath.Base(p), "ru-") {
				d.Language = "ru"
			}
			var got []golden
			for _, q := range x.Extract(d) {
				got = append(got, golden{q.In, q.Start, q.End, q.Text, q.Speaker, q.Role, q.Verb, q.Attribution})
			}
			out, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			goldenPath := strings.TrimSuffix(p, ".txt") + ".golden.json"
			if *update {
				if err := os.WriteFile(goldenPath, append(out, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create it, then review it)", err)
			}
			if strings.TrimSpace(string(want)) != strings.TrimSpace(string(out)) {
				t.Errorf("extraction differs from %s:\n%s", goldenPath, out)
			}
		})
	}
}

// TestSpeakerKind checks that a person the gazetteer knows speaks as a
// person, and an organisation as one.
func TestSpeakerKind(t *testing.T) {
	x := newExtractor(t)
	cases := []struct {
		body, speaker, kind string
	}{
		{"“We condemn this attack,” Chancellor Angela Merkel said.", "Angela Merkel", quote.SpeakerPerson},
		{"“We condemn this attack,” the Kremlin said.", "Kremlin", quote.SpeakerOrganisation},
		{"“The timetable will not change,” a Twitter spokeswoman said.", "Twitter", quote.SpeakerOrganisation},
	}
	for _, c := range cases {
		t.Run(c.speaker, func(t *testing.T) {
			qs := x.Extract(doc.Document{Body: c.body, Language: "en"})
			if len(qs) != 1 || qs[0].Speaker != c.speaker || qs[0].SpeakerKind != c.kind {
				t.Errorf("quotes = %+v, want one by %s (%s)", qs, c.speaker, c.kind)
			}
		})
	}
}

// TestSpansHoldTheirText checks offsets against the text on inputs with
// every kind of mark.
func TestSpansHoldTheirText(t *testing.T) {
	x := newExtractor(t)
	cases := map[string]doc.Document{
		"curly nested":   {Body: "He said: “A “term” inside and more words here.”"},
		"straight mixed": {Body: "\"We will win this race, believe me,” Trump said."},
		"nyt nested":     {Body: "''I said, 'The lesson is clear to all of us,''' he recalled."},
		"guillemets":     {Body: "«Мы готовы к диалогу со всеми», – сказал министр.", Language: "ru"},
		"low-high":       {Body: "Он заявил: «Как говорят, „старый друг лучше новых двух“, и это так»."},
		"apostrophes":    {Body: "BelTA’s editor said the People’s Republic ‘will not wait long’ at all."},
		"headline":       {Title: "Lavrov: ‘They Are Trying to Pull Our Neighbors’", Body: "Sergey Lavrov said so."},
		"unclosed":       {Body: "“This quotation never closes and runs to the end of the paragraph\n\nNext."},
	}
	for name, d := range cases {
		t.Run(name, func(t *testing.T) {
			qs := x.Extract(d)
			if len(qs) == 0 {
				t.Fatal("no quotation found")
			}
			for _, q := range qs {
				checkSpan(t, d, q)
			}
		})
	}
}

func checkSpan(tb testing.TB, d doc.Document, q quote.Quote) {
	tb.Helper()
	s := d.Body
	if q.In == event.InTitle {
		s = d.Title
	}
	r := []rune(s)
	if q.Start < 0 || q.End < q.Start || q.End > len(r) {
		tb.Fatalf("span %d-%d outside a text of %d code points", q.Start, q.End, len(r))
	}
	// Offsets count an invalid byte as one code point, as the text's
	// decoding into U+FFFD does; compare the decoded forms.
	if string(r[q.Start:q.End]) != string([]rune(q.Text)) {
		tb.Fatalf("span %d-%d holds %q, text is %q", q.Start, q.End, string(r[q.Start:q.End]), q.Text)
	}
}

func FuzzExtract(f *testing.F) {
	x := newExtractor(f)
	for _, s := range []string{
		"“We will,” he said, “and soon.”",
		"''Nested 'single' marks here,''' he said.",
		"«Текст „вложенный“ здесь», – сказал Александр Лукашенко.",
		"\"unclosed straight quote\n\n\"and another",
		"id=\"123\" author=\"@x\" ‘’‘’“”„«»",
		"Mr. J. R. R. Tolkien, a writer, said: “Words.”",
	} {
		f.Add(s, "en")
		f.Add(s, "ru")
	}
	f.Fuzz(func(t *testing.T, body, lang string) {
		d := doc.Document{Title: body, Body: body, Language: lang}
		for _, q := range x.Extract(d) {
			checkSpan(t, d, q)
		}
	})
}

// benchArticles are 4 KB news articles: the seed article (English) and the
// Russian gold set's texts, joined to about the same size.
func benchArticles(b *testing.B) map[string]doc.Document {
	seed, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "fixtures", "seed", "belta-lavrov-central-asia.txt"))
	if err != nil {
		b.Fatal(err)
	}
	en, _ := article(string(seed))
	en.Language = "en"
	var ru strings.Builder
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "quotes-ru", "*.txt"))
	for ru.Len() < 4096 && len(paths) > 0 {
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			_, body, _ := strings.Cut(string(raw), "\n")
			ru.WriteString(body)
		}
	}
	body := ru.String()
	body = body[:strings.LastIndex(body[:4096], "\n")]
	return map[string]doc.Document{
		"en-4KB": en,
		"ru-4KB": {Title: "Лукашенко: «Мы никогда не откажемся от суверенитета»", Body: body, Language: "ru"},
	}
}

func BenchmarkExtract(b *testing.B) {
	x := newExtractor(b)
	for name, d := range benchArticles(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(d.Title) + len(d.Body)))
			cputime.Loop(b, func() { x.Extract(d) })
		})
	}
}
