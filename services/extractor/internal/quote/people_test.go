package quote

import (
	"strconv"
	"strings"
	"testing"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/names"
)

// surnameOf is a made-up surname, different for each i.
func surnameOf(i int) string { return madeUp("Kov", 'a', i) }

// madeUp is stem and i written in 26 letters from a.
func madeUp(stem string, a rune, i int) string {
	b := []rune(stem)
	for {
		b = append(b, a+rune(i%26))
		i /= 26
		if i == 0 {
			return string(b)
		}
	}
}

// manyPeople is an article naming n ministers, each quoted by name, by
// surname and by description.
func manyPeople(n int) doc.Document {
	var b strings.Builder
	for i := range n {
		s := surnameOf(i)
		b.WriteString("Minister Ivan " + s + " said: “We will build the new road soon.” ")
		b.WriteString("“It is good for all of us,” the minister said. ")
		b.WriteString(s + " added: “More will come next year.”\n\n")
	}
	return doc.Document{Title: "Ministers speak", Body: b.String(), Language: "en"}
}

// onePerson is an article quoting one minister n times by title and name.
func onePerson(n int) doc.Document {
	var b strings.Builder
	for range n {
		b.WriteString("Foreign Minister Sergey Lavrov said: “We will build the new road soon.” ")
		b.WriteString("“It is good for all of us,” the minister said.\n\n")
	}
	return doc.Document{Title: "Lavrov speaks", Body: b.String(), Language: "en"}
}

// BenchmarkExtractPeople extracts from articles naming many people, and
// quoting one person many times, at two sizes each: each name and each
// description was looked for among all the people and mentions met before,
// and each speaker's mention put in the middle of all of them.
func BenchmarkExtractPeople(b *testing.B) {
	g, err := gazetteer.Load()
	if err != nil {
		b.Fatal(err)
	}
	x := New(g)
	for _, c := range []struct {
		name    string
		article func(n int) doc.Document
		n       int
	}{
		{"many", manyPeople, 250}, {"many", manyPeople, 1000},
		{"one", onePerson, 1000}, {"one", onePerson, 4000},
	} {
		d := c.article(c.n)
		b.Run(c.name+"-"+strconv.Itoa(c.n), func(b *testing.B) {
			cputime.Loop(b, func() { x.Extract(d) })
		})
	}
}

// A description looks at the maxTitled people who got a title last and at
// the maxTitled mentions before it: the deputy minister is found behind
// maxTitled-1 ministers named after him, and past maxTitled of them the
// last minister named stands for him.
func TestRolesMatchLooksAtTheLastTitledPeople(t *testing.T) {
	for _, tc := range []struct {
		ministers int
		deputy    bool
	}{{maxTitled - 1, true}, {maxTitled, false}} {
		ps := people{lex: names.Load()}
		tok := 0
		name := func(surname string, roles ...string) *person {
			p := ps.find([]string{"Ivan", surname}, names.Male, false, tok)
			ps.mention(tok, p, true)
			ps.addRoles(p, roles)
			tok++
			return p
		}
		deputy := name("Deputy", "deputy", "minister")
		var last *person
		for i := range tc.ministers {
			last = name(surnameOf(i), "minister")
		}
		want := last
		if tc.deputy {
			want = deputy
		}
		if got := ps.rolesMatch([]string{"deputy", "minister"}, "minister", tok); got != want {
			t.Errorf("behind %d ministers: the deputy minister is %s, want %s", tc.ministers, got.name, want.name)
		}
	}
}
