package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/e2e/harness"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/testnet"
	"github.com/newswire/newswire/pkg/testwait"
)

// TestConsoleShowsTheSeedQuotations runs what `make demo` runs — the
// recorded feeds through fetcher, extractor and publisher — with the
// console, and reads the console's API as its page does: every quotation
// of the seed article, attributed to Sergey Lavrov, both feeds healthy,
// and the entities the articles name on the trending board.
func TestConsoleShowsTheSeedQuotations(t *testing.T) {
	p := startPipeline(t)
	env := map[string]string{"CONSOLE_ADDR": testnet.FreeAddr(t), "CONSOLE_GROUP": kafkatest.Name(t, "console"), "CONSOLE_REFRESH": "500ms"}
	for k, v := range p.env {
		env[k] = v
	}
	harness.Start(t, p.bin, "console", env)
	base := "http://" + env["CONSOLE_ADDR"]

	var gold seedGold
	b, err := os.ReadFile(harness.RepoFile(t, "fixtures/seed/belta-lavrov-central-asia.gold.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &gold); err != nil {
		t.Fatal(err)
	}
	type quote struct {
		Speaker, Text, Source, URL string
	}
	var quotes []quote
	testwait.For(t, 60*time.Second, "the seed quotations on the console", func() bool {
		var body struct{ Quotes []quote }
		if !getJSON(base+"/api/quotes", &body) {
			return false
		}
		quotes = body.Quotes
		found := 0
		for _, g := range gold.Quotes {
			for _, q := range quotes {
				if strings.Contains(q.Text, g.Text) { // a gold text may stop short of the quotation's end
					found++
					break
				}
			}
		}
		return found == len(gold.Quotes)
	})
	for _, g := range gold.Quotes {
		for _, q := range quotes {
			if strings.Contains(q.Text, g.Text) && (q.Speaker != "Sergey Lavrov" || q.Source != "BelTA" || !strings.HasPrefix(q.URL, "https://eng.belta.by/")) {
				t.Errorf("quotation %.50q shown as %+v, want Sergey Lavrov's, from BelTA, linked", g.Text, q)
			}
		}
	}

	var feeds struct {
		Feeds []struct {
			URL   string `json:"url"`
			State string `json:"state"`
		}
		Healthy int `json:"healthy"`
	}
	testwait.For(t, 30*time.Second, "both feeds healthy on the console", func() bool {
		return getJSON(base+"/api/feeds", &feeds) && feeds.Healthy == 2 && len(feeds.Feeds) == 2
	})
	var board struct {
		Day []struct {
			Name    string `json:"name"`
			LastDay int    `json:"last_day"`
		} `json:"day"`
	}
	testwait.For(t, 30*time.Second, "entities on the trending board", func() bool {
		return getJSON(base+"/api/trending", &board) && len(board.Day) > 0 && board.Day[0].LastDay > 0
	})
}

// getJSON reads url into v, reporting whether it could.
func getJSON(url string, v any) bool {
	resp, err := http.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(v) == nil
}
