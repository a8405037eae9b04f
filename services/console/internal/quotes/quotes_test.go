package quotes

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
)

func view(id string, rev int) View {
	return View{ID: id, Revision: rev, Speaker: "Sergey Lavrov", Text: "words of " + id, Source: "BelTA", FirstSeenAt: time.Unix(int64(rev), 0).UTC()}
}

func ids(vs []View) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprintf("%s/%d", v.ID, v.Revision)
	}
	return out
}

func TestFold(t *testing.T) {
	enc := func(vs ...View) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			b, _ := json.Marshal(v)
			out[i] = string(b)
		}
		return out
	}
	tests := []struct {
		name string
		raw  []string // newest first, as the list holds them
		n    int
		want []string
	}{
		{"in order", enc(view("c", 1), view("b", 1), view("a", 1)), 10, []string{"c/1", "b/1", "a/1"}},
		{"a revision moves to the top", enc(view("a", 2), view("c", 1), view("b", 1), view("a", 1)), 10, []string{"a/2", "c/1", "b/1"}},
		{"a redelivered old revision changes nothing", enc(view("a", 1), view("a", 2), view("b", 1)), 10, []string{"a/2", "b/1"}},
		{"at most n", enc(view("c", 1), view("b", 1), view("a", 1)), 2, []string{"c/1", "b/1"}},
		{"a revision beyond n still counts", enc(view("b", 1), view("a", 1), view("b", 3)), 1, []string{"b/3"}},
		{"foreign entries skipped", append([]string{"not json", `{"text":"no id"}`}, enc(view("a", 1))...), 10, []string{"a/1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(fold(tt.raw, tt.n)); !slices.Equal(got, tt.want) {
				t.Errorf("fold = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStore(t *testing.T) {
	prefix := kafkatest.Name(t, "console") + ":"
	s := New(redistest.Connect(t, prefix), prefix, 3)
	ctx := t.Context()
	if got, err := s.Recent(ctx, 10); err != nil || len(got) != 0 {
		t.Fatalf("empty store: %v, %v", got, err)
	}
	if err := s.Add(ctx, []View{view("a", 1), view("b", 1)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(ctx, []View{view("c", 1), view("a", 2), view("a", 2), view("d", 1), view("e", 1)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Recent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"e/1", "d/1", "a/2"}; !slices.Equal(ids(got), want) {
		t.Errorf("Recent = %v, want %v (keep 3)", ids(got), want)
	}
	if got[0].Speaker != "Sergey Lavrov" || got[0].Text != "words of e" {
		t.Errorf("view %+v", got[0])
	}
	// The list is capped: revisions and redeliveries leave room, no more.
	if n, err := s.rdb.LLen(ctx, s.key).Result(); err != nil || n != 6 {
		t.Errorf("list length %d (%v), want 6", n, err)
	}
}

// A record of any size makes a view of bounded size: the list and the live
// events hold views, and a hostile record must not make them large.
func TestFromEventIsBounded(t *testing.T) {
	huge := strings.Repeat("я", 1<<20)
	many := make([]event.SourceRef, 10000)
	for i := range many {
		many[i] = event.SourceRef{Source: fmt.Sprint("outlet ", i), URL: fmt.Sprintf("https://example.com/%d", i)}
	}
	// Characters JSON escapes in 6 bytes, in every field at its bound.
	lt := strings.Repeat("<", 4<<10)
	ltURL := "https://example.com/" + strings.Repeat("<", MaxURLBytes-20)
	ltSources := make([]event.SourceRef, MaxSources)
	for i := range ltSources {
		ltSources[i] = event.SourceRef{Source: lt, URL: ltURL}
	}
	escaped := event.EnrichedQuote{
		Quote: event.Quote{ID: lt, Text: lt, Attribution: lt, Speaker: event.Speaker{Name: &lt, Role: &lt},
			ArticleContext: event.ArticleContext{URL: ltURL, Title: lt, Source: lt, Language: lt}},
		Enrichment: event.Enrichment{Sources: ltSources},
	}
	escapedAlone := escaped
	escapedAlone.Sources = nil
	tests := []struct {
		name    string
		q       event.EnrichedQuote
		sources int
	}{
		{"characters JSON escapes", escaped, MaxSources},
		{"characters JSON escapes, no source", escapedAlone, 0},
		{"many sources", event.EnrichedQuote{Quote: event.Quote{ID: "q1", Text: "words"}, Enrichment: event.Enrichment{Sources: many}}, 10000},
		{"huge fields", event.EnrichedQuote{
			Quote: event.Quote{ID: "q1", Text: huge, Attribution: huge,
				Speaker:        event.Speaker{Name: &huge, Role: &huge},
				ArticleContext: event.ArticleContext{URL: "https://example.com/" + huge, Title: huge, Source: huge, Language: huge}},
			Enrichment: event.Enrichment{Sources: []event.SourceRef{{Source: huge, URL: "https://example.com/" + huge}}},
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(FromEvent(tt.q))
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > 32<<10 {
				t.Errorf("view of %d bytes, want at most 32 KiB", len(b))
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if n, _ := got["source_count"].(float64); int(n) != tt.sources {
				t.Errorf("source_count = %v, want %d", got["source_count"], tt.sources)
			}
		})
	}
}
