// Package dedupe remembers in Redis which records were forwarded, without
// ever losing one: a key is claimed as pending under a lease, the record is
// produced, and only once the broker acknowledged it is the key marked done
// (compare-and-set on the claim's token, so a stale owner whose lease ran
// out cannot overwrite). A failed produce releases the claim.
//
// A plain SET NX before producing loses the record when the produce then
// fails: Benthos documents that flaw of its own dedupe processor.
//
// One key holds a folded record: a quotation reported by several articles,
// or one entity of one story. Its Redis hash keeps the last revision, the
// first-seen time, the sources, and one field per article already
// forwarded, which is what makes an exact redelivery a duplicate.
package dedupe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/publisher/internal/luascript"
)

// ErrBusy means another owner holds a live claim on a key.
var ErrBusy = errors.New("key claimed by another owner")

// MaxSources bounds the sources kept per key.
const MaxSources = 100

// claimScript claims a key unless a live claim exists. It returns
// {status, rev, first_seen, sources, dup1, dup2, …} where status is
// "claimed" or "busy" and dupN is 1 when ARGV[4+N] was already forwarded.
//
// KEYS[1] key; ARGV token, now (ms), lease (ms), then article IDs.
var claimScript = redis.NewScript(`
local key = KEYS[1]
local st = redis.call('HMGET', key, 'state', 'lease', 'rev', 'first_seen', 'sources')
local now = tonumber(ARGV[2])
if st[1] == 'pending' and tonumber(st[2] or '0') > now then
  return {'busy'}
end
redis.call('HSET', key, 'state', 'pending', 'token', ARGV[1], 'lease', now + tonumber(ARGV[3]))
if not st[3] then
  redis.call('PEXPIRE', key, tonumber(ARGV[3]) * 10)
end
local out = {'claimed', st[3] or '0', st[4] or '0', st[5] or '[]'}
for i = 4, #ARGV do
  if redis.call('HEXISTS', key, 'a:' .. ARGV[i]) == 1 then
    table.insert(out, 1)
  else
    table.insert(out, 0)
  end
end
return out
`)

// doneScript marks a claimed key done if the claim is still ours.
//
// KEYS[1] key; ARGV token, rev, first_seen, sources JSON, ttl (ms), then
// article IDs forwarded. Returns 1, or 0 when the claim was lost.
var doneScript = redis.NewScript(`
local key = KEYS[1]
if redis.call('HGET', key, 'token') ~= ARGV[1] then
  return 0
end
redis.call('HSET', key, 'state', 'done', 'rev', ARGV[2], 'first_seen', ARGV[3], 'sources', ARGV[4])
for i = 6, #ARGV do
  redis.call('HSET', key, 'a:' .. ARGV[i], 1)
end
redis.call('HDEL', key, 'token', 'lease')
redis.call('PEXPIRE', key, tonumber(ARGV[5]))
return 1
`)

// releaseScript gives a claim back if it is still ours: a key never
// forwarded disappears, one forwarded before returns to done.
var releaseScript = redis.NewScript(`
local key = KEYS[1]
if redis.call('HGET', key, 'token') ~= ARGV[1] then
  return 0
end
if redis.call('HEXISTS', key, 'rev') == 1 then
  redis.call('HSET', key, 'state', 'done')
  redis.call('HDEL', key, 'token', 'lease')
else
  redis.call('DEL', key)
end
return 1
`)

var scripts = []*redis.Script{claimScript, doneScript, releaseScript}

// Store claims and confirms keys.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	lease  time.Duration
	window time.Duration
	now    func() time.Time
}

// New returns a store. lease bounds how long a crashed owner's claim blocks
// others; window is how long a forwarded key is remembered.
func New(rdb redis.UniversalClient, prefix string, lease, window time.Duration) *Store {
	return &Store{rdb: rdb, prefix: prefix + "publisher:", lease: lease, window: window, now: time.Now}
}

// Request asks to claim one key for the given articles, in order.
type Request struct {
	Key      string
	Articles []string
}

// Claim is a held key.
type Claim struct {
	Key       string
	Token     string
	Revision  int // the last revision forwarded; 0 when never
	FirstSeen time.Time
	Sources   []event.SourceRef
	// Duplicate[i] says Articles[i] was forwarded already.
	Duplicate []bool
}

