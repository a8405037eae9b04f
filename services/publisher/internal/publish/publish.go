// Package publish is the publisher's handler: decode quotation and entity
// records, drop what was already forwarded, fold reports of one quotation
// from several outlets into revisions of one record, enrich, and hand the
// enriched records to the consumer to produce.
package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/publisher/internal/dedupe"
	"github.com/newswire/newswire/services/publisher/internal/fold"
)

// Deduper is the claim protocol of package dedupe.
type Deduper interface {
	ClaimAll(ctx context.Context, reqs []dedupe.Request) ([]dedupe.Claim, error)
	Done(ctx context.Context, done []dedupe.Confirm) (lost int, err error)
	Release(ctx context.Context, claims []dedupe.Claim)
}

// Topics are the publisher's inputs and outputs.
type Topics struct {
	Quotes, Entities                 string
	EnrichedQuotes, EnrichedEntities string
}

// Options change how the publisher behaves when Redis fails.
type Options struct {
	// FailOpen forwards records unchecked while Redis is unavailable,
	// instead of stopping: an operator's choice, counted in a metric.
	FailOpen bool
}

// Publisher handles batches of quotation and entity records.
type Publisher struct {
	store   Deduper
	topics  Topics
	opts    Options
	log     *zap.Logger
	metrics *metrics
	now     func() time.Time
}

// New returns a publisher.
func New(store Deduper, topics Topics, opts Options, log *zap.Logger, reg prometheus.Registerer) *Publisher {
	return &Publisher{store: store, topics: topics, opts: opts, log: log, metrics: newMetrics(reg), now: time.Now}
}

// report is one decoded input record.
type report struct {
	msg    kafka.Message
	key    string
	quote  *event.Quote
	entity *event.Entity
}

func (r report) article() event.ArticleContext {
	if r.quote != nil {
		return r.quote.ArticleContext
	}
	return r.entity.ArticleContext
}

// Handle implements stream.Handler.
func (p *Publisher) Handle(ctx context.Context, batch []kafka.Message) (stream.Result, error) {
	var res stream.Result
	reports := make([]report, 0, len(batch))
	for _, msg := range batch {
		r, err := p.decode(msg)
		if err != nil {
			res.Dead = append(res.Dead, stream.Failure{Msg: msg, Err: err})
			continue
		}
		reports = append(reports, r)
	}
	if len(reports) == 0 {
		return res, nil
	}

	// One claim per key, listing its reports' articles in order.
	groups := map[string][]int{}
	var reqs []dedupe.Request
	for i, r := range reports {
		if _, ok := groups[r.key]; !ok {
			reqs = append(reqs, dedupe.Request{Key: r.key})
		}
		groups[r.key] = append(groups[r.key], i)
	}
	for i := range reqs {
		for _, idx := range groups[reqs[i].Key] {
			reqs[i].Articles = append(reqs[i].Articles, reports[idx].article().ArticleID)
		}
	}

	claims, err := p.store.ClaimAll(ctx, reqs)
	switch {
	case errors.Is(err, dedupe.ErrBusy):
		p.metrics.busy.Inc()
		return stream.Result{}, fmt.Errorf("dedupe keys held by another publisher: %w", stream.ErrRetry)
	case err != nil && p.opts.FailOpen:
		p.log.Warn("redis unavailable, forwarding unchecked", zap.Error(err))
		return p.unchecked(reports, res)
	case err != nil:
		p.metrics.redisErrors.Inc()
		return stream.Result{}, fmt.Errorf("claim dedupe keys: %w: %w", stream.ErrRetry, err)
	}

	now := p.now().UTC().Truncate(time.Millisecond) // as Redis keeps it
	var (
		confirms []dedupe.Confirm
		idle     []dedupe.Claim // every report a duplicate
		dups     = map[string]int{}
	)
	for i, c := range claims {
		rev, firstSeen, sources := c.Revision, c.FirstSeen, c.Sources
		if firstSeen.IsZero() {
			firstSeen = now
		}
		var forwarded []string
		seenNow := map[string]bool{}
		for k, idx := range groups[reqs[i].Key] {
			r := reports[idx]
			art := r.article()
			if c.Duplicate[k] || seenNow[art.ArticleID] {
				dups[r.msg.Topic]++
				continue
			}
			seenNow[art.ArticleID] = true
			rev++
			sources = appendSource(sources, event.SourceRef{Source: art.Source, URL: art.URL, ArticleID: art.ArticleID, SeenAt: now})
			msg, err := p.enriched(r, event.Enrichment{FirstSeenAt: firstSeen, Sources: sources, Revision: rev})
			if err != nil {
				res.Dead = append(res.Dead, stream.Failure{Msg: r.msg, Err: err})
				continue
			}
			res.Produce = append(res.Produce, msg)
			forwarded = append(forwarded, art.ArticleID)
			if rev > 1 {
				p.metrics.updates.WithLabelValues(r.msg.Topic).Inc()
			}
		}
		if len(forwarded) == 0 {
			idle = append(idle, c)
			continue
		}
		confirms = append(confirms, dedupe.Confirm{Claim: c, Revision: rev, FirstSeen: firstSeen, Sources: sources, Articles: forwarded})
	}
	p.store.Release(ctx, idle)
	for topic, n := range dups {
		p.metrics.duplicates.WithLabelValues(topic).Add(float64(n))
	}

	res.Written = func(ctx context.Context) error {
		lost, err := p.store.Done(ctx, confirms)
		if err != nil {
			return err
		}
		p.metrics.lost.Add(float64(lost))
		for _, m := range res.Produce {
			p.metrics.forwarded.WithLabelValues(m.Topic).Inc()
		}
		confirms = nil // confirmed: a retry of Written has nothing left to do
		return nil
	}
	res.Unwritten = func(ctx context.Context) {
		held := make([]dedupe.Claim, 0, len(confirms))
		for _, c := range confirms {
			held = append(held, c.Claim)
		}
		p.store.Release(ctx, held)
	}
	return res, nil
}

