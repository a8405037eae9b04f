// Package story groups syndicated articles into stories: articles whose
// bodies' SimHash fingerprints are at most MaxDistance bits apart share one
// story ID. The fingerprints are indexed in Redis by their four 16-bit
// blocks: two fingerprints within 3 bits agree on at least one block
// (pigeonhole), so only the fingerprints sharing a block are compared.
//
// The assignment runs as one Lua script per article, so two publishers
// seeing reprints at once still agree. A fingerprint's story never changes
// while its key lives, so the index remembers the stories it was told
// until then: the records of one article come in several batches, and
// only the first asks Redis. It touches keys it computes, which
// a standalone or Sentinel Redis allows and Redis Cluster does not.
package story

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/simhash"
	"github.com/newswire/newswire/services/publisher/internal/luascript"
)

// MaxDistance is the most bits two fingerprints of one story differ in.
const MaxDistance = 3

// MaxBlock bounds the fingerprints kept per block. Unrelated fingerprints
// share a block 1 time in 65,536: a block holds a few even at a million
// articles a window, unless articles are made to crowd it. Past MaxBlock a
// block forgets fingerprints at random, and a near-duplicate is found only
// through another block it shares.
const MaxBlock = 128

// assignScript returns the story of fingerprint ARGV[2], creating it from
// the nearest fingerprint within ARGV[3] bits, or a new story ARGV[2], how
// long (ms) that answer holds: the life left of the fingerprint's key, and
// the keys it found of another type than it keeps there (written by hand
// or by another version), which it deleted.
//
// A block holds at most ARGV[5] fingerprints: a crowded one forgets
// fingerprints at random, so that an assignment compares at most four
// times that many, however many articles share 16 bits of their
// fingerprints.
//
// ARGV: key prefix, fingerprint (16 hex digits), max distance, ttl (s),
// the most fingerprints a block keeps.
var assignScript = redis.NewScript(luascript.WrongType + `
local prefix, h, maxd, ttl, most = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local replaced = {}
-- cmd runs a read of key; a key of another type is deleted and reads as
-- nothing.
local function read(cmd, key)
  local v = redis.pcall(cmd, key)
  if wrongtype(v) then
    redis.call('DEL', key)
    replaced[#replaced + 1] = key
    return false
  end
  return v
end
local own = read('GET', prefix .. 'h:' .. h)
if own then
  return {own, redis.call('PTTL', prefix .. 'h:' .. h), replaced}
end
local hb = {}
for i = 0, 3 do
  hb[i] = tonumber(string.sub(h, i*4+1, i*4+4), 16)
end
-- distance is the bits m differs from h in, or more than maxd once it is
-- past that.
local function distance(m)
  local d = 0
  for i = 0, 3 do
    local x = bit.bxor(hb[i], tonumber(string.sub(m, i*4+1, i*4+4), 16))
    while x ~= 0 do
      x = bit.band(x, x - 1)
      d = d + 1
    end
    if d > maxd then
      return d
    end
  end
  return d
end
-- trim makes block, of n fingerprints, forget some at random down to most.
local function trim(block, n)
  if n > most then
    redis.call('SPOP', block, n - most)
  end
end
local story, best = h, maxd + 1
for i = 0, 3 do
  local block = prefix .. 'b' .. i .. ':' .. string.sub(h, i*4+1, i*4+4)
  local n = read('SCARD', block) or 0
  trim(block, n)
  for _, m in ipairs(n > 0 and redis.call('SMEMBERS', block) or {}) do
    -- A member that is not a fingerprint is passed over.
    local d = #m == 16 and string.find(m, '^%x+$') and distance(m) or best
    if d < best then
      local s = read('GET', prefix .. 'h:' .. m)
      if s then
        story, best = s, d
      else
        redis.call('SREM', block, m) -- expired: forget it
      end
    end
  end
end
redis.call('SET', prefix .. 'h:' .. h, story, 'EX', ttl)
for i = 0, 3 do
  local block = prefix .. 'b' .. i .. ':' .. string.sub(h, i*4+1, i*4+4)
  redis.call('SADD', block, h)
  trim(block, redis.call('SCARD', block))
  redis.call('EXPIRE', block, ttl)
end
return {story, ttl * 1000, replaced}
`)

