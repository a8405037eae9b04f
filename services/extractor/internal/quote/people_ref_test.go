package quote

import (
	"slices"
	"strings"
	"testing"

	"github.com/newswire/newswire/services/extractor/internal/names"
)

// peopleRef is people as it was before it was indexed: find, organisation
// and hasOrg scanned every person, recent and rolesMatch every mention, and
// a mention went into a plain slice. It is the reference FuzzPeople
// compares people with. Its rolesMatch looks at everyone: people's looks
// at the last maxTitled people with titles, more than FuzzPeople's names
// can make.
type peopleRef struct {
	lex      *names.Lexicon
	all      []*person
	mentions []mentionAt
}

func (ps *peopleRef) find(words []string, g names.Gender, org bool, before int) *person {
	if len(words) == 0 {
		return nil
	}
	last := words[len(words)-1]
	if len(words) == 1 {
		if p := ps.recent(before, func(p *person) bool {
			return p.org == org && compatible(p.gender, g) && (p.surname() == last || len(p.words) > 1 && p.words[0] == last)
		}); p != nil {
			return p
		}
		for _, p := range ps.all {
			if p.org == org && compatible(p.gender, g) && p.surname() == last {
				return p
			}
		}
	} else {
		for _, p := range ps.all {
			if p.org != org || p.surname() != last {
				continue
			}
			if len(p.words) == 1 {
				p.words, p.name = words, strings.Join(words, " ")
				p.gender = merge(p.gender, g)
				return p
			}
			if p.words[0] == words[0] || initialOf(words[0], p.words[0]) || initialOf(p.words[0], words[0]) {
				if len(words) > len(p.words) && !org {
					p.words, p.name = words, strings.Join(words, " ")
				}
				p.gender = merge(p.gender, g)
				return p
			}
		}
	}
	p := &person{name: strings.Join(words, " "), words: words, gender: g, org: org}
	if !org && g == names.Unknown && len(words) > 1 {
		p.gender, _ = ps.lex.FirstName(words[0])
	}
	ps.all = append(ps.all, p)
	return p
}

func (ps *peopleRef) organisation(words []string) *person {
	name := strings.Join(words, " ")
	for _, p := range ps.all {
		if p.org && p.name == name {
			return p
		}
	}
	p := &person{name: name, words: words, org: true}
	ps.all = append(ps.all, p)
	return p
}

func (ps *peopleRef) recent(before int, ok func(*person) bool) *person {
	for i := len(ps.mentions) - 1; i >= 0; i-- {
		m := ps.mentions[i]
		if m.tok < before && ok(m.who) {
			return m.who
		}
	}
	return nil
}

func (ps *peopleRef) mention(tok int, p *person, subject bool) {
	if p == nil {
		return
	}
	i := len(ps.mentions)
	for i > 0 && ps.mentions[i-1].tok > tok {
		i--
	}
	if i > 0 && ps.mentions[i-1].tok == tok {
		ps.mentions[i-1].subject = ps.mentions[i-1].subject || subject
		return
	}
	ps.mentions = append(ps.mentions, mentionAt{})
	copy(ps.mentions[i+1:], ps.mentions[i:])
	ps.mentions[i] = mentionAt{tok: tok, who: p, subject: subject}
}

func (ps *peopleRef) hasOrg(w string) bool {
	for _, p := range ps.all {
		if p.org && p.surname() == w {
			return true
		}
	}
	return false
}

