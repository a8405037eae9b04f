package schedule

import (
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/testwait"
)

// Three fetchers share one schedule: every feed is polled by one of them
// per interval, never twice within it and never by two at once, and all
// three take a share.
func TestThreeReplicasShareTheSchedule(t *testing.T) {
	const (
		feeds    = 60
		interval = time.Second
		rounds   = 3
	)
	srv := newFeedServer(t)
	e := newEnv(t, interval)
	log := zaptest.NewLogger(t)
	replicas := []*replica{e.replica(t, "a", log), e.replica(t, "b", log), e.replica(t, "c", log)}
	list := srv.feeds(feeds)
	if err := replicas[0].sched.Sync(t.Context(), list, replicas[0].state); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for _, r := range replicas {
		defer r.start(t.Context())()
	}
	testwait.For(t, 20*time.Second, "every feed polled three times", func() bool {
		requests, _, _ := srv.snapshot()
		if len(requests) < feeds {
			return false
		}
		for _, times := range requests {
			if len(times) < rounds {
				return false
			}
		}
		return true
	})
	requests, parallel, total := srv.snapshot()
	elapsed := time.Since(start)

	if len(parallel) > 0 {
		t.Errorf("feeds polled by two replicas at once: %v", parallel)
	}
	for path, times := range requests {
		for i := 1; i < len(times); i++ {
			if gap := times[i].Sub(times[i-1]); gap < interval-50*time.Millisecond {
				t.Errorf("%s polled twice within %s (after %s)", path, interval, gap)
			}
		}
	}
	// Nothing polled more than its interval allows: at most one poll per
	// feed per started interval, plus the first.
	if limit := feeds * (int(elapsed/interval) + 2); total > limit {
		t.Errorf("%d polls in %s for %d feeds at %s, want at most %d", total, elapsed, feeds, interval, limit)
	}
	sum := 0
	for _, r := range replicas {
		n, errs := r.obs.counts()
		if n == 0 {
			t.Errorf("replica %s polled nothing", r.sched.opts.Replica)
		}
		if len(errs) > 0 {
			t.Errorf("replica %s: %d failed polls, first: %v", r.sched.opts.Replica, len(errs), errs[0])
		}
		sum += n
	}
	t.Logf("%d feeds, %d polls in %s", feeds, sum, elapsed.Round(time.Millisecond))

	// Each feed's single item was emitted once, whoever polled it.
	got := kafkatest.ReadAll(t, e.kafka.Brokers(), e.topic, feeds, 10*time.Second)
	if len(got) != feeds {
		t.Errorf("%d articles on the topic, want %d (one per feed)", len(got), feeds)
	}
}

// A replica that dies holding leases loses its feeds to the living once
// the leases expire, and not before.
func TestDeadReplicaFeedsArePickedUpAfterTheLease(t *testing.T) {
	const feeds = 20
	srv := newFeedServer(t)
	e := newEnv(t, time.Hour)
	e.options.Lease = time.Second
	log := zaptest.NewLogger(t)
	dead, alive := e.replica(t, "dead", log), e.replica(t, "alive", log)
	if err := dead.sched.Sync(t.Context(), srv.feeds(feeds), dead.state); err != nil {
		t.Fatal(err)
	}
	claimedAt := time.Now()
	held, _, err := dead.sched.take(t.Context(), feeds)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != feeds {
		t.Fatalf("the dying replica claimed %d feeds, want %d", len(held), feeds)
	}
	// It dies here: no poll, no release.
	defer alive.start(t.Context())()
	testwait.For(t, 10*time.Second, "the living replica polls every feed", func() bool {
		n, _ := alive.obs.counts()
		return n >= feeds
	})
	requests, _, _ := srv.snapshot()
	for path, times := range requests {
		if times[0].Before(claimedAt.Add(e.options.Lease - 100*time.Millisecond)) {
			t.Errorf("%s polled %s after the claim, inside the %s lease", path, times[0].Sub(claimedAt), e.options.Lease)
		}
	}
	// The dead replica's late hand-back must not move the new due time.
	if err := dead.sched.release(t.Context(), held[0], 0); err != nil {
		t.Fatal(err)
	}
	due, err := e.rdb.ZScore(t.Context(), dead.sched.keys.due, held[0].feed.URL).Result()
	if err != nil {
		t.Fatal(err)
	}
	if due < float64(time.Now().Add(30*time.Minute).UnixMilli()) {
		t.Errorf("a stale lease moved %s to %s", held[0].feed.URL, time.UnixMilli(int64(due)))
	}
}

