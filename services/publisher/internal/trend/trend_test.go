package trend

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
)

func newCounter(t testing.TB) *Counter {
	t.Helper()
	prefix := kafkatest.Name(t, "trend") + ":"
	return New(redistest.Connect(t, prefix), prefix, zap.NewNop())
}

func TestRollingCountsOverHourAndDay(t *testing.T) {
	c := newCounter(t)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	steps := []struct {
		at       time.Time
		mentions []Mention
		want     []event.MentionCounts
	}{
		{now.Add(-30 * time.Hour), []Mention{{"Q184", "old"}}, []event.MentionCounts{{LastHour: 1, LastDay: 1}}},
		// The day has moved on: "old" is trimmed.
		{now.Add(-5 * time.Hour), []Mention{{"Q184", "a1"}, {"Q184", "a2"}}, []event.MentionCounts{{LastHour: 1, LastDay: 1}, {LastHour: 2, LastDay: 2}}},
		{now.Add(-10 * time.Minute), []Mention{{"Q184", "a3"}}, []event.MentionCounts{{LastHour: 1, LastDay: 3}}},
		// A retry counts once and keeps its first time.
		{now.Add(-10 * time.Minute), []Mention{{"Q184", "a3"}}, []event.MentionCounts{{LastHour: 1, LastDay: 3}}},
		// Each mention counts those before it in the batch; entities apart.
		{now, []Mention{{"Q184", "new"}, {"Q184", "a3"}, {"Q1", "x"}}, []event.MentionCounts{{LastHour: 2, LastDay: 4}, {LastHour: 2, LastDay: 4}, {LastHour: 1, LastDay: 1}}},
	}
	for i, s := range steps {
		got, err := c.Record(t.Context(), s.mentions, s.at)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, s.want) {
			t.Errorf("step %d: counts %+v, want %+v", i, got, s.want)
		}
	}
}

// Publishers record at once: each batch is one transaction, so every
// article of an entity gets its own count, none twice.
func TestConcurrentRecordsCountEachArticleOnce(t *testing.T) {
	c := newCounter(t)
	const writers, perBatch = 4, 300
	now := time.Now()
	counts := make([][]event.MentionCounts, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			ms := make([]Mention, perBatch)
			for i := range ms {
				ms[i] = Mention{EntityID: "Q184", ArticleID: fmt.Sprintf("w%d-a%d", w, i)}
			}
			counts[w], errs[w] = c.Record(t.Context(), ms, now)
		})
	}
	wg.Wait()
	var days []int64
	for w := range writers {
		if errs[w] != nil {
			t.Fatal(errs[w])
		}
		for _, m := range counts[w] {
			days = append(days, m.LastDay)
		}
	}
	slices.Sort(days)
	for i, d := range days {
		if d != int64(i+1) {
			t.Fatalf("counts over all batches are not 1 to %d, each once: at %d got %d", writers*perBatch, i+1, d)
		}
	}
}

// An entity's set expires a window (and an hour) after its last mention,
// the set its first mention creates too: an entity mentioned once is not
// kept for good.
func TestSetsExpireAfterTheirLastMention(t *testing.T) {
	c := newCounter(t)
	now := time.Now()
	for _, ms := range [][]Mention{{{"Q1", "a1"}}, {{"Q2", "a1"}, {"Q2", "a2"}}} {
		if _, err := c.Record(t.Context(), ms, now); err != nil {
			t.Fatal(err)
		}
		ttl, err := c.rdb.PTTL(t.Context(), c.prefix+ms[0].EntityID).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ttl < Window || ttl > Window+time.Hour {
			t.Errorf("set of %s expires in %v, want a window and an hour", ms[0].EntityID, ttl)
		}
	}
}

// An entity's key that holds another type than a sorted set (written by
// hand or by another version) must not fail every batch that mentions the
// entity: it is replaced by a new set, said in a warning naming the key,
// and the batch's other entities count as usual.
func TestKeyOfAnotherTypeIsReplaced(t *testing.T) {
	c := newCounter(t)
	core, logs := observer.New(zap.WarnLevel)
	c.log = zap.New(core)
	now := time.Now()
	if _, err := c.Record(t.Context(), []Mention{{"Q1", "a0"}}, now); err != nil {
		t.Fatal(err)
	}
	if err := c.rdb.Set(t.Context(), c.prefix+"Q2", "junk", 0).Err(); err != nil {
		t.Fatal(err)
	}
	got, err := c.Record(t.Context(), []Mention{{"Q1", "a1"}, {"Q2", "a1"}, {"Q2", "a2"}}, now)
	if err != nil {
		t.Fatalf("record beside a key of another type: %v", err)
	}
	want := []event.MentionCounts{{LastHour: 2, LastDay: 2}, {LastHour: 1, LastDay: 1}, {LastHour: 2, LastDay: 2}}
	if !slices.Equal(got, want) {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	if ttl := c.rdb.PTTL(t.Context(), c.prefix+"Q2").Val(); ttl < Window {
		t.Errorf("the replacing set expires in %v, want a window and an hour", ttl)
	}
	warned := logs.FilterField(zap.String("key", c.prefix+"Q2")).Len()
	if warned != 1 {
		t.Errorf("%d warnings name the replaced key, want 1; logs: %v", warned, logs.All())
	}
}

// Out of memory (maxmemory with noeviction), recording fails, to be
// retried, and an entity's set is not mistaken for a key of another type
// and replaced.
func TestOutOfMemoryKeepsTheSets(t *testing.T) {
	srv := redistest.StartServer(t, "--maxmemory", "4mb", "--maxmemory-policy", "noeviction")
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	c := New(rdb, "t:", zap.NewNop())
	ctx, now := t.Context(), time.Now()
	if _, err := c.Record(ctx, []Mention{{"Q1", "a0"}}, now); err != nil {
		t.Fatal(err)
	}
	// Values ever smaller, until not even one byte goes in.
	for i, size := 0, 64<<10; size > 0; i++ {
		err := rdb.Set(ctx, "fill"+strconv.Itoa(i), strings.Repeat("x", size), 0).Err()
		if err != nil && strings.Contains(err.Error(), "OOM") {
			size /= 2
		} else if err != nil || i > 10000 {
			t.Fatalf("filling Redis up to its 4 MB: %v after %d values", err, i)
		}
	}
	if _, err := c.Record(ctx, []Mention{{"Q1", "a1"}}, now); err == nil || !strings.Contains(err.Error(), "OOM") {
		t.Errorf("recording out of memory: %v, want Redis's OOM error", err)
	}
	if got, err := rdb.ZRange(ctx, "t:trend:Q1", 0, -1).Result(); !slices.Equal(got, []string{"a0"}) || err != nil {
		t.Errorf("the entity's set holds %q (%v), want the article recorded before", got, err)
	}
}
