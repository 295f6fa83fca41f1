package world

import (
	"math"
	"time"
)

// Snapshot summarises the whole world (GET /_sim/world): the time, the
// accounts, every vehicle and every energy site. Values are JSON-ready.
func (w *World) Snapshot() map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	accounts := []any{}
	for _, a := range w.accounts {
		accounts = append(accounts, map[string]any{"id": a.ID, "email": a.Email, "region": a.Region})
	}
	vehicles := []any{}
	for _, v := range w.vehicles {
		vehicles = append(vehicles, map[string]any{
			"vin":             v.vin,
			"account":         v.owner.ID,
			"display_name":    v.name,
			"state":           v.stateAt(now, w.opts.IdleSleep),
			"command_signing": v.signing,
			"battery_level":   round(v.level, 3),
			"charge_limit":    v.limit,
			"charging_state":  v.chargingState,
			"charger_power":   round(v.chargerKW, 3),
			"plugged_in":      v.plugged,
			"odometer":        round(v.odometer, 4),
			"latitude":        round(v.lat, 6),
			"longitude":       round(v.lon, 6),
			"heading":         math.Round(v.heading),
			"driving":         v.driving,
			"speed":           round(v.speed, 1),
			"locked":          v.locked,
			"sentry_mode":     v.sentry,
			"user_present":    v.userPresent,
			"climate_on":      v.climateOn,
			"inside_temp":     round(v.inside, 2),
			"outside_temp":    round(v.outside, 2),
		})
	}
	sites := []any{}
	for _, s := range w.sites {
		wcs := []any{}
		for _, wc := range s.wcs {
			wcs = append(wcs, map[string]any{"din": wc.din, "vin": wc.vin, "state": wc.state, "power": whole(wc.powerW)})
		}
		sites = append(sites, map[string]any{
			"id":                     s.id,
			"account":                s.owner.ID,
			"site_name":              str(s.product, "site_name", ""),
			"solar_power":            whole(s.solarW),
			"load_power":             whole(s.loadW),
			"battery_power":          whole(s.batteryW),
			"grid_power":             whole(s.loadW) - whole(s.solarW) - whole(s.batteryW),
			"storm_mode_active":      s.stormActive,
			"percentage_charged":     round(s.percentage(), 3),
			"energy_left":            round(s.energyWh, 2),
			"backup_reserve_percent": s.reserve,
			"default_real_mode":      s.mode,
			"storm_mode_enabled":     s.storm,
			"wall_connectors":        wcs,
		})
	}
	return map[string]any{
		"now":      now.Format(time.RFC3339),
		"speed":    w.clk.speed,
		"accounts": accounts,
		"vehicles": vehicles,
		"sites":    sites,
	}
}
