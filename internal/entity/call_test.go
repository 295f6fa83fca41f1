package entity

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
)

// Every action is validated before anything is sent: these calls must be
// refused with the integration's message and send nothing.
func TestCallRefusedBeforeSending(t *testing.T) {
	full := allScopes
	readonly := []string{"openid", "offline_access", ScopeVehicleData, ScopeEnergyData}
	cases := []struct {
		name    string
		scopes  []string
		domain  string
		service string
		target  string
		data    map[string]any
		kind    ErrorKind
		message string
	}{
		{"charge limit above max", full, "number", "set_value", "number.test_charge_limit", map[string]any{"value": 101.0},
			KindInvalid, "Value 101.0 for number.test_charge_limit is outside valid range 50 - 100"},
		{"charge current above the car's max", full, "number", "set_value", "number.test_charge_current", map[string]any{"value": 17.0},
			KindInvalid, "Value 17.0 for number.test_charge_current is outside valid range 0 - 16"},
		{"value missing", full, "number", "set_value", "number.test_charge_limit", map[string]any{},
			KindBadRequest, "required key not provided @ data['value']"},
		{"value not a number", full, "number", "set_value", "number.test_charge_limit", map[string]any{"value": "lots"},
			KindBadRequest, "expected float for dictionary value @ data['value']"},
		{"unknown field", full, "switch", "turn_on", "switch.test_sentry_mode", map[string]any{"speed": 3.0},
			KindBadRequest, "extra keys not allowed @ data['speed']"},
		{"unknown option", full, "select", "select_option", "select.test_seat_heater_front_left", map[string]any{"option": "lava"},
			KindInvalid, "Option lava is not valid for select.test_seat_heater_front_left. Valid options are: off, low, medium, high."},
		{"missing scope: switch", readonly, "switch", "turn_on", "switch.test_sentry_mode", nil,
			KindInvalid, "Missing vehicle commands scope."},
		{"missing scope: charge number", readonly, "number", "set_value", "number.test_charge_limit", map[string]any{"value": 80.0},
			KindInvalid, "Missing vehicle charging commands scope."},
		{"missing scope: energy select", readonly, "select", "select_option", "select.energy_site_operation_mode", map[string]any{"option": "backup"},
			KindInvalid, "Missing energy commands scope."},
		{"unscoped cover has no features", readonly, "cover", "open_cover", "cover.test_frunk", nil,
			KindInvalid, "Entity cover.test_frunk does not support action cover.open_cover"},
		{"read-only entity", full, "switch", "turn_on", "sensor.test_battery_level", nil,
			KindInvalid, "Entity sensor.test_battery_level does not support action switch.turn_on"},
		{"frunk cannot close", full, "cover", "close_cover", "cover.test_frunk", nil,
			KindInvalid, "Entity cover.test_frunk does not support action cover.close_cover"},
		{"cable lock cannot lock", full, "lock", "lock", "lock.test_charge_cable_lock", nil,
			KindInvalid, "Charge cable will lock automatically when connected"},
		{"temperature missing", full, "climate", "set_temperature", "climate.test_climate", map[string]any{"hvac_mode": "heat_cool"},
			KindInvalid, "Temperature is required for this action."},
		{"temperature out of range", full, "climate", "set_temperature", "climate.test_climate", map[string]any{"temperature": 35.0},
			KindInvalid, "Provided temperature 35.0 is not valid. Accepted range is 15.0 to 28.0"},
		{"cop temperature not a level", full, "climate", "set_temperature", "climate.test_cabin_overheat_protection", map[string]any{"temperature": 33.0},
			KindInvalid, "Cabin overheat protection does not support that temperature."},
		{"hvac mode not offered", full, "climate", "set_hvac_mode", "climate.test_climate", map[string]any{"hvac_mode": "cool"},
			KindInvalid, "HVAC mode cool is not valid. Valid HVAC modes are: heat_cool, off"},
		{"unknown preset", full, "climate", "set_preset_mode", "climate.test_climate", map[string]any{"preset_mode": "party"},
			KindInvalid, "Preset mode party is not valid. Valid preset modes are: off, keep, dog, camp"},
		{"volume above 1", full, "media_player", "volume_set", "media_player.test_media_player", map[string]any{"volume_level": 1.5},
			KindBadRequest, "value must be at most 1.0 and at least 0.0 for dictionary value @ data['volume_level']"},
		{"unknown service", full, "switch", "explode", "switch.test_sentry_mode", nil,
			KindBadRequest, "Action switch.explode not found"},
		{"unknown entity", full, "switch", "turn_on", "switch.nope", nil,
			KindInvalid, "None of the referenced entities exist: switch.nope"},
		{"one bad target refuses all", full, "switch", "turn_on", "switch.test_sentry_mode,sensor.test_battery_level", nil,
			KindInvalid, "Entity sensor.test_battery_level does not support action switch.turn_on"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHASetup(t, Options{AllEnabled: true}, c.scopes)
			_, err := h.reg.Call(context.Background(), c.domain, c.service, splitIDs(c.target), c.data)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Kind != c.kind || e.Message != c.message {
				t.Errorf("got kind %d %q, want kind %d %q", e.Kind, e.Message, c.kind, c.message)
			}
			if e.HTTPStatus() != http.StatusBadRequest {
				t.Errorf("status %d, want 400", e.HTTPStatus())
			}
			if len(h.send.sent)+len(h.send.wakes) != 0 {
				t.Errorf("sent %v, wakes %v: want nothing", h.send.sent, h.send.wakes)
			}
		})
	}
}

