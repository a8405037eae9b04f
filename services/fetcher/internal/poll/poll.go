// Package poll polls one feed: fetch it (conditionally), parse it, find the
// items not emitted yet or changed since, fetch the article pages of those
// that carry only a summary, write them to Kafka, and only then remember
// them, so a crash between the two re-emits rather than loses. It also
// decides when the feed is due again.
package poll

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/feed/articles"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/feedparse"
	"github.com/newswire/newswire/pkg/feed/httpfetch"
	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/pkg/textcut"
	"github.com/newswire/newswire/services/fetcher/internal/cadence"
)

// State is where feed state lives.
type State interface {
	Load(ctx context.Context, feedURL string) (feedstate.Feed, error)
	Save(ctx context.Context, f feedstate.Feed) error
	LookupItems(ctx context.Context, feedURL string, ids []string) (map[string]feedstate.Seen, error)
	RememberItems(ctx context.Context, feedURL string, items map[string]feedstate.Seen) error
}

// Producer writes records to Kafka and waits for the acknowledgement.
type Producer interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// Options tune a Poller.
type Options struct {
	Topic  string
	Limits cadence.Limits
	// Pages bounds the article pages fetched in one poll, for feeds that
	// carry only summaries.
	Pages articles.PageOptions
}

// Poller polls feeds.
type Poller struct {
	http  articles.Fetcher
	state State
	out   Producer
	opts  Options
	log   *zap.Logger
	now   func() time.Time
}

// New returns a poller.
func New(f articles.Fetcher, s State, out Producer, opts Options, log *zap.Logger) *Poller {
	return &Poller{http: f, state: s, out: out, opts: opts, log: log, now: time.Now}
}

// Outcomes of a poll.
const (
	StatusOK          = "ok"           // parsed; new or changed items, if any, were written
	StatusNotModified = "not_modified" // 304
	StatusUnchanged   = "unchanged"    // 200 with the same ETag or the same body
	StatusError       = "error"
)

// Result is the outcome of one poll.
type Result struct {
	Status   string
	Code     int // HTTP status of the feed's response; 0 when none came
	NewItems int
	Updated  int
	Bytes    int
	Pages    articles.Pages
	// Next is when the feed is due again, from now; Failures counts the
	// polls that failed in a row, this one included.
	Next     time.Duration
	Failures int
	Err      error
}

// Poll polls feed once and sets when it is due again. Errors are in
// Result.Err and also saved in the feed's state; Poll itself never fails
// the caller's loop.
func (p *Poller) Poll(ctx context.Context, feed feedlist.Feed) Result {
	now := p.now()
	st, err := p.state.Load(ctx, feed.URL)
	if err != nil {
		// Without its state the feed cannot be told apart from a new one:
		// try again soon rather than emit everything twice.
		res := Result{Status: StatusError, Err: err, Failures: 1}
		res.Next = p.opts.Limits.Next(cadence.Feed{Configured: feed.Interval, Failures: 1}, now)
		return res
	}
	res, asked := p.poll(ctx, feed, &st)
	st.LastPoll = now
	st.LastCode = res.Code
	if res.Err == nil {
		st.Failures = 0
		st.LastStatus = res.Status
		st.LastError = ""
		st.LastSuccess = now
	} else {
		res.Status = StatusError
		st.Failures++
		st.LastStatus = StatusError
		st.LastError = res.Err.Error()
	}
	res.Failures = st.Failures
	res.Next = p.opts.Limits.Next(cadence.Feed{
		Configured: feed.Interval,
		PublishGap: st.PublishGap,
		LastItem:   st.LastItem,
		Asked:      asked,
		Failures:   st.Failures,
	}, now)
	st.NextPoll = now.Add(res.Next)
	// A poll cut off at its deadline still records why.
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := p.state.Save(saveCtx, st); err != nil && res.Err == nil {
		// What the body held was written; only the bookkeeping is lost, and
		// the next poll (which may fetch the body again) puts it right.
		res.Status, res.Err = StatusError, err
	}
	return res
}

