// Package redisup gives a development run a Redis: the one at the address
// when it answers, else a redis-server it starts, else an in-process one.
package redisup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Kind says which Redis a run uses.
type Kind string

// The kinds of Redis.
const (
	Existing  Kind = "existing"
	Started   Kind = "redis-server"
	InProcess Kind = "in-process"
)

// Redis is a running Redis and how to stop it, if this run started it.
type Redis struct {
	Addr string
	Kind Kind
	stop func()
}

// Stop stops a Redis this run started; an existing one is left alone.
func (r *Redis) Stop() {
	if r.stop != nil {
		r.stop()
	}
}

// Ensure returns a Redis on addr.
func Ensure(ctx context.Context, addr, dataDir string) (*Redis, error) {
	if answers(ctx, addr) {
		return &Redis{Addr: addr, Kind: Existing}, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("redis address %q: %w", addr, err)
	}
	if path, err := exec.LookPath("redis-server"); err == nil {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("redis data folder: %w", err)
		}
		cmd := exec.Command(path, "--bind", host, "--port", port, "--dir", dataDir,
			"--appendonly", "yes", "--save", "", "--logfile", "redis.log")
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("start redis-server: %w", err)
		}
		r := &Redis{Addr: addr, Kind: Started, stop: func() {
			_ = cmd.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
			}
		}}
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if answers(ctx, addr) {
				return r, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		r.Stop()
		return nil, errors.New("redis-server did not answer within 5s; see " + dataDir + "/redis.log")
	}
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr(addr); err != nil {
		return nil, fmt.Errorf("start in-process redis on %s: %w", addr, err)
	}
	return &Redis{Addr: addr, Kind: InProcess, stop: m.Close}, nil
}

func answers(ctx context.Context, addr string) bool {
	c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 500 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return c.Ping(ctx).Err() == nil
}
