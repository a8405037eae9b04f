// Package testwait waits in tests for something that happens in the
// background: a record consumed, a service ready, a metric counted.
package testwait

import (
	"testing"
	"time"
)

// For polls cond until it holds, or fails the test with what once timeout
// has passed.
func For(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("not within %s: %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
