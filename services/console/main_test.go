package main

import (
	"context"
	"encoding/json"
	"maps"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/metricstext"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/pkg/testnet"
	"github.com/newswire/newswire/pkg/testwait"
)

func TestReadSettings(t *testing.T) {
	s, err := readSettings(config.FromMap(nil))
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if s.Addr != ":8090" || s.Group != "newswire-console" || s.Web.Quotes != 100 || s.Viewers != 1000 || s.Web.Top != 12 || s.Web.Refresh != 3*time.Second ||
		s.Web.Connections != 2064 {
		t.Errorf("defaults: %+v", s)
	}
	if s, err := readSettings(config.FromMap(map[string]string{"CONSOLE_VIEWERS": "5000"})); err != nil || s.Web.Connections != 10064 {
		t.Errorf("connections beside 5000 viewers: %d, %v; want twice and 64 more", s.Web.Connections, err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"address", map[string]string{"CONSOLE_ADDR": "8090"}, "CONSOLE_ADDR"},
		{"same port as admin", map[string]string{"CONSOLE_ADDR": ":9000", "HTTP_ADDR": ":9000"}, "CONSOLE_ADDR"},
		{"too many quotations", map[string]string{"CONSOLE_QUOTES": "5000"}, "CONSOLE_QUOTES"},
		{"refresh", map[string]string{"CONSOLE_REFRESH": "fast"}, "CONSOLE_REFRESH"},
		{"no viewers", map[string]string{"CONSOLE_VIEWERS": "0"}, "CONSOLE_VIEWERS"},
		{"connections for the viewers alone", map[string]string{"CONSOLE_VIEWERS": "100", "CONSOLE_CONNECTIONS": "164"}, "CONSOLE_CONNECTIONS"},
		{"common", map[string]string{"KAFKA_BROKERS": "nowhere"}, "KAFKA_BROKERS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := readSettings(config.FromMap(tt.env)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to name %s", err, tt.want)
			}
		})
	}
}

// console is a console running in the test on kfake and the test Redis.
type console struct {
	url     string
	admin   string
	brokers []string
	topics  config.Topics
	rdb     *redis.Client
	prefix  string
	writer  *kafka.Writer
	stop    func() error
}

// startConsole starts a console; env adds to or overrides its variables.
func startConsole(tb testing.TB, env ...map[string]string) *console {
	tb.Helper()
	cluster := kafkatest.Start(tb)
	prefix := kafkatest.Name(tb, "console") + ":"
	rdb := redistest.Connect(tb, prefix)
	admin := testnet.FreeAddr(tb)
	vars := map[string]string{
		"KAFKA_BROKERS":    strings.Join(cluster.Brokers(), ","),
		"REDIS_ADDR":       redistest.Addr(),
		"REDIS_KEY_PREFIX": prefix,
		"HTTP_ADDR":        admin,
		"CONSOLE_GROUP":    kafkatest.Name(tb, "group"),
		"CONSOLE_REFRESH":  "500ms",
		"DRAIN_TIMEOUT":    "5s",
		"TOPIC_PARTITIONS": "3",
		// Short sessions, as kafkatest's broker allows, so the group forms fast.
		"KAFKA_SESSION_TIMEOUT": "6s",
	}
	for _, e := range env {
		maps.Copy(vars, e)
	}
	s, err := readSettings(config.FromMap(vars))
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, s, ln, zaptest.NewLogger(tb)) }()
	conn, err := stream.Connect(cluster.Config())
	if err != nil {
		tb.Fatal(err)
	}
	writer := conn.Writer(zaptest.NewLogger(tb))
	c := &console{url: "http://" + ln.Addr().String(), admin: admin, brokers: cluster.Brokers(), topics: s.Topics, rdb: rdb, prefix: prefix, writer: writer}
	stopped := false
	c.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	tb.Cleanup(func() {
		_ = writer.Close()
		if err := c.stop(); err != nil {
			tb.Errorf("console stopped with %v", err)
		}
	})
	c.waitReady(tb)
	return c
}

