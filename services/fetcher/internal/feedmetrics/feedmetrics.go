// Package feedmetrics exports the health of every feed to Prometheus.
package feedmetrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/services/fetcher/internal/feedlist"
	"github.com/newswire/newswire/services/fetcher/internal/poll"
)

// Metrics observes polls.
type Metrics struct {
	polls    *prometheus.CounterVec
	items    *prometheus.CounterVec
	bytes    *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	failures *prometheus.GaugeVec
	nextPoll *prometheus.GaugeVec
	lastPoll *prometheus.GaugeVec
	log      *zap.Logger
}

// New registers the feed metrics.
func New(reg prometheus.Registerer, log *zap.Logger) *Metrics {
	m := &Metrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_polls_total",
			Help: "Feed polls by feed and outcome (ok, not_modified, unchanged, error).",
		}, []string{"feed", "status"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_items_total",
			Help: "Items emitted by feed and kind (new, updated).",
		}, []string{"feed", "kind"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_bytes_total",
			Help: "Decompressed feed bytes read, by feed.",
		}, []string{"feed"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "newswire_feed_poll_seconds",
			Help:    "Time one poll took, fetch to remembered.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
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
		log: log,
	}
	reg.MustRegister(m.polls, m.items, m.bytes, m.latency, m.failures, m.nextPoll, m.lastPoll)
	return m
}

// Polled records one poll.
func (m *Metrics) Polled(feed feedlist.Feed, res poll.Result, took, next time.Duration, failures int) {
	f := feed.URL
	m.polls.WithLabelValues(f, res.Status).Inc()
	m.items.WithLabelValues(f, "new").Add(float64(res.NewItems))
	m.items.WithLabelValues(f, "updated").Add(float64(res.Updated))
	m.bytes.WithLabelValues(f).Add(float64(res.Bytes))
	m.latency.WithLabelValues(f).Observe(took.Seconds())
	m.failures.WithLabelValues(f).Set(float64(failures))
	now := time.Now()
	m.lastPoll.WithLabelValues(f).Set(float64(now.Unix()))
	m.nextPoll.WithLabelValues(f).Set(float64(now.Add(next).Unix()))
	if res.NewItems+res.Updated > 0 {
		m.log.Info("feed items emitted", zap.String(logging.KeyFeed, f),
			zap.Int("new", res.NewItems), zap.Int("updated", res.Updated))
	}
}
