package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
)

// redisEnv returns the variables that point a command at a fresh key
// prefix of the test Redis, and the fetcher's state store under it.
func redisEnv(tb testing.TB) (map[string]string, *feedstate.Store) {
	tb.Helper()
	prefix := kafkatest.Name(tb, "cli") + ":"
	rdb := redistest.Connect(tb, prefix)
	return map[string]string{"REDIS_ADDR": redistest.Addr(), "REDIS_KEY_PREFIX": prefix}, feedstate.New(rdb, prefix)
}

func TestFeedsList(t *testing.T) {
	env, store := redisEnv(t)
	ctx := t.Context()
	a, out, _ := newApp(env)
	if err := a.run(ctx, []string{"feeds", "list"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no feeds: the fetcher has not synced a feed list") {
		t.Errorf("empty Redis: %s", out)
	}

	urls := []string{"https://eng.belta.by/rss", "https://www.belta.by/rss", "https://tass.com/rss/v2.xml", "https://new.example/rss"}
	if err := store.Register(ctx, urls); err != nil {
		t.Fatal(err)
	}
	states := []feedstate.Feed{
		{URL: urls[0], LastStatus: "ok", LastCode: 200, LastPoll: now.Add(-90 * time.Second), LastSuccess: now.Add(-90 * time.Second), NextPoll: now.Add(210 * time.Second), Items: 20},
		{URL: urls[1], LastStatus: "not_modified", LastCode: 304, LastPoll: now.Add(-3 * time.Minute), NextPoll: now.Add(-time.Second)},
		{URL: urls[2], LastStatus: "error", LastCode: 503, LastError: "fetch feed: HTTP status 503 (retry after 10m0s)\n\x1b[2Jsecond line", Failures: 4,
			LastPoll: now.Add(-2*time.Hour - 5*time.Minute), LastSuccess: now.Add(-26 * time.Hour), NextPoll: now.Add(55 * time.Minute)},
	}
	for _, s := range states {
		if err := store.Save(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args []string
		file string
	}{
		{[]string{"feeds", "list"}, "feeds-list.golden"},
		{[]string{"feeds", "list", "--failing"}, "feeds-list-failing.golden"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			a, out, _ := newApp(env)
			if err := a.run(ctx, tt.args); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, out.String())
		})
	}

	// Flags override the variables.
	a, out, _ = newApp(map[string]string{"REDIS_ADDR": "127.0.0.1:1"})
	if err := a.run(ctx, []string{"feeds", "list", "--redis-addr", env["REDIS_ADDR"], "--redis-prefix", env["REDIS_KEY_PREFIX"]}); err != nil || !strings.Contains(out.String(), "4 feeds, 1 failing") {
		t.Errorf("flags over variables: %v\n%s", err, out)
	}
	a, _, _ = newApp(map[string]string{"REDIS_ADDR": "127.0.0.1:1"})
	if err := a.run(ctx, []string{"feeds", "list"}); err == nil || !strings.Contains(err.Error(), "Redis at 127.0.0.1:1") {
		t.Errorf("no Redis: err = %v, want one naming the address", err)
	}
	a, _, _ = newApp(map[string]string{"REDIS_ADDR": "nowhere"})
	if err := a.run(ctx, []string{"feeds", "list"}); err == nil || !strings.Contains(err.Error(), "REDIS_ADDR") {
		t.Errorf("bad REDIS_ADDR: err = %v, want one naming the variable", err)
	}
}

