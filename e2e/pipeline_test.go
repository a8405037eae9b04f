package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/e2e/harness"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/testwait"
)

// pipeline is the three services running against one test's broker, Redis
// and feed server.
type pipeline struct {
	cluster *kafkatest.Cluster
	bin     string
	env     map[string]string
	feeds   *httptest.Server
	fetcher *harness.Service
}

func startPipeline(t *testing.T) *pipeline {
	t.Helper()
	p := &pipeline{cluster: kafkatest.Start(t), bin: harness.Binaries(t)}
	prefix := kafkatest.Name(t, "newswire") + ":"
	redistest.Connect(t, prefix)

	fixtures := harness.RepoFile(t, "fixtures/feeds")
	p.feeds = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// No charset in the header: the Russian feed says windows-1251 in its
		// XML prolog only, as BelTA's does.
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeFile(w, r, filepath.Join(fixtures, filepath.Base(r.URL.Path)))
	}))
	t.Cleanup(p.feeds.Close)
	feedsFile := filepath.Join(t.TempDir(), "feeds.yaml")
	list := "feeds:\n" +
		"  - {url: " + p.feeds.URL + "/belta-en.xml, name: BelTA, language: en, interval: 1s}\n" +
		"  - {url: " + p.feeds.URL + "/belta-ru.xml, name: BelTA, interval: 1s}\n"
	if err := os.WriteFile(feedsFile, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	p.env = map[string]string{
		"KAFKA_BROKERS":       strings.Join(p.cluster.Brokers(), ","),
		"REDIS_ADDR":          redistest.Addr(),
		"REDIS_KEY_PREFIX":    prefix,
		"FEEDS_FILE":          feedsFile,
		"FETCH_ALLOW_PRIVATE": "true",
		"FETCH_MIN_INTERVAL":  "1s",
		"TOPIC_PARTITIONS":    "3",
		"DRAIN_TIMEOUT":       "5s",
	}
	harness.Start(t, p.bin, "extractor", p.env)
	harness.Start(t, p.bin, "publisher", p.env)
	p.fetcher = harness.Start(t, p.bin, "fetcher", p.env)
	return p
}

func (p *pipeline) read(t *testing.T, topic string, atLeast int) []kafka.Message {
	t.Helper()
	return kafkatest.ReadAll(t, p.cluster.Brokers(), topic, atLeast, 60*time.Second)
}

type seedGold struct {
	Quotes []struct {
		Text    string `json:"text"`
		Speaker string `json:"speaker"`
	} `json:"quotes"`
}