// waitReady polls /readyz until the console is ready.
func (c *console) waitReady(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + c.admin + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the console is not ready within 20s (last: %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var seenAt = time.Now().UTC().Truncate(time.Second)

func lavrovArticle() event.Article {
	return event.Article{
		ID: "seed", URL: "https://eng.belta.by/politics/view/lavrov-12345-2024/", Title: "Lavrov: ‘They Are Trying to Pull Our Central Asian Neighbors Towards the West’",
		Source: "BelTA", Language: "en", PublishedAt: seenAt.Add(-time.Hour), FetchedAt: seenAt, Body: "…", FeedURL: "https://eng.belta.by/rss", Revision: 1,
	}
}

func enrichedQuote(a event.Article, speaker, text string) event.EnrichedQuote {
	return event.EnrichedQuote{
		Quote: event.Quote{ID: event.QuoteID(a.ID, event.InBody, 1, text), ArticleContext: a.Context(), Text: text,
			Speaker:     event.Speaker{Name: event.StringPtr(speaker), Role: event.StringPtr("Russian Minister of Foreign Affairs")},
			Attribution: event.AttributionExplicit, OffsetUnit: event.OffsetUnit, In: event.InBody},
		Enrichment: event.Enrichment{FirstSeenAt: seenAt, Revision: 1, Sources: []event.SourceRef{{Source: a.Source, URL: a.URL, ArticleID: a.ID, SeenAt: seenAt}}},
	}
}

func enrichedEntity(a event.Article, id, name, typ string) event.EnrichedEntity {
	return event.EnrichedEntity{
		Entity: event.Entity{ID: event.EntityRecordID(a.ID, id), EntityID: id, ArticleContext: a.Context(), Name: name, Type: typ,
			WikidataID: event.StringPtr(id), Mentions: []event.Mention{{Text: name, In: event.InBody}}, OffsetUnit: event.OffsetUnit},
		Enrichment: event.Enrichment{FirstSeenAt: seenAt, Revision: 1, Sources: []event.SourceRef{{Source: a.Source, URL: a.URL, ArticleID: a.ID, SeenAt: seenAt}}},
	}
}

// produce writes records upstream of the console, as the publisher does.
func (c *console) produce(tb testing.TB, records ...any) {
	tb.Helper()
	var msgs []kafka.Message
	for _, r := range records {
		e := stream.Event{Source: "test", Time: seenAt, Value: r}
		switch v := r.(type) {
		case event.EnrichedQuote:
			e.Topic, e.Key, e.ID, e.Type = c.topics.EnrichedQuotes, v.ID, v.ID, event.CETypeEnrichedQuote
		case event.EnrichedEntity:
			e.Topic, e.Key, e.ID, e.Type = c.topics.EnrichedEntities, v.ID, v.ID, event.CETypeEnrichedEntity
		}
		m, err := e.Message()
		if err != nil {
			tb.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	if err := c.writer.WriteMessages(tb.Context(), msgs...); err != nil {
		tb.Fatal(err)
	}
}

// mention records, as the publisher does, that an article mentioned an
// entity.
func (c *console) mention(tb testing.TB, entity, article string, at time.Time) {
	tb.Helper()
	if err := c.rdb.ZAdd(tb.Context(), c.prefix+"trend:"+entity, redis.Z{Score: float64(at.UnixMilli()), Member: article}).Err(); err != nil {
		tb.Fatal(err)
	}
}

func (c *console) feeds(tb testing.TB) {
	tb.Helper()
	store := feedstate.New(c.rdb, c.prefix)
	urls := []string{"https://eng.belta.by/rss", "https://www.belta.by/rss"}
	if err := store.Register(tb.Context(), urls); err != nil {
		tb.Fatal(err)
	}
	if err := store.Save(tb.Context(), feedstate.Feed{URL: urls[0], LastStatus: "ok", LastCode: 200, LastPoll: seenAt, NextPoll: seenAt.Add(5 * time.Minute), Items: 20, PublishGap: 40 * time.Minute}); err != nil {
		tb.Fatal(err)
	}
	if err := store.Save(tb.Context(), feedstate.Feed{URL: urls[1], LastStatus: "error", LastCode: 503, LastError: "fetch feed: HTTP status 503", Failures: 2, LastPoll: seenAt}); err != nil {
		tb.Fatal(err)
	}
}

func getJSON(tb testing.TB, url string, v any) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		tb.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
}

// TestConsumesAndServes runs the whole service: records produced upstream
// reach the API, and what it stored survives a restart.
func TestConsumesAndServes(t *testing.T) {
	c := startConsole(t)
	a := lavrovArticle()
	c.produce(t, enrichedQuote(a, "Sergey Lavrov", "What is happening in Eurasia testifies to the fact."), enrichedEntity(a, "Q7747", "Sergey Lavrov", event.TypePerson))
	c.mention(t, "Q7747", a.ID, time.Now())
	// The quotation and the entity come by two topics: each is waited for.
	var quotes struct {
		Quotes []struct{ Speaker, Text string }
	}
	testwait.For(t, 15*time.Second, "the quotation reaches /api/quotes", func() bool {
		getJSON(t, c.url+"/api/quotes", &quotes)
		return len(quotes.Quotes) > 0
	})
	if len(quotes.Quotes) != 1 || quotes.Quotes[0].Speaker != "Sergey Lavrov" {
		t.Fatalf("quotations %+v", quotes.Quotes)
	}
	var board struct {
		Hour []struct {
			Name     string `json:"name"`
			LastHour int    `json:"last_hour"`
		}
	}
	testwait.For(t, 15*time.Second, "the entity reaches /api/trending", func() bool {
		getJSON(t, c.url+"/api/trending", &board)
		return len(board.Hour) > 0
	})
	if len(board.Hour) != 1 || board.Hour[0].Name != "Sergey Lavrov" || board.Hour[0].LastHour != 1 {
		t.Errorf("trending %+v", board)
	}
	if err := c.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
}

// metric returns the value of a metric on the admin server.
func (c *console) metric(tb testing.TB, name string) float64 {
	tb.Helper()
	samples, err := metricstext.Scrape(tb.Context(), "http://"+c.admin+"/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	return metricstext.Sum(samples, name)
}
