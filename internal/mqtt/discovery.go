package mqtt

import (
	"strings"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// config is one discovery config: it goes to
// <prefix>/<component>/<unique_id>/config.
type config struct {
	component string
	uniqueID  string
	payload   map[string]any
}

// subject is what a discovery config is made of: the entity, its device,
// its topic key and its current state (for capabilities: options, ranges).
type subject struct {
	info  entity.Info
	dev   entity.Device
	key   string
	state entity.State
}

// describer builds the discovery configs (Home Assistant's MQTT discovery
// keys, https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery).
type describer struct {
	t       Topics
	units   entity.UnitSystem
	version string
}

// Templates of the state topic's payload. The state topic carries the
// registry's state; Home Assistant's "unknown" and "unavailable" become
// None (unknown), and "unavailable" also makes the entity unavailable
// through its third availability topic.
const (
	valueOrNone       = "{{ None if value in ('unknown', 'unavailable') else value }}"
	availableTemplate = "{{ 'offline' if value == 'unavailable' else 'online' }}"
)

// sameAsState: the MQTT component whose discovery reads the state topic
// as it is, with value_template turning unknown into None.
var stateComponents = map[entity.Platform]bool{
	entity.Sensor: true, entity.BinarySensor: true, entity.Switch: true, entity.Number: true,
	entity.Select: true, entity.Lock: true, entity.Cover: true,
}

// configs returns the entity's discovery configs: one, or the media
// player's parts.
func (d describer) configs(s subject) []config {
	switch s.info.Platform {
	case entity.MediaPlayer:
		return d.mediaPlayer(s)
	}
	c := config{component: string(s.info.Platform), uniqueID: s.info.UniqueID, payload: d.common(s, s.info.UniqueID, s.info.EntityID, name(s.info))}
	p := c.payload
	root := d.t.Entity(s.info.DeviceID, s.key)
	if stateComponents[s.info.Platform] {
		p["state_topic"] = root + "/state"
		p["value_template"] = valueOrNone
	}
	switch s.info.Platform {
	case entity.Sensor:
		putNonEmpty(p, "unit_of_measurement", s.info.Unit)
		putNonEmpty(p, "state_class", s.info.StateClass)
		if opts, ok := s.state.Attributes.Get("options"); ok {
			p["options"] = opts
		}
		if s.info.Category == entity.Config {
			delete(p, "entity_category") // Home Assistant refuses config sensors
		}
	case entity.BinarySensor:
		p["payload_on"], p["payload_off"] = "on", "off"
	case entity.Switch:
		p["command_topic"] = root + "/set"
		p["payload_on"], p["payload_off"] = "ON", "OFF"
		p["state_on"], p["state_off"] = "on", "off"
	case entity.Button:
		delete(p, "device_class")
		p["command_topic"] = root + "/set"
		p["payload_press"] = "PRESS"
	case entity.Number:
		p["command_topic"] = root + "/set"
		putNonEmpty(p, "unit_of_measurement", s.info.Unit)
		copyAttrs(p, s.state.Attributes, "min", "max", "step", "mode")
	case entity.Select:
		p["command_topic"] = root + "/set"
		copyAttrs(p, s.state.Attributes, "options")
	case entity.Lock:
		p["command_topic"] = root + "/set"
		p["payload_lock"], p["payload_unlock"] = "LOCK", "UNLOCK"
		p["state_locked"], p["state_unlocked"] = "locked", "unlocked"
		p["state_locking"], p["state_unlocking"] = "locking", "unlocking"
	case entity.Cover:
		p["command_topic"] = root + "/set"
		p["state_open"], p["state_closed"] = "open", "closed"
		p["state_opening"], p["state_closing"] = "opening", "closing"
		// A null payload disables the action (Home Assistant's way to
		// say the cover cannot do it).
		p["payload_open"], p["payload_close"], p["payload_stop"] = nil, nil, nil
		if has(s.info, "open_cover") {
			p["payload_open"] = "OPEN"
		}
		if has(s.info, "close_cover") {
			p["payload_close"] = "CLOSE"
		}
		if has(s.info, "stop_cover") {
			p["payload_stop"] = "STOP"
		}
	case entity.Climate:
		d.climate(p, s, root)
	case entity.DeviceTracker:
		p["state_topic"] = root + "/state"
		p["source_type"] = "gps"
		p["payload_home"], p["payload_not_home"] = "home", "not_home"
	case entity.Update:
		// The attributes carry installed_version, latest_version, title,
		// release_summary, release_url, in_progress and update_percentage:
		// the JSON state Home Assistant's MQTT update reads.
		p["state_topic"] = root + "/attributes"
		p["command_topic"] = root + "/set"
		p["payload_install"] = "INSTALL"
		if pic, ok := s.state.Attributes.Get("entity_picture"); ok && pic != nil {
			p["entity_picture"] = pic
		}
	}
	return []config{c}
}

// common are the keys every entity has: its identity, its device, where
// its attributes are and when it is available.
func (d describer) common(s subject, uniqueID, entityID, name string) map[string]any {
	root := d.t.Entity(s.info.DeviceID, s.key)
	p := map[string]any{
		"name":                  name,
		"unique_id":             uniqueID,
		"default_entity_id":     entityID,
		"device":                d.device(s.dev),
		"origin":                map[string]any{"name": originName, "sw_version": d.version, "support_url": "https://github.com/teslafleet/teslafleet"},
		"json_attributes_topic": root + "/attributes",
		"availability_mode":     "all",
		"availability": []map[string]any{
			{"topic": d.t.Status(), "payload_available": "online", "payload_not_available": "offline"},
			{"topic": d.t.Availability(s.info.DeviceID), "payload_available": "online", "payload_not_available": "offline"},
			{"topic": root + "/state", "value_template": availableTemplate, "payload_available": "online", "payload_not_available": "offline"},
		},
	}
	putNonEmpty(p, "device_class", s.info.DeviceClass)
	putNonEmpty(p, "icon", s.info.Icon)
	putNonEmpty(p, "entity_category", string(s.info.Category))
	return p
}

// device is the discovery's device block.
func (d describer) device(dev entity.Device) map[string]any {
	m := map[string]any{
		"identifiers":  []string{deviceIdentifier(dev.ID)},
		"name":         dev.Name,
		"manufacturer": dev.Manufacturer,
	}
	putNonEmpty(m, "model", dev.Model)
	putNonEmpty(m, "serial_number", dev.SerialNumber)
	if dev.ViaDevice != "" {
		m["via_device"] = deviceIdentifier(dev.ViaDevice)
	}
	return m
}

// deviceIdentifier is a device's identifier in Home Assistant's device
// registry.
func deviceIdentifier(id string) string { return "teslafleet_" + id }

// climate: the state is the HVAC mode; the targets and the preset are
// read from the attributes.
func (d describer) climate(p map[string]any, s subject, root string) {
	attrs := root + "/attributes"
	p["mode_state_topic"] = root + "/state"
	p["mode_command_topic"] = root + "/mode/set"
	copyAttrs(p, s.state.Attributes, "min_temp", "max_temp")
	if modes, ok := s.state.Attributes.Get("hvac_modes"); ok {
		p["modes"] = modes
	}
	p["current_temperature_topic"] = attrs
	p["current_temperature_template"] = "{{ value_json.current_temperature }}"
	p["temperature_command_topic"] = root + "/temperature/set"
	p["temperature_state_topic"] = attrs
	p["temperature_state_template"] = "{{ value_json.temperature }}"
	p["temperature_unit"] = "C"
	if d.units == entity.Imperial {
		p["temperature_unit"] = "F"
	}
	p["precision"] = 0.5
	p["temp_step"] = 0.5
	if step, ok := s.state.Attributes.Get("target_temp_step"); ok {
		p["temp_step"] = step
	}
	if has(s.info, "turn_on") {
		p["power_command_topic"] = root + "/power/set"
		p["payload_on"], p["payload_off"] = "ON", "OFF"
	}
	if presets, ok := s.state.Attributes.Get("preset_modes"); ok && has(s.info, "set_preset_mode") {
		p["preset_modes"] = presets
		p["preset_mode_command_topic"] = root + "/preset_mode/set"
		p["preset_mode_state_topic"] = attrs
		p["preset_mode_value_template"] = "{{ value_json.preset_mode }}"
	}
}

// mediaParts are the media player's parts: Home Assistant's MQTT has no
// media player, so it is a state sensor, sensors of what plays, control
// buttons and a volume number.
var mediaParts = []struct {
	part, name, component, attr, service, icon string
}{
	{"state", "", "sensor", "", "", "mdi:speaker"},
	{"title", "title", "sensor", "media_title", "", "mdi:music"},
	{"artist", "artist", "sensor", "media_artist", "", "mdi:account-music"},
	{"album", "album", "sensor", "media_album_name", "", "mdi:album"},
	{"source", "source", "sensor", "source", "", "mdi:import"},
	{"play_pause", "play/pause", "button", "", "media_play_pause", "mdi:play-pause"},
	{"next", "next track", "button", "", "media_next_track", "mdi:skip-next"},
	{"previous", "previous track", "button", "", "media_previous_track", "mdi:skip-previous"},
	{"volume", "volume", "number", "volume_level", "volume_set", "mdi:volume-high"},
}

func (d describer) mediaPlayer(s subject) []config {
	root := d.t.Entity(s.info.DeviceID, s.key)
	object := strings.TrimPrefix(s.info.EntityID, string(entity.MediaPlayer)+".")
	var out []config
	for _, mp := range mediaParts {
		if mp.service != "" && !has(s.info, mp.service) {
			continue
		}
		uid, id, n := s.info.UniqueID+"_"+mp.part, mp.component+"."+object+"_"+mp.part, name(s.info)
		if mp.name != "" {
			n += " " + mp.name
		}
		p := d.common(s, uid, id, n)
		delete(p, "device_class")
		p["icon"] = mp.icon
		switch mp.component {
		case "sensor":
			p["state_topic"] = root + "/state"
			p["value_template"] = valueOrNone
			if mp.attr != "" {
				p["state_topic"] = root + "/attributes"
				p["value_template"] = "{{ value_json." + mp.attr + " | default(None) }}"
			}
		case "button":
			p["command_topic"] = root + "/" + mp.part + "/set"
			p["payload_press"] = "PRESS"
		case "number":
			p["command_topic"] = root + "/" + mp.part + "/set"
			p["state_topic"] = root + "/attributes"
			p["value_template"] = "{{ value_json." + mp.attr + " | default(None) }}"
			p["min"], p["max"], p["step"], p["mode"] = 0, 1, 0.01, "slider"
		}
		out = append(out, config{component: mp.component, uniqueID: uid, payload: p})
	}
	return out
}

// removals are the entity's config topics with no payload, as a disabled
// entity's are. The media player's parts are all removed.
func (d describer) removals(info entity.Info) []string {
	if info.Platform == entity.MediaPlayer {
		out := make([]string, len(mediaParts))
		for i, mp := range mediaParts {
			out[i] = d.t.Config(mp.component, info.UniqueID+"_"+mp.part)
		}
		return out
	}
	return []string{d.t.Config(string(info.Platform), info.UniqueID)}
}

// name is the entity's name in its device: the user's, else the
// integration's (Home Assistant shows "<device> <name>").
func name(info entity.Info) string {
	if info.Name != "" {
		return info.Name
	}
	return info.OriginalName
}

func has(info entity.Info, service string) bool {
	for _, s := range info.Services {
		if s == service {
			return true
		}
	}
	return false
}

func putNonEmpty(m map[string]any, key, v string) {
	if v != "" {
		m[key] = v
	}
}

func copyAttrs(p map[string]any, a entity.Attrs, keys ...string) {
	for _, k := range keys {
		if v, ok := a.Get(k); ok && v != nil {
			p[k] = v
		}
	}
}

// originName names teslafleet as the origin of its discovery configs (the
// sweep recognises its own by it).
const originName = "teslafleet"
