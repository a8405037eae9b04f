package main

import "testing"

func TestConsoleURL(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:8090", "http://127.0.0.1:8090"},
		{":8090", "http://127.0.0.1:8090"},
		{"0.0.0.0:9000", "http://127.0.0.1:9000"},
		{"[::]:8090", "http://127.0.0.1:8090"},
		{"console.local:8090", "http://console.local:8090"},
		{"[::1]:8090", "http://[::1]:8090"},
	}
	for _, tt := range tests {
		if got := consoleURL(tt.addr); got != tt.want {
			t.Errorf("consoleURL(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
