// Package boundedread reads files of bounded size: a file an operator
// names (a feed list, a secret, a certificate) can be far too large, or
// endless (a wrong path such as /dev/zero), and must not be read without
// end. (A named pipe whose writer never writes still blocks: the bound is
// on bytes, not time.)
package boundedread

import (
	"fmt"
	"io"
	"os"
)

// File reads the file at path, failing on one longer than limit bytes
// without reading past limit+1.
func File(path string, limit int64) ([]byte, error) {
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
