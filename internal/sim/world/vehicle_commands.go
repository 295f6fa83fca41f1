package world

import (
	"fmt"
	"math"
	"time"
)

// cmd is one command's context: the vehicle, the time and the JSON body.
type cmd struct {
	v   *vehicle
	now time.Time
	p   map[string]any
}

type cmdFunc func(c cmd) (CommandResult, error)

func ok() (CommandResult, error) { return CommandResult{Result: true}, nil }

func refuse(reason string) (CommandResult, error) {
	return CommandResult{Result: false, Reason: reason}, nil
}

// sec is the vehicle's document section, created when missing.
func (c cmd) sec(name string) map[string]any { return section(c.v.document(), name, true) }

// Command runs a REST-vocabulary command on an online vehicle. Refusals by
// the car come back as a false result with Tesla's reason.
func (w *World) Command(vin, name string, params map[string]any) (CommandResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	v := w.vehicleByVIN(vin)
	if v == nil {
		return CommandResult{}, fmt.Errorf("%w: vehicle %q", ErrNotFound, vin)
	}
	h, found := vehicleCommands[name]
	if !found {
		return CommandResult{}, fmt.Errorf("%w: %q", ErrInvalidCommand, name)
	}
	v.settle(now, w.opts.IdleSleep)
	if v.state != "online" {
		return CommandResult{}, ErrUnavailable
	}
	if params == nil {
		params = map[string]any{}
	}
	res, err := h(cmd{v: v, now: now, p: params})
	if err != nil {
		return CommandResult{}, err
	}
	v.touch(now)
	return res, nil
}

// vehicleCommands is the REST command vocabulary (read-only).
var vehicleCommands = mergeCommands(baseCommands, chargeCommands, climateCommands, mediaCommands, scheduleCommands)

func mergeCommands(sets ...map[string]cmdFunc) map[string]cmdFunc {
	out := map[string]cmdFunc{}
	for _, set := range sets {
		for name, f := range set {
			out[name] = f
		}
	}
	return out
}

