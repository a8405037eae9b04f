package stream

import (
	"slices"
	"testing"
)

func TestStalled(t *testing.T) {
	a0, a1, b0 := topicPartition{"a", 0}, topicPartition{"a", 1}, topicPartition{"b", 0}
	tests := []struct {
		name                      string
		positions, end, committed map[topicPartition]int64
		want                      []string
	}{
		{"caught up", map[topicPartition]int64{a0: 10}, map[topicPartition]int64{a0: 10}, map[topicPartition]int64{a0: 10}, nil},
		{"records waiting, nobody consumes them", map[topicPartition]int64{a0: 10, a1: 5}, map[topicPartition]int64{a0: 12, a1: 5},
			map[topicPartition]int64{a0: 10, a1: 5}, []string{"a/0"}},
		{"never committed", map[topicPartition]int64{b0: 3}, map[topicPartition]int64{b0: 4}, map[topicPartition]int64{b0: -1}, []string{"b/0"}},
		{"another member took the partition and commits beyond", map[topicPartition]int64{a0: 10}, map[topicPartition]int64{a0: 20},
			map[topicPartition]int64{a0: 15}, nil},
		{"broker did not answer for the partition", map[topicPartition]int64{a0: 10}, map[topicPartition]int64{}, map[topicPartition]int64{}, nil},
		{"several, sorted", map[topicPartition]int64{b0: 1, a1: 1, a0: 1}, map[topicPartition]int64{b0: 2, a1: 2, a0: 2},
			map[topicPartition]int64{}, []string{"a/0", "a/1", "b/0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stalled(tt.positions, tt.end, tt.committed); !slices.Equal(got, tt.want) {
				t.Errorf("stalled = %v, want %v", got, tt.want)
			}
		})
	}
}
