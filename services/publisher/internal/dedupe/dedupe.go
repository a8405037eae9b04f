// Package dedupe remembers in Redis which records were forwarded, without
// ever losing one: a key is claimed as pending under a lease, the record is
// produced, and only once the broker acknowledged it is the key marked done,
// so a stale owner whose lease ran out cannot overwrite. A failed produce
// releases the claim.
//
// A plain SET NX before producing loses the record when the produce then
// fails: Benthos documents that flaw of its own dedupe processor.
//
// One key holds a folded record: a quotation reported by several articles,
// or one entity of one story. It keeps the last revision, the first-seen
// time and the sources, whose article IDs are what make an exact
// redelivery a duplicate.
package dedupe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/encoding/json"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/publisher/internal/luascript"
)

// ErrBusy means another owner holds a live claim on a key.
var ErrBusy = errors.New("key claimed by another owner")

// MaxSources bounds the sources kept per key, and MaxSourceBytes the bytes
// of their outlets, URLs and article IDs together: every revision carries
// its key's sources, and the key keeps them, so a hundred sources near the
// contract's bounds (1 KiB outlet and article ID, 8 KiB URL) made each
// revision and state 1 MiB. A hundred of the pipeline's sources come to
// 15–25 KiB.
const (
	MaxSources     = 100
	MaxSourceBytes = 32 << 10
)

// A key's value is a string, one of:
//
//   - "S" and the JSON of its done state (revision, first-seen time,
//     sources; short names, times in Unix ms): forwarded. "D" and the
//     same state with its sources as the enriched records carry them is
//     how versions before kept it, and is still read;
//   - "P<token>:<lease expiry ms>:" and the done state it had before (empty
//     for a key never forwarded): claimed, to be confirmed key by key with
//     a compare-and-set on the token;
//   - "N<token>:<lease expiry ms>:" and the done state it takes once
//     confirmed: a key never forwarded, claimed with SET NX, and confirmed
//     with every other new key of its batch by one marker key,
//     "batch:<token>", set once the batch is written. Without the marker
//     it is pending while its lease lasts, and never forwarded after.
//
// New keys are the usual case, so a batch of them costs one SET NX per key
// and one SET for the batch. One GET and one SET per key and step keep the
// scripts cheap: the state is read and written whole, and parsed in Go.

// claimScript claims every key of KEYS unless one has a live claim of a
// token not among those this process abandoned; then it claims none and
// returns {'busy'}. Otherwise it returns {'claimed',
// done state per key (empty when never forwarded)}. An expired claim is taken
// over, keeping the done state beneath it. A value that is neither is
// returned as it is, for the caller to find unreadable; a key of another
// type than a string as "!" and its type, and the claim replaces it.
//
// ARGV: token (24 characters), now (ms), lease (ms), the marker keys'
// prefix, then the tokens abandoned.
var claimScript = redis.NewScript(luascript.WrongType + `
local token, now, lease, batches = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local abandoned = {}
for i = 5, #ARGV do
  abandoned[ARGV[i]] = true
end
local olds = {'claimed'}
for i, key in ipairs(KEYS) do
  local v = redis.pcall('GET', key) or ''
  if wrongtype(v) then
    v = '!' .. redis.call('TYPE', key).ok -- not a string: unreadable
  end
  local kind = string.sub(v, 1, 1)
  local c = (kind == 'P' or kind == 'N') and string.find(v, ':', 27, true)
  local expiry = c and tonumber(string.sub(v, 27, c - 1))
  if expiry then
    local beneath = string.sub(v, c + 1)
    if kind == 'N' and redis.call('EXISTS', batches .. string.sub(v, 2, 25)) == 1 then
      v = beneath -- its batch was confirmed
    elseif expiry > now and not abandoned[string.sub(v, 2, 25)] then
      return {'busy'}
    elseif kind == 'N' then
      v = '' -- its owner died before confirming: never forwarded
    else
      v = beneath
    end
  end
  -- Anything but a claim goes back as it is: a done state, or a value
  -- the caller cannot read.
  olds[i + 1] = v
end
local claim = 'P' .. token .. ':' .. (now + lease) .. ':'
for i, key in ipairs(KEYS) do
  if olds[i + 1] == '' then
    redis.call('SET', key, claim, 'PX', lease * 10)
  else
    -- A key with less than the claim's life left of its window gets that
    -- life: it must not expire while the record is being written.
    local ttl = redis.call('PTTL', key)
    if ttl >= 0 and ttl < lease * 10 then
      redis.call('SET', key, claim .. olds[i + 1], 'PX', lease * 10)
    else
      redis.call('SET', key, claim .. olds[i + 1], 'KEEPTTL')
    end
  end
end
return olds
`)