// baseCommands are the body, access and software commands.
var baseCommands = map[string]cmdFunc{
	"door_lock":   func(c cmd) (CommandResult, error) { c.v.locked = true; return ok() },
	"door_unlock": func(c cmd) (CommandResult, error) { c.v.locked = false; return ok() },
	"actuate_trunk": func(c cmd) (CommandResult, error) {
		which, err := pStrReq(c.p, "which_trunk")
		if err != nil {
			return CommandResult{}, err
		}
		vs := c.sec("vehicle_state")
		switch which {
		case "front":
			vs["ft"] = 1
		case "rear":
			if num(vs, "rt", 0) != 0 {
				vs["rt"] = 0
			} else {
				vs["rt"] = 1
			}
		default:
			return CommandResult{}, paramError("which_trunk must be front or rear")
		}
		return ok()
	},
	"charge_port_door_open": func(c cmd) (CommandResult, error) {
		v := c.v
		if v.plugged && v.chargingState == "Charging" {
			v.chargeWanted, v.chargerKW = false, 0
			v.updateChargeState()
		}
		v.portOpen, v.latch = true, "Disengaged"
		return ok()
	},
	"charge_port_door_close": func(c cmd) (CommandResult, error) {
		v := c.v
		if v.plugged {
			return refuse("cable connected")
		}
		if !v.portOpen {
			return refuse("already closed")
		}
		v.portOpen = false
		return ok()
	},
	"remote_start_drive": func(c cmd) (CommandResult, error) {
		c.v.remoteStartUntil = c.now.Add(2 * time.Minute)
		return ok()
	},
	"honk_horn":    noop(),
	"flash_lights": noop(),
	"remote_boombox": func(c cmd) (CommandResult, error) {
		if _, _, err := pNum(c.p, "sound"); err != nil {
			return CommandResult{}, err
		}
		return ok()
	},
	"trigger_homelink": func(c cmd) (CommandResult, error) {
		if _, err := pNumReq(c.p, "lat"); err != nil {
			return CommandResult{}, err
		}
		if _, err := pNumReq(c.p, "lon"); err != nil {
			return CommandResult{}, err
		}
		if c.v.homelinkDeviceCount <= 0 {
			return refuse("not_supported")
		}
		return ok()
	},
	"set_sentry_mode": func(c cmd) (CommandResult, error) {
		on, err := pBoolReq(c.p, "on")
		if err != nil {
			return CommandResult{}, err
		}
		c.v.sentry = on
		return ok()
	},
	"set_valet_mode": boolDoc("vehicle_state", "on", "valet_mode"),
	"set_vehicle_name": func(c cmd) (CommandResult, error) {
		name, err := pStrReq(c.p, "vehicle_name")
		if err != nil {
			return CommandResult{}, err
		}
		c.v.name = name
		return ok()
	},
	"window_control": func(c cmd) (CommandResult, error) {
		what, err := pStrReq(c.p, "command")
		if err != nil {
			return CommandResult{}, err
		}
		pos := 0
		switch what {
		case "vent":
			pos = 1
		case "close":
		default:
			return CommandResult{}, paramError("command must be vent or close")
		}
		vs := c.sec("vehicle_state")
		for _, k := range []string{"fd_window", "fp_window", "rd_window", "rp_window"} {
			vs[k] = pos
		}
		return ok()
	},
	"sun_roof_control": func(c cmd) (CommandResult, error) {
		state, err := pStrReq(c.p, "state")
		if err != nil {
			return CommandResult{}, err
		}
		if state != "vent" && state != "close" && state != "stop" {
			return CommandResult{}, paramError("state must be vent, close or stop")
		}
		if !flag(section(c.v.document(), "vehicle_config", false), "sun_roof_installed", false) {
			return refuse("not_supported")
		}
		vs := c.sec("vehicle_state")
		percent := 0
		switch state {
		case "vent":
			vs["sun_roof_state"], percent = "vent", 15
		case "close":
			vs["sun_roof_state"], percent = "closed", 0
		}
		if state != "stop" {
			vs["sun_roof_percent_open"] = percent
			// Home Assistant's fixture spells the field with the section
			// prefix; a document seeded from it keeps its spelling current.
			if _, quirk := vs["vehicle_state_sun_roof_percent_open"]; quirk {
				vs["vehicle_state_sun_roof_percent_open"] = percent
			}
		}
		return ok()
	},
	"schedule_software_update": func(c cmd) (CommandResult, error) {
		off, err := pNumReq(c.p, "offset_sec")
		if err != nil {
			return CommandResult{}, err
		}
		// The car's offset is an int32 (the protobuf field); larger values
		// would also overflow the duration below into an immediate install.
		if off < 0 || off > math.MaxInt32 {
			return CommandResult{}, paramError("offset_sec must be 0–%d", math.MaxInt32)
		}
		su := section(c.sec("vehicle_state"), "software_update", true)
		if st := str(su, "status", ""); st != "available" && st != "scheduled" {
			return refuse("no_update_available")
		}
		at := c.now.Add(time.Duration(off) * time.Second)
		su["status"], su["scheduled_time_ms"] = "scheduled", at.UnixMilli()
		c.v.swInstallAt = at
		return ok()
	},
	"cancel_software_update": func(c cmd) (CommandResult, error) {
		su := section(c.sec("vehicle_state"), "software_update", true)
		if str(su, "status", "") != "scheduled" {
			return refuse("not_scheduled")
		}
		su["status"] = "available"
		delete(su, "scheduled_time_ms")
		c.v.swInstallAt = time.Time{}
		return ok()
	},
	"open_tonneau":           tonneau(),
	"close_tonneau":          tonneau(),
	"stop_tonneau":           tonneau(),
	"speed_limit_activate":   speedLimitPin(true),
	"speed_limit_deactivate": speedLimitPin(false),
	"speed_limit_clear_pin": func(c cmd) (CommandResult, error) {
		pin, err := pStrReq(c.p, "pin")
		if err != nil {
			return CommandResult{}, err
		}
		if c.v.speedPin != "" && pin != c.v.speedPin {
			return refuse("incorrect pin")
		}
		return clearSpeedPin(c)
	},
	"speed_limit_clear_pin_admin": clearSpeedPin,
	"speed_limit_set_limit": func(c cmd) (CommandResult, error) {
		mph, err := pNumReq(c.p, "limit_mph")
		if err != nil {
			return CommandResult{}, err
		}
		sl := section(c.sec("vehicle_state"), "speed_limit_mode", true)
		lo, hi := num(sl, "min_limit_mph", 50), num(sl, "max_limit_mph", 120)
		if mph < lo || mph > hi {
			return CommandResult{}, paramError("limit_mph must be %v–%v", lo, hi)
		}
		sl["current_limit_mph"] = mph
		return ok()
	},
	"guest_mode":                   boolParam("enable"),
	"set_low_power_mode":           boolParam("enable"),
	"keep_accessory_power_mode":    boolParam("enable"),
	"set_pin_to_drive":             boolParam("on"),
	"reset_pin_to_drive_pin":       noop(),
	"clear_pin_to_drive_admin":     noop(),
	"reset_valet_pin":              noop(),
	"erase_user_data":              noop(),
	"navigation_request":           noop(),
	"navigation_gps_request":       noop(),
	"navigation_sc_request":        noop(),
	"navigation_waypoints_request": noop(),
	"upcoming_calendar_entries":    noop(),
}

