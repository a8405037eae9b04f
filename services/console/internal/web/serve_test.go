package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/services/console/internal/live"
	"github.com/newswire/newswire/services/console/internal/quotes"
	"github.com/newswire/newswire/services/console/internal/trending"
)

// hugeQuotes answers with a list far larger than the sockets' buffers, so
// that a client that does not read stalls the response.
type hugeQuotes struct{}

const hugeSize = 16 << 20

func (hugeQuotes) Recent(context.Context, int) ([]quotes.View, error) {
	return []quotes.View{{ID: "q", Text: strings.Repeat("x", hugeSize)}}, nil
}

type noTrending struct{}

func (noTrending) Top(context.Context, int, time.Time) (trending.Board, error) {
	return trending.Board{}, nil
}

// serveHuge serves a console whose quotations are huge until the test
// ends or stop is called; stop returns what Serve returned.
func serveHuge(tb testing.TB, writeTimeout, shutdownTimeout time.Duration) (addr string, hub *live.Hub, stop func() error) {
	tb.Helper()
	return serveWith(tb, Options{Quotes: 10, Top: 5, Refresh: time.Minute}, writeTimeout, shutdownTimeout)
}

// serveWith is serveHuge with options of the test's own.
func serveWith(tb testing.TB, opts Options, writeTimeout, shutdownTimeout time.Duration) (addr string, hub *live.Hub, stop func() error) {
	tb.Helper()
	// The handler of a client cut off may log after the test ends, which
	// zaptest forbids.
	log := zap.NewNop()
	hub = live.NewHub(live.MaxViewers, log, prometheus.NewRegistry())
	srv := New(hugeQuotes{}, noTrending{}, nil, hub, opts, log)
	srv.writeTimeout, srv.shutdownTimeout = writeTimeout, shutdownTimeout
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("Serve did not return within 10s of the shutdown")
		}
	}
	tb.Cleanup(func() { _ = stop() })
	return ln.Addr().String(), hub, stop
}

// stalledRequest asks for the quotations and reads nothing.
func stalledRequest(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = conn.Close() })
	if _, err := fmt.Fprintf(conn, "GET /api/quotes HTTP/1.1\r\nHost: console\r\n\r\n"); err != nil {
		tb.Fatal(err)
	}
	return conn
}

// readCut reads conn until the server closes it, and fails unless it does
// so within d, before the whole response was sent.
func readCut(tb testing.TB, conn net.Conn, d time.Duration) {
	tb.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(d))
	n, err := io.Copy(io.Discard, conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		tb.Fatalf("the connection is still open after %s (%d bytes read)", d, n)
	}
	if n >= hugeSize {
		tb.Errorf("the whole response (%d bytes) was sent to a client that stalled", n)
	}
}

// A client that does not read its response cannot hold the connection,
// and the goroutine serving it, beyond the write deadline.
func TestStalledClientIsCutOff(t *testing.T) {
	addr, _, _ := serveHuge(t, 300*time.Millisecond, time.Second)
	conn := stalledRequest(t, addr)
	time.Sleep(time.Second) // the client stalls past the write deadline
	readCut(t, conn, 30*time.Second)
}

// The event stream outlives the write deadline of the other responses: it
// extends its own as it goes.
func TestEventStreamOutlivesWriteTimeout(t *testing.T) {
	addr, hub, _ := serveHuge(t, 300*time.Millisecond, time.Second)
	resp, err := http.Get("http://" + addr + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if line, err := r.ReadString('\n'); err != nil || line != "retry: 2000\n" {
		t.Fatalf("stream starts with %q (%v)", line, err)
	}
	time.Sleep(time.Second) // past the server's write deadline
	hub.Publish("quote", map[string]string{"id": "q1"})
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("the stream ended past the write deadline: %v", err)
		}
		if line == "event: quote\n" {
			return
		}
	}
}

