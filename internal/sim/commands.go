package sim

import (
	"net/http"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// chargingCommands also accept the vehicle_charging_cmds scope.
var chargingCommands = map[string]bool{
	"charge_start": true, "charge_stop": true, "charge_max_range": true, "charge_standard": true,
	"set_charging_amps": true, "set_charge_limit": true,
	"charge_port_door_open": true, "charge_port_door_close": true,
	"set_scheduled_charging": true, "set_scheduled_departure": true,
	"add_charge_schedule": true, "remove_charge_schedule": true,
	"add_precondition_schedule": true, "remove_precondition_schedule": true,
}

func commandScopes(r *http.Request) []string {
	if chargingCommands[r.PathValue("name")] {
		return []string{scopeCmds, scopeChargingCmds}
	}
	return []string{scopeCmds}
}

// POST /api/1/vehicles/{tag}/command/{name}
func (h *regionHandler) command(c *call) error {
	if h.c.world.CommandSigning(c.vin) == "required" {
		return newError(http.StatusForbidden, msgProtocolRequired, "")
	}
	params := map[string]any{}
	if err := c.decode(&params); err != nil {
		return err
	}
	if params == nil { // a JSON null body
		params = map[string]any{}
	}
	if !h.c.world.Online(c.vin) {
		return world.ErrUnavailable
	}
	res, err := h.c.world.Command(c.vin, c.r.PathValue("name"), params)
	if err != nil {
		return err
	}
	respond(c.w, res)
	return nil
}