func TestSyncAddsAndDropsFeeds(t *testing.T) {
	e := newEnv(t, time.Minute)
	r := e.replica(t, "a", zaptest.NewLogger(t))
	ctx := t.Context()
	feed := func(name string) feedlist.Feed {
		return feedlist.Feed{URL: "https://" + name + ".example/rss", Name: name, Interval: 10 * time.Minute}
	}
	if err := r.sched.Sync(ctx, []feedlist.Feed{feed("a"), feed("b"), feed("c")}, r.state); err != nil {
		t.Fatal(err)
	}
	// b is claimed and polled: its due time moves on.
	if err := e.rdb.ZAdd(ctx, r.sched.keys.due, redisZ(feed("b").URL, 12345)).Err(); err != nil {
		t.Fatal(err)
	}
	changed := feed("c")
	changed.Interval = time.Hour
	if err := r.sched.Sync(ctx, []feedlist.Feed{feed("b"), changed, feed("d")}, r.state); err != nil {
		t.Fatal(err)
	}
	members, err := e.rdb.ZRangeWithScores(ctx, r.sched.keys.due, 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	scores := map[string]float64{}
	for _, m := range members {
		scores[m.Member.(string)] = m.Score
	}
	want := map[string]float64{feed("b").URL: 12345, feed("c").URL: 0, feed("d").URL: 0}
	if len(scores) != len(want) {
		t.Fatalf("schedule = %v, want %v", scores, want)
	}
	for url, score := range want {
		if s, ok := scores[url]; !ok || s != score {
			t.Errorf("%s due at %v (present %v), want %v", url, s, ok, score)
		}
	}
	claimed, _, err := r.sched.take(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, c := range claimed {
		urls = append(urls, c.feed.URL)
		if c.feed.URL == changed.URL && c.feed.Interval != time.Hour {
			t.Errorf("claimed %s with interval %s, want the synced %s", c.feed.URL, c.feed.Interval, time.Hour)
		}
	}
	slices.Sort(urls)
	if !slices.Equal(urls, []string{feed("b").URL, feed("c").URL, feed("d").URL}) {
		t.Errorf("claimed %v", urls)
	}
	listed, err := r.state.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 3 || listed[0].URL != feed("b").URL {
		t.Errorf("listed %+v, want b, c, d", listed)
	}
}

// A replica shut down in the middle of its polls hands its feeds back at
// once: another replica polls them without waiting for the leases.
func TestStoppedReplicaHandsItsFeedsBack(t *testing.T) {
	const feeds = 12
	srv := newFeedServer(t)
	e := newEnv(t, time.Hour)
	e.options.Lease = 30 * time.Second
	log := zaptest.NewLogger(t)
	leaving, staying := e.replica(t, "leaving", log), e.replica(t, "staying", log)
	if err := leaving.sched.Sync(t.Context(), srv.feeds(feeds), leaving.state); err != nil {
		t.Fatal(err)
	}
	srv.stall.Store(true)
	stop := leaving.startDraining(t.Context(), 100*time.Millisecond)
	testwait.For(t, 10*time.Second, "the leaving replica polls", func() bool { return srv.inFlightNow() == e.options.Workers })
	stopped := time.Now()
	stop()
	srv.stall.Store(false)
	defer staying.start(t.Context())()
	testwait.For(t, 10*time.Second, "the staying replica polls every feed", func() bool {
		n, _ := staying.obs.counts()
		return n >= feeds
	})
	if took := time.Since(stopped); took > e.options.Lease/2 {
		t.Errorf("the feeds came back after %s: the leases ran out instead of being handed back", took)
	}
	if n, _ := leaving.obs.counts(); n != e.options.Workers {
		t.Errorf("the leaving replica finished %d polls, want its %d cut short", n, e.options.Workers)
	}
}

// TestLateClaimTakesNothing runs the claim script as Redis would when it
// runs a claim long after it was sent (a Redis frozen and thawed, a copy
// go-redis sent again): past its latest moment it takes no feed, so the
// feed is not hidden for a lease under a token nobody holds.
func TestLateClaimTakesNothing(t *testing.T) {
	prefix := kafkatest.Name(t, "newswire") + ":"
	rdb := redistest.Connect(t, prefix)
	s := New(rdb, prefix, nil, Options{Lease: time.Minute}, nil, zap.NewNop())
	ctx := t.Context()
	const url = "https://example.org/feed"
	rdb.ZAdd(ctx, s.keys.due, redis.Z{Score: 0, Member: url})
	rdb.HSet(ctx, s.keys.feeds, url, `{"url":"`+url+`"}`)
	keys := []string{s.keys.due, s.keys.feeds, s.keys.leases}

	now := time.Now().UnixMilli()
	late, err := s.claim.Run(ctx, rdb, keys, time.Minute.Milliseconds(), 10, "late", now-1000).Slice()
	if err != nil {
		t.Fatal(err)
	}
	if len(late) != 3 {
		t.Errorf("a claim past its latest moment took %d feeds, want none", (len(late)-3)/2)
	}
	if due := rdb.ZScore(ctx, s.keys.due, url).Val(); due != 0 {
		t.Errorf("the late claim moved the feed's due time to %.0f", due)
	}
	if n := rdb.HLen(ctx, s.keys.leases).Val(); n != 0 {
		t.Errorf("the late claim left %d leases", n)
	}
	for _, latest := range []int64{now + 60_000, 0} {
		rdb.ZAdd(ctx, s.keys.due, redis.Z{Score: 0, Member: url})
		got, err := s.claim.Run(ctx, rdb, keys, time.Minute.Milliseconds(), 10, "on-time", latest).Slice()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 {
			t.Errorf("a claim with latest moment %d took %d feeds, want 1", latest, (len(got)-3)/2)
		}
	}
}
