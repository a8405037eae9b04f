// Package poll polls one feed: fetch it (conditionally), parse it, find the
// items not emitted yet or changed since, write them to Kafka, and only
// then remember them, so a crash between the two re-emits rather than loses.
package poll

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/fetcher/internal/feedlist"
	"github.com/newswire/newswire/services/fetcher/internal/feedparse"
	"github.com/newswire/newswire/services/fetcher/internal/feedstate"
	"github.com/newswire/newswire/services/fetcher/internal/httpfetch"
	"github.com/newswire/newswire/services/fetcher/internal/identity"
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

const feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"

// Poller polls feeds.
type Poller struct {
	http  Fetcher
	state State
	out   Producer
	topic string
	log   *zap.Logger
	now   func() time.Time
}

// New returns a poller that writes articles to topic.
func New(f Fetcher, s State, out Producer, topic string, log *zap.Logger) *Poller {
	return &Poller{http: f, state: s, out: out, topic: topic, log: log, now: time.Now}
}

// Result is the outcome of one poll.
type Result struct {
	Status     string // "ok", "not_modified", "unchanged", or "error"
	NewItems   int
	Updated    int
	Bytes      int
	RetryAfter time.Duration // what the server asked for, if anything
	Err        error
}

// Poll polls feed once. Errors are in Result.Err and also saved in the
// feed's state; Poll itself never fails the caller's loop.
func (p *Poller) Poll(ctx context.Context, feed feedlist.Feed) Result {
	now := p.now()
	st, err := p.state.Load(ctx, feed.URL)
	if err != nil {
		return Result{Status: "error", Err: err}
	}
	res := p.poll(ctx, feed, &st)
	st.LastPoll = now
	if res.Err != nil {
		st.Failures++
		st.LastStatus = "error"
		st.LastError = res.Err.Error()
	} else {
		st.Failures = 0
		st.LastStatus = res.Status
		st.LastError = ""
		st.LastSuccess = now
	}
	if err := p.state.Save(ctx, st); err != nil && res.Err == nil {
		res.Err = err
		res.Status = "error"
	}
	return res
}

func (p *Poller) poll(ctx context.Context, feed feedlist.Feed, st *feedstate.Feed) Result {
	resp, err := p.http.Get(ctx, feed.URL, httpfetch.Validators{ETag: st.ETag, LastModified: st.LastModified}, feedAccept)
	if err != nil {
		res := Result{Status: "error", Err: fmt.Errorf("fetch feed: %w", err)}
		var se *httpfetch.StatusError
		if errors.As(err, &se) {
			res.RetryAfter = se.RetryAfter
		}
		return res
	}
	if resp.NotModified() {
		return Result{Status: "not_modified"}
	}
	bodyHash := event.Hash(string(resp.Body))
	if bodyHash == st.BodyHash {
		st.ETag, st.LastModified = resp.Validators.ETag, resp.Validators.LastModified
		return Result{Status: "unchanged", Bytes: len(resp.Body)}
	}
	parsed, err := feedparse.Parse(resp.Body, resp.ContentType)
	if err != nil {
		return Result{Status: "error", Bytes: len(resp.Body), Err: err}
	}

	articles, seen, updated, err := p.fresh(ctx, feed, parsed)
	if err != nil {
		return Result{Status: "error", Bytes: len(resp.Body), Err: err}
	}
	if len(articles) > 0 {
		msgs := make([]kafka.Message, 0, len(articles))
		for _, a := range articles {
			m, err := stream.Event{
				Topic: p.topic, Key: a.ID, ID: a.ID + "/" + fmt.Sprint(a.Revision),
				Type: event.CETypeArticle, Source: feed.URL, Time: a.FetchedAt, Value: a,
			}.Message()
			if err != nil {
				return Result{Status: "error", Err: err}
			}
			msgs = append(msgs, m)
		}
		if err := p.out.WriteMessages(ctx, msgs...); err != nil {
			return Result{Status: "error", Bytes: len(resp.Body), Err: fmt.Errorf("write %d articles: %w", len(msgs), err)}
		}
		if err := p.state.RememberItems(ctx, feed.URL, seen); err != nil {
			// Written but not remembered: the next poll emits them again and
			// the publisher's dedupe absorbs the repeats.
			return Result{Status: "error", Err: err}
		}
	}
	// Validators are kept only once everything the body held is written,
	// so a failure above makes the next poll fetch the body again.
	st.ETag, st.LastModified, st.BodyHash = resp.Validators.ETag, resp.Validators.LastModified, bodyHash
	st.Items = len(parsed.Items)
	p.log.Debug("feed polled", zap.String(logging.KeyFeed, feed.URL), zap.Int(logging.KeyCount, len(articles)))
	return Result{Status: "ok", NewItems: len(articles) - updated, Updated: updated, Bytes: len(resp.Body)}
}

// fresh returns the articles of the items not emitted yet, or changed since,
// and what to remember of them.
func (p *Poller) fresh(ctx context.Context, feed feedlist.Feed, parsed *feedparse.Feed) ([]event.Article, map[string]feedstate.Seen, int, error) {
	ids := make([]string, len(parsed.Items))
	hashes := make([]string, len(parsed.Items))
	for i, it := range parsed.Items {
		ids[i] = identity.ArticleID(feed.URL, identity.Item{GUID: it.GUID, Link: it.Link, Title: it.Title, Content: it.Body})
		hashes[i] = identity.ContentHash(it.Title, it.Body)
	}
	known, err := p.state.LookupItems(ctx, feed.URL, ids)
	if err != nil {
		return nil, nil, 0, err
	}
	now := p.now().UTC()
	var (
		articles []event.Article
		seen     = map[string]feedstate.Seen{}
		updated  int
	)
	for i, it := range parsed.Items {
		id := ids[i]
		if _, dup := seen[id]; dup {
			continue // a GUID repeated within one feed: the first wins
		}
		prev, wasSeen := known[id]
		if wasSeen && prev.ContentHash == hashes[i] {
			continue
		}
		rev := 1
		if wasSeen {
			rev = prev.Revision + 1
			updated++
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
	return articles, seen, updated, nil
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
