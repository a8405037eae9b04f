package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/services/console/internal/live"
	"github.com/newswire/newswire/services/console/internal/quotes"
	"github.com/newswire/newswire/services/console/internal/trending"
)

func records(tb testing.TB) (quote, entity []byte) {
	tb.Helper()
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	art := event.Article{ID: "a1", URL: "https://eng.belta.by/1", Title: "Lavrov", Source: "BelTA", Language: "en", PublishedAt: at, FetchedAt: at, Body: "x", FeedURL: "f", Revision: 1}
	en := event.Enrichment{FirstSeenAt: at, Revision: 1, Sources: []event.SourceRef{{Source: "BelTA", URL: art.URL, ArticleID: art.ID, SeenAt: at}}}
	q := event.EnrichedQuote{Quote: event.Quote{ID: "q1", ArticleContext: art.Context(), Text: "What is happening in Eurasia testifies to the fact.",
		Speaker: event.Speaker{Name: event.StringPtr("Sergey Lavrov")}, Attribution: event.AttributionExplicit, OffsetUnit: event.OffsetUnit, In: event.InBody}, Enrichment: en}
	e := event.EnrichedEntity{Entity: event.Entity{ID: "a1/Q7747", EntityID: "Q7747", ArticleContext: art.Context(), Name: "Sergey Lavrov", Type: event.TypePerson,
		WikidataID: event.StringPtr("Q7747"), Mentions: []event.Mention{{Text: "Lavrov", In: event.InBody}}, OffsetUnit: event.OffsetUnit}, Enrichment: en}
	qb, err := json.Marshal(q)
	if err != nil {
		tb.Fatal(err)
	}
	eb, err := json.Marshal(e)
	if err != nil {
		tb.Fatal(err)
	}
	return qb, eb
}

