package sim

import (
	"encoding/base64"
	"net/http"

	"github.com/teslafleet/teslafleet/internal/sim/vcp"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// chargingOnly reports whether a signed_command message asks only for
// commands that vehicle_charging_cmds allows (as the REST commands do). Like
// Tesla, the cloud reads the plaintext of HMAC-signed commands; an
// AES-GCM-encrypted one cannot be checked, so it needs vehicle_cmds.
func chargingOnly(msg []byte) bool {
	names, readable := vcp.CommandNames(msg)
	if !readable {
		return false
	}
	for _, n := range names {
		if !chargingCommands[n] {
			return false
		}
	}
	return true
}

// POST /api/1/vehicles/{tag}/signed_command {"routable_message":"<base64>"}
//
// The cloud relays the RoutableMessage to the car and the car's reply back;
// 200 only means the car answered (faults travel inside the reply). A
// vehicle whose command_signing is "off" gets 422 (the SDK then falls back
// to REST) whatever its state; otherwise a vehicle that is not online gets 408.
// A token with vehicle_charging_cmds but not vehicle_cmds may only send
// charging commands (403 otherwise).
func (h *regionHandler) signedCommand(c *call) error {
	var body struct {
		RoutableMessage *string `json:"routable_message"`
	}
	if err := c.decode(&body); err != nil {
		return err
	}
	if body.RoutableMessage == nil || *body.RoutableMessage == "" {
		return errInvalidRequest("routable_message is required")
	}
	msg, err := base64.StdEncoding.DecodeString(*body.RoutableMessage)
	if err != nil {
		return errInvalidRequest("routable_message is not base64")
	}
	if !c.hasScope(scopeCmds) && !chargingOnly(msg) {
		return errMissingScopes()
	}
	if h.c.world.CommandSigning(c.vin) == "off" {
		return newError(http.StatusUnprocessableEntity, msgNoSignedCommands, "")
	}
	if !h.c.world.Online(c.vin) {
		return world.ErrUnavailable
	}
	car, err := h.c.car(c.vin)
	if err != nil {
		return err
	}
	reply := car.Handle(msg)
	respond(c.w, base64.StdEncoding.EncodeToString(reply))
	return nil
}
