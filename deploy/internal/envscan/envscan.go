// Package envscan finds, in a service's Go source, every environment
// variable it reads through pkg/config's Env, with its default where the
// default is a constant, so the manifests can be checked against the code
// itself rather than against a list someone has to keep in step.
//
// A read is a call of one of Env's getters (String, Secret, Int, Bool,
// Duration, List, OneOf) on a parameter declared as *config.Env (or *Env
// inside package config). The name is a string literal, or a string
// parameter of the enclosing function plus a literal suffix
// (prefix+"_CA_FILE"), resolved through every call of that function with a
// literal argument. Secret reads NAME and NAME_FILE.
package envscan

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// getters are the methods of config.Env that read a variable; the value
// says where the default is among the arguments (-1: none).
var getters = map[string]int{
	"String":   1,
	"Secret":   1,
	"Int":      1,
	"Bool":     1,
	"Duration": 1,
	"List":     -1,
	"OneOf":    1,
}

// Var is one variable a service reads.
type Var struct {
	Name   string
	Getter string // the Env method: String, Int, Duration, ...
	// Default is the default as Go source (`"news.articles"`,
	// `20 * time.Second`); empty when it is not a plain expression.
	Default string
	// Pos is where the read is, for error messages.
	Pos string
}

// Vars maps each variable name to how it is read.
type Vars map[string]Var

// Names returns the variable names in order.
func (v Vars) Names() []string {
	out := make([]string, 0, len(v))
	for n := range v {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// StringDefault returns the default of a variable read with String or
// OneOf when it is a string literal.
func (v Vars) StringDefault(name string) (string, error) {
	r, ok := v[name]
	if !ok {
		return "", fmt.Errorf("%s is not read by the service", name)
	}
	s, err := strconv.Unquote(r.Default)
	if err != nil {
		return "", fmt.Errorf("%s at %s: default %s is not a string literal", name, r.Pos, r.Default)
	}
	return s, nil
}

// IntDefault returns the default of a variable read with Int when it is an
// integer literal.
func (v Vars) IntDefault(name string) (int, error) {
	r, ok := v[name]
	if !ok {
		return 0, fmt.Errorf("%s is not read by the service", name)
	}
	n, err := strconv.Atoi(r.Default)
	if err != nil {
		return 0, fmt.Errorf("%s at %s: default %s is not an integer literal", name, r.Pos, r.Default)
	}
	return n, nil
}

// DurationDefault returns the default of a variable read with Duration
// when it is N*time.Unit or time.Unit.
func (v Vars) DurationDefault(name string) (time.Duration, error) {
	r, ok := v[name]
	if !ok {
		return 0, fmt.Errorf("%s is not read by the service", name)
	}
	d, err := evalDuration(r.Default)
	if err != nil {
		return 0, fmt.Errorf("%s at %s: %w", name, r.Pos, err)
	}
	return d, nil
}

var units = map[string]time.Duration{
	"Nanosecond": time.Nanosecond, "Microsecond": time.Microsecond, "Millisecond": time.Millisecond,
	"Second": time.Second, "Minute": time.Minute, "Hour": time.Hour,
}

func evalDuration(src string) (time.Duration, error) {
	e, err := parser.ParseExpr(src)
	if err != nil {
		return 0, fmt.Errorf("default %q: %w", src, err)
	}
	var eval func(ast.Expr) (time.Duration, bool)
	eval = func(e ast.Expr) (time.Duration, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			n, err := strconv.ParseInt(e.Value, 0, 64)
			return time.Duration(n), err == nil
		case *ast.SelectorExpr:
			if x, ok := e.X.(*ast.Ident); ok && x.Name == "time" {
				u, ok := units[e.Sel.Name]
				return u, ok
			}
		case *ast.ParenExpr:
			return eval(e.X)
		case *ast.BinaryExpr:
			a, okA := eval(e.X)
			b, okB := eval(e.Y)
			if okA && okB && e.Op == token.MUL {
				return a * b, true
			}
		}
		return 0, false
	}
	d, ok := eval(e)
	if !ok {
		return 0, fmt.Errorf("default %q is not a constant duration", src)
	}
	return d, nil
}

// read is one getter call found in a function.
type read struct {
	getter string
	// literal name, or the name of the enclosing function's string
	// parameter and a suffix.
	name, param, suffix string
	def                 string
	pos                 string
}

// funcInfo is what one function declaration tells.
type funcInfo struct {
	params []string // parameter names in order
	reads  []read
}

// Scan parses every non-test Go file under the given directories (walking
// subdirectories, skipping testdata) and returns the variables read.
func Scan(dirs ...string) (Vars, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != dir && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
			if err != nil {
				return fmt.Errorf("parse %s: %w", path, err)
			}
			files = append(files, f)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", dir, err)
		}
	}
	return scanFiles(fset, files)
}

