package schedule

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/httpfetch"
	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/fetcher/internal/cadence"
	"github.com/newswire/newswire/services/fetcher/internal/poll"
)

// feedServer serves n small RSS feeds at /feed/{i}, answers 304 to a
// request carrying the feed's ETag, and records every request.
type feedServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests map[string][]time.Time // path → start of each request
	inFlight map[string]int
	parallel []string // paths requested while a request for them was in flight
	total    int
	quiet    bool        // count requests only, for benchmarks
	stall    atomic.Bool // hold every request until its client gives up
}

func newFeedServer(tb testing.TB) *feedServer {
	tb.Helper()
	fs := &feedServer{requests: map[string][]time.Time{}, inFlight: map[string]int{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	tb.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	fs.mu.Lock()
	fs.total++
	if fs.quiet {
		fs.mu.Unlock()
		fs.reply(w, r, path)
		return
	}
	fs.requests[path] = append(fs.requests[path], time.Now())
	fs.inFlight[path]++
	if fs.inFlight[path] > 1 {
		fs.parallel = append(fs.parallel, path)
	}
	fs.mu.Unlock()
	defer func() {
		fs.mu.Lock()
		fs.inFlight[path]--
		fs.mu.Unlock()
	}()
	if fs.stall.Load() {
		<-r.Context().Done()
		return
	}
	fs.reply(w, r, path)
}

func (fs *feedServer) inFlightNow() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := 0
	for _, c := range fs.inFlight {
		n += c
	}
	return n
}

func (fs *feedServer) reply(w http.ResponseWriter, r *http.Request, path string) {
	const etag = `"v1"`
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Header().Set("ETag", etag)
	_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed %[1]s</title>
<item><title>Item of %[1]s</title><link>https://news.example/%[1]s/1</link><guid>%[1]s-1</guid><description>Text of the only item of %[1]s.</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">Full text of the only item of %[1]s.</content:encoded></item>
</channel></rss>`, strings.TrimPrefix(path, "/feed/"))
}

func (fs *feedServer) feeds(n int) []feedlist.Feed {
	out := make([]feedlist.Feed, n)
	for i := range out {
		out[i] = feedlist.Feed{URL: fmt.Sprintf("%s/feed/%d", fs.URL, i), Name: "test"}
	}
	return out
}

func (fs *feedServer) snapshot() (requests map[string][]time.Time, parallel []string, total int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	requests = make(map[string][]time.Time, len(fs.requests))
	for k, v := range fs.requests {
		requests[k] = append([]time.Time(nil), v...)
	}
	return requests, append([]string(nil), fs.parallel...), fs.total
}

// replica is one fetcher: its own HTTP client, state store, Kafka writer,
// poller and scheduler, sharing Redis and Kafka with the others.
type replica struct {
	sched *Scheduler
	state *feedstate.Store
	obs   *countingObserver
}

type env struct {
	rdb     *redis.Client
	prefix  string
	kafka   *kafkatest.Cluster
	topic   string
	limits  cadence.Limits
	options Options
}

func newEnv(tb testing.TB, interval time.Duration) *env {
	tb.Helper()
	prefix := kafkatest.Name(tb, "test") + ":"
	cluster := kafkatest.Start(tb)
	return &env{
		rdb:    redistest.Connect(tb, prefix),
		prefix: prefix,
		kafka:  cluster,
		topic:  kafkatest.Name(tb, "articles"),
		limits: cadence.Limits{Default: interval, Min: interval, Max: interval, MaxBackoff: interval, MaxAsked: interval},
		options: Options{
			Workers: 8,
			Lease:   10 * time.Second, // ample: polls release their feeds when done
			Idle:    50 * time.Millisecond,
		},
	}
}

func (e *env) replica(tb testing.TB, name string, log *zap.Logger) *replica {
	tb.Helper()
	return e.replicaWith(tb, name, log, 64, nil)
}

// replicaWith is replica with a per-host limit and an extra observer.
func (e *env) replicaWith(tb testing.TB, name string, log *zap.Logger, perHost int, also Observer) *replica {
	tb.Helper()
	conn, err := stream.Connect(e.kafka.Config())
	if err != nil {
		tb.Fatal(err)
	}
	if err := conn.EnsureTopics(tb.Context(), e.topic); err != nil {
		tb.Fatal(err)
	}
	writer := conn.Writer(log)
	tb.Cleanup(func() { _ = writer.Close() })
	state := feedstate.New(e.rdb, e.prefix)
	client := httpfetch.New(httpfetch.Options{
		UserAgent: "NewswireTest/1.0", Timeout: 5 * time.Second, MaxBytes: 1 << 20,
		PerHost: perHost, AllowPrivate: true,
	})
	poller := poll.New(client, state, writer, poll.Options{Topic: e.topic, Limits: e.limits}, log)
	opts := e.options
	opts.Replica = name
	obs := &countingObserver{also: also}
	return &replica{sched: New(e.rdb, e.prefix, poller, opts, obs, log), state: state, obs: obs}
}

// start runs the replica until the returned function stops it.
func (r *replica) start(ctx context.Context) (stop func()) {
	return r.startDraining(ctx, 5*time.Second)
}

// startDraining is start with the given drain deadline.
func (r *replica) startDraining(ctx context.Context, drain time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.sched.Run(ctx, drain)
	}()
	return func() {
		cancel()
		<-done
	}
}

type countingObserver struct {
	mu     sync.Mutex
	polls  int
	errors []error
	also   Observer
}

func (o *countingObserver) Polled(feed feedlist.Feed, res poll.Result, took time.Duration) {
	if o.also != nil {
		o.also.Polled(feed, res, took)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.polls++
	if res.Err != nil {
		o.errors = append(o.errors, res.Err)
	}
}

func (o *countingObserver) Overdue(int) {}

func (o *countingObserver) counts() (int, []error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.polls, append([]error(nil), o.errors...)
}

func redisZ(member string, score float64) redis.Z { return redis.Z{Score: score, Member: member} }
