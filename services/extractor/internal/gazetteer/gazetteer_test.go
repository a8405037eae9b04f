package gazetteer_test

import (
	"regexp"
	"testing"

	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/token"
)

func load(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	g, err := gazetteer.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// find returns the entries named in text, longest first, left to right.
func find(g *gazetteer.Gazetteer, text string) []gazetteer.Match {
	toks := token.Split(text, nil)
	keys := make([]uint64, len(toks))
	for i, t := range toks {
		keys[i] = token.Stem(t.Text(text))
	}
	var out []gazetteer.Match
	for i := 0; i < len(toks); {
		if m, ok := g.Longest(toks, keys, i); ok {
			out = append(out, m)
			i = m.End
			continue
		}
		i++
	}
	return out
}

func TestNamesShareOneEntry(t *testing.T) {
	g := load(t)
	tests := []struct {
		name   string
		texts  []string
		wantID string
		ru     string // canonical Russian name, when the entry has one
	}{
		{"Belarus", []string{"Belarus", "Republic of Belarus", "Беларуси", "Белоруссии", "Беларусью", "Республики Беларусь"}, "Q184", "Беларусь"},
		{"Lukashenko", []string{"Alexander Lukashenko", "Александра Лукашенко", "Александром Лукашенко", "Александр Григорьевич Лукашенко"}, "Q2866", "Александр Лукашенко"},
		{"United States", []string{"USA", "United States", "U.S.", "США", "Соединённых Штатов Америки"}, "Q30", ""},
		{"China", []string{"China", "People’s Republic of China", "People's Republic of China", "Китая", "Китаю", "КНР", "Китайской Народной Республики"}, "Q148", "Китай"},
		{"SCO", []string{"Shanghai Cooperation Organization", "SCO", "ШОС", "Шанхайской организации сотрудничества"}, "Q485207", ""},
		{"Moscow", []string{"Moscow", "Москвы", "Москве", "Москвой"}, "Q649", "Москва"},
		{"Sergey Lavrov", []string{"Sergey Lavrov", "Sergei Lavrov", "Сергея Лаврова", "Сергеем Лавровым"}, "", "Сергей Лавров"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var id string
			for _, text := range tt.texts {
				ms := find(g, text)
				if len(ms) != 1 || ms[0].Start != 0 || ms[0].End != len(token.Split(text, nil)) {
					t.Fatalf("%q: %d matches, want one over the whole name", text, len(ms))
				}
				e := ms[0].Ref.Entry
				if id == "" {
					id = e.ID
				}
				if e.ID != id {
					t.Errorf("%q is %s (%s), want %s", text, e.ID, e.Name, id)
				}
				if tt.wantID != "" && e.Wikidata != tt.wantID {
					t.Errorf("%q has Wikidata ID %q, want %q", text, e.Wikidata, tt.wantID)
				}
				if tt.ru != "" && e.NameIn("ru") != tt.ru {
					t.Errorf("%q: Russian name %q, want %q", text, e.NameIn("ru"), tt.ru)
				}
			}
		})
	}
}

func TestCaseMatters(t *testing.T) {
	g := load(t)
	tests := []struct {
		text string
		want int
	}{
		{"Chad", 1},
		{"the chad of a ballot", 0},
		{"US", 1},
		{"let us go", 0},
		{"Turkey", 1},
		{"roast turkey", 0},
		{"CHINA", 1},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := len(find(g, tt.text)); got != tt.want {
				t.Errorf("%q: %d matches, want %d", tt.text, got, tt.want)
			}
		})
	}
}

func TestSurnameAndAdjective(t *testing.T) {
	g := load(t)
	if es := g.BySurname(token.Stem("Лукашенко")); len(es) != 1 || es[0].Wikidata != "Q2866" {
		t.Errorf("BySurname(Лукашенко) = %v", es)
	}
	if e := g.ByAdjective(token.Stem("российских")); e == nil || e.Wikidata != "Q159" {
		t.Errorf("ByAdjective(российских) = %v", e)
	}
}

func TestData(t *testing.T) {
	g := load(t)
	qid := regexp.MustCompile(`^Q[1-9][0-9]*$`)
	byQID := map[string]string{}
	kinds := map[string]int{}
	for _, e := range g.Entries() {
		kinds[e.Kind]++
		if e.ID == "" || e.Name == "" || e.Type == "" || e.Source == "" {
			t.Errorf("incomplete entry %+v", e)
		}
		if e.Wikidata == "" {
			continue
		}
		if !qid.MatchString(e.Wikidata) {
			t.Errorf("%s: bad Wikidata ID %q", e.Name, e.Wikidata)
		}
		if other, dup := byQID[e.Wikidata]; dup && e.Kind != gazetteer.KindOrganisation {
			t.Errorf("%s and %s share %s", other, e.Name, e.Wikidata)
		}
		byQID[e.Wikidata] = e.Name
	}
	for kind, least := range map[string]int{"country": 250, "place": 250, "organisation": 600, "person": 150, "demonym": 200} {
		if kinds[kind] < least {
			t.Errorf("%d entries of kind %s, want at least %d", kinds[kind], kind, least)
		}
	}
	missing := 0
	for _, e := range g.Entries() {
		if e.Kind == gazetteer.KindCountry && e.Wikidata == "" {
			missing++
		}
	}
	if missing > 15 {
		t.Errorf("%d countries without a Wikidata ID", missing)
	}
}

func BenchmarkLongest(b *testing.B) {
	g := load(b)
	text := "Russian Minister of Foreign Affairs Sergey Lavrov said that the Shanghai Cooperation Organization and the People’s Republic of China agreed. Президент Беларуси Александр Лукашенко провел переговоры в Москве."
	toks := token.Split(text, nil)
	keys := make([]uint64, len(toks))
	for i, t := range toks {
		keys[i] = token.Stem(t.Text(text))
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range toks {
			g.Longest(toks, keys, i)
		}
	}
}

func TestKnowsNoPerson(t *testing.T) {
	g := load(t)
	cases := []struct {
		name string
		want bool
	}{
		{"Belarus", true},
		{"United Nations", true},
		{"Angela Merkel", false}, // a person the gazetteer holds
		{"Belarus Belarus", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := g.Knows(c.name); got != c.want {
				t.Errorf("Knows(%q) = %v, want %v", c.name, got, c.want)
			}
		})
	}
}
