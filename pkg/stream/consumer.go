package stream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"
	"golang.org/x/sync/semaphore"

	"github.com/newswire/newswire/pkg/backoff"
	"github.com/newswire/newswire/pkg/logging"
)

// Handler turns a batch of consumed records into the records to produce.
//
// A record that can never be processed (bad JSON, too large, a parser
// panic) is reported in Result.Dead and goes to the dead-letter topic. An
// error returned from Handle means the batch could not be handled now (a
// dependency is down): the consumer waits and hands the same batch again,
// and commits nothing meanwhile.
type Handler interface {
	Handle(ctx context.Context, batch []kafka.Message) (Result, error)
}

// Result is what one batch caused.
type Result struct {
	Produce []kafka.Message
	Dead    []Failure
	// Written, when set, runs after every record of Produce and Dead is
	// acknowledged and before the offsets are committed. An error makes the
	// consumer retry it; it must be idempotent.
	Written func(ctx context.Context) error
	// Unwritten, when set, runs when producing failed, before the batch is
	// handed to Handle again: it undoes what Handle claimed.
	Unwritten func(ctx context.Context)
}

// Failure is a record that cannot be processed and why.
type Failure struct {
	Msg kafka.Message
	Err error
}

// Producer writes records and returns once the broker acknowledged them.
type Producer interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// ConsumerConfig configures a group consumer.
type ConsumerConfig struct {
	Service    string
	Group      string
	Topics     []string
	Deadletter string
	// MaxBatch is the most records handled at once; 500 when zero.
	MaxBatch int
	// MaxBatchBytes bounds the bytes (keys and values) of the records
	// fetched and waiting to be handled, and a batch stops growing once it
	// holds that many; 16 MiB, a fetch's MaxBytes, when zero. Without it a
	// batch of MaxBatch records near the topics' 2 MiB was gigabytes.
	MaxBatchBytes int
	// DrainTimeout bounds how long in-flight work may go on after the
	// context is cancelled.
	DrainTimeout time.Duration
	// StallTimeout is how long a partition of the group's topics may have
	// records waiting with its committed offset unmoved before the consumer
	// rejoins the group; twice that and Healthy fails. 5 minutes when zero.
	StallTimeout time.Duration
	// Overlap hands a batch to the handler while the one before is still
	// being produced, confirmed and committed. Batches are still produced
	// and committed in order, one at a time. When the one before fails, the
	// batch handled meanwhile is given back (Result.Unwritten) and both go
	// through again in order. A handler that finds the batch before still
	// holding something it needs returns an error: the consumer waits for
	// that batch and hands the same batch again at once.
	Overlap bool
}

// Consumer reads a consumer group's topics, hands batches to a Handler,
// produces what it returns and only then commits, so a crash at any point
// loses nothing: at most the batch in flight is delivered again.
type Consumer struct {
	cfg     ConsumerConfig
	conn    *Connection
	handler Handler
	out     Producer
	log     *zap.Logger
	metrics *consumerMetrics
	now     func() time.Time

	blocked atomic.Bool           // the last attempt at a batch failed
	stall   atomic.Pointer[error] // a stall rejoining did not cure, for Healthy
	reader  atomic.Pointer[kafka.Reader]

	mu         sync.Mutex
	endSession context.CancelFunc // ends the current session, for a rejoin
}

// topicPartition names one partition of a topic.
type topicPartition struct {
	topic     string
	partition int
}

// NewConsumer returns a consumer; Run starts it.
func NewConsumer(cfg ConsumerConfig, conn *Connection, h Handler, out Producer, log *zap.Logger, reg prometheus.Registerer) *Consumer {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 500
	}
	if cfg.MaxBatchBytes <= 0 {
		cfg.MaxBatchBytes = 16 << 20
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 20 * time.Second
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = 5 * time.Minute
	}
	c := &Consumer{
		cfg:     cfg,
		conn:    conn,
		handler: h,
		out:     out,
		log:     log.With(zap.String(logging.KeyGroup, cfg.Group)),
		metrics: newConsumerMetrics(reg),
		now:     time.Now,
	}
	return c
}

