package entity

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"time"
)

// Home Assistant's special states.
const (
	StateUnknown     = "unknown"
	StateUnavailable = "unavailable"
)

// State is an entity's state in Home Assistant's shape (its REST and
// WebSocket APIs): last_changed ≤ last_updated ≤ last_reported.
type State struct {
	EntityID     string  `json:"entity_id"`
	State        string  `json:"state"`
	Attributes   Attrs   `json:"attributes"`
	LastChanged  Time    `json:"last_changed"`
	LastReported Time    `json:"last_reported"`
	LastUpdated  Time    `json:"last_updated"`
	Context      Context `json:"context"`
}

// Context is Home Assistant's event context: a ULID and, for a service
// call, the calling user.
type Context struct {
	ID       string  `json:"id"`
	ParentID *string `json:"parent_id"`
	UserID   *string `json:"user_id"`
}

// Time is a UTC instant that encodes as Python's isoformat() does
// ("2026-12-02T04:15:05.123456+00:00", no fraction when it is zero).
type Time struct{ time.Time }

// MarshalJSON writes the isoformat string.
func (t Time) MarshalJSON() ([]byte, error) { return json.Marshal(isoformat(t.Time)) }

// UnmarshalJSON reads any RFC 3339 instant.
func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	t.Time = v.UTC()
	return nil
}

// isoformat is Python's datetime.isoformat() of an aware UTC datetime:
// microsecond precision, the fraction omitted when zero.
func isoformat(t time.Time) string {
	t = t.UTC().Truncate(time.Microsecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05+00:00")
	}
	return t.Format("2006-01-02T15:04:05.000000+00:00")
}

// isoSeconds is isoformat(timespec="seconds") in UTC, as timestamp sensors
// show their state.
func isoSeconds(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05+00:00")
}

// isoLocal is isoformat() keeping t's own offset (a sensor's last_reset).
func isoLocal(t time.Time) string {
	t = t.Truncate(time.Microsecond)
	layout := "2006-01-02T15:04:05-07:00"
	if t.Nanosecond() != 0 {
		layout = "2006-01-02T15:04:05.000000-07:00"
	}
	return t.Format(layout)
}

// Attr is one state attribute.
type Attr struct {
	Key   string
	Value any
}

// Attrs are a state's attributes in Home Assistant's order; they encode as
// a JSON object with the keys in that order.
type Attrs []Attr

// Get returns an attribute's value.
func (a Attrs) Get(key string) (any, bool) {
	for _, kv := range a {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// set adds or replaces key (keeping its place when it exists).
func (a *Attrs) set(key string, v any) {
	for i := range *a {
		if (*a)[i].Key == key {
			(*a)[i].Value = v
			return
		}
	}
	*a = append(*a, Attr{key, v})
}

// MarshalJSON writes the attributes as an object, in order.
func (a Attrs) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(kv.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(kv.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object (key order as written).
func (a *Attrs) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return err
	}
	*a = (*a)[:0]
	for dec.More() {
		tk, err := dec.Token()
		if err != nil {
			return err
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		*a = append(*a, Attr{tk.(string), v})
	}
	_, err := dec.Token()
	return err
}

// equal reports whether two attribute lists hold the same values. Both are
// built in the same order by the same rendering, so they are compared in
// order; the values are the JSON-ish ones renderers produce.
func (a Attrs) equal(b Attrs) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || !sameValue(a[i].Value, b[i].Value) {
			return false
		}
	}
	return true
}

// sameValue compares attribute values without reflection for the common
// kinds.
func sameValue(x, y any) bool {
	switch a := x.(type) {
	case nil:
		return y == nil
	case string:
		b, ok := y.(string)
		return ok && a == b
	case bool:
		b, ok := y.(bool)
		return ok && a == b
	case int:
		b, ok := y.(int)
		return ok && a == b
	case int64:
		b, ok := y.(int64)
		return ok && a == b
	case float64:
		b, ok := y.(float64)
		return ok && a == b
	case json.Number:
		b, ok := y.(json.Number)
		return ok && a == b
	case []string:
		b, ok := y.([]string)
		return ok && slices.Equal(a, b)
	}
	return reflect.DeepEqual(x, y)
}
