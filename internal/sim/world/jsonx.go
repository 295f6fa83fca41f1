package world

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// deepCopy copies a decoded JSON value (maps, slices and scalars).
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return copyMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = copyMap(e)
		}
		return out
	default:
		return v
	}
}

func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = deepCopy(e)
	}
	return out
}

// section returns m[key] as an object, creating it when create is set.
func section(m map[string]any, key string, create bool) map[string]any {
	if s, ok := m[key].(map[string]any); ok {
		return s
	}
	if !create {
		return nil
	}
	s := map[string]any{}
	m[key] = s
	return s
}

// toFloat reads a JSON-ish number (float64, ints, json.Number, numeric string).
func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, !math.IsNaN(t) && !math.IsInf(t, 0)
	case float32:
		return float64(t), true
	case int:
		return float64(t), true
	case int8:
		return float64(t), true
	case int16:
		return float64(t), true
	case int32:
		return float64(t), true
	case int64:
		return float64(t), true
	case uint:
		return float64(t), true
	case uint8:
		return float64(t), true
	case uint16:
		return float64(t), true
	case uint32:
		return float64(t), true
	case uint64:
		return float64(t), true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// num reads m[key] as a number, def when missing or not numeric.
func num(m map[string]any, key string, def float64) float64 {
	if m == nil {
		return def
	}
	if f, ok := toFloat(m[key]); ok {
		if _, isStr := m[key].(string); !isStr {
			return f
		}
	}
	return def
}

// flag reads m[key] as a bool (numbers: non-zero), def when missing.
func flag(m map[string]any, key string, def bool) bool {
	if m == nil {
		return def
	}
	switch t := m[key].(type) {
	case bool:
		return t
	case string, nil:
		return def
	default:
		if f, ok := toFloat(t); ok {
			return f != 0
		}
	}
	return def
}

// str reads m[key] as a string, def when missing.
func str(m map[string]any, key, def string) string {
	if m == nil {
		return def
	}
	if s, ok := m[key].(string); ok {
		return s
	}
	return def
}

// paramError wraps ErrInvalidParam with a detail.
func paramError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidParam, fmt.Sprintf(format, args...))
}

// pNum reads a command parameter as a number. ok is false when it is absent;
// err is set when it is present with a non-numeric value.
func pNum(p map[string]any, key string) (v float64, ok bool, err error) {
	raw, present := p[key]
	if !present || raw == nil {
		return 0, false, nil
	}
	f, good := toFloat(raw)
	if !good {
		return 0, false, paramError("%s must be a number", key)
	}
	return f, true, nil
}

// pNumReq is pNum for a required parameter.
func pNumReq(p map[string]any, key string) (float64, error) {
	v, ok, err := pNum(p, key)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, paramError("missing %s", key)
	}
	return v, nil
}

// pBool reads a command parameter as a bool ("true"/"false" strings accepted).
func pBool(p map[string]any, key string) (v, ok bool, err error) {
	raw, present := p[key]
	if !present || raw == nil {
		return false, false, nil
	}
	switch t := raw.(type) {
	case bool:
		return t, true, nil
	case string:
		b, perr := strconv.ParseBool(t)
		if perr == nil {
			return b, true, nil
		}
	}
	return false, false, paramError("%s must be a boolean", key)
}

// pBoolReq is pBool for a required parameter.
func pBoolReq(p map[string]any, key string) (bool, error) {
	v, ok, err := pBool(p, key)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, paramError("missing %s", key)
	}
	return v, nil
}

// pStr reads a command parameter as a string.
func pStr(p map[string]any, key string) (v string, ok bool, err error) {
	raw, present := p[key]
	if !present || raw == nil {
		return "", false, nil
	}
	s, good := raw.(string)
	if !good {
		return "", false, paramError("%s must be a string", key)
	}
	return s, true, nil
}

// pStrReq is pStr for a required parameter.
func pStrReq(p map[string]any, key string) (string, error) {
	v, ok, err := pStr(p, key)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", paramError("missing %s", key)
	}
	return v, nil
}

func clamp(v, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, v))
}

func round(v float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(v*p) / p
}
