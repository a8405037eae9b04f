// Package luascript runs Redis Lua scripts in pipelines: one round trip for
// a whole batch, with EVALSHA so the script text is not sent every time.
package luascript

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Pipeline sends the calls fill queues (EvalSha of the given scripts) in
// one round trip. A server that lost its script cache (a restart, SCRIPT
// FLUSH) answers NOSCRIPT to every call: the scripts are loaded and the
// pipeline is sent once more. No script has run in that case, so none runs
// twice; other commands in the pipeline run again, so they must be
// idempotent (a plain SET is).
func Pipeline(ctx context.Context, rdb redis.UniversalClient, scripts []*redis.Script, fill func(redis.Pipeliner)) error {
	run := func(p redis.Pipeliner) error { fill(p); return nil }
	_, err := rdb.Pipelined(ctx, run)
	if err == nil || !redis.HasErrorPrefix(err, "NOSCRIPT") {
		return err
	}
	for _, s := range scripts {
		if err := s.Load(ctx, rdb).Err(); err != nil {
			return fmt.Errorf("load Lua script: %w", err)
		}
	}
	_, err = rdb.Pipelined(ctx, run)
	return err
}

// WrongType is a Lua function for a script to begin with:
// wrongtype(v) tells whether v, what redis.pcall returned, is Redis's
// WRONGTYPE error (the key holds another type than the command's, written
// by hand or by another version); any other error (out of memory, say) it
// raises again, so that the script fails as redis.call would.
const WrongType = `
local function wrongtype(v)
  if type(v) ~= 'table' or not v.err then
    return false
  end
  if not string.find(v.err, 'WRONGTYPE', 1, true) then
    error(v)
  end
  return true
end
`

// chunk is how many keys one script call handles: few calls per batch,
// while no call holds Redis for long.
const chunk = 256

// Chunks splits n items into [start, end) ranges of at most a few hundred,
// one script call each.
func Chunks(n int) [][2]int {
	var out [][2]int
	for start := 0; start < n; start += chunk {
		out = append(out, [2]int{start, min(start+chunk, n)})
	}
	return out
}