// poll fetches and handles the feed, and returns how long the feed asked
// to be left alone.
func (p *Poller) poll(ctx context.Context, feed feedlist.Feed, st *feedstate.Feed) (Result, time.Duration) {
	resp, err := p.http.Get(ctx, feed.URL, httpfetch.Validators{ETag: st.ETag, LastModified: st.LastModified}, articles.FeedAccept)
	if err != nil {
		res := Result{Err: fmt.Errorf("fetch feed: %w", err)}
		if resp != nil {
			res.Code = resp.Status
		}
		var se *httpfetch.StatusError
		if errors.As(err, &se) {
			return res, se.RetryAfter
		}
		return res, 0
	}
	asked := max(httpfetch.CacheLifetime(resp.Header, p.now()), st.TTL)
	if resp.NotModified() {
		st.ETag, st.LastModified = resp.Validators.ETag, resp.Validators.LastModified
		return Result{Status: StatusNotModified, Code: resp.Status}, asked
	}
	res := Result{Code: resp.Status, Bytes: len(resp.Body)}
	bodyHash := event.Hash(string(resp.Body))
	sameETag := resp.Validators.ETag != "" && resp.Validators.ETag == st.ETag
	if st.BodyHash != "" && (sameETag || bodyHash == st.BodyHash) {
		// The server ignored our validators but sent what we have.
		st.ETag, st.LastModified = resp.Validators.ETag, resp.Validators.LastModified
		res.Status = StatusUnchanged
		return res, asked
	}
	parsed, err := feedparse.Parse(resp.Body, resp.ContentType)
	if err != nil {
		res.Err = err
		return res, asked
	}

	arts, seen, pending, err := p.fresh(ctx, feed, parsed)
	if err != nil {
		res.Err = err
		return res, asked
	}
	res.Pages = p.fillPages(ctx, feed, arts, pending)
	if len(arts) > 0 {
		msgs := make([]kafka.Message, 0, len(arts))
		kept := arts[:0]
		for i := range arts {
			m, fits, err := p.record(feed, &arts[i])
			if err != nil {
				res.Err = err
				return res, asked
			}
			if !fits {
				// Kafka refuses the record, and with it every other one of
				// the write: leave it out, and remember it, for it will
				// never fit.
				p.log.Error("article record over the message size even without its text, left out",
					zap.String(logging.KeyFeed, feed.URL), zap.String(logging.KeyArticle, arts[i].ID),
					zap.String(logging.KeyURL, arts[i].URL), zap.Int("bytes", recordBytes(m)))
				continue
			}
			msgs = append(msgs, m)
			kept = append(kept, arts[i])
		}
		arts = kept
		// What was fetched is written even when the poll's deadline passed
		// meanwhile: a write cut short would only be done again next poll.
		writeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
		defer cancel()
		if err := p.out.WriteMessages(writeCtx, msgs...); err != nil {
			res.Err = fmt.Errorf("write %d articles: %w", len(msgs), err)
			return res, asked
		}
		if err := p.state.RememberItems(writeCtx, feed.URL, seen); err != nil {
			// Written but not remembered: the next poll emits them again and
			// the publisher's dedupe absorbs the repeats.
			res.Err = err
			return res, asked
		}
	}
	for _, a := range arts {
		if a.Revision > 1 {
			res.Updated++
		} else {
			res.NewItems++
		}
	}
	// Validators are kept only once everything the body held is written,
	// so a failure above makes the next poll fetch the body again.
	st.ETag, st.LastModified, st.BodyHash = resp.Validators.ETag, resp.Validators.LastModified, bodyHash
	st.Items = len(parsed.Items)
	st.TTL = parsed.TTL
	published := make([]time.Time, len(parsed.Items))
	for i, it := range parsed.Items {
		published[i] = it.Published
	}
	if gap, newest, ok := cadence.PublishGap(published, p.now()); ok {
		st.PublishGap, st.LastItem = gap, newest
	} else if !newest.IsZero() {
		st.LastItem = newest
	}
	p.log.Debug("feed polled", zap.String(logging.KeyFeed, feed.URL), zap.Int(logging.KeyCount, len(arts)))
	res.Status = StatusOK
	return res, max(asked, parsed.TTL)
}

// writeTimeout bounds writing a poll's articles and remembering them,
// which do not end at the poll's deadline.
const writeTimeout = 30 * time.Second

// fillPages fetches the article pages within half the time left before
// ctx's deadline, so that slow pages leave the write its time. A page not
// fetched by then leaves its article the feed's summary.
func (p *Poller) fillPages(ctx context.Context, feed feedlist.Feed, arts []event.Article, pending []int) articles.Pages {
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Until(deadline)/2)
		defer cancel()
	}
	return articles.FillPages(ctx, p.http, feed, arts, pending, p.opts.Pages, p.log)
}

// maxRecordBytes bounds an article record, well within what the writer
// takes (stream.WriterBatchBytes; one record over it fails the whole
// write) and within the extractor's default MAX_ARTICLE_BYTES and what a
// dead letter keeps whole (stream.MaxDeadLetterValue), so any article
// record can be dead-lettered and replayed intact.
const maxRecordBytes = 1<<20 - 16<<10

// record encodes an article, first cutting its body and summary until the
// record fits in maxRecordBytes. fits is false when it is still too big
// with no text left.
func (p *Poller) record(feed feedlist.Feed, a *event.Article) (m kafka.Message, fits bool, err error) {
	for {
		m, err = stream.Event{
			Topic: p.opts.Topic, Key: a.ID, ID: fmt.Sprintf("%s/%d", a.ID, a.Revision),
			Type: event.CETypeArticle, Source: feed.URL, Time: a.FetchedAt, Value: a,
		}.Message()
		if err != nil {
			return kafka.Message{}, false, err
		}
		size := recordBytes(m)
		if size <= maxRecordBytes {
			return m, true, nil
		}
		if a.Body == "" && a.Summary == "" {
			return m, false, nil
		}
		// Cut each text by the share the record is over, and a tenth more:
		// JSON escapes make bytes of text and of record differ.
		p.log.Warn("article record over the message size, text cut", zap.String(logging.KeyFeed, feed.URL),
			zap.String(logging.KeyArticle, a.ID), zap.Int("bytes", size))
		a.Body = textcut.Bytes(a.Body, len(a.Body)*9/10*maxRecordBytes/size)
		a.Summary = textcut.Bytes(a.Summary, len(a.Summary)*9/10*maxRecordBytes/size)
	}
}

// recordBytes is the size of what a record carries.
func recordBytes(m kafka.Message) int {
	n := len(m.Key) + len(m.Value)
	for _, h := range m.Headers {
		n += len(h.Key) + len(h.Value)
	}
	return n
}

// fresh returns the articles of the items not emitted yet, or changed since,
// what to remember of them, and which of them (by index) carry only a
// summary, so their page is worth fetching.
func (p *Poller) fresh(ctx context.Context, feed feedlist.Feed, parsed *feedparse.Feed) ([]event.Article, map[string]feedstate.Seen, []int, error) {
	ids, hashes := articles.Identify(feed, parsed)
	known, err := p.state.LookupItems(ctx, feed.URL, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	arts, seen, pending := articles.Changed(feed, parsed, ids, hashes, known, p.now().UTC())
	return arts, seen, pending, nil
}
