// Command devstack runs the whole pipeline on one machine for `make run`
// and `make demo`: an embedded Kafka-protocol broker, a Redis, the three
// services and the console as child processes, and a readable account of
// what flows.
//
//	devstack run    watch the feeds of config/feeds.yaml
//	devstack demo   the same, offline, on the recorded feeds of fixtures/feeds
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"gopkg.in/yaml.v3"

	"github.com/newswire/newswire/devstack/internal/broker"
	"github.com/newswire/newswire/devstack/internal/procs"
	"github.com/newswire/newswire/devstack/internal/progress"
	"github.com/newswire/newswire/devstack/internal/redisup"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/lifecycle"
	"github.com/newswire/newswire/pkg/metricstext"
	"github.com/newswire/newswire/pkg/stream"
)

const usage = `usage: devstack run|demo|broker

  run     the whole pipeline on an embedded broker, watching FEEDS_FILE (config/feeds.yaml)
  demo    the same offline: recorded feeds from fixtures/feeds served on a local port
  broker  only the embedded broker, on BROKER_ADDR (127.0.0.1:9092) with its data in BROKER_DATA
          (BROKER_MIN_SESSION lowers the shortest consumer session it allows)

environment:
  KAFKA_BROKERS   use these brokers instead of starting the embedded one on 127.0.0.1:9092
  REDIS_ADDR      the Redis to use (default 127.0.0.1:6379); started when none answers
  NEWSWIRE_DATA   where broker data and logs are kept (default .data)
  DEVSTACK_PORT   first of the services' admin ports (default 8081: fetcher 8081, extractor 8082, publisher 8083, console 8084)
  CONSOLE_ADDR    where the console serves its page (default 127.0.0.1:8090)
`

func main() {
	if len(os.Args) != 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run", "demo":
		err = run(os.Args[1] == "demo")
	case "broker":
		err = runBroker()
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(1)
	}
}

// runBroker runs only the embedded broker until SIGINT or SIGTERM; tests
// that restart the broker run it this way.
func runBroker() error {
	env := config.FromOS()
	addr := env.String("BROKER_ADDR", "127.0.0.1:9092")
	dataDir := env.String("BROKER_DATA", "")
	partitions := env.Int("TOPIC_PARTITIONS", 6, 1, 1000)
	minSession := env.Duration("BROKER_MIN_SESSION", 0, 0, time.Minute)
	if err := env.Err(); err != nil {
		return err
	}
	c, err := broker.Start(addr, dataDir, partitions, minSession)
	if err != nil {
		return err
	}
	ctx, stop := lifecycle.SignalContext(context.Background())
	defer stop()
	fmt.Printf("broker listening on %s%s\n", strings.Join(c.ListenAddrs(), ","), persistence(dataDir))
	<-ctx.Done()
	c.Close() // flushes what it keeps in dataDir
	return nil
}

// printer writes timestamped lines a person can follow.
type printer struct{ mu sync.Mutex }

func (p *printer) say(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Printf("%s  %s\n", time.Now().Format("15:04:05"), s)
}

