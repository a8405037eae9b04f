// Package extract turns one article record into its quotation and entity
// records.
package extract

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/entity"
	"github.com/newswire/newswire/services/extractor/internal/quote"
)

// ErrTooLarge is returned for an article over the size limit.
var ErrTooLarge = errors.New("article over the size limit")

// ErrTooManyRecords is returned for an article whose records would come to
// more than OutputFactor times its own record and OutputAllowance.
var ErrTooManyRecords = errors.New("article's records over their size limit")

// OutputFactor and OutputAllowance bound the records one article makes,
// keys and values together, at OutputFactor times the article's record and
// OutputAllowance bytes. Every record repeats the article's URL, title and
// source (up to 13 KiB), so an article of 1 MiB made of short quotations
// made 42,326 records of 514 MB, all held until the batch was written, and
// one of 16 KiB made 2.5 MB. Bounded by its own size, an article's records
// are bounded with the batch's (it stops growing at
// stream.ConsumerConfig.MaxBatchBytes, 16 MiB, or MaxBatch, 500): at most
// 16 × (16 MiB + the last article) + 500 × 256 KiB. News makes
// at most 13.4 times its record (the 1,681 articles of PolNeAR, NEREL and
// the seed; 2 to 5 times most often).
const (
	OutputFactor    = 16
	OutputAllowance = 256 << 10
)

// Topics are where the records go.
type Topics struct {
	Quotes   string
	Entities string
}

// Pipeline extracts quotations and entities from articles.
type Pipeline struct {
	quotes   *quote.Extractor
	entities *entity.Extractor
	topics   Topics
	maxBytes int
	now      func() time.Time
}

// New returns a pipeline; articles whose record is over maxBytes are
// refused.
func New(q *quote.Extractor, e *entity.Extractor, topics Topics, maxBytes int) *Pipeline {
	return &Pipeline{quotes: q, entities: e, topics: topics, maxBytes: maxBytes, now: time.Now}
}

// Handle is a stream.RecordFunc: one article record in, its quotation and
// entity records out. Every error is permanent: the record is dead-lettered.
func (p *Pipeline) Handle(_ context.Context, msg kafka.Message) ([]kafka.Message, error) {
	if len(msg.Value) > p.maxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(msg.Value), p.maxBytes)
	}
	a, err := event.Decode[event.Article](msg.Value)
	if err != nil {
		return nil, fmt.Errorf("decode article: %w", err)
	}
	quotes, entities := p.Extract(a)
	out := make([]kafka.Message, 0, len(quotes)+len(entities))
	size, limit := 0, OutputFactor*len(msg.Value)+OutputAllowance
	add := func(e stream.Event) error {
		m, err := e.Message()
		if err != nil {
			return err
		}
		if size += len(m.Key) + len(m.Value); size > limit {
			return fmt.Errorf("%w: %d quotations and %d entities, whose first %d records pass %d bytes (%d × the article's %d + %d)",
				ErrTooManyRecords, len(quotes), len(entities), len(out)+1, limit, OutputFactor, len(msg.Value), OutputAllowance)
		}
		out = append(out, m)
		return nil
	}
	for _, q := range quotes {
		if err := add(stream.Event{Topic: p.topics.Quotes, Key: q.ID, ID: q.ID, Type: event.CETypeQuote,
			Source: "newswire/extractor", Time: a.FetchedAt, Value: q}); err != nil {
			return nil, err
		}
	}
	for _, e := range entities {
		if err := add(stream.Event{Topic: p.topics.Entities, Key: e.ID, ID: e.ID, Type: event.CETypeEntity,
			Source: "newswire/extractor", Time: a.FetchedAt, Value: e}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Extract returns the quotation and entity records of an article.
func (p *Pipeline) Extract(a event.Article) ([]event.Quote, []event.Entity) {
	d := doc.Document{Title: a.Title, Body: a.Body, Language: a.Language}
	ctx := a.Context()
	ents := p.entities.Extract(d)
	people := map[string]string{}
	entities := make([]event.Entity, 0, len(ents))
	for _, e := range ents {
		if e.Type == event.TypePerson {
			people[strings.ToLower(e.Name)] = e.ID
		}
		rec := event.Entity{
			ID:             event.EntityRecordID(a.ID, e.ID),
			EntityID:       e.ID,
			ArticleContext: ctx,
			Name:           e.Name,
			Type:           e.Type,
			WikidataID:     event.StringPtr(e.WikidataID),
			OffsetUnit:     event.OffsetUnit,
		}
		for _, m := range e.Mentions {
			rec.Mentions = append(rec.Mentions, event.Mention{Text: m.Text, Offset: m.Start, Length: m.End - m.Start, In: m.In})
		}
		entities = append(entities, rec)
	}

	qs := p.quotes.Extract(d)
	quotes := make([]event.Quote, 0, len(qs))
	for _, q := range qs {
		speaker := event.Speaker{Name: event.StringPtr(q.Speaker), Role: event.StringPtr(q.Role)}
		if id, ok := people[strings.ToLower(q.Speaker)]; ok {
			speaker.EntityID = &id
		}
		quotes = append(quotes, event.Quote{
			ID:             event.QuoteID(a.ID, q.In, q.Start, q.Text),
			ArticleContext: ctx,
			Text:           q.Text,
			Speaker:        speaker,
			Verb:           event.StringPtr(q.Verb),
			Attribution:    q.Attribution,
			Offset:         q.Start,
			Length:         q.End - q.Start,
			OffsetUnit:     event.OffsetUnit,
			In:             q.In,
		})
	}
	return quotes, entities
}
