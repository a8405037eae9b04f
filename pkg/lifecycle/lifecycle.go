// Package lifecycle runs a service's long-lived parts together and stops
// them together: on SIGINT or SIGTERM, or when one of them fails.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
)

// Part is one long-lived piece of a service. Run returns when ctx is
// cancelled, having finished or handed back its in-flight work.
type Part struct {
	Name string
	Run  func(ctx context.Context) error
}

// Drainer is told when shutdown begins (the admin server turns not-ready).
type Drainer interface{ Drain() }

// StopGrace is how long Run waits for the parts beyond the drain deadline
// before it gives up on them. A pod's terminationGracePeriodSeconds must
// exceed the drain deadline plus this, or the kubelet kills the process
// before it has committed and left its consumer group.
const StopGrace = 5 * time.Second

// ErrDrainDeadline is returned when the parts did not stop in time.
var ErrDrainDeadline = errors.New("parts did not stop within the drain deadline")

// SignalContext returns a context cancelled by the first SIGINT or SIGTERM.
// After that, the default behaviour is restored, so a second signal kills
// the process at once.
func SignalContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	return ctx, stop
}

// Run runs the parts until ctx is cancelled or one of them fails, then
// cancels the others and waits for them, at most drain plus StopGrace.
// The background parts (the admin server) are stopped after the others, so
// health and metrics stay visible while the service drains.
func Run(ctx context.Context, log *zap.Logger, drain time.Duration, d Drainer, background []Part, parts ...Part) error {
	mainCtx, cancelMain := context.WithCancel(ctx)
	defer cancelMain()
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	var bg errgroup.Group
	for _, p := range background {
		bg.Go(func() error {
			err := wrap(p, p.Run(bgCtx))
			if err != nil {
				cancelMain() // a service without its admin server must not run blind
			}
			return err
		})
	}

	g, gctx := errgroup.WithContext(mainCtx)
	for _, p := range parts {
		g.Go(func() error { return wrap(p, p.Run(gctx)) })
	}
	done := make(chan error, 1)
	go func() { done <- g.Wait() }()

	var err error
	select {
	case err = <-done:
	case <-gctx.Done():
		log.Info("shutting down", zap.Duration("deadline", drain))
		if d != nil {
			d.Drain()
		}
		select {
		case err = <-done:
		case <-time.After(drain + StopGrace):
			err = ErrDrainDeadline
		}
	}
	if d != nil {
		d.Drain()
	}
	stopBackground()
	if bgErr := bg.Wait(); bgErr != nil && err == nil {
		err = bgErr
	}
	return err
}

func wrap(p Part, err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	return fmt.Errorf("%s: %w", p.Name, err)
}
