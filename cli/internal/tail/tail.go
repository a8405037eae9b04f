// Package tail follows one of the pipeline's topics and prints each record
// as a readable line, keeping only those that pass the filters.
package tail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/cli/internal/display"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/event"
)

// Kinds of record tail follows.
const (
	Quotes   = "quotes"
	Entities = "entities"
	Articles = "articles"
)

// Topic returns the topic a kind is read from: the enriched topics, which
// carry what a reader of the news wants (deduplicated, with sources).
func Topic(kind string, t config.Topics) (string, error) {
	switch kind {
	case Quotes:
		return t.EnrichedQuotes, nil
	case Entities:
		return t.EnrichedEntities, nil
	case Articles:
		return t.Articles, nil
	}
	return "", fmt.Errorf("%q is not something to tail: say quotes, entities or articles", kind)
}

// Filter keeps the records that match every field set. Matching ignores
// case; Speaker, Entity and Source match part of a name.
type Filter struct {
	Speaker  string
	Entity   string // a name, an entity ID or a Wikidata ID
	Source   string
	Language string
}

// Check says which filters make no sense for a kind.
func (f Filter) Check(kind string) error {
	if f.Speaker != "" && kind != Quotes {
		return fmt.Errorf("--speaker applies to quotes, not %s", kind)
	}
	return nil
}

// Follower hands each record of a topic to fn as it arrives.
type Follower interface {
	Follow(ctx context.Context, topic string, fromStart bool, fn func(kafka.Message) error) error
}

// Options say what to follow.
type Options struct {
	Kind      string
	Topic     string
	Filter    Filter
	FromStart bool
}

// MaxErrorRunes bounds the error shown for a record that cannot be read.
const MaxErrorRunes = 300

// Run follows the topic until ctx ends, writing the records that pass the
// filter to out; records that cannot be read are reported on errOut and
// skipped. The decoder's error quotes the record's own bytes, so it is
// cleaned like everything else a record holds before it is shown.
func Run(ctx context.Context, f Follower, opts Options, style display.Style, out, errOut io.Writer) error {
	if err := opts.Filter.Check(opts.Kind); err != nil {
		return err
	}
	err := f.Follow(ctx, opts.Topic, opts.FromStart, func(m kafka.Message) error {
		line, err := Render(opts.Kind, m.Value, opts.Filter, style)
		if err != nil {
			why := display.Truncate(display.Clean(err.Error()), MaxErrorRunes)
			fmt.Fprintf(errOut, "%s\n", style.Warn(fmt.Sprintf("skipped the record at %s/%d offset %d: %s", display.Clean(m.Topic), m.Partition, m.Offset, why)))
			return nil
		}
		if line == "" {
			return nil
		}
		_, err = fmt.Fprintln(out, line)
		return err
	})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Render returns a record's line, or "" when the filter drops it.
func Render(kind string, value []byte, f Filter, style display.Style) (string, error) {
	switch kind {
	case Quotes:
		q, err := event.Decode[event.EnrichedQuote](value)
		if err != nil || !f.quote(q) {
			return "", err
		}
		return style.Quote(q), nil
	case Entities:
		e, err := event.Decode[event.EnrichedEntity](value)
		if err != nil || !f.entity(e) {
			return "", err
		}
		return style.Entity(e), nil
	case Articles:
		a, err := event.Decode[event.Article](value)
		if err != nil || !f.article(a) {
			return "", err
		}
		return style.Article(a), nil
	}
	return "", fmt.Errorf("unknown kind %q", kind)
}

func (f Filter) quote(q event.EnrichedQuote) bool {
	name, id := deref(q.Speaker.Name), deref(q.Speaker.EntityID)
	return contains(name, f.Speaker) &&
		(f.Entity == "" || contains(name, f.Entity) || strings.EqualFold(id, f.Entity)) &&
		f.source(q.Source, q.Sources) && f.language(q.Language)
}

func (f Filter) entity(e event.EnrichedEntity) bool {
	return (f.Entity == "" || contains(e.Name, f.Entity) || strings.EqualFold(e.EntityID, f.Entity) || strings.EqualFold(deref(e.WikidataID), f.Entity)) &&
		f.source(e.Source, e.Sources) && f.language(e.Language)
}

func (f Filter) article(a event.Article) bool {
	return (f.Entity == "" || contains(a.Title, f.Entity) || contains(a.Body, f.Entity)) &&
		f.source(a.Source, nil) && f.language(a.Language)
}

// source matches the record's source or any outlet that also carried it.
func (f Filter) source(source string, also []event.SourceRef) bool {
	if contains(source, f.Source) {
		return true
	}
	for _, s := range also {
		if contains(s.Source, f.Source) {
			return true
		}
	}
	return false
}

func (f Filter) language(lang string) bool {
	return f.Language == "" || strings.EqualFold(lang, f.Language)
}

// contains reports whether s holds part, ignoring case; an empty part
// matches everything.
func contains(s, part string) bool {
	return part == "" || strings.Contains(strings.ToLower(s), strings.ToLower(part))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
