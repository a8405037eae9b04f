// Package event holds the records Newswire publishes on Kafka: their Go
// types, their JSON form and the CloudEvents headers that travel with them.
//
// Every record is JSON with snake_case keys and RFC 3339 UTC times. Offsets
// into article text count Unicode code points (OffsetUnit), because that is
// what every consumer outside Go (Python, JavaScript, Java) indexes strings by.
package event

import (
	"time"

	"github.com/newswire/newswire/pkg/simhash"
)

// OffsetUnit names the unit of every offset and length Newswire emits.
const OffsetUnit = "codepoint"

// Attribution kinds of a quotation: how the speaker was found.
const (
	AttributionExplicit     = "explicit"     // a name beside a speech verb
	AttributionNominal      = "nominal"      // a description: "the minister said"
	AttributionPronoun      = "pronoun"      // "he said"
	AttributionContinuation = "continuation" // no attribution of its own; the last speaker's
	AttributionHeadline     = "headline"     // "Lavrov: ‘…’" in a title
	AttributionUnknown      = "unknown"
)

// Entity types.
const (
	TypePerson = "PERSON"
	TypeOrg    = "ORG"
	TypeGPE    = "GPE"
	TypeLoc    = "LOC"
	TypeNORP   = "NORP"
	TypeEvent  = "EVENT"
	TypeMisc   = "MISC"
)

// Where a quotation or mention lies.
const (
	InBody  = "body"
	InTitle = "title"
)

// Article is one news item as the fetcher found it: news.articles, keyed by ID.
type Article struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Source      string    `json:"source"`
	Language    string    `json:"language"`
	PublishedAt time.Time `json:"published_at"`
	FetchedAt   time.Time `json:"fetched_at"`
	// Body is the plain text of the whole article, paragraphs separated by
	// blank lines.
	Body    string `json:"body"`
	FeedURL string `json:"feed_url"`
	// Revision is 1 when the item is first seen and grows each time the feed
	// changes its content.
	Revision int      `json:"revision"`
	Authors  []string `json:"authors,omitempty"`
	Summary  string   `json:"summary,omitempty"`
}

// ArticleContext is what every derived record repeats of its article, so a
// consumer needs no join to show where a quotation or an entity came from.
type ArticleContext struct {
	ArticleID   string    `json:"article_id"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Source      string    `json:"source"`
	Language    string    `json:"language"`
	PublishedAt time.Time `json:"published_at"`
	// SimHash fingerprints the article's body (16 hex digits): articles a
	// few bits apart are one story reprinted.
	SimHash string `json:"simhash,omitempty"`
}

// Context returns the article's context for derived records.
func (a Article) Context() ArticleContext {
	return ArticleContext{
		ArticleID:   a.ID,
		URL:         a.URL,
		Title:       a.Title,
		Source:      a.Source,
		Language:    a.Language,
		PublishedAt: a.PublishedAt,
		SimHash:     simhash.Format(simhash.Sum(a.Body)),
	}
}

// Speaker is who said a quotation. Name is nil when nobody can be named
// with confidence: a null is better than a guess.
type Speaker struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	EntityID *string `json:"entity_id"`
}

// Quote is one direct quotation: news.quotes, keyed by ID.
type Quote struct {
	ID string `json:"id"`
	ArticleContext
	Text        string  `json:"text"`
	Speaker     Speaker `json:"speaker"`
	Verb        *string `json:"verb"`
	Attribution string  `json:"attribution"`
	// Offset and Length locate Text in the article's body (or, for headline
	// quotations, its title: see In), in OffsetUnit.
	Offset     int    `json:"offset"`
	Length     int    `json:"length"`
	OffsetUnit string `json:"offset_unit"`
	In         string `json:"in"`
}

// Mention is one place an entity is named.
type Mention struct {
	Text   string `json:"text"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
	In     string `json:"in"`
}

// Entity is one distinct real-world thing named in one article:
// news.entities, keyed by ID (the article ID and the entity ID).
type Entity struct {
	ID       string `json:"id"`
	EntityID string `json:"entity_id"`
	ArticleContext
	Name       string    `json:"name"`
	Type       string    `json:"type"`
	WikidataID *string   `json:"wikidata_id"`
	Mentions   []Mention `json:"mentions"`
	OffsetUnit string    `json:"offset_unit"`
}

// SourceRef is one outlet that carried a quotation or an entity.
type SourceRef struct {
	Source    string    `json:"source"`
	URL       string    `json:"url"`
	ArticleID string    `json:"article_id"`
	SeenAt    time.Time `json:"seen_at"`
}

// Enrichment is what the publisher adds to every forwarded record.
type Enrichment struct {
	FirstSeenAt time.Time   `json:"first_seen_at"`
	Sources     []SourceRef `json:"sources"`
	// Revision is 1 when the record is first forwarded and grows with every
	// update forwarded under the same key.
	Revision int `json:"revision"`
	// StoryID groups syndicated articles: one ID for every near-duplicate
	// of one article.
	StoryID string `json:"story_id,omitempty"`
	// MentionCounts, on entities, is how many articles mentioned the entity
	// in the last hour and day, across all sources, this one included.
	MentionCounts *MentionCounts `json:"mention_counts,omitempty"`
}

// MentionCounts are rolling counts of the articles mentioning an entity.
type MentionCounts struct {
	LastHour int64 `json:"last_hour"`
	LastDay  int64 `json:"last_day"`
}

// EnrichedQuote is a quotation after dedupe: news.enriched.quotes.
type EnrichedQuote struct {
	Quote
	Enrichment
}

// EnrichedEntity is an entity after dedupe: news.enriched.entities.
type EnrichedEntity struct {
	Entity
	Enrichment
}

// StringPtr returns a pointer to s, or nil when s is empty: the JSON null
// that the contract asks for where a value is unknown.
func StringPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