// ours is the Lua test that a key's value is still a claim of token mine.
const ours = `
local function ours(v, mine)
  if type(v) ~= 'string' then
    return false -- none, or a key of another type
  end
  local kind = string.sub(v, 1, 1)
  return (kind == 'P' or kind == 'N') and string.sub(v, 2, 26) == mine .. ':'
end
`

// doneScript sets each key of KEYS to its new done state ARGV[2+i] if the
// claim is still ARGV[1]'s, and returns how many claims were lost.
//
// ARGV: token, ttl (ms), then the done state of each key.
var doneScript = redis.NewScript(ours + `
local mine, ttl, lost = ARGV[1], tonumber(ARGV[2]), 0
for i, key in ipairs(KEYS) do
  if ours(redis.pcall('GET', key), mine) then
    redis.call('SET', key, ARGV[i + 2], 'PX', ttl)
  else
    lost = lost + 1
  end
end
return lost
`)

// releaseScript gives back the claims of KEYS still held by ARGV[1]: a key
// never forwarded disappears, as does one that held no string, and one
// forwarded before returns to its done state.
var releaseScript = redis.NewScript(ours + `
local mine = ARGV[1]
for _, key in ipairs(KEYS) do
  local v = redis.pcall('GET', key)
  if ours(v, mine) then
    local beneath = string.sub(v, string.find(v, ':', 27, true) + 1)
    -- "!" and a type: the key held no string, which the claim replaced.
    if string.sub(v, 1, 1) == 'N' or beneath == '' or string.sub(beneath, 1, 1) == '!' then
      redis.call('DEL', key)
    else
      redis.call('SET', key, beneath, 'KEEPTTL')
    end
  end
end
return 1
`)

var scripts = []*redis.Script{claimScript, doneScript, releaseScript}

// Store claims and confirms keys.
type Store struct {
	rdb     redis.UniversalClient
	prefix  string
	batches string // prefix of the batch markers
	lease   time.Duration
	window  time.Duration
	now     func() time.Time

	// abandoned holds, while their lease lasts, the tokens of the claims
	// ClaimAll failed to take (token → lease end, Unix ms): nothing is ever
	// produced under them. A Redis that was frozen runs, when it thaws,
	// the claims the client had given up on; without this they held their
	// keys against this very process for the rest of the lease. (A token
	// Release gives back some claims of is not abandoned: its other claims
	// may be being written.)
	mu        sync.Mutex
	abandoned map[string]int64
}

// New returns a store. lease bounds how long a crashed owner's claim blocks
// others; window is how long a forwarded key is remembered.
func New(rdb redis.UniversalClient, prefix string, lease, window time.Duration) *Store {
	return &Store{rdb: rdb, prefix: prefix + "publisher:", batches: prefix + "publisher:batch:", lease: lease, window: window, now: time.Now,
		abandoned: map[string]int64{}}
}

// abandon notes that nothing is produced under token, whose claims' lease
// ends at expiry.
func (s *Store) abandon(token string, expiry int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.abandoned[token] = expiry
}

// abandonedTokens returns the tokens abandoned whose lease lasts at now,
// and forgets the others.
func (s *Store) abandonedTokens(now int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	tokens := make([]string, 0, len(s.abandoned))
	for t, expiry := range s.abandoned {
		if expiry <= now {
			delete(s.abandoned, t)
			continue
		}
		tokens = append(tokens, t)
	}
	return tokens
}

