package entity_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/entity"
	"github.com/newswire/newswire/services/extractor/internal/evaluate"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func extractor(tb testing.TB) *entity.Extractor {
	tb.Helper()
	x, err := entity.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return x
}

// article reads a test article: its first line is the title.
func article(tb testing.TB, path, lang string) doc.Document {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	title, body, _ := strings.Cut(string(b), "\n")
	return doc.Document{Title: title, Body: body, Language: lang}
}

func TestGolden(t *testing.T) {
	x := extractor(t)
	tests := []struct {
		name, path, lang string
	}{
		{"seed-en", "../../../../fixtures/seed/belta-lavrov-central-asia.txt", "en"},
		{"belta-en-caps", "testdata/belta-en-caps.txt", "en"},
		{"belta-ru", "testdata/belta-ru.txt", "ru"},
		{"belta-ru-no-language", "testdata/belta-ru.txt", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := article(t, tt.path, tt.lang)
			got, err := json.MarshalIndent(x.Extract(d), "", " ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", tt.name+".json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run with -update to write it): %v", err)
			}
			if strings.TrimSpace(string(got)) != strings.TrimSpace(string(want)) {
				t.Errorf("%s: extraction differs from %s; run with -update and review the diff", tt.name, golden)
			}
		})
	}
}

func TestSeedArticle(t *testing.T) {
	r, err := evaluate.Seed(extractor(t), "../../../../fixtures/seed/belta-lavrov-central-asia.gold.json")
	if err != nil {
		t.Fatal(err)
	}
	if r.Found != r.Total || r.Total != 23 {
		t.Errorf("%d of %d gold entities under their canonical names; missing %q", r.Found, r.Total, r.Missing)
	}
	if len(r.Forbidden) > 0 {
		t.Errorf("non-entities came out: %q", r.Forbidden)
	}
}

func TestOneEntityPerThing(t *testing.T) {
	x := extractor(t)
	tests := []struct {
		name  string
		d     doc.Document
		forms []string // the mentions that must share one entity
		want  string   // its canonical name
	}{
		{"country names", doc.Document{Body: "The USA and China met. The United States said the People’s Republic of China agreed.", Language: "en"},
			[]string{"USA", "United States"}, "United States"},
		{"surname", doc.Document{Body: "Sergey Lavrov arrived in Minsk. Lavrov said the talks went well.", Language: "en"},
			[]string{"Sergey Lavrov", "Lavrov"}, "Sergey Lavrov"},
		{"acronym", doc.Document{Body: "The Minsk Regional Development Agency (MRDA) opened. The MRDA will fund ten projects.", Language: "en"},
			[]string{"Minsk Regional Development Agency", "MRDA"}, "Minsk Regional Development Agency"},
		{"unknown surname", doc.Document{Body: "Farmer Ivan Petrushevich said the harvest was good. Petrushevich added that prices fell.", Language: "en"},
			[]string{"Ivan Petrushevich", "Petrushevich"}, "Ivan Petrushevich"},
		{"Russian cases", doc.Document{Body: "Визит Александра Лукашенко в Китай. Лукашенко заявил, что Беларусь и Белоруссия — одно.", Language: "ru"},
			[]string{"Александра Лукашенко", "Лукашенко"}, "Александр Лукашенко"},
		{"Belarus in Russian", doc.Document{Body: "Делегация Беларуси прибыла в Минск. Посол Белоруссии встретил её.", Language: "ru"},
			[]string{"Беларуси", "Белоруссии"}, "Беларусь"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, e := range x.Extract(tt.d) {
				texts := map[string]bool{}
				for _, m := range e.Mentions {
					texts[m.Text] = true
				}
				if !texts[tt.forms[0]] {
					continue
				}
				for _, f := range tt.forms[1:] {
					if !texts[f] {
						t.Errorf("%q is not in the entity of %q (%s)", f, tt.forms[0], e.Name)
					}
				}
				if e.Name != tt.want {
					t.Errorf("entity of %q is named %q, want %q", tt.forms[0], e.Name, tt.want)
				}
				return
			}
			t.Errorf("no entity mentioned as %q", tt.forms[0])
		})
	}
}

