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
	for _, q := range quotes {
		m, err := stream.Event{Topic: p.topics.Quotes, Key: q.ID, ID: q.ID, Type: event.CETypeQuote,
			Source: "newswire/extractor", Time: a.FetchedAt, Value: q}.Message()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	for _, e := range entities {
		m, err := stream.Event{Topic: p.topics.Entities, Key: e.ID, ID: e.ID, Type: event.CETypeEntity,
			Source: "newswire/extractor", Time: a.FetchedAt, Value: e}.Message()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
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
