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
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/publisher/internal/luascript"
)

// Window is the longest count kept.
const Window = 24 * time.Hour

// Counter records mentions and counts them.
type Counter struct {
	rdb    redis.UniversalClient
	prefix string
	log    *zap.Logger
}

// New returns a counter whose keys start with prefix; log hears of the
// keys it finds of another type and replaces.
func New(rdb redis.UniversalClient, prefix string, log *zap.Logger) *Counter {
	return &Counter{rdb: rdb, prefix: prefix + "trend:", log: log}
}

// Mention is one article mentioning one entity.
type Mention struct {
	EntityID  string
	ArticleID string
}

// recordScript adds article ARGV[4+i] to the set KEYS[i] of its entity and
// returns {counts, replaced}: for each, the entity's count over the last
// hour and over the window, those before it included, and the keys that
// held another type than a sorted set (written by hand or by another
// version), replaced by a new set. Each entity's set is trimmed of the
// articles that left the window and its expiry pushed back once a call.
//
// ARGV: the hour's start, the window's start, the sets' time to live (ms)
// and now (ms), then the articles.
var recordScript = redis.NewScript(luascript.WrongType + `
local hour, day, ttl, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local trimmed, counts, replaced = {}, {}, {}
for i, key in ipairs(KEYS) do
  if wrongtype(redis.pcall('ZADD', key, 'NX', now, ARGV[4 + i])) then
    redis.call('DEL', key)
    redis.call('ZADD', key, 'NX', now, ARGV[4 + i])
    replaced[#replaced + 1] = key
  end
  if not trimmed[key] then
    -- After the ZADD: a set it creates must expire too.
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. day)
    redis.call('PEXPIRE', key, ttl)
    trimmed[key] = true
  end
  counts[2 * i - 1] = redis.call('ZCOUNT', key, hour, '+inf')
  counts[2 * i] = redis.call('ZCARD', key)
end
return {counts, replaced}
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
		counts, replaced, err := parseCounts(cmds[k], part[1]-part[0])
		if err != nil {
			return nil, fmt.Errorf("record mentions: %w", err)
		}
		for _, key := range replaced {
			c.log.Warn("trend key held another type than a sorted set, replaced", zap.String("key", key))
		}
		copy(out[part[0]:part[1]], counts)
	}
	return out, nil
}

// parseCounts reads the record script's answer for n mentions.
func parseCounts(cmd *redis.Cmd, n int) (counts []event.MentionCounts, replaced []string, err error) {
	vals, err := cmd.Slice()
	if err != nil {
		return nil, nil, err
	}
	if len(vals) != 2 {
		return nil, nil, fmt.Errorf("unexpected answer of %d parts", len(vals))
	}
	nums, _ := vals[0].([]any)
	if len(nums) != 2*n {
		return nil, nil, fmt.Errorf("%d counts for %d mentions", len(nums)/2, n)
	}
	counts = make([]event.MentionCounts, n)
	for i := range counts {
		hour, ok1 := nums[2*i].(int64)
		day, ok2 := nums[2*i+1].(int64)
		if !ok1 || !ok2 {
			return nil, nil, fmt.Errorf("counts %v and %v are not integers", nums[2*i], nums[2*i+1])
		}
		counts[i] = event.MentionCounts{LastHour: hour, LastDay: day}
	}
	keys, _ := vals[1].([]any)
	for _, k := range keys {
		if key, ok := k.(string); ok {
			replaced = append(replaced, key)
		}
	}
	return counts, replaced, nil
}

func score(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