// Ready fails while the consumer cannot get a batch through (a dependency
// is down): Kubernetes then stops routing to it and operators see why.
func (c *Consumer) Ready(context.Context) error {
	if c.blocked.Load() {
		return errors.New("consumer blocked: the last batch could not be handled or written")
	}
	return nil
}

// Healthy fails when a partition of the group's topics has had records
// waiting and no commit for twice StallTimeout: the consumer rejoined the
// group after one StallTimeout and that did not cure it, so the process
// should be restarted. A consumer blocked on a dependency (Ready fails) is
// not stalled: a restart would cure nothing.
func (c *Consumer) Healthy(context.Context) error {
	if err := c.stall.Load(); err != nil {
		return *err
	}
	return nil
}

// Run consumes until ctx is cancelled, then finishes the batch in flight
// (within DrainTimeout), commits it, and leaves the group. Meanwhile a
// watchdog looks for stalled partitions; when it finds one it ends the
// session and Run joins the group again with a new reader.
func (c *Consumer) Run(ctx context.Context) error {
	watchCtx, stopWatch := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { c.watch(watchCtx) })
	defer func() {
		stopWatch()
		wg.Wait()
	}()
	for {
		session, end := context.WithCancel(ctx)
		c.mu.Lock()
		c.endSession = end
		c.mu.Unlock()
		err := c.session(session)
		end()
		if err != nil || ctx.Err() != nil {
			return err
		}
		// ctx lives on: the watchdog ended the session, so join again.
	}
}

// rejoin ends the current session: its batch in flight is finished and
// committed, the reader leaves the group, and Run starts a new one.
func (c *Consumer) rejoin() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.endSession != nil {
		c.endSession()
	}
}

// session is one membership of the group: it consumes with one reader
// until ctx is cancelled, then drains as Run says.
func (c *Consumer) session(ctx context.Context) error {
	reader := kafka.NewReader(kafka.ReaderConfig{
		Brokers:     c.conn.cfg.Brokers,
		GroupID:     c.cfg.Group,
		GroupTopics: c.cfg.Topics,
		Dialer:      c.conn.dialer,
		MinBytes:    1,
		MaxBytes:    16 << 20,
		// kafka-go's own read-ahead, in front of the queue: 100 records
		// by default, 200 MiB of records near the topics' 2 MiB.
		QueueCapacity:     16,
		MaxWait:           250 * time.Millisecond,
		ReadBatchTimeout:  10 * time.Second,
		HeartbeatInterval: max(c.conn.cfg.SessionTimeout/5, 100*time.Millisecond),
		SessionTimeout:    c.conn.cfg.SessionTimeout,
		RebalanceTimeout:  c.conn.cfg.SessionTimeout,
		JoinGroupBackoff:  500 * time.Millisecond,
		ReadBackoffMin:    50 * time.Millisecond,
		ReadBackoffMax:    time.Second,
		StartOffset:       kafka.FirstOffset,
		CommitInterval:    0, // synchronous: CommitMessages returns once committed
		MaxAttempts:       5,
		Logger:            kafkaTrace(c.log.Named("kafka-reader")),
		ErrorLogger:       kafkaLogger{log: c.log.Named("kafka-reader")},
	})
	c.reader.Store(reader)

	// Work on a batch may outlive ctx by DrainTimeout, so that a SIGTERM
	// finishes and commits what is in flight instead of abandoning it.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stopDrainTimer := context.AfterFunc(ctx, func() {
		time.AfterFunc(c.cfg.DrainTimeout, cancelWork)
	})
	defer stopDrainTimer()

	fetched := c.newQueue()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.fetch(ctx, reader, fetched)
	}()

	runErr := c.consume(ctx, workCtx, fetched)
	wg.Wait()
	c.reader.Store(nil)
	if err := reader.Close(); err != nil {
		c.log.Warn("leave consumer group", zap.Error(err))
	}
	c.log.Info("consumer left its group")
	return runErr
}

