package schedule

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/pkg/testwait"
	"github.com/newswire/newswire/services/fetcher/internal/feedmetrics"
)

// BenchmarkPolls polls 10,000 feeds on a local server through the whole
// fetcher: shared Redis schedule, feed state in Redis, conditional GET,
// per-feed Prometheus metrics, Kafka writer on the embedded kfake broker.
// A first round (not timed) fetches every feed and emits its item; each
// timed round makes all 10,000 due at once and waits for every poll, all
// answered 304. It reports polls per second, the processor time per poll
// (of this process: fetcher and feed server, not Redis), the peak of the Go heap in
// use during the timed rounds and the process's peak resident size (test
// server, kfake and the first round included).
func BenchmarkPolls(b *testing.B) {
	const feeds = 10000
	srv := newFeedServer(b)
	srv.quiet = true
	e := newEnv(b, time.Hour)
	e.options.Workers = 64
	e.options.Lease = time.Minute
	log := zap.NewNop()
	r := e.replicaWith(b, "bench", log, 64, feedmetrics.New(prometheus.NewRegistry(), log))
	list := srv.feeds(feeds)
	ctx := b.Context()
	if err := r.sched.Sync(ctx, list, r.state); err != nil {
		b.Fatal(err)
	}
	defer r.start(ctx)()
	waitPolls := func(n int) {
		testwait.For(b, 5*time.Minute, "a round of polls", func() bool {
			got, _ := r.obs.counts()
			return got >= n
		})
	}
	waitPolls(feeds)
	if _, errs := r.obs.counts(); len(errs) > 0 {
		b.Fatalf("%d polls failed in the first round, first: %v", len(errs), errs[0])
	}
	due := make([]redis.Z, feeds)
	for i, f := range list {
		due[i] = redis.Z{Score: 0, Member: f.URL}
	}

	peak := watchHeap(b)
	cpuBefore := cputime.Process()
	b.ResetTimer()
	start := time.Now()
	rounds := 0
	for b.Loop() {
		rounds++
		before, _ := r.obs.counts()
		if err := e.rdb.ZAddXX(ctx, r.sched.keys.due, due...).Err(); err != nil {
			b.Fatal(err)
		}
		waitPolls(before + feeds)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cpu := cputime.Process() - cpuBefore
	heap := peak()

	if _, errs := r.obs.counts(); len(errs) > 0 {
		b.Fatalf("%d polls failed, first: %v", len(errs), errs[0])
	}
	if want := feeds * (rounds + 1); srv.total != want {
		b.Errorf("%d requests to the feed server, want %d: a feed was polled twice", srv.total, want)
	}
	b.ReportMetric(float64(rounds*feeds)/elapsed.Seconds(), "polls/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(rounds*feeds), "cpu-µs/poll")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(maxRSS())/(1<<20), "maxrss-MiB")
	b.ReportMetric(0, "ns/op") // a round of 10,000 polls: polls/s says it better
}

// watchHeap samples the Go heap in use until the returned function is
// called, which returns the peak.
func watchHeap(tb testing.TB) (peak func() uint64) {
	tb.Helper()
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	var (
		mu   sync.Mutex
		max  uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			inUse := sample[0].Value.Uint64() + sample[1].Value.Uint64()
			mu.Lock()
			max = maxOf(max, inUse)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return max
	}
}

func maxOf(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// maxRSS is the peak resident set size of this process, in bytes.
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024 // kilobytes on Linux
}
