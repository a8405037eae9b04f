package stream_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/pkg/testwait"
)

type fixture struct {
	cluster  *kafkatest.Cluster
	conn     *stream.Connection
	writer   *kafka.Writer
	in, out  string
	dlq      string
	group    string
	consumer *stream.Consumer
	overlap  bool // handle each batch while the one before is written
	maxBatch int
	maxBytes int // MaxBatchBytes
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{cluster: kafkatest.Start(t)}
	conn, err := stream.Connect(f.cluster.Config())
	if err != nil {
		t.Fatal(err)
	}
	f.conn = conn
	f.writer = conn.Writer(zaptest.NewLogger(t))
	t.Cleanup(func() { _ = f.writer.Close() })
	f.in, f.out, f.dlq = kafkatest.Name(t, "in"), kafkatest.Name(t, "out"), kafkatest.Name(t, "dlq")
	f.group = kafkatest.Name(t, "group")
	if err := conn.EnsureTopics(t.Context(), f.in, f.out, f.dlq); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) produceInput(t *testing.T, values ...string) {
	t.Helper()
	msgs := make([]kafka.Message, len(values))
	for i, v := range values {
		msgs[i] = kafka.Message{Topic: f.in, Key: []byte(v), Value: []byte(v)}
	}
	if err := f.writer.WriteMessages(t.Context(), msgs...); err != nil {
		t.Fatal(err)
	}
}

// inBothModes runs test with a new fixture as a consumer that writes each
// batch before handling the next, and as one that overlaps them.
func inBothModes(t *testing.T, test func(t *testing.T, f *fixture)) {
	for _, overlap := range []bool{false, true} {
		t.Run(fmt.Sprintf("overlap=%t", overlap), func(t *testing.T) {
			f := newFixture(t)
			f.overlap = overlap
			test(t, f)
		})
	}
}

// start runs a consumer with handler h and producer p until the returned
// stop is called; stop waits for Run to return and gives its error.
func (f *fixture) start(t *testing.T, h stream.Handler, p stream.Producer) (stop func() error) {
	t.Helper()
	f.consumer = stream.NewConsumer(stream.ConsumerConfig{
		Service: "test", Group: f.group, Topics: []string{f.in}, Deadletter: f.dlq,
		DrainTimeout: 5 * time.Second, Overlap: f.overlap, MaxBatch: f.maxBatch, MaxBatchBytes: f.maxBytes,
	}, f.conn, h, p, zaptest.NewLogger(t), prometheus.NewRegistry())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.consumer.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// startRecording runs a consumer that only notes the values it is handed,
// until the returned stop is called; seen returns the values so far.
func (f *fixture) startRecording(t *testing.T) (stop func() error, seen func() []string) {
	t.Helper()
	var mu sync.Mutex
	var values []string
	stop = f.start(t, stream.PerRecord(func(_ context.Context, m kafka.Message) ([]kafka.Message, error) {
		mu.Lock()
		defer mu.Unlock()
		values = append(values, string(m.Value))
		return nil, nil
	}, 1), f.writer)
	return stop, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(values)
	}
}

// upper maps each record to its value in upper case on the out topic;
// "bad" records fail and "boom" records panic.
func (f *fixture) upper() stream.RecordFunc {
	return func(_ context.Context, m kafka.Message) ([]kafka.Message, error) {
		switch string(m.Value) {
		case "bad":
			return nil, errors.New("bad record")
		case "boom":
			panic("boom")
		}
		return []kafka.Message{{Topic: f.out, Key: m.Key, Value: []byte(strings.ToUpper(string(m.Value)))}}, nil
	}
}

func values(msgs []kafka.Message) map[string]int {
	out := map[string]int{}
	for _, m := range msgs {
		out[string(m.Value)]++
	}
	return out
}

