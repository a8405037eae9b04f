// Command extractor consumes articles and produces one record per direct
// quotation and one per entity each article names.
package main

import (
	"context"
	"fmt"
	"runtime"

	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/admin"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/lifecycle"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/extractor/internal/entity"
	"github.com/newswire/newswire/services/extractor/internal/extract"
	"github.com/newswire/newswire/services/extractor/internal/quote"
)

const service = "extractor"

type settings struct {
	config.Common
	Group           string
	Workers         int
	MaxArticleBytes int
}

func readSettings(e *config.Env) (settings, error) {
	s := settings{
		Common:          config.ReadCommon(e, service),
		Group:           e.String("CONSUMER_GROUP", "newswire-extractor"),
		Workers:         e.Int("EXTRACT_WORKERS", runtime.GOMAXPROCS(0), 1, 1024),
		MaxArticleBytes: e.Int("MAX_ARTICLE_BYTES", 1<<20, 1<<10, 64<<20),
	}
	return s, e.Err()
}

func main() { lifecycle.Main(service, readSettings, run) }

func run(s settings, log *zap.Logger) error {
	entities, err := entity.Load()
	if err != nil {
		return err
	}
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
	pipeline := extract.New(quote.New(entities.Gazetteer()), entities,
		extract.Topics{Quotes: s.Topics.Quotes, Entities: s.Topics.Entities}, s.MaxArticleBytes)
	consumer := stream.NewConsumer(stream.ConsumerConfig{
		Service:      service,
		Group:        s.Group,
		Topics:       []string{s.Topics.Articles},
		Deadletter:   s.Topics.Deadletter,
		DrainTimeout: s.DrainTimeout,
		StallTimeout: s.Kafka.StallTimeout,
	}, conn, stream.PerRecord(pipeline.Handle, s.Workers), writer, log, adm.Registry())
	adm.AddReadiness("kafka", conn.Ping)
	adm.AddReadiness("consumer", consumer.Ready)
	adm.AddLiveness("consumer", consumer.Healthy)

	return lifecycle.Run(ctx, log, s.DrainTimeout, adm,
		[]lifecycle.Part{{Name: "admin server", Run: adm.Run}},
		lifecycle.Part{Name: "consumer", Run: func(ctx context.Context) error {
			topics := []string{s.Topics.Articles, s.Topics.Quotes, s.Topics.Entities, s.Topics.Deadletter}
			if err := conn.EnsureTopicsRetrying(ctx, log, topics...); err != nil {
				return fmt.Errorf("create topics: %w", err)
			}
			log.Info("extractor started", zap.String(logging.KeyGroup, s.Group))
			return consumer.Run(ctx)
		}},
	)
}
