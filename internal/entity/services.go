package entity

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// FieldType is the type of a service field.
type FieldType string

const (
	FieldFloat  FieldType = "float"
	FieldString FieldType = "string"
	FieldBool   FieldType = "boolean"
)

// Field is one field of a service's data, as Home Assistant's schema has it.
type Field struct {
	Name     string    `json:"name"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required,omitempty"`
	Min      *float64  `json:"min,omitempty"`
	Max      *float64  `json:"max,omitempty"`
}

type serviceKey struct{ domain, service string }

// serviceDef is one service's data schema.
type serviceDef struct {
	fields []Field
}

func bound(f float64) *float64 { return &f }

var (
	fTemperature = Field{Name: "temperature", Type: FieldFloat}
	fTempHigh    = Field{Name: "target_temp_high", Type: FieldFloat}
	fTempLow     = Field{Name: "target_temp_low", Type: FieldFloat}
	fHVACMode    = Field{Name: "hvac_mode", Type: FieldString}
)

// services are the actions of architecture §3.3 and their schemas
// (Home Assistant's service schemas: extra keys are refused).
var services = map[serviceKey]serviceDef{
	{"button", "press"}:                      {},
	{"switch", "turn_on"}:                    {},
	{"switch", "turn_off"}:                   {},
	{"switch", "toggle"}:                     {},
	{"lock", "lock"}:                         {fields: []Field{{Name: "code", Type: FieldString}}},
	{"lock", "unlock"}:                       {fields: []Field{{Name: "code", Type: FieldString}}},
	{"cover", "open_cover"}:                  {},
	{"cover", "close_cover"}:                 {},
	{"cover", "stop_cover"}:                  {},
	{"climate", "turn_on"}:                   {},
	{"climate", "turn_off"}:                  {},
	{"climate", "set_temperature"}:           {fields: []Field{fTemperature, fTempHigh, fTempLow, fHVACMode}},
	{"climate", "set_hvac_mode"}:             {fields: []Field{{Name: "hvac_mode", Type: FieldString, Required: true}}},
	{"climate", "set_preset_mode"}:           {fields: []Field{{Name: "preset_mode", Type: FieldString, Required: true}}},
	{"number", "set_value"}:                  {fields: []Field{{Name: "value", Type: FieldFloat, Required: true}}},
	{"select", "select_option"}:              {fields: []Field{{Name: "option", Type: FieldString, Required: true}}},
	{"media_player", "media_play"}:           {},
	{"media_player", "media_pause"}:          {},
	{"media_player", "media_play_pause"}:     {},
	{"media_player", "media_next_track"}:     {},
	{"media_player", "media_previous_track"}: {},
	{"media_player", "volume_set"}:           {fields: []Field{{Name: "volume_level", Type: FieldFloat, Required: true, Min: bound(0), Max: bound(1)}}},
	{"update", "install"}:                    {fields: []Field{{Name: "version", Type: FieldString}, {Name: "backup", Type: FieldBool}}},
	{DomainHomeAssistant, "update_entity"}:   {},
}

// validate checks data against the schema and coerces its values (numbers
// to float64, as voluptuous's Coerce(float) does; numbers to strings for
// string fields, as cv.string does).
func (d serviceDef) validate(data map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(data))
	for k, v := range data {
		i := slices.IndexFunc(d.fields, func(f Field) bool { return f.Name == k })
		if i < 0 {
			return nil, badRequest("extra keys not allowed @ data['%s']", k)
		}
		f := d.fields[i]
		x, err := coerce(f, v)
		if err != nil {
			return nil, err
		}
		out[k] = x
	}
	for _, f := range d.fields {
		if _, ok := out[f.Name]; f.Required && !ok {
			return nil, badRequest("required key not provided @ data['%s']", f.Name)
		}
	}
	return out, nil
}

func coerce(f Field, v any) (any, error) {
	switch f.Type {
	case FieldFloat:
		var x float64
		switch t := v.(type) {
		case float64:
			x = t
		case json.Number:
			n, err := t.Float64()
			if err != nil {
				return nil, badRequest("expected float for dictionary value @ data['%s']", f.Name)
			}
			x = n
		case string:
			n, err := strconv.ParseFloat(t, 64)
			if err != nil {
				return nil, badRequest("expected float for dictionary value @ data['%s']", f.Name)
			}
			x = n
		case int:
			x = float64(t)
		default:
			return nil, badRequest("expected float for dictionary value @ data['%s']", f.Name)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, badRequest("expected a finite number for dictionary value @ data['%s']", f.Name)
		}
		if (f.Min != nil && x < *f.Min) || (f.Max != nil && x > *f.Max) {
			return nil, badRequest("value must be at most %s and at least %s for dictionary value @ data['%s']", pyFloat(*f.Max), pyFloat(*f.Min), f.Name)
		}
		return x, nil
	case FieldString:
		switch t := v.(type) {
		case string:
			return t, nil
		case json.Number:
			return t.String(), nil
		case float64:
			return pyFloat(t), nil
		}
		return nil, badRequest("expected str for dictionary value @ data['%s']", f.Name)
	case FieldBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, badRequest("expected bool for dictionary value @ data['%s']", f.Name)
	}
	return nil, fmt.Errorf("entity: field %s has no type", f.Name)
}
