// Package schedule shares the polling of the feeds between any number of
// fetcher replicas through Redis, without a leader.
//
// Redis holds a sorted set of every feed by the time it is due (server
// clock, milliseconds), the feeds' configuration, and a lease token per
// feed being polled. A replica with free workers runs one Lua script that
// takes the due feeds and pushes their due time forward by the lease
// length: no other replica sees them due until the poll is over (the
// replica then sets the real next due time and drops the lease) or the
// lease expires (the replica died, and whoever is alive polls the feed).
// A poll is cut off before its lease ends, so two replicas never poll one
// feed at once. Feeds are owned only while being polled: a replica that
// starts, stops or dies moves nothing but its own polls in flight.
package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/backoff"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/services/fetcher/internal/poll"
)

// Poller polls one feed and says when it is due again.
type Poller interface {
	Poll(ctx context.Context, feed feedlist.Feed) poll.Result
}

// Registry keeps the list of feeds operators see.
type Registry interface {
	Register(ctx context.Context, feedURLs []string) error
	Forget(ctx context.Context, feedURLs []string) error
}

// Observer hears about every poll and every claim, for metrics.
type Observer interface {
	Polled(feed feedlist.Feed, res poll.Result, took time.Duration)
	Overdue(n int)
}

// Options tune a Scheduler.
type Options struct {
	Workers int // polls in flight on this replica
	// Lease is how long a claimed feed stays hidden from the other
	// replicas; a poll is cut off before it ends. A feed whose replica died
	// is polled again once its lease expires.
	Lease time.Duration
	// Idle is the longest a replica waits before looking for due feeds
	// again, so it notices feeds another replica added.
	Idle time.Duration
	// Replica names this process in lease tokens (the pod name).
	Replica string
	// ClaimWithin is how long after it was sent a claim may still take
	// feeds; one that reaches Redis later takes none. Keep it below the
	// Redis client's read timeout (3 s in redisconn): a claim the client
	// gave up on, sent to a Redis that was frozen and runs it when it
	// thaws, would otherwise hide its feeds for a whole lease under a
	// token nobody holds.
	ClaimWithin time.Duration
}

// Scheduler runs one replica's share of the polls.
type Scheduler struct {
	rdb   redis.UniversalClient
	keys  keys
	poll  Poller
	opts  Options
	obs   Observer
	log   *zap.Logger
	claim *redis.Script
	done  *redis.Script
	seq   atomic.Int64
	// lastTurn is when the claiming loop last went round (Unix ns; 0 before
	// Run): the liveness check.
	lastTurn atomic.Int64
	// skew is Redis's clock minus ours (ms), from the last claim answered;
	// skewKnown is false until one was.
	skew      atomic.Int64
	skewKnown atomic.Bool
}

type keys struct {
	due    string // sorted set: feed URL by due time (ms, Redis clock)
	feeds  string // hash: feed URL → configuration (JSON)
	leases string // hash: feed URL → lease token of the poll in flight
}

// New returns a scheduler whose keys start with prefix.
func New(rdb redis.UniversalClient, prefix string, p Poller, opts Options, obs Observer, log *zap.Logger) *Scheduler {
	opts.Workers = max(opts.Workers, 1)
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.Idle <= 0 {
		opts.Idle = time.Second
	}
	if opts.Replica == "" {
		opts.Replica = "fetcher"
	}
	if opts.ClaimWithin <= 0 {
		opts.ClaimWithin = 2 * time.Second
	}
	return &Scheduler{
		rdb: rdb,
		keys: keys{
			due:    prefix + "fetcher:schedule:due",
			feeds:  prefix + "fetcher:schedule:feeds",
			leases: prefix + "fetcher:schedule:leases",
		},
		poll:  p,
		opts:  opts,
		obs:   obs,
		log:   log,
		claim: redis.NewScript(claimScript),
		done:  redis.NewScript(doneScript),
	}
}

// claimScript takes up to ARGV[2] due feeds, hides them for ARGV[1] ms
// under the lease token ARGV[3], and returns the server time, the due time
// of the next feed (-1 if none), how many feeds are overdue, then URL and
// configuration of each feed taken. Feeds whose configuration is gone (a
// sync removed them) are dropped from the schedule on the way. Past
// ARGV[4] (server time, ms; 0 for never) it takes no feed: the replica
// gave up waiting for the answer.
const claimScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[2])
local latest = tonumber(ARGV[4])
if latest > 0 and now > latest then n = 0 end
local due = {}
if n > 0 then
  due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, n)
