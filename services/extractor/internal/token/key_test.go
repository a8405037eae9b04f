package token

import "testing"

func TestStemSharesKeyAcrossCases(t *testing.T) {
	groups := [][]string{
		{"Беларусь", "Беларуси", "Беларусью"},
		{"Белоруссия", "Белоруссии", "Белоруссию", "Белоруссией"},
		{"Лукашенко", "ЛУКАШЕНКО"},
		{"Александр", "Александра", "Александру", "Александром", "Александре"},
		{"Сергей", "Сергея", "Сергею", "Сергеем", "Сергее"},
		{"Лавров", "Лаврова", "Лаврову", "Лавровым", "Лаврове"},
		{"Россия", "России", "Россию", "Россией"},
		{"Польша", "Польши", "Польше", "Польшу", "Польшей"},
		{"Китай", "Китаю", "Китаем", "Китае"},
		{"Российская", "Российской", "Российскую"},
		{"Евразийский", "Евразийского", "Евразийскому", "Евразийским", "Евразийском"},
		{"Штаты", "Штатам", "Штатах", "Штатами"},
		{"Москва", "Москвы", "Москве", "Москву", "Москвой"},
		{"People’s", "people's", "PEOPLE'S"},
		{"Ёлкин", "Елкин"},
	}
	for _, g := range groups {
		t.Run(g[0], func(t *testing.T) {
			want := Stem(g[0])
			for _, w := range g[1:] {
				if got := Stem(w); got != want {
					t.Errorf("Stem(%q) differs from Stem(%q)", w, g[0])
				}
			}
		})
	}
	distinct := [][2]string{{"Иран", "Ирак"}, {"Рим", "Рига"}, {"США", "СШ"}, {"Austria", "Australia"}}
	for _, d := range distinct {
		if Stem(d[0]) == Stem(d[1]) {
			t.Errorf("Stem(%q) equals Stem(%q)", d[0], d[1])
		}
	}
}

func TestStemEndFastPathAgrees(t *testing.T) {
	for _, w := range []string{"Беларуси", "Польшей", "Александром", "Лукашенко", "организации", "сотрудничества",
		"Китая", "государств", "российских", "экономического", "Сергеем", "продовольствия", "ЛУКАШЕНКО", "Москва"} {
		if end, ok := stemEndLower(w); ok && end != stemEndSlow(w) {
			t.Errorf("%q: fast path cuts at %d, slow path at %d", w, end, stemEndSlow(w))
		}
	}
}

func TestEndingsBeforeCoverEveryEnding(t *testing.T) {
	n := 0
	for _, e := range russianEndings {
		found := false
		for _, x := range endingsBefore(e[len(e)-2:]) {
			found = found || x == e
		}
		if !found {
			t.Errorf("ending %q is not among those before %q", e, e[len(e)-2:])
		}
		n++
	}
	total := 0
	for _, last := range []string{"и", "й", "х", "о", "у", "я", "ю", "е", "м", "а", "ы", "ь"} {
		total += len(endingsBefore(last))
	}
	if total != n {
		t.Errorf("the groups hold %d endings, the list %d", total, n)
	}
}
