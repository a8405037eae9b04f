package deploy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

const dashboardFile = "k8s/base/monitoring/dashboard.json"

type dashboard struct {
	UID        string `json:"uid"`
	Title      string `json:"title"`
	Templating struct {
		List []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

type panel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource *struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	GridPos struct {
		H, W, X, Y int
	} `json:"gridPos"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// grafanaVars stand in for the dashboard's variables so that PromQL parses.
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$namespace", "newswire")

func TestDashboard(t *testing.T) {
	src, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(src, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	if d.UID == "" || d.Title == "" {
		t.Error("the dashboard needs a uid and a title")
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
	}
	if vars["datasource"] != "datasource" || vars["namespace"] != "query" {
		t.Errorf("variables %v: want a datasource and a namespace", vars)
	}

	metrics := codeMetrics(t)
	services := loadServices(t)
	ids := map[int]bool{}
	cells := map[[2]int]string{} // every grid cell a panel covers
	var queries int
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d used twice", p.ID)
		}
		ids[p.ID] = true
		g := p.GridPos
		if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 {
			t.Errorf("panel %q: gridPos %+v is off the 24-column grid", p.Title, g)
		}
		for x := g.X; x < g.X+g.W; x++ {
			for y := g.Y; y < g.Y+g.H; y++ {
				if other, ok := cells[[2]int{x, y}]; ok {
					t.Fatalf("panel %q overlaps %q at column %d, row %d", p.Title, other, x, y)
				}
				cells[[2]int{x, y}] = p.Title
			}
		}
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" || len(p.Targets) == 0 {
			t.Errorf("panel %q: needs targets on the ${datasource} variable", p.Title)
		}
		for i, target := range p.Targets {
			queries++
			if !strings.Contains(target.Expr, `namespace="$namespace"`) {
				t.Errorf("panel %q query %d ignores the namespace variable", p.Title, i)
			}
			checkExpr(t, fmt.Sprintf("panel %q query %d", p.Title, i), grafanaVars.Replace(target.Expr), metrics, services)
		}
	}
	if queries == 0 {
		t.Error("no queries")
	}
}
