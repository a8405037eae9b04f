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

// Record adds the mentions and returns, for each, its entity's counts
// including that article and every mention before it, in one transaction:
// publishers recording at once still count every article once. Recording a
// mention again (a retry) keeps its first time and counts it once. Articles
// that left the window are trimmed, and an entity's set expires a window
// after its last mention.
func (c *Counter) Record(ctx context.Context, ms []Mention, now time.Time) ([]event.MentionCounts, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	type counts struct{ hour, day *redis.IntCmd }
	all := make([]counts, len(ms))
	_, err := c.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, m := range ms {
			key := c.prefix + m.EntityID
			p.ZAddNX(ctx, key, redis.Z{Score: float64(now.UnixMilli()), Member: m.ArticleID})
			p.ZRemRangeByScore(ctx, key, "-inf", "("+score(now.Add(-Window)))
			all[i] = counts{
				hour: p.ZCount(ctx, key, score(now.Add(-time.Hour)), "+inf"),
				day:  p.ZCount(ctx, key, score(now.Add(-Window)), "+inf"),
			}
			p.Expire(ctx, key, Window+time.Hour)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record %d mentions: %w", len(ms), err)
	}
	out := make([]event.MentionCounts, len(ms))
	for i, cm := range all {
		out[i] = event.MentionCounts{LastHour: cm.hour.Val(), LastDay: cm.day.Val()}
	}
	return out, nil
}

func score(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
