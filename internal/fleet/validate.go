package fleet

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"
)

var commandNameRE = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// ValidateCommand checks a REST command's name and parameters exactly as
// Client.Command does before sending: body is marshalled to JSON (nil is {})
// and checked against Tesla's ranges and enums. The error is a
// *ValidationError (class ErrInvalidRequest). Package command uses it so that
// signed commands, which carry the same parameters, share these ranges.
func ValidateCommand(name string, body any) error {
	_, err := commandPayload(name, body)
	return err
}

// commandPayload is body as JSON (nil is {}), validated for command name.
func commandPayload(name string, body any) ([]byte, error) {
	payload := []byte("{}")
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, &ValidationError{Command: name, Reason: "body is not JSON: " + err.Error()}
		}
		payload = b
	}
	if err := validateCommand(name, payload); err != nil {
		return nil, err
	}
	return payload, nil
}

// validateCommand checks the parameters of the REST commands Home Assistant
// sends (Tesla's ranges and enums). Unknown commands pass through with only
// the name and the body's shape checked.
func validateCommand(name string, body []byte) error {
	if !commandNameRE.MatchString(name) {
		return &ValidationError{Command: "command", Field: "name", Reason: strconv.Quote(name) + " is not a command name"}
	}
	p := params{cmd: name}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&p.m); err != nil || p.m == nil {
		return &ValidationError{Command: name, Reason: "body must be a JSON object"}
	}
	switch name {
	case "actuate_trunk":
		return p.oneOf("which_trunk", "front", "rear")
	case "remote_boombox":
		return p.intOneOf("sound", 0, 2000)
	case "trigger_homelink":
		return first(p.number("lat", -90, 90, true), p.number("lon", -180, 180, true))
	case "set_sentry_mode", "remote_auto_steering_wheel_heat_climate_request", "remote_steering_wheel_heater_request":
		return p.boolean("on", true)
	case "set_temps":
		return first(p.number("driver_temp", 15, 28, true), p.number("passenger_temp", 15, 28, true))
	case "set_preconditioning_max":
		return first(p.boolean("on", true), p.boolean("manual_override", false))
	case "set_climate_keeper_mode":
		return first(p.integer("climate_keeper_mode", 0, 3, true), p.boolean("manual_override", false))
	case "set_cabin_overheat_protection":
		return first(p.boolean("on", true), p.boolean("fan_only", false))
	case "set_cop_temp":
		return p.integer("cop_temp", 0, 2, true)
	case "remote_seat_heater_request":
		seat := "seat_position"
		if _, ok := p.m[seat]; !ok {
			seat = "heater" // the older key
		}
		return first(p.integer(seat, 0, 8, true), p.integer("level", 0, 3, true))
	case "remote_auto_seat_climate_request":
		return first(p.integer("auto_seat_position", 1, 2, true), p.boolean("auto_climate_on", true))
	case "remote_steering_wheel_heat_level_request":
		return p.integer("level", 0, 3, true)
	case "set_charging_amps":
		return p.integer("charging_amps", 0, 80, true)
	case "set_charge_limit":
		return p.integer("percent", 50, 100, true)
	case "window_control":
		return first(p.oneOf("command", "vent", "close"), p.number("lat", -90, 90, false), p.number("lon", -180, 180, false))
	case "sun_roof_control":
		return p.oneOf("state", "vent", "close", "stop")
	case "adjust_volume":
		return p.number("volume", 0, 11, true)
	case "schedule_software_update":
		return p.integer("offset_sec", 0, math.MaxInt32, true)
	}
	return nil
}

// params is a command body being validated.
type params struct {
	cmd string
	m   map[string]any
}

func (p params) bad(field, reason string) error {
	return &ValidationError{Command: p.cmd, Field: field, Reason: reason}
}

func (p params) number(field string, lo, hi float64, required bool) error {
	v, ok := p.m[field]
	if !ok || v == nil {
		if required {
			return p.bad(field, "is required")
		}
		return nil
	}
	n, isNum := v.(json.Number)
	f, err := n.Float64()
	if !isNum || err != nil {
		return p.bad(field, "must be a number")
	}
	if f < lo || f > hi {
		return p.bad(field, "must be between "+fmtNum(lo)+" and "+fmtNum(hi)+", got "+n.String())
	}
	return nil
}

func (p params) integer(field string, lo, hi int, required bool) error {
	if err := p.number(field, float64(lo), float64(hi), required); err != nil {
		return err
	}
	if n, ok := p.m[field].(json.Number); ok {
		if _, err := n.Int64(); err != nil {
			return p.bad(field, "must be a whole number")
		}
	}
	return nil
}

func (p params) intOneOf(field string, values ...int64) error {
	n, ok := p.m[field].(json.Number)
	if !ok {
		return p.bad(field, "is required")
	}
	i, err := n.Int64()
	if err != nil || !slices.Contains(values, i) {
		return p.bad(field, "must be one of "+fmtInts(values))
	}
	return nil
}

func (p params) boolean(field string, required bool) error {
	v, ok := p.m[field]
	if !ok {
		if required {
			return p.bad(field, "is required")
		}
		return nil
	}
	if _, isBool := v.(bool); !isBool {
		return p.bad(field, "must be true or false")
	}
	return nil
}

func (p params) oneOf(field string, values ...string) error {
	s, ok := p.m[field].(string)
	if !ok || !slices.Contains(values, s) {
		return p.bad(field, "must be one of "+strconv.Quote(values[0])+fmtRest(values[1:]))
	}
	return nil
}

func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func fmtRest(vs []string) string {
	s := ""
	for _, v := range vs {
		s += ", " + strconv.Quote(v)
	}
	return s
}

func fmtInts(vs []int64) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += strconv.FormatInt(v, 10)
	}
	return s
}
