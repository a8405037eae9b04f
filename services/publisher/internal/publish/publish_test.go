package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/publisher/internal/dedupe"
	"github.com/newswire/newswire/services/publisher/internal/story"
	"github.com/newswire/newswire/services/publisher/internal/trend"
)

var topics = Topics{Quotes: "q", Entities: "e", EnrichedQuotes: "eq", EnrichedEntities: "ee"}

func newPublisher(t *testing.T) *Publisher {
	t.Helper()
	p, _ := newPublisherOn(t)
	return p
}

// newPublisherOn returns a publisher and its dedupe keys.
func newPublisherOn(t *testing.T) (*Publisher, dedupeKeys) {
	t.Helper()
	prefix := kafkatest.Name(t, "publish") + ":"
	rdb := redistest.Connect(t, prefix)
	log := zaptest.NewLogger(t)
	p := New(dedupe.New(rdb, prefix, 10*time.Second, time.Hour), story.New(rdb, prefix, time.Hour, log), trend.New(rdb, prefix, log),
		topics, Options{}, log, prometheus.NewRegistry())
	return p, dedupeKeys{rdb: rdb, prefix: prefix + "publisher:"}
}

// dedupeKeys reads and writes a publisher's dedupe keys in Redis.
type dedupeKeys struct {
	rdb    *redis.Client
	prefix string
}

func (k dedupeKeys) get(t *testing.T, key string) string {
	t.Helper()
	return k.rdb.Get(t.Context(), k.prefix+key).Val()
}

func (k dedupeKeys) set(t *testing.T, key, value string) {
	t.Helper()
	if err := k.rdb.Set(t.Context(), k.prefix+key, value, time.Hour).Err(); err != nil {
		t.Fatalf("write dedupe key %s: %v", key, err)
	}
}

func quoteMsg(t testing.TB, article, source, text string) kafka.Message {
	t.Helper()
	return quoteIn(t, articleOf(article, source, ""), text)
}

// articleOf is the context of the records of one test article.
func articleOf(article, source, simhash string) event.ArticleContext {
	return event.ArticleContext{
		ArticleID: article, URL: "https://" + source + "/" + article, Title: "t", Source: source,
		Language: "en", PublishedAt: time.Unix(1700000000, 0).UTC(), SimHash: simhash,
	}
}