// ScanSource scans Go source held in memory, one file per element; tests
// and the fuzz target use it.
func ScanSource(sources ...string) (Vars, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	for i, src := range sources {
		f, err := parser.ParseFile(fset, fmt.Sprintf("src%d.go", i), src, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse source %d: %w", i, err)
		}
		files = append(files, f)
	}
	return scanFiles(fset, files)
}

func scanFiles(fset *token.FileSet, files []*ast.File) (Vars, error) {
	funcs := map[string]*funcInfo{}
	var calls []*ast.CallExpr // every call, to resolve parameter names
	for _, f := range files {
		inConfig := f.Name.Name == "config"
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			info := &funcInfo{}
			envParams := map[string]bool{}
			stringParams := map[string]bool{}
			for _, field := range fn.Type.Params.List {
				isEnv := isEnvType(field.Type, inConfig)
				isString := isIdent(field.Type, "string")
				for _, n := range field.Names {
					info.params = append(info.params, n.Name)
					envParams[n.Name] = isEnv
					stringParams[n.Name] = isString
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				calls = append(calls, call)
				if r, ok := readOf(fset, call, envParams, stringParams); ok {
					info.reads = append(info.reads, r)
				}
				return true
			})
			if fn.Recv == nil { // methods are not resolved through calls
				funcs[fn.Name.Name] = info
			}
		}
	}

	vars := Vars{}
	var errs []error
	add := func(name string, r read) {
		if prev, ok := vars[name]; ok && prev.Default != r.def {
			errs = append(errs, fmt.Errorf("%s is read at %s with default %s and at %s with default %s", name, prev.Pos, prev.Default, r.pos, r.def))
			return
		}
		vars[name] = Var{Name: name, Getter: r.getter, Default: r.def, Pos: r.pos}
		if r.getter == "Secret" {
			vars[name+"_FILE"] = Var{Name: name + "_FILE", Getter: "Secret", Pos: r.pos}
		}
	}
	for _, info := range funcs {
		for _, r := range info.reads {
			if r.param == "" {
				add(r.name, r)
			}
		}
	}
	// Names built from a parameter: one per call with a literal argument.
	for _, call := range calls {
		callee, ok := call.Fun.(*ast.Ident)
		if !ok {
			continue
		}
		info, ok := funcs[callee.Name]
		if !ok {
			continue
		}
		for _, r := range info.reads {
			if r.param == "" {
				continue
			}
			i := indexOf(info.params, r.param)
			if i < 0 || i >= len(call.Args) {
				continue
			}
			lit, ok := stringLit(call.Args[i])
			if !ok {
				errs = append(errs, fmt.Errorf("%s: %s is called with a non-literal %s, so the variable it reads is unknown", fset.Position(call.Pos()), callee.Name, r.param))
				continue
			}
			add(lit+r.suffix, r)
		}
	}
	for name := range vars {
		if !validName(name) {
			errs = append(errs, fmt.Errorf("%s at %s is not an environment variable name", name, vars[name].Pos))
		}
	}
	if len(vars) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("no variable reads found: is the source using config.Env?"))
	}
	return vars, errors.Join(errs...)
}

// readOf recognises e.Getter("NAME", def, ...) on an *Env parameter.
func readOf(fset *token.FileSet, call *ast.CallExpr, envParams, stringParams map[string]bool) (read, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return read{}, false
	}
	recv, ok := sel.X.(*ast.Ident)
	if !ok || !envParams[recv.Name] {
		return read{}, false
	}
	defAt, ok := getters[sel.Sel.Name]
	if !ok || len(call.Args) == 0 {
		return read{}, false
	}
	r := read{getter: sel.Sel.Name, pos: fset.Position(call.Pos()).String()}
	if defAt >= 0 && defAt < len(call.Args) {
		r.def = exprString(fset, call.Args[defAt])
	}
	switch arg := call.Args[0].(type) {
	case *ast.BasicLit:
		name, ok := stringLit(arg)
		if !ok {
			return read{}, false
		}
		r.name = name
	case *ast.Ident:
		if !stringParams[arg.Name] {
			return read{}, false
		}
		r.param = arg.Name
	case *ast.BinaryExpr:
		x, okX := arg.X.(*ast.Ident)
		suffix, okY := stringLit(arg.Y)
		if !okX || !okY || arg.Op != token.ADD || !stringParams[x.Name] {
			return read{}, false
		}
		r.param, r.suffix = x.Name, suffix
	default:
		return read{}, false
	}
	return r, true
}

func isEnvType(e ast.Expr, inConfig bool) bool {
	star, ok := e.(*ast.StarExpr)
	if !ok {
		return false
	}
	switch t := star.X.(type) {
	case *ast.Ident:
		return inConfig && t.Name == "Env"
	case *ast.SelectorExpr:
		pkg, ok := t.X.(*ast.Ident)
		return ok && pkg.Name == "config" && t.Sel.Name == "Env"
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func exprString(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	if err := printer.Fprint(&b, fset, e); err != nil {
		return ""
	}
	return b.String()
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func validName(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
