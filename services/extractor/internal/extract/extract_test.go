package extract_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/entity"
	"github.com/newswire/newswire/services/extractor/internal/extract"
	"github.com/newswire/newswire/services/extractor/internal/quote"
)

func pipeline(tb testing.TB) *extract.Pipeline {
	tb.Helper()
	x, err := entity.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return extract.New(quote.New(x.Gazetteer()), x, extract.Topics{Quotes: "q", Entities: "e"}, 1<<20)
}

func seed(tb testing.TB) event.Article {
	tb.Helper()
	b, err := os.ReadFile("../../../../fixtures/seed/belta-lavrov-central-asia.txt")
	if err != nil {
		tb.Fatal(err)
	}
	title, body, _ := strings.Cut(string(b), "\n")
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return event.Article{ID: "a1", URL: "https://eng.belta.by/x", Title: title, Body: body, Source: "BelTA",
		Language: "en", PublishedAt: now, FetchedAt: now}
}

// TestEntityRecords checks the entity records of the seed article: one per
// entity, keyed by article and entity, with Wikidata IDs where known, and
// quotation speakers tied to their person entity.
func TestEntityRecords(t *testing.T) {
	quotes, entities := pipeline(t).Extract(seed(t))
	byName := map[string]event.Entity{}
	for _, e := range entities {
		if _, dup := byName[e.Name]; dup {
			t.Errorf("two records for %q", e.Name)
		}
		byName[e.Name] = e
		if e.ID != event.EntityRecordID("a1", e.EntityID) {
			t.Errorf("%q: record ID %q", e.Name, e.ID)
		}
		for _, m := range e.Mentions {
			if m.Length <= 0 || m.Offset < 0 {
				t.Errorf("%q: mention %+v", e.Name, m)
			}
		}
	}
	for name, qid := range map[string]string{"China": "Q148", "United States": "Q30", "Shanghai Cooperation Organization": "Q485207"} {
		e, ok := byName[name]
		if !ok || e.WikidataID == nil || *e.WikidataID != qid {
			t.Errorf("%q: record %+v, want Wikidata ID %s", name, e, qid)
		}
	}
	lavrov, ok := byName["Sergey Lavrov"]
	if !ok || lavrov.Type != event.TypePerson {
		t.Fatalf("no PERSON record for Sergey Lavrov")
	}
	linked := 0
	for _, q := range quotes {
		if q.Speaker.Name == nil || *q.Speaker.Name != "Sergey Lavrov" {
			continue
		}
		if q.Speaker.EntityID == nil || *q.Speaker.EntityID != lavrov.EntityID {
			t.Errorf("quote %q: speaker entity %v, want %s", q.Text, q.Speaker.EntityID, lavrov.EntityID)
		}
		linked++
	}
	if linked == 0 {
		t.Error("no quotation attributed to Sergey Lavrov")
	}
}

// benchArticles are 4 KB news articles: the seed article (English, 4.0 KB)
// and the Russian gold set's BelTA texts joined and cut at a line end
// before 4 KB.
func benchArticles(tb testing.TB) map[string]event.Article {
	tb.Helper()
	en := seed(tb)
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "quotes-ru", "*.txt"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no Russian gold texts: %v", err)
	}
	var body strings.Builder
	for body.Len() < 4096 {
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			_, text, _ := strings.Cut(string(raw), "\n")
			body.WriteString(strings.TrimSpace(text) + "\n\n")
		}
	}
	ru := en
	ru.ID, ru.Language, ru.Title = "a2", "ru", "Лукашенко: «Мы никогда не откажемся от суверенитета»"
	ru.Body = body.String()[:strings.LastIndexByte(body.String()[:4096], '\n')]
	return map[string]event.Article{"en-4KB": en, "ru-4KB": ru}
}

// BenchmarkPipeline is the whole extraction of one article: quotations,
// entities and their records. The target is 2,000 articles a second per
// core: at most 500 µs of CPU (cpu-ns/op) per 4 KB article.
func BenchmarkPipeline(b *testing.B) {
	p := pipeline(b)
	for _, name := range []string{"en-4KB", "ru-4KB"} {
		a := benchArticles(b)[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(a.Title) + len(a.Body)))
			cputime.Loop(b, func() { p.Extract(a) })
		})
	}
}