// queue holds the records fetched and waiting to be handled: at most
// MaxBatch of them, and while they come to MaxBatchBytes (a larger record
// waits until the queue is empty).
type queue struct {
	records chan kafka.Message
	bytes   *semaphore.Weighted
	max     int
}

func (c *Consumer) newQueue() *queue {
	return &queue{
		records: make(chan kafka.Message, c.cfg.MaxBatch),
		bytes:   semaphore.NewWeighted(int64(c.cfg.MaxBatchBytes)),
		max:     c.cfg.MaxBatchBytes,
	}
}

// size is the bytes a record holds in the queue and in a batch.
func size(m kafka.Message) int { return len(m.Key) + len(m.Value) }

// weight is what a record takes of the queue's bytes: a record larger than
// all of them takes all.
func (q *queue) weight(m kafka.Message) int64 { return int64(min(size(m), q.max)) }

// put adds a record once there is room for it; false when ctx ended first.
func (q *queue) put(ctx context.Context, m kafka.Message) bool {
	if q.bytes.Acquire(ctx, q.weight(m)) != nil {
		return false
	}
	select {
	case q.records <- m:
		return true
	case <-ctx.Done():
		return false
	}
}

// took gives back the room of a record taken from the queue.
func (q *queue) took(m kafka.Message) { q.bytes.Release(q.weight(m)) }

// fetch feeds records from the reader into q until ctx is cancelled.
func (c *Consumer) fetch(ctx context.Context, r *kafka.Reader, q *queue) {
	delays := backoff.Policy{Min: 100 * time.Millisecond, Max: 5 * time.Second}
	failures := 0
	for {
		msg, err := r.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			c.log.Warn("fetch from kafka", zap.Error(err), zap.Int(logging.KeyAttempt, failures))
			if !backoff.Sleep(ctx, delays.Delay(failures)) {
				return
			}
			continue
		}
		failures = 0
		if !q.put(ctx, msg) {
			return
		}
	}
}

// gather takes, after first, whatever else is already fetched, up to
// MaxBatch records or until they hold MaxBatchBytes.
func (c *Consumer) gather(first kafka.Message, q *queue) []kafka.Message {
	batch := append(make([]kafka.Message, 0, c.cfg.MaxBatch), first)
	bytes := size(first)
	for len(batch) < c.cfg.MaxBatch && bytes < c.cfg.MaxBatchBytes {
		select {
		case m := <-q.records:
			q.took(m)
			batch = append(batch, m)
			bytes += size(m)
		default:
			return batch
		}
	}
	return batch
}

// consume gets batches through, one after the other, until ctx is
// cancelled; with Overlap, each is handled while the one before is written.
// Work runs under workCtx, which outlives ctx by the drain timeout, so the
// batches in flight are finished; records fetched but not handled are
// simply not committed.
func (c *Consumer) consume(ctx, workCtx context.Context, fetched *queue) error {
	var prev *writing // the batch before, being written, when overlapping
	for ctx.Err() == nil {
		var prevDone <-chan error // nil, so never ready, without a batch before
		if prev != nil {
			prevDone = prev.done
		}
		var first kafka.Message
		select {
		case <-ctx.Done():
			return prev.through(workCtx)
		case err := <-prevDone:
			// The batch before ended while no record was waiting.
			w := prev
			prev = nil
			if err := w.retry(workCtx, err); err != nil {
				return err
			}
			continue
		case first = <-fetched.records:
			fetched.took(first)
		}
		batch, start := c.gather(first, fetched), time.Now()
		if !c.cfg.Overlap {
			if err := c.alone(workCtx, batch, start); err != nil {
				return err
			}
			continue
		}
		res, err := c.handler.Handle(workCtx, batch)
		if prevErr := prev.wait(); prevErr != nil {
			if err == nil && res.Unwritten != nil {
				res.Unwritten(context.WithoutCancel(workCtx)) // the batch before goes first
			}
			if err := prev.retry(workCtx, prevErr); err != nil {
				return err
			}
			err = errors.New("the batch before was written again")
		}
		prev = nil
		if err != nil {
			// The batch before held what this one needs, or a dependency is
			// down: this batch goes through alone, handled again.
			if err := c.alone(workCtx, batch, start); err != nil {
				return err
			}
			continue
		}
		prev = c.write(workCtx, batch, res, start)
	}
	return prev.through(workCtx)
}

