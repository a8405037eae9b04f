package sigterm

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/e2e/harness"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/lifecycle"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/pkg/testwait"
)

// drain is the DRAIN_TIMEOUT the services run with here; each must exit
// within it plus lifecycle.StopGrace, the margin the Kubernetes manifests
// give it (deploy/ checks terminationGracePeriodSeconds against the same).
const drain = 5 * time.Second

// consumerCase is a consumer service and the records that load it.
type consumerCase struct {
	service string
	group   string   // its default CONSUMER_GROUP
	inputs  []string // the topics it consumes
	outputs []string // the topics it produces (dead letters included)
	// record makes the i-th input record, keyed and carrying article id.
	record func(i int) kafka.Message
	// origin returns the article id an input or output record belongs to.
	origin func(kafka.Message) (string, error)
}

func TestSIGTERMUnderLoad(t *testing.T) {
	cases := []consumerCase{
		{
			service: "extractor",
			group:   "newswire-extractor",
			inputs:  []string{"news.articles"},
			outputs: []string{"news.quotes", "news.entities", "news.deadletter"},
			record:  articleRecord,
			origin:  articleOf,
		},
		{
			service: "publisher",
			group:   "newswire-publisher",
			inputs:  []string{"news.quotes", "news.entities"},
			outputs: []string{"news.enriched.quotes", "news.enriched.entities", "news.deadletter"},
			record:  quoteOrEntityRecord,
			origin:  articleOf,
		},
	}
	for _, c := range cases {
		t.Run(c.service, func(t *testing.T) { testConsumerSIGTERM(t, c) })
	}
}

// setup starts a broker, connects the test's Redis key prefix, finds the
// service binaries, and returns the environment every service runs with.
func setup(t *testing.T) (*kafkatest.Cluster, string, map[string]string) {
	t.Helper()
	cluster := kafkatest.Start(t)
	bin := harness.Binaries(t)
	prefix := kafkatest.Name(t, "sigterm") + ":"
	redistest.Connect(t, prefix)
	return cluster, bin, map[string]string{
		"KAFKA_BROKERS":    cluster.Brokers()[0],
		"REDIS_ADDR":       redistest.Addr(),
		"REDIS_KEY_PREFIX": prefix,
		"TOPIC_PARTITIONS": "3",
		"DRAIN_TIMEOUT":    drain.String(),
	}
}

func testConsumerSIGTERM(t *testing.T, c consumerCase) {
	cluster, bin, env := setup(t)
	conn, err := stream.Connect(cluster.Config())
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.EnsureTopics(t.Context(), append(slices.Clone(c.inputs), c.outputs...)...); err != nil {
		t.Fatal(err)
	}

	// Load: a backlog, so batches are in flight when the SIGTERM comes, and
	// records that keep coming before, during and after it.
	load := startLoad(t, cluster, c.record, 3000)
	svc := harness.Start(t, bin, c.service, env)
	testwait.For(t, 60*time.Second, c.service+" commits records under load", func() bool {
		return svc.Metric("newswire_consumer_records_total") >= 300
	})
	start := time.Now()
	err = svc.Stop(t, drain+lifecycle.StopGrace)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("after SIGTERM: %v (took %s)", err, took)
	}
	t.Logf("%s stopped %s after SIGTERM, clean exit", c.service, took.Round(time.Millisecond))
	produced := load.stop(t)

	// It left its group: no member remains to wait out a session timeout.
	client := &kafka.Client{Addr: kafka.TCP(cluster.Brokers()...), Timeout: 10 * time.Second}
	groups, err := client.DescribeGroups(t.Context(), &kafka.DescribeGroupsRequest{GroupIDs: []string{c.group}})
	if err != nil || len(groups.Groups) != 1 {
		t.Fatalf("describe group %s: %v %+v", c.group, err, groups)
	}
	if g := groups.Groups[0]; len(g.Members) != 0 || g.GroupState != "Empty" {
		t.Errorf("group %s after SIGTERM: state %q with %d members, want Empty with none", c.group, g.GroupState, len(g.Members))
	}

	// What it committed is exactly what it produced output for.
	committed := committedInputs(t, cluster, client, c)
	processed := originsIn(t, cluster, c)
	switch {
	case len(committed) == 0:
		t.Fatalf("nothing committed, though %d inputs have output", len(processed))
	case len(committed) >= len(produced):
		t.Fatalf("all %d inputs committed: the SIGTERM did not come mid-stream", len(produced))
	}
	for id := range committed {
		if processed[id] == 0 {
			t.Errorf("input %s committed but nothing produced for it", id)
		}
	}
	for id := range processed {
		if !committed[id] {
			t.Errorf("output produced for %s, but its input was not committed: it will be processed again", id)
		}
	}
	t.Logf("first run: %d of %d inputs committed, each with its output", len(committed), len(produced))

	// A new process of the group takes over where the first stopped, and
	// every input is then processed, none twice.
	svc = harness.Start(t, bin, c.service, env)
	testwait.For(t, 60*time.Second, "the restarted "+c.service+" commits every input", func() bool {
		return caughtUp(t, client, c)
	})
	if err := svc.Stop(t, drain+lifecycle.StopGrace); err != nil {
		t.Fatalf("second stop: %v", err)
	}
	final := originsIn(t, cluster, c)
	for _, id := range produced {
		if final[id] == 0 {
			t.Errorf("input %s lost: no output after the restart", id)
		}
	}
	checkNoRepeats(t, cluster, c)
}

