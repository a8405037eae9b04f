// Command fetcher polls the configured news feeds and writes one record per
// new or changed item to the articles topic.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/admin"
	"github.com/newswire/newswire/pkg/backoff"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/feed/articles"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/httpfetch"
	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/lifecycle"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/pkg/redisconn"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/fetcher/internal/cadence"
	"github.com/newswire/newswire/services/fetcher/internal/feedmetrics"
	"github.com/newswire/newswire/services/fetcher/internal/poll"
	"github.com/newswire/newswire/services/fetcher/internal/schedule"
)

const service = "fetcher"

// settings are the fetcher's own variables, beside config.Common.
type settings struct {
	config.Common
	FeedsFile string
	HTTP      httpfetch.Options
	Pages     articles.PageOptions
	Limits    cadence.Limits
	Schedule  schedule.Options
}

func readSettings(e *config.Env) (settings, error) {
	s := settings{
		Common:    config.ReadCommon(e, service),
		FeedsFile: e.String("FEEDS_FILE", "config/feeds.yaml"),
		HTTP:      httpfetch.ReadOptions(e),
		Pages:     articles.ReadPageOptions(e),
	}
	s.Limits = cadence.Limits{
		Default:    e.Duration("FETCH_DEFAULT_INTERVAL", 5*time.Minute, time.Second, 24*time.Hour),
		Min:        e.Duration("FETCH_MIN_INTERVAL", 30*time.Second, time.Second, 24*time.Hour),
		Max:        e.Duration("FETCH_MAX_INTERVAL", 2*time.Hour, time.Second, 7*24*time.Hour),
		MaxBackoff: e.Duration("FETCH_MAX_BACKOFF", time.Hour, time.Second, 7*24*time.Hour),
		MaxAsked:   e.Duration("FETCH_MAX_ASKED", 3*time.Hour, 0, 7*24*time.Hour),
	}
	s.Schedule = schedule.Options{
		Workers: e.Int("FETCH_CONCURRENCY", 32, 1, 4096),
		Lease:   e.Duration("FETCH_LEASE", 2*time.Minute, 2*time.Second, time.Hour),
		Replica: e.String("POD_NAME", hostname()),
	}
	if s.Limits.Min > s.Limits.Max {
		e.Fail("FETCH_MIN_INTERVAL", fmt.Errorf("%s is above FETCH_MAX_INTERVAL %s", s.Limits.Min, s.Limits.Max))
	}
	if budget := schedule.PollTime(s.Schedule.Lease); budget < s.HTTP.Timeout+time.Second {
		e.Fail("FETCH_LEASE", fmt.Errorf("%s cuts a poll off after %s, no time beyond FETCH_TIMEOUT %s", s.Schedule.Lease, budget, s.HTTP.Timeout))
	}
	return s, e.Err()
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "fetcher"
	}
	return h
}

func main() { lifecycle.Main(service, readSettings, run) }

func run(s settings, log *zap.Logger) error {
	feeds, err := feedlist.Load(s.FeedsFile)
	if err != nil {
		return fmt.Errorf("FEEDS_FILE: %w", err)
	}
	rdb, err := redisconn.Open(s.Redis)
	if err != nil {
		return fmt.Errorf("REDIS_ADDR: %w", err)
	}
	defer func() { _ = rdb.Close() }()
	conn, err := stream.Connect(s.Kafka)
	if err != nil {
		return err
	}

	ctx, stop := lifecycle.SignalContext(context.Background())
	defer stop()

	adm := admin.New(s.HTTPAddr, log)
	adm.AddReadiness("redis", redisconn.Ping(rdb))
	adm.AddReadiness("kafka", conn.Ping)
	writer := conn.Writer(log)
	defer func() {
		if err := writer.Close(); err != nil {
			log.Warn("flush kafka writer", zap.Error(err))
		}
	}()
	state := feedstate.New(rdb, s.Redis.KeyPrefix)
	adm.Handle("GET /feeds", state.Handler(log))
	poller := poll.New(httpfetch.New(s.HTTP), state, writer, poll.Options{
		Topic: s.Topics.Articles, Limits: s.Limits, Pages: s.Pages,
	}, log)
	sched := schedule.New(rdb, s.Redis.KeyPrefix, poller, s.Schedule, feedmetrics.New(adm.Registry(), log), log)
	adm.AddLiveness("scheduler", sched.Healthy)

	return lifecycle.Run(ctx, log, s.DrainTimeout, adm,
		[]lifecycle.Part{{Name: "admin server", Run: adm.Run}},
		lifecycle.Part{Name: "scheduler", Run: func(ctx context.Context) error {
			if err := conn.EnsureTopicsRetrying(ctx, log, s.Topics.Articles); err != nil {
				return fmt.Errorf("create topics: %w", err)
			}
			if err := syncRetrying(ctx, log, sched, feeds, state); err != nil {
				return fmt.Errorf("sync feed list: %w", err)
			}
			log.Info("fetcher started", zap.Int("feeds", len(feeds)), zap.Strings("brokers", s.Kafka.Brokers),
				zap.String("replica", s.Schedule.Replica))
			return sched.Run(ctx, s.DrainTimeout)
		}},
	)
}

// syncRetrying syncs the feed list into the shared schedule, waiting for
// Redis when it is not up yet.
func syncRetrying(ctx context.Context, log *zap.Logger, sched *schedule.Scheduler, feeds []feedlist.Feed, state *feedstate.Store) error {
	return backoff.Retry(ctx, backoff.Policy{Min: 200 * time.Millisecond, Max: 5 * time.Second},
		func(ctx context.Context) error { return sched.Sync(ctx, feeds, state) },
		func(err error, attempt int) {
			log.Warn("redis not ready, retrying feed list sync", zap.Error(err), zap.Int(logging.KeyAttempt, attempt))
		})
}
