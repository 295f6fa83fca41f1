package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Extra holds the members of a JSON object that the typed struct does not
// reproduce: unknown keys, null values, empty arrays and values whose type
// does not fit the field (e.g. "bad value" where a number was expected).
// Encoding the struct merges them back, so decode → encode is lossless.
type Extra map[string]json.RawMessage

// Get returns the raw JSON of an extra member.
func (e Extra) Get(key string) (json.RawMessage, bool) {
	v, ok := e[key]
	return v, ok
}

// Every response object type uses the same two-line pattern:
//
//	func (v *T) UnmarshalJSON(b []byte) error { type plain T; return decodeObject(b, (*plain)(v), &v.Extra) }
//	func (v T) MarshalJSON() ([]byte, error)  { type plain T; return encodeObject(plain(v), v.Extra) }
//
// Fields must be tagged `json:"name,omitempty"`; the Extra field `json:"-"`.

// decodeObject decodes a JSON object into dst (a pointer to a struct without
// JSON methods), member by member. Members the struct cannot hold go to
// extra. Only a body that is not a JSON object (or null) is an error.
func decodeObject(data []byte, dst any, extra *Extra) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return err
	}
	rv := reflect.ValueOf(dst).Elem()
	fields := fieldsOf(rv.Type())
	*extra = nil
	for key, raw := range members {
		if idx, ok := fields.byName[key]; ok {
			fv := rv.FieldByIndex(idx)
			if err := decodeValue(raw, fv); err == nil && !isEmpty(fv) {
				continue
			}
			fv.SetZero()
		}
		if *extra == nil {
			*extra = make(Extra)
		}
		(*extra)[key] = raw
	}
	return nil
}

// decodeValue decodes one member (already valid JSON) into a field. Pointers
// to scalars and to types with their own UnmarshalJSON are filled directly,
// with encoding/json's rules, to avoid re-validating the bytes; anything
// else goes through json.Unmarshal.
func decodeValue(raw json.RawMessage, fv reflect.Value) error {
	if fv.Kind() != reflect.Pointer || len(raw) == 0 || raw[0] == 'n' {
		return json.Unmarshal(raw, fv.Addr().Interface())
	}
	nv := reflect.New(fv.Type().Elem())
	if u, ok := nv.Interface().(json.Unmarshaler); ok {
		if err := u.UnmarshalJSON(raw); err != nil {
			return err
		}
		fv.Set(nv)
		return nil
	}
	ev := nv.Elem()
	s := string(raw)
	var err error
	switch ev.Kind() {
	case reflect.String:
		if raw[0] != '"' || bytes.IndexByte(raw, '\\') >= 0 {
			return json.Unmarshal(raw, fv.Addr().Interface())
		}
		ev.SetString(s[1 : len(s)-1])
	case reflect.Bool:
		switch s {
		case "true", "false":
			ev.SetBool(s == "true")
		default:
			return errNotScalar
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		var n int64
		if n, err = strconv.ParseInt(s, 10, ev.Type().Bits()); err != nil {
			return err
		}
		ev.SetInt(n)
	case reflect.Float64:
		if raw[0] == '"' || raw[0] == '{' || raw[0] == '[' || raw[0] == 't' || raw[0] == 'f' {
			return errNotScalar
		}
		var f float64
		if f, err = strconv.ParseFloat(s, 64); err != nil {
			return err
		}
		ev.SetFloat(f)
	default:
		return json.Unmarshal(raw, fv.Addr().Interface())
	}
	fv.Set(nv)
	return nil
}

var errNotScalar = errors.New("value does not fit the field")

// encodeObject encodes src (a struct value without JSON methods) and adds the
// extra members its own encoding does not contain.
func encodeObject(src any, extra Extra) ([]byte, error) {
	b, err := json.Marshal(src)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	rv := reflect.ValueOf(src)
	fields := fieldsOf(rv.Type())
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if idx, ok := fields.byName[k]; ok && !isEmpty(rv.FieldByIndex(idx)) {
			continue // the typed field wins
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return b, nil
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	buf.Grow(len(b) + 32*len(keys))
	buf.Write(b[:len(b)-1]) // without the closing brace
	for i, k := range keys {
		if i > 0 || len(b) > 2 {
			buf.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		buf.Write(name)
		buf.WriteByte(':')
		raw := extra[k]
		if !json.Valid(raw) {
			return nil, &json.MarshalerError{Type: rv.Type(), Err: errors.New("extra member " + k + " is not valid JSON")}
		}
		buf.Write(raw)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// fieldSet maps JSON member names to struct field index paths (embedded
// structs included, as encoding/json flattens them).
type fieldSet struct {
	byName map[string][]int
}

// fieldCache memoises fieldsOf: a pure function of the type, so sharing it
// between clients is safe (encoding/json does the same).
var fieldCache sync.Map // reflect.Type → *fieldSet

func fieldsOf(t reflect.Type) *fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := &fieldSet{byName: make(map[string][]int)}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || (f.Anonymous && f.Type.Kind() == reflect.Struct) {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		fs.byName[name] = f.Index
	}
	fieldCache.Store(t, fs)
	return fs
}

// isEmpty matches encoding/json's omitempty rule.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return v.IsZero()
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