func run(demo bool) error {
	out := &printer{}
	env := config.FromOS()
	dataDir := env.String("NEWSWIRE_DATA", ".data")
	redisAddr := env.String("REDIS_ADDR", "127.0.0.1:6379")
	brokers := env.List("KAFKA_BROKERS", nil)
	feedsFile := env.String("FEEDS_FILE", "config/feeds.yaml")
	port := env.Int("DEVSTACK_PORT", 8081, 1024, 65000)
	consoleAddr := env.String("CONSOLE_ADDR", "127.0.0.1:8090")
	if err := env.Err(); err != nil {
		return err
	}
	binDir, err := binaries()
	if err != nil {
		return err
	}
	logDir := filepath.Join(dataDir, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return fmt.Errorf("make log folder: %w", err)
	}

	ctx, stop := lifecycle.SignalContext(context.Background())
	defer stop()

	// The broker.
	if len(brokers) == 0 {
		kafkaDir := filepath.Join(dataDir, "kafka")
		if demo {
			kafkaDir = "" // a demo starts from nothing every time
		}
		c, err := broker.Start("127.0.0.1:9092", kafkaDir, 6, 0)
		if err != nil {
			return err
		}
		defer c.Close()
		brokers = c.ListenAddrs()
		out.say("embedded Kafka-protocol broker (kfake) on " + strings.Join(brokers, ",") + persistence(kafkaDir))
	} else {
		out.say("using the brokers of KAFKA_BROKERS: " + strings.Join(brokers, ","))
	}

	// Redis.
	rds, err := redisup.Ensure(ctx, redisAddr, filepath.Join(dataDir, "redis"))
	if err != nil {
		return err
	}
	defer rds.Stop()
	switch rds.Kind {
	case redisup.Existing:
		out.say("Redis answers on " + rds.Addr)
	case redisup.Started:
		out.say("started redis-server on " + rds.Addr + " (data in " + filepath.Join(dataDir, "redis") + ")")
	case redisup.InProcess:
		out.say("no Redis answers on " + rds.Addr + " and no redis-server is installed: using an IN-PROCESS Redis; its data is lost when devstack stops")
	}
	prefix := "newswire:"
	if demo {
		prefix = fmt.Sprintf("newswire-demo-%d:", time.Now().UnixNano())
	}

	// Topics, so that readers can start before the services do.
	kcfg := config.Kafka{Brokers: brokers, ClientID: "newswire-devstack", Partitions: 6, Replication: 1}
	conn, err := stream.Connect(kcfg)
	if err != nil {
		return err
	}
	topics := config.ReadCommon(config.FromMap(nil), "devstack").Topics
	if err := conn.EnsureTopicsRetrying(ctx, zap.NewNop(), topics.All()...); err != nil {
		return fmt.Errorf("create topics: %w", err)
	}

	// The feeds.
	extra := []string{}
	if demo {
		srv, path, err := serveRecordedFeeds(dataDir)
		if err != nil {
			return err
		}
		defer srv.Close()
		feedsFile = path
		extra = append(extra, "FETCH_ALLOW_PRIVATE=true")
		out.say("serving the recorded feeds of fixtures/feeds on http://" + srv.Addr)
	}
	if err := listFeeds(feedsFile, out.say); err != nil {
		return err
	}

	// The services.
	common := []string{
		"KAFKA_BROKERS=" + strings.Join(brokers, ","),
		"REDIS_ADDR=" + rds.Addr,
		"REDIS_KEY_PREFIX=" + prefix,
		"LOG_LEVEL=info",
		"TOPIC_PARTITIONS=6",
	}

	var wg sync.WaitGroup
	svcCtx, stopServices := context.WithCancel(context.Background())
	metricsURL := map[string]string{}
	for i, name := range services {
		addr := "127.0.0.1:" + strconv.Itoa(port+i)
		metricsURL[name] = "http://" + addr + "/metrics"
		logPath := filepath.Join(logDir, name+".log")
		logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			stopServices()
			return fmt.Errorf("open %s: %w", logPath, err)
		}
		defer logFile.Close()
		envs := append(append([]string{}, common...), "HTTP_ADDR="+addr)
		switch name {
		case "fetcher":
			envs = append(envs, "FEEDS_FILE="+feedsFile)
			envs = append(envs, extra...)
		case "console":
			envs = append(envs, "CONSOLE_ADDR="+consoleAddr)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			procs.Supervise(svcCtx, procs.Spec{Name: name, Path: filepath.Join(binDir, name), Env: envs, Log: logFile}, 30*time.Second, out.say)
		}()
		out.say(fmt.Sprintf("started %s (health and metrics on http://%s, log in %s)", name, addr, logPath))
	}

	// What flows.
	var watchers sync.WaitGroup
	watchCtx, stopWatching := context.WithCancel(ctx)
	watchers.Add(3)
	go func() {
		defer watchers.Done()
		progress.Quotes(watchCtx, brokers, topics.EnrichedQuotes, demo, out.say)
	}()
	go func() {
		defer watchers.Done()
		progress.FeedErrors(watchCtx, filepath.Join(logDir, "fetcher.log"), out.say)
	}()
	go func() {
		defer watchers.Done()
		report(watchCtx, metricsURL, topics, out.say)
	}()
	out.say("console on " + consoleURL(consoleAddr) + " (live quotations, trending entities, feed health)")
	out.say("press Ctrl-C to stop")

	<-ctx.Done()
	out.say("stopping: the services drain and commit, then the broker stops")
	stopWatching()
	watchers.Wait()
	stopServices()
	wg.Wait()
	out.say("stopped")
	return nil
}

