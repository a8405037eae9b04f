package httpfetch

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/newswire/newswire/pkg/config"
)

// testOptions allow loopback, since httptest listens there; the guard has
// its own test.
func testOptions() Options {
	return Options{
		UserAgent:    "NewswireTest/1.0",
		Timeout:      5 * time.Second,
		DialTimeout:  time.Second,
		MaxBytes:     1 << 20,
		MaxRedirects: 3,
		PerHost:      4,
		AllowPrivate: true,
	}
}

func serve(tb testing.TB, h http.HandlerFunc) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

func compress(tb testing.TB, coding string, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch coding {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "br":
		w = brotli.NewWriter(&buf)
	case "deflate": // zlib-wrapped, as HTTP means it (RFC 9110)
		w = zlib.NewWriter(&buf)
	case "raw deflate": // what some servers send for "deflate"
		fw, err := flate.NewWriter(&buf, flate.BestCompression)
		if err != nil {
			tb.Fatal(err)
		}
		w = fw
	default:
		tb.Fatalf("unknown coding %s", coding)
	}
	if _, err := w.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestGetDecodesContentEncodings(t *testing.T) {
	body := []byte(strings.Repeat("<rss>news</rss>", 100))
	for _, coding := range []string{"gzip", "br", "deflate", "raw deflate", ""} {
		t.Run("coding="+coding, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if got := r.Header.Get("Accept-Encoding"); !strings.Contains(got, "gzip") || !strings.Contains(got, "br") {
					t.Errorf("Accept-Encoding = %q, want gzip and br", got)
				}
				if got := r.Header.Get("User-Agent"); got != "NewswireTest/1.0" {
					t.Errorf("User-Agent = %q", got)
				}
				out := body
				if coding != "" {
					w.Header().Set("Content-Encoding", strings.TrimPrefix(coding, "raw "))
					out = compress(t, coding, body)
				}
				_, _ = w.Write(out)
			})
			resp, err := New(testOptions()).Get(t.Context(), srv.URL, Validators{}, "*/*")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if !bytes.Equal(resp.Body, body) {
				t.Errorf("body = %d bytes, want %d", len(resp.Body), len(body))
			}
		})
	}
}

func TestGetConditional(t *testing.T) {
	const etag, modified = `"v1"`, "Mon, 02 Jan 2006 15:04:05 GMT"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag && r.Header.Get("If-Modified-Since") == modified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		_, _ = w.Write([]byte("<rss/>"))
	})
	c := New(testOptions())
	first, err := c.Get(t.Context(), srv.URL, Validators{}, "*/*")
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified() || first.Validators != (Validators{ETag: etag, LastModified: modified}) {
		t.Fatalf("first response: status %d, validators %+v", first.Status, first.Validators)
	}
	second, err := c.Get(t.Context(), srv.URL, first.Validators, "*/*")
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified() || second.Body != nil {
		t.Fatalf("second response: status %d, %d bytes; want 304 without body", second.Status, len(second.Body))
	}
	if second.Validators != first.Validators {
		t.Errorf("304 lost the validators: %+v", second.Validators)
	}
}

func TestGetBoundsTheBody(t *testing.T) {
	const limit = 64 << 10
	// bomb serves 16 MiB of zeros, compressed to a few KiB.
	bomb := func(coding string) http.HandlerFunc {
		b := compress(t, coding, make([]byte, 16<<20))
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", strings.TrimPrefix(coding, "raw "))
			_, _ = w.Write(b)
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"gzip bomb", bomb("gzip")},
		{"deflate bomb", bomb("deflate")},
		{"raw deflate bomb", bomb("raw deflate")},
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte("<item>endless</item>"), 1000)
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}},
		{"1 GiB announced", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(1<<30))
			_, _ = w.Write(make([]byte, 1<<16))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			o := testOptions()
			o.MaxBytes = limit
			start := time.Now()
			_, err := New(o).Get(t.Context(), srv.URL, Validators{}, "*/*")
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("took %s to refuse the body", took)
			}
		})
	}
}

