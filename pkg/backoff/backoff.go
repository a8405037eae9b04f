// Package backoff computes retry delays: exponential, capped, with full
// jitter so that many clients failing together do not retry together.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy is an exponential backoff from Min, doubling per attempt, capped
// at Max.
type Policy struct {
	Min time.Duration
	Max time.Duration
	// NoJitter makes delays exact; tests use it.
	NoJitter bool
}

// Delay returns the wait before the given attempt (1 is the first retry):
// a random duration in [d/2, d] where d = Min·2^(attempt-1), capped at Max.
func (p Policy) Delay(attempt int) time.Duration {
	d := p.Min
	for i := 1; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	if d > p.Max {
		d = p.Max
	}
	if p.NoJitter || d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Sleep waits d or until ctx is done, and says whether it waited the whole
// time.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Retry calls try until it succeeds or ctx ends, waiting p's delays in
// between and telling failed of each failure. It returns nil, or ctx's
// error when the caller gave up waiting (a shutdown during start-up is not
// a failure of the service).
func Retry(ctx context.Context, p Policy, try func(context.Context) error, failed func(err error, attempt int)) error {
	for attempt := 1; ; attempt++ {
		err := try(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		failed(err, attempt)
		if !Sleep(ctx, p.Delay(attempt)) {
			return ctx.Err()
		}
	}
}
