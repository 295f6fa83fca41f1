package sim

import (
	"encoding/base64"
	"net/http"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// POST /api/1/vehicles/{tag}/signed_command {"routable_message":"<base64>"}
//
// The cloud relays the RoutableMessage to the car and the car's reply back;
// 200 only means the car answered (faults travel inside the reply). A
// vehicle whose command_signing is "off" gets 422 (the SDK then falls back
// to REST) whatever its state; otherwise a vehicle that is not online gets 408.
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
