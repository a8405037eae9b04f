package stream

import (
	"slices"
	"testing"
	"time"
)

// TestStallWatch feeds the watch the offsets of successive checks and asks
// which partitions have stood still with records waiting for a minute.
func TestStallWatch(t *testing.T) {
	a0, a1, b0 := topicPartition{"a", 0}, topicPartition{"a", 1}, topicPartition{"b", 0}
	type check = map[topicPartition]partitionOffsets
	tests := []struct {
		name   string
		checks []check // one per 30 seconds
		reset  int     // reset before this check (1-based); 0 for never
		want   []string
	}{
		{"caught up", []check{
			{a0: {end: 10, committed: 10}}, {a0: {end: 10, committed: 10}}, {a0: {end: 10, committed: 10}},
		}, 0, nil},
		{"records waiting, nobody commits", []check{
			{a0: {end: 12, committed: 10}, a1: {end: 5, committed: 5}},
			{a0: {end: 12, committed: 10}, a1: {end: 5, committed: 5}},
			{a0: {end: 14, committed: 10}, a1: {end: 5, committed: 5}},
		}, 0, []string{"a/0"}},
		{"commits move on, however slowly", []check{
			{a0: {end: 20, committed: 10}}, {a0: {end: 20, committed: 11}}, {a0: {end: 20, committed: 12}},
		}, 0, nil},
		{"not long enough yet", []check{
			{a0: {end: 20, committed: 10}}, {a0: {end: 20, committed: 11}}, {a0: {end: 20, committed: 11}},
		}, 0, nil},
		{"never committed", []check{
			{b0: {end: 4, committed: -1}}, {b0: {end: 4, committed: -1}}, {b0: {end: 4, committed: -1}},
		}, 0, []string{"b/0"}},
		{"never committed, and retention removed every record", []check{
			{b0: {first: 4, end: 4, committed: -1}}, {b0: {first: 4, end: 4, committed: -1}}, {b0: {first: 4, end: 4, committed: -1}},
		}, 0, nil},
		{"the broker stopped answering for the partition", []check{
			{a0: {end: 12, committed: 10}}, {a0: {end: 12, committed: 10}}, {},
		}, 0, nil},
		{"blocked on a dependency meanwhile", []check{
			{a0: {end: 12, committed: 10}}, {a0: {end: 12, committed: 10}}, {a0: {end: 12, committed: 10}},
		}, 3, nil},
		{"several, sorted", []check{
			{b0: {end: 2, committed: 1}, a1: {end: 2, committed: 1}, a0: {end: 2, committed: 1}},
			{b0: {end: 2, committed: 1}, a1: {end: 2, committed: 1}, a0: {end: 2, committed: 1}},
			{b0: {end: 2, committed: 1}, a1: {end: 2, committed: 1}, a0: {end: 2, committed: 1}},
		}, 0, []string{"a/0", "a/1", "b/0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newStallWatch()
			start := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
			var now time.Time
			for i, c := range tt.checks {
				if i+1 == tt.reset {
					w.reset()
				}
				now = start.Add(time.Duration(i) * 30 * time.Second)
				w.observe(now, c)
			}
			if got := w.stalled(now, time.Minute); !slices.Equal(got, tt.want) {
				t.Errorf("stalled = %v, want %v", got, tt.want)
			}
		})
	}
}
