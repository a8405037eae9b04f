package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/newswire/newswire/deploy/internal/envscan"
)

// repoRoot is the repository, seen from this module.
const repoRoot = ".."

// scaling is who sets a service's number of replicas.
type scaling string

const (
	scaledOnLag   scaling = "its group's lag (KEDA)"
	scaledOnCPU   scaling = "CPU (an HPA)"
	singleReplica scaling = "nothing (one replica in every overlay)"
)

// service is what the tests know of one Newswire service.
type service struct {
	name       string // fetcher
	deployment string // its Deployment and Service: newswire-fetcher
	// consumes lists the TOPIC_* variables naming the topics it reads in its
	// consumer group (its main.go); none for the fetcher.
	consumes []string
	// group is the variable naming that consumer group.
	group string
	// produces lists the TOPIC_* variables naming the topics it writes.
	produces []string
	// reaches is where its NetworkPolicy lets it go (the rule).
	reaches []string
	// ui is the variable of the address where it serves a page to people,
	// beside HTTP_ADDR (the console's CONSOLE_ADDR). A ClusterIP Service
	// <deployment>-ui fronts it, and its NetworkPolicy admits the cluster's
	// pods to it; Prometheus alone reaches any other service.
	ui      string
	scaling scaling
	// shared are the folders of pkg/, beside pkg/config, whose code reads
	// variables for it (the fetcher's FETCH_* client settings live with
	// the feed code the CLI shares).
	shared []string
	vars   envscan.Vars // every variable its code reads, with defaults
}

// runtimeVars are read by the Go runtime rather than by config.Env.
var runtimeVars = map[string]bool{"GOMEMLIMIT": true, "GOMAXPROCS": true, "GOGC": true, "GODEBUG": true}

// loadServices scans each service's source (and pkg/config, which reads the
// common variables) for the variables it accepts.
func loadServices(tb testing.TB) []*service {
	tb.Helper()
	all := []*service{
		{
			name:     "fetcher",
			produces: []string{"TOPIC_ARTICLES"},
			reaches:  []string{"dns", "internet", "kafka", "redis"},
			scaling:  scaledOnCPU,
			shared:   []string{"feed"},
		},
		{
			name:     "extractor",
			consumes: []string{"TOPIC_ARTICLES"},
			group:    "CONSUMER_GROUP",
			produces: []string{"TOPIC_QUOTES", "TOPIC_ENTITIES", "TOPIC_DEADLETTER"},
			reaches:  []string{"dns", "kafka"},
			scaling:  scaledOnLag,
		},
		{
			name:     "publisher",
			consumes: []string{"TOPIC_QUOTES", "TOPIC_ENTITIES"},
			group:    "CONSUMER_GROUP",
			produces: []string{"TOPIC_ENRICHED_QUOTES", "TOPIC_ENRICHED_ENTITIES", "TOPIC_DEADLETTER"},
			reaches:  []string{"dns", "kafka", "redis"},
			scaling:  scaledOnLag,
		},
		{
			// Every replica pushes to its pages only what it consumes, so a
			// second one in the group would split the live stream.
			name:     "console",
			consumes: []string{"TOPIC_ENRICHED_QUOTES", "TOPIC_ENRICHED_ENTITIES"},
			group:    "CONSOLE_GROUP",
			reaches:  []string{"dns", "kafka", "redis"},
			ui:       "CONSOLE_ADDR",
			scaling:  singleReplica,
		},
	}
	for _, s := range all {
		s.deployment = "newswire-" + s.name
		dirs := []string{filepath.Join(repoRoot, "pkg", "config"), filepath.Join(repoRoot, "services", s.name)}
		for _, d := range s.shared {
			dirs = append(dirs, filepath.Join(repoRoot, "pkg", d))
		}
		vars, err := envscan.Scan(dirs...)
		if err != nil {
			tb.Fatalf("scan the variables of %s: %v", s.name, err)
		}
		s.vars = vars
	}
	return all
}

// TestEveryServiceIsCovered: the table above names every service of the
// repository and of `make images`, so a new service cannot ship without the
// manifests and the checks the others have.
func TestEveryServiceIsCovered(t *testing.T) {
	var table []string
	for _, s := range loadServices(t) {
		table = append(table, s.name)
	}
	sort.Strings(table)

	dirs, err := filepath.Glob(filepath.Join(repoRoot, "services", "*", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	var inRepo []string
	for _, d := range dirs {
		inRepo = append(inRepo, filepath.Base(filepath.Dir(d)))
	}
	sort.Strings(inRepo)
	if !slices.Equal(inRepo, table) {
		t.Errorf("services/ holds %v, the deploy tests know %v", inRepo, table)
	}

	images := strings.Fields(makeVariable(t, "SERVICES"))
	sort.Strings(images)
	if !slices.Equal(images, table) {
		t.Errorf("`make images` builds %v, the deploy tests know %v", images, table)
	}
}

// makeVariable returns the value the root Makefile gives a variable
// (`NAME := value`, or `export NAME := value`).
func makeVariable(tb testing.TB, name string) string {
	tb.Helper()
	makefile, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	if err != nil {
		tb.Fatal(err)
	}
	assign := regexp.MustCompile(`(?m)^(?:export\s+)?` + regexp.QuoteMeta(name) + `\s*:?=\s*(.*?)\s*$`)
	m := assign.FindSubmatch(makefile)
	if m == nil {
		tb.Fatalf("the Makefile does not set %s", name)
	}
	return string(m[1])
}

var metricName = regexp.MustCompile(`Name:\s*"(newswire_[a-z0-9_]+)"`)

// codeMetrics returns every newswire_* metric the code registers, from the
// `Name: "newswire_..."` of its collector options, with the file it is in.
func codeMetrics(tb testing.TB) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, dir := range []string{"pkg", "services"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range metricName.FindAllSubmatch(src, -1) {
				out[string(m[1])] = path
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("scan metrics: %v", err)
		}
	}
	if len(out) == 0 {
		tb.Fatal("found no newswire_* metric in the code")
	}
	return out
}

// knownMetric reports whether a metric a rule or panel names exists: one of
// ours (histograms add _bucket, _sum and _count), or one of the exporters
// the operations page requires.
func knownMetric(name string, ours map[string]string) bool {
	if strings.HasPrefix(name, "newswire_") {
		for _, suffix := range []string{"", "_bucket", "_sum", "_count"} {
			if _, ok := ours[strings.TrimSuffix(name, suffix)]; ok && strings.HasSuffix(name, suffix) {
				return true
			}
		}
		return false
	}
	for _, prefix := range []string{
		"kafka_consumergroup_", // Strimzi Kafka Exporter
		"kube_",                // kube-state-metrics
		"process_", "go_",      // the Go and process collectors of pkg/admin
		"up",
	} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// headingAnchors returns the GitHub anchors of a Markdown file's headings.
func headingAnchors(tb testing.TB, path string) map[string]bool {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
				b.WriteRune(r)
			case r == ' ':
				b.WriteRune('-')
			}
		}
		out[b.String()] = true
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestMetricsAreDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	metrics := codeMetrics(t)
	for _, name := range sortedKeys(metrics) {
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("metric %s (%s) is not documented in docs/operations.md", name, metrics[name])
		}
	}
}
