// Package publish is the publisher's handler: decode quotation and entity
// records, drop what was already forwarded, fold reports of one quotation
// from several outlets into revisions of one record, enrich, and hand the
// enriched records to the consumer to produce.
package publish

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/publisher/internal/dedupe"
	"github.com/newswire/newswire/services/publisher/internal/fold"
	"github.com/newswire/newswire/services/publisher/internal/trend"
)

// Deduper is the claim protocol of package dedupe.
type Deduper interface {
	ClaimAll(ctx context.Context, reqs []dedupe.Request) ([]dedupe.Claim, error)
	Done(ctx context.Context, done []dedupe.Confirm) (lost int, err error)
	Release(ctx context.Context, claims []dedupe.Claim)
}

// Stories assigns syndicated articles to stories.
type Stories interface {
	Assign(ctx context.Context, fingerprints, fallback []string) ([]string, error)
}

// Trends counts the articles that mention each entity.
type Trends interface {
	Record(ctx context.Context, ms []trend.Mention, now time.Time) ([]event.MentionCounts, error)
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
	stories Stories
	trends  Trends
	topics  Topics
	opts    Options
	log     *zap.Logger
	metrics *metrics
	now     func() time.Time
}

// New returns a publisher.
func New(store Deduper, stories Stories, trends Trends, topics Topics, opts Options, log *zap.Logger, reg prometheus.Registerer) *Publisher {
	return &Publisher{store: store, stories: stories, trends: trends, topics: topics, opts: opts, log: log, metrics: newMetrics(reg), now: time.Now}
}

// report is one decoded input record, decoded into the enriched record it
// becomes, whose enrichment is filled in when it is forwarded.
type report struct {
	msg    kafka.Message
	key    string
	story  string
	quote  *event.EnrichedQuote
	entity *event.EnrichedEntity
}

func (r report) article() event.ArticleContext {
	if r.quote != nil {
		return r.quote.ArticleContext
	}
	return r.entity.ArticleContext
}