func splitIDs(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// A valid call sends the integration's commands, in order, and updates the
// entity optimistically with the call's context.
func TestCallSendsAndUpdates(t *testing.T) {
	cases := []struct {
		name    string
		domain  string
		service string
		target  string
		data    map[string]any
		sent    []string
		state   string // the target's state afterwards
	}{
		{"sentry on", "switch", "turn_on", "switch.test_sentry_mode", nil, []string{"v:set_sentry_mode"}, "on"},
		{"toggle auto seat (on → off)", "switch", "toggle", "switch.test_auto_seat_climate_left", nil, []string{"v:remote_auto_seat_climate_request"}, "off"},
		{"lock", "lock", "lock", "lock.test_lock", nil, []string{"v:door_lock"}, "locked"},
		{"cable unlock releases the latch", "lock", "unlock", "lock.test_charge_cable_lock", nil, []string{"v:charge_port_door_open"}, "unlocked"},
		{"charge limit as a float", "number", "set_value", "number.test_charge_limit", map[string]any{"value": 90.0}, []string{"v:set_charge_limit"}, "90.0"},
		// Climate is on in the fixture: no auto_conditioning_start first.
		{"seat heater high", "select", "select_option", "select.test_seat_heater_front_left", map[string]any{"option": "high"}, []string{"v:remote_seat_heater_request"}, "high"},
		{"climate off", "climate", "turn_off", "climate.test_climate", nil, []string{"v:auto_conditioning_stop"}, "off"},
		{"set temperature with mode", "climate", "set_temperature", "climate.test_climate", map[string]any{"temperature": 20.5, "hvac_mode": "off"}, []string{"v:set_temps", "v:auto_conditioning_stop"}, "off"},
		{"cop fan only", "climate", "set_hvac_mode", "climate.test_cabin_overheat_protection", map[string]any{"hvac_mode": "fan_only"}, []string{"v:set_cabin_overheat_protection"}, "fan_only"},
		{"open windows", "cover", "open_cover", "cover.test_windows", nil, []string{"v:vent_windows"}, "open"},
		{"open trunk", "cover", "open_cover", "cover.test_trunk", nil, []string{"v:actuate_trunk"}, "open"},
		{"close a closed trunk sends nothing", "cover", "close_cover", "cover.test_trunk", nil, nil, "closed"},
		{"pause while playing", "media_player", "media_pause", "media_player.test_media_player", nil, []string{"v:media_toggle_playback"}, "paused"},
		{"play while playing sends nothing", "media_player", "media_play", "media_player.test_media_player", nil, nil, "playing"},
		{"install update", "update", "install", "update.test_update", nil, []string{"v:schedule_software_update"}, "on"},
		{"operation mode", "select", "select_option", "select.energy_site_operation_mode", map[string]any{"option": "backup"}, []string{"site:operation"}, "backup"},
		{"storm watch off", "switch", "turn_off", "switch.energy_site_storm_watch", nil, []string{"site:storm_mode"}, "off"},
		{"allow grid charging", "switch", "turn_on", "switch.energy_site_allow_charging_from_grid", nil, []string{"site:grid_import_export"}, "on"},
		{"backup reserve", "number", "set_value", "number.energy_site_backup_reserve", map[string]any{"value": 40.0}, []string{"site:backup"}, "40.0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHASetup(t, Options{AllEnabled: true}, allScopes)
			ctx := WithUser(context.Background(), "user-1")
			states, err := h.reg.Call(ctx, c.domain, c.service, []string{c.target}, c.data)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, s := range c.sent {
				if s[:2] == "v:" {
					s = h.vin + s[1:]
				}
				want = append(want, s)
			}
			if !slices.Equal(h.send.sent, want) {
				t.Errorf("sent %v, want %v", h.send.sent, want)
			}
			if got := h.state(t, c.target); got.State != c.state {
				t.Errorf("state %q, want %q", got.State, c.state)
			}
			for _, s := range states {
				if s.Context.UserID == nil || *s.Context.UserID != "user-1" {
					t.Errorf("changed state %s lacks the caller's user id", s.EntityID)
				}
			}
		})
	}
}