func TestNotNames(t *testing.T) {
	x := extractor(t)
	tests := []struct {
		name string
		d    doc.Document
		bad  []string
	}{
		{"sentence openers", doc.Document{Body: "Speaking at the forum, he said so. Especially now. However, Meanwhile and Also.", Language: "en"},
			[]string{"Speaking", "Especially", "However", "Meanwhile", "Also"}},
		{"headline words", doc.Document{Title: "Belarus Ready to Boost Exports to Asian Markets", Body: "Belarus exports grew.", Language: "en"},
			[]string{"Ready", "Boost", "Exports", "Asian Markets", "Asian"}},
		{"capitals line", doc.Document{Body: "HARVEST CAMPAIGN STARTS EARLY THIS YEAR\nFarmers are ready.", Language: "en"},
			[]string{"HARVEST CAMPAIGN STARTS EARLY THIS YEAR", "HARVEST", "CAMPAIGN", "STARTS"}},
		{"adjectives and common words", doc.Document{Body: "our Central Asian neighbors and the Anglo-Saxon world, the Heartland and the Belt and Road", Language: "en"},
			[]string{"Central Asian", "Anglo-Saxon", "Heartland", "Belt", "Road"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, e := range x.Extract(tt.d) {
				for _, m := range e.Mentions {
					for _, b := range tt.bad {
						if m.Text == b {
							t.Errorf("%q came out as %s %q", b, e.Type, e.Name)
						}
					}
				}
			}
		})
	}
}

// TestEnglishGoldSet guards the English gold set's scores against
// regressions: the thresholds sit a little below what the rules reach.
func TestEnglishGoldSet(t *testing.T) {
	ps, err := evaluate.ReadPassages("../../testdata/entities-en")
	if err != nil {
		t.Fatal(err)
	}
	s, es := evaluate.Passages(extractor(t), ps, nil)
	total := s.Total()
	if total.F1() < 0.85 {
		t.Errorf("typed F1 %.3f, want at least 0.85", total.F1())
	}
	if s.LinkPrecision() < 0.95 {
		t.Errorf("linking precision %.3f, want at least 0.95", s.LinkPrecision())
	}
	if float64(es.Found) < 0.8*float64(es.Total) {
		t.Errorf("%d of %d whole entities, want 80%%; missed %q", es.Found, es.Total, es.Missed)
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{"", "Sergey Lavrov said: “Yes.”", "МИД России (МИД) и Александра Лукашенко", "U.S. (US) ( )", "A. B. C. D.", "\xff\xfe(", "Mr.", "The"} {
		f.Add(s, "en")
		f.Add(s, "ru")
	}
	x := extractor(f)
	f.Fuzz(func(t *testing.T, text, lang string) {
		for _, e := range x.Extract(doc.Document{Title: text, Body: text, Language: lang}) {
			if e.ID == "" || e.Name == "" || e.Type == "" || len(e.Mentions) == 0 {
				t.Fatalf("incomplete entity %+v", e)
			}
			runes := []rune(text)
			for _, m := range e.Mentions {
				if m.Start < 0 || m.End > utf8.RuneCountInString(text) || m.Start >= m.End {
					t.Fatalf("mention %q at %d-%d outside the text", m.Text, m.Start, m.End)
				}
				if utf8.ValidString(text) && string(runes[m.Start:m.End]) != m.Text {
					t.Fatalf("mention %q at %d-%d holds %q", m.Text, m.Start, m.End, string(runes[m.Start:m.End]))
				}
			}
		}
	})
}

// fourKB returns about 4 KB of the article at path, cut at a line end.
func fourKB(tb testing.TB, path, lang string) doc.Document {
	d := article(tb, path, lang)
	for len(d.Body) < 4096 {
		d.Body += "\n" + d.Body
	}
	cut := strings.LastIndexByte(d.Body[:4096], '\n')
	d.Body = d.Body[:cut]
	return d
}

func BenchmarkExtract(b *testing.B) {
	x := extractor(b)
	for _, c := range []struct{ name, path, lang string }{
		{"en-4KB", "../../../../fixtures/seed/belta-lavrov-central-asia.txt", "en"},
		{"ru-4KB", "testdata/belta-ru.txt", "ru"},
	} {
		d := fourKB(b, c.path, c.lang)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(d.Title) + len(d.Body)))
			cputime.Loop(b, func() { x.Extract(d) })
		})
	}
}
