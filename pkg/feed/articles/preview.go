package articles

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/feedparse"
	"github.com/newswire/newswire/pkg/feed/httpfetch"
)

// Preview is what one read of a feed would emit were none of its items
// emitted before: every article at revision 1.
type Preview struct {
	Status      int // HTTP status
	ContentType string
	FinalURL    string // after redirects
	Bytes       int    // decompressed body
	Title       string
	Language    string
	Encoding    string
	TTL         time.Duration
	Items       int // items parsed
	Dropped     int // items left out: over the limit, or without any text
	Articles    []event.Article
	Pages       Pages
}

// Read fetches the feed once, unconditionally, parses it and makes the
// articles the fetcher's first poll of it would emit, article pages
// included. It writes nothing anywhere.
func Read(ctx context.Context, http Fetcher, feed feedlist.Feed, opts PageOptions, log *zap.Logger, now time.Time) (*Preview, error) {
	resp, err := http.Get(ctx, feed.URL, httpfetch.Validators{}, FeedAccept)
	if err != nil {
		return nil, fmt.Errorf("fetch feed %s: %w", feed.URL, err)
	}
	parsed, err := feedparse.Parse(resp.Body, resp.ContentType)
	if err != nil {
		return nil, fmt.Errorf("read feed %s: %w", feed.URL, err)
	}
	ids, hashes := Identify(feed, parsed)
	arts, _, pending := Changed(feed, parsed, ids, hashes, nil, now.UTC())
	return &Preview{
		Status:      resp.Status,
		ContentType: resp.ContentType,
		FinalURL:    resp.FinalURL,
		Bytes:       len(resp.Body),
		Title:       parsed.Title,
		Language:    parsed.Language,
		Encoding:    parsed.Encoding,
		TTL:         parsed.TTL,
		Items:       len(parsed.Items),
		Dropped:     parsed.Dropped,
		Articles:    arts,
		Pages:       FillPages(ctx, http, feed, arts, pending, opts, log),
	}, nil
}