func (ps *peopleRef) rolesMatch(words []string, head string, at int) *person {
	syn := synonyms(head)
	var best *person
	bestScore := 0
	seen := map[*person]bool{}
	for i := len(ps.mentions) - 1; i >= 0; i-- {
		m := ps.mentions[i]
		if m.tok > at || m.who.org || seen[m.who] {
			continue
		}
		seen[m.who] = true
		if !anyIn(syn, m.who.roles) {
			continue
		}
		score := 1
		for _, w := range words[:len(words)-1] {
			if in(w, m.who.roles) {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = m.who, score
		}
	}
	return best
}

// labelled is how transcriptLabel found the person a label in capitals
// names before people indexed them: it scanned every person.
func (ps *peopleRef) labelled(w string) *person {
	for _, p := range ps.all {
		if !p.org && len(p.words) > 1 && strings.EqualFold(p.surname(), w) {
			return p
		}
	}
	return nil
}

// named is how a Russian name's case was read before people counted the
// words of their names: every word of every name was looked at.
func (ps *peopleRef) named(w string) bool {
	for _, p := range ps.all {
		for _, x := range p.words {
			if x == w {
				return true
			}
		}
	}
	return false
}

// lastMentioned is the walk back over every mention that resolvePronoun
// and salient made before mentions were indexed.
func (ps *peopleRef) lastMentioned(from, at int, g names.Gender, subject bool, quoted []bool) *person {
	for i := len(ps.mentions) - 1; i >= 0 && ps.mentions[i].tok >= from; i-- {
		m := ps.mentions[i]
		if m.tok >= at || m.who.org || quoted[m.tok] || !compatible(m.who.gender, g) || subject && !m.subject {
			continue
		}
		return m.who
	}
	return nil
}

// FuzzPeople runs the same operations, read from the input, on people and
// on peopleRef, and checks that they answer alike and end alike.
func FuzzPeople(f *testing.F) {
	f.Add([]byte("\x00\x12\x05\x01\x00\x03\x07\x01\x02\x00\x00\x05\x01\x04\x03\x05\x02\x00\x09\x06\x04\x00\x02"))
	f.Add([]byte("\x00\x01\x02\x00\x00\x05\x00\x21\x03\x01\x00\x10\x02\x00\x01\x03\x05\x00\x00\x30\x04\x02\x09\x11\x07\x08\x01"))
	f.Add([]byte("\x03\x01\x09\x0c\x07\x0c\x05\x06\x03\x00\x01\x06\x0c\x00\x08\x02\x00\x01\x01\x04\x00\x00\x03\x01\x0a\x05"))
	lex := names.Load()
	given := []string{"Ann", "Bob", "Smith", "Jones", "J.", "A.", "Lee", "Clinton", "Hillary", "Rodham", "King", "Twitter", "Ministry", "Kelvin", "\u212aelvin"}
	labels := []string{"SMITH", "JONES", "LEE", "CLINTON", "KING", "MINISTRY", "KELVIN", "kelvin", "K\u212aLVIN", "Smith", "Bob", "BOB"}
	roles := []string{"minister", "foreign", "affairs", "president", "head", "spokesman", "senator", "governor", "governorship",
		"secretary", "democratic", "republican", "the", "Gov.", "chairman", "prime"}
	heads := []string{"minister", "president", "leader", "head", "diplomat", "senator", "governor", "spokesman", "premier", "lawmaker", "chairman", "governorship"}
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() int {
			if len(data) == 0 {
				return 0
			}
			b := int(data[0])
			data = data[1:]
			return b
		}
		pick := func(list []string) string { return list[next()%len(list)] }
		pickN := func(list []string) []string {
			ws := make([]string, 1+next()%3)
			for i := range ws {
				ws[i] = pick(list)
			}
			return ws
		}
		gender := func() names.Gender { return names.Gender(next() % 3) }
		quoted := make([]bool, 64)
		toks := make([]token, len(quoted))
		for i := range quoted {
			quoted[i] = i%7 == 3
			toks[i].quoted = quoted[i]
		}
		ps, ref := people{lex: lex, toks: toks}, peopleRef{lex: lex}
		same := func(op string, p, q *person) {
			t.Helper()
			i, j := slices.Index(ps.all, p), slices.Index(ref.all, q)
			if i != j {
				t.Fatalf("%s: person %d, want %d", op, i, j)
			}
		}
		for len(data) > 0 {
			switch next() % 11 {
			case 0:
				ws, g, org, before := pickN(given), gender(), next()%4 == 0, next()%64
				same("find", ps.find(slices.Clone(ws), g, org, before), ref.find(slices.Clone(ws), g, org, before))
			case 1:
				if len(ps.all) > 0 {
					tok, k, subject := next()%64, next()%len(ps.all), next()%2 == 0
					ps.mention(tok, ps.all[k], subject)
					ref.mention(tok, ref.all[k], subject)
				}
			case 2:
				if len(ps.all) > 0 {
					k, ws := next()%len(ps.all), pickN(roles)
					ps.addRoles(ps.all[k], ws)
					ref.all[k].addRoles(ws)
				}
			case 3:
				ws := pickN(given)
				same("organisation", ps.organisation(slices.Clone(ws)), ref.organisation(slices.Clone(ws)))
			case 4:
				w, before := pick(given), next()%64
				ok := func(p *person) bool { return !p.org && len(p.words) > 1 && p.surname() == w }
				same("recent", ps.recent(before, w, ok), ref.recent(before, ok))
				same("recentSurnamed", ps.recentSurnamed(before, w, ok), ref.recent(before, ok))
				firstToo := func(p *person) bool { return !p.org && (p.surname() == w || len(p.words) > 1 && p.words[0] == w) }
				same("recent by first name", ps.recent(before, w, firstToo), ref.recent(before, firstToo))
			case 5:
				ws, head, at := pickN(roles), pick(heads), next()%64
				ws = append(ws, head)
				same("rolesMatch", ps.rolesMatch(ws, head, at), ref.rolesMatch(ws, head, at))
			case 6:
				if w := pick(given); ps.hasOrg(w) != ref.hasOrg(w) {
					t.Fatalf("hasOrg(%q) = %v", w, ps.hasOrg(w))
				}
			case 7:
				w, at := pick(given), next()%64
				p, _ := latest(at+1, ps.orgs, func(p *person) bool { return hasWordFold(p.words, w) })
				same("latest organisation", p, ref.recent(at+1, func(p *person) bool { return p.org && hasWordFold(p.words, w) }))
			case 8:
				if len(ps.all) > 0 {
					k, g := next()%len(ps.all), gender()
					ps.setGender(ps.all[k], g)
					ref.all[k].gender = g
				}
			case 9:
				w := pick(labels)
				same("labelled", ps.labelled(w), ref.labelled(w))
			case 10:
				from, at, g, subject := next()%64, next()%66, gender(), next()%2 == 0
				same("lastMentioned", ps.lastMentioned(from, at, g, subject), ref.lastMentioned(from, at, g, subject, quoted))
			}
			if len(ps.all) != len(ref.all) {
				t.Fatalf("%d people, want %d", len(ps.all), len(ref.all))
			}
			for k, p := range ps.all {
				q := ref.all[k]
				if p.name != q.name || !slices.Equal(p.words, q.words) || p.gender != q.gender || !slices.Equal(p.roles, q.roles) || p.org != q.org {
					t.Fatalf("person %d is %+v, want %+v", k, *p, *q)
				}
			}
			for _, w := range given {
				if ps.named(w) != ref.named(w) {
					t.Fatalf("named(%q) = %v", w, ps.named(w))
				}
			}
			if ps.mentions.len() != len(ref.mentions) {
				t.Fatalf("%d mentions, want %d", ps.mentions.len(), len(ref.mentions))
			}
			for k, m := range ref.mentions {
				got := ps.mentions.at(k)
				same("mention", got.who, m.who)
				if got.tok != m.tok || got.subject != m.subject {
					t.Fatalf("mention %d at %d (%v), want %d (%v)", k, got.tok, got.subject, m.tok, m.subject)
				}
			}
			for tok := range 66 {
				want, _ := slices.BinarySearchFunc(ref.mentions, tok, func(m mentionAt, tok int) int { return m.tok - tok })
				if got := ps.mentions.search(tok); got != want {
					t.Fatalf("search(%d) = %d, want %d", tok, got, want)
				}
			}
		}
	})
}
