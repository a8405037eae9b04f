// Package live pushes what happens to every open page as server-sent
// events: a hub that fans events out, and the /events handler that streams
// them to a browser.
//
// A page that cannot keep up (its buffer is full) is disconnected rather
// than allowed to hold everyone back; its browser reconnects on its own
// (EventSource does) and reloads the state it missed.
package live

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Event is one server-sent event.
type Event struct {
	Name string
	Data []byte // JSON, one line
}

// Buffer is how many events a page may fall behind before it is dropped.
const Buffer = 256

// MaxViewers is the default bound on the pages following the stream at
// once: each holds a connection, a goroutine and a buffer.
const MaxViewers = 1000

// RetryAfter is what a page refused for want of room is told to wait, in
// seconds (the page adds jitter of its own).
const RetryAfter = 10

// Hub fans events out to subscribers.
type Hub struct {
	log        *zap.Logger
	maxViewers int
	viewers    prometheus.Gauge
	dropped    prometheus.Counter
	refused    prometheus.Counter

	mu   sync.Mutex
	subs map[*Sub]struct{}
}

// Sub is one subscriber: a page.
type Sub struct {
	C    chan Event
	once sync.Once
	gone chan struct{} // closed when the hub dropped the subscriber
}

// NewHub returns a hub that streams to at most maxViewers pages at once
// and registers its metrics with reg.
func NewHub(maxViewers int, log *zap.Logger, reg prometheus.Registerer) *Hub {
	h := &Hub{
		log:        log,
		maxViewers: maxViewers,
		viewers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newswire_console_viewers",
			Help: "Pages connected to the live stream.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_console_viewers_dropped_total",
			Help: "Pages disconnected because they fell behind the live stream (their browser reconnects).",
		}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_console_viewers_refused_total",
			Help: "Pages refused the live stream (503) because the most it serves at once were connected (their browser retries).",
		}),
		subs: map[*Sub]struct{}{},
	}
	reg.MustRegister(h.viewers, h.dropped, h.refused)
	return h
}

// Subscribe adds a subscriber; Unsubscribe removes it.
func (h *Hub) Subscribe() *Sub {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.add()
}

// join adds a page as a subscriber, unless maxViewers are subscribed.
func (h *Hub) join() (*Sub, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) >= h.maxViewers {
		return nil, false
	}
	return h.add(), true
}

// add adds a subscriber; h.mu is held.
func (h *Hub) add() *Sub {
	s := &Sub{C: make(chan Event, Buffer), gone: make(chan struct{})}
	h.subs[s] = struct{}{}
	h.viewers.Inc()
	return s
}

// Unsubscribe removes a subscriber.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	_, ok := h.subs[s]
	delete(h.subs, s)
	h.mu.Unlock()
	if ok {
		h.viewers.Dec()
	}
}

// Publish sends v, as JSON, to every subscriber under the event name.
func (h *Hub) Publish(name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		h.log.Warn("encode live event", zap.String("event", name), zap.Error(err))
		return
	}
	e := Event{Name: name, Data: b}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.C <- e:
		default:
			delete(h.subs, s)
			h.viewers.Dec()
			h.dropped.Inc()
			s.once.Do(func() { close(s.gone) })
		}
	}
}

// Heartbeat is how often an idle stream sends a comment, so proxies and
// the browser know it is alive.
const Heartbeat = 15 * time.Second

// WriteTimeout bounds one write to a page.
const WriteTimeout = 10 * time.Second

// ServeHTTP streams events to one page until it leaves, the hub drops it
// or the server shuts down (the request's context ends). Beyond maxViewers
// pages it answers 503 with a Retry-After.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s, ok := h.join()
	if !ok {
		h.refused.Inc()
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
		http.Error(w, "too many pages follow the live stream; try again later", http.StatusServiceUnavailable)
		return
	}
	defer h.Unsubscribe(s)
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	// A page whose connection stalls is let go rather than waited on.
	_ = rc.SetWriteDeadline(time.Now().Add(WriteTimeout))
	// The page reconnects two seconds after a drop.
	if _, err := fmt.Fprint(w, "retry: 2000\n: connected\n\n"); err != nil {
		return
	}
	if err := rc.Flush(); err != nil {
		return
	}
	beat := time.NewTicker(Heartbeat)
	defer beat.Stop()
	for {
		var err error
		_ = rc.SetWriteDeadline(time.Now().Add(Heartbeat + WriteTimeout))
		select {
		case <-r.Context().Done():
			return
		case <-s.gone:
			return
		case <-beat.C:
			_, err = fmt.Fprint(w, ": heartbeat\n\n")
		case e := <-s.C:
			_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Name, e.Data)
		}
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			return
		}
	}
}
