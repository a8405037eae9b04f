// Package topiclog reads a topic as the logs of its partitions, with no
// consumer group: the offsets that bound a time range, the records between
// two offsets, and every new record as it arrives. Operators' commands read
// this way; they commit nothing and leave no group behind.
package topiclog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// Span is the offsets [Start, End) of one partition.
type Span struct {
	Partition  int
	Start, End int64
}

// Len is the number of offsets in the span.
func (s Span) Len() int64 { return max(s.End-s.Start, 0) }

// Log reads topics of one cluster.
type Log struct {
	brokers []string
	client  *kafka.Client
	dialer  *kafka.Dialer
	// IdleTimeout is how long Read waits for a record it knows exists.
	IdleTimeout time.Duration
}

// New returns a reader of the cluster's topics. The client answers
// metadata and offset requests; the dialer connects the partition readers.
func New(brokers []string, client *kafka.Client, dialer *kafka.Dialer) *Log {
	return &Log{brokers: brokers, client: client, dialer: dialer, IdleTimeout: 15 * time.Second}
}

// ErrNoTopic is returned for a topic the cluster does not have.
var ErrNoTopic = errors.New("no such topic")

// Partitions returns the topic's partition numbers in order.
func (l *Log) Partitions(ctx context.Context, topic string) ([]int, error) {
	md, err := l.client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("read metadata of topic %s: %w", topic, err)
	}
	for _, t := range md.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			if errors.Is(t.Error, kafka.UnknownTopicOrPartition) {
				return nil, fmt.Errorf("topic %s: %w", topic, ErrNoTopic)
			}
			return nil, fmt.Errorf("read metadata of topic %s: %w", topic, t.Error)
		}
		out := make([]int, 0, len(t.Partitions))
		for _, p := range t.Partitions {
			out = append(out, p.ID)
		}
		slices.Sort(out)
		if len(out) == 0 {
			return nil, fmt.Errorf("topic %s: %w", topic, ErrNoTopic)
		}
		return out, nil
	}
	return nil, fmt.Errorf("topic %s: %w", topic, ErrNoTopic)
}

// Bounds returns each partition's whole log: from its first offset to its
// end (the offset the next record will get).
func (l *Log) Bounds(ctx context.Context, topic string) ([]Span, error) {
	parts, err := l.Partitions(ctx, topic)
	if err != nil {
		return nil, err
	}
	first, err := l.offsets(ctx, topic, parts, kafka.FirstOffsetOf)
	if err != nil {
		return nil, err
	}
	end, err := l.offsets(ctx, topic, parts, kafka.LastOffsetOf)
	if err != nil {
		return nil, err
	}
	out := make([]Span, len(parts))
	for i, p := range parts {
		out[i] = Span{Partition: p, Start: first[p], End: end[p]}
	}
	return out, nil
}

// Between returns, per partition, the offsets of the records written from
// from (included) to to (excluded), by the broker's time index: the first
// offset whose timestamp is at or after each end.
func (l *Log) Between(ctx context.Context, topic string, from, to time.Time) ([]Span, error) {
	bounds, err := l.Bounds(ctx, topic)
	if err != nil {
		return nil, err
	}
	parts := make([]int, len(bounds))
	for i, b := range bounds {
		parts[i] = b.Partition
	}
	starts, err := l.offsetsAt(ctx, topic, parts, from)
	if err != nil {
		return nil, err
	}
	ends, err := l.offsetsAt(ctx, topic, parts, to)
	if err != nil {
		return nil, err
	}
	out := make([]Span, len(bounds))
	for i, b := range bounds {
		s := Span{Partition: b.Partition, Start: b.End, End: b.End}
		if off, ok := starts[b.Partition]; ok {
			s.Start = max(off, b.Start)
		}
		if off, ok := ends[b.Partition]; ok {
			s.End = off
		}
		s.End = max(s.End, s.Start)
		out[i] = s
	}
	return out, nil
}

