// Package articles turns a parsed feed into the article records Newswire
// emits: each item's stable identity and content hash, which items are new
// or changed since they were last emitted, their source name and language,
// and the full text of the items that carry only a summary.
//
// The fetcher emits what this package makes, and `newswire feeds check`
// shows it without writing anything, so both see a feed the same way.
package articles

import (
	"context"
	"fmt"
	"sync"
	"time"
	"unicode"

	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/feedparse"
	"github.com/newswire/newswire/pkg/feed/fulltext"
	"github.com/newswire/newswire/pkg/feed/httpfetch"
	"github.com/newswire/newswire/pkg/feed/identity"
	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/pkg/textcut"
)

// What a feed and an article page are asked for in.
const (
	FeedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
	PageAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
)

// Identify returns each item's ID and content hash.
func Identify(feed feedlist.Feed, parsed *feedparse.Feed) (ids, hashes []string) {
	ids = make([]string, len(parsed.Items))
	hashes = make([]string, len(parsed.Items))
	for i, it := range parsed.Items {
		ids[i] = identity.ArticleID(feed.URL, identity.Item{GUID: it.GUID, Link: it.Link, Title: it.Title, Content: it.Body})
		hashes[i] = identity.ContentHash(it.Title, it.Body)
	}
	return ids, hashes
}

// Changed turns the items that are new, or whose content changed since
// they were emitted (known; nil when nothing was), into articles. It also
// returns what to remember of them once written, and which of them (by
// index) carry only a summary, so their page is worth fetching.
func Changed(feed feedlist.Feed, parsed *feedparse.Feed, ids, hashes []string, known map[string]feedstate.Seen, now time.Time) ([]event.Article, map[string]feedstate.Seen, []int) {
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
		// A date in the future, or before the year 0 (which no record's
		// time can hold), is read as none.
		published := it.Published
		if published.IsZero() || published.After(now.Add(time.Hour)) || !event.InTimeRange(published) {
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

// sourceName names the outlet: the configured name, else the feed's own
// title, else its URL, cut to what a record takes (event.MaxNameBytes).
func sourceName(feed feedlist.Feed, parsed *feedparse.Feed) string {
	name := feed.URL
	switch {
	case feed.Name != "":
		name = feed.Name
	case parsed.Title != "":
		name = parsed.Title
	}
	return textcut.Bytes(name, event.MaxNameBytes)
}

// language is the configured language, else the feed's own, else a guess
// from the script of the item's text. A feed's language longer than a
// record takes (event.MaxLanguageBytes) is read as none.
func language(feed feedlist.Feed, parsed *feedparse.Feed, it feedparse.Item) string {
	if feed.Language != "" {
		return feed.Language
	}
	if l := parsed.Language; len(l) >= 2 && len(l) <= event.MaxLanguageBytes {
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

// Fetcher gets a document over HTTP.
type Fetcher interface {
	Get(ctx context.Context, url string, v httpfetch.Validators, accept string) (*httpfetch.Response, error)
}

// PageOptions bound the article pages fetched for one feed.
type PageOptions struct {
	// Max bounds the pages fetched at once, for feeds that carry only
	// summaries; Workers fetch them side by side.
	Max     int
	Workers int
}

// Pages counts the article pages of a poll: extracted, or left at the
// summary because the fetch or the extraction failed, or because the
// poll's page budget was spent.
type Pages struct {
	Extracted  int
	Failed     int
	OverBudget int
}

// FillPages replaces the summary of each pending article by the text of
// its page, at most opts.Max of them. An article whose page cannot be had
// keeps its summary: it is never held back.
func FillPages(ctx context.Context, http Fetcher, feed feedlist.Feed, articles []event.Article, pending []int, opts PageOptions, log *zap.Logger) Pages {
	var (
		pages Pages
		mu    sync.Mutex
		wg    sync.WaitGroup
		slots = make(chan struct{}, max(opts.Workers, 1))
	)
	if len(pending) > opts.Max {
		pages.OverBudget = len(pending) - opts.Max
		pending = pending[:opts.Max]
	}
	for _, i := range pending {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			a := &articles[i]
			text, err := page(ctx, http, a.URL)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				pages.Failed++
				log.Info("article page not used, summary kept", zap.String(logging.KeyFeed, feed.URL),
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

func page(ctx context.Context, http Fetcher, url string) (string, error) {
	resp, err := http.Get(ctx, url, httpfetch.Validators{}, PageAccept)
	if err != nil {
		return "", fmt.Errorf("fetch article page: %w", err)
	}
	text, err := fulltext.Extract(resp.Body, resp.ContentType, resp.FinalURL)
	if err != nil {
		return "", fmt.Errorf("extract article from %s: %w", url, err)
	}
	return textcut.Bytes(text, feedparse.MaxBodyBytes), nil
}

// ReadPageOptions reads FETCH_MAX_PAGES, the fetcher's page budget per poll.
func ReadPageOptions(e *config.Env) PageOptions {
	return PageOptions{Max: e.Int("FETCH_MAX_PAGES", 20, 0, 1000), Workers: 1}
}
