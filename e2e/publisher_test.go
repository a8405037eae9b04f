package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/e2e/harness"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/pkg/testwait"
)

// quoteSource writes distinct quotation records to news.quotes, as the
// extractor would.
type quoteSource struct {
	t      *testing.T
	writer *kafka.Writer
	next   atomic.Int64 // written by one goroutine, read by the test
}

func newQuoteSource(t *testing.T, c *kafkatest.Cluster) *quoteSource {
	t.Helper()
	return newQuoteSourceFor(t, c.Config())
}

// newQuoteSourceFor is newQuoteSource for any brokers, such as a broker
// process.
func newQuoteSourceFor(t *testing.T, cfg config.Kafka) *quoteSource {
	t.Helper()
	conn, err := stream.Connect(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.EnsureTopics(t.Context(), "news.quotes", "news.entities", "news.enriched.quotes", "news.enriched.entities", "news.deadletter"); err != nil {
		t.Fatal(err)
	}
	w := &kafka.Writer{Addr: kafka.TCP(cfg.Brokers...), RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond, Balancer: kafka.Murmur2Balancer{}}
	t.Cleanup(func() { _ = w.Close() })
	return &quoteSource{t: t, writer: w}
}

// keepWriting produces 100 quotations a second until the returned stop is
// called.
func (s *quoteSource) keepWriting() (stop func()) {
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
				s.write(5)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// write produces n more quotations.
func (s *quoteSource) write(n int) {
	s.t.Helper()
	msgs := make([]kafka.Message, 0, n)
	for range n {
		i := int(s.next.Add(1) - 1)
		name := "Speaker " + fmt.Sprint(i%7)
		text := fmt.Sprintf("Quotation %d says something worth reporting today.", i)
		article := fmt.Sprintf("article-%d", i)
		q := event.Quote{
			ID: event.QuoteID(article, event.InBody, 0, text),
			ArticleContext: event.ArticleContext{ArticleID: article, URL: "https://example.org/" + article, Title: "t",
				Source: "Example", Language: "en", PublishedAt: time.Now().UTC()},
			Text: text, Speaker: event.Speaker{Name: &name}, Attribution: event.AttributionExplicit,
			Length: len(text), OffsetUnit: event.OffsetUnit, In: event.InBody,
		}
		b, err := json.Marshal(q)
		if err != nil {
			s.t.Fatal(err)
		}
		msgs = append(msgs, kafka.Message{Topic: "news.quotes", Key: []byte(q.ID), Value: b})
	}
	if err := s.writer.WriteMessages(context.Background(), msgs...); err != nil {
		s.t.Fatalf("produce quotations: %v", err)
	}
}

// forwarded counts the enriched records per key.
func forwarded(t *testing.T, c *kafkatest.Cluster) map[string]int {
	t.Helper()
	return forwardedAt(t, c.Brokers())
}

// forwardedAt is forwarded for any brokers.
func forwardedAt(t *testing.T, brokers []string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, m := range kafkatest.ReadAll(t, brokers, "news.enriched.quotes", 0, 10*time.Second) {
		out[string(m.Key)]++
	}
	return out
}

func publisherEnv(c *kafkatest.Cluster, redisAddr, prefix string) map[string]string {
	return map[string]string{
		"KAFKA_BROKERS":         strings.Join(c.Brokers(), ","),
		"REDIS_ADDR":            redisAddr,
		"REDIS_KEY_PREFIX":      prefix,
		"KAFKA_SESSION_TIMEOUT": "2s",
		"DEDUPE_LEASE":          "2s",
		"DRAIN_TIMEOUT":         "5s",
		"TOPIC_PARTITIONS":      "3",
	}
}

// TestPublisherKilledAgainAndAgainLosesNothing SIGKILLs the publisher
// while quotations stream in, restarts it, and does that again and again:
// afterwards every quotation is downstream, and the duplicates — records
// in flight at a kill — are counted.
func TestPublisherKilledAgainAndAgainLosesNothing(t *testing.T) {
	cluster := kafkatest.Start(t)
	bin := harness.Binaries(t)
	prefix := kafkatest.Name(t, "newswire") + ":"
	redistest.Connect(t, prefix)
	env := publisherEnv(cluster, redistest.Addr(), prefix)
	src := newQuoteSource(t, cluster)

	const kills, perRound = 12, 40
	stopWriting := src.keepWriting() // quotations keep arriving through every kill
	for k := range kills {
		pub := harness.Start(t, bin, "publisher", env)
		// Let it join the group and forward some, then kill it mid-stream.
		testwait.For(t, 30*time.Second, "the publisher forwards", func() bool {
			return pub.Metric("newswire_publisher_forwarded_total") > 0
		})
		time.Sleep(time.Duration(50+rand.IntN(250)) * time.Millisecond)
		pub.Kill()
		t.Logf("kill %d: %d quotations produced so far", k+1, src.next.Load())
	}
	stopWriting()
	src.write(perRound)

	last := harness.Start(t, bin, "publisher", env)
	total := int(src.next.Load())
	var got map[string]int
	testwait.For(t, 90*time.Second, fmt.Sprintf("all %d quotations downstream", total), func() bool {
		got = forwarded(t, cluster)
		return len(got) == total
	})
	if err := last.Stop(t, 15*time.Second); err != nil {
		t.Errorf("last publisher did not stop cleanly: %v", err)
	}
	dups := duplicates(got)
	t.Logf("%d quotations through %d kills: all downstream, %d duplicates (records in flight at a kill)", total, kills, dups)
	if dups > kills*1000 {
		t.Errorf("%d duplicates is more than the records in flight at %d kills could make", dups, kills)
	}
}

// TestPublisherWaitsOutRedisRestart stops the publisher's Redis mid-stream:
// the publisher stops forwarding and reports not ready, then catches up
// when Redis is back, forwarding every quotation once.
func TestPublisherWaitsOutRedisRestart(t *testing.T) {
	cluster := kafkatest.Start(t)
	bin := harness.Binaries(t)
	redis := redistest.StartServer(t)
	env := publisherEnv(cluster, redis.Addr, "newswire:")
	src := newQuoteSource(t, cluster)
	pub := harness.Start(t, bin, "publisher", env)

	src.write(100)
	testwait.For(t, 30*time.Second, "the first 100 quotations downstream", func() bool {
		return len(forwarded(t, cluster)) == 100
	})

	redis.Stop(t)
	src.write(100)
	testwait.For(t, 30*time.Second, "the publisher reports not ready without Redis", func() bool {
		return readyz(pub) == http.StatusServiceUnavailable
	})
	if n := len(forwarded(t, cluster)); n != 100 {
		t.Errorf("%d quotations forwarded while Redis was down, want still 100 (nothing unchecked)", n)
	}

	redis.Start(t)
	var got map[string]int
	testwait.For(t, 60*time.Second, "all 200 quotations downstream after Redis returns", func() bool {
		got = forwarded(t, cluster)
		return len(got) == 200
	})
	testwait.For(t, 30*time.Second, "the publisher ready again", func() bool { return readyz(pub) == http.StatusOK })
	for k, n := range got {
		if n != 1 {
			t.Errorf("quotation %s forwarded %d times across the Redis restart, want once", k, n)
		}
	}
}

func readyz(s *harness.Service) int {
	resp, err := http.Get("http://" + s.AdminAddr + "/readyz")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	return resp.StatusCode
}
