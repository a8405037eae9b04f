package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func samples() map[string]any {
	when := time.Date(2024, 4, 23, 7, 15, 0, 0, time.UTC)
	art := Article{
		ID: "3f1c", URL: "https://eng.belta.by/politics/view/1", Title: "Lavrov: ‘They Are Trying to Pull Our Central Asian Neighbors Towards the West’",
		Source: "BelTA", Language: "en", PublishedAt: when, FetchedAt: when.Add(time.Minute),
		Body: "Speaking about the West’s current policy, Sergey Lavrov said: “What is happening in Eurasia testifies to the fact.”", FeedURL: "https://eng.belta.by/rss", Revision: 1,
	}
	name, role, verb := "Sergey Lavrov", "Russian Minister of Foreign Affairs", "said"
	q := Quote{
		ID: QuoteID(art.ID, InBody, 63, "What is happening in Eurasia testifies to the fact."), ArticleContext: art.Context(),
		Text: "What is happening in Eurasia testifies to the fact.", Speaker: Speaker{Name: &name, Role: &role},
		Verb: &verb, Attribution: AttributionExplicit, Offset: 63, Length: 51, OffsetUnit: OffsetUnit, In: InBody,
	}
	qid := "Q159"
	e := Entity{
		ID: EntityRecordID(art.ID, qid), EntityID: qid, ArticleContext: art.Context(), Name: "Russia", Type: TypeGPE,
		WikidataID: &qid, Mentions: []Mention{{Text: "Russia", Offset: 10, Length: 6, In: InBody}}, OffsetUnit: OffsetUnit,
	}
	en := Enrichment{FirstSeenAt: when.Add(2 * time.Minute), Sources: []SourceRef{{Source: "BelTA", URL: art.URL, ArticleID: art.ID, SeenAt: when.Add(2 * time.Minute)}}, Revision: 1}
	return map[string]any{
		"article":         art,
		"quote":           q,
		"entity":          e,
		"enriched-quote":  EnrichedQuote{Quote: q, Enrichment: en},
		"enriched-entity": EnrichedEntity{Entity: e, Enrichment: en},
	}
}

// TestRecordsMatchGoldenFilesAndSchemas pins each record's JSON and checks
// it against the JSON Schema published for its topic.
func TestRecordsMatchGoldenFilesAndSchemas(t *testing.T) {
	compiler := jsonschema.NewCompiler()
	for name, v := range samples() {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Errorf("JSON differs from %s (run with -update after checking the change):\n%s", golden, got)
			}

			schema, err := compiler.Compile(filepath.Join("schema", name+".json"))
			if err != nil {
				t.Fatalf("compile schema: %v", err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("record breaks its schema: %v", err)
			}
		})
	}
}

