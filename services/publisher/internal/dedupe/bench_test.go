package dedupe

import (
	"fmt"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/redistest"
)

// BenchmarkClaim claims and confirms batches of 1,000 keys as the publisher
// does, against the real Redis: keys never forwarded (one SET NX each and
// one marker a batch) and keys forwarded before, taken to their next
// revision (the claim and compare-and-set scripts). Besides the time per
// key it reports the CPU per key of each side, this process (the Redis
// client) and the Redis server: what dedupe costs a publisher whatever else
// it does, and what it takes from a machine that runs Redis too.
func BenchmarkClaim(b *testing.B) {
	const batch = 1000
	for _, tc := range []struct {
		name     string
		revision bool // keys forwarded before
	}{{"new", false}, {"revision", true}} {
		b.Run(tc.name, func(b *testing.B) {
			s, _ := newStore(b)
			keys := make([]string, batch)
			for i := range keys {
				keys[i] = fmt.Sprintf("q:%d", i)
			}
			if tc.revision {
				claimAndConfirm(b, s, benchRequests(keys, 0))
			}
			// The client's CPU is counted around the calls alone, not
			// while the requests are made.
			var client time.Duration
			serverBefore := redistest.ServerCPU(b, s.rdb)
			round := 0
			for b.Loop() {
				round++
				if !tc.revision {
					for i := range keys {
						keys[i] = fmt.Sprintf("q:%d:%d", round, i)
					}
				}
				reqs := benchRequests(keys, round)
				before := cputime.Process()
				claimAndConfirm(b, s, reqs)
				client += cputime.Process() - before
			}
			server := redistest.ServerCPU(b, s.rdb) - serverBefore
			perKey := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 / float64(b.N*batch) }
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/key")
			b.ReportMetric(perKey(client), "client-cpu-µs/key")
			b.ReportMetric(perKey(server), "redis-cpu-µs/key")
		})
	}
}

// benchRequests asks for keys as a publisher forwarding article a<round>
// would: one source, the usual state of a new key.
func benchRequests(keys []string, round int) []Request {
	article := fmt.Sprintf("a%d", round)
	reqs := make([]Request, len(keys))
	for i, k := range keys {
		reqs[i] = Request{Key: k, Articles: []string{article}, New: State{
			Revision: 1, FirstSeen: time.UnixMilli(1_700_000_000_000).UTC(), Sources: []event.SourceRef{{
				Source: "belta.by", URL: "https://eng.belta.by/president/view/" + article, ArticleID: article,
				SeenAt: time.UnixMilli(1_700_000_000_000).UTC(),
			}},
		}}
	}
	return reqs
}

// claimAndConfirm claims every key and confirms it with the request's new
// state, or, for a key forwarded before, with its last source and the new
// one, so the state stays the usual size.
func claimAndConfirm(b *testing.B, s *Store, reqs []Request) {
	b.Helper()
	claims, err := s.ClaimAll(b.Context(), reqs)
	if err != nil {
		b.Fatalf("claim %d keys: %v", len(reqs), err)
	}
	done := make([]Confirm, len(claims))
	for i, c := range claims {
		st := reqs[i].New
		if c.Revision > 0 {
			st = State{Revision: c.Revision + 1, FirstSeen: c.FirstSeen, Sources: append(c.Sources[len(c.Sources)-1:], reqs[i].New.Sources...)}
		}
		done[i] = Confirm{Claim: c, State: st}
	}
	if lost, err := s.Done(b.Context(), done); err != nil || lost != 0 {
		b.Fatalf("confirm %d keys: lost %d, %v", len(done), lost, err)
	}
}
