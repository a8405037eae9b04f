// Package cadence decides how long to wait before polling a feed again:
// the configured interval, adapted to how often the feed actually
// publishes, never sooner than the feed asked, within the operator's
// limits, and backing off exponentially (with jitter) while it fails.
package cadence

import (
	"slices"
	"time"

	"github.com/newswire/newswire/pkg/backoff"
)

// Adaptation bounds: a busy feed is polled at most this many times more
// often than configured, a quiet one at most this many times less often.
const (
	MaxSpeedUp  = 4
	MaxSlowDown = 8
)

// Limits are the operator's.
type Limits struct {
	Default time.Duration // interval of a feed that configures none
	Min     time.Duration // never poll a healthy feed more often
	Max     time.Duration // never poll a healthy feed less often (unless it asks)
	// MaxBackoff caps the wait after failures.
	MaxBackoff time.Duration
	// MaxAsked caps how long a feed may ask us to stay away (ttl,
	// Cache-Control, Expires, Retry-After), so a typo on the server does not
	// silence a feed for a year.
	MaxAsked time.Duration
	// NoJitter makes backoff delays exact; tests use it.
	NoJitter bool
}

// Feed is what the next delay depends on.
type Feed struct {
	Configured time.Duration // the feed's own interval; 0 for the default
	// PublishGap is the mean time between the feed's items, and LastItem
	// when the newest one appeared; zero when unknown.
	PublishGap time.Duration
	LastItem   time.Time
	// Asked is the longest wait the feed asked for on its last response:
	// RSS <ttl>, Cache-Control max-age, Expires, Retry-After.
	Asked time.Duration
	// Failures is the number of polls that failed in a row, this one
	// included; 0 after a success.
	Failures int
}

// Next returns the wait before the next poll.
func (l Limits) Next(f Feed, now time.Time) time.Duration {
	base := l.Interval(f, now)
	next := base
	if f.Failures > 0 {
		next = backoff.Policy{Min: base, Max: max(l.MaxBackoff, base), NoJitter: l.NoJitter}.Delay(f.Failures)
	}
	if asked := min(f.Asked, l.MaxAsked); asked > next {
		next = asked
	}
	return next
}

// Interval is the healthy polling interval: configured, adapted to the
// publishing rate, clamped to the operator's limits.
func (l Limits) Interval(f Feed, now time.Time) time.Duration {
	configured := f.Configured
	if configured <= 0 {
		configured = l.Default
	}
	d := configured
	if gap := l.expectedGap(f, now); gap > 0 {
		// Poll about twice per expected item, within the adaptation bounds.
		d = min(max(gap/2, configured/MaxSpeedUp), configured*MaxSlowDown)
	}
	return min(max(d, l.Min), l.Max)
}

// expectedGap is the mean gap between items, or the time since the newest
// one when that is longer: a feed that has gone quiet is quiet now,
// whatever its past rhythm.
func (l Limits) expectedGap(f Feed, now time.Time) time.Duration {
	if f.PublishGap <= 0 {
		return 0
	}
	gap := f.PublishGap
	if !f.LastItem.IsZero() {
		gap = max(gap, now.Sub(f.LastItem))
	}
	return gap
}

// PublishGap estimates the mean time between items from their publication
// times, over the newest items of the last 30 days. ok is false when fewer
// than two usable times remain (undated items, dates in the future).
func PublishGap(published []time.Time, now time.Time) (gap time.Duration, newest time.Time, ok bool) {
	const window, maxItems = 30 * 24 * time.Hour, 50
	var times []time.Time
	for _, t := range published {
		if t.IsZero() || t.After(now.Add(time.Hour)) || now.Sub(t) > window {
			continue
		}
		times = append(times, t)
	}
	if len(times) < 2 {
		if len(times) == 1 {
			return 0, times[0], false
		}
		return 0, time.Time{}, false
	}
	slices.SortFunc(times, func(a, b time.Time) int { return b.Compare(a) })
	times = slices.CompactFunc(times, func(a, b time.Time) bool { return a.Equal(b) })
	times = times[:min(len(times), maxItems)]
	if len(times) < 2 {
		return 0, times[0], false
	}
	span := times[0].Sub(times[len(times)-1])
	return span / time.Duration(len(times)-1), times[0], true
}
