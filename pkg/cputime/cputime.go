// Package cputime measures the CPU time benchmarks spend. On a shared,
// loaded machine the wall clock stretches with everyone else's work; CPU
// clocks do not, so benchmarks report them beside ns/op.
package cputime

import (
	"runtime"
	"testing"
)

// Loop runs f in b.Loop on one locked OS thread and reports CPU time per
// iteration (where the platform gives it): cpu-ns/op is the benchmark
// thread's own, proc-cpu-ns/op the whole process's, which adds the garbage
// collector's background work.
func Loop(b *testing.B, f func()) {
	b.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	thread, process := Thread(), Process()
	for b.Loop() {
		f()
	}
	thread, process = Thread()-thread, Process()-process
	if b.N == 0 {
		return
	}
	if thread > 0 {
		b.ReportMetric(float64(thread.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	if process > 0 {
		b.ReportMetric(float64(process.Nanoseconds())/float64(b.N), "proc-cpu-ns/op")
	}
}