// tonneau moves a Cybertruck's tonneau cover; other cars have none.
func tonneau() cmdFunc {
	return func(c cmd) (CommandResult, error) {
		if str(section(c.v.document(), "vehicle_config", false), "car_type", "") != "cybertruck" {
			return refuse("not_supported")
		}
		return ok()
	}
}

// speedLimitPin turns Speed Limit Mode on or off with its PIN; the first
// activation sets the PIN.
func speedLimitPin(on bool) cmdFunc {
	return func(c cmd) (CommandResult, error) {
		pin, err := pStrReq(c.p, "pin")
		if err != nil {
			return CommandResult{}, err
		}
		if len(pin) != 4 {
			return CommandResult{}, paramError("pin must be 4 digits")
		}
		if c.v.speedPin != "" && pin != c.v.speedPin {
			return refuse("incorrect pin")
		}
		c.v.speedPin = pin
		sl := section(c.sec("vehicle_state"), "speed_limit_mode", true)
		sl["active"], sl["pin_code_set"] = on, true
		return ok()
	}
}

func clearSpeedPin(c cmd) (CommandResult, error) {
	c.v.speedPin = ""
	sl := section(c.sec("vehicle_state"), "speed_limit_mode", true)
	sl["active"], sl["pin_code_set"] = false, false
	return ok()
}

// noop accepts a command that changes nothing the API shows.
func noop() cmdFunc { return func(cmd) (CommandResult, error) { return ok() } }

// boolParam requires a boolean parameter and changes nothing visible.
func boolParam(key string) cmdFunc {
	return func(c cmd) (CommandResult, error) {
		if _, err := pBoolReq(c.p, key); err != nil {
			return CommandResult{}, err
		}
		return ok()
	}
}

// boolDoc sets a document field from a required boolean parameter.
func boolDoc(sectionName, key, field string) cmdFunc {
	return func(c cmd) (CommandResult, error) {
		on, err := pBoolReq(c.p, key)
		if err != nil {
			return CommandResult{}, err
		}
		c.sec(sectionName)[field] = on
		return ok()
	}
}

// intIn reads a required integer parameter within [lo, hi].
func intIn(p map[string]any, key string, lo, hi int) (int, error) {
	f, err := pNumReq(p, key)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, paramError("%s must be an integer %d–%d", key, lo, hi)
	}
	return int(f), nil
}
