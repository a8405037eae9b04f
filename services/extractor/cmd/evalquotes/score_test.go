package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestQuotedWordsAndGoldQuotations(t *testing.T) {
	cases := []struct {
		name    string
		text    string
		content span
		words   int
	}{
		{"curly", `He said “one two three four” then.`, span{8, 29}, 4},
		{"nyt", `He said ''one two three'' then.`, span{8, 25}, 3},
		{"straight", `"one two, three four five," he said.`, span{0, 27}, 5},
		{"paraphrase only", `He said that taxes would rise.`, span{8, 29}, 0},
		{"mixed", `She called it “a total disaster” for all.`, span{10, 41}, 3},
		{"unclosed runs to paragraph end", "“one two three four\nnext", span{0, 19}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := []rune(c.text)
			if got := quotedWords(text, quotedRegions(text), []span{c.content}); got != c.words {
				t.Errorf("quoted words = %d, want %d", got, c.words)
			}
		})
	}
}

func TestScoreArticle(t *testing.T) {
	text := []rune(`“We will win this race, believe me,” Donald Trump said. He said taxes “will go down a lot for everyone.” It was “a great day.”`)
	attrs := []attribution{
		{source: []span{{37, 49}}, content: []span{{0, 36}}},   // the first quotation, by Donald Trump
		{source: []span{{56, 58}}, content: []span{{64, 104}}}, // "He": not judged
	}
	cases := []struct {
		name  string
		preds []prediction
		want  counts
	}{
		{"all found, right speaker", []prediction{{span{1, 35}, "Donald Trump", ""}, {span{71, 103}, "Donald Trump", ""}},
			counts{articles: 1, predicted: 2, predictedCorrect: 2, gold: 2, found30: 2, found80: 2, foundNamed: 2, foundJudgeable: 1, judged: 1, judgedRight: 1, goldJudgeable: 1, goldRight: 1}},
		{"wrong speaker", []prediction{{span{1, 35}, "Ivanka Smith", ""}},
			counts{articles: 1, predicted: 1, predictedCorrect: 1, gold: 2, found30: 1, found80: 1, foundNamed: 1, foundJudgeable: 1, judged: 1, goldJudgeable: 1}},
		{"no speaker, scare quote predicted", []prediction{{span{1, 35}, "", ""}, {span{113, 125}, "", ""}},
			counts{articles: 1, predicted: 2, predictedCorrect: 1, gold: 2, found30: 1, found80: 1, foundJudgeable: 1, goldJudgeable: 1}},
		{"unjudged source left unnamed", []prediction{{span{71, 103}, "", ""}},
			counts{articles: 1, predicted: 1, predictedCorrect: 1, gold: 2, found30: 1, found80: 1, goldJudgeable: 1}},
		{"partial coverage", []prediction{{span{1, 12}, "Trump", ""}},
			counts{articles: 1, predicted: 1, predictedCorrect: 1, gold: 2, found30: 1, foundNamed: 1, foundJudgeable: 1, judged: 1, judgedRight: 1, goldJudgeable: 1, goldRight: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := scoreArticle(text, attrs, c.preds); got != c.want {
				t.Errorf("counts = %+v\nwant     %+v", got, c.want)
			}
		})
	}
}

func TestReadBrat(t *testing.T) {
	dir := t.TempDir()
	ann := "T1\tSource 0 5\tTrump\nT2\tCue 6 10\tsaid\nT3\tContent 11 20;25 30\tsome\ntext\nspanning\n" +
		"E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\nE2\tDiscard:T9 Content:T3\n#1\tAnnotatorNotes T1\tnote\n"
	path := filepath.Join(dir, "a_x.ann")
	if err := os.WriteFile(path, []byte(ann), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readBrat(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].content) != 2 || got[0].content[1] != (span{25, 30}) || got[0].source[0] != (span{0, 5}) {
		t.Errorf("attributions = %+v", got)
	}
	if _, err := parseOffsets("10 5"); err == nil {
		t.Error("offsets running backwards were accepted")
	}
}

func TestSplitIsStable(t *testing.T) {
	// The split is part of the reported figures: it must not move.
	if splitOf("nyt_2015-11-06_jobs-report-gives-dem") == "" {
		t.Fatal("no split")
	}
	held := 0
	for i := range 1000 {
		if splitOf(filepath.Join("article", string(rune('a'+i%26)), string(rune('A'+i/26)))) == splitHeldOut {
			held++
		}
	}
	if held < 120 || held > 280 {
		t.Errorf("%d of 1000 names held out, want about 200", held)
	}
}

func TestReadPublishers(t *testing.T) {
	cases := []struct {
		name    string
		table   string
		want    map[string]string
		wantErr bool
	}{
		{"columns by header", "compartment\tfilename\tlevel\tpublisher\ntrain\tnyt_a\t3\tnyt\ntrain\tbreitbart_b\t1\tbreitbart\r\n",
			map[string]string{"nyt_a": "nyt", "breitbart_b": "breitbart"}, false},
		{"short rows skipped", "filename\tpublisher\nnyt_a\n", map[string]string{}, false},
		{"no publisher column", "filename\tauthor\nnyt_a\tX\n", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "metadata.tsv")
			if err := os.WriteFile(path, []byte(c.table), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readPublishers(path)
			if (err != nil) != c.wantErr {
				t.Fatalf("error = %v, want error %v", err, c.wantErr)
			}
			if len(got) != len(c.want) {
				t.Fatalf("publishers = %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("publisher of %s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
