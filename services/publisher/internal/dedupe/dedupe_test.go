package dedupe

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/testwait"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newStore(t testing.TB) (*Store, *clock) {
	t.Helper()
	prefix := kafkatest.Name(t, "dedupe") + ":"
	rdb := redistest.Connect(t, prefix)
	s := New(rdb, prefix, 10*time.Second, time.Hour)
	c := &clock{t: time.Now()}
	s.now = c.now
	return s, c
}

// claimOne claims key for articles, proposing what a publisher would if
// the key is new: one revision per article.
func claimOne(t *testing.T, s *Store, key string, articles ...string) Claim {
	t.Helper()
	claims, err := s.ClaimAll(t.Context(), []Request{{Key: key, Articles: articles, New: stateOf(len(articles), articles...)}})
	if err != nil {
		t.Fatalf("claim %s: %v", key, err)
	}
	return claims[0]
}

func confirm(t *testing.T, s *Store, c Claim, rev int, articles ...string) {
	t.Helper()
	lost, err := s.Done(t.Context(), []Confirm{{Claim: c, State: stateOf(rev, articles...)}})
	if err != nil || lost != 0 {
		t.Fatalf("confirm %s: lost %d, %v", c.Key, lost, err)
	}
}

func stateOf(rev int, articles ...string) State {
	return State{Revision: rev, FirstSeen: time.UnixMilli(1000).UTC(), Sources: sourcesOf(articles)}
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
	lost, err := s.Done(t.Context(), []Confirm{{Claim: first, State: stateOf(1, "a1")}})
	if err != nil || lost != 1 {
		t.Fatalf("stale owner's confirm: lost %d, err %v; want it refused", lost, err)
	}
	confirm(t, s, second, 1, "a1")
	if c := claimOne(t, s, "k", "a1"); !c.Duplicate[0] {
		t.Error("the new owner's confirmation did not stick")
	}
}

