package deploy_test

import (
	"bufio"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"fmt"
	"go/version"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY, ...
	args string
	line int
}

// stage is one FROM and what follows it.
type stage struct {
	image, name string
	steps       []instruction
}

// parseDockerfile reads the instructions of a Dockerfile into stages.
func parseDockerfile(tb testing.TB, file string) []stage {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var (
		stages []stage
		buf    strings.Builder
		start  int
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if buf.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if buf.Len() == 0 {
			start = n
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			buf.WriteString(cont + " ")
			continue
		}
		buf.WriteString(line)
		cmd, args, _ := strings.Cut(buf.String(), " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		buf.Reset()
		if in.cmd == "FROM" {
			fields := strings.Fields(in.args)
			st := stage{image: fields[0]}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				st.name = fields[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) == 0 {
			tb.Fatalf("%s:%d: %s before FROM", file, in.line, in.cmd)
		}
		stages[len(stages)-1].steps = append(stages[len(stages)-1].steps, in)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return stages
}

// copyArgs splits a COPY's flags from its sources and destination.
func copyArgs(in instruction) (flags, sources []string, dest string) {
	fields := strings.Fields(in.args)
	for len(fields) > 0 && strings.HasPrefix(fields[0], "--") {
		flags, fields = append(flags, fields[0]), fields[1:]
	}
	if len(fields) < 2 {
		return flags, nil, ""
	}
	return flags, fields[:len(fields)-1], fields[len(fields)-1]
}

var (
	pinnedFrom   = regexp.MustCompile(`^[a-z0-9./-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$`)
	goImageTag   = regexp.MustCompile(`^golang:(\d+\.\d+\.\d+)`)
	dockerIgnore = ".dockerignore"
)

func TestDockerfiles(t *testing.T) {
	for _, s := range loadServices(t) {
		t.Run(s.name, func(t *testing.T) {
			file := filepath.Join(repoRoot, "services", s.name, "Dockerfile")
			stages := parseDockerfile(t, file)
			if len(stages) < 2 {
				t.Fatalf("%d stages: want a build stage and a runtime stage", len(stages))
			}
			for _, st := range stages {
				if !pinnedFrom.MatchString(st.image) {
					t.Errorf("FROM %s is not pinned by tag and digest", st.image)
				}
			}

			// The build stage: static, with the project's Go (go.work's
			// toolchain, which `make build` uses too) or newer, and at least
			// the Go every module asks for.
			build := stages[0]
			env := stageEnv(build)
			if env["CGO_ENABLED"] != "0" || env["GOWORK"] != "off" {
				t.Errorf("build stage ENV %v: want CGO_ENABLED=0 and GOWORK=off", env)
			}
			if _, ok := env["GOTOOLCHAIN"]; !ok {
				t.Error("the build stage does not set GOTOOLCHAIN: the golang image's own (local) builds with the image's Go, whatever the go.mod's toolchain line says")
			}
			tc := builderToolchain(t, build)
			mod := readModFile(t, filepath.Join(repoRoot, "services", s.name, "go.mod"))
			builder, project := tc.builds(mod), projectToolchain(t)
			if version.Compare(builder, project) < 0 {
				t.Errorf("the build stage builds with %s (%s, GOTOOLCHAIN=%q), older than the project's %s (go.work)", builder, build.image, env["GOTOOLCHAIN"], project)
			}
			for _, file := range []string{filepath.Join(repoRoot, "pkg", "go.mod"), filepath.Join(repoRoot, "services", s.name, "go.mod")} {
				if want := "go" + readModFile(t, file).Go.Version; version.Compare(builder, want) < 0 {
					t.Errorf("the build stage builds with %s, older than the %s that %s asks for", builder, want, file)
				}
			}

			// Everything copied from the context exists and is let in by
			// .dockerignore; nothing but pkg/ and this service is copied.
			allowed := ignoreAllowList(t)
			for _, st := range stages {
				for _, in := range st.steps {
					if in.cmd == "ADD" {
						t.Errorf("line %d: ADD fetches or unpacks; use COPY", in.line)
					}
					if in.cmd != "COPY" {
						continue
					}
					flags, sources, _ := copyArgs(in)
					if slices.ContainsFunc(flags, func(f string) bool { return strings.HasPrefix(f, "--from=") }) {
						continue
					}
					for _, src := range sources {
						if _, err := os.Stat(filepath.Join(repoRoot, filepath.FromSlash(src))); err != nil {
							t.Errorf("line %d: COPY %s: %v", in.line, src, err)
						}
						if !strings.HasPrefix(src, "pkg/") && !strings.HasPrefix(src, "services/"+s.name+"/") {
							t.Errorf("line %d: COPY %s: only pkg/ and services/%s/ belong in the image's build", in.line, src, s.name)
						}
						if !slices.ContainsFunc(allowed, func(dir string) bool { return strings.HasPrefix(src, dir) }) {
							t.Errorf("line %d: COPY %s, but %s keeps it out of the context", in.line, src, dockerIgnore)
						}
					}
				}
			}

			// The runtime stage: distroless, non-root by number, the binary
			// the build stage made, listening where HTTP_ADDR says.
			final := stages[len(stages)-1]
			if !strings.HasPrefix(final.image, "gcr.io/distroless/static") || !strings.Contains(final.image, ":nonroot@") {
				t.Errorf("runtime FROM %s: want distroless static, nonroot", final.image)
			}
			user := lastArgs(final, "USER")
			uid, _, _ := strings.Cut(user, ":")
			if n, err := strconv.Atoi(uid); err != nil || n == 0 {
				t.Errorf("USER %q: want a numeric non-root user, so the kubelet can check runAsNonRoot", user)
			}
			var entry []string
			if err := json.Unmarshal([]byte(lastArgs(final, "ENTRYPOINT")), &entry); err != nil || len(entry) == 0 {
				t.Fatalf("ENTRYPOINT %q is not the exec form: %v", lastArgs(final, "ENTRYPOINT"), err)
			}
			copied := false
			for _, in := range final.steps {
				if flags, sources, dest := copyArgs(in); in.cmd == "COPY" && slices.Contains(flags, "--from="+build.name) &&
					len(sources) == 1 && dest == entry[0] && sources[0] == buildOutput(t, build, s.name) {
					copied = true
				}
			}
			if !copied {
				t.Errorf("ENTRYPOINT %s is not the binary the build stage writes (%s)", entry[0], buildOutput(t, build, s.name))
			}
			var listens []string // the ports of HTTP_ADDR and the page's address
			for _, v := range []string{"HTTP_ADDR", s.ui} {
				if v == "" {
					continue
				}
				def, err := s.vars.StringDefault(v)
				if err != nil {
					t.Fatal(err)
				}
				_, port, err := net.SplitHostPort(def)
				if err != nil {
					t.Fatalf("%s defaults to %q: %v", v, def, err)
				}
				listens = append(listens, port)
			}
			if expose := strings.Fields(lastArgs(final, "EXPOSE")); !slices.Equal(expose, listens) {
				t.Errorf("EXPOSE %v, but the %s listens by default on %v", expose, s.name, listens)
			}
		})
	}
}

func readModFile(tb testing.TB, file string) *modfile.File {
	tb.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	mf, err := modfile.Parse(file, src, nil)
	if err != nil || mf.Go == nil {
		tb.Fatalf("%s: no go directive (%v)", file, err)
	}
	return mf
}

func readWorkFile(tb testing.TB) *modfile.WorkFile {
	tb.Helper()
	file := filepath.Join(repoRoot, "go.work")
	src, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	wf, err := modfile.ParseWork(file, src, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return wf
}

// projectToolchain is the Go the project builds with: go.work's toolchain
// line (else its go line), as in go1.26.11.
func projectToolchain(tb testing.TB) string {
	tb.Helper()
	wf := readWorkFile(tb)
	switch {
	case wf.Toolchain != nil:
		return wf.Toolchain.Name
	case wf.Go != nil:
		return "go" + wf.Go.Version
	}
	tb.Fatal("go.work names no Go version")
	return ""
}

// toolchain is a GOTOOLCHAIN setting (https://go.dev/doc/toolchain): the
// Go that runs by default, and whether a module's go.mod may ask for a
// newer one, which the go command then fetches from the module proxy.
type toolchain struct {
	version string // go1.26.8
	auto    bool
}

// builderToolchain reads GOTOOLCHAIN from a golang build stage: unset, it is
// the image's own "local", and "local" is the image's Go version.
func builderToolchain(tb testing.TB, build stage) toolchain {
	tb.Helper()
	m := goImageTag.FindStringSubmatch(build.image)
	if m == nil {
		tb.Fatalf("build stage FROM %s is not a golang image with a full version", build.image)
	}
	setting := stageEnv(build)["GOTOOLCHAIN"]
	switch setting {
	case "":
		setting = "local"
	case "auto", "path":
		setting = "local+" + setting
	}
	name, mode, _ := strings.Cut(setting, "+")
	if name == "local" {
		name = "go" + m[1]
	}
	if !version.IsValid(name) {
		tb.Fatalf("GOTOOLCHAIN=%s: %s is not a Go version", stageEnv(build)["GOTOOLCHAIN"], name)
	}
	return toolchain{version: name, auto: mode == "auto"}
}

// builds returns the Go that builds the module of mod: the default, or what
// the go.mod asks for when it is newer and switching is allowed.
func (tc toolchain) builds(mod *modfile.File) string {
	v := tc.version
	if !tc.auto {
		return v
	}
	if want := "go" + mod.Go.Version; version.Compare(want, v) > 0 {
		v = want
	}
	if mod.Toolchain != nil && version.Compare(mod.Toolchain.Name, v) > 0 {
		v = mod.Toolchain.Name
	}
	return v
}

// String is the setting that makes the go command of any version behave as
// the build stage's does: "local" spelled as the image's version.
func (tc toolchain) String() string {
	if tc.auto {
		return tc.version + "+auto"
	}
	return tc.version
}

// TestOneToolchain: `make build`, every module built on its own (GOWORK=off,
// as the images and Dependabot-style tools do) and go.work name the same Go.
func TestOneToolchain(t *testing.T) {
	project := projectToolchain(t)
	for _, use := range readWorkFile(t).Use {
		mod := filepath.Join(repoRoot, filepath.FromSlash(use.Path), "go.mod")
		got := "no toolchain line"
		if tc := readModFile(t, mod).Toolchain; tc != nil {
			got = tc.Name
		}
		if got != project {
			t.Errorf("%s: %s, want toolchain %s as in go.work", mod, got, project)
		}
	}
	setting := makeVariable(t, "GOTOOLCHAIN")
	if name, _, _ := strings.Cut(setting, "+"); name != project {
		t.Errorf("the Makefile builds with GOTOOLCHAIN=%s, go.work names %s", setting, project)
	}
}

func stageEnv(st stage) map[string]string {
	env := map[string]string{}
	for _, in := range st.steps {
		if in.cmd != "ENV" {
			continue
		}
		for _, kv := range strings.Fields(in.args) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	}
	return env
}

func lastArgs(st stage, cmd string) string {
	out := ""
	for _, in := range st.steps {
		if in.cmd == cmd {
			out = in.args
		}
	}
	return out
}

// buildOutput is the -o path of the build stage's go build.
func buildOutput(tb testing.TB, build stage, service string) string {
	tb.Helper()
	for _, in := range build.steps {
		if in.cmd != "RUN" || !strings.Contains(in.args, "go build") {
			continue
		}
		fields := strings.Fields(in.args)
		if i := slices.Index(fields, "-o"); i >= 0 && i+1 < len(fields) {
			return fields[i+1]
		}
	}
	tb.Fatalf("the build stage of %s runs no `go build -o`", service)
	return ""
}

// ignoreAllowList returns the directories .dockerignore lets in after
// excluding everything ("*" then "!dir/" lines).
func ignoreAllowList(tb testing.TB) []string {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, dockerIgnore))
	if err != nil {
		tb.Fatal(err)
	}
	var allowed []string
	excludesAll := false
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "*":
			excludesAll = true
		case strings.HasPrefix(line, "!"):
			allowed = append(allowed, strings.TrimSuffix(strings.TrimPrefix(line, "!"), "/")+"/")
		}
	}
	if !excludesAll {
		tb.Fatalf("%s does not start from excluding everything (*)", dockerIgnore)
	}
	return allowed
}

