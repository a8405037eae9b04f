package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/cli/internal/display"
	"github.com/newswire/newswire/cli/internal/tail"
	"github.com/newswire/newswire/pkg/event"
)

// samples returns the records of two BelTA articles and a TASS one.
func samples() (arts []event.Article, quotes []event.EnrichedQuote, entities []event.EnrichedEntity) {
	at := now.Add(-2 * time.Hour)
	en := sampleArticle("a1", "BelTA", "en", "Lavrov: ‘They Are Trying to Pull Our Central Asian Neighbors Towards the West’", at)
	ru := sampleArticle("a2", "BelTA", "ru", "Лукашенко провел встречу с делегацией Китая", at.Add(10*time.Minute))
	tass := sampleArticle("a3", "TASS", "en", "Kremlin comments on talks", at.Add(20*time.Minute))
	arts = []event.Article{en, ru, tass}
	quotes = []event.EnrichedQuote{
		sampleQuote(en, "Sergey Lavrov", "Q7747", "What is happening in Eurasia testifies to the fact.", 1),
		sampleQuote(ru, "Александр Лукашенко", "Q39526", "Мы ценим наше партнерство", 1),
		sampleQuote(tass, "", "", "There is nothing to add \x1b[31mhere\x1b[0m.", 2, "Interfax"),
		sampleQuote(tass, "Sergey Lavrov", "Q7747", "We are open to talks.", 1),
	}
	entities = []event.EnrichedEntity{
		sampleEntity(en, "Sergey Lavrov", event.TypePerson, "Q7747", 3, 2, 5),
		sampleEntity(en, "Central Asia", event.TypeLoc, "Q27275", 2, 1, 1),
		sampleEntity(ru, "Китай", event.TypeGPE, "Q148", 1, 4, 9),
	}
	return arts, quotes, entities
}

func produceSamples(tb testing.TB, p *pipeline) {
	tb.Helper()
	arts, quotes, entities := samples()
	var msgs []kafka.Message
	for _, a := range arts {
		msgs = append(msgs, message(tb, p.topics.Articles, a.ID, a, a.FetchedAt))
	}
	for _, q := range quotes {
		msgs = append(msgs, message(tb, p.topics.EnrichedQuotes, q.ID, q, q.FirstSeenAt))
	}
	for _, e := range entities {
		msgs = append(msgs, message(tb, p.topics.EnrichedEntities, e.ID, e, e.FirstSeenAt))
	}
	p.produce(tb, msgs...)
}

func TestTailFromTheBeginning(t *testing.T) {
	p := startPipeline(t, 1) // one partition: the lines come in the order written
	produceSamples(t, p)
	tests := []struct {
		args  []string
		lines int
		file  string
	}{
		{[]string{"quotes"}, 4, "tail-quotes.golden"},
		{[]string{"entities"}, 3, "tail-entities.golden"},
		{[]string{"articles"}, 3, "tail-articles.golden"},
		// Once the last line expected is shown, every record before it has
		// been judged; TestFilters judges each record against each filter.
		{[]string{"quotes", "--speaker", "lavrov"}, 2, "tail-quotes-speaker.golden"},
		{[]string{"quotes", "--entity", "Q7747", "--source", "tass"}, 1, "tail-quotes-entity-source.golden"},
		{[]string{"quotes", "--source", "interfax"}, 1, "tail-quotes-also-carried.golden"},
		{[]string{"entities", "--language", "RU"}, 1, "tail-entities-language.golden"},
		{[]string{"articles", "--entity", "kremlin"}, 1, "tail-articles-entity.golden"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			a, out, errOut := newApp(p.env)
			stop := runAsync(t, a, append(append([]string{"tail"}, tt.args...), "--from-beginning")...)
			waitFor(t, out, tt.lines, 10*time.Second)
			if err := stop(); err != nil {
				t.Fatalf("tail: %v\n%s", err, errOut)
			}
			golden(t, tt.file, out.String())
		})
	}
}

func TestTailFollowsNewRecordsOnly(t *testing.T) {
	p := startPipeline(t, 3)
	arts, quotes, _ := samples()
	p.produce(t, message(t, p.topics.EnrichedQuotes, quotes[1].ID, quotes[1], now)) // before tail starts: not shown
	a, out, errOut := newApp(p.env)
	stop := runAsync(t, a, "tail", "quotes")
	// The readers find the end of each partition as they start: write until
	// one of them shows a record.
	deadline := time.Now().Add(15 * time.Second)
	for out.String() == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no line within 15s; stderr: %s", errOut)
		}
		q := sampleQuote(arts[0], "Sergey Lavrov", "Q7747", "New words at "+time.Now().Format(time.RFC3339Nano), 1)
		p.produce(t, message(t, p.topics.EnrichedQuotes, q.ID, q, now))
		time.Sleep(200 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Лукашенко") || !strings.Contains(out.String(), "Sergey Lavrov: “New words at") {
		t.Errorf("tail without --from-beginning showed:\n%s", out)
	}
}