func TestGetRedirects(t *testing.T) {
	var loop *httptest.Server
	loop = serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+"/again", http.StatusFound)
	})
	_, err := New(testOptions()).Get(t.Context(), loop.URL, Validators{}, "*/*")
	if !errors.Is(err, ErrTooManyHops) {
		t.Fatalf("redirect loop: err = %v, want ErrTooManyHops", err)
	}

	var hops *httptest.Server
	hops = serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed" {
			_, _ = w.Write([]byte("ok"))
			return
		}
		http.Redirect(w, r, hops.URL+"/feed", http.StatusMovedPermanently)
	})
	resp, err := New(testOptions()).Get(t.Context(), hops.URL, Validators{}, "*/*")
	if err != nil {
		t.Fatalf("one redirect: %v", err)
	}
	if resp.FinalURL != hops.URL+"/feed" {
		t.Errorf("FinalURL = %s", resp.FinalURL)
	}

	scheme := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	if _, err := New(testOptions()).Get(t.Context(), scheme.URL, Validators{}, "*/*"); !errors.Is(err, ErrBadScheme) {
		t.Errorf("redirect to file: err = %v, want ErrBadScheme", err)
	}
}

func TestGetRefusesPrivateAddresses(t *testing.T) {
	var hits atomic.Int64
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	o := testOptions()
	o.AllowPrivate = false
	c := New(o)
	for _, target := range []string{srv.URL, "http://localhost" + port, "http://[::1]" + port} {
		t.Run(target, func(t *testing.T) {
			_, err := c.Get(t.Context(), target, Validators{}, "*/*")
			if !errors.Is(err, ErrPrivate) {
				t.Fatalf("err = %v, want ErrPrivate", err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the private server answered %d requests", n)
	}
	if _, err := New(testOptions()).Get(t.Context(), srv.URL, Validators{}, "*/*"); err != nil {
		t.Errorf("with FETCH_ALLOW_PRIVATE: %v", err)
	}
}

func TestGetStatusErrors(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		code       int
		retryAfter string
		want       time.Duration
	}{
		{"429 seconds", http.StatusTooManyRequests, "120", 2 * time.Minute},
		{"429 HTTP date", http.StatusTooManyRequests, now.Add(90 * time.Minute).Format(http.TimeFormat), 90 * time.Minute},
		{"503 seconds", http.StatusServiceUnavailable, "30", 30 * time.Second},
		{"503 seconds past time.Duration", http.StatusServiceUnavailable, "99999999999999", 365 * 24 * time.Hour},
		{"429 date in the past", http.StatusTooManyRequests, now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"429 garbage", http.StatusTooManyRequests, "soon", 0},
		{"500 ignores Retry-After", http.StatusInternalServerError, "60", 0},
		{"404", http.StatusNotFound, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.code)
			})
			c := New(testOptions())
			c.now = func() time.Time { return now }
			_, err := c.Get(t.Context(), srv.URL, Validators{}, "*/*")
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *StatusError", err)
			}
			if se.Code != tt.code || se.RetryAfter != tt.want {
				t.Errorf("got code %d retry after %s, want %d and %s", se.Code, se.RetryAfter, tt.code, tt.want)
			}
		})
	}
}

func TestGetTimesOutOnASlowServer(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<rss>"))
		w.(http.Flusher).Flush()
		<-r.Context().Done() // never finishes the body
	})
	o := testOptions()
	o.Timeout = 300 * time.Millisecond
	start := time.Now()
	_, err := New(o).Get(t.Context(), srv.URL, Validators{}, "*/*")
	if err == nil {
		t.Fatal("a server that never finishes its body did not fail the request")
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s, want about the 300ms timeout", took)
	}
}

func TestGetRefusesAnUntrustedCertificate(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	_, err := New(testOptions()).Get(t.Context(), srv.URL, Validators{}, "*/*")
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a certificate error", err)
	}
}

func TestGetRefusesUnknownEncodingAndScheme(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "zstd")
		_, _ = w.Write([]byte("xx"))
	})
	c := New(testOptions())
	if _, err := c.Get(t.Context(), srv.URL, Validators{}, "*/*"); !errors.Is(err, ErrUnknownCoding) {
		t.Errorf("zstd: err = %v, want ErrUnknownCoding", err)
	}
	if _, err := c.Get(t.Context(), "ftp://example.com/feed", Validators{}, "*/*"); !errors.Is(err, ErrBadScheme) {
		t.Errorf("ftp: err = %v, want ErrBadScheme", err)
	}
}

