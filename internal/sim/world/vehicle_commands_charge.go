package world

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// chargeCommands change charging and its schedules.
var chargeCommands = map[string]cmdFunc{
	"charge_start": func(c cmd) (CommandResult, error) {
		v := c.v
		switch {
		case !v.plugged:
			return refuse("disconnected")
		case v.chargingState == "Charging" || v.chargingState == "Starting":
			return refuse("is_charging")
		case v.level >= v.limit:
			return refuse("complete")
		}
		v.chargeWanted, v.fullSince = true, false
		if v.amps <= 0 {
			v.amps = math.Min(v.ampsMax, 16)
		}
		v.updateChargeState()
		v.chargerKW = v.chargePowerKW()
		return ok()
	},
	"charge_stop": func(c cmd) (CommandResult, error) {
		v := c.v
		if v.chargingState != "Charging" && v.chargingState != "Starting" {
			return refuse("not_charging")
		}
		v.chargeWanted, v.chargerKW = false, 0
		v.updateChargeState()
		return ok()
	},
	"charge_max_range": func(c cmd) (CommandResult, error) {
		if c.v.limit == 100 {
			return refuse("already_set")
		}
		cs := c.sec("charge_state")
		cs["max_range_charge_counter"] = int(num(cs, "max_range_charge_counter", 0)) + 1
		c.v.setLimit(100)
		return ok()
	},
	"charge_standard": func(c cmd) (CommandResult, error) {
		if c.v.limit == c.v.limitStd {
			return refuse("already_set")
		}
		c.v.setLimit(c.v.limitStd)
		return ok()
	},
	"set_charge_limit": func(c cmd) (CommandResult, error) {
		pct, err := pNumReq(c.p, "percent")
		if err != nil {
			return CommandResult{}, err
		}
		pct = math.Round(pct)
		if pct < 50 || pct > 100 {
			return CommandResult{}, paramError("percent %v is outside 50–100", pct)
		}
		if pct == c.v.limit {
			return refuse("already_set")
		}
		c.v.setLimit(pct)
		return ok()
	},
	"set_charging_amps": func(c cmd) (CommandResult, error) {
		a, err := pNumReq(c.p, "charging_amps")
		if err != nil {
			return CommandResult{}, err
		}
		c.v.amps = math.Round(clamp(a, 0, c.v.ampsMax))
		if c.v.plugged {
			c.v.updateChargeState()
		}
		return ok()
	},
	"set_scheduled_charging": func(c cmd) (CommandResult, error) {
		on, err := pBoolReq(c.p, "enable")
		if err != nil {
			return CommandResult{}, err
		}
		mins, has, err := pNum(c.p, "time")
		if err != nil {
			return CommandResult{}, err
		}
		cs := c.sec("charge_state")
		if !on {
			cs["scheduled_charging_mode"], cs["scheduled_charging_pending"], cs["scheduled_charging_start_time"] = "Off", false, nil
			return ok()
		}
		if !has || mins < 0 || mins >= 1440 {
			return CommandResult{}, paramError("time must be minutes after midnight (0–1439)")
		}
		cs["scheduled_charging_mode"], cs["scheduled_charging_pending"] = "StartAt", true
		cs["scheduled_charging_start_time_app"] = int(mins)
		cs["scheduled_charging_start_time"] = nextMinuteOfDay(c.now, int(mins)).Unix()
		return ok()
	},
	"set_scheduled_departure": func(c cmd) (CommandResult, error) {
		on, err := pBoolReq(c.p, "enable")
		if err != nil {
			return CommandResult{}, err
		}
		cs := c.sec("charge_state")
		if !on {
			cs["scheduled_charging_mode"], cs["scheduled_charging_pending"] = "Off", false
			cs["preconditioning_enabled"], cs["off_peak_charging_enabled"] = false, false
			return ok()
		}
		mins, err := pNumReq(c.p, "departure_time")
		if err != nil {
			return CommandResult{}, err
		}
		if mins < 0 || mins >= 1440 {
			return CommandResult{}, paramError("departure_time must be minutes after midnight (0–1439)")
		}
		cs["scheduled_charging_mode"], cs["scheduled_charging_pending"] = "DepartBy", true
		cs["scheduled_departure_time_minutes"] = int(mins)
		cs["scheduled_departure_time"] = nextMinuteOfDay(c.now, int(mins)).Unix()
		for key, field := range map[string]string{
			"preconditioning_enabled":         "preconditioning_enabled",
			"off_peak_charging_enabled":       "off_peak_charging_enabled",
			"end_off_peak_time":               "off_peak_hours_end_time",
			"preconditioning_weekdays_only":   "preconditioning_times",
			"off_peak_charging_weekdays_only": "off_peak_charging_times",
		} {
			raw, present := c.p[key]
			if !present {
				continue
			}
			switch field {
			case "off_peak_hours_end_time":
				if f, good := toFloat(raw); good {
					cs[field] = int(f)
				}
			case "preconditioning_times", "off_peak_charging_times":
				if b, good := raw.(bool); good {
					cs[field] = map[bool]string{true: "weekdays", false: "all_week"}[b]
				}
			default:
				if b, good := raw.(bool); good {
					cs[field] = b
				}
			}
		}
		return ok()
	},
}

