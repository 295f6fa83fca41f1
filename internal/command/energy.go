package command

import (
	"context"
	"fmt"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Energy commands take fleet's values (fleet.ModeAutonomous, fleet.ExportPVOnly,
// fleet.GridImportExport …) and leave the checks to fleet's client, which
// refuses an invalid site id, percent, mode or export rule before any request
// (*fleet.ValidationError, mapped to ErrInvalidArgument).

// EnergySender is the seam for energy site settings; *Commander satisfies it.
type EnergySender interface {
	SetBackupReserve(ctx context.Context, siteID int64, percent int) error
	SetOperationMode(ctx context.Context, siteID int64, mode string) error
	SetStormMode(ctx context.Context, siteID int64, enabled bool) error
	SetGridImportExport(ctx context.Context, siteID int64, g fleet.GridImportExport) error
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

// energySend runs one energy command on the fleet client and classifies its error.
func (c *Commander) energySend(op string, send func(energyClient) error) error {
	e, ok := c.fleet.(energyClient)
	if !ok {
		return &Error{Op: op, Class: ErrNotSupported, Err: fmt.Errorf("the fleet client has no energy commands")}
	}
	return c.classify(op, "", send(e), true)
}

// SetBackupReserve sets the Powerwall backup reserve (0–100 %).
func (c *Commander) SetBackupReserve(ctx context.Context, siteID int64, percent int) error {
	return c.energySend("backup", func(e energyClient) error { return e.SetBackupReserve(ctx, siteID, percent) })
}

// SetOperationMode sets fleet.ModeAutonomous, ModeBackup or ModeSelfConsumption.
func (c *Commander) SetOperationMode(ctx context.Context, siteID int64, mode string) error {
	return c.energySend("operation", func(e energyClient) error { return e.SetOperationMode(ctx, siteID, mode) })
}

// SetStormMode turns Storm Watch on or off.
func (c *Commander) SetStormMode(ctx context.Context, siteID int64, enabled bool) error {
	return c.energySend("storm_mode", func(e energyClient) error { return e.SetStormMode(ctx, siteID, enabled) })
}

// SetGridImportExport sets grid charging and the export rule.
func (c *Commander) SetGridImportExport(ctx context.Context, siteID int64, g fleet.GridImportExport) error {
	return c.energySend("grid_import_export", func(e energyClient) error { return e.SetGridImportExport(ctx, siteID, g) })
}

// SetOffGridReserve sets the off-grid vehicle charging reserve (0–100 %).
func (c *Commander) SetOffGridReserve(ctx context.Context, siteID int64, percent int) error {
	return c.energySend("off_grid_vehicle_charging_reserve", func(e energyClient) error {
		return e.SetOffGridVehicleChargingReserve(ctx, siteID, percent)
	})
}
