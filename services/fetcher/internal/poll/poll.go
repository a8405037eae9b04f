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
	"sync"
	"time"
	"unicode"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/feedparse"
	"github.com/newswire/newswire/pkg/feed/fulltext"
	"github.com/newswire/newswire/pkg/feed/httpfetch"
	"github.com/newswire/newswire/pkg/feed/identity"
	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/fetcher/internal/cadence"
)

// Fetcher gets a document over HTTP.
type Fetcher interface {
	Get(ctx context.Context, url string, v httpfetch.Validators, accept string) (*httpfetch.Response, error)
}

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

const (
	feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
	pageAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
)

// Options tune a Poller.
type Options struct {
	Topic  string
	Limits cadence.Limits
	// MaxPages bounds the article pages fetched in one poll, for feeds that
	// carry only summaries; PageWorkers fetch them side by side.
	MaxPages    int
	PageWorkers int
}

// Poller polls feeds.
type Poller struct {
	http  Fetcher
	state State
	out   Producer
	opts  Options
	log   *zap.Logger
	now   func() time.Time
}

// New returns a poller.
func New(f Fetcher, s State, out Producer, opts Options, log *zap.Logger) *Poller {
	opts.PageWorkers = max(opts.PageWorkers, 1)
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
	Pages    Pages
	// Next is when the feed is due again, from now; Failures counts the
	// polls that failed in a row, this one included.
	Next     time.Duration
	Failures int
	Err      error
}

// Pages counts the article pages of a poll: extracted, or left at the
// summary because the fetch or the extraction failed, or because the
// poll's page budget was spent.
type Pages struct {
	Extracted  int
	Failed     int
	OverBudget int
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
	resp, err := p.http.Get(ctx, feed.URL, httpfetch.Validators{ETag: st.ETag, LastModified: st.LastModified}, feedAccept)
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

	articles, seen, pending, err := p.fresh(ctx, feed, parsed)
	if err != nil {
		res.Err = err
		return res, asked
	}
	res.Pages = p.fetchPages(ctx, feed, articles, pending)
	if len(articles) > 0 {
		msgs := make([]kafka.Message, 0, len(articles))
		for _, a := range articles {
			m, err := stream.Event{
				Topic: p.opts.Topic, Key: a.ID, ID: fmt.Sprintf("%s/%d", a.ID, a.Revision),
				Type: event.CETypeArticle, Source: feed.URL, Time: a.FetchedAt, Value: a,
			}.Message()
			if err != nil {
				res.Err = err
				return res, asked
			}
			msgs = append(msgs, m)
		}
		if err := p.out.WriteMessages(ctx, msgs...); err != nil {
			res.Err = fmt.Errorf("write %d articles: %w", len(msgs), err)
			return res, asked
		}
		if err := p.state.RememberItems(ctx, feed.URL, seen); err != nil {
			// Written but not remembered: the next poll emits them again and
			// the publisher's dedupe absorbs the repeats.
			res.Err = err
			return res, asked
		}
	}
	for _, a := range articles {
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
	p.log.Debug("feed polled", zap.String(logging.KeyFeed, feed.URL), zap.Int(logging.KeyCount, len(articles)))
	res.Status = StatusOK
	return res, max(asked, parsed.TTL)
}

// fetchPages replaces the summary of each pending article by the text of
// its page, at most MaxPages of them. An article whose page cannot be had
// keeps its summary: it is never held back.
func (p *Poller) fetchPages(ctx context.Context, feed feedlist.Feed, articles []event.Article, pending []int) Pages {
	var (
		pages Pages
		mu    sync.Mutex
		wg    sync.WaitGroup
		slots = make(chan struct{}, p.opts.PageWorkers)
	)
	if len(pending) > p.opts.MaxPages {
		pages.OverBudget = len(pending) - p.opts.MaxPages
		pending = pending[:p.opts.MaxPages]
	}
	for _, i := range pending {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			a := &articles[i]
			text, err := p.page(ctx, a.URL)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				pages.Failed++
				p.log.Info("article page not used, summary kept", zap.String(logging.KeyFeed, feed.URL),
					zap.String(logging.KeyURL, a.URL), zap.Error(err))
				return
			}
			pages.Extracted++
			if a.Summary == "" {
				a.Summary = a.Body
			}
			a.Body = text
			if feed.Language == "" && a.Language == "und" {
				a.Language = DetectLanguage(a.Title + " " + text)
			}
		})
	}
	wg.Wait()
	return pages
}