// setLimit changes the charge limit; raising it lets a complete charge resume.
func (v *vehicle) setLimit(pct float64) {
	if pct > v.limit {
		v.fullSince = false
	}
	v.limit = pct
	if v.plugged {
		v.updateChargeState()
		if v.chargingState != "Charging" {
			v.chargerKW = 0
		}
	}
}

// nextMinuteOfDay is the next instant (UTC clock) at mins after midnight.
func nextMinuteOfDay(now time.Time, mins int) time.Time {
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, mins, 0, 0, now.Location())
	if !d.After(now) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// scheduleCommands manage charge and precondition schedules (fw 2024.26+).
var scheduleCommands = map[string]cmdFunc{
	"add_charge_schedule":                 addSchedule("charge_schedule_data", "charge_schedules", "max_num_charge_schedules"),
	"add_precondition_schedule":           addSchedule("preconditioning_schedule_data", "precondition_schedules", "max_num_precondition_schedules"),
	"remove_charge_schedule":              removeSchedule("charge_schedule_data", "charge_schedules"),
	"remove_precondition_schedule":        removeSchedule("preconditioning_schedule_data", "precondition_schedules"),
	"batch_remove_charge_schedules":       noop(),
	"batch_remove_precondition_schedules": noop(),
}

// daysMask parses days_of_week: "All", "Weekdays", "Monday,Tuesday" or a bitmask.
func daysMask(raw any) (int, bool) {
	if _, isStr := raw.(string); !isStr {
		f, isNum := toFloat(raw)
		return int(f), isNum && f >= 0 && f <= 127
	}
	s, isStr := raw.(string)
	if !isStr {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 0 && n <= 127
	}
	days := map[string]int{"sun": 1, "mon": 2, "tue": 4, "wed": 8, "thu": 16, "fri": 32, "sat": 64}
	mask := 0
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		switch {
		case part == "":
		case part == "all":
			mask |= 127
		case part == "weekdays":
			mask |= 62
		case len(part) >= 3 && days[part[:3]] != 0:
			mask |= days[part[:3]]
		default:
			return 0, false
		}
	}
	return mask, true
}

func addSchedule(sectionName, listKey, maxKey string) cmdFunc {
	return func(c cmd) (CommandResult, error) {
		mask, good := daysMask(c.p["days_of_week"])
		if !good {
			return CommandResult{}, paramError("days_of_week is missing or invalid")
		}
		lat, err := pNumReq(c.p, "lat")
		if err != nil {
			return CommandResult{}, err
		}
		lon, err := pNumReq(c.p, "lon")
		if err != nil {
			return CommandResult{}, err
		}
		enabled, err := pBoolReq(c.p, "enabled")
		if err != nil {
			return CommandResult{}, err
		}
		sec := c.sec(sectionName)
		list, _ := sec[listKey].([]any)
		id, hasID, err := pNum(c.p, "id")
		if err != nil {
			return CommandResult{}, err
		}
		if !hasID || id <= 0 {
			// A new schedule: its id is the time, made unique among the
			// existing ones (the clock may not move between two adds).
			id = float64(c.now.Unix())
			for _, e := range list {
				if m, isMap := e.(map[string]any); isMap {
					id = math.Max(id, num(m, "id", 0)+1)
				}
			}
		}
		entry := map[string]any{"id": int64(id), "name": str(c.p, "name", ""), "days_of_week": mask,
			"enabled": enabled, "latitude": lat, "longitude": lon, "one_time": flag(c.p, "one_time", false)}
		for _, k := range []string{"start_enabled", "end_enabled"} {
			entry[k] = flag(c.p, k, false)
		}
		for _, k := range []string{"start_time", "end_time", "precondition_time"} {
			if f, good := toFloat(c.p[k]); good {
				entry[k] = int(f)
			}
		}
		kept := []any{}
		for _, e := range list {
			if m, isMap := e.(map[string]any); !isMap || num(m, "id", -1) != float64(int64(id)) {
				kept = append(kept, e)
			}
		}
		if max := num(sec, maxKey, 10); len(kept) >= int(max) && max > 0 {
			return refuse("too_many_schedules")
		}
		sec[listKey] = append(kept, entry)
		return ok()
	}
}

func removeSchedule(sectionName, listKey string) cmdFunc {
	return func(c cmd) (CommandResult, error) {
		id, err := pNumReq(c.p, "id")
		if err != nil {
			return CommandResult{}, err
		}
		sec := section(c.v.document(), sectionName, false)
		list, _ := sec[listKey].([]any)
		kept := []any{}
		for _, e := range list {
			if m, isMap := e.(map[string]any); !isMap || num(m, "id", -1) != id {
				kept = append(kept, e)
			}
		}
		if len(kept) == len(list) {
			return refuse("not_found")
		}
		sec[listKey] = kept
		return ok()
	}
}
