// Package stream wires Newswire to Kafka with at-least-once semantics:
// writers that wait for every in-sync replica, group consumers that commit
// an offset only after everything its record caused is acknowledged, topic
// creation at start-up, CloudEvents headers and the dead-letter path.
package stream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/backoff"
	"github.com/newswire/newswire/pkg/config"
)

// Connection is how every client of one service reaches the brokers.
type Connection struct {
	cfg       config.Kafka
	transport *kafka.Transport
	dialer    *kafka.Dialer
}

// Connect prepares the SASL and TLS settings of cfg. It opens no socket.
func Connect(cfg config.Kafka) (*Connection, error) {
	tlsCfg, err := cfg.TLS.Config()
	if err != nil {
		return nil, fmt.Errorf("kafka TLS: %w", err)
	}
	mech, err := saslMechanism(cfg.SASL)
	if err != nil {
		return nil, fmt.Errorf("kafka SASL: %w", err)
	}
	return &Connection{
		cfg: cfg,
		transport: &kafka.Transport{
			ClientID:    cfg.ClientID,
			TLS:         tlsCfg,
			SASL:        mech,
			DialTimeout: 10 * time.Second,
			IdleTimeout: time.Minute,
			MetadataTTL: 5 * time.Second,
		},
		dialer: &kafka.Dialer{
			ClientID:      cfg.ClientID,
			Timeout:       10 * time.Second,
			DualStack:     true,
			TLS:           tlsCfg,
			SASLMechanism: mech,
		},
	}, nil
}

func saslMechanism(s config.SASL) (sasl.Mechanism, error) {
	switch s.Mechanism {
	case "":
		return nil, nil
	case "PLAIN":
		return plain.Mechanism{Username: s.Username, Password: s.Password}, nil
	case "SCRAM-SHA-256":
		return scram.Mechanism(scram.SHA256, s.Username, s.Password)
	case "SCRAM-SHA-512":
		return scram.Mechanism(scram.SHA512, s.Username, s.Password)
	}
	return nil, fmt.Errorf("unknown mechanism %q", s.Mechanism)
}

// MaxMessageBytes is the max.message.bytes of every topic of the pipeline:
// the largest record batch, after compression, a broker takes on one
// partition. The KafkaTopics in deploy/k8s/base/topics.yaml set it (the
// deploy tests check they agree) and EnsureTopics creates topics with it.
// It leaves room for a whole article (the extractor refuses bodies over
// MAX_ARTICLE_BYTES, 1 MiB) and its JSON escaping.
const MaxMessageBytes = 2 << 20

// WriterBatchBytes bounds the records the writer puts in one batch for one
// partition, counted before compression. kafka-go refuses any single record
// over it (MessageTooLargeError, before sending), so it is what bounds a
// record; and the broker refuses a whole batch over MaxMessageBytes, every
// record in it with the one too large. It is MaxMessageBytes less room for
// the batch's header (61 bytes) and for compression framing, which makes
// data that does not compress a little larger: a batch kafka-go makes
// always fits, and any record under it is written.
const WriterBatchBytes = MaxMessageBytes - 64<<10

// Writer returns a producer for records that name their own topic. It waits
// for all in-sync replicas (RequireAll) and lingers only a few milliseconds
// for a batch; keys are hashed with murmur2, as the Java client does, so
// every client puts one key in the same partition.
func (c *Connection) Writer(log *zap.Logger) *kafka.Writer {
	return &kafka.Writer{
		Addr:                   kafka.TCP(c.cfg.Brokers...),
		Balancer:               kafka.Murmur2Balancer{},
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           2 * time.Millisecond,
		BatchSize:              1000,
		BatchBytes:             WriterBatchBytes,
		MaxAttempts:            5,
		WriteBackoffMin:        50 * time.Millisecond,
		WriteBackoffMax:        time.Second,
		ReadTimeout:            10 * time.Second,
		WriteTimeout:           10 * time.Second,
		Compression:            kafka.Snappy,
		AllowAutoTopicCreation: false,
		Transport:              c.transport,
		ErrorLogger:            kafkaLogger{log: log.Named("kafka-writer")},
	}
}

