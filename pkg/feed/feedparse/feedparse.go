// Package feedparse turns the bytes of an RSS, Atom or JSON feed into
// items with plain-text bodies, after settling the charset.
package feedparse

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/feed/charset"
	"github.com/newswire/newswire/pkg/feed/htmltext"
	"github.com/newswire/newswire/pkg/feed/identity"
	"github.com/newswire/newswire/pkg/textcut"
)

// Limits keep one hostile feed from costing more than its share.
const (
	MaxItems      = 1000
	MaxTitleRunes = 1000 // a longer title is cut, "…" its last rune
	// MaxBodyBytes bounds an item's body, its summary and the text of its
	// article page, each.
	MaxBodyBytes = 512 << 10
	// MaxLinkBytes bounds an item's link: a longer one is no link any
	// server takes, so the item is read as having none.
	MaxLinkBytes = event.MaxURLBytes
)

// ErrNotFeed is returned for documents that are no feed at all.
var ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")

// Feed is a parsed feed.
type Feed struct {
	Title    string
	Language string
	Encoding string
	// TTL is how long an RSS feed asks to be cached (<ttl>), or zero.
	TTL   time.Duration
	Items []Item
	// Dropped counts items left out: over MaxItems, or without any text.
	Dropped int
}

// Item is one entry of a feed with its text made plain.
type Item struct {
	GUID    string
	Link    string // tracking parameters removed
	Title   string
	Body    string // the full text when the feed carries it, else the summary
	Summary string
	// FullText says the feed carried the whole article (content:encoded,
	// yandex:full-text), so no page needs fetching.
	FullText  bool
	Published time.Time
	Authors   []string
}

// Parse decodes a feed document. contentType is the HTTP Content-Type.
func Parse(body []byte, contentType string) (*Feed, error) {
	doc, err := charset.ToUTF8(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("decode feed charset: %w", err)
	}
	if len(bytes.TrimSpace(doc.Body)) == 0 {
		return nil, fmt.Errorf("%w: empty document", ErrNotFeed)
	}
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true // for RSS <ttl>, which the universal feed drops
	// Item images are not ours to emit; looking for them parses every
	// item's HTML a second time.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	parsed, err := p.Parse(bytes.NewReader(doc.Body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, fmt.Errorf("%w: %w", ErrNotFeed, err)
		}
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	out := &Feed{
		Title:    htmltext.Line(parsed.Title),
		Language: strings.ToLower(strings.TrimSpace(parsed.Language)),
		Encoding: doc.Encoding,
		TTL:      ttl(parsed),
	}
	for i, it := range parsed.Items {
		if i >= MaxItems {
			out.Dropped += len(parsed.Items) - MaxItems
			break
		}
		item, ok := convert(it)
		if !ok {
			out.Dropped++
			continue
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

func convert(it *gofeed.Item) (Item, bool) {
	if it == nil {
		return Item{}, false
	}
	item := Item{
		GUID:    strings.TrimSpace(it.GUID),
		Link:    link(it),
		Title:   textcut.Runes(htmltext.Line(it.Title), MaxTitleRunes),
		Summary: textcut.Bytes(htmltext.Plain(it.Description), MaxBodyBytes),
	}
	full := fullText(it)
	switch {
	case full != "":
		item.Body, item.FullText = full, true
	case item.Summary != "":
		item.Body = item.Summary
	}
	item.Body = textcut.Bytes(item.Body, MaxBodyBytes)
	if item.Summary == item.Body {
		item.Summary = ""
	}
	switch {
	case it.PublishedParsed != nil:
		item.Published = it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		item.Published = it.UpdatedParsed.UTC()
	}
	for _, a := range it.Authors {
		if a != nil && strings.TrimSpace(a.Name) != "" {
			item.Authors = append(item.Authors, htmltext.Line(a.Name))
		}
	}
	if item.Title == "" && item.Body == "" && item.Link == "" {
		return Item{}, false
	}
	return item, true
}

// fullText returns the whole article when the feed carries it:
// content:encoded (gofeed's Content) or Yandex's full-text element, under
// whatever prefix the feed declared for its namespace.
func fullText(it *gofeed.Item) string {
	for _, elements := range it.Extensions {
		for _, e := range elements["full-text"] {
			if t := htmltext.Plain(e.Value); t != "" {
				return t
			}
		}
	}
	return htmltext.Plain(it.Content)
}

// ttl reads RSS <ttl>, in minutes; nonsense is ignored.
func ttl(f *gofeed.Feed) time.Duration {
	orig, ok := f.OriginalFeed().(*rss.Feed)
	if !ok || orig == nil {
		return 0
	}
	minutes, err := strconv.Atoi(strings.TrimSpace(orig.TTL))
	if err != nil || minutes <= 0 {
		return 0
	}
	return time.Duration(min(minutes, 7*24*60)) * time.Minute
}

// link is the item's first link, cleaned, or "" when it is over
// MaxLinkBytes.
func link(it *gofeed.Item) string {
	l := identity.CleanURL(firstLink(it))
	if len(l) > MaxLinkBytes {
		return ""
	}
	return l
}

func firstLink(it *gofeed.Item) string {
	if it.Link != "" {
		return it.Link
	}
	for _, l := range it.Links {
		if l != "" {
			return l
		}
	}
	return ""
}
