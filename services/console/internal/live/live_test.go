package live

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/testwait"
)

func TestHubFansOutAndDropsTheSlow(t *testing.T) {
	h := NewHub(MaxViewers, zaptest.NewLogger(t), prometheus.NewRegistry())
	fast, slow := h.Subscribe(), h.Subscribe()
	if n := testutil.ToFloat64(h.viewers); n != 2 {
		t.Fatalf("viewers = %v", n)
	}
	for i := range Buffer + 1 {
		h.Publish("quote", map[string]int{"n": i})
		<-fast.C // the fast one keeps up
	}
	select {
	case <-slow.gone:
	default:
		t.Fatal("a subscriber that fell a whole buffer behind was not dropped")
	}
	if n := testutil.ToFloat64(h.viewers); n != 1 {
		t.Errorf("viewers = %v after the drop, want 1", n)
	}
	if n := testutil.ToFloat64(h.dropped); n != 1 {
		t.Errorf("dropped = %v", n)
	}
	h.Unsubscribe(slow) // the handler's deferred call after a drop
	h.Unsubscribe(fast)
	if n := testutil.ToFloat64(h.viewers); n != 0 {
		t.Errorf("viewers = %v after both left", n)
	}
	h.Publish("quote", "nobody listens") // must not block
}

func TestServeHTTPStreamsEvents(t *testing.T) {
	h := NewHub(MaxViewers, zaptest.NewLogger(t), prometheus.NewRegistry())
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	read := func() string {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("stream ended: %v", lines.Err())
		}
		return lines.Text()
	}
	if got := read(); got != "retry: 2000" {
		t.Errorf("first line %q", got)
	}
	for read() != "" {
	}
	h.Publish("quote", map[string]string{"speaker": "Sergey Lavrov", "text": "line one\nline two"})
	if got := read(); got != "event: quote" {
		t.Errorf("event line %q", got)
	}
	if got := read(); got != `data: {"speaker":"Sergey Lavrov","text":"line one\nline two"}` {
		t.Errorf("data line %q", got)
	}
	cancel() // the page leaves
	deadline := time.Now().Add(5 * time.Second)
	for testutil.ToFloat64(h.viewers) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the stream did not end when the page left")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if strings.Contains(resp.Header.Get("Cache-Control"), "max-age") {
		t.Error("the stream may be cached")
	}
}

// Beyond maxViewers pages, a page is refused with 503 and a Retry-After,
// and counted; a place freed is taken again.
func TestServeHTTPRefusesBeyondTheLimit(t *testing.T) {
	const most = 2
	h := NewHub(most, zaptest.NewLogger(t), prometheus.NewRegistry())
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	// A page holds its stream open until it leaves (close) or the test ends.
	type page struct {
		status     int
		retryAfter string
		close      func()
	}
	open := func() page {
		t.Helper()
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		closeBody := func() { _ = resp.Body.Close() }
		t.Cleanup(closeBody)
		return page{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), close: closeBody}
	}
	var streams []page
	for range most {
		p := open()
		if p.status != http.StatusOK {
			t.Fatalf("page %d of %d: status %d", len(streams)+1, most, p.status)
		}
		streams = append(streams, p)
	}
	refused := open()
	if refused.status != http.StatusServiceUnavailable || refused.retryAfter == "" {
		t.Fatalf("page beyond the limit: status %d, Retry-After %q", refused.status, refused.retryAfter)
	}
	if n := testutil.ToFloat64(h.refused); n != 1 {
		t.Errorf("refused = %v, want 1", n)
	}
	streams[0].close()
	testwait.For(t, 5*time.Second, "the page that left frees its place", func() bool {
		return testutil.ToFloat64(h.viewers) == most-1
	})
	if p := open(); p.status != http.StatusOK {
		t.Errorf("page after one left: status %d", p.status)
	}
}
