// Package trending tells which entities the news mentions most over the
// last hour and the last day, with an hourly histogram of the day for each.
//
// The counts are the publisher's: for every entity it keeps a Redis sorted
// set `<prefix>trend:<entity id>` of the articles that mentioned it, scored
// by when they were forwarded, in milliseconds (services/publisher/internal/
// trend). The console adds what those sets lack, each entity's name and
// type, under `<prefix>console:entity:<id>`, and an index of the entities
// mentioned lately, `<prefix>console:entities` (entity id scored by the
// time it was last seen). Everything lives in Redis, so a restarted
// console shows the same board.
package trending

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/textcut"
)

// Window is the longest count: the publisher keeps a day of mentions.
const Window = 24 * time.Hour

// MaxCandidates bounds the entities ranked at once: the most recently seen.
// The index keeps no more, so that a flood of distinct entities cannot grow
// it within the day.
const MaxCandidates = 5000

// MaxFieldRunes bounds each of an entity's fields, so that a record cannot
// make an entity (or the board that lists it) large.
const MaxFieldRunes = 200

// Entity is what the console knows of an entity.
type Entity struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	WikidataID string `json:"wikidata_id,omitempty"`
}

// FromEvent returns the entity of an enriched entity record.
func FromEvent(e event.EnrichedEntity) Entity {
	out := Entity{ID: textcut.Runes(e.EntityID, MaxFieldRunes), Name: textcut.Runes(e.Name, MaxFieldRunes), Type: textcut.Runes(e.Type, MaxFieldRunes)}
	if e.WikidataID != nil {
		out.WikidataID = textcut.Runes(*e.WikidataID, MaxFieldRunes)
	}
	return out
}

// Row is one entity on the board.
type Row struct {
	Entity
	Hour int64 `json:"last_hour"`
	Day  int64 `json:"last_day"`
	// Hourly counts the day's mentions hour by hour, the oldest first; the
	// last hour ends now.
	Hourly []int64 `json:"hourly"`
}

// Board is the top entities by their last hour and by their last day.
type Board struct {
	At   time.Time `json:"at"`
	Hour []Row     `json:"hour"`
	Day  []Row     `json:"day"`
}

// Index keeps the entities' names and reads the publisher's counts.
type Index struct {
	rdb    redis.UniversalClient
	prefix string
}

// New returns an index whose keys start with prefix (REDIS_KEY_PREFIX,
// the same as the publisher's).
func New(rdb redis.UniversalClient, prefix string) *Index {
	return &Index{rdb: rdb, prefix: prefix}
}

func (i *Index) seenKey() string                  { return i.prefix + "console:entities" }
func (i *Index) entityKey(id string) string       { return i.prefix + "console:entity:" + id }
func (i *Index) mentionsKey(id string) string     { return i.prefix + "trend:" + id }
func millis(t time.Time) string                   { return strconv.FormatInt(t.UnixMilli(), 10) }
func since(now time.Time, d time.Duration) string { return millis(now.Add(-d)) }

// Add records that the entities were mentioned now, and forgets what was
// last seen more than a window ago or before the last MaxCandidates seen.
func (i *Index) Add(ctx context.Context, entities []Entity, now time.Time) error {
	if len(entities) == 0 {
		return nil
	}
	var beyond *redis.StringSliceCmd
	_, err := i.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, e := range entities {
			b, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("encode entity %s: %w", e.ID, err)
			}
			p.Set(ctx, i.entityKey(e.ID), b, Window+time.Hour)
			p.ZAdd(ctx, i.seenKey(), redis.Z{Score: float64(now.UnixMilli()), Member: e.ID})
		}
		p.ZRemRangeByScore(ctx, i.seenKey(), "-inf", "("+since(now, Window+time.Hour))
		// The oldest beyond the last MaxCandidates seen: Top never ranks them.
		beyond = p.ZRange(ctx, i.seenKey(), 0, -MaxCandidates-1)
		p.ZRemRangeByRank(ctx, i.seenKey(), 0, -MaxCandidates-1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %d entities: %w", len(entities), err)
	}
	return i.forget(ctx, beyond.Val())
}

// forget deletes the names of entities no longer indexed, rather than
// leave them to expire a day later.
func (i *Index) forget(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := i.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			p.Del(ctx, i.entityKey(id))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("forget %d entities: %w", len(ids), err)
	}
	return nil
}

