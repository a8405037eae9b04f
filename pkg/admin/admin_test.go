package admin

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/zap/zaptest"
)

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