func TestConsumerForwardsCommitsAndDeadLetters(t *testing.T) {
	inBothModes(t, func(t *testing.T, f *fixture) {
		var in []string
		for i := range 200 {
			in = append(in, "v"+strconv.Itoa(i))
		}
		in = append(in, "bad", "boom")
		f.produceInput(t, in...)

		stop := f.start(t, stream.PerRecord(f.upper(), 4), f.writer)
		got := kafkatest.ReadAll(t, f.cluster.Brokers(), f.out, 200, 20*time.Second)
		dead := kafkatest.ReadAll(t, f.cluster.Brokers(), f.dlq, 2, 20*time.Second)
		if err := stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}

		counts := values(got)
		for i := range 200 {
			if v := "V" + strconv.Itoa(i); counts[v] != 1 {
				t.Errorf("%s forwarded %d times, want once", v, counts[v])
			}
		}
		reasons := map[string]string{}
		for _, d := range dead {
			reasons[string(d.Value)] = stream.Header(d, stream.HeaderDLQError)
			if stream.Header(d, stream.HeaderDLQTopic) != f.in || stream.Header(d, stream.HeaderDLQService) != "test" {
				t.Errorf("dead letter %q lacks its origin: %v", d.Value, d.Headers)
			}
			if stream.Header(d, stream.HeaderDLQOffset) == "" || stream.Header(d, stream.HeaderDLQPartition) == "" {
				t.Errorf("dead letter %q lacks partition or offset", d.Value)
			}
		}
		if !strings.Contains(reasons["bad"], "bad record") || !strings.Contains(reasons["boom"], "panic") {
			t.Errorf("dead-letter reasons = %q", reasons)
		}

		// Everything was committed: a new consumer of the same group gets none
		// of the old records, only a new one.
		f.produceInput(t, "after")
		stop, seen := f.startRecording(t)
		testwait.For(t, 20*time.Second, "the consumer handles a record", func() bool { return len(seen()) > 0 })
		_ = stop()
		if seen := seen(); len(seen) != 1 || seen[0] != "after" {
			t.Errorf("after restart the group consumed %q, want only [after]", seen)
		}
	})
}

// TestConsumerDeadLettersARecordTooLargeToWrite: a record the handler
// makes that is larger than any topic takes goes to the dead-letter topic
// in its place, saying where it was for, and the rest of the batch and the
// stream go on.
func TestConsumerDeadLettersARecordTooLargeToWrite(t *testing.T) {
	inBothModes(t, func(t *testing.T, f *fixture) {
		huge := noise(3 << 20)
		f.produceInput(t, "v1", "huge", "v2")
		stop := f.start(t, stream.PerRecord(func(_ context.Context, m kafka.Message) ([]kafka.Message, error) {
			out := kafka.Message{Topic: f.out, Key: m.Key, Value: m.Value}
			if string(m.Value) == "huge" {
				out.Value = huge
			}
			return []kafka.Message{out}, nil
		}, 1), f.writer)
		got := kafkatest.ReadAll(t, f.cluster.Brokers(), f.out, 2, 20*time.Second)
		dead := kafkatest.ReadAll(t, f.cluster.Brokers(), f.dlq, 1, 20*time.Second)
		if err := stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		if counts := values(got); len(got) != 2 || counts["v1"] != 1 || counts["v2"] != 1 {
			t.Errorf("forwarded %v, want v1 and v2 once each", counts)
		}
		if len(dead) != 1 {
			t.Fatalf("%d dead letters, want 1", len(dead))
		}
		d := dead[0]
		if topic := stream.Header(d, stream.HeaderDLQTopic); topic != f.out || string(d.Key) != "huge" {
			t.Errorf("dead letter of key %q for topic %q, want the huge record for %s", d.Key, topic, f.out)
		}
		if msg := stream.Header(d, stream.HeaderDLQError); !strings.Contains(msg, "Message Size Too Large") || !strings.Contains(msg, fmt.Sprintf("record of %d bytes to %s", len("huge")+len(huge), f.out)) {
			t.Errorf("dead letter error %q does not say the record was too large", msg)
		}
		if n := stream.Header(d, stream.HeaderDLQTruncated); n != strconv.Itoa(len(huge)) {
			t.Errorf("%s header %q, want %d", stream.HeaderDLQTruncated, n, len(huge))
		}
	})
}

