// Package httpfetch makes the HTTP requests that read feeds and article
// pages, politely and within bounds: an identifying User-Agent, conditional
// requests, total and dial timeouts, gzip, brotli and deflate with a cap on
// the decompressed size, a redirect limit, a concurrency limit per host and,
// unless allowed, no connections to loopback, private or link-local
// addresses (checked at dial time, after DNS, so a name that rebinds to such
// an address is refused too).
package httpfetch

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/newswire/newswire/pkg/config"
)

// Errors callers branch on.
var (
	ErrTooLarge      = errors.New("response body over the size limit")
	ErrPrivate       = errors.New("address is loopback, private or link-local")
	ErrTooManyHops   = errors.New("too many redirects")
	ErrNotModified   = errors.New("not modified")
	ErrBadScheme     = errors.New("scheme is not http or https")
	ErrUnknownCoding = errors.New("unsupported content encoding")
)

// StatusError is a response outside 2xx and 304.
type StatusError struct {
	Code int
	// RetryAfter is what a 429 or 503 asked for, or zero.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("HTTP status %d (retry after %s)", e.Code, e.RetryAfter)
	}
	return fmt.Sprintf("HTTP status %d", e.Code)
}

// Options bound a Client.
type Options struct {
	UserAgent    string
	Timeout      time.Duration // whole request, body included
	DialTimeout  time.Duration
	MaxBytes     int64 // decompressed body
	MaxRedirects int   // 0 follows none
	PerHost      int   // concurrent requests per host
	AllowPrivate bool
	// isPublic decides which dialled addresses the guard lets through:
	// Public by default; tests stand a loopback server in for a public one.
	isPublic func(netip.AddrPort) bool
}

// Client fetches documents.
type Client struct {
	opts  Options
	http  *http.Client
	mu    sync.Mutex
	hosts map[string]chan struct{}
	now   func() time.Time
}

// New returns a client with the given bounds.
func New(o Options) *Client {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 5 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 8 << 20
	}
	if o.PerHost <= 0 {
		o.PerHost = 4
	}
	dialer := &net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second}
	if !o.AllowPrivate {
		if o.isPublic == nil {
			o.isPublic = func(ap netip.AddrPort) bool { return Public(ap.Addr()) }
		}
		dialer.Control = refusePrivate(o.isPublic)
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would see through the address guard
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   o.PerHost,
		MaxConnsPerHost:       o.PerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
		DisableCompression:    true, // we ask for gzip and brotli ourselves and cap what they expand to
	}
	c := &Client{opts: o, hosts: map[string]chan struct{}{}, now: time.Now}
	c.http = &http.Client{
		Transport: transport,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects {
				return fmt.Errorf("%w: more than %d", ErrTooManyHops, o.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), ErrBadScheme)
			}
			return nil
		},
	}
	return c
}

// Validators are what a previous response allows a conditional request on.
type Validators struct {
	ETag         string
	LastModified string
}

// Response is a fetched document.
type Response struct {
	Status      int
	Body        []byte // decompressed; nil on 304
	ContentType string
	Validators  Validators
	Header      http.Header
	FinalURL    string
}

// NotModified says whether the server answered 304.
func (r *Response) NotModified() bool { return r.Status == http.StatusNotModified }

// Get fetches rawURL. A 304 is a Response with NotModified true, not an
// error; other statuses outside 2xx are a *StatusError.
func (c *Client) Get(ctx context.Context, rawURL string, v Validators, accept string) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%s: %w", u.Redacted(), ErrBadScheme)
	}
	release, err := c.acquire(ctx, u.Host)
	if err != nil {
		return nil, err
	}
	defer release()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Encoding", "gzip, br, deflate")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	defer func() {
		// Drain a little so the connection can be reused, then close.
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		_ = resp.Body.Close()
	}()

	out := &Response{
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Header:      resp.Header,
		FinalURL:    resp.Request.URL.String(),
		Validators:  Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")},
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.Validators = v.merge(out.Validators)
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		se := &StatusError{Code: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			se.RetryAfter = RetryAfter(resp.Header.Get("Retry-After"), c.now())
		}
		return out, se
	case resp.ContentLength > c.opts.MaxBytes:
		return out, fmt.Errorf("%w: Content-Length %d is over %d bytes", ErrTooLarge, resp.ContentLength, c.opts.MaxBytes)
	}
	out.Body, err = c.readBody(resp)
	if err != nil {
		return out, err
	}
	return out, nil
}

func (v Validators) merge(newer Validators) Validators {
	if newer.ETag == "" {
		newer.ETag = v.ETag
	}
	if newer.LastModified == "" {
		newer.LastModified = v.LastModified
	}
	return newer
}