func (p *Poller) page(ctx context.Context, url string) (string, error) {
	resp, err := p.http.Get(ctx, url, httpfetch.Validators{}, pageAccept)
	if err != nil {
		return "", fmt.Errorf("fetch article page: %w", err)
	}
	text, err := fulltext.Extract(resp.Body, resp.ContentType, resp.FinalURL)
	if err != nil {
		return "", fmt.Errorf("extract article from %s: %w", url, err)
	}
	return text, nil
}

// fresh returns the articles of the items not emitted yet, or changed since,
// what to remember of them, and which of them (by index) carry only a
// summary, so their page is worth fetching.
func (p *Poller) fresh(ctx context.Context, feed feedlist.Feed, parsed *feedparse.Feed) ([]event.Article, map[string]feedstate.Seen, []int, error) {
	ids, hashes := identify(feed, parsed)
	known, err := p.state.LookupItems(ctx, feed.URL, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	articles, seen, pending := changedArticles(feed, parsed, ids, hashes, known, p.now().UTC())
	return articles, seen, pending, nil
}

// identify returns each item's ID and content hash.
func identify(feed feedlist.Feed, parsed *feedparse.Feed) (ids, hashes []string) {
	ids = make([]string, len(parsed.Items))
	hashes = make([]string, len(parsed.Items))
	for i, it := range parsed.Items {
		ids[i] = identity.ArticleID(feed.URL, identity.Item{GUID: it.GUID, Link: it.Link, Title: it.Title, Content: it.Body})
		hashes[i] = identity.ContentHash(it.Title, it.Body)
	}
	return ids, hashes
}

// changedArticles turns the items that are new, or whose content changed
// since they were emitted (known), into articles.
func changedArticles(feed feedlist.Feed, parsed *feedparse.Feed, ids, hashes []string, known map[string]feedstate.Seen, now time.Time) ([]event.Article, map[string]feedstate.Seen, []int) {
	var (
		articles []event.Article
		seen     = map[string]feedstate.Seen{}
		pending  []int
		handled  = make(map[string]bool, len(ids))
	)
	for i, it := range parsed.Items {
		id := ids[i]
		if handled[id] {
			// A GUID repeated within one document: the first wins, always,
			// or the two would take turns as new revisions.
			continue
		}
		handled[id] = true
		prev, wasSeen := known[id]
		if wasSeen && prev.ContentHash == hashes[i] {
			continue
		}
		rev := 1
		if wasSeen {
			rev = prev.Revision + 1
		}
		seen[id] = feedstate.Seen{Revision: rev, ContentHash: hashes[i]}
		published := it.Published
		if published.IsZero() || published.After(now.Add(time.Hour)) {
			published = now
		}
		url := it.Link
		if url == "" {
			url = feed.URL
		}
		if !it.FullText && it.Link != "" && it.Link != feed.URL {
			pending = append(pending, len(articles))
		}
		articles = append(articles, event.Article{
			ID:          id,
			URL:         url,
			Title:       it.Title,
			Source:      sourceName(feed, parsed),
			Language:    language(feed, parsed, it),
			PublishedAt: published,
			FetchedAt:   now,
			Body:        it.Body,
			FeedURL:     feed.URL,
			Revision:    rev,
			Authors:     it.Authors,
			Summary:     it.Summary,
		})
	}
	return articles, seen, pending
}

func sourceName(feed feedlist.Feed, parsed *feedparse.Feed) string {
	if feed.Name != "" {
		return feed.Name
	}
	if parsed.Title != "" {
		return parsed.Title
	}
	return feed.URL
}

// language is the configured language, else the feed's own, else a guess
// from the script of the item's text.
func language(feed feedlist.Feed, parsed *feedparse.Feed, it feedparse.Item) string {
	if feed.Language != "" {
		return feed.Language
	}
	if l := parsed.Language; len(l) >= 2 {
		if len(l) > 2 && (l[2] == '-' || l[2] == '_') {
			return l[:2]
		}
		return l
	}
	return DetectLanguage(it.Title + " " + it.Body)
}

// DetectLanguage guesses between the languages Newswire reads from the
// script and the letters only one of them uses.
func DetectLanguage(s string) string {
	var cyr, lat, be, uk int
	for i, r := range s {
		if i > 4096 {
			break
		}
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
			switch r {
			case 'ў', 'Ў':
				be++
			case 'ї', 'Ї', 'є', 'Є', 'ґ', 'Ґ':
				uk++
			case 'і', 'І':
				be++
				uk++
			}
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	switch {
	case cyr == 0 && lat == 0:
		return "und"
	case cyr <= lat:
		return "en"
	case be > uk && be*50 > cyr:
		return "be"
	case uk > be && uk*50 > cyr:
		return "uk"
	}
	return "ru"
}
