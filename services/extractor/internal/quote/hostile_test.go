package quote

import (
	"strconv"
	"strings"
	"testing"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
)

// hostile are articles built to make one lookup per quotation cost as much
// as the whole text, n times over.
var hostile = []struct {
	name    string
	article func(n int) string
	lang    string
}{
	// n people named, then n quotations opening with a label in capitals
	// that names none of them: each label was looked for among them all.
	{"labels", func(n int) string {
		return eachOf(n, func(i int) string { return "Minister Ivan " + surnameOf(i) + " met voters.\n\n" }) +
			strings.Repeat("“VIDEO: We will build the new road soon.”\n\n", n)
	}, "en"},
	// One paragraph of n quotations opening with a label: each looked for
	// the paragraph's end.
	{"paragraph", func(n int) string {
		return strings.Repeat("“Chris Matthews: Seriously, we will build the new road soon.” ", n)
	}, "en"},
	// One paragraph naming 2n people who do not speak, with n quotations
	// whose speaker is a pronoun: each was looked for among them all.
	{"pronouns", unnamedSpeakers("she"), "en"},
	// The same with a description for the speaker: the most recent subject
	// was looked for among them all.
	{"descriptions", unnamedSpeakers("the official"), "en"},
	// n ministers named, then n quotations by a description whose other
	// word none of them has: each looked at every minister.
	{"roles", func(n int) string {
		return eachOf(n, func(i int) string { return "Minister Ivan " + surnameOf(i) + " met voters. " }) +
			strings.Repeat("“We will build the new road soon,” the deputy minister said.\n\n", n)
	}, "en"},
	// n speakers described by a title in quotation marks: each mark looked
	// for its quotation among all the quotations before it.
	{"titles", func(n int) string {
		return eachOf(n, func(i int) string {
			return "Bob " + surnameOf(i) + ", author of “Crippled America,” said: “We will build the wall soon.”\n\n"
		})
	}, "en"},
	// n people of one surname, each quoted by name: each name was looked
	// for among all with the surname.
	{"surname", func(n int) string {
		return eachOf(n, func(i int) string {
			return "“We will build the new road soon,” said " + surnameOf(i) + " Smith.\n\n"
		})
	}, "en"},
	// n people of one first name, each quoted by it just after being
	// named in full: each "John" was looked for among all the Johns.
	{"first-names", func(n int) string {
		return eachOf(n, func(i int) string {
			return "John " + surnameOf(i) + " met voters. “We will build the new road soon,” John said. "
		})
	}, "en"},
	// n organisations with one head word, each quoted and each by a
	// spokesman: each name was looked for among all with the head word.
	{"organisations", func(n int) string {
		return eachOf(n, func(i int) string {
			return "“We will build the new road soon,” the " + surnameOf(i) + " Ministry said. “Soon,” a " + surnameOf(i) + " Ministry spokesman said.\n\n"
		})
	}, "en"},
	// n Russian speakers named in full: each name's case was read with a
	// look at every word of the names before it.
	{"names-ru", func(n int) string {
		return eachOf(n, func(i int) string {
			return "Министр Иван " + surnameRU(i) + " заявил: «Мы построим новую дорогу скоро».\n\n"
		})
	}, "ru"},
}

// eachOf joins the texts text gives for 0 to n-1.
func eachOf(n int, text func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(text(i))
	}
	return b.String()
}

// unnamedSpeakers is a paragraph naming 2n people who do not speak, with n
// quotations whose speaker is who.
func unnamedSpeakers(who string) func(n int) string {
	return func(n int) string {
		return eachOf(n, func(i int) string {
			return "They met Bob " + surnameOf(i) + " and Tom " + surnameOf(i+n) + ". “We will build the new road soon,” " + who + " said. "
		})
	}
}

// surnameRU is a made-up Russian surname, different for each i.
func surnameRU(i int) string { return madeUp("Ков", 'а', i) + "ов" }

// BenchmarkExtractHostile extracts from each hostile article at three
// sizes: the time should grow as the text does.
func BenchmarkExtractHostile(b *testing.B) {
	g, err := gazetteer.Load()
	if err != nil {
		b.Fatal(err)
	}
	x := New(g)
	for _, h := range hostile {
		for _, n := range []int{1000, 2000, 4000} {
			d := doc.Document{Title: "Hostile", Body: h.article(n), Language: h.lang}
			b.Run(h.name+"-"+strconv.Itoa(n), func(b *testing.B) {
				cputime.Loop(b, func() { x.Extract(d) })
			})
		}
	}
}