// State is what a forwarded key remembers.
type State struct {
	Revision  int // the last revision forwarded; 0 when never
	FirstSeen time.Time
	Sources   []event.SourceRef
}

// Request asks to claim one key for the given articles, in order.
type Request struct {
	Key      string
	Articles []string
	// New is the state the key takes, once its records are written, if it
	// was never forwarded. It is stored with the claim, so that a batch of
	// new keys is confirmed by one marker.
	New State
}

// Claim is a held key.
type Claim struct {
	Key   string
	Token string
	// State is what was forwarded before; zero when never.
	State
	// Duplicate[i] says Articles[i] was forwarded already.
	Duplicate []bool
	// Unreadable, when set, is why the state found under the key could not
	// be read (written by hand or by another version, or a key of another
	// type than a string, which the claim replaces): the key is taken as
	// never forwarded, so its records go out again rather than wait for
	// good, and its confirmation writes a readable state over it.
	Unreadable error

	// proposed, for a key claimed new, is the state stored with the claim,
	// which its batch's marker confirms; nil for a key forwarded before.
	proposed *State
	expiry   int64 // lease end, Unix ms
}

// ClaimAll claims every key. New keys, the usual case, are claimed with
// SET NX in one pipelined round trip; keys that exist go through the claim
// script in a second. When any key is busy, every claim taken is given back
// and ErrBusy is returned. On any error the claims' token is abandoned:
// whatever of them Redis ran, later claims of this store take over.
func (s *Store) ClaimAll(ctx context.Context, reqs []Request) ([]Claim, error) {
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	now := s.now().UnixMilli()
	expiry := now + s.lease.Milliseconds()
	claims, err := s.claimAll(ctx, token, now, expiry, reqs)
	if err != nil {
		s.abandon(token, expiry)
		return nil, err
	}
	return claims, nil
}

func (s *Store) claimAll(ctx context.Context, token string, now, expiry int64, reqs []Request) ([]Claim, error) {
	claim := "N" + token + ":" + strconv.FormatInt(expiry, 10) + ":"
	values := make([][]byte, len(reqs))
	for i, r := range reqs {
		// Sized for the usual state, one source: one allocation a key.
		v, err := appendState(append(make([]byte, 0, len(claim)+320), claim...), r.New)
		if err != nil {
			return nil, fmt.Errorf("encode new state of %s: %w", r.Key, err)
		}
		values[i] = v
	}
	fresh := make([]*redis.BoolCmd, len(reqs))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range reqs {
			// A pending key lives as long as a done one: it is done once
			// its batch is confirmed, with nothing more written to it.
			fresh[i] = p.SetNX(ctx, s.prefix+r.Key, values[i], s.window)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim %d keys: %w", len(reqs), err)
	}
	claims := make([]Claim, len(reqs))
	var existing []int
	for i, cmd := range fresh {
		if cmd.Val() {
			claims[i] = Claim{Key: reqs[i].Key, Token: token, Duplicate: make([]bool, len(reqs[i].Articles)),
				proposed: &reqs[i].New, expiry: expiry}
		} else {
			existing = append(existing, i)
		}
	}
	if len(existing) > 0 {
		if err := s.claimExisting(ctx, token, now, reqs, existing, claims); err != nil {
			held := make([]Claim, 0, len(reqs))
			for _, c := range claims {
				if c.Token != "" {
					held = append(held, c)
				}
			}
			s.Release(context.WithoutCancel(ctx), held)
			return nil, err
		}
	}
	return claims, nil
}