// unchecked forwards every report as a first revision, without dedupe.
func (p *Publisher) unchecked(reports []report, res stream.Result) (stream.Result, error) {
	now := p.now().UTC().Truncate(time.Millisecond) // as Redis keeps it
	for _, r := range reports {
		art := r.article()
		msg, err := p.enriched(r, event.Enrichment{
			FirstSeenAt: now, Revision: 1,
			Sources: []event.SourceRef{{Source: art.Source, URL: art.URL, ArticleID: art.ArticleID, SeenAt: now}},
		})
		if err != nil {
			res.Dead = append(res.Dead, stream.Failure{Msg: r.msg, Err: err})
			continue
		}
		res.Produce = append(res.Produce, msg)
		p.metrics.unchecked.Inc()
	}
	return res, nil
}

func (p *Publisher) decode(msg kafka.Message) (report, error) {
	switch msg.Topic {
	case p.topics.Quotes:
		q, err := event.Decode[event.Quote](msg.Value)
		if err != nil {
			return report{}, fmt.Errorf("decode quote: %w", err)
		}
		return report{msg: msg, key: fold.QuoteKey(q), quote: &q}, nil
	case p.topics.Entities:
		e, err := event.Decode[event.Entity](msg.Value)
		if err != nil {
			return report{}, fmt.Errorf("decode entity: %w", err)
		}
		return report{msg: msg, key: fold.EntityKey(e.ArticleID, e.EntityID), entity: &e}, nil
	}
	return report{}, fmt.Errorf("record from unexpected topic %q", msg.Topic)
}

func (p *Publisher) enriched(r report, en event.Enrichment) (kafka.Message, error) {
	if r.quote != nil {
		q := *r.quote
		q.ID = r.key
		return stream.Event{Topic: p.topics.EnrichedQuotes, Key: r.key, ID: fmt.Sprintf("%s/%d", r.key, en.Revision),
			Type: event.CETypeEnrichedQuote, Source: "newswire/publisher", Time: en.FirstSeenAt,
			Value: event.EnrichedQuote{Quote: q, Enrichment: en}}.Message()
	}
	e := *r.entity
	return stream.Event{Topic: p.topics.EnrichedEntities, Key: e.ID, ID: fmt.Sprintf("%s/%d", e.ID, en.Revision),
		Type: event.CETypeEnrichedEntity, Source: "newswire/publisher", Time: en.FirstSeenAt,
		Value: event.EnrichedEntity{Entity: e, Enrichment: en}}.Message()
}

func appendSource(sources []event.SourceRef, s event.SourceRef) []event.SourceRef {
	out := append(sources[:len(sources):len(sources)], s)
	if len(out) > dedupe.MaxSources {
		out = out[len(out)-dedupe.MaxSources:]
	}
	return out
}

type metrics struct {
	forwarded   *prometheus.CounterVec
	duplicates  *prometheus.CounterVec
	updates     *prometheus.CounterVec
	unchecked   prometheus.Counter
	busy        prometheus.Counter
	lost        prometheus.Counter
	redisErrors prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		forwarded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_publisher_forwarded_total", Help: "Enriched records forwarded and confirmed, by output topic.",
		}, []string{"topic"}),
		duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_publisher_duplicates_total", Help: "Records dropped as already forwarded, by input topic.",
		}, []string{"topic"}),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_publisher_updates_total", Help: "Records forwarded as a later revision (another outlet or article), by input topic.",
		}, []string{"topic"}),
		unchecked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_publisher_unchecked_total", Help: "Records forwarded without dedupe while Redis was down (DEDUPE_FAIL_OPEN).",
		}),
		busy: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_publisher_busy_total", Help: "Batches held back because another owner had a live claim on a key.",
		}),
		lost: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_publisher_claims_lost_total", Help: "Claims whose lease ran out before confirmation (the record may be forwarded twice).",
		}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_publisher_redis_errors_total", Help: "Batches that could not be checked because Redis failed.",
		}),
	}
	reg.MustRegister(m.forwarded, m.duplicates, m.updates, m.unchecked, m.busy, m.lost, m.redisErrors)
	return m
}
