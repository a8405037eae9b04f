// Package timerange reads the time ranges operators give on the command
// line: absolute times (RFC 3339, or a date and a time in UTC), relative
// ones ("2h" or "2h ago" for two hours before now, "now"), and checks the
// range is not empty.
package timerange

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Range is [From, To).
type Range struct {
	From, To time.Time
}

// ErrEmpty is returned when From is not before To.
var ErrEmpty = errors.New("the range is empty: --from must be before --to")

// layouts are the absolute forms accepted, in UTC unless they name a zone.
var layouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

// MaxInput bounds what is parsed of one value.
const MaxInput = 64

// Earliest and Latest bound the times a range may name: Kafka's record
// times begin in 1970, and its clients ask for a time as nanoseconds since
// then in an int64, which ends in April 2262 (beyond it the number wraps:
// the year 1000 was asked for as 2169).
var (
	Earliest = time.Unix(0, 0).UTC()
	Latest   = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Parse reads a range; an empty to means now.
func Parse(from, to string, now time.Time) (Range, error) {
	if strings.TrimSpace(from) == "" {
		return Range{}, errors.New("--from is required: a time such as 2026-03-02T10:00:00Z, 2026-03-02 or 6h ago")
	}
	var r Range
	var err error
	if r.From, err = ParseTime(from, now); err != nil {
		return Range{}, fmt.Errorf("--from: %w", err)
	}
	r.To = now
	if strings.TrimSpace(to) != "" {
		if r.To, err = ParseTime(to, now); err != nil {
			return Range{}, fmt.Errorf("--to: %w", err)
		}
	}
	for _, t := range []struct {
		flag string
		at   time.Time
	}{{"--from", r.From}, {"--to", r.To}} {
		if t.at.Before(Earliest) {
			return Range{}, fmt.Errorf("%s: %s is before %s, when the times of Kafka records begin", t.flag, t.at.Format(time.RFC3339), Earliest.Format(time.DateOnly))
		}
		if t.at.After(Latest) {
			return Range{}, fmt.Errorf("%s: %s is after %s, the last time a Kafka client can ask for", t.flag, t.at.Format(time.RFC3339), Latest.Format(time.DateOnly))
		}
	}
	if !r.From.Before(r.To) {
		return Range{}, fmt.Errorf("%w (from %s, to %s)", ErrEmpty, r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	}
	return r, nil
}

// ParseTime reads one time: "now", an absolute time, or a duration before
// now ("90m", "2h ago", "-2h").
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxInput {
		return time.Time{}, fmt.Errorf("%d characters is too long for a time", len(s))
	}
	if strings.EqualFold(s, "now") {
		return now, nil
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	rel := strings.TrimSpace(strings.TrimSuffix(s, "ago"))
	rel = strings.TrimPrefix(rel, "-")
	if d, err := parseDuration(rel); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time such as 2026-03-02T10:00:00Z, 2026-03-02 15:04 (UTC), 2026-03-02, now, or 6h ago", s)
}

// parseDuration is time.ParseDuration with days ("2d") and no negative or
// absurd values.
func parseDuration(s string) (time.Duration, error) {
	var days time.Duration
	if head, tail, ok := strings.Cut(s, "d"); ok && head != "" && !strings.ContainsAny(head, "hmsuµn.") {
		var n int
		if _, err := fmt.Sscanf(head, "%d", &n); err != nil || fmt.Sprint(n) != head || n < 0 || n > 3650 {
			return 0, errors.New("not a number of days")
		}
		days = time.Duration(n) * 24 * time.Hour
		s = tail
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, errors.New("negative")
	}
	if d > 10*365*24*time.Hour {
		return 0, errors.New("more than ten years")
	}
	return days + d, nil
}
