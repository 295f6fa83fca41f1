package world

import "math"

// seatFields maps seat positions (Tesla's seat ids 0–8) to climate_state fields.
var seatFields = map[int]string{
	0: "seat_heater_left", 1: "seat_heater_right", 2: "seat_heater_rear_left",
	3: "seat_heater_rear_left", 4: "seat_heater_rear_center", 5: "seat_heater_rear_right",
	6: "seat_heater_rear_right", 7: "seat_heater_third_row_left", 8: "seat_heater_third_row_right",
}

var keeperModes = []string{"off", "keep", "dog", "camp"}

// climateCommands change the cabin climate.
var climateCommands = map[string]cmdFunc{
	"auto_conditioning_start": func(c cmd) (CommandResult, error) {
		c.v.climateOn, c.v.climateSince = true, c.now
		return ok()
	},
	"auto_conditioning_stop": func(c cmd) (CommandResult, error) {
		c.v.climateOn, c.v.keeper = false, "off"
		cl := c.sec("climate_state")
		cl["defrost_mode"], cl["is_front_defroster_on"], cl["is_rear_defroster_on"] = 0, false, false
		return ok()
	},
	"set_temps": func(c cmd) (CommandResult, error) {
		d, err := pNumReq(c.p, "driver_temp")
		if err != nil {
			return CommandResult{}, err
		}
		pt, has, err := pNum(c.p, "passenger_temp")
		if err != nil {
			return CommandResult{}, err
		}
		if !has {
			pt = d
		}
		c.v.driverSet = math.Round(clamp(d, c.v.minT, c.v.maxT)*2) / 2
		c.v.passSet = math.Round(clamp(pt, c.v.minT, c.v.maxT)*2) / 2
		return ok()
	},
	"set_preconditioning_max": func(c cmd) (CommandResult, error) {
		on, err := pBoolReq(c.p, "on")
		if err != nil {
			return CommandResult{}, err
		}
		cl := c.sec("climate_state")
		mode := 0
		if on {
			mode = 2
			c.v.climateOn, c.v.climateSince = true, c.now
		}
		cl["defrost_mode"], cl["is_front_defroster_on"], cl["is_rear_defroster_on"] = mode, on, on
		return ok()
	},
	"set_climate_keeper_mode": func(c cmd) (CommandResult, error) {
		m, err := intIn(c.p, "climate_keeper_mode", 0, 3)
		if err != nil {
			return CommandResult{}, err
		}
		c.v.keeper = keeperModes[m]
		c.v.climateSince = c.now
		if m != 0 {
			c.v.climateOn = true
		}
		return ok()
	},
	"set_cabin_overheat_protection": func(c cmd) (CommandResult, error) {
		on, err := pBoolReq(c.p, "on")
		if err != nil {
			return CommandResult{}, err
		}
		fan, _, err := pBool(c.p, "fan_only")
		if err != nil {
			return CommandResult{}, err
		}
		val := "Off"
		switch {
		case on && fan:
			val = "FanOnly"
		case on:
			val = "On"
		}
		c.sec("climate_state")["cabin_overheat_protection"] = val
		return ok()
	},
	"set_cop_temp": func(c cmd) (CommandResult, error) {
		t, err := intIn(c.p, "cop_temp", 0, 2)
		if err != nil {
			return CommandResult{}, err
		}
		c.sec("climate_state")["cop_activation_temperature"] = []string{"Low", "Medium", "High"}[t]
		return ok()
	},
	"set_bioweapon_mode": boolDoc("climate_state", "on", "bioweapon_mode"),
	"remote_seat_heater_request": func(c cmd) (CommandResult, error) {
		key := "seat_position"
		if _, has := c.p[key]; !has {
			key = "heater"
		}
		pos, err := intIn(c.p, key, 0, 8)
		if err != nil {
			return CommandResult{}, err
		}
		lvl, err := intIn(c.p, "level", 0, 3)
		if err != nil {
			return CommandResult{}, err
		}
		cl := c.sec("climate_state")
		field := seatFields[pos]
		if _, has := cl[field]; !has {
			return refuse("not_supported")
		}
		cl[field] = lvl
		return ok()
	},
	"remote_seat_cooler_request": func(c cmd) (CommandResult, error) {
		pos, err := intIn(c.p, "seat_position", 1, 2)
		if err != nil {
			return CommandResult{}, err
		}
		lvl, err := intIn(c.p, "seat_cooler_level", 0, 3)
		if err != nil {
			return CommandResult{}, err
		}
		if !flag(section(c.v.document(), "vehicle_config", false), "has_seat_cooling", false) {
			return refuse("not_supported")
		}
		c.sec("climate_state")[map[int]string{1: "seat_cooler_left", 2: "seat_cooler_right"}[pos]] = lvl
		return ok()
	},
	"remote_auto_seat_climate_request": func(c cmd) (CommandResult, error) {
		pos, err := intIn(c.p, "auto_seat_position", 0, 2)
		if err != nil {
			return CommandResult{}, err
		}
		on, err := pBoolReq(c.p, "auto_climate_on")
		if err != nil {
			return CommandResult{}, err
		}
		field := "auto_seat_climate_left"
		if pos == 2 {
			field = "auto_seat_climate_right"
		}
		c.sec("climate_state")[field] = on
		return ok()
	},
	"remote_steering_wheel_heat_level_request": func(c cmd) (CommandResult, error) {
		lvl, err := intIn(c.p, "level", 0, 3)
		if err != nil {
			return CommandResult{}, err
		}
		cl := c.sec("climate_state")
		cl["steering_wheel_heat_level"], cl["steering_wheel_heater"] = lvl, lvl > 0
		return ok()
	},
	"remote_steering_wheel_heater_request": func(c cmd) (CommandResult, error) {
		on, err := pBoolReq(c.p, "on")
		if err != nil {
			return CommandResult{}, err
		}
		cl := c.sec("climate_state")
		lvl := 0
		if on {
			lvl = 3
		}
		cl["steering_wheel_heater"], cl["steering_wheel_heat_level"] = on, lvl
		return ok()
	},
	"remote_auto_steering_wheel_heat_climate_request": boolDoc("climate_state", "on", "auto_steering_wheel_heat"),
}

