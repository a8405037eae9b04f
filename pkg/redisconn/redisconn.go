// Package redisconn opens the Redis client every service shares, from the
// settings in config.Redis.
package redisconn

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newswire/newswire/pkg/config"
)

// Open returns a client for cfg. It does not wait for Redis to answer:
// services start, report not-ready, and go on once Redis is back.
func Open(cfg config.Redis) (*redis.Client, error) {
	tlsCfg, err := cfg.TLS.Config()
	if err != nil {
		return nil, fmt.Errorf("redis TLS: %w", err)
	}
	return redis.NewClient(&redis.Options{
		Addr:            cfg.Addr,
		Username:        cfg.Username,
		Password:        cfg.Password,
		DB:              cfg.DB,
		TLSConfig:       tlsCfg,
		DialTimeout:     2 * time.Second,
		ReadTimeout:     3 * time.Second,
		WriteTimeout:    3 * time.Second,
		PoolTimeout:     4 * time.Second,
		MaxRetries:      2,
		MinRetryBackoff: 50 * time.Millisecond,
		MaxRetryBackoff: 500 * time.Millisecond,
	}), nil
}

// Ping is a readiness check. It returns by ctx's deadline: go-redis
// bounds a read by ReadTimeout (3 s), not by the context, so a Redis that
// accepts connections but answers nothing (frozen, swapped out) held the
// check past the 2 s /readyz gives it. The ping goes on in the background
// until go-redis gives up (the channel has room for its answer).
func Ping(c *redis.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		done := make(chan error, 1)
		go func() { done <- c.Ping(ctx).Err() }()
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("redis ping: %w", err)
			}
			return nil
		case <-ctx.Done():
			return fmt.Errorf("redis ping: %w", ctx.Err())
		}
	}
}