func TestTailSkipsUnreadableRecords(t *testing.T) {
	p := startPipeline(t, 1)
	_, quotes, _ := samples()
	p.produce(t,
		kafka.Message{Topic: p.topics.EnrichedQuotes, Key: []byte("bad"), Value: []byte(`{"id": 1`)},
		kafka.Message{Topic: p.topics.EnrichedQuotes, Key: []byte("empty"), Value: []byte(`{}`)},
		message(t, p.topics.EnrichedQuotes, quotes[0].ID, quotes[0], now),
	)
	a, out, errOut := newApp(p.env)
	stop := runAsync(t, a, "tail", "quotes", "--from-beginning")
	waitFor(t, out, 1, 10*time.Second)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(errOut.String(), "skipped the record at "+p.topics.EnrichedQuotes+"/0 offset"); n != 2 {
		t.Errorf("stderr has %d skipped records, want 2:\n%s", n, errOut)
	}
	if !strings.Contains(errOut.String(), "id is missing") || !strings.Contains(out.String(), "Sergey Lavrov") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
}

func TestTailUsage(t *testing.T) {
	p := startPipeline(t, 1)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"tail", "votes"}, `"votes" is not something to tail`},
		{[]string{"tail", "entities", "--speaker", "x"}, "--speaker applies to quotes"},
		{[]string{"tail", "quotes", "--brokers", "nowhere"}, `--brokers: "nowhere" is not host:port`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			a, _, _ := newApp(p.env)
			err := a.run(t.Context(), tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %s", err, tt.want)
			}
		})
	}
	a, _, _ := newApp(map[string]string{"KAFKA_BROKERS": "no-port"})
	if err := a.run(t.Context(), []string{"tail", "quotes"}); err == nil || !strings.Contains(err.Error(), "KAFKA_BROKERS") {
		t.Errorf("bad KAFKA_BROKERS: err = %v, want one naming the variable", err)
	}
	a, _, _ = newApp(map[string]string{"KAFKA_BROKERS": p.env["KAFKA_BROKERS"]})
	if err := a.run(t.Context(), []string{"tail", "quotes", "--topic", "no-such-topic"}); err == nil || !strings.Contains(err.Error(), "no such topic") {
		t.Errorf("missing topic: err = %v", err)
	}
}

func TestFilters(t *testing.T) {
	arts, quotes, entities := samples()
	records := map[string][]any{tail.Quotes: {quotes[0], quotes[1], quotes[2], quotes[3]}, tail.Entities: {entities[0], entities[1], entities[2]}, tail.Articles: {arts[0], arts[1], arts[2]}}
	tests := []struct {
		kind   string
		filter tail.Filter
		want   []int // the records that pass
	}{
		{tail.Quotes, tail.Filter{}, []int{0, 1, 2, 3}},
		{tail.Quotes, tail.Filter{Speaker: "LAVROV"}, []int{0, 3}},
		{tail.Quotes, tail.Filter{Speaker: "лукашенко"}, []int{1}},
		{tail.Quotes, tail.Filter{Entity: "q7747"}, []int{0, 3}},
		{tail.Quotes, tail.Filter{Entity: "Sergey"}, []int{0, 3}},
		{tail.Quotes, tail.Filter{Source: "tass"}, []int{2, 3}},
		{tail.Quotes, tail.Filter{Source: "Interfax"}, []int{2}},
		{tail.Quotes, tail.Filter{Language: "ru"}, []int{1}},
		{tail.Quotes, tail.Filter{Speaker: "Lavrov", Source: "BelTA"}, []int{0}},
		{tail.Entities, tail.Filter{Entity: "central"}, []int{1}},
		{tail.Entities, tail.Filter{Entity: "Q148"}, []int{2}},
		{tail.Entities, tail.Filter{Source: "belta", Language: "en"}, []int{0, 1}},
		{tail.Articles, tail.Filter{Entity: "делегацией"}, []int{1}},
		{tail.Articles, tail.Filter{Source: "TASS"}, []int{2}},
		{tail.Articles, tail.Filter{Language: "fr"}, nil},
	}
	style := display.Style{Location: time.UTC}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %+v", tt.kind, tt.filter), func(t *testing.T) {
			var got []int
			for i, r := range records[tt.kind] {
				line, err := tail.Render(tt.kind, mustJSON(t, r), tt.filter, style)
				if err != nil {
					t.Fatal(err)
				}
				if line != "" {
					got = append(got, i)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("passed %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRenderInColour pins the coloured form of each kind of line.
func TestRenderInColour(t *testing.T) {
	arts, quotes, entities := samples()
	style := display.Style{Color: true, Location: time.UTC}
	var b strings.Builder
	for _, v := range []struct {
		kind  string
		value any
	}{
		{tail.Quotes, quotes[0]}, {tail.Quotes, quotes[2]}, {tail.Entities, entities[0]}, {tail.Articles, arts[1]},
	} {
		line, err := tail.Render(v.kind, mustJSON(t, v.value), tail.Filter{}, style)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(line + "\n")
	}
	golden(t, "render-colour.golden", b.String())
}
