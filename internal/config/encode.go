package config

import (
	"bytes"
	_ "embed"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed example.yaml
var example []byte

// Example returns a commented example file: every key with its default
// (data_dir commented out, as its default depends on the machine) and its
// environment variable. Loading it gives Default().
func Example() []byte { return bytes.Clone(example) }

// Redacted returns the configuration as a YAML file, with every secret
// shown as [redacted] (an unset one as "").
func (c Config) Redacted() []byte { return c.encode(false) }

// File is the configuration as a YAML file, secrets included: for the
// files teslafleet writes itself (teslafleet sim --config-out), written
// 0600. Never log it.
func (c Config) File() []byte { return c.encode(true) }

func (c Config) encode(reveal bool) []byte {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(node(reflect.ValueOf(c), reveal)); err != nil {
		panic("config: encode: " + err.Error()) // nodes built here always encode
	}
	_ = enc.Close()
	return b.Bytes()
}

// node builds the YAML node of v.
func node(v reflect.Value, reveal bool) *yaml.Node {
	scalar := func(tag, value string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
		if value == "" {
			n.Style = yaml.DoubleQuotedStyle
		}
		return n
	}
	if s, ok := v.Interface().(Secret); ok {
		if reveal {
			return scalar("!!str", s.Reveal())
		}
		return scalar("!!str", s.shown())
	}
	switch {
	case v.Type() == durationType:
		return scalar("!!str", formatDuration(time.Duration(v.Int())))
	case v.Kind() == reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for i := range v.NumField() {
			n.Content = append(n.Content, scalar("!!str", tagName(v.Type().Field(i))), node(v.Field(i), reveal))
		}
		return n
	case v.Kind() == reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for i := range v.Len() {
			n.Content = append(n.Content, node(v.Index(i), reveal))
		}
		return n
	case v.Kind() == reflect.Bool:
		return scalar("!!bool", strconv.FormatBool(v.Bool()))
	case v.Kind() == reflect.Int:
		return scalar("!!int", strconv.FormatInt(v.Int(), 10))
	}
	return scalar("!!str", v.String())
}

// formatDuration is time.Duration.String without zero trailing units
// ("720h", "1h30m", "90s" rather than "720h0m0s").
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
