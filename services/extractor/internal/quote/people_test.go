package quote

import (
	"strconv"
	"strings"
	"testing"

	"github.com/newswire/newswire/pkg/cputime"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
)

// surnameOf is a made-up surname, different for each i.
func surnameOf(i int) string {
	b := []byte("Kov")
	for {
		b = append(b, byte('a'+i%26))
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

// BenchmarkExtractManyPeople extracts from an article naming n people and
// 4n: each name and each description was looked for among all the people
// and mentions met before.
func BenchmarkExtractManyPeople(b *testing.B) {
	g, err := gazetteer.Load()
	if err != nil {
		b.Fatal(err)
	}
	x := New(g)
	for _, n := range []int{250, 1000} {
		d := manyPeople(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			cputime.Loop(b, func() { x.Extract(d) })
		})
	}
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

// BenchmarkExtractOnePerson extracts from an article quoting one person n
// times and 4n.
func BenchmarkExtractOnePerson(b *testing.B) {
	g, err := gazetteer.Load()
	if err != nil {
		b.Fatal(err)
	}
	x := New(g)
	for _, n := range []int{1000, 4000} {
		d := onePerson(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			cputime.Loop(b, func() { x.Extract(d) })
		})
	}
}