// TestPipelineCarriesFeedsToEnrichedTopics is the walking skeleton's
// proof: an English UTF-8 feed and a Russian windows-1251 feed go through
// fetcher, extractor and publisher to the enriched topics, readable by
// kafka-go and by kcat, every record enriched, nothing twice — also after
// the fetcher restarts.
func TestPipelineCarriesFeedsToEnrichedTopics(t *testing.T) {
	p := startPipeline(t)

	var gold seedGold
	b, err := os.ReadFile(harness.RepoFile(t, "fixtures/seed/belta-lavrov-central-asia.gold.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &gold); err != nil {
		t.Fatal(err)
	}

	// Every seed quotation, attributed to Sergey Lavrov, exactly once; the
	// Russian feed's article comes on its own time, so it is waited for too.
	const russian = "Петербург заинтересован в расширении поставок белорусской техники и продовольствия"
	var quotes []event.EnrichedQuote
	testwait.For(t, 60*time.Second, "all seed quotations and the Russian one downstream", func() bool {
		quotes = decodeAll[event.EnrichedQuote](t, kafkatest.ReadAll(t, p.cluster.Brokers(), "news.enriched.quotes", 0, 10*time.Second))
		found := 0
		for _, g := range gold.Quotes {
			if len(matching(quotes, g.Text)) > 0 {
				found++
			}
		}
		return found == len(gold.Quotes) && len(matching(quotes, russian)) > 0
	})
	for _, g := range gold.Quotes {
		m := matching(quotes, g.Text)
		if len(m) != 1 {
			t.Errorf("quotation %.50q came out %d times, want once", g.Text, len(m))
			continue
		}
		if name := m[0].Speaker.Name; name == nil || *name != g.Speaker {
			t.Errorf("quotation %.50q: speaker %v, want %s", g.Text, deref(name), g.Speaker)
		}
	}

	// The Russian feed: Cyrillic intact after windows-1251.
	ru := matching(quotes, russian)
	if len(ru) != 1 || deref(ru[0].Speaker.Name) != "Александр Беглов" {
		t.Errorf("Russian quotation: got %d records %+v, want one by Александр Беглов", len(ru), ru)
	}
	for _, q := range quotes {
		if !utf8.ValidString(q.Text) || strings.ContainsRune(q.Text, utf8.RuneError) || strings.Contains(q.Text, "Ð") {
			t.Errorf("quotation text garbled: %q", q.Text)
		}
		checkEnrichment(t, "quote "+q.ID, q.Enrichment)
	}

	entities := decodeAll[event.EnrichedEntity](t, p.read(t, "news.enriched.entities", 1))
	names := map[string]bool{}
	mentions := map[string]bool{}
	for _, e := range entities {
		names[e.Name] = true
		for _, m := range e.Mentions {
			mentions[m.Text] = true
		}
		checkEnrichment(t, "entity "+e.ID, e.Enrichment)
	}
	for _, want := range []string{"Russia", "China", "European Union", "Collective Security Treaty Organization"} {
		if !names[want] {
			t.Errorf("entity %s missing from news.enriched.entities (have %v)", want, keys(names))
		}
	}
	if !mentions["Беларусь"] {
		t.Errorf("no entity mentioned as Беларусь in the Russian article (mentions %v)", keys(mentions))
	}

	// Software we did not write reads the same records.
	for _, topic := range []string{"news.enriched.quotes", "news.enriched.entities"} {
		viaKafkaGo := p.read(t, topic, 1)
		viaKcat := harness.KcatRead(t, p.cluster.Brokers(), topic)
		if len(viaKcat) != len(viaKafkaGo) {
			t.Fatalf("%s: kcat read %d records, kafka-go %d", topic, len(viaKcat), len(viaKafkaGo))
		}
		want := map[string]string{}
		for _, m := range viaKafkaGo {
			want[string(m.Key)] = string(m.Value)
		}
		for _, r := range viaKcat {
			if want[r.Key] != r.Payload {
				t.Errorf("%s: kcat record %s differs from kafka-go's", topic, r.Key)
			}
		}
	}

	// The recorded feed hides a script in the seed article's HTML: no text
	// we emit carries it.
	for _, m := range p.read(t, "news.articles", 1) {
		if strings.Contains(string(m.Value), "alert(") || strings.Contains(string(m.Value), "<script") {
			t.Errorf("article %s carries the feed's script", m.Key)
		}
	}

	// A restarted fetcher emits nothing it emitted before.
	articles := len(p.read(t, "news.articles", 1))
	if err := p.fetcher.Stop(t, 15*time.Second); err != nil {
		t.Fatalf("fetcher did not stop cleanly: %v", err)
	}
	restarted := harness.Start(t, p.bin, "fetcher", p.env)
	testwait.For(t, 30*time.Second, "the restarted fetcher polls both feeds", func() bool {
		return restarted.Metric("newswire_feed_polls_total") >= 2
	})
	if n := len(p.read(t, "news.articles", 1)); n != articles {
		t.Errorf("news.articles grew from %d to %d records across a fetcher restart", articles, n)
	}
	again := decodeAll[event.EnrichedQuote](t, p.read(t, "news.enriched.quotes", 1))
	if len(again) != len(quotes) {
		t.Errorf("news.enriched.quotes grew from %d to %d records across a fetcher restart", len(quotes), len(again))
	}
}

func checkEnrichment(t *testing.T, what string, e event.Enrichment) {
	t.Helper()
	if e.FirstSeenAt.IsZero() || len(e.Sources) == 0 || e.Revision < 1 {
		t.Errorf("%s: enrichment incomplete: %+v", what, e)
	}
	for _, s := range e.Sources {
		if s.Source == "" || s.URL == "" || strings.Contains(s.URL, "utm_") || strings.Contains(s.URL, "yclid") {
			t.Errorf("%s: source %+v lacks an outlet or keeps tracking parameters", what, s)
		}
	}
}

func decodeAll[T event.EnrichedQuote | event.EnrichedEntity](t *testing.T, msgs []kafka.Message) []T {
	t.Helper()
	out := make([]T, 0, len(msgs))
	for _, m := range msgs {
		v, err := event.Decode[T](m.Value)
		if err != nil {
			t.Fatalf("record %s at %s/%d:%d: %v", m.Key, m.Topic, m.Partition, m.Offset, err)
		}
		out = append(out, v)
	}
	return out
}

// matching returns the quotations whose text is the gold text or holds it
// (a gold text may stop short of the quotation's end).
func matching(quotes []event.EnrichedQuote, text string) []event.EnrichedQuote {
	var out []event.EnrichedQuote
	for _, q := range quotes {
		if strings.Contains(q.Text, text) || (len(q.Text) > 40 && strings.Contains(text, q.Text)) {
			out = append(out, q)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
