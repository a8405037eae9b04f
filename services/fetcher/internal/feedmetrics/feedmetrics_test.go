package feedmetrics

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/feed/articles"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/services/fetcher/internal/poll"
)

func TestPolled(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg, zaptest.NewLogger(t))
	feed := feedlist.Feed{URL: "https://x.example/rss"}
	m.Polled(feed, poll.Result{Status: poll.StatusOK, Code: 200, NewItems: 2, Bytes: 100, Next: time.Minute,
		Pages: articles.Pages{Extracted: 1, Failed: 1}}, 30*time.Millisecond)
	m.Polled(feed, poll.Result{Status: poll.StatusError, Code: 503, Failures: 1, Err: errors.New("HTTP status 503")}, time.Second)
	m.Polled(feed, poll.Result{Status: poll.StatusError, Failures: 2, Err: errors.New("dial: refused")}, time.Second)
	m.Overdue(7)

	want := `
# HELP newswire_feed_polls_total Feed polls by feed, outcome (ok, not_modified, unchanged, error) and HTTP status class (2xx, 3xx, 4xx, 5xx; none when no response came: DNS, TLS, timeout, refused address).
# TYPE newswire_feed_polls_total counter
newswire_feed_polls_total{class="2xx",feed="https://x.example/rss",status="ok"} 1
newswire_feed_polls_total{class="5xx",feed="https://x.example/rss",status="error"} 1
newswire_feed_polls_total{class="none",feed="https://x.example/rss",status="error"} 1
# HELP newswire_feed_items_total Items emitted by feed and kind (new, updated).
# TYPE newswire_feed_items_total counter
newswire_feed_items_total{feed="https://x.example/rss",kind="new"} 2
# HELP newswire_feed_consecutive_failures Polls that failed in a row, by feed; 0 after a success.
# TYPE newswire_feed_consecutive_failures gauge
newswire_feed_consecutive_failures{feed="https://x.example/rss"} 2
# HELP newswire_fetcher_overdue_feeds Feeds past their due time and not yet claimed, as this replica last saw the shared schedule: above zero for long, the replicas cannot keep up.
# TYPE newswire_fetcher_overdue_feeds gauge
newswire_fetcher_overdue_feeds 7
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"newswire_feed_polls_total", "newswire_feed_items_total", "newswire_feed_consecutive_failures", "newswire_fetcher_overdue_feeds"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m.pages); n != 2 {
		t.Errorf("%d page series, want 2 (extracted, fallback_error): none for what never happened", n)
	}
}

func TestStatusClass(t *testing.T) {
	for code, want := range map[int]string{0: "none", 200: "2xx", 304: "3xx", 429: "4xx", 503: "5xx", 999: "none"} {
		if got := StatusClass(code); got != want {
			t.Errorf("StatusClass(%d) = %s, want %s", code, got, want)
		}
	}
}