// TestDockerBuildStage replays each build stage outside Docker (no engine
// runs here): only the files its COPY lines bring, its ENV, its RUN
// commands, with the go command told to act as the image's Go would (its
// version for "local"). It proves the service compiles from that context
// alone, with the project's Go or newer, and that the binary is static, as
// the distroless base needs.
func TestDockerBuildStage(t *testing.T) {
	for _, s := range loadServices(t) {
		t.Run(s.name, func(t *testing.T) {
			build := parseDockerfile(t, filepath.Join(repoRoot, "services", s.name, "Dockerfile"))[0]
			root := t.TempDir()
			// Paths of the image's filesystem map into root.
			inRoot := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
			workdir := inRoot("/")
			env := os.Environ()
			for i, in := range build.steps {
				switch in.cmd {
				case "WORKDIR":
					workdir = inRoot(in.args)
					if err := os.MkdirAll(workdir, 0o755); err != nil {
						t.Fatal(err)
					}
				case "ENV":
					for k, v := range stageEnv(stage{steps: []instruction{in}}) {
						env = append(env, k+"="+v)
					}
				case "COPY":
					_, sources, dest := copyArgs(in)
					to := filepath.Join(workdir, filepath.FromSlash(dest))
					if path.IsAbs(dest) {
						to = inRoot(dest)
					}
					for _, src := range sources {
						from := filepath.Join(repoRoot, filepath.FromSlash(src))
						info, err := os.Stat(from)
						switch {
						case err != nil:
							t.Fatal(err)
						case !info.IsDir() && strings.HasSuffix(dest, "/"):
							copyTree(t, from, filepath.Join(to, filepath.Base(from)))
						default: // a directory's contents, or a file to a file name
							copyTree(t, from, to)
						}
					}
				case "RUN":
					script := strings.ReplaceAll(stripMounts(in.args), " /out/", " "+inRoot("/out")+"/")
					cmd := exec.CommandContext(t.Context(), "sh", "-c", script)
					tc := builderToolchain(t, stage{image: build.image, steps: build.steps[:i]})
					cmd.Dir, cmd.Env = workdir, append(env, "GOTOOLCHAIN="+tc.String())
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Fatalf("line %d: RUN %s: %v\n%s", in.line, script, err, out)
					}
				}
			}
			bin := inRoot(buildOutput(t, build, s.name))
			f, err := elf.Open(bin)
			if err != nil {
				t.Fatalf("the build stage made no binary at %s: %v", bin, err)
			}
			defer f.Close()
			for _, p := range f.Progs {
				if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
					t.Errorf("%s is dynamically linked: it cannot run on distroless static", bin)
				}
			}
			info, err := buildinfo.ReadFile(bin)
			if err != nil {
				t.Fatalf("%s: %v", bin, err)
			}
			if project := projectToolchain(t); version.Compare(info.GoVersion, project) < 0 {
				t.Errorf("%s was built with %s, older than the project's %s (go.work)", bin, info.GoVersion, project)
			}
			t.Logf("%s built with %s", path.Base(bin), info.GoVersion)
		})
	}
}

var mountFlag = regexp.MustCompile(`--mount=\S+\s*`)

func stripMounts(s string) string { return mountFlag.ReplaceAllString(s, "") }

// copyTree copies a file, or a directory without tests and testdata (as
// .dockerignore leaves them out).
func copyTree(tb testing.TB, from, to string) {
	tb.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return os.MkdirAll(dst, 0o755)
		}
		if strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		tb.Fatal(fmt.Errorf("copy %s: %w", from, err))
	}
}
