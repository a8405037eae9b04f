package web

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/services/console/internal/live"
	"github.com/newswire/newswire/services/console/internal/quotes"
	"github.com/newswire/newswire/services/console/internal/trending"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var now = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

type fixture struct {
	srv    *Server
	hub    *live.Hub
	rdb    *redis.Client
	prefix string
}

// newFixture returns a server on the test Redis holding a quotation, an
// entity mentioned twice and two feeds.
func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	prefix := kafkatest.Name(tb, "console") + ":"
	rdb := redistest.Connect(tb, prefix)
	ctx := tb.Context()
	log := zaptest.NewLogger(tb)
	hub := live.NewHub(live.MaxViewers, log, prometheus.NewRegistry())
	recent := quotes.New(rdb, prefix, 10)
	index := trending.New(rdb, prefix)
	store := feedstate.New(rdb, prefix)
	if err := recent.Add(ctx, []quotes.View{{ID: "q1", Speaker: "Sergey Lavrov", Text: "What is happening in Eurasia testifies to the fact.",
		Source: "BelTA", URL: "https://eng.belta.by/1", PublishedAt: now.Add(-time.Hour), FirstSeenAt: now, Revision: 1,
		Sources: []quotes.Source{{Name: "BelTA", URL: "https://eng.belta.by/1"}}, SourceCount: 1}}); err != nil {
		tb.Fatal(err)
	}
	if err := index.Add(ctx, []trending.Entity{{ID: "Q7747", Name: "Sergey Lavrov", Type: "PERSON", WikidataID: "Q7747"}}, now); err != nil {
		tb.Fatal(err)
	}
	for i, at := range []time.Time{now.Add(-10 * time.Minute), now.Add(-3 * time.Hour)} {
		if err := rdb.ZAdd(ctx, prefix+"trend:Q7747", redis.Z{Score: float64(at.UnixMilli()), Member: string(rune('a' + i))}).Err(); err != nil {
			tb.Fatal(err)
		}
	}
	feeds := []string{"https://eng.belta.by/rss", "https://tass.com/rss/v2.xml"}
	if err := store.Register(ctx, feeds); err != nil {
		tb.Fatal(err)
	}
	if err := store.Save(ctx, feedstate.Feed{URL: feeds[0], LastStatus: "ok", LastCode: 200, LastPoll: now, NextPoll: now.Add(time.Minute), Items: 20, PublishGap: time.Hour}); err != nil {
		tb.Fatal(err)
	}
	if err := store.Save(ctx, feedstate.Feed{URL: feeds[1], LastStatus: "error", LastCode: 503, LastError: "fetch feed: HTTP status 503", Failures: 3, LastPoll: now}); err != nil {
		tb.Fatal(err)
	}
	srv := New(recent, index, store, hub, Options{Quotes: 10, Top: 5, Refresh: 20 * time.Millisecond}, log)
	srv.now = func() time.Time { return now }
	return &fixture{srv: srv, hub: hub, rdb: rdb, prefix: prefix}
}

func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run with -update)", err)
	}
	if string(got) != string(want) {
		tb.Errorf("%s differs (run with -update to accept):\n%s", path, got)
	}
}

func get(tb testing.TB, h http.Handler, path string) *httptest.ResponseRecorder {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec
}

func TestRoutes(t *testing.T) {
	f := newFixture(t)
	h := f.srv.Handler()
	tests := []struct {
		path, contentType, contains, golden string
	}{
		{"/", "text/html", "Live quotations", ""},
		{"/static/console.js", "text/javascript", "new EventSource(\"/events\")", ""},
		{"/static/console.css", "text/css", ".quote", ""},
		{"/api/quotes", "application/json", "", "api-quotes.golden.json"},
		{"/api/trending", "application/json", "", "api-trending.golden.json"},
		{"/api/feeds", "application/json", "", "api-feeds.golden.json"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := get(t, h, tt.path)
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.contentType) {
				t.Fatalf("GET %s: %d %s", tt.path, rec.Code, rec.Header().Get("Content-Type"))
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			if !strings.Contains(rec.Body.String(), tt.contains) {
				t.Errorf("GET %s lacks %q", tt.path, tt.contains)
			}
			if tt.golden != "" {
				golden(t, tt.golden, rec.Body.Bytes())
			}
		})
	}
	if rec := get(t, h, "/nothing"); rec.Code != 404 {
		t.Errorf("GET /nothing: %d", rec.Code)
	}
}

func TestAPIWithoutRedis(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	log := zaptest.NewLogger(t)
	srv := New(quotes.New(rdb, "x:", 10), trending.New(rdb, "x:"), feedstate.New(rdb, "x:"), live.NewHub(live.MaxViewers, log, prometheus.NewRegistry()), Options{Quotes: 10, Top: 5, Refresh: time.Second}, log)
	for _, path := range []string{"/api/quotes", "/api/trending", "/api/feeds"} {
		if rec := get(t, srv.Handler(), path); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("GET %s with Redis down: %d", path, rec.Code)
		}
	}
}

func TestRefreshPushesChangesOnly(t *testing.T) {
	f := newFixture(t)
	page := f.hub.Subscribe()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.srv.Refresh(ctx) }()
	seen := map[string]int{}
	next := func() string {
		t.Helper()
		select {
		case e := <-page.C:
			seen[e.Name]++
			return e.Name
		case <-time.After(5 * time.Second):
			t.Fatalf("no event within 5s; seen %v", seen)
			return ""
		}
	}
	for seen[EventTrending] == 0 || seen[EventFeeds] == 0 {
		next()
	}
	// A feed fails: only the feeds are pushed again.
	store := feedstate.New(f.rdb, f.prefix)
	if err := store.Save(t.Context(), feedstate.Feed{URL: "https://eng.belta.by/rss", LastStatus: "error", Failures: 1, LastError: "timeout"}); err != nil {
		t.Fatal(err)
	}
	for next() != EventFeeds {
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if seen[EventTrending] != 1 || seen[EventFeeds] != 2 {
		t.Errorf("events %v: an unchanged board was pushed again", seen)
	}
}

func TestServeEndsOpenStreamsOnShutdown(t *testing.T) {
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.srv.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if line, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil || line != "retry: 2000\n" {
		t.Fatalf("stream starts with %q (%v)", line, err)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve waited for the open stream")
	}
	if _, err := io.ReadAll(resp.Body); err != nil && !strings.Contains(err.Error(), "EOF") {
		t.Logf("stream ended with %v", err)
	}
	t.Logf("shut down in %s with a stream open", time.Since(start).Round(time.Millisecond))
}

// The API's JSON must be what the page reads.
func TestQuotesJSONShape(t *testing.T) {
	f := newFixture(t)
	var body struct {
		Quotes []map[string]any `json:"quotes"`
	}
	if err := json.Unmarshal(get(t, f.srv.Handler(), "/api/quotes").Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "speaker", "text", "source", "url", "published_at", "revision", "sources", "source_count"} {
		if _, ok := body.Quotes[0][k]; !ok {
			t.Errorf("quotation lacks %s: %v", k, body.Quotes[0])
		}
	}
}