// report prints the pipeline's counters every few seconds when they move.
func report(ctx context.Context, urls map[string]string, topics config.Topics, say func(string)) {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	last := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		f, _ := metricstext.Scrape(ctx, urls["fetcher"])
		e, _ := metricstext.Scrape(ctx, urls["extractor"])
		p, _ := metricstext.Scrape(ctx, urls["publisher"])
		line := fmt.Sprintf("feeds polled %.0f (errors %.0f) · articles %.0f · quotes %.0f · entities %.0f · forwarded %.0f · duplicates dropped %.0f · dead letters %.0f",
			metricstext.Sum(f, "newswire_feed_polls_total"),
			metricstext.Sum(f, "newswire_feed_polls_total", `status="error"`),
			metricstext.Sum(f, "newswire_feed_items_total"),
			metricstext.Sum(e, "newswire_produced_records_total", `topic="`+topics.Quotes+`"`),
			metricstext.Sum(e, "newswire_produced_records_total", `topic="`+topics.Entities+`"`),
			metricstext.Sum(p, "newswire_publisher_forwarded_total"),
			metricstext.Sum(p, "newswire_publisher_duplicates_total"),
			metricstext.Sum(e, "newswire_deadletter_records_total")+metricstext.Sum(p, "newswire_deadletter_records_total"),
		)
		if line != last {
			say(line)
			last = line
		}
	}
}

// serveRecordedFeeds serves fixtures/feeds on a free loopback port and
// writes a feed list pointing at it.
func serveRecordedFeeds(dataDir string) (*http.Server, string, error) {
	const dir = "fixtures/feeds"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("listen for the recorded feeds: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{file}", func(w http.ResponseWriter, r *http.Request) {
		// The Russian feed comes with no charset in the header, as BelTA's
		// does: only its XML prolog says windows-1251.
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeFile(w, r, filepath.Join(dir, filepath.Base(r.PathValue("file"))))
	})
	srv := &http.Server{Handler: mux, Addr: ln.Addr().String(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	list := fmt.Sprintf(`feeds:
  - url: %s/belta-en.xml
    name: BelTA
    language: en
    interval: 30s
  - url: %s/belta-ru.xml
    name: BelTA
    language: ru
    interval: 30s
`, base, base)
	path := filepath.Join(dataDir, "demo-feeds.yaml")
	if err := os.WriteFile(path, []byte(list), 0o644); err != nil {
		_ = srv.Close()
		return nil, "", fmt.Errorf("write demo feed list: %w", err)
	}
	return srv, path, nil
}

// services are the binaries devstack runs, in the order of their admin
// ports.
var services = []string{"fetcher", "extractor", "publisher", "console"}

// consoleURL is the address a browser opens for the console.
func consoleURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// binaries is the folder holding the service binaries: devstack's own.
func binaries() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the service binaries: %w", err)
	}
	dir := filepath.Dir(self)
	for _, name := range services {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return "", errors.New("no " + name + " beside devstack in " + dir + ": run `make build` first")
		}
	}
	return dir, nil
}

func persistence(dir string) string {
	if dir == "" {
		return " (in memory)"
	}
	return " (data in " + dir + ")"
}

// listFeeds says which feeds the run watches.
func listFeeds(path string, say func(string)) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read feed list: %w", err)
	}
	var list struct {
		Feeds []struct {
			URL  string `yaml:"url"`
			Name string `yaml:"name"`
		} `yaml:"feeds"`
	}
	// OPML, or a broken file whose details the fetcher reports, lists none.
	_ = yaml.Unmarshal(b, &list)
	say(fmt.Sprintf("watching %d feeds from %s:", len(list.Feeds), path))
	for _, f := range list.Feeds {
		say("  " + f.Name + "  " + f.URL)
	}
	return nil
}
