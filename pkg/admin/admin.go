// Package admin serves what operators and Kubernetes ask a service about
// itself: /healthz (liveness), /readyz (readiness) and /metrics (Prometheus).
package admin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// Check reports a problem, or nil when all is well. It must return within
// the context's deadline.
type Check func(ctx context.Context) error

// Server is the admin HTTP server of one service.
type Server struct {
	addr     string
	log      *zap.Logger
	registry *prometheus.Registry

	mu       sync.Mutex
	live     map[string]Check
	ready    map[string]Check
	routes   map[string]http.Handler
	draining atomic.Bool
	// checkOK is 1 or 0 per probe and check after each run, so dashboards
	// and alerts see which dependency failed, not only that a probe did.
	checkOK *prometheus.GaugeVec
}

// New returns a server for addr with a fresh registry holding the Go and
// process collectors.
func New(addr string, log *zap.Logger) *Server {
	reg := prometheus.NewRegistry()
	checkOK := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "newswire_check_ok",
		Help: "1 when the named health check passed on its last run, 0 when it failed; checks run when /healthz (probe=liveness) or /readyz (probe=readiness) is asked.",
	}, []string{"probe", "check"})
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), checkOK)
	return &Server{
		addr:     addr,
		log:      log,
		registry: reg,
		live:     map[string]Check{},
		ready:    map[string]Check{},
		routes:   map[string]http.Handler{},
		checkOK:  checkOK,
	}
}

// Handle adds a route of the service's own, such as a status page for
// operators ("GET /feeds"). Routes added after Run starts are not served.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[pattern] = h
}

// Registry is where the service registers its metrics.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// AddLiveness adds a check whose failure makes /healthz fail, so the
// kubelet restarts the process: only for states a restart cures.
func (s *Server) AddLiveness(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live[name] = c
}

// AddReadiness adds a check whose failure makes /readyz fail.
func (s *Server) AddReadiness(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ready[name] = c
}

// Drain makes /readyz fail from now on: the service is shutting down.
func (s *Server) Drain() { s.draining.Store(true) }

// Handler returns the admin routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		s.serveChecks(w, r, "liveness", s.checks(s.live), false)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		s.serveChecks(w, r, "readiness", s.checks(s.ready), s.draining.Load())
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
	s.mu.Lock()
	defer s.mu.Unlock()
	for pattern, h := range s.routes {
		mux.Handle(pattern, h)
	}
	return mux
}

func (s *Server) checks(m map[string]Check) map[string]Check {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Check, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// serveChecks runs the checks and answers 200 "ok", or 503 with the name of
// each failing check and its error (which must hold nothing secret).
func (s *Server) serveChecks(w http.ResponseWriter, r *http.Request, probe string, checks map[string]Check, draining bool) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var failed []string
	if draining {
		failed = append(failed, "draining: shutting down")
	}
	for name, check := range checks {
		ok := 1.0
		if err := check(ctx); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
			ok = 0
		}
		s.checkOK.WithLabelValues(probe, name).Set(ok)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if len(failed) == 0 {
		_, _ = w.Write([]byte("ok\n"))
		return
	}
	sort.Strings(failed)
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(strings.Join(failed, "\n") + "\n"))
}

// Run serves until ctx is done, then shuts the server down.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listen on admin address %s: %w", s.addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	s.log.Info("admin server listening", zap.String("addr", ln.Addr().String()))
	select {
	case err := <-done:
		return fmt.Errorf("serve admin: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down admin server: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve admin: %w", err)
	}
	return nil
}
