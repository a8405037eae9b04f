package stream_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/stream"
)

// handlerFunc adapts a function to stream.Handler.
type handlerFunc func(ctx context.Context, batch []kafka.Message) (stream.Result, error)

func (f handlerFunc) Handle(ctx context.Context, batch []kafka.Message) (stream.Result, error) {
	return f(ctx, batch)
}

// TestStallWatchdog: liveness fails when records wait and nothing is
// fetched (here a handler that never returns holds the fetcher back, as a
// stalled kafka-go reader would), but not when the consumer is blocked on a
// dependency or simply has nothing to fetch: a restart cures neither.
func TestStallWatchdog(t *testing.T) {
	const stall = 300 * time.Millisecond
	tests := []struct {
		name        string
		handle      func(release <-chan struct{}) handlerFunc
		records     int
		blocked     bool // Ready fails during the test
		wantHealthy bool
	}{
		{"handler hangs with records waiting", func(release <-chan struct{}) handlerFunc {
			return func(ctx context.Context, _ []kafka.Message) (stream.Result, error) {
				select {
				case <-release:
				case <-ctx.Done():
				}
				return stream.Result{}, nil
			}
		}, 20, false, false},
		{"blocked on a dependency", func(<-chan struct{}) handlerFunc {
			return func(context.Context, []kafka.Message) (stream.Result, error) {
				return stream.Result{}, errors.New("redis: connection refused")
			}
		}, 20, true, true},
		{"caught up and idle", func(<-chan struct{}) handlerFunc {
			return func(context.Context, []kafka.Message) (stream.Result, error) { return stream.Result{}, nil }
		}, 3, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			// One key: every record in one partition, which the consumer
			// fetches from before its handler hangs.
			var in []string
			for range tt.records {
				in = append(in, "r")
			}
			f.produceInput(t, in...)
			release := make(chan struct{})
			var once sync.Once
			open := func() { once.Do(func() { close(release) }) }
			t.Cleanup(open)
			c := stream.NewConsumer(stream.ConsumerConfig{
				Service: "test", Group: f.group, Topics: []string{f.in}, Deadletter: f.dlq,
				MaxBatch: 1, DrainTimeout: time.Second, StallTimeout: stall,
			}, f.conn, tt.handle(release), f.writer, zaptest.NewLogger(t), prometheus.NewRegistry())
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- c.Run(ctx) }()
			t.Cleanup(func() { cancel(); open(); <-done })

			// Probe as the kubelet would, scaled down: the stall must be
			// reported within a few periods, and a healthy consumer must
			// stay healthy over many.
			probe := time.NewTicker(stall / 3)
			defer probe.Stop()
			window := time.After(10 * stall)
			if !tt.wantHealthy {
				window = time.After(20 * time.Second)
			}
			for {
				select {
				case <-window:
					if !tt.wantHealthy {
						t.Fatal("no stall reported while records waited and nothing was fetched")
					}
					if tt.blocked && c.Ready(t.Context()) == nil {
						t.Fatal("the consumer never blocked: the case tested nothing")
					}
					return
				case <-probe.C:
				}
				err := c.Healthy(t.Context())
				switch {
				case err != nil && tt.wantHealthy:
					t.Fatalf("Healthy = %v, want healthy", err)
				case err != nil && !strings.Contains(err.Error(), "reader stalled"):
					t.Fatalf("Healthy = %v, want it to name the stall", err)
				case err != nil:
					return
				}
			}
		})
	}
}