// mediaCommands drive the media player.
var mediaCommands = map[string]cmdFunc{
	"media_toggle_playback": func(c cmd) (CommandResult, error) {
		mi := c.media()
		if str(mi, "media_playback_status", "") == "Playing" {
			mi["media_playback_status"] = "Paused"
		} else {
			mi["media_playback_status"] = "Playing"
		}
		return ok()
	},
	"media_next_track": restartTrack(),
	"media_prev_track": restartTrack(),
	"media_next_fav":   restartTrack(),
	"media_prev_fav":   restartTrack(),
	"media_volume_down": func(c cmd) (CommandResult, error) {
		return c.stepVolume(-1)
	},
	"media_volume_up": func(c cmd) (CommandResult, error) {
		return c.stepVolume(1)
	},
	"adjust_volume": func(c cmd) (CommandResult, error) {
		vol, err := pNumReq(c.p, "volume")
		if err != nil {
			return CommandResult{}, err
		}
		if vol < 0 || vol > 11 {
			return CommandResult{}, paramError("volume must be 0–11")
		}
		mi := c.media()
		mi["audio_volume"] = round(math.Min(vol, num(mi, "audio_volume_max", 10.333333)), 4)
		return ok()
	},
}

func (c cmd) media() map[string]any { return section(c.sec("vehicle_state"), "media_info", true) }

func (c cmd) stepVolume(dir float64) (CommandResult, error) {
	mi := c.media()
	inc := num(mi, "audio_volume_increment", 1.0/3)
	v := clamp(num(mi, "audio_volume", 0)+dir*inc, 0, num(mi, "audio_volume_max", 10.333333))
	mi["audio_volume"] = round(v, 4)
	return ok()
}

func restartTrack() cmdFunc {
	return func(c cmd) (CommandResult, error) {
		c.media()["now_playing_elapsed"] = 0
		return ok()
	}
}
