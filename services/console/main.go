// Command console serves the Newswire console: a web page showing the new
// quotations as they come, the entities trending over the last hour and
// day, and the health of every feed. It reads the enriched topics in a
// consumer group of its own, keeps what it shows in Redis, and reads the
// publisher's mention counts and the fetcher's feed state there too.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/admin"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/lifecycle"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/pkg/redisconn"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/console/internal/ingest"
	"github.com/newswire/newswire/services/console/internal/live"
	"github.com/newswire/newswire/services/console/internal/quotes"
	"github.com/newswire/newswire/services/console/internal/trending"
	"github.com/newswire/newswire/services/console/internal/web"
)

const service = "console"

// settings are the console's own variables, beside config.Common.
type settings struct {
	config.Common
	Addr    string
	Group   string
	Viewers int // pages following the live stream at once
	Web     web.Options
}

func readSettings(e *config.Env) (settings, error) {
	s := settings{
		Common:  config.ReadCommon(e, service),
		Addr:    e.String("CONSOLE_ADDR", ":8090"),
		Group:   e.String("CONSOLE_GROUP", "newswire-console"),
		Viewers: e.Int("CONSOLE_VIEWERS", live.MaxViewers, 1, 100000),
		Web: web.Options{
			Quotes:  e.Int("CONSOLE_QUOTES", 100, 1, 1000),
			Top:     e.Int("CONSOLE_TOP", 12, 1, 100),
			Refresh: e.Duration("CONSOLE_REFRESH", 3*time.Second, 500*time.Millisecond, 5*time.Minute),
		},
	}
	// Room for every live page, as many page loads and idle keep-alives,
	// and the API requests served at once.
	s.Web.Connections = e.Int("CONSOLE_CONNECTIONS", 2*s.Viewers+web.MaxAPIRequests, 2, 1000000)
	if s.Web.Connections <= s.Viewers+web.MaxAPIRequests {
		e.Fail("CONSOLE_CONNECTIONS", fmt.Errorf("%d leaves no room beside CONSOLE_VIEWERS (%d) and %d API requests", s.Web.Connections, s.Viewers, web.MaxAPIRequests))
	}
	if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		e.Fail("CONSOLE_ADDR", fmt.Errorf("%q is not host:port: %w", s.Addr, err))
	}
	if s.Addr == s.HTTPAddr {
		e.Fail("CONSOLE_ADDR", fmt.Errorf("%s is HTTP_ADDR too: the page and the admin server need a port each", s.Addr))
	}
	return s, e.Err()
}

func main() { lifecycle.Main(service, readSettings, run) }

func run(s settings, log *zap.Logger) error {
	ctx, stop := lifecycle.SignalContext(context.Background())
	defer stop()
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("CONSOLE_ADDR: %w", err)
	}
	return serve(ctx, s, ln, log)
}

// serve runs the console with its page on ln until ctx ends.
func serve(ctx context.Context, s settings, ln net.Listener, log *zap.Logger) error {
	rdb, err := redisconn.Open(s.Redis)
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("REDIS_ADDR: %w", err)
	}
	defer rdb.Close()
	conn, err := stream.Connect(s.Kafka)
	if err != nil {
		_ = ln.Close()
		return err
	}

	adm := admin.New(s.HTTPAddr, log)
	hub := live.NewHub(s.Viewers, log, adm.Registry())
	recent := quotes.New(rdb, s.Redis.KeyPrefix, s.Web.Quotes)
	index := trending.New(rdb, s.Redis.KeyPrefix)
	handler := ingest.New(s.Topics.EnrichedQuotes, s.Topics.EnrichedEntities, recent, index, hub, log, adm.Registry())
	consumer := stream.NewConsumer(stream.ConsumerConfig{
		Service:      service,
		Group:        s.Group,
		Topics:       []string{s.Topics.EnrichedQuotes, s.Topics.EnrichedEntities},
		Deadletter:   s.Topics.Deadletter,
		DrainTimeout: s.DrainTimeout,
		StallTimeout: s.Kafka.StallTimeout,
	}, conn, handler, noOutput{}, log, adm.Registry())
	site := web.New(recent, index, feedstate.New(rdb, s.Redis.KeyPrefix), hub, s.Web, log)
	adm.AddReadiness("kafka", conn.Ping)
	adm.AddReadiness("redis", redisconn.Ping(rdb))
	adm.AddReadiness("consumer", consumer.Ready)
	adm.AddLiveness("consumer", consumer.Healthy)

	return lifecycle.Run(ctx, log, s.DrainTimeout, adm,
		[]lifecycle.Part{
			{Name: "admin server", Run: adm.Run},
			// The page stays up while the consumer drains, as health does.
			{Name: "console server", Run: func(ctx context.Context) error { return site.Serve(ctx, ln) }},
		},
		lifecycle.Part{Name: "consumer", Run: func(ctx context.Context) error {
			topics := []string{s.Topics.EnrichedQuotes, s.Topics.EnrichedEntities}
			if err := conn.EnsureTopicsRetrying(ctx, log, topics...); err != nil {
				return fmt.Errorf("create topics: %w", err)
			}
			log.Info("console started", zap.String(logging.KeyGroup, s.Group), zap.String(logging.KeyAddr, ln.Addr().String()))
			return consumer.Run(ctx)
		}},
		lifecycle.Part{Name: "refresh", Run: site.Refresh},
	)
}

// noOutput is the consumer's producer: the console produces nothing, and
// its handler never asks it to (no records out, no dead letters).
type noOutput struct{}

func (noOutput) WriteMessages(context.Context, ...kafka.Message) error {
	return errors.New("the console produces no records")
}
