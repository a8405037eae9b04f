package sigterm

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/e2e/harness"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/lifecycle"
	"github.com/newswire/newswire/pkg/testwait"
)

const (
	feedCount    = 60
	itemsPerFeed = 5
	// After this many feed requests, the server holds the next ones until
	// the gate opens, so their polls are in flight when the SIGTERM comes.
	openRequests = 20
	// Polls at once, and per host (all feeds share one), so that no poll
	// waits for a slot inside the fetcher.
	concurrency = 8
)

// feedServer serves feedCount RSS feeds and their articles' pages.
type feedServer struct {
	*httptest.Server
	gate      chan struct{} // closed: gated feeds answer
	mu        sync.Mutex
	requested map[int]bool // feed index → asked at least once
	answered  int          // requests let through before the gate
	waiting   atomic.Int32 // requests held at the gate now
}

func newFeedServer(t *testing.T) *feedServer {
	t.Helper()
	fs := &feedServer{gate: make(chan struct{}), requested: map[int]bool{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(func() {
		fs.open()
		fs.Close()
	})
	return fs
}

func (fs *feedServer) open() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	select {
	case <-fs.gate:
	default:
		close(fs.gate)
	}
}

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	var feed, item int
	if _, err := fmt.Sscanf(r.URL.Path, "/article/%d/%d", &feed, &item); err == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, "<html><body><article><h1>%s</h1><p>%s</p></article></body></html>", title(feed, item), body(feed, item))
		return
	}
	if _, err := fmt.Sscanf(r.URL.Path, "/feed/%d.xml", &feed); err != nil || feed < 0 || feed >= feedCount {
		http.NotFound(w, r)
		return
	}
	fs.mu.Lock()
	fs.requested[feed] = true
	held := fs.answered >= openRequests
	if !held {
		fs.answered++
	}
	fs.mu.Unlock()
	if held {
		fs.waiting.Add(1)
		select {
		case <-fs.gate:
		case <-r.Context().Done():
		}
		fs.waiting.Add(-1)
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Feed %d</title><link>%s</link><description>Test feed</description><language>en</language>
`, feed, fs.URL)
	for item := range itemsPerFeed {
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">feed-%d-item-%d</guid>
<pubDate>Mon, 02 Jun 2025 10:%02d:00 GMT</pubDate><description>%s</description><content:encoded><![CDATA[<p>%s</p>]]></content:encoded></item>
`, title(feed, item), fs.itemURL(feed, item), feed, item, item, body(feed, item), body(feed, item))
	}
	b.WriteString("</channel></rss>\n")
	_, _ = io.WriteString(w, b.String())
}

func (fs *feedServer) itemURL(feed, item int) string {
	return fmt.Sprintf("%s/article/%d/%d", fs.URL, feed, item)
}

func (fs *feedServer) requestedFeeds() map[int]bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make(map[int]bool, len(fs.requested))
	for k, v := range fs.requested {
		out[k] = v
	}
	return out
}

func title(feed, item int) string { return fmt.Sprintf("Minsk hosts forum %d-%d", feed, item) }

func body(feed, item int) string {
	return fmt.Sprintf("MINSK, 2 June (BelTA) - The forum number %d-%d opened in Minsk today, with delegations from "+
		"twelve countries. President of Belarus Alexander Lukashenko addressed the participants.", feed, item)
}

func TestFetcherSIGTERMUnderLoad(t *testing.T) {
	cluster, bin, env := setup(t)
	fs := newFeedServer(t)

	var list strings.Builder
	list.WriteString("feeds:\n")
	for i := range feedCount {
		fmt.Fprintf(&list, "  - {url: %s/feed/%d.xml, name: Feed %d, language: en}\n", fs.URL, i, i)
	}
	feedsFile := filepath.Join(t.TempDir(), "feeds.yaml")
	if err := os.WriteFile(feedsFile, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	env["FEEDS_FILE"] = feedsFile
	env["FETCH_ALLOW_PRIVATE"] = "true" // the feed server is on loopback
	env["FETCH_CONCURRENCY"] = fmt.Sprint(concurrency)
	env["FETCH_PER_HOST"] = fmt.Sprint(concurrency)
	env["FETCH_DEFAULT_INTERVAL"] = "1h" // no feed is due twice within the test
	articles := func() map[string]int {
		out := map[string]int{}
		for _, m := range kafkatest.ReadAll(t, cluster.Brokers(), "news.articles", 0, 30*time.Second) {
			a, err := event.Decode[event.Article](m.Value)
			if err != nil {
				t.Fatalf("article at offset %d: %v", m.Offset, err)
			}
			out[a.URL]++
		}
		return out
	}

	svc := harness.Start(t, bin, "fetcher", env)
	testwait.For(t, 60*time.Second, "the open feeds written and gated polls in flight", func() bool {
		return len(articles()) >= openRequests*itemsPerFeed && fs.waiting.Load() >= concurrency/2
	})
	inFlight := fs.waiting.Load()

	// SIGTERM while polls wait on the server; once the fetcher says it is
	// draining, let them answer: it must finish them and write what they
	// found, and start no other.
	stopped := make(chan error, 1)
	start := time.Now()
	go func() { stopped <- svc.Stop(t, drain+lifecycle.StopGrace) }()
	testwait.For(t, drain, "the fetcher reports draining, or exits", func() bool {
		return draining(svc.AdminAddr) || !svc.Running()
	})
	before := fs.requestedFeeds()
	fs.open()
	if err := <-stopped; err != nil {
		t.Fatalf("after SIGTERM: %v (took %s)", err, time.Since(start))
	}
	t.Logf("fetcher stopped %s after SIGTERM with %d polls in flight, clean exit", time.Since(start).Round(time.Millisecond), inFlight)

	after := fs.requestedFeeds()
	if len(after) != len(before) {
		t.Errorf("%d feeds requested after the SIGTERM, %d before: polls started while draining", len(after), len(before))
	}
	if len(after) == feedCount {
		t.Fatalf("every feed was polled before the SIGTERM: the test did not stop the fetcher mid-schedule")
	}
	first := articles()
	for feed := range after {
		for item := range itemsPerFeed {
			if first[fs.itemURL(feed, item)] != 1 {
				t.Errorf("feed %d item %d written %d times by the first run, want once: a poll in flight was not finished", feed, item, first[fs.itemURL(feed, item)])
			}
		}
	}

	// A restart polls the feeds the first run never reached, and emits
	// nothing the first run emitted: what was written was remembered.
	svc = harness.Start(t, bin, "fetcher", env)
	testwait.For(t, 60*time.Second, "every item of every feed written", func() bool {
		return len(articles()) >= feedCount*itemsPerFeed
	})
	if err := svc.Stop(t, drain+lifecycle.StopGrace); err != nil {
		t.Fatalf("second stop: %v", err)
	}
	final := articles()
	for feed := range feedCount {
		for item := range itemsPerFeed {
			if n := final[fs.itemURL(feed, item)]; n != 1 {
				t.Errorf("feed %d item %d written %d times over both runs, want once", feed, item, n)
			}
		}
	}
}

// draining reports whether the admin server answers /readyz with
// "draining".
func draining(addr string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/readyz", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(b), "draining")
}
