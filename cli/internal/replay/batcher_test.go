package replay

import (
	"context"
	"testing"

	"github.com/segmentio/kafka-go"
)

// batches notes the records of each write.
type batches struct{ records []int }

func (b *batches) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	b.records = append(b.records, len(msgs))
	return nil
}

// TestBatcherBoundsItsBytes: a batch is written at its size in records, or
// sooner once it holds MaxBatchBytes.
func TestBatcherBoundsItsBytes(t *testing.T) {
	tests := []struct {
		name        string
		recordBytes int
		records     int
		want        []int // records a write
	}{
		{"small records: batches of 500", 100, 1200, []int{500, 500, 200}},
		{"records of 1 MiB: 16 a batch", 1 << 20, 40, []int{16, 16, 8}},
		{"a record over the bound: alone", MaxBatchBytes + 1, 2, []int{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out batches
			b := NewBatcher(&out, 500)
			value := make([]byte, tt.recordBytes)
			for range tt.records {
				if err := b.Add(t.Context(), kafka.Message{Value: value}); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
			if len(out.records) != len(tt.want) {
				t.Fatalf("writes of %v records, want %v", out.records, tt.want)
			}
			for i := range tt.want {
				if out.records[i] != tt.want[i] {
					t.Errorf("writes of %v records, want %v", out.records, tt.want)
					break
				}
			}
			if b.Written != int64(tt.records) {
				t.Errorf("Written = %d, want %d", b.Written, tt.records)
			}
		})
	}
}
