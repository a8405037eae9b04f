// Package trend keeps rolling counts of the articles that mention each
// entity — over the last hour and the last 24 hours, across every source —
// so that consumers can see what is trending.
//
// Each entity has a Redis sorted set of the articles that mentioned it,
// scored by when they were forwarded. Adding an article that is already
// there changes nothing, so recording a batch twice (a retry) counts it
// once.
package trend

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/event"
)

// Window is the longest count kept.
const Window = 24 * time.Hour

// Counter reads and records mentions.
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

// Counts returns, for each mention, the entity's counts including that
// article, as they will be once Record has run: one round trip.
func (c *Counter) Counts(ctx context.Context, ms []Mention, now time.Time) ([]event.MentionCounts, error) {
	type cmds struct {
		hour, day *redis.IntCmd
		member    *redis.FloatCmd
	}
	all := make([]cmds, len(ms))
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, m := range ms {
			key := c.prefix + m.EntityID
			all[i] = cmds{
				hour:   p.ZCount(ctx, key, score(now.Add(-time.Hour)), "+inf"),
				day:    p.ZCount(ctx, key, score(now.Add(-Window)), "+inf"),
				member: p.ZScore(ctx, key, m.ArticleID),
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read mention counts: %w", err)
	}
	out := make([]event.MentionCounts, len(ms))
	for i, cm := range all {
		extra := int64(1)
		if cm.member.Err() == nil {
			extra = 0 // already counted
		}
		out[i] = event.MentionCounts{LastHour: cm.hour.Val() + extra, LastDay: cm.day.Val() + extra}
	}
	return out, nil
}

// Record adds the mentions, trims what left the window, and lets an
// entity's set expire a window after its last mention.
func (c *Counter) Record(ctx context.Context, ms []Mention, now time.Time) error {
	if len(ms) == 0 {
		return nil
	}
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, m := range ms {
			key := c.prefix + m.EntityID
			p.ZAddNX(ctx, key, redis.Z{Score: float64(now.UnixMilli()), Member: m.ArticleID})
			p.ZRemRangeByScore(ctx, key, "-inf", "("+score(now.Add(-Window)))
			p.Expire(ctx, key, Window+time.Hour)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record mentions: %w", err)
	}
	return nil
}

func score(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
