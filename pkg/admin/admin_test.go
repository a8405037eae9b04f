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

func TestHandleAddsServiceRoutes(t *testing.T) {
	s := New("127.0.0.1:0", zaptest.NewLogger(t))
	s.Handle("GET /feeds", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"feeds":[]}`)
	}))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	tests := []struct {
		method, path string
		code         int
		body         string
	}{
		{"GET", "/feeds", http.StatusOK, `{"feeds":[]}`},
		{"POST", "/feeds", http.StatusMethodNotAllowed, ""},
		{"GET", "/healthz", http.StatusOK, "ok\n"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.code || (tt.body != "" && string(body) != tt.body) {
				t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.path, resp.StatusCode, body, tt.code, tt.body)
			}
		})
	}
}

func TestCheckGauge(t *testing.T) {
	srv := New("127.0.0.1:0", zaptest.NewLogger(t))
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
			code, body := get(t, h, tt.path)
			if code != tt.wantCode || !strings.Contains(body, tt.wantBody) {
				t.Errorf("GET %s = %d %q, want %d with %q", tt.path, code, body, tt.wantCode, tt.wantBody)
			}
			_, metrics := get(t, h, "/metrics")
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
