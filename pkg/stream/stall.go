package stream

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"
)

// stallWatch remembers, for each partition of a group's topics, the
// group's committed offset and since when it has stood still while records
// waited beyond it. kafka-go group readers have been seen to stop fetching
// without an error; a partition standing still with records waiting is how
// that shows from outside, whichever member holds it.
type stallWatch struct {
	standing map[topicPartition]standing
}

// standing is a committed offset and when it was first seen with records
// waiting beyond it.
type standing struct {
	committed int64
	since     time.Time
}

// partitionOffsets is what the broker says of one partition.
type partitionOffsets struct {
	first, end int64 // the log start and end offsets
	committed  int64 // the group's committed offset; -1 when none
}

func newStallWatch() *stallWatch {
	return &stallWatch{standing: map[topicPartition]standing{}}
}

// observe records the offsets seen at now. A partition with nothing
// waiting, or whose committed offset moved, starts afresh.
func (w *stallWatch) observe(now time.Time, offsets map[topicPartition]partitionOffsets) {
	for tp, o := range offsets {
		if o.end <= max(o.committed, o.first) {
			delete(w.standing, tp)
			continue
		}
		if s, ok := w.standing[tp]; !ok || s.committed != o.committed {
			w.standing[tp] = standing{committed: o.committed, since: now}
		}
	}
	for tp := range w.standing {
		if _, ok := offsets[tp]; !ok {
			delete(w.standing, tp) // the broker did not answer for it
		}
	}
}

// reset forgets every partition: a consumer blocked on a dependency holds
// its partitions still for a reason a rejoin does not cure.
func (w *stallWatch) reset() { clear(w.standing) }

// stalled returns the partitions, as "topic/partition" in order, that have
// stood still with records waiting for at least d at now.
func (w *stallWatch) stalled(now time.Time, d time.Duration) []string {
	var out []string
	for tp, s := range w.standing {
		if now.Sub(s.since) >= d {
			out = append(out, fmt.Sprintf("%s/%d", tp.topic, tp.partition))
		}
	}
	sort.Strings(out)
	return out
}

// groupOffsets asks the broker for the log start, log end and committed
// offset of every partition of the consumer's topics.
func (c *Consumer) groupOffsets(ctx context.Context) (map[topicPartition]partitionOffsets, error) {
	client := c.conn.Client()
	meta, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: c.cfg.Topics})
	if err != nil {
		return nil, fmt.Errorf("topic metadata: %w", err)
	}
	list := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	fetch := &kafka.OffsetFetchRequest{GroupID: c.cfg.Group, Topics: map[string][]int{}}
	for _, topic := range meta.Topics {
		if topic.Error != nil {
			return nil, fmt.Errorf("topic metadata of %s: %w", topic.Name, topic.Error)
		}
		for _, p := range topic.Partitions {
			list.Topics[topic.Name] = append(list.Topics[topic.Name], kafka.FirstOffsetOf(p.ID), kafka.LastOffsetOf(p.ID))
			fetch.Topics[topic.Name] = append(fetch.Topics[topic.Name], p.ID)
		}
	}
	ends, err := client.ListOffsets(ctx, list)
	if err != nil {
		return nil, fmt.Errorf("list offsets: %w", err)
	}
	committed, err := client.OffsetFetch(ctx, fetch)
	if err != nil {
		return nil, fmt.Errorf("fetch committed offsets: %w", err)
	}
	if committed.Error != nil {
		return nil, fmt.Errorf("fetch committed offsets: %w", committed.Error)
	}
	out := map[topicPartition]partitionOffsets{}
	for topic, parts := range ends.Topics {
		for _, p := range parts {
			if p.Error == nil {
				out[topicPartition{topic, p.Partition}] = partitionOffsets{first: p.FirstOffset, end: p.LastOffset, committed: -1}
			}
		}
	}
	var errs []error
	for topic, parts := range committed.Topics {
		for _, p := range parts {
			tp := topicPartition{topic, p.Partition}
			o, ok := out[tp]
			if p.Error != nil || !ok {
				delete(out, tp)
				errs = append(errs, p.Error)
				continue
			}
			o.committed = p.CommittedOffset
			out[tp] = o
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no partition answered: %w", errors.Join(errs...))
	}
	return out, nil
}

// watch checks the group's partitions every quarter of StallTimeout. When
// one has had records waiting and its committed offset unmoved for
// StallTimeout, it ends the session: the reader leaves the group and a new
// one joins, which makes the group reassign every partition. It does so at
// most once per StallTimeout, and never while the consumer is blocked on a
// dependency. A stall that outlasts twice StallTimeout is reported by
// Healthy, for the orchestrator to restart the process.
func (c *Consumer) watch(ctx context.Context) {
	w := newStallWatch()
	tick := time.NewTicker(c.cfg.StallTimeout / 4)
	defer tick.Stop()
	lastRejoin := c.now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if c.blocked.Load() {
			w.reset()
			c.stall.Store(nil)
			continue
		}
		offsets, err := c.groupOffsets(ctx)
		if err != nil {
			if ctx.Err() == nil {
				c.log.Warn("stall check", zap.Error(err))
			}
			continue
		}
		now := c.now()
		w.observe(now, offsets)
		if long := w.stalled(now, 2*c.cfg.StallTimeout); len(long) > 0 {
			err := fmt.Errorf("consumer stalled: %s had records waiting and no commit for %s, rejoining the group did not help",
				strings.Join(long, ", "), 2*c.cfg.StallTimeout)
			c.stall.Store(&err)
		} else {
			c.stall.Store(nil)
		}
		if now.Sub(lastRejoin) < c.cfg.StallTimeout {
			continue
		}
		if stuck := w.stalled(now, c.cfg.StallTimeout); len(stuck) > 0 {
			c.log.Warn("consumer group stalled, rejoining", zap.Strings("partitions", stuck), zap.Duration("stall_timeout", c.cfg.StallTimeout))
			lastRejoin = now
			c.metrics.rejoins.Inc()
			c.rejoin()
		}
	}
}