// load produces input records from its own goroutine until stopped.
type load struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	ids    []string
	err    error
}

func startLoad(t *testing.T, cluster *kafkatest.Cluster, record func(int) kafka.Message, backlog int) *load {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{cancel: cancel, done: make(chan struct{})}
	w := &kafka.Writer{Addr: kafka.TCP(cluster.Brokers()...), RequiredAcks: kafka.RequireAll,
		BatchTimeout: time.Millisecond, BatchSize: 500, Balancer: kafka.Murmur2Balancer{}}
	var first []kafka.Message
	for n := range backlog {
		m := record(n)
		first = append(first, m)
		l.ids = append(l.ids, string(m.Key))
	}
	if err := w.WriteMessages(t.Context(), first...); err != nil {
		t.Fatalf("produce the backlog: %v", err)
	}
	go func() {
		defer close(l.done)
		defer w.Close()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for n := backlog; ; {
			batch := make([]kafka.Message, 0, 25)
			var ids []string
			for range cap(batch) {
				m := record(n)
				n++
				batch = append(batch, m)
				ids = append(ids, string(m.Key))
			}
			if err := w.WriteMessages(ctx, batch...); err != nil {
				if ctx.Err() == nil {
					l.mu.Lock()
					l.err = err
					l.mu.Unlock()
				}
				return
			}
			l.mu.Lock()
			l.ids = append(l.ids, ids...)
			l.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-l.done })
	return l
}

// stop ends the load and returns the ids of every record acknowledged.
func (l *load) stop(t *testing.T) []string {
	t.Helper()
	l.cancel()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		t.Fatalf("produce load: %v", l.err)
	}
	return l.ids
}

// committedInputs returns the article ids of the input records below the
// group's committed offsets.
func committedInputs(t *testing.T, cluster *kafkatest.Cluster, client *kafka.Client, c consumerCase) map[string]bool {
	t.Helper()
	req := &kafka.OffsetFetchRequest{GroupID: c.group, Topics: map[string][]int{}}
	for _, topic := range c.inputs {
		req.Topics[topic] = []int{0, 1, 2}
	}
	resp, err := client.OffsetFetch(t.Context(), req)
	if err != nil || resp.Error != nil {
		t.Fatalf("fetch offsets of %s: %v %v", c.group, err, resp.Error)
	}
	limit := map[string]map[int]int64{}
	for topic, parts := range resp.Topics {
		limit[topic] = map[int]int64{}
		for _, p := range parts {
			limit[topic][p.Partition] = p.CommittedOffset // -1 when none
		}
	}
	out := map[string]bool{}
	for _, topic := range c.inputs {
		for _, m := range kafkatest.ReadAll(t, cluster.Brokers(), topic, 0, 30*time.Second) {
			if m.Offset < limit[topic][m.Partition] {
				id, err := c.origin(m)
				if err != nil {
					t.Fatalf("input %s/%d@%d: %v", topic, m.Partition, m.Offset, err)
				}
				out[id] = true
			}
		}
	}
	return out
}

// caughtUp reports whether the group has committed every input record.
func caughtUp(t *testing.T, client *kafka.Client, c consumerCase) bool {
	t.Helper()
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	fetch := &kafka.OffsetFetchRequest{GroupID: c.group, Topics: map[string][]int{}}
	for _, topic := range c.inputs {
		req.Topics[topic] = []kafka.OffsetRequest{kafka.LastOffsetOf(0), kafka.LastOffsetOf(1), kafka.LastOffsetOf(2)}
		fetch.Topics[topic] = []int{0, 1, 2}
	}
	ends, err := client.ListOffsets(t.Context(), req)
	if err != nil {
		t.Fatalf("list offsets: %v", err)
	}
	committed, err := client.OffsetFetch(t.Context(), fetch)
	if err != nil {
		t.Fatalf("fetch offsets of %s: %v", c.group, err)
	}
	for topic, parts := range ends.Topics {
		for _, end := range parts {
			i := slices.IndexFunc(committed.Topics[topic], func(p kafka.OffsetFetchPartition) bool { return p.Partition == end.Partition })
			if i < 0 || committed.Topics[topic][i].CommittedOffset < end.LastOffset {
				return false
			}
		}
	}
	return true
}