// writing is a handled batch being produced, confirmed and committed by a
// goroutine of its own.
type writing struct {
	c     *Consumer
	batch []kafka.Message
	start time.Time
	done  chan error
}

// write starts writing a handled batch and committing it once written.
func (c *Consumer) write(ctx context.Context, batch []kafka.Message, res Result, start time.Time) *writing {
	w := &writing{c: c, batch: batch, start: start, done: make(chan error, 1)}
	go func() {
		err := c.produce(ctx, res)
		if err == nil {
			c.commit(ctx, batch, start)
		}
		w.done <- err
	}()
	return w
}

// wait returns once the batch is written and committed, or failed to be
// written. A nil writing has nothing to wait for. Wait once.
func (w *writing) wait() error {
	if w == nil {
		return nil
	}
	return <-w.done
}

// through waits for the batch to be written and, when that failed, gets it
// through again.
func (w *writing) through(ctx context.Context) error {
	return w.retry(ctx, w.wait())
}

// retry gets the batch through again when writing it ended in err.
func (w *writing) retry(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	return w.c.through(ctx, w.batch, w.start, err)
}

// alone gets one batch through, with nothing else in flight.
func (c *Consumer) alone(ctx context.Context, batch []kafka.Message, start time.Time) error {
	return c.through(ctx, batch, start, c.attempt(ctx, batch))
}

// through gets a batch whose attempt ended in err through: it retries with
// backoff until an attempt succeeds or ctx ends, then commits. Only when ctx
// ends first does it return an error, and nothing of the batch is committed.
func (c *Consumer) through(ctx context.Context, batch []kafka.Message, start time.Time, err error) error {
	delays := backoff.Policy{Min: 100 * time.Millisecond, Max: 10 * time.Second}
	for attempt := 1; err != nil; attempt++ {
		c.blocked.Store(true)
		c.metrics.retries.Inc()
		c.log.Warn("batch not done, retrying", zap.Error(err), zap.Int(logging.KeyAttempt, attempt), zap.Int(logging.KeyCount, len(batch)))
		if !backoff.Sleep(ctx, delays.Delay(attempt)) {
			return fmt.Errorf("drain deadline passed with a batch of %d records unfinished: %w", len(batch), err)
		}
		err = c.attempt(ctx, batch)
	}
	c.commit(ctx, batch, start)
	return nil
}

// commit commits the offsets of a batch that was written.
func (c *Consumer) commit(ctx context.Context, batch []kafka.Message, start time.Time) {
	c.blocked.Store(false)
	if r := c.reader.Load(); r != nil {
		if err := r.CommitMessages(ctx, batch...); err != nil {
			// The records were produced; after a rebalance they are
			// delivered again and the publisher's dedupe absorbs them.
			c.metrics.commitErrors.Inc()
			c.log.Warn("commit offsets", zap.Error(err))
		}
	}
	for _, m := range batch {
		c.metrics.consumed.WithLabelValues(m.Topic).Inc()
	}
	c.metrics.batchSeconds.Observe(time.Since(start).Seconds())
}

// attempt handles a batch and writes what the handler returned.
func (c *Consumer) attempt(ctx context.Context, batch []kafka.Message) error {
	res, err := c.handler.Handle(ctx, batch)
	if err != nil {
		return fmt.Errorf("handle batch: %w", err)
	}
	return c.produce(ctx, res)
}

