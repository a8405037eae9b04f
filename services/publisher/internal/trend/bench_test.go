package trend

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/pkg/redistest"
)

// BenchmarkRecord records batches of 770 mentions, what a batch of 1,000
// records of whole articles holds (23 entities to 7 quotations), against
// the real Redis: each batch is 33 new articles of 23 distinct entities
// drawn from 50,000 by Zipf's law, as the names in the news are. Besides
// the time per mention it reports the CPU per mention of each side, this
// process (the Redis client) and the Redis server.
func BenchmarkRecord(b *testing.B) {
	const articles, perArticle = 33, 23
	c := newCounter(b)
	rng := rand.New(rand.NewSource(1))
	zipf := rand.NewZipf(rng, 1.1, 1, 49999)
	var client time.Duration
	serverBefore := redistest.ServerCPU(b, c.rdb)
	round := 0
	for b.Loop() {
		round++
		ms := make([]Mention, 0, articles*perArticle)
		for a := range articles {
			seen := map[uint64]bool{}
			for len(seen) < perArticle {
				if e := zipf.Uint64(); !seen[e] {
					seen[e] = true
					ms = append(ms, Mention{EntityID: fmt.Sprintf("Q%d", e+1), ArticleID: fmt.Sprintf("r%d-a%d", round, a)})
				}
			}
		}
		before := cputime.Process()
		if _, err := c.Record(b.Context(), ms, time.Now()); err != nil {
			b.Fatal(err)
		}
		client += cputime.Process() - before
	}
	server := redistest.ServerCPU(b, c.rdb) - serverBefore
	perMention := func(d time.Duration) float64 {
		return float64(d.Nanoseconds()) / 1e3 / float64(b.N*articles*perArticle)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*articles*perArticle), "ns/mention")
	b.ReportMetric(perMention(client), "client-cpu-µs/mention")
	b.ReportMetric(perMention(server), "redis-cpu-µs/mention")
}