func TestHandle(t *testing.T) {
	prefix := kafkatest.Name(t, "console") + ":"
	rdb := redistest.Connect(t, prefix)
	log := zaptest.NewLogger(t)
	hub := live.NewHub(live.MaxViewers, log, prometheus.NewRegistry())
	page := hub.Subscribe()
	recent := quotes.New(rdb, prefix, 10)
	index := trending.New(rdb, prefix)
	h := New("quotes", "entities", recent, index, hub, log, prometheus.NewRegistry())
	q, e := records(t)
	res, err := h.Handle(t.Context(), []kafka.Message{
		{Topic: "quotes", Value: q},
		{Topic: "quotes", Value: []byte(`{"id":`)},
		{Topic: "entities", Value: e},
		{Topic: "elsewhere", Value: q},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Produce) != 0 || len(res.Dead) != 0 {
		t.Errorf("the console produced %d records and dead-lettered %d", len(res.Produce), len(res.Dead))
	}
	for _, topic := range []string{"quotes", "elsewhere"} {
		if n := testutil.ToFloat64(h.unreadable.WithLabelValues(topic)); n != 1 {
			t.Errorf("unreadable records of %s = %v, want 1", topic, n)
		}
	}
	got, err := recent.Recent(t.Context(), 10)
	if err != nil || len(got) != 1 || got[0].Speaker != "Sergey Lavrov" || got[0].URL != "https://eng.belta.by/1" {
		t.Errorf("stored quotations %+v (%v)", got, err)
	}
	if ok, err := rdb.Exists(t.Context(), prefix+"console:entity:Q7747").Result(); err != nil || ok != 1 {
		t.Errorf("entity not indexed (%v)", err)
	}
	select {
	case ev := <-page.C:
		if ev.Name != EventQuote || !json.Valid(ev.Data) {
			t.Errorf("live event %s %s", ev.Name, ev.Data)
		}
	default:
		t.Error("the quotation was not shown live")
	}
}

func TestHandleWithoutRedisShowsNothing(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	log := zaptest.NewLogger(t)
	hub := live.NewHub(live.MaxViewers, log, prometheus.NewRegistry())
	page := hub.Subscribe()
	h := New("quotes", "entities", quotes.New(rdb, "x:", 10), trending.New(rdb, "x:"), hub, log, prometheus.NewRegistry())
	q, _ := records(t)
	if _, err := h.Handle(t.Context(), []kafka.Message{{Topic: "quotes", Value: q}}); err == nil {
		t.Fatal("Handle succeeded with Redis down: the batch would be committed unshown")
	}
	select {
	case ev := <-page.C:
		t.Errorf("shown live though not stored: %s", ev.Data)
	default:
	}
}

// A hostile record cannot make a large log line: what is logged of its
// error is cut to MaxLogBytes.
func TestUnreadableRecordLogIsBounded(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	q, e := records(t)
	var quote, entity map[string]any
	if err := json.Unmarshal(q, &quote); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(e, &entity); err != nil {
		t.Fatal(err)
	}
	quote["attribution"] = huge
	entity["type"] = huge
	mentions := make([]map[string]any, 10000)
	for i := range mentions {
		mentions[i] = map[string]any{"text": "Lavrov", "in": "footnote"}
	}
	entity["mentions"] = mentions
	tests := []struct {
		name  string
		topic string
		value any
	}{
		{"quotation with a huge field", "quotes", quote},
		{"entity with a huge field and many bad mentions", "entities", entity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value, err := json.Marshal(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			core, logs := observer.New(zap.WarnLevel)
			h := New("quotes", "entities", nopQuotes{}, nopEntities{}, nopLive{}, zap.New(core), prometheus.NewRegistry())
			if _, err := h.Handle(t.Context(), []kafka.Message{{Topic: tt.topic, Value: value}}); err != nil {
				t.Fatal(err)
			}
			if logs.Len() != 1 {
				t.Fatalf("%d log entries, want 1", logs.Len())
			}
			size := 0
			for k, v := range logs.All()[0].ContextMap() {
				size += len(k) + len(fmt.Sprint(v))
			}
			if size > 3<<10 {
				t.Errorf("the log entry's fields hold %d bytes, want at most 3 KiB", size)
			}
		})
	}
}

type nopQuotes struct{}

func (nopQuotes) Add(context.Context, []quotes.View) error { return nil }

type nopEntities struct{}

func (nopEntities) Add(context.Context, []trending.Entity, time.Time) error { return nil }

type nopLive struct{}

func (nopLive) Publish(string, any) {}

// A batch of many quotations shows the newest MaxLive live, and no page is
// dropped for it: every quotation is stored, and a page reloads the list.
func TestHandleShowsTheNewestLive(t *testing.T) {
	q, _ := records(t)
	var quote event.EnrichedQuote
	if err := json.Unmarshal(q, &quote); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		quotes int
		first  int // the first shown live
	}{
		{1, 0},
		{MaxLive, 0},
		{300, 300 - MaxLive},
		{5000, 5000 - MaxLive},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.quotes, " quotations"), func(t *testing.T) {
			batch := make([]kafka.Message, tt.quotes)
			for i := range batch {
				quote.ID = fmt.Sprint("q", i)
				b, err := json.Marshal(quote)
				if err != nil {
					t.Fatal(err)
				}
				batch[i] = kafka.Message{Topic: "quotes", Value: b}
			}
			log := zaptest.NewLogger(t)
			hub := live.NewHub(live.MaxViewers, log, prometheus.NewRegistry())
			page := hub.Subscribe()
			stored := &countQuotes{}
			h := New("quotes", "entities", stored, nopEntities{}, hub, log, prometheus.NewRegistry())
			if _, err := h.Handle(t.Context(), batch); err != nil {
				t.Fatal(err)
			}
			if stored.n != tt.quotes {
				t.Errorf("%d quotations stored, want %d", stored.n, tt.quotes)
			}
			if want := tt.quotes - tt.first; len(page.C) != want {
				t.Fatalf("%d quotations shown live, want %d", len(page.C), want)
			}
			for i := tt.first; i < tt.quotes; i++ {
				var v quotes.View
				if err := json.Unmarshal((<-page.C).Data, &v); err != nil || v.ID != fmt.Sprint("q", i) {
					t.Fatalf("live quotation %q (%v), want q%d", v.ID, err, i)
				}
			}
		})
	}
}

type countQuotes struct{ n int }

func (c *countQuotes) Add(_ context.Context, views []quotes.View) error {
	c.n += len(views)
	return nil
}
