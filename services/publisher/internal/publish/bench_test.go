package publish

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/simhash"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/publisher/internal/dedupe"
	"github.com/newswire/newswire/services/publisher/internal/fold"
	"github.com/newswire/newswire/services/publisher/internal/story"
	"github.com/newswire/newswire/services/publisher/internal/trend"
)

// benchRig is a broker, a Redis and a writer shared by the publisher
// benchmarks.
type benchRig struct {
	cluster *kafkatest.Cluster
	conn    *stream.Connection
	writer  *kafka.Writer
	rdb     *redis.Client
	prefix  string
	topics  Topics
}

func newBenchRig(b *testing.B) *benchRig {
	b.Helper()
	r := &benchRig{cluster: kafkatest.Start(b)}
	cfg := r.cluster.Config()
	cfg.Partitions = 6
	conn, err := stream.Connect(cfg)
	if err != nil {
		b.Fatal(err)
	}
	r.conn = conn
	r.writer = conn.Writer(zap.NewNop())
	b.Cleanup(func() { _ = r.writer.Close() })
	r.prefix = kafkatest.Name(b, "bench") + ":"
	r.rdb = redistest.Connect(b, r.prefix)
	return r
}

// A load makes the input records of the i-th article of a round whose
// content seed names.
type load func(tb testing.TB, seed string, i int) []kafka.Message

// quotations is one distinct quotation per article, without a fingerprint:
// the publisher's quotation path alone.
func quotations(tb testing.TB, seed string, i int) []kafka.Message {
	art := fmt.Sprintf("%s-a%d", seed, i)
	return []kafka.Message{quoteMsg(tb, art, "belta.by", fmt.Sprintf("Quotation %d of %s, long enough to count as speech.", i, seed))}
}

// articles are shaped like the seed article's extraction: 7 quotations and
// 23 distinct entities, all carrying the article's fingerprint, each
// article a story of its own. Entities are drawn from 50,000 by Zipf's law,
// as the names in the news are: a few in most articles, most rarely.
func articles(tb testing.TB, seed string, i int) []kafka.Message {
	return articleRecords(tb, seed, i, "belta.by", fmt.Sprintf("%s-a%d", seed, i), 0)
}

// reprints are articles every other one of which is another outlet's
// reprint of one of the articles forwarded before the round (articles of
// the same seed): the same quotations and entities, a fingerprint one bit
// away. Its records fold into the earlier article's as second revisions:
// the cross-outlet path. The others are new articles.
func reprints(tb testing.TB, seed string, i int) []kafka.Message {
	if i%2 == 1 {
		return articles(tb, seed+"-new", i)
	}
	return articleRecords(tb, seed, i/2, "sb.by", fmt.Sprintf("%s-r%d", seed, i), 1)
}

// articleRecords makes the records of article id of the source, with the
// content of the seed's article number content, its fingerprint XORed
// with flip.
func articleRecords(tb testing.TB, seed string, content int, source, id string, flip uint64) []kafka.Message {
	h := fnv.New64a()
	h.Write([]byte(seed))
	rng := rand.New(rand.NewSource(int64(h.Sum64()) + int64(content)))
	zipf := rand.NewZipf(rng, 1.1, 1, 49999)
	art := articleOf(id, source, simhash.Format(rng.Uint64()^flip))
	msgs := make([]kafka.Message, 0, 30)
	for q := range 7 {
		msgs = append(msgs, quoteIn(tb, art, fmt.Sprintf("Quotation %d of article %d of %s, long enough to count as speech.", q, content, seed)))
	}
	seen := map[uint64]bool{}
	for len(seen) < 23 {
		if e := zipf.Uint64(); !seen[e] {
			seen[e] = true
			msgs = append(msgs, entityIn(tb, art, fmt.Sprintf("Q%d", e+1)))
		}
	}
	return msgs
}

// round creates fresh topics and fills the inputs with the first n records
// of the load's articles of the seed.
func (r *benchRig) round(b testing.TB, n int, records load, seed string) {
	b.Helper()
	id := kafkatest.Name(b, "t")
	r.topics = Topics{Quotes: id + ".quotes", Entities: id + ".entities", EnrichedQuotes: id + ".eq", EnrichedEntities: id + ".ee"}
	if err := r.conn.EnsureTopics(context.Background(), r.topics.Quotes, r.topics.Entities, r.topics.EnrichedQuotes, r.topics.EnrichedEntities, id+".dlq"); err != nil {
		b.Fatal(err)
	}
	msgs := make([]kafka.Message, 0, 1000)
	for i, sent := 0, 0; sent < n; i++ {
		recs := records(b, seed, i)
		for _, m := range recs[:min(n-sent, len(recs))] {
			if m.Topic == topics.Entities {
				m.Topic = r.topics.Entities
			} else {
				m.Topic = r.topics.Quotes
			}
			msgs = append(msgs, m)
			sent++
		}
		if len(msgs) >= cap(msgs) || sent == n {
			if err := r.writer.WriteMessages(context.Background(), msgs...); err != nil {
				b.Fatal(err)
			}
			msgs = msgs[:0]
		}
	}
}

