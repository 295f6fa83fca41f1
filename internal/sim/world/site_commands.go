package world

import "fmt"

// SiteCommand applies an energy-site write (backup, operation, storm_mode,
// grid_import_export, off_grid_vehicle_charging_reserve).
func (w *World) SiteCommand(accountID string, siteID int64, name string, body map[string]any) (map[string]any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.catchUp()
	s, err := w.gatewayFor(accountID, siteID)
	if err != nil {
		return nil, err
	}
	if body == nil {
		body = map[string]any{}
	}
	ic := section(s.info, "components", true)
	switch name {
	case "backup":
		pct, err := pNumReq(body, "backup_reserve_percent")
		if err != nil {
			return nil, err
		}
		if pct < 0 || pct > 100 {
			return nil, paramError("backup_reserve_percent must be 0–100")
		}
		s.reserve = pct
		s.info["backup_reserve_percent"] = int(pct)
	case "operation":
		mode, err := pStrReq(body, "default_real_mode")
		if err != nil {
			return nil, err
		}
		if mode != "self_consumption" && mode != "autonomous" && mode != "backup" {
			return nil, paramError("default_real_mode must be self_consumption, autonomous or backup")
		}
		s.mode = mode
		s.info["default_real_mode"] = mode
	case "storm_mode":
		on, err := pBoolReq(body, "enabled")
		if err != nil {
			return nil, err
		}
		s.storm = on
		section(s.info, "user_settings", true)["storm_mode_enabled"] = on
	case "grid_import_export":
		dis, hasDis, err := pBool(body, "disallow_charge_from_grid_with_solar_installed")
		if err != nil {
			return nil, err
		}
		rule, hasRule, err := pStr(body, "customer_preferred_export_rule")
		if err != nil {
			return nil, err
		}
		if !hasDis && !hasRule {
			return nil, paramError("missing disallow_charge_from_grid_with_solar_installed or customer_preferred_export_rule")
		}
		if hasRule && rule != "never" && rule != "battery_ok" && rule != "pv_only" {
			return nil, paramError("customer_preferred_export_rule must be never, battery_ok or pv_only")
		}
		if hasDis {
			s.disallowGridCharge = dis
			ic["disallow_charge_from_grid_with_solar_installed"] = dis
		}
		if hasRule {
			s.exportRule = rule
			ic["customer_preferred_export_rule"] = rule
		}
	case "off_grid_vehicle_charging_reserve":
		pct, err := pNumReq(body, "off_grid_vehicle_charging_reserve_percent")
		if err != nil {
			return nil, err
		}
		if pct < 0 || pct > 100 {
			return nil, paramError("off_grid_vehicle_charging_reserve_percent must be 0–100")
		}
		s.offGridReserve = pct
		s.info["off_grid_vehicle_charging_reserve_percent"] = int(pct)
	default:
		return nil, fmt.Errorf("%w: energy site command %q", ErrInvalidCommand, name)
	}
	return map[string]any{"code": 201, "message": "Updated"}, nil
}
