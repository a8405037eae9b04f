package stream

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// record returns a record of n bytes (key and value together).
func record(n int) kafka.Message { return kafka.Message{Value: make([]byte, n)} }

// waits reports whether put(m) is still blocked after a moment; when it is
// not, the record is in the queue.
func waits(ctx context.Context, q *queue, m kafka.Message) (<-chan bool, bool) {
	done := make(chan bool, 1)
	go func() { done <- q.put(ctx, m) }()
	select {
	case ok := <-done:
		return done, !ok
	case <-time.After(50 * time.Millisecond):
		return done, true
	}
}

// take takes the next record from the queue, as consume does.
func take(q *queue) kafka.Message {
	m := <-q.records
	q.took(m)
	return m
}

// TestQueueHoldsItsBytes: the records waiting hold at most MaxBatchBytes; a
// record larger than that waits until the queue is empty, then goes in
// alone; a put waiting for room gives up when its context ends, whether it
// waits for bytes or for a place in the channel.
func TestQueueHoldsItsBytes(t *testing.T) {
	ctx := context.Background()
	c := &Consumer{cfg: ConsumerConfig{MaxBatch: 500, MaxBatchBytes: 100}}
	q := c.newQueue()
	for range 2 {
		if !q.put(ctx, record(40)) {
			t.Fatal("two records of 40 bytes did not fit in 100")
		}
	}
	done, blocked := waits(ctx, q, record(1000))
	if !blocked {
		t.Fatal("a record of 1000 bytes went in beside 80 bytes")
	}
	take(q)
	select {
	case <-done:
		t.Fatal("a record of 1000 bytes went in beside 40 bytes")
	case <-time.After(50 * time.Millisecond):
	}
	take(q)
	if !<-done {
		t.Fatal("a record of 1000 bytes did not go in once the queue was empty")
	}
	if _, blocked := waits(t.Context(), q, record(1)); !blocked {
		t.Fatal("a record went in beside one larger than the bound")
	}

	cancelled, cancel := context.WithCancel(ctx)
	full := c.newQueue()
	full.put(ctx, record(100))
	done, _ = waits(cancelled, full, record(10))
	cancel()
	if <-done {
		t.Error("a put waiting for bytes succeeded after its context ended")
	}

	c = &Consumer{cfg: ConsumerConfig{MaxBatch: 2, MaxBatchBytes: 1 << 20}}
	q = c.newQueue()
	q.put(ctx, record(1))
	q.put(ctx, record(1))
	cancelled, cancel = context.WithCancel(ctx)
	done, _ = waits(cancelled, q, record(1))
	cancel()
	if <-done {
		t.Error("a put waiting for a place in the channel succeeded after its context ended")
	}
}

// TestGatherStopsAtTheBytes: a batch takes records waiting until it holds
// MaxBatchBytes or MaxBatch records, whichever comes first.
func TestGatherStopsAtTheBytes(t *testing.T) {
	tests := []struct {
		name     string
		maxBatch int
		first    int   // bytes
		waiting  []int // bytes
		want     int   // records in the batch
	}{
		{"under the bound: all", 500, 10, []int{10, 10, 10}, 4},
		{"the record that reaches the bound is the last", 500, 90, []int{40, 40}, 2},
		{"a first record at the bound: alone", 500, 100, []int{1}, 1},
		{"MaxBatch records first", 2, 1, []int{1, 1}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Consumer{cfg: ConsumerConfig{MaxBatch: tt.maxBatch, MaxBatchBytes: 100}}
			q := c.newQueue()
			for _, n := range tt.waiting {
				if !q.put(context.Background(), record(n)) {
					t.Fatal("put failed")
				}
			}
			if got := len(c.gather(record(tt.first), q)); got != tt.want {
				t.Errorf("batch of %d records, want %d", got, tt.want)
			}
		})
	}
}