// consumers is how many group members drain the input, as the publisher
// runs by default (PUBLISH_CONSUMERS); each handles a batch while the one
// before is written, as the publisher's do.
const consumers = 2

// drained is what draining the input took from the first commit on: the
// rate at which records were committed, and the CPU time the machine spent
// in all, this process (the broker's and the consumers') and Redis.
type drained struct {
	rate     float64 // records/s
	cpu      float64 // seconds
	redisCPU float64 // seconds, Redis's part of cpu
}

// drain runs h in a consumer group of `consumers` members over the input
// until n records are committed. The rate is counted from the first commit
// (joining the group is not counted).
func (r *benchRig) drain(b *testing.B, h stream.Handler, n int) drained {
	b.Helper()
	reg := prometheus.NewRegistry()
	group := kafkatest.Name(b, "g")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, consumers)
	for i := range consumers {
		c := stream.NewConsumer(stream.ConsumerConfig{
			Service: "bench", Group: group, Topics: []string{r.topics.Quotes, r.topics.Entities},
			Deadletter: r.topics.Quotes + ".dlq", MaxBatch: 1000, DrainTimeout: 10 * time.Second, Overlap: true,
		}, r.conn, h, r.writer, zap.NewNop(), prometheus.WrapRegistererWith(prometheus.Labels{"consumer": fmt.Sprint(i)}, reg))
		go func() { done <- c.Run(ctx) }()
	}
	first := 0.0
	for first == 0 {
		time.Sleep(time.Millisecond)
		first = consumed(reg)
	}
	start := time.Now()
	processBefore, redisBefore := r.cpu(b)
	for consumed(reg) < float64(n) {
		time.Sleep(time.Millisecond)
	}
	rate := (float64(n) - first) / time.Since(start).Seconds()
	process, redisCPU := r.cpu(b)
	process, redisCPU = process-processBefore, redisCPU-redisBefore
	cancel()
	for range consumers {
		<-done
	}
	return drained{rate: rate, cpu: process + redisCPU, redisCPU: redisCPU}
}

// cpu is the CPU time this process and Redis have used so far, in seconds.
func (r *benchRig) cpu(b *testing.B) (process, redis float64) {
	b.Helper()
	return cputime.Process().Seconds(), redistest.ServerCPU(b, r.rdb).Seconds()
}

