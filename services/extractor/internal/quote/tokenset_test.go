package quote

import (
	"slices"
	"testing"
)

// FuzzTokenSet checks tokenSet against a sorted slice, on adds and removes
// read from the input.
func FuzzTokenSet(f *testing.F) {
	f.Add([]byte{0, 1, 2, 63, 64, 65, 130, 4, 200, 255}, uint16(300))
	f.Add([]byte{5, 5, 133, 5, 70, 200}, uint16(5000))
	f.Fuzz(func(t *testing.T, ops []byte, scale uint16) {
		var s tokenSet
		var want []int
		for _, op := range ops {
			tok := int(op&0x7f) * (1 + int(scale)%97)
			if op&0x80 == 0 {
				s.add(tok)
				if k, found := slices.BinarySearch(want, tok); !found {
					want = slices.Insert(want, k, tok)
				}
			} else {
				s.remove(tok)
				if k, found := slices.BinarySearch(want, tok); found {
					want = slices.Delete(want, k, k+1)
				}
			}
			for i := 0; i <= 128*(1+int(scale)%97)+1; i++ {
				k, found := slices.BinarySearch(want, i)
				if s.has(i) != found {
					t.Fatalf("has(%d) = %v", i, s.has(i))
				}
				w := -1
				if k > 0 {
					w = want[k-1]
				}
				if got := s.before(i); got != w {
					t.Fatalf("before(%d) = %d, want %d (set %v)", i, got, w, want)
				}
			}
		}
	})
}