end
local out = {now, -1, 0}
local hidden = now + tonumber(ARGV[1])
for _, feed in ipairs(due) do
  local cfg = redis.call('HGET', KEYS[2], feed)
  if cfg then
    redis.call('ZADD', KEYS[1], hidden, feed)
    redis.call('HSET', KEYS[3], feed, ARGV[3])
    table.insert(out, feed)
    table.insert(out, cfg)
  else
    redis.call('ZREM', KEYS[1], feed)
  end
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if first[2] then out[2] = tonumber(first[2]) end
out[3] = redis.call('ZCOUNT', KEYS[1], '-inf', now)
return out
`

// doneScript ends the lease ARGV[2] on feed ARGV[1] and makes the feed due
// ARGV[3] ms from now. A lease that expired and was taken by another
// replica is left alone: that replica's poll decides.
const doneScript = `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[3]), ARGV[1])
return 1
`

// Sync makes the shared schedule hold exactly feeds: new feeds are due at
// once, dropped ones leave (a poll in flight finishes but does not put its
// feed back), and the others keep their due time. Every replica syncs at
// start; with different lists, the last to start wins.
func (s *Scheduler) Sync(ctx context.Context, feeds []feedlist.Feed, reg Registry) error {
	known, err := s.rdb.HKeys(ctx, s.keys.feeds).Result()
	if err != nil {
		return fmt.Errorf("read scheduled feeds: %w", err)
	}
	wanted := make(map[string]bool, len(feeds))
	urls := make([]string, 0, len(feeds))
	for _, f := range feeds {
		wanted[f.URL] = true
		urls = append(urls, f.URL)
	}
	var dropped []string
	for _, u := range known {
		if !wanted[u] {
			dropped = append(dropped, u)
		}
	}
	const batch = 1000
	for start := 0; start < len(feeds); start += batch {
		chunk := feeds[start:min(start+batch, len(feeds))]
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			cfg := make(map[string]any, len(chunk))
			due := make([]redis.Z, 0, len(chunk))
			for _, f := range chunk {
				b, err := json.Marshal(f)
				if err != nil {
					return fmt.Errorf("encode feed %s: %w", f.URL, err)
				}
				cfg[f.URL] = b
				due = append(due, redis.Z{Score: 0, Member: f.URL})
			}
			p.HSet(ctx, s.keys.feeds, cfg)
			p.ZAddNX(ctx, s.keys.due, due...)
			return nil
		})
		if err != nil {
			return fmt.Errorf("schedule %d feeds: %w", len(chunk), err)
		}
	}
	for start := 0; start < len(dropped); start += batch {
		chunk := dropped[start:min(start+batch, len(dropped))]
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.HDel(ctx, s.keys.feeds, chunk...)
			p.ZRem(ctx, s.keys.due, toAny(chunk)...)
			p.HDel(ctx, s.keys.leases, chunk...)
			return nil
		})
		if err != nil {
			return fmt.Errorf("unschedule %d feeds: %w", len(chunk), err)
		}
	}
	if err := reg.Register(ctx, urls); err != nil {
		return err
	}
	if err := reg.Forget(ctx, dropped); err != nil {
		return err
	}
	s.log.Info("feed list synced", zap.Int(logging.KeyCount, len(feeds)), zap.Int("dropped", len(dropped)))
	return nil
}

// claimed is a feed this replica holds the lease on.
type claimed struct {
	feed     feedlist.Feed
	token    string
	deadline time.Time // the poll is cut off then, before the lease ends
}

// PollTime is how long a poll may take under lease: the lease runs on the
// Redis clock from before the claim's reply, so the poll is cut off a
// margin earlier on ours.
func PollTime(lease time.Duration) time.Duration {
	return lease - max(lease/10, 500*time.Millisecond)
}

// take claims up to n due feeds and says how long to wait before looking
// again when none were due.
func (s *Scheduler) take(ctx context.Context, n int) ([]claimed, time.Duration, error) {
	token := s.opts.Replica + ":" + strconv.FormatInt(s.seq.Add(1), 10)
	start := time.Now()
	// The latest moment, on Redis's clock, the claim may take feeds: after
	// it we have given up on the answer (go-redis sends the script again,
	// and a frozen Redis runs every copy when it thaws).
	latest := int64(0)
	if s.skewKnown.Load() {
		latest = start.Add(s.opts.ClaimWithin).UnixMilli() + s.skew.Load()
	}
	raw, err := s.claim.Run(ctx, s.rdb, []string{s.keys.due, s.keys.feeds, s.keys.leases},
		s.opts.Lease.Milliseconds(), n, token, latest).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("claim due feeds: %w", err)
	}
	if len(raw) < 3 {
		return nil, 0, fmt.Errorf("claim due feeds: %d values in the reply", len(raw))
	}
	now, _ := raw[0].(int64)
	// Redis read its clock about halfway through the round trip; only a
	// quick answer tells the skew closely (a slow one may be the answer to
	// a copy go-redis sent again, seconds after start).
	if took := time.Since(start); took < 500*time.Millisecond {
		s.skew.Store(now - start.Add(took/2).UnixMilli())
		s.skewKnown.Store(true)
	}
	next, _ := raw[1].(int64)
	overdue, _ := raw[2].(int64)
	if s.obs != nil {
		s.obs.Overdue(int(overdue))
	}
	deadline := start.Add(PollTime(s.opts.Lease))
	var out []claimed
	for i := 3; i+1 < len(raw); i += 2 {
		url, _ := raw[i].(string)
		cfg, _ := raw[i+1].(string)
		var f feedlist.Feed
		if err := json.Unmarshal([]byte(cfg), &f); err != nil || f.URL != url {
			s.log.Error("scheduled feed has an unreadable configuration", zap.String(logging.KeyFeed, url), zap.Error(err))
			f = feedlist.Feed{URL: url}
		}
		out = append(out, claimed{feed: f, token: token, deadline: deadline})
	}
	wait := s.opts.Idle
	if next >= 0 && next > now {
		wait = min(wait, time.Duration(next-now)*time.Millisecond)
	}
	return out, wait, nil
}

// release ends the lease and makes the feed due after next.
func (s *Scheduler) release(ctx context.Context, c claimed, next time.Duration) error {
	kept, err := s.done.Run(ctx, s.rdb, []string{s.keys.due, s.keys.leases}, c.feed.URL, c.token, next.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("release feed %s: %w", c.feed.URL, err)
	}
	if kept == 0 {
		// The lease expired and another replica took the feed, or a sync
		// removed it: either way its schedule is no longer ours to set.
		s.log.Warn("feed lease lost before the poll ended", zap.String(logging.KeyFeed, c.feed.URL))
	}
	return nil
}

// Run claims and polls due feeds until ctx is cancelled; polls in flight
// then get drain to finish writing what they found.
func (s *Scheduler) Run(ctx context.Context, drain time.Duration) error {
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(drain, cancelWork) })
	defer stop()

	jobs := make(chan claimed, s.opts.Workers)
	done := make(chan struct{}, s.opts.Workers)
	var wg sync.WaitGroup
	for range s.opts.Workers {
		wg.Go(func() {
			for c := range jobs {
				s.run(workCtx, c)
				done <- struct{}{}
			}
		})
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()

	redisDown := backoff.Policy{Min: 100 * time.Millisecond, Max: 5 * time.Second}
	failures := 0
	busy := 0
	timer := time.NewTimer(0)
	defer timer.Stop()
	// Claim in batches: one script call per freed worker would cost a
	// Redis round trip per poll.
	batch := max(1, s.opts.Workers/8)
	for {
		s.lastTurn.Store(time.Now().UnixNano())
		wait := time.Duration(-1) // until a worker is free
		if free := s.opts.Workers - busy; free >= batch || (free > 0 && busy < batch) {
			got, idle, err := s.take(ctx, s.opts.Workers-busy)
			switch {
			case errors.Is(err, context.Canceled) && ctx.Err() != nil:
				return nil
			case err != nil:
				failures++
				wait = redisDown.Delay(failures)
				s.log.Warn("claim due feeds", zap.Error(err), zap.Duration(logging.KeyDelay, wait))
			default:
				failures = 0
				wait = idle
			}
			for _, c := range got {
				busy++
				jobs <- c
			}
			if len(got) > 0 && busy < s.opts.Workers {
				wait = 0 // more may be due
			}
		}
		timer.Stop()
		var tick <-chan time.Time
		if wait >= 0 {
			timer.Reset(wait)
			tick = timer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case <-done:
			busy--
		case <-tick:
		}
	}
}

// Healthy fails when the claiming loop has not gone round for longer than
// polls may take: every poll ends by its lease, so a loop silent for two
// leases is stuck, and a restart cures it.
func (s *Scheduler) Healthy(context.Context) error {
	last := s.lastTurn.Load()
	if last == 0 {
		return nil // not started: waiting for Kafka or Redis is readiness's business
	}
	limit := 2*s.opts.Lease + 10*s.opts.Idle
	if idle := time.Since(time.Unix(0, last)); idle > limit {
		return fmt.Errorf("scheduler stuck: no turn for %s (limit %s)", idle.Round(time.Second), limit)
	}
	return nil
}

// run polls one claimed feed and hands it back.
func (s *Scheduler) run(workCtx context.Context, c claimed) {
	pollCtx, cancel := context.WithDeadline(workCtx, c.deadline)
	start := time.Now()
	res := s.poll.Poll(pollCtx, c.feed)
	took := time.Since(start)
	cancel()
	next := res.Next
	if workCtx.Err() != nil {
		next = 0 // cut off by shutdown, not the feed's fault: due again at once
	}
	if res.Err != nil {
		s.log.Warn("feed poll failed", zap.String(logging.KeyFeed, c.feed.URL), zap.Error(res.Err),
			zap.Int(logging.KeyAttempt, res.Failures), zap.Duration(logging.KeyDelay, next))
	}
	releaseCtx, cancelRelease := context.WithTimeout(context.WithoutCancel(workCtx), 5*time.Second)
	defer cancelRelease()
	if err := s.release(releaseCtx, c, next); err != nil {
		// The lease expires on its own and the feed is polled again then.
		s.log.Warn("hand feed back", zap.String(logging.KeyFeed, c.feed.URL), zap.Error(err))
	}
	if s.obs != nil {
		s.obs.Polled(c.feed, res, took)
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