// readBody decompresses and reads the body up to MaxBytes.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	var r io.Reader = resp.Body
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("read gzip body: %w", err)
		}
		defer func() { _ = gz.Close() }()
		r = gz
	case "br":
		r = brotli.NewReader(resp.Body)
	case "deflate":
		// HTTP's deflate is zlib-wrapped (RFC 9110), but some servers send
		// raw DEFLATE: the first two bytes tell which.
		br := bufio.NewReader(resp.Body)
		if head, _ := br.Peek(2); !zlibHeader(head) {
			fr := flate.NewReader(br)
			defer func() { _ = fr.Close() }()
			r = fr
			break
		}
		zr, err := zlib.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read deflate body: %w", err)
		}
		defer func() { _ = zr.Close() }()
		r = zr
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownCoding, enc)
	}
	body, err := io.ReadAll(io.LimitReader(r, c.opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > c.opts.MaxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, c.opts.MaxBytes)
	}
	return body, nil
}

// zlibHeader reports whether b starts with a zlib header (RFC 1950): the
// deflate method, a window of at most 32 KiB and the check bits right. Raw
// DEFLATE starts so only with a stored block whose unused header bits are
// set, which encoders leave zero.
func zlibHeader(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

// acquire takes one of the host's request slots.
func (c *Client) acquire(ctx context.Context, host string) (func(), error) {
	c.mu.Lock()
	sem, ok := c.hosts[host]
	if !ok {
		sem = make(chan struct{}, c.opts.PerHost)
		c.hosts[host] = sem
	}
	c.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a request slot on %s: %w", host, ctx.Err())
	}
}

// maxAsked caps how long a response may ask us to wait or keep it: a year,
// far beyond any caller's own limit, and far from overflowing a Duration.
const maxAsked = 365 * 24 * time.Hour

// RetryAfter parses a Retry-After header: seconds or an HTTP date, capped
// at a year.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	// A number past int64 parses as its limit, with ErrRange.
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if secs < 0 {
			return 0
		}
		return time.Duration(min(secs, int64(maxAsked/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, maxAsked)
		}
	}
	return 0
}

// CacheLifetime is how long the response says it stays fresh, from
// Cache-Control max-age (s-maxage for shared caches is ignored: we are a
// private client) or else Expires, measured from the server's Date when it
// sends one. Zero when the response says nothing or forbids caching.
func CacheLifetime(h http.Header, now time.Time) time.Duration {
	cc := strings.ToLower(h.Get("Cache-Control"))
	for _, directive := range strings.Split(cc, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		switch name {
		case "no-cache", "no-store":
			return 0
		case "max-age":
			secs, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64)
			if err != nil || secs <= 0 {
				return 0
			}
			return time.Duration(min(secs, int64(maxAsked/time.Second))) * time.Second
		}
	}
	exp := h.Get("Expires")
	if exp == "" {
		return 0
	}
	expires, err := http.ParseTime(exp)
	if err != nil {
		return 0 // "Expires: 0" and other invalid dates mean already expired
	}
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	return max(0, expires.Sub(now))
}

// refusePrivate returns the dialer's control function: it runs after DNS,
// on the address actually dialled, for every connection of every redirect.
func refusePrivate(isPublic func(netip.AddrPort) bool) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("dial %s: %w", address, err)
		}
		if !isPublic(ap) {
			return fmt.Errorf("dial %s: %w", address, ErrPrivate)
		}
		return nil
	}
}

// Public reports whether ip is a global unicast address outside the
// private, shared, loopback, link-local and documentation ranges.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach IPv4 private ranges
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("fc00::/7"),
}

// ReadOptions reads the FETCH_* variables that bound a client. The fetcher
// and the CLI's feed check read the same ones, so a check meets a feed as
// the fetcher does.
func ReadOptions(e *config.Env) Options {
	return Options{
		UserAgent:    e.String("FETCH_USER_AGENT", "Newswire/1.0 (news feed reader; +https://github.com/newswire/newswire)"),
		Timeout:      e.Duration("FETCH_TIMEOUT", 30*time.Second, time.Second, 10*time.Minute),
		DialTimeout:  e.Duration("FETCH_DIAL_TIMEOUT", 5*time.Second, 100*time.Millisecond, time.Minute),
		MaxBytes:     int64(e.Int("FETCH_MAX_BYTES", 8<<20, 1<<10, 1<<30)),
		MaxRedirects: e.Int("FETCH_MAX_REDIRECTS", 5, 0, 20),
		PerHost:      e.Int("FETCH_PER_HOST", 4, 1, 256),
		AllowPrivate: e.Bool("FETCH_ALLOW_PRIVATE", false),
	}
}
