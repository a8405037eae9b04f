package stream_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/pkg/testwait"
)

// handlerFunc adapts a function to stream.Handler.
type handlerFunc func(ctx context.Context, batch []kafka.Message) (stream.Result, error)

func (f handlerFunc) Handle(ctx context.Context, batch []kafka.Message) (stream.Result, error) {
	return f(ctx, batch)
}

// stallFetches makes the broker answer every fetch with no records, as if
// the partition were empty, until the group is joined again: a kafka-go
// reader that silently stops fetching looks like that from outside.
func stallFetches(f *fixture) {
	var joins, stalledAt atomic.Int32
	f.cluster.ControlKey(int16(kmsg.JoinGroup), func(kmsg.Request) (kmsg.Response, error, bool) {
		joins.Add(1)
		return nil, nil, false
	})
	f.cluster.ControlKey(int16(kmsg.Fetch), func(r kmsg.Request) (kmsg.Response, error, bool) {
		stalledAt.CompareAndSwap(0, joins.Load())
		if joins.Load() != stalledAt.Load() {
			return nil, nil, false
		}
		f.cluster.KeepControl()
		return emptyFetch(r.(*kmsg.FetchRequest)), nil, true
	})
}

// emptyFetch answers req with no records and a high watermark at each
// offset asked for.
func emptyFetch(req *kmsg.FetchRequest) *kmsg.FetchResponse {
	resp := req.ResponseKind().(*kmsg.FetchResponse)
	resp.SetVersion(req.GetVersion())
	for _, t := range req.Topics {
		rt := kmsg.NewFetchResponseTopic()
		rt.Topic, rt.TopicID = t.Topic, t.TopicID
		for _, p := range t.Partitions {
			rp := kmsg.NewFetchResponseTopicPartition()
			rp.Partition, rp.HighWatermark, rp.LastStableOffset = p.Partition, p.FetchOffset, p.FetchOffset
			rt.Partitions = append(rt.Partitions, rp)
		}
		resp.Topics = append(resp.Topics, rt)
	}
	return resp
}

// TestStallWatchdog: a consumer whose reader fetches nothing while records
// wait rejoins its group and gets on; one whose handler hangs is reported
// by Healthy; one blocked on a dependency, or simply caught up, is left
// alone: a rejoin cures neither.
func TestStallWatchdog(t *testing.T) {
	const stall = 300 * time.Millisecond
	succeed := func(<-chan struct{}) handlerFunc {
		return func(context.Context, []kafka.Message) (stream.Result, error) { return stream.Result{}, nil }
	}
	tests := []struct {
		name       string
		handle     func(release <-chan struct{}) handlerFunc
		stallFetch bool
		records    int
		blocked    bool // Ready fails during the test
		wantRejoin bool
		health     string // "stays" healthy, "fails", or "any": a cured stall may outlast two timeouts on a loaded machine
	}{
		{"reader fetches nothing with records waiting", succeed, true, 20, false, true, "any"},
		{"handler hangs with records waiting", func(release <-chan struct{}) handlerFunc {
			return func(context.Context, []kafka.Message) (stream.Result, error) {
				<-release
				return stream.Result{}, nil
			}
		}, false, 20, false, true, "fails"},
		{"blocked on a dependency", func(<-chan struct{}) handlerFunc {
			return func(context.Context, []kafka.Message) (stream.Result, error) {
				return stream.Result{}, errors.New("redis: connection refused")
			}
		}, false, 20, true, false, "stays"},
		{"caught up and idle", succeed, false, 3, false, false, "stays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.stallFetch {
				stallFetches(f)
			}
			var in []string
			for range tt.records {
				in = append(in, "r")
			}
			f.produceInput(t, in...)
			release := make(chan struct{})
			var once sync.Once
			open := func() { once.Do(func() { close(release) }) }
			t.Cleanup(open)
			reg := prometheus.NewRegistry()
			var handled atomic.Int64
			handle := tt.handle(release)
			counting := handlerFunc(func(ctx context.Context, batch []kafka.Message) (stream.Result, error) {
				res, err := handle(ctx, batch)
				if err == nil {
					handled.Add(int64(len(batch)))
				}
				return res, err
			})
			c := stream.NewConsumer(stream.ConsumerConfig{
				Service: "test", Group: f.group, Topics: []string{f.in}, Deadletter: f.dlq,
				MaxBatch: 1, DrainTimeout: time.Second, StallTimeout: stall,
			}, f.conn, counting, f.writer, zaptest.NewLogger(t), reg)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- c.Run(ctx) }()
			t.Cleanup(func() { cancel(); open(); <-done })

			// Probe as the kubelet would, scaled down, over a window long
			// enough for a rejoin and for a stall that outlasts it.
			probe := time.NewTicker(stall / 3)
			defer probe.Stop()
			window := time.After(20 * stall)
			for {
				select {
				case <-probe.C:
					err := c.Healthy(t.Context())
					switch {
					case err != nil && tt.health == "stays":
						t.Fatalf("Healthy = %v, want healthy", err)
					case err != nil && !strings.Contains(err.Error(), "consumer stalled"):
						t.Fatalf("Healthy = %v, want it to name the stall", err)
					case err != nil && tt.health == "fails":
						return
					}
					continue
				case <-window:
				}
				break
			}
			if tt.health == "fails" {
				t.Fatal("no stall reported while records waited and the handler hung")
			}
			rejoins := counterValue(t, reg, "newswire_consumer_stall_rejoins_total")
			if got := rejoins > 0; got != tt.wantRejoin {
				t.Errorf("%v rejoins, want some: %v", rejoins, tt.wantRejoin)
			}
			if tt.blocked && c.Ready(t.Context()) == nil {
				t.Fatal("the consumer never blocked: the case tested nothing")
			}
			if tt.stallFetch {
				testwait.For(t, 20*time.Second, "every record handled after the rejoin", func() bool { return handled.Load() >= int64(tt.records) })
			}
		})
	}
}

// counterValue is the value of the counter called name in reg.
func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}
