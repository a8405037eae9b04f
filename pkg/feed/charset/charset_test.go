package charset

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

const (
	russian = "Президент Беларуси Александр Лукашенко провел встречу с делегацией Китая. «Мы ценим наше партнерство», — сказал глава государства."
	belarus = "Прэзідэнт Беларусі Аляксандр Лукашэнка правёў сустрэчу з дэлегацыяй Кітая і сказаў, што ўсё будзе добра."
	// russianPlain has no typographic quotes: KOI8-R and ISO-8859-5 lack them.
	russianPlain = "Президент Беларуси Александр Лукашенко провел встречу с делегацией Китая. Мы ценим наше партнерство, сказал глава государства."
	english      = "Belarus President Aleksandr Lukashenko met with a delegation from China."
	german       = "Der Präsident traf sich mit einer Delegation aus China und äußerte Zufriedenheit über die Gespräche."
	polish       = "Prezydent spotkał się z delegacją z Chin i wyraził zadowolenie z rozmów, które się odbyły."
	bulgarian    = "Президентът се срещна с делегация от Китай и изрази задоволство от разговорите."
)

func encode(tb testing.TB, enc encoding.Encoding, s string) []byte {
	tb.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func rss(prolog string, text []byte) []byte {
	return append(append([]byte(prolog+"<rss><channel><item><title>"), text...), "</title></item></channel></rss>"...)
}

func TestToUTF8(t *testing.T) {
	const win1251Prolog = `<?xml version="1.0" encoding="windows-1251"?>`
	// UTF-8 with one byte that is never valid in UTF-8, and how it reads.
	stray := []byte(strings.Replace(russian, "Александр", "Александр\xff", 1))
	strayRead := strings.Replace(russian, "Александр", "Александр\uFFFD", 1)
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string
		encoding    string
	}{
		{"windows-1251 with prolog", rss(win1251Prolog, encode(t, charmap.Windows1251, russian)), "", russian, "windows-1251"},
		{"windows-1251 without prolog", rss("", encode(t, charmap.Windows1251, russian)), "application/rss+xml", russian, "windows-1251"},
		{"windows-1251 from the HTTP header only", rss("", encode(t, charmap.Windows1251, russian)), "text/xml; charset=windows-1251", russian, "windows-1251"},
		{"windows-1251 Belarusian without prolog", rss("", encode(t, charmap.Windows1251, belarus)), "", belarus, "windows-1251"},
		{"windows-1251 Bulgarian without prolog", rss("", encode(t, charmap.Windows1251, bulgarian)), "", bulgarian, "windows-1251"},
		{"UTF-8 under a false windows-1251 prolog", rss(win1251Prolog, []byte(russian)), "", russian, "utf-8"},
		{"UTF-8 under a false header", rss("", []byte(russian)), "text/xml; charset=koi8-r", russian, "utf-8"},
		{"UTF-8 with a stray byte", rss("", stray), "", strayRead, "utf-8"},
		{"UTF-8 with a stray byte, declared", rss(`<?xml version="1.0" encoding="UTF-8"?>`, stray), "text/xml; charset=utf-8", strayRead, "utf-8"},
		{"UTF-8 with a stray byte under a false windows-1251 prolog", rss(win1251Prolog, stray), "", strayRead, "utf-8"},
		{"windows-1251 under a false UTF-8 header", rss("", encode(t, charmap.Windows1251, russian)), "text/xml; charset=utf-8", russian, "windows-1251"},
		{"UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, rss("", []byte(russian))...), "", russian, "utf-8"},
		{"KOI8-R with prolog", rss(`<?xml version="1.0" encoding="KOI8-R"?>`, encode(t, charmap.KOI8R, russianPlain)), "", russianPlain, "koi8-r"},
		{"KOI8-R without labels", rss("", encode(t, charmap.KOI8R, russianPlain)), "", russianPlain, "koi8-r"},
		{"KOI8-R under a false windows-1251 prolog", rss(win1251Prolog, encode(t, charmap.KOI8R, russianPlain)), "", russianPlain, "koi8-r"},
		{"ISO-8859-5 with prolog", rss(`<?xml version="1.0" encoding="ISO-8859-5"?>`, encode(t, charmap.ISO8859_5, russianPlain)), "", russianPlain, "iso-8859-5"},
		{"ISO-8859-5 without labels", rss("", encode(t, charmap.ISO8859_5, russianPlain)), "", russianPlain, "iso-8859-5"},
		{"ISO-8859-1 with prolog", rss(`<?xml version="1.0" encoding="ISO-8859-1"?>`, encode(t, charmap.ISO8859_1, german)), "", german, "windows-1252"},
		{"windows-1252 with one accented letter", rss("", encode(t, charmap.Windows1252, english+" Café.")), "", english + " Café.", "windows-1252"},
		{"windows-1252 without labels", rss("", encode(t, charmap.Windows1252, german)), "", german, "windows-1252"},
		{"ISO-8859-2 from the header", rss("", encode(t, charmap.ISO8859_2, polish)), "text/xml; charset=iso-8859-2", polish, "iso-8859-2"},
		{"a header whose charset is blank", rss("", encode(t, charmap.Windows1251, russian)), "text/xml; charset= ", russian, "windows-1251"},
		{"ASCII", rss("", []byte(english)), "", english, "utf-8"},
		{"UTF-16 with BOM", encode(t, utf16LE(), string(rss("", []byte(russian)))), "", russian, "utf-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToUTF8(tt.body, tt.contentType)
			if err != nil {
				t.Fatalf("ToUTF8: %v", err)
			}
			if !strings.Contains(string(got.Body), tt.want) {
				t.Errorf("decoded %q, want it to hold %q", got.Body, tt.want)
			}
			if got.Encoding != tt.encoding {
				t.Errorf("encoding %s, want %s", got.Encoding, tt.encoding)
			}
			if bytes.Contains(got.Body, []byte("windows-1251")) || bytes.Contains(got.Body, []byte("KOI8-R")) {
				t.Errorf("the prolog still names the old encoding: %q", got.Body[:60])
			}
		})
	}
}

func FuzzToUTF8(f *testing.F) {
	f.Add(rss(`<?xml version="1.0" encoding="windows-1251"?>`, encode(f, charmap.Windows1251, russian)), "")
	f.Add(rss("", encode(f, charmap.KOI8R, russianPlain)), "text/xml; charset=koi8-r")
	f.Add([]byte(russian), "text/html; charset=utf-8")
	f.Add([]byte{0xFF, 0xFE, 0x00}, "")
	f.Add([]byte(`<?xml encoding="x-unknown"?>`+"\xff\xfe"), "text/xml; charset=")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		got, err := ToUTF8(body, contentType)
		if err != nil {
			return
		}
		if !utf8.Valid(got.Body) {
			t.Errorf("ToUTF8 returned invalid UTF-8 as %s", got.Encoding)
		}
		if utf8.Valid(body) && !bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}) && got.Encoding != "utf-8" {
			t.Errorf("valid UTF-8 decoded as %s", got.Encoding)
		}
	})
}

func BenchmarkToUTF8(b *testing.B) {
	win := rss("", bytes.Repeat(encode(b, charmap.Windows1251, russian+" "), 400))
	utf := rss(`<?xml version="1.0" encoding="windows-1251"?>`, bytes.Repeat([]byte(russian+" "), 400))
	for _, bc := range []struct {
		name string
		body []byte
	}{{"windows-1251-unlabelled", win}, {"utf-8-mislabelled", utf}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				if _, err := ToUTF8(bc.body, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func utf16LE() encoding.Encoding {
	return xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM)
}
