package e2e

import (
	"fmt"
	"html"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/e2e/harness"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/testnet"
	"github.com/newswire/newswire/pkg/testwait"
)

// speakers are how the generated articles introduce whoever speaks.
var speakers = []string{
	"Belarusian President Alexander Lukashenko",
	"Russian Minister of Foreign Affairs Sergey Lavrov",
	"Prime Minister Roman Golovchenko",
	"UN Secretary-General António Guterres",
	"Chinese Foreign Minister Wang Yi",
}

// generatedFeed serves an RSS feed of generated articles, one quotation
// each, that grows by step items every tick up to total.
type generatedFeed struct {
	total, step int
	visible     atomic.Int64
}

// serve serves the feed from a local server and writes a feed list of it
// alone, polled every second; it returns the list's path.
func (g *generatedFeed) serve(t *testing.T) string {
	t.Helper()
	g.grow()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	feedsFile := filepath.Join(t.TempDir(), "feeds.yaml")
	if err := os.WriteFile(feedsFile, []byte("feeds:\n  - {url: "+srv.URL+"/feed.xml, name: Generated, language: en, interval: 1s}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return feedsFile
}

func quotationOf(i int) string {
	return fmt.Sprintf("Generated quotation number %d is about trade, security and the weather in Minsk.", i)
}

func (g *generatedFeed) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	n := int(g.visible.Load())
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Generated</title><language>en</language>`)
	for i := n - 1; i >= 0; i-- {
		body := fmt.Sprintf("<p>Officials met in Minsk on day %d of the talks.</p><p>%s said: “%s”</p>", i, speakers[i%len(speakers)], quotationOf(i))
		fmt.Fprintf(&b, `<item><title>Generated article %d</title><link>https://example.org/news/%d</link><guid>gen-%d</guid><content:encoded>%s</content:encoded></item>`,
			i, i, i, html.EscapeString(body))
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

func (g *generatedFeed) grow() bool {
	n := min(int(g.visible.Load())+g.step, g.total)
	g.visible.Store(int64(n))
	return n < g.total
}

// TestFaultSuite runs the whole pipeline — the three binaries, the broker
// as a process with its data on disk, a Redis with an append-only file —
// over a few hundred generated articles, and meanwhile SIGKILLs and
// restarts random services again and again, restarts the broker once and
// Redis once. At the end every quotation is downstream; the duplicates are
// counted and reported.
func TestFaultSuite(t *testing.T) {
	const articles, kills = 300, 24
	bin := harness.Binaries(t)
	redis := redistest.StartServer(t)

	brokerAddr := testnet.FreeAddr(t)
	brokerEnv := map[string]string{"BROKER_ADDR": brokerAddr, "BROKER_DATA": t.TempDir(), "BROKER_MIN_SESSION": "1s", "TOPIC_PARTITIONS": "3"}
	broker := harness.Start(t, bin, "devstack", brokerEnv, "broker")
	waitListening(t, brokerAddr)

	feed := &generatedFeed{total: articles, step: 15}
	feedsFile := feed.serve(t)
	env := map[string]string{
		"KAFKA_BROKERS":         brokerAddr,
		"REDIS_ADDR":            redis.Addr,
		"FEEDS_FILE":            feedsFile,
		"FETCH_ALLOW_PRIVATE":   "true",
		"FETCH_MIN_INTERVAL":    "1s",
		"FETCH_MAX_BACKOFF":     "2s",
		"FETCH_TIMEOUT":         "3s",
		"FETCH_LEASE":           "5s", // a killed fetcher's feed is polled again soon
		"KAFKA_SESSION_TIMEOUT": "2s",
		"KAFKA_STALL_TIMEOUT":   "10s", // a stalled group rejoins well within the wait below
		"DEDUPE_LEASE":          "2s",
		"DRAIN_TIMEOUT":         "5s",
		"TOPIC_PARTITIONS":      "3",
	}
	running := map[string]*harness.Service{}
	for _, name := range harness.Services {
		running[name] = harness.Start(t, bin, name, env)
	}

	restarts := map[string]int{}
	for k := 1; k <= kills; k++ {
		feed.grow()
		time.Sleep(time.Duration(200+rand.IntN(500)) * time.Millisecond)
		name := harness.Services[rand.IntN(len(harness.Services))]
		running[name].Kill()
		restarts[name]++
		switch k {
		case kills / 3: // the broker restarts while a service is down
			if err := broker.Stop(t, 30*time.Second); err != nil {
				t.Fatalf("broker did not stop: %v", err)
			}
			broker = harness.Start(t, bin, "devstack", brokerEnv, "broker")
			waitListening(t, brokerAddr)
			t.Logf("kill %d: restarted the broker", k)
		case 2 * kills / 3:
			redis.Stop(t)
			time.Sleep(300 * time.Millisecond)
			redis.Start(t)
			t.Logf("kill %d: killed and restarted Redis", k)
		}
		time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
		running[name] = harness.Start(t, bin, name, env)
	}
	for feed.grow() {
	}
	t.Logf("%d kills: %v; then all %d articles published", kills, restarts, articles)

	perKey, missing := downstream(t, brokerAddr, articles, 4*time.Minute)
	if len(missing) > 0 {
		t.Fatalf("%d of %d quotations never reached news.enriched.quotes: %s", len(missing), articles, whereMissing(t, brokerAddr, missing))
	}
	dups := duplicates(perKey)
	t.Logf("fault suite: %d quotations, %d kills (%v), broker and Redis restarted once each: 0 lost, %d duplicates downstream",
		articles, kills, restarts, dups)
	if dups > articles/10 {
		t.Errorf("%d duplicates: more than the records in flight at the kills could make", dups)
	}
	for _, name := range harness.Services {
		if err := running[name].Stop(t, 15*time.Second); err != nil {
			t.Errorf("%s did not stop cleanly at the end: %v", name, err)
		}
	}
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	testwait.For(t, 20*time.Second, "the broker listens on "+addr, func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return false
		}
		_ = c.Close()
		return true
	})
}

// downstream waits until every generated quotation is in
// news.enriched.quotes or the timeout passes, and returns the records per
// key and the quotations still missing.
func downstream(t *testing.T, broker string, articles int, timeout time.Duration) (map[string]int, []int) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		perKey, texts := map[string]int{}, map[string]bool{}
		for _, m := range kafkatest.ReadAll(t, []string{broker}, "news.enriched.quotes", 0, 20*time.Second) {
			q, err := event.Decode[event.EnrichedQuote](m.Value)
			if err != nil {
				t.Fatalf("downstream record: %v", err)
			}
			perKey[string(m.Key)]++
			texts[q.Text] = true
		}
		var missing []int
		for i := range articles {
			if !texts[quotationOf(i)] {
				missing = append(missing, i)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			return perKey, missing
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// whereMissing says how far each missing quotation got.
func whereMissing(t *testing.T, broker string, missing []int) string {
	t.Helper()
	has := func(topic string, i int) bool {
		for _, m := range kafkatest.ReadAll(t, []string{broker}, topic, 0, 20*time.Second) {
			if strings.Contains(string(m.Value), quotationOf(i)) {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	for _, i := range missing[:min(len(missing), 10)] {
		fmt.Fprintf(&b, "\n  quotation %d: in news.articles %v, news.quotes %v, news.deadletter %v", i,
			has("news.articles", i), has("news.quotes", i), has("news.deadletter", i))
	}
	return b.String()
}
