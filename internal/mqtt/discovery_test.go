package mqtt

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// Home Assistant's MQTT discovery keys (home-assistant.io
// integrations/{mqtt,sensor.mqtt,binary_sensor.mqtt,switch.mqtt,…}): the
// keys every entity may have, and per component the keys it requires and
// the ones it may have besides. A config with a key outside these is one
// Home Assistant refuses.
var (
	haCommon = []string{"name", "unique_id", "default_entity_id", "device", "origin", "availability", "availability_mode",
		"json_attributes_topic", "json_attributes_template", "icon", "entity_category", "enabled_by_default", "qos",
		"entity_picture", "device_class", "encoding"}
	haDevice = []string{"identifiers", "connections", "name", "manufacturer", "model", "model_id", "serial_number",
		"hw_version", "sw_version", "suggested_area", "via_device", "configuration_url"}
	haComponents = map[string]struct{ required, optional []string }{
		"sensor":        {[]string{"state_topic"}, []string{"value_template", "unit_of_measurement", "state_class", "options", "suggested_display_precision", "expire_after", "force_update", "last_reset_value_template"}},
		"binary_sensor": {[]string{"state_topic"}, []string{"value_template", "payload_on", "payload_off", "expire_after", "force_update", "off_delay"}},
		"switch":        {[]string{"command_topic"}, []string{"state_topic", "value_template", "payload_on", "payload_off", "state_on", "state_off", "optimistic", "retain", "command_template"}},
		"button":        {[]string{"command_topic"}, []string{"payload_press", "command_template", "retain"}},
		"number":        {[]string{"command_topic"}, []string{"state_topic", "value_template", "min", "max", "step", "mode", "unit_of_measurement", "command_template", "optimistic", "payload_reset", "retain"}},
		"select":        {[]string{"command_topic", "options"}, []string{"state_topic", "value_template", "command_template", "optimistic", "retain"}},
		"lock":          {[]string{"command_topic"}, []string{"state_topic", "value_template", "payload_lock", "payload_unlock", "payload_open", "payload_reset", "state_locked", "state_unlocked", "state_locking", "state_unlocking", "state_jammed", "state_open", "state_opening", "code_format", "command_template", "optimistic", "retain"}},
		"cover":         {nil, []string{"command_topic", "state_topic", "value_template", "payload_open", "payload_close", "payload_stop", "state_open", "state_closed", "state_opening", "state_closing", "state_stopped", "position_topic", "set_position_topic", "optimistic", "retain"}},
		"climate": {[]string{"modes"}, []string{"mode_state_topic", "mode_state_template", "mode_command_topic", "mode_command_template", "min_temp", "max_temp", "temp_step", "precision", "temperature_unit",
			"current_temperature_topic", "current_temperature_template", "temperature_command_topic", "temperature_command_template", "temperature_state_topic", "temperature_state_template",
			"preset_modes", "preset_mode_command_topic", "preset_mode_state_topic", "preset_mode_value_template", "power_command_topic", "payload_on", "payload_off", "optimistic", "retain", "initial"}},
		"device_tracker": {[]string{"state_topic"}, []string{"value_template", "source_type", "payload_home", "payload_not_home", "payload_reset"}},
		"update":         {nil, []string{"state_topic", "value_template", "latest_version_topic", "latest_version_template", "command_topic", "payload_install", "release_summary", "release_url", "title", "display_precision", "retain"}},
	}
)

func dev() entity.Device {
	return entity.Device{ID: "5YJ3E1EA1PF000001", Kind: entity.KindVehicle, Name: "Test", Manufacturer: "Tesla", Model: "Model 3", SerialNumber: "5YJ3E1EA1PF000001"}
}

func subj(p entity.Platform, key, name string, services []string, state string, attrs ...entity.Attr) subject {
	d := dev()
	return subject{
		info: entity.Info{EntityID: string(p) + ".test_" + entity.Slugify(name), UniqueID: d.ID + "-" + key, Platform: p, Key: key,
			OriginalName: name, DeviceID: d.ID, Enabled: true, Services: services},
		dev: d, key: entity.Slugify(name), state: entity.State{State: state, Attributes: attrs},
	}
}

