package schedule

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/testwait"
	"github.com/newswire/newswire/services/fetcher/internal/poll"
)

// stuckPoller never returns until released, whatever its context says: a
// wedged poll.
type stuckPoller struct {
	started chan struct{}
	release chan struct{}
}

func (p stuckPoller) Poll(context.Context, feedlist.Feed) poll.Result {
	select {
	case p.started <- struct{}{}:
	default:
	}
	<-p.release
	return poll.Result{}
}

type noRegistry struct{}

func (noRegistry) Register(context.Context, []string) error { return nil }
func (noRegistry) Forget(context.Context, []string) error   { return nil }

// TestHealthyFailsWhenTheLoopIsStuck: with every worker wedged past two
// leases the liveness check fails, so Kubernetes restarts the fetcher; it
// passes before the loop starts and again once work moves.
func TestHealthyFailsWhenTheLoopIsStuck(t *testing.T) {
	prefix := kafkatest.Name(t, "health") + ":"
	rdb := redistest.Connect(t, prefix)
	p := stuckPoller{started: make(chan struct{}, 1), release: make(chan struct{})}
	s := New(rdb, prefix, p, Options{Workers: 1, Lease: time.Second, Idle: 50 * time.Millisecond}, nil, zaptest.NewLogger(t))
	if err := s.Healthy(t.Context()); err != nil {
		t.Fatalf("before Run: %v", err)
	}
	if err := s.Sync(t.Context(), []feedlist.Feed{{URL: "http://feeds.example/a"}}, noRegistry{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, time.Second) }()
	<-p.started
	testwait.For(t, 10*time.Second, "liveness fails with the only worker wedged", func() bool { return s.Healthy(t.Context()) != nil })
	close(p.release)
	testwait.For(t, 10*time.Second, "liveness recovers once the poll returns", func() bool { return s.Healthy(t.Context()) == nil })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
