// Package feedhealth turns the fetcher's state of each feed (pkg/feedstate)
// into what the console's health table shows: whether the feed works, when
// it was polled and is due, how many items a day it publishes, and why it
// fails.
package feedhealth

import (
	"context"
	"time"

	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/textcut"
)

// States of a feed.
const (
	Healthy = "healthy" // the last poll worked
	Failing = "failing" // the last poll failed
	Pending = "pending" // not polled yet
)

// MaxErrorBytes bounds the last error a row shows: it can quote what the
// feed's server sent, and every page is sent every row.
const MaxErrorBytes = 1000

// Feed is one row of the health table: the fetcher's summary of the feed
// (as GET /feeds on its admin server gives it), its state, and its rate.
type Feed struct {
	feedstate.Summary
	State string `json:"state"`
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
	v := Feed{Summary: f.Summarize()}
	v.LastError = textcut.Marked(v.LastError, MaxErrorBytes)
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
