package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Load reads the config file at path ("" for none: defaults and
// environment only), applies the TESLAFLEET_* variables of env (KEY=VALUE
// pairs, as os.Environ gives; they win over the file; empty values are
// ignored) and validates the result. Every error is an *Error naming the key
// and the line or variable it came from. A missing file at a given path is
// an error (see Locate for the default path).
//
// The file is decoded strictly, by walking its YAML nodes against Config's
// keys: an unknown key, a duplicate key, a value of the wrong kind (a list
// for a string, text for a number) or an unparsable value is an error at
// its line. A key left empty (null) keeps its default.
func Load(path string, env []string) (Config, error) {
	c := Default()
	lines := map[string]int{}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			reason := err
			var pe *fs.PathError
			if errors.As(err, &pe) {
				reason = pe.Err
			}
			return Config{}, &Error{File: path, Msg: "cannot read the config file: " + reason.Error(), Err: err}
		}
		d := decoder{file: path, lines: lines}
		if err := d.decodeFile(data, reflect.ValueOf(&c).Elem()); err != nil {
			return Config{}, err
		}
	}
	fromEnv, err := applyEnv(&c, env)
	if err != nil {
		return Config{}, err
	}
	if err := c.Validate(); err != nil {
		var e *Error
		if errors.As(err, &e) {
			listKey, _, _ := strings.Cut(e.Key, "[") // api_tokens[1] comes from api_tokens
			if name, ok := fromEnv[listKey]; ok {
				e.Env = name
			} else if line, ok := lines[e.Key]; ok {
				e.File, e.Line = path, line
			}
		}
		return Config{}, err
	}
	return c, nil
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	yamlLine     = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// decoder walks a file's YAML nodes into a Config, recording the line of
// every key's value.
type decoder struct {
	file  string
	lines map[string]int // key path → line of its value
}

func (d *decoder) err(line int, key, format string, args ...any) *Error {
	return &Error{File: d.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) decodeFile(data []byte, v reflect.Value) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file: defaults
		}
		return d.syntax(err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		if err != nil {
			return d.syntax(err)
		}
		return d.err(more.Line, "", "a second YAML document: the file must hold one")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	if isNull(root) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return d.err(root.Line, "", "the file must be a mapping of keys (data_dir: …, listen: …)")
	}
	return d.decode(root, v, "")
}

func (d *decoder) syntax(err error) error {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: d.file, Line: line, Msg: "invalid YAML: " + m[2], Err: err}
	}
	return &Error{File: d.file, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: "), Err: err}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// decode sets v from n; key is v's path.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, key string) error {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	d.lines[key] = n.Line
	if isNull(n) {
		return nil // keep the default
	}
	switch {
	case v.Type() != durationType && v.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return d.err(n.Line, key, "want a mapping of keys (%s), got %s", strings.Join(fieldNames(v.Type()), ", "), describe(n))
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			child := join(key, k.Value)
			idx, ok := fieldIndex(v.Type(), k.Value)
			if !ok {
				if isPerRegion(v.Type()) {
					return d.err(k.Line, child, "unknown region %q (na, eu or cn)", k.Value)
				}
				return d.err(k.Line, child, "unknown key%s", suggest(k.Value, fieldNames(v.Type())))
			}
			if first, dup := seen[k.Value]; dup {
				return d.err(k.Line, child, "duplicate key (first at line %d)", first)
			}
			seen[k.Value] = k.Line
			if err := d.decode(val, v.Field(idx), child); err != nil {
				return err
			}
		}
		return nil
	case v.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return d.err(n.Line, key, "want a list, got %s", describe(n))
		}
		s := reflect.MakeSlice(v.Type(), 0, len(n.Content))
		for i, item := range n.Content {
			d.lines[fmt.Sprintf("%s[%d]", key, i)] = item.Line
			if item.Kind != yaml.ScalarNode || isNull(item) {
				return d.err(item.Line, fmt.Sprintf("%s[%d]", key, i), "want a string, got %s", describe(item))
			}
			s = reflect.Append(s, reflect.ValueOf(item.Value).Convert(v.Type().Elem()))
		}
		v.Set(s)
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return d.err(n.Line, key, "want a single value, got %s", describe(n))
	}
	if msg := setScalar(v, n.Value); msg != "" {
		return d.err(n.Line, key, "%s", msg)
	}
	return nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if isNull(n) {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

// setScalar parses s into v; it returns what is wrong, or "".
func setScalar(v reflect.Value, s string) string {
	switch {
	case v.Type() == durationType:
		dur, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return fmt.Sprintf("invalid duration %q (use s, m, h: 90s, 15m, 720h)", s)
		}
		v.SetInt(int64(dur))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Sprintf("want true or false, got %q", s)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int:
		i, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Sprintf("want a whole number, got %q", s)
		}
		v.SetInt(int64(i))
	case v.Kind() == reflect.Slice: // from the environment: comma-separated
		parts := strings.Split(s, ",")
		out := reflect.MakeSlice(v.Type(), 0, len(parts))
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				out = reflect.Append(out, reflect.ValueOf(p).Convert(v.Type().Elem()))
			}
		}
		v.Set(out)
	default:
		panic("config: no parser for " + v.Type().String())
	}
	return ""
}