// A key claimed near the end of its window keeps living while its record
// is written: it does not expire mid-write and come back as new.
func TestClaimNearTheEndOfTheWindowOutlivesTheWrite(t *testing.T) {
	s, _ := newStore(t)
	confirm(t, s, claimOne(t, s, "k", "a1"), 1, "a1")
	if err := s.rdb.PExpire(t.Context(), s.prefix+"k", 50*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	c := claimOne(t, s, "k", "a1", "a2")
	ttl, err := s.rdb.PTTL(t.Context(), s.prefix+"k").Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl < s.lease {
		t.Fatalf("claimed key expires in %s, want at least the lease %s", ttl, s.lease)
	}
	confirm(t, s, c, 2, "a1", "a2")
	if again := claimOne(t, s, "k", "a2"); !again.Duplicate[0] || again.Revision != 2 {
		t.Errorf("after the revision was confirmed: %+v, want a2 a duplicate at revision 2", again)
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

func TestNewKeysOfABatchAreConfirmedByOneMarker(t *testing.T) {
	s, _ := newStore(t)
	confirm(t, s, claimOne(t, s, "k0", "a0"), 1, "a0")
	reqs := []Request{
		{Key: "k0", Articles: []string{"a9"}, New: stateOf(1, "a9")}, // forwarded before: compare-and-set
		{Key: "k1", Articles: []string{"a1"}, New: stateOf(1, "a1")},
		{Key: "k2", Articles: []string{"a2", "a3"}, New: stateOf(2, "a2", "a3")},
	}
	claims, err := s.ClaimAll(t.Context(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	confirms := []Confirm{{Claim: claims[0], State: stateOf(2, "a0", "a9")}}
	for i, c := range claims[1:] {
		confirms = append(confirms, Confirm{Claim: c, State: reqs[i+1].New})
	}
	if lost, err := s.Done(t.Context(), confirms); err != nil || lost != 0 {
		t.Fatalf("confirm: lost %d, %v", lost, err)
	}
	// Nothing was written to the new keys themselves: the marker confirmed them.
	if v, err := s.rdb.Get(t.Context(), s.prefix+"k0").Result(); err != nil || v[0] != 'S' {
		t.Errorf("key forwarded before = %.30q, %v; want it done", v, err)
	}
	for _, r := range reqs[1:] {
		v, err := s.rdb.Get(t.Context(), s.prefix+r.Key).Result()
		if err != nil || v[0] != 'N' {
			t.Errorf("key %s = %.30q, %v; want its claim as written", r.Key, v, err)
		}
	}
	if n, err := s.rdb.Exists(t.Context(), s.batches+claims[0].Token).Result(); err != nil || n != 1 {
		t.Fatalf("batch marker exists = %d, %v", n, err)
	}
	c := claimOne(t, s, "k2", "a3", "a4")
	if !c.Duplicate[0] || c.Duplicate[1] || c.Revision != 2 || len(c.Sources) != 2 || c.FirstSeen.UnixMilli() != 1000 {
		t.Errorf("claim after the marker = %+v, want revision 2, a3 forwarded, a4 not", c)
	}
}

func TestNewClaimOfADeadOwnerIsNeverForwarded(t *testing.T) {
	s, clk := newStore(t)
	claimOne(t, s, "k", "a1") // and its owner dies before confirming
	if _, err := s.ClaimAll(t.Context(), []Request{{Key: "k", Articles: []string{"a1"}}}); !errors.Is(err, ErrBusy) {
		t.Fatalf("claim during the dead owner's lease: err = %v, want ErrBusy", err)
	}
	clk.t = clk.t.Add(11 * time.Second)
	c := claimOne(t, s, "k", "a1")
	if c.Duplicate[0] || c.Revision != 0 || len(c.Sources) != 0 {
		t.Fatalf("claim after the lease = %+v, want a key never forwarded", c)
	}
	confirm(t, s, c, 1, "a1")
	if again := claimOne(t, s, "k", "a1"); !again.Duplicate[0] || again.Revision != 1 {
		t.Errorf("the new owner's confirmation did not stick: %+v", again)
	}
}

func TestConfirmingAnotherStateThanProposedIsKept(t *testing.T) {
	s, _ := newStore(t)
	c := claimOne(t, s, "k", "a1") // proposes revision 1 from a1
	confirm(t, s, c, 2, "a0", "a1")
	if again := claimOne(t, s, "k", "a0"); !again.Duplicate[0] || again.Revision != 2 {
		t.Errorf("claim after confirming another state = %+v, want revision 2 with a0", again)
	}
}

// A state that cannot be read, left by hand or by another version, or a key
// of another type than a string (whose commands fail with WRONGTYPE), must not
// hold its key's records back for good: the key is taken as never
// forwarded, the reason is given with its claim, and the confirmation
// writes a readable state over it. The batch's other keys are claimed as
// usual.
func TestUnreadableStateIsTakenAsNeverForwarded(t *testing.T) {
	set := func(value string) func(context.Context, redis.UniversalClient, string) error {
		return func(ctx context.Context, rdb redis.UniversalClient, key string) error {
			return rdb.Set(ctx, key, value, time.Hour).Err()
		}
	}
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context, rdb redis.UniversalClient, key string) error
		why   string
	}{
		{"broken JSON", set(`S{"r":1,"s":[`), "unexpected"},
		{"wrong type", set(`S{"r":"one"}`), "r"},
		{"broken JSON of the version before", set(`D{"r":1,"s":[`), "unexpected"},
		{"not a state", set(`hello`), "not a done state"},
		{"a claim cut short", set(`P0123`), "not a done state"},
		{"a claim without its lease", set(`N0123456789abcdef01234567:soon:`), "not a done state"},
		{"a list", func(ctx context.Context, rdb redis.UniversalClient, key string) error {
			return rdb.RPush(ctx, key, "x").Err()
		}, "holds a Redis list"},
		{"a hash", func(ctx context.Context, rdb redis.UniversalClient, key string) error {
			return rdb.HSet(ctx, key, "r", 1).Err()
		}, "holds a Redis hash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newStore(t)
			if err := tc.write(t.Context(), s.rdb, s.prefix+"k"); err != nil {
				t.Fatal(err)
			}
			confirm(t, s, claimOne(t, s, "other", "a0"), 1, "a0")
			claims, err := s.ClaimAll(t.Context(), []Request{
				{Key: "k", Articles: []string{"a1"}, New: stateOf(1, "a1")},
				{Key: "other", Articles: []string{"a2"}, New: stateOf(1, "a2")},
			})
			if err != nil {
				t.Fatalf("claim beside an unreadable state: %v", err)
			}
			c := claims[0]
			if c.Unreadable == nil || !strings.Contains(c.Unreadable.Error(), "key k:") || !strings.Contains(c.Unreadable.Error(), tc.why) {
				t.Errorf("unreadable = %v, want the reason (%q), naming the key", c.Unreadable, tc.why)
			}
			if c.Revision != 0 || c.Duplicate[0] || len(c.Sources) != 0 {
				t.Errorf("claim = %+v, want a key never forwarded", c)
			}
			if o := claims[1]; o.Unreadable != nil || o.Revision != 1 || o.Duplicate[0] {
				t.Errorf("the batch's other claim = %+v, want revision 1 and a2 fresh", o)
			}
			// Released (a failed produce), the key is as unreadable as before,
			// or, if it held no string, gone.
			s.Release(t.Context(), claims[:1])
			again := claimOne(t, s, "k", "a1")
			switch {
			case strings.Contains(tc.why, "holds a Redis") && (again.Unreadable != nil || again.Revision != 0 || again.Duplicate[0]):
				t.Errorf("claim after a release = %+v, want a key never forwarded", again)
			case !strings.Contains(tc.why, "holds a Redis") && (again.Unreadable == nil || again.Unreadable.Error() != c.Unreadable.Error()):
				t.Errorf("unreadable after a release = %v, want %v", again.Unreadable, c.Unreadable)
			}
			c = again
			confirm(t, s, claims[1], 2, "a0", "a2")
			confirm(t, s, c, 1, "a1")
			if again := claimOne(t, s, "k", "a1"); again.Unreadable != nil || !again.Duplicate[0] || again.Revision != 1 {
				t.Errorf("claim after confirming = %+v, want the confirmed state", again)
			}
		})
	}
}

// A done state is kept compact; the format is read by every later version,
// so it is pinned here.
func TestStoredStateFormat(t *testing.T) {
	st := State{Revision: 2, FirstSeen: time.UnixMilli(1700000000123).UTC(), Sources: []event.SourceRef{
		{Source: "belta.by", URL: "https://eng.belta.by/a1", ArticleID: "a1", SeenAt: time.UnixMilli(1700000000123).UTC()},
		{Source: "sb.by", URL: "https://sb.by/a2", ArticleID: "a2", SeenAt: time.UnixMilli(1700000060000).UTC()},
	}}
	b, err := appendState(nil, st)
	if err != nil {
		t.Fatal(err)
	}
	const want = `S{"r":2,"f":1700000000123,"s":[{"o":"belta.by","u":"https://eng.belta.by/a1","a":"a1","t":1700000000123},` +
		`{"o":"sb.by","u":"https://sb.by/a2","a":"a2","t":1700000060000}]}`
	if string(b) != want {
		t.Errorf("stored state =\n%s\nwant\n%s", b, want)
	}
	got, err := parseState(string(b))
	if err != nil || !got.sameAs(st) {
		t.Errorf("read back = %+v, %v; want %+v", got, err, st)
	}
}

// A key forwarded by the version before, whose state is "D" and the
// sources as the records carry them, is read: its redeliveries stay
// duplicates and its next report is its next revision. Its confirmation
// writes the compact state.
func TestStateOfTheVersionBeforeIsRead(t *testing.T) {
	s, _ := newStore(t)
	legacy := `D{"r":2,"f":1000,"s":[{"source":"BelTA","url":"https://eng.belta.by/a1","article_id":"a1","seen_at":"2026-11-27T12:00:00.123Z"},` +
		`{"source":"SB","url":"https://sb.by/a2","article_id":"a2","seen_at":"2026-11-27T12:05:00Z"}]}`
	if err := s.rdb.Set(t.Context(), s.prefix+"k", legacy, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	c := claimOne(t, s, "k", "a2", "a3")
	if c.Unreadable != nil || c.Revision != 2 || c.FirstSeen.UnixMilli() != 1000 || !c.Duplicate[0] || c.Duplicate[1] ||
		len(c.Sources) != 2 || !c.Sources[0].SeenAt.Equal(time.Date(2026, 11, 27, 12, 0, 0, 123e6, time.UTC)) {
		t.Fatalf("claim of a key of the version before = %+v", c)
	}
	confirm(t, s, c, 3, "a1", "a2", "a3")
	if v, err := s.rdb.Get(t.Context(), s.prefix+"k").Result(); err != nil || v[0] != 'S' {
		t.Errorf("state after confirming = %.30q, %v; want the compact one", v, err)
	}
	if again := claimOne(t, s, "k", "a3"); !again.Duplicate[0] || again.Revision != 3 {
		t.Errorf("claim after confirming = %+v, want revision 3 with a3", again)
	}
}

// TestClaimsGivenUpOnAreTakenOver: a Redis frozen while a batch is claimed
// runs the claims when it thaws, after the client gave up on them. They
// are this store's, and nothing was produced under them: its next claim of
// those keys takes them over at once, while another store (another
// publisher) still finds them busy until their lease ends.
func TestClaimsGivenUpOnAreTakenOver(t *testing.T) {
	srv := redistest.StartServer(t)
	// The client gives up on an answer after half a second, and does not
	// send the commands again.
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ReadTimeout: 500 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	s, other := New(rdb, "t:", time.Minute, time.Hour), New(rdb, "t:", time.Minute, time.Hour)
	keys := []string{"q:1", "q:2", "q:3"}
	reqs := benchRequests(keys, 1)
	if err := rdb.Ping(t.Context()).Err(); err != nil { // a connection made before the freeze
		t.Fatal(err)
	}

	srv.Freeze(t)
	_, err := s.ClaimAll(t.Context(), reqs)
	srv.Thaw(t)
	if err == nil {
		t.Fatal("a claim succeeded with Redis frozen")
	}
	testwait.For(t, 10*time.Second, "the thawed Redis runs the claims", func() bool {
		return rdb.Exists(t.Context(), "t:publisher:q:1", "t:publisher:q:2", "t:publisher:q:3").Val() == 3
	})

	if _, err := other.ClaimAll(t.Context(), reqs); !errors.Is(err, ErrBusy) {
		t.Errorf("another store claimed keys under a live claim: err = %v, want ErrBusy", err)
	}
	claims, err := s.ClaimAll(t.Context(), reqs)
	if err != nil {
		t.Fatalf("the store did not take over the claims it gave up on: %v", err)
	}
	for _, c := range claims {
		if c.Revision != 0 || c.Unreadable != nil || c.Duplicate[0] {
			t.Errorf("%s taken over as %+v, want a key never forwarded", c.Key, c)
		}
	}
}

// TestReleasingSomeClaimsKeepsTheOthers: a batch gives back the claims of
// keys whose reports were all duplicates while its other keys are being
// written; the next batch (handled meanwhile) must find those busy, not
// take them over as given up.
func TestReleasingSomeClaimsKeepsTheOthers(t *testing.T) {
	s, _ := newStore(t)
	reqs := benchRequests([]string{"q:written", "q:idle"}, 1)
	claims, err := s.ClaimAll(t.Context(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	s.Release(t.Context(), claims[1:])
	if _, err := s.ClaimAll(t.Context(), reqs[:1]); !errors.Is(err, ErrBusy) {
		t.Errorf("a key being written was claimed again: err = %v, want ErrBusy", err)
	}
	if _, err := s.ClaimAll(t.Context(), reqs[1:]); err != nil {
		t.Errorf("a released key could not be claimed: %v", err)
	}
}