var testDescriber = describer{t: Topics{Discovery: "homeassistant", Base: "teslafleet"}, units: entity.Metric, version: "test"}

// Every component's config has the keys Home Assistant requires, only
// keys it knows, and topics under the base topic.
func TestDiscoveryKeysPerComponent(t *testing.T) {
	sensor := subj(entity.Sensor, "charge_state_battery_level", "Battery level", nil, "77")
	sensor.info.DeviceClass, sensor.info.StateClass, sensor.info.Unit = "battery", "measurement", "%"
	for _, tc := range []struct {
		name      string
		s         subject
		component string
		want      map[string]any // some values, as Home Assistant reads them
	}{
		{"sensor", sensor, "sensor", map[string]any{"unit_of_measurement": "%", "state_class": "measurement", "device_class": "battery"}},
		{"enum sensor", subj(entity.Sensor, "charge_state_charging_state", "Charging", nil, "stopped", entity.Attr{Key: "options", Value: []string{"charging", "stopped"}}),
			"sensor", map[string]any{"options": []any{"charging", "stopped"}}},
		{"binary_sensor", subj(entity.BinarySensor, "state", "Status", nil, "on"), "binary_sensor", map[string]any{"payload_on": "on", "payload_off": "off"}},
		{"switch", subj(entity.Switch, "vehicle_state_sentry_mode", "Sentry mode", []string{"turn_on", "turn_off"}, "off"), "switch",
			map[string]any{"payload_on": "ON", "state_on": "on", "command_topic": "teslafleet/5YJ3E1EA1PF000001/sentry_mode/set"}},
		{"button", subj(entity.Button, "honk", "Honk horn", []string{"press"}, "unknown"), "button", map[string]any{"payload_press": "PRESS"}},
		{"number", subj(entity.Number, "charge_state_charge_limit_soc", "Charge limit", []string{"set_value"}, "80",
			entity.Attr{Key: "min", Value: 50}, entity.Attr{Key: "max", Value: 100}, entity.Attr{Key: "step", Value: 1}, entity.Attr{Key: "mode", Value: "auto"}),
			"number", map[string]any{"min": 50.0, "max": 100.0, "step": 1.0, "mode": "auto"}},
		{"select", subj(entity.Select, "climate_state_seat_heater_left", "Seat heater front left", []string{"select_option"}, "off",
			entity.Attr{Key: "options", Value: []string{"off", "low", "medium", "high"}}), "select", map[string]any{"options": []any{"off", "low", "medium", "high"}}},
		{"lock", subj(entity.Lock, "vehicle_state_locked", "Lock", []string{"lock", "unlock"}, "locked"), "lock", map[string]any{"state_locked": "locked", "payload_lock": "LOCK"}},
		{"cover that only opens", subj(entity.Cover, "vehicle_state_ft", "Frunk", []string{"open_cover"}, "closed"), "cover",
			map[string]any{"payload_open": "OPEN", "payload_close": nil, "payload_stop": nil}},
		{"cover that stops", subj(entity.Cover, "vehicle_state_sun_roof_state", "Sunroof", []string{"open_cover", "close_cover", "stop_cover"}, "open"), "cover",
			map[string]any{"payload_close": "CLOSE", "payload_stop": "STOP"}},
		{"climate", subj(entity.Climate, "driver_temp", "Climate", []string{"turn_on", "turn_off", "set_temperature", "set_hvac_mode", "set_preset_mode"}, "heat_cool",
			entity.Attr{Key: "hvac_modes", Value: []string{"heat_cool", "off"}}, entity.Attr{Key: "min_temp", Value: 15.0}, entity.Attr{Key: "max_temp", Value: 28.0},
			entity.Attr{Key: "preset_modes", Value: []string{"off", "keep", "dog", "camp"}}), "climate",
			map[string]any{"modes": []any{"heat_cool", "off"}, "min_temp": 15.0, "max_temp": 28.0, "temperature_unit": "C",
				"preset_mode_command_topic": "teslafleet/5YJ3E1EA1PF000001/climate/preset_mode/set"}},
		{"device_tracker", subj(entity.DeviceTracker, "location", "Location", nil, "not_home", entity.Attr{Key: "latitude", Value: 1.0}, entity.Attr{Key: "longitude", Value: 2.0}),
			"device_tracker", map[string]any{"source_type": "gps", "json_attributes_topic": "teslafleet/5YJ3E1EA1PF000001/location/attributes"}},
		{"update", subj(entity.Update, "vehicle_state_software_update_status", "Update", []string{"install"}, "on"), "update", map[string]any{"payload_install": "INSTALL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := testDescriber.configs(tc.s)
			if len(cs) != 1 || cs[0].component != tc.component || cs[0].uniqueID != tc.s.info.UniqueID {
				t.Fatalf("configs = %+v", cs)
			}
			checkConfig(t, tc.component, cs[0].payload)
			got := roundTrip(t, cs[0].payload)
			for k, v := range tc.want {
				if b, _ := json.Marshal(got[k]); string(b) != mustJSON(v) {
					t.Errorf("%s = %s, want %s", k, b, mustJSON(v))
				}
			}
			if got["name"] != tc.s.info.OriginalName || got["default_entity_id"] != tc.s.info.EntityID {
				t.Errorf("name %v, default_entity_id %v", got["name"], got["default_entity_id"])
			}
		})
	}
}