// Handle implements stream.Handler. Per batch it makes at most four Redis
// round trips (stories not yet known, claims, mentions, confirmation) and
// one Kafka write.
//
// The consumer may hand it a batch while the one before is being written:
// a key that batch claimed is busy until it is confirmed, so the batch
// waits for it (ErrRetry), and mentions are recorded here, not once
// written, so the later batch counts them.
func (p *Publisher) Handle(ctx context.Context, batch []kafka.Message) (stream.Result, error) {
	reports, res := p.decodeAll(batch)
	if len(reports) == 0 {
		return res, nil
	}
	if err := p.assignStories(ctx, reports); err != nil {
		return p.redisFailed(err, reports, res)
	}
	now := p.now().UTC().Truncate(time.Millisecond) // as Redis keeps it
	reqs, groups := claimRequests(reports)
	// What each key becomes if it was never forwarded goes with its claim.
	ifNew := freshReports(reports, reqs, groups, nil)
	for i := range reqs {
		reqs[i].New, _ = forward(dedupe.Claim{}, groups[reqs[i].Key], reports, ifNew, nil, now, nil)
	}
	claims, err := p.store.ClaimAll(ctx, reqs)
	if errors.Is(err, dedupe.ErrBusy) {
		p.metrics.busy.Inc()
		return stream.Result{}, fmt.Errorf("dedupe keys held by another publisher: %w", stream.ErrRetry)
	}
	if err != nil {
		return p.redisFailed(err, reports, res)
	}
	p.noteUnreadable(claims)
	fresh := freshReports(reports, reqs, groups, claims)
	counts, err := p.recordMentions(ctx, reports, fresh, now)
	if err != nil {
		p.store.Release(ctx, claims)
		return p.redisFailed(err, reports, res)
	}

	var (
		confirms = make([]dedupe.Confirm, 0, len(claims))
		idle     []dedupe.Claim // every report of the key a duplicate
		outgoing = make([]outgoing, 0, len(reports))
	)
	for i, c := range claims {
		state, n := forward(c, groups[reqs[i].Key], reports, fresh, counts, now, &outgoing)
		if n == 0 {
			idle = append(idle, c)
			continue
		}
		confirms = append(confirms, dedupe.Confirm{Claim: c, State: state})
	}
	p.store.Release(ctx, idle)
	p.count(reports, fresh, outgoing)
	msgs := make([]kafka.Message, len(outgoing))
	errs := make([]error, len(outgoing))
	parallel(len(outgoing), func(i int) { msgs[i], errs[i] = p.enriched(&reports[outgoing[i].report], &outgoing[i].enrichment) })
	for i, err := range errs {
		if err != nil {
			// Encoding what decoded cannot fail but for a bug: hold the batch
			// rather than forward part of a key's revisions.
			p.store.Release(ctx, claims)
			return stream.Result{}, fmt.Errorf("encode enriched record of %s: %w", reports[outgoing[i].report].key, err)
		}
	}
	res.Produce = msgs

	produced := res.Produce
	res.Written = func(ctx context.Context) error {
		lost, err := p.store.Done(ctx, confirms)
		if err != nil {
			return err
		}
		p.metrics.lost.Add(float64(lost))
		for _, m := range produced {
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

// decodeAll decodes the batch on every core; what does not decode is
// dead-lettered.
func (p *Publisher) decodeAll(batch []kafka.Message) ([]report, stream.Result) {
	decoded := make([]report, len(batch))
	errs := make([]error, len(batch))
	parallel(len(batch), func(i int) { decoded[i], errs[i] = p.decode(batch[i]) })
	var res stream.Result
	reports := decoded[:0]
	for i, r := range decoded {
		if errs[i] != nil {
			res.Dead = append(res.Dead, stream.Failure{Msg: batch[i], Err: errs[i]})
			continue
		}
		reports = append(reports, r)
	}
	return reports, res
}

// parallel runs fn(0) … fn(n-1) on as many goroutines as there are cores.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for start := 0; start < n; start += per {
		wg.Add(1)
		go func(start, end int) {
			defer wg.Done()
			for i := start; i < end; i++ {
				fn(i)
			}
		}(start, min(start+per, n))
	}
	wg.Wait()
}

// redisFailed decides what a batch does when Redis fails: wait for it (the
// consumer retries the batch), or, when the operator chose to, forward
// unchecked.
func (p *Publisher) redisFailed(err error, reports []report, res stream.Result) (stream.Result, error) {
	if p.opts.FailOpen {
		p.log.Warn("redis unavailable, forwarding unchecked", zap.Error(err))
		return p.unchecked(reports, res)
	}
	p.metrics.redisErrors.Inc()
	return stream.Result{}, fmt.Errorf("%w: %w", stream.ErrRetry, err)
}

// claimRequests makes one claim per key, listing its reports' articles in
// order; groups maps each key to its reports.
func claimRequests(reports []report) ([]dedupe.Request, map[string][]int) {
	groups := make(map[string][]int, len(reports))
	reqs := make([]dedupe.Request, 0, len(reports))
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
	return reqs, groups
}

// freshReports marks the reports that are not duplicates: not forwarded
// before (as the claims found; nil claims: keys never forwarded) and not
// repeated earlier in the batch.
func freshReports(reports []report, reqs []dedupe.Request, groups map[string][]int, claims []dedupe.Claim) []bool {
	out := make([]bool, len(reports))
	for i, req := range reqs {
		seen := map[string]bool{}
		for k, idx := range groups[req.Key] {
			art := reports[idx].article().ArticleID
			out[idx] = (claims == nil || !claims[i].Duplicate[k]) && !seen[art]
			seen[art] = true
		}
	}
	return out
}

// outgoing is one enriched record to encode and produce: the index of its
// report and what enriches it.
type outgoing struct {
	report     int
	enrichment event.Enrichment
}

// forward works out one claimed key's fresh reports, each a revision after
// the last: it returns the key's state once they are written and how many
// there are (none when every report was a duplicate), and appends their
// enriched records to out unless out is nil.
func forward(c dedupe.Claim, reportsOfKey []int, reports []report, fresh []bool, counts []*event.MentionCounts, now time.Time, out *[]outgoing) (dedupe.State, int) {
	st := c.State
	if st.FirstSeen.IsZero() {
		st.FirstSeen = now
	}
	n := 0
	for _, idx := range reportsOfKey {
		if !fresh[idx] {
			continue
		}
		r := &reports[idx]
		art := r.article()
		st.Revision++
		st.Sources = appendSource(st.Sources, event.SourceRef{Source: art.Source, URL: art.URL, ArticleID: art.ArticleID, SeenAt: now})
		n++
		if out != nil {
			*out = append(*out, outgoing{report: idx, enrichment: event.Enrichment{
				FirstSeenAt: st.FirstSeen, Sources: st.Sources, Revision: st.Revision, StoryID: r.story, MentionCounts: counts[idx],
			}})
		}
	}
	return st, n
}

// noteUnreadable reports the keys whose dedupe state could not be read:
// their records are forwarded again as new.
func (p *Publisher) noteUnreadable(claims []dedupe.Claim) {
	for _, c := range claims {
		if c.Unreadable != nil {
			p.metrics.unreadable.Inc()
			p.log.Warn("dedupe state unreadable, forwarding the key's records as new", zap.String("key", c.Key), zap.Error(c.Unreadable))
		}
	}
}

// count adds a batch's duplicates and updates to the metrics.
func (p *Publisher) count(reports []report, fresh []bool, outgoing []outgoing) {
	for i, r := range reports {
		if !fresh[i] {
			p.metrics.duplicates.WithLabelValues(r.msg.Topic).Inc()
		}
	}
	for _, o := range outgoing {
		if o.enrichment.Revision > 1 {
			p.metrics.updates.WithLabelValues(reports[o.report].msg.Topic).Inc()
		}
	}
}

// unchecked forwards every report as a first revision, without dedupe.
func (p *Publisher) unchecked(reports []report, res stream.Result) (stream.Result, error) {
	now := p.now().UTC().Truncate(time.Millisecond) // as Redis keeps it
	for _, r := range reports {
		art := r.article()
		msg, err := p.enriched(&r, &event.Enrichment{
			FirstSeenAt: now, Revision: 1, StoryID: r.article().ArticleID,
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
		q := new(event.EnrichedQuote)
		if err := event.DecodeInto(msg.Value, &q.Quote); err != nil {
			return report{}, fmt.Errorf("decode quote: %w", err)
		}
		key, err := fold.QuoteKey(q.Quote)
		if err != nil {
			return report{}, fmt.Errorf("fold quote: %w", err)
		}
		return report{msg: msg, key: key, quote: q}, nil
	case p.topics.Entities:
		e := new(event.EnrichedEntity)
		if err := event.DecodeInto(msg.Value, &e.Entity); err != nil {
			return report{}, fmt.Errorf("decode entity: %w", err)
		}
		return report{msg: msg, entity: e}, nil
	}
	return report{}, fmt.Errorf("record from unexpected topic %q", msg.Topic)
}

// enriched encodes a report's record with its enrichment. A report is
// forwarded at most once a batch, so its record is filled in place.
func (p *Publisher) enriched(r *report, en *event.Enrichment) (kafka.Message, error) {
	if r.quote != nil {
		v := r.quote
		v.Enrichment, v.ID = *en, r.key
		return stream.Event{Topic: p.topics.EnrichedQuotes, Key: r.key, ID: revisionID(r.key, en.Revision),
			Type: event.CETypeEnrichedQuote, Source: "newswire/publisher", Time: en.FirstSeenAt, Value: v}.Message()
	}
	v := r.entity
	v.Enrichment, v.ID = *en, event.EntityRecordID(en.StoryID, v.EntityID)
	return stream.Event{Topic: p.topics.EnrichedEntities, Key: v.ID, ID: revisionID(v.ID, en.Revision),
		Type: event.CETypeEnrichedEntity, Source: "newswire/publisher", Time: en.FirstSeenAt, Value: v}.Message()
}

// revisionID is the CloudEvents id of one revision of a key's record.
func revisionID(key string, revision int) string {
	return key + "/" + strconv.Itoa(revision)
}

// assignStories gives every report its article's story and every entity
// report its key: one entity per story.
func (p *Publisher) assignStories(ctx context.Context, reports []report) error {
	index := make(map[string]int, len(reports))
	var fingerprints, articles []string
	for _, r := range reports {
		art := r.article()
		if _, ok := index[art.ArticleID]; !ok {
			index[art.ArticleID] = len(articles)
			fingerprints = append(fingerprints, art.SimHash)
			articles = append(articles, art.ArticleID)
		}
	}
	stories, err := p.stories.Assign(ctx, fingerprints, articles)
	if err != nil {
		return err
	}
	for i := range reports {
		r := &reports[i]
		r.story = stories[index[r.article().ArticleID]]
		if r.entity != nil {
			r.key = fold.EntityKey(r.story, r.entity.EntityID)
		}
	}
	return nil
}

// recordMentions records the mentions of the fresh entity reports and
// returns each report's mention counts, nil for the others.
func (p *Publisher) recordMentions(ctx context.Context, reports []report, fresh []bool, now time.Time) ([]*event.MentionCounts, error) {
	var mentions []trend.Mention
	var which []int
	for i, r := range reports {
		if r.entity != nil && fresh[i] {
			mentions = append(mentions, trend.Mention{EntityID: r.entity.EntityID, ArticleID: r.entity.ArticleID})
			which = append(which, i)
		}
	}
	out := make([]*event.MentionCounts, len(reports))
	if len(mentions) == 0 {
		return out, nil
	}
	counts, err := p.trends.Record(ctx, mentions, now)
	if err != nil {
		return nil, err
	}
	for k, i := range which {
		out[i] = &counts[k]
	}
	return out, nil
}

// appendSource appends s to a key's sources and keeps the newest within
// dedupe.MaxSources and dedupe.MaxSourceBytes; s itself is always kept.
func appendSource(sources []event.SourceRef, s event.SourceRef) []event.SourceRef {
	out := append(sources[:len(sources):len(sources)], s)
	first := max(0, len(out)-dedupe.MaxSources)
	size := 0
	for i := len(out) - 1; i >= first; i-- {
		size += len(out[i].Source) + len(out[i].URL) + len(out[i].ArticleID)
		if size > dedupe.MaxSourceBytes && i < len(out)-1 {
			first = i + 1
			break
		}
	}
	return out[first:]
}

type metrics struct {
	forwarded   *prometheus.CounterVec
	duplicates  *prometheus.CounterVec
	updates     *prometheus.CounterVec
	unchecked   prometheus.Counter
	busy        prometheus.Counter
	lost        prometheus.Counter
	unreadable  prometheus.Counter
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
			Name: "newswire_publisher_busy_total", Help: "Batches held back because another batch or publisher had a live claim on a key (the batch is handled again).",
		}),
		lost: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_publisher_claims_lost_total", Help: "Claims whose lease ran out before confirmation (the record may be forwarded twice).",
		}),
		unreadable: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_publisher_unreadable_states_total", Help: "Dedupe keys whose state in Redis could not be read; their records were forwarded again as new.",
		}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_publisher_redis_errors_total", Help: "Batches that could not be checked because Redis failed.",
		}),
	}
	reg.MustRegister(m.forwarded, m.duplicates, m.updates, m.unchecked, m.busy, m.lost, m.unreadable, m.redisErrors)
	return m
}