func consumed(reg *prometheus.Registry) float64 {
	mfs, _ := reg.Gather()
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() == "newswire_consumer_records_total" {
			for _, m := range mf.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}

// plainForwarder copies each record to its output topic: what kafka-go
// does with no dedupe at all, under the same commit-after-produce rules.
func plainForwarder(t Topics) stream.Handler {
	return stream.PerRecord(func(_ context.Context, m kafka.Message) ([]kafka.Message, error) {
		out := t.EnrichedQuotes
		if m.Topic == t.Entities {
			out = t.EnrichedEntities
		}
		return []kafka.Message{{Topic: out, Key: m.Key, Value: m.Value, Headers: m.Headers}}, nil
	}, 1)
}

func (r *benchRig) publisher() *Publisher {
	return New(dedupe.New(r.rdb, r.prefix, 15*time.Second, time.Hour), story.New(r.rdb, r.prefix, time.Hour, zap.NewNop()),
		trend.New(r.rdb, r.prefix, zap.NewNop()), r.topics, Options{}, zap.NewNop(), prometheus.NewRegistry())
}

// BenchmarkThroughput forwards the same number of records through a plain
// forwarder, through the publisher with dedupe, and through the publisher
// with Redis's part done by no-ops (what decoding, folding, enriching and
// producing the larger records cost alone), in the same run, and reports
// the rates, the ratio to plain, and Redis's memory per dedupe key and per
// record (every key the publisher keeps: dedupe, stories, trends). It does
// so for quotations alone, for whole articles' records (mostly entities),
// and for articles half of which are reprints of articles forwarded before.
//
// It also reports the CPU each spends per record, this process (broker and
// consumers) and Redis together, and Redis's part of the publisher's. Broker, Redis and consumers share the
// machine's cores, so once both paths are bound by CPU the ratio of rates
// can be no better than plain-cpu/dedupe-cpu, reported as cpu-bound-ceiling.
func BenchmarkThroughput(b *testing.B) {
	b.Run("quotations", func(b *testing.B) { benchThroughput(b, quotations, nil, "q:") })
	b.Run("articles", func(b *testing.B) { benchThroughput(b, articles, nil, "e:") })
	b.Run("reprints", func(b *testing.B) { benchThroughput(b, reprints, articles, "e:") })
}

// benchThroughput drains rounds of the load. When earlier is set, its
// articles of the same seed are forwarded before the publisher's round, not
// measured: the articles the round's records fold into. Redis's bytes per
// key are sampled over the dedupe keys of one kind: quotations' (q:) or
// entities' (e:), most of an article's.
func benchThroughput(b *testing.B, records, earlier load, keys string) {
	const n = 100000
	r := newBenchRig(b)
	var plain, dedup, noRedis drained
	var kept int64 // bytes Redis holds for the records forwarded with dedupe
	add := func(sum *drained, d drained) { sum.rate += d.rate; sum.cpu += d.cpu; sum.redisCPU += d.redisCPU }
	for b.Loop() {
		r.round(b, n, records, kafkatest.Name(b, "c"))
		add(&plain, r.drain(b, plainForwarder(r.topics), n))
		seed := kafkatest.Name(b, "c")
		if earlier != nil {
			r.round(b, n/2, earlier, seed)
			r.drain(b, r.publisher(), n/2)
		}
		r.round(b, n, records, seed)
		before := redistest.UsedMemory(b, r.rdb)
		add(&dedup, r.drain(b, r.publisher(), n))
		kept += redistest.UsedMemory(b, r.rdb) - before
		r.round(b, n, records, kafkatest.Name(b, "c"))
		add(&noRedis, r.drain(b, New(noDedupe{}, noStories{}, noTrends{}, r.topics, Options{}, zap.NewNop(), prometheus.NewRegistry()), n))
	}
	b.ReportMetric(plain.rate/float64(b.N), "plain-events/s")
	b.ReportMetric(dedup.rate/float64(b.N), "dedupe-events/s")
	b.ReportMetric(dedup.rate/plain.rate, "dedupe/plain")
	b.ReportMetric(noRedis.rate/plain.rate, "no-redis/plain")
	perEvent := func(cpu float64) float64 { return cpu / float64(b.N*n) * 1e6 } // about: the first batch is not counted
	b.ReportMetric(perEvent(plain.cpu), "plain-cpu-µs/event")
	b.ReportMetric(perEvent(dedup.cpu), "dedupe-cpu-µs/event")
	b.ReportMetric(perEvent(dedup.redisCPU), "dedupe-redis-cpu-µs/event")
	b.ReportMetric(perEvent(noRedis.cpu), "no-redis-cpu-µs/event")
	b.ReportMetric(plain.cpu/dedup.cpu, "cpu-bound-ceiling")
	b.ReportMetric(redisBytesPerKey(b, r.rdb, r.prefix+"publisher:"+keys), "redis-B/key")
	b.ReportMetric(float64(kept)/float64(b.N*n), "redis-B/record")
}

// BenchmarkHandle is the publisher's own work on a batch of 1,000 new
// records, quotations alone or whole articles', with Redis and Kafka left
// out: decoding, keys, folding, enriching and encoding. ns/record is the
// time per record, on every core.
func BenchmarkHandle(b *testing.B) {
	for _, tc := range []struct {
		name    string
		records load
	}{{"quotations", quotations}, {"articles", articles}} {
		b.Run(tc.name, func(b *testing.B) {
			var batch []kafka.Message
			for i := 0; len(batch) < 1000; i++ {
				batch = append(batch, tc.records(b, kafkatest.Name(b, "c"), i)...)
			}
			batch = batch[:1000]
			p := New(noDedupe{}, noStories{}, noTrends{}, topics, Options{}, zap.NewNop(), prometheus.NewRegistry())
			b.ReportAllocs()
			for b.Loop() {
				res, err := p.Handle(b.Context(), batch)
				if err != nil || len(res.Produce) != len(batch) {
					b.Fatalf("handled %d of %d records: %v", len(res.Produce), len(batch), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/record")
		})
	}
}

// redisBytesPerKey samples MEMORY USAGE over dedupe keys.
func redisBytesPerKey(b testing.TB, rdb *redis.Client, pattern string) float64 {
	b.Helper()
	ctx := context.Background()
	keys, _, err := rdb.Scan(ctx, 0, pattern+"*", 1000).Result()
	if err != nil || len(keys) == 0 {
		b.Fatalf("no dedupe keys to measure under %s: %v", pattern, err)
	}
	total := int64(0)
	for _, k := range keys {
		n, err := rdb.MemoryUsage(ctx, k).Result()
		if err != nil {
			b.Fatal(err)
		}
		total += n
	}
	return float64(total) / float64(len(keys))
}

// BenchmarkLatency sends quotations at a steady rate and measures, per
// record, the time from produce to arrival downstream, through a plain
// forwarder and through the publisher; it reports p50 and p99 of both and
// what dedupe adds.
func BenchmarkLatency(b *testing.B) {
	const perSecond, seconds = 2000, 3
	r := newBenchRig(b)
	for b.Loop() {
		plain := r.latencies(b, func() stream.Handler { return plainForwarder(r.topics) }, perSecond, seconds)
		dedup := r.latencies(b, func() stream.Handler { return r.publisher() }, perSecond, seconds)
		b.ReportMetric(ms(percentile(plain, 50)), "plain-p50-ms")
		b.ReportMetric(ms(percentile(plain, 99)), "plain-p99-ms")
		b.ReportMetric(ms(percentile(dedup, 50)), "dedupe-p50-ms")
		b.ReportMetric(ms(percentile(dedup, 99)), "dedupe-p99-ms")
		b.ReportMetric(ms(percentile(dedup, 50)-percentile(plain, 50)), "added-p50-ms")
		b.ReportMetric(ms(percentile(dedup, 99)-percentile(plain, 99)), "added-p99-ms")
	}
}

func (r *benchRig) latencies(b *testing.B, handler func() stream.Handler, perSecond, seconds int) []time.Duration {
	b.Helper()
	r.round(b, 0, quotations, "latency")
	h := handler()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := stream.NewConsumer(stream.ConsumerConfig{
		Service: "bench", Group: kafkatest.Name(b, "g"), Topics: []string{r.topics.Quotes},
		Deadletter: r.topics.Quotes + ".dlq", MaxBatch: 1000, DrainTimeout: 10 * time.Second, Overlap: true,
	}, r.conn, h, r.writer, zap.NewNop(), prometheus.NewRegistry())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	defer func() { cancel(); <-done }()

	reader := kafka.NewReader(kafka.ReaderConfig{Brokers: r.cluster.Brokers(), GroupID: kafkatest.Name(b, "lat"),
		Topic: r.topics.EnrichedQuotes, MaxWait: 10 * time.Millisecond, StartOffset: kafka.FirstOffset})
	defer reader.Close()

	// Warm up: the consumer joins its group before the clock starts.
	time.Sleep(2 * time.Second)
	total := perSecond * seconds
	// The publisher's records carry their fold key and new headers: the send
	// time is looked up by key, the input's and the fold key alike.
	var sentAt sync.Map
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		sent := 0
		for sent < total {
			<-tick.C
			batch := make([]kafka.Message, 0, perSecond/100)
			for range perSecond / 100 {
				m := quoteMsg(b, fmt.Sprintf("%s-l%d", r.topics.Quotes, sent), "belta.by", fmt.Sprintf("Latency probe %d of %s, long enough to count.", sent, r.topics.Quotes))
				m.Topic = r.topics.Quotes
				q, err := event.Decode[event.Quote](m.Value)
				if err != nil {
					b.Error(err)
					return
				}
				key, err := fold.QuoteKey(q)
				if err != nil {
					b.Error(err)
					return
				}
				now := time.Now()
				sentAt.Store(string(m.Key), now)
				sentAt.Store(key, now)
				batch = append(batch, m)
				sent++
			}
			_ = r.writer.WriteMessages(context.Background(), batch...)
		}
	}()
	out := make([]time.Duration, 0, total)
	rctx, rcancel := context.WithTimeout(context.Background(), time.Duration(seconds+30)*time.Second)
	defer rcancel()
	for len(out) < total {
		m, err := reader.ReadMessage(rctx)
		if err != nil {
			b.Fatalf("read latency probes: %d of %d: %v", len(out), total, err)
		}
		at, ok := sentAt.Load(string(m.Key))
		if !ok {
			b.Fatalf("record %s was never sent", m.Key)
		}
		out = append(out, time.Since(at.(time.Time)))
	}
	return out
}

func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// noDedupe, noStories and noTrends stand in for Redis in the benchmark's
// third run: every key is new, every article its own story, no mentions.
type noDedupe struct{}

func (noDedupe) ClaimAll(_ context.Context, reqs []dedupe.Request) ([]dedupe.Claim, error) {
	out := make([]dedupe.Claim, len(reqs))
	for i, r := range reqs {
		out[i] = dedupe.Claim{Key: r.Key, Token: "bench", Duplicate: make([]bool, len(r.Articles))}
	}
	return out, nil
}

func (noDedupe) Done(context.Context, []dedupe.Confirm) (int, error) { return 0, nil }

func (noDedupe) Release(context.Context, []dedupe.Claim) {}

type noStories struct{}

func (noStories) Assign(_ context.Context, _, fallback []string) ([]string, error) {
	return fallback, nil
}

type noTrends struct{}

func (noTrends) Record(_ context.Context, ms []trend.Mention, _ time.Time) ([]event.MentionCounts, error) {
	return make([]event.MentionCounts, len(ms)), nil
}
