package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/e2e/harness"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/testnet"
	"github.com/newswire/newswire/pkg/testwait"
)

// freezeFor is how long the frozen tests keep a dependency SIGSTOPped:
// several times go-redis's timeouts (dial 2 s, read and write 3 s, pool 4 s).
const freezeFor = 12 * time.Second

// probe asks one of s's admin endpoints with a client timeout, so a probe
// that hangs counts as a failure (0) instead of hanging the test, and says
// how long the answer took.
func probe(s *harness.Service, path string) (int, time.Duration) {
	client := &http.Client{Timeout: 10 * time.Second}
	start := time.Now()
	resp, err := client.Get("http://" + s.AdminAddr + path)
	if err != nil {
		return 0, time.Since(start)
	}
	defer resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// ready tells whether s's /readyz says ready.
func ready(s *harness.Service) bool {
	code, _ := probe(s, "/readyz")
	return code == http.StatusOK
}

// watchFreeze probes s's /readyz (and /healthz, when live is set) every
// 250 ms until freezeFor has passed since frozenAt, with what frozen, and
// requires it to say not ready within 8 s and stay so, each answer within
// 2.5 s (the 2 s /readyz gives its checks; Kubernetes waits 3 s), and, when
// live is set, /healthz to pass throughout (a restart would cure nothing).
// It returns what it saw, for the log.
func watchFreeze(t *testing.T, s *harness.Service, what string, frozenAt time.Time, live bool) string {
	t.Helper()
	var firstNotReady time.Duration = -1
	readyAgain, probes, unhealthy, slowest := 0, 0, 0, time.Duration(0)
	for time.Since(frozenAt) < freezeFor {
		code, took := probe(s, "/readyz")
		probes++
		slowest = max(slowest, took)
		switch {
		case code != http.StatusOK && firstNotReady < 0:
			firstNotReady = time.Since(frozenAt)
		case code == http.StatusOK && firstNotReady >= 0:
			readyAgain++ // ready again though it is still frozen
		}
		if live {
			if code, _ := probe(s, "/healthz"); code != http.StatusOK {
				unhealthy++
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	switch {
	case firstNotReady < 0:
		t.Errorf("/readyz said ready through all %s %s was frozen", freezeFor, what)
	case firstNotReady > 8*time.Second:
		t.Errorf("/readyz took %s to say not ready with %s frozen", since(firstNotReady), what)
	}
	if readyAgain > 0 {
		t.Errorf("/readyz said ready %d times after it had said not ready, with %s still frozen", readyAgain, what)
	}
	if slowest > 2500*time.Millisecond {
		t.Errorf("/readyz took up to %s to answer with %s frozen: past the 2 s it gives its checks (Kubernetes waits 3 s)", slowest.Round(time.Millisecond), what)
	}
	if unhealthy > 0 {
		t.Errorf("/healthz failed %d times while %s was frozen: a restart cures nothing", unhealthy, what)
	}
	return fmt.Sprintf("/readyz not ready from %s after the freeze, %d of %d probes (slowest answer %s); /healthz failed %d times",
		since(firstNotReady), probes-readyAgain, probes, slowest.Round(time.Millisecond), unhealthy)
}

// duplicates counts the copies beyond the first of each key.
func duplicates(perKey map[string]int) int {
	n := 0
	for _, c := range perKey {
		n += c - 1
	}
	return n
}

// TestPublisherWaitsOutFrozenRedis SIGSTOPs the publisher's Redis in the
// middle of a stream of quotations — the server still accepts connections
// but answers nothing — and SIGCONTs it freezeFor later. While it is
// frozen the publisher reports not ready and forwards nothing unchecked;
// after the thaw it is ready again and every quotation is downstream, the
// duplicates counted; no claim is left pending, and it stops on SIGTERM
// within its drain timeout.
func TestPublisherWaitsOutFrozenRedis(t *testing.T) {
	cluster := kafkatest.Start(t)
	bin := harness.Binaries(t)
	rs := redistest.StartServer(t)
	env := publisherEnv(cluster, rs.Addr, "newswire:")
	// Longer than the freeze and the wait after it: the claims the frozen
	// Redis runs at the thaw, which the publisher had given up on, must
	// not hold their keys for the rest of the lease.
	env["DEDUPE_LEASE"] = "60s"
	src := newQuoteSource(t, cluster)
	pub := harness.Start(t, bin, "publisher", env)

	stopWriting := src.keepWriting() // through the freeze and after
	testwait.For(t, 30*time.Second, "the publisher forwards", func() bool {
		return pub.Metric("newswire_publisher_forwarded_total") > 0
	})
	time.Sleep(2 * time.Second) // well into the stream

	atFreeze := pub.Metric("newswire_publisher_forwarded_total")
	frozenAt := time.Now()
	rs.Freeze(t)
	t.Logf("froze redis-server pid %d with %d quotations produced, %.0f forwarded", rs.Pid(), src.next.Load(), atFreeze)
	watched := watchFreeze(t, pub, "Redis", frozenAt, false)
	atThaw := pub.Metric("newswire_publisher_forwarded_total")
	thawedAt := time.Now()
	rs.Thaw(t)
	frozen := thawedAt.Sub(frozenAt)
	t.Logf("thawed after %s: %s; %.0f forwarded while frozen (claimed before it)", frozen.Round(time.Millisecond), watched, atThaw-atFreeze)

	testwait.For(t, 30*time.Second, "the publisher ready again after the thaw", func() bool { return ready(pub) })
	readyAfter := time.Since(thawedAt)
	time.Sleep(2 * time.Second) // the stream goes on after the thaw
	stopWriting()

	total := int(src.next.Load())
	var got map[string]int
	testwait.For(t, 30*time.Second, fmt.Sprintf("all %d quotations downstream", total), func() bool {
		got = forwarded(t, cluster)
		return len(got) == total
	})
	caughtUp, dups := time.Since(thawedAt), duplicates(got)
	if n := pub.Metric("newswire_publisher_unchecked_total"); n != 0 {
		t.Errorf("%.0f quotations forwarded unchecked, want 0 (DEDUPE_FAIL_OPEN is off)", n)
	}
	stopAfterThaw(t, pub, rs.Addr, fmt.Sprintf("Redis frozen %s mid-stream: %d quotations, all downstream, %d duplicates; ready again %s after the thaw, all downstream %s after it",
		frozen.Round(time.Millisecond), total, dups, readyAfter.Round(time.Millisecond), caughtUp.Round(time.Millisecond)))
}

// stopAfterThaw stops the publisher on SIGTERM, requires it to stop within
// its drain timeout and every claim it took to be confirmed or released,
// and logs what happened with what it cost.
func stopAfterThaw(t *testing.T, pub *harness.Service, redisAddr, what string) {
	t.Helper()
	lost, retries := pub.Metric("newswire_publisher_claims_lost_total"), pub.Metric("newswire_consumer_batch_retries_total")
	stopStart := time.Now()
	if err := pub.Stop(t, 15*time.Second); err != nil {
		t.Errorf("publisher did not stop cleanly after the thaw: %v", err)
	}
	stopped := time.Since(stopStart)
	pending := pendingClaims(t, redisAddr, "newswire:publisher:")
	t.Logf("%s; %.0f claims lost, %.0f batch retries; stopped in %s on SIGTERM; %d claims left pending",
		what, lost, retries, stopped.Round(time.Millisecond), len(pending))
	if len(pending) > 0 {
		t.Errorf("claims left after every quotation was forwarded: %v", pending[:min(len(pending), 10)])
	}
}

// pendingClaims returns the dedupe keys under prefix still claimed (a "P"
// state, or an "N" state whose batch marker does not exist).
func pendingClaims(t *testing.T, addr, prefix string) []string {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var pending []string
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		if strings.HasPrefix(key, prefix+"batch:") {
			continue
		}
		v, err := c.Get(ctx, key).Result()
		if err != nil {
			continue // another type: mention sets, story indexes
		}
		switch {
		case strings.HasPrefix(v, "P"):
			pending = append(pending, key)
		case strings.HasPrefix(v, "N") && len(v) > 25:
			if c.Exists(ctx, prefix+"batch:"+v[1:25]).Val() == 0 {
				pending = append(pending, key)
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("scan %s*: %v", prefix, err)
	}
	return pending
}

// TestFetcherWaitsOutFrozenRedis SIGSTOPs the fetcher's Redis (schedule,
// leases, feed state, item memory) while a feed keeps growing, and
// SIGCONTs it freezeFor later: the fetcher reports not ready while it is
// frozen (and stays live: a restart would cure nothing), its polls resume
// after the thaw, and every item of the feed reaches news.articles.
func TestFetcherWaitsOutFrozenRedis(t *testing.T) {
	cluster := kafkatest.Start(t)
	bin := harness.Binaries(t)
	rs := redistest.StartServer(t)

	feed := &generatedFeed{total: 1000, step: 1}
	feedsFile := feed.serve(t)
	fetcher := harness.Start(t, bin, "fetcher", map[string]string{
		"KAFKA_BROKERS":       strings.Join(cluster.Brokers(), ","),
		"REDIS_ADDR":          rs.Addr,
		"FEEDS_FILE":          feedsFile,
		"FETCH_ALLOW_PRIVATE": "true",
		"FETCH_MIN_INTERVAL":  "1s",
		"FETCH_MAX_BACKOFF":   "2s",
		"FETCH_TIMEOUT":       "3s",
		// Longer than the backoff after a Redis error (at most 5 s), so
		// polls held back by a lease are told from the backoff.
		"FETCH_LEASE":      "10s",
		"DRAIN_TIMEOUT":    "5s",
		"TOPIC_PARTITIONS": "3",
	})

	var wg sync.WaitGroup
	stopGrowing := make(chan struct{})
	wg.Add(1)
	go func() { // five new items a second, through the freeze and after
		defer wg.Done()
		for {
			select {
			case <-stopGrowing:
				return
			case <-time.After(200 * time.Millisecond):
				feed.grow()
			}
		}
	}()
	testwait.For(t, 30*time.Second, "the fetcher polls", func() bool {
		return fetcher.Metric("newswire_feed_polls_total") >= 2
	})
	time.Sleep(2 * time.Second)

	polls := fetcher.Metric("newswire_feed_polls_total")
	frozenAt := time.Now()
	rs.Freeze(t)
	t.Logf("froze redis-server pid %d with %d items in the feed, %.0f polls so far", rs.Pid(), feed.visible.Load(), polls)
	watched := watchFreeze(t, fetcher, "Redis", frozenAt, true)
	pollsFrozen := fetcher.Metric("newswire_feed_polls_total")
	okFrozen := fetcher.Metric("newswire_feed_polls_total", `status="ok"`)
	thawedAt := time.Now()
	rs.Thaw(t)
	frozen := thawedAt.Sub(frozenAt)
	t.Logf("thawed after %s: %s; %.0f polls counted while frozen", frozen.Round(time.Millisecond), watched, pollsFrozen-polls)

	// Readiness and polls are watched together, each timed on its own.
	var pollAfter, readyAfter time.Duration
	testwait.For(t, 30*time.Second, "a successful poll and /readyz ready after the thaw", func() bool {
		if pollAfter == 0 && fetcher.Metric("newswire_feed_polls_total", `status="ok"`) > okFrozen {
			pollAfter = time.Since(thawedAt)
		}
		if readyAfter == 0 && ready(fetcher) {
			readyAfter = time.Since(thawedAt)
		}
		return pollAfter > 0 && readyAfter > 0
	})
	// Redis answers at once after the thaw: the first claim after it waits
	// at most the backoff after a Redis error (5 s) and the feed's 1 s.
	if pollAfter > 7*time.Second {
		t.Errorf("the first successful poll came %s after the thaw, want within 7 s (FETCH_LEASE is 10 s)", pollAfter.Round(time.Millisecond))
	}
	time.Sleep(2 * time.Second) // the feed goes on growing after the thaw
	close(stopGrowing)
	wg.Wait()

	items := int(feed.visible.Load())
	var perKey map[string]int
	testwait.For(t, 30*time.Second, fmt.Sprintf("all %d items in news.articles", items), func() bool {
		perKey = map[string]int{}
		for _, m := range kafkatest.ReadAll(t, cluster.Brokers(), "news.articles", 0, 10*time.Second) {
			perKey[string(m.Key)]++
		}
		return len(perKey) == items
	})
	caughtUp, dups := time.Since(thawedAt), duplicates(perKey)
	stopStart := time.Now()
	if err := fetcher.Stop(t, 15*time.Second); err != nil {
		t.Errorf("fetcher did not stop cleanly after the thaw: %v", err)
	}
	t.Logf("Redis frozen %s: %d items, all in news.articles, %d emitted twice; polls resumed %s after the thaw, ready again %s after it, all items out %s after it; stopped in %s on SIGTERM",
		frozen.Round(time.Millisecond), items, dups, pollAfter.Round(time.Millisecond), readyAfter.Round(time.Millisecond),
		caughtUp.Round(time.Millisecond), time.Since(stopStart).Round(time.Millisecond))
}

// TestPublisherWaitsOutFrozenBroker SIGSTOPs the broker process right
// after a burst of quotations, while the publisher is forwarding them, and
// SIGCONTs it freezeFor later: the publisher reports not ready while the
// broker is frozen and ready again after, every quotation ends up
// downstream (the duplicates counted), no claim is left pending, and it
// stops on SIGTERM within its drain timeout.
func TestPublisherWaitsOutFrozenBroker(t *testing.T) {
	bin := harness.Binaries(t)
	rs := redistest.StartServer(t)
	brokerAddr := testnet.FreeAddr(t)
	broker := harness.Start(t, bin, "devstack", map[string]string{
		"BROKER_ADDR": brokerAddr, "BROKER_DATA": t.TempDir(), "BROKER_MIN_SESSION": "1s", "TOPIC_PARTITIONS": "3",
	}, "broker")
	waitListening(t, brokerAddr)
	brokers := []string{brokerAddr}
	src := newQuoteSourceFor(t, config.Kafka{Brokers: brokers, ClientID: "newswire-test", Partitions: 3, Replication: 1, SessionTimeout: 6 * time.Second})
	pub := harness.Start(t, bin, "publisher", map[string]string{
		"KAFKA_BROKERS":         brokerAddr,
		"REDIS_ADDR":            rs.Addr,
		"KAFKA_SESSION_TIMEOUT": "2s",
		"DRAIN_TIMEOUT":         "5s",
		"TOPIC_PARTITIONS":      "3",
	})

	src.write(100)
	testwait.For(t, 30*time.Second, "the first 100 quotations downstream", func() bool {
		return len(forwardedAt(t, brokers)) == 100
	})
	// A burst, and the freeze while the publisher works through it.
	src.write(1000)
	atFreeze := pub.Metric("newswire_publisher_forwarded_total")
	frozenAt := time.Now()
	broker.Freeze(t)
	t.Logf("froze the broker (pid %d) with 1,100 quotations produced, %.0f forwarded", broker.Pid(), atFreeze)
	watched := watchFreeze(t, pub, "the broker", frozenAt, false)
	atThaw := pub.Metric("newswire_publisher_forwarded_total")
	thawedAt := time.Now()
	broker.Thaw(t)
	frozen := thawedAt.Sub(frozenAt)
	t.Logf("thawed after %s: %s; forwarded counter %.0f → %.0f while frozen", frozen.Round(time.Millisecond), watched, atFreeze, atThaw)

	testwait.For(t, 30*time.Second, "the publisher ready again after the thaw", func() bool { return ready(pub) })
	readyAfter := time.Since(thawedAt)
	src.write(100)
	const total = 1200
	var got map[string]int
	testwait.For(t, 30*time.Second, fmt.Sprintf("all %d quotations downstream", total), func() bool {
		got = forwardedAt(t, brokers)
		return len(got) == total
	})
	caughtUp, dups := time.Since(thawedAt), duplicates(got)
	stopAfterThaw(t, pub, rs.Addr, fmt.Sprintf("broker frozen %s mid-stream: %d quotations, all downstream, %d duplicates; ready again %s after the thaw, all downstream %s after it",
		frozen.Round(time.Millisecond), total, dups, readyAfter.Round(time.Millisecond), caughtUp.Round(time.Millisecond)))
}

// since prints a time measured from an event, or "never" for -1.
func since(d time.Duration) string {
	if d < 0 {
		return "never"
	}
	return d.Round(time.Millisecond).String()
}