func TestDecodeReportsWhatIsWrong(t *testing.T) {
	good := map[string]string{}
	for _, name := range []string{"article", "quote", "entity", "enriched-quote"} {
		b, err := json.Marshal(samples()[name])
		if err != nil {
			t.Fatal(err)
		}
		good[name] = string(b)
	}
	quote := func(b []byte) error { _, err := Decode[Quote](b); return err }
	entity := func(b []byte) error { _, err := Decode[Entity](b); return err }
	article := func(b []byte) error { _, err := Decode[Article](b); return err }
	enrichedQuote := func(b []byte) error { _, err := Decode[EnrichedQuote](b); return err }
	longURL := "https://eng.belta.by/" + strings.Repeat("a", MaxURLBytes)
	longID := strings.Repeat("f", MaxNameBytes+1)
	url := `"https://eng.belta.by/politics/view/1"`
	mention := `{"text":"Russia","offset":10,"length":6,"in":"body"}`
	// nestedIn adds to a record an unknown field of arrays nested n deep.
	nestedIn := func(record string, n int) string {
		return strings.Replace(record, `{"id"`, `{"x":`+strings.Repeat("[", n)+strings.Repeat("]", n)+`,"id"`, 1)
	}
	text := `"What is happening in Eurasia testifies to the fact."`
	cases := []struct {
		name    string
		decode  func([]byte) error
		in      string
		wantErr error
		mention []string
	}{
		{"valid", quote, good["quote"], nil, nil},
		{"valid, white space around", quote, " \n" + good["quote"] + "\n\t", nil, nil},
		{"not JSON", quote, "{nope", ErrMalformed, nil},
		{"wrong type", quote, `{"id": 5}`, ErrMalformed, []string{"id"}},
		{"trailing data", quote, good["quote"] + `{}`, ErrMalformed, []string{"after top-level value"}},
		{"missing fields", quote, `{"id":"x","speaker":{"name":null}}`, ErrInvalid, []string{"article_id", "source", "text", "attribution", "offset_unit", "in"}},
		{"unknown attribution", quote, strings.Replace(good["quote"], `"explicit"`, `"rumour"`, 1), ErrInvalid, []string{"rumour"}},
		{"negative offset", quote, strings.Replace(good["quote"], `"offset":63`, `"offset":-1`, 1), ErrInvalid, []string{"offset -1 is negative"}},
		{"negative length", quote, strings.Replace(good["quote"], `"length":51`, `"length":-2`, 1), ErrInvalid, []string{"length -2 is negative"}},
		{"in the title", quote, strings.Replace(good["quote"], `"in":"body"`, `"in":"title"`, 1), nil, nil},
		{"in neither body nor title", quote, strings.Replace(good["quote"], `"in":"body"`, `"in":"summary"`, 1), ErrInvalid, []string{`in "summary" is neither "body" nor "title"`}},
		{"offsets in bytes", quote, strings.Replace(good["quote"], `"codepoint"`, `"byte"`, 1), ErrInvalid, []string{`offset_unit "byte" is not "codepoint"`}},
		{"entity", entity, good["entity"], nil, nil},
		{"entity, offsets in bytes", entity, strings.Replace(good["entity"], `"codepoint"`, `"utf16"`, 1), ErrInvalid, []string{`offset_unit "utf16" is not "codepoint"`}},
		{"entity, no offset unit", entity, strings.Replace(good["entity"], `"offset_unit":"codepoint"`, `"offset_unit":""`, 1), ErrInvalid, []string{`offset_unit "" is not "codepoint"`}},
		{"entity, mention in the title", entity, strings.Replace(good["entity"], mention, `{"text":"Russia","offset":0,"length":6,"in":"title"}`, 1), nil, nil},
		{"entity, broken second mention", entity, strings.Replace(good["entity"], mention, mention+`,{"text":"Russia","offset":-4,"length":-6,"in":"BODY"}`, 1), ErrInvalid,
			[]string{"mentions[1].offset -4 is negative", "mentions[1].length -6 is negative", `mentions[1].in "BODY" is neither "body" nor "title"`}},
		{"entity, mention without in", entity, strings.Replace(good["entity"], `,"in":"body"`, ``, 1), ErrInvalid, []string{`mentions[0].in "" is neither`}},
		{"attribution of 1 MiB", quote, strings.Replace(good["quote"], `"explicit"`, `"`+strings.Repeat("Ж", 1<<19)+`"`, 1), ErrInvalid,
			[]string{`attribution "` + strings.Repeat("Ж", 32) + `…" is not a known kind`}},
		{"3,000 broken mentions", entity, strings.Replace(good["entity"], mention, mention+strings.Repeat(`,{"offset":1,"length":1,"in":"x"}`, 3000), 1), ErrInvalid,
			[]string{`mentions[1].in "x"`, `mentions[10].in "x" is neither "body" nor "title"; and 2990 more`}},
		{"article, id of 1 KiB and a byte", article, strings.Replace(good["article"], `"3f1c"`, `"`+longID+`"`, 1), ErrInvalid, []string{"id of 1025 bytes is over 1024"}},
		{"article, url over 8 KiB", article, strings.Replace(good["article"], url, `"`+longURL+`"`, 1), ErrInvalid, []string{"url of 8213 bytes is over 8192"}},
		{"article, title over 4 KiB", article, strings.Replace(good["article"], `"Lavrov:`, `"`+strings.Repeat("Ж", 2048)+`Lavrov:`, 1), ErrInvalid, []string{"title of"}},
		{"quote, url over 8 KiB", quote, strings.Replace(good["quote"], url, `"`+longURL+`"`, 1), ErrInvalid, []string{"url of 8213 bytes is over 8192"}},
		{"quote, article_id over 1 KiB", quote, strings.Replace(good["quote"], `"article_id":"3f1c"`, `"article_id":"`+longID+`"`, 1), ErrInvalid, []string{"article_id of 1025 bytes"}},
		{"entity, entity_id over 1 KiB", entity, strings.Replace(good["entity"], `"entity_id":"Q159"`, `"entity_id":"`+longID+`"`, 1), ErrInvalid, []string{"entity_id of 1025 bytes"}},
		{"enriched quote, source url over 8 KiB", enrichedQuote, strings.Replace(good["enriched-quote"], `"url":`+url+`,"article_id"`, `"url":"`+longURL+`","article_id"`, 1), ErrInvalid,
			[]string{"sources[0].url of 8213 bytes is over 8192"}},
		{"enriched quote", enrichedQuote, good["enriched-quote"], nil, nil},
		{"unknown field nested to the bound", quote, nestedIn(good["quote"], MaxDepth-1), nil, nil},
		{"unknown field nested a level too deep", quote, nestedIn(good["quote"], MaxDepth), ErrMalformed, []string{"nest deeper than 64 at byte 68"}},
		{"entity nested a million deep", entity, nestedIn(good["entity"], 1_000_000), ErrMalformed, []string{"nest deeper than 64"}},
		{"brackets and escaped quotation marks in a string", quote,
			strings.Replace(good["quote"], text, `"`+strings.Repeat(`[{\"`, 1000)+text[1:len(text)-1]+`\\"`, 1), nil, nil},
		{"article, language of 64 bytes", article, strings.Replace(good["article"], `"language":"en"`, `"language":"`+strings.Repeat("e", 64)+`"`, 1), nil, nil},
		{"article, language of 1 MiB", article, strings.Replace(good["article"], `"language":"en"`, `"language":"`+strings.Repeat("e", 1<<20)+`"`, 1), ErrInvalid,
			[]string{"language of 1048576 bytes is over 64"}},
		{"quote, language over 64 bytes", quote, strings.Replace(good["quote"], `"language":"en"`, `"language":"`+strings.Repeat("e", 65)+`"`, 1), ErrInvalid,
			[]string{"language of 65 bytes is over 64"}},
		{"article, times at the ends of the years 0 to 9999 in UTC", article, strings.NewReplacer(`"2024-04-23T07:15:00Z"`, `"0000-01-01T00:00:00-23:59"`,
			`"2024-04-23T07:16:00Z"`, `"9999-12-31T23:59:59+23:59"`).Replace(good["article"]), nil, nil},
		{"article, times past the year 9999 or before 0 in UTC", article, strings.NewReplacer(`"2024-04-23T07:15:00Z"`, `"0000-01-01T00:00:00+23:59"`,
			`"2024-04-23T07:16:00Z"`, `"9999-12-31T23:59:59-23:59"`).Replace(good["article"]), ErrInvalid,
			[]string{"published_at 0000-01-01T00:00:00+23:59 is in the year -1 in UTC, outside 0 to 9999", "fetched_at 9999-12-31T23:59:59-23:59 is in the year 10000 in UTC"}},
		{"enriched quote, seen_at past the year 9999 in UTC", enrichedQuote, strings.Replace(good["enriched-quote"], `"seen_at":"2024-04-23T07:17:00Z"`, `"seen_at":"9999-12-31T23:30:00-01:00"`, 1), ErrInvalid,
			[]string{"sources[0].seen_at 9999-12-31T23:30:00-01:00 is in the year 10000 in UTC"}},
		{"enriched quote, first_seen_at past the year 9999 in UTC", enrichedQuote, strings.Replace(good["enriched-quote"], `"first_seen_at":"2024-04-23T07:17:00Z"`, `"first_seen_at":"9999-12-31T23:30:00-01:00"`, 1), ErrInvalid,
			[]string{"first_seen_at 9999-12-31T23:30:00-01:00 is in the year 10000 in UTC"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.decode([]byte(c.in))
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			if err != nil && len(err.Error()) > 2048 {
				t.Errorf("error of %d bytes, want at most 2 KiB: %.200s…", len(err.Error()), err)
			}
			for _, m := range c.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not name %q", err, m)
				}
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, v := range samples() {
		b, _ := json.Marshal(v)
		f.Add(b)
	}
	f.Add([]byte(`{"id":"x","mentions":[{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, decode := range []func([]byte) error{
			func(b []byte) error { _, err := Decode[Article](b); return err },
			func(b []byte) error { _, err := Decode[Quote](b); return err },
			func(b []byte) error { _, err := Decode[Entity](b); return err },
			func(b []byte) error { _, err := Decode[EnrichedQuote](b); return err },
			func(b []byte) error { _, err := Decode[EnrichedEntity](b); return err },
		} {
			if err := decode(b); err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v is neither ErrMalformed nor ErrInvalid", err)
			}
		}
	})
}

func BenchmarkDecodeQuote(b *testing.B) {
	in, _ := json.Marshal(samples()["enriched-quote"])
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Decode[EnrichedQuote](in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeNested decodes a record of 2 MB whose unknown field nests
// arrays a million deep: refused before the decoder recurses into it.
func BenchmarkDecodeNested(b *testing.B) {
	good, _ := json.Marshal(samples()["quote"])
	in := []byte(strings.Replace(string(good), `{"id"`, `{"x":`+strings.Repeat("[", 1_000_000)+strings.Repeat("]", 1_000_000)+`,"id"`, 1))
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Decode[Quote](in); !errors.Is(err, ErrMalformed) {
			b.Fatalf("err = %v, want ErrMalformed", err)
		}
	}
}