// claimExisting runs the claim script over the keys that already exist and
// fills their claims.
func (s *Store) claimExisting(ctx context.Context, token string, now int64, reqs []Request, which []int, claims []Claim) error {
	args := []any{token, now, s.lease.Milliseconds(), s.batches}
	for _, t := range s.abandonedTokens(now) {
		args = append(args, t)
	}
	parts := luascript.Chunks(len(which))
	cmds := make([]*redis.Cmd, len(parts))
	err := luascript.Pipeline(ctx, s.rdb, scripts, func(p redis.Pipeliner) {
		for c, part := range parts {
			keys := make([]string, 0, part[1]-part[0])
			for _, i := range which[part[0]:part[1]] {
				keys = append(keys, s.prefix+reqs[i].Key)
			}
			cmds[c] = claimScript.EvalSha(ctx, p, keys, args...)
		}
	})
	if err != nil {
		return fmt.Errorf("claim %d existing keys: %w", len(which), err)
	}
	busy := false
	for c, part := range parts {
		vals, err := cmds[c].Slice()
		if err != nil {
			return fmt.Errorf("claim existing keys: %w", err)
		}
		if len(vals) == 0 || vals[0] != "claimed" {
			busy = true
			continue
		}
		if len(vals)-1 != part[1]-part[0] {
			return fmt.Errorf("claim existing keys: %d replies for %d keys", len(vals)-1, part[1]-part[0])
		}
		for k, v := range vals[1:] {
			i := which[part[0]+k]
			state, _ := v.(string)
			claims[i] = parseClaim(reqs[i], token, state)
		}
	}
	if busy {
		return ErrBusy
	}
	return nil
}

// storedState is a State as Redis keeps it, compact: a key with one source
// takes 64 bytes less than with the records' own JSON of the sources.
type storedState struct {
	Revision  int            `json:"r"`
	FirstSeen int64          `json:"f"` // Unix ms
	Sources   []storedSource `json:"s"`
}

type storedSource struct {
	Source    string `json:"o"`
	URL       string `json:"u"`
	ArticleID string `json:"a"`
	SeenAt    int64  `json:"t"` // Unix ms
}

// legacyState is a State as versions before kept it, after a "D".
type legacyState struct {
	Revision  int               `json:"r"`
	FirstSeen int64             `json:"f"` // Unix ms
	Sources   []event.SourceRef `json:"s"`
}

// sameAs tells whether the state confirmed is the one proposed with the
// claim; a caller that confirms another falls back to compare-and-set.
func (st State) sameAs(proposed State) bool {
	return st.Revision == proposed.Revision && st.FirstSeen.Equal(proposed.FirstSeen) &&
		slices.EqualFunc(st.Sources, proposed.Sources, func(a, b event.SourceRef) bool {
			return a.ArticleID == b.ArticleID && a.URL == b.URL && a.Source == b.Source && a.SeenAt.Equal(b.SeenAt)
		})
}

// appendState appends the value of a done key to dst.
func appendState(dst []byte, st State) ([]byte, error) {
	stored := storedState{Revision: st.Revision, FirstSeen: milli(st.FirstSeen), Sources: make([]storedSource, len(st.Sources))}
	for i, src := range st.Sources {
		stored.Sources[i] = storedSource{Source: src.Source, URL: src.URL, ArticleID: src.ArticleID, SeenAt: milli(src.SeenAt)}
	}
	return json.Append(append(dst, 'S'), stored, 0)
}

// parseState reads the value of a done key. The claim script hands "!" and
// the type of a key that holds no string.
func parseState(value string) (State, error) {
	if strings.HasPrefix(value, "!") {
		return State{}, fmt.Errorf("holds a Redis %.20s, not a string", value[1:])
	}
	if value == "" || (value[0] != 'S' && value[0] != 'D') {
		return State{}, fmt.Errorf("not a done state: %.20q", value)
	}
	if value[0] == 'D' {
		var d legacyState
		if err := json.Unmarshal([]byte(value[1:]), &d); err != nil {
			return State{}, err
		}
		return State{Revision: d.Revision, FirstSeen: unixMilli(d.FirstSeen), Sources: d.Sources}, nil
	}
	var d storedState
	if err := json.Unmarshal([]byte(value[1:]), &d); err != nil {
		return State{}, err
	}
	st := State{Revision: d.Revision, FirstSeen: unixMilli(d.FirstSeen), Sources: make([]event.SourceRef, len(d.Sources))}
	for i, src := range d.Sources {
		st.Sources[i] = event.SourceRef{Source: src.Source, URL: src.URL, ArticleID: src.ArticleID, SeenAt: unixMilli(src.SeenAt)}
	}
	return st, nil
}

