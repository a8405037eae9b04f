// Package feedlist reads the list of feeds to watch: the YAML of the
// design guide, or OPML 2.0 outlines with xmlUrl attributes.
package feedlist

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/newswire/newswire/pkg/boundedread"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/textcut"
)

// MaxFileBytes bounds the size of a feed list.
const MaxFileBytes = 16 << 20

// Feed is one feed to poll.
type Feed struct {
	URL      string        `json:"url"`
	Name     string        `json:"name,omitempty"`
	Language string        `json:"language,omitempty"`
	Interval time.Duration `json:"interval,omitempty"` // 0: the operator's default
}

type yamlFile struct {
	Feeds []yamlFeed `yaml:"feeds"`
}

type yamlFeed struct {
	URL      string `yaml:"url"`
	Name     string `yaml:"name"`
	Language string `yaml:"language"`
	Interval string `yaml:"interval"`
}

// Load reads a feed list file.
func Load(path string) ([]Feed, error) {
	b, err := boundedread.File(path, MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("read feed list: %w", err)
	}
	feeds, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("feed list %s: %w", path, err)
	}
	return feeds, nil
}

// Parse reads a feed list in YAML or OPML, checks every entry and drops
// repeated URLs. Errors name the entry at fault.
func Parse(b []byte) ([]Feed, error) {
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("%d bytes is over the %d-byte limit", len(b), MaxFileBytes)
	}
	trimmed := bytes.TrimSpace(b)
	var (
		feeds []Feed
		err   error
	)
	if bytes.HasPrefix(trimmed, []byte("<")) {
		feeds, err = parseOPML(trimmed)
	} else {
		feeds, err = parseYAML(b)
	}
	if err != nil {
		return nil, err
	}
	if len(feeds) == 0 {
		return nil, errors.New("lists no feeds")
	}
	seen := make(map[string]bool, len(feeds))
	out := feeds[:0]
	var errs []error
	for i, f := range feeds {
		if err := f.Check(); err != nil {
			errs = append(errs, fmt.Errorf("feed %d (%s): %w", i+1, shown(f.URL), err))
			continue
		}
		if seen[f.URL] {
			continue
		}
		seen[f.URL] = true
		out = append(out, f)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func parseYAML(b []byte) ([]Feed, error) {
	var f yamlFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil // an empty file: "lists no feeds"
		}
		return nil, fmt.Errorf("parse YAML: %w", err)
	}
	feeds := make([]Feed, 0, len(f.Feeds))
	var errs []error
	for i, y := range f.Feeds {
		feed := Feed{URL: strings.TrimSpace(y.URL), Name: strings.TrimSpace(y.Name), Language: strings.ToLower(strings.TrimSpace(y.Language))}
		if y.Interval != "" {
			d, err := time.ParseDuration(y.Interval)
			if err != nil {
				errs = append(errs, fmt.Errorf("feed %d (%s): interval %q is not a duration such as 5m", i+1, shown(y.URL), textcut.Marked(y.Interval, 64)))
				continue
			}
			feed.Interval = d
		}
		feeds = append(feeds, feed)
	}
	return feeds, errors.Join(errs...)
}

type opmlOutline struct {
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr"`
	XMLURL   string        `xml:"xmlUrl,attr"`
	Language string        `xml:"language,attr"`
	Outlines []opmlOutline `xml:"outline"`
}

type opmlDoc struct {
	XMLName xml.Name      `xml:"opml"`
	Body    []opmlOutline `xml:"body>outline"`
}

func parseOPML(b []byte) ([]Feed, error) {
	var doc opmlDoc
	dec := xml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse OPML: %w", err)
	}
	var feeds []Feed
	var walk func([]opmlOutline, int)
	walk = func(outlines []opmlOutline, depth int) {
		if depth > 32 {
			return
		}
		for _, o := range outlines {
			if o.XMLURL != "" {
				name := o.Title
				if name == "" {
					name = o.Text
				}
				feeds = append(feeds, Feed{URL: strings.TrimSpace(o.XMLURL), Name: strings.TrimSpace(name), Language: strings.ToLower(strings.TrimSpace(o.Language))})
			}
			walk(o.Outlines, depth+1)
		}
	}
	walk(doc.Body, 0)
	return feeds, nil
}

// shown is a feed's URL as an error names it: at most 200 bytes of it.
func shown(u string) string { return textcut.Marked(u, 200) }

// Check says what is wrong with the entry, if anything. Its URL must fit in
// a record's feed_url (event.MaxURLBytes): every article of the feed
// carries it.
func (f Feed) Check() error {
	if len(f.URL) > event.MaxURLBytes {
		return fmt.Errorf("url of %d bytes is over %d", len(f.URL), event.MaxURLBytes)
	}
	u, err := url.Parse(f.URL)
	if err != nil {
		return fmt.Errorf("url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("url scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("url has no host")
	}
	if f.Interval < 0 {
		return fmt.Errorf("interval %s is negative", f.Interval)
	}
	if f.Language != "" && (len(f.Language) < 2 || len(f.Language) > 8) {
		return fmt.Errorf("language %q is not a language code such as en or ru", f.Language)
	}
	return nil
}
