// Package procs runs the pipeline's binaries as child processes, restarts
// one that dies, and stops them all with SIGTERM.
package procs

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/newswire/newswire/pkg/backoff"
)

// Spec is one child to run.
type Spec struct {
	Name string
	Path string
	Env  []string
	Log  io.Writer // stdout and stderr
}

// Supervise runs the child until ctx is cancelled, restarting it with
// backoff when it exits on its own; say reports what happens. On
// cancellation the child gets SIGTERM and grace to stop, then SIGKILL.
func Supervise(ctx context.Context, s Spec, grace time.Duration, say func(string)) {
	delays := backoff.Policy{Min: time.Second, Max: 30 * time.Second}
	for attempt := 1; ; attempt++ {
		cmd := exec.Command(s.Path)
		cmd.Env = append(os.Environ(), s.Env...)
		cmd.Stdout, cmd.Stderr = s.Log, s.Log
		// Its own process group: a Ctrl-C reaches us, and we decide.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			say(fmt.Sprintf("%s: cannot start: %v", s.Name, err))
			if !backoff.Sleep(ctx, delays.Delay(attempt)) {
				return
			}
			continue
		}
		started := time.Now()
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if time.Since(started) > time.Minute {
				attempt = 1
			}
			d := delays.Delay(attempt)
			say(fmt.Sprintf("%s exited (%v); restarting in %s — its log says why", s.Name, err, d.Round(time.Second)))
			if !backoff.Sleep(ctx, d) {
				return
			}
		case <-ctx.Done():
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case err := <-exited:
				if err != nil {
					say(fmt.Sprintf("%s stopped: %v", s.Name, err))
				}
			case <-time.After(grace):
				say(fmt.Sprintf("%s did not stop within %s; killing it", s.Name, grace))
				_ = cmd.Process.Kill()
				say(fmt.Sprintf("%s killed: %v", s.Name, <-exited))
			}
			return
		}
	}
}