// Dialer returns the dialer of readers that are no group members, such as
// the one-partition readers of operators' tools.
func (c *Connection) Dialer() *kafka.Dialer { return c.dialer }

// Client returns a client for administrative requests.
func (c *Connection) Client() *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(c.cfg.Brokers...), Transport: c.transport, Timeout: 10 * time.Second}
}

// Ping is a readiness check: it opens a connection of its own to every
// bootstrap broker at once, asks each for its API versions, and passes when
// one answers within ctx. It does not go through the shared Transport,
// which answers metadata requests from its cache and keeps the last layout
// it knew when a refresh fails: through it, a broker frozen or gone never
// failed the check. A connection of its own also leaves the writer's
// connections alone when a broker does not answer.
func (c *Connection) Ping(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
	}
	deadline, _ := ctx.Deadline()
	errs := make(chan error, len(c.cfg.Brokers))
	for _, addr := range c.cfg.Brokers {
		go func() { errs <- c.pingBroker(ctx, deadline, addr) }()
	}
	var failed []error
	for range c.cfg.Brokers {
		err := <-errs
		if err == nil {
			return nil
		}
		failed = append(failed, err)
	}
	return fmt.Errorf("kafka: no broker answers: %w", errors.Join(failed...))
}

// pingBroker asks the broker at addr for its API versions.
func (c *Connection) pingBroker(ctx context.Context, deadline time.Time, addr string) error {
	conn, err := c.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", addr, err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	if _, err := conn.ApiVersions(); err != nil {
		return fmt.Errorf("api versions of %s: %w", addr, err)
	}
	return nil
}

// EnsureTopics creates the topics that do not exist yet, with the
// configured partition count and replication and MaxMessageBytes, and
// leaves existing ones as they are.
func (c *Connection) EnsureTopics(ctx context.Context, topics ...string) error {
	req := &kafka.CreateTopicsRequest{}
	for _, t := range topics {
		req.Topics = append(req.Topics, kafka.TopicConfig{
			Topic:             t,
			NumPartitions:     c.cfg.Partitions,
			ReplicationFactor: c.cfg.Replication,
			ConfigEntries:     []kafka.ConfigEntry{{ConfigName: "max.message.bytes", ConfigValue: strconv.Itoa(MaxMessageBytes)}},
		})
	}
	resp, err := c.Client().CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create topics %s: %w", strings.Join(topics, ", "), err)
	}
	var errs []error
	for topic, terr := range resp.Errors {
		if terr != nil && !errors.Is(terr, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("create topic %s: %w", topic, terr))
		}
	}
	return errors.Join(errs...)
}

// EnsureTopicsRetrying is EnsureTopics retried until it succeeds or ctx
// ends, so a service started before its broker waits instead of crashing.
func (c *Connection) EnsureTopicsRetrying(ctx context.Context, log *zap.Logger, topics ...string) error {
	return backoff.Retry(ctx, backoff.Policy{Min: 200 * time.Millisecond, Max: 5 * time.Second},
		func(ctx context.Context) error { return c.EnsureTopics(ctx, topics...) },
		func(err error, attempt int) {
			log.Warn("kafka not ready, retrying topic creation", zap.Error(err), zap.Int("attempt", attempt))
		})
}

// kafkaLogger passes kafka-go's printf-style messages to zap under one
// static message.
type kafkaLogger struct{ log *zap.Logger }

func (l kafkaLogger) Printf(format string, args ...any) {
	l.log.Warn("kafka client", zap.String("detail", fmt.Sprintf(format, args...)))
}

// kafkaTrace passes kafka-go's informational messages (group joins,
// assignments, offset commits) to zap at debug level; it is nil unless
// debug logging is on, so kafka-go formats nothing in production.
func kafkaTrace(log *zap.Logger) kafka.Logger {
	if !log.Core().Enabled(zap.DebugLevel) {
		return nil
	}
	return kafka.LoggerFunc(func(format string, args ...any) {
		log.Debug("kafka client trace", zap.String("detail", fmt.Sprintf(format, args...)))
	})
}