// milli is t in Unix ms, 0 for the zero time; unixMilli is its inverse.
func milli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func unixMilli(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// parseClaim reads the done state a claim returned; an article among its
// sources was forwarded already. A state that cannot be read leaves the
// claim as one of a key never forwarded, with the reason.
func parseClaim(r Request, token, value string) Claim {
	c := Claim{Key: r.Key, Token: token, Duplicate: make([]bool, len(r.Articles))}
	if value == "" {
		return c
	}
	st, err := parseState(value)
	if err != nil {
		c.Unreadable = fmt.Errorf("read state of key %s: %w", r.Key, err)
		return c
	}
	c.State = st
	for i, a := range r.Articles {
		for _, src := range st.Sources {
			if src.ArticleID == a {
				c.Duplicate[i] = true
				break
			}
		}
	}
	return c
}

// Confirm is the state a claimed key takes once its records are written.
// Its sources must include the articles forwarded now: they are what makes
// a redelivery of those articles a duplicate.
type Confirm struct {
	Claim Claim
	State
}

// Done confirms claims once their records are acknowledged, each with its
// new state: the keys claimed new, whose state is the New of their request,
// by one marker while their lease lasts; the others by compare-and-set. A
// claim lost to another owner (its lease ran out) is skipped and counted:
// the record was produced twice, which at-least-once allows. All claims of
// one call share one token (one ClaimAll).
func (s *Store) Done(ctx context.Context, done []Confirm) (lost int, err error) {
	if len(done) == 0 {
		return 0, nil
	}
	token, now := done[0].Claim.Token, s.now().UnixMilli()
	marked := false
	var keys []string
	var states []any
	for _, d := range done {
		if d.Claim.proposed != nil && now < d.Claim.expiry && d.State.sameAs(*d.Claim.proposed) {
			marked = true
			continue
		}
		state, err := appendState(nil, d.State)
		if err != nil {
			return 0, fmt.Errorf("encode state of %s: %w", d.Claim.Key, err)
		}
		keys = append(keys, s.prefix+d.Claim.Key)
		states = append(states, state)
	}
	parts := luascript.Chunks(len(keys))
	cmds := make([]*redis.Cmd, len(parts))
	err = luascript.Pipeline(ctx, s.rdb, scripts, func(p redis.Pipeliner) {
		if marked {
			p.Set(ctx, s.batches+token, "1", s.window)
		}
		for c, part := range parts {
			args := append([]any{token, s.window.Milliseconds()}, states[part[0]:part[1]]...)
			cmds[c] = doneScript.EvalSha(ctx, p, keys[part[0]:part[1]], args...)
		}
	})
	if err != nil {
		return 0, fmt.Errorf("confirm %d keys: %w", len(done), err)
	}
	for _, c := range cmds {
		n, _ := c.Int()
		lost += n
	}
	return lost, nil
}

// Release gives claims back after a failed produce, or when all their
// reports were duplicates. Errors are ignored: a claim not released
// expires with its lease.
func (s *Store) Release(ctx context.Context, claims []Claim) {
	if len(claims) == 0 {
		return
	}
	_ = luascript.Pipeline(ctx, s.rdb, scripts, func(p redis.Pipeliner) {
		for _, part := range luascript.Chunks(len(claims)) {
			keys := make([]string, 0, part[1]-part[0])
			for _, c := range claims[part[0]:part[1]] {
				keys = append(keys, s.prefix+c.Key)
			}
			releaseScript.EvalSha(ctx, p, keys, claims[part[0]].Token)
		}
	})
}

func newToken() (string, error) {
	var b [12]byte // 24 hex characters: the scripts rely on the length
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make claim token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
