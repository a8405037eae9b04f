package story

import (
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/simhash"
)

// newIndex is an index whose keys, under a prefix of the test's own, live
// an hour, and the Redis client beneath it.
func newIndex(t *testing.T) (*Index, *redis.Client) {
	t.Helper()
	prefix := kafkatest.Name(t, "story") + ":"
	rdb := redistest.Connect(t, prefix)
	return New(rdb, prefix, time.Hour, zap.NewNop()), rdb
}

func TestNearDuplicatesShareAStory(t *testing.T) {
	x, _ := newIndex(t)
	base := uint64(0x0123456789abcdef)
	flip := func(h uint64, bits ...int) string {
		for _, b := range bits {
			h ^= 1 << b
		}
		return simhash.Format(h)
	}
	fps := []string{
		simhash.Format(base),      // 0: a new story
		flip(base, 1, 17, 40),     // 1: 3 bits away, every block but one changed
		flip(base, 0, 16, 32, 48), // 2: 4 bits away: another story
		simhash.Format(base),      // 3: a redelivery
		"",                        // 4: no fingerprint: its own article's story
		"not-hex",                 // 5: malformed: the same
	}
	fallback := []string{"a0", "a1", "a2", "a3", "a4", "a5"}
	got, err := x.Assign(t.Context(), fps, fallback)
	if err != nil {
		t.Fatal(err)
	}
	if got[1] != got[0] || got[3] != got[0] {
		t.Errorf("near-duplicates got stories %s, %s, %s; want one", got[0], got[1], got[3])
	}
	if got[2] == got[0] {
		t.Errorf("a fingerprint 4 bits away joined the story %s", got[0])
	}
	if got[4] != "a4" || got[5] != "a5" {
		t.Errorf("articles without a usable fingerprint got %s and %s, want their own ids", got[4], got[5])
	}

	// A later reprint close to the second article (5 bits from the first)
	// still finds the story through it.
	again, err := x.Assign(t.Context(), []string{flip(base, 1, 17, 40, 60, 61)}, []string{"a6"})
	if err != nil {
		t.Fatal(err)
	}
	if again[0] != got[0] {
		t.Errorf("reprint of a reprint got story %s, want %s", again[0], got[0])
	}
}

