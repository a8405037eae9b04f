// Package quotes keeps the latest quotations the console shows, in Redis,
// so a restarted console (or a second replica) shows them at once.
//
// Each quotation is pushed onto a capped list as it arrives; a later
// revision (another outlet reported it) is pushed again. Reading folds the
// list: one entry per quotation, its highest revision, at the place of its
// latest arrival. Pushing the same revision twice (a redelivery) changes
// nothing a reader sees.
package quotes

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/textcut"
)

// View is a quotation as the page shows it.
type View struct {
	ID          string    `json:"id"`
	Speaker     string    `json:"speaker"` // "" when nobody could be named
	Role        string    `json:"role,omitempty"`
	Text        string    `json:"text"`
	Attribution string    `json:"attribution"`
	Source      string    `json:"source"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Language    string    `json:"language"`
	PublishedAt time.Time `json:"published_at"`
	FirstSeenAt time.Time `json:"first_seen_at"`
	Revision    int       `json:"revision"`
	// Sources are the first MaxSources outlets that carried the
	// quotation; SourceCount counts them all.
	Sources     []Source `json:"sources"`
	SourceCount int      `json:"source_count"`
}

// Source is one outlet that carried the quotation.
type Source struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Bounds on what a view keeps of a record, so that every entry of the list
// (and every live event) stays small whatever a record holds.
const (
	// MaxTextRunes bounds the quotation kept; the page links to the article.
	MaxTextRunes = 1000
	// MaxFieldRunes bounds the speaker, role, source, title and the like.
	MaxFieldRunes = 300
	// MaxURLBytes bounds a link; a longer one is dropped, not cut, since a
	// cut link leads elsewhere.
	MaxURLBytes = 2048
	// MaxSources bounds the outlets listed; SourceCount counts them all.
	MaxSources = 10
	// MaxViewBytes bounds a view's JSON. Escaped for JSON a character can
	// take 6 bytes ("<" is \u003c), so a record made of such characters
	// made views of 170 KB under the bounds above, and every page load 17
	// MB: the outlets listed last are left out while the view is over it.
	// Without any the view is under it, whatever the record holds.
	MaxViewBytes = 32 << 10
)

// FromEvent makes the view of an enriched quotation.
func FromEvent(q event.EnrichedQuote) View {
	v := View{
		ID: textcut.Runes(q.ID, MaxFieldRunes), Text: textcut.Runes(q.Text, MaxTextRunes), Attribution: textcut.Runes(q.Attribution, MaxFieldRunes),
		Source: textcut.Runes(q.Source, MaxFieldRunes), URL: link(q.URL), Title: textcut.Runes(q.Title, MaxFieldRunes),
		Language: textcut.Runes(q.Language, MaxFieldRunes), PublishedAt: q.PublishedAt, FirstSeenAt: q.FirstSeenAt, Revision: q.Revision,
		SourceCount: len(q.Sources),
	}
	if q.Speaker.Name != nil {
		v.Speaker = textcut.Runes(*q.Speaker.Name, MaxFieldRunes)
	}
	if q.Speaker.Role != nil {
		v.Role = textcut.Runes(*q.Speaker.Role, MaxFieldRunes)
	}
	for _, s := range q.Sources[:min(len(q.Sources), MaxSources)] {
		v.Sources = append(v.Sources, Source{Name: textcut.Runes(s.Source, MaxFieldRunes), URL: link(s.URL)})
	}
	for len(v.Sources) > 0 && jsonSize(v) > MaxViewBytes {
		v.Sources = v.Sources[:len(v.Sources)-1]
	}
	return v
}

// jsonSize returns the length of v's JSON; 0 when it has none, which Add
// reports.
func jsonSize(v View) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

// link returns u, or "" when it is too long to keep whole.
func link(u string) string {
	if len(u) > MaxURLBytes {
		return ""
	}
	return u
}

// Store is the list of recent quotations.
type Store struct {
	rdb  redis.UniversalClient
	key  string
	keep int
}

// New returns a store keeping about keep quotations under prefix.
func New(rdb redis.UniversalClient, prefix string, keep int) *Store {
	return &Store{rdb: rdb, key: prefix + "console:quotes", keep: max(keep, 1)}
}

// capacity leaves room for revisions and redeliveries in the list.
func (s *Store) capacity() int64 { return int64(s.keep) * 2 }

// Add pushes quotations, the newest last.
func (s *Store) Add(ctx context.Context, views []View) error {
	if len(views) == 0 {
		return nil
	}
	vals := make([]any, len(views))
	for i, v := range views {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode quotation %s: %w", v.ID, err)
		}
		vals[i] = b
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, s.key, vals...)
		p.LTrim(ctx, s.key, 0, s.capacity()-1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store %d quotations: %w", len(views), err)
	}
	return nil
}

// Recent returns up to n quotations, the latest arrival first.
func (s *Store) Recent(ctx context.Context, n int) ([]View, error) {
	raw, err := s.rdb.LRange(ctx, s.key, 0, s.capacity()-1).Result()
	if err != nil {
		return nil, fmt.Errorf("read recent quotations: %w", err)
	}
	return fold(raw, min(n, s.keep)), nil
}

// fold keeps one entry per quotation (its highest revision) at the place
// of its latest arrival, newest first.
func fold(raw []string, n int) []View {
	out := make([]View, 0, min(n, len(raw)))
	at := make(map[string]int, len(raw))
	for _, r := range raw {
		var v View
		if json.Unmarshal([]byte(r), &v) != nil || v.ID == "" {
			continue // written by another version: not ours to show
		}
		if i, ok := at[v.ID]; ok {
			if v.Revision > out[i].Revision {
				out[i] = v
			}
			continue
		}
		if len(out) == n {
			continue
		}
		at[v.ID] = len(out)
		out = append(out, v)
	}
	return out
}
