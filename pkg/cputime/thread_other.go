//go:build !linux

package cputime

import "time"

// Thread returns 0: only Linux gives a thread's CPU time here.
func Thread() time.Duration { return 0 }

// Process returns 0: only Linux is measured here.
func Process() time.Duration { return 0 }
