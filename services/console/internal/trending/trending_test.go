package trending

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
)

// mention records, as the publisher does, that an article mentioned an
// entity at a time.
func mention(tb testing.TB, rdb *redis.Client, prefix, entity, article string, at time.Time) {
	tb.Helper()
	if err := rdb.ZAdd(tb.Context(), prefix+"trend:"+entity, redis.Z{Score: float64(at.UnixMilli()), Member: article}).Err(); err != nil {
		tb.Fatal(err)
	}
}

var testNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// newIndex returns an index on the test Redis under a prefix of its own.
func newIndex(tb testing.TB) (*Index, *redis.Client, string) {
	tb.Helper()
	prefix := kafkatest.Name(tb, "console") + ":"
	rdb := redistest.Connect(tb, prefix)
	return New(rdb, prefix), rdb, prefix
}

func names(rows []Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%s %d/%d", r.Name, r.Hour, r.Day)
	}
	return out
}

func TestTop(t *testing.T) {
	idx, rdb, prefix := newIndex(t)
	ctx := t.Context()
	now := testNow

	board, err := idx.Top(ctx, 5, now)
	if err != nil || len(board.Hour) != 0 || len(board.Day) != 0 {
		t.Fatalf("empty index: %+v, %v", board, err)
	}
	entities := []Entity{
		{ID: "Q7747", Name: "Sergey Lavrov", Type: "PERSON", WikidataID: "Q7747"},
		{ID: "Q184", Name: "Belarus", Type: "GPE", WikidataID: "Q184"},
		{ID: "Q148", Name: "China", Type: "GPE", WikidataID: "Q148"},
		{ID: "nw:quiet", Name: "Quiet", Type: "ORG"},
	}
	if err := idx.Add(ctx, entities, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Lavrov: 3 articles this hour, 1 earlier today. Belarus: 1 this hour,
	// 5 earlier. China: 2 earlier today, 1 two days ago. Quiet: none.
	for i := range 3 {
		mention(t, rdb, prefix, "Q7747", fmt.Sprint("l", i), now.Add(-time.Duration(i+1)*10*time.Minute))
	}
	mention(t, rdb, prefix, "Q7747", "l-old", now.Add(-5*time.Hour-30*time.Minute))
	mention(t, rdb, prefix, "Q184", "b-new", now.Add(-30*time.Minute))
	for i := range 5 {
		mention(t, rdb, prefix, "Q184", fmt.Sprint("b", i), now.Add(-time.Duration(i+2)*time.Hour))
	}
	mention(t, rdb, prefix, "Q148", "c1", now.Add(-3*time.Hour))
	mention(t, rdb, prefix, "Q148", "c2", now.Add(-23*time.Hour-30*time.Minute))
	mention(t, rdb, prefix, "Q148", "c-old", now.Add(-48*time.Hour))
	// An entity the console never saw named shows by its ID.
	mention(t, rdb, prefix, "Q1", "x", now.Add(-time.Minute))
	if err := rdb.ZAdd(ctx, prefix+"console:entities", redis.Z{Score: float64(now.UnixMilli()), Member: "Q1"}).Err(); err != nil {
		t.Fatal(err)
	}

	board, err = idx.Top(ctx, 3, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Sergey Lavrov 3/4", "Belarus 1/6", "Q1 1/1"}; !slices.Equal(names(board.Hour), want) {
		t.Errorf("last hour: %v, want %v", names(board.Hour), want)
	}
	if want := []string{"Belarus 1/6", "Sergey Lavrov 3/4", "China 0/2"}; !slices.Equal(names(board.Day), want) {
		t.Errorf("last day: %v, want %v", names(board.Day), want)
	}
	lavrov := board.Hour[0]
	if lavrov.Type != "PERSON" || lavrov.WikidataID != "Q7747" || len(lavrov.Hourly) != 24 {
		t.Fatalf("row %+v", lavrov)
	}
	wantHourly := make([]int64, 24)
	wantHourly[23] = 3 // the last hour
	wantHourly[18] = 1 // five and a half hours ago
	if !slices.Equal(lavrov.Hourly, wantHourly) {
		t.Errorf("hourly %v, want %v", lavrov.Hourly, wantHourly)
	}
	china := board.Day[2]
	if china.Hourly[0] != 1 || china.Hourly[20] != 1 {
		t.Errorf("China hourly %v: 23h30m ago is the first hour, 3h ago the 21st", china.Hourly)
	}

	// Entities last seen more than a window ago leave the index.
	if err := idx.Add(ctx, []Entity{{ID: "Q2", Name: "Later"}}, now.Add(26*time.Hour)); err != nil {
		t.Fatal(err)
	}
	left, err := rdb.ZRange(ctx, prefix+"console:entities", 0, -1).Result()
	if err != nil || !slices.Equal(left, []string{"Q2"}) {
		t.Errorf("index after a day: %v, %v", left, err)
	}
}

// However many distinct entities arrive within a day, the index keeps the
// MaxCandidates last seen (all that Top ever ranks) and forgets the names
// of the others.
func TestAddKeepsTheLastSeen(t *testing.T) {
	idx, rdb, prefix := newIndex(t)
	ctx := t.Context()
	now := testNow
	old := []Entity{{ID: "old-1", Name: "Old"}, {ID: "old-2", Name: "Older"}}
	if err := idx.Add(ctx, old, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	fresh := make([]Entity, MaxCandidates)
	for i := range fresh {
		fresh[i] = Entity{ID: fmt.Sprint("e", i), Name: fmt.Sprint("Entity ", i)}
	}
	if err := idx.Add(ctx, fresh, now); err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.ZCard(ctx, prefix+"console:entities").Result(); err != nil || n != MaxCandidates {
		t.Errorf("index holds %d entities (%v), want %d", n, err, MaxCandidates)
	}
	if n, err := rdb.Exists(ctx, prefix+"console:entity:old-1", prefix+"console:entity:old-2").Result(); err != nil || n != 0 {
		t.Errorf("%d names of entities no longer indexed are kept (%v)", n, err)
	}
	if n, err := rdb.Exists(ctx, prefix+"console:entity:e0").Result(); err != nil || n != 1 {
		t.Errorf("the name of an indexed entity is gone (%v)", err)
	}
}

// A record of any size makes an entity of bounded size.
func TestFromEventIsBounded(t *testing.T) {
	huge := strings.Repeat("я", 1<<20)
	e := FromEvent(event.EnrichedEntity{Entity: event.Entity{EntityID: huge, Name: huge, Type: huge, WikidataID: &huge}})
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 4<<10 {
		t.Errorf("entity of %d bytes, want at most 4 KiB", len(b))
	}
}

// largestReply records the most elements any one Redis reply carried.
type largestReply struct{ most int }

func (l *largestReply) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *largestReply) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		l.see(cmd)
		return err
	}
}