// serveFixtures serves the recorded feeds of fixtures/feeds, as make demo
// does, and an article page.
func serveFixtures(tb testing.TB) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feeds/{file}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeFile(w, r, filepath.Join("..", "fixtures", "feeds", filepath.Base(r.PathValue("file"))))
	})
	mux.HandleFunc("GET /summary.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Summaries</title>
<item><guid>s1</guid><link>http://` + r.Host + `/page</link><title>Only a summary</title><description>Short.</description></item>
<item><guid>s2</guid><link>http://` + r.Host + `/gone</link><title>A page that is gone</title><description>Also short.</description></item>
</channel></rss>`))
	})
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeFile(w, r, filepath.Join("..", "pkg", "feed", "fulltext", "testdata", "article.html"))
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

var articleIDs = regexp.MustCompile(`\b[0-9a-f]{32}\b`)

func TestFeedsCheck(t *testing.T) {
	srv := serveFixtures(t)
	env := map[string]string{"FETCH_ALLOW_PRIVATE": "true"}
	tests := []struct {
		args []string
		file string
	}{
		{[]string{"feeds", "check", srv.URL + "/feeds/belta-en.xml", "--name", "BelTA", "--max-pages", "0"}, "feeds-check-belta-en.golden"},
		{[]string{"feeds", "check", "--language", "ru", srv.URL + "/feeds/belta-ru.xml"}, "feeds-check-belta-ru.golden"},
		{[]string{"feeds", "check", srv.URL + "/summary.xml", "--max-pages", "5"}, "feeds-check-summary.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a, out, _ := newApp(env)
			if err := a.run(t.Context(), tt.args); err != nil {
				t.Fatal(err)
			}
			// IDs hash the feed's URL, whose port changes: pkg/feed/articles
			// pins them.
			got := articleIDs.ReplaceAllString(strings.ReplaceAll(out.String(), srv.URL, "http://feeds.test"), "ID")
			golden(t, tt.file, got)
		})
	}

	errs := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"private address refused by default", nil, []string{"feeds", "check", srv.URL + "/feeds/belta-en.xml"}, "loopback, private or link-local"},
		{"not a feed", env, []string{"feeds", "check", srv.URL + "/page"}, "not an RSS, Atom or JSON feed"},
		{"missing", env, []string{"feeds", "check", srv.URL + "/nothing.xml"}, "HTTP status 404"},
		{"not http", env, []string{"feeds", "check", "file:///etc/passwd"}, `url scheme "file" is not http or https`},
		{"bad variable", map[string]string{"FETCH_TIMEOUT": "soon"}, []string{"feeds", "check", srv.URL}, "FETCH_TIMEOUT"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			a, _, _ := newApp(tt.env)
			err := a.run(t.Context(), tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %s", err, tt.want)
			}
		})
	}
}

const opml = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Exported from a reader</title></head>
  <body>
    <outline text="News">
      <outline text="BelTA" title="BelTA" type="rss" xmlUrl="https://eng.belta.by/rss" language="EN"/>
      <outline text="TASS" type="rss" xmlUrl="https://tass.com/rss/v2.xml"/>
      <outline text="BBC" title="BBC News" type="rss" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml?utm_source=reader"/>
    </outline>
    <outline text="Reuters &amp; co" type="rss" xmlUrl="https://reuters.example/world.rss"/>
  </body>
</opml>
`

const existingList = `# The feeds make run watches.
feeds:
  - url: https://eng.belta.by/rss
    name: BelTA
    language: en
    interval: 5m # BelTA publishes often
  - url: https://feeds.bbci.co.uk/news/world/rss.xml
    name: BBC News
`

func TestFeedsImportOPML(t *testing.T) {
	dir := t.TempDir()
	opmlPath := filepath.Join(dir, "export.opml")
	listPath := filepath.Join(dir, "feeds.yaml")
	if err := os.WriteFile(opmlPath, []byte(opml), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(listPath, []byte(existingList), 0o600); err != nil {
		t.Fatal(err)
	}

	a, out, _ := newApp(nil)
	if err := a.run(t.Context(), []string{"feeds", "import-opml", opmlPath}); err != nil {
		t.Fatal(err)
	}
	golden(t, "import-opml-stdout.golden", out.String())

	a, out, _ = newApp(nil)
	if err := a.run(t.Context(), []string{"feeds", "import-opml", opmlPath, "--into", listPath}); err != nil {
		t.Fatal(err)
	}
	golden(t, "import-opml-report.golden", strings.ReplaceAll(out.String(), dir, "DIR"))
	merged, err := os.ReadFile(listPath)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "import-opml-merged.golden", string(merged))
	if info, err := os.Stat(listPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the list's mode changed: %v, %v", info.Mode(), err)
	}

	// Again: nothing to add, the file untouched.
	a, out, _ = newApp(nil)
	if err := a.run(t.Context(), []string{"feeds", "import-opml", "--into", listPath, opmlPath}); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(listPath)
	if string(again) != string(merged) || !strings.HasPrefix(out.String(), "added 0 feeds to") {
		t.Errorf("a second import changed the list or added feeds:\n%s", out)
	}

	// A new file is created.
	fresh := filepath.Join(dir, "new.yaml")
	a, _, _ = newApp(nil)
	if err := a.run(t.Context(), []string{"feeds", "import-opml", opmlPath, "--into", fresh}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(fresh); err != nil || !strings.Contains(string(b), "https://reuters.example/world.rss") {
		t.Errorf("new list: %s, %v", b, err)
	}

	errs := []struct {
		name, content, want string
	}{
		{"not OPML", "feeds: []\n", "not an OPML document"},
		{"bad XML", "<opml><body><outline xmlUrl=", "parse OPML"},
		{"bad feed URL", `<opml><body><outline xmlUrl="ftp://x/rss"/></body></opml>`, `feed 1 (ftp://x/rss): url scheme "ftp"`},
		{"no feeds", `<opml><body><outline text="empty folder"/></body></opml>`, "lists no feeds"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "in.opml")
			if err := os.WriteFile(p, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			a, _, _ := newApp(nil)
			err := a.run(t.Context(), []string{"feeds", "import-opml", p, "--into", listPath})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %s", err, tt.want)
			}
		})
	}
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("feeds: {url: x}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, _, _ = newApp(nil)
	if err := a.run(t.Context(), []string{"feeds", "import-opml", opmlPath, "--into", broken}); err == nil || !strings.Contains(err.Error(), "is not a list") {
		t.Errorf("broken list: err = %v", err)
	}
}

// TestFeedsImportShowsNoControlCharacters: an OPML file is anyone's text;
// a URL with a C1 CSI or a bidi override passes url.Parse, so neither the
// report of what was already listed nor an error may print it as it is.
func TestFeedsImportShowsNoControlCharacters(t *testing.T) {
	dir := t.TempDir()
	hostile := "https://a.example/\u009b2J\u009b31m\u202etxt.exe"
	listed := filepath.Join(dir, "feeds.yaml")
	if err := os.WriteFile(listed, []byte("feeds:\n  - url: \"https://a.example/\\x9B2J\\x9B31m\\u202Etxt.exe\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(name, doc string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	again := write("again.opml", `<opml><body><outline xmlUrl="`+hostile+`"/></body></opml>`)
	bad := write("bad.opml", `<opml><body><outline xmlUrl="gopher://a.example/`+"\u009b2J\u202e"+`"/><outline xmlUrl="file:///`+"\u009b3J"+`"/></body></opml>`)

	a, out, _ := newApp(nil)
	if err := a.run(t.Context(), []string{"feeds", "import-opml", again, "--into", listed}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 already listed:\n  https://a.example/2J31mtxt.exe\n") {
		t.Errorf("report:\n%q", out.String())
	}
	controls(t, "report", out.String())

	a, _, _ = newApp(nil)
	err := a.run(t.Context(), []string{"feeds", "import-opml", bad, "--into", listed})
	if err == nil {
		t.Fatal("an OPML of gopher: and file: feeds was imported")
	}
	var shown strings.Builder
	printError(&shown, err)
	controls(t, "error", shown.String())
	if !strings.Contains(shown.String(), `feed 1 (gopher://a.example/2J): url scheme "gopher" is not http or https`+"\n") ||
		!strings.Contains(shown.String(), `feed 2 (file:///3J): url scheme "file" is not http or https`+"\n") {
		t.Errorf("error shown as:\n%s", shown.String())
	}
}

// controls fails the test if s holds a control or format character other
// than a line feed.
func controls(tb testing.TB, what, s string) {
	tb.Helper()
	if i := strings.IndexFunc(s, func(r rune) bool { return r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) }); i >= 0 {
		tb.Errorf("%s has control character %q at %d:\n%q", what, []rune(s[i:])[0], i, s)
	}
}
