package publish

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/event"
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

// brokerRig is a broker with the publisher's topics, a writer and a Redis.
type brokerRig struct {
	cluster *kafkatest.Cluster
	conn    *stream.Connection
	writer  *kafka.Writer
	topics  Topics
	rdb     *redis.Client
	prefix  string
}

func newBrokerRig(t *testing.T) *brokerRig {
	t.Helper()
	r := &brokerRig{cluster: kafkatest.Start(t)}
	conn, err := stream.Connect(r.cluster.Config())
	if err != nil {
		t.Fatal(err)
	}
	r.conn = conn
	r.topics = Topics{Quotes: "news.quotes", Entities: "news.entities", EnrichedQuotes: "news.enriched.quotes", EnrichedEntities: "news.enriched.entities"}
	if err := conn.EnsureTopics(t.Context(), r.topics.Quotes, r.topics.Entities, r.topics.EnrichedQuotes, r.topics.EnrichedEntities, "news.deadletter"); err != nil {
		t.Fatal(err)
	}
	r.writer = conn.Writer(zaptest.NewLogger(t))
	t.Cleanup(func() { _ = r.writer.Close() })
	r.prefix = kafkatest.Name(t, "publish") + ":"
	r.rdb = redistest.Connect(t, r.prefix)
	return r
}

// run consumes with the publisher's group until the test ends.
func (r *brokerRig) run(t *testing.T, store Deduper, cfg stream.ConsumerConfig) *stream.Consumer {
	t.Helper()
	log := zaptest.NewLogger(t)
	pub := New(store, story.New(r.rdb, r.prefix, time.Hour, log), trend.New(r.rdb, r.prefix, log), r.topics, Options{}, log, prometheus.NewRegistry())
	cfg.Service, cfg.Group, cfg.Deadletter = "publisher", "newswire-publisher", "news.deadletter"
	cfg.Topics, cfg.DrainTimeout = []string{r.topics.Quotes, r.topics.Entities}, 5*time.Second
	consumer := stream.NewConsumer(cfg, r.conn, pub, r.writer, log, prometheus.NewRegistry())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- consumer.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return consumer
}

// TestProduceFailureReleasesClaimsAndRecovers injects produce errors on the
// enriched topic through the broker itself: the claims are given back, and
// once the broker recovers every record goes out exactly once.
func TestProduceFailureReleasesClaimsAndRecovers(t *testing.T) {
	r := newBrokerRig(t)
	cluster, tp, writer := r.cluster, r.topics, r.writer
	spy := &releaseSpy{Store: dedupe.New(r.rdb, r.prefix, 5*time.Second, time.Hour)}
	fault := cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: tp.EnrichedQuotes, Err: kerr.PolicyViolation, Count: -1})
	consumer := r.run(t, spy, stream.ConsumerConfig{Overlap: true}) // as the publisher runs

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

// TestOverlappedBatchesFoldAndCount runs the publisher as it runs in
// production, each batch handled while the one before is written, one
// record per batch: reports of one quotation from three outlets still
// become revisions 1, 2 and 3, and every article mentioning an entity gets
// its own count.
func TestOverlappedBatchesFoldAndCount(t *testing.T) {
	r := newBrokerRig(t)
	r.run(t, dedupe.New(r.rdb, r.prefix, 5*time.Second, time.Hour), stream.ConsumerConfig{MaxBatch: 1, Overlap: true})

	const quotations = 5
	outlets := []string{"belta.by", "sb.by", "minsknews.by"}
	var in []kafka.Message
	for _, o := range outlets {
		for i := range quotations {
			q := quoteMsg(t, fmt.Sprintf("%s-%d", o, i), o, fmt.Sprintf("Quotation number %d, long enough to count as speech.", i))
			q.Topic = r.topics.Quotes
			e := entityMsg(t, fmt.Sprintf("%s-%d", o, i), o, "")
			e.Topic = r.topics.Entities
			in = append(in, q, e)
		}
	}
	if err := r.writer.WriteMessages(t.Context(), in...); err != nil {
		t.Fatal(err)
	}

	revisions := map[string][]int{}
	for _, m := range kafkatest.ReadAll(t, r.cluster.Brokers(), r.topics.EnrichedQuotes, quotations*len(outlets), 60*time.Second) {
		q, err := event.Decode[event.EnrichedQuote](m.Value)
		if err != nil {
			t.Fatal(err)
		}
		revisions[q.ID] = append(revisions[q.ID], q.Revision)
	}
	if len(revisions) != quotations {
		t.Errorf("%d quotations downstream, want %d", len(revisions), quotations)
	}
	for k, revs := range revisions {
		slices.Sort(revs)
		if !slices.Equal(revs, []int{1, 2, 3}) {
			t.Errorf("quotation %s forwarded as revisions %v, want 1, 2 and 3", k, revs)
		}
	}
	var days []int64
	for _, m := range kafkatest.ReadAll(t, r.cluster.Brokers(), r.topics.EnrichedEntities, len(in)/2, 60*time.Second) {
		e, err := event.Decode[event.EnrichedEntity](m.Value)
		if err != nil {
			t.Fatal(err)
		}
		days = append(days, e.MentionCounts.LastDay)
	}
	slices.Sort(days)
	for i, d := range days {
		if d != int64(i+1) {
			t.Fatalf("mention counts %v, want 1 to %d, each once", days, len(in)/2)
		}
	}
}
