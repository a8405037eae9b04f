// Package kafkatest starts the embedded Kafka-protocol broker (kfake) for
// tests and reads topics back, so tests run against a real protocol peer.
package kafkatest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/newswire/newswire/pkg/config"
)

// Cluster is a kfake broker that stops when the test ends.
type Cluster struct {
	*kfake.Cluster
	partitions int
}

// Start starts a one-broker cluster on a free loopback port.
func Start(tb testing.TB, opts ...kfake.Opt) *Cluster {
	tb.Helper()
	const partitions = 3
	// Short sessions let tests that kill consumers see their partitions
	// reassigned in seconds.
	all := append([]kfake.Opt{kfake.Ports(0), kfake.DefaultNumPartitions(partitions), kfake.GroupMinSessionTimeout(time.Second)}, opts...)
	c, err := kfake.NewCluster(all...)
	if err != nil {
		tb.Fatalf("start kfake: %v", err)
	}
	tb.Cleanup(c.Close)
	return &Cluster{Cluster: c, partitions: partitions}
}

// Brokers returns the bootstrap addresses.
func (c *Cluster) Brokers() []string { return c.ListenAddrs() }

// Config returns client settings for the cluster.
func (c *Cluster) Config() config.Kafka {
	return config.Kafka{Brokers: c.Brokers(), ClientID: "newswire-test", Partitions: c.partitions, Replication: 1, SessionTimeout: 6 * time.Second}
}

var seq atomic.Int64

// Name returns a name unique to this test run, for topics, groups and key
// prefixes.
func Name(tb testing.TB, prefix string) string {
	clean := strings.NewReplacer("/", "-", " ", "-", "#", "-").Replace(tb.Name())
	return fmt.Sprintf("%s-%s-%d-%d", prefix, clean, time.Now().UnixNano()%1e9, seq.Add(1))
}

// ReadAll reads every partition of topic from the start until it holds at
// least n records or the timeout passes, and returns what it read ordered
// by partition and offset.
func ReadAll(tb testing.TB, brokers []string, topic string, n int, timeout time.Duration) []kafka.Message {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var got []kafka.Message
	for ctx.Err() == nil {
		got = readOnce(ctx, tb, brokers, topic)
		if len(got) >= n {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("read %s: %d records within %s, want at least %d", topic, len(got), timeout, n)
	return nil
}

// readOnce reads each partition up to its current end.
func readOnce(ctx context.Context, tb testing.TB, brokers []string, topic string) []kafka.Message {
	tb.Helper()
	conn, err := kafka.DialContext(ctx, "tcp", brokers[0])
	if err != nil {
		tb.Fatalf("dial %s: %v", brokers[0], err)
	}
	parts, err := conn.ReadPartitions(topic)
	_ = conn.Close()
	if err != nil {
		return nil // not created yet
	}
	var out []kafka.Message
	for _, p := range parts {
		out = append(out, readPartition(ctx, tb, brokers, topic, p.ID)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Partition != out[j].Partition {
			return out[i].Partition < out[j].Partition
		}
		return out[i].Offset < out[j].Offset
	})
	return out
}

func readPartition(ctx context.Context, tb testing.TB, brokers []string, topic string, partition int) []kafka.Message {
	tb.Helper()
	conn, err := kafka.DialLeader(ctx, "tcp", brokers[0], topic, partition)
	if err != nil {
		tb.Fatalf("dial leader of %s/%d: %v", topic, partition, err)
	}
	defer conn.Close()
	first, last, err := conn.ReadOffsets()
	if err != nil {
		tb.Fatalf("read offsets of %s/%d: %v", topic, partition, err)
	}
	if last <= first {
		return nil
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: partition, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	if err := r.SetOffset(first); err != nil {
		tb.Fatalf("seek %s/%d: %v", topic, partition, err)
	}
	var out []kafka.Message
	for int64(len(out)) < last-first {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			tb.Fatalf("read %s/%d: %v", topic, partition, err)
		}
		out = append(out, m)
		if m.Offset >= last-1 {
			break
		}
	}
	return out
}
