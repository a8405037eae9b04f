package feedstate

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
)

func newStore(tb testing.TB) *Store {
	tb.Helper()
	prefix := kafkatest.Name(tb, "test") + ":"
	return New(redistest.Connect(tb, prefix), prefix)
}

func TestSaveLoad(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	empty, err := s.Load(ctx, "https://example.com/rss")
	if err != nil {
		t.Fatal(err)
	}
	if empty != (Feed{URL: "https://example.com/rss"}) {
		t.Errorf("never-polled feed = %+v, want a zero state", empty)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	want := Feed{
		URL: "https://example.com/rss", ETag: `"abc"`, LastModified: "Mon, 02 Jan 2006 15:04:05 GMT",
		BodyHash: "h", LastPoll: now, LastSuccess: now.Add(-time.Minute), LastStatus: "error",
		LastError: "HTTP status 500", LastCode: 500, Failures: 3, NextPoll: now.Add(time.Hour), Items: 20,
		TTL: 15 * time.Minute, PublishGap: 7 * time.Minute, LastItem: now.Add(-2 * time.Hour),
	}
	if err := s.Save(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(ctx, want.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Load = %+v\nwant   %+v", got, want)
	}
}

func TestItems(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	const feed = "https://example.com/rss"
	if err := s.RememberItems(ctx, feed, map[string]Seen{"a": {1, "h1"}, "b": {3, "h2"}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.LookupItems(ctx, feed, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["a"] != (Seen{1, "h1"}) || got["b"] != (Seen{3, "h2"}) {
		t.Errorf("LookupItems = %v", got)
	}
	other, err := s.LookupItems(ctx, "https://example.org/rss", []string{"a"})
	if err != nil || len(other) != 0 {
		t.Errorf("items leaked to another feed: %v, %v", other, err)
	}
}

// Saving a feed's state renews its item memory, which only RememberItems
// did: a feed polled with nothing new would forget its items and emit them
// again. Saving creates no memory for a feed that has none.
func TestSaveRenewsItems(t *testing.T) {
	tests := []struct {
		name     string
		remember bool
	}{
		{"items remembered", true},
		{"no items yet", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			ctx := t.Context()
			const feed = "https://example.com/rss"
			if tt.remember {
				if err := s.RememberItems(ctx, feed, map[string]Seen{"a": {1, "h1"}}); err != nil {
					t.Fatal(err)
				}
				if err := s.rdb.PExpire(ctx, s.itemsKey(feed), time.Minute).Err(); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Save(ctx, Feed{URL: feed, LastStatus: "unchanged"}); err != nil {
				t.Fatal(err)
			}
			ttl, err := s.rdb.PTTL(ctx, s.itemsKey(feed)).Result()
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.remember && ttl <= time.Minute:
				t.Errorf("item memory expires in %s after Save, want it renewed to %s", ttl, ItemsTTL)
			case !tt.remember && ttl != -2*time.Nanosecond: // go-redis: -2 is "no such key"
				t.Errorf("item memory of a feed without items: PTTL %s, want no key", ttl)
			}
		})
	}
}

func TestListAndHandler(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	urls := []string{"https://b.example/rss", "https://a.example/rss", "https://c.example/rss"}
	if err := s.Register(ctx, urls); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, Feed{URL: urls[0], LastStatus: "error", LastError: "HTTP status 503", LastCode: 503, Failures: 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.Forget(ctx, urls[2:]); err != nil {
		t.Fatal(err)
	}
	feeds, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(feeds) != 2 || feeds[0].URL != urls[1] || feeds[1].URL != urls[0] || feeds[1].Failures != 2 {
		t.Fatalf("List = %+v", feeds)
	}

	rec := httptest.NewRecorder()
	s.Handler(zaptest.NewLogger(t)).ServeHTTP(rec, httptest.NewRequest("GET", "/feeds?failing=1", nil))
	var body struct{ Feeds []Summary }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	if len(body.Feeds) != 1 || body.Feeds[0].URL != urls[0] || body.Feeds[0].LastError != "HTTP status 503" || body.Feeds[0].HTTPStatus != 503 {
		t.Errorf("GET /feeds?failing=1 = %s", rec.Body)
	}
}

// A feed's item memory is bounded however many item IDs the feed makes up
// (two generations of at most ItemsGeneration, here 10), yet an item the
// feed keeps listing is never forgotten, and one it stopped listing is
// forgotten after two generations.
func TestItemMemoryIsBounded(t *testing.T) {
	s := newStore(t)
	s.generation = 10
	ctx := t.Context()
	const feed = "https://example.com/rss"
	if err := s.RememberItems(ctx, feed, map[string]Seen{"kept": {1, "k"}, "dropped": {1, "d"}}); err != nil {
		t.Fatal(err)
	}
	for poll := range 40 {
		// Each poll lists "kept" and five items never seen.
		ids := []string{"kept"}
		made := map[string]Seen{}
		for i := range 5 {
			id := "p" + strconv.Itoa(poll) + "-" + strconv.Itoa(i)
			ids = append(ids, id)
			made[id] = Seen{1, "h"}
		}
		known, err := s.LookupItems(ctx, feed, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(known) != 1 || known["kept"] != (Seen{1, "k"}) {
			t.Fatalf("poll %d: known %v, want only the item listed on every poll", poll, known)
		}
		if err := s.RememberItems(ctx, feed, made); err != nil {
			t.Fatal(err)
		}
		held := s.rdb.HLen(ctx, s.itemsKey(feed)).Val() + s.rdb.HLen(ctx, s.olderItemsKey(feed)).Val()
		if held > 2*(10+5) {
			t.Fatalf("poll %d: %d items held, want at most two generations", poll, held)
		}
	}
	if known, err := s.LookupItems(ctx, feed, []string{"dropped", "p0-0", "p39-4"}); err != nil || len(known) != 1 || known["p39-4"] != (Seen{1, "h"}) {
		t.Errorf("after 40 polls: known %v (%v), want only the newest item", known, err)
	}
	for _, key := range []string{s.itemsKey(feed), s.olderItemsKey(feed)} {
		if err := s.rdb.PExpire(ctx, key, time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(ctx, Feed{URL: feed, LastStatus: "unchanged"}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{s.itemsKey(feed), s.olderItemsKey(feed)} {
		if ttl := s.rdb.PTTL(ctx, key).Val(); ttl <= time.Minute {
			t.Errorf("%s expires in %s after Save, want it renewed to %s", key, ttl, ItemsTTL)
		}
	}
}