// offsets asks for the first or the end offset of each partition.
func (l *Log) offsets(ctx context.Context, topic string, parts []int, of func(int) kafka.OffsetRequest) (map[int]int64, error) {
	reqs := make([]kafka.OffsetRequest, len(parts))
	for i, p := range parts {
		reqs[i] = of(p)
	}
	resp, err := l.client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("list offsets of topic %s: %w", topic, err)
	}
	out := make(map[int]int64, len(parts))
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("list offsets of %s/%d: %w", topic, po.Partition, po.Error)
		}
		if po.FirstOffset >= 0 {
			out[po.Partition] = po.FirstOffset
		} else {
			out[po.Partition] = po.LastOffset
		}
	}
	return out, nil
}

// offsetsAt returns the first offset at or after t of each partition that
// has one; a partition with no record that late is absent. (A request by
// time gets -1 back when nothing qualifies, which kafka-go files as the
// end offset; asking by time alone keeps the two apart.)
func (l *Log) offsetsAt(ctx context.Context, topic string, parts []int, t time.Time) (map[int]int64, error) {
	reqs := make([]kafka.OffsetRequest, len(parts))
	for i, p := range parts {
		reqs[i] = kafka.TimeOffsetOf(p, t)
	}
	resp, err := l.client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("list offsets of topic %s at %s: %w", topic, t.Format(time.RFC3339), err)
	}
	out := make(map[int]int64, len(parts))
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("list offsets of %s/%d at %s: %w", topic, po.Partition, t.Format(time.RFC3339), po.Error)
		}
		for off := range po.Offsets {
			if off >= 0 {
				out[po.Partition] = off
			}
		}
	}
	return out, nil
}

func (l *Log) reader(topic string, partition int) *kafka.Reader {
	return kafka.NewReader(kafka.ReaderConfig{
		Brokers:        l.brokers,
		Topic:          topic,
		Partition:      partition,
		Dialer:         l.dialer,
		MinBytes:       1,
		MaxBytes:       16 << 20,
		MaxWait:        250 * time.Millisecond,
		ReadBackoffMin: 50 * time.Millisecond,
		ReadBackoffMax: time.Second,
	})
}

// Read hands fn every record of the span, in offset order. It fails when a
// record it knows exists does not come within IdleTimeout.
func (l *Log) Read(ctx context.Context, topic string, s Span, fn func(kafka.Message) error) error {
	if s.Len() == 0 {
		return nil
	}
	r := l.reader(topic, s.Partition)
	defer r.Close()
	if err := r.SetOffset(s.Start); err != nil {
		return fmt.Errorf("seek %s/%d to offset %d: %w", topic, s.Partition, s.Start, err)
	}
	next := s.Start
	for next < s.End {
		fetchCtx, cancel := context.WithTimeout(ctx, l.IdleTimeout)
		m, err := r.FetchMessage(fetchCtx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("read %s/%d at offset %d (the range ends at %d): %w", topic, s.Partition, next, s.End, err)
		}
		if m.Offset >= s.End {
			return nil
		}
		next = m.Offset + 1
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

// Follow hands fn every record written to the topic from now on (or, with
// fromStart, from the start of each partition), in the order they arrive,
// until ctx ends or fn fails. The partitions are those of the topic when
// Follow starts.
func (l *Log) Follow(ctx context.Context, topic string, fromStart bool, fn func(kafka.Message) error) error {
	parts, err := l.Partitions(ctx, topic)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	start := kafka.LastOffset
	if fromStart {
		start = kafka.FirstOffset
	}
	msgs := make(chan kafka.Message)
	errs := make(chan error, len(parts))
	for _, p := range parts {
		wg.Go(func() {
			r := l.reader(topic, p)
			defer r.Close()
			if err := r.SetOffset(start); err != nil {
				errs <- fmt.Errorf("seek %s/%d: %w", topic, p, err)
				return
			}
			for {
				m, err := r.FetchMessage(ctx)
				if err != nil {
					if ctx.Err() == nil {
						errs <- fmt.Errorf("read %s/%d: %w", topic, p, err)
					}
					return
				}
				select {
				case msgs <- m:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errs:
			return err
		case m := <-msgs:
			if err := fn(m); err != nil {
				return err
			}
		}
	}
}
