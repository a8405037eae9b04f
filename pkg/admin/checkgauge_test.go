package admin_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/admin"
)

func TestCheckGauge(t *testing.T) {
	srv := admin.New("127.0.0.1:0", zaptest.NewLogger(t))
	redisDown := true
	srv.AddReadiness("redis", func(context.Context) error {
		if redisDown {
			return errors.New("connection refused")
		}
		return nil
	})
	srv.AddReadiness("kafka", func(context.Context) error { return nil })
	srv.AddLiveness("consumer", func(context.Context) error { return nil })
	h := srv.Handler()

	get := func(path string) (int, string) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil))
		body, _ := io.ReadAll(rec.Result().Body)
		return rec.Code, string(body)
	}

	tests := []struct {
		name      string
		redisDown bool
		drain     bool
		path      string
		wantCode  int
		wantBody  string
		wantGauge string // the newswire_check_ok lines of /metrics after the call
	}{
		{"redis down", true, false, "/readyz", http.StatusServiceUnavailable, "redis: connection refused",
			"newswire_check_ok{check=\"kafka\",probe=\"readiness\"} 1\nnewswire_check_ok{check=\"redis\",probe=\"readiness\"} 0\n"},
		{"redis back", false, false, "/readyz", http.StatusOK, "ok",
			"newswire_check_ok{check=\"kafka\",probe=\"readiness\"} 1\nnewswire_check_ok{check=\"redis\",probe=\"readiness\"} 1\n"},
		{"liveness", false, false, "/healthz", http.StatusOK, "ok",
			"newswire_check_ok{check=\"consumer\",probe=\"liveness\"} 1\nnewswire_check_ok{check=\"kafka\",probe=\"readiness\"} 1\nnewswire_check_ok{check=\"redis\",probe=\"readiness\"} 1\n"},
		{"draining", false, true, "/readyz", http.StatusServiceUnavailable, "draining: shutting down",
			"newswire_check_ok{check=\"consumer\",probe=\"liveness\"} 1\nnewswire_check_ok{check=\"kafka\",probe=\"readiness\"} 1\nnewswire_check_ok{check=\"redis\",probe=\"readiness\"} 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			redisDown = tt.redisDown
			if tt.drain {
				srv.Drain()
			}
			code, body := get(tt.path)
			if code != tt.wantCode || !strings.Contains(body, tt.wantBody) {
				t.Errorf("GET %s = %d %q, want %d with %q", tt.path, code, body, tt.wantCode, tt.wantBody)
			}
			_, metrics := get("/metrics")
			var gauge strings.Builder
			for _, line := range strings.SplitAfter(metrics, "\n") {
				if strings.HasPrefix(line, "newswire_check_ok{") {
					gauge.WriteString(line)
				}
			}
			if gauge.String() != tt.wantGauge {
				t.Errorf("newswire_check_ok:\n%s\nwant:\n%s", gauge.String(), tt.wantGauge)
			}
		})
	}
}
