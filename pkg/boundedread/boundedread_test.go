package boundedread

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Repeat("x", n)), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name, path string
		want       int    // bytes read
		err        string // what the error says, or ""
	}{
		{"empty", write("empty", 0), 0, ""},
		{"at the limit", write("at", 10), 10, ""},
		{"one byte over", write("over", 11), 0, "over the 10-byte limit"},
		{"endless", "/dev/zero", 0, "/dev/zero is over the 10-byte limit"},
		{"missing", filepath.Join(dir, "missing"), 0, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := File(tt.path, 10)
			if tt.err == "" && (err != nil || len(b) != tt.want) {
				t.Errorf("read %d bytes, %v; want %d", len(b), err, tt.want)
			}
			if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want it to say %q", err, tt.err)
			}
		})
	}
}
