package entity

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Data is one source's values, keyed as Home Assistant's coordinators key
// them: nested objects flattened with "_" ("charge_state_battery_level"),
// lists and scalars kept as they are. Numbers are json.Number, so an
// integer stays an integer.
type Data map[string]any

// toMap encodes v (a fleet response, which encodes back to Tesla's JSON
// exactly) and decodes it as a generic object with numbers kept.
func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return decodeObject(b)
}

func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	return m, nil
}

// flatten is Home Assistant's flatten(): {"a": {"b": 1}} → {"a_b": 1}.
func flatten(m map[string]any) Data {
	out := make(Data, len(m)*4)
	flattenInto(out, "", m)
	return out
}

func flattenInto(out Data, parent string, m map[string]any) {
	for k, v := range m {
		key := k
		if parent != "" {
			key = parent + "_" + k
		}
		if sub, ok := v.(map[string]any); ok {
			flattenInto(out, key, sub)
			continue
		}
		out[key] = v
	}
}

// flattenValue flattens a fleet response.
func flattenValue(v any) (Data, error) {
	m, err := toMap(v)
	if err != nil {
		return nil, err
	}
	return flatten(m), nil
}