// Shutting down does not wait on a client that holds its response: after
// the shutdown deadline its connection is closed and Serve returns. So too
// when that client holds the only connection allowed: the server's
// shutdown waits for Serve to return, which must not wait for a free slot
// (the write deadline, a minute here).
func TestShutdownClosesHangingClients(t *testing.T) {
	for _, connections := range []int{0, 1} {
		t.Run(fmt.Sprintf("connections=%d", connections), func(t *testing.T) {
			opts := Options{Quotes: 10, Top: 5, Refresh: time.Minute, Connections: connections}
			addr, _, stop := serveWith(t, opts, time.Minute, 300*time.Millisecond)
			conn := stalledRequest(t, addr)
			// The response has started before the shutdown.
			if _, err := bufio.NewReader(conn).ReadString('\n'); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := stop(); err != nil {
				t.Fatalf("Serve: %v", err)
			}
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("shutting down took %s with a client hanging, want the 300ms deadline", took.Round(time.Millisecond))
			}
			readCut(t, conn, 10*time.Second)
		})
	}
}

// However many connections clients open, at most Options.Connections are
// served at once: the next waits to be accepted until one closes.
func TestConnectionsAreBounded(t *testing.T) {
	addr, _, _ := serveWith(t, Options{Quotes: 10, Top: 5, Refresh: time.Minute, Connections: 2}, time.Minute, time.Second)
	var idle []net.Conn
	for range 2 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		idle = append(idle, conn)
	}
	page := func(timeout time.Duration) (int, error) {
		client := &http.Client{Timeout: timeout}
		resp, err := client.Get("http://" + addr + "/")
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, err
	}
	if code, err := page(500 * time.Millisecond); err == nil {
		t.Fatalf("a third connection was served (%d) while two were open", code)
	}
	_ = idle[0].Close()
	if code, err := page(10 * time.Second); err != nil || code != http.StatusOK {
		t.Fatalf("the page once a connection closed: %d, %v", code, err)
	}
}

// blockingTrending holds every board read until release is closed.
type blockingTrending struct {
	inside  chan struct{}
	release chan struct{}
}

func (b blockingTrending) Top(ctx context.Context, _ int, now time.Time) (trending.Board, error) {
	b.inside <- struct{}{}
	<-b.release
	return trending.Board{At: now}, nil
}

// However many clients ask at once, at most MaxAPIRequests reads of Redis
// run; the others are answered 503 at once, and served again once the
// reads in flight end.
func TestAPIRequestsAreBounded(t *testing.T) {
	b := blockingTrending{inside: make(chan struct{}, MaxAPIRequests+1), release: make(chan struct{})}
	log := zaptest.NewLogger(t)
	srv := New(hugeQuotes{}, b, nil, live.NewHub(live.MaxViewers, log, prometheus.NewRegistry()), Options{Quotes: 10, Top: 5, Refresh: time.Minute}, log)
	h := srv.Handler()
	codes := make(chan int, MaxAPIRequests)
	for range MaxAPIRequests {
		go func() { codes <- get(t, h, "/api/trending").Code }()
	}
	for range MaxAPIRequests {
		select {
		case <-b.inside:
		case <-time.After(10 * time.Second):
			t.Fatal("the requests within the bound did not all start")
		}
	}
	extra := make(chan *httptest.ResponseRecorder, 1)
	go func() { extra <- get(t, h, "/api/trending") }()
	select {
	case rec := <-extra:
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("the request beyond the bound: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
	case <-b.inside:
		t.Error("the request beyond the bound read Redis too")
	case <-time.After(10 * time.Second):
		t.Fatal("the request beyond the bound waited")
	}
	close(b.release)
	for range MaxAPIRequests {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("a request within the bound: %d", code)
		}
	}
	if rec := get(t, h, "/api/trending"); rec.Code != http.StatusOK {
		t.Errorf("a request after the others ended: %d", rec.Code)
	}
}