// produce writes a handled batch's records and dead letters, then runs its
// Written; when producing fails it runs Unwritten.
func (c *Consumer) produce(ctx context.Context, res Result) error {
	out := res.Produce
	if len(res.Dead) > 0 {
		out = append(out[:len(out):len(out)], c.deadLetters(res.Dead)...)
	}
	if len(out) > 0 {
		if err := c.writeOut(ctx, out); err != nil {
			if res.Unwritten != nil {
				res.Unwritten(context.WithoutCancel(ctx))
			}
			return fmt.Errorf("produce %d records: %w", len(out), err)
		}
	}
	for _, m := range res.Produce {
		c.metrics.produced.WithLabelValues(m.Topic).Inc()
	}
	if res.Written != nil {
		delays := backoff.Policy{Min: 50 * time.Millisecond, Max: 5 * time.Second}
		for attempt := 1; ; attempt++ {
			err := res.Written(ctx)
			if err == nil {
				break
			}
			// Written but not confirmed: blocked on a dependency as surely
			// as a failed write (commit clears it).
			c.blocked.Store(true)
			c.log.Warn("confirm written batch", zap.Error(err), zap.Int(logging.KeyAttempt, attempt))
			if !backoff.Sleep(ctx, delays.Delay(attempt)) {
				return fmt.Errorf("confirm written batch: %w", err)
			}
		}
	}
	return nil
}

// writeOut writes out. A record over the writer's bound (WriterBatchBytes),
// which no retry could write, goes to the dead-letter topic in its place,
// with the topic it was for, so the stream goes on; a dead letter always
// fits (DeadLetter bounds it).
func (c *Consumer) writeOut(ctx context.Context, out []kafka.Message) error {
	for {
		err := c.out.WriteMessages(ctx, out...)
		var tooLarge kafka.MessageTooLargeError
		if !errors.As(err, &tooLarge) || tooLarge.Message.Topic == c.cfg.Deadletter {
			return err
		}
		m := tooLarge.Message
		m.Partition, m.Offset = -1, -1 // never written: it has no place yet
		cause := fmt.Errorf("write a record of %d bytes to %s: %w", len(m.Key)+len(m.Value), m.Topic, err)
		out = append(tooLarge.Remaining, c.deadLetters([]Failure{{Msg: m, Err: cause}})...)
	}
}

func (c *Consumer) deadLetters(dead []Failure) []kafka.Message {
	out := make([]kafka.Message, 0, len(dead))
	for _, f := range dead {
		c.metrics.deadLetters.WithLabelValues(f.Msg.Topic).Inc()
		c.log.Warn("record dead-lettered",
			zap.Error(f.Err),
			zap.String(logging.KeyTopic, f.Msg.Topic),
			zap.Int(logging.KeyPartition, f.Msg.Partition),
			zap.Int64(logging.KeyOffset, f.Msg.Offset))
		out = append(out, DeadLetter(c.cfg.Deadletter, c.cfg.Service, f.Msg, f.Err, c.now()))
	}
	return out
}

type consumerMetrics struct {
	consumed     *prometheus.CounterVec
	produced     *prometheus.CounterVec
	deadLetters  *prometheus.CounterVec
	retries      prometheus.Counter
	commitErrors prometheus.Counter
	rejoins      prometheus.Counter
	batchSeconds prometheus.Histogram
}

func newConsumerMetrics(reg prometheus.Registerer) *consumerMetrics {
	m := &consumerMetrics{
		consumed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_consumer_records_total",
			Help: "Records consumed and committed, by topic.",
		}, []string{"topic"}),
		produced: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_produced_records_total",
			Help: "Records produced and acknowledged, by topic.",
		}, []string{"topic"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_deadletter_records_total",
			Help: "Records sent to the dead-letter topic, by origin topic.",
		}, []string{"topic"}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_consumer_batch_retries_total",
			Help: "Batches that failed and were tried again.",
		}),
		commitErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_consumer_commit_errors_total",
			Help: "Offset commits that failed (the records are delivered again).",
		}),
		rejoins: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_consumer_stall_rejoins_total",
			Help: "Times the consumer left and rejoined its group because a partition stalled.",
		}),
		batchSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newswire_consumer_batch_seconds",
			Help:    "Time from handing a batch to the handler to committing it.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}),
	}
	reg.MustRegister(m.consumed, m.produced, m.deadLetters, m.retries, m.commitErrors, m.rejoins, m.batchSeconds)
	return m
}