// TestConsumerBoundsTheBytesOfABatch: records near the topics' 2 MiB must
// not make a batch of MaxBatch records gigabytes. Records are still
// batched, every batch stops growing once it holds MaxBatchBytes, and a
// record larger than that is handled too. (TestQueueHoldsItsBytes and
// TestGatherStopsAtTheBytes test each bound alone.)
func TestConsumerBoundsTheBytesOfABatch(t *testing.T) {
	inBothModes(t, func(t *testing.T, f *fixture) {
		f.maxBytes = 1 << 20
		var values []string
		for i := range 60 {
			values = append(values, fmt.Sprintf("%03d", i)+strings.Repeat("x", 48<<10))
		}
		values = append(values, "big"+strings.Repeat("x", 900<<10), "last")
		f.produceInput(t, values...)
		h := &sizingHandler{pause: time.Second}
		stop := f.start(t, h, f.writer)
		testwait.For(t, 30*time.Second, "every record handled", func() bool { return h.records() == len(values) })
		if err := stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		most := 0
		for i, b := range h.batches {
			// Each record's key is its value.
			if before := b.bytes - 2*b.lastSize; before >= f.maxBytes {
				t.Errorf("batch %d of %d records: %d bytes before its last record, want under %d", i, b.records, before, f.maxBytes)
			}
			most = max(most, b.records)
		}
		if most < 2 {
			t.Errorf("no batch held more than %d record, want records of 96 KiB batched", most)
		}
	})
}

// sizingHandler notes the records and bytes of each batch it is handed,
// and pauses on the first, so that the rest are fetched meanwhile.
type sizingHandler struct {
	pause   time.Duration
	mu      sync.Mutex
	batches []batchSize
}

type batchSize struct{ records, bytes, lastSize int }

func (h *sizingHandler) Handle(ctx context.Context, batch []kafka.Message) (stream.Result, error) {
	h.mu.Lock()
	first := len(h.batches) == 0
	b := batchSize{records: len(batch), lastSize: len(batch[len(batch)-1].Value)}
	for _, m := range batch {
		b.bytes += len(m.Key) + len(m.Value)
	}
	h.batches = append(h.batches, b)
	h.mu.Unlock()
	if first {
		time.Sleep(h.pause)
	}
	return stream.Result{}, nil
}

func (h *sizingHandler) records() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, b := range h.batches {
		n += b.records
	}
	return n
}

// flakyProducer fails the first n writes, each after running before when
// it is set.
type flakyProducer struct {
	next     stream.Producer
	failures atomic.Int32
	before   func()
}

func (p *flakyProducer) WriteMessages(ctx context.Context, msgs ...kafka.Message) error {
	if p.failures.Add(-1) >= 0 {
		if p.before != nil {
			p.before()
		}
		return errors.New("injected produce failure")
	}
	return p.next.WriteMessages(ctx, msgs...)
}

// claimingHandler claims each record's key before producing, as the
// publisher's dedupe does: a key another batch holds makes the batch wait
// (ErrRetry), and a claim lasts until it is confirmed or undone. It counts
// what was claimed, confirmed and undone.
type claimingHandler struct {
	out string
	// onHandle, when set, runs at the start of the n-th call of Handle;
	// onUndo, when set, after a batch's claims are undone.
	onHandle func(n int)
	onUndo   func()
	// confirmDown, while set, fails every Written, as Redis gone after
	// the broker acknowledged the batch.
	confirmDown atomic.Bool

	mu                sync.Mutex
	handled           int
	held              map[string]bool
	claimed, released int
	confirmed         map[string]int
}

