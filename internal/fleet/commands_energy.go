package fleet

import (
	"context"
	"errors"
	"net/http"
)

// Operation modes (default_real_mode).
const (
	ModeAutonomous      = "autonomous"
	ModeSelfConsumption = "self_consumption"
	ModeBackup          = "backup"
)

// Export rules (customer_preferred_export_rule).
const (
	ExportNever     = "never"
	ExportBatteryOK = "battery_ok"
	ExportPVOnly    = "pv_only"
)

// GridImportExport is the body of grid_import_export; nil/empty fields are
// not sent, and at least one must be set.
type GridImportExport struct {
	DisallowChargeFromGridWithSolarInstalled *bool
	CustomerPreferredExportRule              string // ExportNever, ExportBatteryOK, ExportPVOnly
}

// SetBackupReserve is POST energy_sites/{id}/backup {"backup_reserve_percent": 0–100}.
func (c *Client) SetBackupReserve(ctx context.Context, siteID int64, percent int) error {
	if percent < 0 || percent > 100 {
		return &ValidationError{Command: "backup", Field: "backup_reserve_percent", Reason: "must be between 0 and 100"}
	}
	return c.siteCommand(ctx, siteID, "backup", obj{"backup_reserve_percent": percent})
}

// SetOperationMode is POST energy_sites/{id}/operation {"default_real_mode": …}.
func (c *Client) SetOperationMode(ctx context.Context, siteID int64, mode string) error {
	switch mode {
	case ModeAutonomous, ModeSelfConsumption, ModeBackup:
	default:
		return &ValidationError{Command: "operation", Field: "default_real_mode", Reason: "must be autonomous, self_consumption or backup"}
	}
	return c.siteCommand(ctx, siteID, "operation", obj{"default_real_mode": mode})
}

// SetStormMode is POST energy_sites/{id}/storm_mode {"enabled": …}.
func (c *Client) SetStormMode(ctx context.Context, siteID int64, enabled bool) error {
	return c.siteCommand(ctx, siteID, "storm_mode", obj{"enabled": enabled})
}

// SetGridImportExport is POST energy_sites/{id}/grid_import_export.
func (c *Client) SetGridImportExport(ctx context.Context, siteID int64, g GridImportExport) error {
	body := obj{}
	if g.DisallowChargeFromGridWithSolarInstalled != nil {
		body["disallow_charge_from_grid_with_solar_installed"] = *g.DisallowChargeFromGridWithSolarInstalled
	}
	switch g.CustomerPreferredExportRule {
	case "":
	case ExportNever, ExportBatteryOK, ExportPVOnly:
		body["customer_preferred_export_rule"] = g.CustomerPreferredExportRule
	default:
		return &ValidationError{Command: "grid_import_export", Field: "customer_preferred_export_rule", Reason: "must be never, battery_ok or pv_only"}
	}
	if len(body) == 0 {
		return &ValidationError{Command: "grid_import_export", Reason: "nothing to change"}
	}
	return c.siteCommand(ctx, siteID, "grid_import_export", body)
}

// SetOffGridVehicleChargingReserve is POST
// energy_sites/{id}/off_grid_vehicle_charging_reserve (0–100 %).
func (c *Client) SetOffGridVehicleChargingReserve(ctx context.Context, siteID int64, percent int) error {
	if percent < 0 || percent > 100 {
		return &ValidationError{Command: "off_grid_vehicle_charging_reserve", Field: "off_grid_vehicle_charging_reserve_percent", Reason: "must be between 0 and 100"}
	}
	return c.siteCommand(ctx, siteID, "off_grid_vehicle_charging_reserve", obj{"off_grid_vehicle_charging_reserve_percent": percent})
}

// siteCommand posts an energy setting. Like Home Assistant, it does not
// interpret the answer's body (Tesla's is undocumented); an HTTP error is
// the failure. Never retried.
func (c *Client) siteCommand(ctx context.Context, siteID int64, what string, body obj) error {
	if err := checkSite(what, siteID); err != nil {
		return err
	}
	_, err := c.send(ctx, call{method: http.MethodPost, path: sitePath(siteID, what), endpoint: what, device: siteDevice(siteID), body: body})
	if errors.Is(err, ErrDecode) {
		return nil // a 2xx whose body we could not read: the setting was accepted
	}
	return err
}
