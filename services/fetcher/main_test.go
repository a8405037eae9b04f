package main

import (
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/config"
)

func TestReadSettings(t *testing.T) {
	s, err := readSettings(config.FromMap(map[string]string{"POD_NAME": "fetcher-0"}))
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if s.HTTP.AllowPrivate || s.Pages.Max != 20 || s.Schedule.Replica != "fetcher-0" || s.Schedule.Lease != 2*time.Minute || s.Limits.Default != 5*time.Minute {
		t.Errorf("defaults: %+v", s)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string // the variable the error names
	}{
		{"min above max", map[string]string{"FETCH_MIN_INTERVAL": "3h", "FETCH_MAX_INTERVAL": "1h"}, "FETCH_MIN_INTERVAL"},
		{"lease shorter than a request", map[string]string{"FETCH_LEASE": "10s", "FETCH_TIMEOUT": "30s"}, "FETCH_LEASE"},
		{"poll cut off before a request ends", map[string]string{"FETCH_LEASE": "30s", "FETCH_TIMEOUT": "28s"}, "FETCH_LEASE"},
		{"poll cut off before a short lease's request ends", map[string]string{"FETCH_LEASE": "2s", "FETCH_TIMEOUT": "1s"}, "FETCH_LEASE"},
		{"not a duration", map[string]string{"FETCH_TIMEOUT": "soon"}, "FETCH_TIMEOUT"},
		{"not a boolean", map[string]string{"FETCH_ALLOW_PRIVATE": "maybe"}, "FETCH_ALLOW_PRIVATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readSettings(config.FromMap(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to name %s", err, tt.want)
			}
		})
	}
}