// fieldNames returns the YAML keys of struct type t, in order.
func fieldNames(t reflect.Type) []string {
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		names = append(names, tagName(t.Field(i)))
	}
	return names
}

func fieldIndex(t reflect.Type, name string) (int, bool) {
	i := slices.Index(fieldNames(t), name)
	return i, i >= 0
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

func isPerRegion(t reflect.Type) bool {
	return t.Implements(reflect.TypeFor[interface{ perRegion() }]())
}

// leaves calls f for every key path of a value of struct type t, with the
// field's index path.
func leaves(t reflect.Type, prefix string, index []int, f func(key string, index []int)) {
	for i := range t.NumField() {
		sf := t.Field(i)
		key := join(prefix, tagName(sf))
		idx := append(slices.Clone(index), i)
		if sf.Type != durationType && sf.Type.Kind() == reflect.Struct {
			leaves(sf.Type, key, idx, f)
			continue
		}
		f(key, idx)
	}
}

// Key is one key of the configuration.
type Key struct {
	Path string // "tesla.client_secret"
	Env  string // "TESLAFLEET_TESLA_CLIENT_SECRET"
}

// Keys returns every key of the configuration, in file order.
func Keys() []Key {
	var keys []Key
	leaves(reflect.TypeFor[Config](), "", nil, func(key string, _ []int) {
		keys = append(keys, Key{key, EnvName(key)})
	})
	return keys
}

// applyEnv sets the keys whose TESLAFLEET_* variable env holds (non-empty)
// and returns them: key path → variable. A TESLAFLEET_* variable that names
// no key is an error (TESLAFLEET_CONFIG names the file; TESLAFLEET_SERVER
// and TESLAFLEET_TOKEN are the CLI clients').
func applyEnv(c *Config, env []string) (map[string]string, error) {
	vars := envMap(env)
	known := map[string]bool{EnvFile: true, EnvServer: true, EnvToken: true}
	var names []string
	from := map[string]string{}
	root := reflect.ValueOf(c).Elem()
	var firstErr error
	leaves(root.Type(), "", nil, func(key string, index []int) {
		name := EnvName(key)
		known[name] = true
		names = append(names, name)
		val := vars[name]
		if val == "" || firstErr != nil {
			return
		}
		if msg := setScalar(root.FieldByIndex(index), val); msg != "" {
			firstErr = &Error{Env: name, Key: key, Msg: msg}
			return
		}
		from[key] = name
	})
	if firstErr != nil {
		return nil, firstErr
	}
	var unknown []string
	for k := range vars {
		if strings.HasPrefix(k, EnvPrefix) && !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, &Error{Env: unknown[0], Msg: "unknown variable" + suggest(unknown[0], names)}
	}
	return from, nil
}
