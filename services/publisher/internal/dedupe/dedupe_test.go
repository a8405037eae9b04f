package dedupe

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newStore(t *testing.T) (*Store, *clock) {
	t.Helper()
	prefix := kafkatest.Name(t, "dedupe") + ":"
	rdb := redistest.Connect(t, prefix)
	s := New(rdb, prefix, 10*time.Second, time.Hour)
	c := &clock{t: time.Now()}
	s.now = c.now
	return s, c
}

func claimOne(t *testing.T, s *Store, key string, articles ...string) Claim {
	t.Helper()
	claims, err := s.ClaimAll(t.Context(), []Request{{Key: key, Articles: articles}})
	if err != nil {
		t.Fatalf("claim %s: %v", key, err)
	}
	return claims[0]
}

func confirm(t *testing.T, s *Store, c Claim, rev int, articles ...string) {
	t.Helper()
	lost, err := s.Done(t.Context(), []Confirm{{
		Claim: c, Revision: rev, FirstSeen: time.UnixMilli(1000).UTC(),
		Sources: sourcesOf(articles),
	}})
	if err != nil || lost != 0 {
		t.Fatalf("confirm %s: lost %d, %v", c.Key, lost, err)
	}
}

func sourcesOf(articles []string) []event.SourceRef {
	var out []event.SourceRef
	for _, a := range articles {
		out = append(out, event.SourceRef{Source: "BelTA", URL: "https://eng.belta.by/" + a, ArticleID: a})
	}
	return out
}

func TestClaimConfirmAndRedelivery(t *testing.T) {
	s, _ := newStore(t)
	c := claimOne(t, s, "k", "a1")
	if c.Revision != 0 || c.Duplicate[0] || !c.FirstSeen.IsZero() {
		t.Fatalf("fresh claim = %+v", c)
	}
	confirm(t, s, c, 1, "a1")

	c = claimOne(t, s, "k", "a1", "a2")
	if !c.Duplicate[0] || c.Duplicate[1] {
		t.Errorf("duplicates = %v, want a1 forwarded and a2 not", c.Duplicate)
	}
	if c.Revision != 1 || c.FirstSeen.UnixMilli() != 1000 || len(c.Sources) != 1 {
		t.Errorf("claim after confirm = %+v, want revision 1, first seen and one source", c)
	}
	s.Release(t.Context(), []Claim{c})
	if again := claimOne(t, s, "k", "a1"); !again.Duplicate[0] || again.Revision != 1 {
		t.Errorf("a released claim lost the confirmed state: %+v", again)
	}
}

func TestLiveClaimBlocksOthersUntilItsLeaseEnds(t *testing.T) {
	s, clk := newStore(t)
	first := claimOne(t, s, "k", "a1")

	if _, err := s.ClaimAll(t.Context(), []Request{{Key: "other", Articles: []string{"x"}}, {Key: "k", Articles: []string{"a1"}}}); !errors.Is(err, ErrBusy) {
		t.Fatalf("second claim while the first is live: err = %v, want ErrBusy", err)
	}
	// The batch's other claim was given back, not left hanging.
	if c := claimOne(t, s, "other", "x"); c.Duplicate[0] {
		t.Error("a key of the refused batch was left claimed or marked")
	}

	// The first owner dies; after its lease, another takes over and the
	// stale owner's confirmation is refused.
	clk.t = clk.t.Add(11 * time.Second)
	second := claimOne(t, s, "k", "a1")
	lost, err := s.Done(t.Context(), []Confirm{{Claim: first, Revision: 1, FirstSeen: clk.t, Sources: sourcesOf([]string{"a1"})}})
	if err != nil || lost != 1 {
		t.Fatalf("stale owner's confirm: lost %d, err %v; want it refused", lost, err)
	}
	confirm(t, s, second, 1, "a1")
	if c := claimOne(t, s, "k", "a1"); !c.Duplicate[0] {
		t.Error("the new owner's confirmation did not stick")
	}
}

func TestReleaseOfFreshClaimForgetsKey(t *testing.T) {
	s, _ := newStore(t)
	c := claimOne(t, s, "k", "a1")
	s.Release(t.Context(), []Claim{c})
	n, err := s.rdb.Exists(context.Background(), s.prefix+"k").Result()
	if err != nil || n != 0 {
		t.Fatalf("released fresh key still exists (%d, %v)", n, err)
	}
}

func TestScriptsReloadAfterScriptFlush(t *testing.T) {
	s, _ := newStore(t)
	// What a Redis restart does to the script cache.
	if err := s.rdb.ScriptFlush(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
	c := claimOne(t, s, "k", "a1")
	confirm(t, s, c, 1, "a1")
}
