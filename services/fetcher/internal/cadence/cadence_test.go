package cadence

import (
	"testing"
	"time"
)

func TestNext(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	limits := Limits{
		Default:    5 * time.Minute,
		Min:        30 * time.Second,
		Max:        2 * time.Hour,
		MaxBackoff: time.Hour,
		MaxAsked:   6 * time.Hour,
		NoJitter:   true,
	}
	tests := []struct {
		name string
		feed Feed
		want time.Duration
	}{
		{"default interval", Feed{}, 5 * time.Minute},
		{"configured interval", Feed{Configured: 10 * time.Minute}, 10 * time.Minute},
		{"configured below the operator minimum", Feed{Configured: time.Second}, 30 * time.Second},
		{"configured above the operator maximum", Feed{Configured: 5 * time.Hour}, 2 * time.Hour},
		{"busy feed polled more often", Feed{Configured: 10 * time.Minute, PublishGap: 8 * time.Minute, LastItem: now.Add(-time.Minute)}, 4 * time.Minute},
		{"very busy feed: at most 4x more often", Feed{Configured: 10 * time.Minute, PublishGap: time.Minute, LastItem: now}, 150 * time.Second},
		{"quiet feed polled less often", Feed{Configured: 5 * time.Minute, PublishGap: 30 * time.Minute, LastItem: now.Add(-10 * time.Minute)}, 15 * time.Minute},
		{"very quiet feed: at most 8x less often", Feed{Configured: 5 * time.Minute, PublishGap: 24 * time.Hour, LastItem: now}, 40 * time.Minute},
		{"busy in the past, silent for hours", Feed{Configured: 5 * time.Minute, PublishGap: time.Minute, LastItem: now.Add(-time.Hour)}, 30 * time.Minute},
		{"adapted but within the operator maximum", Feed{Configured: time.Hour, PublishGap: 48 * time.Hour, LastItem: now}, 2 * time.Hour},
		{"ttl longer than the interval", Feed{Asked: 20 * time.Minute}, 20 * time.Minute},
		{"ttl shorter than the interval", Feed{Asked: time.Minute}, 5 * time.Minute},
		{"asked for a year: capped", Feed{Asked: 365 * 24 * time.Hour}, 6 * time.Hour},
		{"first failure", Feed{Failures: 1}, 5 * time.Minute},
		{"third failure", Feed{Failures: 3}, 20 * time.Minute},
		{"many failures: capped", Feed{Failures: 30}, time.Hour},
		{"failure with Retry-After beyond the backoff", Feed{Failures: 1, Asked: 3 * time.Hour}, 3 * time.Hour},
		{"failure of a feed slower than the backoff cap", Feed{Configured: 2 * time.Hour, Failures: 5}, 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := limits.Next(tt.feed, now); got != tt.want {
				t.Errorf("Next = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestNextJittersBackoff(t *testing.T) {
	now := time.Now()
	limits := Limits{Default: time.Minute, Min: time.Second, Max: time.Hour, MaxBackoff: time.Hour, MaxAsked: time.Hour}
	seen := map[time.Duration]bool{}
	for range 50 {
		d := limits.Next(Feed{Failures: 4}, now) // 8 minutes before jitter
		if d < 4*time.Minute || d > 8*time.Minute {
			t.Fatalf("delay %s outside [4m, 8m]", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct delays in 50: no jitter", len(seen))
	}
}

func TestPublishGap(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	tests := []struct {
		name      string
		published []time.Time
		gap       time.Duration
		newest    time.Time
		ok        bool
	}{
		{"none", nil, 0, time.Time{}, false},
		{"one", []time.Time{ago(time.Hour)}, 0, ago(time.Hour), false},
		{"hourly", []time.Time{ago(time.Hour), ago(3 * time.Hour), ago(2 * time.Hour)}, time.Hour, ago(time.Hour), true},
		{"undated and future items ignored", []time.Time{{}, now.Add(48 * time.Hour), ago(0), ago(10 * time.Minute)}, 10 * time.Minute, now, true},
		{"repeated times count once", []time.Time{ago(0), ago(0), ago(20 * time.Minute)}, 20 * time.Minute, now, true},
		{"older than 30 days ignored", []time.Time{ago(time.Hour), ago(40 * 24 * time.Hour)}, 0, ago(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gap, newest, ok := PublishGap(tt.published, now)
			if gap != tt.gap || !newest.Equal(tt.newest) || ok != tt.ok {
				t.Errorf("PublishGap = %s, %s, %v; want %s, %s, %v", gap, newest, ok, tt.gap, tt.newest, tt.ok)
			}
		})
	}
}
