// Package feedstate keeps what the fetcher knows about each feed in Redis:
// the validators and body hash of the last response, the outcome of the
// last poll, and which items were already emitted with which content, so a
// restart (or another replica) emits nothing twice. The fetcher writes it;
// operators' tools (the newswire CLI, the console) read it through List.
package feedstate

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/event"
)

// ItemsTTL is how long a feed's item memory outlives its last poll.
const ItemsTTL = 90 * 24 * time.Hour

// ItemsGeneration bounds a feed's item memory. It is kept in two hashes, a
// generation each: items are remembered in the current one, which becomes
// the older one (and the older one is dropped) once it holds more than
// ItemsGeneration items. An item found only in the older one is copied
// into the current one, so an item the feed still lists (a feed lists at
// most feedparse.MaxItems) is never forgotten; one the feed stopped
// listing is forgotten after two generations (for BelTA's few hundred
// items a day, a month or two). A feed that makes up new item IDs on every
// poll holds at most about twice ItemsGeneration in Redis, not every item
// it ever made up.
const ItemsGeneration = 10000

// Store reads and writes feed state.
type Store struct {
	rdb        redis.UniversalClient
	prefix     string
	generation int // ItemsGeneration, smaller in tests
}

// New returns a store whose keys start with prefix.
func New(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, prefix: prefix, generation: ItemsGeneration}
}

func (s *Store) feedKey(feedURL string) string {
	return s.prefix + "fetcher:feed:" + event.Hash(feedURL)
}
func (s *Store) itemsKey(feedURL string) string {
	return s.prefix + "fetcher:items:" + event.Hash(feedURL)
}
func (s *Store) olderItemsKey(feedURL string) string {
	return s.prefix + "fetcher:items-older:" + event.Hash(feedURL)
}

// IndexKey is the set of the configured feeds' URLs, for listing.
func (s *Store) IndexKey() string { return s.prefix + "fetcher:feeds" }

// Feed is the state of one feed.
type Feed struct {
	URL          string
	ETag         string
	LastModified string
	BodyHash     string
	LastPoll     time.Time
	LastSuccess  time.Time
	LastStatus   string
	LastError    string
	LastCode     int // HTTP status of the last response; 0 when none came
	Failures     int
	NextPoll     time.Time
	Items        int
	// What the schedule adapts to: the feed's own <ttl>, the mean gap
	// between its items and when the newest appeared.
	TTL        time.Duration
	PublishGap time.Duration
	LastItem   time.Time
}

// Load returns the feed's state; a feed never polled has a zero state.
func (s *Store) Load(ctx context.Context, feedURL string) (Feed, error) {
	m, err := s.rdb.HGetAll(ctx, s.feedKey(feedURL)).Result()
	if err != nil {
		return Feed{}, fmt.Errorf("load state of feed %s: %w", feedURL, err)
	}
	return decode(feedURL, m), nil
}

func decode(feedURL string, m map[string]string) Feed {
	f := Feed{
		URL:          feedURL,
		ETag:         m["etag"],
		LastModified: m["last_modified"],
		BodyHash:     m["body_hash"],
		LastPoll:     parseUnix(m["last_poll"]),
		LastSuccess:  parseUnix(m["last_success"]),
		LastStatus:   m["last_status"],
		LastError:    m["last_error"],
		NextPoll:     parseUnix(m["next_poll"]),
		LastItem:     parseUnix(m["last_item"]),
		TTL:          parseMillis(m["ttl"]),
		PublishGap:   parseMillis(m["publish_gap"]),
	}
	f.Failures, _ = strconv.Atoi(m["failures"])
	f.Items, _ = strconv.Atoi(m["items"])
	f.LastCode, _ = strconv.Atoi(m["last_code"])
	return f
}

// Save writes the feed's state, and renews it and the feed's item memory
// for ItemsTTL.
func (s *Store) Save(ctx context.Context, f Feed) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.feedKey(f.URL), map[string]any{
			"url":           f.URL,
			"etag":          f.ETag,
			"last_modified": f.LastModified,
			"body_hash":     f.BodyHash,
			"last_poll":     unix(f.LastPoll),
			"last_success":  unix(f.LastSuccess),
			"last_status":   f.LastStatus,
			"last_error":    f.LastError,
			"failures":      f.Failures,
			"next_poll":     unix(f.NextPoll),
			"items":         f.Items,
			"last_code":     f.LastCode,
			"ttl":           f.TTL.Milliseconds(),
			"publish_gap":   f.PublishGap.Milliseconds(),
			"last_item":     unix(f.LastItem),
		})
		p.Expire(ctx, s.feedKey(f.URL), ItemsTTL)
		// A feed polled with nothing new keeps its item memory, or it
		// would emit its old items again once the memory expired.
		p.Expire(ctx, s.itemsKey(f.URL), ItemsTTL)
		p.Expire(ctx, s.olderItemsKey(f.URL), ItemsTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save state of feed %s: %w", f.URL, err)
	}
	return nil
}

