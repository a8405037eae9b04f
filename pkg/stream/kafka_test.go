package stream_test

import (
	"context"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/stream"
)

// TestPingFailsWhenTheBrokerIsGone: the readiness check asks the broker,
// not kafka-go's cache of the cluster's metadata, which outlives the
// broker (the cache is served without a round trip, and a failed refresh
// keeps the last layout known).
func TestPingFailsWhenTheBrokerIsGone(t *testing.T) {
	c := kafkatest.Start(t)
	conn, err := stream.Connect(c.Config())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := conn.Ping(ctx); err != nil {
		t.Fatalf("ping a live broker: %v", err)
	}
	c.Close()
	start := time.Now()
	ctx, cancel = context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := conn.Ping(ctx); err == nil {
		t.Errorf("ping said the broker answers %s after it was closed", time.Since(start).Round(time.Millisecond))
	} else {
		t.Logf("ping after the broker closed: %v (in %s)", err, time.Since(start).Round(time.Millisecond))
	}
	if took := time.Since(start); took > 2500*time.Millisecond {
		t.Errorf("ping took %s, past its context's 2 s", took.Round(time.Millisecond))
	}
}
