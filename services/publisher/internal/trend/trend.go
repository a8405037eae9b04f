// Package trend keeps rolling counts of the articles that mention each
// entity — over the last hour and the last 24 hours, across every source —
// so that consumers can see what is trending.
//
// Each entity has a Redis sorted set of the articles that mentioned it,
// scored by when the publisher first handled them (a mention counts from
// then, though its record is written a moment later). Adding an article
// that is already there changes nothing, so recording a batch twice (a
// retry) counts it once.
package trend

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/publisher/internal/luascript"
)

// Window is the longest count kept.
const Window = 24 * time.Hour

// Counter records mentions and counts them.
type Counter struct {
	rdb    redis.UniversalClient
	prefix string
}

// New returns a counter whose keys start with prefix.
func New(rdb redis.UniversalClient, prefix string) *Counter {
	return &Counter{rdb: rdb, prefix: prefix + "trend:"}
}

// Mention is one article mentioning one entity.
type Mention struct {
	EntityID  string
	ArticleID string
}

// recordScript adds article ARGV[4+i] to the set KEYS[i] of its entity and
// returns, for each, the entity's count over the last hour and over the
// window, those before it included. Each entity's set is trimmed of the
// articles that left the window and its expiry pushed back once a call.
//
// ARGV: the hour's start, the window's start, the sets' time to live (ms)
// and now (ms), then the articles.
var recordScript = redis.NewScript(`
local hour, day, ttl, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local trimmed, counts = {}, {}
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'NX', now, ARGV[4 + i])
  if not trimmed[key] then
    -- After the ZADD: a set it creates must expire too.
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. day)
    redis.call('PEXPIRE', key, ttl)
    trimmed[key] = true
  end
  counts[2 * i - 1] = redis.call('ZCOUNT', key, hour, '+inf')
  counts[2 * i] = redis.call('ZCARD', key)
end
return counts
`)

// Record adds the mentions and returns, for each, its entity's counts
// including that article and every mention before it. Mentions are
// recorded by a script a few hundred at a time, each call atomic:
// publishers recording at once still count every article once. Recording
// a mention again (a retry) keeps its first time and counts it once.
// Articles that left the window are trimmed, and an entity's set expires a
// window after its last mention.
func (c *Counter) Record(ctx context.Context, ms []Mention, now time.Time) ([]event.MentionCounts, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	parts := luascript.Chunks(len(ms))
	cmds := make([]*redis.Cmd, len(parts))
	err := luascript.Pipeline(ctx, c.rdb, []*redis.Script{recordScript}, func(p redis.Pipeliner) {
		for k, part := range parts {
			keys := make([]string, 0, part[1]-part[0])
			args := make([]any, 0, 4+part[1]-part[0])
			args = append(args, score(now.Add(-time.Hour)), score(now.Add(-Window)), (Window + time.Hour).Milliseconds(), score(now))
			for _, m := range ms[part[0]:part[1]] {
				keys = append(keys, c.prefix+m.EntityID)
				args = append(args, m.ArticleID)
			}
			cmds[k] = recordScript.EvalSha(ctx, p, keys, args...)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("record %d mentions: %w", len(ms), err)
	}
	out := make([]event.MentionCounts, len(ms))
	for k, part := range parts {
		counts, err := cmds[k].Int64Slice()
		if err != nil {
			return nil, fmt.Errorf("record mentions: %w", err)
		}
		if len(counts) != 2*(part[1]-part[0]) {
			return nil, fmt.Errorf("record mentions: %d counts for %d mentions", len(counts)/2, part[1]-part[0])
		}
		for i := range part[1] - part[0] {
			out[part[0]+i] = event.MentionCounts{LastHour: counts[2*i], LastDay: counts[2*i+1]}
		}
	}
	return out, nil
}

func score(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