// checkConfig holds a config to Home Assistant's schema of its component.
func checkConfig(t *testing.T, component string, p map[string]any) {
	t.Helper()
	spec, ok := haComponents[component]
	if !ok {
		t.Fatalf("no Home Assistant MQTT component %q", component)
	}
	for _, k := range spec.required {
		if _, ok := p[k]; !ok {
			t.Errorf("%s: required key %s missing", component, k)
		}
	}
	for k, v := range p {
		if !slices.Contains(haCommon, k) && !slices.Contains(spec.required, k) && !slices.Contains(spec.optional, k) {
			t.Errorf("%s: key %s is not Home Assistant's", component, k)
		}
		if s, ok := v.(string); ok && strings.HasSuffix(k, "_topic") && !strings.HasPrefix(s, "teslafleet/") {
			t.Errorf("%s: %s = %s, not under the base topic", component, k, s)
		}
	}
	d := roundTrip(t, p)["device"].(map[string]any)
	for k := range d {
		if !slices.Contains(haDevice, k) {
			t.Errorf("device key %s is not Home Assistant's", k)
		}
	}
	if ids, _ := d["identifiers"].([]any); len(ids) != 1 {
		t.Errorf("device identifiers %v", d["identifiers"])
	}
	av, _ := roundTrip(t, p)["availability"].([]any)
	if len(av) != 3 || p["availability_mode"] != "all" {
		t.Errorf("availability %v (mode %v): want the bridge, the device and the entity", av, p["availability_mode"])
	}
}

// The media player, which Home Assistant's MQTT lacks, is its parts.
func TestDiscoveryMediaPlayerParts(t *testing.T) {
	s := subj(entity.MediaPlayer, "media", "Media player", []string{"media_play_pause", "media_next_track", "media_previous_track", "volume_set"}, "playing")
	cs := testDescriber.configs(s)
	var got []string
	for _, c := range cs {
		checkConfig(t, c.component, c.payload)
		got = append(got, c.component+":"+strings.TrimPrefix(c.uniqueID, s.info.UniqueID+"_"))
	}
	want := []string{"sensor:state", "sensor:title", "sensor:artist", "sensor:album", "sensor:source", "button:play_pause", "button:next", "button:previous", "number:volume"}
	if !slices.Equal(got, want) {
		t.Errorf("parts %v, want %v", got, want)
	}
	if n := len(testDescriber.removals(s.info)); n != len(want) {
		t.Errorf("%d removals, want %d", n, len(want))
	}
}

func TestDeviceBlock(t *testing.T) {
	wc := entity.Device{ID: "abd-123", Kind: entity.KindWallConnector, Name: "Wall Connector", Manufacturer: "Tesla", Model: "Gen 3 Wall Connector", SerialNumber: "123", ViaDevice: "123456"}
	got := testDescriber.device(wc)
	if got["via_device"] != "teslafleet_123456" || got["serial_number"] != "123" || !slices.Equal(got["identifiers"].([]string), []string{"teslafleet_abd-123"}) {
		t.Errorf("device block %v", got)
	}
}

func roundTrip(t *testing.T, v any) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(mustJSON(v)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
