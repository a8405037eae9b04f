// Package web serves the console: one page (HTML, CSS and JavaScript
// embedded in the binary, no build step), the JSON it loads its state from,
// and the live stream of events that keeps it current.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/newswire/newswire/services/console/internal/feedhealth"
	"github.com/newswire/newswire/services/console/internal/quotes"
	"github.com/newswire/newswire/services/console/internal/trending"
)

//go:embed static
var static embed.FS

// Live events the refresh loop sends.
const (
	EventTrending = "trending" // a trending.Board
	EventFeeds    = "feeds"    // a feedhealth.Report
)

// RecentQuotes lists the latest quotations.
type RecentQuotes interface {
	Recent(ctx context.Context, n int) ([]quotes.View, error)
}

// Trending ranks the entities.
type Trending interface {
	Top(ctx context.Context, n int, now time.Time) (trending.Board, error)
}

// Live is the stream of events to the pages.
type Live interface {
	http.Handler
	Publish(name string, v any)
}

// Options tune the server.
type Options struct {
	Quotes  int           // quotations a page starts with
	Top     int           // entities on each trending list
	Refresh time.Duration // how often trending and feed health are pushed when they change
	// Connections bounds the connections open at once (live pages, API
	// requests and idle keep-alives together); more wait to be accepted.
	// Zero leaves them unbounded.
	Connections int
}

// Server is the console's web server.
type Server struct {
	quotes   RecentQuotes
	trending Trending
	feeds    feedhealth.Lister
	live     Live
	opts     Options
	log      *zap.Logger
	now      func() time.Time

	writeTimeout    time.Duration
	shutdownTimeout time.Duration
	apiSlots        chan struct{} // one per API request in flight
}

// WriteTimeout bounds the writing of a response, so that a client that
// does not read cannot hold a connection, and the goroutine serving it,
// for ever. The event stream extends its own deadline as it goes
// (live.Hub.ServeHTTP).
const WriteTimeout = 15 * time.Second

// ShutdownTimeout bounds how long shutting down waits for the responses in
// flight; the connections still open then are closed.
const ShutdownTimeout = 5 * time.Second

// MaxAPIRequests bounds the API requests served at once: each reads Redis
// (a board ranks up to trending.MaxCandidates entities), and a flood of
// them must not take every core. More are answered 503 at once.
const MaxAPIRequests = 64

// New returns a server.
func New(q RecentQuotes, t Trending, f feedhealth.Lister, live Live, opts Options, log *zap.Logger) *Server {
	return &Server{quotes: q, trending: t, feeds: f, live: live, opts: opts, log: log, now: time.Now,
		writeTimeout: WriteTimeout, shutdownTimeout: ShutdownTimeout, apiSlots: make(chan struct{}, MaxAPIRequests)}
}

// Handler returns the console's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	// The embedded folder is named static, as the paths the page asks for.
	mux.Handle("GET /static/", http.FileServerFS(static))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, static, "static/index.html")
	})
	mux.HandleFunc("GET /api/quotes", s.api(func(ctx context.Context) (any, error) {
		q, err := s.quotes.Recent(ctx, s.opts.Quotes)
		return map[string]any{"quotes": q}, err
	}))
	mux.HandleFunc("GET /api/trending", s.api(func(ctx context.Context) (any, error) {
		return s.trending.Top(ctx, s.opts.Top, s.now())
	}))
	mux.HandleFunc("GET /api/feeds", s.api(func(ctx context.Context) (any, error) {
		return feedhealth.Read(ctx, s.feeds)
	}))
	mux.Handle("GET /events", s.live)
	return secure(mux)
}

// secure adds the headers that keep the page to its own resources: what
// records hold is shown as text and linked, never run.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// api serves what read returns as JSON, or 503 with the error, or 503
// with a Retry-After when MaxAPIRequests are in flight already.
func (s *Server) api(read func(ctx context.Context) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.apiSlots <- struct{}{}:
			defer func() { <-s.apiSlots }()
		default:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "the console is busy; try again later", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		v, err := read(ctx)
		if err != nil {
			s.log.Warn("read console state", zap.String("path", r.URL.Path), zap.Error(err))
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err := json.NewEncoder(w).Encode(v); err != nil {
			s.log.Debug("write console state", zap.Error(err))
		}
	}
}

// Refresh pushes the trending board and the feeds' health to the pages
// whenever they change, every Refresh, until ctx ends.
func (s *Server) Refresh(ctx context.Context) error {
	tick := time.NewTicker(s.opts.Refresh)
	defer tick.Stop()
	var lastBoard, lastFeeds []byte
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if board, err := s.trending.Top(ctx, s.opts.Top, s.now()); err != nil {
			s.log.Warn("refresh trending entities", zap.Error(err))
		} else if b := changed(lastBoard, trending.Board{Hour: board.Hour, Day: board.Day}); b != nil {
			lastBoard = b
			s.live.Publish(EventTrending, board)
		}
		if report, err := feedhealth.Read(ctx, s.feeds); err != nil {
			s.log.Warn("refresh feed health", zap.Error(err))
		} else if b := changed(lastFeeds, report); b != nil {
			lastFeeds = b
			s.live.Publish(EventFeeds, report)
		}
	}
}

// changed returns v's JSON when it differs from last, else nil.
func changed(last []byte, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil || bytes.Equal(b, last) {
		return nil
	}
	return b
}

// Serve serves on ln until ctx ends. Open event streams are ended first,
// so that shutting down does not wait for pages to leave.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	streams, endStreams := context.WithCancel(context.WithoutCancel(ctx))
	defer endStreams()
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// Event streams last: they extend their own deadline.
		WriteTimeout: s.writeTimeout,
		IdleTimeout:  time.Minute,
		BaseContext:  func(net.Listener) context.Context { return streams },
	}
	if s.opts.Connections > 0 {
		ln = limit(ln, s.opts.Connections)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	s.log.Info("console listening", zap.String("addr", ln.Addr().String()))
	select {
	case err := <-done:
		return fmt.Errorf("serve console: %w", err)
	case <-ctx.Done():
	}
	endStreams()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Clients that hold their responses must not hold up the exit.
		s.log.Warn("console connections closed at the shutdown deadline", zap.Error(err))
		if err := srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("close console connections: %w", err)
		}
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve console: %w", err)
	}
	return nil
}
