// Package redistest connects tests to a real Redis server. There is no
// fake: a test that needs Redis fails when none answers, and `make test`
// starts one first.
package redistest

import (
	"context"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/testnet"
)

// Addr is the Redis the tests use: NEWSWIRE_TEST_REDIS_ADDR, or
// 127.0.0.1:6379.
func Addr() string {
	if a := os.Getenv("NEWSWIRE_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// Connect returns a client of the test Redis and a key prefix of the
// test's own; every key under the prefix is deleted when the test ends.
// Tests never FLUSHALL: the server may be shared.
func Connect(tb testing.TB, prefix string) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: Addr(), DialTimeout: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		tb.Fatalf("no Redis answers at %s (%v): run the tests with `make test`, which starts one", Addr(), err)
	}
	tb.Cleanup(func() {
		DeletePrefix(tb, c, prefix)
		_ = c.Close()
	})
	return c
}

// DeletePrefix deletes every key that starts with prefix.
func DeletePrefix(tb testing.TB, c *redis.Client, prefix string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			c.Del(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		c.Del(ctx, keys...)
	}
	if err := iter.Err(); err != nil {
		tb.Logf("clean up Redis keys %s*: %v", prefix, err)
	}
}

// ServerCPU is the CPU time, user and system, the Redis server has used so
// far, as its INFO reports it. With cputime.Process, benchmarks tell what a
// piece of work costs on each side of the connection to Redis.
func ServerCPU(tb testing.TB, c redis.UniversalClient) time.Duration {
	tb.Helper()
	return time.Duration(infoSum(tb, c, "cpu", "used_cpu_sys", "used_cpu_user") * float64(time.Second))
}

// UsedMemory is the memory the Redis server holds, in bytes, as its INFO
// reports it: what the keys a benchmark wrote cost, taken before and after.
func UsedMemory(tb testing.TB, c redis.UniversalClient) int64 {
	tb.Helper()
	return int64(infoSum(tb, c, "memory", "used_memory"))
}

// infoSum adds up the named fields of one section of Redis's INFO.
func infoSum(tb testing.TB, c redis.UniversalClient, section string, fields ...string) float64 {
	tb.Helper()
	info, err := c.Info(context.Background(), section).Result()
	if err != nil {
		tb.Fatalf("read Redis's INFO %s: %v", section, err)
	}
	sum := 0.0
	for line := range strings.SplitSeq(info, "\r\n") {
		name, value, _ := strings.Cut(line, ":")
		if slices.Contains(fields, name) {
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				tb.Fatalf("read Redis's INFO %s: line %q: %v", section, line, err)
			}
			sum += v
		}
	}
	return sum
}

// RedisServer is a redis-server of a test's own, which the test may stop
// and start again (the shared Redis of the other tests is never stopped).
type RedisServer struct {
	Addr string
	dir  string
	args []string
	cmd  *exec.Cmd
	done chan struct{}
}

// StartServer starts a redis-server on a free port with an append-only file
// in a temporary folder, so its data survives a restart, and the extra
// arguments given ("{port}" in them stands for the port, as in
// "--port 0 --tls-port {port}" for a TLS-only server). The test fails when redis-server is not installed (`make
// test` installs it).
func StartServer(tb testing.TB, args ...string) *RedisServer {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Fatalf("redis-server is not installed (Debian package redis-server; `make test` installs it): %v", err)
	}
	r := &RedisServer{Addr: testnet.FreeAddr(tb), dir: tb.TempDir(), args: args}
	r.Start(tb)
	tb.Cleanup(func() { r.Stop(tb) })
	return r
}

// Start starts the server (again) and waits until it answers.
func (r *RedisServer) Start(tb testing.TB) {
	tb.Helper()
	_, port, _ := net.SplitHostPort(r.Addr)
	args := []string{"--bind", "127.0.0.1", "--port", port, "--dir", r.dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "", "--logfile", "redis.log"}
	for _, a := range r.args {
		args = append(args, strings.ReplaceAll(a, "{port}", port))
	}
	r.cmd = exec.Command("redis-server", args...)
	if err := r.cmd.Start(); err != nil {
		tb.Fatalf("start redis-server: %v", err)
	}
	r.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(r.cmd, r.done)
	// It may demand TLS or a password: accepting connections is enough.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", r.Addr, 100*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redis-server does not listen on %s; see %s/redis.log", r.Addr, r.dir)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server (as a crash would) and waits for it to go.
func (r *RedisServer) Stop(tb testing.TB) {
	tb.Helper()
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	select {
	case <-r.done:
		return
	default:
	}
	_ = r.cmd.Process.Kill()
	<-r.done
}

// Freeze stops the server with SIGSTOP: it still accepts connections (the
// kernel does, up to its backlog) but answers nothing until Thaw, as a
// Redis stuck on a slow disk or swapped out would.
func (r *RedisServer) Freeze(tb testing.TB) {
	tb.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		tb.Fatalf("SIGSTOP redis-server (pid %d): %v", r.cmd.Process.Pid, err)
	}
}

// Thaw lets a frozen server go on with SIGCONT.
func (r *RedisServer) Thaw(tb testing.TB) {
	tb.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		tb.Fatalf("SIGCONT redis-server (pid %d): %v", r.cmd.Process.Pid, err)
	}
}

// Pid is the server's process id.
func (r *RedisServer) Pid() int { return r.cmd.Process.Pid }
