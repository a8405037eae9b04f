package httpfetch

import (
	"errors"
	"net/http"
	"net/netip"
	"sync/atomic"
	"testing"
)

// TestGetRefusesRedirectToPrivate: a public feed that redirects to a
// private address is refused at the redirect's dial, and the private
// server never sees the request.
func TestGetRefusesRedirectToPrivate(t *testing.T) {
	var privateHits atomic.Int64
	private := serve(t, func(w http.ResponseWriter, r *http.Request) { privateHits.Add(1) })
	public := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL+"/internal/metadata", http.StatusFound)
	})
	publicAddr := netip.MustParseAddrPort(public.Listener.Addr().String())

	o := testOptions()
	o.AllowPrivate = false
	o.isPublic = func(ap netip.AddrPort) bool { return ap == publicAddr } // the one loopback server standing in for the internet
	_, err := New(o).Get(t.Context(), public.URL, Validators{}, "*/*")
	if !errors.Is(err, ErrPrivate) {
		t.Fatalf("redirect to a private address: err = %v, want ErrPrivate", err)
	}
	if n := privateHits.Load(); n != 0 {
		t.Errorf("the private server answered %d requests", n)
	}
}
