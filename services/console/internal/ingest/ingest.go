// Package ingest handles the enriched records the console consumes: each
// quotation goes to the recent list and each entity to the trending index,
// in Redis, and only then to the open pages, so that what a page is shown
// live is what it finds again after a reload.
package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/pkg/textcut"
	"github.com/newswire/newswire/services/console/internal/quotes"
	"github.com/newswire/newswire/services/console/internal/trending"
)

// Live events.
const (
	EventQuote = "quote" // a quotation view
)

// MaxLogBytes bounds what is logged of an unreadable record's error, which
// can quote the record's fields: a hostile record must not make a log line
// of megabytes.
const MaxLogBytes = 2 << 10

// MaxLive bounds the quotations of one batch pushed to the pages: the
// newest. A consumer catching up hands batches of thousands; pushed whole,
// they would overflow every page's buffer (live.Buffer) and drop it. All
// are stored; the list shows the newest (CONSOLE_QUOTES, 100 by default).
const MaxLive = 100

// QuoteStore keeps the recent quotations.
type QuoteStore interface {
	Add(ctx context.Context, views []quotes.View) error
}

// EntityIndex keeps the entities mentioned lately.
type EntityIndex interface {
	Add(ctx context.Context, entities []trending.Entity, now time.Time) error
}

// Publisher sends live events to the pages.
type Publisher interface {
	Publish(name string, v any)
}

// Handler is the consumer's handler.
type Handler struct {
	quotesTopic   string
	entitiesTopic string
	quotes        QuoteStore
	entities      EntityIndex
	live          Publisher
	log           *zap.Logger
	unreadable    *prometheus.CounterVec
	now           func() time.Time
}

// New returns a handler for the two enriched topics.
func New(quotesTopic, entitiesTopic string, q QuoteStore, e EntityIndex, live Publisher, log *zap.Logger, reg prometheus.Registerer) *Handler {
	h := &Handler{
		quotesTopic: quotesTopic, entitiesTopic: entitiesTopic, quotes: q, entities: e, live: live, log: log, now: time.Now,
		unreadable: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_console_unreadable_records_total",
			Help: "Records the console could not read and did not show, by topic (they stay in the topic; the console dead-letters nothing).",
		}, []string{"topic"}),
	}
	reg.MustRegister(h.unreadable)
	return h
}

// Handle stores a batch and then shows it. A record that cannot be read is
// counted, logged and skipped: the console only displays, and the record
// stays in its topic for its real consumers. A Redis failure fails the
// batch, which the consumer hands again, committing nothing meanwhile.
func (h *Handler) Handle(ctx context.Context, batch []kafka.Message) (stream.Result, error) {
	var views []quotes.View
	var entities []trending.Entity
	for _, m := range batch {
		var err error
		switch m.Topic {
		case h.quotesTopic:
			var q event.EnrichedQuote
			if q, err = event.Decode[event.EnrichedQuote](m.Value); err == nil {
				views = append(views, quotes.FromEvent(q))
			}
		case h.entitiesTopic:
			var e event.EnrichedEntity
			if e, err = event.Decode[event.EnrichedEntity](m.Value); err == nil {
				entities = append(entities, trending.FromEvent(e))
			}
		default:
			err = fmt.Errorf("topic %s is not one the console reads", m.Topic)
		}
		if err != nil {
			h.unreadable.WithLabelValues(m.Topic).Inc()
			h.log.Warn("record not shown", zap.String("error", textcut.Marked(err.Error(), MaxLogBytes)), zap.String(logging.KeyTopic, m.Topic),
				zap.Int(logging.KeyPartition, m.Partition), zap.Int64(logging.KeyOffset, m.Offset))
		}
	}
	if err := h.quotes.Add(ctx, views); err != nil {
		return stream.Result{}, err
	}
	if err := h.entities.Add(ctx, entities, h.now()); err != nil {
		return stream.Result{}, err
	}
	// A batch comes oldest first: the newest are its last.
	for _, v := range views[max(len(views)-MaxLive, 0):] {
		h.live.Publish(EventQuote, v)
	}
	return stream.Result{}, nil
}