// Top returns the n entities most mentioned in the last hour and the n
// most mentioned in the last day; entities not mentioned in a window are
// not on its list.
func (i *Index) Top(ctx context.Context, n int, now time.Time) (Board, error) {
	board := Board{At: now.UTC(), Hour: []Row{}, Day: []Row{}}
	ids, err := i.rdb.ZRevRangeByScore(ctx, i.seenKey(), &redis.ZRangeBy{
		Min: since(now, Window+time.Hour), Max: "+inf", Count: MaxCandidates,
	}).Result()
	if err != nil {
		return board, fmt.Errorf("list recent entities: %w", err)
	}
	if len(ids) == 0 {
		return board, nil
	}
	type counts struct {
		hour, day *redis.IntCmd
		entity    *redis.StringCmd
	}
	cmds := make([]counts, len(ids))
	_, err = i.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for k, id := range ids {
			cmds[k] = counts{
				hour:   p.ZCount(ctx, i.mentionsKey(id), since(now, time.Hour), "+inf"),
				day:    p.ZCount(ctx, i.mentionsKey(id), since(now, Window), "+inf"),
				entity: p.Get(ctx, i.entityKey(id)),
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return board, fmt.Errorf("count mentions of %d entities: %w", len(ids), err)
	}
	rows := make([]Row, 0, len(ids))
	for k, id := range ids {
		r := Row{Entity: Entity{ID: id, Name: id}, Hour: cmds[k].hour.Val(), Day: cmds[k].day.Val()}
		if b, err := cmds[k].entity.Bytes(); err == nil {
			_ = json.Unmarshal(b, &r.Entity) // a name lost leaves the ID: still worth showing
			r.ID = id
		}
		if r.Day > 0 {
			rows = append(rows, r)
		}
	}
	byHour := top(rows, n, func(r Row) int64 { return r.Hour }, func(r Row) int64 { return r.Day })
	byDay := top(rows, n, func(r Row) int64 { return r.Day }, func(r Row) int64 { return r.Hour })
	if err := i.histograms(ctx, append(append([]*Row{}, byHour...), byDay...), now); err != nil {
		return board, err
	}
	for _, r := range byHour {
		board.Hour = append(board.Hour, *r)
	}
	for _, r := range byDay {
		board.Day = append(board.Day, *r)
	}
	return board, nil
}

// top returns pointers to the n rows ranked first by key, then by tie,
// then by name; rows whose key is zero are left out.
func top(rows []Row, n int, key, tie func(Row) int64) []*Row {
	var out []*Row
	for k := range rows {
		if key(rows[k]) > 0 {
			out = append(out, &rows[k])
		}
	}
	slices.SortFunc(out, func(a, b *Row) int {
		return cmp.Or(cmp.Compare(key(*b), key(*a)), cmp.Compare(tie(*b), tie(*a)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(n, len(out))]
}

// histograms fills each row's hourly counts over the last window, one
// ZCOUNT an hour: what Redis sends back does not grow with the mentions an
// entity has. A row on both lists is counted once.
func (i *Index) histograms(ctx context.Context, rows []*Row, now time.Time) error {
	if len(rows) == 0 {
		return nil
	}
	hours := int(Window / time.Hour)
	cmds := make(map[*Row][]*redis.IntCmd, len(rows))
	_, err := i.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, r := range rows {
			if cmds[r] != nil {
				continue
			}
			cmds[r] = make([]*redis.IntCmd, hours)
			for h := range hours {
				lo, hi := hourBounds(now, hours-1-h)
				cmds[r][h] = p.ZCount(ctx, i.mentionsKey(r.ID), lo, hi)
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("count hourly mentions of %d entities: %w", len(cmds), err)
	}
	for r, counts := range cmds {
		r.Hourly = make([]int64, hours)
		for h, c := range counts {
			r.Hourly[h] = c.Val()
		}
	}
	return nil
}

// hourBounds returns the ZCOUNT range of the mentions made ago hours
// before now: after the hour's start, up to and with its end. The newest
// hour has no end (a clock a little ahead counts in it); the oldest
// includes its start, the window's first instant, as the day's count does.
func hourBounds(now time.Time, ago int) (lo, hi string) {
	lo, hi = "("+since(now, time.Duration(ago+1)*time.Hour), since(now, time.Duration(ago)*time.Hour)
	if ago == 0 {
		hi = "+inf"
	}
	if time.Duration(ago+1)*time.Hour == Window {
		lo = since(now, Window)
	}
	return lo, hi
}
