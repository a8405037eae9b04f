// Command publisher consumes quotation and entity records, drops what was
// already forwarded, folds repeated reports into revisions, and writes the
// enriched records downstream.
package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/admin"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/lifecycle"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/pkg/redisconn"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/publisher/internal/dedupe"
	"github.com/newswire/newswire/services/publisher/internal/publish"
	"github.com/newswire/newswire/services/publisher/internal/story"
	"github.com/newswire/newswire/services/publisher/internal/trend"
)

const service = "publisher"

type settings struct {
	config.Common
	Group     string
	Window    time.Duration
	Lease     time.Duration
	FailOpen  bool
	MaxBatch  int
	Consumers int
}

func readSettings(e *config.Env) (settings, error) {
	s := settings{
		Common:   config.ReadCommon(e, service),
		Group:    e.String("CONSUMER_GROUP", "newswire-publisher"),
		Window:   e.Duration("DEDUPE_WINDOW", 7*24*time.Hour, time.Minute, 365*24*time.Hour),
		Lease:    e.Duration("DEDUPE_LEASE", 15*time.Second, time.Second, 10*time.Minute),
		FailOpen: e.Bool("DEDUPE_FAIL_OPEN", false),
		MaxBatch: e.Int("PUBLISH_MAX_BATCH", 1000, 1, 100000),
		// Several group members in one process overlap one batch's Redis and
		// Kafka round trips with another's work.
		Consumers: e.Int("PUBLISH_CONSUMERS", 2, 1, 64),
	}
	// A claim keeps its key alive for 10 leases (see dedupe's claim
	// script); a window shorter than that would outlive its own keys.
	if s.Window <= 10*s.Lease {
		e.Fail("DEDUPE_WINDOW", fmt.Errorf("%s is not above 10 × DEDUPE_LEASE %s", s.Window, s.Lease))
	}
	return s, e.Err()
}

func main() { lifecycle.Main(service, readSettings, run) }

func run(s settings, log *zap.Logger) error {
	rdb, err := redisconn.Open(s.Redis)
	if err != nil {
		return fmt.Errorf("REDIS_ADDR: %w", err)
	}
	defer rdb.Close()
	conn, err := stream.Connect(s.Kafka)
	if err != nil {
		return err
	}
	ctx, stop := lifecycle.SignalContext(context.Background())
	defer stop()

	adm := admin.New(s.HTTPAddr, log)
	writer := conn.Writer(log)
	defer func() {
		if err := writer.Close(); err != nil {
			log.Warn("flush kafka writer", zap.Error(err))
		}
	}()
	store := dedupe.New(rdb, s.Redis.KeyPrefix, s.Lease, s.Window)
	stories := story.New(rdb, s.Redis.KeyPrefix, s.Window, log)
	trends := trend.New(rdb, s.Redis.KeyPrefix, log)
	pub := publish.New(store, stories, trends, publish.Topics{
		Quotes: s.Topics.Quotes, Entities: s.Topics.Entities,
		EnrichedQuotes: s.Topics.EnrichedQuotes, EnrichedEntities: s.Topics.EnrichedEntities,
	}, publish.Options{FailOpen: s.FailOpen}, log, adm.Registry())
	consumers := make([]*stream.Consumer, s.Consumers)
	for i := range consumers {
		// Each member's metrics carry its number; the sums are the service's.
		reg := prometheus.WrapRegistererWith(prometheus.Labels{"consumer": strconv.Itoa(i + 1)}, adm.Registry())
		consumers[i] = stream.NewConsumer(stream.ConsumerConfig{
			Service:      service,
			Group:        s.Group,
			Topics:       []string{s.Topics.Quotes, s.Topics.Entities},
			Deadletter:   s.Topics.Deadletter,
			MaxBatch:     s.MaxBatch,
			DrainTimeout: s.DrainTimeout,
			StallTimeout: s.Kafka.StallTimeout,
			// Handle a batch while the one before is written: a key both
			// hold makes the later wait for the earlier's confirmation.
			Overlap: true,
		}, conn, pub, writer, log.With(zap.Int("consumer", i+1)), reg)
		adm.AddReadiness("consumer "+strconv.Itoa(i+1), consumers[i].Ready)
		adm.AddLiveness("consumer "+strconv.Itoa(i+1), consumers[i].Healthy)
	}
	adm.AddReadiness("kafka", conn.Ping)
	adm.AddReadiness("redis", redisconn.Ping(rdb))

	return lifecycle.Run(ctx, log, s.DrainTimeout, adm,
		[]lifecycle.Part{{Name: "admin server", Run: adm.Run}},
		lifecycle.Part{Name: "consumer", Run: func(ctx context.Context) error {
			topics := []string{s.Topics.Quotes, s.Topics.Entities, s.Topics.EnrichedQuotes, s.Topics.EnrichedEntities, s.Topics.Deadletter}
			if err := conn.EnsureTopicsRetrying(ctx, log, topics...); err != nil {
				return fmt.Errorf("create topics: %w", err)
			}
			log.Info("publisher started", zap.String(logging.KeyGroup, s.Group), zap.Int("consumers", len(consumers)))
			var g errgroup.Group
			for _, c := range consumers {
				g.Go(func() error { return c.Run(ctx) })
			}
			return g.Wait()
		}},
	)
}
