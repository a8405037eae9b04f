// Package replay re-produces records of a topic so the services consuming
// it handle them again: the articles of a time range after an extractor
// upgrade (the publisher's dedupe drops the quotations that did not change
// and forwards the new ones), or dead letters once their cause is fixed.
// Every copy carries a newswire-replay header naming the run.
package replay

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/cli/internal/progress"
	"github.com/newswire/newswire/cli/internal/timerange"
	"github.com/newswire/newswire/cli/internal/topiclog"
)

// Header marks a replayed copy; its value is the run's ID.
const Header = "newswire-replay"

// NewRunID returns an ID for one run: when it started and a random part.
func NewRunID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "replay-" + now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Copy returns msg for topic, with the headers drop refuses removed and the
// replay header set to runID. Key and value are unchanged; the time is left
// for the producer to set, so the copy sits at the end of the log in time
// as in offsets.
func Copy(msg kafka.Message, topic, runID string, drop func(key string) bool) kafka.Message {
	headers := make([]kafka.Header, 0, len(msg.Headers)+1)
	for _, h := range msg.Headers {
		if h.Key == Header || (drop != nil && drop(h.Key)) {
			continue
		}
		headers = append(headers, h)
	}
	headers = append(headers, kafka.Header{Key: Header, Value: []byte(runID)})
	return kafka.Message{Topic: topic, Key: msg.Key, Value: msg.Value, Headers: headers}
}

// IsCopy reports whether msg is a replayed copy.
func IsCopy(msg kafka.Message) bool {
	for _, h := range msg.Headers {
		if h.Key == Header {
			return true
		}
	}
	return false
}

// Producer writes records and returns once the broker acknowledged them.
type Producer interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// MaxBatchBytes bounds the bytes (keys and values) a Batcher holds: records
// near the topics' 2 MiB made a batch of 500 a GiB.
const MaxBatchBytes = 16 << 20

// Batcher produces records in batches of size records, or fewer once they
// hold MaxBatchBytes.
type Batcher struct {
	out     Producer
	size    int
	pending []kafka.Message
	bytes   int
	Written int64
}

// NewBatcher returns a batcher writing to out, size records at a time.
func NewBatcher(out Producer, size int) *Batcher {
	return &Batcher{out: out, size: max(size, 1)}
}

// Add queues a record, writing the batch when it is full.
func (b *Batcher) Add(ctx context.Context, m kafka.Message) error {
	b.pending = append(b.pending, m)
	b.bytes += len(m.Key) + len(m.Value)
	if len(b.pending) >= b.size || b.bytes >= MaxBatchBytes {
		return b.Flush(ctx)
	}
	return nil
}

// Flush writes what is queued.
func (b *Batcher) Flush(ctx context.Context) error {
	if len(b.pending) == 0 {
		return nil
	}
	if err := b.out.WriteMessages(ctx, b.pending...); err != nil {
		return fmt.Errorf("produce %d records (%d written before): %w", len(b.pending), b.Written, err)
	}
	b.Written += int64(len(b.pending))
	b.pending, b.bytes = b.pending[:0], 0
	return nil
}

// Log reads a topic's records by time and offset.
type Log interface {
	Between(ctx context.Context, topic string, from, to time.Time) ([]topiclog.Span, error)
	Read(ctx context.Context, topic string, s topiclog.Span, fn func(kafka.Message) error) error
}

// Options say what to replay.
type Options struct {
	Topic  string
	Range  timerange.Range
	RunID  string
	DryRun bool
	// Terminal says whether the progress goes to a terminal.
	Terminal bool
}

// Report is what a run did.
type Report struct {
	Spans    []topiclog.Span
	Read     int64 // records in the range
	Replayed int64 // produced again (or, dry, that would be)
	Copies   int64 // earlier replays' copies, skipped: their originals are replayed
}

// Run replays the records of the topic written within the range onto the
// same topic, reporting on out.
func Run(ctx context.Context, log Log, producer Producer, opts Options, out io.Writer) (Report, error) {
	var rep Report
	spans, err := log.Between(ctx, opts.Topic, opts.Range.From, opts.Range.To)
	if err != nil {
		return rep, err
	}
	rep.Spans = spans
	var total int64
	parts := make([]string, 0, len(spans))
	for _, s := range spans {
		total += s.Len()
		if s.Len() > 0 {
			parts = append(parts, fmt.Sprintf("%d: offsets %d to %d", s.Partition, s.Start, s.End-1))
		}
	}
	verb := "replaying"
	if opts.DryRun {
		verb = "dry run, nothing is produced: would replay"
	}
	fmt.Fprintf(out, "%s %d records of %s written from %s to %s (run %s)\n", verb, total, opts.Topic,
		opts.Range.From.UTC().Format(time.RFC3339), opts.Range.To.UTC().Format(time.RFC3339), opts.RunID)
	if len(parts) > 0 {
		fmt.Fprintf(out, "partitions %s\n", strings.Join(parts, "; "))
	}
	bar := progress.New(out, "replay", total, opts.Terminal)
	batch := NewBatcher(producer, 500)
	for _, s := range spans {
		err := log.Read(ctx, opts.Topic, s, func(m kafka.Message) error {
			rep.Read++
			bar.Add(1)
			if IsCopy(m) {
				rep.Copies++
				return nil
			}
			rep.Replayed++
			if opts.DryRun {
				return nil
			}
			return batch.Add(ctx, Copy(m, opts.Topic, opts.RunID, nil))
		})
		if err == nil {
			err = batch.Flush(ctx)
		}
		if err != nil {
			bar.Finish()
			return rep, fmt.Errorf("replay partition %d (%d records produced so far): %w", s.Partition, batch.Written, err)
		}
	}
	bar.Finish()
	done := "replayed"
	if opts.DryRun {
		done = "would replay"
	}
	fmt.Fprintf(out, "%s %d records", done, rep.Replayed)
	if rep.Copies > 0 {
		fmt.Fprintf(out, "; skipped %d copies made by earlier replays (each repeats a record written before it)", rep.Copies)
	}
	fmt.Fprintf(out, "\n")
	if !opts.DryRun && rep.Replayed > 0 {
		fmt.Fprintf(out, "the copies carry the header %s: %s; the extractor handles them as they come, and the publisher forwards only new or changed quotations\n", Header, opts.RunID)
	}
	return rep, nil
}