func (h *claimingHandler) Handle(_ context.Context, batch []kafka.Message) (stream.Result, error) {
	h.mu.Lock()
	h.handled++
	n := h.handled
	h.mu.Unlock()
	if h.onHandle != nil {
		h.onHandle(n)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range batch {
		if h.held[string(m.Key)] {
			return stream.Result{}, fmt.Errorf("key %s held by another batch: %w", m.Key, stream.ErrRetry)
		}
	}
	if h.held == nil {
		h.held = map[string]bool{}
	}
	for _, m := range batch {
		h.held[string(m.Key)] = true
	}
	h.claimed += len(batch)
	var res stream.Result
	for _, m := range batch {
		res.Produce = append(res.Produce, kafka.Message{Topic: h.out, Key: m.Key, Value: m.Value})
	}
	res.Written = func(context.Context) error {
		if h.confirmDown.Load() {
			return errors.New("confirm: dependency down")
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, m := range batch {
			if h.held[string(m.Key)] {
				h.confirmed[string(m.Value)]++
				delete(h.held, string(m.Key))
			}
		}
		return nil
	}
	res.Unwritten = func(context.Context) {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, m := range batch {
			delete(h.held, string(m.Key))
		}
		h.released += len(batch)
		if h.onUndo != nil {
			h.onUndo()
		}
	}
	return res, nil
}

func TestConsumerRetriesFailedProduceAndUndoesClaims(t *testing.T) {
	inBothModes(t, func(t *testing.T, f *fixture) {
		f.produceInput(t, "a", "b", "c")
		p := &flakyProducer{next: f.writer}
		p.failures.Store(3)
		h := &claimingHandler{out: f.out, confirmed: map[string]int{}}
		stop := f.start(t, h, p)
		got := kafkatest.ReadAll(t, f.cluster.Brokers(), f.out, 3, 30*time.Second)
		_ = stop()

		if c := values(got); c["a"] != 1 || c["b"] != 1 || c["c"] != 1 {
			t.Errorf("forwarded %v, want a, b and c once each", c)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.released == 0 {
			t.Error("failed writes did not release their claims")
		}
		if h.claimed-h.released != 3 {
			t.Errorf("claimed %d, released %d: want exactly 3 claims kept", h.claimed, h.released)
		}
		for _, v := range []string{"a", "b", "c"} {
			if h.confirmed[v] != 1 {
				t.Errorf("%s confirmed %d times, want once", v, h.confirmed[v])
			}
		}
	})
}

// Overlapping, a batch is handled while the one before is written. When
// that write fails, the batch handled meanwhile gives its claims back before
// the one before is handled again: otherwise each waits for the other's key
// for good.
func TestOverlappingConsumerGivesBackTheNextBatchWhenOneFails(t *testing.T) {
	f := newFixture(t)
	f.overlap, f.maxBatch = true, 1
	// One key: one partition, so two batches in this order.
	if err := f.writer.WriteMessages(t.Context(),
		kafka.Message{Topic: f.in, Key: []byte("k"), Value: []byte("k1")},
		kafka.Message{Topic: f.in, Key: []byte("k"), Value: []byte("k2")}); err != nil {
		t.Fatal(err)
	}
	// The first batch's write fails while the second is being handled, and
	// the second claims the key the first gave back.
	secondHandled, firstUndone := make(chan struct{}), make(chan struct{})
	var undoOnce sync.Once
	h := &claimingHandler{out: f.out, confirmed: map[string]int{},
		onHandle: func(n int) {
			if n == 2 {
				close(secondHandled)
				<-firstUndone
			}
		},
		onUndo: func() { undoOnce.Do(func() { close(firstUndone) }) },
	}
	p := &flakyProducer{next: f.writer, before: func() { <-secondHandled }}
	p.failures.Store(1)
	stop := f.start(t, h, p)
	got := kafkatest.ReadAll(t, f.cluster.Brokers(), f.out, 2, 30*time.Second)
	_ = stop()

	if len(got) != 2 || string(got[0].Value) != "k1" || string(got[1].Value) != "k2" {
		t.Errorf("forwarded %v, want k1 then k2", values(got))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.confirmed["k1"] != 1 || h.confirmed["k2"] != 1 {
		t.Errorf("confirmed %v, want k1 and k2 once each", h.confirmed)
	}
	if h.claimed-h.released != 2 {
		t.Errorf("claimed %d, released %d: want exactly 2 claims kept", h.claimed, h.released)
	}
}

// A batch written but not yet confirmed (Redis gone after the broker's
// acknowledgement) blocks the consumer like a failed write: it reports
// itself not ready until the confirmation goes through, then commits.
func TestConsumerIsNotReadyWhileWrittenBatchCannotBeConfirmed(t *testing.T) {
	inBothModes(t, func(t *testing.T, f *fixture) {
		h := &claimingHandler{out: f.out, confirmed: map[string]int{}}
		h.confirmDown.Store(true)
		f.produceInput(t, "w")
		stop := f.start(t, h, f.writer)
		kafkatest.ReadAll(t, f.cluster.Brokers(), f.out, 1, 30*time.Second)
		testwait.For(t, 20*time.Second, "the consumer reports itself blocked", func() bool { return f.consumer.Ready(t.Context()) != nil })

		h.confirmDown.Store(false)
		testwait.For(t, 20*time.Second, "the consumer is ready again", func() bool { return f.consumer.Ready(t.Context()) == nil })
		if err := stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.confirmed["w"] != 1 {
			t.Errorf("w confirmed %d times, want once", h.confirmed["w"])
		}
	})
}

// blockingHandler fails while down is set, as a handler whose Redis is gone.
type blockingHandler struct {
	down atomic.Bool
	next stream.Handler
}

func (h *blockingHandler) Handle(ctx context.Context, batch []kafka.Message) (stream.Result, error) {
	if h.down.Load() {
		return stream.Result{}, fmt.Errorf("dependency down: %w", stream.ErrRetry)
	}
	return h.next.Handle(ctx, batch)
}

func TestConsumerStopsWhileDependencyIsDownAndResumes(t *testing.T) {
	inBothModes(t, func(t *testing.T, f *fixture) {
		h := &blockingHandler{next: stream.PerRecord(f.upper(), 1)}
		h.down.Store(true)
		f.produceInput(t, "x")
		stop := f.start(t, h, f.writer)
		testwait.For(t, 20*time.Second, "the consumer reports itself blocked", func() bool { return f.consumer.Ready(t.Context()) != nil })

		h.down.Store(false)
		got := kafkatest.ReadAll(t, f.cluster.Brokers(), f.out, 1, 30*time.Second)
		testwait.For(t, 20*time.Second, "the consumer is ready again", func() bool { return f.consumer.Ready(t.Context()) == nil })
		_ = stop()
		if c := values(got); c["X"] != 1 {
			t.Errorf("forwarded %v, want X once", c)
		}
	})
}

// slowHandler holds each batch until released, to test draining.
type slowHandler struct {
	started chan struct{}
	release chan struct{}
	next    stream.Handler
}

func (h *slowHandler) Handle(ctx context.Context, batch []kafka.Message) (stream.Result, error) {
	select {
	case h.started <- struct{}{}:
	default:
	}
	<-h.release
	return h.next.Handle(ctx, batch)
}

func TestConsumerDrainsInFlightBatchOnShutdown(t *testing.T) {
	inBothModes(t, func(t *testing.T, f *fixture) {
		h := &slowHandler{started: make(chan struct{}, 1), release: make(chan struct{}), next: stream.PerRecord(f.upper(), 1)}
		f.produceInput(t, "d1", "d2", "d3")
		stop := f.start(t, h, f.writer)
		<-h.started

		stopped := make(chan error, 1)
		go func() { stopped <- stop() }()
		time.AfterFunc(200*time.Millisecond, func() { close(h.release) })
		if err := <-stopped; err != nil {
			t.Fatalf("stop: %v", err)
		}

		// What was in flight at the signal was produced and committed.
		got := values(kafkatest.ReadAll(t, f.cluster.Brokers(), f.out, 1, 10*time.Second))
		stop, recorded := f.startRecording(t)
		f.produceInput(t, "marker")
		// Partitions deliver in any order: wait for the marker and for every
		// record not produced before the shutdown to come again.
		testwait.For(t, 20*time.Second, "the marker and every record not produced before the shutdown", func() bool {
			seen := recorded()
			return slices.Contains(seen, "marker") && len(got)+len(seen)-1 >= 3
		})
		_ = stop()
		seen := recorded()
		for _, v := range seen {
			if v != "marker" && got[strings.ToUpper(v)] == 1 {
				t.Errorf("%s was produced before shutdown but redelivered: not committed", v)
			}
		}
		if len(got)+len(seen)-1 < 3 {
			t.Errorf("lost records: produced %v, redelivered %v", got, seen)
		}
	})
}
