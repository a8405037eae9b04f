// Package feedhealth turns the fetcher's state of each feed (pkg/feedstate)
// into what the console's health table shows: whether the feed works, when
// it was polled and is due, how many items a day it publishes, and why it
// fails.
package feedhealth

import (
	"context"
	"time"

	"github.com/newswire/newswire/pkg/feedstate"
)

// States of a feed.
const (
	Healthy = "healthy" // the last poll worked
	Failing = "failing" // the last poll failed
	Pending = "pending" // not polled yet
)

// Feed is one row of the health table.
type Feed struct {
	URL         string     `json:"url"`
	State       string     `json:"state"`
	Status      string     `json:"status"` // the fetcher's: ok, not_modified, unchanged, error, ""
	HTTPStatus  int        `json:"http_status,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	Failures    int        `json:"failures"`
	LastPoll    *time.Time `json:"last_poll,omitempty"`
	LastSuccess *time.Time `json:"last_success,omitempty"`
	NextPoll    *time.Time `json:"next_poll,omitempty"`
	Items       int        `json:"items"` // in the feed's last document
	// ItemsPerDay is the feed's publishing rate from the mean gap between
	// its items; 0 when the fetcher could not tell.
	ItemsPerDay float64 `json:"items_per_day"`
}

// Lister lists the feeds the fetcher knows.
type Lister interface {
	List(ctx context.Context) ([]feedstate.Feed, error)
}

// Report is the health of every feed, the failing first.
type Report struct {
	Feeds   []Feed `json:"feeds"`
	Healthy int    `json:"healthy"`
	Failing int    `json:"failing"`
	Pending int    `json:"pending"`
}

// Read lists the feeds' health.
func Read(ctx context.Context, l Lister) (Report, error) {
	feeds, err := l.List(ctx)
	if err != nil {
		return Report{}, err
	}
	r := Report{Feeds: make([]Feed, 0, len(feeds))}
	var failing, others []Feed
	for _, f := range feeds {
		v := From(f)
		switch v.State {
		case Failing:
			r.Failing++
			failing = append(failing, v)
			continue
		case Pending:
			r.Pending++
		default:
			r.Healthy++
		}
		others = append(others, v)
	}
	r.Feeds = append(append(r.Feeds, failing...), others...)
	return r, nil
}

// From makes the row of one feed.
func From(f feedstate.Feed) Feed {
	s := f.Summarize()
	v := Feed{
		URL: f.URL, Status: s.Status, HTTPStatus: s.HTTPStatus, LastError: s.LastError, Failures: s.Failures,
		LastPoll: s.LastPoll, LastSuccess: s.LastSuccess, NextPoll: s.NextPoll, Items: s.Items,
	}
	switch {
	case f.Failures > 0:
		v.State = Failing
	case f.LastStatus == "":
		v.State = Pending
	default:
		v.State = Healthy
	}
	if f.PublishGap > 0 {
		v.ItemsPerDay = float64(24*time.Hour) / float64(f.PublishGap)
	}
	return v
}