// originsIn counts, per article id, the output records derived from it.
func originsIn(t *testing.T, cluster *kafkatest.Cluster, c consumerCase) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, topic := range c.outputs {
		for _, m := range kafkatest.ReadAll(t, cluster.Brokers(), topic, 0, 30*time.Second) {
			id, err := c.origin(m)
			if err != nil {
				t.Fatalf("output %s/%d@%d: %v", topic, m.Partition, m.Offset, err)
			}
			out[id]++
		}
	}
	return out
}

// checkNoRepeats: after a clean stop the next process starts at the
// committed offsets, so no output is produced twice.
func checkNoRepeats(t *testing.T, cluster *kafkatest.Cluster, c consumerCase) {
	t.Helper()
	for _, topic := range c.outputs {
		seen := map[string]int64{}
		for _, m := range kafkatest.ReadAll(t, cluster.Brokers(), topic, 0, 30*time.Second) {
			id := stream.Header(m, stream.HeaderID)
			if prev, ok := seen[id]; ok {
				t.Errorf("%s: record %s produced twice (offsets %d and %d)", topic, id, prev, m.Offset)
			}
			seen[id] = m.Offset
		}
	}
}

// articleRecord is an article whose text names a country and a person, so
// the extractor produces at least one record for it.
func articleRecord(i int) kafka.Message {
	id := fmt.Sprintf("sigterm-article-%d", i)
	now := time.Now().UTC()
	a := event.Article{
		ID: id, URL: "https://example.org/news/" + id, Title: fmt.Sprintf("Belarus and China sign agreement %d", i),
		Source: "Example", Language: "en", PublishedAt: now, FetchedAt: now, FeedURL: "https://example.org/rss", Revision: 1,
		Body: fmt.Sprintf("MINSK, %d May (BelTA) - President of Belarus Alexander Lukashenko met the Chinese delegation in Minsk.\n\n"+
			"\u201cWe will build this together,\u201d Alexander Lukashenko said after meeting number %d.", i%28+1, i),
	}
	return mustMessage(stream.Event{Topic: "news.articles", Key: id, ID: id + "/1", Type: event.CETypeArticle,
		Source: a.FeedURL, Time: now, Value: a})
}

// quoteOrEntityRecord alternates quotations and entities of distinct
// articles, each unlike any other, so each is forwarded once.
func quoteOrEntityRecord(i int) kafka.Message {
	article := fmt.Sprintf("sigterm-article-%d", i)
	now := time.Now().UTC()
	ctx := event.ArticleContext{ArticleID: article, URL: "https://example.org/news/" + article, Title: "Title " + article,
		Source: "Example", Language: "en", PublishedAt: now}
	if i%2 == 0 {
		name := fmt.Sprintf("Speaker %d", i)
		text := fmt.Sprintf("Statement number %d is worth reporting.", i)
		q := event.Quote{ID: event.QuoteID(article, event.InBody, 0, text), ArticleContext: ctx, Text: text,
			Speaker: event.Speaker{Name: &name}, Attribution: event.AttributionExplicit, Length: len(text),
			OffsetUnit: event.OffsetUnit, In: event.InBody}
		m := mustMessage(stream.Event{Topic: "news.quotes", Key: q.ID, ID: q.ID, Type: event.CETypeQuote,
			Source: "newswire/extractor", Time: now, Value: q})
		m.Key = []byte(article)
		return m
	}
	entityID := fmt.Sprintf("Q%d", 1000000+i)
	e := event.Entity{ID: event.EntityRecordID(article, entityID), EntityID: entityID, ArticleContext: ctx,
		Name: fmt.Sprintf("Organisation %d", i), Type: event.TypeOrg, OffsetUnit: event.OffsetUnit,
		Mentions: []event.Mention{{Text: "Organisation", Offset: 0, Length: 12, In: event.InBody}}}
	m := mustMessage(stream.Event{Topic: "news.entities", Key: e.ID, ID: e.ID, Type: event.CETypeEntity,
		Source: "newswire/extractor", Time: now, Value: e})
	m.Key = []byte(article)
	return m
}

func mustMessage(e stream.Event) kafka.Message {
	m, err := e.Message()
	if err != nil {
		panic(err) // the test's own records always encode
	}
	return m
}

// articleOf reads the article id of an article, a (possibly enriched)
// quotation or entity, or a dead letter of any of them.
func articleOf(m kafka.Message) (string, error) {
	var v struct {
		ID        string `json:"id"`
		ArticleID string `json:"article_id"`
	}
	if err := json.Unmarshal(m.Value, &v); err != nil {
		return "", fmt.Errorf("decode: %w", err)
	}
	switch {
	case v.ArticleID != "":
		return v.ArticleID, nil
	case m.Topic == "news.articles" || stream.Header(m, stream.HeaderDLQTopic) == "news.articles":
		return v.ID, nil
	}
	return "", fmt.Errorf("record %s names no article", m.Key)
}
