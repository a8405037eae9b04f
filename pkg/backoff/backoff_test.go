package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDelayGrowsAndIsCapped(t *testing.T) {
	p := Policy{Min: 100 * time.Millisecond, Max: time.Second, NoJitter: true}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if got := p.Delay(i + 1); got != w*time.Millisecond {
			t.Errorf("Delay(%d) = %s, want %s", i+1, got, w*time.Millisecond)
		}
	}
	j := Policy{Min: 100 * time.Millisecond, Max: time.Second}
	for attempt := 1; attempt < 10; attempt++ {
		d, full := j.Delay(attempt), p.Delay(attempt)
		if d < full/2 || d > full {
			t.Errorf("jittered Delay(%d) = %s, outside [%s, %s]", attempt, d, full/2, full)
		}
	}
}

func TestSleepStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep on a cancelled context reported a full wait")
	}
	if !Sleep(context.Background(), time.Millisecond) {
		t.Error("Sleep did not report a full wait")
	}
}

func TestRetry(t *testing.T) {
	p := Policy{Min: time.Millisecond, Max: time.Millisecond}
	calls, failures := 0, 0
	err := Retry(context.Background(), p, func(context.Context) error {
		calls++
		if calls < 3 {
			return errors.New("not yet")
		}
		return nil
	}, func(error, int) { failures++ })
	if err != nil || calls != 3 || failures != 2 {
		t.Errorf("Retry = %v after %d calls and %d failures, want nil, 3 and 2", err, calls, failures)
	}

	ctx, cancel := context.WithCancel(context.Background())
	err = Retry(ctx, p, func(context.Context) error { cancel(); return errors.New("down") }, func(error, int) {})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Retry after cancel = %v, want context.Canceled", err)
	}
}