// A block set holding something that is not a fingerprint (written by hand
// or by another version) must not fail every assignment that reads it.
func TestMemberThatIsNotAFingerprintIsPassedOver(t *testing.T) {
	x, rdb := newIndex(t)
	fp := simhash.Format(0x0123456789abcdef)
	for _, junk := range []string{"zz", "0123xyz"} {
		if err := rdb.SAdd(t.Context(), x.prefix+"b0:0123", junk).Err(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := x.Assign(t.Context(), []string{fp}, []string{"a0"})
	if err != nil {
		t.Fatalf("assign beside members that are not fingerprints: %v", err)
	}
	if got[0] != fp {
		t.Errorf("story = %s, want a new story %s", got[0], fp)
	}
}

// However many articles share a block (made to, or a block crowded before
// the bound), it keeps at most MaxBlock fingerprints, so that one
// assignment compares at most 4 × MaxBlock; an article still finds its
// story through a block that is not crowded.
func TestCrowdedBlockIsBounded(t *testing.T) {
	x, rdb := newIndex(t)
	ctx := t.Context()
	crowded := x.prefix + "b0:0123"
	var before []any
	for i := range 3 * MaxBlock {
		before = append(before, simhash.Format(0x0123<<48|uint64(i)<<24|0xabcdef))
	}
	if err := rdb.SAdd(ctx, crowded, before...).Err(); err != nil {
		t.Fatal(err)
	}
	story := simhash.Format(0x0123_4567_89ab_cdef)
	fps := []string{story}
	for i := range 2 * MaxBlock {
		fps = append(fps, simhash.Format(0x0123<<48|uint64(i+1)<<32|0x5555_5555)) // all in block 0, none near story
	}
	fps = append(fps, simhash.Format(0x0123_4567_89ab_cdee)) // 1 bit from story
	fallback := make([]string, len(fps))
	for i := range fps {
		fallback[i] = "a" + strconv.Itoa(i)
	}
	got, err := x.Assign(ctx, fps, fallback)
	if err != nil {
		t.Fatal(err)
	}
	if n := rdb.SCard(ctx, crowded).Val(); n > MaxBlock {
		t.Errorf("the crowded block holds %d fingerprints, want at most %d", n, MaxBlock)
	}
	if last := got[len(got)-1]; last != story {
		t.Errorf("the near-duplicate got story %s, want %s through the blocks it shares", last, story)
	}
}

// Keys of another type than the index keeps (written by hand or by another
// version) must not fail every assignment that reads them: a fingerprint's
// key that is not a string, a block that is not a set, a member's key that
// is not a string, each is replaced, in a warning naming it.
func TestKeysOfAnotherTypeAreReplaced(t *testing.T) {
	x, rdb := newIndex(t)
	core, logs := observer.New(zap.WarnLevel)
	x.log = zap.New(core)
	first := simhash.Format(0x0123456789abcdef)
	if _, err := x.Assign(t.Context(), []string{first}, []string{"a0"}); err != nil {
		t.Fatal(err)
	}
	near := simhash.Format(0x0123456789abcdee)  // 1 bit from first: block 3 differs
	other := simhash.Format(0xfedcba9876543210) // nothing in common
	junk := []string{
		x.prefix + "h:" + first, // near finds first through blocks 0-2
		x.prefix + "b0:0123",    // a block near reads
		x.prefix + "h:" + other, // other's own key
		x.prefix + "b3:3210",    // a block other reads
	}
	ctx := t.Context()
	if err := rdb.Del(ctx, junk[0], junk[1]).Err(); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		rdb.RPush(ctx, junk[0], "x").Err(), rdb.Set(ctx, junk[1], "x", time.Hour).Err(),
		rdb.HSet(ctx, junk[2], "x", 1).Err(), rdb.Set(ctx, junk[3], "x", time.Hour).Err(),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	x.known = map[string]known{} // forget first's story: ask Redis
	got, err := x.Assign(ctx, []string{near, other}, []string{"a1", "a2"})
	if err != nil {
		t.Fatalf("assign beside keys of another type: %v", err)
	}
	// first's key is gone: near cannot reach its story and starts its own.
	if got[0] != near || got[1] != other {
		t.Errorf("stories = %v, want new stories %s and %s", got, near, other)
	}
	for _, key := range junk {
		if n := logs.FilterField(zap.String("key", key)).Len(); n != 1 {
			t.Errorf("%d warnings name %s, want 1", n, key)
		}
	}
	if again, err := x.Assign(ctx, []string{near}, []string{"a3"}); err != nil || again[0] != near {
		t.Errorf("near's story after the repair = %v, %v; want %s", again, err, near)
	}
}

// A fingerprint's story is remembered while its key lives: the records of
// one article come in several batches, and only the first asks Redis.
func TestStoryIsRememberedWhileItsKeyLives(t *testing.T) {
	x, rdb := newIndex(t)
	fp := simhash.Format(0x0123456789abcdef)
	assign := func() string {
		t.Helper()
		got, err := x.Assign(t.Context(), []string{fp}, []string{"a0"})
		if err != nil {
			t.Fatal(err)
		}
		return got[0]
	}
	first := assign()
	// What Redis holds changes behind the index's back: a remembered story
	// does not ask Redis, a forgotten one does.
	if err := rdb.Set(t.Context(), x.prefix+"h:"+fp, "changed", redis.KeepTTL).Err(); err != nil {
		t.Fatal(err)
	}
	if got := assign(); got != first {
		t.Errorf("story while its key lives = %s, want %s remembered", got, first)
	}
	x.now = func() time.Time { return time.Now().Add(time.Hour + time.Minute) }
	if got := assign(); got != "changed" {
		t.Errorf("story once its key's life is over = %s, want Redis's answer", got)
	}
}
