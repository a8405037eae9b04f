// Package feedmetrics exports the health of every feed to Prometheus.
//
// With thousands of feeds the series per feed are what costs memory, here
// and in Prometheus: each feed has a handful of series (polls by outcome
// and status class, bytes, last duration, failures in a row, last and next
// poll), series for items and article pages appear only once a feed has
// any, and the latency histogram is shared by all feeds.
package feedmetrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/services/fetcher/internal/poll"
)

// Metrics observes polls.
type Metrics struct {
	polls    *prometheus.CounterVec
	items    *prometheus.CounterVec
	pages    *prometheus.CounterVec
	bytes    *prometheus.CounterVec
	latency  prometheus.Histogram
	duration *prometheus.GaugeVec
	failures *prometheus.GaugeVec
	nextPoll *prometheus.GaugeVec
	lastPoll *prometheus.GaugeVec
	overdue  prometheus.Gauge
	log      *zap.Logger
	now      func() time.Time
}

// New registers the feed metrics.
func New(reg prometheus.Registerer, log *zap.Logger) *Metrics {
	m := &Metrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_polls_total",
			Help: "Feed polls by feed, outcome (ok, not_modified, unchanged, error) and HTTP status class (2xx, 3xx, 4xx, 5xx; none when no response came: DNS, TLS, timeout, refused address).",
		}, []string{"feed", "status", "class"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_items_total",
			Help: "Items emitted by feed and kind (new, updated).",
		}, []string{"feed", "kind"}),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_pages_total",
			Help: "Article pages of summary-only items by feed and result: extracted, or summary kept because the page failed (fallback_error) or the poll's page budget was spent (fallback_budget).",
		}, []string{"feed", "result"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_bytes_total",
			Help: "Decompressed feed bytes read, by feed.",
		}, []string{"feed"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newswire_feed_poll_seconds",
			Help:    "Time one poll took, fetch to remembered, article pages included, over all feeds.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}),
		duration: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newswire_feed_last_poll_duration_seconds",
			Help: "Time the feed's last poll took.",
		}, []string{"feed"}),
		failures: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newswire_feed_consecutive_failures",
			Help: "Polls that failed in a row, by feed; 0 after a success.",
		}, []string{"feed"}),
		nextPoll: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newswire_feed_next_poll_timestamp_seconds",
			Help: "When the feed is due next (Unix time).",
		}, []string{"feed"}),
		lastPoll: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newswire_feed_last_poll_timestamp_seconds",
			Help: "When the feed was last polled (Unix time).",
		}, []string{"feed"}),
		overdue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newswire_fetcher_overdue_feeds",
			Help: "Feeds past their due time and not yet claimed, as this replica last saw the shared schedule: above zero for long, the replicas cannot keep up.",
		}),
		log: log,
		now: time.Now,
	}
	reg.MustRegister(m.polls, m.items, m.pages, m.bytes, m.latency, m.duration, m.failures, m.nextPoll, m.lastPoll, m.overdue)
	return m
}

// Polled records one poll.
func (m *Metrics) Polled(feed feedlist.Feed, res poll.Result, took time.Duration) {
	f := feed.URL
	m.polls.WithLabelValues(f, res.Status, StatusClass(res.Code)).Inc()
	addIfAny(m.items, f, "new", res.NewItems)
	addIfAny(m.items, f, "updated", res.Updated)
	addIfAny(m.pages, f, "extracted", res.Pages.Extracted)
	addIfAny(m.pages, f, "fallback_error", res.Pages.Failed)
	addIfAny(m.pages, f, "fallback_budget", res.Pages.OverBudget)
	m.bytes.WithLabelValues(f).Add(float64(res.Bytes))
	m.latency.Observe(took.Seconds())
	m.duration.WithLabelValues(f).Set(took.Seconds())
	m.failures.WithLabelValues(f).Set(float64(res.Failures))
	now := m.now()
	m.lastPoll.WithLabelValues(f).Set(float64(now.Unix()))
	m.nextPoll.WithLabelValues(f).Set(float64(now.Add(res.Next).Unix()))
	if res.NewItems+res.Updated > 0 {
		m.log.Info("feed items emitted", zap.String(logging.KeyFeed, f),
			zap.Int("new", res.NewItems), zap.Int("updated", res.Updated))
	}
}

// addIfAny adds n to a feed's counter, creating the series only when there
// is something to count.
func addIfAny(c *prometheus.CounterVec, feed, label string, n int) {
	if n > 0 {
		c.WithLabelValues(feed, label).Add(float64(n))
	}
}

// Overdue records how far behind the shared schedule is.
func (m *Metrics) Overdue(n int) { m.overdue.Set(float64(n)) }

// StatusClass is the label of an HTTP status: "2xx" … "5xx", or "none".
func StatusClass(code int) string {
	if code < 100 || code > 599 {
		return "none"
	}
	return strconv.Itoa(code/100) + "xx"
}
