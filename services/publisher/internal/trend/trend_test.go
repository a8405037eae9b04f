package trend

import (
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
)

func TestRollingCountsOverHourAndDay(t *testing.T) {
	prefix := kafkatest.Name(t, "trend") + ":"
	c := New(redistest.Connect(t, prefix), prefix)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	record := func(at time.Time, articles ...string) {
		t.Helper()
		var ms []Mention
		for _, a := range articles {
			ms = append(ms, Mention{EntityID: "Q184", ArticleID: a})
		}
		if err := c.Record(t.Context(), ms, at); err != nil {
			t.Fatal(err)
		}
	}
	record(now.Add(-30*time.Hour), "old")     // outside the day
	record(now.Add(-5*time.Hour), "a1", "a2") // in the day, not the hour
	record(now.Add(-10*time.Minute), "a3")    // in the hour
	record(now.Add(-10*time.Minute), "a3")    // a retry counts once

	got, err := c.Counts(t.Context(), []Mention{{EntityID: "Q184", ArticleID: "new"}, {EntityID: "Q184", ArticleID: "a3"}, {EntityID: "Q1", ArticleID: "x"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ hour, day int64 }{{2, 4}, {1, 3}, {1, 1}}
	for i, w := range want {
		if got[i].LastHour != w.hour || got[i].LastDay != w.day {
			t.Errorf("mention %d: counts %+v, want last hour %d, last day %d", i, got[i], w.hour, w.day)
		}
	}
}
