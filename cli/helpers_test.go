package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/stream"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// now is the clock of every command under test.
var now = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// buffer is an io.Writer safe to read while a command writes to it.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newApp returns an invocation with the given environment, writing to
// buffers, not on a terminal.
func newApp(env map[string]string) (*app, *buffer, *buffer) {
	out, errOut := &buffer{}, &buffer{}
	return &app{env: config.FromMap(env), stdout: out, stderr: errOut, now: func() time.Time { return now }, location: time.UTC}, out, errOut
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(tb testing.TB, name, got string) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run the test with -update to write it)", err)
	}
	if got != string(want) {
		tb.Errorf("output differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// pipeline is a kfake cluster of the test's own with the pipeline's
// topics (under their usual names), each of `partitions` partitions.
type pipeline struct {
	cluster *kafkatest.Cluster
	conn    *stream.Connection
	writer  *kafka.Writer
	topics  config.Topics
	env     map[string]string
}

func startPipeline(tb testing.TB, partitions int) *pipeline {
	tb.Helper()
	c := kafkatest.Start(tb)
	cfg := c.Config()
	cfg.Partitions = partitions
	conn, err := stream.Connect(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	p := &pipeline{cluster: c, conn: conn, topics: config.ReadCommon(config.FromMap(nil), "test").Topics}
	if err := conn.EnsureTopics(tb.Context(), p.topics.All()...); err != nil {
		tb.Fatal(err)
	}
	p.writer = conn.Writer(zaptest.NewLogger(tb))
	tb.Cleanup(func() { _ = p.writer.Close() })
	p.env = map[string]string{"KAFKA_BROKERS": strings.Join(c.Brokers(), ",")}
	return p
}

// produce writes records, each an event or a ready message.
func (p *pipeline) produce(tb testing.TB, msgs ...kafka.Message) {
	tb.Helper()
	if err := p.writer.WriteMessages(tb.Context(), msgs...); err != nil {
		tb.Fatalf("produce %d records: %v", len(msgs), err)
	}
}

func message(tb testing.TB, topic, key string, v any, at time.Time) kafka.Message {
	tb.Helper()
	m, err := stream.Event{Topic: topic, Key: key, ID: key, Type: "test", Source: "test", Time: at, Value: v}.Message()
	if err != nil {
		tb.Fatal(err)
	}
	m.Time = at
	return m
}

// waitFor polls until the buffer holds n lines or fails the test.
func waitFor(tb testing.TB, b *buffer, n int, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for strings.Count(b.String(), "\n") < n {
		if time.Now().After(deadline) {
			tb.Fatalf("%d lines within %s, want %d:\n%s", strings.Count(b.String(), "\n"), timeout, n, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runAsync runs a command until it returns or the test cancels it.
func runAsync(tb testing.TB, a *app, args ...string) (cancel func() error) {
	tb.Helper()
	ctx, stop := context.WithCancel(tb.Context())
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, args) }()
	return func() error {
		stop()
		return <-done
	}
}

// Sample records, in the shape the services write.
func sampleArticle(id, source, lang, title string, at time.Time) event.Article {
	return event.Article{
		ID: id, URL: "https://news.example/" + id, Title: title, Source: source, Language: lang,
		PublishedAt: at, FetchedAt: at.Add(time.Minute), Body: title + ". The body of the article.",
		FeedURL: "https://news.example/rss", Revision: 1,
	}
}

func sampleQuote(a event.Article, speaker, entityID, text string, rev int, sources ...string) event.EnrichedQuote {
	verb := "said"
	q := event.EnrichedQuote{
		Quote: event.Quote{
			ID: event.QuoteID(a.ID, event.InBody, 10, text), ArticleContext: a.Context(), Text: text,
			Speaker: event.Speaker{Name: event.StringPtr(speaker), EntityID: event.StringPtr(entityID)}, Verb: &verb,
			Attribution: event.AttributionExplicit, Offset: 10, Length: len([]rune(text)), OffsetUnit: event.OffsetUnit, In: event.InBody,
		},
		Enrichment: event.Enrichment{FirstSeenAt: a.FetchedAt, Revision: rev, Sources: []event.SourceRef{{Source: a.Source, URL: a.URL, ArticleID: a.ID, SeenAt: a.FetchedAt}}},
	}
	for _, s := range sources {
		q.Sources = append(q.Sources, event.SourceRef{Source: s, URL: "https://" + strings.ToLower(s) + ".example/1", ArticleID: "other", SeenAt: a.FetchedAt})
	}
	return q
}

func sampleEntity(a event.Article, name, typ, wikidata string, mentions int, hour, day int64) event.EnrichedEntity {
	e := event.EnrichedEntity{
		Entity: event.Entity{
			ID: event.EntityRecordID(a.ID, wikidata), EntityID: wikidata, ArticleContext: a.Context(), Name: name, Type: typ,
			WikidataID: event.StringPtr(wikidata), OffsetUnit: event.OffsetUnit,
		},
		Enrichment: event.Enrichment{FirstSeenAt: a.FetchedAt, Revision: 1, MentionCounts: &event.MentionCounts{LastHour: hour, LastDay: day},
			Sources: []event.SourceRef{{Source: a.Source, URL: a.URL, ArticleID: a.ID, SeenAt: a.FetchedAt}}},
	}
	for i := range mentions {
		e.Mentions = append(e.Mentions, event.Mention{Text: name, Offset: i * 20, Length: len([]rune(name)), In: event.InBody})
	}
	return e
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
