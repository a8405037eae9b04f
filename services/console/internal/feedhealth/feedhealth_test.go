package feedhealth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
)

func TestRead(t *testing.T) {
	prefix := kafkatest.Name(t, "console") + ":"
	store := feedstate.New(redistest.Connect(t, prefix), prefix)
	ctx := t.Context()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	urls := []string{"https://a.example/rss", "https://b.example/rss", "https://c.example/rss"}
	if err := store.Register(ctx, urls); err != nil {
		t.Fatal(err)
	}
	for _, f := range []feedstate.Feed{
		{URL: urls[0], LastStatus: "ok", LastCode: 200, LastPoll: now, NextPoll: now.Add(5 * time.Minute), Items: 20, PublishGap: 30 * time.Minute},
		{URL: urls[2], LastStatus: "error", LastCode: 503, LastError: "fetch feed: HTTP status 503", Failures: 2, LastPoll: now},
	} {
		if err := store.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Read(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if r.Healthy != 1 || r.Failing != 1 || r.Pending != 1 || len(r.Feeds) != 3 {
		t.Fatalf("report %+v", r)
	}
	failing, healthy, pending := r.Feeds[0], r.Feeds[1], r.Feeds[2]
	if failing.URL != urls[2] || failing.State != Failing || failing.HTTPStatus != 503 || failing.LastError == "" || failing.Failures != 2 {
		t.Errorf("failing first: %+v", failing)
	}
	if healthy.State != Healthy || healthy.ItemsPerDay != 48 || healthy.Items != 20 || !healthy.NextPoll.Equal(now.Add(5*time.Minute)) {
		t.Errorf("healthy: %+v", healthy)
	}
	if pending.State != Pending || pending.LastPoll != nil || pending.ItemsPerDay != 0 {
		t.Errorf("pending: %+v", pending)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Read(cancelled, store); err == nil {
		t.Error("Read with Redis out of reach succeeded")
	}
}

// A feed's last error can quote what its server sent (a redirect's
// address, say): the row keeps a bounded part of it, which the refresh loop
// pushes to every page.
func TestFromBoundsTheError(t *testing.T) {
	tests := []struct {
		name, err string
		want      int // bytes at most
	}{
		{"short", "fetch feed: HTTP status 503", len("fetch feed: HTTP status 503")},
		{"huge", `fetch feed: Get "https://evil.example/` + strings.Repeat("a", 1<<20) + `": stopped after 10 redirects`, MaxErrorBytes + len("…")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := From(feedstate.Feed{URL: "https://a.example/rss", LastStatus: "error", LastError: tt.err, Failures: 1})
			if len(got.LastError) > tt.want || got.LastError == "" {
				t.Errorf("last error of %d bytes, want 1 to %d", len(got.LastError), tt.want)
			}
		})
	}
}
