package feedstate

import (
	"encoding/json"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// Summary is one feed as an operator sees it: GET /feeds on the admin
// server, and the rows of a `feeds list` command.
type Summary struct {
	URL         string     `json:"url"`
	Status      string     `json:"status"` // ok, not_modified, unchanged, error; "" before the first poll
	HTTPStatus  int        `json:"http_status,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	Failures    int        `json:"consecutive_failures"`
	LastPoll    *time.Time `json:"last_poll,omitempty"`
	LastSuccess *time.Time `json:"last_success,omitempty"`
	NextPoll    *time.Time `json:"next_poll,omitempty"`
	Items       int        `json:"items"`
	PublishGap  string     `json:"publish_gap,omitempty"`
	TTL         string     `json:"ttl,omitempty"`
}

// Summarize turns a feed's state into what an operator reads.
func (f Feed) Summarize() Summary {
	s := Summary{
		URL:         f.URL,
		Status:      f.LastStatus,
		HTTPStatus:  f.LastCode,
		LastError:   f.LastError,
		Failures:    f.Failures,
		LastPoll:    optionalTime(f.LastPoll),
		LastSuccess: optionalTime(f.LastSuccess),
		NextPoll:    optionalTime(f.NextPoll),
		Items:       f.Items,
	}
	if f.PublishGap > 0 {
		s.PublishGap = f.PublishGap.Round(time.Second).String()
	}
	if f.TTL > 0 {
		s.TTL = f.TTL.String()
	}
	return s
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// Handler serves the list of feeds as JSON; ?failing=1 keeps only the
// feeds whose last poll failed.
func (s *Store) Handler(log *zap.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		feeds, err := s.List(r.Context())
		if err != nil {
			log.Warn("list feeds", zap.Error(err))
			http.Error(w, "list feeds: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		failing := r.URL.Query().Get("failing") != ""
		out := make([]Summary, 0, len(feeds))
		for _, f := range feeds {
			if failing && f.Failures == 0 {
				continue
			}
			out = append(out, f.Summarize())
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err := json.NewEncoder(w).Encode(map[string]any{"feeds": out}); err != nil {
			log.Debug("write feed list", zap.Error(err))
		}
	})
}
