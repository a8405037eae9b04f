package cputime

import (
	"syscall"
	"time"
)

// Thread returns the CPU time (user and system) the calling OS thread has
// used, or 0 when the kernel does not say.
func Thread() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD
	return usage(rusageThread)
}

// Process returns the CPU time (user and system) of the whole process, or
// 0 when the kernel does not say.
func Process() time.Duration { return usage(syscall.RUSAGE_SELF) }

func usage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
