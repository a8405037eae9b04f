// Package config reads a service's settings from environment variables.
//
// Every getter takes the variable's name and its default; a value that is
// set but wrong is recorded with the variable's name, and Err reports all of
// them at once, so an operator fixes a deployment in one pass.
package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/newswire/newswire/pkg/boundedread"
)

// Env reads typed values from an environment.
type Env struct {
	lookup func(string) (string, bool)
	errs   []error
}

// FromOS reads the process environment.
func FromOS() *Env { return &Env{lookup: os.LookupEnv} }

// FromMap reads the given variables; tests use it.
func FromMap(m map[string]string) *Env {
	return &Env{lookup: func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}}
}

// Err returns every problem found so far, or nil.
func (e *Env) Err() error { return errors.Join(e.errs...) }

// Fail records a problem with a variable that the caller found itself.
func (e *Env) Fail(name string, err error) {
	e.errs = append(e.errs, fmt.Errorf("%s: %w", name, err))
}

func (e *Env) raw(name string) (string, bool) {
	v, ok := e.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

// String returns the variable, or def when it is unset or empty.
func (e *Env) String(name, def string) string {
	if v, ok := e.raw(name); ok {
		return v
	}
	return def
}

// MaxSecretFileBytes bounds the file a secret is read from.
const MaxSecretFileBytes = 64 << 10

// Secret returns the variable NAME, or the contents of the file named by
// NAME_FILE (as Kubernetes mounts secrets), or def. Setting both is an error.
func (e *Env) Secret(name, def string) string {
	v, inline := e.raw(name)
	path, fromFile := e.raw(name + "_FILE")
	switch {
	case inline && fromFile:
		e.Fail(name, errors.New("set either it or "+name+"_FILE, not both"))
		return def
	case fromFile:
		b, err := boundedread.File(path, MaxSecretFileBytes)
		if err != nil {
			e.Fail(name+"_FILE", err)
			return def
		}
		return strings.TrimRight(string(b), "\r\n")
	case inline:
		return v
	}
	return def
}

// Int returns the variable as an integer within [min, max].
func (e *Env) Int(name string, def, min, max int) int {
	v, ok := e.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.Fail(name, fmt.Errorf("%q is not a whole number", v))
		return def
	}
	if n < min || n > max {
		e.Fail(name, fmt.Errorf("%d is outside %d..%d", n, min, max))
		return def
	}
	return n
}

// Bool returns the variable as a boolean (true/false, 1/0, yes/no).
func (e *Env) Bool(name string, def bool) bool {
	v, ok := e.raw(name)
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	e.Fail(name, fmt.Errorf("%q is not a boolean (true or false)", v))
	return def
}

// Duration returns the variable as a Go duration ("5m", "250ms") within
// [min, max].
func (e *Env) Duration(name string, def, min, max time.Duration) time.Duration {
	v, ok := e.raw(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.Fail(name, fmt.Errorf("%q is not a duration such as 30s or 5m", v))
		return def
	}
	if d < min || d > max {
		e.Fail(name, fmt.Errorf("%s is outside %s..%s", d, min, max))
		return def
	}
	return d
}

// List returns the variable split on commas, empty items dropped.
func (e *Env) List(name string, def []string) []string {
	v, ok := e.raw(name)
	if !ok {
		return def
	}
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	if len(out) == 0 {
		e.Fail(name, errors.New("holds no items"))
		return def
	}
	return out
}

// OneOf returns the variable when it is one of the allowed values.
func (e *Env) OneOf(name, def string, allowed ...string) string {
	v := e.String(name, def)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	e.Fail(name, fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", ")))
	return def
}
