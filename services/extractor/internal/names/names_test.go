package names_test

import (
	"strings"
	"testing"

	"github.com/newswire/newswire/services/extractor/internal/names"
)

func TestNominativeRU(t *testing.T) {
	l := names.Load()
	cases := []struct {
		in, want string
		gender   names.Gender
	}{
		{"Александром Бегловым", "Александр Беглов", names.Male},
		{"Сергея Лаврова", "Сергей Лавров", names.Male},
		{"Александра Лукашенко", "Александр Лукашенко", names.Male},
		{"Марии Захаровой", "Мария Захарова", names.Female},
		{"Анны Ковальчук", "Анна Ковальчук", names.Female},
		{"Дмитрием Пиневичем", "Дмитрий Пиневич", names.Male},
		{"Игоря Петришенко", "Игорь Петришенко", names.Male},
		{"Романа Головченко", "Роман Головченко", names.Male},
		{"Александр Лукашенко", "Александр Лукашенко", names.Male},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, g := l.NominativeRU(strings.Fields(c.in), nil)
			if strings.Join(got, " ") != c.want || g != c.gender {
				t.Errorf("got %q (%v), want %q (%v)", strings.Join(got, " "), g, c.want, c.gender)
			}
		})
	}
}

func TestNominativeRUPrefersKnownForms(t *testing.T) {
	l := names.Load()
	known := func(w string) bool { return w == "Толстой" }
	got, _ := l.NominativeRU([]string{"Толстого"}, known)
	if got[0] != "Толстой" {
		t.Errorf("got %q", got[0])
	}
}

func TestWordClasses(t *testing.T) {
	l := names.Load()
	cases := []struct {
		word string
		test func(string) bool
		want bool
	}{
		{"Minister", l.IsTitle, true},
		{"Sen.", l.IsTitle, true},
		{"Sergey", l.IsTitle, false},
		{"spokeswoman", l.IsRole, true},
		{"губернатором", l.IsRole, true},
		{"Ministry", l.IsOrgHead, true},
		{"The", l.IsFunction, true},
		{"Affairs", l.IsDomain, true},
		{"Hampshire", l.IsPlace, true},
		{"Dr.", l.IsHonorific, true},
	}
	for _, c := range cases {
		if got := c.test(c.word); got != c.want {
			t.Errorf("%s: got %v, want %v", c.word, got, c.want)
		}
	}
	if g, ok := l.FirstName("Sergey"); !ok || g != names.Male {
		t.Errorf("Sergey: %v %v", g, ok)
	}
	if g := l.TitleGender("Mrs."); g != names.Female {
		t.Errorf("Mrs.: %v", g)
	}
}
