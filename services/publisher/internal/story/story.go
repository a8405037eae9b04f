// Package story groups syndicated articles into stories: articles whose
// bodies' SimHash fingerprints are at most MaxDistance bits apart share one
// story ID. The fingerprints are indexed in Redis by their four 16-bit
// blocks: two fingerprints within 3 bits agree on at least one block
// (pigeonhole), so only the fingerprints sharing a block are compared.
//
// The assignment runs as one Lua script per article, so two publishers
// seeing reprints at once still agree. It touches keys it computes, which
// a standalone or Sentinel Redis allows and Redis Cluster does not.
package story

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/simhash"
	"github.com/newswire/newswire/services/publisher/internal/luascript"
)

// MaxDistance is the most bits two fingerprints of one story differ in.
const MaxDistance = 3

// assignScript returns the story of fingerprint ARGV[2], creating it from
// the nearest fingerprint within ARGV[3] bits, or a new story ARGV[2].
//
// ARGV: key prefix, fingerprint (16 hex digits), max distance, ttl (s).
var assignScript = redis.NewScript(`
local prefix, h, maxd, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local own = redis.call('GET', prefix .. 'h:' .. h)
if own then
  return own
end
local function distance(a, b)
  local d = 0
  for i = 0, 3 do
    local x = bit.bxor(tonumber(string.sub(a, i*4+1, i*4+4), 16), tonumber(string.sub(b, i*4+1, i*4+4), 16))
    while x > 0 do
      d = d + bit.band(x, 1)
      x = bit.rshift(x, 1)
    end
  end
  return d
end
local story, best = h, maxd + 1
for i = 0, 3 do
  local block = prefix .. 'b' .. i .. ':' .. string.sub(h, i*4+1, i*4+4)
  for _, m in ipairs(redis.call('SMEMBERS', block)) do
    -- A member that is not a fingerprint is passed over.
    local d = string.find(m, '^%x+$') and #m == 16 and distance(h, m) or best
    if d < best then
      local s = redis.call('GET', prefix .. 'h:' .. m)
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
  redis.call('EXPIRE', block, ttl)
end
return story
`)

// Index assigns stories.
type Index struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// New returns an index whose keys start with prefix and live for ttl after
// their last article.
func New(rdb redis.UniversalClient, prefix string, ttl time.Duration) *Index {
	return &Index{rdb: rdb, prefix: prefix + "story:", ttl: ttl}
}

// Assign returns the story ID of each fingerprint, in one round trip.
// An empty or malformed fingerprint gets fallback[i] as its story.
func (x *Index) Assign(ctx context.Context, fingerprints, fallback []string) ([]string, error) {
	out := make([]string, len(fingerprints))
	cmds := make([]*redis.Cmd, len(fingerprints))
	err := luascript.Pipeline(ctx, x.rdb, []*redis.Script{assignScript}, func(p redis.Pipeliner) {
		for i, fp := range fingerprints {
			if _, err := simhash.Parse(fp); err != nil {
				continue
			}
			cmds[i] = assignScript.EvalSha(ctx, p, nil, x.prefix, fp, MaxDistance, int(x.ttl.Seconds()))
		}
	})
	if err != nil {
		return nil, fmt.Errorf("assign stories: %w", err)
	}
	for i, cmd := range cmds {
		if cmd == nil {
			out[i] = fallback[i]
			continue
		}
		s, err := cmd.Text()
		if err != nil {
			return nil, fmt.Errorf("assign story of %s: %w", fingerprints[i], err)
		}
		out[i] = s
	}
	return out, nil
}