func (l *largestReply) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			l.see(cmd)
		}
		return err
	}
}

func (l *largestReply) see(cmd redis.Cmder) {
	switch c := cmd.(type) {
	case *redis.ZSliceCmd:
		l.most = max(l.most, len(c.Val()))
	case *redis.StringSliceCmd:
		l.most = max(l.most, len(c.Val()))
	}
}

// The hourly histogram is counted in Redis: what the console reads for it
// does not grow with the mentions an entity has.
func TestHistogramReadsCountsOnly(t *testing.T) {
	idx, rdb, prefix := newIndex(t)
	ctx := t.Context()
	now := testNow
	if err := idx.Add(ctx, []Entity{{ID: "Q184", Name: "Belarus"}}, now); err != nil {
		t.Fatal(err)
	}
	const mentions = 2400 // 100 in each hour of the day
	zs := make([]redis.Z, mentions)
	for k := range zs {
		zs[k] = redis.Z{Score: float64(now.Add(-time.Duration(k) * 36 * time.Second).UnixMilli()), Member: fmt.Sprint("a", k)}
	}
	if err := rdb.ZAdd(ctx, prefix+"trend:Q184", zs...).Err(); err != nil {
		t.Fatal(err)
	}
	replies := &largestReply{}
	rdb.AddHook(replies)
	board, err := idx.Top(ctx, 5, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(board.Day) != 1 || board.Day[0].Day != mentions {
		t.Fatalf("board %+v", names(board.Day))
	}
	for h, n := range board.Day[0].Hourly {
		if n != 100 {
			t.Errorf("hour %d: %d mentions, want 100", h, n)
		}
	}
	if replies.most > 10 {
		t.Errorf("a reply carried %d elements: the mentions were read, not counted", replies.most)
	}
}