func TestGetLimitsRequestsPerHost(t *testing.T) {
	const perHost, requests = 2, 8
	var inFlight, peak atomic.Int64
	release := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
	})
	o := testOptions()
	o.PerHost = perHost
	c := New(o)
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			if _, err := c.Get(t.Context(), srv.URL, Validators{}, "*/*"); err != nil {
				t.Errorf("Get: %v", err)
			}
		})
	}
	deadline := time.Now().Add(5 * time.Second)
	for inFlight.Load() < perHost && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	if got := peak.Load(); got != perHost {
		t.Errorf("peak concurrent requests on one host = %d, want %d", got, perHost)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{" 3600 ", time.Hour},
		{"99999999999999", 365 * 24 * time.Hour}, // overflows time.Duration unless capped
		{"9223372037", 365 * 24 * time.Hour},     // would overflow to a negative duration
		{"99999999999999999999999", 365 * 24 * time.Hour}, // beyond int64
		{"-99999999999999999999999", 0},
		{"Fri, 31 Dec 9999 23:59:59 GMT", 365 * 24 * time.Hour},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second},
		{"Sun, 01 Mar 2026 12:00:30 GMT", 30 * time.Second},
		{"Sunday, 01-Mar-26 12:01:00 GMT", time.Minute}, // RFC 850
		{"tomorrow", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := RetryAfter(tt.in, now); got != tt.want {
				t.Errorf("RetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestCacheLifetime(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	date := now.Add(-time.Hour).Format(http.TimeFormat) // the server's clock is an hour behind
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"nothing", nil, 0},
		{"max-age", map[string]string{"Cache-Control": "public, max-age=600"}, 10 * time.Minute},
		{"max-age wins over Expires", map[string]string{"Cache-Control": "max-age=60", "Expires": now.Add(time.Hour).Format(http.TimeFormat)}, time.Minute},
		{"no-cache", map[string]string{"Cache-Control": "no-cache, max-age=600"}, 0},
		{"Expires from now", map[string]string{"Expires": now.Add(5 * time.Minute).Format(http.TimeFormat)}, 5 * time.Minute},
		{"Expires from the server's Date", map[string]string{"Expires": now.Add(-55 * time.Minute).Format(http.TimeFormat), "Date": date}, 5 * time.Minute},
		{"Expires 0", map[string]string{"Expires": "0"}, 0},
		{"Expires past", map[string]string{"Expires": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{"max-age garbage", map[string]string{"Cache-Control": "max-age=soon"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			if got := CacheLifetime(h, now); got != tt.want {
				t.Errorf("CacheLifetime = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPublic(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"8.8.8.8", true},
		{"2a00:1450:4001::1", true},
		{"127.0.0.1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::1", false},
		{"fe80::1", false},
		{"fd00::1", false},
		{"::ffff:127.0.0.1", false},
		{"64:ff9b::a00:1", false},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			if got := Public(netip.MustParseAddr(tt.ip)); got != tt.want {
				t.Errorf("Public(%s) = %v, want %v", tt.ip, got, tt.want)
			}
		})
	}
}

func TestReadOptions(t *testing.T) {
	o := ReadOptions(config.FromMap(nil))
	if o.Timeout != 30*time.Second || o.MaxBytes != 8<<20 || o.MaxRedirects != 5 || o.PerHost != 4 || o.AllowPrivate || !strings.HasPrefix(o.UserAgent, "Newswire/") {
		t.Errorf("defaults: %+v", o)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string // the variable the error names
	}{
		{"not a duration", map[string]string{"FETCH_TIMEOUT": "soon"}, "FETCH_TIMEOUT"},
		{"too small", map[string]string{"FETCH_MAX_BYTES": "10"}, "FETCH_MAX_BYTES"},
		{"not a boolean", map[string]string{"FETCH_ALLOW_PRIVATE": "maybe"}, "FETCH_ALLOW_PRIVATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := config.FromMap(tt.env)
			ReadOptions(e)
			if err := e.Err(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to name %s", err, tt.want)
			}
		})
	}
}