// Register adds feeds to the index, so a listing shows them before their
// first poll.
func (s *Store) Register(ctx context.Context, feedURLs []string) error {
	if len(feedURLs) == 0 {
		return nil
	}
	if err := s.rdb.SAdd(ctx, s.IndexKey(), toAny(feedURLs)...).Err(); err != nil {
		return fmt.Errorf("register %d feeds: %w", len(feedURLs), err)
	}
	return nil
}

// Forget removes feeds from the index. Their state and item memory stay
// until they expire, so a feed dropped by mistake and added back emits
// nothing twice.
func (s *Store) Forget(ctx context.Context, feedURLs []string) error {
	if len(feedURLs) == 0 {
		return nil
	}
	if err := s.rdb.SRem(ctx, s.IndexKey(), toAny(feedURLs)...).Err(); err != nil {
		return fmt.Errorf("forget %d feeds: %w", len(feedURLs), err)
	}
	return nil
}

// List returns the state of every indexed feed, ordered by URL: what an
// operator asks when looking for broken feeds.
func (s *Store) List(ctx context.Context) ([]Feed, error) {
	urls, err := s.rdb.SMembers(ctx, s.IndexKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	slices.Sort(urls)
	out := make([]Feed, 0, len(urls))
	const batch = 500
	for start := 0; start < len(urls); start += batch {
		chunk := urls[start:min(start+batch, len(urls))]
		cmds := make([]*redis.MapStringStringCmd, len(chunk))
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, u := range chunk {
				cmds[i] = p.HGetAll(ctx, s.feedKey(u))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list feeds: %w", err)
		}
		for i, u := range chunk {
			out = append(out, decode(u, cmds[i].Val()))
		}
	}
	return out, nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Seen is what was emitted of one item.
type Seen struct {
	Revision    int
	ContentHash string
}

// LookupItems returns what was emitted of each of the given item IDs;
// IDs never emitted are absent. Those found only in the older generation
// of the feed's item memory are copied into the current one: the feed
// still lists them.
func (s *Store) LookupItems(ctx context.Context, feedURL string, ids []string) (map[string]Seen, error) {
	out := make(map[string]Seen, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var current, older *redis.SliceCmd
	// In one transaction: a rotation between the reads would hide an item
	// that moved to the older generation.
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		current = p.HMGet(ctx, s.itemsKey(feedURL), ids...)
		older = p.HMGet(ctx, s.olderItemsKey(feedURL), ids...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up items of feed %s: %w", feedURL, err)
	}
	for i, v := range current.Val() {
		if seen, ok := parseSeen(v); ok {
			out[ids[i]] = seen
		}
	}
	carried := map[string]Seen{}
	for i, v := range older.Val() {
		if _, ok := out[ids[i]]; ok {
			continue
		}
		if seen, ok := parseSeen(v); ok {
			out[ids[i]] = seen
			carried[ids[i]] = seen
		}
	}
	if err := s.RememberItems(ctx, feedURL, carried); err != nil {
		return nil, fmt.Errorf("carry items over: %w", err)
	}
	return out, nil
}

// parseSeen reads an item memory's value, "revision|content hash".
func parseSeen(v any) (Seen, bool) {
	str, ok := v.(string)
	if !ok {
		return Seen{}, false
	}
	rev, hash, ok := strings.Cut(str, "|")
	if !ok {
		return Seen{}, false
	}
	n, err := strconv.Atoi(rev)
	if err != nil {
		return Seen{}, false
	}
	return Seen{Revision: n, ContentHash: hash}, true
}

// rotateScript makes the current generation KEYS[1] of a feed's item
// memory the older one KEYS[2], dropping that, once KEYS[1] holds more
// than ARGV[1] items. The older one is unlinked, freed in the background:
// a memory of the versions before, unbounded, may be large.
var rotateScript = redis.NewScript(`
if redis.call('HLEN', KEYS[1]) > tonumber(ARGV[1]) then
  redis.call('UNLINK', KEYS[2])
  redis.call('RENAME', KEYS[1], KEYS[2])
end
return 0
`)

// RememberItems records emitted items in the current generation of the
// feed's item memory, which becomes the older one once full.
func (s *Store) RememberItems(ctx context.Context, feedURL string, items map[string]Seen) error {
	if len(items) == 0 {
		return nil
	}
	fields := make(map[string]any, len(items))
	for id, it := range items {
		fields[id] = strconv.Itoa(it.Revision) + "|" + it.ContentHash
	}
	current := s.itemsKey(feedURL)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, current, fields)
		p.Expire(ctx, current, ItemsTTL)
		rotateScript.Eval(ctx, p, []string{current, s.olderItemsKey(feedURL)}, s.generation)
		return nil
	})
	if err != nil {
		return fmt.Errorf("remember items of feed %s: %w", feedURL, err)
	}
	return nil
}

func unix(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func parseMillis(s string) time.Duration {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms < 0 {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}

func parseUnix(s string) time.Time {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
