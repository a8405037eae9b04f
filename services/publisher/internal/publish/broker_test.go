package publish

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/pkg/testwait"
	"github.com/newswire/newswire/services/publisher/internal/dedupe"
	"github.com/newswire/newswire/services/publisher/internal/story"
	"github.com/newswire/newswire/services/publisher/internal/trend"
)

// releaseSpy counts the claims given back after failed produces.
type releaseSpy struct {
	*dedupe.Store
	mu       sync.Mutex
	released int
}

func (s *releaseSpy) Release(ctx context.Context, claims []dedupe.Claim) {
	s.mu.Lock()
	s.released += len(claims)
	s.mu.Unlock()
	s.Store.Release(ctx, claims)
}

func (s *releaseSpy) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.released
}

// TestProduceFailureReleasesClaimsAndRecovers injects produce errors on the
// enriched topic through the broker itself: the claims are given back, and
// once the broker recovers every record goes out exactly once.
func TestProduceFailureReleasesClaimsAndRecovers(t *testing.T) {
	cluster := kafkatest.Start(t)
	conn, err := stream.Connect(cluster.Config())
	if err != nil {
		t.Fatal(err)
	}
	tp := Topics{Quotes: "news.quotes", Entities: "news.entities", EnrichedQuotes: "news.enriched.quotes", EnrichedEntities: "news.enriched.entities"}
	if err := conn.EnsureTopics(t.Context(), tp.Quotes, tp.Entities, tp.EnrichedQuotes, tp.EnrichedEntities, "news.deadletter"); err != nil {
		t.Fatal(err)
	}
	log := zaptest.NewLogger(t)
	writer := conn.Writer(log)
	defer writer.Close()

	prefix := kafkatest.Name(t, "publish") + ":"
	rdb := redistest.Connect(t, prefix)
	spy := &releaseSpy{Store: dedupe.New(rdb, prefix, 5*time.Second, time.Hour)}
	pub := New(spy, story.New(rdb, prefix, time.Hour), trend.New(rdb, prefix), tp, Options{}, log, prometheus.NewRegistry())

	fault := cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: tp.EnrichedQuotes, Err: kerr.PolicyViolation, Count: -1})
	consumer := stream.NewConsumer(stream.ConsumerConfig{
		Service: "publisher", Group: "newswire-publisher", Topics: []string{tp.Quotes, tp.Entities},
		Deadletter: "news.deadletter", DrainTimeout: 5 * time.Second,
	}, conn, pub, writer, log, prometheus.NewRegistry())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- consumer.Run(ctx) }()
	defer func() { cancel(); <-done }()

	const n = 20
	var in []kafka.Message
	for i := range n {
		m := quoteMsg(t, fmt.Sprintf("a%d", i), "belta.by", fmt.Sprintf("Quotation number %d, long enough to count as speech.", i))
		m.Topic = tp.Quotes
		in = append(in, m)
	}
	if err := writer.WriteMessages(t.Context(), in...); err != nil {
		t.Fatal(err)
	}

	testwait.For(t, 30*time.Second, "the fault fires and the claims are released", func() bool {
		return fault.Hits() > 0 && spy.count() > 0 && consumer.Ready(t.Context()) != nil
	})
	fault.Remove()

	out := kafkatest.ReadAll(t, cluster.Brokers(), tp.EnrichedQuotes, n, 60*time.Second)
	testwait.For(t, 10*time.Second, "the consumer is ready again", func() bool { return consumer.Ready(t.Context()) == nil })
	perKey := map[string]int{}
	for _, m := range kafkatest.ReadAll(t, cluster.Brokers(), tp.EnrichedQuotes, len(out), 10*time.Second) {
		perKey[string(m.Key)]++
	}
	if len(perKey) != n {
		t.Errorf("%d distinct quotations downstream, want %d", len(perKey), n)
	}
	for k, c := range perKey {
		if c != 1 {
			t.Errorf("quotation %s forwarded %d times, want once", k, c)
		}
	}
	t.Logf("fault hits %d, claims released %d", fault.Hits(), spy.count())
}
