// Package redistest connects tests to a real Redis server. There is no
// fake: a test that needs Redis fails when none answers, and `make test`
// starts one first.
package redistest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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
