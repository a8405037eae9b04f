// Command vulndb builds a local copy of the Go vulnerability database for
// `govulncheck -db file://…`, from the OSV entries the golang.org/x/vulndb
// module ships: this machine reaches the Go module proxy but not
// vuln.go.dev. The module version is pinned by the caller, so the check
// is repeatable; bump it to learn of newer vulnerabilities.
//
//	go run ./vulndb -module golang.org/x/vulndb@v0.0.0-… -out ../.cache/vulndb
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	module := flag.String("module", "", "golang.org/x/vulndb@version to build from")
	out := flag.String("out", ".cache/vulndb", "the database folder to write")
	flag.Parse()
	if err := run(*module, *out); err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
}

// entry is the part of an OSV entry the index needs.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
	} `json:"affected"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
}

type moduleMeta struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

func run(module, out string) error {
	if !strings.HasPrefix(module, "golang.org/x/vulndb@") {
		return errors.New("-module must be golang.org/x/vulndb@<version>")
	}
	stamp := filepath.Join(out, "module.txt")
	if b, err := os.ReadFile(stamp); err == nil && string(b) == module {
		return nil // already built from this version
	}
	dl, err := exec.Command("go", "mod", "download", "-json", module).Output()
	if err != nil {
		return fmt.Errorf("download %s: %w", module, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(dl, &info); err != nil {
		return fmt.Errorf("download %s: %w", module, err)
	}
	if info.Dir == "" {
		return fmt.Errorf("download %s: %s", module, info.Error)
	}
	src := filepath.Join(info.Dir, "data", "osv")
	files, err := filepath.Glob(filepath.Join(src, "*.json"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no OSV entries in %s", src)
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(out, "ID"), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(out, "index"), 0o755); err != nil {
		return err
	}
	modules := map[string]*moduleMeta{}
	var newest time.Time
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var e entry
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("parse %s: %w", f, err)
		}
		if e.Modified.After(newest) {
			newest = e.Modified
		}
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), b, 0o644); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, a := range e.Affected {
			path := a.Package.Name
			if path == "" || seen[path] {
				continue
			}
			seen[path] = true
			m, ok := modules[path]
			if !ok {
				m = &moduleMeta{Path: path}
				modules[path] = m
			}
			m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified})
		}
	}
	index := make([]*moduleMeta, 0, len(modules))
	for _, m := range modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		index = append(index, m)
	}
	sort.Slice(index, func(i, j int) bool { return index[i].Path < index[j].Path })
	if err := writeJSON(filepath.Join(out, "index", "modules.json"), index); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(out, "index", "db.json"), map[string]time.Time{"modified": newest}); err != nil {
		return err
	}
	fmt.Printf("vulndb: %d entries for %d modules\n", len(files), len(index))
	return os.WriteFile(stamp, []byte(module), 0o644)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
