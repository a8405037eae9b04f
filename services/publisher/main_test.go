package main

import (
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/config"
)

func TestReadSettings(t *testing.T) {
	s, err := readSettings(config.FromMap(nil))
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if s.Window != 7*24*time.Hour || s.Lease != 15*time.Second || s.FailOpen || s.MaxBatch != 1000 || s.Consumers != 2 {
		t.Errorf("defaults: %+v", s)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string // the variable the error names
	}{
		{"window within ten leases", map[string]string{"DEDUPE_WINDOW": "2m", "DEDUPE_LEASE": "15s"}, "DEDUPE_WINDOW"},
		{"lease too long", map[string]string{"DEDUPE_LEASE": "1h"}, "DEDUPE_LEASE"},
		{"not a duration", map[string]string{"DEDUPE_WINDOW": "a week"}, "DEDUPE_WINDOW"},
		{"batch of none", map[string]string{"PUBLISH_MAX_BATCH": "0"}, "PUBLISH_MAX_BATCH"},
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