// ClaimAll claims every key in one pipelined round trip. When any key is
// busy, the claims taken are given back and ErrBusy is returned.
func (s *Store) ClaimAll(ctx context.Context, reqs []Request) ([]Claim, error) {
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	now := s.now().UnixMilli()
	cmds := make([]*redis.Cmd, len(reqs))
	err = luascript.Pipeline(ctx, s.rdb, scripts, func(p redis.Pipeliner) {
		for i, r := range reqs {
			args := make([]any, 0, 3+len(r.Articles))
			args = append(args, token, now, s.lease.Milliseconds())
			for _, a := range r.Articles {
				args = append(args, a)
			}
			cmds[i] = claimScript.EvalSha(ctx, p, []string{s.prefix + r.Key}, args...)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("claim %d keys: %w", len(reqs), err)
	}
	claims := make([]Claim, 0, len(reqs))
	busy := false
	for i, cmd := range cmds {
		vals, err := cmd.Slice()
		if err != nil {
			return nil, fmt.Errorf("claim key %s: %w", reqs[i].Key, err)
		}
		if len(vals) == 0 || vals[0] != "claimed" {
			busy = true
			continue
		}
		c, err := parseClaim(reqs[i], token, vals)
		if err != nil {
			return nil, err
		}
		claims = append(claims, c)
	}
	if busy {
		s.Release(context.WithoutCancel(ctx), claims)
		return nil, ErrBusy
	}
	return claims, nil
}

func parseClaim(r Request, token string, vals []any) (Claim, error) {
	if len(vals) != 4+len(r.Articles) {
		return Claim{}, fmt.Errorf("claim key %s: unexpected reply of %d values", r.Key, len(vals))
	}
	c := Claim{Key: r.Key, Token: token, Duplicate: make([]bool, len(r.Articles))}
	c.Revision, _ = strconv.Atoi(fmt.Sprint(vals[1]))
	if ms, _ := strconv.ParseInt(fmt.Sprint(vals[2]), 10, 64); ms > 0 {
		c.FirstSeen = time.UnixMilli(ms).UTC()
	}
	if err := json.Unmarshal([]byte(fmt.Sprint(vals[3])), &c.Sources); err != nil {
		return Claim{}, fmt.Errorf("claim key %s: decode sources: %w", r.Key, err)
	}
	for i := range r.Articles {
		n, _ := vals[4+i].(int64)
		c.Duplicate[i] = n == 1
	}
	return c, nil
}

// Done confirms claims once their records are acknowledged, each with its
// new state. A claim lost to another owner (its lease ran out) is skipped:
// the record was produced twice, which at-least-once allows.
func (s *Store) Done(ctx context.Context, done []Confirm) (lost int, err error) {
	if len(done) == 0 {
		return 0, nil
	}
	cmds := make([]*redis.Cmd, len(done))
	encoded := make([]string, len(done))
	for i, d := range done {
		b, err := json.Marshal(d.Sources)
		if err != nil {
			return 0, fmt.Errorf("encode sources of %s: %w", d.Claim.Key, err)
		}
		encoded[i] = string(b)
	}
	err = luascript.Pipeline(ctx, s.rdb, scripts, func(p redis.Pipeliner) {
		for i, d := range done {
			args := []any{d.Claim.Token, d.Revision, d.FirstSeen.UnixMilli(), encoded[i], s.window.Milliseconds()}
			for _, a := range d.Articles {
				args = append(args, a)
			}
			cmds[i] = doneScript.EvalSha(ctx, p, []string{s.prefix + d.Claim.Key}, args...)
		}
	})
	if err != nil {
		return 0, fmt.Errorf("confirm %d keys: %w", len(done), err)
	}
	for _, c := range cmds {
		if n, _ := c.Int(); n == 0 {
			lost++
		}
	}
	return lost, nil
}

// Confirm is the state a claimed key takes once its records are written.
type Confirm struct {
	Claim     Claim
	Revision  int
	FirstSeen time.Time
	Sources   []event.SourceRef
	Articles  []string // forwarded now
}

// Release gives claims back after a failed produce. Errors are ignored:
// a claim not released expires with its lease.
func (s *Store) Release(ctx context.Context, claims []Claim) {
	if len(claims) == 0 {
		return
	}
	_ = luascript.Pipeline(ctx, s.rdb, scripts, func(p redis.Pipeliner) {
		for _, c := range claims {
			releaseScript.EvalSha(ctx, p, []string{s.prefix + c.Key}, c.Token)
		}
	})
}

func newToken() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make claim token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