// remember bounds the stories an index keeps in memory.
const remember = 1 << 14

// known is a story found for a fingerprint and when its key expires.
type known struct {
	story string
	until time.Time
}

// Index assigns stories.
type Index struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	now    func() time.Time
	log    *zap.Logger

	mu    sync.Mutex
	known map[string]known // by fingerprint
}

// New returns an index whose keys start with prefix and live for ttl after
// their last article; log hears of the keys it finds of another type and
// replaces.
func New(rdb redis.UniversalClient, prefix string, ttl time.Duration, log *zap.Logger) *Index {
	return &Index{rdb: rdb, prefix: prefix + "story:", ttl: ttl, now: time.Now, log: log, known: make(map[string]known)}
}

// Assign returns the story ID of each fingerprint, asking Redis, in one
// round trip, only for those it does not remember. An empty or malformed
// fingerprint gets fallback[i] as its story.
func (x *Index) Assign(ctx context.Context, fingerprints, fallback []string) ([]string, error) {
	out := make([]string, len(fingerprints))
	cmds := make([]*redis.Cmd, len(fingerprints))
	asked := x.now() // an answer holds from when it was asked for
	x.mu.Lock()
	for i, fp := range fingerprints {
		if k, ok := x.known[fp]; ok && asked.Before(k.until) {
			out[i] = k.story
		}
	}
	x.mu.Unlock()
	err := luascript.Pipeline(ctx, x.rdb, []*redis.Script{assignScript}, func(p redis.Pipeliner) {
		for i, fp := range fingerprints {
			if _, err := simhash.Parse(fp); err != nil || out[i] != "" {
				continue
			}
			cmds[i] = assignScript.EvalSha(ctx, p, nil, x.prefix, fp, MaxDistance, int(x.ttl.Seconds()), MaxBlock)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("assign stories: %w", err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, cmd := range cmds {
		switch {
		case cmd != nil:
			k, replaced, err := parseAnswer(cmd, asked)
			if err != nil {
				return nil, fmt.Errorf("assign story of %s: %w", fingerprints[i], err)
			}
			for _, key := range replaced {
				x.log.Warn("story key held another type, replaced", zap.String("key", key))
			}
			out[i] = k.story
			if k.until.After(asked) {
				x.keep(fingerprints[i], k)
			}
		case out[i] == "":
			out[i] = fallback[i]
		}
	}
	return out, nil
}

// parseAnswer reads the script's story, the life left of its key and the
// keys it replaced.
func parseAnswer(cmd *redis.Cmd, asked time.Time) (k known, replaced []string, err error) {
	vals, err := cmd.Slice()
	if err != nil {
		return known{}, nil, err
	}
	if len(vals) != 3 {
		return known{}, nil, fmt.Errorf("unexpected answer %.200v", vals)
	}
	story, _ := vals[0].(string)
	ms, _ := vals[1].(int64)
	if story == "" {
		return known{}, nil, fmt.Errorf("unexpected answer %.200v", vals)
	}
	keys, _ := vals[2].([]any)
	for _, key := range keys {
		if s, ok := key.(string); ok {
			replaced = append(replaced, s)
		}
	}
	// A key without an expiry (PTTL -1) holds no longer than it was asked
	// for: it is not remembered.
	return known{story: story, until: asked.Add(time.Duration(ms) * time.Millisecond)}, replaced, nil
}

// keep remembers a story, forgetting others at random when full. x.mu is
// held.
func (x *Index) keep(fp string, k known) {
	if len(x.known) >= remember {
		for old := range x.known {
			delete(x.known, old)
			if len(x.known) < remember*3/4 {
				break
			}
		}
	}
	x.known[fp] = k
}
