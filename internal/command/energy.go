package command

import (
	"context"
	"fmt"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// EnergySender is the seam for energy site settings; *Commander satisfies it.
type EnergySender interface {
	SetBackupReserve(ctx context.Context, siteID int64, percent int) error
	SetOperationMode(ctx context.Context, siteID int64, mode string) error
	SetStormMode(ctx context.Context, siteID int64, enabled bool) error
	SetGridImportExport(ctx context.Context, siteID int64, g GridImportExport) error
	SetOffGridReserve(ctx context.Context, siteID int64, percent int) error
}

var _ EnergySender = (*Commander)(nil)

// energyClient is what the energy commands need from the fleet client.
type energyClient interface {
	SetBackupReserve(ctx context.Context, siteID int64, percent int) error
	SetOperationMode(ctx context.Context, siteID int64, mode string) error
	SetStormMode(ctx context.Context, siteID int64, enabled bool) error
	SetGridImportExport(ctx context.Context, siteID int64, g fleet.GridImportExport) error
	SetOffGridVehicleChargingReserve(ctx context.Context, siteID int64, percent int) error
}

// Operation modes (default_real_mode).
const (
	ModeAutonomous      = "autonomous"
	ModeBackup          = "backup"
	ModeSelfConsumption = "self_consumption"
)

// Export rules (customer_preferred_export_rule).
const (
	ExportNever     = "never"
	ExportBatteryOK = "battery_ok"
	ExportPVOnly    = "pv_only"
)

// GridImportExport changes a site's grid rules; nil/empty fields are left alone.
type GridImportExport struct {
	DisallowChargeFromGridWithSolarInstalled *bool
	CustomerPreferredExportRule              string // ExportNever, ExportBatteryOK, ExportPVOnly
}

func (c *Commander) energy(op string, siteID int64) (energyClient, error) {
	if siteID <= 0 {
		return nil, &Error{Op: op, Class: ErrInvalidArgument, Err: fmt.Errorf("site id %d", siteID)}
	}
	e, ok := c.fleet.(energyClient)
	if !ok {
		return nil, &Error{Op: op, Class: ErrNotSupported, Err: fmt.Errorf("the fleet client has no energy commands")}
	}
	return e, nil
}

func percentOK(op string, percent int) error {
	if percent < 0 || percent > 100 {
		return invalid(op, "%d %%: want 0–100", percent)
	}
	return nil
}

// SetBackupReserve sets the Powerwall backup reserve (0–100 %).
func (c *Commander) SetBackupReserve(ctx context.Context, siteID int64, percent int) error {
	const op = "backup"
	if err := percentOK(op, percent); err != nil {
		return err
	}
	e, err := c.energy(op, siteID)
	if err != nil {
		return err
	}
	return c.classify(op, "", e.SetBackupReserve(ctx, siteID, percent), true)
}

// SetOperationMode sets autonomous, backup or self_consumption.
func (c *Commander) SetOperationMode(ctx context.Context, siteID int64, mode string) error {
	const op = "operation"
	switch mode {
	case ModeAutonomous, ModeBackup, ModeSelfConsumption:
	default:
		return invalid(op, "mode %q: want autonomous, backup or self_consumption", mode)
	}
	e, err := c.energy(op, siteID)
	if err != nil {
		return err
	}
	return c.classify(op, "", e.SetOperationMode(ctx, siteID, mode), true)
}

// SetStormMode turns Storm Watch on or off.
func (c *Commander) SetStormMode(ctx context.Context, siteID int64, enabled bool) error {
	const op = "storm_mode"
	e, err := c.energy(op, siteID)
	if err != nil {
		return err
	}
	return c.classify(op, "", e.SetStormMode(ctx, siteID, enabled), true)
}

// SetGridImportExport sets grid charging and the export rule.
func (c *Commander) SetGridImportExport(ctx context.Context, siteID int64, g GridImportExport) error {
	const op = "grid_import_export"
	switch g.CustomerPreferredExportRule {
	case "", ExportNever, ExportBatteryOK, ExportPVOnly:
	default:
		return invalid(op, "export rule %q: want never, battery_ok or pv_only", g.CustomerPreferredExportRule)
	}
	if g.DisallowChargeFromGridWithSolarInstalled == nil && g.CustomerPreferredExportRule == "" {
		return invalid(op, "nothing to change")
	}
	e, err := c.energy(op, siteID)
	if err != nil {
		return err
	}
	return c.classify(op, "", e.SetGridImportExport(ctx, siteID, fleet.GridImportExport{
		DisallowChargeFromGridWithSolarInstalled: g.DisallowChargeFromGridWithSolarInstalled,
		CustomerPreferredExportRule:              g.CustomerPreferredExportRule,
	}), true)
}

// SetOffGridReserve sets the off-grid vehicle charging reserve (0–100 %).
func (c *Commander) SetOffGridReserve(ctx context.Context, siteID int64, percent int) error {
	const op = "off_grid_vehicle_charging_reserve"
	if err := percentOK(op, percent); err != nil {
		return err
	}
	e, err := c.energy(op, siteID)
	if err != nil {
		return err
	}
	return c.classify(op, "", e.SetOffGridVehicleChargingReserve(ctx, siteID, percent), true)
}
