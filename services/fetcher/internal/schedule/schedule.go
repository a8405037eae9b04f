// Package schedule decides when each feed is polled next and runs the polls
// on a bounded pool of workers.
package schedule

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/backoff"
	"github.com/newswire/newswire/pkg/logging"
	"github.com/newswire/newswire/services/fetcher/internal/feedlist"
	"github.com/newswire/newswire/services/fetcher/internal/poll"
)

// Poller polls one feed.
type Poller interface {
	Poll(ctx context.Context, feed feedlist.Feed) poll.Result
}

// Options are the operator's limits.
type Options struct {
	Workers         int
	DefaultInterval time.Duration
	MinInterval     time.Duration
	MaxInterval     time.Duration
	MaxBackoff      time.Duration
	DrainTimeout    time.Duration
}

// Observer hears about every poll, for metrics and progress.
type Observer interface {
	Polled(feed feedlist.Feed, res poll.Result, took time.Duration, next time.Duration, failures int)
}

// Scheduler polls every feed on its interval.
type Scheduler struct {
	feeds []feedlist.Feed
	poll  Poller
	opts  Options
	obs   Observer
	log   *zap.Logger
}

// New returns a scheduler.
func New(feeds []feedlist.Feed, p Poller, opts Options, obs Observer, log *zap.Logger) *Scheduler {
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	return &Scheduler{feeds: feeds, poll: p, opts: opts, obs: obs, log: log}
}

type entry struct {
	due      time.Time
	feed     int
	failures int
}

type queue []*entry

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(*entry)) }
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// Run polls until ctx is cancelled; polls in flight then get DrainTimeout
// to finish writing what they found.
func (s *Scheduler) Run(ctx context.Context) error {
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(s.opts.DrainTimeout, cancelWork) })
	defer stop()

	jobs := make(chan *entry)
	done := make(chan *entry)
	var wg sync.WaitGroup
	for range s.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range jobs {
				s.run(workCtx, e)
				select {
				case done <- e:
				case <-ctx.Done():
				}
			}
		}()
	}

	q := make(queue, 0, len(s.feeds))
	now := time.Now()
	for i := range s.feeds {
		q = append(q, &entry{due: now, feed: i})
	}
	heap.Init(&q)
	timer := time.NewTimer(0)
	defer timer.Stop()
	var ready []*entry // due, waiting for a free worker
	for ctx.Err() == nil {
		for q.Len() > 0 && !q[0].due.After(time.Now()) {
			ready = append(ready, heap.Pop(&q).(*entry))
		}
		var send chan *entry
		var next *entry
		if len(ready) > 0 {
			send, next = jobs, ready[0]
		}
		if q.Len() > 0 {
			timer.Reset(time.Until(q[0].due))
		}
		select {
		case <-ctx.Done():
		case send <- next:
			ready = ready[1:]
		case e := <-done:
			heap.Push(&q, e)
		case <-timer.C:
		}
	}
	close(jobs)
	wg.Wait()
	return nil
}

// run polls one feed and sets when it is due again.
func (s *Scheduler) run(ctx context.Context, e *entry) {
	feed := s.feeds[e.feed]
	start := time.Now()
	res := s.poll.Poll(ctx, feed)
	took := time.Since(start)
	next := s.interval(feed)
	if res.Err != nil {
		e.failures++
		next = backoff.Policy{Min: min(next, time.Minute), Max: s.opts.MaxBackoff}.Delay(e.failures)
		s.log.Warn("feed poll failed", zap.String(logging.KeyFeed, feed.URL), zap.Error(res.Err),
			zap.Int(logging.KeyAttempt, e.failures), zap.Duration(logging.KeyDelay, next))
	} else {
		e.failures = 0
	}
	if res.RetryAfter > next {
		next = min(res.RetryAfter, 24*time.Hour)
	}
	e.due = time.Now().Add(next)
	if s.obs != nil {
		s.obs.Polled(feed, res, took, next, e.failures)
	}
}

func (s *Scheduler) interval(feed feedlist.Feed) time.Duration {
	d := feed.Interval
	if d == 0 {
		d = s.opts.DefaultInterval
	}
	return max(s.opts.MinInterval, min(d, s.opts.MaxInterval))
}
