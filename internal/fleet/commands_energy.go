package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// Operation modes (default_real_mode of the "operation" site command).
const (
	ModeAutonomous      = "autonomous"
	ModeSelfConsumption = "self_consumption"
	ModeBackup          = "backup"
)

// Export rules (customer_preferred_export_rule of "grid_import_export").
const (
	ExportNever     = "never"
	ExportBatteryOK = "battery_ok"
	ExportPVOnly    = "pv_only"
)

// SiteCommand sends an energy site setting: POST
// /api/1/energy_sites/{siteID}/{name} with body (nil sends {}). Only the
// shape is checked before sending (a positive site id, a command name, a
// JSON object body: *ValidationError, class ErrInvalidRequest); the
// settings, their bodies and ranges are package command's table. Like Home
// Assistant it does not interpret the answer's body (Tesla's is
// undocumented): an HTTP error is the failure, and a 2xx whose body cannot
// be read is success. Never retried.
func (c *Client) SiteCommand(ctx context.Context, siteID int64, name string, body any) error {
	if err := checkSite(name, siteID); err != nil {
		return err
	}
	payload, err := commandPayload(name, body)
	if err != nil {
		return err
	}
	_, err = c.send(ctx, call{method: http.MethodPost, path: sitePath(siteID, name), endpoint: name, device: siteDevice(siteID), body: json.RawMessage(payload)})
	if errors.Is(err, ErrDecode) {
		return nil // a 2xx whose body we could not read: the setting was accepted
	}
	return err
}
