package config

import (
	"fmt"
	"io"
	"os"
)

// Bounds of the files variables name: a secret (a password), and a PEM
// file (a CA bundle, a certificate or its key; Debian's whole CA bundle is
// about 220 KiB). A wrong path, say /dev/zero, must not read for ever.
const (
	MaxSecretFileBytes = 64 << 10
	MaxPEMFileBytes    = 1 << 20
)

// readFile reads the file at path, failing on one longer than limit.
func readFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is over the %d-byte limit", path, limit)
	}
	return b, nil
}
