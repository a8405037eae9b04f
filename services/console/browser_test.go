package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/testwait"
)

// chromium returns the browser the test drives: CHROMIUM, else Debian's
// chromium. The test fails without one: `make test` installs it.
func chromium(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	tb.Fatal("no chromium on PATH (Debian package chromium; `make test` installs it, or set CHROMIUM)")
	return ""
}

// browse starts a headless Chromium of the test's own and returns a tab.
// The flags keep it off the network (this machine refuses its background
// connections) and away from any profile.
func browse(tb testing.TB) context.Context {
	tb.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(tb)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	tb.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first action starts the browser, which lives as long as tab.
	if err := chromedp.Do(tab); err != nil {
		tb.Fatalf("start chromium: %v", err)
	}
	return tab
}

// waitJS evaluates a JavaScript condition until it is true.
func waitJS(tb testing.TB, tab context.Context, what, js string, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](js))
		if err != nil {
			tb.Fatalf("%s: evaluate %s: %v", what, js, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			text, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
			tb.Fatalf("%s: not within %s; the page reads:\n%s", what, timeout, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBrowser(t *testing.T) {
	c := startConsole(t)
	c.feeds(t)
	tab := browse(t)
	if err := chromedp.Do(tab, chromedp.Navigate(c.url)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "the live stream connects", `document.getElementById("status").dataset.state === "live"`, 10*time.Second)
	waitJS(t, tab, "feed health shows both feeds, the failing first",
		`(() => { const rows = document.querySelectorAll("#feeds tbody tr");
		  return rows.length === 2 && rows[0].dataset.state === "failing" && rows[0].innerText.includes("HTTP 503")
		    && rows[1].innerText.includes("eng.belta.by") && rows[1].innerText.includes("36"); })()`, 5*time.Second)

	// A quotation produced upstream appears, live, within seconds.
	a := lavrovArticle()
	text := fmt.Sprintf("What is happening in Eurasia testifies to the fact (%d).", time.Now().UnixNano())
	start := time.Now()
	c.produce(t, enrichedQuote(a, "Sergey Lavrov", text))
	waitJS(t, tab, "the quotation appears", fmt.Sprintf(`(() => { const q = document.querySelector("#quotes li.quote");
		return !!q && q.innerText.includes(%q) && q.querySelector(".speaker").textContent === "Sergey Lavrov"
		  && q.querySelector("a").href === %q; })()`, text, a.URL), 10*time.Second)
	t.Logf("the quotation appeared %s after it was produced", time.Since(start).Round(time.Millisecond))

	// What a record holds is shown as text, never run as markup.
	hostile := `<img src=x onerror="document.title='owned'"> <b>bold</b>`
	c.produce(t, enrichedQuote(a, "<script>alert(1)</script>", hostile))
	waitJS(t, tab, "the hostile quotation appears as text", `(() => { const q = document.querySelector("#quotes li.quote");
		return !!q && q.innerText.includes("<img src=x") && q.querySelector("img, b, script") === null && document.title !== "owned"; })()`, 10*time.Second)

	// Words longer than the page is wide wrap rather than widen it, even
	// when the quotation is opened whole, and a javascript: link is no link.
	long := a
	long.URL, long.Source = "javascript:document.title='owned'", strings.Repeat("Outlet", 50)
	word := strings.Repeat("Ж", 1000)
	c.produce(t, enrichedQuote(long, strings.Repeat("Speaker", 40), word))
	waitJS(t, tab, "the long words appear", fmt.Sprintf(`(() => { const q = document.querySelector("#quotes li.quote");
		return !!q && q.innerText.includes(%q) && q.querySelector("a") === null; })()`, word[:60]), 10*time.Second)
	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#quotes li.quote blockquote`))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "the long words wrap within the page", `(() => { const q = document.querySelector("#quotes li.quote");
		const inside = (e) => e.getBoundingClientRect().right <= q.getBoundingClientRect().right + 1;
		return q.querySelector("blockquote").classList.contains("open") && [...q.querySelectorAll("blockquote, .meta > *")].every(inside)
		  && document.documentElement.scrollWidth <= document.documentElement.clientWidth; })()`, 5*time.Second)

	// The trending chart renders bars with the publisher's counts.
	c.produce(t, enrichedEntity(a, "Q7747", "Sergey Lavrov", event.TypePerson), enrichedEntity(a, "Q232", "Kazakhstan", event.TypeGPE))
	now := time.Now()
	for i := range 3 {
		c.mention(t, "Q7747", fmt.Sprint("article-", i), now.Add(-time.Duration(i)*time.Minute))
	}
	c.mention(t, "Q7747", "article-old", now.Add(-5*time.Hour))
	c.mention(t, "Q232", "article-0", now)
	waitJS(t, tab, "the chart shows the last hour", `(() => { const bars = document.querySelectorAll("#chart rect.bar");
		const rows = document.querySelectorAll("#chart g.row");
		return bars.length === 2 && rows[0].dataset.entity === "Q7747" && bars[0].dataset.count === "3" && bars[1].dataset.count === "1"
		  && Number(bars[0].getAttribute("width")) > Number(bars[1].getAttribute("width"))
		  && rows[0].querySelectorAll("rect.spark").length === 2 && rows[1].querySelectorAll("rect.spark").length === 1; })()`, 10*time.Second)
	if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(`.tabs button[data-window="day"]`))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, tab, "the chart shows the day", `(() => { const bars = document.querySelectorAll("#chart rect.bar.day");
		return bars.length === 2 && bars[0].dataset.count === "4"
		  && document.querySelector("#chart g.row").querySelectorAll("rect.spark").length === 2; })()`, 5*time.Second)

	if shot := os.Getenv("CONSOLE_SCREENSHOT"); shot != "" {
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(shot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A page refused for want of room (503) connects again, after a while, on
// its own: EventSource gives up after an HTTP error, the page does not.
func TestBrowserReconnectsWhenRefused(t *testing.T) {
	c := startConsole(t, map[string]string{"CONSOLE_VIEWERS": "1"})
	// Another page holds the only place.
	held, err := http.Get(c.url + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Body.Close()
	if held.StatusCode != http.StatusOK {
		t.Fatalf("the first page: %s", held.Status)
	}
	tab := browse(t)
	if err := chromedp.Do(tab, chromedp.Navigate(c.url)); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, 10*time.Second, "the page is refused and counted", func() bool {
		return c.metric(t, "newswire_console_viewers_refused_total") >= 1
	})
	held.Body.Close()
	waitJS(t, tab, "the refused page connects once there is room", `document.getElementById("status").dataset.state === "live"`, 20*time.Second)
}
