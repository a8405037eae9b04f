package admin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap/zaptest"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestProbesAndMetrics(t *testing.T) {
	s := New(":0", zaptest.NewLogger(t))
	var redisDown bool
	s.AddReadiness("redis", func(context.Context) error {
		if redisDown {
			return errors.New("connection refused")
		}
		return nil
	})
	h := s.Handler()

	if code, body := get(t, h, "/readyz"); code != 200 || body != "ok\n" {
		t.Errorf("/readyz = %d %q", code, body)
	}
	redisDown = true
	if code, body := get(t, h, "/readyz"); code != 503 || !strings.Contains(body, "redis: connection refused") {
		t.Errorf("/readyz with Redis down = %d %q", code, body)
	}
	if code, _ := get(t, h, "/healthz"); code != 200 {
		t.Errorf("/healthz = %d: readiness must not fail liveness", code)
	}
	redisDown = false
	s.Drain()
	if code, body := get(t, h, "/readyz"); code != 503 || !strings.Contains(body, "draining") {
		t.Errorf("/readyz while draining = %d %q", code, body)
	}
	if code, body := get(t, h, "/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics = %d, no Go metrics", code)
	}
}
