// Package testnet gives tests loopback addresses to listen on.
package testnet

import (
	"net"
	"testing"
)

// FreeAddr returns a loopback address whose port was free at the time of
// the call, for a process the test starts to listen on.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