// The seat heater turns the air conditioning on first when it is off
// (§4.13), in the same batch.
func TestSeatHeaterStartsClimateFirst(t *testing.T) {
	h := newHASetup(t, Options{AllEnabled: true}, allScopes)
	if _, err := h.reg.Call(context.Background(), "climate", "turn_off", []string{"climate.test_climate"}, nil); err != nil {
		t.Fatal(err)
	}
	// The climate entity's optimistic off is its own: the select reads the
	// coordinator's data, where climate is still on, as Home Assistant's
	// does. Refresh with climate off.
	h.reg.mu.Lock()
	h.reg.sources[Source{Kind: SourceVehicle, VIN: h.vin}].data.set("climate_state_is_climate_on", false)
	h.reg.mu.Unlock()
	h.send.sent = nil
	if _, err := h.reg.Call(context.Background(), "select", "select_option", []string{"select.test_seat_heater_front_left"}, map[string]any{"option": "low"}); err != nil {
		t.Fatal(err)
	}
	want := []string{h.vin + ":auto_conditioning_start", h.vin + ":remote_seat_heater_request"}
	if !slices.Equal(h.send.sent, want) {
		t.Errorf("sent %v, want %v", h.send.sent, want)
	}
}

// A button's state is the time of its last press; Homelink without a
// location is refused.
func TestButtons(t *testing.T) {
	h := newHASetup(t, Options{AllEnabled: true}, allScopes)
	if got := h.state(t, "button.test_wake").State; got != StateUnknown {
		t.Fatalf("before a press: %q", got)
	}
	if _, err := h.reg.Call(context.Background(), "button", "press", []string{"button.test_wake"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := h.state(t, "button.test_wake").State; got != "2024-01-01T00:00:00+00:00" {
		t.Errorf("after a press: %q", got)
	}
	if !slices.Equal(h.send.wakes, []string{h.vin}) {
		t.Errorf("wakes %v", h.send.wakes)
	}

	noLoc := newHASetup(t, Options{AllEnabled: true}, allScopes)
	noLoc.reg.mu.Lock()
	noLoc.reg.sources[Source{Kind: SourceVehicle, VIN: noLoc.vin}].data.del("drive_state_latitude")
	noLoc.reg.mu.Unlock()
	_, err := noLoc.reg.Call(context.Background(), "button", "press", []string{"button.test_homelink"}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Key != "homelink_no_location" {
		t.Errorf("homelink without location: %v", err)
	}
}

// Without vehicle_cmds there are no buttons (§4.8).
func TestNoButtonsWithoutCommandScope(t *testing.T) {
	h := newHASetup(t, Options{AllEnabled: true}, []string{"openid", ScopeVehicleData, ScopeEnergyData})
	for _, e := range h.reg.Entities() {
		if e.Platform == Button {
			t.Errorf("button %s exists without vehicle_cmds", e.EntityID)
		}
	}
}

// homeassistant.update_entity asks the entity's coordinator to refresh.
func TestUpdateEntityRequestsRefresh(t *testing.T) {
	h := newHASetup(t, Options{AllEnabled: true}, allScopes)
	if _, err := h.reg.Call(context.Background(), DomainHomeAssistant, "update_entity", []string{"sensor.test_battery_level", "sensor.energy_site_solar_power"}, nil); err != nil {
		t.Fatal(err)
	}
	want := []Source{{Kind: SourceVehicle, VIN: h.vin}, {Kind: SourceLive, SiteID: h.siteID}}
	if len(h.poll.requested) != 2 || !slices.Contains(h.poll.requested, want[0]) || !slices.Contains(h.poll.requested, want[1]) {
		t.Errorf("requested %v, want %v", h.poll.requested, want)
	}
}
