package redisconn

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/tlstest"
)

func ping(t *testing.T, cfg config.Redis) error {
	t.Helper()
	c, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	return Ping(c)(ctx)
}

// TestACLUserAndPassword: a Redis with an ACL user admits it and refuses
// a wrong password without echoing it.
func TestACLUserAndPassword(t *testing.T) {
	srv := redistest.StartServer(t, "--user", "default", "off", "--user", "newswire", "on", ">pa55word", "~*", "+@all")
	if err := ping(t, config.Redis{Addr: srv.Addr, Username: "newswire", Password: "pa55word"}); err != nil {
		t.Fatalf("ACL user refused: %v", err)
	}
	err := ping(t, config.Redis{Addr: srv.Addr, Username: "newswire", Password: "guess-me"})
	if err == nil {
		t.Fatal("a wrong password was accepted")
	}
	if strings.Contains(err.Error(), "guess-me") {
		t.Errorf("the error repeats the password: %v", err)
	}
}

// TestTLS: a Redis that speaks only TLS is reached with the CA file, and
// refused without TLS.
func TestTLS(t *testing.T) {
	certs := tlstest.New(t)
	srv := redistest.StartServer(t, "--port", "0", "--tls-port", "{port}", "--tls-cert-file", certs.Cert,
		"--tls-key-file", certs.Key, "--tls-ca-cert-file", certs.CA, "--tls-auth-clients", "no")
	if err := ping(t, config.Redis{Addr: srv.Addr, TLS: config.TLS{Enabled: true, CAFile: certs.CA}}); err != nil {
		t.Fatalf("TLS connection refused: %v", err)
	}
	if err := ping(t, config.Redis{Addr: srv.Addr}); err == nil {
		t.Error("a plain connection to a TLS-only Redis succeeded")
	}
}

// TestPingReturnsByItsDeadlineWhenRedisIsFrozen: a Redis that accepts
// connections but answers nothing (SIGSTOP) fails the readiness check
// within the check's context, as admin.Check demands, not after the
// client's 3 s read timeout.
func TestPingReturnsByItsDeadlineWhenRedisIsFrozen(t *testing.T) {
	srv := redistest.StartServer(t)
	c, err := Open(config.Redis{Addr: srv.Addr})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := Ping(c)(t.Context()); err != nil {
		t.Fatalf("ping before the freeze: %v", err)
	}
	srv.Freeze(t)
	defer srv.Thaw(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second) // what /readyz gives its checks
	defer cancel()
	start := time.Now()
	err = Ping(c)(ctx)
	took := time.Since(start)
	if err == nil {
		t.Fatal("ping passed with Redis frozen")
	}
	if took > 2200*time.Millisecond {
		t.Errorf("ping with Redis frozen returned after %s, past its context's 2 s: %v", took.Round(time.Millisecond), err)
	}
	t.Logf("ping with Redis frozen: %v after %s", err, took.Round(time.Millisecond))
}