// quoteIn is a quotation record of Sergey Lavrov's in the article.
func quoteIn(t testing.TB, art event.ArticleContext, text string) kafka.Message {
	t.Helper()
	name := "Sergey Lavrov"
	q := event.Quote{
		ID: event.QuoteID(art.ArticleID, event.InBody, 0, text), ArticleContext: art,
		Text: text, Speaker: event.Speaker{Name: &name}, Attribution: event.AttributionExplicit,
		Length: len([]rune(text)), OffsetUnit: event.OffsetUnit, In: event.InBody,
	}
	// As the extractor produces it: JSON with CloudEvents headers.
	m, err := stream.Event{Topic: topics.Quotes, Key: q.ID, ID: q.ID, Type: event.CETypeQuote,
		Source: "newswire/extractor", Time: q.PublishedAt, Value: q}.Message()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// handle runs one batch as the consumer would, with a produce that
// succeeds, and returns the enriched quotations.
func handle(t *testing.T, p *Publisher, batch ...kafka.Message) ([]event.EnrichedQuote, []error) {
	t.Helper()
	res, err := p.Handle(t.Context(), batch)
	if err != nil {
		t.Fatalf("handle: %v", err)
	}
	if res.Written != nil {
		if err := res.Written(t.Context()); err != nil {
			t.Fatalf("confirm: %v", err)
		}
	}
	var out []event.EnrichedQuote
	for _, m := range res.Produce {
		q, err := event.Decode[event.EnrichedQuote](m.Value)
		if err != nil {
			t.Fatalf("enriched record: %v", err)
		}
		if string(m.Key) != q.ID {
			t.Errorf("key %s differs from id %s", m.Key, q.ID)
		}
		out = append(out, q)
	}
	var dead []error
	for _, d := range res.Dead {
		dead = append(dead, d.Err)
	}
	return out, dead
}

func TestExactRedeliveryIsDropped(t *testing.T) {
	p := newPublisher(t)
	m := quoteMsg(t, "a1", "belta.by", "We will do everything to ensure peace in the region.")
	first, _ := handle(t, p, m)
	if len(first) != 1 || first[0].Revision != 1 || len(first[0].Sources) != 1 || first[0].FirstSeenAt.IsZero() {
		t.Fatalf("first delivery = %+v, want one revision-1 record with one source", first)
	}
	again, _ := handle(t, p, m)
	if len(again) != 0 {
		t.Errorf("redelivery forwarded %d records, want none", len(again))
	}
}

func TestReportsFromOtherOutletsFoldIntoRevisions(t *testing.T) {
	p := newPublisher(t)
	first, _ := handle(t, p, quoteMsg(t, "a1", "belta.by", "We will do everything to ensure peace in the region."))
	later, _ := handle(t, p,
		quoteMsg(t, "a2", "sb.by", "we will do everything   to ensure peace in the region"),
		quoteMsg(t, "a3", "minsknews.by", "«We will do everything to ensure peace in the region!»"),
		quoteMsg(t, "a2", "sb.by", "We will do everything to ensure peace in the region."), // a2 again
	)
	if len(later) != 2 {
		t.Fatalf("forwarded %d updates, want 2 (a2 and a3, a2's repeat dropped)", len(later))
	}
	for i, q := range later {
		if q.ID != first[0].ID {
			t.Errorf("update %d has key %s, want the first report's %s", i, q.ID, first[0].ID)
		}
		if q.Revision != i+2 || len(q.Sources) != i+2 {
			t.Errorf("update %d: revision %d with %d sources, want %d and %d", i, q.Revision, len(q.Sources), i+2, i+2)
		}
		if !q.FirstSeenAt.Equal(first[0].FirstSeenAt) {
			t.Errorf("update %d: first_seen_at %s, want the first report's %s", i, q.FirstSeenAt, first[0].FirstSeenAt)
		}
	}
	if got := later[1].Sources[2].Source; got != "minsknews.by" {
		t.Errorf("latest source = %s, want minsknews.by", got)
	}
}

func TestNewQuotationReportedTwiceInOneBatchIsRemembered(t *testing.T) {
	p, keys := newPublisherOn(t)
	text := "We will do everything to ensure peace in the region."
	a1, a2 := quoteMsg(t, "a1", "belta.by", text), quoteMsg(t, "a2", "sb.by", text)
	first, _ := handle(t, p, a1, a2)
	if len(first) != 2 || first[0].Revision != 1 || first[1].Revision != 2 || len(first[1].Sources) != 2 {
		t.Fatalf("one batch with two reports of a new quotation = %+v, want revisions 1 and 2", first)
	}
	// The state proposed with the claim was the one confirmed: by the
	// batch's marker, not by rewriting the key.
	if v := keys.get(t, first[0].ID); !strings.HasPrefix(v, "N") {
		t.Errorf("dedupe key = %.40q, want the claim the marker confirmed", v)
	}
	// What the batch's marker confirmed: both articles, revision 2.
	if again, _ := handle(t, p, a2, a1); len(again) != 0 {
		t.Errorf("redelivery of both reports forwarded %d records, want none", len(again))
	}
	third, _ := handle(t, p, quoteMsg(t, "a3", "minsknews.by", text))
	if len(third) != 1 || third[0].Revision != 3 || len(third[0].Sources) != 3 || !third[0].FirstSeenAt.Equal(first[0].FirstSeenAt) {
		t.Errorf("a third report = %+v, want revision 3 with three sources and the first first_seen_at", third)
	}
}

func TestBadRecordsAreDeadLettered(t *testing.T) {
	p := newPublisher(t)
	good := quoteMsg(t, "a1", "belta.by", "A quotation that is perfectly fine to forward.")
	cases := []kafka.Message{
		{Topic: topics.Quotes, Value: []byte("{not json")},
		{Topic: topics.Quotes, Value: []byte(`{"id":"x"}`)},
		{Topic: "elsewhere", Value: good.Value},
		// No words: each would be a revision of one quotation of Lavrov's.
		quoteMsg(t, "a2", "sb.by", "“…”"),
		quoteMsg(t, "a3", "tass.com", "!!!"),
	}
	out, dead := handle(t, p, append(cases, good)...)
	if len(out) != 1 || len(dead) != len(cases) {
		t.Fatalf("forwarded %d and dead-lettered %d, want 1 and %d", len(out), len(dead), len(cases))
	}
	if want := `text "!!!" has no letters or digits`; !strings.Contains(dead[len(dead)-1].Error(), want) {
		t.Errorf("dead letter's error %q does not name %q", dead[len(dead)-1], want)
	}
}

func entityMsg(t testing.TB, article, source, simhash string) kafka.Message {
	t.Helper()
	return entityIn(t, articleOf(article, source, simhash), "Q184")
}

// entityIn is the record of entity qid in the article.
func entityIn(t testing.TB, art event.ArticleContext, qid string) kafka.Message {
	t.Helper()
	e := event.Entity{
		ID: event.EntityRecordID(art.ArticleID, qid), EntityID: qid, ArticleContext: art,
		Name: "Belarus", Type: event.TypeGPE, WikidataID: &qid, OffsetUnit: event.OffsetUnit,
		Mentions: []event.Mention{{Text: "Belarus", Offset: 0, Length: 7, In: event.InBody}},
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return kafka.Message{Topic: topics.Entities, Key: []byte(e.ID), Value: b}
}

func TestEntitiesAreOnePerStoryWithMentionCounts(t *testing.T) {
	p := newPublisher(t)
	res, err := p.Handle(t.Context(), []kafka.Message{
		entityMsg(t, "a1", "belta.by", "0123456789abcdef"),
		entityMsg(t, "a2", "sb.by", "0123456789abcdee"),    // a reprint: 1 bit away
		entityMsg(t, "a3", "tass.com", "fedcba9876543210"), // another story
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Written(t.Context()); err != nil {
		t.Fatal(err)
	}
	var got []event.EnrichedEntity
	for _, m := range res.Produce {
		e, err := event.Decode[event.EnrichedEntity](m.Value)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 3 {
		t.Fatalf("forwarded %d records, want 3", len(got))
	}
	if got[0].StoryID == "" || got[1].StoryID != got[0].StoryID || got[2].StoryID == got[0].StoryID {
		t.Errorf("stories = %s, %s, %s; want the reprint in the first's story and the third apart", got[0].StoryID, got[1].StoryID, got[2].StoryID)
	}
	if got[1].ID != got[0].ID || got[1].Revision != 2 || len(got[1].Sources) != 2 {
		t.Errorf("the reprint's entity = id %s revision %d with %d sources; want an update of %s", got[1].ID, got[1].Revision, len(got[1].Sources), got[0].ID)
	}
	for i, e := range got {
		if e.MentionCounts == nil || e.MentionCounts.LastHour != int64(i+1) || e.MentionCounts.LastDay != int64(i+1) {
			t.Errorf("record %d: mention counts %+v, want %d in the hour and day", i, e.MentionCounts, i+1)
		}
	}
}

// The consumer hands a batch over while the one before is still being
// written (stream.ConsumerConfig.Overlap): a key the earlier batch holds
// makes the later one wait, and the earlier batch's mentions count already.
func TestBatchHandledBeforeTheOneBeforeIsWritten(t *testing.T) {
	p := newPublisher(t)
	text := "We will do everything to ensure peace in the region."
	earlier, err := p.Handle(t.Context(), []kafka.Message{quoteMsg(t, "a1", "belta.by", text), entityMsg(t, "a1", "belta.by", "0123456789abcdef")})
	if err != nil || len(earlier.Produce) != 2 {
		t.Fatalf("earlier batch: %d records, %v", len(earlier.Produce), err)
	}

	if _, err := p.Handle(t.Context(), []kafka.Message{quoteMsg(t, "a2", "sb.by", text)}); !errors.Is(err, stream.ErrRetry) {
		t.Fatalf("a report of a quotation the batch before holds: err = %v, want ErrRetry", err)
	}
	other, err := p.Handle(t.Context(), []kafka.Message{entityMsg(t, "a3", "tass.com", "fedcba9876543210")})
	if err != nil || len(other.Produce) != 1 {
		t.Fatalf("entity of another story: %d records, %v", len(other.Produce), err)
	}
	e, err := event.Decode[event.EnrichedEntity](other.Produce[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	if e.MentionCounts == nil || e.MentionCounts.LastDay != 2 {
		t.Errorf("mention counts %+v, want 2: the batch before's article counts", e.MentionCounts)
	}

	if err := earlier.Written(t.Context()); err != nil {
		t.Fatal(err)
	}
	later, _ := handle(t, p, quoteMsg(t, "a2", "sb.by", text))
	if len(later) != 1 || later[0].Revision != 2 || len(later[0].Sources) != 2 {
		t.Errorf("once the batch before is written, the report = %+v, want revision 2", later)
	}
}

// A dedupe key whose state cannot be read (written by hand or by another
// version) must not hold the stream back: its quotation is forwarded again
// as new, counted, and the key gets a readable state.
func TestUnreadableDedupeStateIsForwardedAgainAsNew(t *testing.T) {
	p, keys := newPublisherOn(t)
	text := "We will do everything to ensure peace in the region."
	first, _ := handle(t, p, quoteMsg(t, "a1", "belta.by", text))
	if len(first) != 1 {
		t.Fatalf("first delivery forwarded %d records, want 1", len(first))
	}
	keys.set(t, first[0].ID, `D{"r":1,"s":[`)

	again, _ := handle(t, p, quoteMsg(t, "a2", "sb.by", text), quoteMsg(t, "a3", "belta.by", "Another quotation, long enough to count."))
	if len(again) != 2 || again[0].ID != first[0].ID || again[0].Revision != 1 || len(again[0].Sources) != 1 {
		t.Fatalf("after the state was broken = %+v, want the quotation again as revision 1 beside the other", again)
	}
	if n := testutil.ToFloat64(p.metrics.unreadable); n != 1 {
		t.Errorf("unreadable states counted = %v, want 1", n)
	}
	if later, _ := handle(t, p, quoteMsg(t, "a2", "sb.by", text)); len(later) != 0 {
		t.Errorf("redelivery after the state was rewritten forwarded %d records, want none", len(later))
	}
}

// TestSourcesAreBoundedInBytes: every revision of a key carries its sources,
// so sources near the contract's bounds (1 KiB outlet and article id, 8 KiB
// URL) must not make each revision, and the key's state in Redis, 100 times
// that.
func TestSourcesAreBoundedInBytes(t *testing.T) {
	cases := []struct {
		name        string
		urlBytes    int
		wantSources int
	}{
		{"short sources: the last 100", 40, dedupe.MaxSources},
		{"sources near the contract's bounds: the last 32 KiB of them", event.MaxURLBytes - 100, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, keys := newPublisherOn(t)
			text := "We will do everything to ensure peace in the region."
			reportOf := func(i int) kafka.Message {
				art := articleOf(fmt.Sprintf("%0*d", 10+c.urlBytes/8, i), fmt.Sprintf("%0*d", 10+c.urlBytes/8, i), "")
				art.URL = "https://x/" + strings.Repeat("u", c.urlBytes) + strconv.Itoa(i)
				return quoteIn(t, art, text)
			}
			var first, second []kafka.Message
			for i := range 150 {
				first, second = append(first, reportOf(i)), append(second, reportOf(1000+i))
			}
			for round, batch := range [][]kafka.Message{first, second} {
				out, _ := handle(t, p, batch...)
				if len(out) != len(batch) {
					t.Fatalf("round %d: forwarded %d records, want %d", round, len(out), len(batch))
				}
				last := out[len(out)-1]
				if len(last.Sources) != c.wantSources || last.Sources[len(last.Sources)-1].ArticleID != last.ArticleID {
					// The IDs are zero-padded numbers: their ends tell them apart.
					tail := func(id string) string { return id[max(0, len(id)-12):] }
					t.Errorf("round %d: the last revision has %d sources, the newest …%s; want %d, the newest its own …%s",
						round, len(last.Sources), tail(last.Sources[len(last.Sources)-1].ArticleID), c.wantSources, tail(last.ArticleID))
				}
				for _, q := range out {
					if n := sourceBytes(q.Sources); n > dedupe.MaxSourceBytes {
						t.Fatalf("round %d: revision %d carries %d bytes of sources, over %d", round, q.Revision, n, dedupe.MaxSourceBytes)
					}
				}
				if n := len(keys.get(t, last.ID)); n > dedupe.MaxSourceBytes+c.wantSources*100 {
					t.Errorf("round %d: the key's state in Redis is %d bytes", round, n)
				}
			}
		})
	}
}

func sourceBytes(sources []event.SourceRef) int {
	n := 0
	for _, s := range sources {
		n += len(s.Source) + len(s.URL) + len(s.ArticleID)
	}
	return n
}
